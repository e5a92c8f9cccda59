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
#include <simgrid/semaphore.h>
#include <xbt/log.h>

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

/* A step's flows are started and awaited by WORKERS persistent sender actors, each taking a
 * contiguous share of the subflows (a new actor per share and step paid its creation: 9.9 s
 * against 6.4 s at 1,024 hosts, spraying, all-to-all; 1 worker 7.2 s, 64 workers 9.7 s:
 * SimGrid scans lists on every completion that grow with both). A flow's subflows stay with
 * one worker: the zone's path queues are per host pair, and only one actor keeps their
 * order. */
#define WORKERS 16

typedef struct fb_pool fb_pool;

typedef struct fb_worker {
    fb_pool *pool;
    sgr_run *run;
    size_t host;
    sg_sem_t go;
    const sgr_flows *sub;
    sg_comm_t *comms;
    size_t from, to;
    bool quit, packet;
} fb_worker;

struct fb_pool {
    fb_worker w[WORKERS];
    sg_sem_t done;
};

typedef struct fb_state {
    sgr_run *run;
    sgr_fabric fab;
    const fabric_cfg *c;
    fb_result results[FABRIC_MAX_ITEMS * FABRIC_MAX_ITEMS];
    size_t nresults;
    double total_steps, done_steps;
    bool done;
    sgr_metrics *links;     /* link_loads.csv */
    bool packet;            /* network.model packet: ns-3 routes, no zone of ours, no loads */
    fb_pool pool;           /* the sender workers */
    sgr_balls_cache *balls; /* balls-into-bins distributions computed so far */
    sgr_err err;
} fb_state;

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

static void worker_main(int argc, char **argv)
{
    fb_worker *w = sgr_actor_data(argc, argv);
    char name[32];
    snprintf(name, sizeof name, "sender-%zu", (size_t)(w - w->pool->w));
    sgr_run_trace_self(w->run, w->host, name);
    for (;;) {
        sg_sem_acquire(w->go);
        if (w->quit)
            break;
        const sgr_flows *sub = w->sub;
        double t0 = sgr_ctrace_now(w->run->ctrace), bytes = 0;
        for (size_t i = w->from; i < w->to; i++) {
            const sgr_flow *fl = &sub->v[i];
            w->comms[i] = w->packet ? sgr_network_sendto_async(w->run->hosts[fl->src],
                                                               w->run->hosts[fl->dst], fl->bytes)
                                    : sgr_fabric_send(fl->src, fl->dst, fl->bytes, fl->path);
            bytes += sub->v[i].bytes;
        }
        sg_comm_wait_all(w->comms + w->from, w->to - w->from);
        /* one span per step: this worker's share of the step's flows, start to last end */
        sgr_ctrace_send(w->run->ctrace, t0, "step-flows", -1, bytes);
        sg_sem_release(w->pool->done);
    }
}

static void pool_start(fb_state *st)
{
    fb_pool *pool = &st->pool;
    pool->done = sg_sem_init(0);
    for (size_t k = 0; k < WORKERS; k++) {
        size_t host = k * st->fab.nhosts / WORKERS;
        pool->w[k] = (fb_worker){
            .pool = pool, .run = st->run, .host = host, .go = sg_sem_init(0), .packet = st->packet};
        sgr_run_spawn(st->run, "sender", st->run->hosts[host], worker_main, &pool->w[k]);
    }
}

static void pool_stop(fb_pool *pool)
{
    for (size_t k = 0; k < WORKERS; k++) {
        pool->w[k].quit = true;
        sg_sem_release(pool->w[k].go);
    }
}

static int cmp_pair(const void *x, const void *y)
{
    const sgr_flow *a = x, *b = y;
    if (a->src != b->src)
        return a->src < b->src ? -1 : 1;
    if (a->dst != b->dst)
        return a->dst < b->dst ? -1 : 1;
    return (a->path > b->path) - (a->path < b->path);
}

