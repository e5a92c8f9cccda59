/* One round of a gradient-coding scheme on SimGrid, following the paper's round model: each
 * participating worker's task computes the coded combinations of its minitasks (real segment
 * gradients, OpenBLAS) and sends them to the master, which waits for the fastest (m after the
 * round starts) and then until (1+mu) m; if the scheme can go on without the stragglers the
 * round ends then, otherwise it waits for everybody (a "wait"). With an ideal network the
 * results arrive at start + task time, with no messages. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>
#include <simgrid/semaphore.h>
#include <xbt/log.h>

#include "simgrad/inbox.h"
#include "simgrad/run.h"

#include "families/gradient_coding/gradient_coding.h"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(sgr_gc_rounds, sgr_gc, "gradient-coding rounds");

const double *gc_seg_grad(gc_state *gs, size_t job, size_t seg)
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

/* Whether task a's work is task b's, computed in the same scheme and round (so from the same
 * models and segment gradients): the same minitasks (jobs, segments and coefficients, bit for
 * bit) in the same order, and b's results still held. */
static bool same_work(const gc_task *a, const gc_task *b)
{
    if (!b || !b->results || a->scheme != b->scheme || a->round != b->round || a->nmini != b->nmini)
        return false;
    for (size_t k = 0; k < a->nmini; k++) {
        const sgr_minitask *x = &a->mini[k], *y = &b->mini[k];
        if (x->job != y->job || x->nseg != y->nseg ||
            memcmp(x->seg, y->seg, x->nseg * sizeof *x->seg) != 0 ||
            memcmp(x->coef, y->coef, x->nseg * sizeof *x->coef) != 0)
            return false;
    }
    return true;
}

/* A worker's real work: the coded combination of each minitask. The workers of a fractional
 * repetition group (consecutive, computing in worker order) do the same work: a task whose
 * work is that of the task computed just before copies its results, the same numbers. */
static void task_compute(gc_task *t)
{
    gc_state *gs = t->gs;
    if (same_work(t, gs->last_computed)) {
        memcpy(t->results, gs->last_computed->results, t->nmini * gs->np * sizeof *t->results);
        gs->last_computed = t;
        return;
    }
    gs->last_computed = t;
    for (size_t k = 0; k < t->nmini; k++) {
        double *out = t->results + k * gs->np;
        memset(out, 0, gs->np * sizeof *out);
        const sgr_minitask *m = &t->mini[k];
        if ((size_t)m->job >= gs->jobs)
            continue; /* filler work (reference rules): its time counts, not its result */
        for (size_t i = 0; i < m->nseg; i++) {
            const double *g = gc_seg_grad(gs, (size_t)m->job, m->seg[i]);
            double c = m->coef[i];
            for (size_t j = 0; j < gs->np; j++)
                out[j] += c * g[j];
        }
    }
}

/* A worker's actor runs the tasks the master hands it, one after the other: the task's real
 * work, its compute time, then its result to the master. The master hands a task to the actor
 * that ran the worker's previous one if that actor waits for the next; otherwise (the first
 * task, or the previous one was killed as a straggler, or its result is still on the wire, or
 * its actor has not come back to wait yet) to a new actor, and an older one ends once it has
 * sent. So each task starts in the instant and order it would in an actor of its own (what
 * this family did before), without creating an actor and its stack per task and round. */
struct gc_worker {
    gc_state *gs;
    size_t index;
    sg_sem_t go;       /* released by the master once `next` is set */
    gc_task *next;     /* handed over, not taken yet */
    aid_t pid;         /* the current actor */
    unsigned long gen; /* the current actor's generation */
    bool idle;         /* the current actor waits on go */
};

int gc_workers_new(gc_state *gs)
{
    gs->workers = calloc(gs->n, sizeof *gs->workers);
    if (!gs->workers)
        return -1;
    for (size_t w = 0; w < gs->n; w++) {
        gs->workers[w].gs = gs;
        gs->workers[w].index = w;
        gs->workers[w].go = sg_sem_init(0);
    }
    return 0;
}

void gc_workers_free(gc_state *gs)
{
    for (size_t w = 0; gs->workers && w < gs->n; w++)
        sg_sem_destroy(gs->workers[w].go);
    free(gs->workers);
    gs->workers = NULL;
}

static void run_task(gc_state *gs, gc_task *t)
{
    sgr_ctrace *tr = gs->run->ctrace;
    task_compute(t);
    sgr_run_compute(gs->run, t->flops, gs->run->speed[t->host], &t->straggle);
    double t0 = sgr_ctrace_now(tr);
    t->sending = true;
    sg_mailbox_put(sgr_inbox_mailbox(gs->inbox, t->worker), t,
                   (long)(t->nmini * gs->np * sizeof(double)));
    sgr_ctrace_send(tr, t0, "master", -1, (double)(t->nmini * gs->np * sizeof(double)));
}

static void worker_main(int argc, char **argv)
{
    gc_worker *wk = sgr_actor_data(argc, argv);
    gc_state *gs = wk->gs;
    unsigned long gen = wk->gen;
    bool daemon = false;
    if (sgr_ctrace_sampled(gs->run->ctrace, wk->index, gs->n))
        sgr_run_trace_self(gs->run, wk->next->host, argv[0]); /* one row for all its tasks */
    for (;;) {
        gc_task *t = wk->next;
        wk->next = NULL;
        run_task(gs, t);
        if (!daemon && wk->gen == gen) {
            /* not before its first task is out: in the instant a task's actor started, it
             * computes first, as an actor of its own would */
            sg_actor_daemonize(sg_actor_self());
            daemon = true;
        }
        if (wk->gen != gen)
            return; /* a newer actor serves this worker */
        wk->idle = true;
        sg_sem_acquire(wk->go);
    }
}

/* Start task t on its worker's actor (see struct gc_worker). */
static void hand_over(gc_state *gs, gc_task *t)
{
    gc_worker *wk = &gs->workers[t->worker];
    wk->next = t;
    if (wk->idle) {
        wk->idle = false;
        sg_sem_release(wk->go);
    } else {
        XBT_VERB("round %zu: worker %zu on a new actor", t->round, t->worker);
        char name[64];
        snprintf(name, sizeof name, "worker-%zu", t->worker);
        wk->gen++;
        wk->pid = sg_actor_get_pid(
            sgr_run_spawn(gs->run, name, gs->run->hosts[t->host], worker_main, wk));
    }
    t->pid = wk->pid;
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

void gc_task_release_results(gc_task *t)
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
        gc_task_release_results(t);
    }
}

/* Receive and drop the late results still on the wire, so that they do not load the next
 * scheme's network nor go to a mailbox whose receiver has ended. */
void gc_drain_late(gc_state *gs)
{
    while (gs->late > 0) {
        long alarm;
        if (sgr_inbox_next(gs->inbox, &alarm))
            gs->late--;
    }
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
            hand_over(gs, t);
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
            gc_result_ref *ref = &gs->rmap[(job * n + w) * nslots + slot];
            if (ref->task && --ref->task->refs == 0)
                gc_task_release_results(ref->task);
            ref->task = t;
            ref->k = k;
            t->refs++;
        }
        if (t->refs == 0)
            gc_task_release_results(t);
    }
}

/* One round of the scheme: plan, dispatch, the round model, commit. Returns its duration. */
double gc_run_round(gc_state *gs, size_t r, size_t *nstrag, bool *waited)
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
