/* The token family's part of `simgrad report`: MSE and TV against hops, final MSE and visit
 * variance against alpha with their theory and fitted slopes, the walks table and the headline
 * columns. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "families/token/token.h"

static const char *const metrics_columns[] = {"config", "walk", "alpha", "replica",
                                              "hop",    "mse",  "tv",    NULL};

static const char *const headline[] = {"nodes", "hops", "MSE slope in alpha (predicted)",
                                       "visit variance slope (predicted)", NULL};

static void headline_cells(const sgr_report_run *run, char c[][SGR_REPORT_CELL])
{
    const json_t *res = run->results;
    sgr_report_cell_num(c[0], sgr_json_num(res, "nodes"));
    sgr_report_cell_num(c[1], sgr_json_num(res, "hops"));
    sgr_report_cell_slope(c[2], res, "mse_alpha_exponent");
    sgr_report_cell_slope(c[3], res, "visit_variance_alpha_exponent");
}

static void write_token_configs(sgr_report_doc *d, const sgr_report_run *runs, size_t n)
{
    static const char *const head[] = {"run",
                                       "walk",
                                       "alpha",
                                       "replicas",
                                       "final MSE (± 95% CI)",
                                       "MSE theory (SA-SRRW)",
                                       "TV to target",
                                       "visit variance (± 95% CI)",
                                       "visit variance theory",
                                       "measured / theory",
                                       NULL};
    sgr_report_doc_heading(d, 2, "Token walks");
    sgr_report_doc_table(d, head);
    for (size_t r = 0; r < n; r++) {
        json_t *cf;
        size_t k;
        json_array_foreach(json_object_get(runs[r].results, "configs"), k, cf)
        {
            char c[SGR_REPORT_MAX_COLS][SGR_REPORT_CELL];
            const char *walk = json_string_value(json_object_get(cf, "walk"));
            snprintf(c[0], SGR_REPORT_CELL, "%s", sgr_report_run_name(runs, n, r));
            snprintf(c[1], SGR_REPORT_CELL, "%s", walk ? walk : "?");
            sgr_report_cell_num(c[2], sgr_json_num(cf, "alpha"));
            sgr_report_cell_num(c[3], sgr_json_num(cf, "replicas"));
            sgr_report_cell_ci(c[4], sgr_json_num(cf, "mse"), sgr_json_num(cf, "mse_ci95"));
            sgr_report_cell_num(c[5], sgr_json_num(cf, "mse_theory"));
            sgr_report_cell_ci(c[6], sgr_json_num(cf, "tv"), sgr_json_num(cf, "tv_ci95"));
            sgr_report_cell_ci(c[7], sgr_json_num(cf, "visit_variance"),
                               sgr_json_num(cf, "visit_variance_ci95"));
            sgr_report_cell_num(c[8], sgr_json_num(cf, "visit_variance_theory"));
            sgr_report_cell_num(c[9], sgr_json_num(cf, "visit_variance_ratio"));
            sgr_report_doc_row(d, c);
        }
    }
    sgr_report_doc_table_end(d);
}

static const char *const walk_names[] = {"srw", "mhrw", "nbrw", "iid", "srrw"};

/* "srrw alpha=5", or the walk alone when it has no alpha. */
static void token_config_name(char *buf, size_t size, const sgr_report_run *run, size_t c)
{
    json_t *cfg = json_array_get(json_object_get(run->results, "configs"), c);
    const char *walk = json_string_value(json_object_get(cfg, "walk"));
    double alpha = sgr_json_num(cfg, "alpha");
    if (!walk) { /* fall back on the metrics' walk code */
        const sgr_csv *csv = &run->csv;
        int cc = sgr_csv_col(csv, "config"), wc = sgr_csv_col(csv, "walk");
        int ac = sgr_csv_col(csv, "alpha");
        walk = "?";
        for (size_t i = 0; i < csv->nrows; i++)
            if (sgr_csv_at(csv, i, cc) == (double)c) {
                int w = (int)sgr_csv_at(csv, i, wc);
                walk = w >= 0 && w < 5 ? walk_names[w] : "?";
                alpha = sgr_csv_at(csv, i, ac);
                break;
            }
    }
    if (strcmp(walk, "srrw") == 0 || alpha > 0)
        snprintf(buf, size, "%s alpha=%g", walk, alpha);
    else
        snprintf(buf, size, "%s", walk);
}

typedef struct hop_row {
    double config, hop, mse, tv;
} hop_row;

static int hop_row_cmp(const void *a, const void *b)
{
    const hop_row *x = a, *y = b;
    if (x->config != y->config)
        return x->config < y->config ? -1 : 1;
    return x->hop < y->hop ? -1 : x->hop > y->hop;
}

