/* The fabric family: collective communications of distributed training on a leaf-spine or
 * three-tier fabric, under several path policies (ECMP, ideal packet spraying, k-way split,
 * planned single path with minimal splitting), compared on the same traffic.
 *
 * One driver actor runs every (collective, policy) pair one after the other: for each step
 * it places the step's flows with the policy, starts them all at once as SimGrid
 * communications over the chosen paths (simgrad/fabric.h), and waits for the last. Per step
 * it records the completion time and the maximum link congestion three ways: from the routes
 * SimGrid took for the step's communications (simulated: the zone adds each communication's
 * bytes to the links it hands SimGrid), counted from the placement by analysis/ (independent
 * code), and predicted (spraying's bound, and the balls-into-bins expectation for hashing). Steps
 * whose flows repeat the previous step's exactly (a ring's steps) are simulated once and their time
 * reused, unless algorithm.reuse_identical_steps is false. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/engine.h>
#include <simgrid/mailbox.h>
#include <simgrid/semaphore.h>
#include <xbt/log.h>
#include <xbt/sysdep.h>

#include "simgrad/chrome_trace.h"
#include "simgrad/collective.h"
#include "simgrad/fabric.h"
#include "simgrad/fabric_theory.h"
#include "simgrad/rng.h"
#include "simgrad/run.h"
#include "families/fabric/fabric.h"
#include "simgrad/network.h"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(sgr_fabric, simgrad, "fabric family");

/* One (collective, policy) pair's measurements. */
typedef struct fb_result {
    sgr_collective coll;
    sgr_policy policy;
    size_t steps, simulated, subflows, splits;
    size_t distinct;                   /* steps not identical to the previous one */
    size_t equivalent;                 /* of which timed by an equivalent step (reuse.c) */
    double start, time;                /* simulated seconds */
    double wall;                       /* wall-clock seconds spent simulating it */
    size_t seeds;                      /* hash seeds it ran with */
    double cong_max, cong_sum;         /* simulated, flows on the busiest link */
    double count_max, count_gap;       /* counted from the placement; max |sim - count| */
    double spray_max;                  /* spraying's bound for the same flows */
    double expect_sum, expect_var_sum; /* balls into bins (ecmp, ksplit) */
    double cong_sq_sum;
    size_t expect_steps;
} fb_result;

/* A step's subflows are started and awaited by one actor per host: host h puts the subflows
 * it sends into their destinations' mailboxes and gets those sent to it. Phase 1 of issue 14
 * (bench/bench_fabric_bare.cpp, drivers sendto and mailbox) measured this 39x faster than 16
 * sender actors starting host-to-host comms at a 4-way split on 8,192 hosts: SimGrid 3.32
 * detaches host-to-host comms into maestro's list of activities, which every completion walks,
 * while a waited mailbox comm sits in its two actors' short lists. Each mailbox has its host's
 * actor as permanent receiver, so a put starts its communication at once, in the order the
 * host issues them: a pair's subflows start (and take their queued paths from the zone) in the
 * order their paths were queued. */
typedef struct fb_state fb_state;

typedef struct fb_host {
    fb_state *st;
    size_t h;
    sg_sem_t go;
    sg_mailbox_t mbox;
    sg_comm_t *comms; /* this host's puts, then its gets */
    void **got;
    size_t cap;
} fb_host;

/* The step the host actors run: subflows sorted by source, host h's at out[h] .. out[h+1]. */
typedef struct fb_step {
    const sgr_flows *sub;
    size_t *out;   /* nhosts + 1 offsets into sub */
    size_t *in;    /* subflows each host receives */
    size_t active; /* hosts woken for the step */
    sg_sem_t done;
    bool quit, packet;
} fb_step;

struct fb_state {
    sgr_run *run;
    sgr_fabric fab;
    const fabric_cfg *c;
    fb_result results[FABRIC_MAX_ITEMS * FABRIC_MAX_ITEMS];
    size_t nresults;
    double total_steps, done_steps;
    bool done;
    sgr_metrics *links;     /* link_loads.csv */
    bool packet;            /* network.model packet: ns-3 routes, no zone of ours, no loads */
    fb_host *hosts;         /* one actor per host */
    fb_step step;           /* the step they run */
    sgr_balls_cache *balls; /* balls-into-bins distributions computed so far */
    fb_reuse *reuse;        /* steps simulated, by signature (NULL: no equivalent reuse) */
    sgr_flows vflows, vsub; /* an earlier step regenerated, to compare signatures */
    fb_fluid *fluid;        /* algorithm.step_solver "fluid" (NULL: SimGrid times the steps) */
    sgr_err err;
};

