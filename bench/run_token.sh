#!/usr/bin/env bash
# Token benchmark against DESIGN.md's target:
#   SRRW token, 10,000-node graph, 10^6 hops: under 2 min wall
# Prints wall time, peak memory and hops per wall second from the run's summary.json.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/simgrad ] || tools/setup.sh >/dev/null
out=${1:-build/bench-out/token}
mkdir -p "$out"
field() { grep -m1 "\"$2\":" "$1" | sed 's/.*: *\([0-9.eE+-]*\).*/\1/'; }
build/simgrad run scenarios/token-10k.json --quiet --out "$out/token-10k" >"$out/token-10k.table"
s=$out/token-10k/summary.json
wall=$(field "$s" wall_clock_seconds)
rss=$(field "$s" peak_rss_mb)
hops=$(grep -m1 '"hops":' "$s" | sed 's/.*: *\([0-9]*\).*/\1/')
awk -v w="$wall" -v r="$rss" -v h="$hops" 'BEGIN {
  printf "token-10k (SRRW alpha 5, random 10-regular graph, 10,000 nodes, %d hops)\n", h
  printf "  wall %.1f s (target < 120 s: %s)   peak memory %.0f MB   %.0f hops per wall second\n",
         w, (w < 120) ? "met" : "MISSED", r, h / w }'
sed 's/^/    /' "$out/token-10k.table"
