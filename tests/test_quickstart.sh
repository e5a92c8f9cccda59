#!/usr/bin/env bash
# The README's default scenario: ps-sgd, softmax regression on Fashion-MNIST, 16 workers on a
# leaf-spine, reaches a test accuracy of at least 0.80 and reports its simulated time.
set -u
bin=${SIMGRAD_BIN:-build/simgrad}
src=${SIMGRAD_SOURCE_DIR:-..}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" run "$src/scenarios/quickstart.json" --quiet --out "$tmp/q" >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
acc=$(grep -m1 '"final_test_accuracy":' "$tmp/q/summary.json" | sed 's/.*: *\([0-9.eE+-]*\).*/\1/')
sim=$(grep -m1 '"simulated_time_s":' "$tmp/q/summary.json" | sed 's/.*: *\([0-9.eE+-]*\).*/\1/')
workers=$(grep -m1 '"workers":' "$tmp/q/summary.json" | sed 's/.*: *\([0-9]*\).*/\1/')
echo "quickstart: test accuracy $acc, simulated time $sim s, $workers workers"
if awk -v a="$acc" -v s="$sim" -v w="$workers" 'BEGIN{exit !(a >= 0.80 && s > 0 && w == 16)}'; then
  echo "1 passed, 0 failed"
else
  echo "FAIL quickstart accuracy $acc < 0.80 (or no simulated time)"
  echo "0 passed, 1 failed"
  exit 1
fi
