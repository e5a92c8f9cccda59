#!/usr/bin/env bash
# The plugin as another SimGrid program uses it: install to a prefix, compile an example
# against pkg-config's simgrad, run it on a scenario.
set -u
src=${SIMGRAD_SOURCE_DIR:-..}
build=$(dirname "${SIMGRAD_BIN:-build/simgrad}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL $1"; echo "0 passed, 1 failed"; exit 1; }
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null || fail "cmake --install"
pc=$(find "$tmp/prefix" -name simgrad.pc | head -1)
[ -n "$pc" ] || fail "no simgrad.pc installed"
export PKG_CONFIG_PATH=$(dirname "$pc")
cc "$src/examples/plugin_demo.c" $(pkg-config --cflags --libs simgrad) -o "$tmp/demo" || fail "compile against pkg-config simgrad"
cat >"$tmp/s.json" <<'JSON'
{"platform": {"type": "star", "hosts": 5},
 "workload": {"model": "lsq", "dataset": "synthetic", "samples": 800, "features": 8}}
JSON
LD_LIBRARY_PATH=$(dirname "$(find "$tmp/prefix" -name 'libsimgrad.so' | head -1)") \
  "$tmp/demo" "$tmp/s.json" "$tmp/out" >/dev/null || fail "run the example"
grep -q '"rounds": 5' "$tmp/out/summary.json" || fail "the example's run has 5 rounds"
echo "1 passed, 0 failed"
