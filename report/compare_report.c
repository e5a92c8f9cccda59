/* simgrad compare-models: the comparison of a scenario's flow-level and packet-level runs and
 * of the probe runs on its platform (see include/simgrad/compare.h). Generic over
 * families: every number of the runs' results is paired by its path, and every metrics.csv
 * column by row (the same round, job or checkpoint in both runs). */
#include "simgrad/compare.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "report/report_internal.h"
#include "simgrad/output.h"
#include "simgrad/report.h"

/* Agreement threshold the report marks (issue 15: "where flow level is within 5%"). */
#define WITHIN 0.05

typedef struct cm_csv {
    size_t ncols, nrows;
    char **names;
    double *v;
} cm_csv;

typedef struct cm_run {
    const char *dir;
    json_t *summary; /* owned */
    cm_csv csv;
} cm_run;

typedef struct cm_ctx {
    const char *dir;
    char *gnuplot;
    sgr_report_plot plots[4];
    size_t nplots;
    json_t *out; /* comparison.json */
    sgr_err *err;
} cm_ctx;

static void csv_free(cm_csv *c)
{
    for (size_t i = 0; i < c->ncols; i++)
        free(c->names[i]);
    free(c->names);
    free(c->v);
    memset(c, 0, sizeof *c);
}

/* A metrics.csv of numbers (an empty cell is NAN). Returns 0 or -1 with err. */
static int csv_read(cm_csv *c, const char *path, sgr_err *err)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, rows_cap = 0;
    memset(c, 0, sizeof *c);
    if (!f)
        return sgr_fail(err, "%s: cannot read: %s", path, strerror(errno));
    int rc = 0;
    while (rc == 0 && getline(&line, &cap, f) >= 0) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!c->names) {
            for (char *s = line, *tok; (tok = strsep(&s, ","));) {
                char **n = realloc(c->names, (c->ncols + 1) * sizeof *n);
                if (!n || !(n[c->ncols] = strdup(tok)))
                    rc = sgr_fail(err, "out of memory");
                if (n)
                    c->names = n;
                c->ncols += rc == 0;
            }
            continue;
        }
        if (!line[0])
            continue;
        if (c->nrows == rows_cap) {
            rows_cap = rows_cap ? 2 * rows_cap : 256;
            double *v = realloc(c->v, rows_cap * c->ncols * sizeof *v);
            if (!v) {
                rc = sgr_fail(err, "out of memory");
                break;
            }
            c->v = v;
        }
        double *row = c->v + c->nrows * c->ncols;
        char *s = line, *tok;
        for (size_t j = 0; j < c->ncols; j++) {
            tok = strsep(&s, ",");
            char *end = NULL;
            row[j] = tok && *tok ? strtod(tok, &end) : NAN;
            if (tok && *tok && *end)
                row[j] = NAN; /* a text cell */
        }
        c->nrows++;
    }
    free(line);
    fclose(f);
    if (rc == 0 && !c->names)
        rc = sgr_fail(err, "%s: empty file (no header)", path);
    if (rc < 0)
        csv_free(c);
    return rc;
}

static int csv_col(const cm_csv *c, const char *name)
{
    for (size_t j = 0; j < c->ncols; j++)
        if (strcmp(c->names[j], name) == 0)
            return (int)j;
    return -1;
}

static int run_load(cm_run *r, const char *dir, sgr_err *err)
{
    char path[4096];
    json_error_t je;
    memset(r, 0, sizeof *r);
    r->dir = dir;
    snprintf(path, sizeof path, "%s/summary.json", dir);
    r->summary = json_load_file(path, 0, &je);
    if (!r->summary)
        return sgr_fail(err, "%s: %s", path, je.text);
    if (!json_is_true(json_object_get(r->summary, "complete")))
        return sgr_fail(err, "%s: the run is incomplete (see its run.log)", path);
    snprintf(path, sizeof path, "%s/metrics.csv", dir);
    return csv_read(&r->csv, path, err);
}

static void run_free(cm_run *r)
{
    json_decref(r->summary);
    csv_free(&r->csv);
}

static double rel_diff(double flow, double packet)
{
    return flow != 0 ? (packet - flow) / fabs(flow) : (packet == 0 ? 0 : NAN);
}

