/* simgrad report: the fabric family's plots. Completion time and maximum congestion per
 * (collective, path policy) as grouped bars with ideal spraying marked; the per-step congestion
 * of one collective against its balls-into-bins expectation, one panel per run; and one
 * heatmap figure per run of the leaf-up links' utilization, one panel per policy on a shared
 * colour scale. A policy has the same colour in every plot. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "families/fabric/report.h"

enum { MAX_NAMES = 16, LINK_TIER_LEAF_UP = 2 };

/* One group of bars: a collective of a run. */
typedef struct cluster {
    size_t run, coll;
} cluster;

typedef struct fabric_plotter {
    const char *dir, *gnuplot;
    sgr_report_run *runs;
    size_t n;
    sgr_report_plot *plots;
    size_t nplots;
    sgr_err *err;
    /* every collective and policy of every run, in order of first appearance */
    const char *colls[MAX_NAMES], *policies[MAX_NAMES];
    size_t ncolls, npolicies;
    cluster *clusters; /* every (run, collective) the run has, run by run */
    size_t nclusters;
} fabric_plotter;

/* The same policy has the same colour everywhere (the report's linetypes 1-8). */
static int policy_colour(const char *policy)
{
    static const char *const known[] = {"ecmp", "spray", "ksplit", "planned"};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strcmp(known[i], policy) == 0)
            return (int)i + 1;
    return 6;
}

static const char *pair_str(const json_t *pair, const char *key)
{
    const char *s = json_string_value(json_object_get(pair, key));
    return s ? s : "?";
}

static json_t *pairs_of(const sgr_report_run *run)
{
    return json_object_get(run->results, "pairs");
}

static const json_t *find_pair(const sgr_report_run *run, const char *coll, const char *policy)
{
    json_t *pair;
    size_t i;
    json_array_foreach(pairs_of(run), i, pair)
    {
        if (strcmp(pair_str(pair, "collective"), coll) == 0 &&
            strcmp(pair_str(pair, "policy"), policy) == 0)
            return pair;
    }
    return NULL;
}

static bool run_has(const sgr_report_run *run, const char *coll)
{
    json_t *pair;
    size_t i;
    json_array_foreach(pairs_of(run), i, pair)
    {
        if (strcmp(pair_str(pair, "collective"), coll) == 0)
            return true;
    }
    return false;
}

/* Index of name in results[key] (collective_codes, policy_codes), or -1. */
static int code_of(const sgr_report_run *run, const char *key, const char *name)
{
    json_t *codes = json_object_get(run->results, key), *c;
    size_t i;
    json_array_foreach(codes, i, c)
    {
        if (json_string_value(c) && strcmp(json_string_value(c), name) == 0)
            return (int)i;
    }
    return -1;
}

static void add_name(const char **names, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(names[i], name) == 0)
            return;
    if (*n < MAX_NAMES)
        names[(*n)++] = name;
}

const char *sgr_fabric_report_focus(const sgr_report_run *runs, size_t n)
{
    if (n == 0 || json_array_size(pairs_of(&runs[0])) == 0)
        return "";
    const char *best = NULL;
    double best_steps = -1;
    json_t *pair;
    size_t i;
    json_array_foreach(pairs_of(&runs[0]), i, pair)
    {
        const char *coll = pair_str(pair, "collective");
        double steps = sgr_json_num(pair, "steps");
        if (strcmp(coll, "all-to-all") == 0)
            return coll;
        if (!best || steps > best_steps) {
            best = coll;
            best_steps = steps;
        }
    }
    return best;
}

/* text in a gnuplot single-quoted string: a quote doubled. */
static void gp_quote(char *out, size_t size, const char *text)
{
    size_t k = 0;
    for (; *text && k + 2 < size; text++) {
        if (*text == '\'')
            out[k++] = '\'';
        out[k++] = *text;
    }
    out[k] = '\0';
}

/* Keep what figure_finish rendered. Returns its result. */
static int keep(fabric_plotter *fp, sgr_report_figure *f, const char *caption)
{
    sgr_report_plot out;
    if (sgr_report_figure_finish(f, caption, &out) < 0)
        return -1;
    if (out.name[0] && fp->nplots < SGR_REPORT_MAX_PLOTS)
        fp->plots[fp->nplots++] = out;
    return 0;
}

