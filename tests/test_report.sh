#!/usr/bin/env bash
# `simgrad report` on real small runs of each family (fabric included), as a user runs it: the
# plots exist as PNG and SVG and re-render from their scripts, report.md/html carry the summary
# and provenance, two runs differing in one key are labelled by that key, and every bad run
# directory gives exit 2 with a message naming it (gnuplot missing: exit 1, naming the package).
. "$(dirname "$0")/lib.sh"

cat >"$tmp/ps.json" <<'JSON'
{"seed": 3,
 "platform": {"type": "star", "hosts": 9, "host_speed": "20Mf"},
 "stragglers": {"model": "iid", "p": 0.2, "slowdown": 6},
 "workload": {"model": "logreg", "dataset": "synthetic", "samples": 2000, "features": 8},
 "algorithm": {"family": "ps-sgd", "workers": 8, "rounds": 20, "batch_size": 32, "learning_rate": 0.5}}
JSON
cat >"$tmp/gc.json" <<'JSON'
{"seed": 5,
 "platform": {"type": "star", "hosts": 9, "host_speed": "200Mf", "host_bw": "100Gbps"},
 "stragglers": {"model": "bursty", "p": 0.15, "slowdown": 8, "burst_B": 1, "burst_W": 2, "burst_lambda": 2},
 "workload": {"model": "softmax", "dataset": "synthetic", "samples": 1600, "features": 8, "classes": 3, "l2": 0.001},
 "algorithm": {"family": "gradient-coding", "workers": 8, "jobs": 6, "s": 2, "eval_every": 1,
   "srsgc_B": 1, "srsgc_W": 2, "srsgc_lambda": 2, "msgc_B": 1, "msgc_W": 2, "msgc_lambda": 2,
   "learning_rate": 0.5, "schemes": "uncoded,gc,sr-sgc,m-sgc"}}
JSON
cat >"$tmp/token.json" <<'JSON'
{"seed": 2,
 "platform": {"type": "star", "hosts": 8},
 "workload": {"model": "lsq", "dataset": "synthetic", "samples": 800, "features": 4, "l2": 0.01, "condition": 2},
 "graph": {"type": "watts-strogatz", "degree": 4, "beta": 0.3},
 "algorithm": {"family": "token", "walks": "srw,mhrw,srrw", "alphas": "1,5,10",
               "hops": 500, "replicas": 3, "gamma_exp": 0.6, "beta_exp": 0.75, "step_scale": 1.0}}
JSON
cat >"$tmp/fabric.json" <<'JSON'
{"seed": 4,
 "platform": {"type": "leaf-spine", "leaves": 4, "hosts_per_leaf": 2, "spines": 2,
              "host_bw": "100Gbps", "host_lat": "1us", "spine_lat": "1us"},
 "algorithm": {"family": "fabric", "collectives": "ring-allreduce,all-to-all",
               "policies": "ecmp,spray,ksplit,planned", "bytes": "1MiB"},
 "simulation": {"network_model": "CM02"}}
JSON
for f in ps gc token fabric; do
  "$bin" run "$tmp/$f.json" --quiet --out "$tmp/$f" >"$tmp/$f.txt" 2>&1
  check "run_$f" $? "$(cat "$tmp/$f.txt")"
done
"$bin" run "$tmp/ps.json" --quiet --out "$tmp/ps_p05" --set stragglers.p=0.05 >/dev/null 2>&1
check run_ps_p05 $?

# plots_ok DIR NAME... : every NAME.png and NAME.svg is non-empty, with its .gp and .dat
plots_ok() {
  local dir=$1 ok=0
  shift
  for p in "$@"; do
    for ext in png svg gp dat; do
      [ -s "$dir/$p.$ext" ] || { echo "  missing or empty: $dir/$p.$ext"; ok=1; }
    done
  done
  return $ok
}
# docs_ok DIR SEED : report.md and report.html with the provenance of a run of that seed
docs_ok() {
  [ -s "$1/report.md" ] && [ -s "$1/report.html" ] &&
    grep -qE "simgrad [0-9.]+ \(git [^)]+\), SimGrid 3\.[0-9]+(\.[0-9]+)?, seed $2, .*config hash FNV-1a-64 [0-9a-f]{16}" "$1/report.md" &&
    grep -qF "wall-clock time (s)" "$1/report.md" &&
    grep -qF '<img src="' "$1/report.html" && ! grep -q '\.tmp' <(ls "$1")
}

# default report directory: RUN_DIR/report
out=$("$bin" report "$tmp/ps" 2>&1)
check report_ps $? "$out"
plots_ok "$tmp/ps/report" loss_vs_time accuracy_vs_time round_duration
check plots_ps $?
docs_ok "$tmp/ps/report" 3
check docs_ps $?
grep -qE '^\| .*ps \| ps-sgd \| 3 \| [0-9.e-]+ \| [0-9.e-]+ \| 20 \|' "$tmp/ps/report/report.md"
check summary_row_ps $? "$(grep ps-sgd "$tmp/ps/report/report.md")"
grep -qF "round with stragglers" "$tmp/ps/report/round_duration.gp"
check stragglers_marked $?

