#!/usr/bin/env bash
# Issue 14's ps-sgd and gradient-coding rows at 100,000 workers, run by simgrad itself:
#
#   [BARE=1] [ONLY="ps gc"] bench/run_ps_gc_100k.sh [OUTDIR]   (default build/bench-out/ps-gc-100k)
#
# Runs scenarios/ps-sgd-100k.json (100,000 workers, 1,000 x 101 leaf-spine, 20 rounds; target
# under 5 min and 4 GiB) and scenarios/gc-100k.json (100,000 workers, 20 jobs, GC with the
# fractional repetition code; target under 10 min and 8 GiB) once each as shipped, and prints
# wall time, CPU time (user + system) and peak RSS (simgrad's getrusage, in summary.json)
# against the targets. The verdict is on CPU time, what the run costs on a machine of its
# own: on a shared machine wall time grows with the others' load (printed at start and end).
#
# BARE=1 also runs bench_ps_bare (plain SimGrid, no simgrad code) on the same activities, read
# back from simgrad's summary, with 256 KiB stacks without guard pages, mapped on their own, as
# simgrad runs more than 25,000 actors:
#   ps-sgd: -m relay with N/100 relays (ps-sgd's groups of 100), N workers, R rounds, P bytes
#           (the model), F flops (sgr_model_grad_flops of logreg on a batch); no stragglers, so
#           the simulated time is not ps-sgd's (which waits for 95% of the gradients).
#   gc:     -m gcworkers (GC_BARE="gcworkers tasks" for both): per job, each worker's actor
#           (persistent, woken by a semaphore, as the family's; `tasks`: an actor per worker and
#           job) executes F flops (its 10 segment gradients, sgr_model_grad_flops of softmax,
#           and their combination) and puts P bytes (one coded result) to the master, which
#           then decodes (2 (P/8) N flops).
# PS_SET / GC_SET: more arguments for simgrad (e.g. "--set platform.leaves=10 --set
# algorithm.workers=1000 ..."), to check the script in seconds; the verdicts then do not apply.
# Each run takes minutes and GiBs: on a shared machine run the script under a lock of its own
# (e.g. flock) so that big runs do not overlap. Needs only bash, grep, sed and awk.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
OUT=${1:-$BUILD/bench-out/ps-gc-100k}
ONLY=${ONLY:-ps gc}
mkdir -p "$OUT"
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$BUILD" -j2 --target simgrad_cli bench_ps_bare >/dev/null

json_num() { grep -m1 "\"$2\":" "$1" | sed 's/.*: *\([-0-9.eE+]*\).*/\1/'; }
val() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
verdict() { if awk "BEGIN { exit !($1 $2 $3) }"; then echo met; else echo MISSED; fi; }
want() { [[ " $ONLY " == *" $1 "* ]]; }
# timed FILE COMMAND...: run it, its wall, user and system seconds to FILE
timed() {
    local f=$1
    shift
    local TIMEFORMAT='%R %U %S'
    { time "$@" >"$f.out" 2>"$f.err"; } 2>"$f.time"
}
# report NAME TIMEFILE RSS_MB TARGET_S TARGET_MB
report() {
    local w u s c
    read -r w u s <"$2"
    c=$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')
    printf '%-30s wall %6.1f s  CPU %6.1f s (user %.1f + sys %.1f; target < %s s: %s)  peak RSS %5.0f MB (target < %s MB: %s)\n' \
        "$1" "$w" "$c" "$u" "$s" "$4" "$(verdict "$c" '<' "$4")" "$3" "$5" "$(verdict "$3" '<' "$5")"
}
STACK=(-s 256)
CFG=(--cfg=contexts/guard-size:0 --log=xbt_cfg.thres:warning)
read -r -a PS_SET <<<"${PS_SET:-}"
read -r -a GC_SET <<<"${GC_SET:-}"
TUNE=glibc.malloc.mmap_threshold=262144:glibc.malloc.mmap_max=4000000

