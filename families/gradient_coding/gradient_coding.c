/* The gradient-coding family's run: a master and n workers compute J gradient jobs under
 * stragglers with uncoded, ignore-stragglers, GC, SR-SGC and M-SGC, one scheme after the
 * other on the same platform and the same straggler draws, following the paper's round model
 * (rounds.c: the master waits for the fastest worker, m after the round starts, and then until
 * (1+mu) m; if the scheme can go on without the stragglers the round ends at
 * min((1+mu) m, slowest), otherwise it waits for everybody, a "wait").
 *
 * Each job t is one full-batch gradient of model t mod M (M >= T+1 models trained side by side,
 * the paper's setting), over the training set cut into the scheme's segments. Every worker
 * computes its minitasks' coded combinations of real segment gradients (OpenBLAS) and sends
 * them; the master (here) decodes, checks the result against the true gradient, and steps. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/engine.h>
#include <xbt/log.h>

#include "simgrad/inbox.h"
#include "simgrad/results.h"
#include "simgrad/run.h"

#include "families/gradient_coding/gradient_coding.h"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(sgr_gc, simgrad, "gradient-coding family");

static const double *rmap_result(void *ctx, size_t w, int slot)
{
    gc_state *gs = ctx;
    const gc_result_ref *ref =
        &gs->rmap[(gs->decode_job * gs->n + w) * sgr_sgc_max_minitasks(gs->sc) + (size_t)slot];
    return ref->task ? ref->task->results + ref->k * gs->np : NULL;
}

/* The decoding's own cost, on the master: combining the results, plus a least-squares solve
 * over n x (n-s) per coded group for the cyclic code (QR: 2 n (n-s)^2 flops). */
static void charge_decode(gc_state *gs)
{
    const sgr_sgc_params *p = &gs->params[gs->cur];
    size_t n = gs->n;
    double f = 2.0 * (double)(n * sgr_sgc_max_minitasks(gs->sc) * gs->np);
    bool coded = p->kind == SGR_SCHEME_GC || p->kind == SGR_SCHEME_SRSGC ||
                 (p->kind == SGR_SCHEME_MSGC && (size_t)p->lambda < n);
    if (coded && p->code == SGR_GC_CYCLIC) {
        double k = (double)(n - sgr_sgc_s(gs->sc));
        f += 2.0 * (double)n * k * k * (p->kind == SGR_SCHEME_MSGC ? (double)p->B : 1.0);
    }
    double t0 = simgrid_get_clock();
    sgr_run_compute(gs->run, f, gs->run->speed[gs->master_host], NULL);
    gs->res[gs->cur].decode_s += simgrid_get_clock() - t0;
}

/* Relative error of the decoded gradient (gs->grad) against the true one of job t. */
static double decode_error(gc_state *gs, size_t t, const double *w)
{
    memset(gs->truth, 0, gs->np * sizeof *gs->truth);
    for (size_t k = 0; k < sgr_sgc_nsegments(gs->sc); k++) {
        const double *g = gc_seg_grad(gs, t, k);
        for (size_t j = 0; j < gs->np; j++)
            gs->truth[j] += g[j];
    }
    double num = 0, den = 0;
    for (size_t j = 0; j < gs->np; j++) {
        double tr = gs->truth[j] / (double)gs->N + gs->run->workload.model.l2 * w[j];
        num += (gs->grad[j] - tr) * (gs->grad[j] - tr);
        den += tr * tr;
    }
    return den > 0 ? sqrt(num / den) : sqrt(num);
}

/* Job t's results and segment gradients are no longer needed. */
static void release_job(gc_state *gs, size_t t)
{
    size_t n = gs->n, nslots = sgr_sgc_max_minitasks(gs->sc), nseg = sgr_sgc_nsegments(gs->sc);
    for (size_t i = 0; i < n * nslots; i++) {
        gc_result_ref *ref = &gs->rmap[t * n * nslots + i];
        if (ref->task && --ref->task->refs == 0)
            gc_task_release_results(ref->task);
        ref->task = NULL;
    }
    for (size_t k = 0; k < nseg; k++) {
        free(gs->seg_cache[t * nseg + k]);
        gs->seg_cache[t * nseg + k] = NULL;
    }
}

