/* simgrad report: each family's plots. A plot is NAME.dat (one gnuplot index block per line
 * drawn, headed by a comment saying what it is) and NAME.gp (the script, run in the report
 * directory: edit it and run `gnuplot NAME.gp` to re-render), rendered to NAME.png and
 * NAME.svg by a gnuplot child process. Colours follow what a plot compares (run, scheme,
 * walk); when several runs are overlaid and colour already means something else, dash types
 * tell the runs apart. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "simgrad/report.h"
#include "report/report_internal.h"

enum { MAX_PLOTS = SGR_REPORT_MAX_PLOTS };

typedef struct plot {
    char name[64];
    char dir[4096];
    FILE *gp, *dat;
    char *cmd; /* the plot command's clauses, built in memory */
    size_t cmd_len;
    FILE *cmdf;
    int blocks, clauses, titled;
    int width, height; /* 0: the default canvas */
    int panels;        /* lines of a figure drawn by its own plot commands (small multiples) */
} plot;

/* The report's state while plotting: where, with what, and what was rendered. */
typedef struct plotter {
    const char *dir, *gnuplot;
    sgr_report_run *runs;
    size_t n;
    sgr_report_plot *plots;
    size_t nplots;
    sgr_err *err;
} plotter;

char *sgr_report_find_gnuplot(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return NULL;
    char *copy = strdup(path), *save = NULL, *found = NULL;
    for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        char cand[4096];
        snprintf(cand, sizeof cand, "%s/gnuplot", *d ? d : ".");
        if (access(cand, X_OK) == 0)
            found = strdup(cand);
    }
    free(copy);
    return found;
}

/* s as a gnuplot single-quoted string (a quote is doubled). */
static void put_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

static int plot_open(plot *p, const plotter *pl, const char *name, const char *title,
                     const char *xlabel, const char *ylabel)
{
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    snprintf(p->dir, sizeof p->dir, "%s", pl->dir);
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.gp", pl->dir, name);
    p->gp = fopen(path, "w");
    snprintf(path, sizeof path, "%s/%s.dat", pl->dir, name);
    p->dat = p->gp ? fopen(path, "w") : NULL;
    p->cmdf = open_memstream(&p->cmd, &p->cmd_len);
    if (!p->gp || !p->dat || !p->cmdf)
        return sgr_fail(pl->err, "%s: cannot write: %s", path, strerror(errno));
    fprintf(p->gp,
            "# simgrad report: %s\n"
            "# Data: %s.dat, one index block per line drawn. Re-render after editing:\n"
            "#   gnuplot %s.gp   (in this directory; writes %s.png and %s.svg)\n"
            "reset\n"
            "set title ",
            title, name, name, name, name);
    put_quoted(p->gp, title);
    fputs("\nset xlabel ", p->gp);
    put_quoted(p->gp, xlabel);
    fputs("\nset ylabel ", p->gp);
    put_quoted(p->gp, ylabel);
    fputs("\nset grid\nset key below left Left reverse\nset format y '%g'\n", p->gp);
    /* distinct, print-friendly colours (matplotlib's tab10) rather than gnuplot's yellow */
    static const char *const colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                          "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
    for (size_t i = 0; i < sizeof colours / sizeof *colours; i++)
        fprintf(p->gp, "set linetype %zu lc rgb '%s'\n", i + 1, colours[i]);
    fputs("set linetype cycle 8\n", p->gp);
    fprintf(p->dat, "# simgrad report: %s\n", title);
    return 0;
}

