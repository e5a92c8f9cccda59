/* Host failures for fault studies: a controller actor turns hosts off and on again at the
 * times a CSV lists (host index, start in simulated seconds, duration in seconds). Turning a
 * host off is SimGrid's own failure mechanism (the one its state profiles drive): the actors
 * on it are killed (or restarted later, if they asked for it) and their communications fail. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/actor.h>
#include <simgrid/host.h>
#include <xbt/log.h>

#include "simgrad/run.h"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(sgr_failures, simgrad, "host failures");

typedef struct failure_plan {
    sgr_run *run;
    failure_event *events;
    size_t count;
} failure_plan;

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

static void controller_main(int argc, char **argv)
{
    failure_plan *plan = sgr_actor_data(argc, argv);
    sg_actor_daemonize(sg_actor_self());
    for (size_t i = 0; i < plan->count; i++) {
        const failure_event *e = &plan->events[i];
        sg_actor_sleep_until(e->at);
        sg_host_t h = plan->run->hosts[e->host];
        XBT_VERB("host %s %s", sg_host_get_name(h), e->up ? "recovers" : "fails");
        if (e->up)
            sg_host_turn_on(h);
        else if (sg_host_is_on(h))
            sg_host_turn_off(h);
    }
    free(plan->events);
    free(plan);
}

int sgr_run_failures_deploy(sgr_run *run, sgr_err *err)
{
    if (!run->failures_path)
        return 0;
    failure_plan *plan = calloc(1, sizeof *plan);
    if (!plan)
        return sgr_fail(err, "out of memory");
    plan->run = run;
    if (sgr_failures_load(run->failures_path, run->nhosts, &plan->events, &plan->count, err) < 0) {
        free(plan);
        return SGR_EUSER;
    }
    /* The controller itself must not fail: it runs on a host no failure names, if any. */
    size_t host = 0;
    for (; host < run->nhosts; host++) {
        bool named = false;
        for (size_t i = 0; i < plan->count && !named; i++)
            named = plan->events[i].host == host;
        if (!named)
            break;
    }
    if (host == run->nhosts) {
        free(plan->events);
        free(plan);
        sgr_fail(err, "stragglers.host_failures: every host fails at some point; leave at least "
                      "one untouched");
        return SGR_EUSER;
    }
    sgr_run_spawn(run, "failure-controller", run->hosts[host], controller_main, plan);
    return 0;
}
