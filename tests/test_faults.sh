#!/usr/bin/env bash
# Fault injection: whatever stops a run (a write that fails at any point, SIGINT or SIGTERM at
# start-up or mid-run, SIGKILL), what it leaves is either whole final files or files that say
# they are incomplete, never a final-named file that was cut; a rerun in the same directory
# finishes cleanly; a SIGKILLed sweep takes its runs with it.
set -u
bin=${SIMGRAD_BIN:-build/simgrad}
src=${SIMGRAD_SOURCE_DIR:-..}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
check() { # NAME CONDITION-EXIT-STATUS [detail]
  if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1 ${3:-}"; fi
}
json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }
# metrics.csv is whole: ends with a newline, every row as many fields as the header
csv_ok() {
  [ -s "$1" ] && [ "$(tail -c1 "$1" | od -An -c | tr -d ' ')" = '\n' ] &&
    awk -F, 'NR == 1 {n = NF} NF != n {bad = 1} END {exit bad}' "$1"
}
status() { grep -m1 '"status"' "$1/summary.json" 2>/dev/null | sed 's/.*: *"\([a-z]*\)".*/\1/'; }
# Every final-named file in DIR is whole; temporaries are allowed only when the summary says
# the run is not complete. Prints what is wrong.
dir_ok() {
  local d=$1 st bad=""
  st=$(status "$d")
  if [ -e "$d/summary.json" ] && ! json_ok "$d/summary.json"; then bad+=" summary.json cut"; fi
  if [ -e "$d/metrics.csv" ] && ! csv_ok "$d/metrics.csv"; then bad+=" metrics.csv cut"; fi
  if [ -e "$d/trace.json" ] && ! json_ok "$d/trace.json"; then bad+=" trace.json cut"; fi
  if [ -e "$d/platform.xml" ] && ! tail -c 12 "$d/platform.xml" | grep -q '</platform>'; then
    bad+=" platform.xml cut"
  fi
  if [ "$st" = complete ]; then
    for f in "$d"/*.part "$d"/*.tmp; do [ -e "$f" ] && bad+=" $(basename "$f") left"; done
    for f in summary.json metrics.csv trace.json platform.xml; do
      [ -e "$d/$f" ] || bad+=" $f missing"
    done
  fi
  if [ -n "$bad" ]; then echo "$bad"; return 1; fi
}

cat >"$tmp/s.json" <<'JSON'
{"seed": 5,
 "platform": {"type": "star", "hosts": 6},
 "stragglers": {"model": "iid", "p": 0.2},
 "workload": {"model": "logreg", "dataset": "synthetic", "samples": 600, "features": 5},
 "algorithm": {"family": "ps-sgd", "rounds": 60},
 "output": {"chrome_trace": true}}
JSON

# 1. A file-size limit at every point of the outputs (1 KiB blocks up to past the largest
# file): exit 0 with whole files, or exit 1 naming the file that could not be written, and
# whatever is left is whole or marked incomplete. No SIGXFSZ kill.
"$bin" run "$tmp/s.json" --quiet --out "$tmp/full" >/dev/null 2>&1
check unlimited_run $? "$(dir_ok "$tmp/full")"
largest=$(du -k "$tmp"/full/* | sort -n | tail -1 | cut -f1)
ok_runs=0
failed_runs=0
# every KiB up to 16 (the summary, metrics and first trace writes), then 12 steps beyond
sizes="$(seq 1 16) $(seq 17 $(((largest - 14) / 12 + 1)) $largest) $((largest + 2))"
for blocks in $sizes; do
  d="$tmp/fsize-$blocks"
  out=$( (ulimit -f "$blocks" && "$bin" run "$tmp/s.json" --quiet --out "$d") 2>&1 >/dev/null)
  rc=$?
  wrong=$(dir_ok "$d")
  good=$?
  if [ "$rc" -eq 0 ]; then
    [ "$good" -eq 0 ] && [ "$(status "$d")" = complete ]
    check "fsize_${blocks}k_complete" $? "$wrong"
    ok_runs=$((ok_runs + 1))
  else
    [ "$rc" -eq 1 ] && [ "$good" -eq 0 ] && grep -q "cannot write $d/" <<<"$out" &&
      [ "$(status "$d")" != complete ] && ! ls "$d"/*.tmp >/dev/null 2>&1
    check "fsize_${blocks}k_fails_cleanly" $? "exit $rc,$wrong: $out"
    failed_runs=$((failed_runs + 1))
  fi
done
# both outcomes were seen: the limits did cut somewhere and did let a run through
[ "$ok_runs" -gt 0 ] && [ "$failed_runs" -gt 0 ]
check fsize_both_outcomes $? "$ok_runs complete, $failed_runs failed"

# 2. SIGINT and SIGTERM mid-run: exit 130, summary "interrupted", metrics whole rows.
for sig in INT TERM; do
  d="$tmp/mid-$sig"
  "$bin" run "$tmp/s.json" --quiet --out "$d" --set algorithm.rounds=1000000 >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 200); do [ -s "$d/metrics.csv.part" ] && break; sleep 0.05; done
  sleep 0.2
  kill -"$sig" $pid
  wait $pid
  rc=$?
  wrong=$(dir_ok "$d")
  [ "$rc" -eq 130 ] && [ "$(status "$d")" = interrupted ] && csv_ok "$d/metrics.csv" &&
    [ -z "$wrong" ] && grep -q "\"stopped_by\": \"SIG$sig\"" "$d/summary.json"
  check "mid_run_SIG$sig" $? "exit $rc, status $(status "$d"),$wrong"
done

# 3. SIGINT and SIGTERM during start-up (loading Fashion-MNIST, about a second): handled the
# same way, promptly, the phase named.
for sig in INT TERM; do
  d="$tmp/start-$sig"
  "$bin" run "$src/scenarios/quickstart.json" --quiet --out "$d" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 100); do [ "$(status "$d")" = running ] && break; sleep 0.02; done
  t0=$(date +%s%N)
  kill -"$sig" $pid
  wait $pid
  rc=$?
  ms=$((($(date +%s%N) - t0) / 1000000))
  wrong=$(dir_ok "$d")
  [ "$rc" -eq 130 ] && [ "$(status "$d")" = interrupted ] && [ -z "$wrong" ] &&
    grep -q '"stopped_in": "loading data"' "$d/summary.json" && [ "$ms" -lt 10000 ]
  check "start_up_SIG$sig" $? "exit $rc after $ms ms, status $(status "$d"),$wrong"
done

# 4. SIGKILL a rerun in a directory that holds a finished run: the old summary no longer
# claims completion, report refuses the directory, a rerun finishes cleanly.
d="$tmp/killed"
"$bin" run "$tmp/s.json" --quiet --out "$d" >/dev/null 2>&1
"$bin" run "$tmp/s.json" --quiet --out "$d" --set algorithm.rounds=1000000 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 200); do [ -s "$d/metrics.csv.part" ] && break; sleep 0.05; done
kill -KILL $pid
wait $pid 2>/dev/null
wrong=$(dir_ok "$d")
[ "$(status "$d")" = running ] && ! grep -q '"complete": true' "$d/summary.json" &&
  [ ! -e "$d/metrics.csv" ] && [ ! -e "$d/trace.json" ] && [ -z "$wrong" ]
check sigkill_leaves_no_old_completion $? "status $(status "$d"),$wrong; $(ls "$d")"
"$bin" report "$d" --out "$tmp/rep" >/dev/null 2>&1
check report_refuses_killed_run $(($? != 2))
"$bin" run "$tmp/s.json" --quiet --out "$d" >/dev/null 2>&1
rc=$?
wrong=$(dir_ok "$d")
[ "$rc" -eq 0 ] && [ "$(status "$d")" = complete ] && [ -z "$wrong" ] &&
  cmp -s "$d/metrics.csv" "$tmp/full/metrics.csv"
check rerun_after_sigkill $? "exit $rc,$wrong"

# 5. A SIGKILLed sweep: its runs get SIGTERM, end marked interrupted, and are gone.
cat >"$tmp/sw.json" <<JSON
{"base": "s.json", "grid": {"stragglers.p": [0.1, 0.3]}, "out": "$tmp/sweep"}
JSON
# runs long enough to be under way when the sweep dies
sed -i 's/"rounds": 60/"rounds": 1000000/' "$tmp/s.json"
"$bin" sweep "$tmp/sw.json" -j 2 >/dev/null 2>&1 &
spid=$!
for _ in $(seq 300); do
  n=$(ls "$tmp"/sweep/run-*/metrics.csv.part 2>/dev/null | wc -l)
  [ "$n" -ge 2 ] && break
  sleep 0.05
done
kids=$(pgrep -P $spid | tr '\n' ' ')
kill -KILL $spid
wait $spid 2>/dev/null
alive=""
for _ in $(seq 100); do
  alive=""
  for k in $kids; do kill -0 "$k" 2>/dev/null && alive+=" $k"; done
  [ -z "$alive" ] && break
  sleep 0.05
done
[ -n "$kids" ] && [ -z "$alive" ]
check sweep_runs_die_with_sweep $? "runs [$kids], still alive [$alive]"
for r in "$tmp"/sweep/run-0000 "$tmp"/sweep/run-0001; do
  [ "$(status "$r")" = interrupted ] && grep -q '"stopped_by": "SIGTERM"' "$r/summary.json"
  check "sweep_run_$(basename "$r")_interrupted" $? "status $(status "$r")"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
