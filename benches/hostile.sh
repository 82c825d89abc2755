#!/usr/bin/env bash
# Hostile feeds: the probe's cases of issue 18, fetched by the real binary.
#
#   benches/hostile.sh [RUNS]           (default 3 runs per case)
#
# Environment: MARSAD=path to a release binary (default: builds
# target/release/marsad), OUT=report file (default benches/REPORT-hostile.md).
#
# Each case is one `file:` feed of one item whose description holds hostile
# HTML, as the probe sent it (unclosed tags): a 1700 x 1700 table (14.5 MB), a
# 1000 x 1000 table (5 MB), `<div>`s nested 25,000, 100,000 and 400,000 deep
# (the last 2 MB), and one tag with 200,000 attributes (html5ever checks each
# new attribute against those before it). Each run is `marsad fetch --once`
# on a fresh store under /usr/bin/time -v: wall and CPU (user+sys) time and
# peak RSS, medians with min-max. "again" polls the 400k feed a second time
# with --force: the item is known, and nothing is made into text. The targets
# are peak memory <= 200 MiB and CPU <= 1 s per MB of input.
set -euo pipefail

RUNS=${1:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/benches/REPORT-hostile.md}

if [ -z "${MARSAD:-}" ]; then
    (cd "$ROOT" && cargo build --release --quiet)
    MARSAD=$ROOT/target/release/marsad
fi
if [ ! -x /usr/bin/time ]; then
    apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The feeds, and the size of each item's HTML in bytes.
python3 - "$WORK" <<'EOF'
import sys
work = sys.argv[1]
def rss(name, body):
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f'<title>{name}</title><link>http://127.0.0.1/</link><description>d</description>'
            f'<item><title>{name}</title><link>http://127.0.0.1/{name}</link><guid>{name}</guid>'
            f'<description><![CDATA[{body}]]></description></item></channel></rss>')
cases = {
    "table1700": "<table>" + ("<tr>" + "<td>x" * 1700) * 1700 + "</table>",
    "table1000": "<table>" + ("<tr>" + "<td>x" * 1000) * 1000 + "</table>",
    "nest25k": "<div>" * 25_000 + "deep",
    "nest100k": "<div>" * 100_000 + "deep",
    "nest400k": "<div>" * 400_000 + "deep",
    "attrs200k": "<p " + " ".join(f"a{i}" for i in range(200_000)) + ">text</p>",
}
with open(f"{work}/sizes", "w") as sizes:
    for name, body in cases.items():
        with open(f"{work}/{name}.xml", "w") as f:
            f.write(rss(name, body))
        with open(f"{work}/{name}.toml", "w") as f:
            f.write(f'[[feed]]\nname = "{name}"\nurl = "file:{name}.xml"\n\n'
                    '[[topic]]\nid = "t"\nname = "T"\nterms = ["x"]\n')
        sizes.write(f"{name} {len(body)}\n")
EOF

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
span() { # column FILE: min-max
    sort -n -k"$1" "$2" | awk -v c="$1" 'NR == 1 { lo = $c } { hi = $c } END { printf "%s–%s", lo, hi }'
}

# row LABEL BYTES FILE: one table row with the verdict against the targets.
row() {
    local label=$1 bytes=$2 f=$3
    local wall cpu rss mb rss_mib per_mb ok
    wall=$(median 1 "$f"); cpu=$(median 2 "$f"); rss=$(median 3 "$f")
    mb=$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1e6 }')
    rss_mib=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
    per_mb=$(awk -v c="$cpu" -v b="$bytes" 'BEGIN { printf "%.3f", c / (b / 1e6) }')
    ok=$(awk -v r="$rss" -v p="$per_mb" 'BEGIN { print (r <= 200 * 1024 && p <= 1.0) ? "yes" : "**no**" }')
    echo "| $label | $mb | $wall ($(span 1 "$f")) | $cpu ($(span 2 "$f")) | $per_mb | $rss_mib ($(awk '{ print $3 / 1024 }' "$f" | sort -n | awk -v dash="–" 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.1f%s%.1f", lo, dash, hi }')) | $ok |"
}

cd "$WORK"
TABLE=$WORK/table.md
: >"$TABLE"
while read -r name bytes; do
    : >"$WORK/$name.runs"
    for _ in $(seq "$RUNS"); do
        rm -f "$name.db" "$name.db-wal" "$name.db-shm"
        measure "$WORK/$name.runs" "$MARSAD" --config "$name.toml" --store "$name.db" fetch --once --json
    done
    grep -q '"new":1' "$WORK/cmd.out" || { echo "$name: the item was not stored" >&2; cat "$WORK/cmd.out" >&2; exit 1; }
    row "$name" "$bytes" "$WORK/$name.runs" >>"$TABLE"
    echo "$name done" >&2
done <"$WORK/sizes"

# The 400k feed again, on the store its last run left: the item is known.
: >"$WORK/again.runs"
for _ in $(seq "$RUNS"); do
    measure "$WORK/again.runs" "$MARSAD" --config nest400k.toml --store nest400k.db fetch --once --force --json
done
grep -q '"seen":1' "$WORK/cmd.out" || { echo "again: the item was not known" >&2; cat "$WORK/cmd.out" >&2; exit 1; }
row "nest400k again (known)" "$(awk '$1 == "nest400k" { print $2 }' "$WORK/sizes")" "$WORK/again.runs" >>"$TABLE"

# What the stored text of each case looks like (its first and last 100 bytes).
SAMPLES=$WORK/samples.md
for name in table1700 nest400k attrs200k; do
    python3 - "$name" >>"$SAMPLES" <<'EOF'
import sqlite3, sys
name = sys.argv[1]
text = sqlite3.connect(f"{name}.db").execute("SELECT text FROM items").fetchone()[0]
print(f"- {name}: {len(text)} bytes of text: `{text[:100]!r}` … `{text[-100:]!r}`")
EOF
done

# What follows the marker in the report (the checklist) is kept as it is.
KEEP=$WORK/keep.md
MARKER='<!-- kept by benches/hostile.sh -->'
if [ -f "$OUT" ] && grep -qF "$MARKER" "$OUT"; then
    awk -v m="$MARKER" 'index($0, m) { on = 1 } on' "$OUT" >"$KEEP"
else
    : >"$KEEP"
fi

{
    echo "# Hostile feeds: the probe's cases (issue 18)"
    echo
    echo "Command: \`benches/hostile.sh $RUNS\` ($RUNS runs per case, medians with min–max)."
    echo "Binary: $("$MARSAD" --version) (release), commit $(cd "$ROOT" && git rev-parse --short HEAD)."
    echo "Machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), shared with other builds; $(date -u '+%Y-%m-%d %H:%M UTC')."
    echo
    echo "Each run is \`marsad fetch --once\` on a fresh store, one \`file:\` feed of one item"
    echo "whose HTML is the case (unclosed tags, as the probe sent them), under"
    echo "\`/usr/bin/time -v\`. MB is the item's HTML. Targets: peak RSS ≤ 200 MiB, CPU ≤ 1 s per MB."
    echo
    echo "| case | MB | wall s | CPU s | CPU s per MB | peak RSS MiB | targets met |"
    echo "|---|---|---|---|---|---|---|"
    cat "$TABLE"
    echo
    echo "Stored text:"
    echo
    cat "$SAMPLES"
    if [ -s "$KEEP" ]; then
        echo
        cat "$KEEP"
    fi
} >"$OUT"
cat "$OUT"
