#!/usr/bin/env bash
# simgrad sweep: a grid x replicas run with -j 2, merged into one CSV; started again it skips
# finished runs and reruns incomplete ones; a bad sweep file or value gives exit 2.
set -u
bin=${SIMGRAD_BIN:-build/simgrad}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
check() { if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1 ${3:-}"; fi; }

cat >"$tmp/base.json" <<'JSON'
{"seed": 4, "platform": {"type": "star", "hosts": 6},
 "stragglers": {"model": "iid", "p": 0.1, "slowdown": 5},
 "workload": {"model": "lsq", "dataset": "synthetic", "samples": 600, "features": 4},
 "algorithm": {"family": "ps-sgd", "rounds": 10}}
JSON
cat >"$tmp/sweep.json" <<JSON
{"base": "base.json", "grid": {"platform.host_bw": ["1Gbps", "10Gbps"], "stragglers.p": [0.1, 0.3]},
 "replicas": 2, "out": "$tmp/out"}
JSON
out=$("$bin" sweep "$tmp/sweep.json" -j 2 2>&1)
check sweep_runs $? "$out"
[ "$(wc -l <"$tmp/out/results.csv")" -eq 9 ]
check one_row_per_run $?
head -1 "$tmp/out/results.csv" | grep -q '^run,platform.host_bw,stragglers.p,seed,complete'
check columns $?
grep -q '^run-0003,"10Gbps",0.1,5,true' "$tmp/out/results.csv"
check grid_and_seeds $? "$(sed -n 5p "$tmp/out/results.csv")"
# slower links cost simulated time: run-0000 (1Gbps) against run-0002 (10Gbps), same seed
awk -F, 'NR==2 {a=$6} NR==4 {b=$6} END {exit !(a > b)}' "$tmp/out/results.csv"
check what_if_effect $?
# resume: one run lost its summary (as if interrupted): only it runs again
rm "$tmp/out/run-0005/summary.json"
out=$("$bin" sweep "$tmp/sweep.json" -j 2 2>&1)
grep -q "8 runs (7 already done, 0 failed)" <<<"$out"
check resume_reruns_only_incomplete $? "$out"
[ -s "$tmp/out/run-0005/summary.json" ]
check resumed_run_complete $?

echo '{"base": "base.json", "grid": {"platform.hosts": ["many"]}, "out": "'"$tmp"'/bad"}' >"$tmp/badval.json"
"$bin" sweep "$tmp/badval.json" >/dev/null 2>&1
check bad_value_exit2 $([ $? -eq 2 ]; echo $?)
echo '{"base": "base.json", "grid": {"platform.hosts": 3}}' >"$tmp/badgrid.json"
"$bin" sweep "$tmp/badgrid.json" 2>&1 | grep -q "grid.platform.hosts: expected a non-empty array"
check bad_grid_message $?
echo '{"base": "nope.json"}' >"$tmp/nobase.json"
"$bin" sweep "$tmp/nobase.json" 2>&1 | grep -q "base: cannot read"
check missing_base $?

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
