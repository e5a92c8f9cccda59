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

#define ANY -INFINITY, INFINITY
#define MAX_SCHEMES SGR_MAX_SCHEMES

static const sgr_key gc_keys[] = {
    {"algorithm.workers", SGR_T_INT, "0", 0, 10000000, NULL, NULL,
     "Workers n (0: one per host except the master's)."},
    {"algorithm.jobs", SGR_T_INT, "80", 1, 1e7, NULL, NULL, "Gradient jobs J."},
    {"algorithm.schemes", SGR_T_STR, "\"uncoded,gc,sr-sgc,m-sgc\"", ANY, NULL, NULL,
     "Comma-separated schemes to compare: uncoded, ignore-stragglers, gc, sr-sgc, m-sgc."},
    {"algorithm.s", SGR_T_INT, "1", 0, 10000000, NULL, NULL,
     "Stragglers tolerated by gc and ignored by ignore-stragglers."},
    {"algorithm.code", SGR_T_ENUM, "\"cyclic\"", ANY, "cyclic|fractional", NULL,
     "Gradient code of gc, sr-sgc and m-sgc's coded part."},
    {"algorithm.srsgc_B", SGR_T_INT, "1", 1, 1e6, NULL, NULL, "SR-SGC's B."},
    {"algorithm.srsgc_W", SGR_T_INT, "2", 2, 1e6, NULL, NULL,
     "SR-SGC's W ((W-1) must be a multiple of B)."},
    {"algorithm.srsgc_lambda", SGR_T_INT, "1", 0, 1e7, NULL, NULL, "SR-SGC's lambda."},
    {"algorithm.msgc_B", SGR_T_INT, "1", 1, 1e6, NULL, NULL, "M-SGC's B (< W)."},
    {"algorithm.msgc_W", SGR_T_INT, "2", 2, 1e6, NULL, NULL, "M-SGC's W."},
    {"algorithm.msgc_lambda", SGR_T_INT, "1", 0, 1e7, NULL, NULL, "M-SGC's lambda (<= n)."},
    {"algorithm.mu", SGR_T_NUM, "1.0", 0, INFINITY, NULL, NULL,
     "The master waits until (1+mu) times the fastest worker's time."},
    {"algorithm.models", SGR_T_INT, "0", 0, 1e6, NULL, NULL,
     "Models trained side by side, job t updating model t mod M (0: the largest T + 1)."},
    {"algorithm.learning_rate", SGR_T_NUM, "0.1", 0, INFINITY, NULL, NULL,
     "Step size of each model's gradient step."},
    {"algorithm.verify", SGR_T_BOOL, "true", ANY, NULL, NULL,
     "Compare every decoded gradient with the true one (one more full gradient per job)."},
    {"algorithm.eval_every", SGR_T_INT, "10", 1, 1e9, NULL, NULL,
     "Training loss of the updated model every this many jobs (and for all models at the end)."},
    {"algorithm.ideal_network", SGR_T_BOOL, "false", ANY, NULL, NULL,
     "Results arrive when the task time says, with no network (trace studies)."},
    {"algorithm.trace_base_load", SGR_T_NUM, "0", 0, 1, NULL, "stragglers.model=trace",
     "Normalized load at which the trace's task times were measured."},
    {"algorithm.trace_base_comp", SGR_T_TIME, "0", 0, INFINITY, NULL, "stragglers.model=trace",
     "Seconds per unit of normalized load: task time = trace + (load - base_load) * base_comp."},
    {"algorithm.trace_fit", SGR_T_STR, NULL, ANY, NULL, "stragglers.model=trace",
     "Fit base_comp instead, by least squares of mean task time against load, from traces "
     "measured at several loads: \"a.csv@0.05,b.csv@0.1\" (paths relative to the scenario)."},
    {NULL, 0, NULL, ANY, NULL, NULL, NULL},
};

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

typedef struct scheme_result {
    sgr_scheme_kind kind;
    double runtime, load, max_err, max_resid, final_loss;
    size_t rounds, waits, T, decode_failures, stragglers;
} scheme_result;

