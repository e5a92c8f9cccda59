/* The gradient-coding family's part of `simgrad report`: round durations and training loss per
 * scheme, runtime bars, the schemes table and the headline columns. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "families/gradient_coding/gradient_coding.h"

static const char *const metrics_columns[] = {"scheme",           "round",      "time_s",
                                              "scheme_time_s",    "duration_s", "waited",
                                              "decode_rel_error", "train_loss", NULL};

static const char *const headline[] = {"workers", "jobs", "fastest scheme", NULL};

static void headline_cells(const sgr_report_run *run, char c[][SGR_REPORT_CELL])
{
    const json_t *res = run->results;
    sgr_report_cell_num(c[0], sgr_json_num(res, "workers"));
    sgr_report_cell_num(c[1], sgr_json_num(res, "jobs"));
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
    snprintf(c[2], SGR_REPORT_CELL, "%s", best);
}

static void write_gc_schemes(sgr_report_doc *d, const sgr_report_run *runs, size_t n)
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
    sgr_report_doc_heading(d, 2, "Gradient-coding schemes");
    sgr_report_doc_table(d, head);
    for (size_t r = 0; r < n; r++) {
        json_t *sc;
        size_t k;
        json_array_foreach(json_object_get(runs[r].results, "schemes"), k, sc)
        {
            char c[SGR_REPORT_MAX_COLS][SGR_REPORT_CELL];
            const char *name = json_string_value(json_object_get(sc, "scheme"));
            snprintf(c[0], SGR_REPORT_CELL, "%s", sgr_report_run_name(runs, n, r));
            snprintf(c[1], SGR_REPORT_CELL, "%s", name ? name : "?");
            sgr_report_cell_num(c[2], sgr_json_num(sc, "runtime_s"));
            sgr_report_cell_num(c[3], sgr_json_num(sc, "rounds"));
            sgr_report_cell_num(c[4], sgr_json_num(sc, "waits"));
            sgr_report_cell_num(c[5], sgr_json_num(sc, "load"));
            sgr_report_cell_num(c[6], sgr_json_num(sc, "delay_T"));
            sgr_report_cell_num(c[7], sgr_json_num(sc, "runtime_vs_uncoded"));
            sgr_report_cell_num(c[8], sgr_json_num(sc, "max_decode_rel_error"));
            sgr_report_cell_num(c[9], sgr_json_num(sc, "final_train_loss"));
            sgr_report_doc_row(d, c);
        }
    }
    sgr_report_doc_table_end(d);
}

static const char *gc_scheme_name(const sgr_report_run *run, size_t k)
{
    json_t *s = json_array_get(json_object_get(run->results, "schemes"), k);
    const char *name = json_string_value(json_object_get(s, "scheme"));
    return name ? name : "?";
}

static size_t gc_nschemes(const sgr_report_run *run)
{
    return json_array_size(json_object_get(run->results, "schemes"));
}

/* Colour of a scheme: the same scheme has the same colour in every run. */
static int gc_scheme_colour(const char *name)
{
    static const char *const known[] = {"uncoded", "ignore-stragglers", "gc", "sr-sgc", "m-sgc"};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strcmp(known[i], name) == 0)
            return (int)i + 1;
    return 6;
}

/* Per-round `ycol` against `xcol`, one line per (run, scheme); marks rounds where `markcol` >
 * 0 (NULL: no marks). Rows with an empty y are skipped. */
static int gc_per_scheme(sgr_report_ctx *pl, const char *name, const char *title, const char *xcol,
                         const char *ycol, const char *xlabel, const char *ylabel,
                         const char *markcol, const char *markwhat, const char *style)
{
    sgr_report_figure *f = sgr_report_ctx_figure(pl, name, title, xlabel, ylabel);
    if (!f)
        return -1;
    for (size_t r = 0; r < pl->n; r++) {
        const sgr_csv *c = &pl->runs[r].csv;
        int sc = sgr_csv_col(c, "scheme"), x = sgr_csv_col(c, xcol), y = sgr_csv_col(c, ycol);
        int m = markcol ? sgr_csv_col(c, markcol) : -1;
        for (size_t k = 0; k < gc_nschemes(&pl->runs[r]); k++) {
            const char *scheme = gc_scheme_name(&pl->runs[r], k);
            char what[512];
            sgr_report_series_title(what, sizeof what, pl, r, scheme);
            int b = sgr_report_figure_block(f, what, "x y mark");
            size_t rows = 0, marks = 0;
            for (size_t i = 0; i < c->nrows; i++) {
                if (sgr_csv_at(c, i, sc) != (double)k || isnan(sgr_csv_at(c, i, y)))
                    continue;
                double mark = m >= 0 ? sgr_csv_at(c, i, m) : 0;
                fprintf(sgr_report_figure_data(f), "%.10g %.10g %g\n", sgr_csv_at(c, i, x),
                        sgr_csv_at(c, i, y), mark);
                rows++;
                marks += mark > 0;
            }
            if (rows == 0)
                continue;
            char spec[256], tl[600];
            snprintf(spec, sizeof spec, "'%s.dat' index %d using 1:2 with %s lt %d dt %zu lw 1.5",
                     name, b, style, gc_scheme_colour(scheme), r + 1);
            sgr_report_figure_series(f, spec, what);
            if (marks == 0)
                continue;
            snprintf(spec, sizeof spec,
                     "'%s.dat' index %d using 1:($3 > 0 ? $2 : 1/0) with "
                     "points lt %d pt 7 ps 1.1",
                     name, b, gc_scheme_colour(scheme));
            snprintf(tl, sizeof tl, "%s: %s", what, markwhat);
            sgr_report_figure_series(f, spec, tl);
        }
    }
    return sgr_report_ctx_keep(pl, f, title);
}