/* "run 2" in tick labels when several runs share a plot; the legend says what it is. */
static void run_legend(fabric_plotter *fp, sgr_report_figure *f)
{
    for (size_t r = 0; fp->n > 1 && r < fp->n; r++) {
        char title[256];
        snprintf(title, sizeof title, "run %zu = %s", r + 1, fp->runs[r].label);
        sgr_report_figure_series(f, "keyentry with lines lc rgb '#ffffff'", title);
    }
}

/* ---- grouped bars: one cluster per (run, collective), one bar per policy ---------------- */

typedef enum { BARS_TIME, BARS_CONGESTION } bars_kind;

/* x of a policy's bar in cluster k: the same offset for the same policy in every cluster. */
static double bar_x(const fabric_plotter *fp, size_t cluster, size_t policy)
{
    return (double)cluster * ((double)fp->npolicies + 1) + (double)policy;
}

static double bar_value(const json_t *pair, bars_kind kind)
{
    return sgr_json_num(pair, kind == BARS_TIME ? "time_s" : "max_congestion");
}

/* The ideal spraying reference of a (run, collective): the spray policy's completion time, or
 * the spraying bound on the congestion. NAN when unknown. */
static double spray_reference(const sgr_report_run *run, const char *coll, bars_kind kind)
{
    const json_t *spray = find_pair(run, coll, "spray");
    if (kind == BARS_TIME) {
        if (spray)
            return sgr_json_num(spray, "time_s");
        json_t *pair;
        size_t i;
        json_array_foreach(pairs_of(run), i, pair)
        {
            double t = sgr_json_num(pair, "time_s"), ratio = sgr_json_num(pair, "time_vs_spray");
            if (strcmp(pair_str(pair, "collective"), coll) == 0 && ratio > 0)
                return t / ratio;
        }
        return NAN;
    }
    double bound = NAN;
    json_t *pair;
    size_t i;
    json_array_foreach(pairs_of(run), i, pair)
    {
        if (strcmp(pair_str(pair, "collective"), coll) == 0)
            bound = fmax(isnan(bound) ? -INFINITY : bound, sgr_json_num(pair, "spray_bound_max"));
    }
    return isinf(bound) ? NAN : bound;
}

/* Seconds shown in the unit that keeps the numbers short. */
static double time_unit(double max_s, const char **unit)
{
    if (max_s < 1e-3) {
        *unit = "µs";
        return 1e6;
    }
    if (max_s < 1) {
        *unit = "ms";
        return 1e3;
    }
    *unit = "s";
    return 1;
}

/* Range of the bars' values; a log axis when it spans more than a factor 30. */
static void bars_axis(fabric_plotter *fp, sgr_report_figure *f, bars_kind kind, double scale)
{
    double lo = INFINITY, hi = 0;
    for (size_t r = 0; r < fp->n; r++) {
        json_t *pair;
        size_t i;
        json_array_foreach(pairs_of(&fp->runs[r]), i, pair)
        {
            double v = bar_value(pair, kind) * scale;
            if (v > 0) {
                lo = fmin(lo, v);
                hi = fmax(hi, v);
            }
        }
    }
    if (hi > 0 && hi / lo > 30) {
        sgr_report_figure_line(f, "set logscale y\nset yrange [%.6g:%.6g]", lo / 2, hi * 3);
        sgr_report_figure_line(f, "set format y '%%g'");
    } else {
        sgr_report_figure_line(f, "set yrange [0:%.6g]", hi > 0 ? hi * 1.18 : 1);
    }
}

/* Tick labels: the collective under each cluster, and which run when there are several. */
static void bars_xtics(fabric_plotter *fp, sgr_report_figure *f)
{
    sgr_report_figure_line(f, "set xtics scale 0\nset xtics ()");
    for (size_t k = 0; k < fp->nclusters; k++) {
        const cluster *cl = &fp->clusters[k];
        double mid = bar_x(fp, k, 0) + ((double)fp->npolicies - 1) / 2;
        if (fp->n > 1)
            sgr_report_figure_line(f, "set xtics add (\"%s\\n(run %zu)\" %g)", fp->colls[cl->coll],
                                   cl->run + 1, mid);
        else
            sgr_report_figure_line(f, "set xtics add (\"%s\" %g)", fp->colls[cl->coll], mid);
    }
    sgr_report_figure_line(f, "set xrange [-0.8:%g]",
                           fp->nclusters ? bar_x(fp, fp->nclusters - 1, fp->npolicies - 1) + 0.8
                                         : 1.0);
}