echo "load average at start: $(cat /proc/loadavg 2>/dev/null || uptime) ($(nproc) cores)"
if want ps; then
    echo "== ps-sgd: scenarios/ps-sgd-100k.json as shipped"
    timed "$OUT/ps" "$BUILD/simgrad" run "$ROOT/scenarios/ps-sgd-100k.json" --quiet --out "$OUT/ps" \
        ${PS_SET[@]+"${PS_SET[@]}"}
    S=$OUT/ps/summary.json
    grep -q '"complete": true' "$S" || { echo "ps-sgd run did not complete" >&2; exit 1; }
    report "simgrad ps-sgd-100k" "$OUT/ps.time" "$(json_num "$S" peak_rss_mb)" 300 4096
    echo "  rounds $(json_num "$S" rounds), workers $(json_num "$S" workers), simulated $(json_num "$S" simulated_time_s) s, final loss $(json_num "$S" final_train_loss)"
    if [ -n "${BARE:-}" ]; then
        N=$(json_num "$S" workers) R=$(json_num "$S" rounds) NP=$(json_num "$S" parameters)
        B=$(json_num "$S" batch_size)
        # sgr_model_grad_flops for logreg (algorithms/model.c): 4 B d + 10 B + 4 d
        F=$((4 * B * NP + 10 * B + 4 * NP))
        PLAT="leaf-spine:$(json_num "$S" leaves),$(json_num "$S" hosts_per_leaf),$(json_num "$S" spines)"
        timed "$OUT/ps-bare" env GLIBC_TUNABLES=$TUNE "$BUILD/bench_ps_bare" -m relay \
            -c $(((N + 99) / 100)) "${STACK[@]}" "$N" "$R" $((NP * 8)) "$F" "$PLAT" "${CFG[@]}"
        report "bare (relay), N=$N R=$R" "$OUT/ps-bare.time" "$(val "$OUT/ps-bare.out" peak_rss_mb)" 300 4096
        echo "  P=$((NP * 8)) bytes, F=$F flops, $PLAT; simulated $(val "$OUT/ps-bare.out" simulated_time_s) s (no stragglers)"
    fi
fi
if want gc; then
    echo "== gradient coding: scenarios/gc-100k.json as shipped"
    timed "$OUT/gc" "$BUILD/simgrad" run "$ROOT/scenarios/gc-100k.json" --quiet --out "$OUT/gc" \
        ${GC_SET[@]+"${GC_SET[@]}"}
    S=$OUT/gc/summary.json
    grep -q '"complete": true' "$S" || { echo "gradient-coding run did not complete" >&2; exit 1; }
    report "simgrad gc-100k" "$OUT/gc.time" "$(json_num "$S" peak_rss_mb)" 600 8192
    echo "  jobs $(json_num "$S" jobs), workers $(json_num "$S" workers), simulated $(json_num "$S" simulated_time_s) s, waits $(json_num "$S" waits), decode failures $(json_num "$S" decode_failures)"
    if [ -n "${BARE:-}" ]; then
        N=$(json_num "$S" workers) R=$(json_num "$S" jobs) NP=$(json_num "$S" parameters)
        d=$(json_num "$S" features) k=$(json_num "$S" classes) s=$(json_num "$S" s)
        grep -q '"bias": true' "$S" && d=$((d + 1))
        rows=$(($(json_num "$S" samples) / N)) # rows of a segment: the n segments of FRC
        # per segment: sgr_model_grad_flops for softmax (4 r d k + r (5 k + 5) + 4 np), plus
        # 2 np to add it into the coded result; s + 1 segments per worker
        F=$(((s + 1) * (4 * rows * d * k + rows * (5 * k + 5) + 4 * NP + 2 * NP)))
        sp=$(sed -n 's/.*"host_speed": *"\([0-9.]*\)Mf".*/\1e6/p; s/.*"host_speed": *"\([0-9.]*\)Gf".*/\1e9/p' "$S")
        PLAT="leaf-spine:$(json_num "$S" leaves),$(json_num "$S" hosts_per_leaf),$(json_num "$S" spines),$sp,$(json_num "$S" oversubscription)"
        for m in ${GC_BARE:-gcworkers}; do
            timed "$OUT/gc-bare-$m" env GLIBC_TUNABLES=$TUNE "$BUILD/bench_ps_bare" -m "$m" \
                "${STACK[@]}" "$N" "$R" $((NP * 8)) "$F" "$PLAT" "${CFG[@]}"
            report "bare ($m), N=$N R=$R" "$OUT/gc-bare-$m.time" "$(val "$OUT/gc-bare-$m.out" peak_rss_mb)" 600 8192
            echo "  P=$((NP * 8)) bytes, F=$F flops, $PLAT; simulated $(val "$OUT/gc-bare-$m.out" simulated_time_s) s (no stragglers)"
        done
    fi
fi
echo "load average at end: $(cat /proc/loadavg 2>/dev/null || uptime)"
