/* simgrad: flow level against packet level (`simgrad compare-models`, issue 15).
 *
 * The command runs a scenario under network.model flow and packet (and flow on the platform
 * written for ns-3 when the two platforms route differently: network.same_routes), plus the
 * probe (the family that times transfers, sgr_family.probe) on the same platform under both
 * models; this module reads those run directories and writes the comparison: comparison.json,
 * report.md and report.html, and the plots (gnuplot): the packet/flow ratio of a message's
 * time against its size, one line per load, and each run's time per metrics row. Pure C +
 * jansson; gnuplot as a child. */
#ifndef SIMGRAD_COMPARE_H
#define SIMGRAD_COMPARE_H

#include "simgrad/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sgr_compare_dirs {
    const char *flow, *packet;             /* the scenario's runs */
    const char *same_routes;               /* flow level on the ns-3 platform, or NULL */
    const char *probe_flow, *probe_packet; /* probe runs, or both NULL */
} sgr_compare_dirs;

/* Read the run directories and write the comparison into dir. Returns 0, SGR_REPORT_EINPUT
 * (a run directory missing or malformed) or SGR_REPORT_EFAIL (gnuplot, I/O) with err. */
int sgr_compare_write(const char *dir, const sgr_compare_dirs *dirs, sgr_err *err);

#ifdef __cplusplus
}
#endif
#endif
