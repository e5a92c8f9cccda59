#!/usr/bin/env bash
# The ps-sgd scale benchmark and simgrad's layer against a bare SimGrid program.
#
#   [REPS=3] bench/run_ps_sgd.sh [OUTDIR]      (default OUTDIR: build/bench-out/ps-sgd)
#
# (a) runs scenarios/ps-sgd-10k.json (10,000 workers, 20 rounds) as shipped and prints its wall
#     time and peak memory against DESIGN.md's targets ("SGC, 10,000 workers, 20 jobs: under 5
#     min wall", the closest row; "10,000 actors must fit easily in 24 GiB").
# (b) runs bench_ps_bare (bench/bench_ps_bare.c: the same activities in plain SimGrid C) with
#     the same N, R, P, F on the platform.xml that (a) wrote, and simgrad once more with exactly
#     those activities (no stragglers, wait for all workers, evaluation only at the start and
#     the end), and prints simgrad/bare against the target "at most 1.3x the wall time".
#     Both are run again with 1 round: the difference between the 20-round and the 1-round
#     runs is the per-round simulation cost, with loading, dataset generation, deployment and
#     evaluation taken out; that ratio is printed too. simgrad's per-round figure still
#     includes the real gradients (10,000 logreg minibatch gradients per round), which the
#     bare program does not compute. Each program runs REPS times (default 3), interleaved;
#     the fastest run of each is compared (other work on a shared machine only slows runs).
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

run_simgrad() { # run_simgrad DIR [--set ...]
    local dir=$1
    shift
    "$BUILD/simgrad" run "$SCN" --quiet --out "$dir" "$@" >/dev/null
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
PLAT=$OUT/scenario/platform.xml
echo
echo "== (b) simgrad against bare SimGrid: N=$N workers, R=$R rounds, P=$P bytes, F=$F flops, $(basename "$PLAT") of (a)"
SAME=(--set stragglers.p=0 --set algorithm.wait_for=0 --set algorithm.eval_every=1000000)
# min_of VAR VALUE: keep the smaller.
min_of() { if [ -z "${!1}" ] || awk "BEGIN { exit !($2 < ${!1}) }"; then printf -v "$1" %s "$2"; fi; }
sw= sw1= bw= bw1= all_s= all_b=
for rep in $(seq 1 "$REPS"); do
    # Interleaved, so that load from elsewhere on the machine hits both programs alike.
    run_simgrad "$OUT/same" "${SAME[@]}"
    run_simgrad "$OUT/same-r1" "${SAME[@]}" --set algorithm.rounds=1
    "$BUILD/bench_ps_bare" "$N" "$R" "$P" "$F" "$PLAT" >"$OUT/bare.txt"
    "$BUILD/bench_ps_bare" "$N" 1 "$P" "$F" "$PLAT" >"$OUT/bare-r1.txt"
    v=$(json_num "$OUT/same/summary.json" wall_clock_seconds); min_of sw "$v"; all_s+=" $(calc %.2f "$v")"
    min_of sw1 "$(json_num "$OUT/same-r1/summary.json" wall_clock_seconds)"
    v=$(bare_num "$OUT/bare.txt" wall_total_s); min_of bw "$v"; all_b+=" $v"
    min_of bw1 "$(bare_num "$OUT/bare-r1.txt" wall_total_s)"
done
echo "wall of each repetition (s): simgrad$all_s; bare$all_b; the fastest of each is used below"
ss=$(json_num "$OUT/same/summary.json" simulated_time_s)
srss=$(json_num "$OUT/same/summary.json" peak_rss_mb)
bs=$(bare_num "$OUT/bare.txt" simulated_time_s)
brss=$(bare_num "$OUT/bare.txt" peak_rss_mb)
bact=$(bare_num "$OUT/bare.txt" activities)
total_ratio=$(calc %.3f "$sw/$bw")
round_ratio=$(calc %.3f "($sw-$sw1)/($bw-$bw1)")
printf '%-34s %10s %10s %8s\n' "" simgrad bare ratio
printf '%-34s %10.2f %10.2f %8.2f\n' "wall, whole run (s)" "$sw" "$bw" "$total_ratio"
printf '%-34s %10.2f %10.2f\n' "wall, 1-round run (s)" "$sw1" "$bw1"
printf '%-34s %10.3f %10.3f %8.2f\n' "wall per round, R=$R minus R=1 (s)" \
    "$(calc %.6f "($sw-$sw1)/($R-1)")" "$(calc %.6f "($bw-$bw1)/($R-1)")" "$round_ratio"
printf '%-34s %10.0f %10.0f %8.2f\n' "activities per wall second" "$(calc %.3f "$bact/$sw")" \
    "$(calc %.3f "$bact/$bw")" "$(calc %.3f "$bw/$sw")"
printf '%-34s %10.0f %10.0f %8.2f\n' "peak RSS (MB)" "$srss" "$brss" "$(calc %.3f "$srss/$brss")"
printf '%-34s %10.6g %10.6g\n' "simulated time (s)" "$ss" "$bs"
echo "target: simgrad at most 1.3x the bare program's wall time"
echo "  whole run:  $total_ratio x  $(verdict "$total_ratio" '<=' 1.3)  (simgrad's includes dataset generation, 2 evaluations, metrics)"
echo "  per round:  $round_ratio x  $(verdict "$round_ratio" '<=' 1.3)  (simgrad's includes $N real logreg gradients per round)"
if awk "BEGIN { d = $ss - $bs; exit !(d > 1e-9 || d < -1e-9) }"; then
    echo "note: simulated times differ: the two programs did not simulate the same activities" >&2
fi
