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

static int plot_open(plot *p, const sgr_report_ctx *pl, const char *name, const char *title,
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
static int plot_finish(plot *p, sgr_report_ctx *pl, const char *caption)
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

/* ---- figures for other reports (the sweep report) ---------------------------------------- */

struct sgr_report_figure {
    plot p;
    sgr_report_ctx pl;
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
    f->pl = (sgr_report_ctx){dir, gnuplot, NULL, 0, &f->out, 0, err};
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

/* ---- the families' plots ----------------------------------------------------------------- */

sgr_report_figure *sgr_report_ctx_figure(sgr_report_ctx *ctx, const char *name, const char *title,
                                         const char *xlabel, const char *ylabel)
{
    return sgr_report_figure_open(ctx->dir, ctx->gnuplot, name, title, xlabel, ylabel, ctx->err);
}

int sgr_report_ctx_keep(sgr_report_ctx *ctx, sgr_report_figure *f, const char *caption)
{
    sgr_report_plot out;
    if (sgr_report_figure_finish(f, caption, &out) < 0)
        return -1;
    if (out.name[0] != '\0' && ctx->nplots < SGR_REPORT_MAX_PLOTS)
        ctx->plots[ctx->nplots++] = out;
    return 0;
}

void sgr_report_series_title(char *buf, size_t size, const sgr_report_ctx *ctx, size_t r,
                             const char *what)
{
    if (ctx->n > 1)
        snprintf(buf, size, "%s: %s", ctx->runs[r].label, what);
    else
        snprintf(buf, size, "%s", what);
}
