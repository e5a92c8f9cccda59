#!/usr/bin/env bash
# What output.chrome_trace costs at scale: scenarios/ps-sgd-10k.json (10,000 workers, 20
# rounds) with the trace off and on (default sampling: 64 workers plus the server), wall time
# and peak memory from summary.json, user CPU time (less sensitive than wall time to other work
# on a shared machine: simgrad is single-threaded), trace.json's size and event count.
#
#   [REPS=3] [ACTORS=64] bench/run_chrome_trace.sh [OUTDIR]   (default build/bench-out/ctrace)
#
# Off and on runs alternate, REPS each; the fastest of each is compared (other work on a
# shared machine only slows runs). Needs only bash, grep, sed, awk, stat.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
OUT=${1:-$BUILD/bench-out/ctrace}
REPS=${REPS:-3}
ACTORS=${ACTORS:-64}
SCN=$ROOT/scenarios/ps-sgd-10k.json
mkdir -p "$OUT"
cmake --build "$BUILD" -j2 --target simgrad_cli >/dev/null

json_num() { grep -o "\"$2\": *[-0-9.eE+]*" "$1" | head -n 1 | sed 's/.*: *//'; }

best_off="" best_on="" cpu_off="" cpu_on=""
for r in $(seq 1 "$REPS"); do
    for mode in off on; do
        d=$OUT/$mode-$r
        rm -rf "$d"
        flag=false
        [ "$mode" = on ] && flag=true
        cpu=$( { TIMEFORMAT=%U; time "$BUILD/simgrad" run "$SCN" --quiet --out "$d" \
            --set output.chrome_trace=$flag --set output.chrome_trace_actors="$ACTORS" \
            >/dev/null; } 2>&1 )
        w=$(json_num "$d/summary.json" wall_clock_seconds)
        rss=$(json_num "$d/summary.json" peak_rss_mb)
        line="$mode run $r: wall $w s, user CPU $cpu s, peak RSS $rss MB"
        if [ "$mode" = on ]; then
            size=$(stat -c %s "$d/trace.json")
            events=$(json_num "$d/trace.json" events)
            line="$line, trace.json $size bytes, $events events"
            [ -z "$best_on" ] || awk -v a="$w" -v b="$best_on" 'BEGIN{exit !(a < b)}' && best_on=$w
            [ -z "$cpu_on" ] || awk -v a="$cpu" -v b="$cpu_on" 'BEGIN{exit !(a < b)}' && cpu_on=$cpu
        else
            [ -z "$best_off" ] || awk -v a="$w" -v b="$best_off" 'BEGIN{exit !(a < b)}' && best_off=$w
            [ -z "$cpu_off" ] || awk -v a="$cpu" -v b="$cpu_off" 'BEGIN{exit !(a < b)}' && cpu_off=$cpu
        fi
        echo "$line"
        cmp -s "$OUT/off-$r/metrics.csv" "$d/metrics.csv" || echo "WARNING: metrics differ"
    done
done
awk -v a="$best_on" -v b="$best_off" -v c="$cpu_on" -v d="$cpu_off" \
    'BEGIN{printf "fastest wall: off %.2f s, on %.2f s, on/off %.3f\n", b, a, a / b;
           printf "least user CPU: off %.2f s, on %.2f s, on/off %.3f\n", d, c, c / d}'
