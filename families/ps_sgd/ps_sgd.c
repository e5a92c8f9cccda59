/* The ps-sgd family: synchronous data-parallel SGD through one parameter server.
 *
 * Each round the server sends the model to every worker, each worker computes a real
 * minibatch gradient on its shard (BLAS), spends the kernel's flops in simulated time on its
 * host (slowed as the straggler model says), and sends the gradient back. The server averages
 * the first `wait_for` gradients of the round (all by default), drops late ones, and steps.
 *
 * The model goes out through relay actors on the server's host, each sending to a group of
 * PS_RELAY_GROUP workers with put_async and waiting for its sends (never detaching): SimGrid
 * 3.32 keeps an actor's (or, detached, maestro's) activities in a list that every completion
 * walks, so one actor with N sends in flight costs O(N^2) a round (bench/README.md, "100,000
 * nodes"). The relays send one after the other, woken in a chain of semaphores within the
 * same simulated instant, so the transfers start at the same time and in the same order
 * (worker 0 first) as from one sender: simulated results do not depend on the fan-out. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>
#include <simgrid/semaphore.h>
#include <xbt/log.h>
#include <xbt/sysdep.h>

#include "simgrad/inbox.h"
#include "simgrad/network.h"
#include "simgrad/results.h"
#include "simgrad/run.h"
#include "families/ps_sgd/ps_sgd.h"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(sgr_ps_sgd, simgrad, "ps-sgd family");

typedef struct snapshot {
    size_t refs;
    double w[];
} snapshot;

typedef struct model_msg {
    long round;
    snapshot *snap;
    sgr_straggle straggle;
} model_msg;

typedef struct grad_msg {
    long round;
    size_t worker;
    double *grad;
} grad_msg;

typedef struct ps_state ps_state;

/* Workers per relay actor (the last relay may have fewer). */
enum { PS_RELAY_GROUP = 100 };

typedef struct ps_worker {
    ps_state *ps;
    size_t index, host;
    sg_mailbox_t inbox, server;
    double *work;
    size_t offset, batch;
    /* Models sent to it and not yet waited for by its relay, oldest first: a worker takes
     * its models in the order they were sent, so the first `taken - waited` have landed. */
    sg_comm_t *sent;
    size_t nsent, cap_sent;
    unsigned long taken, waited;
} ps_worker;

typedef struct ps_relay {
    ps_state *ps;
    size_t first, count; /* its workers */
    sg_sem_t go;         /* released once a round: by the server for relay 0, else the previous */
    sg_sem_t next;       /* the next relay's go, or NULL */
} ps_relay;

struct ps_state {
    sgr_run *run;
    size_t nworkers, np, wait_for, server_host;
    long rounds, eval_every, rounds_done;
    long diverged_round; /* the first round whose model or loss is not finite, or -1 */
    double lr, lr_decay, timeout;
    double *w, *acc;
    ps_worker *workers;
    ps_relay *relays;
    size_t nrelays;
    snapshot *snap; /* the round's model, read by the relays in the instant it is sent */
    long round;
    sgr_inbox *inbox; /* gradients, received concurrently */
    bool may_lag;     /* a worker can fall a round behind (it is not always waited for) */
    sgr_straggler_model *strag;
    sgr_straggle *round_strag;
    int error;
    sgr_err err;
    /* totals */
    double bytes, last_loss, last_acc, first_loss;
    unsigned long gradients, dropped, stragglers, failures;
};

static void snapshot_unref(snapshot *s)
{
    if (--s->refs == 0)
        free(s);
}

