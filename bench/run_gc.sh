#!/usr/bin/env bash
# Gradient-coding benchmarks against DESIGN.md's targets:
#   SGC, 256 workers, 80 jobs, real softmax gradients on Fashion-MNIST: under 1 min wall
#   SGC, 10,000 workers, 20 jobs (fractional repetition):             under 5 min wall
# Each run prints wall time and peak memory from its summary.json (both measured by simgrad).
# Then simgrad against bare SimGrid on gc-10k's activities (below), in CPU time.
#   [ONLY="scenarios bare"] [REPS=3] bench/run_gc.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/simgrad ] || tools/setup.sh >/dev/null
cmake --build build -j2 --target simgrad_cli bench_ps_bare >/dev/null
ONLY=${ONLY:-scenarios bare}
out=${1:-build/bench-out/gc}
mkdir -p "$out"
field() { grep -m1 "\"$2\":" "$1" | sed 's/.*: *\([0-9.eE+-]*\).*/\1/'; }
bench() { # NAME SCENARIO TARGET_SECONDS
  local name=$1 scn=$2 target=$3
  build/simgrad run "$scn" --quiet --out "$out/$name" >"$out/$name.table"
  local wall rss
  wall=$(field "$out/$name/summary.json" wall_clock_seconds)
  rss=$(field "$out/$name/summary.json" peak_rss_mb)
  printf '%-34s wall %8.1f s (target < %d s: %s)   peak memory %7.0f MB\n' "$name" "$wall" "$target" \
    "$(awk -v w="$wall" -v t="$target" 'BEGIN{print (w < t) ? "met" : "MISSED"}')" "$rss"
  sed 's/^/    /' "$out/$name.table"
}
if [[ " $ONLY " == *" scenarios "* ]]; then
  bench "gc-256-bursty (4 schemes, FMNIST)" scenarios/gc-256-bursty.json 60
  bench "gc-10k (3 schemes, fractional)" scenarios/gc-10k.json 300
fi
[[ " $ONLY " == *" bare "* ]] || exit 0

