#!/usr/bin/env bash
# Bad input, as a table: every case is an input (a scenario, a data file, a sweep file, a run
# directory, arguments), the exit status it must get and the words its message must contain.
# Across all families, sweep and report. A case passes when the status matches, every phrase
# is in the output, and nothing in it is a crash or a SimGrid abort. Add a row for every new
# key or reader. (tests/test_cli_errors.sh holds the older, per-key cases.)
set -u
bin=$(realpath "${SIMGRAD_BIN:-build/simgrad}")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

# Auxiliary files the cases name (relative to the scenarios, which live in $T).
cat >"$T/noroute.xml" <<'XML'
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <zone id="z" routing="Full">
    <host id="a" speed="1Gf"/><host id="b" speed="1Gf"/><host id="c" speed="1Gf"/>
    <link id="l1" bandwidth="1GBps" latency="1us"/>
    <route src="a" dst="b"><link_ctn id="l1"/></route>
  </zone>
</platform>
XML
sed 's/routing="Full"/routing="Floyd"/' "$T/noroute.xml" >"$T/noroute-floyd.xml"
printf '1e30,0.5,1\n' >"$T/fail-huge.csv"
printf '1,-0.5,1\n' >"$T/fail-neg.csv"
printf '1,0.5\n' >"$T/fail-cols.csv"
printf '0.1,0.2,0.3,0.4\n' >"$T/trace1.csv"
printf '0.1,0.2,0.3,0.4\n0.1,abc,0.3,0.4\n' >"$T/trace-nan.csv"
printf '0 1\n1 2\n2 x\n' >"$T/edges-bad.txt"
printf '0 1\n2 3\n' >"$T/edges-split.txt"
printf '1 1:0.5 3:1\n-1 3:1 2:2\n' >"$T/order.svm"
printf '1.0\n-2\n1\n1\n1\n1\n1\n1\n' >"$T/rates-neg.txt"
printf '0.5\n0.5\n' >"$T/target-short.txt"
printf '0.1,0.2\n' >"$T/x0-short.csv"
printf 'method,t,kind,i,j,graph\ndadao,0.5,gossip,0,1,\ndadao,0.25,gradient,2,,\n' >"$T/log-back.csv"
printf 'method,t,kind,i,j,graph\ndadao,0.5,gossip,0,5,\n' >"$T/log-noedge.csv"
mkdir -p "$T/notarun" "$T/half"
printf '{"status": "running", "complete": false, "family": "ps-sgd", "config": {}, "results": {}}\n' >"$T/half/summary.json"

ps='"platform": {"type": "star", "hosts": 5}, "workload": {"dataset": "synthetic", "samples": 400, "features": 5}'
gc='"platform": {"type": "star", "hosts": 9}, "workload": {"dataset": "synthetic", "samples": 800, "features": 5}, "algorithm": {"family": "gradient-coding", "workers": 8, "jobs": 4'
go='"platform": {"type": "star", "hosts": 8}, "workload": {"model": "lsq", "dataset": "synthetic", "samples": 400, "features": 4}'
tk='"platform": {"type": "star", "hosts": 8}, "workload": {"model": "lsq", "dataset": "synthetic", "samples": 400, "features": 4}'
fb='"platform": {"type": "leaf-spine", "leaves": 2, "hosts_per_leaf": 4, "spines": 2}, "algorithm": {"family": "fabric", "bytes": "1MiB"'

