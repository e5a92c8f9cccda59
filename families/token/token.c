/* The token family: tokens carrying a model walk over the agents of a logical graph (simple,
 * Metropolis-Hastings, non-backtracking, i.i.d., or self-repellent random walks). At each
 * agent the token computes the agent's local gradient with the real kernels and takes a
 * stochastic-approximation step theta <- theta - beta_n grad f_X(theta), beta_n =
 * scale (n+1)^-b; then it travels to the next agent over the physical network as a message of
 * the model's size. Every (walk, alpha) configuration runs `replicas` independent tokens at
 * once, so variances across alpha are measured, with confidence intervals. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <xbt/log.h>
#include <xbt/sysdep.h>

#include "simgrad/results.h"
#include "simgrad/rng.h"
#include "simgrad/run.h"
#include "families/token/token.h"
#include "simgrad/optimum.h"
#include "simgrad/walk.h"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(sgr_token, simgrad, "token family");

static size_t node_host(const tk_state *ts, size_t node)
{
    return node % ts->run->nhosts;
}

static void token_record(tk_token *t)
{
    tk_state *ts = t->ts;
    size_t c = t->next_checkpoint;
    size_t n = ts->graph.n;
    double mse = 0;
    for (size_t j = 0; j < ts->np; j++) {
        double d = t->theta[j] - ts->theta_star[t->config * ts->np + j];
        mse += d * d;
    }
    double *x = xbt_malloc(n * sizeof *x); /* in an actor: out of memory aborts, loudly */
    sgr_walk_estimate(t->walk, x);
    const double *mu = sgr_walk_target(t->walk);
    double xe = 0;
    for (size_t i = 0; i < n; i++)
        xe += (x[i] - mu[i]) * (x[i] - mu[i]);
    free(x);
    t->mse[c] = mse;
    t->tv[c] = sgr_walk_tv(t->walk);
    t->xerr[c] = xe;
    t->time[c] = simgrid_get_clock();
    t->next_checkpoint++;
    const tk_config *cf = &ts->c->configs[t->config];
    double row[] = {(double)t->config,
                    (double)cf->kind,
                    cf->alpha,
                    (double)t->replica,
                    (double)t->hops,
                    t->time[c],
                    mse,
                    t->tv[c],
                    xe};
    sgr_metrics_row(ts->run->metrics, row);
}

static void token_main(int argc, char **argv)
{
    tk_token *t = sgr_actor_data(argc, argv);
    tk_state *ts = t->ts;
    const sgr_workload *wl = &ts->run->workload;
    size_t node = sgr_walk_current(t->walk);
    /* a token moves from host to host: its row is in a "tokens" process after the hosts */
    if (sgr_ctrace_sampled(ts->run->ctrace, t->config * ts->c->replicas + t->replica,
                           ts->c->nconfigs * ts->c->replicas))
        sgr_ctrace_join(ts->run->ctrace, (long)ts->run->nhosts, "tokens", argv[0]);
    while (t->hops < ts->c->hops && !sgr_run_interrupted()) {
        /* at agent `node`: its local gradient, on its host */
        const sgr_dataset *part = &wl->parts[node];
        size_t rows = ts->c->batch && ts->c->batch < part->n ? ts->c->batch : part->n;
        size_t off = rows < part->n ? gsl_rng_uniform_int(t->rng, part->n - rows + 1) : 0;
        sgr_model_loss_grad(&wl->model, t->theta, part->X + off * part->d, part->y + off, rows,
                            t->grad, t->work);
        double beta = ts->c->scale * pow((double)t->hops + 1.0, -ts->c->b);
        for (size_t j = 0; j < ts->np; j++)
            t->theta[j] -= beta * t->grad[j];
        if (!sgr_all_finite(t->theta, ts->np)) { /* diverged: its remaining checkpoints say so */
            t->diverged_hop = (long)t->hops;
            for (size_t c = t->next_checkpoint; c < ts->ncheck; c++)
                t->mse[c] = t->tv[c] = t->xerr[c] = NAN;
            break;
        }
        sgr_run_compute(ts->run, sgr_model_grad_flops(&wl->model, rows) + 2.0 * (double)ts->np,
                        ts->run->speed[node_host(ts, node)], NULL);
        t->hops++;
        if (t->next_checkpoint < ts->ncheck && t->hops == ts->check_hops[t->next_checkpoint])
            token_record(t);
        /* the next agent, and the trip there */
        size_t next = sgr_walk_step(t->walk, t->rng);
        size_t from = node_host(ts, node), to = node_host(ts, next);
        if (from != to) {
            double t0 = sgr_ctrace_now(ts->run->ctrace);
            sg_host_sendto(ts->run->hosts[from], ts->run->hosts[to], ts->model_bytes);
            sgr_ctrace_send(ts->run->ctrace, t0, "node", (long)next, ts->model_bytes);
            sg_actor_set_host(sg_actor_self(), ts->run->hosts[to]);
        }
        node = next;
        if (t->replica == 0 && t->config == 0 && (t->hops & 1023) == 0)
            sgr_progress_update(&ts->run->progress, "hop", (double)t->hops, (double)ts->c->hops,
                                simgrid_get_clock());
    }
    t->done = true;
    ts->finished++;
}