/* Decode the job due at round r, check it, step its model. */
static void decode_due(gc_state *gs, size_t r, double *rel_err, double *resid, double *loss)
{
    gc_result *res = &gs->res[gs->cur];
    long job = sgr_sgc_due_job(gs->sc, r);
    *rel_err = *resid = *loss = NAN;
    if (job < 0)
        return;
    size_t t = (size_t)job;
    gs->decode_job = t;
    sgr_err err;
    double residual = 0;
    double *w = gs->models + (t % gs->M) * gs->np;
    if (sgr_sgc_decode(gs->sc, t, rmap_result, gs, gs->np, gs->grad, &residual, &err) < 0) {
        res->decode_failures++;
        XBT_WARN("%s: %s", sgr_scheme_name(gs->params[gs->cur].kind), err.msg);
    } else {
        if (gs->charge_decode)
            charge_decode(gs);
        for (size_t j = 0; j < gs->np; j++)
            gs->grad[j] = gs->grad[j] / (double)gs->N + gs->run->workload.model.l2 * w[j];
        *resid = residual;
        if (residual > res->max_resid)
            res->max_resid = residual;
        if (gs->verify) {
            *rel_err = decode_error(gs, t, w);
            if (*rel_err > res->max_err)
                res->max_err = *rel_err;
        }
        for (size_t j = 0; j < gs->np; j++)
            w[j] -= gs->lr * gs->grad[j];
        /* a diverged model does not change the schedule: the scheme goes on, the round noted */
        if (res->diverged_round < 0 && !sgr_all_finite(w, gs->np))
            res->diverged_round = (long)r;
        if ((t + 1) % (size_t)gs->eval_every == 0 || t + 1 == gs->jobs)
            *loss = sgr_model_loss(&gs->run->workload.model, w, &gs->run->workload.train);
    }
    release_job(gs, t);
}

static double mean_final_loss(gc_state *gs)
{
    double sum = 0;
    for (size_t m = 0; m < gs->M; m++)
        sum += sgr_model_loss(&gs->run->workload.model, gs->models + m * gs->np,
                              &gs->run->workload.train);
    return sum / (double)gs->M;
}

/* Round r of scheme i: its stragglers drawn, the round run (or idle), the job due decoded,
 * the metrics row. */
static void scheme_round(gc_state *gs, size_t i, size_t r, double start)
{
    sgr_run *run = gs->run;
    gc_result *res = &gs->res[i];
    double dur = 0, err = NAN, resid = NAN, loss = NAN;
    size_t nstrag = 0, participants = 0;
    bool waited = false;
    /* every round draws its stragglers (trace row r is round r), idle or not */
    if (sgr_straggler_next_round(gs->strag, gs->straggles, &gs->err) < 0) {
        gs->error = SGR_EUSER;
        return;
    }
    if (!sgr_sgc_round_idle(gs->sc, r)) {
        dur = gc_run_round(gs, r, &nstrag, &waited);
        for (size_t w = 0; w < gs->n; w++)
            participants += gs->round_tasks[w] != NULL;
    } else {
        memset(gs->returned, 0, gs->n * sizeof *gs->returned);
        sgr_sgc_commit(gs->sc, r, gs->returned);
    }
    if (gs->error)
        return;
    decode_due(gs, r, &err, &resid, &loss);
    res->rounds_s += dur;
    res->waits += waited;
    res->stragglers += nstrag;
    res->rounds = r + 1;
    long job = sgr_sgc_due_job(gs->sc, r);
    double row[] = {(double)i,
                    (double)r,
                    simgrid_get_clock(),
                    simgrid_get_clock() - start,
                    dur,
                    (double)participants,
                    (double)nstrag,
                    waited ? 1.0 : 0.0,
                    (double)job,
                    err,
                    resid,
                    loss};
    sgr_metrics_row(run->metrics, row);
    sgr_progress_update(&run->progress, sgr_scheme_name(res->kind), (double)(r + 1),
                        (double)sgr_sgc_rounds(gs->sc), simgrid_get_clock());
}

static int run_scheme(gc_state *gs, size_t i)
{
    sgr_run *run = gs->run;
    gc_result *res = &gs->res[i];
    gs->cur = i;
    gs->sc = sgr_sgc_new(&gs->params[i], &gs->err);
    if (!gs->sc)
        return gs->error = SGR_EUSER;
    gs->strag = sgr_straggler_new(&run->stragglers, gs->n, run->seed, &gs->err);
    if (!gs->strag)
        return gs->error = SGR_EUSER;
    size_t nseg = sgr_sgc_nsegments(gs->sc), nslots = sgr_sgc_max_minitasks(gs->sc);
    size_t R = sgr_sgc_rounds(gs->sc);
    gs->seg_cache = calloc(gs->jobs * nseg, sizeof *gs->seg_cache);
    gs->rmap = calloc(gs->jobs * gs->n * nslots, sizeof *gs->rmap);
    memset(gs->models, 0, gs->M * gs->np * sizeof *gs->models);
    res->kind = gs->params[i].kind;
    res->diverged_round = -1;
    res->load = sgr_sgc_load(gs->sc);
    res->T = sgr_sgc_delay(gs->sc);
    double start = simgrid_get_clock();
    for (size_t r = 0; r < R && !gs->error && !sgr_run_interrupted(); r++)
        scheme_round(gs, i, r, start);
    res->runtime = simgrid_get_clock() - start;
    gc_drain_late(gs);
    if (!gs->error)
        res->final_loss = mean_final_loss(gs);
    for (size_t k = 0; k < gs->jobs * nseg; k++)
        free(gs->seg_cache[k]);
    free(gs->seg_cache);
    free(gs->rmap);
    gs->seg_cache = NULL;
    gs->rmap = NULL;
    sgr_sgc_free(gs->sc);
    gs->sc = NULL;
    sgr_straggler_free(gs->strag);
    gs->strag = NULL;
    return gs->error;
}

