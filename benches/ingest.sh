#!/usr/bin/env bash
# Ingest benchmark: marsad vs newsboat over the same loopback feed farm.
#
#   benches/ingest.sh [RUNS]            (default 3 runs per measurement)
#
# Environment: SIZES="200x50 200x500" (feeds x items), THREADS=8 (marsad's
# concurrency and per_host, newsboat's reload-threads), MARSAD=path to a release
# binary (default: builds target/release/marsad), OUT=report file
# (default benches/REPORT-ingest.md).
#
# Each run starts from a fresh store / fresh cache. "second pass" runs again over
# the unchanged farm: every request is conditional and nothing is written.
# Wall, CPU (user+sys) and peak RSS come from /usr/bin/time -v; medians are
# reported. The farm is a separate process and is not measured.
set -euo pipefail

RUNS=${1:-3}
SIZES=${SIZES:-"200x50 200x500"}
THREADS=${THREADS:-8}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/benches/REPORT-ingest.md}

if [ -z "${MARSAD:-}" ]; then
    (cd "$ROOT" && cargo build --release --quiet)
    MARSAD=$ROOT/target/release/marsad
fi
if ! command -v newsboat >/dev/null; then
    echo "installing newsboat" >&2
    if ! apt-get install -y -qq newsboat >/dev/null 2>&1; then
        apt-get update -qq && apt-get install -y -qq newsboat >/dev/null
    fi
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

# measure OUTFILE CMD...: runs CMD under /usr/bin/time -v, appends "wall cpu rss_kb".
measure() {
    local out=$1; shift
    /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$WORK/cmd.out" 2>"$WORK/cmd.err" || {
        echo "failed: $*" >&2; cat "$WORK/cmd.err" >&2; exit 1; }
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
        /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { m = $2 }
        END { printf "%.3f %.3f %d\n", w, u + s, m }' "$WORK/time.txt" >>"$out"
}

median() { # column FILE
    sort -n -k"$1" "$2" | awk -v c="$1" '{ v[NR] = $c } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

row() { # label FILE
    printf "| %s | %s s | %s s | %s MiB |\n" "$1" "$(median 1 "$2")" "$(median 2 "$2")" "$(median 3 "$2" | awk '{ printf "%.1f", $1 / 1024 }')"
}

{
    echo "# Ingest benchmark: marsad vs newsboat"
    echo
    echo "Produced by \`benches/ingest.sh $RUNS\` on $(date -u '+%Y-%m-%d %H:%M UTC')."
    echo
    echo "- Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
    echo "- Kernel: $(uname -sr); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- marsad: $("$MARSAD" --version) (release build); newsboat: $(newsboat -v 2>/dev/null | head -1 | cut -c1-40)"
    echo "- Concurrency: marsad \`concurrency = $THREADS\`, \`per_host = $THREADS\` (the farm is one host); newsboat \`reload-threads $THREADS\`"
    echo "- $RUNS runs each, medians; wall and CPU (user + system) in seconds, peak RSS from \`/usr/bin/time -v\`"
    echo
} >"$OUT.tmp"

for size in $SIZES; do
    feeds=${size%x*}; items=${size#*x}
    dir=$WORK/$size; mkdir -p "$dir"
    "$MARSAD" farm --feeds "$feeds" --items "$items" \
        --write-config "$dir/feeds.toml" --write-urls "$dir/urls" \
        --settings "concurrency = $THREADS\nper_host = $THREADS" >"$dir/farm.out" 2>&1 &
    FARM_PID=$!
    for _ in $(seq 100); do [ -s "$dir/farm.out" ] && break; sleep 0.1; done
    printf 'reload-threads %s\n' "$THREADS" >"$dir/newsboat.conf"

    : >"$dir/m1"; : >"$dir/m2"; : >"$dir/n1"; : >"$dir/n2"
    for r in $(seq "$RUNS"); do
        rm -f "$dir"/s.db*
        measure "$dir/m1" "$MARSAD" --config "$dir/feeds.toml" --store "$dir/s.db" fetch --once --json
        new=$(sed -n 's/.*"new":\([0-9]*\),"not_modified".*/\1/p' "$WORK/cmd.out" | tail -1)
        measure "$dir/m2" "$MARSAD" --config "$dir/feeds.toml" --store "$dir/s.db" fetch --once --force --json
        nm=$(sed -n 's/.*"not_modified":\([0-9]*\),.*"seconds".*/\1/p' "$WORK/cmd.out" | tail -1)
        new2=$(sed -n 's/.*"new":\([0-9]*\),"not_modified".*/\1/p' "$WORK/cmd.out" | tail -1)
        echo "marsad $size run $r: $new new; second pass $nm not modified, $new2 new" >&2

        rm -f "$dir"/cache.db*
        measure "$dir/n1" newsboat -x reload -u "$dir/urls" -c "$dir/cache.db" -C "$dir/newsboat.conf"
        measure "$dir/n2" newsboat -x reload -u "$dir/urls" -c "$dir/cache.db" -C "$dir/newsboat.conf"
        echo "newsboat $size run $r: $(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from rss_item').fetchone()[0])" "$dir/cache.db" 2>/dev/null || echo '?') items" >&2
    done
    kill "$FARM_PID"; wait "$FARM_PID" 2>/dev/null || true; FARM_PID=

    mw=$(median 1 "$dir/m1"); nw=$(median 1 "$dir/n1")
    {
        echo "## $feeds feeds × $items items ($((feeds * items)) items)"
        echo
        echo "| run | wall | CPU | peak memory |"
        echo "| --- | ---: | ---: | ---: |"
        row "marsad, fresh store" "$dir/m1"
        row "newsboat, fresh cache" "$dir/n1"
        row "marsad, second pass (all 304)" "$dir/m2"
        row "newsboat, second pass" "$dir/n2"
        echo
        echo "marsad's wall time is $(awk -v a="$mw" -v b="$nw" 'BEGIN { printf "%.3f", a / b }') of newsboat's (fresh run)."
        echo "Last marsad run: $new items written on the first pass; on the second, $nm of $feeds feeds answered 304 and $new2 items were written."
        echo
    } >>"$OUT.tmp"
done
mv "$OUT.tmp" "$OUT"
cat "$OUT"
