/* simgrad: what the run layer's files share (actors/run.c, actors/platform_file.c). Not
 * installed. */
#ifndef SIMGRAD_RUN_INTERNAL_H
#define SIMGRAD_RUN_INTERNAL_H

#include <stdbool.h>

#include "simgrad/error.h"

/* qsort comparator of sg_host_t by name in natural order (h2 before h10): the order of a
 * user's platform file's hosts in run->hosts. */
int sgr_run_cmp_host_names(const void *a, const void *b);

/* Load a user's platform file in a child process (SimGrid aborts on a file it cannot parse,
 * and on the first transfer between hosts without a route): that it parses, declares hosts,
 * seals (with output.paje, where SimGrid's tracer may crash) and has a route between its
 * hosts (every ordered pair up to 100 hosts; beyond, each host to and from the first and to
 * the next; at most 30,000 queries). Returns 0, or -1 with err naming the file (and the
 * pair of hosts without a route). */
int sgr_run_check_platform_file(const char *path, bool paje, sgr_err *err);

#endif
