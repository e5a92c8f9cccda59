/* simgrad report: the rendering API shared by the report's files and by the families' report
 * hooks (families/<name>/report.c). report_run.c loads and checks run directories and labels
 * them; report_plot.c writes gnuplot scripts and data and runs gnuplot; report.c writes
 * report.md and report.html and calls the family's hooks (sgr_family_report) for what is its
 * own. Not installed. */
#ifndef SIMGRAD_REPORT_INTERNAL_H
#define SIMGRAD_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "simgrad/error.h"
#include "simgrad/family.h"

/* metrics.csv as numbers: row-major, NAN for an empty cell. */
typedef struct sgr_csv {
    size_t ncols, nrows;
    char **names;
    double *v;
} sgr_csv;

typedef struct sgr_report_run {
    const char *dir;
    json_t *summary; /* owned; config and results are borrowed from it */
    const char *family;
    const struct sgr_family *fam; /* the registered family of that name */
    json_t *config, *results;
    sgr_csv csv;
    void *extra; /* what the family's load hook read besides (released by its unload) */
    unsigned long long config_hash;
    char label[160];    /* legend label: the differing config keys, or the directory */
    char differs[1024]; /* every differing key=value, "" when alone or identical */
} sgr_report_run;

/* Load and check one run directory. Returns 0, or SGR_REPORT_EINPUT with err. */
int sgr_report_run_load(sgr_report_run *run, const char *dir, bool allow_incomplete, sgr_err *err);
void sgr_report_run_free(sgr_report_run *run);
/* Fill label and differs of every run from the key paths where their configs differ. */
void sgr_report_runs_label(sgr_report_run *runs, size_t n);

/* Read a CSV of numbers with a header line (empty cells are NAN). Returns 0 or -1 with err
 * naming the file and line. */
int sgr_csv_load(sgr_csv *csv, const char *path, sgr_err *err);
void sgr_csv_free(sgr_csv *csv);
/* -1 with err when a column of cols (NULL-terminated) is missing from csv, read from path. */
int sgr_csv_require(const sgr_csv *csv, const char *const *cols, const char *path,
                    const char *family, sgr_err *err);
/* Whether path is a regular file. */
bool sgr_report_is_file(const char *path);
/* DIR/NAME, or DIR/NAME.part when an incomplete run left only the streamed part. */
void sgr_report_data_path(char *path, size_t size, const char *dir, const char *name,
                          bool complete);

/* Column index by name, or -1. */
int sgr_csv_col(const sgr_csv *csv, const char *name);
static inline double sgr_csv_at(const sgr_csv *csv, size_t row, int col)
{
    return csv->v[row * csv->ncols + (size_t)col];
}

/* One rendered plot: base name (name.gp, name.dat, name.png, name.svg) and caption. */
typedef struct sgr_report_plot {
    char name[64];
    char caption[256];
} sgr_report_plot;

/* Most plots one report renders (a family may draw one figure per run). */
enum { SGR_REPORT_MAX_PLOTS = 16 };

/* Absolute path of gnuplot on PATH, or NULL. */
char *sgr_report_find_gnuplot(void);

/* The report's state while the family draws its plots: where, with what, which runs, and what
 * was rendered so far. */
typedef struct sgr_report_ctx {
    const char *dir, *gnuplot;
    sgr_report_run *runs;
    size_t n;
    sgr_report_plot *plots; /* SGR_REPORT_MAX_PLOTS of them */
    size_t nplots;
    sgr_err *err;
} sgr_report_ctx;

/* One figure drawn by the report's plotting (colours, legend, PNG and SVG, NAME.gp and NAME.dat
 * kept to re-render), for reports other than a family's (the sweep report). Open, add data
 * blocks (index 0, 1, ...) and plot clauses, finish to render. open returns NULL with err;
 * finish returns 0 (out, if not NULL, receives the plot; an empty figure is no plot: out's name
 * is "") or -1 with the err given to open; both free the figure, as abort does. */
typedef struct sgr_report_figure sgr_report_figure;
sgr_report_figure *sgr_report_figure_open(const char *dir, const char *gnuplot, const char *name,
                                          const char *title, const char *xlabel, const char *ylabel,
                                          sgr_err *err);
