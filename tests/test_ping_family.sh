#!/usr/bin/env bash
# The ping family end to end: a lone flow takes exactly latency + size / bandwidth under CM02
# (the arithmetic done here from the scenario's own numbers), pairs sharing a backbone split
# it, LV08 charges its latency factor, k senders into one host share its link, the report
# draws the family's plot for both patterns, and a bad pair count or load is exit 2.
. "$(dirname "$0")/lib.sh"
scn=${SIMGRAD_SOURCE_DIR:-.}/scenarios/ping-star.json

# dur CSV SIZE [SENDERS]: the duration_s of the first message of SIZE bytes (sent with that
# many messages at once)
dur() {
  awk -F, -v s="$2" -v k="${3:-}" 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next}
    $c["size_bytes"]==s && (k=="" || $c["load"]==k) {print $c["duration_s"]; exit}' "$1"
}

# One pair on the star: host link up, host link down, 5 us each, 10 Gbps = 1.25e9 B/s.
"$bin" run "$scn" --quiet --out "$tmp/one" --set algorithm.pairs=1 >/dev/null
check run_one_pair $?
sizes=$(col "$tmp/one/metrics.csv" size_bytes | sort -un)
for s in $sizes; do
  got=$(dur "$tmp/one/metrics.csv" "$s")
  awk -v g="$got" -v s="$s" 'BEGIN{w=2*5e-6+s/1.25e9; exit !((g-w)<=1e-9*w && (w-g)<=1e-9*w)}'
  check "lone_flow_time_$s" $? "got $got for $s bytes"
done

# Four pairs at once over a shared 20 Gbps backbone: 256 MiB each. The backbone (one shared
# link, both directions) carries the four flows and their acknowledgements, which SimGrid's
# cross-traffic counts at 0.05 of a flow (network/crosstraffic): 2.5e9 B/s over 4 x 1.05.
"$bin" run "$scn" --quiet --out "$tmp/four" >/dev/null
check run_four_pairs $?
got=$(dur "$tmp/four/metrics.csv" 268435456)
awk -v g="$got" 'BEGIN{w=2*5e-6+268435456/(2.5e9/(4*1.05)); exit !(g>=w*(1-1e-6) && g<=w*(1+1e-6))}'
check backbone_shared_four_ways $? "got $got"

# LV08 (SimGrid's default) multiplies latency by 13.01: a 1 KiB message is latency-bound.
"$bin" run "$scn" --quiet --out "$tmp/lv" --set algorithm.pairs=1 \
    --set simulation.network_model='"LV08"' >/dev/null
got=$(dur "$tmp/lv/metrics.csv" 1024)
awk -v g="$got" 'BEGIN{w=13.01*2*5e-6+1024/(0.97*1.25e9); exit !(g>=w*(1-1e-6) && g<=w*(1+1e-6))}'
check lv08_latency_factor $? "got $got"

# An incast into host 0 on the same star: senders 7, 6, 5, 4 (the hosts before the receiver,
# wrapping); alone, a message is a lone flow; four at once share the receiver's down link
# (their acknowledgements go up it), and the backbone's 2.5e9 B/s over 4 x 1.05 is not the
# bottleneck: 10 us + 4 x size / 1.25e9 each.
"$bin" run "$scn" --quiet --out "$tmp/incast" --set algorithm.pattern='"incast"' \
    --set algorithm.loads='"1,4"' --set algorithm.sizes='"16MiB"' --set algorithm.repeats=1 >/dev/null
check run_incast $?
[ "$(col "$tmp/incast/metrics.csv" sender | sort -n | tr '\n' ' ')" = "4 5 6 7 7 " ] &&
    [ "$(col "$tmp/incast/metrics.csv" receiver | sort -u)" = 0 ]
check incast_senders $?
got=$(dur "$tmp/incast/metrics.csv" 16777216 1)
awk -v g="$got" 'BEGIN{w=2*5e-6+16777216/1.25e9; exit !((g-w)<=1e-9*w && (w-g)<=1e-9*w)}'
check incast_alone_is_lone_flow $? "got $got"
got=$(paste -d, <(col "$tmp/incast/metrics.csv" load) <(col "$tmp/incast/metrics.csv" duration_s) |
    awk -F, '$1==4 {print $2}')
awk -v g="$got" 'BEGIN{w=2*5e-6+4*16777216/1.25e9; n=split(g, d, "\n"); ok=n==4;
    for(i=1;i<=n;i++) ok=ok && d[i]>=w*(1-1e-6) && d[i]<=w*(1+1e-6); exit !ok}'
check incast_four_share_the_receiver $? "got $got"
grep -q '"experiment": "16777216Bx4"' "$tmp/incast/summary.json"
check incast_results_named_by_size_and_load $?

"$bin" report "$tmp/one" "$tmp/four" --out "$tmp/report" --quiet >/dev/null
check report $?
[ -s "$tmp/report/ping_time.png" ] && grep -q "Message sizes" "$tmp/report/report.md"
check report_plot_and_table $?
"$bin" report "$tmp/incast" --out "$tmp/report-incast" --quiet >/dev/null &&
    [ -s "$tmp/report-incast/ping_time.png" ] && grep -q "incast into host 0" \
    "$tmp/report-incast/report.md" && grep -q "4 at once" "$tmp/report-incast/ping_time.gp"
check report_incast $?

expect_exit too_many_pairs 2 "algorithm.pairs: 5 pairs need 10 hosts" \
    "$bin" validate "$scn" --set algorithm.pairs=5
expect_exit bad_size 2 "algorithm.sizes" "$bin" validate "$scn" --set algorithm.sizes='"1KiB,lots"'
expect_exit too_many_senders 2 "algorithm.loads: 8 senders" \
    "$bin" validate "$scn" --set algorithm.pattern='"incast"' --set algorithm.loads='"1,8"'
expect_exit bad_receiver 2 "algorithm.receiver: 8" \
    "$bin" validate "$scn" --set algorithm.pattern='"incast"' --set algorithm.receiver=8
expect_exit bad_load 2 "algorithm.loads" \
    "$bin" validate "$scn" --set algorithm.pattern='"incast"' --set algorithm.loads='"2.5"'
expect_exit bad_pattern 2 "algorithm.pattern" "$bin" validate "$scn" --set algorithm.pattern='"ring"'
finish
