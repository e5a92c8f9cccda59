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

/* Absolute path of gnuplot on PATH, or NULL. */
char *sgr_report_find_gnuplot(void);
/* Write and render the family's plots into dir. Fills plots[0 .. *nplots-1] (at most 8).
 * Returns 0 or SGR_REPORT_EFAIL with err. */
int sgr_report_plots(const char *dir, const char *gnuplot, sgr_report_run *runs, size_t n,
                     sgr_report_plot *plots, size_t *nplots, sgr_err *err);

/* A number from a JSON object, NAN when absent or not a number. */
double sgr_json_num(const json_t *obj, const char *key);

#endif
