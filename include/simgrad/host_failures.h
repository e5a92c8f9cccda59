/* simgrad: host-failure traces (stragglers.host_failures): a CSV of host index, start and
 * duration (simulated seconds), read into the time-ordered events a run applies (the actor
 * that turns hosts off and on is in actors/failures.c). Pure C. */
#ifndef SIMGRAD_HOST_FAILURES_H
#define SIMGRAD_HOST_FAILURES_H

#include <stdbool.h>
#include <stddef.h>

#include "simgrad/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Host failures: one event per host going down or up, in time order. */
typedef struct failure_event {
    double at;
    size_t host;
    bool up;
} failure_event;

/* Read a host-failure CSV (host index, start s, duration s) into time-ordered events
 * (*out, malloc'ed; at equal times failures first, then recoveries). nhosts > 0 checks the
 * host indexes. Returns 0 or -1 with err naming the key, the file and the row. */
int sgr_failures_load(const char *path, size_t nhosts, failure_event **out, size_t *count,
                      sgr_err *err);

#ifdef __cplusplus
}
#endif
#endif
