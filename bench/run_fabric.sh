#!/usr/bin/env bash
# Fabric benchmarks (issue 6):
#   1,024-host leaf-spine (32 leaves x 32 hosts, 32 spines): ring all-reduce and all-to-all
#   under ECMP, ideal spraying, 2-way split and planned single path, in one command, under
#   one minute; then an 8,192-host fabric (256 leaves x 32 hosts, 32 spines): ring
#   all-reduce and the first 64 all-to-all steps under the four policies.
# Prints each run's table (completion time and maximum congestion side by side), wall time,
# peak memory and, per policy, the wall time it took.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/simgrad ] || tools/setup.sh >/dev/null
out=${1:-build/bench-out/fabric}
mkdir -p "$out"
field() { grep -m1 "\"$2\":" "$1" | sed 's/.*: *\([0-9.eE+-]*\).*/\1/'; }
for name in fabric-1024 fabric-8192; do
    t0=$(date +%s.%N)
    build/simgrad run "scenarios/$name.json" --quiet --out "$out/$name" >"$out/$name.table" 2>/dev/null
    wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" "BEGIN { print b - a }")
    s=$out/$name/summary.json
    rss=$(field "$s" peak_rss_mb)
    target=""
    if [ "$name" = fabric-1024 ]; then
        target=$(awk -v w="$wall" 'BEGIN { printf "(target < 60 s: %s)", (w < 60) ? "met" : "MISSED" }')
    fi
    printf '%s: wall %.1f s %s   peak memory %.0f MB\n' "$name" "$wall" "$target" "$rss"
    sed 's/^/    /' "$out/$name.table" | grep -v '^    results in'
    awk -F'"' '/"name":/ { n = $4 } /"wall_clock_seconds":/ && n { split($0, a, ": "); sub(/,.*/, "", a[2]);
               printf "    wall %-24s %7.2f s\n", n, a[2]; n = "" }' "$s"
done