int sgr_fabric_family_build(sgr_run *run, sgr_err *err)
{
    fb_state *st = calloc(1, sizeof *st);
    if (!st)
        return sgr_fail(err, "out of memory");
    run->state = st;
    st->run = run;
    st->c = run->cfg->algorithm;
    if (!(st->balls = sgr_balls_cache_new()))
        return sgr_fail(err, "out of memory");
    if (sgr_fabric_family_init(run->cfg, &st->fab, err) < 0)
        return SGR_EUSER;
    st->packet = run->cfg->network.model == SGR_NET_PACKET;
    if (st->packet) { /* a platform ns-3 can route: hosts, switches, one route per cable */
        char path[4300];
        snprintf(path, sizeof path, "%s/platform.xml", run->outdir);
        return sgr_platform_load_links(&run->cfg->platform, path, err) < 0 ? SGR_EFAIL : 0;
    }
    return sgr_fabric_build(&st->fab, err) < 0 ? SGR_EFAIL : 0;
}

/* Per-link bytes before a step, and the step's simulated maximum congestion (seconds). */
static double simulated_congestion(const sgr_fabric *f, double *before, size_t nlinks)
{
    double m = 0;
    for (size_t i = 2 * f->nhosts; i < nlinks; i++) {
        sgr_fabric_link l;
        sgr_fabric_link_info(i, &l);
        double b = sgr_fabric_link_bytes(i);
        double d = b - before[i];
        before[i] = b;
        if (l.tier == SGR_LINK_HOST_UP || l.tier == SGR_LINK_HOST_DOWN || l.bw <= 0)
            continue;
        m = fmax(m, d / l.bw);
    }
    return m;
}

/* Room for n comms in a host's arrays (in an actor: out of memory aborts, loudly). */
static void host_reserve(fb_host *hs, size_t n)
{
    if (n <= hs->cap)
        return;
    hs->cap = n;
    hs->comms = xbt_realloc(hs->comms, n * sizeof *hs->comms);
    hs->got = xbt_realloc(hs->got, n * sizeof *hs->got);
}

static void host_main(int argc, char **argv)
{
    fb_host *hs = sgr_actor_data(argc, argv);
    fb_state *st = hs->st;
    fb_step *sp = &st->step;
    sgr_run *run = st->run;
    size_t h = hs->h;
    if (sgr_ctrace_sampled(run->ctrace, h, st->fab.nhosts))
        sgr_run_trace_self(run, h, "host");
    sg_mailbox_set_receiver(sg_mailbox_get_name(hs->mbox));
    for (;;) {
        sg_sem_acquire(hs->go);
        if (sp->quit)
            break;
        const sgr_flows *sub = sp->sub;
        size_t from = sp->out[h], to = sp->out[h + 1], nin = sp->in[h], n = 0;
        host_reserve(hs, to - from + nin);
        double t0 = sgr_ctrace_now(run->ctrace), bytes = 0;
        for (size_t i = from; i < to; i++) {
            const sgr_flow *fl = &sub->v[i];
            hs->comms[n++] = sp->packet ? sgr_network_sendto_async(run->hosts[fl->src],
                                                                   run->hosts[fl->dst], fl->bytes)
                                        : sgr_fabric_put(fl->src, fl->dst, fl->bytes, fl->path,
                                                         st->hosts[fl->dst].mbox, hs);
            bytes += fl->bytes;
        }
        for (size_t i = 0; i < nin && !sp->packet; i++)
            hs->comms[n++] = sg_mailbox_get_async(hs->mbox, &hs->got[i]);
        sg_comm_wait_all(hs->comms, n);
        /* one span per step: this host's subflows, start to the last end */
        sgr_ctrace_send(run->ctrace, t0, "step-flows", -1, bytes);
        sg_sem_release(sp->done);
    }
    free(hs->comms);
    free(hs->got);
}

/* One actor per host, each the permanent receiver of its mailbox. Returns 0 or -1 with
 * st->err. */
