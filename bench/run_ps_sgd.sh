#!/usr/bin/env bash
# The ps-sgd scale benchmark and simgrad's layer against a bare SimGrid program.
#
#   [REPS=3] bench/run_ps_sgd.sh [OUTDIR]      (default OUTDIR: build/bench-out/ps-sgd)
#
# (a) runs scenarios/ps-sgd-10k.json (10,000 workers, 20 rounds) as shipped and prints its wall
#     time and peak memory against DESIGN.md's targets ("SGC, 10,000 workers, 20 jobs: under 5
#     min wall", the closest row; "10,000 actors must fit easily in 24 GiB").
# (b) runs bench_ps_bare -m relay (bench/bench_ps_bare.cpp: the same activities in plain
#     SimGrid, the model sent through N/100 relay actors as ps-sgd sends it) with the same N, R,
#     P, F on the same leaf-spine (built in memory as simgrad builds it), and simgrad once more
#     with exactly those activities (no stragglers, wait for all workers, evaluation only at
#     the start and the end), and prints simgrad/bare in CPU time (user + system; wall time
#     beside it) against the target "at most 1.3x". Both are run again with 1 round: the
#     difference between the 20-round and the 1-round runs is the per-round simulation cost,
#     with loading, dataset generation, deployment and evaluation taken out; that ratio is
#     printed too. simgrad's per-round figure still includes the real gradients (10,000 logreg
#     minibatch gradients per round), which the bare program does not compute. Each program
#     runs REPS times (default 3), interleaved; the fastest run of each is compared (other
#     work on a shared machine only slows runs).
# Needs only bash, grep, sed and awk (no jq, no python).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
OUT=${1:-$BUILD/bench-out/ps-sgd}
REPS=${REPS:-3}
SCN=$ROOT/scenarios/ps-sgd-10k.json
mkdir -p "$OUT"

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$BUILD" -j2 --target simgrad_cli bench_ps_bare >/dev/null

