/* The ps-sgd family's part of `simgrad report`: loss and accuracy against simulated time, round
 * durations with the rounds that had stragglers marked, and the headline columns. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "families/ps_sgd/ps_sgd.h"

static const char *const metrics_columns[] = {
    "round", "time_s", "round_duration_s", "train_loss", "test_accuracy", "stragglers", NULL};

static const char *const headline[] = {"rounds",           "initial train loss",
                                       "final train loss", "final test accuracy",
                                       "straggler events", NULL};

static void headline_cells(const sgr_report_run *run, char c[][SGR_REPORT_CELL])
{
    const json_t *res = run->results;
    sgr_report_cell_num(c[0], sgr_json_num(res, "rounds"));
    sgr_report_cell_num(c[1], sgr_json_num(res, "initial_train_loss"));
    sgr_report_cell_num(c[2], sgr_json_num(res, "final_train_loss"));
    sgr_report_cell_num(c[3], sgr_json_num(res, "final_test_accuracy"));
    sgr_report_cell_num(c[4], sgr_json_num(res, "straggler_events"));
}

/* y column `ycol` of every evaluated round against simulated time, one line per run. */
static int ps_sgd_vs_time(sgr_report_ctx *pl, const char *name, const char *ycol, const char *title,
                          const char *ylabel, const char *what)
{
    sgr_report_figure *f = sgr_report_ctx_figure(pl, name, title, "simulated time (s)", ylabel);
    if (!f)
        return -1;
    for (size_t r = 0; r < pl->n; r++) {
        const sgr_csv *c = &pl->runs[r].csv;
        int t = sgr_csv_col(c, "time_s"), y = sgr_csv_col(c, ycol);
        int b = sgr_report_figure_block(f, pl->runs[r].label, "time_s value");
        size_t k = 0;
        /* the loss before the first step, at time 0 */
        double start = strcmp(ycol, "train_loss") == 0
                           ? sgr_json_num(pl->runs[r].results, "initial_train_loss")
                           : NAN;
        if (!isnan(start))
            fprintf(sgr_report_figure_data(f), "0 %.10g\n", start);
        for (size_t i = 0; i < c->nrows; i++)
            if (!isnan(sgr_csv_at(c, i, y)) && ++k)
                fprintf(sgr_report_figure_data(f), "%.10g %.10g\n", sgr_csv_at(c, i, t),
                        sgr_csv_at(c, i, y));
        if (k == 0)
            continue;
        char spec[256], tl[512];
        snprintf(spec, sizeof spec,
                 "'%s.dat' index %d using 1:2 with linespoints lt %zu pt 7 ps 0.6 lw 1.5", name, b,
                 r + 1);
        sgr_report_series_title(tl, sizeof tl, pl, r, what);
        sgr_report_figure_series(f, spec, tl);
    }
    return sgr_report_ctx_keep(pl, f, title);
}

static int ps_sgd_round_duration(sgr_report_ctx *pl)
{
    const char *title = "Round duration per round (points: rounds with stragglers)";
    sgr_report_figure *f =
        sgr_report_ctx_figure(pl, "round_duration", title, "round", "round duration (simulated s)");
    if (!f)
        return -1;
    for (size_t r = 0; r < pl->n; r++) {
        const sgr_csv *c = &pl->runs[r].csv;
        int rd = sgr_csv_col(c, "round"), d = sgr_csv_col(c, "round_duration_s");
        int s = sgr_csv_col(c, "stragglers");
        int b = sgr_report_figure_block(f, pl->runs[r].label, "round duration_s stragglers");
        bool any = false;
        for (size_t i = 0; i < c->nrows; i++) {
            fprintf(sgr_report_figure_data(f), "%.10g %.10g %g\n", sgr_csv_at(c, i, rd),
                    sgr_csv_at(c, i, d), sgr_csv_at(c, i, s));
            any |= sgr_csv_at(c, i, s) > 0;
        }
        char spec[256], tl[512];
        snprintf(spec, sizeof spec,
                 "'round_duration.dat' index %d using 1:2 with lines lt %zu "
                 "lw 1.5",
                 b, r + 1);
        sgr_report_series_title(tl, sizeof tl, pl, r, "round duration");
        sgr_report_figure_series(f, spec, tl);
        if (!any)
            continue;
        snprintf(spec, sizeof spec,
                 "'round_duration.dat' index %d using 1:($3 > 0 ? $2 : 1/0) "
                 "with points lt %zu pt 7 ps 1.0",
                 b, r + 1);
        sgr_report_series_title(tl, sizeof tl, pl, r, "round with stragglers");
        sgr_report_figure_series(f, spec, tl);
    }
    return sgr_report_ctx_keep(pl, f, title);
}

static int plots(sgr_report_ctx *pl)
{
    if (ps_sgd_vs_time(pl, "loss_vs_time", "train_loss", "Training loss vs simulated time",
                       "training loss (whole training set)", "training loss") < 0 ||
        ps_sgd_vs_time(pl, "accuracy_vs_time", "test_accuracy", "Test accuracy vs simulated time",
                       "test accuracy (fraction correct)", "test accuracy") < 0)
        return -1;
    return ps_sgd_round_duration(pl);
}

const sgr_family_report sgr_ps_sgd_report = {
    .metrics_columns = metrics_columns,
    .headline = headline,
    .headline_cells = headline_cells,
    .plots = plots,
};

/* ---- `simgrad sweep`: the columns of results.csv ---- */

static const char *const ps_sgd_top[] = {
    "rounds",         "initial_train_loss", "final_train_loss",  "final_test_accuracy",
    "workers",        "gradients_used",     "gradients_dropped", "straggler_events",
    "failure_events", "bytes_sent",         "parameters",        NULL};

const sgr_family_sweep sgr_ps_sgd_sweep = {.top = ps_sgd_top, .default_top = "simulated_time_s"};