/* ---- results: every number, paired by its path ------------------------------------------ */

/* The label of an array element: its "name" member, else its first string member ("gc",
 * "dadao", ...), else its index. */
static void elem_label(json_t *e, size_t i, char *buf, size_t len)
{
    const char *k;
    json_t *v, *name = json_object_get(e, "name");
    if (json_is_string(name)) {
        snprintf(buf, len, "%s", json_string_value(name));
        return;
    }
    json_object_foreach(e, k, v)
    {
        if (json_is_string(v)) {
            snprintf(buf, len, "%s", json_string_value(v));
            return;
        }
    }
    snprintf(buf, len, "%zu", i);
}

/* The element of array a labelled `label`, or NULL. */
static json_t *elem_by_label(json_t *a, const char *label)
{
    char buf[128];
    for (size_t i = 0; i < json_array_size(a); i++) {
        elem_label(json_array_get(a, i), i, buf, sizeof buf);
        if (strcmp(buf, label) == 0)
            return json_array_get(a, i);
    }
    return NULL;
}

/* Append to rows one {key, flow, packet, rel} per number of `f` that `p` has at the same path
 * (array elements paired by label: a run may lack some, such as the path policies packet
 * level cannot run). */
static void pair_numbers(json_t *f, json_t *p, const char *path, json_t *rows)
{
    char sub[512], label[128];
    if (json_is_number(f) && json_is_number(p)) {
        double a = json_number_value(f), b = json_number_value(p);
        json_array_append_new(
            rows, json_pack("{s:s, s:f, s:f, s:o}", "key", path, "flow", a, "packet", b, "rel_diff",
                            isnan(rel_diff(a, b)) ? json_null() : json_real(rel_diff(a, b))));
    } else if (json_is_object(f) && json_is_object(p)) {
        const char *k;
        json_t *v;
        json_object_foreach(f, k, v)
        {
            snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", k);
            pair_numbers(v, json_object_get(p, k), sub, rows);
        }
    } else if (json_is_array(f) && json_is_array(p)) {
        for (size_t i = 0; i < json_array_size(f); i++) {
            json_t *e = json_array_get(f, i);
            elem_label(e, i, label, sizeof label);
            snprintf(sub, sizeof sub, "%s[%s]", path, label);
            pair_numbers(e, json_is_object(e) ? elem_by_label(p, label) : json_array_get(p, i), sub,
                         rows);
        }
    }
}

/* ---- metrics: every column, paired by row ------------------------------------------------ */

static json_t *pair_metrics(const cm_csv *f, const cm_csv *p)
{
    json_t *rows = json_array();
    size_t n = f->nrows < p->nrows ? f->nrows : p->nrows;
    for (size_t j = 0; j < f->ncols; j++) {
        int k = csv_col(p, f->names[j]);
        double sum = 0, worst = 0;
        size_t used = 0;
        for (size_t i = 0; k >= 0 && i < n; i++) {
            double d = rel_diff(f->v[i * f->ncols + j], p->v[i * p->ncols + (size_t)k]);
            if (isnan(d))
                continue;
            sum += fabs(d);
            worst = fmax(worst, fabs(d));
            used++;
        }
        if (!used)
            continue;
        json_array_append_new(rows, json_pack("{s:s, s:I, s:I, s:I, s:f, s:f, s:f, s:f}", "column",
                                              f->names[j], "rows_flow", (json_int_t)f->nrows,
                                              "rows_packet", (json_int_t)p->nrows, "rows_compared",
                                              (json_int_t)used, "mean_abs_rel_diff",
                                              sum / (double)used, "max_abs_rel_diff", worst,
                                              "last_flow", f->v[(n - 1) * f->ncols + j],
                                              "last_packet", p->v[(n - 1) * p->ncols + (size_t)k]));
    }
    return rows;
}

/* ---- the probe: the packet/flow ratio per (size, load) ----------------------------------- */

/* Each (size, load) experiment's makespan (its slowest message), the mean over its repeats,
 * into out (rows of size, load, makespan). Returns the count. */
