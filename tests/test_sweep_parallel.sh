#!/usr/bin/env bash
# simgrad sweep --emit parallel: the command file of a small gradient-coding sweep runs under
# GNU parallel -j 2 (as it would across machines with --sshloginfile), --merge builds
# results.csv with every run and the sweep report (plots of each scheme's runtime against each
# swept key, report.md/html); a rerun of the file skips every complete run; a metric that is
# not a column, or a bad option, is exit 2 before anything runs.
. "$(dirname "$0")/lib.sh"
bin=$(readlink -f "$bin")

if ! command -v parallel >/dev/null; then
    echo "FAIL GNU parallel is not installed (Debian package parallel; tools/setup.sh installs it)"
    exit 1
fi

cat >"$tmp/gc.json" <<'JSON'
{"seed": 5,
 "platform": {"type": "star", "hosts": 9, "host_speed": "200Mf", "host_bw": "100Gbps"},
 "stragglers": {"model": "bursty", "p": 0.15, "slowdown": 8, "burst_B": 1, "burst_W": 2, "burst_lambda": 2},
 "workload": {"model": "softmax", "dataset": "synthetic", "samples": 1600, "features": 8, "classes": 3, "l2": 0.001},
 "algorithm": {"family": "gradient-coding", "workers": 8, "jobs": 6, "s": 2,
   "srsgc_B": 1, "srsgc_W": 2, "srsgc_lambda": 2, "msgc_B": 1, "msgc_W": 2, "msgc_lambda": 2,
   "learning_rate": 0.5, "schemes": "uncoded,gc,m-sgc"}}
JSON
cat >"$tmp/sweep.json" <<'JSON'
{"base": "gc.json", "grid": {"platform.host_bw": ["100Mbps", "1Gbps", "10Gbps"],
 "stragglers.p": [0.05, 0.3]}, "replicas": 2, "out": "out"}
JSON
cd "$tmp" || exit 1

out=$("$bin" sweep sweep.json --emit parallel 2>&1)
check emit $? "$out"
[ "$(wc -l <out/parallel.txt)" -eq 12 ]
check one_line_per_run $?
grep -q -- "--run-index 11\$" out/parallel.txt
check last_line_is_run_11 $? "$(tail -1 out/parallel.txt)"
grep -q "parallel --sshloginfile" <<<"$out" && grep -q -- "--merge" <<<"$out"
check prints_how_to_run_and_merge $? "$out"
[ ! -e out/run-0000 ] && [ ! -e out/results.csv ]
check emit_runs_nothing $?

parallel -j 2 <out/parallel.txt >"$tmp/parallel.log" 2>&1
check parallel_runs_all $? "$(tail -5 "$tmp/parallel.log")"
out=$("$bin" sweep sweep.json --merge 2>&1)
check merge $? "$out"
grep -q "12 of 12 runs complete" <<<"$out"
check merge_counts $? "$out"
[ "$(grep -c ',true,' out/results.csv)" -eq 12 ] && [ "$(wc -l <out/results.csv)" -eq 13 ]
check results_has_every_run $? "$(cat out/results.csv)"
head -1 out/results.csv | grep -q '^run,platform.host_bw,stragglers.p,seed,complete,.*m-sgc.runtime_s'
check per_scheme_columns $? "$(head -1 out/results.csv)"
# the run directories and seeds are those of the local path: run 7 is 100Mbps, p 0.3, seed 6
grep -q '^run-0007,"100Mbps",0.3,6,true' out/results.csv
check same_runs_as_local $? "$(sed -n 9p out/results.csv)"
for m in uncoded gc m-sgc; do
    for k in platform_host_bw stragglers_p; do
        f="out/sweep_${m}_runtime_s_vs_$k"
        [ -s "$f.png" ] && [ -s "$f.svg" ] && [ -s "$f.gp" ] && [ -s "$f.dat" ]
        check "plot_${m}_vs_$k" $?
    done
done
# 3 lines of the p plot... one per bandwidth, each with 2 points (mean, interval)
[ "$(grep -c '^# platform.host_bw=' out/sweep_m-sgc_runtime_s_vs_stragglers_p.dat)" -eq 3 ]
check one_line_per_other_value $?
grep -q "m-sgc.runtime_s (simulated s), mean ± 95% CI" out/report.md &&
    grep -q '<img src="sweep_gc_runtime_s_vs_platform_host_bw.png"' out/report.html
check report_docs $?
grep -q "xlabel 'platform.host_bw (Gb/s, log scale)'" out/sweep_gc_runtime_s_vs_platform_host_bw.gp
check axis_unit $?
# slower links cost time: uncoded's mean at 100Mbps above its mean at 10Gbps (p = 0.05)
awk 'NF == 5 && !/^#/ {n++; y[n] = $2} END {exit !(y[1] > y[3])}' out/sweep_uncoded_runtime_s_vs_platform_host_bw.dat
check bandwidth_effect $?

# resumable: running the file again skips every run
out=$(parallel -j 2 <out/parallel.txt 2>&1)
[ "$(grep -c "is complete, skipped" <<<"$out")" -eq 12 ]
check rerun_skips $? "$out"

echo '{"base": "gc.json", "grid": {"stragglers.p": [0.1]}, "metric": "runtime", "out": "bad"}' >badm.json
out=$("$bin" sweep badm.json --emit parallel 2>&1)
[ $? -eq 2 ] && grep -q 'badm.json: metric: "runtime" is not a results.csv column' <<<"$out" && [ ! -e bad ]
check bad_metric_exit2 $? "$out"
# the columns a metric is checked against before any run are those the runs write
header=$(head -1 out/results.csv)
top=$(sed -n 's/.*(columns: \([^;]*\);.*/\1/p' <<<"$out")
fields=$(sed -n 's/.*FIELD one of \(.*\))$/\1/p' <<<"$out")
missing=""
for c in ${top//,/ }; do grep -q ",$c\(,\|\$\)" <<<"$header" || missing="$missing $c"; done
for f in ${fields//,/ }; do grep -q ",m-sgc\.$f\(,\|\$\)" <<<"$header" || missing="$missing m-sgc.$f"; done
[ -n "$top" ] && [ -n "$fields" ] && [ -z "$missing" ]
check metric_table_matches_results $? "missing:$missing; top: $top; fields: $fields"
"$bin" sweep sweep.json --emit pbs >/dev/null 2>&1
check bad_emit_exit2 $([ $? -eq 2 ]; echo $?)
"$bin" sweep sweep.json --run-index 12 >/dev/null 2>&1
check run_index_out_of_range_exit2 $([ $? -eq 2 ]; echo $?)

finish
