#!/usr/bin/env bash
# Every benchmark, one after the other (about 3 minutes on 2 cores); see bench/README.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$ROOT/build/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$ROOT/build" -j2 >/dev/null
echo "### bench_kernel"; "$ROOT/build/bench_kernel"
echo; echo "### bench_platform"; "$ROOT/build/bench_platform" -s
echo; echo "### run_ps_sgd.sh"; "$ROOT/bench/run_ps_sgd.sh" "$@"
echo; echo "### run_gc.sh"; "$ROOT/bench/run_gc.sh"
echo; echo "### run_token.sh"; "$ROOT/bench/run_token.sh"
echo; echo "### run_gossip.sh"; "$ROOT/bench/run_gossip.sh"