/* One block per policy (x value, then time_vs_spray, or expected mean, expected sd and mean
 * per step), blocks[policy] its index; then the spraying marks (x y dx 0, one segment across
 * each cluster), *marks its index. Returns how many marks there are. */
static size_t bars_blocks(fabric_plotter *fp, sgr_report_figure *f, bars_kind kind, double scale,
                          int *blocks, int *marks)
{
    FILE *dat = sgr_report_figure_data(f);
    for (size_t p = 0; p < fp->npolicies; p++) {
        char what[128];
        snprintf(what, sizeof what, "policy %s, one row per (run, collective)", fp->policies[p]);
        blocks[p] = sgr_report_figure_block(
            f, what,
            kind == BARS_TIME ? "x time_scaled time_vs_spray"
                              : "x max_congestion expected_mean expected_sd mean_congestion");
        for (size_t k = 0; k < fp->nclusters; k++) {
            const sgr_report_run *run = &fp->runs[fp->clusters[k].run];
            const char *coll = fp->colls[fp->clusters[k].coll];
            const json_t *pair = find_pair(run, coll, fp->policies[p]);
            if (!pair)
                continue;
            double x = bar_x(fp, k, p), v = bar_value(pair, kind);
            if (kind == BARS_TIME) {
                double spray = spray_reference(run, coll, BARS_TIME);
                fprintf(dat, "%g %.10g %.6g\n", x, v * scale, spray > 0 ? v / spray : NAN);
            } else {
                fprintf(dat, "%g %.10g %.10g %.10g %.10g\n", x, v,
                        sgr_json_num(pair, "expected_mean_congestion"),
                        sgr_json_num(pair, "expected_sd_congestion"),
                        sgr_json_num(pair, "mean_congestion"));
            }
        }
    }
    *marks = sgr_report_figure_block(f, "ideal spraying, one segment per cluster", "x y dx dy");
    size_t nmarks = 0;
    for (size_t k = 0; k < fp->nclusters; k++) {
        const cluster *cl = &fp->clusters[k];
        double ref = spray_reference(&fp->runs[cl->run], fp->colls[cl->coll], kind) * scale;
        double x0 = bar_x(fp, k, 0) - 0.5, x1 = bar_x(fp, k, fp->npolicies - 1) + 0.5;
        if (ref > 0 && ++nmarks)
            fprintf(dat, "%g %.10g %g 0\n", x0, ref, x1 - x0);
    }
    return nmarks;
}

static bool any_expectation(const fabric_plotter *fp)
{
    for (size_t r = 0; r < fp->n; r++) {
        json_t *pair;
        size_t i;
        json_array_foreach(pairs_of(&fp->runs[r]), i, pair)
        {
            if (!isnan(sgr_json_num(pair, "expected_mean_congestion")))
                return true;
        }
    }
    return false;
}

/* Bars coloured by policy; on the time bars, time / spray's above those slower than spraying;
 * on the congestion bars, the mean per step and the expectation; the spraying marks. */
static void bars_series(fabric_plotter *fp, sgr_report_figure *f, const char *name, bars_kind kind,
                        const int *blocks, int marks, size_t nmarks)
{
    char spec[256];
    for (size_t p = 0; p < fp->npolicies; p++) {
        snprintf(spec, sizeof spec, "'%s.dat' index %d using 1:2 with boxes lt %d", name, blocks[p],
                 policy_colour(fp->policies[p]));
        sgr_report_figure_series(f, spec, fp->policies[p]);
    }
    bool expect = kind == BARS_CONGESTION && any_expectation(fp);
    for (size_t p = 0; p < fp->npolicies; p++) {
        if (kind == BARS_TIME) {
            snprintf(spec, sizeof spec,
                     "'%s.dat' index %d using 1:2:($3 > 1.005 ? sprintf('%%.2fx', $3) : '') "
                     "with labels offset 0,0.7 font ',9'",
                     name, blocks[p]);
            sgr_report_figure_series(f, spec, NULL);
            continue;
        }
        snprintf(spec, sizeof spec,
                 "'%s.dat' index %d using ($1-0.2):5 with points pt 7 ps 1.1 lc rgb '#000000'",
                 name, blocks[p]);
        sgr_report_figure_series(f, spec, p == 0 ? "mean over steps (simulated)" : NULL);
        if (!expect)
            continue;
        snprintf(spec, sizeof spec,
                 "'%s.dat' index %d using ($1+0.2):3:4 with yerrorbars pt 6 ps 1.3 lw 1.5 "
                 "lc rgb '#000000'",
                 name, blocks[p]);
        sgr_report_figure_series(
            f, spec,
            p == 0 ? "expected per step, balls into bins (mean +- sd; ecmp, ksplit)" : NULL);
    }
    if (nmarks) {
        snprintf(spec, sizeof spec,
                 "'%s.dat' index %d using 1:2:3:4 with vectors nohead lc rgb '#000000' dt 2 lw 2",
                 name, marks);
        sgr_report_figure_series(f, spec,
                                 kind == BARS_TIME
                                     ? "ideal packet spraying (the spray policy's time)"
                                     : "ideal spraying's bound (max over steps)");
    }
    run_legend(fp, f);
}

