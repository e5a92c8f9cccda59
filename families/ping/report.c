/* The ping family's part of `simgrad report` and `simgrad sweep`: time against message size
 * (log-log) per run and load with the lone flow's nominal time, the table of experiments, the
 * headline; both patterns (pairs and incast) have the same results. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"
#include "families/ping/ping.h"

static const char *const metrics_columns[] = {"size_bytes", "load", "repeat", "duration_s", NULL};

static const char *const headline[] = {"pattern", "route latency (s)", "route bandwidth (B/s)",
                                       NULL};

static void headline_cells(const sgr_report_run *run, char c[][SGR_REPORT_CELL])
{
    if (json_object_get(run->results, "pairs"))
        snprintf(c[0], SGR_REPORT_CELL, "%.0f pairs", sgr_json_num(run->results, "pairs"));
    else
        snprintf(c[0], SGR_REPORT_CELL, "incast into host %.0f",
                 sgr_json_num(run->results, "receiver"));
    sgr_report_cell_num(c[1], sgr_json_num(run->results, "route_latency_s"));
    sgr_report_cell_num(c[2], sgr_json_num(run->results, "route_bandwidth_Bps"));
}

static void experiments_table(sgr_report_doc *d, const sgr_report_run *runs, size_t n)
{
    static const char *const head[] = {
        "run", "size (bytes)", "at once",         "time (simulated s)",     "min",
        "max", "makespan (s)", "bandwidth (B/s)", "lone flow, nominal (s)", "time / nominal",
        NULL};
    static const char *const fields[] = {"size_bytes",    "load",           "time_s",
                                         "time_min_s",    "time_max_s",     "makespan_s",
                                         "bandwidth_Bps", "nominal_time_s", "time_vs_nominal"};
    sgr_report_doc_heading(d, 2, "Message sizes");
    sgr_report_doc_table(d, head);
    for (size_t r = 0; r < n; r++) {
        json_t *e;
        size_t k;
        json_array_foreach(json_object_get(runs[r].results, "experiments"), k, e)
        {
            char c[SGR_REPORT_MAX_COLS][SGR_REPORT_CELL];
            snprintf(c[0], SGR_REPORT_CELL, "%s", sgr_report_run_name(runs, n, r));
            for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
                sgr_report_cell_num(c[i + 1], sgr_json_num(e, fields[i]));
            sgr_report_doc_row(d, c);
        }
    }
    sgr_report_doc_table_end(d);
}

/* One run's data: a block per load (size, mean time, nominal time), the series drawn; the
 * lone flow's line once (it does not depend on the load). */
static void run_series(sgr_report_ctx *ctx, sgr_report_figure *f, size_t r)
{
    json_t *exps = json_object_get(ctx->runs[r].results, "experiments"), *e, *x;
    bool incast = json_object_get(ctx->runs[r].results, "receiver") != NULL;
    size_t k, i, nloads = 0;
    double loads[PING_MAX_ITEMS];
    json_array_foreach(exps, k, e)
    {
        double load = sgr_json_num(e, "load");
        size_t l = 0;
        while (l < nloads && loads[l] != load)
            l++;
        if (l < nloads || nloads == PING_MAX_ITEMS)
            continue;
        loads[nloads++] = load;
        char what[256], spec[256], tl[512];
        snprintf(what, sizeof what, "%s, %g at once", ctx->runs[r].label, load);
        int b = sgr_report_figure_block(f, what, "size_bytes time_s nominal_s");
        json_array_foreach(exps, i, x) if (sgr_json_num(x, "load") == load)
            fprintf(sgr_report_figure_data(f), "%.10g %.10g %.10g\n", sgr_json_num(x, "size_bytes"),
                    sgr_json_num(x, "time_s"), sgr_json_num(x, "nominal_time_s"));
        snprintf(spec, sizeof spec,
                 "'ping_time.dat' index %d using 1:2 with linespoints lt %zu pt %zu", b, r + 1,
                 incast ? nloads : 7);
        snprintf(what, sizeof what, "measured, %g at once", load);
        sgr_report_series_title(tl, sizeof tl, ctx, r, incast ? what : "measured");
        sgr_report_figure_series(f, spec, tl);
        if (nloads > 1)
            continue;
        snprintf(spec, sizeof spec, "'ping_time.dat' index %d using 1:3 with lines lt %zu dt 2", b,
                 r + 1);
        sgr_report_series_title(tl, sizeof tl, ctx, r, "lone flow: latency + size / bandwidth");
        sgr_report_figure_series(f, spec, tl);
    }
}

/* Mean time per size against size, one line per run and load, with the nominal lone-flow
 * times. */
static int plots(sgr_report_ctx *ctx)
{
    const char *title = "Message time vs size (mean over repeats and simultaneous messages)";
    sgr_report_figure *f = sgr_report_ctx_figure(ctx, "ping_time", title, "message size (bytes)",
                                                 "time (simulated s)");
    if (!f)
        return -1;
    sgr_report_figure_line(f, "set logscale xy\nset format x '%%.0e'\nset format y '%%.0e'");
    for (size_t r = 0; r < ctx->n; r++)
        run_series(ctx, f, r);
    return sgr_report_ctx_keep(ctx, f, title);
}

const sgr_family_report sgr_ping_report = {
    .metrics_columns = metrics_columns,
    .headline = headline,
    .headline_cells = headline_cells,
    .sections = experiments_table,
    .plots = plots,
};

/* ---- `simgrad sweep`: the columns of results.csv ---- */

static const char *const ping_top[] = {
    "pairs", "receiver", "repeats", "route_latency_s", "route_bandwidth_Bps", NULL};
static const char *const ping_item[] = {"size_bytes",
                                        "load",
                                        "time_s",
                                        "time_min_s",
                                        "time_max_s",
                                        "makespan_s",
                                        "worst_makespan_s",
                                        "bandwidth_Bps",
                                        "nominal_time_s",
                                        "time_vs_nominal",
                                        NULL};
static const char *const ping_counts[] = {"load", "pairs", "repeats", NULL};

/* An experiment's name: its size in bytes and B, then x and its load in an incast (1024B,
 * 1000000Bx4). */
static bool item_ok(const char *item, size_t len)
{
    size_t i = strspn(item, "0123456789");
    if (i == 0 || i >= len || item[i] != 'B')
        return false;
    if (++i == len)
        return true;
    size_t digits = i + 1 < len && item[i] == 'x' ? strspn(item + i + 1, "0123456789") : 0;
    return digits > 0 && i + 1 + digits == len;
}

const sgr_family_sweep sgr_ping_sweep = {
    .top = ping_top,
    .item = ping_item,
    .item_key = "experiment",
    .item_form = "a size in bytes with a B, then x and the load in an incast (1024B, 1000000Bx4)",
    .item_ok = item_ok,
    .default_top = "simulated_time_s",
    .counts = ping_counts,
};