/* Sorted (config, hop) rows of a run's metrics. Caller frees. */
static hop_row *token_rows(const sgr_csv *c)
{
    hop_row *rows = malloc((c->nrows + 1) * sizeof *rows);
    if (!rows)
        return NULL;
    int cc = sgr_csv_col(c, "config"), h = sgr_csv_col(c, "hop"), m = sgr_csv_col(c, "mse");
    int tv = sgr_csv_col(c, "tv");
    for (size_t i = 0; i < c->nrows; i++)
        rows[i] = (hop_row){sgr_csv_at(c, i, cc), sgr_csv_at(c, i, h), sgr_csv_at(c, i, m),
                            sgr_csv_at(c, i, tv)};
    qsort(rows, c->nrows, sizeof *rows, hop_row_cmp);
    return rows;
}

/* Mean over replicas of mse (want_tv false) or tv against hops; log-log, one line per (run,
 * config), colour by config, dash type by run. */
static int token_vs_hops(sgr_report_ctx *pl, const char *name, const char *title,
                         const char *ylabel, bool want_tv)
{
    sgr_report_figure *f = sgr_report_ctx_figure(pl, name, title, "hops", ylabel);
    if (!f)
        return -1;
    sgr_report_figure_line(f, "set logscale xy\nset format y '%%.0e'\nset format x '%%g'");
    for (size_t r = 0; r < pl->n; r++) {
        const sgr_csv *c = &pl->runs[r].csv;
        hop_row *rows = token_rows(c);
        if (!rows)
            return sgr_report_figure_abort(f), sgr_fail(pl->err, "out of memory");
        for (size_t i = 0; i < c->nrows;) {
            size_t cfg = (size_t)rows[i].config;
            char cname[128], what[512];
            token_config_name(cname, sizeof cname, &pl->runs[r], cfg);
            sgr_report_series_title(what, sizeof what, pl, r, cname);
            int b = sgr_report_figure_block(f, what, "hop mean replicas");
            size_t points = 0;
            while (i < c->nrows && rows[i].config == (double)cfg) {
                double hop = rows[i].hop, sum = 0;
                size_t k = 0;
                for (; i < c->nrows && rows[i].config == (double)cfg && rows[i].hop == hop; i++)
                    sum += want_tv ? rows[i].tv : rows[i].mse, k++;
                if (sum > 0 && hop > 0 && ++points)
                    fprintf(sgr_report_figure_data(f), "%.10g %.10g %zu\n", hop, sum / (double)k,
                            k);
            }
            if (points == 0)
                continue;
            char spec[256];
            snprintf(spec, sizeof spec,
                     "'%s.dat' index %d using 1:2 with lines lt %zu dt %zu "
                     "lw 1.5",
                     name, b, cfg + 1, r + 1);
            sgr_report_figure_series(f, spec, what);
        }
        free(rows);
    }
    return sgr_report_ctx_keep(pl, f, title);
}

/* Final `key` (and `theory_key`, if not NULL, labelled theory_label) of the configs with
 * alpha > 0 against alpha, log-log, with the fitted power law of exponent results[exp_key];
 * the title gives its 95% CI (exp_key_ci95), the theory's own slope over the same alphas
 * (exp_key_predicted) and its large-alpha limit (exp_key_predicted_limit) when present. */