# json_num FILE KEY: the first numeric value of "KEY" in FILE.
json_num() {
    grep -o "\"$2\": *[-0-9.eE+]*" "$1" | head -n 1 | sed 's/.*: *//'
}
# bare_num OUTPUT KEY: the value of a "key value" line of bench_ps_bare.
bare_num() {
    sed -n "s/^$2 //p" "$1"
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
verdict() { # verdict VALUE OP LIMIT
    if awk "BEGIN { exit !($1 $2 $3) }"; then echo "meets"; else echo "MISSES"; fi
}

# timed TIMEFILE COMMAND...: run it (its output to TIMEFILE.out); wall, user and system
# seconds on the last line of TIMEFILE.
timed() {
    local f=$1 TIMEFORMAT='%R %U %S'
    shift
    { time "$@" >"$f.out"; } 2>"$f"
}
wall_of() { tail -n 1 "$1" | awk '{ print $1 }'; }
cpu_of() { tail -n 1 "$1" | awk '{ print $2 + $3 }'; }
run_simgrad() { # run_simgrad DIR [--set ...]
    local dir=$1
    shift
    timed "$dir.time" "$BUILD/simgrad" run "$SCN" --quiet --out "$dir" "$@"
    if ! grep -q '"complete": true' "$dir/summary.json"; then
        echo "simgrad run in $dir did not complete" >&2
        exit 1
    fi
}

echo "== (a) scenarios/ps-sgd-10k.json as shipped (10,000 workers, 20 rounds, 2% stragglers, wait for 9,500)"
run_simgrad "$OUT/scenario"
S=$OUT/scenario/summary.json
wall=$(json_num "$S" wall_clock_seconds)
rss=$(json_num "$S" peak_rss_mb)
echo "wall time      $(calc %.1f "$wall") s   target under 300 s (SGC 10,000 workers, 20 jobs): $(verdict "$wall" '<' 300)"
echo "peak memory    $(calc %.0f "$rss") MB  target fits easily in 24 GiB (24576 MB): $(verdict "$rss" '<' 24576) ($(calc %.1f "100*$rss/24576")% of it)"
echo "simulated time $(json_num "$S" simulated_time_s) s"

# The activities of one run, read back from what simgrad ran.
N=$(json_num "$S" workers)
R=$(json_num "$S" rounds)
NP=$(json_num "$S" parameters)
B=$(json_num "$S" batch_size)
P=$((NP * 8))
# sgr_model_grad_flops for logreg (algorithms/model.c): two gemvs on a B x d matrix,
# 10 flops per row, 4 per parameter (L2); d = parameters.
F=$((4 * B * NP + 10 * B + 4 * NP))
PLAT="leaf-spine:$(json_num "$S" leaves),$(json_num "$S" hosts_per_leaf),$(json_num "$S" spines)"
C=$(((N + 99) / 100)) # ps-sgd's relays: one per 100 workers
echo
echo "== (b) simgrad against bare SimGrid (relay, $C relays): N=$N workers, R=$R rounds, P=$P bytes, F=$F flops, $PLAT"
echo "load average before: $(cat /proc/loadavg)"
SAME=(--set stragglers.p=0 --set algorithm.wait_for=0 --set algorithm.eval_every=1000000)
# min_of VAR VALUE: keep the smaller.
min_of() { if [ -z "${!1}" ] || awk "BEGIN { exit !($2 < ${!1}) }"; then printf -v "$1" %s "$2"; fi; }
sw= sw1= bw= bw1= sc= sc1= bc= bc1= all_s= all_b=
for rep in $(seq 1 "$REPS"); do
    # Interleaved, so that load from elsewhere on the machine hits both programs alike.
    run_simgrad "$OUT/same" "${SAME[@]}"
    run_simgrad "$OUT/same-r1" "${SAME[@]}" --set algorithm.rounds=1
    timed "$OUT/bare.time" "$BUILD/bench_ps_bare" -m relay -c "$C" "$N" "$R" "$P" "$F" "$PLAT"
    timed "$OUT/bare-r1.time" "$BUILD/bench_ps_bare" -m relay -c "$C" "$N" 1 "$P" "$F" "$PLAT"
    v=$(cpu_of "$OUT/same.time"); min_of sc "$v"; all_s+=" $v"
    min_of sc1 "$(cpu_of "$OUT/same-r1.time")"
    v=$(cpu_of "$OUT/bare.time"); min_of bc "$v"; all_b+=" $v"
    min_of bc1 "$(cpu_of "$OUT/bare-r1.time")"
    min_of sw "$(wall_of "$OUT/same.time")"
    min_of sw1 "$(wall_of "$OUT/same-r1.time")"
    min_of bw "$(wall_of "$OUT/bare.time")"
    min_of bw1 "$(wall_of "$OUT/bare-r1.time")"
done
echo "load average after: $(cat /proc/loadavg)"
echo "CPU of each repetition (s): simgrad$all_s; bare$all_b; the fastest of each is used below"
ss=$(json_num "$OUT/same/summary.json" simulated_time_s)
srss=$(json_num "$OUT/same/summary.json" peak_rss_mb)
bs=$(bare_num "$OUT/bare.time.out" simulated_time_s)
brss=$(bare_num "$OUT/bare.time.out" peak_rss_mb)
bact=$(bare_num "$OUT/bare.time.out" activities)
total_ratio=$(calc %.3f "$sc/$bc")
round_ratio=$(calc %.3f "($sc-$sc1)/($bc-$bc1)")
printf '%-34s %10s %10s %8s\n' "" simgrad bare ratio
printf '%-34s %10.2f %10.2f %8.2f\n' "CPU, whole run (s)" "$sc" "$bc" "$total_ratio"
printf '%-34s %10.2f %10.2f\n' "CPU, 1-round run (s)" "$sc1" "$bc1"
printf '%-34s %10.3f %10.3f %8.2f\n' "CPU per round, R=$R minus R=1 (s)" \
    "$(calc %.6f "($sc-$sc1)/($R-1)")" "$(calc %.6f "($bc-$bc1)/($R-1)")" "$round_ratio"
printf '%-34s %10.2f %10.2f %8.2f\n' "wall, whole run (s)" "$sw" "$bw" "$(calc %.3f "$sw/$bw")"
printf '%-34s %10.0f %10.0f %8.2f\n' "activities per CPU second" "$(calc %.3f "$bact/$sc")" \
    "$(calc %.3f "$bact/$bc")" "$(calc %.3f "$bc/$sc")"
printf '%-34s %10.0f %10.0f %8.2f\n' "peak RSS (MB)" "$srss" "$brss" "$(calc %.3f "$srss/$brss")"
printf '%-34s %10.6g %10.6g\n' "simulated time (s)" "$ss" "$bs"
echo "target: simgrad at most 1.3x the bare program (CPU time)"
echo "  whole run:  $total_ratio x  $(verdict "$total_ratio" '<=' 1.3)  (simgrad's includes dataset generation, 2 evaluations, metrics)"
echo "  per round:  $round_ratio x  $(verdict "$round_ratio" '<=' 1.3)  (simgrad's includes $N real logreg gradients per round)"
if awk "BEGIN { d = $ss - $bs; exit !(d > 1e-9 || d < -1e-9) }"; then
    echo "note: simulated times differ: the two programs did not simulate the same activities" >&2
fi