struct gc_state {
    sgr_run *run;
    size_t n, jobs, M, np, N, master_host;
    double mu, lr, base_load, base_comp;
    bool verify, ideal;
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
        t->straggle.task_time += (sgr_sgc_load(gs->sc) - gs->base_load) * gs->base_comp;
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

/* Decode the job due at round r, check it, step its model. */
static void decode_due(gc_state *gs, size_t r, double *rel_err, double *resid, double *loss)
{
    scheme_result *res = &gs->res[gs->cur];
    long job = sgr_sgc_due_job(gs->sc, r);
    *rel_err = *resid = *loss = NAN;
    if (job < 0)
        return;
    size_t t = (size_t)job, n = gs->n, nslots = sgr_sgc_max_minitasks(gs->sc);
    gs->decode_job = t;
    sgr_err err;
    double residual = 0;
    double *w = gs->models + (t % gs->M) * gs->np;
    const sgr_dataset *ds = &gs->run->workload.train;
    if (sgr_sgc_decode(gs->sc, t, rmap_result, gs, gs->np, gs->grad, &residual, &err) < 0) {
        res->decode_failures++;
        XBT_WARN("%s: %s", sgr_scheme_name(gs->params[gs->cur].kind), err.msg);
    } else {
        /* the decoding's own cost, on the master: combining the results, plus a least-squares
         * solve over n x (n-s) per coded group for the cyclic code (QR: 2 n (n-s)^2 flops) */
        const sgr_sgc_params *p = &gs->params[gs->cur];
        double f = 2.0 * (double)(n * nslots * gs->np);
        bool coded = p->kind == SGR_SCHEME_GC || p->kind == SGR_SCHEME_SRSGC ||
                     (p->kind == SGR_SCHEME_MSGC && (size_t)p->lambda < n);
        if (coded && p->code == SGR_GC_CYCLIC) {
            double k = (double)(n - sgr_sgc_s(gs->sc));
            f += 2.0 * (double)n * k * k * (p->kind == SGR_SCHEME_MSGC ? (double)p->B : 1.0);
        }
        sgr_run_compute(gs->run, f, gs->run->speed[gs->master_host], NULL);
        for (size_t j = 0; j < gs->np; j++)
            gs->grad[j] = gs->grad[j] / (double)gs->N + gs->run->workload.model.l2 * w[j];
        *resid = residual;
        if (residual > res->max_resid)
            res->max_resid = residual;
        if (gs->verify) {
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
            *rel_err = den > 0 ? sqrt(num / den) : sqrt(num);
            if (*rel_err > res->max_err)
                res->max_err = *rel_err;
        }
        for (size_t j = 0; j < gs->np; j++)
            w[j] -= gs->lr * gs->grad[j];
        if ((t + 1) % (size_t)gs->eval_every == 0 || t + 1 == gs->jobs)
            *loss = sgr_model_loss(&gs->run->workload.model, w, ds);
    }
    /* this job's results and segment gradients are no longer needed */
    for (size_t i = 0; i < n * nslots; i++) {
        result_ref *ref = &gs->rmap[t * n * nslots + i];
        if (ref->task && --ref->task->refs == 0)
            task_release_results(ref->task);
        ref->task = NULL;
    }
    size_t nseg = sgr_sgc_nsegments(gs->sc);
    for (size_t k = 0; k < nseg; k++) {
        free(gs->seg_cache[t * nseg + k]);
        gs->seg_cache[t * nseg + k] = NULL;
    }
}

/* One round of the scheme: plan, dispatch, the round model, commit. Returns its duration. */
static double run_round(gc_state *gs, size_t r, size_t *nstrag, bool *waited)
{
    size_t n = gs->n, nslots = sgr_sgc_max_minitasks(gs->sc);
    sgr_scheme_kind kind = gs->params[gs->cur].kind;
    double t0 = simgrid_get_clock();
    sgr_minitask *mt = malloc(nslots * sizeof *mt);
    arrivals arr = {.order = NULL, .t0 = t0, .deadline = -1};
    size_t participants = 0;
    *nstrag = 0;
    *waited = false;
    if (gs->ideal)
        arr.order = malloc(n * sizeof *arr.order);
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
            arr.order[arr.count++] = t;
        } else {
            char name[64];
            snprintf(name, sizeof name, "task-%zu-%zu", r, w);
            sg_actor_t a = sgr_run_spawn(gs->run, name, gs->run->hosts[t->host], task_main, t);
            t->pid = sg_actor_get_pid(a);
        }
    }
    free(mt);
    if (gs->ideal)
        qsort(arr.order, arr.count, sizeof *arr.order, by_arrival);
    long tag = (long)(gs->cur * 1000000000UL + r);
    size_t arrived = 0;
    double t_gather = sgr_ctrace_now(gs->run->ctrace), t_wait = 0;
    size_t need = kind == SGR_SCHEME_IGNORE && participants > gs->params[gs->cur].s
                      ? participants - gs->params[gs->cur].s
                      : participants;
    while (arrived < need) {
        gc_task *t = next_arrival(gs, &arr, r, tag);
        if (!t)
            break; /* the (1+mu) m deadline */
        t->arrived = true;
        if (arrived++ == 0 && kind != SGR_SCHEME_IGNORE && participants > 1)
            set_deadline(gs, &arr, tag, t);
    }
    for (size_t w = 0; w < n; w++)
        gs->straggler[w] = gs->round_tasks[w] && !gs->round_tasks[w]->arrived;
    if (arrived < participants && kind != SGR_SCHEME_IGNORE &&
        !sgr_sgc_accepts(gs->sc, r, gs->straggler)) {
        /* the scheme cannot go on without them: wait for everybody */
        *waited = true;
        arr.deadline = -1;
        t_wait = sgr_ctrace_now(gs->run->ctrace);
        while (arrived < participants) {
            gc_task *t = next_arrival(gs, &arr, r, -1);
            t->arrived = true;
            arrived++;
        }
    }
    double bytes = 0;
    for (size_t w = 0; w < n; w++) {
        gc_task *t = gs->round_tasks[w];
        gs->returned[w] = t && t->arrived;
        *nstrag += t && !t->arrived;
        bytes += t && t->arrived ? (double)(t->nmini * gs->np * sizeof(double)) : 0.0;
    }
    /* the round's results as one span (the scheme's wait for all stragglers inside it) */
    sgr_ctrace_recv(gs->run->ctrace, t_gather, gs->ideal ? "workers (ideal network)" : "workers",
                    -1, gs->ideal ? 0.0 : bytes);
    if (*waited)
        sgr_ctrace_wait(gs->run->ctrace, t_wait, "stragglers");
    kill_stragglers(gs);
    sgr_sgc_commit(gs->sc, r, gs->returned);
    for (size_t w = 0; w < n; w++) {
        gc_task *t = gs->round_tasks[w];
        if (!t || !t->arrived)
            continue;
        for (size_t k = 0; k < t->nmini; k++) {
            size_t job = (size_t)t->mini[k].job, slot = (size_t)t->mini[k].slot;
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
    /* Sample counts are known only once data is loaded: check the layout with a large N. */
    if (sgr_gc_params_from_scenario(scn, n, (size_t)1 << 40, params, &count, &maxT, &maxR, err) < 0)
        return -1;
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

static int gc_deploy(sgr_run *run, sgr_err *err)
{
    static const char *const columns[] = {"scheme",           "round",           "time_s",
                                          "scheme_time_s",    "duration_s",      "participants",
                                          "stragglers",       "waited",          "job_decoded",
                                          "decode_rel_error", "decode_residual", "train_loss"};
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
    if (sgr_gc_trace_comp(scn, &gs->base_comp, err) < 0)
        return SGR_EUSER;
    gs->master_host = 0;
    size_t maxT, maxR;
    if (sgr_gc_params_from_scenario(scn, gs->n, gs->N, gs->params, &gs->nschemes, &maxT, &maxR,
                                    err) < 0)
        return SGR_EUSER;
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
        return SGR_EUSER;
    }
    size_t max_rows = 0;
    for (size_t i = 0; i < gs->nschemes; i++) {
        sgr_sgc *sc = sgr_sgc_new(&gs->params[i], err);
        if (!sc)
            return SGR_EUSER;
        for (size_t k = 0; k < sgr_sgc_nsegments(sc); k++) {
            const sgr_segment *sg = &sgr_sgc_segments(sc)[k];
            if (sg->end - sg->start > max_rows)
                max_rows = sg->end - sg->start;
        }
        sgr_sgc_free(sc);
    }
    if (max_rows < gs->N)
        max_rows = gs->N; /* the loss evaluation works in blocks, but verify uses segments */
    gs->work = malloc(sgr_model_work_size(&gs->gmodel, max_rows) * sizeof *gs->work);
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

static json_t *scheme_json(const gc_state *gs, const scheme_result *r, double gc_time,
                           double uncoded_time)
{
    json_t *o = json_pack("{s:s, s:f, s:I, s:I, s:f, s:I, s:I, s:I, s:f, s:f, s:f}", "scheme",
                          sgr_scheme_name(r->kind), "runtime_s", r->runtime, "rounds",
                          (json_int_t)r->rounds, "waits", (json_int_t)r->waits, "load", r->load,
                          "delay_T", (json_int_t)r->T, "decode_failures",
                          (json_int_t)r->decode_failures, "stragglers_dropped",
                          (json_int_t)r->stragglers, "max_decode_rel_error", r->max_err,
                          "max_decode_residual", r->max_resid, "final_train_loss", r->final_loss);
    if (gc_time > 0)
        json_object_set_new(o, "runtime_vs_gc", json_real(r->runtime / gc_time));
    if (uncoded_time > 0)
        json_object_set_new(o, "runtime_vs_uncoded", json_real(r->runtime / uncoded_time));
    (void)gs;
    return o;
}

static void print_table(const gc_state *gs, double gc_time, double uncoded_time)
{
    printf("%-18s %12s %6s %6s %9s %4s %10s %10s %10s %12s\n", "scheme", "runtime (s)", "rounds",
           "waits", "load", "T", "vs gc", "vs uncoded", "max error", "final loss");
    for (size_t i = 0; i < gs->nschemes_done; i++) {
        const scheme_result *r = &gs->res[i];
        char vg[32] = "-", vu[32] = "-";
        if (gc_time > 0)
            snprintf(vg, sizeof vg, "%.3f", r->runtime / gc_time);
        if (uncoded_time > 0)
            snprintf(vu, sizeof vu, "%.3f", r->runtime / uncoded_time);
        printf("%-18s %12.6g %6zu %6zu %9.6f %4zu %10s %10s %10.2e %12.6g\n",
               sgr_scheme_name(r->kind), r->runtime, r->rounds, r->waits, r->load, r->T, vg, vu,
               r->max_err, r->final_loss);
    }
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
    double gc_time = 0, uncoded_time = 0;
    for (size_t i = 0; i < gs->nschemes_done; i++) {
        if (gs->res[i].kind == SGR_SCHEME_GC)
            gc_time = gs->res[i].runtime;
        if (gs->res[i].kind == SGR_SCHEME_UNCODED)
            uncoded_time = gs->res[i].runtime;
    }
    json_t *schemes = json_array();
    size_t failures = 0;
    for (size_t i = 0; i < gs->nschemes_done; i++) {
        json_array_append_new(schemes, scheme_json(gs, &gs->res[i], gc_time, uncoded_time));
        failures += gs->res[i].decode_failures;
    }
    run->results =
        json_pack("{s:o, s:I, s:I, s:I, s:I, s:f, s:I}", "schemes", schemes, "workers",
                  (json_int_t)gs->n, "jobs", (json_int_t)gs->jobs, "models", (json_int_t)gs->M,
                  "decode_failures", (json_int_t)failures, "simulated_time_s", simgrid_get_clock(),
                  "parameters", (json_int_t)gs->np);
    if (gs->nschemes_done)
        print_table(gs, gc_time, uncoded_time);
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
             gc_keys},
    .uses_workload = true,
    .check = gc_check,
    .deploy = gc_deploy,
    .finish = gc_finish,
    .report = &sgr_gradient_coding_report,
    .sweep = &sgr_gradient_coding_sweep,
};
