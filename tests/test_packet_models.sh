#!/usr/bin/env bash
# network.model through the command: every family runs a small scenario at flow level and at
# packet level (ns-3) and writes complete outputs (exit 0 although SimGrid's teardown crashes
# under ns-3; summary.json complete; metrics.csv renamed into place with every row), and what
# packet level cannot run exits 2 with the reason.
. "$(dirname "$0")/lib.sh"
src=${SIMGRAD_SOURCE_DIR:-..}

# complete RUN ROWS: the run's outputs are whole: summary complete, metrics.csv (no .part)
# with ROWS data rows at least
complete() {
    [ -s "$1/summary.json" ] && grep -q '"complete": true' "$1/summary.json" &&
        [ -s "$1/metrics.csv" ] && [ ! -e "$1/metrics.csv.part" ] &&
        [ "$(($(wc -l <"$1/metrics.csv") - 1))" -ge "$2" ]
}

run_both() { # NAME ROWS SCENARIO ARGS...
    local name=$1 rows=$2 scn=$3
    shift 3
    for m in flow packet; do
        "$bin" run "$scn" --quiet --out "$tmp/$name-$m" --set network.model=$m "$@" \
            >"$tmp/$name-$m.log" 2>&1
        check "${name}_${m}_exit" $? "$(tail -3 "$tmp/$name-$m.log")"
        complete "$tmp/$name-$m" "$rows"
        check "${name}_${m}_complete" $?
        grep -q "\"model\": \"$m\"" "$tmp/$name-$m/summary.json"
        check "${name}_${m}_recorded" $?
    done
}

run_both ps-sgd 5 "$src/scenarios/quickstart.json" --set algorithm.rounds=5 \
    --set algorithm.eval_every=5 --set workload.samples=2000 --set workload.test_samples=500
# WAN, waiting for 14 of 17: late gradients are in flight when the server ends
run_both ps-sgd-wan 6 "$src/scenarios/ps-sgd-bursty-wan.json" --set algorithm.rounds=6
run_both gc 4 "$src/scenarios/gc-16-bursty.json" --set algorithm.jobs=2 \
    --set 'algorithm.schemes="uncoded,gc"' --set workload.samples=1600
# gossip ends with messages in flight to nodes that SimGrid then kills
run_both gossip 3 "$src/scenarios/gossip-dadao.json" --set algorithm.duration=3 \
    --set algorithm.target=1e-3
run_both token 2 "$src/scenarios/token-srrw.json" --set algorithm.hops=100 \
    --set algorithm.replicas=2 --set 'algorithm.alphas="0,5"'
# the same simulated work: ps-sgd's loss does not depend on the network (but for the order in
# which the server sums the gradients, which follows their arrival), its time does
l1=$(grep -o '"final_train_loss": [0-9.e+-]*' "$tmp/ps-sgd-flow/summary.json" | cut -d' ' -f2)
l2=$(grep -o '"final_train_loss": [0-9.e+-]*' "$tmp/ps-sgd-packet/summary.json" | cut -d' ' -f2)
[ -n "$l1" ] && [ -n "$l2" ] && awk -v a="$l1" -v b="$l2" 'BEGIN { d = a - b; exit !(d * d < 1e-18 * a * a) }'
check ps_sgd_same_loss $? "$l1 / $l2"
# the ns-3 platform: hosts, routers and one route per cable
grep -q '<router id="spine0"/>' "$tmp/ps-sgd-packet/platform.xml" &&
    ! grep -q '<cluster' "$tmp/ps-sgd-packet/platform.xml"
check packet_platform_written_link_by_link $?

# flow level on the platform written for ns-3: same run, same routes as ns-3
"$bin" run "$src/scenarios/quickstart.json" --quiet --out "$tmp/same" --set algorithm.rounds=2 \
    --set workload.samples=2000 --set network.same_routes=true >"$tmp/same.log" 2>&1 &&
    complete "$tmp/same" 2 && grep -q '<router id="leaf0"/>' "$tmp/same/platform.xml"
check same_routes_flow $? "$(tail -2 "$tmp/same.log")"

# compare-models: both runs, the probe, the report with its ratio plot
cat >"$tmp/cm.json" <<'JSON'
{"seed": 2, "platform": {"type": "star", "hosts": 5, "host_bw": "1Gbps", "host_lat": "20us"},
 "workload": {"model": "lsq", "dataset": "synthetic", "samples": 400, "features": 20},
 "algorithm": {"family": "ps-sgd", "rounds": 4, "eval_every": 4},
 "simulation": {"network_model": "CM02"}}
