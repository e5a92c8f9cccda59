#!/usr/bin/env bash
# The gossip family through the command: DADAO converges linearly to the true optimum (instant
# events as in the paper, and over the network when delays are small against its time unit),
# the baselines make progress, the graph constants match the closed forms, bad inputs exit 2.
set -u
bin=${SIMGRAD_BIN:-build/simgrad}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
check() { if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1 ${3:-}"; fi; }
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

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
