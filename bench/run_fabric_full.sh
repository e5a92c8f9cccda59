#!/usr/bin/env bash
# The issue-14 fabric row: "fabric, 8,192 hosts, every all-to-all step, four policies incl. a
# 4-way split: under 10 min" (scenarios/fabric-8192-full.json: 256 leaves x 32 hosts, 32
# spines, 100 Gb/s, 256 MiB per host, ECMP, spraying, 4-way split, planned paths).
#
# Spraying and planned paths run every step (most steps are timed by an equivalent one,
# algorithm.reuse_equivalent_steps). ECMP and the 4-way split simulate every step (hashed
# placements never repeat): they are run for their first A and first B steps, and the whole
# is projected as T(A) + (T(B) - T(A)) / (B - A) x (8,191 - A): the steps after the first 31
# (where most flows stay in their leaf) all cost alike. The defaults sample 992 ECMP steps and
# 16 4-way-split steps (about 12 min of CPU, 20 s per 4-way step). FULL=1 runs the whole
# scenario instead (about 48 h: see bench/README.md). Then bench_fabric_bare gives SimGrid's
# own cost per step of the same flows (steps 64.., where every flow crosses the spines), for
# each policy.
# CPU time (user + system) is the figure; the load average is printed.
#   [FULL=1] [A=32 B=1024 KA=32 KB=48] bench/run_fabric_full.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/simgrad ] || tools/setup.sh >/dev/null
cmake --build build -j2 --target simgrad_cli bench_fabric_bare >/dev/null
out=${1:-build/bench-out/fabric-full}
mkdir -p "$out"
scn=scenarios/fabric-8192-full.json
N=8191
A=${A:-32} B=${B:-1024} KA=${KA:-32} KB=${KB:-48}
cpu() { awk '{ printf "%.2f", $1 + $2 }' "$1"; }
verdict() { if awk "BEGIN { exit !($1 $2 $3) }"; then echo met; else echo MISSED; fi; }
simgrad() { # simgrad NAME ARGS...: CPU seconds of one run into $out/NAME.cpu
    local name=$1
    shift
    /usr/bin/time -o "$out/$name.time" -f '%U %S %e %M' build/simgrad run "$scn" --quiet \
        --out "$out/$name" "$@" >"$out/$name.table"
    cpu "$out/$name.time" >"$out/$name.cpu"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ -n "${FULL:-}" ]; then
    simgrad full
    printf 'fabric-8192-full, every step, 4 policies: CPU %s s (target < 600 s: %s)\n' \
        "$(cat "$out/full.cpu")" "$(verdict "$(cat "$out/full.cpu")" '<' 600)"
    cat "$out/full.table"
    exit 0
fi

total=0
for pol in spray planned; do
    simgrad "$pol" --set "algorithm.policies=\"$pol\""
    c=$(cat "$out/$pol.cpu")
    steps=$(grep -m1 '"simulated_steps"' "$out/$pol/summary.json" | tr -dc 0-9)
    printf '  %-8s every step:          CPU %8.1f s  (%s of %s steps simulated, the rest equivalent)\n' \
        "$pol" "$c" "$steps" "$N"
    total=$(awk -v a="$total" -v c="$c" 'BEGIN { print a + c }')
done
for pol in ecmp ksplit; do
    a=$A b=$B
    [ "$pol" = ksplit ] && a=$KA b=$KB
    simgrad "$pol-$a" --set "algorithm.policies=\"$pol\"" --set algorithm.max_steps=$a
    simgrad "$pol-$b" --set "algorithm.policies=\"$pol\"" --set algorithm.max_steps=$b
    ca=$(cat "$out/$pol-$a.cpu") cb=$(cat "$out/$pol-$b.cpu")
    per=$(awk -v a="$ca" -v b="$cb" -v x="$a" -v y="$b" 'BEGIN { print (b - a) / (y - x) }')
    proj=$(awk -v a="$ca" -v p="$per" -v x="$a" -v n=$N 'BEGIN { print a + p * (n - x) }')
    printf '  %-8s first %s steps CPU %6.1f s, first %s %6.1f s: %.3f s per step -> projected %8.0f s\n' \
        "$pol" "$a" "$ca" "$b" "$cb" "$per" "$proj"
    total=$(awk -v a="$total" -v c="$proj" 'BEGIN { print a + c }')
done
printf 'fabric-8192-full, 4 policies: CPU %.0f s, spray and planned measured, ECMP and 4-way split projected (target < 600 s: %s)\n' \
    "$total" "$(verdict "$total" '<' 600)"

echo "bare SimGrid (bench_fabric_bare, mailbox driver), the same flows, steps 64 on, CPU per step:"
FCFG=(--cfg=network/model:CM02 --cfg=network/optim:Full --cfg=network/crosstraffic:0
    --log=xbt_cfg.thres:warning)
bare_total=0
for spec in "ecmp:1:4:" "spray:0:4:" "ksplit:4:2:-i" "ksplit-spaced:4:4:" "planned:1:4:"; do
    IFS=: read -r name k steps opt <<<"$spec"
    # shellcheck disable=SC2086
    build/bench_fabric_bare -d mailbox $opt -f 64 256 32 32 12.5e9 268435456 "$steps" "$k" \
        "${FCFG[@]}" >"$out/bare-$name.txt"
    per=$(awk '$1 == "cpu_per_step_s" { print $2 }' "$out/bare-$name.txt")
    printf '  %-14s %.3f s per step -> %8.0f s for %s steps\n' "$name" "$per" \
        "$(awk -v p="$per" -v n=$N 'BEGIN { print p * n }')" "$N"
    case $name in ksplit-spaced) ;; *) bare_total=$(awk -v a="$bare_total" -v p="$per" -v n=$N 'BEGIN { print a + p * n }') ;; esac
done
printf 'bare SimGrid, every step simulated, ECMP + spray + 4-way split (hashed as the family) + planned (~ECMP): %.0f s of CPU (target < 600 s: %s)\n' \
    "$bare_total" "$(verdict "$bare_total" '<' 600)"
