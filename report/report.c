/* simgrad report: the report itself. Loads the runs (report_run.c), renders the family's plots
 * (report_plot.c), and writes report.md and report.html with the same content: a summary
 * table, the family's results, the plots and each run's provenance. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simgrad/output.h"
#include "simgrad/report.h"
#include "report/report_internal.h"

enum { MAX_COLS = 14, CELL = SGR_REPORT_CELL };

/* report.md and report.html, written side by side. */
typedef struct doc {
    FILE *md, *html;
    size_t ncols;
} doc;

static void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else if (*s == '"')
            fputs("&quot;", f);
        else
            fputc(*s, f);
    }
}

static void md_cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', f);
        fputc(*s, f);
    }
}

static void doc_heading(doc *d, int level, const char *text)
{
    fprintf(d->md, "\n%.*s %s\n\n", level, "######", text);
    fprintf(d->html, "<h%d>", level);
    html_text(d->html, text);
    fprintf(d->html, "</h%d>\n", level);
}

static void doc_para(doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void doc_para(doc *d, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(d->md, "%s\n\n", buf);
    fputs("<p>", d->html);
    html_text(d->html, buf);
    fputs("</p>\n", d->html);
}

static void doc_table(doc *d, const char *const *head)
{
    d->ncols = 0;
    fputs("<table>\n<tr>", d->html);
    for (; *head; head++, d->ncols++) {
        fputs("| ", d->md);
        md_cell(d->md, *head);
        fputc(' ', d->md);
        fputs("<th>", d->html);
        html_text(d->html, *head);
        fputs("</th>", d->html);
    }
    fputs("|\n", d->md);
    for (size_t i = 0; i < d->ncols; i++)
        fputs("|---", d->md);
    fputs("|\n", d->md);
    fputs("</tr>\n", d->html);
}

static void doc_row(doc *d, char cells[][CELL])
{
    fputs("<tr>", d->html);
    for (size_t i = 0; i < d->ncols; i++) {
        fputs("| ", d->md);
        md_cell(d->md, cells[i]);
        fputc(' ', d->md);
        fputs("<td>", d->html);
        html_text(d->html, cells[i]);
        fputs("</td>", d->html);
    }
    fputs("|\n", d->md);
    fputs("</tr>\n", d->html);
}

static void doc_table_end(doc *d)
{
    fputs("\n", d->md);
    fputs("</table>\n", d->html);
}

static void doc_image(doc *d, const sgr_report_plot *p)
{
    fprintf(d->md, "![%s](%s.png)\n\n%s ([SVG](%s.svg), script `%s.gp`, data `%s.dat`)\n\n",
            p->caption, p->name, p->caption, p->name, p->name, p->name);
    fputs("<figure><img src=\"", d->html);
    html_text(d->html, p->name);
    fputs(".png\" alt=\"", d->html);
    html_text(d->html, p->caption);
    fputs("\"><figcaption>", d->html);
    html_text(d->html, p->caption);
    fprintf(d->html,
            " (<a href=\"%s.svg\">SVG</a>, script <code>%s.gp</code>)</figcaption>"
            "</figure>\n",
            p->name, p->name);
}

static void doc_list(doc *d, bool begin)
{
    fputs(begin ? "" : "\n", d->md);
    fputs(begin ? "<ul>\n" : "</ul>\n", d->html);
}

static void doc_item(doc *d, const char *text)
{
    fprintf(d->md, "- %s\n", text);
    fputs("<li>", d->html);
    html_text(d->html, text);
    fputs("</li>\n", d->html);
}

/* A number for a table: whole numbers in full, others %.4g, "-" when absent. */
static void num(char *cell, double v)
{
    if (isnan(v))
        snprintf(cell, CELL, "-");
    else if (v == floor(v) && fabs(v) < 1e15) /* counts in full: 20000 hops, not 2e+04 */
        snprintf(cell, CELL, "%.0f", v);
    else
        snprintf(cell, CELL, "%.4g", v);
}

static void num_ci(char *cell, double v, double ci)
{
    if (isnan(v))
        snprintf(cell, CELL, "-");
    else if (isnan(ci))
        snprintf(cell, CELL, "%.4g", v);
    else
        snprintf(cell, CELL, "%.4g ± %.2g", v, ci);
}

/* A fitted exponent, its 95% CI if known and, when the theory gives one, its prediction:
 * "-1.030 (-1)", "-1.21 ± 0.15 (-1.6)". */
static void slope(char *cell, const json_t *res, const char *key)
{
    char pred_key[96], ci_key[96];
    snprintf(pred_key, sizeof pred_key, "%s_predicted", key);
    snprintf(ci_key, sizeof ci_key, "%s_ci95", key);
    double k = sgr_json_num(res, key), pred = sgr_json_num(res, pred_key);
    double ci = sgr_json_num(res, ci_key);
    size_t used = 0;
    if (isnan(k)) {
        snprintf(cell, CELL, "-");
        return;
    }
    used = (size_t)snprintf(cell, CELL, "%.3f", k);
    if (!isnan(ci) && used < CELL)
        used += (size_t)snprintf(cell + used, CELL - used, " ± %.2g", ci);
    if (!isnan(pred) && used < CELL)
        snprintf(cell + used, CELL - used, " (%.3g)", pred);
}

/* "4 leaves x 4 spines", or a three-tier fabric's pods, leaves, planes and cores. */
static void fabric_shape(char *cell, const json_t *res)
{
    double pods = sgr_json_num(res, "pods"), cores = sgr_json_num(res, "cores");
    if (pods > 1 || cores > 0)
        snprintf(cell, CELL, "three-tier: %g pods, %g leaves, %g planes, %g cores", pods,
                 sgr_json_num(res, "leaves"), sgr_json_num(res, "planes"), cores);
    else
        snprintf(cell, CELL, "leaf-spine: %g leaves x %g spines", sgr_json_num(res, "leaves"),
                 sgr_json_num(res, "planes"));
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
        used += (size_t)snprintf(cell + used, CELL - used, "%s%s: ", used ? "; " : "", coll);
        json_array_foreach(pairs, j, q)
        {
            const char *qc = json_string_value(json_object_get(q, "collective"));
            const char *pol = json_string_value(json_object_get(q, "policy"));
            double t = sgr_json_num(q, "time_s");
            if (used >= CELL || !qc || !pol || strcmp(qc, coll) != 0 || !(t <= best * (1 + 1e-9)))
                continue;
            used += (size_t)snprintf(cell + used, CELL - used, "%s%s", first ? "" : "=", pol);
            first = false;
        }
        if (used >= CELL)
            break;
    }
}

