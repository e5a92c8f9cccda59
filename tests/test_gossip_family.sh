#!/usr/bin/env bash
# The gossip family through the command: DADAO converges linearly to the true optimum (instant
# events as in the paper, and over the network when delays are small against its time unit),
# the baselines make progress, the graph constants match the closed forms, bad inputs exit 2.
. "$(dirname "$0")/lib.sh"
num() { grep -m1 "\"$2\":" "$1" | sed 's/.*: *\([-0-9.eE+]*\).*/\1/'; }

cat >"$tmp/g.json" <<'JSON'
{"seed": 3,
 "platform": {"type": "star", "hosts": 16},
 "workload": {"model": "lsq", "dataset": "synthetic", "samples": 1600, "features": 5,
              "condition": 4, "l2": 0.05},
 "graph": {"type": "cycle"},
 "algorithm": {"family": "gossip", "methods": "dadao,pairwise,dsgd,adom+", "instant": true,
               "duration": 400}}
JSON
"$bin" run "$tmp/g.json" --quiet --out "$tmp/a" >"$tmp/a.txt" 2>&1
check run_instant $? "$(cat "$tmp/a.txt")"
# the cycle of 16: chi1 = 16 / (2 - 2 cos(2 pi / 16)), chi2 = (16-1)/2
awk -v c1="$(num "$tmp/a/summary.json" chi1)" -v c2="$(num "$tmp/a/summary.json" chi2)" \
    'BEGIN { e1 = 16 / (2 - 2 * cos(2 * 3.141592653589793 / 16)); d2 = c2 - 7.5;
             exit !(c1/e1 - 1 < 1e-9 && 1 - c1/e1 < 1e-9 && d2 < 1e-12 && -d2 < 1e-12) }'
check graph_constants $?
grep -A3 '"method": "dadao"' "$tmp/a/summary.json" | grep -q . &&
  awk -F, 'NR>1 && $1==0 {last=$7} END {exit !(last < 1e-8)}' "$tmp/a/metrics.csv"
check dadao_reaches_1e-8 $?
awk -F, 'NR>1 && $1==1 {last=$7} END {exit !(last < 1e-3)}' "$tmp/a/metrics.csv"
check pairwise_converges $?
awk -F, 'NR>1 && $1==2 {last=$7} END {exit !(last < 1e-3)}' "$tmp/a/metrics.csv"
check dsgd_converges $?
# ADOM+ with multi-consensus converges linearly too, but with far more gossips than DADAO
awk -F, 'NR>1 && $1==3 {last=$7; c3=$5} NR>1 && $1==0 {c0=$5} END {exit !(last < 1e-6 && c3 > 5 * c0)}' "$tmp/a/metrics.csv"
check adom_converges_with_more_gossips $?
# with a decaying step the baselines converge to the optimum too (sublinearly)
"$bin" run "$tmp/g.json" --quiet --out "$tmp/decay" --set 'algorithm.methods="pairwise,dsgd"' \
    --set algorithm.step_decay=20 --set algorithm.duration=1000 >/dev/null 2>&1
awk -F, 'NR>1 {last[$1]=$7} END {exit !(last[0] < 1e-5 && last[1] < 1e-5)}' "$tmp/decay/metrics.csv"
check baselines_converge_with_decaying_step $?
grep -q "fitted rate" "$tmp/a.txt"
check rate_reported $?

"$bin" report "$tmp/a" --out "$tmp/rep" >/dev/null 2>&1 &&
  [ -s "$tmp/rep/error_vs_time.png" ] && [ -s "$tmp/rep/error_vs_messages.svg" ] &&
  grep -q "chi1" "$tmp/rep/report.md"
check report_plots $?

"$bin" run "$tmp/g.json" --quiet --out "$tmp/b" --set algorithm.instant=false \
    --set 'algorithm.time_unit="1s"' --set 'algorithm.methods="dadao"' >/dev/null 2>&1
check run_network $?
awk -F, 'NR>1 {last=$7} END {exit !(last < 1e-8)}' "$tmp/b/metrics.csv"
check dadao_network_converges $?

