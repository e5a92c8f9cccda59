/* The gradient-coding family: a master and n workers compute J gradient jobs under
 * stragglers with uncoded, ignore-stragglers, GC, SR-SGC and M-SGC, one scheme after the
 * other on the same platform and the same straggler draws, following the paper's round model:
 * the master waits for the fastest worker (m after the round starts) and then until
 * (1+mu) m; if the scheme can go on without the stragglers the round ends at
 * min((1+mu) m, slowest), otherwise it waits for everybody (a "wait").
 *
 * Each job t is one full-batch gradient of model t mod M (M >= T+1 models trained side by side,
 * the paper's setting), over the training set cut into the scheme's segments. Every worker
 * computes its minitasks' coded combinations of real segment gradients (OpenBLAS) and sends
 * them; the master decodes, checks the result against the true gradient, and steps. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>
#include <xbt/log.h>

#include "simgrad/inbox.h"
#include "simgrad/run.h"
#include "families/gradient_coding/gradient_coding.h"
#include "simgrad/sgc.h"
#include "simgrad/sgc_search.h"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(sgr_gc, simgrad, "gradient-coding family");

#define MAX_SCHEMES SGR_MAX_SCHEMES

typedef struct gc_state gc_state;

typedef struct gc_task {
    gc_state *gs;
    size_t scheme, round, worker, host, nmini, refs;
    sgr_minitask *mini;
    size_t *segs;
    double *coefs;
    double *results;             /* nmini x np */
    double flops, load, arrival; /* ideal network: seconds after the round start */
    sgr_straggle straggle;
    aid_t pid;
    bool arrived;
    bool sending; /* its result is on the wire: too late to kill (see kill_stragglers) */
} gc_task;

typedef struct result_ref {
    gc_task *task;
    size_t k;
} result_ref;

typedef sgr_gc_result scheme_result;

struct gc_state {
    sgr_run *run;
    size_t n, jobs, M, np, N, master_host;
    double mu, lr, base_load;
    sgr_trace_comp tc; /* base_comp and its fit */
    bool verify, ideal;
    bool charge_decode; /* the master's decoding takes simulated time */
    sgr_sgc_rules rules;
    long eval_every;
    size_t nschemes, nschemes_done;
    sgr_sgc_params params[MAX_SCHEMES];
    scheme_result res[MAX_SCHEMES];
    sgr_model gmodel; /* l2 = 0: segment gradients are plain sums */
    double *models;   /* M x np */
    double *work, *grad, *truth;
    sgr_inbox *inbox;
    sgr_straggler_model *strag;
    sgr_straggle *straggles;
    /* the scheme being run */
    size_t cur;
    sgr_sgc *sc;
    double **seg_cache; /* jobs x nsegs */
    result_ref *rmap;   /* jobs x n x nslots */
    gc_task **round_tasks;
    size_t decode_job;
    gc_task **all_tasks;
    size_t ntasks, cap_tasks;
    bool *straggler, *returned;
    size_t late; /* stragglers' results left on the wire, still to land and be dropped */
    int error;
    sgr_err err;
};

static const double *seg_grad(gc_state *gs, size_t job, size_t seg)
{
    size_t nseg = sgr_sgc_nsegments(gs->sc);
    double **slot = &gs->seg_cache[job * nseg + seg];
    if (*slot)
        return *slot;
    const sgr_segment *sg = &sgr_sgc_segments(gs->sc)[seg];
    const sgr_dataset *ds = &gs->run->workload.train;
    size_t rows = sg->end - sg->start;
    double *g = malloc(gs->np * sizeof *g);
    sgr_model_loss_grad(&gs->gmodel, gs->models + (job % gs->M) * gs->np, ds->X + sg->start * ds->d,
                        ds->y + sg->start, rows, g, gs->work);
    for (size_t j = 0; j < gs->np; j++)
        g[j] *= (double)rows;
    *slot = g;
    return g;
}

static size_t worker_host(const gc_state *gs, size_t w)
{
    return (gs->master_host + 1 + w) % gs->run->nhosts;
}

/* A worker's real work: the coded combination of each minitask. */
static void task_compute(gc_task *t)
{
    gc_state *gs = t->gs;
    for (size_t k = 0; k < t->nmini; k++) {
        double *out = t->results + k * gs->np;
        memset(out, 0, gs->np * sizeof *out);
        const sgr_minitask *m = &t->mini[k];
        if ((size_t)m->job >= gs->jobs)
            continue; /* filler work (reference rules): its time counts, not its result */
        for (size_t i = 0; i < m->nseg; i++) {
            const double *g = seg_grad(gs, (size_t)m->job, m->seg[i]);
            double c = m->coef[i];
            for (size_t j = 0; j < gs->np; j++)
                out[j] += c * g[j];
        }
    }
}