static void worker_main(int argc, char **argv)
{
    ps_worker *wk = sgr_actor_data(argc, argv);
    ps_state *ps = wk->ps;
    const sgr_workload *wl = &ps->run->workload;
    const sgr_dataset *part = &wl->parts[wk->index];
    double flops = sgr_model_grad_flops(&wl->model, wk->batch);
    double speed = ps->run->speed[wk->host];
    sgr_ctrace *tr = ps->run->ctrace;
    sg_actor_daemonize(sg_actor_self());
    if (sgr_ctrace_sampled(tr, wk->index, ps->nworkers))
        sgr_run_trace_self(ps->run, wk->host, argv[0]);
    for (;;) {
        double t0 = sgr_ctrace_now(tr);
        model_msg *m = sg_mailbox_get(wk->inbox);
        wk->taken++;
        /* A straggler that fell behind takes the freshest model and skips the stale ones. */
        while (ps->may_lag && sg_mailbox_listen(sg_mailbox_get_name(wk->inbox))) {
            snapshot_unref(m->snap);
            free(m);
            m = sg_mailbox_get(wk->inbox);
            wk->taken++;
        }
        sgr_ctrace_recv(tr, t0, "server", -1, (double)(ps->np * sizeof(double)));
        /* Each gradient travels in its own buffer: the server may read it after this worker
         * has moved on to the next round (it receives eagerly, see server_main). Out of
         * memory inside an actor has no caller to return to: xbt_malloc aborts with a message. */
        grad_msg *out = xbt_malloc(sizeof *out + ps->np * sizeof(double));
        out->worker = wk->index;
        out->grad = (double *)(out + 1);
        const double *X = part->X + wk->offset * part->d;
        sgr_model_loss_grad(&wl->model, m->snap->w, X, part->y + wk->offset, wk->batch, out->grad,
                            wk->work);
        wk->offset += wk->batch;
        if (wk->offset + wk->batch > part->n)
            wk->offset = 0;
        snapshot_unref(m->snap);
        sgr_run_compute(ps->run, flops, speed, &m->straggle);
        bool failed = m->straggle.failed;
        out->round = m->round;
        free(m);
        if (failed) {
            free(out);
            continue;
        }
        t0 = sgr_ctrace_now(tr);
        sg_mailbox_put(wk->server, out, (long)(ps->np * sizeof(double)));
        sgr_ctrace_send(tr, t0, "server", -1, (double)(ps->np * sizeof(double)));
    }
}

/* Send the round's model to worker i and keep the comm until it is known to have landed. */
static void relay_send(ps_state *ps, ps_worker *wk)
{
    if (wk->nsent == wk->cap_sent) {
        wk->cap_sent = wk->cap_sent ? 2 * wk->cap_sent : 2;
        wk->sent = xbt_realloc(wk->sent, wk->cap_sent * sizeof *wk->sent);
    }
    model_msg *m = xbt_malloc(sizeof *m);
    m->round = ps->round;
    m->snap = ps->snap;
    m->straggle = ps->round_strag[wk->index];
    wk->sent[wk->nsent++] = sg_mailbox_put_async(wk->inbox, m, (long)(ps->np * sizeof(double)));
}

/* Wait for the sends its worker has taken (they have landed, or failed with the worker's
 * host: sg_comm_wait says so instead of aborting); a straggler's later ones stay. */
static void relay_reap(ps_worker *wk)
{
    size_t done = 0;
    while (done < wk->nsent && wk->waited < wk->taken) {
        sg_comm_wait(wk->sent[done++]);
        wk->waited++;
    }
    memmove(wk->sent, wk->sent + done, (wk->nsent - done) * sizeof *wk->sent);
    wk->nsent -= done;
}

static void relay_main(int argc, char **argv)
{
    ps_relay *rl = sgr_actor_data(argc, argv);
    ps_state *ps = rl->ps;
    sg_actor_daemonize(sg_actor_self());
    for (;;) {
        sg_sem_acquire(rl->go);
        for (size_t i = rl->first; i < rl->first + rl->count; i++)
            relay_send(ps, &ps->workers[i]);
        if (rl->next)
            sg_sem_release(rl->next);
        for (size_t i = rl->first; i < rl->first + rl->count; i++)
            relay_reap(&ps->workers[i]);
    }
}

static void evaluate(ps_state *ps, double *loss, double *acc)
{
    const sgr_workload *wl = &ps->run->workload;
    *loss = sgr_model_loss(&wl->model, ps->w, &wl->train);
    *acc = wl->test.n ? sgr_model_accuracy(&wl->model, ps->w, &wl->test) : NAN;
}

