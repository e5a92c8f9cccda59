#!/usr/bin/env bash
# The study of docs/packet.md: flow level against packet level on the quickstart (ps-sgd,
# leaf-spine), a gradient-coding scenario (star, 1 Gbps) and a fabric scenario (leaf-spine,
# 100 Gbps), each through `simgrad compare-models`, plus the fabric's spraying under NewReno and
# with reordering tolerated (network.tcp_dupacks), then the study's plot: the packet/flow
# ratio of k simultaneous messages against message size on the three platforms. Writes
# docs/packet_study.{gp,dat,png,svg} and prints the numbers the doc quotes. About 15 minutes
# on an idle 2-core machine (the fabric's all-to-all at packet level is most of it).
#
#   bench/run_ns3_study.sh [BUILD_DIR] [OUT_DIR]
set -eu
BUILD=${1:-build}
OUT=${2:-out/ns3-study}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BIN="$BUILD/simgrad"
mkdir -p "$OUT"
echo "uptime before: $(uptime)"
sizes=1kB,10kB,100kB,1MB,10MB

"$BIN" compare-models "$SRC/scenarios/quickstart.json" --out "$OUT/quickstart" --quiet \
    --set algorithm.rounds=60 --sizes $sizes --loads 1,4,16
"$BIN" compare-models "$SRC/scenarios/gc-16-bursty.json" --out "$OUT/gc" --quiet \
    --sizes $sizes --loads 1,4,16
"$BIN" compare-models "$SRC/scenarios/fabric-small.json" --out "$OUT/fabric" --quiet \
    --packet-set 'algorithm.policies="spray"' --packet-set network.ecmp=spray \
    --sizes $sizes --loads 1,4,15
for v in "newreno 3" "cubic 1000" "newreno 1000"; do
    set -- $v
    "$BIN" run "$SRC/scenarios/fabric-small.json" --quiet --out "$OUT/fabric-$1-dupacks$2" \
        --set network.model=packet --set network.ecmp=spray --set 'algorithm.policies="spray"' \
        --set network.tcp="$1" --set network.tcp_dupacks="$2" >"$OUT/fabric-$1-dupacks$2.log"
done

# the plot: one line per (platform, load), from each comparison's probe table
dat="$SRC/docs/packet_study.dat"
: >"$dat"
block=0
spec=""
for s in quickstart gc fabric; do
    for load in 1 15 16; do
        rows=$(python3 - "$OUT/$s/comparison.json" "$load" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
for r in c.get("probe", []):
    if int(r["load"]) == int(sys.argv[2]):
        print(r["size_bytes"], r["flow_s"], r["packet_s"], r["packet_over_flow"])
PY
)
        [ -n "$rows" ] || continue
        printf '# %s, load %s: size_bytes flow_s packet_s packet_over_flow\n%s\n\n\n' \
            "$s" "$load" "$rows" >>"$dat"
        case $s in
        quickstart) what="quickstart leaf-spine (10 Gbps, 2 us)" ;;
        gc) what="gradient-coding star (1 Gbps, 50 us)" ;;
        fabric) what="fabric leaf-spine (100 Gbps, 1 us)" ;;
        esac
        spec="$spec${spec:+, }'packet_study.dat' index $block using 1:4 with linespoints lw 2 title '$what, $load sender(s)'"
        block=$((block + 1))
    done
done
cat >"$SRC/docs/packet_study.gp" <<GP
# Written by bench/run_ns3_study.sh; run \`gnuplot packet_study.gp\` in docs/ to re-render.
set logscale xy
set ytics (0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5)
set yrange [0.25:6]
set xlabel "message size (bytes)"
set ylabel "packet level / flow level"
set title "Time of k simultaneous messages into one host: packet / flow (flow: each scenario's model)"
set key below left Left reverse maxcols 2
set grid
set object 1 rect from graph 0, first 0.95 to graph 1, first 1.05 fc rgb "#dddddd" fs solid 0.5 behind
set terminal pngcairo size 1000,650
set output "packet_study.png"
plot $spec
set terminal svg size 1000,650
set output "packet_study.svg"
replot
GP
(cd "$SRC/docs" && gnuplot packet_study.gp)

summary() { # DIR: simulated time of flow and packet, and every result more than 5% apart
    python3 - "$1/comparison.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
t = c["simulated_time"]
print(f"  simulated time: flow {t['flow']['simulated_time_s']:.6g} s, packet "
      f"{t['packet']['simulated_time_s']:.6g} s, packet/flow {t['packet_over_flow']:.4f}")
for r in c["results"]:
    if r["rel_diff"] is not None and abs(r["rel_diff"]) > 0.05 and "wall" not in r["key"]:
        print(f"  {r['key']}: flow {r['flow']:.6g}, packet {r['packet']:.6g} ({100*r['rel_diff']:+.1f}%)")
for m in c["metrics"]:
    print(f"  metrics {m['column']}: mean |diff| {100*m['mean_abs_rel_diff']:.2f}%, max {100*m['max_abs_rel_diff']:.2f}%")
PY
}
for s in quickstart gc fabric; do
    echo "$s:"
    summary "$OUT/$s"
done
for v in newreno-dupacks3 cubic-dupacks1000 newreno-dupacks1000; do
    python3 - "$OUT/fabric-$v/summary.json" "$v" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"fabric spray, {sys.argv[2]}: " +
      ", ".join(f"{p['name']} {p['time_s']:.6g} s" for p in s["results"]["pairs"]))
PY
done
echo "uptime after: $(uptime)"
