/* The host-failure trace (stragglers.host_failures): see simgrad/host_failures.h. Pure C. */
#include "simgrad/host_failures.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "simgrad/straggler.h"

static int by_time(const void *a, const void *b)
{
    const failure_event *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return (int)x->up - (int)y->up; /* at equal times, failures first, then recoveries */
}

int sgr_failures_load(const char *path, size_t nhosts, failure_event **out, size_t *count,
                      sgr_err *err)
{
    double *v;
    size_t rows, cols;
    if (sgr_trace_read_csv(path, &v, &rows, &cols, err) < 0)
        return sgr_fail_prefix(err, "stragglers.host_failures");
    if (cols != 3) {
        free(v);
        return sgr_fail(err,
                        "stragglers.host_failures: %s has %zu columns, expected 3 (host "
                        "index, start in seconds, duration in seconds)",
                        path, cols);
    }
    failure_event *ev = malloc(2 * rows * sizeof *ev);
    if (!ev) {
        free(v);
        return sgr_fail(err, "out of memory");
    }
    for (size_t r = 0; r < rows; r++) {
        double h = v[r * 3], start = v[r * 3 + 1], dur = v[r * 3 + 2];
        /* a whole number below 2^53 before any conversion (a huge one overflows size_t) */
        bool whole = h >= 0 && h < 9007199254740992.0 && h == floor(h);
        if (!whole || (nhosts && h >= (double)nhosts)) {
            free(v);
            free(ev);
            return sgr_fail(err,
                            "stragglers.host_failures: %s row %zu: host %g is not a host "
                            "index of the platform (0..%zu)",
                            path, r + 1, h, nhosts ? nhosts - 1 : 0);
        }
        ev[2 * r] = (failure_event){start, (size_t)h, false};
        ev[2 * r + 1] = (failure_event){start + dur, (size_t)h, true};
    }
    free(v);
    qsort(ev, 2 * rows, sizeof *ev, by_time);
    *out = ev;
    *count = 2 * rows;
    return 0;
}