static int bars_plot(fabric_plotter *fp, bars_kind kind)
{
    const char *name = kind == BARS_TIME ? "fabric_time" : "fabric_congestion";
    const char *unit = "s";
    double max_s = 0, scale = 1;
    for (size_t r = 0; r < fp->n; r++) {
        json_t *pair;
        size_t i;
        json_array_foreach(pairs_of(&fp->runs[r]), i, pair)
        {
            max_s = fmax(max_s, sgr_json_num(pair, "time_s"));
        }
    }
    if (kind == BARS_TIME)
        scale = time_unit(max_s, &unit);
    char title[256], ylabel[128];
    if (kind == BARS_TIME) {
        snprintf(title, sizeof title,
                 "Completion time of each collective per path policy (simulated; label: "
                 "time / spray's)");
        snprintf(ylabel, sizeof ylabel, "completion time (simulated %s)", unit);
    } else {
        snprintf(title, sizeof title,
                 "Maximum link congestion per path policy (bars: max over the steps, simulated)");
        snprintf(ylabel, sizeof ylabel, "congestion (flows on the busiest switch link)");
    }
    sgr_report_figure *f =
        sgr_report_figure_open(fp->dir, fp->gnuplot, name, title, "collective", ylabel, fp->err);
    if (!f)
        return -1;
    sgr_report_figure_line(f, "set style fill solid 0.8 border -1\nset boxwidth 0.9\n"
                              "set grid noxtics ytics");
    if (fp->n > 1) /* below the two-line tick labels */
        sgr_report_figure_line(f, "set xlabel offset 0,-1");
    bars_axis(fp, f, kind, scale);
    bars_xtics(fp, f);
    int blocks[MAX_NAMES], marks;
    size_t nmarks = bars_blocks(fp, f, kind, scale, blocks, &marks);
    bars_series(fp, f, name, kind, blocks, marks, nmarks);
    return keep(fp, f, title);
}

/* ---- per-step congestion of the focus collective, one panel per run --------------------- */

/* One panel: congestion_sim per step for each policy, the expectation dashed, spraying's
 * bound dotted. Returns how many lines it draws. */
