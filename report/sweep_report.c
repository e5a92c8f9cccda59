/* simgrad sweep report: results.csv to plots of each metric against each swept key (mean over
 * replicas with a 95% Student-t interval, one line per combination of the other keys) and
 * report.md/report.html, drawn with the report's figure and document helpers. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "simgrad/report.h"
#include "simgrad/run.h"
#include "simgrad/scenario.h"
#include "simgrad/sweep_report.h"
#include "simgrad/units.h"
#include "report/report_internal.h"

enum { MAX_PLOTS = 64 };

/* results.csv as text: every cell unquoted, with whether it was quoted (a JSON string). */
typedef struct table {
    size_t ncols, nrows;
    char **names;
    char **cells; /* row-major */
    bool *quoted;
    size_t first_key, nkeys; /* swept keys: the columns between "run" and "seed" */
    int complete;            /* the "complete" column */
} table;

/* What is plotted against one swept key: its distinct values and where they sit on the axis. */
typedef struct axis {
    int col;
    size_t n;
    const char **values; /* distinct values, in results.csv order */
    double *x;
    bool numeric, logscale;
    char label[256];
} axis;

/* ---- results.csv ------------------------------------------------------------------------- */

/* Split line into fields in place (CSV: "..." quotes, "" inside them). Returns the count. */
static size_t split_fields(char *line, char **out, bool *quoted, size_t max)
{
    size_t n = 0;
    char *s = line;
    while (n < max) {
        char *w = s;
        out[n] = w;
        quoted[n] = *s == '"';
        if (quoted[n]) {
            for (s++; *s && !(s[0] == '"' && s[1] != '"'); s++, w++) {
                if (s[0] == '"')
                    s++;
                *w = *s;
            }
            if (*s == '"')
                s++;
        } else {
            while (*s && *s != ',')
                *w++ = *s++;
        }
        char sep = *s;
        *w = '\0';
        n++;
        if (sep != ',')
            break;
        s++;
    }
    return n;
}

static int col_index(const table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->names[i], name) == 0)
            return (int)i;
    return -1;
}

static const char *cell(const table *t, size_t row, int col)
{
    return t->cells[row * t->ncols + (size_t)col];
}

static void table_free(table *t)
{
    for (size_t i = 0; t->names && i < t->ncols; i++)
        free(t->names[i]);
    for (size_t i = 0; t->cells && i < t->ncols * t->nrows; i++)
        free(t->cells[i]);
    free(t->names);
    free(t->cells);
    free(t->quoted);
}

static int table_add_row(table *t, char **fields, const bool *quoted)
{
    size_t base = t->nrows * t->ncols;
    char **cells = realloc(t->cells, (base + t->ncols) * sizeof *cells);
    bool *q = cells ? realloc(t->quoted, (base + t->ncols) * sizeof *q) : NULL;
    if (cells)
        t->cells = cells;
    if (!q)
        return -1;
    t->quoted = q;
    for (size_t i = 0; i < t->ncols; i++) {
        t->cells[base + i] = strdup(fields[i]);
        t->quoted[base + i] = quoted[i];
    }
    t->nrows++;
    return 0;
}

static int table_header(table *t, char **fields, size_t n, const char *path, sgr_err *err)
{
    t->ncols = n;
    t->names = calloc(n, sizeof *t->names);
    for (size_t i = 0; t->names && i < n; i++)
        t->names[i] = strdup(fields[i]);
    int seed = col_index(t, "seed");
    t->complete = col_index(t, "complete");
    if (n < 3 || strcmp(t->names[0], "run") != 0 || seed < 1 || t->complete < 0)
        return sgr_fail(err,
                        "%s: not a sweep's results.csv (expected the columns run, the "
                        "swept keys, seed, complete, ...)",
                        path);
    t->first_key = 1;
    t->nkeys = (size_t)seed - 1;
    return 0;
}

