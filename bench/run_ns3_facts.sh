#!/usr/bin/env bash
# What SimGrid 3.32's ns-3 binding does on this machine, one fact per check, with bare SimGrid
# programs (bench_ns3_probe: no simgrad code). Each check prints what it ran, what it saw and
# "confirmed" or "NOT CONFIRMED". docs/packet.md cites these facts. About 40 s
# (VALGRIND=1 adds check 10's valgrind evidence: a minute more).
#
#   bench/run_ns3_facts.sh [BUILD_DIR]
set -u
BUILD=${1:-build}
PROBE="$BUILD/bench_ns3_probe"
[ -x "$PROBE" ] || { echo "build first: $PROBE missing" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
BUF="ns3::TcpSocket::SndBufSize=1073741824"
fails=0

xml_head() { printf '%s\n' "<?xml version='1.0'?>" \
    '<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">' '<platform version="4.1">'; }
verdict() { # verdict NAME CONDITION-STATUS
    if [ "$2" -eq 0 ]; then echo "  => confirmed: $1"; else echo "  => NOT CONFIRMED: $1"; fails=$((fails + 1)); fi
    echo
}
dur() { awk -v f="$1" '$1 == "flow" && $2 == f {print $NF}'; }
# probe OUT ERR NS_ATTRIBUTE_DEFAULT ARGS...: bench_ns3_probe's exit status, without the
# shell's notice when it dies of a signal (several checks expect it to)
probe() {
    local out=$1 err=$2 env=$3
    shift 3
    { NS_ATTRIBUTE_DEFAULT=$env timeout 60 "$PROBE" "$@" >"$out" 2>"$err"; } 2>/dev/null
}

# Two hosts, one 125 MBps link of latency LAT.
two() { { xml_head; cat <<EOF
  <zone id="z" routing="Floyd"><host id="h0" speed="1Gf"/><host id="h1" speed="1Gf"/>
    <link id="l" bandwidth="125MBps" latency="$1" sharing_policy="SPLITDUPLEX"/>
    <route src="h0" dst="h1"><link_ctn id="l" direction="UP"/></route></zone></platform>
EOF
}; }
two 1ms >"$TMP/two1ms.xml"
two 100us >"$TMP/two100us.xml"

echo "1. A message completes 4 one-way latencies after it starts (SYN, SYN-ACK, data, the"
echo "   receiver's FIN back) plus 1042 wire bytes per 1000-byte segment (20 IP + 20 TCP +"
echo "   2 PPP header bytes), when the whole message fits the send buffer at connect time."
out=$(NS_ATTRIBUTE_DEFAULT=$BUF "$PROBE" "$TMP/two1ms.xml" h0:h1:1:0,h0:h1:10000:1 --cfg=network/model:ns-3 2>/dev/null)
d1=$(echo "$out" | dur 0); d2=$(echo "$out" | dur 1)
echo "   1 B over 1 ms: $d1 s (4 x 1 ms = 0.004); 10,000 B: $d2 s, minus 1 B: $(echo "$d2 - $d1" | bc -l) s"
echo "   (expected 9 more full packets + 1,000 bytes: 10 x 1042 x 8 ns - 43 x 8 ns = 83.016 us)"
awk -v a="$d1" -v b="$d2" 'BEGIN { exit !(a > 0.004 && a < 0.00401 && (b - a) > 82.9e-6 && (b - a) < 83.1e-6) }'
verdict "4 latencies + 1042 B per 1000 B segment" $?

echo "2. With ns-3's default 128 KiB send buffer, the binding closes the receiver's socket once"
echo "   the sender has buffered the last byte; a 1 MB message then aborts the run."
probe "$TMP/o" "$TMP/e" "" "$TMP/two100us.xml" h0:h1:1000000:0 --cfg=network/model:ns-3
rc=$?
echo "   exit $rc; $(grep -o 'total_bytes.*' "$TMP/e" | sed 1q)"
out=$(NS_ATTRIBUTE_DEFAULT=$BUF "$PROBE" "$TMP/two100us.xml" h0:h1:1000000:0,h0:h1:10000000:1 --cfg=network/model:ns-3 2>/dev/null)
echo "   with a 1 GiB send buffer: 1 MB in $(echo "$out" | dur 0) s, 10 MB in $(echo "$out" | dur 1) s"
echo "   (10 MB: 10,000 x 8.336 us = 83.36 ms on the wire + 0.4 ms of latencies: at least 83.76 ms)"
NS_ATTRIBUTE_DEFAULT= "$PROBE" "$TMP/two100us.xml" h0:h1:10000000:0 --cfg=network/model:ns-3 >"$TMP/o2" 2>/dev/null
echo "   10 MB with the 128 KiB buffer ends at $(dur 0 <"$TMP/o2") s: before its last byte can arrive"
[ $rc -eq 134 ] && grep -q "is not sent_bytes" "$TMP/e" &&
    awk -v x="$(dur 0 <"$TMP/o2")" -v y="$(echo "$out" | dur 1)" 'BEGIN { exit !(x < 0.08336 && y > 0.08376) }'
verdict "default buffer: abort at 1 MB, early end at 10 MB; 1 GiB buffer: both complete" $?

echo "3. ns3::Simulator::Destroy crashes in SimGrid's engine teardown when main returns."
probe "$TMP/o" /dev/null "$BUF" "$TMP/two1ms.xml" h0:h1:1000:0 --return --cfg=network/model:ns-3
rc=$?
echo "   main returned: exit $rc (139 = SIGSEGV); the output was flushed before: $(grep -c '^flow' "$TMP/o") flow line(s)"
[ $rc -eq 139 ] && grep -q '^flow' "$TMP/o"
verdict "teardown segfault after a complete, flushed run" $?

# A flat cluster: private links of BW to the cluster's router, backbone BB.
cluster() { { xml_head; cat <<EOF
  <cluster id="c" prefix="h" suffix="" radical="0-3" speed="1Gf" bw="$1" lat="10us" $2 sharing_policy="SPLITDUPLEX"/>
</platform>
EOF
}; }
echo "4. A <cluster> whose backbone bandwidth is 0 makes ns-3's CSMA device divide by zero while"
echo "   the platform loads (CsmaNetDevice::Attach -> DataRate::CalculateBytesTxTime)."
cluster 125MBps "" >"$TMP/c0.xml"
probe /dev/null /dev/null "$BUF" "$TMP/c0.xml" h0:h1:1000:0 --cfg=network/model:ns-3
rc=$?
echo "   exit $rc (136 = SIGFPE)"
[ $rc -eq 136 ]
verdict "SIGFPE on a 0-backbone cluster" $?

echo "5. Inside a cluster every packet crosses the CSMA bus, never the hosts' own links: the"
echo "   private link bandwidth does not change a transfer's time."
cluster 1MBps 'bb_bw="125MBps" bb_lat="10us"' >"$TMP/c1.xml"
cluster 1000MBps 'bb_bw="125MBps" bb_lat="10us"' >"$TMP/c2.xml"
a=$(NS_ATTRIBUTE_DEFAULT=$BUF "$PROBE" "$TMP/c1.xml" h0:h1:1000000:0 --cfg=network/model:ns-3 2>/dev/null | dur 0)
b=$(NS_ATTRIBUTE_DEFAULT=$BUF "$PROBE" "$TMP/c2.xml" h0:h1:1000000:0 --cfg=network/model:ns-3 2>/dev/null | dur 0)
c=$("$PROBE" "$TMP/c1.xml" h0:h1:1000000:0 --cfg=network/model:CM02 2>/dev/null | dur 0)
echo "   1 MB, host links 1 MBps: $a s; 1000 MBps: $b s (flow level, 1 MBps links: $c s;"
echo "   the 125 MBps bus alone would take 8.3 ms: data and ACKs contend for the half-duplex bus)"
[ "$a" = "$b" ] && awk -v a="$a" 'BEGIN { exit !(a > 0.0083 && a < 0.9) }'
verdict "the cluster's own links are not used by ns-3" $?

echo "6. A fat-tree <cluster> gives ns-3 no link: its hosts are unknown to ns-3."
{ xml_head; echo '  <cluster id="ft" topology="FAT_TREE" topo_parameters="2;2,2;1,2;1,1" prefix="h" suffix="" radical="0-3" speed="1Gf" bw="125MBps" lat="10us"/></platform>'; } >"$TMP/ft.xml"
probe /dev/null "$TMP/e" "$BUF" "$TMP/ft.xml" h0:h3:1000:0 --cfg=network/model:ns-3
rc=$?
echo "   exit $rc; $(grep -o 'Element.*' "$TMP/e" | sed 1q)"
grep -q "unknown to ns-3" "$TMP/e"
verdict "fat-tree hosts unknown to ns-3" $?

echo "7. Routes of more than one link are ignored (one warning), so their hosts are unknown."
{ xml_head; cat <<'EOF'
  <zone id="w" routing="Full"><host id="h0" speed="1Gf"/><host id="h1" speed="1Gf"/>
    <link id="a" bandwidth="125MBps" latency="10us"/><link id="b" bandwidth="125MBps" latency="10us"/>
    <route src="h0" dst="h1"><link_ctn id="a"/><link_ctn id="b"/></route></zone></platform>
EOF
} >"$TMP/full2.xml"
probe /dev/null "$TMP/e" "$BUF" "$TMP/full2.xml" h0:h1:1000:0 --cfg=network/model:ns-3
echo "   $(grep -o 'Ignoring a route.*' "$TMP/e" | sed 1q)"
grep -q "Ignoring a route" "$TMP/e" && grep -q "unknown to ns-3" "$TMP/e"
verdict "multi-link routes ignored" $?

# Leaf-spine written link by link: 2 leaves x 2 hosts, 2 spines; spine s at bandwidth SBW_s.
leafspine() { { xml_head; echo "  <zone id=\"world\" routing=\"$1\">"
    for i in 0 1 2 3; do echo "    <host id=\"h$i\" speed=\"1Gf\"/>"; done
    echo '    <router id="leaf0"/><router id="leaf1"/><router id="spine0"/><router id="spine1"/>'
    for i in 0 1 2 3; do echo "    <link id=\"hl$i\" bandwidth=\"125MBps\" latency=\"10us\" sharing_policy=\"SPLITDUPLEX\"/>"; done
    for k in 0 1; do for s in 0 1; do
        echo "    <link id=\"ls_${k}_$s\" bandwidth=\"$([ $s = 0 ] && echo "$2" || echo "$3")\" latency=\"10us\" sharing_policy=\"SPLITDUPLEX\"/>"; done; done
    for i in 0 1 2 3; do echo "    <route src=\"h$i\" dst=\"leaf$((i / 2))\"><link_ctn id=\"hl$i\" direction=\"UP\"/></route>"; done
    for k in 0 1; do for s in 0 1; do
        echo "    <route src=\"leaf$k\" dst=\"spine$s\"><link_ctn id=\"ls_${k}_$s\" direction=\"UP\"/></route>"; done; done
    echo '  </zone></platform>'; }; }
echo "8. Written link by link, a leaf-spine is routed by ns-3's global routing: every leaf-to-leaf"
echo "   packet takes the first equal-cost route (spine 0), as SimGrid's Floyd and Dijkstra zones"
echo "   do at flow level; RandomEcmpRouting (set through NS_ATTRIBUTE_DEFAULT) picks one per packet."
leafspine Floyd 60MBps 125MBps >"$TMP/ls_floyd.xml"
leafspine DijkstraCache 60MBps 125MBps >"$TMP/ls_dijkstra.xml"
p=$(NS_ATTRIBUTE_DEFAULT=$BUF "$PROBE" "$TMP/ls_floyd.xml" h0:h2:1000000:0 --cfg=network/model:ns-3 2>/dev/null | dur 0)
f=$("$PROBE" "$TMP/ls_floyd.xml" h0:h2:1000000:0 --cfg=network/model:CM02 2>/dev/null | dur 0)
d=$("$PROBE" "$TMP/ls_dijkstra.xml" h0:h2:1000000:0 --cfg=network/model:CM02 2>/dev/null | dur 0)
echo "   1 MB leaf0 -> leaf1, spine 0 at 60 MBps, spine 1 at 125 MBps: ns-3 $p s, Floyd $f s, Dijkstra $d s"
echo "   (through spine 0: 1 MB / 60 MBps = 16.7 ms; through spine 1 it would take 8 ms)"
leafspine Floyd 125MBps 125MBps >"$TMP/ls.xml"
two_flows=h0:h2:10000000:0,h1:h3:10000000:0
a=$(NS_ATTRIBUTE_DEFAULT=$BUF "$PROBE" "$TMP/ls.xml" $two_flows --cfg=network/model:ns-3 2>/dev/null | dur 1)
b=$(NS_ATTRIBUTE_DEFAULT="$BUF;ns3::Ipv4GlobalRouting::RandomEcmpRouting=true" "$PROBE" "$TMP/ls.xml" $two_flows --cfg=network/model:ns-3 2>/dev/null | dur 1)
echo "   two 10 MB flows leaf0 -> leaf1: first route $a s (both on spine 0: 2 x 83.4 ms);"
echo "   random ECMP $b s (the ideal split, one spine each, would be 83.8 ms)"
awk -v p="$p" -v f="$f" -v d="$d" -v a="$a" -v b="$b" \
    'BEGIN { exit !(p > 0.0166 && f > 0.0166 && d > 0.0166 && a > 0.1668 && b < a && b > 0.0838) }'
verdict "first route = spine 0 in ns-3, Floyd and Dijkstra; random ECMP spreads packets" $?

echo "9. A message of 0 bytes between two hosts never completes (the binding waits for a socket"
echo "   close that its send callback never asks for): the run spins forever."
{ NS_ATTRIBUTE_DEFAULT=$BUF timeout 10 "$PROBE" "$TMP/two1ms.xml" h0:h1:0:0 --cfg=network/model:ns-3 >/dev/null 2>&1; } 2>/dev/null
rc=$?
echo "   exit $rc after 10 s (124 = killed by timeout)"
[ $rc -eq 124 ]
verdict "0-byte message hangs" $?

echo "10. A transfer cancelled in flight (its receiver killed) leaves a flow pointing at a freed"
echo "    action: the next update reads and writes freed memory (valgrind) and segfaults."
{ xml_head; echo '  <zone id="s" routing="Floyd">'
  for i in 0 1 2 3 4 5 6 7 8; do echo "    <host id=\"h$i\" speed=\"1Gf\"/>"; done
  echo '    <router id="sw"/>'
  for i in 0 1 2 3 4 5 6 7 8; do echo "    <link id=\"l$i\" bandwidth=\"125MBps\" latency=\"10us\" sharing_policy=\"SPLITDUPLEX\"/>"; done
  for i in 0 1 2 3 4 5 6 7 8; do echo "    <route src=\"h$i\" dst=\"sw\"><link_ctn id=\"l$i\" direction=\"UP\"/></route>"; done
  echo '  </zone></platform>'; } >"$TMP/star9.xml"
INCAST=$(for i in 1 2 3 4 5 6 7 8; do printf "h$i:h0:1000000:0,"; done)
INCAST=${INCAST%,}
probe /dev/null /dev/null "$BUF" "$TMP/star9.xml" "$INCAST" --kill-at 0.01 --cfg=network/model:ns-3
rc=$?
c=$("$PROBE" "$TMP/star9.xml" "$INCAST" --kill-at 0.01 --cfg=network/model:CM02 2>/dev/null | grep -c 'end -1')
echo "   ns-3: exit $rc (139 = SIGSEGV); flow level: exit 0, $c killed transfers"
if [ -n "${VALGRIND:-}" ]; then # about a minute
    { NS_ATTRIBUTE_DEFAULT=$BUF valgrind -q "$PROBE" "$TMP/star9.xml" "$INCAST" --kill-at 0.01 --cfg=network/model:ns-3 >/dev/null 2>"$TMP/v"; } 2>/dev/null
    echo "    valgrind: $(grep -m1 -A1 'Invalid' "$TMP/v" | tr -s ' ' | tr '\n' ' ')"
fi
[ $rc -eq 139 ]
verdict "cancelled flow crashes the binding" $?

echo "$fails check(s) not confirmed"
exit $((fails > 0))