# Time-varying graphs: 4 random 3-regular graphs switched every 2 units, all four methods,
# networked; DADAO still reaches 1e-7.
"$bin" run "$tmp/g.json" --quiet --out "$tmp/tv" --set algorithm.instant=false \
    --set 'algorithm.time_unit="1s"' --set algorithm.duration=150 \
    --set 'graph={"type": "regular", "degree": 3, "versions": 4, "switch_every": 2}' >/dev/null 2>&1
check run_time_varying $?
awk -F, 'NR>1 && $1==0 {last=$7} END {exit !(last < 1e-7)}' "$tmp/tv/metrics.csv"
check dadao_time_varying_converges $?

# Per-edge rates: lambda_mix/|E| on every edge reproduces the default; too little gossip is
# flagged against DADAO's condition 2 chi1* chi2* <= 1.
awk 'BEGIN { l = 39.70450 / 16; for (e = 0; e < 16; e++) printf "%.10f\n", l }' >"$tmp/uni.rates"
"$bin" run "$tmp/g.json" --quiet --out "$tmp/er" --set algorithm.edge_rates="$tmp/uni.rates" \
    --set 'algorithm.methods="dadao"' >/dev/null 2>&1
awk -F, 'NR>1 {last=$7} END {exit !(last < 1e-8)}' "$tmp/er/metrics.csv"
check edge_rates_uniform_converges $?
awk 'BEGIN { for (e = 0; e < 16; e++) print 0.5 }' >"$tmp/low.rates"
"$bin" run "$tmp/g.json" --quiet --out "$tmp/low" --set algorithm.edge_rates="$tmp/low.rates" \
    --set 'algorithm.methods="pairwise"' 2>&1 | grep -q "2 chi1\* chi2\* = .* > 1"
check edge_rates_condition_warned $?
printf '1\n2\n' >"$tmp/short.rates"
expect_run() { # NAME PHRASE ARGS...
  local name=$1 phrase=$2 out
  shift 2
  out=$("$bin" run "$tmp/g.json" --quiet --out "$tmp/x" "$@" 2>&1 >/dev/null)
  local rc=$?
  [ "$rc" -eq 2 ] && grep -qF -- "$phrase" <<<"$out"
  check "$name" $? "exit $rc: $out"
}
expect_run edge_rates_rows "expected 16 rows" --set algorithm.edge_rates="$tmp/short.rates"
awk 'BEGIN { for (e = 0; e < 16; e++) print (e == 3 ? -1 : 1) }' >"$tmp/neg.rates"
expect_run edge_rates_negative "negative" --set algorithm.edge_rates="$tmp/neg.rates"

expect2() { # NAME PHRASE ARGS...
  local name=$1 phrase=$2 out
  shift 2
  out=$("$bin" validate "$tmp/g.json" "$@" 2>&1 >/dev/null)
  local rc=$?
  [ "$rc" -eq 2 ] && grep -qF -- "$phrase" <<<"$out"
  check "$name" $? "exit $rc: $out"
}
printf '0 1\n1 2\n3 4\n4 5\n' >"$tmp/two.edges"
expect2 disconnected "disconnected" --set 'graph={"type": "file", "file": "'"$tmp/two.edges"'"}'
printf '0 1\n1 2\n2 99\n' >"$tmp/far.edges"
expect2 unknown_node "graph.file" --set 'graph={"type": "file", "file": "'"$tmp/far.edges"'", "n": 16}'
expect2 mu_zero "workload.l2 must be > 0 for logreg" --set 'workload.model="logreg"' --set workload.l2=0
expect2 rate_negative "algorithm.lambda_mix" --set algorithm.lambda_mix=-1
expect2 method_unknown "unknown method \"admm\"" --set 'algorithm.methods="admm"'
# what the configuration and the graph decide is answered by validate, not only by run
expect2 validate_edge_rates_rows "expected 16 rows" --set algorithm.edge_rates="$tmp/short.rates"
expect2 validate_edge_rates_dense "algorithm.dense_max = 8" --set algorithm.edge_rates="$tmp/uni.rates" \
    --set algorithm.dense_max=8
expect2 validate_replay_synchronous "algorithm.replay: dsgd is synchronous" \
    --set algorithm.replay="$tmp/uni.rates"