static int table_load(table *t, const char *path, sgr_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return sgr_fail(err, "%s: cannot read: %s", path, strerror(errno));
    char *line = NULL, **fields = NULL;
    bool *quoted = NULL;
    size_t cap = 0, max = 0;
    int rc = 0;
    for (ssize_t len; rc == 0 && (len = getline(&line, &cap, f)) > 0;) {
        line[strcspn(line, "\r\n")] = '\0';
        if ((size_t)len + 1 > max) { /* a line has at most len + 1 fields */
            max = (size_t)len + 1;
            free(fields);
            free(quoted);
            fields = malloc(max * sizeof *fields);
            quoted = malloc(max * sizeof *quoted);
        }
        size_t n = split_fields(line, fields, quoted, max);
        if (!t->names)
            rc = table_header(t, fields, n, path, err);
        else if (n != t->ncols)
            rc = sgr_fail(err, "%s: row %zu has %zu cells, the header %zu", path, t->nrows + 2, n,
                          t->ncols);
        else if (table_add_row(t, fields, quoted) < 0)
            rc = sgr_fail(err, "out of memory");
    }
    if (rc == 0 && !t->names)
        rc = sgr_fail(err, "%s: empty", path);
    free(line);
    free(fields);
    free(quoted);
    fclose(f);
    return rc;
}

static bool row_complete(const table *t, size_t r)
{
    return strcmp(cell(t, r, t->complete), "true") == 0;
}

/* ---- axes -------------------------------------------------------------------------------- */

typedef struct display_unit {
    double per_base; /* display value = base value * per_base */
    const char *name;
} display_unit;

/* Candidate display units, largest first, for a quantity key type. */
static const display_unit *units_for(sgr_key_type type, sgr_unit_kind *kind)
{
    static const display_unit bw[] = {{8e-12, "Tb/s"}, {8e-9, "Gb/s"}, {8e-6, "Mb/s"},
                                      {8e-3, "kb/s"},  {8, "b/s"},     {0, NULL}};
    static const display_unit time[] = {{1, "s"}, {1e3, "ms"}, {1e6, "us"}, {1e9, "ns"}, {0, NULL}};
    static const display_unit speed[] = {
        {1e-12, "Tflop/s"}, {1e-9, "Gflop/s"}, {1e-6, "Mflop/s"}, {1, "flop/s"}, {0, NULL}};
    static const display_unit size[] = {
        {1e-9, "GB"}, {1e-6, "MB"}, {1e-3, "kB"}, {1, "B"}, {0, NULL}};
    switch (type) {
    case SGR_T_BW:
        return *kind = SGR_UNIT_BANDWIDTH, bw;
    case SGR_T_TIME:
        return *kind = SGR_UNIT_TIME, time;
    case SGR_T_SPEED:
        return *kind = SGR_UNIT_SPEED, speed;
    case SGR_T_SIZE:
        return *kind = SGR_UNIT_SIZE, size;
    default:
        return NULL;
    }
}

/* The key's values as numbers in its base unit; false if any is not a number. */
static bool axis_numbers(axis *a, const sgr_key *key, const table *t, sgr_unit_kind *kind,
                         const display_unit **units)
{
    *units = key ? units_for(key->type, kind) : NULL;
    for (size_t i = 0; i < a->n; i++) {
        char *end;
        a->x[i] = strtod(a->values[i], &end);
        bool plain = *a->values[i] && !*end;
        sgr_err err;
        if (!plain && !(*units && sgr_unit_parse(*kind, a->values[i], &a->x[i], &err) == 0))
            return false;
    }
    return true;
}

/* A unit for a plain number key, from its type and the first word of its doc. */
static const char *plain_unit(const sgr_key *key)
{
    if (!key)
        return "as in the scenario";
    if (key->doc && strncmp(key->doc, "Probability", 11) == 0)
        return "probability";
    if (key->doc && strncmp(key->doc, "Fraction", 8) == 0)
        return "fraction";
    return key->type == SGR_T_INT ? "count" : "dimensionless";
}