static int hosts_start(fb_state *st)
{
    size_t n = st->fab.nhosts;
    fb_step *sp = &st->step;
    st->hosts = calloc(n, sizeof *st->hosts);
    sp->out = calloc(n + 1, sizeof *sp->out);
    sp->in = calloc(n, sizeof *sp->in);
    if (!st->hosts || !sp->out || !sp->in)
        return sgr_fail(&st->err, "out of memory");
    sp->done = sg_sem_init(0);
    sp->packet = st->packet;
    for (size_t h = 0; h < n; h++) {
        char name[32];
        snprintf(name, sizeof name, "fabric-h%zu", h);
        st->hosts[h] =
            (fb_host){.st = st, .h = h, .go = sg_sem_init(0), .mbox = sg_mailbox_by_name(name)};
    }
    for (size_t h = 0; h < n; h++)
        sgr_run_spawn(st->run, "host", st->run->hosts[h], host_main, &st->hosts[h]);
    return 0;
}

static void hosts_stop(fb_state *st)
{
    if (!st->hosts)
        return;
    st->step.quit = true;
    for (size_t h = 0; h < st->fab.nhosts; h++)
        sg_sem_release(st->hosts[h].go);
}

/* Start the step's subflows (sorted by fb_sort_subflows) from the host actors and wait for all of
 * them. */
static void run_step(fb_state *st, sgr_flows *sub)
{
    fb_step *sp = &st->step;
    size_t n = st->fab.nhosts;
    memset(sp->out, 0, (n + 1) * sizeof *sp->out);
    memset(sp->in, 0, n * sizeof *sp->in);
    for (size_t i = 0; i < sub->n; i++) {
        sp->out[sub->v[i].src + 1]++;
        sp->in[sub->v[i].dst]++;
    }
    for (size_t h = 0; h < n; h++)
        sp->out[h + 1] += sp->out[h];
    sp->sub = sub;
    sp->active = 0;
    for (size_t h = 0; h < n; h++)
        if (sp->out[h + 1] > sp->out[h] || sp->in[h]) {
            sg_sem_release(st->hosts[h].go);
            sp->active++;
        }
    for (size_t k = 0; k < sp->active; k++)
        sg_sem_acquire(sp->done);
}

/* One step's measurements; congestion in flows on the busiest link. */
typedef struct step_record {
    double dt, sim, count, spray, expect, expect_sd;
    size_t subflows;
} step_record;

/* How a step got its time: simulated, taken from the previous step (identical), or from an
 * earlier step equivalent up to a relabelling of links (reuse.c). */
typedef enum { STEP_SIMULATED, STEP_IDENTICAL, STEP_EQUIVALENT } step_kind;

static void record_step(fb_state *st, fb_result *r, size_t step, step_kind kind,
                        const step_record *x, size_t seed)
{
    double row[] = {(double)r->coll,
                    (double)r->policy,
                    (double)step,
                    (double)kind,
                    simgrid_get_clock(),
                    x->dt,
                    x->sim,
                    x->count,
                    x->spray,
                    x->expect,
                    x->expect_sd,
                    (double)x->subflows,
                    (double)seed};
    sgr_metrics_row(st->run->metrics, row);
    r->time += x->dt;
    r->steps++;
    if (kind == STEP_IDENTICAL)
        return; /* the statistics below are over distinct steps: independent samples */
    r->distinct++;
    /* x->sim is NAN at packet level: no simulated link loads */
    if (!isnan(x->sim)) {
        r->cong_max = fmax(r->cong_max, x->sim);
        r->cong_sum += x->sim;
        r->cong_sq_sum += x->sim * x->sim;
    }
    r->count_max = fmax(r->count_max, x->count);
    r->count_gap = fmax(r->count_gap, fabs(x->sim - x->count));
    r->spray_max = fmax(r->spray_max, x->spray);
    if (!isnan(x->expect)) {
        r->expect_sum += x->expect;
        r->expect_var_sum += x->expect_sd * x->expect_sd;
        r->expect_steps++;
    }
}

/* The policies that hash flows onto paths, and so run once per hash seed. */
static bool hashed(sgr_policy p)
{
    return p == SGR_POLICY_ECMP || p == SGR_POLICY_KSPLIT;
}

/* What one (collective, policy) pair carries from step to step. */
typedef struct pair_run {
    fb_state *st;
    fb_result *r;
    double *before; /* per-link bytes before the step */
    size_t nlinks;
    sgr_flows flows, sub; /* the step's flows, and their subflows as placed */
    double unit;          /* seconds of one flow on a nominal leaf link, to express congestion */
    step_record prev;     /* the last simulated step, for the identical steps after it */
} pair_run;