static size_t probe_makespans(const cm_csv *c, double (*out)[3], size_t max)
{
    int cs = csv_col(c, "size_bytes"), cl = csv_col(c, "load"), cr = csv_col(c, "repeat"),
        cd = csv_col(c, "duration_s");
    size_t n = 0, reps[256] = {0};
    double worst[256] = {0}, last_rep[256];
    if (cs < 0 || cl < 0 || cr < 0 || cd < 0 || max > 256)
        return 0;
    for (size_t i = 0; i < c->nrows; i++) {
        const double *r = c->v + i * c->ncols;
        size_t e = 0;
        while (e < n && !(out[e][0] == r[cs] && out[e][1] == r[cl]))
            e++;
        if (e == n) {
            if (n == max)
                continue;
            out[n][0] = r[cs];
            out[n][1] = r[cl];
            out[n][2] = 0;
            last_rep[n] = r[cr];
            n++;
        }
        if (r[cr] != last_rep[e]) { /* the previous repeat is over */
            out[e][2] += worst[e];
            reps[e]++;
            worst[e] = 0;
            last_rep[e] = r[cr];
        }
        worst[e] = fmax(worst[e], r[cd]);
    }
    for (size_t e = 0; e < n; e++)
        out[e][2] = (out[e][2] + worst[e]) / (double)(reps[e] + 1);
    return n;
}

static int probe_section(cm_ctx *cx, const cm_run *f, const cm_run *p, sgr_report_doc *doc)
{
    double mf[256][3], mp[256][3];
    size_t nf = probe_makespans(&f->csv, mf, 256), np = probe_makespans(&p->csv, mp, 256);
    json_t *rows = json_array();
    sgr_report_figure *fig = sgr_report_figure_open(
        cx->dir, cx->gnuplot, "packet_flow_ratio",
        "Time of k simultaneous messages into one host: packet level / flow level",
        "message size (bytes)", "packet / flow", cx->err);
    if (!fig)
        return SGR_REPORT_EFAIL;
    sgr_report_figure_line(fig, "set logscale x");
    sgr_report_figure_line(fig, "set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2");
    static const char *const head[] = {"size (B)",   "load",          "flow (s)",
                                       "packet (s)", "packet / flow", NULL};
    char heading[160];
    const char *family = json_string_value(json_object_get(f->summary, "family"));
    snprintf(heading, sizeof heading, "Transfers on the same platform (%s)", family ? family : "?");
    sgr_report_doc_heading(doc, 2, heading);
    sgr_report_doc_para(doc, "k hosts send one message each to the receiver at once (k = the "
                             "load); the time is the last message's. Both models on the "
                             "platform of the scenario.");
    sgr_report_doc_table(doc, head);
    double loads[64];
    size_t nloads = 0;
    for (size_t i = 0; i < nf; i++) {
        size_t l = 0;
        while (l < nloads && loads[l] != mf[i][1])
            l++;
        if (l == nloads && nloads < 64)
            loads[nloads++] = mf[i][1];
    }
    for (size_t l = 0; l < nloads; l++) {
        char what[64], spec[128];
        snprintf(what, sizeof what, "load %g", loads[l]);
        int b = sgr_report_figure_block(fig, what, "size_bytes flow_s packet_s ratio");
        for (size_t i = 0; i < nf; i++) {
            if (mf[i][1] != loads[l])
                continue;
            for (size_t k = 0; k < np; k++) {
                if (mp[k][0] != mf[i][0] || mp[k][1] != mf[i][1])
                    continue;
                double ratio = mp[k][2] / mf[i][2];
                fprintf(sgr_report_figure_data(fig), "%.10g %.10g %.10g %.10g\n", mf[i][0],
                        mf[i][2], mp[k][2], ratio);
                json_array_append_new(rows,
                                      json_pack("{s:f, s:f, s:f, s:f, s:f}", "size_bytes", mf[i][0],
                                                "load", mf[i][1], "flow_s", mf[i][2], "packet_s",
                                                mp[k][2], "packet_over_flow", ratio));
                char cells[5][SGR_REPORT_CELL];
                snprintf(cells[0], SGR_REPORT_CELL, "%.0f", mf[i][0]);
                snprintf(cells[1], SGR_REPORT_CELL, "%.0f", mf[i][1]);
                snprintf(cells[2], SGR_REPORT_CELL, "%.6g", mf[i][2]);
                snprintf(cells[3], SGR_REPORT_CELL, "%.6g", mp[k][2]);
                snprintf(cells[4], SGR_REPORT_CELL, "%.4f%s", ratio,
                         fabs(ratio - 1) <= WITHIN ? "" : " *");
                sgr_report_doc_row(doc, cells);
            }
        }
        snprintf(spec, sizeof spec, "'packet_flow_ratio.dat' index %d using 1:4 with linespoints",
                 b);
        sgr_report_figure_series(fig, spec, what);
    }
    sgr_report_doc_table_end(doc);
    sgr_report_doc_para(doc, "* packet level more than 5%% away from flow level.");
    json_object_set_new(cx->out, "probe", rows);
    sgr_report_plot *pl = &cx->plots[cx->nplots];
    if (sgr_report_figure_finish(fig,
                                 "Packet/flow ratio of the time of k simultaneous messages into "
                                 "one host, against message size; one line per load k",
                                 pl) < 0)
        return SGR_REPORT_EFAIL;
    if (pl->name[0]) {
        sgr_report_doc_image(doc, pl);
        cx->nplots++;
    }
    return 0;
}

