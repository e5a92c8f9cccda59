/* The actor side of the Chrome trace (include/simgrad/chrome_trace.h): who is calling and
 * when, from SimGrid; the writer in traces/chrome_trace.c does the rest. */
#include "simgrad/chrome_trace.h"

#include <stdio.h>

#include <simgrid/actor.h>
#include <simgrid/engine.h>

void sgr_ctrace_join(sgr_ctrace *tr, long pid, const char *process, const char *thread)
{
    if (tr)
        sgr_ctrace_add_actor(tr, (long)sg_actor_self_get_pid(), pid, process, thread);
}

bool sgr_ctrace_traced(const sgr_ctrace *tr)
{
    return tr && sgr_ctrace_has_actor(tr, (long)sg_actor_self_get_pid());
}

double sgr_ctrace_now(const sgr_ctrace *tr)
{
    return tr ? simgrid_get_clock() : 0.0;
}

static void span(sgr_ctrace *tr, const char *name, double t0, const char *args)
{
    sgr_ctrace_span(tr, (long)sg_actor_self_get_pid(), name, t0, simgrid_get_clock(), args);
}

void sgr_ctrace_compute(sgr_ctrace *tr, double t0, double flops, double host_speed,
                        const sgr_straggle *s)
{
    if (!sgr_ctrace_traced(tr))
        return;
    char args[256];
    if (s && s->task_time >= 0)
        snprintf(args, sizeof args, "{\"flops\":%.15g,\"task_time_s\":%.15g}", flops, s->task_time);
    else
        snprintf(args, sizeof args,
                 "{\"flops\":%.15g,\"host_speed\":%.15g,\"straggle_factor\":%.15g,"
                 "\"delay_s\":%.15g}",
                 flops, host_speed, s ? s->factor : 1.0, s ? s->delay : 0.0);
    span(tr, "compute", t0, args);
}

static void comm(sgr_ctrace *tr, const char *name, double t0, const char *peer_kind,
                 long peer_index, double bytes)
{
    if (!sgr_ctrace_traced(tr))
        return;
    char args[256];
    if (peer_index >= 0)
        snprintf(args, sizeof args, "{\"peer\":\"%s-%ld\",\"bytes\":%.15g}", peer_kind, peer_index,
                 bytes);
    else
        snprintf(args, sizeof args, "{\"peer\":\"%s\",\"bytes\":%.15g}", peer_kind, bytes);
    span(tr, name, t0, args);
}

void sgr_ctrace_send(sgr_ctrace *tr, double t0, const char *peer_kind, long peer_index,
                     double bytes)
{
    comm(tr, "send", t0, peer_kind, peer_index, bytes);
}

void sgr_ctrace_recv(sgr_ctrace *tr, double t0, const char *peer_kind, long peer_index,
                     double bytes)
{
    comm(tr, "recv", t0, peer_kind, peer_index, bytes);
}

void sgr_ctrace_wait(sgr_ctrace *tr, double t0, const char *what)
{
    if (!sgr_ctrace_traced(tr))
        return;
    char args[160];
    snprintf(args, sizeof args, "{\"until\":\"%s\"}", what);
    span(tr, "wait", t0, args);
}
