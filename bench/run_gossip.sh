#!/usr/bin/env bash
# Gossip benchmark against DESIGN.md's targets, on scenarios/gossip-10k.json (10,000 nodes,
# random 10-regular graph, DADAO, one node per host of a 10,000-host leaf-spine):
#   1. DADAO networked until the error is 1e-4 of its start: under 10 min, under 4 GiB (and the
#      instant mode, the paper's event process, for reference);
#   2. simgrad's layer against a bare SimGrid program doing the same activities (bench_gossip_bare:
#      same node count, graph kind, rates, message sizes, flops, platform.xml and simulated
#      duration): at most 1.3x. Both are timed in CPU time (user + system), fastest of REPS runs;
#      the load average is printed before and after. The ratio is given for the whole run and for
#      the simulation alone (per time unit: (run of DURATION units - run of 0.001 unit) /
#      DURATION), since simgrad's run also holds a set-up the bare program has no counterpart
#      for (dataset, x*, mu and L, the graph constants chi1 and chi2). The bare program's `pool`
#      mode is simgrad's design (a clock actor, a pool of actors, host-to-host transfers);
#      `direct` and `alarm` are the other plain designs (one actor per node).
# Environment: DURATION (default 20) units for step 2; REPS (default 3) runs of each program in
# step 2; BARE_MODES (default "pool direct alarm"); FULL=0 skips step 1.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/simgrad ] && [ -x build/bench_gossip_bare ] || tools/setup.sh >/dev/null
out=${1:-build/bench-out/gossip}
dur=${DURATION:-20}
reps=${REPS:-3}
modes=${BARE_MODES:-pool direct alarm}
mkdir -p "$out"
field() { grep -m1 "\"$2\":" "$1" | sed 's/.*: *\([0-9.eE+-]*\).*/\1/'; }
bfield() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "load average at start: $(load)"

# simgrad run SCENARIO OUTDIR ARGS...: prints "CPU_S" (user + system) of the run
simgrad_cpu() {
  local o=$1
  shift
  /usr/bin/time -f "%U %S" -o "$o.time" build/simgrad run scenarios/gossip-10k.json --quiet \
    --out "$o" "$@" >"$o.table" 2>"$o.err" || { tail -20 "$o.err" >&2; exit 1; }
  awk '{ printf "%.3f\n", $1 + $2 }' "$o.time"
}

if [ "${FULL:-1}" != 0 ]; then
  for mode in networked instant; do
    extra=()
    [ "$mode" = instant ] && extra=(--set algorithm.instant=true)
    cpu=$(simgrad_cpu "$out/full-$mode" "${extra[@]}")
    s=$out/full-$mode/summary.json
    awk -v m="$mode" -v w="$(field "$s" wall_clock_seconds)" -v c="$cpu" -v r="$(field "$s" peak_rss_mb)" \
        -v g="$(field "$s" gradients)" -v k="$(field "$s" gossips)" -v e="$(field "$s" final_rel_error)" \
        -v t="$(field "$s" simulated_seconds)" 'BEGIN {
      printf "DADAO 10k (%s): error %.3g of its start after %.4g units, %d gradients, %d gossips\n", m, e, t / 0.1, g, k
      printf "  wall %.1f s, CPU %.1f s (target < 600 s: %s)   peak memory %.0f MB (target < 4096: %s)\n",
             w, c, (w < 600) ? "met" : "MISSED", r, (r < 4096) ? "met" : "MISSED" }'
  done
fi

# Step 2: DURATION units, and 0.001 unit for the set-up alone; fastest of REPS each.
best() { sort -g | head -1; }
sg_run=$(for r in $(seq "$reps"); do simgrad_cpu "$out/sg-$r" --set "algorithm.duration=$dur" --set "algorithm.checkpoints=$dur"; done | best)
sg_setup=$(for r in $(seq "$reps"); do simgrad_cpu "$out/sg0-$r" --set algorithm.duration=0.001 --set algorithm.checkpoints=10; done | best)
s=$out/sg-1/summary.json
N=10000 D=10 TAU=0.1 ROWS=30 NP=11
# A message is d doubles; a gradient is sgr_model_grad_flops for lsq (algorithms/model.c): two
# gemvs on a rows x d matrix (4 rows d), 4 flops per row, 4 per parameter (L2). lambda_mix and
# the simulated time come from simgrad's run (the first "lambda_mix" in summary.json is the
# scenario's setting, 0 = computed).
P=$((8 * NP))
F=$((4 * ROWS * NP + 4 * ROWS + 4 * NP))
LAMBDA=$(grep '"lambda_mix":' "$s" | tail -1 | sed 's/.*: *\([0-9.eE+-]*\).*/\1/')
T=$(awk -v t="$(field "$s" simulated_seconds)" -v tau=$TAU 'BEGIN { printf "%.6g", t / tau }')
acts=$(awk -v g="$(field "$s" gradients)" -v m="$(field "$s" messages)" 'BEGIN { print g + m }')
plat=$out/sg-1/platform.xml
echo "== simgrad against bare SimGrid: N=$N, degree $D, lambda_mix $LAMBDA, T=$T units of $TAU s, P=$P bytes, F=$F flops; CPU s, fastest of $reps"
awk -v r="$sg_run" -v z="$sg_setup" -v a="$acts" -v d="$dur" -v rss="$(field "$s" peak_rss_mb)" 'BEGIN {
  printf "  simgrad: %.2f s for %g units (set-up %.2f s, %.3f s per unit), %d activities, peak RSS %.0f MB\n",
         r, d, z, (r - z) / d, a, rss }'
for bmode in $modes; do
  bare() { # T -> file
    for r in $(seq "$reps"); do
      f=$out/bare-$bmode-$1-$r.txt
      build/bench_gossip_bare $N $D "$LAMBDA" $TAU "$1" $P $F "$plat" 10 "$bmode" >"$f" 2>/dev/null
      echo "$(bfield "$f" cpu_total_s) $f"
    done | sort -g | head -1
  }
  read -r b_run bf < <(bare "$T")
  read -r b_setup _ < <(bare 0.001)
  awk -v m="$bmode" -v r="$b_run" -v z="$b_setup" -v d="$dur" -v a="$(bfield "$bf" activities)" \
      -v rss="$(bfield "$bf" peak_rss_mb)" -v pa="$(bfield "$bf" pool_actors)" \
      -v sr="$sg_run" -v sz="$sg_setup" 'BEGIN {
    printf "  bare (%s): %.2f s (set-up %.2f s, %.3f s per unit), %d activities, %s actors in its pool, peak RSS %.0f MB\n",
           m, r, z, (r - z) / d, a, (m == "pool") ? pa : "no", rss
    whole = sr / r; unit = ((sr - sz) / d) / ((r - z) / d)
    printf "  simgrad / bare (%s): %.2fx whole run, %.2fx per simulated unit (target at most 1.3x: %s, %s)\n",
           m, whole, unit, (whole <= 1.3) ? "met" : "MISSED", (unit <= 1.3) ? "met" : "MISSED" }'
done
echo "load average at end: $(load)"