/* Each run's time_s per metrics row: flow, packet (and flow on the ns-3 platform). */
static int time_plot(cm_ctx *cx, const cm_run *const *runs, const char *const *names, size_t n,
                     sgr_report_doc *doc)
{
    if (csv_col(&runs[0]->csv, "time_s") < 0)
        return 0;
    sgr_report_figure *fig = sgr_report_figure_open(cx->dir, cx->gnuplot, "time_per_row",
                                                    "Simulated time at each metrics row",
                                                    "metrics row", "simulated time (s)", cx->err);
    if (!fig)
        return SGR_REPORT_EFAIL;
    for (size_t r = 0; r < n; r++) {
        int col = csv_col(&runs[r]->csv, "time_s");
        if (col < 0)
            continue;
        int b = sgr_report_figure_block(fig, names[r], "row time_s");
        for (size_t i = 0; i < runs[r]->csv.nrows; i++)
            fprintf(sgr_report_figure_data(fig), "%zu %.10g\n", i,
                    runs[r]->csv.v[i * runs[r]->csv.ncols + (size_t)col]);
        char spec[128];
        snprintf(spec, sizeof spec, "'time_per_row.dat' index %d using 1:2 with lines lw 2", b);
        sgr_report_figure_series(fig, spec, names[r]);
    }
    sgr_report_plot *pl = &cx->plots[cx->nplots];
    if (sgr_report_figure_finish(fig,
                                 "Simulated time at each metrics row (round, job or "
                                 "checkpoint), per network model",
                                 pl) < 0)
        return SGR_REPORT_EFAIL;
    if (pl->name[0]) {
        sgr_report_doc_image(doc, pl);
        cx->nplots++;
    }
    return 0;
}

static void fmt_rel(char *buf, json_t *rel)
{
    if (json_is_number(rel))
        snprintf(buf, SGR_REPORT_CELL, "%+.2f%%%s", 100 * json_number_value(rel),
                 fabs(json_number_value(rel)) <= WITHIN ? "" : " *");
    else
        snprintf(buf, SGR_REPORT_CELL, "-");
}

static void results_section(cm_ctx *cx, const cm_run *f, const cm_run *p, sgr_report_doc *doc)
{
    json_t *rows = json_array();
    pair_numbers(json_object_get(f->summary, "results"), json_object_get(p->summary, "results"), "",
                 rows);
    static const char *const head[] = {"result", "flow", "packet", "packet - flow", NULL};
    sgr_report_doc_heading(doc, 2, "The algorithm's results");
    sgr_report_doc_para(doc, "Every number of summary.json's results, paired by its path. "
                             "* more than 5%% apart.");
    sgr_report_doc_table(doc, head);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        char cells[4][SGR_REPORT_CELL];
        snprintf(cells[0], SGR_REPORT_CELL, "%s", json_string_value(json_object_get(r, "key")));
        snprintf(cells[1], SGR_REPORT_CELL, "%.6g", sgr_json_num(r, "flow"));
        snprintf(cells[2], SGR_REPORT_CELL, "%.6g", sgr_json_num(r, "packet"));
        fmt_rel(cells[3], json_object_get(r, "rel_diff"));
        sgr_report_doc_row(doc, cells);
    }
    sgr_report_doc_table_end(doc);
    json_object_set_new(cx->out, "results", rows);
}

