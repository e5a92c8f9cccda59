/* simgrad: reports of finished runs. `simgrad report RUN_DIR...` reads each run directory's
 * summary.json and metrics.csv and writes, into one report directory, the family's plots (PNG
 * and SVG, rendered by gnuplot from .gp scripts and .dat files kept next to them so a user can
 * edit and re-render), report.md and report.html (summary tables and provenance). Several
 * runs of one family are overlaid, each labelled by the config keys in which it differs from
 * the others. Pure C + jansson; gnuplot runs as a child process. */
#ifndef SIMGRAD_REPORT_H
#define SIMGRAD_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include "simgrad/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Return codes of sgr_report_write, besides 0. */
#define SGR_REPORT_EINPUT (-2) /* a run directory is missing, malformed, incomplete: exit 2 */
#define SGR_REPORT_EFAIL (-1)  /* gnuplot missing or failed, or an I/O error: exit 1 */

typedef struct sgr_report_opts {
    const char *const *run_dirs; /* one or more run directories */
    size_t nruns;
    const char *out_dir;   /* NULL: <first run dir>/report */
    bool allow_incomplete; /* report runs whose summary says "complete": false */
    bool quiet;            /* no list of written files on stdout */
} sgr_report_opts;

/* Check every run directory, then write the report. All runs must be of one family (a report
 * overlays them; runs of different families are refused: report them separately). Returns 0,
 * SGR_REPORT_EINPUT or SGR_REPORT_EFAIL with one message in err naming the directory or file.
 * out_used (if not NULL, of out_size bytes) receives the report directory. */
int sgr_report_write(const sgr_report_opts *opts, char *out_used, size_t out_size, sgr_err *err);

/* FNV-1a, 64 bits, of n bytes: the config hash printed as provenance. Can't fail. */
unsigned long long sgr_report_fnv1a64(const void *data, size_t n);

#ifdef __cplusplus
}
#endif
#endif