/* Start the step's subflows from the workers and wait for all of them. */
static void run_step(fb_state *st, sgr_flows *sub, sg_comm_t *comms)
{
    qsort(sub->v, sub->n, sizeof *sub->v, cmp_pair); /* a pair's subflows together */
    size_t busy = 0;
    for (size_t k = 0, i = 0; k < WORKERS && i < sub->n; k++) {
        size_t j = k + 1 == WORKERS ? sub->n : i + (sub->n - i) / (WORKERS - k);
        if (j <= i)
            j = i + 1;
        while (j < sub->n && sub->v[j].src == sub->v[j - 1].src &&
               sub->v[j].dst == sub->v[j - 1].dst)
            j++; /* keep a pair's subflows together */
        fb_worker *w = &st->pool.w[k];
        w->sub = sub;
        w->comms = comms;
        w->from = i;
        w->to = j;
        sg_sem_release(w->go);
        busy++;
        i = j;
    }
    for (size_t k = 0; k < busy; k++)
        sg_sem_acquire(st->pool.done);
}

/* One step's measurements; congestion in flows on the busiest link. */
typedef struct step_record {
    double dt, sim, count, spray, expect, expect_sd;
    size_t subflows;
} step_record;

static void record_step(fb_state *st, fb_result *r, size_t step, bool reused, const step_record *x,
                        size_t seed)
{
    double row[] = {(double)r->coll,
                    (double)r->policy,
                    (double)step,
                    reused ? 1 : 0,
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
    if (reused)
        return; /* the statistics below are over distinct steps: independent samples */
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
    sg_comm_t *comms;
    size_t comms_cap;
    double unit;      /* seconds of one flow on a nominal leaf link, to express congestion */
    step_record prev; /* the last simulated step, for the identical steps after it */
} pair_run;

/* Step s repeats the previous step's flows: take its time again without simulating it. */
static void replay_step(pair_run *pr, size_t s, size_t seed)
{
    fb_state *st = pr->st;
    double t0 = sgr_ctrace_now(st->run->ctrace);
    sg_actor_sleep_for(pr->prev.dt);
    sgr_ctrace_wait(st->run->ctrace, t0, "a step identical to the previous one");
    record_step(st, pr->r, s, true, &pr->prev, seed);
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

/* Place, simulate and record step s. Returns 0 or -1 with st->err. */
static int simulate_step(pair_run *pr, const sgr_policy_cfg *pc, size_t s, size_t seed)
{
    fb_state *st = pr->st;
    step_record x;
    if (place_step(pr, pc, s, &x) < 0)
        return -1;
    if (pr->sub.n > pr->comms_cap) {
        free(pr->comms);
        pr->comms_cap = pr->sub.n;
        pr->comms = malloc(pr->comms_cap * sizeof *pr->comms);
        if (!pr->comms)
            return sgr_fail(&st->err, "out of memory");
    }
    double t0 = simgrid_get_clock();
    run_step(st, &pr->sub, pr->comms);
    x.dt = simgrid_get_clock() - t0;
    /* packet level: no zone of ours counts the links' bytes */
    x.sim = st->packet ? NAN : simulated_congestion(&st->fab, pr->before, pr->nlinks) / pr->unit;
    x.subflows = pr->sub.n;
    pr->r->simulated++;
    pr->r->subflows += pr->sub.n;
    record_step(st, pr->r, s, false, &x, seed);
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
    free(pr.comms);
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
    pool_start(st);
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
    pool_stop(&st->pool);
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
    size_t k = r->simulated; /* distinct steps */
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
        if (sp && pl && sp->simulated && pl->simulated) {
            bool eq = fabs(pl->cong_max - sp->cong_max) <= 1e-9 * sp->cong_max;
            printf("%s: planned single path %s ideal spraying's maximum congestion (%.6g vs "
                   "%.6g flows), %zu flows split\n",
                   name, eq ? "reaches" : "DOES NOT reach", pl->cong_max, sp->cong_max, pl->splits);
            json_object_set_new(o, "planned_equals_spray", json_boolean(eq));
        }
        if (ec && ec->expect_steps && ec->simulated) {
            size_t k = ec->simulated;
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
    free(st);
    run->state = NULL;
    return rc;
}
