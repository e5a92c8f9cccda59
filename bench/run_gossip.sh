#!/usr/bin/env bash
# Gossip benchmark against DESIGN.md's target:
#   DADAO, 10,000 nodes, random 10-regular graph, d = 10, condition number 10, until the error
#   is 1e-4 of its start: under 10 min wall, under 4 GiB
# Runs scenarios/gossip-10k.json networked (every node an actor, every gossip a request and a
# reply over a 10,000-host leaf-spine) and instant (the paper's event process), and prints
# wall time, memory and events per wall second from each summary.json.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/simgrad ] || tools/setup.sh >/dev/null
out=${1:-build/bench-out/gossip}
mkdir -p "$out"
field() { grep -m1 "\"$2\":" "$1" | sed 's/.*: *\([0-9.eE+-]*\).*/\1/'; }
for mode in networked instant; do
  extra=()
  [ "$mode" = instant ] && extra=(--set algorithm.instant=true)
  build/simgrad run scenarios/gossip-10k.json --quiet --out "$out/$mode" "${extra[@]}" >"$out/$mode.table"
  s=$out/$mode/summary.json
  wall=$(field "$s" wall_clock_seconds)
  rss=$(field "$s" peak_rss_mb)
  grads=$(field "$s" gradients)
  goss=$(field "$s" gossips)
  rel=$(field "$s" final_rel_error)
  awk -v m="$mode" -v w="$wall" -v r="$rss" -v g="$grads" -v c="$goss" -v e="$rel" 'BEGIN {
    printf "DADAO 10k (%s): error %.3g of its start, %d gradients, %d gossips\n", m, e, g, c
    printf "  wall %.1f s (target < 600 s: %s)   peak memory %.0f MB (target < 4096: %s)   %.0f events per wall second\n",
           w, (w < 600) ? "met" : "MISSED", r, (r < 4096) ? "met" : "MISSED", (g + c) / w }'
done