static size_t steps_panel(fabric_plotter *fp, sgr_report_figure *f, size_t r, const char *coll)
{
    const sgr_report_run *run = &fp->runs[r];
    const sgr_csv *c = &run->csv;
    int cc = sgr_csv_col(c, "collective"), pc = sgr_csv_col(c, "policy");
    int st = sgr_csv_col(c, "step"), sim = sgr_csv_col(c, "congestion_sim");
    int ex = sgr_csv_col(c, "congestion_expect"), sp = sgr_csv_col(c, "congestion_spray");
    int hs = sgr_csv_col(c, "hash_seed"); /* absent in older runs */
    int code = code_of(run, "collective_codes", coll);
    FILE *dat = sgr_report_figure_data(f);
    char clauses[8192] = "";
    size_t used = 0, lines = 0;
    int spray_block = -1;
    double last_step = 0;
    for (size_t p = 0; p < fp->npolicies && code >= 0; p++) {
        int pcode = code_of(run, "policy_codes", fp->policies[p]);
        char what[512];
        snprintf(what, sizeof what, "%s, %s under %s", run->label, coll, fp->policies[p]);
        int b = sgr_report_figure_block(f, what,
                                        "step congestion_sim congestion_expect "
                                        "congestion_spray");
        size_t rows = 0, expected = 0;
        for (size_t i = 0; i < c->nrows; i++) {
            if (sgr_csv_at(c, i, cc) != code || sgr_csv_at(c, i, pc) != pcode ||
                (hs >= 0 && sgr_csv_at(c, i, hs) != 0))
                continue; /* with several hash seeds, the first seed's steps */
            double e = sgr_csv_at(c, i, ex);
            fprintf(dat, "%g %.10g %.10g %.10g\n", sgr_csv_at(c, i, st), sgr_csv_at(c, i, sim), e,
                    sgr_csv_at(c, i, sp));
            rows++;
            expected += !isnan(e);
            last_step = fmax(last_step, sgr_csv_at(c, i, st));
        }
        if (rows == 0)
            continue;
        if (spray_block < 0)
            spray_block = b;
        int colour = policy_colour(fp->policies[p]);
        used += (size_t)snprintf(clauses + used, sizeof clauses - used,
                                 "%s'fabric_steps.dat' index %d using 1:2 with %s lt %d lw 2 "
                                 "title '%s (simulated)'",
                                 lines ? ", \\\n     " : "", b,
                                 rows < 40 ? "linespoints pt 7 ps 0.7" : "lines", colour,
                                 fp->policies[p]);
        lines++;
        if (expected)
            used += (size_t)snprintf(clauses + used, sizeof clauses - used,
                                     ", \\\n     'fabric_steps.dat' index %d using 1:3 with lines "
                                     "lt %d dt 2 lw 1.2 title '%s expected (balls into bins)'",
                                     b, colour, fp->policies[p]);
    }
    if (lines == 0 || used >= sizeof clauses)
        return 0;
    char panel_title[512];
    if (fp->n > 1)
        snprintf(panel_title, sizeof panel_title, "run %zu = %s: %s", r + 1, run->label, coll);
    else
        snprintf(panel_title, sizeof panel_title, "%s", coll);
    char quoted[1100];
    gp_quote(quoted, sizeof quoted, panel_title);
    sgr_report_figure_panel(f, "set title '%s'", quoted);
    if (last_step > 0)
        sgr_report_figure_panel(f, "set xrange [0:%g]", last_step);
    else /* a collective of one step: one point */
        sgr_report_figure_panel(f, "set xrange [-0.5:0.5]\nset xtics 1");
    /* the bound first, broad and grey, so that policies reaching it stay visible on it */
    sgr_report_figure_panel(f,
                            "plot 'fabric_steps.dat' index %d using 1:4 with lines lc rgb "
                            "'#bbbbbb' lw 7 title 'ideal spraying bound', \\\n     %s",
                            spray_block, clauses);
    return lines;
}

static int steps_plot(fabric_plotter *fp)
{
    const char *coll = sgr_fabric_report_focus(fp->runs, fp->n);
    char title[256];
    snprintf(title, sizeof title, "Congestion per step of the %s (simulated, per policy)", coll);
    char quoted[600];
    gp_quote(quoted, sizeof quoted, title);
    sgr_report_figure *f = sgr_report_figure_open(
        fp->dir, fp->gnuplot, "fabric_steps", title, "step of the collective",
        "congestion in the step (flows on the busiest switch link)", fp->err);
    if (!f)
        return -1;
    int height = fp->n > 1 ? 120 + 420 * (int)fp->n : 600;
    sgr_report_figure_size(f, 1100, height);
    sgr_report_figure_panel(f, "set multiplot layout %zu,1 title '%s'", fp->n, quoted);
    sgr_report_figure_panel(f, "set key outside right top vertical Left reverse");
    sgr_report_figure_panel(f, "set yrange [0:*]");
    bool any = false;
    for (size_t r = 0; r < fp->n; r++) {
        if (steps_panel(fp, f, r, coll) == 0) /* this run lacks the collective: an empty frame */
            sgr_report_figure_panel(f, "set title 'run %zu: no %s'\nset multiplot next", r + 1,
                                    coll);
        else
            any = true;
    }
    sgr_report_figure_panel(f, "unset multiplot");
    if (!any) {
        sgr_report_figure_abort(f);
        return 0;
    }
    return keep(fp, f, title);
}