/* Step s repeats the previous step's flows: take its time again without simulating it. */
static void replay_step(pair_run *pr, size_t s, size_t seed)
{
    fb_state *st = pr->st;
    double t0 = sgr_ctrace_now(st->run->ctrace);
    sg_actor_sleep_for(pr->prev.dt);
    sgr_ctrace_wait(st->run->ctrace, t0, "a step identical to the previous one");
    record_step(st, pr->r, s, STEP_IDENTICAL, &pr->prev, seed);
    simulated_congestion(&st->fab, pr->before, pr->nlinks); /* keep the baseline current */
    st->done_steps++;
}

/* Place step s's flows under the policy, and count and predict their congestion into x.
 * Returns 0 or -1 with st->err. */
static int place_step(pair_run *pr, const sgr_policy_cfg *pc, size_t s, step_record *x)
{
    fb_state *st = pr->st;
    const sgr_fabric *f = &st->fab;
    fb_result *r = pr->r;
    if (sgr_collective_flows(r->coll, f->nhosts, s, st->c->bytes, &pr->flows) < 0)
        return sgr_fail(&st->err, "out of memory");
    size_t splits;
    if (sgr_policy_place(f, pc, &pr->flows, &pr->sub, &splits, &st->err) < 0)
        return -1;
    r->splits += splits;
    pr->unit = pr->flows.v[0].bytes / f->leaf_bw;
    x->count = sgr_congestion_count(f, &pr->sub) / pr->unit;
    x->spray = sgr_congestion_spray(f, &pr->flows) / pr->unit;
    x->expect = NAN;
    x->expect_sd = NAN;
    if (hashed(r->policy)) {
        double m, sd;
        if (sgr_congestion_ecmp_expect(f, &pr->flows, r->policy == SGR_POLICY_KSPLIT ? st->c->k : 1,
                                       st->balls, &m, &sd) == 0) {
            x->expect = m / pr->unit;
            x->expect_sd = sd / pr->unit;
        }
    }
    return 0;
}

/* Whether an earlier step has the signature of the step in pr->sub (sorted): on a hash hit
 * the earlier step is placed again and the signatures compared word for word. Returns it,
 * NULL, or NULL with st->err set. */
/* Whether steps are signed for equivalent-step reuse: not hashed placements under the fluid
 * solver (they almost never repeat, and signing one costs more than solving it). */
static bool signed_steps(const pair_run *pr)
{
    return pr->st->reuse && !(pr->st->fluid && hashed(pr->r->policy));
}

static const fb_rep *equivalent_step(pair_run *pr)
{
    fb_state *st = pr->st;
    if (!signed_steps(pr))
        return NULL;
    if (fb_reuse_sign(st->reuse, 0, &pr->sub) < 0) {
        sgr_fail(&st->err, "out of memory");
        return NULL;
    }
    const fb_rep *rep = fb_reuse_find(st->reuse);
    if (!rep)
        return NULL;
    sgr_policy_cfg pc = {rep->policy, sgr_seed_derive(st->run->seed, "fabric-hash", rep->seed),
                         st->c->k};
    if (sgr_collective_flows(rep->coll, st->fab.nhosts, rep->step, st->c->bytes, &st->vflows) < 0) {
        sgr_fail(&st->err, "out of memory");
        return NULL;
    }
    if (sgr_policy_place(&st->fab, &pc, &st->vflows, &st->vsub, NULL, &st->err) < 0)
        return NULL;
    fb_sort_subflows(&st->vsub, st->fab.nhosts);
    if (fb_reuse_sign(st->reuse, 1, &st->vsub) < 0) {
        sgr_fail(&st->err, "out of memory");
        return NULL;
    }
    return fb_reuse_same(st->reuse) ? rep : NULL;
}

/* Take the time of an equivalent step: sleep it, and load the links this step's routes
 * cross as its communications would have. */
static void replay_equivalent(pair_run *pr, const fb_rep *rep, step_record *x)
{
    fb_state *st = pr->st;
    double t0 = sgr_ctrace_now(st->run->ctrace);
    sg_actor_sleep_for(rep->dt);
    sgr_ctrace_wait(st->run->ctrace, t0, "a step equivalent to an earlier one");
    for (size_t i = 0; i < pr->sub.n; i++) {
        const sgr_flow *fl = &pr->sub.v[i];
        sgr_fabric_credit(fl->src, fl->dst, fl->path, fl->bytes);
    }
    x->dt = rep->dt;
}

