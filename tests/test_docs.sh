#!/usr/bin/env bash
# docs/scenario.md is generated from the schema; it must match what the binary accepts, and
# every scenario shipped in scenarios/ must validate, and every combination of the sweeps in sweeps/.
. "$(dirname "$0")/lib.sh"
src=${SIMGRAD_SOURCE_DIR:-..}
if "$bin" keys --markdown | cmp -s - "$src/docs/scenario.md"; then
  pass=$((pass + 1))
else
  fail=$((fail + 1))
  echo "FAIL docs/scenario.md is out of date: run 'build/simgrad keys --markdown > docs/scenario.md'"
fi
for f in "$src"/sweeps/*.json; do
  # a sweep file: every combination validates (emitting checks them all, runs nothing)
  if out=$("$bin" sweep "$f" --emit parallel --out "$tmp/$(basename "$f" .json)" 2>&1); then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $f: $out"
  fi
done
for f in "$src"/scenarios/*.json; do
  if out=$("$bin" validate "$f" 2>&1) && ! grep -q warning <<<"$out"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $f: $out"
  fi
done
for cmd in "" run validate keys report sweep; do
  if "$bin" $cmd --help | grep -q "usage: simgrad"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL simgrad $cmd --help"
  fi
done
finish