static void metrics_section(cm_ctx *cx, const cm_run *f, const cm_run *p, sgr_report_doc *doc)
{
    static const char *const head[] = {"metrics column", "rows",        "mean |diff|", "max |diff|",
                                       "last flow",      "last packet", NULL};
    sgr_report_doc_heading(doc, 2, "Round by round (metrics.csv)");
    if (f->csv.nrows != p->csv.nrows) { /* rows of different things: not comparable */
        sgr_report_doc_para(doc,
                            "The runs' metrics.csv have %zu and %zu rows (packet level ran "
                            "other items, such as fewer path policies): not compared row by "
                            "row; see the results above.",
                            f->csv.nrows, p->csv.nrows);
        json_object_set_new(cx->out, "metrics", json_array());
        return;
    }
    json_t *rows = pair_metrics(&f->csv, &p->csv);
    sgr_report_doc_para(doc, "Each column compared row by row (the same round, job or "
                             "checkpoint in both runs): relative differences.");
    sgr_report_doc_table(doc, head);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        char cells[6][SGR_REPORT_CELL];
        snprintf(cells[0], SGR_REPORT_CELL, "%s", json_string_value(json_object_get(r, "column")));
        snprintf(cells[1], SGR_REPORT_CELL, "%.0f / %.0f", sgr_json_num(r, "rows_flow"),
                 sgr_json_num(r, "rows_packet"));
        snprintf(cells[2], SGR_REPORT_CELL, "%.2f%%", 100 * sgr_json_num(r, "mean_abs_rel_diff"));
        snprintf(cells[3], SGR_REPORT_CELL, "%.2f%%", 100 * sgr_json_num(r, "max_abs_rel_diff"));
        snprintf(cells[4], SGR_REPORT_CELL, "%.6g", sgr_json_num(r, "last_flow"));
        snprintf(cells[5], SGR_REPORT_CELL, "%.6g", sgr_json_num(r, "last_packet"));
        sgr_report_doc_row(doc, cells);
    }
    sgr_report_doc_table_end(doc);
    json_object_set_new(cx->out, "metrics", rows);
}

/* The headline: simulated time (the clock at the end and the last metrics row's time_s) per
 * run, and packet / flow. */
static void time_section(cm_ctx *cx, const cm_run *const *runs, const char *const *names, size_t n,
                         sgr_report_doc *doc)
{
    static const char *const head[] = {
        "run", "simulated time (s)", "last row's time_s", "wall clock (s)", "vs flow", NULL};
    json_t *t = json_object();
    double flow_end = sgr_json_num(runs[0]->summary, "simulated_time_s");
    sgr_report_doc_heading(doc, 2, "Simulated time");
    sgr_report_doc_table(doc, head);
    for (size_t r = 0; r < n; r++) {
        double end = sgr_json_num(runs[r]->summary, "simulated_time_s");
        int col = csv_col(&runs[r]->csv, "time_s");
        double last = col >= 0 && runs[r]->csv.nrows
                          ? runs[r]->csv.v[(runs[r]->csv.nrows - 1) * runs[r]->csv.ncols + col]
                          : NAN;
        char cells[5][SGR_REPORT_CELL];
        snprintf(cells[0], SGR_REPORT_CELL, "%s", names[r]);
        snprintf(cells[1], SGR_REPORT_CELL, "%.9g", end);
        snprintf(cells[2], SGR_REPORT_CELL, "%.9g", last);
        snprintf(cells[3], SGR_REPORT_CELL, "%.3g",
                 sgr_json_num(runs[r]->summary, "wall_clock_seconds"));
        json_t *rel = json_real(rel_diff(flow_end, end));
        fmt_rel(cells[4], rel);
        json_decref(rel);
        sgr_report_doc_row(doc, cells);
        json_object_set_new(t, names[r],
                            json_pack("{s:f, s:o, s:f}", "simulated_time_s", end, "last_row_time_s",
                                      isnan(last) ? json_null() : json_real(last),
                                      "wall_clock_seconds",
                                      sgr_json_num(runs[r]->summary, "wall_clock_seconds")));
    }
    sgr_report_doc_table_end(doc);
    double packet_end = sgr_json_num(runs[1]->summary, "simulated_time_s");
    json_object_set_new(t, "packet_over_flow", json_real(packet_end / flow_end));
    json_object_set_new(t, "within_5_percent",
                        json_boolean(fabs(packet_end / flow_end - 1) <= WITHIN));
    json_object_set_new(cx->out, "simulated_time", t);
}