/* ---- leaf-up link utilization heatmaps, one figure per run ------------------------------ */

/* The leaf-up links of one (collective, policy): utilization[leaf * spines + spine]. */
typedef struct link_grid {
    size_t leaves, spines;
    double *u;
    double max, mean;
    size_t idle, links;
} link_grid;

static int grid_fill(link_grid *g, const sgr_csv *c, int coll, int policy)
{
    int cc = sgr_csv_col(c, "collective"), pc = sgr_csv_col(c, "policy");
    int tc = sgr_csv_col(c, "tier"), ac = sgr_csv_col(c, "a"), bc = sgr_csv_col(c, "b");
    int uc = sgr_csv_col(c, "utilization");
    memset(g, 0, sizeof *g);
    for (size_t i = 0; i < c->nrows; i++)
        if (sgr_csv_at(c, i, cc) == coll && sgr_csv_at(c, i, pc) == policy &&
            sgr_csv_at(c, i, tc) == LINK_TIER_LEAF_UP && sgr_csv_at(c, i, ac) >= 0 &&
            sgr_csv_at(c, i, bc) >= 0) {
            g->leaves = fmax((double)g->leaves, sgr_csv_at(c, i, ac) + 1);
            g->spines = fmax((double)g->spines, sgr_csv_at(c, i, bc) + 1);
        }
    if (g->leaves == 0 || g->leaves > 1u << 20 || g->spines > 1u << 16)
        return 0;
    g->u = malloc(g->leaves * g->spines * sizeof *g->u);
    if (!g->u)
        return -1;
    for (size_t i = 0; i < g->leaves * g->spines; i++)
        g->u[i] = NAN;
    for (size_t i = 0; i < c->nrows; i++)
        if (sgr_csv_at(c, i, cc) == coll && sgr_csv_at(c, i, pc) == policy &&
            sgr_csv_at(c, i, tc) == LINK_TIER_LEAF_UP && sgr_csv_at(c, i, ac) >= 0 &&
            sgr_csv_at(c, i, bc) >= 0) {
            size_t a = (size_t)sgr_csv_at(c, i, ac), b = (size_t)sgr_csv_at(c, i, bc);
            g->u[a * g->spines + b] = sgr_csv_at(c, i, uc);
        }
    double sum = 0;
    for (size_t i = 0; i < g->leaves * g->spines; i++) {
        if (isnan(g->u[i]))
            continue;
        g->max = fmax(g->max, g->u[i]);
        sum += g->u[i];
        g->idle += g->u[i] <= 0;
        g->links++;
    }
    g->mean = g->links ? sum / (double)g->links : NAN;
    return 0;
}

/* A tick step that gives at most about `labels` labels: 1, 2, 4, 8, ... */
static size_t tick_step(size_t n, size_t labels)
{
    size_t step = 1;
    while (n / step > labels)
        step *= 2;
    return step;
}

/* Panel grid and canvas for P panels of leaves x spines cells: side by side when the map is
 * squarish, stacked when it is wide; cells about square, at least 160 px of spines. */
typedef struct heat_layout {
    size_t rows, cols;
    int width, height;
    double ratio; /* plot area height / width */
} heat_layout;

static heat_layout heat_layout_for(size_t panels, size_t leaves, size_t spines)
{
    heat_layout l;
    l.cols = leaves <= 2 * spines && panels > 1 ? 2 : 1;
    l.rows = (panels + l.cols - 1) / l.cols;
    l.width = 1100;
    double area_w = (double)l.width / (double)l.cols - 230;
    double area_h = area_w * (double)spines / (double)leaves;
    area_h = fmin(fmax(area_h, 160), 460);
    l.ratio = area_h / area_w;
    l.height = 70 + (int)l.rows * (int)(area_h + 130);
    return l;
}

/* A heatmap figure's panels: one policy's leaf-up links each, in the report's policy order. */
typedef struct heat_panels {
    link_grid grids[MAX_NAMES];
    const char *pols[MAX_NAMES];
    size_t n, leaves, spines; /* leaves, spines: the largest over the panels */
} heat_panels;

