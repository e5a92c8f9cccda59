/* simgrad report: the report itself. Loads the runs (report_run.c), renders the family's plots
 * (report_plot.c), and writes report.md and report.html with the same content: a summary
 * table, the family's results, the plots and each run's provenance. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "simgrad/output.h"
#include "simgrad/report.h"
#include "report/report_internal.h"

enum { MAX_COLS = 14, CELL = SGR_REPORT_CELL };

/* report.md and report.html, written side by side. */
typedef struct doc {
    FILE *md, *html;
    size_t ncols;
} doc;

struct sgr_report_doc {
    doc d;
    char dir[4096], md_tmp[4200], html_tmp[4200];
};

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

void sgr_report_cell_num(char *cell, double v)
{
    if (isnan(v))
        snprintf(cell, CELL, "-");
    else if (v == floor(v) && fabs(v) < 1e15) /* counts in full: 20000 hops, not 2e+04 */
        snprintf(cell, CELL, "%.0f", v);
    else
        snprintf(cell, CELL, "%.4g", v);
}

void sgr_report_cell_ci(char *cell, double v, double ci)
{
    if (isnan(v))
        snprintf(cell, CELL, "-");
    else if (isnan(ci))
        snprintf(cell, CELL, "%.4g", v);
    else
        snprintf(cell, CELL, "%.4g ± %.2g", v, ci);
}

void sgr_report_cell_slope(char *cell, const json_t *res, const char *key)
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

const char *sgr_report_run_name(const sgr_report_run *runs, size_t n, size_t r)
{
    return n > 1 ? runs[r].label : runs[r].dir;
}

/* The summary table: one row per run, the family's headline results last. */
static void write_runs_table(doc *d, const sgr_report_run *runs, size_t n)
{
    const sgr_family_report *fr = runs[0].fam->report;
    const char *head[MAX_COLS + 1] = {"run", "family", "seed", "simulated time (s)",
                                      "wall-clock time (s)"};
    size_t h = 5;
    for (const char *const *c = fr->headline; c && *c && h < MAX_COLS; c++)
        head[h++] = *c;
    head[h] = NULL;
    doc_table(d, head);
    for (size_t r = 0; r < n; r++) {
        const json_t *s = runs[r].summary;
        char c[MAX_COLS][CELL];
        snprintf(c[0], CELL, "%s", sgr_report_run_name(runs, n, r));
        snprintf(c[1], CELL, "%s%s", runs[r].family,
                 json_is_true(json_object_get(s, "complete")) ? "" : " (incomplete)");
        sgr_report_cell_num(c[2], sgr_json_num(s, "seed"));
        sgr_report_cell_num(c[3], sgr_json_num(s, "simulated_time_s"));
        sgr_report_cell_num(c[4], sgr_json_num(s, "wall_clock_seconds"));
        fr->headline_cells(&runs[r], c + 5);
        doc_row(d, c);
    }
    doc_table_end(d);
}

/* Runs that diverged (results.diverged, see simgrad/results.h): where, and what the plots do. */
static void write_diverged(doc *d, const sgr_report_run *runs, size_t n)
{
    for (size_t r = 0; r < n; r++) {
        if (!json_is_true(json_object_get(runs[r].results, "diverged")))
            continue;
        const char *at = json_string_value(json_object_get(runs[r].results, "diverged_at"));
        doc_para(d,
                 "%s diverged%s%s: its numbers that are not finite (\"NaN\", \"Infinity\" in "
                 "summary.json, nan or inf in metrics.csv) are left out of the plots and "
                 "tables.",
                 sgr_report_run_name(runs, n, r), at ? " at " : "", at ? at : "");
    }
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

static void write_doc(sgr_report_doc *rd, const sgr_report_run *runs, size_t n,
                      const sgr_report_plot *plots, size_t nplots)
{
    const sgr_family_report *fr = runs[0].fam->report;
    doc *d = &rd->d;
    doc_para(d,
             "%zu run%s of the %s family. Times are simulated seconds, except the column "
             "labelled wall-clock (real time the simulation took).",
             n, n > 1 ? "s" : "", runs[0].family);
    doc_heading(d, 2, "Runs");
    write_runs_table(d, runs, n);
    write_diverged(d, runs, n);
    if (n > 1)
        write_differences(d, runs, n);
    if (fr->sections)
        fr->sections(rd, runs, n);
    doc_heading(d, 2, "Plots");
    if (fr->plot_notes)
        fr->plot_notes(rd, runs, n);
    doc_para(d, "Each plot is NAME.png and NAME.svg, drawn by gnuplot from NAME.gp and NAME.dat "
                "in this directory: edit the script and run \"gnuplot NAME.gp\" here to "
                "re-render.");
    for (size_t i = 0; i < nplots; i++)
        doc_image(d, &plots[i]);
    write_provenance(d, runs, n);
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
    char title[256];
    snprintf(title, sizeof title, "simgrad report: %s", runs[0].family);
    sgr_report_doc *rd = sgr_report_doc_open(dir, title, err);
    if (!rd)
        return -1;
    write_doc(rd, runs, n, plots, nplots);
    return sgr_report_doc_close(rd, err);
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
    int made = sgr_mkdir_p(dir, err);
    if (made == 0 && access(dir, W_OK) < 0)
        made = sgr_fail(err, "cannot write into %s: %s", dir, strerror(errno));
    if (made < 0) {
        if (opts->out_dir) /* the user's --out: bad input (exit 2), not a failed report */
            rc = SGR_REPORT_EINPUT;
        goto out;
    }
    sgr_report_runs_label(runs, n);
    sgr_report_plot plots[SGR_REPORT_MAX_PLOTS];
    sgr_report_ctx ctx = {dir, gnuplot, runs, n, plots, 0, err};
    if (runs[0].fam->report->plots(&ctx) < 0 ||
        write_docs(dir, runs, n, plots, ctx.nplots, err) < 0)
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

void sgr_report_doc_list(sgr_report_doc *d, bool begin)
{
    doc_list(&d->d, begin);
}

void sgr_report_doc_item(sgr_report_doc *d, const char *text)
{
    doc_item(&d->d, text);
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
