/* Host failures for fault studies: a controller actor turns hosts off and on again at the
 * times a CSV lists (host index, start in simulated seconds, duration in seconds). Turning a
 * host off is SimGrid's own failure mechanism (the one its state profiles drive): the actors
 * on it are killed (or restarted later, if they asked for it) and their communications fail. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/actor.h>
#include <simgrid/host.h>
#include <xbt/log.h>

#include "simgrad/host_failures.h"
#include "simgrad/run.h"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(sgr_failures, simgrad, "host failures");

typedef struct failure_plan {
    sgr_run *run;
    failure_event *events;
    size_t count;
} failure_plan;

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
