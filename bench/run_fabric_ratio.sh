#!/usr/bin/env bash
# The issue-14 ratio row for fabric: simgrad against a bare SimGrid program on the same
# activities, at most 1.3x. 1,024 hosts (scenarios/fabric-1024.json's fabric: 32 leaves x 32
# hosts, 32 spines, 100 Gb/s, 1 us, 256 MiB per host), pairwise-exchange all-to-all, CM02:
#   ecmp    every step (1,023)                    bare: bench_fabric_bare -d mailbox, K=1
#   spray   every step, step reuse off            bare: K=0 (aggregate links, as the family)
#   ksplit  4-way split, the first KSTEPS steps   bare: -i K=4 (subflows hashed independently)
# The bare program is bench_fabric_bare's mailbox driver (one actor per host, put_async /
# get_async, what the family does); its hash is its own, so the placements are of the same
# kind, not the same (the simulated times differ by well under 1%). simgrad's run also
# counts and predicts each step's congestion (balls into bins) and writes its metrics: that
# is its layer. CPU time (user + system, /usr/bin/time) of the whole process, fastest of REPS.
#   [REPS=3] [KSTEPS=128] bench/run_fabric_ratio.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/simgrad ] || tools/setup.sh >/dev/null
cmake --build build -j2 --target simgrad_cli bench_fabric_bare >/dev/null
out=${1:-build/bench-out/fabric-ratio}
reps=${REPS:-3}
ksteps=${KSTEPS:-128}
mkdir -p "$out"
FCFG=(--cfg=network/model:CM02 --cfg=network/optim:Full --cfg=network/crosstraffic:0
    --log=xbt_cfg.thres:warning)
verdict() { if awk "BEGIN { exit !($1 $2 $3) }"; then echo met; else echo MISSED; fi; }
best() { # best NAME COMMAND...: the fastest CPU time (s) of REPS runs
    local name=$1
    shift
    for r in $(seq "$reps"); do
        /usr/bin/time -o "$out/$name-$r.time" -f '%U %S' "$@" >"$out/$name-$r.out"
        awk '{ printf "%.2f\n", $1 + $2 }' "$out/$name-$r.time"
    done | sort -g | head -1
}
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for spec in "ecmp:1::0:" "spray:0::0:--set algorithm.reuse_equivalent_steps=false --set algorithm.reuse_identical_steps=false" \
    "ksplit:4:-i:$ksteps:"; do
    IFS=: read -r pol k opt steps extra <<<"$spec"
    # shellcheck disable=SC2086
    sg=$(best "sg-$pol" build/simgrad run scenarios/fabric-1024.json --quiet --out "$out/sg-$pol" \
        --set 'algorithm.collectives="all-to-all"' --set "algorithm.policies=\"$pol\"" \
        --set algorithm.k=4 --set "algorithm.max_steps=$steps" $extra)
    # shellcheck disable=SC2086
    bare=$(best "bare-$pol" build/bench_fabric_bare -d mailbox $opt 32 32 32 12.5e9 268435456 \
        "$steps" "$k" "${FCFG[@]}")
    st=$(grep -m1 '"time_s"' "$out/sg-$pol/summary.json" | sed 's/.*: *\([0-9.eE+-]*\).*/\1/')
    bt=$(awk '$1 == "simulated_steps_s" { print $2 }' "$out/bare-$pol-1.out")
    ratio=$(awk -v a="$sg" -v b="$bare" 'BEGIN { printf "%.2f", a / b }')
    printf '%-7s %s steps: simgrad CPU %7.2f s, bare %7.2f s: %sx (target <= 1.3x: %s); simulated %.6g s / %.6g s\n' \
        "$pol" "$([ "$steps" = 0 ] && echo 1023 || echo "$steps")" "$sg" "$bare" "$ratio" \
        "$(verdict "$ratio" '<=' 1.3)" "$st" "$bt"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