static const char *run_name(const sgr_report_run *runs, size_t n, size_t r)
{
    return n > 1 ? runs[r].label : runs[r].dir;
}

/* The summary table: one row per run, the family's headline results last. */
static void write_runs_table(doc *d, const sgr_report_run *runs, size_t n)
{
    const char *family = runs[0].family;
    const char *head[MAX_COLS + 1] = {"run", "family", "seed", "simulated time (s)",
                                      "wall-clock time (s)"};
    size_t h = 5;
    if (strcmp(family, "ps-sgd") == 0) {
        head[h++] = "rounds";
        head[h++] = "initial train loss";
        head[h++] = "final train loss";
        head[h++] = "final test accuracy";
        head[h++] = "straggler events";
    } else if (strcmp(family, "gradient-coding") == 0) {
        head[h++] = "workers";
        head[h++] = "jobs";
        head[h++] = "fastest scheme";
    } else if (strcmp(family, "gossip") == 0) {
        head[h++] = "nodes";
        head[h++] = "chi1";
        head[h++] = "chi2";
        head[h++] = "sqrt(mu/L)";
        head[h++] = "final error per method";
    } else if (strcmp(family, "fabric") == 0) {
        head[h++] = "hosts";
        head[h++] = "fabric";
        head[h++] = "leaf uplink (Gbit/s)";
        head[h++] = "fastest policies per collective";
    } else {
        head[h++] = "nodes";
        head[h++] = "hops";
        head[h++] = "MSE slope in alpha (predicted)";
        head[h++] = "visit variance slope (predicted)";
    }
    head[h] = NULL;
    doc_table(d, head);
    for (size_t r = 0; r < n; r++) {
        const json_t *s = runs[r].summary, *res = runs[r].results;
        char c[MAX_COLS][CELL];
        snprintf(c[0], CELL, "%s", run_name(runs, n, r));
        snprintf(c[1], CELL, "%s%s", family,
                 json_is_true(json_object_get(s, "complete")) ? "" : " (incomplete)");
        num(c[2], sgr_json_num(s, "seed"));
        num(c[3], sgr_json_num(s, "simulated_time_s"));
        num(c[4], sgr_json_num(s, "wall_clock_seconds"));
        if (strcmp(family, "ps-sgd") == 0) {
            num(c[5], sgr_json_num(res, "rounds"));
            num(c[6], sgr_json_num(res, "initial_train_loss"));
            num(c[7], sgr_json_num(res, "final_train_loss"));
            num(c[8], sgr_json_num(res, "final_test_accuracy"));
            num(c[9], sgr_json_num(res, "straggler_events"));
        } else if (strcmp(family, "gradient-coding") == 0) {
            num(c[5], sgr_json_num(res, "workers"));
            num(c[6], sgr_json_num(res, "jobs"));
            const char *best = "-";
            double best_rt = INFINITY;
            json_t *sc;
            size_t k;
            json_array_foreach(json_object_get(res, "schemes"), k, sc)
            {
                double rt = sgr_json_num(sc, "runtime_s");
                if (rt < best_rt && json_string_value(json_object_get(sc, "scheme"))) {
                    best_rt = rt;
                    best = json_string_value(json_object_get(sc, "scheme"));
                }
            }
            snprintf(c[7], CELL, "%s", best);
        } else if (strcmp(family, "gossip") == 0) {
            num(c[5], sgr_json_num(res, "nodes"));
            num(c[6], sgr_json_num(res, "chi1"));
            num(c[7], sgr_json_num(res, "chi2"));
            num(c[8], sgr_json_num(res, "sqrt_mu_over_L"));
            c[9][0] = '\0';
            json_t *m;
            size_t k;
            json_array_foreach(json_object_get(res, "methods"), k, m)
            {
                size_t used = strlen(c[9]);
                snprintf(c[9] + used, CELL - used, "%s%s %.3g", k ? ", " : "",
                         json_string_value(json_object_get(m, "method")),
                         sgr_json_num(m, "final_rel_error"));
            }
        } else if (strcmp(family, "fabric") == 0) {
            num(c[5], sgr_json_num(res, "hosts"));
            fabric_shape(c[6], res);
            num(c[7], sgr_json_num(res, "leaf_bw_Bps") * 8e-9);
            fastest_policies(c[8], res);
        } else {
            num(c[5], sgr_json_num(res, "nodes"));
            num(c[6], sgr_json_num(res, "hops"));
            slope(c[7], res, "mse_alpha_exponent");
            slope(c[8], res, "visit_variance_alpha_exponent");
        }
        doc_row(d, c);
    }
    doc_table_end(d);
}

