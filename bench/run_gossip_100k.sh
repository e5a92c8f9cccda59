#!/usr/bin/env bash
# Issue 14's gossip row: DADAO networked, 100,000 nodes, random 10-regular graph, 20 time units
# (scenarios/gossip-100k.json: one node per host of a 100,000-host leaf-spine): under 10 min,
# under 8 GiB. Prints the run's wall and CPU time (user + system) and peak memory against the
# targets, the set-up alone (the same scenario cut at 0.001 unit: platform, dataset, x*, graph
# constants) and the graph constants alone (bench_graph_constants on the same graph), so that
# what the constants cost is visible; with BARE=1, also bench_gossip_bare's pool mode on the
# same activities (lambda_mix and the duration from simgrad's run), for the ratio.
# Each run may take minutes and about 1-2 GB: run it alone on the machine (on a shared one,
# under a lock: flock /work/helpers/bigrun.lock bench/run_gossip_100k.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/simgrad ] && [ -x build/bench_graph_constants ] || tools/setup.sh >/dev/null
out=${1:-build/bench-out/gossip-100k}
mkdir -p "$out"
field() { grep -m1 "\"$2\":" "$1" | sed 's/.*: *\([0-9.eE+-]*\).*/\1/'; }
bfield() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "load average at start: $(load)"

# run NAME ARGS...: simgrad on the scenario, GNU time's record in NAME.time
run() {
  local o=$out/$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$o.time" build/simgrad run scenarios/gossip-100k.json \
    --quiet --out "$o" "$@" >"$o.table" 2>"$o.err" || { tail -20 "$o.err" >&2; exit 1; }
}
run full
run setup --set algorithm.duration=0.001 --set algorithm.checkpoints=10
build/bench_graph_constants 100000 10 10 >"$out/constants.txt"
s=$out/full/summary.json
read -r wall user sys rss_kb <"$out/full.time"
read -r _ suser ssys _ <"$out/setup.time"
awk -v w="$wall" -v u="$user" -v y="$sys" -v r="$rss_kb" -v su="$suser" -v sy="$ssys" \
    -v gc="$(bfield "$out/constants.txt" cpu_constants_s)" -v g="$(field "$s" gradients)" \
    -v k="$(field "$s" gossips)" -v m="$(field "$s" messages)" -v e="$(field "$s" final_rel_error)" \
    -v t="$(field "$s" simulated_seconds)" 'BEGIN {
  cpu = u + y; setup = su + sy
  printf "gossip (DADAO, networked), 100,000 nodes, random 10-regular, %.4g units: error %.3g of its start, %d gradients, %d gossips, %d messages\n",
         t / 0.1, e, g, k, m
  printf "  wall %.1f s, CPU %.1f s (target < 600 s: %s)   peak memory %.0f MB (target < 8192 MB: %s)\n",
         w, cpu, (cpu < 600 && w < 600) ? "met" : "MISSED", r / 1024, (r / 1024 < 8192) ? "met" : "MISSED"
  printf "  set-up %.1f s CPU (%.0f%% of the run), of which the graph constants %.1f s (%.0f%%); simulation %.1f s (%.0f activities per CPU second)\n",
         setup, 100 * setup / cpu, gc, 100 * gc / cpu, cpu - setup, (g + m) / (cpu - setup) }'
if [ "${BARE:-0}" = 1 ]; then
  LAMBDA=$(grep '"lambda_mix":' "$s" | tail -1 | sed 's/.*: *\([0-9.eE+-]*\).*/\1/')
  T=$(awk -v t="$(field "$s" simulated_seconds)" 'BEGIN { printf "%.6g", t / 0.1 }')
  build/bench_gossip_bare 100000 10 "$LAMBDA" 0.1 "$T" 88 1484 "$out/full/platform.xml" 10 pool \
    >"$out/bare.txt" 2>/dev/null
  awk -v b="$(bfield "$out/bare.txt" cpu_total_s)" -v a="$(bfield "$out/bare.txt" activities)" \
      -v r="$(bfield "$out/bare.txt" peak_rss_mb)" -v u="$user" -v y="$sys" 'BEGIN {
    printf "  bare SimGrid (pool), same activities: CPU %.1f s, %d activities, peak RSS %.0f MB; simgrad / bare %.2fx\n",
           b, a, r, (u + y) / b }'
fi
echo "load average at end: $(load)"
