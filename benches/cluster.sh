#!/usr/bin/env bash
# `marsad cluster` throughput on one core.
#
#   benches/cluster.sh [RUNS]            (default 5 runs)
#
# Environment: ITEMS=100000 (items clustered per run), MARSAD=path to a release
# binary (default: builds target/release/marsad), MARSAD_EVAL_DIR (where
# stories-dev.jsonl is; default ../shared/eval), OUT=report file (default
# benches/REPORT-cluster.md).
#
# The input cycles the labeled items of stories-dev.jsonl (150 Arabic and
# English headlines with their leads, 150-450 characters) with fresh ids, each
# cycle 10 days after the last, so stories form, cool and are dropped as in a
# long stream. The process is pinned to one core (taskset); wall, CPU
# (user+sys) and peak RSS come from /usr/bin/time -v; medians, min and max.
set -euo pipefail

RUNS=${1:-5}
ITEMS=${ITEMS:-100000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/benches/REPORT-cluster.md}
EVAL=${MARSAD_EVAL_DIR:-$ROOT/../shared/eval}

if [ -z "${MARSAD:-}" ]; then
    (cd "$ROOT" && cargo build --release --quiet)
    MARSAD=$ROOT/target/release/marsad
fi
if [ ! -x /usr/bin/time ]; then
    apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export HOME=$WORK XDG_CONFIG_HOME=$WORK/config XDG_DATA_HOME=$WORK/data
unset MARSAD_CONFIG MARSAD_STORE

python3 - "$EVAL/stories-dev.jsonl" "$ITEMS" >"$WORK/in.jsonl" <<'PY'
import json, sys, datetime
items = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
n = int(sys.argv[2])
out = sys.stdout
for k in range(n):
    c, it = divmod(k, len(items))
    d = dict(items[it])
    d.pop("story", None)
    d["id"] = f"c{c}-{d['id']}"
    t = datetime.datetime.fromisoformat(d["published"].replace("Z", "+00:00"))
    d["published"] = (t + datetime.timedelta(days=10 * c)).strftime("%Y-%m-%dT%H:%M:%SZ")
    out.write(json.dumps(d, ensure_ascii=False) + "\n")
PY

run() { # label args...: one measured run, prints "wall cpu rss_kb"
    /usr/bin/time -v -o "$WORK/time.txt" taskset -c 0 "$MARSAD" "$@" <"$WORK/in.jsonl" >"$WORK/out.jsonl"
    [ "$(wc -l <"$WORK/out.jsonl")" -eq "$ITEMS" ] || { echo "wrong line count" >&2; exit 1; }
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
        /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { r = $2 }
        END { printf "%.3f %.3f %d\n", w, u + s, r }' "$WORK/time.txt"
}

stats() { # values on stdin: "median min max"
    sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s %s %s\n", m, v[1], v[NR] }'
}

: >"$WORK/plain"; : >"$WORK/explain"
for _ in $(seq "$RUNS"); do
    run cluster >>"$WORK/plain"
    run cluster --explain >>"$WORK/explain"
done

row() { # label file
    read -r wm wmin wmax < <(cut -d' ' -f1 "$2" | stats)
    read -r cm cmin cmax < <(cut -d' ' -f2 "$2" | stats)
    read -r rm _ _ < <(cut -d' ' -f3 "$2" | stats)
    awk -v l="$1" -v n="$ITEMS" -v wm="$wm" -v wmin="$wmin" -v wmax="$wmax" -v cm="$cm" -v cmin="$cmin" -v cmax="$cmax" -v rm="$rm" \
        'BEGIN { printf "| %s | %.0f | %.2f (%.2f–%.2f) | %.2f (%.2f–%.2f) | %.1f |\n", l, n / cm, wm, wmin, wmax, cm, cmin, cmax, rm / 1024 }'
}

{
    echo "# marsad cluster: throughput on one core"
    echo
    echo "Command: \`benches/cluster.sh $RUNS\` (ITEMS=$ITEMS), $(date -u +%Y-%m-%dT%H:%MZ), commit $(cd "$ROOT" && git rev-parse --short HEAD)."
    echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), shared with other builds; pinned to core 0."
    echo
    echo "Input: stories-dev.jsonl cycled to $ITEMS items (150 a cycle, 10 days apart), $(du -h "$WORK/in.jsonl" | cut -f1) of JSON lines."
    echo "Each run: parse, classify with the built-in watch's rules, cluster, write one line per item."
    echo
    echo "| run | items/s (by CPU) | wall s, median (min–max) | CPU s, median (min–max) | peak RSS MiB |"
    echo "|---|---|---|---|---|"
    row "cluster" "$WORK/plain"
    row "cluster --explain" "$WORK/explain"
    echo
    echo "$RUNS runs each, interleaved."
} | tee "$OUT"