# ---- a published experiment stated exactly (issue 12) ----
# Per-node data from a node column (CSV), a start per node, a sequence of two graphs in one edge
# CSV with a graph-id column switched every 1/chi1, mu and L given, every event logged.
mkdir -p "$tmp/p"
cat >"$tmp/p/data.csv" <<'CSV'
node,label,a,b
0,1,0.5,1.0
0,-1,-0.3,0.2
1,1,1.5,-1.0
1,-1,-0.7,0.4
2,1,0.1,0.9
2,-1,-1.2,-0.4
3,1,0.8,0.3
3,-1,-0.2,-1.1
CSV
printf 'graph,u,v\n0,0,1\n0,1,2\n0,2,3\n1,0,1\n1,1,2\n1,2,3\n1,3,0\n' >"$tmp/p/graphs.csv"
printf '0.1,-0.2\n0.3,0.4\n-0.5,0.6\n0.7,-0.8\n' >"$tmp/p/x0.csv"
cat >"$tmp/p/s.json" <<'JSON'
{"seed": 1, "platform": {"type": "star", "hosts": 4},
 "workload": {"model": "logreg", "dataset": "csv", "path": "data.csv", "partition": "column",
              "l2": 1.0, "bias": false},
 "problem": {"mu": 1.0, "L": 1.6},
 "graph": {"type": "file", "file": "graphs.csv", "switch": "chi1"},
 "algorithm": {"family": "gossip", "methods": "dadao,pairwise", "instant": true, "duration": 30,
               "x0": "x0.csv", "error_measure": "last-event"},
 "output": {"events": true}}
JSON
"$bin" run "$tmp/p/s.json" --quiet --out "$tmp/p/o1" >"$tmp/p/o1.txt" 2>&1
check paper_setting_runs $? "$(cat "$tmp/p/o1.txt")"
# the summary states x*, d0, mu and L as given, both errors; 17 significant digits
jq -e '.results | (.xstar | length) == 2 and .initial_distance > 0 and .mu == 1 and .L == 1.6
       and .graph_versions == 2 and .error_measure == "last-event"
       and (.methods[0].final_abs_error / .initial_distance - .methods[0].final_rel_error | fabs) < 1e-15' \
   "$tmp/p/o1/summary.json" >/dev/null
check summary_states_problem $?
# chi1 of the sequence is the path's 3 / (2 - sqrt 2); graph k in force from k / chi1
awk -F, 'NR > 1 && $5 == "gossip" { g = int($3 * 3 / (2 - sqrt(2))) % 2; if ($8 != g) bad++ }
         END { exit bad > 0 }' "$tmp/p/o1/events.csv"
check graph_switch_every_inverse_chi1 $?
awk -F, 'NR == 2 { n = split($10, a, "."); exit !(length(a[2]) >= 15) }' "$tmp/p/o1/events.csv"
check events_full_precision $?
# x0: every method starts there (the first metrics row's absolute error is d0 from x0.csv)
# d0 = mean_i |x0_i - x*|^2 from x0.csv and the summary's x*, against the first row
awk -F, -v s="$(jq -r '.results.xstar | join(",")' "$tmp/p/o1/summary.json")" \
    'BEGIN { split(s, xs, ",") } FNR == NR { d += ($1 - xs[1])^2 + ($2 - xs[2])^2; next }
     FNR == 2 { r = $8 / (d / 4); exit !(r > 1 - 1e-12 && r < 1 + 1e-12) }' \
    "$tmp/p/x0.csv" "$tmp/p/o1/metrics.csv"
check x0_sets_d0 $?
# replay: the same events, the same errors (to the last digit), for dadao and pairwise
"$bin" run "$tmp/p/s.json" --quiet --out "$tmp/p/o2" --set algorithm.replay="$tmp/p/o1/events.csv" \
    >/dev/null 2>&1
check replay_runs $?
diff <(grep ^dadao "$tmp/p/o1/events.csv") <(grep ^dadao "$tmp/p/o2/events.csv") >/dev/null
check replay_same_errors $?
[ "$(grep -c ^pairwise "$tmp/p/o2/events.csv")" = "$(grep -c ^dadao "$tmp/p/o1/events.csv")" ]
check replay_baseline_same_events $?
# networked: the events as delivered, each end's jump logged
"$bin" run "$tmp/p/s.json" --quiet --out "$tmp/p/net" --set algorithm.instant=false \
    --set 'algorithm.time_unit="1s"' --set 'algorithm.methods="dadao"' >/dev/null 2>&1 &&
  grep -q ",gossip-recv," "$tmp/p/net/events.csv" && grep -q ",gossip-reply," "$tmp/p/net/events.csv"