static void task_main(int argc, char **argv)
{
    gc_task *t = sgr_actor_data(argc, argv);
    gc_state *gs = t->gs;
    sgr_ctrace *tr = gs->run->ctrace;
    if (sgr_ctrace_sampled(tr, t->worker, gs->n)) {
        char name[64];
        snprintf(name, sizeof name, "worker-%zu", t->worker); /* one row for all its tasks */
        sgr_run_trace_self(gs->run, t->host, name);
    }
    task_compute(t);
    sgr_run_compute(gs->run, t->flops, gs->run->speed[t->host], &t->straggle);
    double t0 = sgr_ctrace_now(tr);
    t->sending = true;
    sg_mailbox_put(sgr_inbox_mailbox(gs->inbox, t->worker), t,
                   (long)(t->nmini * gs->np * sizeof(double)));
    sgr_ctrace_send(tr, t0, "master", -1, (double)(t->nmini * gs->np * sizeof(double)));
}

static gc_task *task_new(gc_state *gs, size_t r, size_t w, const sgr_minitask *mt, size_t count)
{
    size_t nseg = 0;
    for (size_t k = 0; k < count; k++)
        nseg += mt[k].nseg;
    gc_task *t = calloc(1, sizeof *t);
    t->mini = malloc(count * sizeof *t->mini);
    t->segs = malloc((nseg ? nseg : 1) * sizeof *t->segs);
    t->coefs = malloc((nseg ? nseg : 1) * sizeof *t->coefs);
    t->results = malloc(count * gs->np * sizeof *t->results);
    if (!t->mini || !t->segs || !t->coefs || !t->results)
        return NULL;
    t->gs = gs;
    t->scheme = gs->cur;
    t->round = r;
    t->worker = w;
    t->host = worker_host(gs, w);
    t->nmini = count;
    const sgr_segment *segs = sgr_sgc_segments(gs->sc);
    size_t off = 0, rows = 0;
    double flops = 0;
    for (size_t k = 0; k < count; k++) {
        t->mini[k] = mt[k];
        memcpy(t->segs + off, mt[k].seg, mt[k].nseg * sizeof *t->segs);
        memcpy(t->coefs + off, mt[k].coef, mt[k].nseg * sizeof *t->coefs);
        t->mini[k].seg = t->segs + off;
        t->mini[k].coef = t->coefs + off;
        for (size_t i = 0; i < mt[k].nseg; i++) {
            size_t rws = segs[mt[k].seg[i]].end - segs[mt[k].seg[i]].start;
            rows += rws;
            flops += sgr_model_grad_flops(&gs->gmodel, rws) + 2.0 * (double)gs->np;
        }
        off += mt[k].nseg;
    }
    t->flops = flops;
    t->load = (double)rows / (double)gs->N;
    t->straggle = gs->straggles[w];
    if (t->straggle.task_time >= 0) {
        /* the paper's trace model: the scheme's normalized load, not this task's exact rows */
        t->straggle.task_time += (sgr_sgc_load(gs->sc) - gs->base_load) * gs->tc.comp;
        if (t->straggle.task_time < 0)
            t->straggle.task_time = 0;
    }
    if (gs->ntasks == gs->cap_tasks) {
        gs->cap_tasks = gs->cap_tasks ? 2 * gs->cap_tasks : 1024;
        gs->all_tasks = realloc(gs->all_tasks, gs->cap_tasks * sizeof *gs->all_tasks);
    }
    gs->all_tasks[gs->ntasks++] = t;
    return t;
}

static void task_release_results(gc_task *t)
{
    free(t->results);
    t->results = NULL;
}

/* Ideal network: the master learns each result at start + task time, with no messages. */
static int by_arrival(const void *a, const void *b)
{
    const gc_task *x = *(gc_task *const *)a, *y = *(gc_task *const *)b;
    if (x->arrival != y->arrival)
        return x->arrival < y->arrival ? -1 : 1;
    return (x->worker > y->worker) - (x->worker < y->worker);
}

typedef struct arrivals {
    gc_task **order;
    size_t count, next;
    double t0;       /* round start */
    double deadline; /* relative to t0; < 0: none */
} arrivals;