/* The panels of collective code `code` in run: policies without leaf-up links are left out. */
static void heat_panels_fill(const fabric_plotter *fp, const sgr_report_run *run, int code,
                             heat_panels *hp)
{
    hp->n = hp->leaves = hp->spines = 0;
    for (size_t p = 0; p < fp->npolicies && code >= 0; p++) {
        int pcode = code_of(run, "policy_codes", fp->policies[p]);
        link_grid g;
        if (pcode < 0 || grid_fill(&g, run->extra, code, pcode) < 0)
            continue;
        if (g.links == 0) {
            free(g.u);
            continue;
        }
        hp->leaves = g.leaves > hp->leaves ? g.leaves : hp->leaves;
        hp->spines = g.spines > hp->spines ? g.spines : hp->spines;
        hp->pols[hp->n] = fp->policies[p];
        hp->grids[hp->n++] = g;
    }
}

static void heat_panels_free(heat_panels *hp)
{
    for (size_t k = 0; k < hp->n; k++)
        free(hp->grids[k].u);
}

/* Palette, colour scale (shared by the panels), axes and, on a three-tier fabric, pod
 * boundaries. */
static void heatmap_axes(sgr_report_figure *f, const sgr_report_run *run, const heat_panels *hp,
                         const heat_layout *lay)
{
    bool three_tier =
        sgr_json_num(run->results, "pods") > 1 || sgr_json_num(run->results, "cores") > 0;
    size_t leaves = hp->leaves, spines = hp->spines;
    double cbmax = 1;
    for (size_t k = 0; k < hp->n; k++)
        cbmax = fmax(cbmax, hp->grids[k].max);
    sgr_report_figure_size(f, lay->width, lay->height);
    sgr_report_figure_line(f, "set palette defined (0 '#ffffff', 0.15 '#fff7bc', 0.35 '#fec44f', "
                              "0.55 '#fe9929', 0.75 '#d95f0e', 1 '#7f2704')");
    sgr_report_figure_line(f, "set cbrange [0:%g]\nset cblabel 'utilization'", cbmax);
    sgr_report_figure_line(f, "set xrange [-0.5:%g]\nset yrange [-0.5:%g]", leaves - 0.5,
                           spines - 0.5);
    sgr_report_figure_line(f, "set xtics 0,%zu out nomirror\nset ytics 0,%zu out nomirror",
                           tick_step(leaves, 16), tick_step(spines, 8));
    sgr_report_figure_line(f,
                           "set xlabel 'leaf (the link from it up to the %s)'\n"
                           "set ylabel '%s'",
                           three_tier ? "aggregation switch" : "spine",
                           three_tier ? "plane (aggregation switch)" : "spine");
    sgr_report_figure_line(f, "unset grid\nset size ratio %.4f\nset tics front", lay->ratio);
    double pods = sgr_json_num(run->results, "pods");
    if (three_tier && pods > 1 && leaves % (size_t)pods == 0) { /* leaves are numbered pod by pod */
        for (size_t k = 1; k < (size_t)pods; k++)
            sgr_report_figure_line(f,
                                   "set arrow from %g, graph 0 to %g, graph 1 nohead front lc rgb "
                                   "'#000000' lw 2",
                                   k * (leaves / (size_t)pods) - 0.5,
                                   k * (leaves / (size_t)pods) - 0.5);
        sgr_report_figure_line(f, "set xlabel 'leaf, pod by pod (lines: pod boundaries)'");
    }
    /* idle links (utilization 0) are white; a hatched background tells missing ones apart */
    sgr_report_figure_line(f, "set object 1 rectangle from graph 0,0 to graph 1,1 behind "
                              "fc rgb '#bbbbbb' fs pattern 4");
}

/* One panel per policy: its grid as a data block, titled with its completion time and
 * utilization. */
static void heatmap_panels(sgr_report_figure *f, const sgr_report_run *run, const char *coll,
                           const char *name, const heat_panels *hp)
{
    FILE *dat = sgr_report_figure_data(f);
    for (size_t k = 0; k < hp->n; k++) {
        const link_grid *g = &hp->grids[k];
        char what[512];
        snprintf(what, sizeof what, "%s under %s: leaf-up links", coll, hp->pols[k]);
        int b = sgr_report_figure_block(f, what, "leaf spine utilization");
        for (size_t a = 0; a < g->leaves; a++) {
            for (size_t s = 0; s < g->spines; s++)
                fprintf(dat, "%zu %zu %.6g\n", a, s, g->u[a * g->spines + s]);
            fputc('\n', dat);
        }
        const json_t *pair = find_pair(run, coll, hp->pols[k]);
        const char *unit;
        double t = pair ? sgr_json_num(pair, "time_s") : NAN;
        double scale = time_unit(t, &unit);
        sgr_report_figure_panel(f,
                                "set title \"%s: completion %.4g %s\\nutilization max %.2f, "
                                "mean %.2f; idle links %zu of %zu\"",
                                hp->pols[k], t * scale, unit, g->max, g->mean, g->idle, g->links);
        sgr_report_figure_panel(f, "plot '%s.dat' index %d using 1:2:3 with image notitle", name,
                                b);
    }
}

