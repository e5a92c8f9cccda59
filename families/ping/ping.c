/* The ping family's actors and results. Pair i is a sender on host 2i and a receiver on host
 * 2i+1; every pair sends each size `repeats` times, all pairs together, the senders meeting at
 * a barrier before each message so that the measurements do not overlap. A message's time is
 * from the put to its completion. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/actor.h>
#include <simgrid/barrier.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>

#include "simgrad/run.h"
#include "families/ping/ping.h"

typedef struct ping_pair ping_pair;

typedef struct ping_state {
    sgr_run *run;
    const ping_cfg *c;
    ping_pair *pairs;
    sg_bar_t barrier;
    double *times;              /* [size][repeat][pair] */
    double route_lat, route_bw; /* pair 0's route, as SimGrid has it */
    size_t done;                /* senders that finished */
} ping_state;

struct ping_pair {
    ping_state *ps;
    size_t index;
    sg_mailbox_t mbox;
};

static void receiver_main(int argc, char **argv)
{
    ping_pair *p = sgr_actor_data(argc, argv);
    size_t n = p->ps->c->nsizes * p->ps->c->repeats;
    for (size_t i = 0; i < n && !sgr_run_interrupted(); i++)
        sg_mailbox_get(p->mbox);
}

static void sender_main(int argc, char **argv)
{
    ping_pair *p = sgr_actor_data(argc, argv);
    ping_state *ps = p->ps;
    const ping_cfg *c = ps->c;
    sg_host_t self = sg_host_self(), peer = ps->run->hosts[2 * p->index + 1];
    if (p->index == 0) {
        ps->route_lat = sg_host_get_route_latency(self, peer);
        ps->route_bw = sg_host_get_route_bandwidth(self, peer);
    }
    for (size_t s = 0; s < c->nsizes; s++)
        for (size_t r = 0; r < c->repeats && !sgr_run_interrupted(); r++) {
            sg_barrier_wait(ps->barrier);
            double t0 = simgrid_get_clock();
            sg_mailbox_put(p->mbox, ps, (long)c->sizes[s]);
            double dt = simgrid_get_clock() - t0;
            ps->times[(s * c->repeats + r) * c->pairs + p->index] = dt;
            double row[] = {c->sizes[s],         (double)r, (double)p->index,
                            simgrid_get_clock(), dt,        c->sizes[s] / dt};
            sgr_metrics_row(ps->run->metrics, row);
        }
    ps->done++;
}

int sgr_ping_deploy(sgr_run *run, sgr_err *err)
{
    static const char *const columns[] = {"size_bytes", "repeat",     "pair",
                                          "time_s",     "duration_s", "bandwidth_Bps"};
    const ping_cfg *c = run->cfg->algorithm;
    ping_state *ps = calloc(1, sizeof *ps);
    if (!ps)
        return sgr_fail(err, "out of memory");
    run->state = ps;
    ps->run = run;
    ps->c = c;
    ps->pairs = calloc(c->pairs, sizeof *ps->pairs);
    ps->times = calloc(c->nsizes * c->repeats * c->pairs, sizeof *ps->times);
    if (!ps->pairs || !ps->times)
        return sgr_fail(err, "out of memory");
    if (sgr_run_metrics(run, columns, sizeof columns / sizeof *columns, err) < 0)
        return SGR_EFAIL;
    ps->barrier = sg_barrier_init((unsigned)c->pairs);
    for (size_t i = 0; i < c->pairs; i++) {
        char name[64];
        ping_pair *p = &ps->pairs[i];
        snprintf(name, sizeof name, "ping-%zu", i);
        *p = (ping_pair){ps, i, sg_mailbox_by_name(name)};
        snprintf(name, sizeof name, "sender-%zu", i);
        sgr_run_spawn(run, name, run->hosts[2 * i], sender_main, p);
        snprintf(name, sizeof name, "receiver-%zu", i);
        sgr_run_spawn(run, name, run->hosts[2 * i + 1], receiver_main, p);
    }
    return 0;
}

/* One size's results: mean, min and max over repeats and pairs, and the nominal time of a lone
 * flow on pair 0's route (latency + size / bandwidth, SimGrid's own route figures). */
static json_t *size_results(const ping_state *ps, size_t s)
{
    const ping_cfg *c = ps->c;
    size_t n = c->repeats * c->pairs;
    const double *t = ps->times + s * n;
    double sum = 0, lo = INFINITY, hi = 0;
    for (size_t i = 0; i < n; i++) {
        sum += t[i];
        lo = fmin(lo, t[i]);
        hi = fmax(hi, t[i]);
    }
    double mean = sum / (double)n;
    double nominal = ps->route_lat + c->sizes[s] / ps->route_bw;
    char name[64];
    snprintf(name, sizeof name, "%.0fB", c->sizes[s]);
    return json_pack("{s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "size", name, "size_bytes",
                     c->sizes[s], "time_s", mean, "time_min_s", lo, "time_max_s", hi,
                     "bandwidth_Bps", c->sizes[s] / mean, "nominal_time_s", nominal,
                     "time_vs_nominal", mean / nominal);
}

int sgr_ping_finish(sgr_run *run, sgr_err *err)
{
    ping_state *ps = run->state;
    if (!ps)
        return 0;
    const ping_cfg *c = ps->c;
    int rc = 0;
    if (ps->done < c->pairs && !sgr_run_interrupted())
        rc = sgr_fail(err, "ping: %zu of %zu senders finished (deadlock?)", ps->done, c->pairs);
    json_t *sizes = json_array();
    for (size_t s = 0; rc == 0 && !sgr_run_interrupted() && s < c->nsizes; s++)
        json_array_append_new(sizes, size_results(ps, s));
    run->results = json_pack("{s:o, s:I, s:I, s:f, s:f}", "sizes", sizes, "pairs",
                             (json_int_t)c->pairs, "repeats", (json_int_t)c->repeats,
                             "route_latency_s", ps->route_lat, "route_bandwidth_Bps", ps->route_bw);
    if (ps->barrier)
        sg_barrier_destroy(ps->barrier);
    free(ps->pairs);
    free(ps->times);
    free(ps);
    run->state = NULL;
    return rc;
}
