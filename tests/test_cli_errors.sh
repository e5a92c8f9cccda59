#!/usr/bin/env bash
# Every user mistake gets exit status 2 and one clear message naming the key or file, never a
# SimGrid abort or a crash. Each case: a scenario (or arguments), the command, and a phrase
# the message must contain.
. "$(dirname "$0")/lib.sh"

# expect NAME PHRASE COMMAND...   (the scenario, if any, is $tmp/NAME.json): exit 2 and PHRASE
expect() {
  local name=$1 phrase=$2
  shift 2
  expect_exit "$name" 2 "$phrase" "$@"
}

scn() { cat >"$tmp/$1.json"; }

base='"platform": {"type": "star", "hosts": 5}, "workload": {"dataset": "synthetic", "samples": 400, "features": 5}, "algorithm": {"family": "ps-sgd", "rounds": 2}'

printf '{ "seed": 1,\n  "platform": { "type": "star" \n' >"$tmp/syntax.json"
expect syntax "syntax.json:3:" "$bin" validate "$tmp/syntax.json"

scn toplevel <<<'[1, 2, 3]'
expect toplevel "expected a JSON object" "$bin" validate "$tmp/toplevel.json"

expect missing_file "nonexistent.json" "$bin" validate "$tmp/nonexistent.json"

scn dupkey <<<'{"seed": 1, "seed": 2}'
expect dupkey "duplicate" "$bin" validate "$tmp/dupkey.json"

scn unknown_key <<<"{$base, \"stragglers\": {\"modle\": \"iid\"}}"
expect unknown_key "did you mean stragglers.model" "$bin" validate "$tmp/unknown_key.json"

scn unknown_section <<<"{$base, \"hardware\": {}}"
expect unknown_section "unknown key hardware" "$bin" validate "$tmp/unknown_section.json"

scn wrong_type <<<'{"platform": {"type": "star", "hosts": "many"}}'
expect wrong_type "platform.hosts: expected an integer" "$bin" validate "$tmp/wrong_type.json"

scn bad_unit <<<'{"platform": {"type": "star", "host_bw": "10Gbs"}}'
expect bad_unit "unknown unit \"Gbs\"" "$bin" validate "$tmp/bad_unit.json"

scn range <<<'{"stragglers": {"model": "iid", "p": 1.5}}'
expect range "stragglers.p: expected a value in [0, 1]" "$bin" validate "$tmp/range.json"

scn bad_enum <<<'{"platform": {"type": "ring"}}'
expect bad_enum "platform.type: expected one of star|leaf-spine" "$bin" validate "$tmp/bad_enum.json"

scn bad_family <<<'{"algorithm": {"family": "allreduce"}}'
expect bad_family "algorithm.family: expected one of" "$bin" validate "$tmp/bad_family.json"

scn wait_for <<<'{"platform": {"type": "star", "hosts": 5}, "algorithm": {"family": "ps-sgd", "workers": 4, "wait_for": 9}}'
expect wait_for "algorithm.wait_for: 9 exceeds the 4 workers" "$bin" validate "$tmp/wait_for.json"

scn fail_no_timeout <<<"{$base, \"stragglers\": {\"fail_prob\": 0.1}}"
expect fail_no_timeout "algorithm.round_timeout" "$bin" validate "$tmp/fail_no_timeout.json"

scn libsvm_missing <<<'{"workload": {"dataset": "libsvm", "model": "lsq", "path": "no/such/file.svm"}}'
expect libsvm_missing "workload.path: cannot read" "$bin" validate "$tmp/libsvm_missing.json"

scn fmnist_dir <<<'{"workload": {"dataset": "fashion-mnist", "fmnist_dir": "/nonexistent/fmnist"}}'
expect fmnist_dir "/nonexistent/fmnist" "$bin" run --quiet --out "$tmp/o1" "$tmp/fmnist_dir.json"

printf '0.1,0.2\n0.3,0.4\n' >"$tmp/trace2.csv"
scn trace_cols <<<"{$base, \"stragglers\": {\"model\": \"trace\", \"trace\": \"trace2.csv\"}}"
expect trace_cols "has 2 columns" "$bin" validate "$tmp/trace_cols.json"

