#!/usr/bin/env bash
# Wall time of packet level (network.model packet: ns-3 through SimGrid's binding) against flow
# level on the same ps-sgd scenario at 16, 64 and 256 hosts, so users know when packet level
# is affordable. The scenario: a leaf-spine of 8 hosts per leaf and 4 spines (10 Gbps hosts,
# 2:1 oversubscribed), ps-sgd with every host but the server a worker, least squares on
# 1,000 synthetic features (an 8 kB model and gradient: 9 segments per message), 10 rounds,
# evaluated at the end only. Each round moves 2 (N - 1) messages. Prints per size: wall time
# of each model (the fastest of REPS runs), the ratio, wall time per message, peak memory,
# and the simulated times (which the ratio does not depend on).
#
#   bench/run_ns3_wall.sh [BUILD_DIR] [OUT_DIR]       REPS=2 SIZES="16 64 256"
set -u
BUILD=${1:-build}
OUT=${2:-$(mktemp -d)}
REPS=${REPS:-2}
SIZES=${SIZES:-16 64 256}
BIN="$BUILD/simgrad"
[ -x "$BIN" ] || { echo "build first: $BIN missing" >&2; exit 2; }
mkdir -p "$OUT"
echo "uptime before: $(uptime)"
num() { grep -m1 "\"$2\":" "$1" | sed 's/.*: *\([-0-9.eE+]*\).*/\1/'; }

printf '%6s %10s %10s %8s %14s %12s %10s %10s %12s %12s\n' hosts messages "flow (s)" \
    "pkt (s)" "pkt / flow" "pkt ms/msg" "flow MB" "pkt MB" "sim flow" "sim pkt"
for n in $SIZES; do
    cat >"$OUT/ps-$n.json" <<JSON
{"seed": 1,
 "platform": {"type": "leaf-spine", "leaves": $((n / 8)), "hosts_per_leaf": 8, "spines": 4,
              "host_bw": "10Gbps", "host_lat": "2us", "spine_lat": "1us",
              "oversubscription": 2, "host_speed": "10Gf"},
 "workload": {"model": "lsq", "dataset": "synthetic", "samples": $((n * 64)),
              "features": 999, "test_samples": 100},
 "algorithm": {"family": "ps-sgd", "workers": $((n - 1)), "rounds": 10, "batch_size": 16,
               "eval_every": 10},
 "output": {"progress": false}}
JSON
    declare -A wall mem sim
    for m in flow packet; do
        best=""
        for r in $(seq "$REPS"); do
            "$BIN" run "$OUT/ps-$n.json" --quiet --out "$OUT/$m-$n" --set network.model=$m \
                >"$OUT/$m-$n.log" 2>&1 || { echo "run failed: $OUT/$m-$n.log"; exit 1; }
            w=$(num "$OUT/$m-$n/summary.json" wall_clock_seconds)
            if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$w; fi
        done
        wall[$m]=$best
        mem[$m]=$(num "$OUT/$m-$n/summary.json" peak_rss_mb)
        sim[$m]=$(num "$OUT/$m-$n/summary.json" simulated_time_s)
    done
    msgs=$((2 * (n - 1) * 10))
    awk -v n="$n" -v m="$msgs" -v f="${wall[flow]}" -v p="${wall[packet]}" -v fm="${mem[flow]}" \
        -v pm="${mem[packet]}" -v sf="${sim[flow]}" -v sp="${sim[packet]}" \
        'BEGIN { printf "%6d %10d %10.2f %8.2f %14.1f %12.2f %10.0f %10.0f %12.6f %12.6f\n",
                 n, m, f, p, p / f, 1000 * p / m, fm, pm, sf, sp }'
done
echo "uptime after: $(uptime)"
echo "runs in $OUT"