/* Time the step with the fluid solver: sleep its time, and load the links its routes cross as
 * its communications would have. Returns 0 or -1 with st->err. */
static int fluid_step(pair_run *pr, step_record *x)
{
    fb_state *st = pr->st;
    double t0 = sgr_ctrace_now(st->run->ctrace);
    if (fb_fluid_step(st->fluid, &pr->sub, &x->dt, &st->err) < 0)
        return -1;
    sg_actor_sleep_for(x->dt);
    sgr_ctrace_wait(st->run->ctrace, t0, "a step timed by the fluid solver");
    for (size_t i = 0; i < pr->sub.n; i++) {
        const sgr_flow *fl = &pr->sub.v[i];
        sgr_fabric_credit(fl->src, fl->dst, fl->path, fl->bytes);
    }
    return 0;
}

/* Place, simulate (or time by an equivalent step) and record step s. Returns 0 or -1 with
 * st->err. */
static int simulate_step(pair_run *pr, const sgr_policy_cfg *pc, size_t s, size_t seed)
{
    fb_state *st = pr->st;
    step_record x;
    if (place_step(pr, pc, s, &x) < 0)
        return -1;
    fb_sort_subflows(&pr->sub, st->fab.nhosts); /* each host's subflows together */
    const fb_rep *rep = equivalent_step(pr);
    if (st->err.msg[0])
        return -1;
    if (rep) {
        replay_equivalent(pr, rep, &x);
        pr->r->equivalent++;
    } else {
        double t0 = simgrid_get_clock();
        if (st->fluid) {
            if (fluid_step(pr, &x) < 0)
                return -1;
        } else {
            run_step(st, &pr->sub);
        }
        x.dt = simgrid_get_clock() - t0;
        pr->r->simulated++;
        fb_rep me = {pr->r->coll, pr->r->policy, seed, s, x.dt};
        if (signed_steps(pr) && fb_reuse_add(st->reuse, &me) < 0)
            return sgr_fail(&st->err, "out of memory");
    }
    /* packet level: no zone of ours counts the links' bytes */
    x.sim = st->packet ? NAN : simulated_congestion(&st->fab, pr->before, pr->nlinks) / pr->unit;
    x.subflows = pr->sub.n;
    pr->r->subflows += pr->sub.n;
    record_step(st, pr->r, s, rep ? STEP_EQUIVALENT : STEP_SIMULATED, &x, seed);
    pr->prev = x;
    st->done_steps++;
    sgr_progress_update(&st->run->progress, "step", st->done_steps, st->total_steps,
                        simgrid_get_clock());
    return 0;
}

/* Run one collective under one policy, once per hash seed for the hashing policies.
 * Returns 0 or -1 with st->err. */
static int run_pair(fb_state *st, fb_result *r, double *before, size_t nlinks)
{
    size_t n = st->fab.nhosts, steps = sgr_collective_steps(r->coll, n);
    size_t seeds = hashed(r->policy) ? st->c->hash_seeds : 1;
    if (st->c->max_steps && steps > st->c->max_steps)
        steps = st->c->max_steps;
    pair_run pr = {.st = st, .r = r, .before = before, .nlinks = nlinks};
    int rc = 0;
    r->start = simgrid_get_clock();
    for (size_t h = 0; h < seeds && rc == 0; h++) {
        sgr_policy_cfg pc = {r->policy, sgr_seed_derive(st->run->seed, "fabric-hash", h), st->c->k};
        size_t prev_pattern = SIZE_MAX;
        for (size_t s = 0; s < steps && rc == 0 && !sgr_run_interrupted(); s++) {
            size_t pattern = sgr_collective_pattern(r->coll, n, s);
            if (st->c->reuse && pattern == prev_pattern) {
                replay_step(&pr, s, h);
                continue;
            }
            prev_pattern = pattern;
            rc = simulate_step(&pr, &pc, s, h);
        }
    }
    /* per collective: the mean over the seeds */
    r->time /= (double)seeds;
    r->steps /= seeds;
    r->seeds = seeds;
    sgr_flows_free(&pr.flows);
    sgr_flows_free(&pr.sub);
    return rc;
}

