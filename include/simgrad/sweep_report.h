/* simgrad: the report of a sweep. Reads DIR/results.csv (written by `simgrad sweep`: a column
 * "run", the swept keys, "seed", "complete", then the results) and writes into DIR, for each
 * metric and each swept key, sweep_METRIC_vs_KEY.png/.svg: the metric's mean over replicas
 * with a 95% Student-t confidence interval against the key's values, one line per combination
 * of the other swept keys; and report.md/report.html with the table of means per combination.
 * Only complete runs count. Pure C + jansson; gnuplot runs as a child process. */
#ifndef SIMGRAD_SWEEP_REPORT_H
#define SIMGRAD_SWEEP_REPORT_H

#include <stddef.h>
#include "simgrad/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* counts: result fields (substrings of column names) that are counts, for axis labels, besides
 * the common ones (the family's sgr_family_sweep.counts; may be NULL).
 * Returns 0, SGR_REPORT_EINPUT (results.csv missing or malformed, a metric that is not one of
 * its columns: exit 2) or SGR_REPORT_EFAIL (gnuplot missing or failed, I/O: exit 1), with
 * one message in err naming the file. */
int sgr_sweep_report_write(const char *dir, const char *const *metrics, size_t nmetrics,
                           const char *const *counts, sgr_err *err);

#ifdef __cplusplus
}
#endif
#endif