/* Total runtime of each scheme as bars (clustered by run), waits written on single runs. */
static int gc_runtime_bars(sgr_report_ctx *pl)
{
    const char *title = "Runtime per scheme (all jobs, simulated)";
    sgr_report_figure *f =
        sgr_report_ctx_figure(pl, "gc_runtime", title, "scheme", "runtime (simulated s)");
    if (!f)
        return -1;
    sgr_report_figure_line(
        f, "set style data histograms\nset style histogram clustered gap 1\n"
           "set style fill solid 0.75 border -1\nset yrange [0:*]\nset grid noxtics");
    sgr_report_figure_block(f, "one row per scheme; per run: runtime_s waits",
                            "scheme runtime_s waits ...");
    /* schemes in the first run's order, then any others */
    const char *names[64];
    size_t nn = 0;
    for (size_t r = 0; r < pl->n; r++)
        for (size_t k = 0; k < gc_nschemes(&pl->runs[r]) && nn < 64; k++) {
            const char *s = gc_scheme_name(&pl->runs[r], k);
            size_t j = 0;
            while (j < nn && strcmp(names[j], s) != 0)
                j++;
            if (j == nn)
                names[nn++] = s;
        }
    for (size_t j = 0; j < nn; j++) {
        fprintf(sgr_report_figure_data(f), "%s", names[j]);
        for (size_t r = 0; r < pl->n; r++) {
            json_t *found = NULL, *s;
            size_t k;
            json_array_foreach(json_object_get(pl->runs[r].results, "schemes"), k,
                               s) if (strcmp(gc_scheme_name(&pl->runs[r], k), names[j]) == 0)
                found = s;
            fprintf(sgr_report_figure_data(f), " %.10g %g",
                    found ? sgr_json_num(found, "runtime_s") : NAN,
                    found ? sgr_json_num(found, "waits") : NAN);
        }
        fputc('\n', sgr_report_figure_data(f));
    }
    for (size_t r = 0; r < pl->n; r++) {
        char spec[256];
        snprintf(spec, sizeof spec, "'gc_runtime.dat' using %zu:xtic(1) lt %zu", 2 * r + 2, r + 1);
        sgr_report_figure_series(f, spec, pl->n > 1 ? pl->runs[r].label : "runtime of all jobs");
    }
    if (pl->n == 1)
        sgr_report_figure_series(f,
                                 "'gc_runtime.dat' using 0:2:(sprintf('%d waits', $3)) with labels "
                                 "offset 0,0.8",
                                 NULL);
    return sgr_report_ctx_keep(pl, f, title);
}

static int plots(sgr_report_ctx *pl)
{
    if (gc_per_scheme(pl, "gc_round_duration", "Round duration per round, by scheme", "round",
                      "duration_s", "round", "round duration (simulated s)", "waited",
                      "waited for all workers", "lines") < 0 ||
        gc_runtime_bars(pl) < 0)
        return -1;
    return gc_per_scheme(pl, "gc_loss", "Training loss vs simulated time, by scheme",
                         "scheme_time_s", "train_loss",
                         "simulated time since the scheme started (s)",
                         "training loss of the model just stepped (training set)", NULL, NULL,
                         "linespoints pt 7 ps 0.6");
}

const sgr_family_report sgr_gradient_coding_report = {
    .metrics_columns = metrics_columns,
    .headline = headline,
    .headline_cells = headline_cells,
    .sections = write_gc_schemes,
    .plots = plots,
};

/* ---- `simgrad sweep`: the columns of results.csv ---- */

static const char *const gc_top[] = {"workers",         "jobs",       "models",
                                     "decode_failures", "parameters", NULL};

static const char *const gc_item[] = {"decode_failures",
                                      "delay_T",
                                      "final_train_loss",
                                      "load",
                                      "max_decode_rel_error",
                                      "max_decode_residual",
                                      "rounds",
                                      "runtime_s",
                                      "runtime_vs_gc",
                                      "runtime_vs_uncoded",
                                      "stragglers_dropped",
                                      "waits",
                                      NULL};

static const char *const gc_counts[] = {"delay_T", NULL};

/* The configured schemes, "uncoded,gc,...": the items a sweep's SCHEME.FIELD columns name. */
static void gc_items(const sgr_config *cfg, char *buf, size_t size)
{
    const gc_cfg *c = cfg->algorithm;
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < c->nschemes && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "," : "",
                                 sgr_scheme_name(c->schemes[i]));
}

const sgr_family_sweep sgr_gradient_coding_sweep = {.top = gc_top,
                                                    .item = gc_item,
                                                    .item_key = "scheme",
                                                    .list_key = "algorithm.schemes",
                                                    .default_field = "runtime_s",
                                                    .counts = gc_counts,
                                                    .items = gc_items};