# NAME <tab> EXIT <tab> PHRASES (;-separated) <tab> COMMAND ($S: this case's scenario file, $T:
# the directory of the files above) <tab> SCENARIO (JSON on one line, or empty)
cases=$(cat <<EOF
size_torus_1e9	2	needs about;GiB of memory;1000000000 hosts;make it smaller	validate \$S	{"platform": {"type": "torus", "topo_parameters": "1000,1000,1000"}, "workload": {"dataset": "synthetic", "samples": 400, "features": 5}, "algorithm": {"workers": 4}}
size_workers_1e7	2	needs about;10000001 actors;algorithm.workers	validate \$S	{"platform": {"type": "star", "hosts": 100}, "workload": {"dataset": "synthetic", "samples": 400, "features": 5}, "algorithm": {"workers": 10000000}}
stack_too_small	2	simulation.stack_size;[16384	validate \$S	{$ps, "simulation": {"stack_size": "1KiB"}}
stack_too_large	2	simulation.stack_size	validate \$S	{$ps, "simulation": {"stack_size": "2GiB"}}
slowdown_infinite	2	stragglers.slowdown;1e+06	validate \$S	{$ps, "stragglers": {"model": "iid", "slowdown": 1e308}}
no_route_full	2	has no route from host a to host c	validate \$S	{"platform": {"type": "file", "file": "noroute.xml"}, "workload": {"dataset": "synthetic", "samples": 400, "features": 5}, "algorithm": {"workers": 2}}
no_route_floyd	2	noroute-floyd.xml has no route from host a to host c	validate \$S	{"platform": {"type": "file", "file": "noroute-floyd.xml"}, "workload": {"dataset": "synthetic", "samples": 400, "features": 5}, "algorithm": {"workers": 2}}
no_route_run	2	has no route	run --quiet --out \$T/o-nr \$S	{"platform": {"type": "file", "file": "noroute.xml"}, "workload": {"dataset": "synthetic", "samples": 400, "features": 5}, "algorithm": {"workers": 2}}
failures_huge_host	2	stragglers.host_failures;host 1e+30 is not a host index	validate \$S	{$ps, "stragglers": {"host_failures": "fail-huge.csv"}, "algorithm": {"round_timeout": 1}}
failures_negative	2	stragglers.host_failures;fail-neg.csv:1:3: field 2 is negative	validate \$S	{$ps, "stragglers": {"host_failures": "fail-neg.csv"}, "algorithm": {"round_timeout": 1}}
failures_columns	2	fail-cols.csv has 2 columns, expected 3	validate \$S	{$ps, "stragglers": {"host_failures": "fail-cols.csv"}, "algorithm": {"round_timeout": 1}}
trace_not_number	2	stragglers.trace;trace-nan.csv:2:5: field 2 is not a number	validate \$S	{$ps, "stragglers": {"model": "trace", "trace": "trace-nan.csv"}}
trace_short_run	2	trace_short_run.json: stragglers.trace has 1 rounds	run --quiet --out \$T/o-ts \$S	{$ps, "stragglers": {"model": "trace", "trace": "trace1.csv"}, "algorithm": {"rounds": 2}}
ps_wait_for	2	algorithm.wait_for: 9 exceeds the 4 workers	validate \$S	{$ps, "algorithm": {"workers": 4, "wait_for": 9}}
ps_libsvm_order	2	order.svm:2;ascending	run --quiet --out \$T/o-svm \$S	{"platform": {"type": "star", "hosts": 3}, "workload": {"dataset": "libsvm", "model": "logreg", "path": "order.svm"}}
gc_msgc_once	2	m-sgc needs algorithm.msgc_B < algorithm.msgc_W;!m-sgc: m-sgc	validate \$S	{$gc, "schemes": "m-sgc", "msgc_W": 2, "msgc_B": 3}}
gc_srsgc_once	2	sr-sgc needs algorithm.srsgc_W - 1 to be a multiple;!sr-sgc: sr-sgc	validate \$S	{$gc, "schemes": "sr-sgc", "srsgc_W": 2, "srsgc_B": 10, "srsgc_lambda": 8}}
gc_s_too_large	2	algorithm.s	validate \$S	{$gc, "schemes": "gc", "s": 8}}
gc_unknown_scheme	2	algorithm.schemes	validate \$S	{$gc, "schemes": "gc,frc"}}
gossip_rates_negative	2	algorithm.edge_rates;field 1 is negative (-2)	run --quiet --out \$T/o-er \$S	{$go, "graph": {"type": "cycle"}, "algorithm": {"family": "gossip", "methods": "dadao", "instant": true, "duration": 2, "edge_rates": "rates-neg.txt"}}
gossip_graph_file	2	graph.file;edges-bad.txt:3	run --quiet --out \$T/o-gf \$S	{$go, "graph": {"type": "file", "file": "edges-bad.txt"}, "algorithm": {"family": "gossip", "methods": "dadao", "instant": true, "duration": 2}}
gossip_x0_dimension	2	algorithm.x0;x0-short.csv:1: 2 values, expected	run --quiet --out \$T/o-x0 \$S	{$go, "graph": {"type": "cycle"}, "algorithm": {"family": "gossip", "methods": "dadao", "instant": true, "duration": 2, "x0": "x0-short.csv"}}
gossip_replay_back_in_time	2	algorithm.replay;log-back.csv:3: the log goes back in time	run --quiet --out \$T/o-rb \$S	{$go, "graph": {"type": "cycle"}, "algorithm": {"family": "gossip", "methods": "dadao", "instant": true, "duration": 2, "replay": "log-back.csv"}}
gossip_replay_missing_edge	2	algorithm.replay;log-noedge.csv:2	run --quiet --out \$T/o-re \$S	{$go, "graph": {"type": "cycle"}, "algorithm": {"family": "gossip", "methods": "dadao", "instant": true, "duration": 2, "replay": "log-noedge.csv"}}
gossip_unknown_method	2	algorithm.methods	validate \$S	{$go, "graph": {"type": "cycle"}, "algorithm": {"family": "gossip", "methods": "dadao,push-sum"}}
token_graph_disconnected	2	disconnected	run --quiet --out \$T/o-gd \$S	{$tk, "graph": {"type": "file", "file": "edges-split.txt"}, "algorithm": {"family": "token", "walks": "srw", "hops": 10, "replicas": 1}}
token_target_rows	2	algorithm.target_file;target-short.txt has 2 rows	run --quiet --out \$T/o-tt \$S	{$tk, "graph": {"type": "cycle"}, "algorithm": {"family": "token", "walks": "mhrw", "hops": 10, "replicas": 1, "target": "file", "target_file": "target-short.txt"}}
token_unknown_walk	2	algorithm.walks	validate \$S	{$tk, "graph": {"type": "cycle"}, "algorithm": {"family": "token", "walks": "levy"}}
fabric_unknown_policy	2	algorithm.policies	validate \$S	{$fb, "policies": "ecmp,random"}}
fabric_unknown_collective	2	algorithm.collectives	validate \$S	{$fb, "collectives": "broadcast"}}
fabric_bad_failure	2	algorithm.failures	validate \$S	{$fb, "failures": "spine:99"}}
seed_negative	2	--seed expects a non-negative integer	run \$S --seed -3	{$ps}
report_no_dir	2	no such run directory	report \$T/nowhere	
report_not_a_run	2	notarun/summary.json	report \$T/notarun	
report_killed_run	2	the run is incomplete	report \$T/half	
report_out_unwritable	2	cannot create directory /dev/null/x	report \$T/run-ps --out /dev/null/x	
report_two_families	2	runs of different families cannot share a report	report \$T/run-ps \$T/run-fabric	
sweep_missing_file	2	nosweep.json	sweep \$T/nosweep.json	
sweep_empty_grid	2	grid.stragglers.p: expected a non-empty array	sweep \$S	{"base": "base.json", "grid": {"stragglers.p": []}}
sweep_unknown_key	2	unknown key gird	sweep \$S	{"base": "base.json", "gird": {"stragglers.p": [0.1]}}
sweep_bad_replicas	2	replicas	sweep \$S	{"base": "base.json", "replicas": 0}
sweep_unknown_metric	2	"accuracy_at_dawn" is not a results.csv column	sweep \$S --emit parallel	{"base": "base.json", "grid": {"stragglers.p": [0.1]}, "metric": "accuracy_at_dawn", "out": "$T/sw-m"}
sweep_missing_base	2	nobase.json	sweep \$S	{"base": "nobase.json"}
sweep_too_many_runs	2	runs;at most	sweep \$S --emit parallel	{"base": "base.json", "grid": {"seed": [1,2,3,4,5,6,7,8,9,10]}, "replicas": 100000, "out": "$T/sw-big"}
sweep_bad_value	2	platform.hosts	sweep \$S --emit parallel	{"base": "base.json", "grid": {"platform.hosts": ["many"]}, "out": "$T/sw-v"}
EOF
)
printf '{%s, "algorithm": {"family": "ps-sgd", "rounds": 2}}\n' "$ps" >"$T/base.json"
# two finished runs of different families, for report
"$bin" run "$T/base.json" --quiet --out "$T/run-ps" >/dev/null 2>&1
printf '{%s}}\n' "$fb" >"$T/fabric.json"
"$bin" run "$T/fabric.json" --quiet --out "$T/run-fabric" >/dev/null 2>&1

