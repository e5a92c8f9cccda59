#!/usr/bin/env bash
# Issue 14 (100,000 nodes), phase 1: the bare-SimGrid figure of every target row at its size,
# printed against the target. simgrad's own figures come with the families' redesign; these
# are the floors they are measured against (bench/README.md, "100,000 nodes").
#
#   [ONLY="platforms actors ps gossip token fabric"] [SCALE=1] bench/run_scale.sh [OUTDIR]
#
# SCALE divides every size (SCALE=10: 10,000 nodes, 819 fabric hosts) for a quick check that
# the script works; the targets are only meaningful at SCALE=1. At SCALE=1 the whole script
# takes about 10 minutes of CPU (ps 4-5, gossip 1.5, token 1.5, fabric 2), more wall time on a
# shared machine: CPU time (user + system) is printed beside wall time for that reason.
# Needs only bash, awk and the bench programs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
OUT=${1:-$BUILD/bench-out/scale}
ONLY=${ONLY:-platforms actors ps gossip token fabric}
SCALE=${SCALE:-1}
mkdir -p "$OUT"
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$BUILD" -j2 --target bench_platform bench_actors bench_ps_bare bench_gossip_bare \
    bench_token_bare bench_fabric_bare >/dev/null

N=$((100000 / SCALE))
LEAVES=$((1000 / SCALE))
# 100,000 actors without a sysctl: no guard page (2 mappings each against vm.max_map_count),
# and stacks of 256 KiB served by mmap (only touched pages resident; the kernel merges the
# mappings) rather than calloc'ed from the heap (all resident).
BIG=(--cfg=contexts/guard-size:0 --log=xbt_cfg.thres:warning)
TUNE=glibc.malloc.mmap_threshold=262144:glibc.malloc.mmap_max=4000000

val() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
verdict() { if awk "BEGIN { exit !($1 $2 $3) }"; then echo met; else echo MISSED; fi; }
row() { # row NAME FILE TARGET_S [TARGET_MB]
    local w c m
    w=$(val "$2" wall_total_s)
    c=$(val "$2" cpu_total_s)
    m=$(val "$2" peak_rss_mb)
    printf '%-44s wall %7.1f s  CPU %7.1f s (target < %s s: %s)  peak RSS %6.0f MB' "$1" "$w" "$c" \
        "$3" "$(verdict "$c" '<' "$3")" "$m"
    [ -n "${4:-}" ] && printf ' (target < %s MB: %s)' "$4" "$(verdict "$m" '<' "$4")"
    echo
}
want() { [[ " $ONLY " == *" $1 "* ]]; }
[ "$SCALE" = 1 ] || echo "SCALE=$SCALE: every size divided by $SCALE; the met/MISSED verdicts do not apply"

if want platforms; then
    echo "== platforms of $N hosts (target: load in under 10 s, no sysctl)"
    "$BUILD/bench_platform" -n "$N" | tee "$OUT/platforms.txt"
fi

if want actors; then
    echo "== $N actors, 256 KiB stacks, no guard page, stacks from mmap (no sysctl)"
    GLIBC_TUNABLES=$TUNE "$BUILD/bench_actors" "$N" 256 2 8 "${BIG[@]}" >"$OUT/actors.txt"
    printf '%-44s started %s  mappings %s (vm.max_map_count %s)  CPU %.1f s  peak RSS %.0f MB (%.1f KB per actor)\n' \
        "bench_actors" "$(val "$OUT/actors.txt" started)" "$(val "$OUT/actors.txt" maps_at_peak)" \
        "$(cat /proc/sys/vm/max_map_count)" "$(val "$OUT/actors.txt" cpu_total_s)" \
        "$(val "$OUT/actors.txt" peak_rss_mb)" "$(val "$OUT/actors.txt" rss_per_actor_kb)"
fi

if want ps; then
    echo "== ps-sgd / gradient coding: $N workers, leaf-spine $LEAVES x 101, 20 rounds, relay design"
    GLIBC_TUNABLES=$TUNE "$BUILD/bench_ps_bare" -m relay -c $((N / 100)) -s 256 "$N" 20 168 3092 \
        "leaf-spine:$LEAVES,101,16" "${BIG[@]}" >"$OUT/ps-relay.txt"
    row "ps-sgd bare (relay), 20 rounds" "$OUT/ps-relay.txt" 300 4096
    row "gradient coding bare (same activities), 20 jobs" "$OUT/ps-relay.txt" 600 8192
fi

if want gossip; then
    echo "== gossip: $N nodes, random 10-regular, 20 time units, pool design (no node actors)"
    "$BUILD/bench_gossip_bare" "$N" 10 $((N * 111728 / 100000)) 0.1 20 88 1484 \
        "leaf-spine:$((N / 100)),100,16" 10 pool >"$OUT/gossip-pool.txt"
    row "gossip bare (pool), 20 units" "$OUT/gossip-pool.txt" 600 8192
fi

if want token; then
    echo "== token: $N-node graph, $((10000000 / SCALE)) hops, one migrating actor"
    "$BUILD/bench_token_bare" "$N" 10 $((10000000 / SCALE)) 88 1026 "leaf-spine:$((N / 100)),100,16" \
        >"$OUT/token.txt"
    row "token bare (migrate)" "$OUT/token.txt" 300
fi

if want fabric; then
    L=$((256 / SCALE)) STEPS=${FABRIC_STEPS:-4}
    H=$((L * 32))
    echo "== fabric: $H hosts ($L leaves x 32, 32 spines), $STEPS all-to-all steps per policy, projected to all $((H - 1))"
    FCFG=(--cfg=network/model:CM02 --cfg=network/optim:Full --cfg=network/crosstraffic:0
          --log=xbt_cfg.thres:warning)
    total=0
    for d in mailbox sendto; do
        sum=0
        for k in 1 0 4 1; do # ECMP, ideal spraying, 4-way split, planned (one path per flow, as ECMP)
            f=$OUT/fabric-$d-k$k.txt
            "$BUILD/bench_fabric_bare" -d $d "$L" 32 32 12.5e9 268435456 "$STEPS" $k "${FCFG[@]}" >"$f"
            per=$(val "$f" cpu_per_step_s)
            printf '  %-8s K=%s  %.3f s CPU per step  -> %8.0f s for every step\n' $d $k "$per" \
                "$(awk -v p="$per" -v n=$((H - 1)) 'BEGIN { print p * n }')"
            sum=$(awk -v a="$sum" -v p="$per" -v n=$((H - 1)) 'BEGIN { print a + p * n }')
        done
        printf '%-44s projected CPU %8.0f s (target < 600 s: %s)\n' "fabric bare ($d driver), 4 policies" \
            "$sum" "$(verdict "$sum" '<' 600)"
    done
fi