static void master_main(int argc, char **argv)
{
    gc_state *gs = sgr_actor_data(argc, argv);
    if (!gs->ideal)
        sgr_inbox_start(gs->inbox);
    sgr_run_trace_self(gs->run, gs->master_host, "master");
    for (size_t i = 0; i < gs->nschemes && !gs->error && !sgr_run_interrupted(); i++) {
        run_scheme(gs, i);
        gs->nschemes_done = i + 1;
    }
}

static int gc_deploy_state(sgr_run *run, gc_state *gs, sgr_err *err);

/* A scenario error found once the data is loaded: named after the file, exit status 2. */
static int user_error(const sgr_run *run, sgr_err *err)
{
    sgr_fail_prefix(err, "%s", run->cfg->scn->path);
    return SGR_EUSER;
}

int gc_deploy(sgr_run *run, sgr_err *err)
{
    const gc_cfg *c = run->cfg->algorithm;
    gc_state *gs = calloc(1, sizeof *gs);
    if (!gs)
        return sgr_fail(err, "out of memory");
    run->state = gs;
    gs->run = run;
    gs->c = c;
    gs->n = gc_workers(c, run->nhosts);
    gs->N = run->workload.train.n;
    gs->jobs = c->jobs;
    gs->mu = c->mu;
    gs->lr = c->learning_rate;
    gs->verify = c->verify;
    gs->ideal = c->ideal_network;
    gs->eval_every = c->eval_every;
    gs->base_load = c->trace_base_load;
    if (gc_trace_comp_fit(c, &gs->tc, err) < 0)
        return user_error(run, err);
    /* trace mode with an ideal network is the round model, whose rounds end when the results
     * are in: decoding costs time only if asked for */
    gs->charge_decode = !(gs->ideal && run->stragglers.kind == SGR_STRAG_TRACE) || c->decode_cost;
    gs->master_host = 0;
    size_t maxT, maxR;
    if (gc_scheme_params(run->cfg, gs->n, gs->N, false, gs->params, &gs->nschemes, &maxT, &maxR,
                         err) < 0)
        return user_error(run, err);
    gs->rules = c->rules;
    gs->M = c->models > 0 ? (size_t)c->models : maxT + 1;
    gs->gmodel = run->workload.model;
    gs->gmodel.l2 = 0;
    gs->np = sgr_model_nparams(&gs->gmodel);
    /* the straggler model must cover the longest scheme's rounds */
    sgr_straggler_model *probe = sgr_straggler_new(&run->stragglers, gs->n, run->seed, err);
    if (!probe)
        return SGR_EUSER;
    size_t trace_rounds = sgr_straggler_trace_rounds(probe);
    sgr_straggler_free(probe);
    if (trace_rounds && trace_rounds < maxR) {
        sgr_fail(err, "stragglers.trace has %zu rounds; the schemes need %zu (J + T)", trace_rounds,
                 maxR);
        return user_error(run, err);
    }
    return gc_deploy_state(run, gs, err);
}

/* The state's buffers, the metrics, the master's inbox and the master. */
static int gc_deploy_state(sgr_run *run, gc_state *gs, sgr_err *err)
{
    static const char *const columns[] = {"scheme",           "round",           "time_s",
                                          "scheme_time_s",    "duration_s",      "participants",
                                          "stragglers",       "waited",          "job_decoded",
                                          "decode_rel_error", "decode_residual", "train_loss"};
    /* segment gradients, verification and the loss work on at most the N rows */
    gs->work = malloc(sgr_model_work_size(&gs->gmodel, gs->N) * sizeof *gs->work);
    gs->models = calloc(gs->M * gs->np, sizeof *gs->models);
    gs->grad = malloc(gs->np * sizeof *gs->grad);
    gs->truth = malloc(gs->np * sizeof *gs->truth);
    gs->straggles = calloc(gs->n, sizeof *gs->straggles);
    gs->round_tasks = calloc(gs->n, sizeof *gs->round_tasks);
    gs->straggler = calloc(gs->n, sizeof *gs->straggler);
    gs->returned = calloc(gs->n, sizeof *gs->returned);
    if (!gs->work || !gs->models || !gs->grad || !gs->truth || !gs->straggles || !gs->round_tasks ||
        !gs->straggler || !gs->returned)
        return sgr_fail(err, "out of memory");
    if (sgr_run_metrics(run, columns, sizeof columns / sizeof *columns, err) < 0)
        return SGR_EFAIL;
    if (!gs->ideal) {
        gs->inbox = sgr_inbox_new(run, "gc-master", gs->n, run->hosts[gs->master_host], true);
        if (!gs->inbox || gc_workers_new(gs) < 0)
            return sgr_fail(err, "out of memory");
    }
    /* an actor per worker (and a straggler's older one while its result is on the wire), the
     * master and an alarm */
    if (!gs->ideal)
        sgr_run_expect_actors(run, gs->n + 2);
    sgr_run_spawn(run, "master", run->hosts[gs->master_host], master_main, gs);
    return 0;
}
