/* The fabric family's part of `simgrad report`, besides its plots (report_plots.c): the check
 * of a run's (collective, policy) results, its link_loads.csv, the pairs table, the notes on
 * the plots and the headline columns. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "families/fabric/report.h"

static const char *const metrics_columns[] = {
    "collective",        "policy", "step", "step_time_s", "congestion_sim", "congestion_spray",
    "congestion_expect", NULL};
static const char *const link_columns[] = {"collective", "policy", "tier",        "a",
                                           "b",          "c",      "utilization", NULL};

static const char *const headline[] = {"hosts", "fabric", "leaf uplink (Gbit/s)",
                                       "fastest policies per collective", NULL};

/* "4 leaves x 4 spines", or a three-tier fabric's pods, leaves, planes and cores. */
static void fabric_shape(char *cell, const json_t *res)
{
    double pods = sgr_json_num(res, "pods"), cores = sgr_json_num(res, "cores");
    if (pods > 1 || cores > 0)
        snprintf(cell, SGR_REPORT_CELL, "three-tier: %g pods, %g leaves, %g planes, %g cores", pods,
                 sgr_json_num(res, "leaves"), sgr_json_num(res, "planes"), cores);
    else
        snprintf(cell, SGR_REPORT_CELL, "leaf-spine: %g leaves x %g spines",
                 sgr_json_num(res, "leaves"), sgr_json_num(res, "planes"));
}

/* Per collective, the policies with the shortest completion time (ties within 1e-9 joined by
 * "="): "ring-allreduce: ecmp=spray; all-to-all: spray=planned". */
static void fastest_policies(char *cell, const json_t *res)
{
    json_t *pairs = json_object_get(res, "pairs"), *p, *q;
    size_t i, j, used = 0;
    cell[0] = '\0';
    json_array_foreach(pairs, i, p)
    {
        const char *coll = json_string_value(json_object_get(p, "collective"));
        bool first = true, fresh = true;
        double best = INFINITY;
        json_array_foreach(pairs, j, q)
        {
            const char *qc = json_string_value(json_object_get(q, "collective"));
            if (!coll || !qc || strcmp(qc, coll) != 0)
                continue;
            fresh &= j >= i; /* a collective's first pair opens its entry */
            best = fmin(best, sgr_json_num(q, "time_s"));
        }
        if (!fresh || !coll)
            continue;
        used +=
            (size_t)snprintf(cell + used, SGR_REPORT_CELL - used, "%s%s: ", used ? "; " : "", coll);
        json_array_foreach(pairs, j, q)
        {
            const char *qc = json_string_value(json_object_get(q, "collective"));
            const char *pol = json_string_value(json_object_get(q, "policy"));
            double t = sgr_json_num(q, "time_s");
            if (used >= SGR_REPORT_CELL || !qc || !pol || strcmp(qc, coll) != 0 ||
                !(t <= best * (1 + 1e-9)))
                continue;
            used += (size_t)snprintf(cell + used, SGR_REPORT_CELL - used, "%s%s", first ? "" : "=",
                                     pol);
            first = false;
        }
        if (used >= SGR_REPORT_CELL)
            break;
    }
}

