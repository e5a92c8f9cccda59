#!/usr/bin/env bash
# Every file reader survives its fuzzer: each libFuzzer harness of tests/fuzz (scenario
# loader, trace CSV, host-failure CSV, graph edge list and sequence, LIBSVM, CSV dataset, IDX,
# event log, units, sweep file) runs
# FUZZ_SECONDS (default 10) on its seed corpus, tests/fuzz/corpus/NAME, under ASan and UBSan.
# A crash, a sanitizer report, a leak or a timeout fails it; the input is kept in
# $SIMGRAD_FUZZ_ARTIFACTS (default build-san/fuzz-artifacts). Longer by hand:
#   build-san/fuzz_scenario -max_total_time=1800 NEWDIR tests/fuzz/corpus/scenario
# The harnesses are built by `tools/setup.sh --with-sanitizers` (CI does); without them the
# test is skipped, except under CI, where that is a failure.
set -u
src=${SIMGRAD_SOURCE_DIR:-..}
san=${SIMGRAD_SAN_DIR:-$src/build-san}
seconds=${FUZZ_SECONDS:-10}
if [ ! -x "$san/fuzz_scenario" ]; then
  echo "no fuzz harnesses in $san: run tools/setup.sh --with-sanitizers"
  if [ "${CI:-}" = true ]; then echo "0 passed, 1 failed"; exit 1; fi
  exit 77
fi
art=${SIMGRAD_FUZZ_ARTIFACTS:-$san/fuzz-artifacts}
mkdir -p "$art"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" /tmp/simgrad-fuzz-??????' EXIT
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
pass=0
fail=0
for seeds in "$src"/tests/fuzz/corpus/*/; do
  name=$(basename "$seeds")
  mkdir -p "$tmp/$name"
  # new inputs go to the first directory (a scratch one), never into the seeds
  if "$san/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$art/$name-" -print_final_stats=1 "$tmp/$name" "$seeds" \
      >"$tmp/$name.log" 2>&1; then
    pass=$((pass + 1))
    echo "fuzz_$name: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$tmp/$name.log" |
      grep -o '[0-9]*$') inputs in ${seconds} s, no crash"
  else
    fail=$((fail + 1))
    echo "FAIL fuzz_$name:"
    grep -E -A25 "ERROR|runtime error|Test unit written" "$tmp/$name.log" | head -40
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