static void write_gc_schemes(doc *d, const sgr_report_run *runs, size_t n)
{
    static const char *const head[] = {"run",
                                       "scheme",
                                       "runtime (simulated s)",
                                       "rounds",
                                       "waits",
                                       "normalized load",
                                       "delay T",
                                       "runtime / uncoded",
                                       "max decode rel. error",
                                       "final train loss",
                                       NULL};
    doc_heading(d, 2, "Gradient-coding schemes");
    doc_table(d, head);
    for (size_t r = 0; r < n; r++) {
        json_t *sc;
        size_t k;
        json_array_foreach(json_object_get(runs[r].results, "schemes"), k, sc)
        {
            char c[MAX_COLS][CELL];
            const char *name = json_string_value(json_object_get(sc, "scheme"));
            snprintf(c[0], CELL, "%s", run_name(runs, n, r));
            snprintf(c[1], CELL, "%s", name ? name : "?");
            num(c[2], sgr_json_num(sc, "runtime_s"));
            num(c[3], sgr_json_num(sc, "rounds"));
            num(c[4], sgr_json_num(sc, "waits"));
            num(c[5], sgr_json_num(sc, "load"));
            num(c[6], sgr_json_num(sc, "delay_T"));
            num(c[7], sgr_json_num(sc, "runtime_vs_uncoded"));
            num(c[8], sgr_json_num(sc, "max_decode_rel_error"));
            num(c[9], sgr_json_num(sc, "final_train_loss"));
            doc_row(d, c);
        }
    }
    doc_table_end(d);
}

