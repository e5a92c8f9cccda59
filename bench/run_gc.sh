#!/usr/bin/env bash
# Gradient-coding benchmarks against DESIGN.md's targets:
#   SGC, 256 workers, 80 jobs, real softmax gradients on Fashion-MNIST: under 1 min wall
#   SGC, 10,000 workers, 20 jobs (fractional repetition):             under 5 min wall
# Each run prints wall time and peak memory from its summary.json (both measured by simgrad).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/simgrad ] || tools/setup.sh >/dev/null
out=${1:-build/bench-out/gc}
mkdir -p "$out"
field() { grep -m1 "\"$2\":" "$1" | sed 's/.*: *\([0-9.eE+-]*\).*/\1/'; }
bench() { # NAME SCENARIO TARGET_SECONDS
  local name=$1 scn=$2 target=$3
  build/simgrad run "$scn" --quiet --out "$out/$name" >"$out/$name.table"
  local wall rss
  wall=$(field "$out/$name/summary.json" wall_clock_seconds)
  rss=$(field "$out/$name/summary.json" peak_rss_mb)
  printf '%-34s wall %8.1f s (target < %d s: %s)   peak memory %7.0f MB\n' "$name" "$wall" "$target" \
    "$(awk -v w="$wall" -v t="$target" 'BEGIN{print (w < t) ? "met" : "MISSED"}')" "$rss"
  sed 's/^/    /' "$out/$name.table"
}
bench "gc-256-bursty (4 schemes, FMNIST)" scenarios/gc-256-bursty.json 60
bench "gc-10k (3 schemes, fractional)" scenarios/gc-10k.json 300
