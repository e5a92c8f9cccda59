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
# activities in both programs: a task actor per worker on its host executing F flops (its
# s + 1 segment gradients and their combination, sgr_model_grad_flops of softmax), one result
# of P bytes to the master's mailboxes, then the master's decoding (2 (P/8) n flops);
# `bench_ps_bare -m tasks` does that in plain SimGrid. Both also with 1 job: the difference
# is the per-job cost, with loading, dataset generation and deployment taken out. simgrad's
# includes the real work (each job's segment gradients, coded results, decoding and its check
# against the true gradient). CPU time (user + system), fastest of REPS (default 3)
# interleaved runs.
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
echo "== simgrad against bare SimGrid (bench_ps_bare -m tasks): n=$n, $R jobs, P=$P bytes, F=$F flops, $PLAT, ${STACK} KiB stacks"
echo "load average before: $(cat /proc/loadavg)"
timed() { # timed FILE COMMAND...: CPU seconds (user + system) to FILE, output to FILE.out
  local f=$1 TIMEFORMAT='%U %S'
  shift
  { time "$@" >"$f.out"; } 2>"$f"
  tail -n 1 "$f" | awk '{ print $1 + $2 }' >"$f.cpu"
}
min_of() { if [ -z "${!1}" ] || awk "BEGIN { exit !($2 < ${!1}) }"; then printf -v "$1" %s "$2"; fi; }
sc= sc1= bc= bc1= all_s= all_b=
cpu() { cat "$out/$1.t.cpu"; }
for rep in $(seq 1 "$REPS"); do
  timed "$out/same.t" build/simgrad run scenarios/gc-10k.json --quiet --out "$out/same" "${SAME[@]}"
  timed "$out/same-r1.t" build/simgrad run scenarios/gc-10k.json --quiet --out "$out/same-r1" "${SAME[@]}" \
    --set algorithm.jobs=1
  timed "$out/bare.t" build/bench_ps_bare -m tasks -s "$STACK" "$n" "$R" "$P" "$F" "$PLAT"
  timed "$out/bare-r1.t" build/bench_ps_bare -m tasks -s "$STACK" "$n" 1 "$P" "$F" "$PLAT"
  min_of sc "$(cpu same)"; min_of sc1 "$(cpu same-r1)"; min_of bc "$(cpu bare)"; min_of bc1 "$(cpu bare-r1)"
  all_s+=" $(cpu same)" all_b+=" $(cpu bare)"
done
echo "load average after: $(cat /proc/loadavg)"
echo "CPU of each repetition (s): simgrad$all_s; bare$all_b; the fastest of each is used below"
ss=$(field "$out/same/summary.json" simulated_time_s)
bs=$(awk '$1 == "simulated_time_s" { print $2 }' "$out/bare.t.out")
tr=$(awk -v a="$sc" -v b="$bc" 'BEGIN { printf "%.3f", a / b }')
jr=$(awk -v a="$sc" -v a1="$sc1" -v b="$bc" -v b1="$bc1" 'BEGIN { printf "%.3f", (a - a1) / (b - b1) }')
printf '%-30s %10s %10s %8s\n' "" simgrad bare ratio
printf '%-30s %10.2f %10.2f %8.2f\n' "CPU, $R jobs (s)" "$sc" "$bc" "$tr"
printf '%-30s %10.2f %10.2f\n' "CPU, 1 job (s)" "$sc1" "$bc1"
printf '%-30s %10.3f %10.3f %8.2f\n' "CPU per job, $R minus 1 (s)" "$(awk -v a="$sc" -v b="$sc1" -v r="$R" 'BEGIN { print (a - b) / (r - 1) }')" \
  "$(awk -v a="$bc" -v b="$bc1" -v r="$R" 'BEGIN { print (a - b) / (r - 1) }')" "$jr"
printf '%-30s %10s %10s\n' "simulated time (s)" "$ss" "$bs"
for x in "whole run:$tr" "per job:$jr"; do
  printf '  %-10s %s x  target at most 1.3x: %s\n' "${x%%:*}" "${x#*:}" \
    "$(awk -v r="${x#*:}" 'BEGIN{print (r <= 1.3) ? "met" : "MISSED"}')"
done
awk -v a="$ss" -v b="$bs" 'BEGIN { d = a - b; exit !(d > 1e-9 || d < -1e-9) }' &&
  echo "note: simulated times differ: the two programs did not simulate the same activities" >&2
true
