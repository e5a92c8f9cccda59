/* The ping family's actors. Flow j is a sender and a receiver actor on its two hosts (pairs:
 * hosts 2j and 2j+1; incast: the host j+1 places before the receiver, and the receiver). A
 * driver runs the experiments one after the other: for each size, load k and repeat, it wakes
 * the senders of flows 0 .. k-1, which put one message each at once, and waits until every
 * one has landed, so that the measurements do not overlap. A message's time is from the put
 * to its completion; each is a metrics.csv row. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>
#include <simgrid/semaphore.h>

#include "simgrad/chrome_trace.h"
#include "simgrad/output.h"
#include "simgrad/run.h"
#include "families/ping/ping.h"

typedef struct ping_flow {
    ping_state *ps;
    size_t index, src, dst;
    size_t messages; /* how many it carries over the run */
    sg_mailbox_t mbox;
    sg_sem_t go; /* the driver's signal that a message is due (or ps->quit) */
} ping_flow;

static void receiver_main(int argc, char **argv)
{
    ping_flow *f = sgr_actor_data(argc, argv);
    for (size_t i = 0; i < f->messages && !sgr_run_interrupted(); i++)
        sg_mailbox_get(f->mbox);
}

static void sender_main(int argc, char **argv)
{
    ping_flow *f = sgr_actor_data(argc, argv);
    ping_state *ps = f->ps;
    sgr_run_trace_self(ps->run, f->src, "sender");
    for (;;) {
        sg_sem_acquire(f->go);
        if (ps->quit)
            break;
        double t0 = simgrid_get_clock(), size = ps->size_now;
        sg_mailbox_put(f->mbox, ps, (long)size);
        sgr_ctrace_send(ps->run->ctrace, t0, "host", (long)f->dst, size);
        double end = simgrid_get_clock(), dt = end - t0;
        ps->slot[f->index] = dt;
        double row[] = {size,
                        (double)ps->load_now,
                        (double)ps->repeat_now,
                        (double)f->src,
                        (double)f->dst,
                        t0,
                        end,
                        dt,
                        size / dt};
        sgr_metrics_row(ps->run->metrics, row);
        sg_sem_release(ps->done);
    }
}

/* One experiment: `load` messages of `size` bytes at once; returns when all have landed. */
static void experiment(ping_state *ps, double size, size_t load, size_t rep, double *slot)
{
    ps->size_now = size;
    ps->load_now = load;
    ps->repeat_now = rep;
    ps->slot = slot;
    for (size_t j = 0; j < load; j++)
        sg_sem_release(ps->flows[j].go);
    for (size_t j = 0; j < load; j++)
        sg_sem_acquire(ps->done);
}

static void driver_main(int argc, char **argv)
{
    ping_state *ps = sgr_actor_data(argc, argv);
    const ping_cfg *c = ps->c;
    /* once the simulation runs: SimGrid seals the platform's routing at its start */
    sg_host_t src = ps->run->hosts[ps->flows[0].src], dst = ps->run->hosts[ps->flows[0].dst];
    ps->route_lat = sg_host_get_route_latency(src, dst);
    ps->route_bw = sg_host_get_route_bandwidth(src, dst);
    double total = (double)(c->nsizes * c->nloads * c->repeats), done = 0;
    for (size_t s = 0; s < c->nsizes; s++)
        for (size_t l = 0; l < c->nloads; l++)
            for (size_t r = 0; r < c->repeats && !sgr_run_interrupted(); r++) {
                size_t e = (s * c->nloads + l) * c->repeats + r;
                experiment(ps, c->sizes[s], c->loads[l], r, ps->times + e * c->nflows);
                sgr_progress_update(&ps->run->progress, "experiment", ++done, total,
                                    simgrid_get_clock());
            }
    ps->finished = !sgr_run_interrupted();
    ps->quit = true;
    for (size_t j = 0; j < c->nflows; j++)
        sg_sem_release(ps->flows[j].go);
}

/* Flow j's hosts, mailbox, and the count of messages it carries (every experiment whose load
 * is above j). */
static void flow_init(ping_state *ps, size_t j)
{
    const ping_cfg *c = ps->c;
    ping_flow *f = &ps->flows[j];
    char name[64];
    *f = (ping_flow){.ps = ps, .index = j, .go = sg_sem_init(0)};
    ping_flow_hosts(c, ps->run->nhosts, j, &f->src, &f->dst);
    snprintf(name, sizeof name, "ping-%zu", j);
    f->mbox = sg_mailbox_by_name(name);
    for (size_t l = 0; l < c->nloads; l++)
        f->messages += c->loads[l] > j ? c->nsizes * c->repeats : 0;
}

int sgr_ping_deploy(sgr_run *run, sgr_err *err)
{
    static const char *const columns[] = {"size_bytes", "load",       "repeat",
                                          "sender",     "receiver",   "start_s",
                                          "time_s",     "duration_s", "bandwidth_Bps"};
    const ping_cfg *c = run->cfg->algorithm;
    ping_state *ps = calloc(1, sizeof *ps);
    if (!ps)
        return sgr_fail(err, "out of memory");
    run->state = ps;
    *ps = (ping_state){.run = run, .c = c, .done = sg_sem_init(0)};
    ps->flows = calloc(c->nflows, sizeof *ps->flows);
    ps->times = calloc(c->nsizes * c->nloads * c->repeats * c->nflows, sizeof *ps->times);
    if (!ps->flows || !ps->times)
        return sgr_fail(err, "out of memory");
    if (sgr_run_metrics(run, columns, sizeof columns / sizeof *columns, err) < 0)
        return SGR_EFAIL;
    for (size_t j = 0; j < c->nflows; j++) {
        flow_init(ps, j);
        ping_flow *f = &ps->flows[j];
        char name[64];
        snprintf(name, sizeof name, "sender-%zu", j);
        sgr_run_spawn(run, name, run->hosts[f->src], sender_main, f);
        snprintf(name, sizeof name, "receiver-%zu", j);
        sgr_run_spawn(run, name, run->hosts[f->dst], receiver_main, f);
    }
    sgr_run_spawn(run, "driver", run->hosts[ps->flows[0].dst], driver_main, ps);
    return 0;
}

void ping_state_free(ping_state *ps)
{
    for (size_t j = 0; ps->flows && j < ps->c->nflows; j++)
        if (ps->flows[j].go)
            sg_sem_destroy(ps->flows[j].go);
    if (ps->done)
        sg_sem_destroy(ps->done);
    free(ps->flows);
    free(ps->times);
    free(ps);
}
