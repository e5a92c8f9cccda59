#!/usr/bin/env bash
# The ping family end to end: a lone flow takes exactly latency + size / bandwidth under CM02
# (the arithmetic done here from the scenario's own numbers), pairs sharing a backbone split
# it, LV08 charges its latency factor, the report draws the family's plot, and a bad pair
# count is exit 2.
. "$(dirname "$0")/lib.sh"
scn=${SIMGRAD_SOURCE_DIR:-.}/scenarios/ping-star.json

# One pair on the star: host link up, host link down, 5 us each, 10 Gbps = 1.25e9 B/s.
"$bin" run "$scn" --quiet --out "$tmp/one" --set algorithm.pairs=1 >/dev/null
check run_one_pair $?
sizes=$(col "$tmp/one/metrics.csv" size_bytes | sort -un)
for s in $sizes; do
  got=$(awk -F, -v s="$s" 'NR>1 && $1==s {print $5; exit}' "$tmp/one/metrics.csv")
  awk -v g="$got" -v s="$s" 'BEGIN{w=2*5e-6+s/1.25e9; exit !((g-w)<=1e-9*w && (w-g)<=1e-9*w)}'
  check "lone_flow_time_$s" $? "got $got for $s bytes"
done

# Four pairs at once over a shared 20 Gbps backbone: 256 MiB each. The backbone (one shared
# link, both directions) carries the four flows and their acknowledgements, which SimGrid's
# cross-traffic counts at 0.05 of a flow (network/crosstraffic): 2.5e9 B/s over 4 x 1.05.
"$bin" run "$scn" --quiet --out "$tmp/four" >/dev/null
check run_four_pairs $?
got=$(awk -F, 'NR>1 && $1==268435456 {print $5; exit}' "$tmp/four/metrics.csv")
awk -v g="$got" 'BEGIN{w=2*5e-6+268435456/(2.5e9/(4*1.05)); exit !(g>=w*(1-1e-6) && g<=w*(1+1e-6))}'
check backbone_shared_four_ways $? "got $got"

# LV08 (SimGrid's default) multiplies latency by 13.01: a 1 KiB message is latency-bound.
"$bin" run "$scn" --quiet --out "$tmp/lv" --set algorithm.pairs=1 \
    --set simulation.network_model='"LV08"' >/dev/null
got=$(awk -F, 'NR>1 && $1==1024 {print $5; exit}' "$tmp/lv/metrics.csv")
awk -v g="$got" 'BEGIN{w=13.01*2*5e-6+1024/(0.97*1.25e9); exit !(g>=w*(1-1e-6) && g<=w*(1+1e-6))}'
check lv08_latency_factor $? "got $got"

"$bin" report "$tmp/one" "$tmp/four" --out "$tmp/report" --quiet >/dev/null
check report $?
[ -s "$tmp/report/ping_time.png" ] && grep -q "Message sizes" "$tmp/report/report.md"
check report_plot_and_table $?

expect_exit too_many_pairs 2 "algorithm.pairs: 5 pairs need 10 hosts" \
    "$bin" validate "$scn" --set algorithm.pairs=5
expect_exit bad_size 2 "algorithm.sizes" "$bin" validate "$scn" --set algorithm.sizes='"1KiB,lots"'
finish
