/* The gossip family's part of `simgrad report`: distance to the optimum against time, gradients
 * and messages, one line per method, and the headline columns. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "families/gossip/gossip.h"

static const char *const metrics_columns[] = {"method",  "t_units",  "time_s",    "gradients",
                                              "gossips", "messages", "rel_error", NULL};

static const char *const headline[] = {
    "nodes", "chi1", "chi2", "sqrt(mu/L)", "final error per method", NULL};

static void headline_cells(const sgr_report_run *run, char c[][SGR_REPORT_CELL])
{
    const json_t *res = run->results;
    sgr_report_cell_num(c[0], sgr_json_num(res, "nodes"));
    sgr_report_cell_num(c[1], sgr_json_num(res, "chi1"));
    sgr_report_cell_num(c[2], sgr_json_num(res, "chi2"));
    sgr_report_cell_num(c[3], sgr_json_num(res, "sqrt_mu_over_L"));
    c[4][0] = '\0';
    json_t *m;
    size_t k;
    json_array_foreach(json_object_get(res, "methods"), k, m)
    {
        size_t used = strlen(c[4]);
        snprintf(c[4] + used, SGR_REPORT_CELL - used, "%s%s %.3g", k ? ", " : "",
                 json_string_value(json_object_get(m, "method")),
                 sgr_json_num(m, "final_rel_error"));
    }
}

/* Relative error against `xcol` on a log scale, one line per (run, method); against time, the
 * reference slope exp(-sqrt(mu/L) t) the theory's rate is of the order of. */
static int gossip_vs(sgr_report_ctx *pl, const char *name, const char *xcol, const char *title,
                     const char *xlabel)
{
    sgr_report_figure *f =
        sgr_report_ctx_figure(pl, name, title, xlabel, "mean |x_i - x*|^2 / initial");
    if (!f)
        return -1;
    sgr_report_figure_line(f, "set logscale y");
    sgr_report_figure_line(f, "set format y '1e%%L'");
    /* down to the stopping precision: the reference line would stretch the axis otherwise */
    sgr_report_figure_line(f, "set yrange [1e-10:2]");
    size_t lt = 0;
    for (size_t r = 0; r < pl->n; r++) {
        const sgr_csv *c = &pl->runs[r].csv;
        int mc = sgr_csv_col(c, "method"), x = sgr_csv_col(c, xcol),
            e = sgr_csv_col(c, "rel_error");
        json_t *methods = json_object_get(pl->runs[r].results, "methods");
        for (size_t k = 0; k < json_array_size(methods); k++) {
            const char *mname =
                json_string_value(json_object_get(json_array_get(methods, k), "method"));
            int b = sgr_report_figure_block(f, mname ? mname : "?", "x rel_error");
            for (size_t i = 0; i < c->nrows; i++)
                if ((size_t)sgr_csv_at(c, i, mc) == k && sgr_csv_at(c, i, e) > 0)
                    fprintf(sgr_report_figure_data(f), "%.10g %.10g\n", sgr_csv_at(c, i, x),
                            sgr_csv_at(c, i, e));
            char spec[256], tl[512];
            snprintf(spec, sizeof spec, "'%s.dat' index %d using 1:2 with lines lt %zu lw 2", name,
                     b, ++lt);
            sgr_report_series_title(tl, sizeof tl, pl, r, mname ? mname : "?");
            sgr_report_figure_series(f, spec, tl);
        }
        double rate = sgr_json_num(pl->runs[r].results, "sqrt_mu_over_L");
        if (strcmp(xcol, "t_units") == 0 && rate > 0 && r == 0) {
            char spec[256];
            snprintf(spec, sizeof spec, "exp(-%.10g*x) with lines dt 2 lc rgb 'black'", rate);
            sgr_report_figure_series(f, spec, "slope sqrt(mu/L) (theory's order)");
        }
    }
    return sgr_report_ctx_keep(pl, f, title);
}

static int plots(sgr_report_ctx *pl)
{
    if (gossip_vs(pl, "error_vs_time", "t_units", "Distance to the optimum vs time",
                  "time (units of algorithm.time_unit)") < 0 ||
        gossip_vs(pl, "error_vs_gradients", "gradients",
                  "Distance to the optimum vs gradient computations", "gradient events") < 0)
        return -1;
    return gossip_vs(pl, "error_vs_messages", "messages", "Distance to the optimum vs messages",
                     "messages sent");
}

const sgr_family_report sgr_gossip_report = {
    .metrics_columns = metrics_columns,
    .headline = headline,
    .headline_cells = headline_cells,
    .plots = plots,
};

/* ---- `simgrad sweep`: the columns of results.csv ---- */

static const char *const gossip_top[] = {"nodes",
                                         "edges",
                                         "chi1",
                                         "chi2",
                                         "lambda_mix",
                                         "mu",
                                         "L",
                                         "sqrt_mu_over_L",
                                         "graph_versions",
                                         "edge_rate_condition",
                                         "mu_computed",
                                         "L_computed",
                                         "xstar_grad_norm",
                                         "initial_distance",
                                         "graph_switch_every",
                                         "replayed_events",
                                         NULL};

static const char *const gossip_item[] = {
    "final_rel_error", "final_abs_error", "gradients",         "gossips",
    "messages",        "fitted_rate",     "simulated_seconds", NULL};

static const char *const gossip_counts[] = {"gossips", NULL};

/* The configured methods, comma-separated, as their results name them. */
static void sweep_items(const sgr_config *cfg, char *buf, size_t size)
{
    const gossip_cfg *c = cfg->algorithm;
    size_t len = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < c->nmethods && len < size; k++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", k ? "," : "",
                                gs_method_names[c->methods[k]]);
}

const sgr_family_sweep sgr_gossip_sweep = {.top = gossip_top,
                                           .item = gossip_item,
                                           .item_key = "method",
                                           .list_key = "algorithm.methods",
                                           .default_field = "simulated_seconds",
                                           .counts = gossip_counts,
                                           .items = sweep_items};