/* Numbers: display unit, log scale when they span a factor 20 or more. */
static void axis_numeric(axis *a, const char *name, const sgr_key *key, const display_unit *units)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < a->n; i++)
        lo = fmin(lo, a->x[i]), hi = fmax(hi, a->x[i]);
    const char *unit = plain_unit(key);
    if (units) {
        size_t u = 0;
        while (units[u + 1].name && hi * units[u].per_base < 1)
            u++;
        for (size_t i = 0; i < a->n; i++)
            a->x[i] *= units[u].per_base;
        lo *= units[u].per_base, hi *= units[u].per_base;
        unit = units[u].name;
    }
    a->logscale = lo > 0 && hi / lo >= 20;
    snprintf(a->label, sizeof a->label, "%s (%s%s)", name, unit, a->logscale ? ", log scale" : "");
}

static int axis_build(axis *a, const table *t, int col)
{
    memset(a, 0, sizeof *a);
    a->col = col;
    a->values = calloc(t->nrows + 1, sizeof *a->values);
    a->x = calloc(t->nrows + 1, sizeof *a->x);
    if (!a->values || !a->x)
        return -1;
    for (size_t r = 0; r < t->nrows; r++) {
        size_t i = 0;
        while (i < a->n && strcmp(a->values[i], cell(t, r, col)) != 0)
            i++;
        if (i == a->n)
            a->values[a->n++] = cell(t, r, col);
    }
    const char *name = t->names[col];
    const sgr_key *key = sgr_schema_find(name, sgr_family_key_tables);
    sgr_unit_kind kind;
    const display_unit *units;
    a->numeric = axis_numbers(a, key, t, &kind, &units);
    if (a->numeric) {
        axis_numeric(a, name, key, units);
    } else {
        for (size_t i = 0; i < a->n; i++)
            a->x[i] = (double)i;
        snprintf(a->label, sizeof a->label, "%s (values as given in the sweep file)", name);
    }
    return 0;
}

static void axis_free(axis *a)
{
    free(a->values);
    free(a->x);
}

/* ---- statistics -------------------------------------------------------------------------- */

typedef struct stats {
    size_t n;
    double mean, half; /* half-width of the 95% interval; 0 when n < 2 */
} stats;

static stats stats_of(const double *v, size_t n)
{
    stats s = {n, NAN, 0};
    if (n == 0)
        return s;
    double sum = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    s.mean = sum / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - s.mean) * (v[i] - s.mean);
    if (n > 1)
        s.half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sqrt(ss / (double)(n - 1)) /
                 sqrt((double)n);
    if (s.half <= 1e-12 * fabs(s.mean)) /* equal values, up to rounding */
        s.half = 0;
    return s;
}

/* The label of row r's combination of the swept keys other than `except` (-1: none), as
 * "key=value, ..." ("" when there is no other key). */
static void others_label(char *buf, size_t size, const table *t, size_t r, int except)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t k = t->first_key; k < t->first_key + t->nkeys && len < size; k++)
        if ((int)k != except)
            len += (size_t)snprintf(buf + len, size - len, "%s%s=%s", len ? ", " : "", t->names[k],
                                    cell(t, r, (int)k));
}

/* Mean and interval of column `metric` over the complete rows whose key `col` is value and
 * whose other keys are those of `label` (others_label). */
static stats group_stats(const table *t, int metric, int col, const char *value, int except,
                         const char *label, double *buf)
{
    size_t n = 0;
    char other[1024];
    for (size_t r = 0; r < t->nrows; r++) {
        if (!row_complete(t, r) || (col >= 0 && strcmp(cell(t, r, col), value) != 0))
            continue;
        others_label(other, sizeof other, t, r, except);
        char *end;
        double v = strtod(cell(t, r, metric), &end);
        if (strcmp(other, label) == 0 && *cell(t, r, metric) && !*end)
            buf[n++] = v;
    }
    return stats_of(buf, n);
}

/* ---- plots ------------------------------------------------------------------------------- */

