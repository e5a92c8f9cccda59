#!/usr/bin/env bash
# Token benchmarks against DESIGN.md's targets (issue 14):
#   token, 10,000-node graph, 10^6 hops: under 2 min wall (scenarios/token-10k.json)
#   simgrad / bare SimGrid on the same activities at 10,000 nodes: at most 1.3x (CPU time)
#   token, 100,000-node graph, 10^7 hops: under 5 min (scenarios/token-100k.json)
# The bare program (bench_token_bare, migrate design) does each hop's activities in plain
# SimGrid: one execute of F flops on the node's host, one host-to-host transfer of P bytes to
# the next node's host, the token's actor moving along; F = 1,026 flops is what simgrad charges
# per hop here (sgr_model_grad_flops for lsq, 20 rows, 11 parameters: 4*20*11 + 4*20 + 4*11,
# plus 2*11 for the update), P = 88 bytes (11 doubles); same graph kind (random 10-regular,
# its own seed), same leaf-spine shape built in memory. simgrad also walks the self-repellent
# walk, computes real gradients and writes checkpoints: that is its layer.
# CPU time (user + system, from /usr/bin/time) is the figure: wall time depends on what else
# the machine runs. SKIP_100K=1 leaves out the two 100,000-node runs (about 4 min of CPU).
#   bench/run_token.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/simgrad ] || tools/setup.sh >/dev/null
cmake --build build -j2 --target simgrad_cli bench_token_bare >/dev/null
out=${1:-build/bench-out/token}
mkdir -p "$out"
timed() { # timed FILE COMMAND...: runs COMMAND, appends "cpu_s wall_s rss_mb" to FILE
    local f=$1
    shift
    /usr/bin/time -o "$f" -f '%U %S %e %M' "$@" >/dev/null
    awk '{ printf "%.2f %.2f %.0f\n", $1 + $2, $3, $4 / 1024 }' "$f" >"$f.sum"
}
verdict() { if awk "BEGIN { exit !($1 $2 $3) }"; then echo met; else echo MISSED; fi; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

run_pair() { # run_pair NAME SCENARIO NODES HOPS LEAVES
    local name=$1 scn=$2 n=$3 hops=$4 leaves=$5
    timed "$out/$name.simgrad.time" build/simgrad run "$scn" --quiet --out "$out/$name"
    timed "$out/$name.bare.time" build/bench_token_bare "$n" 10 "$hops" 88 1026 \
        "leaf-spine:$leaves,100,16"
    read -r sc sw sm <"$out/$name.simgrad.time.sum"
    read -r bc bw bm <"$out/$name.bare.time.sum"
    printf '%s (SRRW alpha 5, random 10-regular graph, %s nodes, %s hops)\n' "$name" "$n" "$hops"
    printf '  simgrad  CPU %7.1f s  wall %7.1f s  peak RSS %5.0f MB  %8.0f hops per CPU second\n' \
        "$sc" "$sw" "$sm" "$(awk -v h="$hops" -v c="$sc" 'BEGIN { print h / c }')"
    printf '  bare     CPU %7.1f s  wall %7.1f s  peak RSS %5.0f MB\n' "$bc" "$bw" "$bm"
    ratio=$(awk -v a="$sc" -v b="$bc" 'BEGIN { printf "%.2f", a / b }')
    echo "$sc $ratio" >"$out/$name.figures"
}

run_pair token-10k scenarios/token-10k.json 10000 1000000 100
read -r sc ratio <"$out/token-10k.figures"
printf '  simgrad / bare, CPU: %sx (target <= 1.3x: %s)   simgrad CPU %.1f s (target < 120 s: %s)\n' \
    "$ratio" "$(verdict "$ratio" '<=' 1.3)" "$sc" "$(verdict "$sc" '<' 120)"

if [ -z "${SKIP_100K:-}" ]; then
    run_pair token-100k scenarios/token-100k.json 100000 10000000 1000
    read -r sc ratio <"$out/token-100k.figures"
    printf '  simgrad CPU %.1f s (target < 300 s: %s)   simgrad / bare, CPU: %sx\n' \
        "$sc" "$(verdict "$sc" '<' 300)" "$ratio"
fi
