/* The fabric family's report, across its two files: report.c (tables, checks, link_loads.csv)
 * and report_plots.c (the plots). A run's report extra is its link_loads.csv as an sgr_csv,
 * or NULL when the run has none (the heatmaps are then skipped, with a note). */
#ifndef SIMGRAD_FABRIC_REPORT_H
#define SIMGRAD_FABRIC_REPORT_H

#include "report/report_internal.h"

/* The collective whose per-step congestion and link heatmaps the fabric report draws:
 * all-to-all if the first run has it, else its collective of the most steps ("" if none). */
const char *sgr_fabric_report_focus(const sgr_report_run *runs, size_t n);

/* Completion time and congestion bars, per-step congestion, leaf-up link heatmaps. Returns 0
 * or -1 with ctx->err. */
int sgr_fabric_report_plots(sgr_report_ctx *ctx);

#endif