/* Receive until `need` gradients of this round arrived or the round's alarm rang. */
static size_t gather(ps_state *ps, long round, size_t need)
{
    size_t got = 0;
    double t0 = sgr_ctrace_now(ps->run->ctrace);
    memset(ps->acc, 0, ps->np * sizeof *ps->acc);
    if (ps->timeout > 0)
        sgr_inbox_alarm(ps->inbox, round, simgrid_get_clock() + ps->timeout);
    while (got < need) {
        long alarm;
        grad_msg *g = sgr_inbox_next(ps->inbox, &alarm);
        if (!g) {
            if (alarm == round)
                break;
            continue;
        }
        ps->bytes += (double)(ps->np * sizeof(double));
        if (g->round != round) {
            ps->dropped++;
            free(g);
            continue;
        }
        for (size_t j = 0; j < ps->np; j++)
            ps->acc[j] += g->grad[j];
        free(g);
        got++;
    }
    /* one span for the round's gradients: a span per message would swamp the trace */
    sgr_ctrace_recv(ps->run->ctrace, t0, "workers", -1, (double)(got * ps->np * sizeof(double)));
    return got;
}

static void server_main(int argc, char **argv)
{
    ps_state *ps = sgr_actor_data(argc, argv);
    sgr_run *run = ps->run;
    double loss, acc;
    sgr_inbox_start(ps->inbox);
    sgr_run_trace_self(run, ps->server_host, "server");
    evaluate(ps, &loss, &acc);
    ps->first_loss = loss;
    for (long r = 0; r < ps->rounds && !sgr_run_interrupted(); r++) {
        double t0 = simgrid_get_clock();
        if (sgr_straggler_next_round(ps->strag, ps->round_strag, &ps->err) < 0) {
            ps->error = SGR_EUSER;
            break;
        }
        snapshot *snap = xbt_malloc(sizeof *snap + ps->np * sizeof(double));
        snap->refs = ps->nworkers;
        memcpy(snap->w, ps->w, ps->np * sizeof(double));
        unsigned long nstrag = 0, nfail = 0;
        double t_send = sgr_ctrace_now(run->ctrace);
        for (size_t i = 0; i < ps->nworkers; i++) {
            nstrag += ps->round_strag[i].straggler;
            nfail += ps->round_strag[i].failed;
            ps->bytes += (double)(ps->np * sizeof(double));
        }
        ps->snap = snap;
        ps->round = r;
        sg_sem_release(ps->relays[0].go); /* the relays send, in this instant */
        sgr_ctrace_send(run->ctrace, t_send, "workers", -1,
                        (double)(ps->nworkers * ps->np * sizeof(double)));
        size_t got = gather(ps, r, ps->wait_for);
        /* Averaging and the step, on the server's host. */
        sgr_run_compute(run, 2.0 * (double)(ps->np * (got + 1)), run->speed[ps->server_host], NULL);
        double lr = ps->lr / (1.0 + ps->lr_decay * (double)r);
        if (got > 0)
            for (size_t j = 0; j < ps->np; j++)
                ps->w[j] -= lr * ps->acc[j] / (double)got;
        ps->gradients += got;
        ps->stragglers += nstrag;
        ps->failures += nfail;
        ps->rounds_done = r + 1;
        /* a diverged model is a result: evaluate it, record the round and stop there */
        bool diverged = !sgr_all_finite(ps->w, ps->np);
        bool eval = (r + 1) % ps->eval_every == 0 || r + 1 == ps->rounds || diverged;
        if (eval) {
            evaluate(ps, &loss, &acc);
            ps->last_loss = loss;
            ps->last_acc = acc;
            diverged |= !isfinite(loss);
        }
        double row[] = {(double)r,         simgrid_get_clock(), simgrid_get_clock() - t0,
                        eval ? loss : NAN, eval ? acc : NAN,    (double)got,
                        (double)nstrag,    (double)nfail,       (double)ps->dropped,
                        ps->bytes};
        sgr_metrics_row(run->metrics, row);
        sgr_progress_update(&run->progress, "round", (double)(r + 1), (double)ps->rounds,
                            simgrid_get_clock());
        if (diverged) {
            ps->diverged_round = r;
            break;
        }
    }
    sgr_network_quiesce(); /* packet level: late gradients land before the workers die */
}

