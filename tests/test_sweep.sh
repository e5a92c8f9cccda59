#!/usr/bin/env bash
# simgrad sweep: a grid x replicas run with -j 2, merged into one CSV and reported; started
# again it skips finished runs and reruns incomplete ones, also after an interruption; a bad
# sweep file or value gives exit 2.
. "$(dirname "$0")/lib.sh"

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
# the report: the default metric (ps-sgd: simulated time) against each swept key
for k in platform_host_bw stragglers_p; do
    [ -s "$tmp/out/sweep_simulated_time_s_vs_$k.png" ] && [ -s "$tmp/out/sweep_simulated_time_s_vs_$k.svg" ]
    check "report_plot_$k" $?
done
grep -q '| 10Gbps | 0.3 | 2 of 2 |' "$tmp/out/report.md" && [ -s "$tmp/out/report.html" ]
check report_table $? "$(cat "$tmp/out/report.md")"
grep -q "set ylabel 'simulated_time_s (simulated s)'" "$tmp/out/sweep_simulated_time_s_vs_stragglers_p.gp" &&
    grep -q "set xlabel 'stragglers.p (probability)'" "$tmp/out/sweep_simulated_time_s_vs_stragglers_p.gp"
check axis_units $?
# resume: one run lost its summary (as if interrupted): only it runs again
rm "$tmp/out/run-0005/summary.json"
out=$("$bin" sweep "$tmp/sweep.json" -j 2 2>&1)
grep -q "8 runs (7 already done, 0 failed)" <<<"$out"
check resume_reruns_only_incomplete $? "$out"
[ -s "$tmp/out/run-0005/summary.json" ]
check resumed_run_complete $?

# interrupted (SIGTERM, as a batch system or kill sends it): the runs under way are told, end
# incomplete, the sweep merges what it has and exits 130; started again it runs the rest only
cat >"$tmp/slow.json" <<JSON
{"base": "base.json", "grid": {"algorithm.rounds": [4000], "stragglers.p": [0.1, 0.2, 0.3]},
 "replicas": 2, "out": "$tmp/slow"}
JSON
"$bin" sweep "$tmp/slow.json" -j 2 >"$tmp/slow.log" 2>&1 &
sweep_pid=$!
for _ in $(seq 100); do
    [ "$(ls "$tmp"/slow/run-000*/summary.json 2>/dev/null | wc -l)" -ge 1 ] && break
    sleep 0.05
done
kill -TERM "$sweep_pid"
wait "$sweep_pid"
check interrupted_exit_130 $([ $? -eq 130 ]; echo $?) "$(cat "$tmp/slow.log")"
grep -q "interrupted with [0-5] of 6 runs complete" "$tmp/slow.log"
check interrupted_message $? "$(cat "$tmp/slow.log")"
[ -s "$tmp/slow/results.csv" ] && grep -q ',false,' "$tmp/slow/results.csv"
check interrupted_merge_marks_incomplete $?
done_before=$(grep -c ',true,' "$tmp/slow/results.csv")
out=$("$bin" sweep "$tmp/slow.json" -j 2 2>&1)
grep -q "6 runs ($done_before already done, 0 failed)" <<<"$out"
check resume_after_interrupt $? "$out"
[ "$(grep -c ',true,' "$tmp/slow/results.csv")" -eq 6 ]
check resume_completes_all $?

# a changed grid with the same "out" would take the old finished runs for new ones: refused
sed 's/"stragglers.p": \[0.1, 0.3\]/"stragglers.p": [0.2, 0.3]/' "$tmp/sweep.json" >"$tmp/changed.json"
out=$("$bin" sweep "$tmp/changed.json" 2>&1)
[ $? -eq 2 ] && grep -q "holds the runs of another sweep" <<<"$out"
check changed_sweep_refused $? "$out"

echo '{"base": "base.json", "grid": {"platform.hosts": ["many"]}, "out": "'"$tmp"'/bad"}' >"$tmp/badval.json"
"$bin" sweep "$tmp/badval.json" >/dev/null 2>&1
check bad_value_exit2 $([ $? -eq 2 ]; echo $?)
echo '{"base": "base.json", "grid": {"platform.hosts": 3}}' >"$tmp/badgrid.json"
"$bin" sweep "$tmp/badgrid.json" 2>&1 | grep -q "grid.platform.hosts: expected a non-empty array"
check bad_grid_message $?
echo '{"base": "nope.json"}' >"$tmp/nobase.json"
"$bin" sweep "$tmp/nobase.json" 2>&1 | grep -q "base: cannot read"
check missing_base $?

# a list of explicit combinations, crossed with a grid
cat >"$tmp/list.json" <<JSON
{"base": "base.json", "list": [{"platform.host_bw": "1Gbps", "stragglers.p": 0.1},
                               {"platform.host_bw": "10Gbps", "stragglers.p": 0.3}],
 "grid": {"algorithm.rounds": [4, 6]}, "out": "$tmp/listout"}
JSON
out=$("$bin" sweep "$tmp/list.json" -j 2 2>&1)
check list_runs $? "$out"
head -1 "$tmp/listout/results.csv" | grep -q '^run,platform.host_bw,stragglers.p,algorithm.rounds,seed' &&
    [ "$(wc -l <"$tmp/listout/results.csv")" -eq 5 ] &&
    grep -q '^run-0003,"10Gbps",0.3,6,' "$tmp/listout/results.csv"
check list_x_grid $? "$(cat "$tmp/listout/results.csv")"
echo '{"base": "base.json", "list": [{"stragglers.p": 0.1}, {"platform.host_bw": "1Gbps"}]}' >"$tmp/badlist.json"
out=$("$bin" sweep "$tmp/badlist.json" 2>&1)
[ $? -eq 2 ] && echo "$out" | grep -q 'list\[1\]: every entry must set the same keys'
check bad_list_exit2 $? "$out"
finish
