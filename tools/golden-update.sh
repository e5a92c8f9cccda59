#!/usr/bin/env bash
# Rewrite the golden files (tests/golden/NAME.metrics.csv, NAME.results.json) from the current
# build, on purpose: review `git diff tests/golden` and say in the commit which numbers moved
# and why. Usage: tools/golden-update.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cmake --build "$build" -j "$(nproc)" --target simgrad_cli test_golden >/dev/null
SIMGRAD_GOLDEN_UPDATE=1 SIMGRAD_SOURCE_DIR="$PWD" SIMGRAD_BIN="$PWD/$build/simgrad" \
    "$build/test_golden" >/dev/null
git status --short tests/golden