typedef struct sweep_ctx {
    const char *dir, *gnuplot;
    const table *t;
    size_t replicas;
    const char *const *counts; /* the family's result fields that are counts, or NULL */
    sgr_report_plot plots[MAX_PLOTS];
    size_t nplots;
    double *buf; /* one value per row */
    sgr_err *err;
} sweep_ctx;

/* The unit of a results.csv column, from the conventions of the families' results. */
static const char *metric_unit(const sweep_ctx *c, const char *metric)
{
    const char *field = strrchr(metric, '.');
    field = field ? field + 1 : metric;
    size_t len = strlen(field);
    if (strcmp(field, "wall_clock_seconds") == 0)
        return "wall-clock s";
    if (strcmp(field, "peak_rss_mb") == 0)
        return "MB";
    if ((len > 2 && strcmp(field + len - 2, "_s") == 0) || strstr(field, "seconds"))
        return "simulated s";
    if (strstr(field, "_vs_"))
        return "ratio";
    if (strstr(field, "accuracy"))
        return "fraction correct";
    if (strstr(field, "bytes"))
        return "bytes";
    if (strstr(field, "loss"))
        return "training loss";
    static const char *const counts[] = {"rounds", "waits", "workers",  "jobs",    "gradients",
                                         "nodes",  "edges", "events",   "dropped", "failures",
                                         "seed",   "hops",  "messages", NULL};
    for (const char *const *k = counts; *k; k++)
        if (strstr(field, *k))
            return "count";
    for (const char *const *k = c->counts; k && *k; k++) /* the family's own */
        if (strstr(field, *k))
            return "count";
    return "dimensionless";
}

