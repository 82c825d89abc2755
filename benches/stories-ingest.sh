#!/usr/bin/env bash
# Ingest with stories on and off: the CPU that story clustering adds.
#
#   benches/stories-ingest.sh [RUNS]      (default 5 runs each)
#
# Environment: FEEDS=200 ITEMS=500 (the farm), THREADS=8, MARSAD=path to a
# release binary (default: builds target/release/marsad), OUT=report file
# (default benches/REPORT-stories-ingest.md).
#
# One loopback farm; each run is `marsad fetch --once` into a fresh store,
# `settings.stories` on and off interleaved, so both see the same machine.
# Wall and CPU (user + system) from /usr/bin/time -v; medians, min and max.
set -euo pipefail

RUNS=${1:-5}
FEEDS=${FEEDS:-200}
ITEMS=${ITEMS:-500}
THREADS=${THREADS:-8}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/benches/REPORT-stories-ingest.md}

if [ -z "${MARSAD:-}" ]; then
    (cd "$ROOT" && cargo build --release --quiet)
    MARSAD=$ROOT/target/release/marsad
fi
if [ ! -x /usr/bin/time ]; then
    apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
fi

WORK=$(mktemp -d)
FARM_PID=
cleanup() {
    if [ -n "$FARM_PID" ]; then kill "$FARM_PID" 2>/dev/null || true; wait "$FARM_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

"$MARSAD" farm --feeds "$FEEDS" --items "$ITEMS" --write-config "$WORK/on.toml" --write-urls "$WORK/urls" \
    --settings "concurrency = $THREADS\nper_host = $THREADS" >"$WORK/farm.out" 2>&1 &
FARM_PID=$!
for _ in $(seq 100); do [ -s "$WORK/farm.out" ] && break; sleep 0.1; done
sed 's/^\[settings\]$/[settings]\nstories = false/' "$WORK/on.toml" >"$WORK/off.toml"
grep -q '^stories = false' "$WORK/off.toml" || { echo "no [settings] in the farm's config" >&2; exit 1; }

run() { # config: one measured run into a fresh store, prints "wall cpu items stories"
    rm -f "$WORK"/s.db*
    /usr/bin/time -v -o "$WORK/time.txt" "$MARSAD" --config "$WORK/$1.toml" --store "$WORK/s.db" fetch --once --json >"$WORK/out.json"
    local counts
    counts=$(python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('select count(*) from items').fetchone()[0], c.execute('select count(*) from item_stories').fetchone()[0], c.execute('select count(distinct story) from item_stories').fetchone()[0])" "$WORK/s.db")
    awk -F': ' -v c="$counts" '
        /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
        /User time/ { u = $2 } /System time/ { s = $2 }
        END { printf "%.3f %.3f %s\n", w, u + s, c }' "$WORK/time.txt"
}

stats() { # values on stdin: "median min max"
    sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s %s %s\n", m, v[1], v[NR] }'
}

: >"$WORK/on"; : >"$WORK/off"
for _ in $(seq "$RUNS"); do
    run off >>"$WORK/off"
    run on >>"$WORK/on"
done

row() { # label file
    read -r wm wmin wmax < <(cut -d' ' -f1 "$2" | stats)
    read -r cm cmin cmax < <(cut -d' ' -f2 "$2" | stats)
    read -r items placed stories < <(tail -1 "$2" | cut -d' ' -f3-5)
    printf "| %s | %s (%s–%s) | %s (%s–%s) | %s | %s | %s |\n" "$1" "$wm" "$wmin" "$wmax" "$cm" "$cmin" "$cmax" "$items" "$placed" "$stories"
}
con=$(cut -d' ' -f2 "$WORK/on" | stats | cut -d' ' -f1)
coff=$(cut -d' ' -f2 "$WORK/off" | stats | cut -d' ' -f1)
{
    echo "# Ingest with stories on and off"
    echo
    echo "Command: \`benches/stories-ingest.sh $RUNS\` (FEEDS=$FEEDS ITEMS=$ITEMS THREADS=$THREADS), $(date -u +%Y-%m-%dT%H:%MZ), commit $(cd "$ROOT" && git rev-parse --short HEAD)."
    echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), shared with other builds; load average at start $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    echo "Each run: \`marsad fetch --once\` from the loopback farm into a fresh store; on and off interleaved."
    echo
    echo "| stories | wall s, median (min–max) | CPU s, median (min–max) | items stored | items in stories | stories |"
    echo "|---|---|---|---|---|---|"
    row off "$WORK/off"
    row on "$WORK/on"
    echo
    echo "CPU with stories on / off (medians): $(awk -v a="$con" -v b="$coff" 'BEGIN { printf "%.3f", a / b }')."
} | tee "$OUT"
