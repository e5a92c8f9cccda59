#!/usr/bin/env bash
# scenarios/gossip-100k.json (issue 14's 100,000-node gossip row) validates, and runs shrunk to
# seconds (10 leaves of 100 hosts: 1,000 nodes, 30 rows each as shipped, 2 time units) with
# complete outputs that agree with each other: the summary, every metrics row, and an event
# log whose gradients, gossips, answered requests and messages match the counters (every
# gossip sends a request, every answered request a reply), at the rates the model sets.
set -u
bin=${SIMGRAD_BIN:-build/simgrad}
src=${SIMGRAD_SOURCE_DIR:-..}
scn=$src/scenarios/gossip-100k.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
check() { if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1 ${3:-}"; fi; }
num() { jq -r "$2" "$1"; }

out=$("$bin" validate "$scn" 2>&1)
check validates $? "$out"
jq -e '.platform.leaves * .platform.hosts_per_leaf == 100000 and .graph.degree == 10
       and .algorithm.methods == "dadao" and .algorithm.duration == 20
       and .workload.samples == 30 * 100000' "$scn" >/dev/null
check states_the_row $?

"$bin" run "$scn" --quiet --out "$tmp/o" --set platform.leaves=10 --set workload.samples=30000 \
    --set algorithm.duration=2 --set algorithm.checkpoints=10 --set output.events=true \
    >"$tmp/o.log" 2>&1
check shrunk_run $? "$(tail -5 "$tmp/o.log")"
s=$tmp/o/summary.json
[ -f "$s" ] && [ -f "$tmp/o/metrics.csv" ] && [ -f "$tmp/o/events.csv" ] &&
  ! ls "$tmp/o"/*.part >/dev/null 2>&1 && [ "$(num "$s" .complete)" = true ]
check outputs_complete $?
[ "$(num "$s" .results.nodes)" = 1000 ] && [ "$(num "$s" .results.edges)" = 5000 ]
check shrunk_graph $?
# one metrics row per checkpoint, t = 0, 0.2, ..., 2, the counters never going back
awk -F, 'NR > 1 { n++; if ($4 < g || $5 < c || $6 < m) bad++; g = $4; c = $5; m = $6; t = $2 }
         END { exit !(n == 11 && !bad && t > 1.999 && t < 2.001) }' "$tmp/o/metrics.csv"
check metrics_rows $?
g=$(num "$s" '.results.methods[0].gradients')
c=$(num "$s" '.results.methods[0].gossips')
m=$(num "$s" '.results.methods[0].messages')
ev() { awk -F, -v k="$1" 'NR > 1 && $5 == k { n++ } END { print n + 0 }' "$tmp/o/events.csv"; }
[ "$(ev gradient)" = "$g" ] && [ "$(ev gossip)" = "$c" ]
check events_match_counters $? "gradients $g / $(ev gradient), gossips $c / $(ev gossip)"
recv=$(ev gossip-recv)
reply=$(ev gossip-reply)
[ "$m" -eq $((c + recv)) ] && [ "$recv" -le "$c" ] && [ "$reply" -le "$recv" ] && [ "$reply" -gt $((c * 9 / 10)) ]
check every_request_answered $? "messages $m, gossips $c, answered $recv, replies $reply"
# Poisson clocks: 1 gradient per node per unit, lambda_mix gossips per unit (within 5 sigma)
awk -v g="$g" -v c="$c" -v l="$(num "$s" .results.lambda_mix)" 'BEGIN {
  eg = 1000 * 2; ec = l * 2
  exit !((g - eg) ^ 2 < 25 * eg && (c - ec) ^ 2 < 25 * ec) }'
check poisson_rates $? "gradients $g, gossips $c"
awk -v e="$(num "$s" '.results.methods[0].final_rel_error')" 'BEGIN { exit !(e > 0 && e < 1) }'
check error_decreases $?

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
