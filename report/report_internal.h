/* simgrad report: what its three files share. report_run.c loads and checks run directories
 * and labels them; report_plot.c writes the gnuplot scripts and data and runs gnuplot;
 * report.c writes report.md and report.html. Not installed. */
#ifndef SIMGRAD_REPORT_INTERNAL_H
#define SIMGRAD_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "simgrad/error.h"

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
    json_t *config, *results;
    sgr_csv csv;
    sgr_csv links; /* fabric: link_loads.csv; links_missing when the run has none */
    bool links_missing;
    unsigned long long config_hash;
    char label[160];    /* legend label: the differing config keys, or the directory */
    char differs[1024]; /* every differing key=value, "" when alone or identical */
} sgr_report_run;

/* Load and check one run directory. Returns 0, or SGR_REPORT_EINPUT with err. */
int sgr_report_run_load(sgr_report_run *run, const char *dir, bool allow_incomplete, sgr_err *err);
void sgr_report_run_free(sgr_report_run *run);
/* Fill label and differs of every run from the key paths where their configs differ. */
void sgr_report_runs_label(sgr_report_run *runs, size_t n);

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

/* Most plots one report renders (the fabric family draws one heatmap per run). */
enum { SGR_REPORT_MAX_PLOTS = 16 };

/* Absolute path of gnuplot on PATH, or NULL. */
char *sgr_report_find_gnuplot(void);
/* Write and render the family's plots into dir. Fills plots[0 .. *nplots-1] (at most
 * SGR_REPORT_MAX_PLOTS). Returns 0 or SGR_REPORT_EFAIL with err. */
int sgr_report_plots(const char *dir, const char *gnuplot, sgr_report_run *runs, size_t n,
                     sgr_report_plot *plots, size_t *nplots, sgr_err *err);

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

/* The fabric family's plots (report_fabric.c), as sgr_report_plots: figures named
 * fabric_*. Returns 0 or -1 with err; *nplots counts what was rendered. */
int sgr_report_fabric_plots(const char *dir, const char *gnuplot, sgr_report_run *runs, size_t n,
                            sgr_report_plot *plots, size_t *nplots, sgr_err *err);
/* The collective whose per-step congestion and link heatmaps the fabric report draws:
 * all-to-all if the first run has it, else its collective of the most steps ("" if none). */
const char *sgr_report_fabric_focus(const sgr_report_run *runs, size_t n);

/* report.md and report.html written side by side, as `simgrad report` writes them: open
 * writes the title (NULL with err), close finishes and renames both into place (0 or -1 with
 * err; frees d either way). Table rows have as many cells as the header. */
enum { SGR_REPORT_CELL = 256 };
typedef struct sgr_report_doc sgr_report_doc;
sgr_report_doc *sgr_report_doc_open(const char *dir, const char *title, sgr_err *err);
void sgr_report_doc_heading(sgr_report_doc *d, int level, const char *text);
void sgr_report_doc_para(sgr_report_doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sgr_report_doc_table(sgr_report_doc *d, const char *const *head); /* NULL-terminated */
void sgr_report_doc_row(sgr_report_doc *d, char cells[][SGR_REPORT_CELL]);
void sgr_report_doc_table_end(sgr_report_doc *d);
void sgr_report_doc_image(sgr_report_doc *d, const sgr_report_plot *p);
int sgr_report_doc_close(sgr_report_doc *d, sgr_err *err);

/* A number from a JSON object, NAN when absent or not a number. */
double sgr_json_num(const json_t *obj, const char *key);

#endif