static void plot_name(char *buf, size_t size, const char *metric, const char *key)
{
    snprintf(buf, size, "sweep_%s_vs_%s", metric, key);
    for (char *s = buf; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-'))
            *s = '_';
}

/* x of value i for line g of ng: offset a little so the intervals do not hide each other. */
static double jittered(const axis *a, size_t i, size_t g, size_t ng)
{
    double k = (double)g - (double)(ng - 1) / 2;
    if (ng < 2 || a->n < 2)
        return a->x[i];
    if (!a->numeric)
        return a->x[i] + 0.05 * k;
    double lo = a->x[0], hi = a->x[0];
    for (size_t j = 1; j < a->n; j++)
        lo = fmin(lo, a->x[j]), hi = fmax(hi, a->x[j]);
    if (a->logscale)
        return a->x[i] * exp(0.01 * k * log(hi / lo));
    return a->x[i] + 0.01 * k * (hi - lo);
}

static void axis_tics(sgr_report_figure *f, const axis *a)
{
    /* one entry a line: side by side, the entries run into the x label */
    sgr_report_figure_line(f, "set key below left Left reverse maxcols 1 height 1.5");
    double lo = a->x[0], hi = a->x[0];
    for (size_t i = 1; i < a->n; i++)
        lo = fmin(lo, a->x[i]), hi = fmax(hi, a->x[i]);
    if (!a->numeric)
        sgr_report_figure_line(f, "set xrange [-0.5:%g]", (double)a->n - 0.5);
    else if (a->logscale)
        sgr_report_figure_line(f, "set logscale x\nset xrange [%.10g:%.10g]",
                               lo / pow(hi / lo, 0.08), hi * pow(hi / lo, 0.08));
    else if (hi > lo)
        sgr_report_figure_line(f, "set xrange [%.10g:%.10g]", lo - 0.08 * (hi - lo),
                               hi + 0.08 * (hi - lo));
    sgr_report_figure_line(f, "set offsets 0, 0, graph 0.05, graph 0.05");
    if (a->n > 12)
        return;
    sgr_report_figure_line(f, "set xtics (%s", "\\");
    for (size_t i = 0; i < a->n; i++)
        sgr_report_figure_line(f, "  '%s' %.10g%s", a->values[i], a->x[i],
                               i + 1 < a->n ? ", \\" : ")");
}

/* The distinct labels of the other keys' combinations, in results.csv order. */
static size_t other_groups(const table *t, int except, char (*labels)[1024], size_t max)
{
    size_t n = 0;
    char other[1024];
    for (size_t r = 0; r < t->nrows; r++) {
        others_label(other, sizeof other, t, r, except);
        size_t i = 0;
        while (i < n && strcmp(labels[i], other) != 0)
            i++;
        if (i == n && n < max)
            snprintf(labels[n++], sizeof *labels, "%s", other);
    }
    return n;
}

/* Every point of the figure equal (one combination, or a metric the keys do not change):
 * gnuplot cannot autoscale an empty range, so give it one around the value. */
static void flat_yrange(sgr_report_figure *f, double lo, double hi)
{
    if (!(hi - lo <= 1e-12 * fmax(fabs(lo), fabs(hi))))
        return;
    double pad = lo != 0 ? 0.05 * fabs(lo) : 1;
    sgr_report_figure_line(f, "set yrange [%.10g:%.10g]", lo - pad, hi + pad);
}

static void plot_lines(sweep_ctx *c, sgr_report_figure *f, const axis *a, int metric,
                       const char *name, char (*groups)[1024], size_t ng)
{
    double ylo = INFINITY, yhi = -INFINITY;
    for (size_t g = 0; g < ng; g++) {
        int b = sgr_report_figure_block(f, groups[g][0] ? groups[g] : "all runs",
                                        "x mean ci_low ci_high replicas");
        size_t points = 0;
        for (size_t i = 0; i < a->n; i++) {
            stats s = group_stats(c->t, metric, a->col, a->values[i], a->col, groups[g], c->buf);
            if (s.n == 0)
                continue;
            fprintf(sgr_report_figure_data(f), "%.10g %.10g %.10g %.10g %zu\n",
                    jittered(a, i, g, ng), s.mean, s.mean - s.half, s.mean + s.half, s.n);
            ylo = fmin(ylo, s.mean - s.half), yhi = fmax(yhi, s.mean + s.half);
            points++;
        }
        if (points == 0)
            continue;
        char spec[256];
        snprintf(spec, sizeof spec,
                 "'%s.dat' index %d using 1:2:3:4 with yerrorlines lt %zu pt 7 ps 0.9 lw 1.8", name,
                 b, g + 1);
        sgr_report_figure_series(f, spec, groups[g][0] ? groups[g] : "mean over replicas");
    }
    flat_yrange(f, ylo, yhi);
}

static int plot_metric_vs_key(sweep_ctx *c, const char *metric_name, int metric, int col)
{
    axis a;
    char name[64], title[512], ylabel[300];
    char(*groups)[1024] = calloc(c->t->nrows + 1, sizeof *groups);
    if (!groups || axis_build(&a, c->t, col) < 0) {
        free(groups);
        return sgr_fail(c->err, "out of memory");
    }
    size_t ng = other_groups(c->t, col, groups, c->t->nrows + 1);
    plot_name(name, sizeof name, metric_name, c->t->names[col]);
    snprintf(title, sizeof title, "%s vs %s: mean over %zu replica%s, 95%% confidence interval",
             metric_name, c->t->names[col], c->replicas, c->replicas == 1 ? "" : "s");
    snprintf(ylabel, sizeof ylabel, "%s (%s)", metric_name, metric_unit(c, metric_name));
    sgr_report_figure *f =
        sgr_report_figure_open(c->dir, c->gnuplot, name, title, a.label, ylabel, c->err);
    int rc = -1;
    if (f) {
        axis_tics(f, &a);
        plot_lines(c, f, &a, metric, name, groups, ng);
        char caption[256];
        snprintf(caption, sizeof caption, "%.140s%s", title,
                 ng > 1 ? "; one line per value of the other swept keys, offset slightly in x so "
                          "the intervals stay visible"
                        : "");
        sgr_report_plot *out = c->nplots < MAX_PLOTS ? &c->plots[c->nplots] : NULL;
        rc = sgr_report_figure_finish(f, caption, out);
        if (rc == 0 && out && out->name[0])
            c->nplots++;
    }
    axis_free(&a);
    free(groups);
    return rc;
}

/* ---- the document ------------------------------------------------------------------------ */

static size_t count_complete(const table *t)
{
    size_t n = 0;
    for (size_t r = 0; r < t->nrows; r++)
        n += row_complete(t, r);
    return n;
}

static void write_intro(sgr_report_doc *d, const sweep_ctx *c)
{
    const table *t = c->t;
    char keys[2048];
    size_t len = 0;
    keys[0] = '\0';
    for (size_t k = t->first_key; k < t->first_key + t->nkeys && len < sizeof keys; k++) {
        axis a;
        if (axis_build(&a, t, (int)k) < 0)
            continue;
        len += (size_t)snprintf(keys + len, sizeof keys - len, "%s%s (%zu values)", len ? ", " : "",
                                t->names[k], a.n);
        axis_free(&a);
    }
    sgr_report_doc_para(d,
                        "%zu runs, %zu complete: a grid over %s, %zu replica%s (seeds) per "
                        "combination. results.csv has one row per run. Means and their 95%% "
                        "Student-t confidence intervals are over the complete replicas; times "
                        "are simulated seconds unless labelled wall-clock.",
                        t->nrows, count_complete(t), t->nkeys ? keys : "no key", c->replicas,
                        c->replicas == 1 ? "" : "s");
}

static void write_means(sgr_report_doc *d, const sweep_ctx *c, const int *mcols,
                        const char *const *metrics, size_t nm)
{
    const table *t = c->t;
    size_t nc = t->nkeys + 1 + nm;
    const char **head = calloc(nc + 1, sizeof *head);
    char(*cells)[SGR_REPORT_CELL] = calloc(nc, sizeof *cells);
    char(*groups)[1024] = calloc(t->nrows + 1, sizeof *groups);
    char(*heads)[SGR_REPORT_CELL] = calloc(nm, sizeof *heads);
    if (!head || !cells || !groups || !heads)
        goto out;
    for (size_t k = 0; k < t->nkeys; k++)
        head[k] = t->names[t->first_key + k];
    head[t->nkeys] = "complete runs";
    for (size_t m = 0; m < nm; m++) {
        snprintf(heads[m], SGR_REPORT_CELL, "%s (%s), mean ± 95%% CI", metrics[m],
                 metric_unit(c, metrics[m]));
        head[t->nkeys + 1 + m] = heads[m];
    }
    sgr_report_doc_table(d, head);
    size_t ng = other_groups(t, -1, groups, t->nrows + 1);
    for (size_t g = 0; g < ng; g++) {
        size_t row = 0, total = 0;
        char other[1024];
        for (size_t r = 0; r < t->nrows; r++) {
            others_label(other, sizeof other, t, r, -1);
            if (strcmp(other, groups[g]) == 0 && total++ == 0)
                row = r;
        }
        for (size_t k = 0; k < t->nkeys; k++)
            snprintf(cells[k], SGR_REPORT_CELL, "%s", cell(t, row, (int)(t->first_key + k)));
        for (size_t m = 0; m < nm; m++) {
            stats s = group_stats(t, mcols[m], -1, NULL, -1, groups[g], c->buf);
            if (s.n == 0)
                snprintf(cells[t->nkeys + 1 + m], SGR_REPORT_CELL, "-");
            else
                snprintf(cells[t->nkeys + 1 + m], SGR_REPORT_CELL, "%.4g ± %.2g", s.mean, s.half);
            if (m == 0)
                snprintf(cells[t->nkeys], SGR_REPORT_CELL, "%zu of %zu", s.n, total);
        }
        sgr_report_doc_row(d, cells);
    }
    sgr_report_doc_table_end(d);
out:
    free(head);
    free(cells);
    free(groups);
    free(heads);
}

static int write_doc(sweep_ctx *c, const int *mcols, const char *const *metrics, size_t nm)
{
    sgr_report_doc *d = sgr_report_doc_open(c->dir, "simgrad sweep report", c->err);
    if (!d)
        return -1;
    write_intro(d, c);
    sgr_report_doc_heading(d, 2, "Means per combination");
    write_means(d, c, mcols, metrics, nm);
    sgr_report_doc_heading(d, 2, "Plots");
    sgr_report_doc_para(d, "Each plot is NAME.png and NAME.svg, drawn by gnuplot from NAME.gp "
                           "and NAME.dat in this directory: edit the script and run \"gnuplot "
                           "NAME.gp\" here to re-render. Error bars: 95%% confidence interval of "
                           "the mean over replicas (none with a single replica).");
    if (c->t->nkeys == 0)
        sgr_report_doc_para(d, "The grid has no key: nothing to plot against.");
    for (size_t i = 0; i < c->nplots; i++)
        sgr_report_doc_image(d, &c->plots[i]);
    return sgr_report_doc_close(d, c->err);
}

/* ---- entry ------------------------------------------------------------------------------- */

/* Replicas per combination: the largest number of rows sharing one combination. */
static size_t replicas_of(const table *t)
{
    size_t best = 0;
    char a[1024], b[1024];
    for (size_t r = 0; r < t->nrows; r++) {
        size_t n = 0;
        others_label(a, sizeof a, t, r, -1);
        for (size_t q = 0; q < t->nrows; q++) {
            others_label(b, sizeof b, t, q, -1);
            n += strcmp(a, b) == 0;
        }
        best = n > best ? n : best;
    }
    return best;
}

static int check_metrics(const table *t, const char *path, const char *const *metrics, size_t nm,
                         int *mcols, sgr_err *err)
{
    size_t first = t->first_key + t->nkeys + 1; /* after "complete" */
    for (size_t m = 0; m < nm; m++) {
        mcols[m] = col_index(t, metrics[m]);
        if (mcols[m] >= (int)first)
            continue;
        char list[600];
        size_t len = 0;
        list[0] = '\0';
        for (size_t i = first; i < t->ncols && len < sizeof list - 8; i++)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "",
                                    t->names[i]);
        return sgr_fail(err, "%s: metric \"%s\" is not one of its result columns (%s)", path,
                        metrics[m], list);
    }
    return 0;
}