static int token_vs_alpha(sgr_report_ctx *pl, const char *name, const char *what, const char *key,
                          const char *theory_key, const char *theory_label, const char *exp_key,
                          const char *ylabel)
{
    char title[256];
    const sgr_report_run *r0 = &pl->runs[0];
    double k0 = sgr_json_num(r0->results, exp_key);
    char pred_key[96], ci_key[96], lim_key[112];
    snprintf(pred_key, sizeof pred_key, "%s_predicted", exp_key);
    snprintf(ci_key, sizeof ci_key, "%s_ci95", exp_key);
    snprintf(lim_key, sizeof lim_key, "%s_predicted_limit", exp_key);
    double pred0 = sgr_json_num(r0->results, pred_key), ci0 = sgr_json_num(r0->results, ci_key);
    double lim0 = sgr_json_num(r0->results, lim_key);
    if (pl->n == 1 && !isnan(k0))
        snprintf(title, sizeof title, "Final %s vs alpha (SRRW, log-log): fitted slope %.3f", what,
                 k0);
    else
        snprintf(title, sizeof title, "Final %s vs alpha (SRRW, log-log)", what);
    if (pl->n == 1 && !isnan(k0) && !isnan(ci0))
        snprintf(title + strlen(title), sizeof title - strlen(title), " +- %.2g", ci0);
    if (pl->n == 1 && !isnan(k0) && !isnan(pred0))
        snprintf(title + strlen(title), sizeof title - strlen(title), ", predicted %.3g", pred0);
    if (pl->n == 1 && !isnan(k0) && !isnan(lim0))
        snprintf(title + strlen(title), sizeof title - strlen(title), " (%.3g for large alpha)",
                 lim0);
    sgr_report_figure *f =
        sgr_report_ctx_figure(pl, name, title, "alpha (self-repellence)", ylabel);
    if (!f)
        return -1;
    sgr_report_figure_line(f,
                           "set logscale xy\nset format y '%%.0e'\nset format x '%%g'\nset offsets "
                           "graph 0.05, graph 0.05, 0, 0");
    for (size_t r = 0; r < pl->n; r++) {
        const sgr_report_run *run = &pl->runs[r];
        int b = sgr_report_figure_block(f, run->label, "alpha measured theory");
        json_t *cfg;
        size_t c, points = 0, theory = 0;
        double logsum = 0;
        double k = sgr_json_num(run->results, exp_key);
        json_array_foreach(json_object_get(run->results, "configs"), c, cfg)
        {
            double alpha = sgr_json_num(cfg, "alpha"), y = sgr_json_num(cfg, key);
            double th = theory_key ? sgr_json_num(cfg, theory_key) : NAN;
            if (!(alpha > 0) || !(y > 0))
                continue;
            fprintf(sgr_report_figure_data(f), "%.10g %.10g %.10g\n", alpha, y, th > 0 ? th : NAN);
            logsum += log(y) - (isnan(k) ? 0 : k * log(alpha));
            points++;
            theory += th > 0;
        }
        if (points == 0)
            continue;
        char spec[256], tl[600], lbl[300];
        snprintf(lbl, sizeof lbl, "%s", pl->n > 1 ? run->label : "");
        const char *sep = pl->n > 1 ? ": " : "";
        snprintf(spec, sizeof spec, "'%s.dat' index %d using 1:2 with points lt %zu pt 7 ps 1.4",
                 name, b, r + 1);
        snprintf(tl, sizeof tl, "%s%smeasured (mean over replicas)", lbl, sep);
        sgr_report_figure_series(f, spec, tl);
        if (theory > 0) {
            snprintf(spec, sizeof spec,
                     "'%s.dat' index %d using 1:3 with points lt %zu pt 4 "
                     "ps 1.8 lw 1.5",
                     name, b, r + 1);
            snprintf(tl, sizeof tl, "%s%s%s", lbl, sep, theory_label);
            sgr_report_figure_series(f, spec, tl);
        }
        json_array_foreach(json_object_get(run->results, "configs"), c, cfg)
        {
            double alpha = sgr_json_num(cfg, "alpha");
            if (alpha > 0)
                sgr_report_figure_line(f, "set xtics add ('%g' %g)", alpha, alpha);
        }
        if (!isnan(k) && points > 1) {
            sgr_report_figure_line(f, "fit%zu(x) = %.10g * x**(%.10g)", r,
                                   exp(logsum / (double)points), k);
            snprintf(spec, sizeof spec, "fit%zu(x) with lines lt %zu dt 2 lw 1.2", r, r + 1);
            snprintf(tl, sizeof tl, "%s%sfitted power law, slope %.3f", lbl, sep, k);
            sgr_report_figure_series(f, spec, tl);
        }
    }
    return sgr_report_ctx_keep(pl, f, title);
}

static int plots(sgr_report_ctx *pl)
{
    if (token_vs_hops(pl, "token_mse", "Model error vs hops (mean over replicas)",
                      "MSE ||theta - theta*||^2", false) < 0 ||
        token_vs_hops(pl, "token_tv",
                      "Visit measure: TV distance to the target vs hops "
                      "(mean over replicas)",
                      "TV distance", true) < 0 ||
        token_vs_alpha(pl, "token_mse_alpha", "MSE", "mse", "mse_theory",
                       "SA-SRRW theory beta_N tr V_theta(alpha)", "mse_alpha_exponent",
                       "final MSE ||theta - theta*||^2") < 0)
        return -1;
    return token_vs_alpha(pl, "token_visit_alpha", "visit variance", "visit_variance",
                          "visit_variance_theory", "theory trace V(alpha)",
                          "visit_variance_alpha_exponent", "visit estimate variance");
}

const sgr_family_report sgr_token_report = {
    .metrics_columns = metrics_columns,
    .headline = headline,
    .headline_cells = headline_cells,
    .sections = write_token_configs,
    .plots = plots,
};

/* ---- `simgrad sweep`: the columns of results.csv ---- */

static const char *const token_top[] = {"nodes",
                                        "edges",
                                        "hops",
                                        "gamma_exp",
                                        "beta_exp",
                                        "mse_alpha_exponent",
                                        "visit_variance_alpha_exponent",
                                        "mse_alpha_exponent_predicted",
                                        "visit_variance_alpha_exponent_predicted",
                                        NULL};

const sgr_family_sweep sgr_token_sweep = {.top = token_top, .default_top = "simulated_time_s"};
