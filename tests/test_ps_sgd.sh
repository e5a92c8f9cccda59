#!/usr/bin/env bash
# End-to-end ps-sgd runs through the command, as a user runs them: determinism, the outputs,
# the straggler options acting on simulated time, platform reuse, and Ctrl-C.
. "$(dirname "$0")/lib.sh"

cat >"$tmp/s.json" <<'JSON'
{
  "seed": 11,
  "platform": {"type": "leaf-spine", "leaves": 2, "hosts_per_leaf": 5, "spines": 2,
               "host_speed": "1Gf", "speed_dist": "uniform", "speed_min": "0.5Gf", "speed_max": "1.5Gf"},
  "stragglers": {"model": "iid", "p": 0.2, "slowdown": 8, "delay_mean": "1ms"},
  "workload": {"model": "logreg", "dataset": "synthetic", "samples": 4000, "features": 10},
  "algorithm": {"family": "ps-sgd", "workers": 8, "rounds": 40, "batch_size": 32,
                "learning_rate": 0.5}
}
JSON

"$bin" run "$tmp/s.json" --quiet --out "$tmp/a" >/dev/null 2>&1
check run_ok $?
"$bin" run "$tmp/s.json" --quiet --out "$tmp/b" >/dev/null 2>&1
cmp -s "$tmp/a/metrics.csv" "$tmp/b/metrics.csv"
check byte_identical_same_seed $?
"$bin" run "$tmp/s.json" --quiet --out "$tmp/c" --seed 12 >/dev/null 2>&1
! cmp -s "$tmp/a/metrics.csv" "$tmp/c/metrics.csv"
check other_seed_differs $?

for f in summary.json metrics.csv platform.xml; do
  [ -s "$tmp/a/$f" ]
  check "output_$f" $?
done
[ ! -e "$tmp/a/metrics.csv.part" ] && [ ! -e "$tmp/a/summary.json.tmp" ]
check no_temporary_files_left $?
grep -q '"complete": true' "$tmp/a/summary.json"
check summary_complete $?
grep -q '"wall_clock_seconds"' "$tmp/a/summary.json" && grep -q '"simgrid_version": "3.32' "$tmp/a/summary.json"
check summary_provenance $?
[ "$(($(wc -l <"$tmp/a/metrics.csv") - 1))" -eq 40 ]
check one_row_per_round $?

# Training works: the loss falls well below log(2) and the classifier beats chance clearly.
awk -v a="$(json_num "$tmp/a/summary.json" final_train_loss)" \
    -v b="$(json_num "$tmp/a/summary.json" initial_train_loss)" -v acc="$(json_num "$tmp/a/summary.json" final_test_accuracy)" \
    'BEGIN{exit !(a < 0.8*b && acc > 0.7)}'
check loss_falls $?

# Stragglers cost simulated time: the same run without them is faster.
"$bin" run "$tmp/s.json" --quiet --out "$tmp/d" --set stragglers.model='"none"' >/dev/null 2>&1
awk -v s="$(json_num "$tmp/a/summary.json" simulated_time_s)" -v n="$(json_num "$tmp/d/summary.json" simulated_time_s)" \
    'BEGIN{exit !(s > 1.5*n)}'
check stragglers_slow_rounds $?
[ "$(col "$tmp/d/metrics.csv" stragglers | sort -u)" = "0" ]
check no_stragglers_counted $?

# A slower network costs simulated time (what-if via --set).
"$bin" run "$tmp/s.json" --quiet --out "$tmp/e" --set stragglers.model='"none"' --set platform.host_bw='"10Mbps"' >/dev/null 2>&1
awk -v s="$(json_num "$tmp/e/summary.json" simulated_time_s)" -v n="$(json_num "$tmp/d/summary.json" simulated_time_s)" \
    'BEGIN{exit !(s > 2*n)}'
check slow_network_slower $?

# Waiting for the fastest 6 of 8: exactly 6 gradients per round, late ones dropped.
"$bin" run "$tmp/s.json" --quiet --out "$tmp/f" --set algorithm.wait_for=6 >/dev/null 2>&1
[ "$(col "$tmp/f/metrics.csv" gradients | sort -u)" = "6" ]
check wait_for_uses_k $?
awk -v s="$(json_num "$tmp/f/summary.json" simulated_time_s)" -v n="$(json_num "$tmp/a/summary.json" simulated_time_s)" \
    'BEGIN{exit !(s < n)}'
check wait_for_is_faster $?

# Lost results with a round timeout: rounds end at the timeout, fewer gradients are used.
"$bin" run "$tmp/s.json" --quiet --out "$tmp/g" --set stragglers.fail_prob=0.2 --set algorithm.round_timeout='"50ms"' >/dev/null 2>&1
check failures_with_timeout_run $?
awk -F, 'NR>1 && $8>0 && $6!=8-$8 {bad=1} END{exit bad}' "$tmp/g/metrics.csv"
check failed_results_not_used $?