/* Each switch-tier link's bytes and utilization over one (collective, policy) pair. */
static void write_link_loads(fb_state *st, const fb_result *r, const double *start, size_t nlinks)
{
    double span = r->time > 0 ? r->time : 1;
    for (size_t i = 2 * st->fab.nhosts; i < nlinks && st->links; i++) {
        sgr_fabric_link l;
        sgr_fabric_link_info(i, &l);
        /* one run of the collective: the mean over hash seeds */
        double bytes = (sgr_fabric_link_bytes(i) - start[i]) / (double)(r->seeds ? r->seeds : 1);
        double row[] = {(double)r->coll,
                        (double)r->policy,
                        (double)l.tier,
                        (double)l.a,
                        (double)l.b,
                        (double)l.c,
                        l.bw,
                        bytes,
                        l.bw > 0 ? bytes / l.bw / span : NAN};
        sgr_metrics_row(st->links, row);
    }
}

static void driver_main(int argc, char **argv)
{
    fb_state *st = sgr_actor_data(argc, argv);
    sgr_run_trace_self(st->run, 0, "driver");
    size_t nlinks = sgr_fabric_nlinks();
    double *before = calloc(nlinks, sizeof *before);
    if (!before) {
        sgr_fail(&st->err, "out of memory");
        return;
    }
    for (size_t i = 0; i < nlinks; i++)
        before[i] = sgr_fabric_link_bytes(i);
    if (st->c->fluid) {
        if (!(st->fluid = fb_fluid_new(&st->err))) {
            free(before);
            return;
        }
    } else if (hosts_start(st) < 0) {
        free(before);
        return;
    }
    if (!st->packet && st->c->reuse_equivalent && !(st->reuse = fb_reuse_new(st->fab.nhosts))) {
        sgr_fail(&st->err, "out of memory");
        goto out;
    }
    for (size_t c = 0; c < st->c->ncolls; c++) {
        for (size_t p = 0; p < st->c->npolicies; p++) {
            if (sgr_run_interrupted())
                break;
            fb_result *r = &st->results[st->nresults++];
            r->coll = st->c->colls[c];
            r->policy = st->c->policies[p];
            XBT_VERB("%s under %s", sgr_collective_name(r->coll), sgr_policy_name(r->policy));
            double w0 = sgr_wall_time();
            double *start = malloc(nlinks * sizeof *start);
            if (!start) {
                sgr_fail(&st->err, "out of memory");
                goto out;
            }
            for (size_t i = 2 * st->fab.nhosts; i < nlinks; i++)
                start[i] = sgr_fabric_link_bytes(i);
            int prc = run_pair(st, r, before, nlinks);
            r->wall = sgr_wall_time() - w0;
            if (prc == 0)
                write_link_loads(st, r, start, nlinks);
            free(start);
            if (prc < 0)
                goto out;
        }
    }
    st->done = !sgr_run_interrupted();
out:
    hosts_stop(st);
    free(before);
}

int sgr_fabric_family_deploy(sgr_run *run, sgr_err *err)
{
    fb_state *st = run->state;
    static const char *const columns[] = {"collective",
                                          "policy",
                                          "step",
                                          "reused",
                                          "time_s",
                                          "step_time_s",
                                          "congestion_sim",
                                          "congestion_count",
                                          "congestion_spray",
                                          "congestion_expect",
                                          "congestion_expect_sd",
                                          "subflows",
                                          "hash_seed"};
    if (sgr_run_metrics(run, columns, sizeof columns / sizeof *columns, err) < 0)
        return SGR_EFAIL;
    for (size_t c = 0; c < st->c->ncolls; c++) {
        size_t steps = sgr_collective_steps(st->c->colls[c], st->fab.nhosts);
        if (st->c->max_steps && steps > st->c->max_steps)
            steps = st->c->max_steps;
        for (size_t p = 0; p < st->c->npolicies; p++)
            st->total_steps +=
                (double)(steps * (hashed(st->c->policies[p]) ? st->c->hash_seeds : 1));
    }
    static const char *const link_columns[] = {
        "collective", "policy", "tier", "a", "b", "c", "bandwidth_Bps", "bytes", "utilization"};
    char path[4300];
    snprintf(path, sizeof path, "%s/link_loads.csv", run->outdir);
    if (!st->packet) /* no link loads at packet level */
        st->links =
            sgr_metrics_open(path, link_columns, sizeof link_columns / sizeof *link_columns, err);
    if (!st->packet && !st->links)
        return SGR_EFAIL;
    sgr_run_spawn(run, "driver", run->hosts[0], driver_main, st);
    return 0;
}

static const fb_result *find(const fb_state *st, sgr_collective c, sgr_policy p)
{
    for (size_t i = 0; i < st->nresults; i++)
        if (st->results[i].coll == c && st->results[i].policy == p)
            return &st->results[i];
    return NULL;
}