/* Any gnuplot line before the plot command (set logscale, a function, ...). */
static void plot_line(plot *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void plot_line(plot *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(p->gp, fmt, ap);
    va_end(ap);
    fputc('\n', p->gp);
}

/* Start a data block (what it holds as a comment and its column names); returns its index. */
static int plot_block(plot *p, const char *what, const char *columns)
{
    if (p->blocks > 0)
        fputs("\n\n", p->dat);
    fprintf(p->dat, "# %s\n# %s\n", what, columns);
    return p->blocks++;
}

/* One element of the plot command: `spec` (e.g. "'x.dat' index 0 using 1:2 with lines") and
 * its legend entry (NULL: none). */
static void plot_series(plot *p, const char *spec, const char *title)
{
    fprintf(p->cmdf, "%s \\\n     %s", p->clauses++ ? "," : "plot", spec);
    if (title) {
        p->titled++;
        fputs(" title ", p->cmdf);
        put_quoted(p->cmdf, title);
    } else {
        fputs(" notitle", p->cmdf);
    }
}

static int run_gnuplot(const char *gnuplot, const char *dir, const char *script, sgr_err *err)
{
    pid_t pid = fork();
    if (pid < 0)
        return sgr_fail(err, "cannot start gnuplot: %s", strerror(errno));
    if (pid == 0) {
        if (chdir(dir) < 0)
            _exit(126);
        execl(gnuplot, "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0)
        return sgr_fail(err, "gnuplot: %s", strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return sgr_fail(err, "gnuplot failed on %s/%s (status %d); its messages are above", dir,
                        script, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
}

/* Write the plot command, the SVG copy, render, and record the plot. */
static int plot_finish(plot *p, plotter *pl, const char *caption)
{
    fclose(p->cmdf);
    p->cmdf = NULL;
    /* the legend sits below the plot, one line per entry: grow the canvas, not squash it */
    int height = 560 + 20 * (p->titled > 3 ? p->titled - 3 : 0);
    int width = p->width > 0 ? p->width : 1000;
    if (p->height > 0)
        height = p->height;
    if (p->panels > 0) /* small multiples cannot be replotted: the same lines once per format */
        fprintf(p->gp,
                "do for [format in 'png svg'] {\n"
                "if (format eq 'png') {\n"
                "  set terminal pngcairo size %d,%d noenhanced font 'sans,11'\n"
                "} else {\n"
                "  set terminal svg size %d,%d dynamic noenhanced font 'sans,11' "
                "background '#ffffff'\n"
                "}\n"
                "set output '%s.'.format\n"
                "%s"
                "}\n"
                "unset output\n",
                width, height, width, height, p->name, p->cmd);
    else
        fprintf(p->gp,
                "set terminal pngcairo size %d,%d noenhanced font 'sans,11'\n"
                "set output '%s.png'\n"
                "%s\n"
                "set terminal svg size %d,%d dynamic noenhanced font 'sans,11' "
                "background '#ffffff'\n"
                "set output '%s.svg'\n"
                "replot\n"
                "unset output\n",
                width, height, p->name, p->clauses ? p->cmd : "", width, height, p->name);
    int rc = fclose(p->gp) | fclose(p->dat);
    p->gp = p->dat = NULL;
    free(p->cmd);
    p->cmd = NULL;
    if (rc != 0)
        return sgr_fail(pl->err, "%s/%s.gp: write failed", pl->dir, p->name);
    if (p->clauses == 0 && p->panels == 0) { /* nothing to draw: no plot rather than an empty one */
        char path[4200];
        snprintf(path, sizeof path, "%s/%s.gp", pl->dir, p->name);
        unlink(path);
        snprintf(path, sizeof path, "%s/%s.dat", pl->dir, p->name);
        unlink(path);
        return 0;
    }
    char script[80];
    snprintf(script, sizeof script, "%s.gp", p->name);
    if (run_gnuplot(pl->gnuplot, pl->dir, script, pl->err) < 0)
        return -1;
    if (pl->nplots < MAX_PLOTS) {
        sgr_report_plot *out = &pl->plots[pl->nplots++];
        snprintf(out->name, sizeof out->name, "%s", p->name);
        snprintf(out->caption, sizeof out->caption, "%s", caption);
    }
    return 0;
}

static void plot_abort(plot *p)
{
    if (p->cmdf)
        fclose(p->cmdf);
    if (p->gp)
        fclose(p->gp);
    if (p->dat)
        fclose(p->dat);
    free(p->cmd);
}

/* "<run label>: what" when several runs share the plot, else "what". */
static void series_title(char *buf, size_t size, const plotter *pl, size_t r, const char *what)
{
    if (pl->n > 1)
        snprintf(buf, size, "%s: %s", pl->runs[r].label, what);
    else
        snprintf(buf, size, "%s", what);
}

/* ---- ps-sgd ------------------------------------------------------------------------------ */

/* y column `ycol` of every evaluated round against simulated time, one line per run. */
static int ps_sgd_vs_time(plotter *pl, const char *name, const char *ycol, const char *title,
                          const char *ylabel, const char *what)
{
    plot p;
    if (plot_open(&p, pl, name, title, "simulated time (s)", ylabel) < 0)
        return plot_abort(&p), -1;
    for (size_t r = 0; r < pl->n; r++) {
        const sgr_csv *c = &pl->runs[r].csv;
        int t = sgr_csv_col(c, "time_s"), y = sgr_csv_col(c, ycol);
        int b = plot_block(&p, pl->runs[r].label, "time_s value");
        size_t k = 0;
        /* the loss before the first step, at time 0 */
        double start = strcmp(ycol, "train_loss") == 0
                           ? sgr_json_num(pl->runs[r].results, "initial_train_loss")
                           : NAN;
        if (!isnan(start))
            fprintf(p.dat, "0 %.10g\n", start);
        for (size_t i = 0; i < c->nrows; i++)
            if (!isnan(sgr_csv_at(c, i, y)) && ++k)
                fprintf(p.dat, "%.10g %.10g\n", sgr_csv_at(c, i, t), sgr_csv_at(c, i, y));
        if (k == 0)
            continue;
        char spec[256], tl[512];
        snprintf(spec, sizeof spec,
                 "'%s.dat' index %d using 1:2 with linespoints lt %zu pt 7 ps 0.6 lw 1.5", name, b,
                 r + 1);
        series_title(tl, sizeof tl, pl, r, what);
        plot_series(&p, spec, tl);
    }
    return plot_finish(&p, pl, title);
}

static int ps_sgd_round_duration(plotter *pl)
{
    plot p;
    const char *title = "Round duration per round (points: rounds with stragglers)";
    if (plot_open(&p, pl, "round_duration", title, "round", "round duration (simulated s)") < 0)
        return plot_abort(&p), -1;
    for (size_t r = 0; r < pl->n; r++) {
        const sgr_csv *c = &pl->runs[r].csv;
        int rd = sgr_csv_col(c, "round"), d = sgr_csv_col(c, "round_duration_s");
        int s = sgr_csv_col(c, "stragglers");
        int b = plot_block(&p, pl->runs[r].label, "round duration_s stragglers");
        bool any = false;
        for (size_t i = 0; i < c->nrows; i++) {
            fprintf(p.dat, "%.10g %.10g %g\n", sgr_csv_at(c, i, rd), sgr_csv_at(c, i, d),
                    sgr_csv_at(c, i, s));
            any |= sgr_csv_at(c, i, s) > 0;
        }
        char spec[256], tl[512];
        snprintf(spec, sizeof spec,
                 "'round_duration.dat' index %d using 1:2 with lines lt %zu "
                 "lw 1.5",
                 b, r + 1);
        series_title(tl, sizeof tl, pl, r, "round duration");
        plot_series(&p, spec, tl);
        if (!any)
            continue;
        snprintf(spec, sizeof spec,
                 "'round_duration.dat' index %d using 1:($3 > 0 ? $2 : 1/0) "
                 "with points lt %zu pt 7 ps 1.0",
                 b, r + 1);
        series_title(tl, sizeof tl, pl, r, "round with stragglers");
        plot_series(&p, spec, tl);
    }
    return plot_finish(&p, pl, title);
}

static int ps_sgd_plots(plotter *pl)
{
    if (ps_sgd_vs_time(pl, "loss_vs_time", "train_loss", "Training loss vs simulated time",
                       "training loss (whole training set)", "training loss") < 0 ||
        ps_sgd_vs_time(pl, "accuracy_vs_time", "test_accuracy", "Test accuracy vs simulated time",
                       "test accuracy (fraction correct)", "test accuracy") < 0)
        return -1;
    return ps_sgd_round_duration(pl);
}

/* ---- gradient-coding --------------------------------------------------------------------- */

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
static int gc_per_scheme(plotter *pl, const char *name, const char *title, const char *xcol,
                         const char *ycol, const char *xlabel, const char *ylabel,
                         const char *markcol, const char *markwhat, const char *style)
{
    plot p;
    if (plot_open(&p, pl, name, title, xlabel, ylabel) < 0)
        return plot_abort(&p), -1;
    for (size_t r = 0; r < pl->n; r++) {
        const sgr_csv *c = &pl->runs[r].csv;
        int sc = sgr_csv_col(c, "scheme"), x = sgr_csv_col(c, xcol), y = sgr_csv_col(c, ycol);
        int m = markcol ? sgr_csv_col(c, markcol) : -1;
        for (size_t k = 0; k < gc_nschemes(&pl->runs[r]); k++) {
            const char *scheme = gc_scheme_name(&pl->runs[r], k);
            char what[512];
            series_title(what, sizeof what, pl, r, scheme);
            int b = plot_block(&p, what, "x y mark");
            size_t rows = 0, marks = 0;
            for (size_t i = 0; i < c->nrows; i++) {
                if (sgr_csv_at(c, i, sc) != (double)k || isnan(sgr_csv_at(c, i, y)))
                    continue;
                double mark = m >= 0 ? sgr_csv_at(c, i, m) : 0;
                fprintf(p.dat, "%.10g %.10g %g\n", sgr_csv_at(c, i, x), sgr_csv_at(c, i, y), mark);
                rows++;
                marks += mark > 0;
            }
            if (rows == 0)
                continue;
            char spec[256], tl[600];
            snprintf(spec, sizeof spec, "'%s.dat' index %d using 1:2 with %s lt %d dt %zu lw 1.5",
                     name, b, style, gc_scheme_colour(scheme), r + 1);
            plot_series(&p, spec, what);
            if (marks == 0)
                continue;
            snprintf(spec, sizeof spec,
                     "'%s.dat' index %d using 1:($3 > 0 ? $2 : 1/0) with "
                     "points lt %d pt 7 ps 1.1",
                     name, b, gc_scheme_colour(scheme));
            snprintf(tl, sizeof tl, "%s: %s", what, markwhat);
            plot_series(&p, spec, tl);
        }
    }
    return plot_finish(&p, pl, title);
}

/* Total runtime of each scheme as bars (clustered by run), waits written on single runs. */
static int gc_runtime_bars(plotter *pl)
{
    plot p;
    const char *title = "Runtime per scheme (all jobs, simulated)";
    if (plot_open(&p, pl, "gc_runtime", title, "scheme", "runtime (simulated s)") < 0)
        return plot_abort(&p), -1;
    plot_line(&p, "set style data histograms\nset style histogram clustered gap 1\n"
                  "set style fill solid 0.75 border -1\nset yrange [0:*]\nset grid noxtics");
    plot_block(&p, "one row per scheme; per run: runtime_s waits", "scheme runtime_s waits ...");
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
        fprintf(p.dat, "%s", names[j]);
        for (size_t r = 0; r < pl->n; r++) {
            json_t *found = NULL, *s;
            size_t k;
            json_array_foreach(json_object_get(pl->runs[r].results, "schemes"), k,
                               s) if (strcmp(gc_scheme_name(&pl->runs[r], k), names[j]) == 0)
                found = s;
            fprintf(p.dat, " %.10g %g", found ? sgr_json_num(found, "runtime_s") : NAN,
                    found ? sgr_json_num(found, "waits") : NAN);
        }
        fputc('\n', p.dat);
    }
    for (size_t r = 0; r < pl->n; r++) {
        char spec[256];
        snprintf(spec, sizeof spec, "'gc_runtime.dat' using %zu:xtic(1) lt %zu", 2 * r + 2, r + 1);
        plot_series(&p, spec, pl->n > 1 ? pl->runs[r].label : "runtime of all jobs");
    }
    if (pl->n == 1)
        plot_series(&p,
                    "'gc_runtime.dat' using 0:2:(sprintf('%d waits', $3)) with labels "
                    "offset 0,0.8",
                    NULL);
    return plot_finish(&p, pl, title);
}

static int gc_plots(plotter *pl)
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

/* ---- token ------------------------------------------------------------------------------- */

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
static int token_vs_hops(plotter *pl, const char *name, const char *title, const char *ylabel,
                         bool want_tv)
{
    plot p;
    if (plot_open(&p, pl, name, title, "hops", ylabel) < 0)
        return plot_abort(&p), -1;
    plot_line(&p, "set logscale xy\nset format y '%%.0e'\nset format x '%%g'");
    for (size_t r = 0; r < pl->n; r++) {
        const sgr_csv *c = &pl->runs[r].csv;
        hop_row *rows = token_rows(c);
        if (!rows)
            return plot_abort(&p), sgr_fail(pl->err, "out of memory");
        for (size_t i = 0; i < c->nrows;) {
            size_t cfg = (size_t)rows[i].config;
            char cname[128], what[512];
            token_config_name(cname, sizeof cname, &pl->runs[r], cfg);
            series_title(what, sizeof what, pl, r, cname);
            int b = plot_block(&p, what, "hop mean replicas");
            size_t points = 0;
            while (i < c->nrows && rows[i].config == (double)cfg) {
                double hop = rows[i].hop, sum = 0;
                size_t k = 0;
                for (; i < c->nrows && rows[i].config == (double)cfg && rows[i].hop == hop; i++)
                    sum += want_tv ? rows[i].tv : rows[i].mse, k++;
                if (sum > 0 && hop > 0 && ++points)
                    fprintf(p.dat, "%.10g %.10g %zu\n", hop, sum / (double)k, k);
            }
            if (points == 0)
                continue;
            char spec[256];
            snprintf(spec, sizeof spec,
                     "'%s.dat' index %d using 1:2 with lines lt %zu dt %zu "
                     "lw 1.5",
                     name, b, cfg + 1, r + 1);
            plot_series(&p, spec, what);
        }
        free(rows);
    }
    return plot_finish(&p, pl, title);
}

/* Final `key` (and `theory_key`, if not NULL, labelled theory_label) of the configs with
 * alpha > 0 against alpha, log-log, with the fitted power law of exponent results[exp_key];
 * the title gives its 95% CI (exp_key_ci95), the theory's own slope over the same alphas
 * (exp_key_predicted) and its large-alpha limit (exp_key_predicted_limit) when present. */
static int token_vs_alpha(plotter *pl, const char *name, const char *what, const char *key,
                          const char *theory_key, const char *theory_label, const char *exp_key,
                          const char *ylabel)
{
    plot p;
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
    if (plot_open(&p, pl, name, title, "alpha (self-repellence)", ylabel) < 0)
        return plot_abort(&p), -1;
    plot_line(&p, "set logscale xy\nset format y '%%.0e'\nset format x '%%g'\nset offsets "
                  "graph 0.05, graph 0.05, 0, 0");
    for (size_t r = 0; r < pl->n; r++) {
        const sgr_report_run *run = &pl->runs[r];
        int b = plot_block(&p, run->label, "alpha measured theory");
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
            fprintf(p.dat, "%.10g %.10g %.10g\n", alpha, y, th > 0 ? th : NAN);
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
        plot_series(&p, spec, tl);
        if (theory > 0) {
            snprintf(spec, sizeof spec,
                     "'%s.dat' index %d using 1:3 with points lt %zu pt 4 "
                     "ps 1.8 lw 1.5",
                     name, b, r + 1);
            snprintf(tl, sizeof tl, "%s%s%s", lbl, sep, theory_label);
            plot_series(&p, spec, tl);
        }
        json_array_foreach(json_object_get(run->results, "configs"), c, cfg)
        {
            double alpha = sgr_json_num(cfg, "alpha");
            if (alpha > 0)
                plot_line(&p, "set xtics add ('%g' %g)", alpha, alpha);
        }
        if (!isnan(k) && points > 1) {
            plot_line(&p, "fit%zu(x) = %.10g * x**(%.10g)", r, exp(logsum / (double)points), k);
            snprintf(spec, sizeof spec, "fit%zu(x) with lines lt %zu dt 2 lw 1.2", r, r + 1);
            snprintf(tl, sizeof tl, "%s%sfitted power law, slope %.3f", lbl, sep, k);
            plot_series(&p, spec, tl);
        }
    }
    return plot_finish(&p, pl, title);
}

static int token_plots(plotter *pl)
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

/* ---- gossip ------------------------------------------------------------------------------ */

/* Relative error against `xcol` on a log scale, one line per (run, method); against time, the
 * reference slope exp(-sqrt(mu/L) t) the theory's rate is of the order of. */
static int gossip_vs(plotter *pl, const char *name, const char *xcol, const char *title,
                     const char *xlabel)
{
    plot p;
    if (plot_open(&p, pl, name, title, xlabel, "mean |x_i - x*|^2 / initial") < 0)
        return plot_abort(&p), -1;
    plot_line(&p, "set logscale y");
    plot_line(&p, "set format y '1e%%L'");
    /* down to the stopping precision: the reference line would stretch the axis otherwise */
    plot_line(&p, "set yrange [1e-10:2]");
    size_t lt = 0;
    for (size_t r = 0; r < pl->n; r++) {
        const sgr_csv *c = &pl->runs[r].csv;
        int mc = sgr_csv_col(c, "method"), x = sgr_csv_col(c, xcol),
            e = sgr_csv_col(c, "rel_error");
        json_t *methods = json_object_get(pl->runs[r].results, "methods");
        for (size_t k = 0; k < json_array_size(methods); k++) {
            const char *mname =
                json_string_value(json_object_get(json_array_get(methods, k), "method"));
            int b = plot_block(&p, mname ? mname : "?", "x rel_error");
            for (size_t i = 0; i < c->nrows; i++)
                if ((size_t)sgr_csv_at(c, i, mc) == k && sgr_csv_at(c, i, e) > 0)
                    fprintf(p.dat, "%.10g %.10g\n", sgr_csv_at(c, i, x), sgr_csv_at(c, i, e));
            char spec[256], tl[512];
            snprintf(spec, sizeof spec, "'%s.dat' index %d using 1:2 with lines lt %zu lw 2", name,
                     b, ++lt);
            series_title(tl, sizeof tl, pl, r, mname ? mname : "?");
            plot_series(&p, spec, tl);
        }
        double rate = sgr_json_num(pl->runs[r].results, "sqrt_mu_over_L");
        if (strcmp(xcol, "t_units") == 0 && rate > 0 && r == 0) {
            char spec[256];
            snprintf(spec, sizeof spec, "exp(-%.10g*x) with lines dt 2 lc rgb 'black'", rate);
            plot_series(&p, spec, "slope sqrt(mu/L) (theory's order)");
        }
    }
    return plot_finish(&p, pl, title);
}

static int gossip_plots(plotter *pl)
{
    if (gossip_vs(pl, "error_vs_time", "t_units", "Distance to the optimum vs time",
                  "time (units of algorithm.time_unit)") < 0 ||
        gossip_vs(pl, "error_vs_gradients", "gradients",
                  "Distance to the optimum vs gradient computations", "gradient events") < 0)
        return -1;
    return gossip_vs(pl, "error_vs_messages", "messages", "Distance to the optimum vs messages",
                     "messages sent");
}

int sgr_report_plots(const char *dir, const char *gnuplot, sgr_report_run *runs, size_t n,
                     sgr_report_plot *plots, size_t *nplots, sgr_err *err)
{
    plotter pl = {dir, gnuplot, runs, n, plots, 0, err};
    const char *family = runs[0].family;
    int rc;
    if (strcmp(family, "ps-sgd") == 0)
        rc = ps_sgd_plots(&pl);
    else if (strcmp(family, "gradient-coding") == 0)
        rc = gc_plots(&pl);
    else if (strcmp(family, "gossip") == 0)
        rc = gossip_plots(&pl);
    else if (strcmp(family, "token") == 0)
        rc = token_plots(&pl);
    else
        return sgr_report_fabric_plots(dir, gnuplot, runs, n, plots, nplots, err) < 0
                   ? SGR_REPORT_EFAIL
                   : 0;
    *nplots = pl.nplots;
    return rc < 0 ? SGR_REPORT_EFAIL : 0;
}

/* ---- figures for other reports (the sweep report) ---------------------------------------- */

struct sgr_report_figure {
    plot p;
    plotter pl;
    sgr_report_plot out;
};

sgr_report_figure *sgr_report_figure_open(const char *dir, const char *gnuplot, const char *name,
                                          const char *title, const char *xlabel, const char *ylabel,
                                          sgr_err *err)
{
    sgr_report_figure *f = calloc(1, sizeof *f);
    if (!f) {
        sgr_fail(err, "out of memory");
        return NULL;
    }
    f->pl = (plotter){dir, gnuplot, NULL, 0, &f->out, 0, err};
    if (plot_open(&f->p, &f->pl, name, title, xlabel, ylabel) < 0) {
        plot_abort(&f->p);
        free(f);
        return NULL;
    }
    return f;
}

void sgr_report_figure_line(sgr_report_figure *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f->p.gp, fmt, ap);
    va_end(ap);
    fputc('\n', f->p.gp);
}

int sgr_report_figure_block(sgr_report_figure *f, const char *what, const char *columns)
{
    return plot_block(&f->p, what, columns);
}

FILE *sgr_report_figure_data(sgr_report_figure *f)
{
    return f->p.dat;
}

void sgr_report_figure_series(sgr_report_figure *f, const char *spec, const char *title)
{
    plot_series(&f->p, spec, title);
}

void sgr_report_figure_size(sgr_report_figure *f, int width, int height)
{
    f->p.width = width;
    f->p.height = height;
}

void sgr_report_figure_panel(sgr_report_figure *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f->p.cmdf, fmt, ap);
    va_end(ap);
    fputc('\n', f->p.cmdf);
    f->p.panels++;
}

int sgr_report_figure_finish(sgr_report_figure *f, const char *caption, sgr_report_plot *out)
{
    int rc = plot_finish(&f->p, &f->pl, caption);
    if (rc == 0 && out)
        *out = f->out;
    free(f);
    return rc;
}

void sgr_report_figure_abort(sgr_report_figure *f)
{
    if (f)
        plot_abort(&f->p);
    free(f);
}