static void write_token_configs(doc *d, const sgr_report_run *runs, size_t n)
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
    doc_heading(d, 2, "Token walks");
    doc_table(d, head);
    for (size_t r = 0; r < n; r++) {
        json_t *cf;
        size_t k;
        json_array_foreach(json_object_get(runs[r].results, "configs"), k, cf)
        {
            char c[MAX_COLS][CELL];
            const char *walk = json_string_value(json_object_get(cf, "walk"));
            snprintf(c[0], CELL, "%s", run_name(runs, n, r));
            snprintf(c[1], CELL, "%s", walk ? walk : "?");
            num(c[2], sgr_json_num(cf, "alpha"));
            num(c[3], sgr_json_num(cf, "replicas"));
            num_ci(c[4], sgr_json_num(cf, "mse"), sgr_json_num(cf, "mse_ci95"));
            num(c[5], sgr_json_num(cf, "mse_theory"));
            num_ci(c[6], sgr_json_num(cf, "tv"), sgr_json_num(cf, "tv_ci95"));
            num_ci(c[7], sgr_json_num(cf, "visit_variance"),
                   sgr_json_num(cf, "visit_variance_ci95"));
            num(c[8], sgr_json_num(cf, "visit_variance_theory"));
            num(c[9], sgr_json_num(cf, "visit_variance_ratio"));
            doc_row(d, c);
        }
    }
    doc_table_end(d);
}

static void write_fabric_pairs(doc *d, const sgr_report_run *runs, size_t n)
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
    doc_heading(d, 2, "Collectives and path policies");
    doc_para(d, "One row per (collective, policy), all run on the same traffic. Congestion is in "
                "flows on the busiest switch link (bytes it carried in a step over one flow's "
                "bytes, at the leaf link rate): maximum over the steps as simulated and as "
                "counted from the placement, against ideal spraying's bound; the expectation "
                "is the balls-into-bins prediction for hashed placements (ecmp, ksplit), per "
                "step, to compare with the simulated mean per step. Steps identical to the "
                "previous one are simulated once and their time reused.");
    doc_table(d, head);
    for (size_t r = 0; r < n; r++) {
        json_t *p;
        size_t k;
        json_array_foreach(json_object_get(runs[r].results, "pairs"), k, p)
        {
            char c[MAX_COLS][CELL];
            const char *coll = json_string_value(json_object_get(p, "collective"));
            const char *pol = json_string_value(json_object_get(p, "policy"));
            snprintf(c[0], CELL, "%s", run_name(runs, n, r));
            snprintf(c[1], CELL, "%s", coll ? coll : "?");
            snprintf(c[2], CELL, "%s", pol ? pol : "?");
            num(c[3], sgr_json_num(p, "time_s"));
            num(c[4], sgr_json_num(p, "time_vs_spray"));
            num(c[5], sgr_json_num(p, "max_congestion"));
            num(c[6], sgr_json_num(p, "max_congestion_counted"));
            num(c[7], sgr_json_num(p, "spray_bound_max"));
            num_ci(c[8], sgr_json_num(p, "mean_congestion"), sgr_json_num(p, "sd_congestion"));
            num_ci(c[9], sgr_json_num(p, "expected_mean_congestion"),
                   sgr_json_num(p, "expected_sd_congestion"));
            num(c[10], sgr_json_num(p, "mean_vs_expected_z"));
            snprintf(c[11], CELL, "%.0f / %.0f", sgr_json_num(p, "simulated_steps"),
                     sgr_json_num(p, "steps"));
            num(c[12], sgr_json_num(p, "subflows"));
            num(c[13], sgr_json_num(p, "split_flows"));
            doc_row(d, c);
        }
    }
    doc_table_end(d);
}

