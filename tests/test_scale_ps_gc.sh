#!/usr/bin/env bash
# The issue-14 scenarios of the ps-sgd and gradient-coding families: scenarios/ps-sgd-100k.json
# (100,000 workers on a 1,000 x 101 leaf-spine, 20 rounds) and scenarios/gc-100k.json (100,000
# workers, 20 jobs, GC with the fractional repetition code) validate as shipped, and run shrunk
# to seconds (10 leaves of 101 hosts, 1,000 workers, the samples per worker kept, 2 rounds or
# jobs) with complete outputs whose numbers agree with each other and with hand counts.
. "$(dirname "$0")/lib.sh"
src=${SIMGRAD_SOURCE_DIR:-.}
ps=$src/scenarios/ps-sgd-100k.json
gc=$src/scenarios/gc-100k.json

# complete DIR: summary says complete, metrics.csv present, no file left half-written
complete() {
  grep -q '"complete": true' "$1/summary.json" && grep -q '"status": "complete"' "$1/summary.json" &&
    [ -s "$1/metrics.csv" ] && ! ls "$1"/*.part >/dev/null 2>&1
}
# states FILE KEY VALUE: the scenario file sets "KEY": VALUE
states() { grep -Eq "\"$2\": *\"?$3\"?[,}]?\$" "$1"; }

# ---- ps-sgd-100k
out=$("$bin" validate "$ps" 2>&1)
check ps_validates $? "$out"
states "$ps" family ps-sgd && states "$ps" type leaf-spine && states "$ps" leaves 1000 &&
  states "$ps" hosts_per_leaf 101 && states "$ps" workers 100000 && states "$ps" rounds 20
check ps_states_the_row $?
"$bin" run "$ps" --quiet --out "$tmp/ps" --set platform.leaves=10 --set algorithm.workers=1000 \
  --set algorithm.wait_for=950 --set workload.samples=40000 --set algorithm.rounds=2 \
  >"$tmp/ps.txt" 2>&1
check ps_shrunk_runs $? "$(tail -3 "$tmp/ps.txt")"
s=$tmp/ps/summary.json
complete "$tmp/ps"
check ps_outputs_complete $?
[ "$(json_num "$s" hosts)" = 1010 ] && [ "$(json_num "$s" workers)" = 1000 ] &&
  [ "$(json_num "$s" rounds)" = 2 ] && [ "$(json_num "$s" parameters)" = 21 ]
check ps_shrunk_size $?
# one metrics row per round asked for, each using wait_for = 950 gradients
[ "$(col "$tmp/ps/metrics.csv" round | tr '\n' ' ')" = "0 1 " ] &&
  [ "$(col "$tmp/ps/metrics.csv" gradients | sort -u)" = 950 ]
check ps_metrics_rows $? "$(cat "$tmp/ps/metrics.csv")"
# bytes: a 168-byte model (21 doubles) to each of the 1,000 workers every round, and a
# 168-byte gradient for every one received, used or dropped as late
used=$(json_num "$s" gradients_used)
dropped=$(json_num "$s" gradients_dropped)
[ "$used" = 1900 ] && [ "$(col "$tmp/ps/metrics.csv" bytes_total | tail -1)" = \
  "$((168 * (2 * 1000 + used + dropped)))" ] && [ "$dropped" -le 100 ]
check ps_bytes_counted $? "used $used, dropped $dropped, $(col "$tmp/ps/metrics.csv" bytes_total)"
# rounds follow each other: the clock at the end is the sum of the rounds' durations
awk -F, 'NR > 1 { if (!($3 > 0)) bad = 1; t = $2; s += $3 } END { exit bad || (t - s) ^ 2 > 1e-24 }' \
  "$tmp/ps/metrics.csv"
check ps_round_times $? "$(cat "$tmp/ps/metrics.csv")"
awk -v a="$(json_num "$s" initial_train_loss)" -v b="$(json_num "$s" final_train_loss)" \
  'BEGIN { exit !(b < a) }'
check ps_loss_decreases $?

# ---- gc-100k
out=$("$bin" validate "$gc" 2>&1)
check gc_validates $? "$out"
states "$gc" family gradient-coding && states "$gc" workers 100000 && states "$gc" jobs 20 &&
  states "$gc" schemes gc && states "$gc" code fractional && states "$gc" leaves 1000
check gc_states_the_row $?
"$bin" run "$gc" --quiet --out "$tmp/gc" --set platform.leaves=10 --set algorithm.workers=1000 \
  --set workload.samples=20000 --set algorithm.jobs=2 >"$tmp/gc.txt" 2>&1
check gc_shrunk_runs $? "$(tail -3 "$tmp/gc.txt")"
s=$tmp/gc/summary.json
complete "$tmp/gc"
check gc_outputs_complete $?
[ "$(json_num "$s" workers)" = 1000 ] && [ "$(json_num "$s" jobs)" = 2 ] &&
  [ "$(json_num "$s" rounds)" = 2 ] && [ "$(json_num "$s" decode_failures)" = 0 ]
check gc_shrunk_size $?
# one row per round asked for, each decoding its own job with every worker taking part
[ "$(col "$tmp/gc/metrics.csv" round | tr '\n' ' ')" = "0 1 " ] &&
  [ "$(col "$tmp/gc/metrics.csv" job_decoded | tr '\n' ' ')" = "0 1 " ] &&
  [ "$(col "$tmp/gc/metrics.csv" participants | sort -u)" = 1000 ]
check gc_metrics_rows $? "$(cat "$tmp/gc/metrics.csv")"
# the fractional repetition code with s = 9: each worker computes s + 1 of the n segments, a
# normalized load of 10 / 1,000; every decoded gradient equals the true one to rounding
[ "$(json_num "$s" load)" = 0.01 ] &&
  col "$tmp/gc/metrics.csv" decode_rel_error | awk '{ if (!($1 < 1e-12)) bad = 1 } END { exit bad }'
check gc_decodes_exactly $? "$(col "$tmp/gc/metrics.csv" decode_rel_error | tr '\n' ' ')"
# the stragglers dropped each round add up to the summary's; none made the master wait for all
[ "$(col "$tmp/gc/metrics.csv" stragglers | awk '{ n += $1 } END { print n }')" = \
  "$(json_num "$s" stragglers_dropped)" ] && [ "$(col "$tmp/gc/metrics.csv" waited | sort -u)" = 0 ]
check gc_stragglers_counted $? "$(cat "$tmp/gc/metrics.csv")"
finish