check networked_events_delivery $?
# one file per node (LIBSVM, node i's rows in node{i}.svm) gives the same problem
for i in 0 1 2 3; do
  awk -F, -v n=$i 'NR > 1 && $1 == n { printf "%s 1:%s 2:%s\n", $2, $3, $4 }' "$tmp/p/data.csv" >"$tmp/p/node$i.svm"
done
"$bin" run "$tmp/p/s.json" --quiet --out "$tmp/p/o3" --set 'workload.dataset="libsvm"' \
    --set 'workload.partition="files"' --set "workload.node_files=\"$tmp/p/node{node}.svm\"" \
    --set 'algorithm.methods="dadao"' >/dev/null 2>&1
check node_files_run $?
jq -e --slurpfile a "$tmp/p/o1/summary.json" '.results.xstar == $a[0].results.xstar' \
   "$tmp/p/o3/summary.json" >/dev/null
check node_files_same_xstar $?
# LIBSVM with a node:i token
awk -F, 'NR > 1 { printf "%s node:%s 1:%s 2:%s\n", $2, $1, $3, $4 }' "$tmp/p/data.csv" >"$tmp/p/all.svm"
"$bin" run "$tmp/p/s.json" --quiet --out "$tmp/p/o4" --set 'workload.dataset="libsvm"' \
    --set "workload.path=\"$tmp/p/all.svm\"" --set 'algorithm.methods="dadao"' >/dev/null 2>&1 &&
  jq -e --slurpfile a "$tmp/p/o1/summary.json" '.results.xstar == $a[0].results.xstar' \
     "$tmp/p/o4/summary.json" >/dev/null
check libsvm_node_token $?
# {k} files: the same sequence as the graph-id CSV
awk -F, 'NR > 1 { print $2, $3 > ("'"$tmp/p"'/g" $1 ".edges") }' "$tmp/p/graphs.csv"
"$bin" run "$tmp/p/s.json" --quiet --out "$tmp/p/o5" --set "graph.file=\"$tmp/p/g{k}.edges\"" \
    --set graph.versions=2 >/dev/null 2>&1 && cmp -s "$tmp/p/o1/metrics.csv" "$tmp/p/o5/metrics.csv"
check graph_files_pattern_same_run $?

# the loss convention (docs/model.md): every f_i scaled by 2 (data and targets by sqrt 2, the
# ridge, mu and L by 2), as a (1/m) least squares is to simgrad's (1/2m), leaves DADAO's
# trajectory unchanged
awk -F, 'NR == 1 { print; next } { printf "%s,%.17g,%s,%s\n", $1, 0.7 * $2 + 0.3 * $3 + 0.05, $3, $4 }' \
    "$tmp/p/data.csv" >"$tmp/p/lsq1.csv"
awk -F, 'NR == 1 { print; next } { s = sqrt(2); printf "%s,%.17g,%.17g,%.17g\n", $1, $2 * s, $3 * s, $4 * s }' \
    "$tmp/p/lsq1.csv" >"$tmp/p/lsq2.csv"
lsq=(--set 'workload.model="lsq"' --set 'algorithm.methods="dadao"' --set algorithm.duration=20
     --set output.events=false)
"$bin" run "$tmp/p/s.json" --quiet --out "$tmp/p/c1" "${lsq[@]}" --set "workload.path=\"$tmp/p/lsq1.csv\"" \
    --set workload.l2=0.1 --set problem.mu=0.3 --set problem.L=2 >/dev/null 2>&1 &&
  "$bin" run "$tmp/p/s.json" --quiet --out "$tmp/p/c2" "${lsq[@]}" --set "workload.path=\"$tmp/p/lsq2.csv\"" \
    --set workload.l2=0.2 --set problem.mu=0.6 --set problem.L=4 >/dev/null 2>&1 &&
  paste -d, <(cut -d, -f7 "$tmp/p/c1/metrics.csv") <(cut -d, -f7 "$tmp/p/c2/metrics.csv") |
  awk -F, 'NR > 1 { d = ($1 - $2) / $1; if (d < 0) d = -d; if (d > m) m = d } END { exit !(NR > 50 && m < 1e-12) }'