/* Run r's heatmap figure of collective coll's leaf-up links. Returns 0 or -1 with fp->err. */
static int heatmap_plot(fabric_plotter *fp, size_t r, const char *coll)
{
    const sgr_report_run *run = &fp->runs[r];
    heat_panels hp;
    heat_panels_fill(fp, run, code_of(run, "collective_codes", coll), &hp);
    if (hp.n == 0)
        return 0;
    char name[64], title[512], caption[256];
    if (fp->n > 1)
        snprintf(name, sizeof name, "fabric_links_run%zu", r + 1);
    else
        snprintf(name, sizeof name, "fabric_links");
    snprintf(title, sizeof title,
             "Leaf-up link utilization, %s%s%s (bytes / bandwidth / completion time of the "
             "policy)",
             coll, fp->n > 1 ? ", " : "", fp->n > 1 ? run->label : "");
    snprintf(caption, sizeof caption, "Leaf-up link utilization per policy, %s%s%s", coll,
             fp->n > 1 ? ", run " : "", fp->n > 1 ? run->label : "");
    int rc = -1;
    sgr_report_figure *f =
        sgr_report_figure_open(fp->dir, fp->gnuplot, name, title, "leaf", "spine", fp->err);
    if (!f)
        goto out;
    heat_layout lay = heat_layout_for(hp.n, hp.leaves, hp.spines);
    heatmap_axes(f, run, &hp, &lay);
    char quoted[1100];
    gp_quote(quoted, sizeof quoted, title);
    sgr_report_figure_panel(f, "set multiplot layout %zu,%zu title '%s'", lay.rows, lay.cols,
                            quoted);
    heatmap_panels(f, run, coll, name, &hp);
    sgr_report_figure_panel(f, "unset multiplot");
    rc = keep(fp, f, caption);
out:
    heat_panels_free(&hp);
    return rc;
}

int sgr_fabric_report_plots(sgr_report_ctx *ctx)
{
    sgr_report_run *runs = ctx->runs;
    size_t n = ctx->n;
    sgr_err *err = ctx->err;
    fabric_plotter fp = {.dir = ctx->dir,
                         .gnuplot = ctx->gnuplot,
                         .runs = runs,
                         .n = n,
                         .plots = ctx->plots,
                         .nplots = ctx->nplots,
                         .err = err};
    for (size_t r = 0; r < n; r++) {
        json_t *pair;
        size_t i;
        json_array_foreach(pairs_of(&runs[r]), i, pair)
        {
            add_name(fp.colls, &fp.ncolls, pair_str(pair, "collective"));
            add_name(fp.policies, &fp.npolicies, pair_str(pair, "policy"));
        }
    }
    fp.clusters = malloc((n * fp.ncolls + 1) * sizeof *fp.clusters);
    if (!fp.clusters)
        return sgr_fail(err, "out of memory");
    for (size_t r = 0; r < n; r++)
        for (size_t c = 0; c < fp.ncolls; c++)
            if (run_has(&runs[r], fp.colls[c]))
                fp.clusters[fp.nclusters++] = (cluster){r, c};
    int rc = 0;
    if (fp.npolicies > 0)
        rc = bars_plot(&fp, BARS_TIME) < 0 || bars_plot(&fp, BARS_CONGESTION) < 0 ||
                     steps_plot(&fp) < 0
                 ? -1
                 : 0;
    const char *focus = sgr_fabric_report_focus(runs, n);
    for (size_t r = 0; rc == 0 && r < n && fp.nplots < SGR_REPORT_MAX_PLOTS; r++)
        if (runs[r].extra) /* link_loads.csv read */
            rc = heatmap_plot(&fp, r, focus);
    free(fp.clusters);
    ctx->nplots = fp.nplots;
    return rc;
}