static int write_all(cm_ctx *cx, const cm_run *runs, size_t nruns, const cm_run *probe,
                     sgr_report_doc *doc)
{
    static const char *const all_names[] = {"flow", "packet", "flow, ns-3 platform"};
    const cm_run *order[3] = {&runs[0], &runs[1], nruns > 2 ? &runs[2] : NULL};
    const char *family = json_string_value(json_object_get(runs[0].summary, "family"));
    json_object_set_new(cx->out, "family", json_string(family ? family : "?"));
    sgr_report_doc_para(
        doc,
        "Family %s, scenario %s: flow level is SimGrid's bandwidth sharing "
        "(%s), packet level is ns-3 3.37 through SimGrid's binding. %s",
        family ? family : "?", json_string_value(json_object_get(runs[0].summary, "scenario")),
        json_string_value(json_object_get(
            json_object_get(json_object_get(runs[0].summary, "config"), "simulation"),
            "network_model")),
        nruns > 2 ? "\"flow, ns-3 platform\" is flow level on the platform "
                    "written for ns-3, whose routes are ns-3's (spine 0 "
                    "between leaves): its gap to flow is routing, its gap to "
                    "packet is the model."
                  : "");
    time_section(cx, order, all_names, nruns, doc);
    if (time_plot(cx, order, all_names, nruns, doc) < 0)
        return SGR_REPORT_EFAIL;
    results_section(cx, &runs[0], &runs[1], doc);
    metrics_section(cx, &runs[0], &runs[1], doc);
    if (probe && probe_section(cx, &probe[0], &probe[1], doc) < 0)
        return SGR_REPORT_EFAIL;
    return 0;
}

int sgr_compare_write(const char *dir, const sgr_compare_dirs *dirs, sgr_err *err)
{
    cm_run runs[3] = {0}, probe[2] = {0};
    const char *run_dirs[3] = {dirs->flow, dirs->packet, dirs->same_routes};
    size_t nruns = dirs->same_routes ? 3 : 2;
    bool with_probe = dirs->probe_flow && dirs->probe_packet;
    cm_ctx cx = {.dir = dir, .err = err, .out = json_object()};
    int rc = SGR_REPORT_EINPUT;
    for (size_t r = 0; r < nruns; r++)
        if (run_load(&runs[r], run_dirs[r], err) < 0)
            goto out;
    if (with_probe && (run_load(&probe[0], dirs->probe_flow, err) < 0 ||
                       run_load(&probe[1], dirs->probe_packet, err) < 0))
        goto out;
    rc = SGR_REPORT_EFAIL;
    if (!(cx.gnuplot = sgr_report_find_gnuplot())) {
        sgr_fail(err, "gnuplot not found on PATH (Debian: gnuplot-nox)");
        goto out;
    }
    sgr_report_doc *doc = sgr_report_doc_open(dir, "Flow level against packet level", err);
    if (!doc)
        goto out;
    if (write_all(&cx, runs, nruns, with_probe ? probe : NULL, doc) < 0) {
        sgr_report_doc_close(doc, NULL);
        goto out;
    }
    if (sgr_report_doc_close(doc, err) < 0)
        goto out;
    char path[4096];
    snprintf(path, sizeof path, "%s/comparison.json", dir);
    if (sgr_json_write_atomic(path, cx.out, err) < 0)
        goto out;
    rc = 0;
out:
    for (size_t r = 0; r < 3; r++)
        run_free(&runs[r]);
    run_free(&probe[0]);
    run_free(&probe[1]);
    json_decref(cx.out);
    free(cx.gnuplot);
    return rc;
}