/* The server, the workers, then the relays (each worker's actor keeps the pid it had before
 * the relays existed). */
static int deploy_actors(sgr_run *run, ps_state *ps, const ps_sgd_cfg *c, sgr_err *err)
{
    char name[64];
    ps->nrelays = (ps->nworkers + PS_RELAY_GROUP - 1) / PS_RELAY_GROUP;
    ps->relays = calloc(ps->nrelays, sizeof *ps->relays);
    if (!ps->relays)
        return sgr_fail(err, "out of memory");
    /* the alarms of round timeouts are short-lived: one or two at a time */
    sgr_run_expect_actors(run, 1 + ps->nworkers + ps->nrelays);
    sgr_run_spawn(run, "server", run->hosts[ps->server_host], server_main, ps);
    for (size_t i = 0; i < ps->nworkers; i++) {
        ps_worker *wk = &ps->workers[i];
        const sgr_dataset *part = &run->workload.parts[i];
        wk->ps = ps;
        wk->index = i;
        wk->host = (ps->server_host + 1 + i) % run->nhosts;
        wk->batch = c->batch_size;
        if (wk->batch > part->n)
            wk->batch = part->n;
        wk->work = malloc(sgr_model_work_size(&run->workload.model, wk->batch) * sizeof(double));
        if (!wk->work)
            return sgr_fail(err, "out of memory");
        snprintf(name, sizeof name, "ps-worker-%zu", i);
        wk->inbox = sg_mailbox_by_name(name);
        wk->server = sgr_inbox_mailbox(ps->inbox, i);
        snprintf(name, sizeof name, "worker-%zu", i);
        /* A worker whose host fails comes back when the host does. */
        sg_actor_set_auto_restart(sgr_run_spawn(run, name, run->hosts[wk->host], worker_main, wk),
                                  1);
    }
    for (size_t k = 0; k < ps->nrelays; k++)
        ps->relays[k].go = sg_sem_init(0);
    for (size_t k = 0; k < ps->nrelays; k++) {
        ps_relay *rl = &ps->relays[k];
        rl->ps = ps;
        rl->first = k * PS_RELAY_GROUP;
        rl->count =
            ps->nworkers - rl->first < PS_RELAY_GROUP ? ps->nworkers - rl->first : PS_RELAY_GROUP;
        rl->next = k + 1 < ps->nrelays ? ps->relays[k + 1].go : NULL;
        snprintf(name, sizeof name, "relay-%zu", k);
        sgr_run_spawn(run, name, run->hosts[ps->server_host], relay_main, rl);
    }
    return 0;
}

