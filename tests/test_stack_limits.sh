#!/usr/bin/env bash
# simulation.stack_size through the command, as a user meets it: sizes that SimGrid 3.32 took
# as KiB (and overflowed to 0 from 4 MiB up) run, and 64 actors fit in a 2 GiB address
# space (with stacks 1024x too large, 16 actors of the 256 KiB default took 4 GiB).
# test_stack.c measures the mapped sizes themselves.
set -u
bin=${SIMGRAD_BIN:-build/simgrad}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
check() { # NAME CONDITION-EXIT-STATUS [detail]
  if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1 ${3:-}"; fi
}
complete() { grep -q '"complete": true' "$1/summary.json" 2>/dev/null; }

cat >"$tmp/s.json" <<'JSON'
{"platform": {"type": "star", "hosts": 65},
 "workload": {"dataset": "synthetic", "samples": 2000, "features": 5},
 "algorithm": {"family": "ps-sgd", "rounds": 2}}
JSON

for size in 4MiB 8MiB 1GiB; do
  out=$("$bin" run "$tmp/s.json" --quiet --out "$tmp/$size" --set platform.hosts=5 \
    --set "simulation.stack_size=\"$size\"" 2>&1)
  rc=$?
  complete "$tmp/$size"
  check "stack_$size" $(( rc != 0 || $? != 0 )) "exit $rc: $out"
done

# 64 workers and the server (plus SimGrid's own) in 2 GiB of address space.
out=$( (ulimit -v 2097152 && "$bin" run "$tmp/s.json" --quiet --out "$tmp/limited") 2>&1)
rc=$?
complete "$tmp/limited"
check address_space_2GiB_64_workers $(( rc != 0 || $? != 0 )) "exit $rc: $(tail -3 <<<"$out")"

# Below SimGrid's needs, and above what the key allows: exit 2 naming the key.
for size in '"1KiB"' '"2GiB"' '"1e30"'; do
  out=$("$bin" validate "$tmp/s.json" --set "simulation.stack_size=$size" 2>&1)
  rc=$?
  [ "$rc" -eq 2 ] && grep -qF "simulation.stack_size" <<<"$out"
  check "refused_$size" $? "exit $rc: $out"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