/* What the fabric plots show, and which run has no heatmap because link_loads.csv is missing. */
static void write_fabric_notes(doc *d, const sgr_report_run *runs, size_t n)
{
    doc_para(d,
             "The per-step congestion and the link heatmaps are of the %s (all-to-all when the "
             "first run has it, else its collective of the most steps). Heatmap colour is the "
             "utilization "
             "of each leaf-up link (leaf to spine): bytes it carried over its bandwidth and "
             "the policy's completion time; white is idle, one colour scale for all panels.",
             sgr_report_fabric_focus(runs, n));
    if (n > SGR_REPORT_MAX_PLOTS - 3)
        doc_para(d, "Heatmaps are drawn for the first %d runs only (one figure per run).",
                 SGR_REPORT_MAX_PLOTS - 3);
    for (size_t r = 0; r < n; r++)
        if (runs[r].links_missing)
            doc_para(d,
                     "%s: no link_loads.csv in the run directory, so no link-utilization "
                     "heatmap for it (the other plots and tables are complete).",
                     runs[r].dir);
}

static void write_provenance(doc *d, const sgr_report_run *runs, size_t n)
{
    doc_heading(d, 2, "Provenance");
    doc_list(d, true);
    for (size_t r = 0; r < n; r++) {
        const json_t *s = runs[r].summary;
        const char *git = json_string_value(json_object_get(s, "simgrad_git"));
        const char *ver = json_string_value(json_object_get(s, "simgrad_version"));
        const char *sg = json_string_value(json_object_get(s, "simgrid_version"));
        const char *scn = json_string_value(json_object_get(s, "scenario"));
        char line[2048];
        snprintf(line, sizeof line,
                 "%s: simgrad %s (git %s), SimGrid %s, seed %.0f, scenario %s, config hash "
                 "FNV-1a-64 %016llx, %s",
                 runs[r].dir, ver ? ver : "?", git ? git : "unknown", sg ? sg : "unknown",
                 sgr_json_num(s, "seed"), scn ? scn : "?", runs[r].config_hash,
                 json_is_true(json_object_get(s, "complete")) ? "complete" : "INCOMPLETE");
        doc_item(d, line);
    }
    doc_list(d, false);
    doc_para(d, "The config hash is FNV-1a (64 bits) of the run's config tree as compact JSON "
                "with sorted keys: equal hashes mean the same scenario as run.");
}

static void write_differences(doc *d, const sgr_report_run *runs, size_t n)
{
    doc_heading(d, 2, "What differs between the runs");
    bool any = false;
    doc_list(d, true);
    for (size_t r = 0; r < n; r++) {
        char line[1400];
        if (runs[r].differs[0] == '\0')
            continue;
        snprintf(line, sizeof line, "%s: %s", runs[r].dir, runs[r].differs);
        doc_item(d, line);
        any = true;
    }
    doc_list(d, false);
    if (any)
        doc_para(d,
                 "Plots label each run by these config keys (at most three in a legend, the keys "
                 "every run sets first).");
    else
        doc_para(d, "Nothing: the configs are identical, so the runs are labelled by their "
                    "directories.");
}