# Host failures: host 5 (worker 4) is down from 0.02 s to 1.02 s: rounds in that window use 7
# gradients at the round timeout, and the worker comes back afterwards.
printf 'host,start_s,duration_s\n5,0.02,1\n' >"$tmp/failures.csv"
"$bin" run "$tmp/s.json" --quiet --out "$tmp/k" --set stragglers.host_failures="$tmp/failures.csv" \
    --set algorithm.round_timeout='"40ms"' >/dev/null 2>&1
check host_failures_run $?
awk -F, 'NR>1 && $2>0.1 && $2<1.0 && $6!=7 {bad=1} NR>1 && $2>0.1 && $2<1.0 {n++} END{exit bad || n<5}' "$tmp/k/metrics.csv"
check failed_host_missing $?
[ "$(tail -1 "$tmp/k/metrics.csv" | cut -d, -f6)" = 8 ]
check failed_host_restarts $?

# The generated platform can be reused as a user file, with identical results.
"$bin" run "$tmp/s.json" --quiet --out "$tmp/h" --set platform='{"type": "file", "file": "'"$tmp/a/platform.xml"'", "host_speed": "1Gf", "speed_dist": "uniform", "speed_min": "0.5Gf", "speed_max": "1.5Gf"}' >/dev/null 2>&1
cmp -s "$tmp/a/metrics.csv" "$tmp/h/metrics.csv"
check platform_reuse_identical $?

# Ctrl-C: exit 130, a summary marked incomplete, the rows so far kept whole. The interrupt
# comes once the first rows are out (a fixed delay raced the start-up on a loaded machine).
"$bin" run "$tmp/s.json" --quiet --out "$tmp/i" --set algorithm.rounds=100000000 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 600); do
    [ "$(cat "$tmp/i/metrics.csv.part" 2>/dev/null | wc -l)" -ge 3 ] && break
    sleep 0.1
done
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] && grep -q '"complete": false' "$tmp/i/summary.json" && grep -q '"interrupted": true' "$tmp/i/summary.json"
check interrupt_marks_incomplete $? "exit $rc"
[ -s "$tmp/i/metrics.csv" ] && awk -F, 'NR>1 && NF!=10 {bad=1} END{exit bad}' "$tmp/i/metrics.csv"
check interrupt_rows_whole $?

# More workers than hosts: several actors share a host, and talk over its loopback route, on
# every generated platform type.
for plat in '{"type": "star", "hosts": 3}' '{"type": "torus", "topo_parameters": "2,2,1"}' \
            '{"type": "fat-tree", "topo_parameters": "2;2,2;1,2;1,1"}' \
            '{"type": "leaf-spine", "leaves": 2, "hosts_per_leaf": 2}' '{"type": "wan", "sites": 2, "hosts_per_site": 1}'; do
  "$bin" run "$tmp/s.json" --quiet --out "$tmp/co" --set platform="$plat" --set algorithm.rounds=3 >/dev/null 2>&1
  check "colocated_workers $plat" $?
done

# SimGrid's Paje trace on request (on a platform its tracer supports).
"$bin" run "$tmp/s.json" --quiet --out "$tmp/j" --set platform='{"type": "star", "hosts": 9}' \
    --set output.paje=true --set algorithm.rounds=3 >/dev/null 2>&1 &&
  grep -q "PajeDefineContainerType" "$tmp/j/trace.paje" && grep -q '"paje_trace": "trace.paje"' "$tmp/j/summary.json"
check paje_trace_written $?

# A learning rate that diverges is a result: the run stops at the first round whose model or
# loss is not finite, says so in summary.json (non-finite numbers as strings), and the report
# plots what is finite and names the round.
cat >"$tmp/div.json" <<'JSON'
{"seed": 1, "platform": {"type": "star", "hosts": 5},
 "workload": {"model": "lsq", "dataset": "synthetic", "samples": 400, "features": 5},
 "algorithm": {"family": "ps-sgd", "workers": 4, "rounds": 200, "learning_rate": 50}}
JSON
"$bin" run "$tmp/div.json" --quiet --out "$tmp/div" >/dev/null 2>&1
check diverged_run_exit_0 $?
grep -q '"diverged": true' "$tmp/div/summary.json" && grep -q '"complete": true' "$tmp/div/summary.json" &&
  grep -q '"diverged_at": "round [0-9]*"' "$tmp/div/summary.json" &&
  grep -q '"final_train_loss": "\(Infinity\|NaN\)"' "$tmp/div/summary.json"
check diverged_recorded $?
rows=$(($(wc -l <"$tmp/div/metrics.csv") - 1))
[ "$rows" -lt 200 ] && [ "$rows" -eq "$(($(json_num "$tmp/div/summary.json" diverged_round) + 1))" ]
check diverged_stops_at_that_round $? "$rows rows"
"$bin" report "$tmp/div" --out "$tmp/div-report" --quiet >/dev/null 2>&1 &&
  grep -q "diverged at round" "$tmp/div-report/report.md" && ! grep -qw inf "$tmp/div-report/loss_vs_time.dat"
check diverged_report $?
grep -q '"diverged": false' "$tmp/a/summary.json"
check converged_says_so $?
finish