/* Any gnuplot line before the plot command (set logscale x, set xtics ...). */
void sgr_report_figure_line(sgr_report_figure *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Start a data block (what it holds, its column names); returns its index. */
int sgr_report_figure_block(sgr_report_figure *f, const char *what, const char *columns);
/* The data file, to write the current block's rows. */
FILE *sgr_report_figure_data(sgr_report_figure *f);
/* One plot clause (e.g. "'NAME.dat' index 0 using 1:2 with lines") and its legend entry. */
void sgr_report_figure_series(sgr_report_figure *f, const char *spec, const char *title);
/* Canvas size in pixels (default 1000 wide, taller with a long legend). */
void sgr_report_figure_size(sgr_report_figure *f, int width, int height);
/* A line of a figure drawn by its own plot commands (small multiples: set multiplot ...,
 * plot ..., unset multiplot) rather than by series: the lines are run once per output format.
 * A figure has either panel lines or series. */
void sgr_report_figure_panel(sgr_report_figure *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int sgr_report_figure_finish(sgr_report_figure *f, const char *caption, sgr_report_plot *out);
void sgr_report_figure_abort(sgr_report_figure *f);

/* A figure of the report (sgr_report_figure_open in ctx's directory), or NULL with ctx->err. */
sgr_report_figure *sgr_report_ctx_figure(sgr_report_ctx *ctx, const char *name, const char *title,
                                         const char *xlabel, const char *ylabel);
/* Finish (render) the figure and list it in the report; an empty figure is no plot. Returns 0
 * or -1 with ctx->err. */
int sgr_report_ctx_keep(sgr_report_ctx *ctx, sgr_report_figure *f, const char *caption);
/* "<run label>: what" when several runs share the plot, else "what". */
void sgr_report_series_title(char *buf, size_t size, const sgr_report_ctx *ctx, size_t r,
                             const char *what);

/* report.md and report.html written side by side, as `simgrad report` writes them: open
 * writes the title (NULL with err), close finishes and renames both into place (0 or -1 with
 * err; frees d either way). Table rows have as many cells as the header. */
enum { SGR_REPORT_CELL = 256, SGR_REPORT_MAX_COLS = 14 };
typedef struct sgr_report_doc sgr_report_doc;
sgr_report_doc *sgr_report_doc_open(const char *dir, const char *title, sgr_err *err);
void sgr_report_doc_heading(sgr_report_doc *d, int level, const char *text);
void sgr_report_doc_para(sgr_report_doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sgr_report_doc_table(sgr_report_doc *d, const char *const *head); /* NULL-terminated */
void sgr_report_doc_row(sgr_report_doc *d, char cells[][SGR_REPORT_CELL]);
void sgr_report_doc_table_end(sgr_report_doc *d);
void sgr_report_doc_image(sgr_report_doc *d, const sgr_report_plot *p);
/* A bulleted list: begin, items, end. */
void sgr_report_doc_list(sgr_report_doc *d, bool begin);
void sgr_report_doc_item(sgr_report_doc *d, const char *text);
int sgr_report_doc_close(sgr_report_doc *d, sgr_err *err);

/* A number from a JSON object, NAN when absent or not a number. */
double sgr_json_num(const json_t *obj, const char *key);

/* Table cells: whole numbers in full, others %.4g, "-" when absent (NAN). */
void sgr_report_cell_num(char *cell, double v);
/* "v ± ci" (%.4g ± %.2g), v alone when ci is NAN, "-" when v is. */
void sgr_report_cell_ci(char *cell, double v, double ci);
/* A fitted exponent results[key], its 95% CI (key_ci95) and the theory's (key_predicted) when
 * present: "-1.030 (-1)", "-1.21 ± 0.15 (-1.6)". */
void sgr_report_cell_slope(char *cell, const json_t *results, const char *key);
/* How a run is named in a table: its label when several runs share the report, else its
 * directory. */
const char *sgr_report_run_name(const sgr_report_run *runs, size_t n, size_t r);

/* What `simgrad report` needs from a family (sgr_family.report). */
typedef struct sgr_family_report {
    /* metrics.csv columns the family's plots read, NULL-terminated: a run without one of them
     * is refused. */
    const char *const *metrics_columns;
    /* Optional: check the run's results and read its other files into run->extra (complete:
     * whether the summary says so). Returns 0 or -1 with err (the report refuses the run). */
    int (*load)(sgr_report_run *run, bool complete, sgr_err *err);
    void (*unload)(sgr_report_run *run);
    /* The family's columns of the runs table (NULL-terminated headings, at most 9) and their
     * cells for one run. */
    const char *const *headline;
    void (*headline_cells)(const sgr_report_run *run, char cells[][SGR_REPORT_CELL]);
    /* Optional: sections after the runs table (per-item tables). */
    void (*sections)(sgr_report_doc *d, const sgr_report_run *runs, size_t n);
    /* Optional: paragraphs that explain the plots, before them. */
    void (*plot_notes)(sgr_report_doc *d, const sgr_report_run *runs, size_t n);
    /* Draw the plots (sgr_report_ctx_figure ... sgr_report_ctx_keep). Returns 0 or -1. */
    int (*plots)(sgr_report_ctx *ctx);
} sgr_family_report;

#endif