int sgr_ps_sgd_deploy(sgr_run *run, sgr_err *err)
{
    static const char *const columns[] = {
        "round",     "time_s",     "round_duration_s", "train_loss",    "test_accuracy",
        "gradients", "stragglers", "failed",           "dropped_total", "bytes_total"};
    const ps_sgd_cfg *c = run->cfg->algorithm;
    ps_state *ps = calloc(1, sizeof *ps);
    if (!ps)
        return sgr_fail(err, "out of memory");
    run->state = ps;
    ps->run = run;
    ps->diverged_round = -1;
    ps->nworkers = run->nparts;
    ps->np = sgr_model_nparams(&run->workload.model);
    ps->rounds = c->rounds;
    ps->eval_every = c->eval_every;
    ps->lr = c->learning_rate;
    ps->lr_decay = c->lr_decay;
    ps->timeout = c->round_timeout;
    ps->wait_for = (size_t)c->wait_for;
    if (ps->wait_for == 0)
        ps->wait_for = ps->nworkers;
    ps->may_lag = ps->wait_for < ps->nworkers || ps->timeout > 0 || run->failures_path;
    ps->server_host = (size_t)c->server_host;
    if (ps->server_host >= run->nhosts) {
        sgr_fail(err, "algorithm.server_host: %zu, but the platform has %zu hosts", ps->server_host,
                 run->nhosts);
        return SGR_EUSER;
    }
    ps->strag = sgr_straggler_new(&run->stragglers, ps->nworkers, run->seed, err);
    if (!ps->strag)
        return SGR_EUSER;
    if (sgr_straggler_trace_rounds(ps->strag) &&
        sgr_straggler_trace_rounds(ps->strag) < (size_t)ps->rounds) {
        sgr_fail(err, "stragglers.trace has %zu rounds, the scenario runs %ld (algorithm.rounds)",
                 sgr_straggler_trace_rounds(ps->strag), ps->rounds);
        return SGR_EUSER;
    }
    ps->round_strag = calloc(ps->nworkers, sizeof *ps->round_strag);
    ps->w = calloc(ps->np, sizeof *ps->w);
    ps->acc = calloc(ps->np, sizeof *ps->acc);
    ps->workers = calloc(ps->nworkers, sizeof *ps->workers);
    if (!ps->round_strag || !ps->w || !ps->acc || !ps->workers)
        return sgr_fail(err, "out of memory");
    if (sgr_run_metrics(run, columns, sizeof columns / sizeof *columns, err) < 0)
        return SGR_EFAIL;

    ps->inbox =
        sgr_inbox_new(run, "ps-server", ps->nworkers, run->hosts[ps->server_host], ps->timeout > 0);
    if (!ps->inbox)
        return sgr_fail(err, "out of memory");
    return deploy_actors(run, ps, c, err);
}

int sgr_ps_sgd_finish(sgr_run *run, sgr_err *err)
{
    ps_state *ps = run->state;
    int rc = 0;
    if (!ps)
        return 0;
    if (ps->error) {
        *err = ps->err;
        rc = ps->error;
    } else if (ps->rounds_done < ps->rounds && ps->diverged_round < 0 && !sgr_run_interrupted()) {
        rc = sgr_fail(err, "ps-sgd stopped after %ld of %ld rounds (deadlock?)", ps->rounds_done,
                      ps->rounds);
    }
    run->results = json_pack(
        "{s:I, s:f, s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:f, s:I}", "rounds",
        (json_int_t)ps->rounds_done, "simulated_time_s", simgrid_get_clock(), "initial_train_loss",
        sgr_json_real(ps->first_loss), "final_train_loss", sgr_json_real(ps->last_loss),
        "final_test_accuracy", sgr_json_real(isnan(ps->last_acc) ? 0.0 : ps->last_acc), "workers",
        (json_int_t)ps->nworkers, "gradients_used", (json_int_t)ps->gradients, "gradients_dropped",
        (json_int_t)ps->dropped, "straggler_events", (json_int_t)ps->stragglers, "failure_events",
        (json_int_t)ps->failures, "bytes_sent", ps->bytes, "parameters", (json_int_t)ps->np);
    if (run->results && ps->diverged_round >= 0)
        sgr_results_diverged(run->results, "round", (double)ps->diverged_round);
    else if (run->results)
        sgr_results_converged(run->results);
    /* Sends still outstanding (to stragglers, when the server ended) die with the engine:
     * their comms are left to it (releasing one that has not completed only logs an error). */
    for (size_t i = 0; ps->workers && i < ps->nworkers; i++) {
        free(ps->workers[i].work);
        free(ps->workers[i].sent);
    }
    for (size_t k = 0; ps->relays && k < ps->nrelays; k++)
        sg_sem_destroy(ps->relays[k].go);
    free(ps->relays);
    free(ps->workers);
    sgr_inbox_free(ps->inbox);
    free(ps->w);
    free(ps->acc);
    free(ps->round_strag);
    sgr_straggler_free(ps->strag);
    free(ps);
    run->state = NULL;
    return rc;
}