out=$("$bin" report "$tmp/gc" --out "$tmp/r_gc" 2>&1)
check report_gc $? "$out"
plots_ok "$tmp/r_gc" gc_round_duration gc_runtime gc_loss
check plots_gc $?
docs_ok "$tmp/r_gc" 5
check docs_gc $?
for s in uncoded gc sr-sgc m-sgc; do
  grep -qE "^\| [^|]+ \| $s \| [0-9.e-]+ \|" "$tmp/r_gc/report.md" || { echo "  no row for $s"; false; }
  check "scheme_row_$s" $?
done

out=$("$bin" report "$tmp/token" --out "$tmp/r_token" 2>&1)
check report_token $? "$out"
plots_ok "$tmp/r_token" token_mse token_tv token_mse_alpha token_visit_alpha
check plots_token $?
docs_ok "$tmp/r_token" 2
check docs_token $?
grep -qF "set logscale xy" "$tmp/r_token/token_mse.gp" && grep -q "fitted slope -\?[0-9]" "$tmp/r_token/token_visit_alpha.gp"
check token_loglog_slope $?
grep -q "theory" "$tmp/r_token/token_visit_alpha.gp"
check token_theory_points $?

# two runs differing in one key: overlaid, labelled by that key
out=$("$bin" report "$tmp/ps" "$tmp/ps_p05" --out "$tmp/r_pair" 2>&1)
check report_pair $? "$out"
plots_ok "$tmp/r_pair" loss_vs_time accuracy_vs_time round_duration
check plots_pair $?
grep -qF "stragglers.p=0.05" "$tmp/r_pair/report.md" && grep -qF "stragglers.p=0.2" "$tmp/r_pair/report.md"
check pair_labelled_by_key $? "$(grep -n stragglers "$tmp/r_pair/report.md")"
grep -qF "stragglers.p=0.05" "$tmp/r_pair/loss_vs_time.gp"
check pair_legend $?
[ "$(grep -c 'config hash' "$tmp/r_pair/report.md")" -ge 2 ]
check pair_provenance $?
# the scripts re-render on their own, in the report directory
(cd "$tmp/r_pair" && rm -f loss_vs_time.png && gnuplot loss_vs_time.gp && [ -s loss_vs_time.png ])
check rerender $?

# fabric: the four plots, the (collective, policy) table, provenance
out=$("$bin" report "$tmp/fabric" --out "$tmp/r_fabric" 2>&1)
check report_fabric $? "$out"
plots_ok "$tmp/r_fabric" fabric_time fabric_congestion fabric_steps fabric_links
check plots_fabric $?
docs_ok "$tmp/r_fabric" 4
check docs_fabric $?
for pol in ecmp spray ksplit planned; do
  grep -qE "^\| [^|]+ \| all-to-all \| $pol \| [0-9.e-]+ \| [0-9.e-]+ \|" "$tmp/r_fabric/report.md" || { echo "  no all-to-all row for $pol"; false; }
  check "fabric_row_$pol" $?
done
grep -qF "leaf-spine: 4 leaves x 2 spines" "$tmp/r_fabric/report.md"
check fabric_shape $? "$(grep -F '| fabric |' "$tmp/r_fabric/report.md")"
grep -qF "ideal packet spraying" "$tmp/r_fabric/fabric_time.gp" && grep -qF "balls into bins" "$tmp/r_fabric/fabric_congestion.gp" &&
  grep -qF "with image" "$tmp/r_fabric/fabric_links.gp"
check fabric_plot_content $?
# small multiples re-render from their script too (a do-for loop, not replot)
(cd "$tmp/r_fabric" && rm -f fabric_links.png fabric_links.svg && gnuplot fabric_links.gp && [ -s fabric_links.png ] && [ -s fabric_links.svg ])
check fabric_rerender $?
# two fabric runs (one three-tier): overlaid, labelled by a key both set, one heatmap figure each
"$bin" run "$tmp/fabric.json" --quiet --out "$tmp/fabric3" --set platform.type='"three-tier"' \
  --set platform.pods=2 --set platform.leaves=2 --set platform.core_switches=2 >/dev/null 2>&1