/* The next arrival of round r, or NULL when the alarm `tag` (the deadline) rings first. */
static gc_task *next_arrival(gc_state *gs, arrivals *a, size_t r, long tag)
{
    if (gs->ideal) {
        /* times relative to the round start, compared exactly as the round model does */
        if (a->next < a->count && (a->deadline < 0 || a->order[a->next]->arrival <= a->deadline)) {
            gc_task *t = a->order[a->next++];
            sg_actor_sleep_until(a->t0 + t->arrival);
            return t;
        }
        if (a->deadline >= 0)
            sg_actor_sleep_until(a->t0 + a->deadline);
        a->deadline = -1;
        return NULL;
    }
    for (;;) {
        long alarm;
        gc_task *t = sgr_inbox_next(gs->inbox, &alarm);
        if (!t) {
            if (alarm == tag)
                return NULL;
            continue;
        }
        if (t->scheme == gs->cur && t->round == r)
            return t;
        /* a straggler's result from an earlier round: already dropped */
        gs->late--;
    }
}

/* The deadline (1+mu) m after the round start, m the first arrival's time. */
static void set_deadline(gc_state *gs, arrivals *a, long tag, const gc_task *first)
{
    if (gs->ideal)
        a->deadline = (1.0 + gs->mu) * first->arrival;
    else
        sgr_inbox_alarm(gs->inbox, tag, a->t0 + (1.0 + gs->mu) * (simgrid_get_clock() - a->t0));
}

/* Stop the round's stragglers. One still computing is killed; one whose result is already on
 * the wire is left to finish sending, as a real worker's bytes would: killing it cancels its
 * transfer, the master's receive matched to that transfer fails (Link failure), and SimGrid
 * 3.32's C sg_comm_wait_any throws that through C code (an abort) after releasing every comm
 * it was given, so the inbox could not recover anyway. Its result lands later and is dropped. */
static void kill_stragglers(gc_state *gs)
{
    for (size_t w = 0; w < gs->n; w++) {
        gc_task *t = gs->round_tasks[w];
        if (!t || t->arrived)
            continue;
        if (t->sending) {
            XBT_VERB("round %zu: worker %zu's result is on the wire, left to land", t->round,
                     t->worker);
            gs->late++;
        } else if (!gs->ideal) {
            sg_actor_t a = sg_actor_by_pid(t->pid);
            if (a)
                sg_actor_kill(a);
        }
        task_release_results(t);
    }
}

/* Receive and drop the late results still on the wire, so that they do not load the next
 * scheme's network nor go to a mailbox whose receiver has ended. */
static void drain_late(gc_state *gs)
{
    while (gs->late > 0) {
        long alarm;
        if (sgr_inbox_next(gs->inbox, &alarm))
            gs->late--;
    }
}

static const double *rmap_result(void *ctx, size_t w, int slot)
{
    gc_state *gs = ctx;
    const result_ref *ref =
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
        const double *g = seg_grad(gs, t, k);
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
        result_ref *ref = &gs->rmap[t * n * nslots + i];
        if (ref->task && --ref->task->refs == 0)
            task_release_results(ref->task);
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
    scheme_result *res = &gs->res[gs->cur];
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
        if ((t + 1) % (size_t)gs->eval_every == 0 || t + 1 == gs->jobs)
            *loss = sgr_model_loss(&gs->run->workload.model, w, &gs->run->workload.train);
    }
    release_job(gs, t);
}

/* Plan round r and start each participant's task (ideal network: compute it and note when it
 * would arrive, in arrival order). Returns the participants. */
static size_t dispatch_round(gc_state *gs, size_t r, arrivals *arr)
{
    size_t n = gs->n, nslots = sgr_sgc_max_minitasks(gs->sc), participants = 0;
    sgr_minitask *mt = malloc(nslots * sizeof *mt);
    for (size_t w = 0; w < n; w++) {
        size_t count = sgr_sgc_plan(gs->sc, r, w, mt, nslots);
        gs->round_tasks[w] = NULL;
        if (count == 0)
            continue;
        gc_task *t = task_new(gs, r, w, mt, count);
        gs->round_tasks[w] = t;
        participants++;
        if (gs->ideal) {
            task_compute(t);
            double speed = gs->run->speed[t->host];
            t->arrival =
                (t->straggle.task_time >= 0 ? t->straggle.task_time
                                            : t->flops * t->straggle.factor / speed /
                                                      sg_host_get_speed(gs->run->hosts[t->host]) +
                                                  t->straggle.delay);
            arr->order[arr->count++] = t;
        } else {
            char name[64];
            snprintf(name, sizeof name, "task-%zu-%zu", r, w);
            sg_actor_t a = sgr_run_spawn(gs->run, name, gs->run->hosts[t->host], task_main, t);
            t->pid = sg_actor_get_pid(a);
        }
    }
    free(mt);
    if (gs->ideal)
        qsort(arr->order, arr->count, sizeof *arr->order, by_arrival);
    return participants;
}