check loss_scale_invariance $?

# bad inputs: exit 2, one message naming the file and line
expect_p() { # NAME PHRASE ARGS...
  local name=$1 phrase=$2 out
  shift 2
  out=$("$bin" run "$tmp/p/s.json" --quiet --out "$tmp/p/x" "$@" 2>&1 >/dev/null)
  local rc=$?
  [ "$rc" -eq 2 ] && grep -qF -- "$phrase" <<<"$out" && [ "$(wc -l <<<"$out")" -eq 1 ]
  check "$name" $? "exit $rc: $out"
}
sed 's/^3,1,0.8/7,1,0.8/' "$tmp/p/data.csv" >"$tmp/p/bad_node.csv"
expect_p node_missing "bad_node.csv:8: node 7 does not exist" --set "workload.path=\"$tmp/p/bad_node.csv\""
grep -v '^3,' "$tmp/p/data.csv" >"$tmp/p/no_rows.csv"
expect_p node_no_rows "no_rows.csv: node 3 has no rows" --set "workload.path=\"$tmp/p/no_rows.csv\""
printf '0.1,-0.2,0.3\n' >"$tmp/p/x0bad.csv"
expect_p x0_dimension "x0bad.csv:1: 3 values, expected 2" --set "algorithm.x0=\"$tmp/p/x0bad.csv\""
printf '0.1,-0.2\n0.1,-0.2\n' >"$tmp/p/x0rows.csv"
expect_p x0_rows "2 rows, expected 1" --set "algorithm.x0=\"$tmp/p/x0rows.csv\""
sed 's/^1,3,0/1,3,9/' "$tmp/p/graphs.csv" >"$tmp/p/gbad.csv"
expect_p edge_out_of_range "gbad.csv:8: node index 9 is out of range" --set "graph.file=\"$tmp/p/gbad.csv\""
(head -3 "$tmp/p/o1/events.csv"; echo "dadao,3,0.3,0,gossip,0,2,0,,") >"$tmp/p/ev_edge.csv"
expect_p replay_missing_edge "ev_edge.csv:4: no edge 0-2 in graph 0" --set "algorithm.replay=\"$tmp/p/ev_edge.csv\""
(head -4 "$tmp/p/o1/events.csv"; echo "dadao,4,0.1,0,gradient,1,,,,") >"$tmp/p/ev_back.csv"
expect_p replay_back_in_time "ev_back.csv:5: the log goes back in time" --set "algorithm.replay=\"$tmp/p/ev_back.csv\""
expect_p replay_synchronous "dsgd is synchronous" --set "algorithm.replay=\"$tmp/p/o1/events.csv\"" \
    --set 'algorithm.methods="dadao,dsgd"'
expect_p problem_L_below_mu "problem.L = 0.5 is below problem.mu = 1" --set problem.L=0.5

# The work estimate before a run (issue 16 item 8): DADAO draws n gradients and
# lambda_mix = sqrt(2 chi1 chi2) gossips per time unit, here from the cycle's closed forms;
# a limit just below that is refused naming the knob, just above it runs, and the events a
# run draws per time unit agree with it (it stops at the target after ~9,700 events: 5% is
# 5 sigma).
est=$(awk 'BEGIN { c1 = 16 / (2 - 2 * cos(2 * 3.141592653589793 / 16));
                   printf "%.6g", (16 + sqrt(2 * c1 * 7.5)) * 400 }')
expect_exit work_estimate_refused 2 "above simulation.max_events" "$bin" run "$tmp/g.json" \
    --quiet --out "$tmp/w1" --set 'algorithm.methods="dadao"' \
    --set "simulation.max_events=$(awk -v e="$est" 'BEGIN {print e * 0.99}')"
"$bin" run "$tmp/g.json" --quiet --out "$tmp/w2" --set 'algorithm.methods="dadao"' \
    --set "simulation.max_events=$(awk -v e="$est" 'BEGIN {print e * 1.01}')" >/dev/null 2>&1
check work_estimate_allows $?
awk -F, -v e="$est" 'NR>1 && $1==0 {n = $4 + $5; t = $2}
    END {r = n / (e * t / 400); exit !(r > 0.95 && r < 1.05)}' \
    "$tmp/w2/metrics.csv"
check work_estimate_matches_events $? "estimate $est"

finish