static void write_fabric_pairs(sgr_report_doc *d, const sgr_report_run *runs, size_t n)
{
    static const char *const head[] = {"run",
                                       "collective",
                                       "policy",
                                       "completion time (simulated s)",
                                       "time / spray",
                                       "max congestion (simulated)",
                                       "max congestion (counted)",
                                       "spraying bound",
                                       "congestion per step (mean ± sd)",
                                       "expected per step (mean ± sd)",
                                       "z of mean vs expected",
                                       "steps simulated / total",
                                       "subflows",
                                       "split flows",
                                       NULL};
    sgr_report_doc_heading(d, 2, "Collectives and path policies");
    sgr_report_doc_para(
        d, "One row per (collective, policy), all run on the same traffic. Congestion is in "
           "flows on the busiest switch link (bytes it carried in a step over one flow's "
           "bytes, at the leaf link rate): maximum over the steps as simulated and as "
           "counted from the placement, against ideal spraying's bound; the expectation "
           "is the balls-into-bins prediction for hashed placements (ecmp, ksplit), per "
           "step, to compare with the simulated mean per step. Steps identical to the "
           "previous one are simulated once and their time reused.");
    sgr_report_doc_table(d, head);
    for (size_t r = 0; r < n; r++) {
        json_t *p;
        size_t k;
        json_array_foreach(json_object_get(runs[r].results, "pairs"), k, p)
        {
            char c[SGR_REPORT_MAX_COLS][SGR_REPORT_CELL];
            const char *coll = json_string_value(json_object_get(p, "collective"));
            const char *pol = json_string_value(json_object_get(p, "policy"));
            snprintf(c[0], SGR_REPORT_CELL, "%s", sgr_report_run_name(runs, n, r));
            snprintf(c[1], SGR_REPORT_CELL, "%s", coll ? coll : "?");
            snprintf(c[2], SGR_REPORT_CELL, "%s", pol ? pol : "?");
            sgr_report_cell_num(c[3], sgr_json_num(p, "time_s"));
            sgr_report_cell_num(c[4], sgr_json_num(p, "time_vs_spray"));
            sgr_report_cell_num(c[5], sgr_json_num(p, "max_congestion"));
            sgr_report_cell_num(c[6], sgr_json_num(p, "max_congestion_counted"));
            sgr_report_cell_num(c[7], sgr_json_num(p, "spray_bound_max"));
            sgr_report_cell_ci(c[8], sgr_json_num(p, "mean_congestion"),
                               sgr_json_num(p, "sd_congestion"));
            sgr_report_cell_ci(c[9], sgr_json_num(p, "expected_mean_congestion"),
                               sgr_json_num(p, "expected_sd_congestion"));
            sgr_report_cell_num(c[10], sgr_json_num(p, "mean_vs_expected_z"));
            snprintf(c[11], SGR_REPORT_CELL, "%.0f / %.0f", sgr_json_num(p, "simulated_steps"),
                     sgr_json_num(p, "steps"));
            sgr_report_cell_num(c[12], sgr_json_num(p, "subflows"));
            sgr_report_cell_num(c[13], sgr_json_num(p, "split_flows"));
            sgr_report_doc_row(d, c);
        }
    }
    sgr_report_doc_table_end(d);
}

/* What the fabric plots show, and which run has no heatmap because link_loads.csv is missing. */
static void write_fabric_notes(sgr_report_doc *d, const sgr_report_run *runs, size_t n)
{
    sgr_report_doc_para(
        d,
        "The per-step congestion and the link heatmaps are of the %s (all-to-all when the "
        "first run has it, else its collective of the most steps). Heatmap colour is the "
        "utilization "
        "of each leaf-up link (leaf to spine): bytes it carried over its bandwidth and "
        "the policy's completion time; white is idle, one colour scale for all panels.",
        sgr_fabric_report_focus(runs, n));
    if (n > SGR_REPORT_MAX_PLOTS - 3)
        sgr_report_doc_para(d,
                            "Heatmaps are drawn for the first %d runs only (one figure per run).",
                            SGR_REPORT_MAX_PLOTS - 3);
    for (size_t r = 0; r < n; r++)
        if (!runs[r].extra)
            sgr_report_doc_para(
                d,
                "%s: no link_loads.csv in the run directory, so no link-utilization "
                "heatmap for it (the other plots and tables are complete).",
                runs[r].dir);
}

static void headline_cells(const sgr_report_run *run, char c[][SGR_REPORT_CELL])
{
    const json_t *res = run->results;
    sgr_report_cell_num(c[0], sgr_json_num(res, "hosts"));
    fabric_shape(c[1], res);
    sgr_report_cell_num(c[2], sgr_json_num(res, "leaf_bw_Bps") * 8e-9);
    fastest_policies(c[3], res);
}