static json_t *result_json(const fb_state *st, const fb_result *r)
{
    const fb_result *spray = find(st, r->coll, SGR_POLICY_SPRAY);
    size_t k = r->distinct; /* distinct steps */
    double mean = k ? r->cong_sum / (double)k : NAN;
    double var = k > 1 ? (r->cong_sq_sum - (double)k * mean * mean) / (double)(k - 1) : 0;
    json_t *o =
        json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "collective",
                  sgr_collective_name(r->coll), "policy", sgr_policy_name(r->policy), "steps",
                  (json_int_t)r->steps, "simulated_steps", (json_int_t)r->simulated, "subflows",
                  (json_int_t)r->subflows, "split_flows", (json_int_t)r->splits, "time_s", r->time,
                  "max_congestion", r->cong_max, "mean_congestion", mean, "sd_congestion",
                  sqrt(fmax(var, 0)), "max_congestion_counted", r->count_max, "spray_bound_max",
                  r->spray_max, "sim_vs_counted_max_gap", r->count_gap);
    char name[64];
    snprintf(name, sizeof name, "%s/%s", sgr_collective_name(r->coll), sgr_policy_name(r->policy));
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "start_time_s", json_real(r->start));
    json_object_set_new(o, "hash_seeds", json_integer((json_int_t)r->seeds));
    json_object_set_new(o, "equivalent_steps", json_integer((json_int_t)r->equivalent));
    json_object_set_new(o, "wall_clock_seconds", json_real(r->wall));
    if (spray && spray->time > 0) {
        json_object_set_new(o, "time_vs_spray", json_real(r->time / spray->time));
        if (!st->packet)
            json_object_set_new(o, "congestion_vs_spray", json_real(r->cong_max / spray->cong_max));
    }
    if (st->packet) { /* no simulated link loads at packet level: only the counted ones */
        static const char *const none[] = {"max_congestion", "mean_congestion", "sd_congestion",
                                           "sim_vs_counted_max_gap"};
        for (size_t i = 0; i < sizeof none / sizeof *none; i++)
            json_object_set_new(o, none[i], json_null());
    }
    if (r->expect_steps) {
        double em = r->expect_sum / (double)r->expect_steps;
        json_object_set_new(o, "expected_mean_congestion", json_real(em));
        json_object_set_new(o, "expected_sd_congestion",
                            json_real(sqrt(r->expect_var_sum / (double)r->expect_steps)));
        /* the gap between the measured mean and the prediction, in units of the measured
         * spread over distinct steps (0 when there is one step: run seeds with a sweep) */
        double sd = sqrt(fmax(var, 0));
        json_object_set_new(o, "mean_vs_expected_in_sd", json_real(sd > 0 ? (mean - em) / sd : 0));
    }
    return o;
}

/* The paper's claims, per collective: planned single path with minimal splitting reaches
 * ideal spraying's maximum congestion; ECMP's mean congestion is the balls-into-bins one,
 * within its spread over the distinct steps (seeds: run a sweep for a single-pattern
 * collective such as a ring). Printed under the table and returned for the summary. */
static json_t *print_claims(const fb_state *st)
{
    json_t *out = json_array();
    for (size_t c = 0; c < st->c->ncolls; c++) {
        const fb_result *sp = find(st, st->c->colls[c], SGR_POLICY_SPRAY);
        const fb_result *pl = find(st, st->c->colls[c], SGR_POLICY_PLANNED);
        const fb_result *ec = find(st, st->c->colls[c], SGR_POLICY_ECMP);
        const char *name = sgr_collective_name(st->c->colls[c]);
        json_t *o = json_pack("{s:s}", "collective", name);
        if (sp && pl && sp->distinct && pl->distinct) {
            bool eq = fabs(pl->cong_max - sp->cong_max) <= 1e-9 * sp->cong_max;
            printf("%s: planned single path %s ideal spraying's maximum congestion (%.6g vs "
                   "%.6g flows), %zu flows split\n",
                   name, eq ? "reaches" : "DOES NOT reach", pl->cong_max, sp->cong_max, pl->splits);
            json_object_set_new(o, "planned_equals_spray", json_boolean(eq));
        }
        if (ec && ec->expect_steps && ec->distinct) {
            size_t k = ec->distinct;
            double mean = ec->cong_sum / (double)k, em = ec->expect_sum / (double)ec->expect_steps;
            double sd =
                k > 1 ? sqrt(fmax(0, (ec->cong_sq_sum - (double)k * mean * mean) / (double)(k - 1)))
                      : 0;
            double esd = sqrt(ec->expect_var_sum / (double)ec->expect_steps);
            double spread = sd > 0 ? sd : esd;
            bool within = fabs(mean - em) <= spread + 1e-9 * em;
            printf("%s: ECMP mean congestion %.4g vs balls into bins %.4g (+- %.3g predicted, "
                   "%.3g measured over %zu distinct steps, %zu hash seeds): %s\n",
                   name, mean, em, esd, sd, k, ec->seeds,
                   within ? "within the spread" : "OUTSIDE the spread");
            json_object_set_new(o, "ecmp_within_spread", json_boolean(within));
            json_object_set_new(o, "ecmp_mean", json_real(mean));
            json_object_set_new(o, "ecmp_expected", json_real(em));
        }
        json_array_append_new(out, o);
    }
    return out;
}