# validate must answer what run would refuse (issue 16 item 7): every case given to `run` is
# given to `validate` too, and must get the same exit status and words.
run_cases=$(awk -F'\t' -v OFS='\t' '$4 ~ /^run --quiet --out [^ ]+ [$]S$/ {$1 = $1 "_at_validate"; $4 = "validate $S"; print}' <<<"$cases")
cases=$(printf '%s\n%s\n' "$cases" "$run_cases")

while IFS=$'\t' read -r name want phrases command scenario; do
  [ -n "$name" ] || continue
  S="$T/${name%_at_validate}.json"
  [ -z "$scenario" ] || printf '%s\n' "$scenario" >"$S"
  out=$(cd "$T" && eval "\"$bin\" $command" 2>&1)
  rc=$?
  bad=""
  [ "$rc" -eq "$want" ] || bad+=" exit $rc, wanted $want;"
  IFS=';' read -ra words <<<"$phrases"
  for w in "${words[@]}"; do
    if [ "${w:0:1}" = "!" ]; then
      grep -qF -- "${w:1}" <<<"$out" && bad+=" has \"${w:1}\";"
    else
      grep -qF -- "$w" <<<"$out" || bad+=" lacks \"$w\";"
    fi
  done
  grep -qE "Backtrace|CRITICAL|Segmentation|Aborted|core dumped|xbt_assert" <<<"$out" &&
    bad+=" crashed;"
  if [ -z "$bad" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $name:$bad output: $(head -c 600 <<<"$out")"
  fi
done <<<"$cases"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
