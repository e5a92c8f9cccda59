#!/usr/bin/env bash
# A diverged run is a result, in the families that train (issue 16): the run exits 0 and says
# complete, the summary marks where it diverged and writes the numbers that are not finite as
# strings, and the report plots what is finite and names the place. ps-sgd and token have
# theirs in their own tests; here gradient coding (its schedule goes on with a diverged model)
# and gossip (a diverging method ends there, the next runs).
. "$(dirname "$0")/lib.sh"
src=${SIMGRAD_SOURCE_DIR:-.}

"$bin" run "$src/scenarios/gc-16-bursty.json" --quiet --out "$tmp/gc" --set algorithm.jobs=10 \
    --set workload.samples=3000 --set algorithm.learning_rate=1e300 >/dev/null 2>&1
check gc_exit_0 $?
grep -q '"complete": true' "$tmp/gc/summary.json" && grep -q '"diverged": true' "$tmp/gc/summary.json" &&
  grep -q '"diverged_at": "[a-z-]*, round [0-9]*"' "$tmp/gc/summary.json" &&
  grep -q '"final_train_loss": "\(NaN\|Infinity\)"' "$tmp/gc/summary.json"
check gc_diverged_recorded $?
[ "$(grep -c '"runtime_s"' "$tmp/gc/summary.json")" -eq 4 ]
check gc_every_scheme_kept $?
"$bin" report "$tmp/gc" --out "$tmp/gc-report" --quiet >/dev/null 2>&1 && grep -q "diverged at" "$tmp/gc-report/report.md"
check gc_report $?

"$bin" run "$src/scenarios/gossip-dadao.json" --quiet --out "$tmp/gs" --set algorithm.methods='"dsgd,dadao"' \
    --set algorithm.step=2 --set algorithm.duration=1000 --set algorithm.instant=true >/dev/null 2>&1
check gossip_exit_0 $?
grep -q '"diverged": true' "$tmp/gs/summary.json" && grep -q '"diverged_at": "dsgd, t = [0-9.]* time units"' "$tmp/gs/summary.json" &&
  grep -q '"final_rel_error": "Infinity"' "$tmp/gs/summary.json"
check gossip_diverged_recorded $?
"$bin" report "$tmp/gs" --out "$tmp/gs-report" --quiet >/dev/null 2>&1 && grep -q "diverged at dsgd" "$tmp/gs-report/report.md"
check gossip_report $?
finish
