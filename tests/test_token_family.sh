#!/usr/bin/env bash
# The token family through the command: tokens learn (MSE falls), the measured visit variance
# is reported next to its theory, and bad inputs give exit 2 with a message.
. "$(dirname "$0")/lib.sh"

cat >"$tmp/t.json" <<'JSON'
{"seed": 2,
 "platform": {"type": "star", "hosts": 12},
 "workload": {"model": "lsq", "dataset": "synthetic", "samples": 1200, "features": 4, "l2": 0.01, "condition": 2},
 "graph": {"type": "watts-strogatz", "degree": 4, "beta": 0.3},
 "algorithm": {"family": "token", "walks": "srw,mhrw,nbrw,iid,srrw", "alphas": "1,5",
               "hops": 4000, "replicas": 6, "gamma_exp": 0.6, "beta_exp": 0.75, "step_scale": 1.0}}
JSON
"$bin" run "$tmp/t.json" --quiet --out "$tmp/a" >"$tmp/a.txt" 2>&1
check run_ok $? "$(cat "$tmp/a.txt")"
grep -q '"complete": true' "$tmp/a/summary.json"
check complete $?
# every (walk, alpha) ends with an MSE far below its first checkpoint's
awk -F, 'NR>1 { key=$1 "," $4; if (!(key in first)) first[key]=$7; last[key]=$7 }
         END { for (k in first) if (!(last[k] < first[k] / 5)) { print "no progress " k; bad=1 } exit bad }' \
    "$tmp/a/metrics.csv"
check mse_falls $?
grep -q '"visit_variance_theory"' "$tmp/a/summary.json"
check theory_reported $?
grep -q 'fitted exponent in alpha' "$tmp/a.txt"
check exponent_printed $?
# SA-SRRW's predicted MSE beside the measured one: the base chains (alpha 0, no two-timescale
# transient) agree within the spread of 6 replicas; the theory's large-alpha slope is -2
awk '$1 == "srw" || $1 == "mhrw" { n++; r = $3 / $5; if (!(r > 1/3 && r < 3)) { print "mse/theory " $1 " " r; bad = 1 } }
     /^srrw/ && $5 == "nan" { print "no theory for srrw"; bad = 1 }
     END { exit bad || n != 2 }' "$tmp/a.txt" &&
    grep -q 'for large alpha -2.000' "$tmp/a.txt" && grep -q '"mse_alpha_exponent_ci95"' "$tmp/a/summary.json"
check mse_theory $?
"$bin" run "$tmp/t.json" --quiet --out "$tmp/b" >/dev/null 2>&1
cmp -s "$tmp/a/metrics.csv" "$tmp/b/metrics.csv"
check deterministic $?

expect2() { # NAME PHRASE ARGS...
  local name=$1 phrase=$2 out
  shift 2
  out=$("$bin" validate "$tmp/t.json" "$@" 2>&1 >/dev/null)
  local rc=$?
  [ "$rc" -eq 2 ] && grep -qF -- "$phrase" <<<"$out"
  check "$name" $? "exit $rc: $out"
}
expect2 alpha_negative "algorithm.alphas: \"-1\" is not an alpha >= 0" --set 'algorithm.alphas="0,-1"'
expect2 gamma_range "algorithm.gamma_exp" --set algorithm.gamma_exp=1.5
expect2 gamma_half "algorithm.gamma_exp must be in (0.5, 1]" --set algorithm.gamma_exp=0.5
expect2 walk_unknown "unknown walk \"levy\"" --set 'algorithm.walks="levy"'
printf '0 1\n1 2\n3 4\n4 5\n' >"$tmp/two.edges"
expect2 disconnected "disconnected" --set 'graph={"type": "file", "file": "'"$tmp/two.edges"'"}' --set graph.n=0
printf '0.5\n0\n0.5\n' >"$tmp/zero.w"
expect2 target_zero "must be positive" --set 'graph={"type": "cycle", "n": 3}' \
    --set algorithm.target='"file"' --set algorithm.target_file="$tmp/zero.w"
printf '0.5\n0.2\n0.2\n' >"$tmp/sum.w"
expect2 target_sum "sum to 0.9" --set 'graph={"type": "cycle", "n": 3}' \
    --set algorithm.target='"file"' --set algorithm.target_file="$tmp/sum.w"

# A step scale that diverges is a result: the tokens stop at the first hop whose model is not
# finite, the summary says where (NaN where a mean has no finite value), the report says so.
"$bin" run "${SIMGRAD_SOURCE_DIR:-.}/scenarios/token-srrw.json" --quiet --out "$tmp/div" \
    --set algorithm.hops=3000 --set algorithm.replicas=4 --set algorithm.step_scale=1e6 >/dev/null 2>&1
check diverged_run_exit_0 $?
grep -q '"diverged": true' "$tmp/div/summary.json" && grep -q '"diverged_at": "hop [0-9]*"' "$tmp/div/summary.json" &&
  grep -q '"mse": "NaN"' "$tmp/div/summary.json"
check diverged_recorded $?
"$bin" report "$tmp/div" --out "$tmp/div-report" --quiet >/dev/null 2>&1 && grep -q "diverged at hop" "$tmp/div-report/report.md"
check diverged_report $?
finish
