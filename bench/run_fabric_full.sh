#!/usr/bin/env bash
# The issue-14 fabric row: "fabric, 8,192 hosts, every all-to-all step, four policies incl. a
# 4-way split: under 10 min" (scenarios/fabric-8192-full.json: 256 leaves x 32 hosts, 32
# spines, 100 Gb/s, 256 MiB per host, ECMP, spraying, 4-way split, planned paths).
#
# 1. The scenario as shipped: every one of the 8,191 steps of each policy, timed by simgrad's
#    fluid max-min solver (algorithm.step_solver "fluid"). CPU time (user + system) is the
#    figure, against the 600 s target.
# 2. The same steps timed by SimGrid (step_solver "simgrid"), as far as a sample allows:
#    spraying and planned paths every step (equivalent steps reused, as in 1); ECMP and the
#    4-way split for their first A and first B steps, projected over the 8,191 from the
#    difference. Every step both solvers ran is compared (largest relative difference of
#    step_time_s).
# 3. BARE=1 adds bench_fabric_bare, a bare SimGrid program on the same flows (steps 64 on):
#    SimGrid's own cost per step, without simgrad.
#   [SG_ECMP_A=32 SG_ECMP_B=256 SG_KSPLIT_A=32 SG_KSPLIT_B=40] [BARE=1] bench/run_fabric_full.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/simgrad ] || tools/setup.sh >/dev/null
cmake --build build -j2 --target simgrad_cli bench_fabric_bare >/dev/null
out=${1:-build/bench-out/fabric-full}
mkdir -p "$out"
scn=scenarios/fabric-8192-full.json
N=8191
SG_ECMP_A=${SG_ECMP_A:-32} SG_ECMP_B=${SG_ECMP_B:-256}
SG_KSPLIT_A=${SG_KSPLIT_A:-32} SG_KSPLIT_B=${SG_KSPLIT_B:-40}
cpu() { awk '{ printf "%.2f", $1 + $2 }' "$1"; }
verdict() { if awk "BEGIN { exit !($1 $2 $3) }"; then echo met; else echo MISSED; fi; }
simgrad() { # simgrad NAME ARGS...: one run into $out/NAME, CPU seconds into $out/NAME.cpu
    local name=$1
    shift
    /usr/bin/time -o "$out/$name.time" -f '%U %S %e %M' build/simgrad run "$scn" --quiet \
        --out "$out/$name" "$@" >"$out/$name.table"
    cpu "$out/$name.time" >"$out/$name.cpu"
}
# largest relative difference of step_time_s between two metrics.csv, over the
# (policy, step) rows both have; and how many
compare() {
    awk -F, 'NR == FNR { if (FNR > 1) t[$2 "," $3] = $6; next }
        FNR > 1 && ($2 "," $3) in t { d = $6 - t[$2 "," $3]; if (d < 0) d = -d;
            r = d / t[$2 "," $3]; if (r > m) m = r; n++ }
        END { printf "%d steps compared, largest relative difference %.3g", n, m }' "$1" "$2"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

simgrad fluid
c=$(cat "$out/fluid.cpu")
read -r _ _ wall rss <"$out/fluid.time"
printf 'fabric-8192-full, every step of 4 policies (fluid solver): CPU %.1f s, wall %.1f s, peak %d MB (target < 600 s: %s)\n' \
    "$c" "$wall" $((rss / 1024)) "$(verdict "$c" '<' 600)"
sed -n '1,5p' "$out/fluid.table"
grep -o '"name": "[^"]*"\|"wall_clock_seconds": [0-9.e-]*' "$out/fluid/summary.json" |
    awk -F'"' '/"name"/ { name = $4; next }
        name != "" { w = $3; gsub(/[^0-9.e-]/, "", w); printf "    %-20s %7.1f s wall\n", name, w; name = "" }'

echo "SimGrid on the same steps (step_solver \"simgrid\"):"
sg_total=0
for pol in spray planned; do
    simgrad "sg-$pol" --set algorithm.step_solver='"simgrid"' --set "algorithm.policies=\"$pol\""
    c=$(cat "$out/sg-$pol.cpu")
    printf '  %-8s every step: CPU %7.1f s; %s\n' "$pol" "$c" \
        "$(compare "$out/sg-$pol/metrics.csv" "$out/fluid/metrics.csv")"
    sg_total=$(awk -v a="$sg_total" -v c="$c" 'BEGIN { print a + c }')
done
# ECMP and the 4-way split: their first A and first B steps. The steps after the 31st (no flow
# left inside its leaf) cost alike, so the whole is T(A) + (T(B) - T(A)) / (B - A) x (8,191 - A).
for spec in "ecmp:$SG_ECMP_A:$SG_ECMP_B" "ksplit:$SG_KSPLIT_A:$SG_KSPLIT_B"; do
    IFS=: read -r pol a b <<<"$spec"
    for s in "$a" "$b"; do
        simgrad "sg-$pol-$s" --set algorithm.step_solver='"simgrid"' \
            --set "algorithm.policies=\"$pol\"" --set "algorithm.max_steps=$s"
    done
    ca=$(cat "$out/sg-$pol-$a.cpu") cb=$(cat "$out/sg-$pol-$b.cpu")
    proj=$(awk -v a="$ca" -v b="$cb" -v x="$a" -v y="$b" -v n=$N \
        'BEGIN { print a + (b - a) / (y - x) * (n - x) }')
    printf '  %-8s first %s steps CPU %.1f s, first %s %.1f s: %.0f s projected for 8,191; %s\n' \
        "$pol" "$a" "$ca" "$b" "$cb" "$proj" \
        "$(compare "$out/sg-$pol-$b/metrics.csv" "$out/fluid/metrics.csv")"
    sg_total=$(awk -v a="$sg_total" -v p="$proj" 'BEGIN { print a + p }')
done
printf '  SimGrid, every step of the 4 policies: ~%.0f s of CPU (spraying and planned measured, ECMP and the 4-way split projected)\n' \
    "$sg_total"

[ -n "${BARE:-}" ] || exit 0
echo "bare SimGrid (bench_fabric_bare, mailbox driver), the same flows, steps 64 on, CPU per step:"
FCFG=(--cfg=network/model:CM02 --cfg=network/optim:Full --cfg=network/crosstraffic:0
    --log=xbt_cfg.thres:warning)
for spec in "ecmp:1:4:" "spray:0:4:" "ksplit:4:2:-i" "planned:1:4:"; do
    IFS=: read -r name k steps opt <<<"$spec"
    # shellcheck disable=SC2086
    build/bench_fabric_bare -d mailbox $opt -f 64 256 32 32 12.5e9 268435456 "$steps" "$k" \
        "${FCFG[@]}" >"$out/bare-$name.txt"
    per=$(awk '$1 == "cpu_per_step_s" { print $2 }' "$out/bare-$name.txt")
    printf '  %-8s %.3f s per step -> %8.0f s for %s steps\n' "$name" "$per" \
        "$(awk -v p="$per" -v n=$N 'BEGIN { print p * n }')" "$N"
done