# simgrad's layer against bare SimGrid on gc-10k's activities (DESIGN.md: at most 1.3x): GC
# alone (fractional repetition, s = 9) with no stragglers, so that every job is the same set of
# activities in both programs: each worker executes F flops on its host (its s + 1 segment
# gradients and their combination, sgr_model_grad_flops of softmax) and sends one result of P
# bytes to the master's mailboxes, then the master decodes (2 (P/8) n flops). Two bare SimGrid
# drivers of them (bench_ps_bare): `gcworkers`, a persistent actor per worker woken by a
# semaphore (what the family does), and `tasks`, an actor per worker and job (what it did
# before). Each also with 1 job: the difference is the per-job cost, with loading, dataset
# generation and deployment taken out. simgrad's figures include its real work (each job's
# segment gradients, coded results, decoding and its check against the true gradient, the
# dataset); the same run with an ideal network (no SimGrid activity, the same real work) shows
# how much. CPU time (user + system), fastest of REPS (default 3) interleaved runs.
REPS=${REPS:-3}
SAME=(--set algorithm.schemes=gc --set stragglers.p=0)
build/simgrad run scenarios/gc-10k.json --quiet --out "$out/same-r1" "${SAME[@]}" --set algorithm.jobs=1 >/dev/null
S=$out/same-r1/summary.json
n=$(field "$S" workers) R=$(grep -m1 '"jobs":' scenarios/gc-10k.json | sed 's/[^0-9]//g') NP=$(field "$S" parameters)
d=$(field "$S" features) k=$(field "$S" classes) s=$(field "$S" s)
grep -q '"bias": true' "$S" && d=$((d + 1))
rows=$(($(field "$S" samples) / n))
F=$(((s + 1) * (4 * rows * d * k + rows * (5 * k + 5) + 4 * NP + 2 * NP)))
P=$((NP * 8))
sp=$(sed -n 's/.*"host_speed": *"\([0-9.]*\)Mf".*/\1e6/p; s/.*"host_speed": *"\([0-9.]*\)Gf".*/\1e9/p' "$S")
PLAT="leaf-spine:$(field "$S" leaves),$(field "$S" hosts_per_leaf),$(field "$S" spines),$sp,$(field "$S" oversubscription)"
STACK=$(sed -n 's/.*"stack_size": *"\([0-9]*\)KiB".*/\1/p' "$S")
echo
echo "== simgrad against bare SimGrid (bench_ps_bare): n=$n, $R jobs, P=$P bytes, F=$F flops, $PLAT, ${STACK} KiB stacks"
echo "load average before: $(cat /proc/loadavg)"
timed() { # timed NAME COMMAND...: the fastest CPU seconds (user + system) so far in $best_NAME
  local name=$1 f=$out/$1.t TIMEFORMAT='%U %S' c v a
  shift
  { time "$@" >"$f.out"; } 2>"$f"
  c=$(tail -n 1 "$f" | awk '{ print $1 + $2 }')
  v=best_${name//-/_} a=all_${name//-/_}
  if [ -z "${!v:-}" ] || awk "BEGIN { exit !($c < ${!v}) }"; then printf -v "$v" %s "$c"; fi
  printf -v "$a" '%s %s' "${!a:-}" "$c"
}
MODES=(gcworkers tasks)
for rep in $(seq 1 "$REPS"); do
  timed simgrad build/simgrad run scenarios/gc-10k.json --quiet --out "$out/same" "${SAME[@]}"
  timed simgrad-r1 build/simgrad run scenarios/gc-10k.json --quiet --out "$out/same-r1" "${SAME[@]}" \
    --set algorithm.jobs=1
  timed ideal build/simgrad run scenarios/gc-10k.json --quiet --out "$out/ideal" "${SAME[@]}" \
    --set algorithm.ideal_network=true
  timed ideal-r1 build/simgrad run scenarios/gc-10k.json --quiet --out "$out/ideal-r1" "${SAME[@]}" \
    --set algorithm.ideal_network=true --set algorithm.jobs=1
  for m in "${MODES[@]}"; do
    timed "$m" build/bench_ps_bare -m "$m" -s "$STACK" "$n" "$R" "$P" "$F" "$PLAT"
    timed "$m-r1" build/bench_ps_bare -m "$m" -s "$STACK" "$n" 1 "$P" "$F" "$PLAT"
  done
done
echo "load average after: $(cat /proc/loadavg)"
echo "CPU of each repetition (s): simgrad$all_simgrad; gcworkers$all_gcworkers; tasks$all_tasks"
per_job() { awk -v a="$1" -v b="$2" -v r="$R" 'BEGIN { printf "%.4f", (a - b) / (r - 1) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
printf '%-44s %10s %12s\n' "fastest of $REPS, CPU (s)" "$R jobs" "per job"
row() { printf '%-44s %10.2f %12.4f\n' "$1" "$2" "$(per_job "$2" "$3")"; }
row "simgrad" "$best_simgrad" "$best_simgrad_r1"
row "  of which its real work (ideal network)" "$best_ideal" "$best_ideal_r1"
row "bare gcworkers (simgrad's driver)" "$best_gcworkers" "$best_gcworkers_r1"
row "bare tasks (an actor per task)" "$best_tasks" "$best_tasks_r1"
ss=$(field "$out/same/summary.json" simulated_time_s)
for m in "${MODES[@]}"; do
  b=best_$m b1=best_${m}_r1
  tr=$(ratio "$best_simgrad" "${!b}")
  jr=$(ratio "$(per_job "$best_simgrad" "$best_simgrad_r1")" "$(per_job "${!b}" "${!b1}")")
  printf 'simgrad / bare %-10s whole run %s x, per job %s x   target at most 1.3x: %s, %s\n' "$m:" "$tr" "$jr" \
    "$(awk -v r="$tr" 'BEGIN{print (r <= 1.3) ? "met" : "MISSED"}')" \
    "$(awk -v r="$jr" 'BEGIN{print (r <= 1.3) ? "met" : "MISSED"}')"
  printf '  %-25s whole run %s x, per job %s x (simgrad minus its real work, for where the time goes)\n' "" \
    "$(ratio "$(awk -v a="$best_simgrad" -v b="$best_ideal" 'BEGIN { print a - b }')" "${!b}")" \
    "$(ratio "$(awk -v a="$(per_job "$best_simgrad" "$best_simgrad_r1")" -v b="$(per_job "$best_ideal" "$best_ideal_r1")" 'BEGIN { print a - b }')" "$(per_job "${!b}" "${!b1}")")"
  bs=$(awk '$1 == "simulated_time_s" { print $2 }' "$out/$m.t.out")
  awk -v a="$ss" -v b="$bs" 'BEGIN { d = a - b; exit !(d > 1e-9 || d < -1e-9) }' &&
    echo "note: simulated times differ ($ss s against $bs s): not the same activities" >&2
done
echo "simulated time $ss s (bare: $(awk '$1 == "simulated_time_s" { print $2 }' "$out/gcworkers.t.out") s)"