int sgr_fabric_family_finish(sgr_run *run, sgr_err *err)
{
    fb_state *st = run->state;
    int rc = 0;
    if (!st)
        return 0;
    if (st->err.msg[0]) {
        *err = st->err;
        rc = SGR_EFAIL;
    } else if (!st->done && !sgr_run_interrupted()) {
        rc = sgr_fail(err, "the fabric driver did not finish");
    }
    json_t *rows = json_array();
    printf("%-15s %-8s %12s %10s %12s %10s %12s %10s\n", "collective", "policy", "time_s",
           "vs_spray", "congestion", "vs_spray", "expected", "splits");
    for (size_t i = 0; i < st->nresults; i++) {
        const fb_result *r = &st->results[i];
        json_t *o = result_json(st, r);
        json_array_append_new(rows, o);
        json_t *ts = json_object_get(o, "time_vs_spray"),
               *cs = json_object_get(o, "congestion_vs_spray");
        json_t *ex = json_object_get(o, "expected_mean_congestion");
        char exbuf[32] = "-";
        if (ex)
            snprintf(exbuf, sizeof exbuf, "%.5g", json_real_value(ex));
        printf("%-15s %-8s %12.6g %10.4g %12.5g %10.4g %12s %10zu\n", sgr_collective_name(r->coll),
               sgr_policy_name(r->policy), r->time, ts ? json_real_value(ts) : NAN, r->cong_max,
               cs ? json_real_value(cs) : NAN, exbuf, r->splits);
    }
    json_t *claims = print_claims(st);
    run->results =
        json_pack("{s:o, s:s, s:I, s:I, s:I, s:I, s:I, s:f, s:f}", "pairs", rows, "congestion_unit",
                  "flows on the busiest switch link", "hosts", (json_int_t)st->fab.nhosts, "leaves",
                  (json_int_t)st->fab.nleaves, "planes", (json_int_t)st->fab.planes, "pods",
                  (json_int_t)st->fab.pods, "cores", (json_int_t)st->fab.cores, "leaf_bw_Bps",
                  st->fab.leaf_bw, "host_bw_Bps", st->fab.host_bw);
    json_object_set_new(run->results, "claims", claims);
    if (!st->packet)
        json_object_set_new(run->results, "link_loads_file", json_string("link_loads.csv"));
    json_object_set_new(run->results, "collective_codes",
                        json_pack("[s,s,s,s,s]", "ring-allreduce", "reduce-scatter", "all-gather",
                                  "all-to-all", "incast"));
    json_object_set_new(run->results, "policy_codes",
                        json_pack("[s,s,s,s]", "ecmp", "spray", "ksplit", "planned"));
    json_object_set_new(run->results, "link_tier_codes",
                        json_pack("[s,s,s,s,s,s]", "host-up", "host-down", "leaf-up", "leaf-down",
                                  "core-up", "core-down"));
    if (st->links && sgr_metrics_close(st->links, rc == 0 ? err : NULL) < 0 && rc == 0)
        rc = SGR_EFAIL;
    sgr_fabric_free(&st->fab);
    sgr_balls_cache_free(st->balls);
    free(st->hosts);
    fb_reuse_free(st->reuse);
    fb_fluid_free(st->fluid);
    sgr_flows_free(&st->vflows);
    sgr_flows_free(&st->vsub);
    free(st->step.out);
    free(st->step.in);
    free(st);
    run->state = NULL;
    return rc;
}