static unsigned long *checkpoints(unsigned long hops, size_t *count)
{
    size_t want = *count;
    unsigned long *h = malloc(want * sizeof *h);
    if (!h)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < want; i++) {
        double x = exp(log((double)hops) * (double)(i + 1) / (double)want);
        unsigned long v = (unsigned long)llround(x);
        if (v < 1)
            v = 1;
        if (k == 0 || v > h[k - 1])
            h[k++] = v;
    }
    if (h[k - 1] != hops)
        h[k++ - 1] = hops;
    *count = k;
    return h;
}

/* Token (config k, replica r): its walk from a seeded start, its buffers, its actor. */
static int token_start(tk_state *ts, size_t k, size_t r, size_t maxrows, sgr_err *err)
{
    sgr_run *run = ts->run;
    tk_token *t = &ts->tokens[k * ts->c->replicas + r];
    t->ts = ts;
    t->config = k;
    t->replica = r;
    t->diverged_hop = -1;
    /* replica r of every configuration shares its seed: paired comparisons */
    t->rng = sgr_rng_new(run->seed, "token", r);
    sgr_walk_cfg wc = {.kind = ts->c->configs[k].kind,
                       .base = ts->c->base,
                       .alpha = ts->c->configs[k].alpha,
                       .gamma_exp = ts->c->a,
                       .mu = ts->target};
    size_t start = gsl_rng_uniform_int(t->rng, ts->graph.n);
    t->walk = sgr_walk_new(&ts->graph, &wc, start, err);
    if (!t->walk)
        return SGR_EUSER;
    t->theta = calloc(ts->np, sizeof *t->theta);
    t->grad = malloc(ts->np * sizeof *t->grad);
    t->work = malloc(sgr_model_work_size(&run->workload.model, maxrows) * sizeof *t->work);
    t->mse = calloc(ts->ncheck, sizeof(double));
    t->tv = calloc(ts->ncheck, sizeof(double));
    t->xerr = calloc(ts->ncheck, sizeof(double));
    t->time = calloc(ts->ncheck, sizeof(double));
    if (!t->theta || !t->grad || !t->work || !t->mse || !t->tv || !t->xerr || !t->time)
        return sgr_fail(err, "out of memory");
    char name[64];
    snprintf(name, sizeof name, "token-%zu-%zu", k, r);
    sgr_run_spawn(run, name, run->hosts[node_host(ts, start)], token_main, t);
    return 0;
}

/* theta*: the optimum for each target the walks sample from (computed before the run). */
static int optima(tk_state *ts, sgr_err *err)
{
    ts->theta_star = calloc(ts->np * ts->c->nconfigs, sizeof *ts->theta_star);
    if (!ts->theta_star)
        return sgr_fail(err, "out of memory");
    for (size_t k = 0; k < ts->c->nconfigs; k++) {
        const double *mu = sgr_walk_target(ts->tokens[k * ts->c->replicas].walk);
        size_t same = k;
        for (size_t p = 0; p < k; p++) {
            const double *mp = sgr_walk_target(ts->tokens[p * ts->c->replicas].walk);
            if (memcmp(mp, mu, ts->graph.n * sizeof *mu) == 0) {
                same = p;
                break;
            }
        }
        if (same != k)
            memcpy(ts->theta_star + k * ts->np, ts->theta_star + same * ts->np,
                   ts->np * sizeof(double));
        else if (sgr_weighted_optimum(&ts->run->workload, mu, ts->graph.n,
                                      ts->theta_star + k * ts->np, err) < 0)
            return SGR_EFAIL;
    }
    return 0;
}

int sgr_token_deploy(sgr_run *run, sgr_err *err)
{
    /* walk: 0 srw, 1 mhrw, 2 nbrw, 3 iid, 4 srrw (names in summary.json) */
    static const char *const columns[] = {"config", "walk", "alpha", "replica",   "hop",
                                          "time_s", "mse",  "tv",    "visit_err2"};
    const token_cfg *c = run->cfg->algorithm;
    tk_state *ts = calloc(1, sizeof *ts);
    if (!ts)
        return sgr_fail(err, "out of memory");
    run->state = ts;
    ts->run = run;
    ts->c = c;
    if (sgr_graph_from_config(run->cfg, run->nhosts, &ts->graph, err) < 0 ||
        sgr_token_read_target(c, &ts->graph, &ts->target, err) < 0)
        return SGR_EUSER;
    ts->np = sgr_model_nparams(&run->workload.model);
    ts->model_bytes = (double)(ts->np * sizeof(double));
    ts->ncheck = c->checkpoints;
    ts->check_hops = checkpoints(c->hops, &ts->ncheck);
    ts->tokens = calloc(c->nconfigs * c->replicas, sizeof *ts->tokens);
    if (!ts->tokens || !ts->check_hops)
        return sgr_fail(err, "out of memory");
    if (sgr_run_metrics(run, columns, sizeof columns / sizeof *columns, err) < 0)
        return SGR_EFAIL;
    size_t maxrows = 0;
    for (size_t i = 0; i < run->workload.nparts; i++)
        if (run->workload.parts[i].n > maxrows)
            maxrows = run->workload.parts[i].n;
    int rc = 0;
    for (size_t k = 0; k < c->nconfigs && rc == 0; k++)
        for (size_t r = 0; r < c->replicas && rc == 0; r++)
            rc = token_start(ts, k, r, maxrows, err);
    return rc < 0 ? rc : optima(ts, err);
}