/* Gather round r's results until the (1+mu) m deadline (ignore-stragglers: the first n - s);
 * then, if the scheme cannot go on without the late ones, or always waits, until all are in. */
static void gather_round(gc_state *gs, size_t r, arrivals *arr, size_t participants, bool *waited)
{
    const sgr_sgc_params *p = &gs->params[gs->cur];
    long tag = (long)(gs->cur * 1000000000UL + r);
    size_t arrived = 0;
    double t_gather = sgr_ctrace_now(gs->run->ctrace), t_wait = 0;
    bool ignore = p->kind == SGR_SCHEME_IGNORE;
    size_t need = ignore && participants > p->s ? participants - p->s : participants;
    while (arrived < need) {
        gc_task *t = next_arrival(gs, arr, r, tag);
        if (!t)
            break; /* the (1+mu) m deadline */
        t->arrived = true;
        if (arrived++ == 0 && !ignore && participants > 1)
            set_deadline(gs, arr, tag, t);
    }
    for (size_t w = 0; w < gs->n; w++)
        gs->straggler[w] = gs->round_tasks[w] && !gs->round_tasks[w]->arrived;
    *waited = !ignore && (sgr_sgc_always_waits(gs->sc) ||
                          (arrived < participants && !sgr_sgc_accepts(gs->sc, r, gs->straggler)));
    if (*waited) {
        arr->deadline = -1;
        t_wait = sgr_ctrace_now(gs->run->ctrace);
        for (; arrived < participants; arrived++)
            next_arrival(gs, arr, r, -1)->arrived = true;
    }
    double bytes = 0;
    for (size_t w = 0; w < gs->n; w++) {
        gc_task *t = gs->round_tasks[w];
        bytes += t && t->arrived ? (double)(t->nmini * gs->np * sizeof(double)) : 0.0;
    }
    /* the round's results as one span (the scheme's wait for all stragglers inside it) */
    sgr_ctrace_recv(gs->run->ctrace, t_gather, gs->ideal ? "workers (ideal network)" : "workers",
                    -1, gs->ideal ? 0.0 : bytes);
    if (*waited)
        sgr_ctrace_wait(gs->run->ctrace, t_wait, "stragglers");
}

/* Stop the stragglers, commit who returned, and keep the results the decoder will ask for
 * (not a filler task's). */
static void record_round(gc_state *gs, size_t r, size_t *nstrag)
{
    size_t n = gs->n, nslots = sgr_sgc_max_minitasks(gs->sc);
    for (size_t w = 0; w < n; w++) {
        gc_task *t = gs->round_tasks[w];
        gs->returned[w] = t && t->arrived;
        *nstrag += t && !t->arrived;
    }
    kill_stragglers(gs);
    sgr_sgc_commit(gs->sc, r, gs->returned);
    for (size_t w = 0; w < n; w++) {
        gc_task *t = gs->round_tasks[w];
        if (!t || !t->arrived)
            continue;
        for (size_t k = 0; k < t->nmini; k++) {
            size_t job = (size_t)t->mini[k].job, slot = (size_t)t->mini[k].slot;
            if (job >= gs->jobs)
                continue;
            result_ref *ref = &gs->rmap[(job * n + w) * nslots + slot];
            if (ref->task && --ref->task->refs == 0)
                task_release_results(ref->task);
            ref->task = t;
            ref->k = k;
            t->refs++;
        }
        if (t->refs == 0)
            task_release_results(t);
    }
}

/* One round of the scheme: plan, dispatch, the round model, commit. Returns its duration. */
static double run_round(gc_state *gs, size_t r, size_t *nstrag, bool *waited)
{
    double t0 = simgrid_get_clock();
    arrivals arr = {.order = NULL, .t0 = t0, .deadline = -1};
    *nstrag = 0;
    if (gs->ideal)
        arr.order = malloc(gs->n * sizeof *arr.order);
    size_t participants = dispatch_round(gs, r, &arr);
    gather_round(gs, r, &arr, participants, waited);
    record_round(gs, r, nstrag);
    free(arr.order);
    return simgrid_get_clock() - t0;
}