/* The HTML head and the title of both documents. */
static void doc_begin(doc *d, const char *title)
{
    fprintf(d->html, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
    html_text(d->html, title);
    fputs("</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;"
          "padding:0 1em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid "
          "#bbb;padding:3px 8px;text-align:left}th{background:#eee}img{max-width:100%}"
          "figure{margin:1.5em 0}</style>\n</head><body>\n",
          d->html);
    fprintf(d->md, "# %s\n", title);
    fprintf(d->html, "<h1>");
    html_text(d->html, title);
    fputs("</h1>\n", d->html);
}

static void write_doc(doc *d, const sgr_report_run *runs, size_t n, const sgr_report_plot *plots,
                      size_t nplots)
{
    char title[256];
    snprintf(title, sizeof title, "simgrad report: %s", runs[0].family);
    doc_begin(d, title);
    doc_para(d,
             "%zu run%s of the %s family. Times are simulated seconds, except the column "
             "labelled wall-clock (real time the simulation took).",
             n, n > 1 ? "s" : "", runs[0].family);
    doc_heading(d, 2, "Runs");
    write_runs_table(d, runs, n);
    if (n > 1)
        write_differences(d, runs, n);
    if (strcmp(runs[0].family, "gradient-coding") == 0)
        write_gc_schemes(d, runs, n);
    else if (strcmp(runs[0].family, "token") == 0)
        write_token_configs(d, runs, n);
    else if (strcmp(runs[0].family, "fabric") == 0)
        write_fabric_pairs(d, runs, n);
    doc_heading(d, 2, "Plots");
    if (strcmp(runs[0].family, "fabric") == 0)
        write_fabric_notes(d, runs, n);
    doc_para(d, "Each plot is NAME.png and NAME.svg, drawn by gnuplot from NAME.gp and NAME.dat "
                "in this directory: edit the script and run \"gnuplot NAME.gp\" here to "
                "re-render.");
    for (size_t i = 0; i < nplots; i++)
        doc_image(d, &plots[i]);
    write_provenance(d, runs, n);
    fputs("</body></html>\n", d->html);
}

static FILE *open_tmp(const char *dir, const char *name, char *tmp, size_t size, sgr_err *err)
{
    snprintf(tmp, size, "%s/%s.tmp", dir, name);
    FILE *f = fopen(tmp, "w");
    if (!f)
        sgr_fail(err, "%s: cannot write: %s", tmp, strerror(errno));
    return f;
}

/* Both documents under temporary names, renamed when whole. */
static int write_docs(const char *dir, const sgr_report_run *runs, size_t n,
                      const sgr_report_plot *plots, size_t nplots, sgr_err *err)
{
    char md_tmp[4200], html_tmp[4200], path[4200];
    doc d = {0};
    d.md = open_tmp(dir, "report.md", md_tmp, sizeof md_tmp, err);
    d.html = d.md ? open_tmp(dir, "report.html", html_tmp, sizeof html_tmp, err) : NULL;
    if (!d.html) {
        if (d.md)
            fclose(d.md);
        return -1;
    }
    write_doc(&d, runs, n, plots, nplots);
    int bad = ferror(d.md) | ferror(d.html);
    bad |= fclose(d.md) | fclose(d.html);
    if (bad)
        return sgr_fail(err, "%s: write failed", dir);
    snprintf(path, sizeof path, "%s/report.md", dir);
    if (rename(md_tmp, path) < 0)
        return sgr_fail(err, "%s: %s", path, strerror(errno));
    snprintf(path, sizeof path, "%s/report.html", dir);
    if (rename(html_tmp, path) < 0)
        return sgr_fail(err, "%s: %s", path, strerror(errno));
    return 0;
}

static int check_families(const sgr_report_run *runs, size_t n, sgr_err *err)
{
    for (size_t r = 1; r < n; r++)
        if (strcmp(runs[r].family, runs[0].family) != 0)
            return sgr_fail(err,
                            "runs of different families cannot share a report: %s is %s, "
                            "%s is %s; report them separately",
                            runs[0].dir, runs[0].family, runs[r].dir, runs[r].family);
    return 0;
}

int sgr_report_write(const sgr_report_opts *opts, char *out_used, size_t out_size, sgr_err *err)
{
    size_t n = opts->nruns;
    if (n == 0)
        return sgr_fail(err, "report needs at least one run directory"), SGR_REPORT_EINPUT;
    sgr_report_run *runs = calloc(n, sizeof *runs);
    char *gnuplot = NULL, dir[4096];
    int rc = SGR_REPORT_EFAIL;
    if (!runs) {
        sgr_fail(err, "out of memory");
        goto out;
    }
    for (size_t r = 0; r < n; r++)
        if ((rc = sgr_report_run_load(&runs[r], opts->run_dirs[r], opts->allow_incomplete, err)) <
            0)
            goto out;
    if (check_families(runs, n, err) < 0) {
        rc = SGR_REPORT_EINPUT;
        goto out;
    }
    rc = SGR_REPORT_EFAIL;
    if (!(gnuplot = sgr_report_find_gnuplot())) {
        sgr_fail(err, "gnuplot not found on PATH: the report's plots need it; install it "
                      "(Debian: apt-get install gnuplot-nox, which tools/setup.sh does)");
        goto out;
    }
    if (opts->out_dir)
        snprintf(dir, sizeof dir, "%s", opts->out_dir);
    else
        snprintf(dir, sizeof dir, "%s/report", runs[0].dir);
    if (sgr_mkdir_p(dir, err) < 0)
        goto out;
    sgr_report_runs_label(runs, n);
    sgr_report_plot plots[SGR_REPORT_MAX_PLOTS];
    size_t nplots = 0;
    if (sgr_report_plots(dir, gnuplot, runs, n, plots, &nplots, err) < 0 ||
        write_docs(dir, runs, n, plots, nplots, err) < 0)
        goto out;
    if (out_used)
        snprintf(out_used, out_size, "%s", dir);
    rc = 0;
out:
    for (size_t r = 0; runs && r < n; r++)
        sgr_report_run_free(&runs[r]);
    free(runs);
    free(gnuplot);
    return rc;
}

/* ---- documents for other reports (the sweep report) -------------------------------------- */

struct sgr_report_doc {
    doc d;
    char dir[4096], md_tmp[4200], html_tmp[4200];
};

sgr_report_doc *sgr_report_doc_open(const char *dir, const char *title, sgr_err *err)
{
    sgr_report_doc *r = calloc(1, sizeof *r);
    if (!r) {
        sgr_fail(err, "out of memory");
        return NULL;
    }
    snprintf(r->dir, sizeof r->dir, "%s", dir);
    r->d.md = open_tmp(dir, "report.md", r->md_tmp, sizeof r->md_tmp, err);
    r->d.html = r->d.md ? open_tmp(dir, "report.html", r->html_tmp, sizeof r->html_tmp, err) : NULL;
    if (!r->d.html) {
        if (r->d.md)
            fclose(r->d.md);
        free(r);
        return NULL;
    }
    doc_begin(&r->d, title);
    return r;
}

void sgr_report_doc_heading(sgr_report_doc *d, int level, const char *text)
{
    doc_heading(&d->d, level, text);
}

void sgr_report_doc_para(sgr_report_doc *d, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    doc_para(&d->d, "%s", buf);
}

void sgr_report_doc_table(sgr_report_doc *d, const char *const *head)
{
    doc_table(&d->d, head);
}

void sgr_report_doc_row(sgr_report_doc *d, char cells[][SGR_REPORT_CELL])
{
    doc_row(&d->d, cells);
}

void sgr_report_doc_table_end(sgr_report_doc *d)
{
    doc_table_end(&d->d);
}

void sgr_report_doc_image(sgr_report_doc *d, const sgr_report_plot *p)
{
    doc_image(&d->d, p);
}

int sgr_report_doc_close(sgr_report_doc *d, sgr_err *err)
{
    fputs("</body></html>\n", d->d.html);
    int bad = ferror(d->d.md) | ferror(d->d.html);
    bad |= fclose(d->d.md) | fclose(d->d.html);
    char path[4200];
    int rc = bad ? sgr_fail(err, "%s: write failed", d->dir) : 0;
    snprintf(path, sizeof path, "%s/report.md", d->dir);
    if (rc == 0 && rename(d->md_tmp, path) < 0)
        rc = sgr_fail(err, "%s: %s", path, strerror(errno));
    snprintf(path, sizeof path, "%s/report.html", d->dir);
    if (rc == 0 && rename(d->html_tmp, path) < 0)
        rc = sgr_fail(err, "%s: %s", path, strerror(errno));
    free(d);
    return rc;
}