check run_fabric3 $?
out=$("$bin" report "$tmp/fabric" "$tmp/fabric3" --out "$tmp/r_fabric2" 2>&1)
check report_fabric_pair $? "$out"
plots_ok "$tmp/r_fabric2" fabric_time fabric_congestion fabric_steps fabric_links_run1 fabric_links_run2
check plots_fabric_pair $?
grep -qF "run 2 = platform.leaves=2" "$tmp/r_fabric2/fabric_time.gp" && grep -qF "plane" "$tmp/r_fabric2/fabric_links_run2.gp"
check fabric_pair_labels $? "$(grep -F 'run 2' "$tmp/r_fabric2/fabric_time.gp")"
# no link_loads.csv: reported all the same, without the heatmap, saying why
cp -r "$tmp/fabric" "$tmp/fabric_nolinks" && rm "$tmp/fabric_nolinks/link_loads.csv"
out=$("$bin" report "$tmp/fabric_nolinks" --out "$tmp/r_nolinks" 2>&1)
check report_fabric_nolinks $? "$out"
plots_ok "$tmp/r_nolinks" fabric_time fabric_congestion fabric_steps && [ ! -e "$tmp/r_nolinks/fabric_links.png" ] &&
  grep -qF "$tmp/fabric_nolinks: no link_loads.csv" "$tmp/r_nolinks/report.md"
check fabric_nolinks_note $?

# errors: exit 2 and a message naming the directory or file
expect() { # NAME PHRASE ARGS...
  local name=$1 phrase=$2 out rc
  shift 2
  out=$("$bin" report "$@" 2>&1 >/dev/null)
  rc=$?
  [ "$rc" -eq 2 ] && grep -qF -- "$phrase" <<<"$out"
  check "$name" $? "exit $rc, wanted 2 and \"$phrase\"; got: $out"
}
expect no_dir "$tmp/nowhere: no such run directory" "$tmp/nowhere"
mkdir -p "$tmp/empty"
expect no_summary "$tmp/empty/summary.json: missing" "$tmp/empty"
cp -r "$tmp/ps" "$tmp/nometrics" && rm "$tmp/nometrics/metrics.csv"
expect no_metrics "$tmp/nometrics/metrics.csv: missing" "$tmp/nometrics"
cp -r "$tmp/ps" "$tmp/badjson" && printf '{"family": "ps-sgd",\n  "seed": }\n' >"$tmp/badjson/summary.json"
expect bad_json "$tmp/badjson/summary.json:2:" "$tmp/badjson"
cp -r "$tmp/ps" "$tmp/incomplete" && sed -i 's/"complete": true/"complete": false/' "$tmp/incomplete/summary.json"
expect incomplete "$tmp/incomplete: the run is incomplete" "$tmp/incomplete"
expect incomplete_hint "--allow-incomplete" "$tmp/incomplete"
"$bin" report "$tmp/incomplete" --allow-incomplete --quiet >/dev/null 2>&1 &&
  grep -qF "INCOMPLETE" "$tmp/incomplete/report/report.md"
check allow_incomplete $?
cp -r "$tmp/ps" "$tmp/family" && sed -i 's/"family": "ps-sgd"/"family": "allreduce"/' "$tmp/family/summary.json"
expect unknown_family "unknown family \"allreduce\"" "$tmp/family"
expect mixed_families "different families" "$tmp/ps" "$tmp/token"
cp -r "$tmp/fabric" "$tmp/fabric_badlinks" && printf 'collective,policy\n0,x\n' >"$tmp/fabric_badlinks/link_loads.csv"
expect fabric_bad_links "$tmp/fabric_badlinks/link_loads.csv:2:" "$tmp/fabric_badlinks"
cp -r "$tmp/fabric" "$tmp/fabric_nocols" && printf 'collective,policy\n0,1\n' >"$tmp/fabric_nocols/link_loads.csv"
expect fabric_links_columns "$tmp/fabric_nocols/link_loads.csv: no column \"tier\"" "$tmp/fabric_nocols"
cp -r "$tmp/fabric" "$tmp/fabric_nopairs" && sed -i 's/"pairs"/"pears"/' "$tmp/fabric_nopairs/summary.json"
expect fabric_no_pairs "$tmp/fabric_nopairs/summary.json: no \"results.pairs\"" "$tmp/fabric_nopairs"
cp -r "$tmp/fabric" "$tmp/fabric_nometrics" && rm "$tmp/fabric_nometrics/metrics.csv"
expect fabric_no_metrics "$tmp/fabric_nometrics/metrics.csv: missing" "$tmp/fabric_nometrics"
cp -r "$tmp/fabric" "$tmp/fabric_incomplete" && sed -i 's/"complete": true/"complete": false/' "$tmp/fabric_incomplete/summary.json"
expect fabric_incomplete "$tmp/fabric_incomplete: the run is incomplete" "$tmp/fabric_incomplete"
expect no_args "a run directory is required"
expect bad_option "unknown or incomplete option --frobnicate" "$tmp/ps" --frobnicate

# gnuplot missing: exit 1, saying what to install
out=$(PATH=/nonexistent "$bin" report "$tmp/ps" --out "$tmp/r_nognuplot" 2>&1)
rc=$?
[ "$rc" -eq 1 ] && grep -qF "gnuplot-nox" <<<"$out"
check gnuplot_missing $? "exit $rc: $out"

finish