static double mean_final_loss(gc_state *gs)
{
    double sum = 0;
    for (size_t m = 0; m < gs->M; m++)
        sum += sgr_model_loss(&gs->run->workload.model, gs->models + m * gs->np,
                              &gs->run->workload.train);
    return sum / (double)gs->M;
}

static int run_scheme(gc_state *gs, size_t i)
{
    sgr_run *run = gs->run;
    scheme_result *res = &gs->res[i];
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
    res->load = sgr_sgc_load(gs->sc);
    res->T = sgr_sgc_delay(gs->sc);
    double start = simgrid_get_clock();
    for (size_t r = 0; r < R && !gs->error && !sgr_run_interrupted(); r++) {
        double dur = 0, err = NAN, resid = NAN, loss = NAN;
        size_t nstrag = 0;
        bool waited = false;
        size_t participants = 0;
        /* every round draws its stragglers (trace row r is round r), idle or not */
        if (sgr_straggler_next_round(gs->strag, gs->straggles, &gs->err) < 0) {
            gs->error = SGR_EUSER;
            break;
        }
        if (!sgr_sgc_round_idle(gs->sc, r)) {
            dur = run_round(gs, r, &nstrag, &waited);
            for (size_t w = 0; w < gs->n; w++)
                participants += gs->round_tasks[w] != NULL;
        } else {
            memset(gs->returned, 0, gs->n * sizeof *gs->returned);
            sgr_sgc_commit(gs->sc, r, gs->returned);
        }
        if (gs->error)
            break;
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
        sgr_progress_update(&run->progress, sgr_scheme_name(res->kind), (double)(r + 1), (double)R,
                            simgrid_get_clock());
    }
    res->runtime = simgrid_get_clock() - start;
    drain_late(gs);
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

static int gc_check(const sgr_config *cfg, size_t nhosts, size_t *nparts, sgr_err *err)
{
    const sgr_scenario *scn = cfg->scn; /* transitional: keys read here until parse hooks */
    size_t n = sgr_gc_workers(scn, nhosts);
    if (n == 0)
        return sgr_fail(err, "algorithm.workers: set it (the platform has %zu hosts)", nhosts);
    sgr_sgc_params params[MAX_SCHEMES];
    size_t count, maxT, maxR;
    sgr_trace_comp tc;
    /* Sample counts are known only once data is loaded (deploy checks the layout then). */
    if (sgr_gc_params_from_scenario(scn, n, 0, true, params, &count, &maxT, &maxR, err) < 0 ||
        sgr_gc_trace_comp(scn, &tc, err) < 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        params[i].samples = (size_t)1 << 40; /* the codes' constraints, without the rows */
        if (sgr_sgc_runnable(&params[i], err) < 0)
            return sgr_fail_prefix(err, "%s", sgr_scheme_name(params[i].kind));
    }
    long M = sgr_scn_int(scn, "algorithm.models");
    if (M > 0 && (size_t)M < maxT + 1)
        return sgr_fail(err,
                        "algorithm.models = %ld: a scheme with delay T = %zu needs at least "
                        "T + 1 = %zu models (job t updates model t mod M, whose previous job "
                        "must be decoded first)",
                        M, maxT, maxT + 1);
    *nparts = 0;
    return 0;
}

static int gc_deploy_state(sgr_run *run, gc_state *gs, sgr_err *err);

/* A scenario error found once the data is loaded: named after the file, exit status 2. */
static int user_error(const sgr_scenario *scn, sgr_err *err)
{
    sgr_fail_prefix(err, "%s", scn->path);
    return SGR_EUSER;
}

static int gc_deploy(sgr_run *run, sgr_err *err)
{
    const sgr_scenario *scn = run->scn;
    gc_state *gs = calloc(1, sizeof *gs);
    if (!gs)
        return sgr_fail(err, "out of memory");
    run->state = gs;
    gs->run = run;
    gs->n = sgr_gc_workers(scn, run->nhosts);
    gs->N = run->workload.train.n;
    gs->jobs = (size_t)sgr_scn_int(scn, "algorithm.jobs");
    gs->mu = sgr_scn_num(scn, "algorithm.mu");
    gs->lr = sgr_scn_num(scn, "algorithm.learning_rate");
    gs->verify = sgr_scn_bool(scn, "algorithm.verify");
    gs->ideal = sgr_scn_bool(scn, "algorithm.ideal_network");
    gs->eval_every = sgr_scn_int(scn, "algorithm.eval_every");
    gs->base_load = sgr_scn_num(scn, "algorithm.trace_base_load");
    if (sgr_gc_trace_comp(scn, &gs->tc, err) < 0)
        return user_error(scn, err);
    /* trace mode with an ideal network is the round model, whose rounds end when the results
     * are in: decoding costs time only if asked for */
    gs->charge_decode = !(gs->ideal && run->stragglers.kind == SGR_STRAG_TRACE) ||
                        sgr_scn_bool(scn, "algorithm.decode_cost");
    gs->master_host = 0;
    size_t maxT, maxR;
    if (sgr_gc_params_from_scenario(scn, gs->n, gs->N, false, gs->params, &gs->nschemes, &maxT,
                                    &maxR, err) < 0)
        return user_error(scn, err);
    gs->rules = gs->params[0].rules;
    long M = sgr_scn_int(scn, "algorithm.models");
    gs->M = M > 0 ? (size_t)M : maxT + 1;
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
        return user_error(scn, err);
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
        if (!gs->inbox)
            return sgr_fail(err, "out of memory");
    }
    sgr_run_spawn(run, "master", run->hosts[gs->master_host], master_main, gs);
    return 0;
}

