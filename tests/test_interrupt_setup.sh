#!/usr/bin/env bash
# A long set-up phase answers Ctrl-C (issue 16 item 8): the graph constants of a 100,000-node
# cycle (Lanczos and CG, minutes of work) stop within seconds of SIGINT, and the run ends
# interrupted (exit 130), its summary saying so and in which phase.
. "$(dirname "$0")/lib.sh"
cat >"$tmp/s.json" <<'JSON'
{"seed": 1, "platform": {"type": "star", "hosts": 4},
 "workload": {"model": "lsq", "dataset": "synthetic", "samples": 200000, "features": 3},
 "graph": {"type": "cycle", "n": 100000},
 "algorithm": {"family": "gossip", "methods": "dadao", "instant": true, "duration": 1, "dense_max": 0}}
JSON
"$bin" run "$tmp/s.json" --quiet --out "$tmp/o" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 300); do # the run directory is marked once the scenario checks out
  grep -q '"status": "running"' "$tmp/o/summary.json" 2>/dev/null && break
  sleep 0.1
done
sleep 3 # into the graph constants (they take minutes on this graph)
t0=$(date +%s%N)
kill -INT "$pid"
wait "$pid"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$rc" -eq 130 ] && [ "$ms" -lt 5000 ]
check interrupted_within_5s $? "exit $rc after $ms ms"
grep -q '"status": "interrupted"' "$tmp/o/summary.json" &&
  grep -q '"stopped_in": "deploying the actors"' "$tmp/o/summary.json"
check summary_says_where $? "$(grep -E 'status|stopped' "$tmp/o/summary.json")"
finish
