/* The ping family's part of `simgrad report` and `simgrad sweep`: time against message size
 * (log-log) per run with the lone flow's nominal time, the table of sizes, the headline. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"
#include "families/ping/ping.h"

static const char *const metrics_columns[] = {"size_bytes", "repeat", "pair", "duration_s", NULL};

static const char *const headline[] = {"pairs", "route latency (s)", "route bandwidth (B/s)", NULL};

static void headline_cells(const sgr_report_run *run, char c[][SGR_REPORT_CELL])
{
    sgr_report_cell_num(c[0], sgr_json_num(run->results, "pairs"));
    sgr_report_cell_num(c[1], sgr_json_num(run->results, "route_latency_s"));
    sgr_report_cell_num(c[2], sgr_json_num(run->results, "route_bandwidth_Bps"));
}

static void sizes_table(sgr_report_doc *d, const sgr_report_run *runs, size_t n)
{
    static const char *const head[] = {
        "run", "size (bytes)",    "time (simulated s)",     "min",
        "max", "bandwidth (B/s)", "lone flow, nominal (s)", "time / nominal",
        NULL};
    sgr_report_doc_heading(d, 2, "Message sizes");
    sgr_report_doc_table(d, head);
    for (size_t r = 0; r < n; r++) {
        json_t *s;
        size_t k;
        json_array_foreach(json_object_get(runs[r].results, "sizes"), k, s)
        {
            char c[SGR_REPORT_MAX_COLS][SGR_REPORT_CELL];
            snprintf(c[0], SGR_REPORT_CELL, "%s", sgr_report_run_name(runs, n, r));
            sgr_report_cell_num(c[1], sgr_json_num(s, "size_bytes"));
            sgr_report_cell_num(c[2], sgr_json_num(s, "time_s"));
            sgr_report_cell_num(c[3], sgr_json_num(s, "time_min_s"));
            sgr_report_cell_num(c[4], sgr_json_num(s, "time_max_s"));
            sgr_report_cell_num(c[5], sgr_json_num(s, "bandwidth_Bps"));
            sgr_report_cell_num(c[6], sgr_json_num(s, "nominal_time_s"));
            sgr_report_cell_num(c[7], sgr_json_num(s, "time_vs_nominal"));
            sgr_report_doc_row(d, c);
        }
    }
    sgr_report_doc_table_end(d);
}

/* Mean time per size against size, one line per run, with the nominal lone-flow times. */
static int plots(sgr_report_ctx *ctx)
{
    const char *title = "Message time vs size (mean over repeats and pairs)";
    sgr_report_figure *f = sgr_report_ctx_figure(ctx, "ping_time", title, "message size (bytes)",
                                                 "time (simulated s)");
    if (!f)
        return -1;
    sgr_report_figure_line(f, "set logscale xy\nset format x '%%.0e'\nset format y '%%.0e'");
    for (size_t r = 0; r < ctx->n; r++) {
        FILE *dat = sgr_report_figure_data(f);
        int b = sgr_report_figure_block(f, ctx->runs[r].label, "size_bytes time_s nominal_s");
        json_t *s;
        size_t k;
        json_array_foreach(json_object_get(ctx->runs[r].results, "sizes"), k, s)
            fprintf(dat, "%.10g %.10g %.10g\n", sgr_json_num(s, "size_bytes"),
                    sgr_json_num(s, "time_s"), sgr_json_num(s, "nominal_time_s"));
        char spec[256], tl[512];
        snprintf(spec, sizeof spec,
                 "'ping_time.dat' index %d using 1:2 with linespoints lt %zu pt 7", b, r + 1);
        sgr_report_series_title(tl, sizeof tl, ctx, r, "measured");
        sgr_report_figure_series(f, spec, tl);
        snprintf(spec, sizeof spec, "'ping_time.dat' index %d using 1:3 with lines lt %zu dt 2", b,
                 r + 1);
        sgr_report_series_title(tl, sizeof tl, ctx, r, "lone flow: latency + size / bandwidth");
        sgr_report_figure_series(f, spec, tl);
    }
    return sgr_report_ctx_keep(ctx, f, title);
}

const sgr_family_report sgr_ping_report = {
    .metrics_columns = metrics_columns,
    .headline = headline,
    .headline_cells = headline_cells,
    .sections = sizes_table,
    .plots = plots,
};

/* ---- `simgrad sweep`: the columns of results.csv ---- */

static const char *const ping_top[] = {"pairs", "repeats", "route_latency_s", "route_bandwidth_Bps",
                                       NULL};
static const char *const ping_item[] = {
    "size_bytes",    "time_s",         "time_min_s",      "time_max_s",
    "bandwidth_Bps", "nominal_time_s", "time_vs_nominal", NULL};

const sgr_family_sweep sgr_ping_sweep = {.top = ping_top,
                                         .item = ping_item,
                                         .item_key = "size",
                                         .item_form = "a size in bytes with a B (e.g. 1024B)",
                                         .default_top = "simulated_time_s"};