static int gc_finish(sgr_run *run, sgr_err *err)
{
    gc_state *gs = run->state;
    int rc = 0;
    if (!gs)
        return 0;
    if (gs->error) {
        *err = gs->err;
        rc = gs->error;
    } else if (gs->nschemes_done < gs->nschemes && !sgr_run_interrupted()) {
        rc = sgr_fail(err, "gradient-coding stopped after %zu of %zu schemes", gs->nschemes_done,
                      gs->nschemes);
    }
    size_t failures = 0;
    for (size_t i = 0; i < gs->nschemes_done; i++)
        failures += gs->res[i].decode_failures;
    run->results = json_pack(
        "{s:o, s:I, s:I, s:I, s:I, s:f, s:I, s:s, s:b}", "schemes",
        sgr_gc_results_json(gs->res, gs->nschemes_done), "workers", (json_int_t)gs->n, "jobs",
        (json_int_t)gs->jobs, "models", (json_int_t)gs->M, "decode_failures", (json_int_t)failures,
        "simulated_time_s", simgrid_get_clock(), "parameters", (json_int_t)gs->np, "rules",
        sgr_sgc_rules_name(gs->rules), "decode_charged", gs->charge_decode);
    bool traced = gs->run->stragglers.kind == SGR_STRAG_TRACE;
    if (traced)
        json_object_set_new(run->results, "trace_comp", sgr_trace_comp_json(&gs->tc));
    if (gs->nschemes_done) {
        printf("rules %s; decoding %s\n", sgr_sgc_rules_name(gs->rules),
               gs->charge_decode ? "charged on the master (decode_s)"
                                 : "not charged (round model)");
        sgr_gc_results_print(stdout, gs->res, gs->nschemes_done, traced ? &gs->tc : NULL);
    }
    for (size_t i = 0; i < gs->ntasks; i++) {
        gc_task *t = gs->all_tasks[i];
        free(t->mini);
        free(t->segs);
        free(t->coefs);
        free(t->results);
        free(t);
    }
    free(gs->all_tasks);
    sgr_inbox_free(gs->inbox);
    free(gs->work);
    free(gs->models);
    free(gs->grad);
    free(gs->truth);
    free(gs->straggles);
    free(gs->round_tasks);
    free(gs->straggler);
    free(gs->returned);
    free(gs);
    run->state = NULL;
    return rc;
}

const sgr_family sgr_family_gradient_coding = {
    .keys = {"gradient-coding",
             "A master and n workers compute J gradient jobs under stragglers with uncoded, "
             "ignore-stragglers, GC (Tandon et al.), SR-SGC and M-SGC (Krishnan et al.), "
             "compared on the same platform and straggler draws under the paper's round model.",
             sgr_gc_keys},
    .uses_workload = true,
    .check = gc_check,
    .deploy = gc_deploy,
    .finish = gc_finish,
    .report = &sgr_gradient_coding_report,
    .sweep = &sgr_gradient_coding_sweep,
};