JSON
"$bin" compare-models "$tmp/cm.json" --out "$tmp/cm" --sizes 1kB,1MB --loads 1,4 \
    >"$tmp/cm.log" 2>&1
check compare_models_exit $? "$(tail -3 "$tmp/cm.log")"
[ -s "$tmp/cm/report.md" ] && [ -s "$tmp/cm/packet_flow_ratio.png" ] &&
    [ -s "$tmp/cm/comparison.json" ] && [ ! -e "$tmp/cm/flow-same-routes" ]
check compare_models_outputs $?
# 2 sizes x 2 loads, each ratio a positive number; the 1 MB incast of 4 is bandwidth-bound:
# packet within 10% of CM02 (4.2% of header bytes, the handshake and the FIN)
python3 - "$tmp/cm/comparison.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
probe = {(r["size_bytes"], r["load"]): r["packet_over_flow"] for r in c["probe"]}
assert len(probe) == 4 and all(v > 0 for v in probe.values()), probe
assert 1.0 < probe[(1e6, 4)] < 1.1, probe
assert c["family"] == "ps-sgd" and c["simulated_time"]["packet_over_flow"] > 0
assert any(r["key"] == "final_train_loss" and r["rel_diff"] == 0 for r in c["results"])
PY
check compare_models_content $?
"$bin" compare-models "$src/scenarios/fabric-small.json" --out "$tmp/cm-bad" \
    >"$tmp/cm-bad.log" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "ecmp cannot run at packet level" "$tmp/cm-bad.log"
check compare_models_refuses $? "exit $rc: $(tail -1 "$tmp/cm-bad.log")"

# what packet level cannot run: exit 2 and the reason
printf '1,0.5,0.1\n' >"$tmp/failures.csv"
cat >"$tmp/np.json" <<'JSON'
{"platform": {"type": "star", "hosts": 3}, "algorithm": {"family": "ping", "pattern": "incast"}}
JSON
refuse() { # NAME EXPECTED-TEXT SCENARIO ARGS...
    local name=$1 want=$2 scn=$3
    shift 3
    "$bin" run "$scn" --quiet --out "$tmp/bad-$name" "$@" >"$tmp/bad-$name.log" 2>&1
    local rc=$?
    [ $rc -eq 2 ] && grep -q "$want" "$tmp/bad-$name.log"
    check "refuse_$name" $? "exit $rc: $(tail -1 "$tmp/bad-$name.log")"
}
refuse fat_tree "binding gets no link" "$src/scenarios/quickstart.json" \
    --set network.model=packet --set platform.type='"fat-tree"' \
    --set platform.topo_parameters='"2;4,4;1,2;1,2"'
refuse torus "use leaf-spine" "$src/scenarios/quickstart.json" --set network.model=packet \
    --set platform.type='"torus"' --set platform.topo_parameters='"4,4"'
refuse backbone "shared backbone" "$src/scenarios/gc-16-bursty.json" \
    --set network.model=packet --set platform.backbone_bw='"1Gbps"'
refuse file "platform file" "$src/scenarios/quickstart.json" --set network.model=packet \
    --set platform.type='"file"' --set platform.file="\"$tmp/ps-sgd-flow/platform.xml\""
refuse host_failures "cannot fail a link" "$src/scenarios/quickstart.json" \
    --set network.model=packet --set stragglers.host_failures="\"$tmp/failures.csv\""
refuse paje "on_action_state_change" "$src/scenarios/gc-16-bursty.json" --set network.model=packet \
    --set output.paje=true
refuse same_routes_dragonfly "network.same_routes" "$src/scenarios/quickstart.json" \
    --set network.same_routes=true --set platform.type='"dragonfly"' \
    --set platform.topo_parameters='"2,2;2,1;2,1;2"'
refuse empty_message "at least 1 byte" "$tmp/np.json" --set network.model=packet \
    --set 'algorithm.sizes="0"'
refuse huge_message "32 bits" "$tmp/np.json" --set network.model=packet \
    --set 'algorithm.sizes="5GB"'
refuse bad_model "network.model" "$src/scenarios/quickstart.json" --set network.model='"ns3"'

finish