static int plot_all(sweep_ctx *c, const int *mcols, const char *const *metrics, size_t nm)
{
    const table *t = c->t;
    for (size_t k = t->first_key; k < t->first_key + t->nkeys; k++)
        for (size_t m = 0; m < nm; m++)
            if (plot_metric_vs_key(c, metrics[m], mcols[m], (int)k) < 0)
                return -1;
    return 0;
}

int sgr_sweep_report_write(const char *dir, const char *const *metrics, size_t nmetrics,
                           const char *const *counts, sgr_err *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/results.csv", dir);
    table t = {0};
    int *mcols = calloc(nmetrics + 1, sizeof *mcols);
    sweep_ctx c = {.dir = dir, .t = &t, .counts = counts, .err = err};
    int rc = SGR_REPORT_EINPUT;
    if (!mcols || table_load(&t, path, err) < 0 ||
        check_metrics(&t, path, metrics, nmetrics, mcols, err) < 0)
        goto out;
    rc = SGR_REPORT_EFAIL;
    c.replicas = replicas_of(&t);
    c.buf = calloc(t.nrows + 1, sizeof *c.buf);
    if (!(c.gnuplot = sgr_report_find_gnuplot())) {
        sgr_fail(err, "gnuplot not found on PATH: the sweep report's plots need it; install it "
                      "(Debian: apt-get install gnuplot-nox, which tools/setup.sh does)");
        goto out;
    }
    if (c.buf && plot_all(&c, mcols, metrics, nmetrics) == 0 &&
        write_doc(&c, mcols, metrics, nmetrics) == 0)
        rc = 0;
out:
    free((char *)c.gnuplot);
    free(c.buf);
    free(mcols);
    table_free(&t);
    return rc;
}