/* The run's (collective, policy) results must be whole; a missing link_loads.csv is reported
 * (the heatmaps are skipped with a note), a malformed one is not. */
static int load(sgr_report_run *run, bool complete, sgr_err *err)
{
    const char *dir = run->dir;
    json_t *pairs = json_object_get(run->results, "pairs");
    if (!json_is_array(pairs) || (complete && json_array_size(pairs) == 0))
        return sgr_fail(err,
                        "%s/summary.json: no \"results.pairs\" array of (collective, "
                        "policy) results, which a fabric run writes",
                        dir);
    json_t *pair;
    size_t i;
    json_array_foreach(pairs, i, pair)
    {
        if (!json_is_string(json_object_get(pair, "collective")) ||
            !json_is_string(json_object_get(pair, "policy")) ||
            isnan(sgr_json_num(pair, "time_s")) ||
            /* null at packet level (issue 15): ns-3 gives no simulated link loads */
            (isnan(sgr_json_num(pair, "max_congestion")) &&
             !json_is_null(json_object_get(pair, "max_congestion"))))
            return sgr_fail(err,
                            "%s/summary.json: results.pairs[%zu] lacks collective, policy, "
                            "time_s or max_congestion",
                            dir, i);
    }
    if (!json_is_array(json_object_get(run->results, "collective_codes")) ||
        !json_is_array(json_object_get(run->results, "policy_codes")))
        return sgr_fail(err, "%s/summary.json: no results.collective_codes or policy_codes", dir);
    char path[4096];
    sgr_report_data_path(path, sizeof path, dir, "link_loads.csv", complete);
    if (!sgr_report_is_file(path))
        return 0;
    sgr_csv *links = calloc(1, sizeof *links);
    if (!links)
        return sgr_fail(err, "out of memory");
    run->extra = links;
    if (sgr_csv_load(links, path, err) < 0 ||
        sgr_csv_require(links, link_columns, path, run->family, err) < 0)
        return -1;
    return 0;
}

static void unload(sgr_report_run *run)
{
    if (run->extra)
        sgr_csv_free(run->extra);
    free(run->extra);
    run->extra = NULL;
}

const sgr_family_report sgr_fabric_report = {
    .metrics_columns = metrics_columns,
    .load = load,
    .unload = unload,
    .headline = headline,
    .headline_cells = headline_cells,
    .sections = write_fabric_pairs,
    .plot_notes = write_fabric_notes,
    .plots = sgr_fabric_report_plots,
};

/* ---- `simgrad sweep`: the columns of results.csv ---- */

static const char *const fabric_top[] = {"hosts", "leaves",      "planes",      "pods",
                                         "cores", "leaf_bw_Bps", "host_bw_Bps", NULL};

static const char *const fabric_item[] = {"steps",
                                          "simulated_steps",
                                          "subflows",
                                          "split_flows",
                                          "time_s",
                                          "max_congestion",
                                          "mean_congestion",
                                          "sd_congestion",
                                          "max_congestion_counted",
                                          "spray_bound_max",
                                          "sim_vs_counted_max_gap",
                                          "wall_clock_seconds",
                                          "time_vs_spray",
                                          "congestion_vs_spray",
                                          "expected_mean_congestion",
                                          "expected_sd_congestion",
                                          "mean_vs_expected_in_sd",
                                          NULL};

/* Items are COLLECTIVE/POLICY pairs, e.g. all-to-all/ecmp.time_s: any pair with a '/' may
 * name one (the run itself checks the collectives and policies). */
static bool fabric_item_ok(const char *item, size_t len)
{
    const char *slash = memchr(item, '/', len);
    return slash != NULL;
}

const sgr_family_sweep sgr_fabric_sweep = {.top = fabric_top,
                                           .item = fabric_item,
                                           .item_key = "name",
                                           .item_form =
                                               "a COLLECTIVE/POLICY pair (algorithm.collectives "
                                               "x algorithm.policies)",
                                           .item_ok = fabric_item_ok,
                                           .default_top = "simulated_time_s"};