printf '0.1,0.2,0.3,0.4\n0.3,-0.4,0.1,0.1\n' >"$tmp/trace_neg.csv"
scn trace_neg <<<"{$base, \"stragglers\": {\"model\": \"trace\", \"trace\": \"trace_neg.csv\"}}"
expect trace_neg "trace_neg.csv" "$bin" validate "$tmp/trace_neg.json"

printf '0.1,0.2,0.3,0.4\n' >"$tmp/trace_short.csv"
scn trace_short <<<"{$base, \"stragglers\": {\"model\": \"trace\", \"trace\": \"trace_short.csv\"}}"
expect trace_short "rounds" "$bin" run --quiet --out "$tmp/o2" "$tmp/trace_short.json"

scn platform_missing <<<'{"platform": {"type": "file", "file": "nowhere.xml"}, "algorithm": {"workers": 2}}'
expect platform_missing "platform.file: cannot read" "$bin" validate "$tmp/platform_missing.json"

printf '<?xml version="1.0"?>\n<platform version="4.1"><zone id="z" routing="Full"><host id="a" speed="fast"/></zone></platform>\n' >"$tmp/bad.xml"
scn platform_bad <<<'{"platform": {"type": "file", "file": "bad.xml"}, "algorithm": {"workers": 2}}'
expect platform_bad "SimGrid cannot load" "$bin" validate "$tmp/platform_bad.json"

scn topo <<<'{"platform": {"type": "fat-tree", "topo_parameters": "2;4,4;1"}}'
expect topo "platform.topo_parameters" "$bin" validate "$tmp/topo.json"

printf '1,0.5,1\n99,1,1\n' >"$tmp/failures.csv"
scn failures_host <<<'{"platform": {"type": "star", "hosts": 5}, "stragglers": {"host_failures": "failures.csv"}, "algorithm": {"round_timeout": 1}}'
expect failures_host "host 99 is not a host index" "$bin" validate "$tmp/failures_host.json"
scn failures_no_timeout <<<"{$base, \"stragglers\": {\"host_failures\": \"failures.csv\"}}"
expect failures_no_timeout "algorithm.round_timeout" "$bin" validate "$tmp/failures_no_timeout.json"

scn paje_multicluster <<<'{"platform": {"type": "leaf-spine"}, "output": {"paje": true}}'
expect paje_multicluster "output.paje: SimGrid 3.32's tracer crashes" "$bin" validate "$tmp/paje_multicluster.json"

scn too_few_samples <<<'{"platform": {"type": "star", "hosts": 17}, "workload": {"dataset": "synthetic", "samples": 8}}'
expect too_few_samples "workload.partition" "$bin" run --quiet --out "$tmp/o3" "$tmp/too_few_samples.json"

scn logreg_multiclass <<<'{"platform": {"type": "star", "hosts": 3}, "workload": {"dataset": "fashion-mnist", "model": "logreg", "samples": 100, "test_samples": 100}}'
expect logreg_multiclass "needs 2 classes" "$bin" run --quiet --out "$tmp/o4" "$tmp/logreg_multiclass.json"

scn ok <<<"{$base}"
expect set_value "platform.hosts: expected an integer" "$bin" validate "$tmp/ok.json" --set platform.hosts=abc
expect set_syntax "expected key.path=value" "$bin" validate "$tmp/ok.json" --set platform.hosts
expect set_unknown "did you mean platform.host_bw" "$bin" validate "$tmp/ok.json" --set platform.host_bww=1
expect seed "--seed expects a non-negative integer" "$bin" run "$tmp/ok.json" --seed -3
expect option "unknown or incomplete option --frobnicate" "$bin" run "$tmp/ok.json" --frobnicate
expect command "unknown command" "$bin" frobnicate
# `simgrad search` on a family without a search hook (ps-sgd): refused, naming the family
expect search_no_hook "the ps-sgd family has no search" "$bin" search "$tmp/ok.json"

# A key that does not apply to the chosen type is a warning, not an error: switching a type
# with --set must not require editing the file.
scn not_applicable <<<'{"platform": {"type": "star", "spines": 4}}'
out=$("$bin" validate "$tmp/not_applicable.json" 2>&1)
if [ $? -eq 0 ] && grep -qF "warning:" <<<"$out" && grep -qF "platform.spines is ignored: it only applies when platform.type is leaf-spine" <<<"$out"; then
  pass=$((pass + 1))
else
  fail=$((fail + 1))
  echo "FAIL not_applicable_warns: $out"
fi

finish
