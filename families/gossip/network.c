/* The gossip family's synchronous methods (D-SGD, ADOM+) over the simulated network: every node
 * is an actor on its host that computes its gradient there and exchanges with every neighbour
 * each round. (The Poisson methods, DADAO and pairwise, need no actor per node: pool.c.) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/engine.h>
#include <simgrid/mailbox.h>

#include "families/gossip/gossip.h"
#include "simgrad/rng.h"

static void send_vecs(gs_node *nd, size_t to, int kind, long round, const double *v,
                      const double *v2)
{
    gs_state *gs = nd->gs;
    size_t from = nd->id;
    size_t len = v2 ? 2 * gs->d : gs->d;
    gs_msg *m = gs_xmalloc(sizeof *m + len * sizeof(double), "a message");
    m->kind = kind;
    m->from = from;
    m->round = round;
    memcpy(m->vec, v, gs->d * sizeof(double));
    if (v2)
        memcpy(m->vec + gs->d, v2, gs->d * sizeof(double));
    sg_mailbox_t mb = sgr_inbox_mailbox(nd->peers[to].inbox, from);
    sg_comm_detach(sg_mailbox_put_init(mb, m, (long)(len * sizeof(double))), NULL);
    sgr_ctrace_send(gs->run->ctrace, sgr_ctrace_now(gs->run->ctrace), "node", (long)to,
                    (double)(len * sizeof(double)));
    gs->messages++;
}

static void send_vec(gs_node *nd, size_t to, int kind, long round, const double *v)
{
    send_vecs(nd, to, kind, round, v, NULL);
}

/* The node's method has ended (the next one may already be running on other state): the actor
 * stays, receiving and dropping what still comes (late messages), since a send to a mailbox
 * whose receiver died would fail. Killed with the other daemons at the end. */
static bool method_over(const gs_node *nd)
{
    return nd->gs->cur != nd->method || nd->gs->stop;
}

static void absorb_forever(gs_node *nd)
{
    for (;;) {
        long tag;
        free(sgr_inbox_next(nd->inbox, &tag));
    }
}

/* Synchronous methods: the `deg` messages of round (or step) `tag`, each passed to `use` and
 * freed; messages for the next one (a neighbour at most one ahead) wait in `early`. An ended
 * method turns the node to absorbing. */
typedef struct round_buf {
    gs_msg **early, **pending;
    size_t nearly;
} round_buf;

static void round_messages(gs_node *nd, long tag, size_t deg, round_buf *rb,
                           void (*use)(void *ctx, const gs_msg *m), void *ctx)
{
    size_t npending = rb->nearly, got = 0;
    memcpy(rb->pending, rb->early, rb->nearly * sizeof *rb->early);
    rb->nearly = 0;
    while (got < deg) {
        gs_msg *m;
        if (npending) {
            m = rb->pending[--npending];
        } else {
            long alarm;
            m = sgr_inbox_next(nd->inbox, &alarm);
            if (method_over(nd)) {
                free(m);
                absorb_forever(nd);
            }
            if (!m)
                continue;
            if (m->round != tag) {
                rb->early[rb->nearly++] = m;
                continue;
            }
        }
        use(ctx, m);
        free(m);
        got++;
    }
}

static round_buf round_buf_new(size_t maxdeg)
{
    round_buf rb = {gs_xcalloc(maxdeg, sizeof(gs_msg *), "early messages"),
                    gs_xcalloc(maxdeg, sizeof(gs_msg *), "pending messages"), 0};
    return rb;
}

typedef struct dsgd_acc {
    const gs_state *gs;
    const sgr_graph *g;
    size_t deg;
    double self, *acc;
} dsgd_acc;

static void dsgd_use(void *ctx, const gs_msg *m)
{
    dsgd_acc *a = ctx;
    double w = sgr_metropolis_weight(a->deg, sgr_graph_degree(a->g, m->from));
    a->self -= w;
    for (size_t c = 0; c < a->gs->d; c++)
        a->acc[c] += w * m->vec[c];
}

typedef struct adom_acc {
    size_t d;
    double *lu, *ls;
} adom_acc;

static void adom_use(void *ctx, const gs_msg *m)
{
    adom_acc *a = ctx;
    for (size_t k = 0; k < a->d; k++) {
        a->lu[k] -= m->vec[k];
        a->ls[k] -= m->vec[a->d + k];
    }
}

/* Wait for round r's start (a round per time unit, as in instant mode: n gradients per unit
 * for every method; a round that takes longer than a unit delays the next). */
static void round_start(gs_node *nd, long r)
{
    gs_state *gs = nd->gs;
    double t0 = sgr_ctrace_now(gs->run->ctrace);
    if (simgrid_get_clock() < gs->t0 + (double)r * gs->c->time_unit)
        sg_actor_sleep_until(gs->t0 + (double)r * gs->c->time_unit);
    sgr_ctrace_wait(gs->run->ctrace, t0, "round start");
    if (method_over(nd))
        absorb_forever(nd);
}

/* Compute the local gradient at x (a copy) on the node's host; absorb if the method ended. */
static void node_compute(gs_node *nd, const double *x, double *grad)
{
    gs_state *gs = nd->gs;
    gs_local_grad(gs, nd->id, x, grad, nd->work);
    sgr_run_compute(gs->run, gs_grad_flops(gs, nd->id), gs->run->speed[nd->host], NULL);
    if (method_over(nd))
        absorb_forever(nd);
}

static void node_start(gs_node *nd, const char *name)
{
    gs_state *gs = nd->gs;
    sg_actor_daemonize(sg_actor_self());
    sgr_inbox_start(nd->inbox);
    if (sgr_ctrace_sampled(gs->run->ctrace, nd->id, gs->n))
        sgr_run_trace_self(gs->run, nd->host, name);
}

static void dsgd_node_main(int argc, char **argv)
{
    gs_node *nd = sgr_actor_data(argc, argv);
    gs_state *gs = nd->gs;
    size_t i = nd->id, d = gs->d;
    double *acc = gs_xcalloc(d, sizeof *acc, "D-SGD's accumulator"), *x = gs->dd.x + i * d;
    round_buf rb = round_buf_new(gs_max_degree(gs, i));
    node_start(nd, argv[0]);
    for (long r = 0;; r++) {
        const sgr_graph *g = gs_graph_at(gs, (double)r);
        size_t deg = sgr_graph_degree(g, i);
        round_start(nd, r);
        for (size_t k = g->offset[i]; k < g->offset[i + 1]; k++) {
            send_vec(nd, g->adj[k], 2, r, x);
            /* a send yields: the method may end, and its state be freed, meanwhile */
            if (method_over(nd))
                absorb_forever(nd);
        }
        memcpy(nd->msg_buf, x, d * sizeof(double));
        node_compute(nd, nd->msg_buf, nd->grad);
        memset(acc, 0, d * sizeof *acc);
        dsgd_acc a = {gs, g, deg, 1.0, acc};
        double t0 = sgr_ctrace_now(gs->run->ctrace);
        round_messages(nd, r, deg, &rb, dsgd_use, &a);
        sgr_ctrace_recv(gs->run->ctrace, t0, "neighbours", -1, (double)(deg * d * sizeof(double)));
        for (size_t c = 0; c < d; c++)
            x[c] = acc[c] + a.self * nd->msg_buf[c] - gs_base_step(gs, (double)r) * nd->grad[c];
        gs->grads++;
        if (i == 0)
            gs->gossips += g->m;
    }
}

/* ADOM+'s q gossip steps for node i: (cu, cs) <- (I - L/lambda_max)(cu, cs), one exchange with
 * the neighbours each; then lu, ls = lambda_max ((u, s) - W^q (u, s))_i. */
static void adom_exchange(gs_node *nd, const sgr_graph *g, long r, round_buf *rb, double *cu,
                          double *cs, double *lu, double *ls)
{
    gs_state *gs = nd->gs;
    sgr_adom *ad = &gs->adom;
    size_t i = nd->id, d = gs->d, deg = sgr_graph_degree(g, i);
    memcpy(cu, ad->u + i * d, d * sizeof *cu);
    memcpy(cs, ad->s + i * d, d * sizeof *cs);
    for (size_t q = 0; q < ad->steps; q++) {
        long tagr = r * (long)ad->steps + (long)q;
        for (size_t k = g->offset[i]; k < g->offset[i + 1]; k++) {
            send_vecs(nd, g->adj[k], 2, tagr, cu, cs);
            if (method_over(nd))
                absorb_forever(nd);
        }
        for (size_t k = 0; k < d; k++) {
            lu[k] = (double)deg * cu[k];
            ls[k] = (double)deg * cs[k];
        }
        adom_acc a = {d, lu, ls};
        double t0 = sgr_ctrace_now(gs->run->ctrace);
        round_messages(nd, tagr, deg, rb, adom_use, &a);
        sgr_ctrace_recv(gs->run->ctrace, t0, "neighbours", -1,
                        (double)(deg * 2 * d * sizeof(double)));
        for (size_t k = 0; k < d; k++) {
            cu[k] -= lu[k] / ad->lambda_max;
            cs[k] -= ls[k] / ad->lambda_max;
        }
    }
    for (size_t k = 0; k < d; k++) {
        lu[k] = (ad->u[i * d + k] - cu[k]) * ad->lambda_max;
        ls[k] = (ad->s[i * d + k] - cs[k]) * ad->lambda_max;
    }
}

/* ADOM+ networked: every round, each node sends (u, s) to its neighbours and applies L from
 * theirs; a neighbour is at most one round ahead, so early messages wait for the next round. */
static void adom_node_main(int argc, char **argv)
{
    gs_node *nd = sgr_actor_data(argc, argv);
    gs_state *gs = nd->gs;
    size_t i = nd->id, d = gs->d;
    double *lu = gs_xmalloc(d * sizeof *lu, "ADOM+'s exchange"),
           *ls = gs_xmalloc(d * sizeof *ls, "ADOM+'s exchange");
    double *cu = gs_xmalloc(d * sizeof *cu, "ADOM+'s exchange"),
           *cs = gs_xmalloc(d * sizeof *cs, "ADOM+'s exchange");
    round_buf rb = round_buf_new(gs_max_degree(gs, i));
    node_start(nd, argv[0]);
    for (long r = 0;; r++) {
        const sgr_graph *g = gs_graph_at(gs, (double)r);
        round_start(nd, r);
        const double *xg = sgr_adom_grad_point(&gs->adom, i, gs->dd.x);
        node_compute(nd, xg, gs->adom.g + i * d);
        sgr_adom_messages(&gs->adom, i);
        adom_exchange(nd, g, r, &rb, cu, cs, lu, ls);
        sgr_adom_post(&gs->adom, i, gs->dd.x, lu, ls);
        gs->grads++;
        if (i == 0)
            gs->gossips += g->m * gs->adom.steps;
    }
}

void gs_monitor(gs_state *gs)
{
    double dt_check = gs->c->duration / (double)gs->c->checkpoints;
    gs_record(gs, 0, gs_measure(gs, 0));
    for (long c = 1; c <= gs->c->checkpoints && !gs->stop && !sgr_run_interrupted(); c++) {
        double t0 = sgr_ctrace_now(gs->run->ctrace);
        sg_actor_sleep_until(gs->t0 + (double)c * dt_check * gs->c->time_unit);
        sgr_ctrace_wait(gs->run->ctrace, t0, "checkpoint");
        double t = (double)c * dt_check;
        gs_record(gs, t, gs_measure(gs, t));
        sgr_progress_update(&gs->run->progress, gs_method_names[gs->c->methods[gs->cur]], t,
                            gs->c->duration, simgrid_get_clock());
    }
    gs->res[gs->cur].sim_seconds = simgrid_get_clock() - gs->t0;
}

static int node_init(gs_state *gs, gs_node *nd, size_t i)
{
    sgr_run *run = gs->run;
    char name[64];
    nd->gs = gs;
    nd->peers = gs->nodes;
    nd->id = i;
    nd->method = gs->cur;
    nd->host = i % run->nhosts;
    snprintf(name, sizeof name, "g%zu-%zu", gs->cur, i);
    nd->inbox =
        sgr_inbox_new(run, name, sgr_graph_degree(&gs->graph, i), run->hosts[nd->host], false);
    nd->grad = malloc(gs->d * sizeof *nd->grad);
    nd->msg_buf = malloc(gs->d * sizeof *nd->msg_buf);
    nd->work = malloc(sgr_model_work_size(&gs->wl->model, gs->maxrows) * sizeof *nd->work + 1);
    return nd->inbox && nd->grad && nd->msg_buf && nd->work ? 0 : -1;
}

int gs_start_nodes(gs_state *gs)
{
    sgr_run *run = gs->run;
    method_kind m = gs->c->methods[gs->cur];
    if (m == M_DADAO || m == M_PAIRWISE) {
        gs_pool_start(gs);
        return 0;
    }
    gs->nodes = calloc(gs->n, sizeof *gs->nodes);
    if (!gs->nodes)
        return -1;
    for (size_t i = 0; i < gs->n; i++)
        if (node_init(gs, &gs->nodes[i], i) < 0)
            return -1;
    for (size_t i = 0; i < gs->n; i++) {
        char name[64];
        snprintf(name, sizeof name, "node-%zu", i);
        sgr_run_spawn(run, name, run->hosts[gs->nodes[i].host],
                      m == M_DSGD ? dsgd_node_main : adom_node_main, &gs->nodes[i]);
    }
    return 0;
}

/* End the method: its node actors (or its pool's serving) notice and turn to absorbing what
 * still arrives (killing them would make late sends to their mailboxes fail). */
void gs_stop_nodes(gs_state *gs)
{
    gs->stop = true;
    for (size_t i = 0; gs->nodes && i < gs->n; i++)
        sgr_inbox_close(gs->nodes[i].inbox);
}

void gs_free_nodes(gs_state *gs, gs_node *nodes)
{
    for (size_t i = 0; nodes && i < gs->n; i++) {
        sgr_inbox_free(nodes[i].inbox);
        free(nodes[i].grad);
        free(nodes[i].msg_buf);
        free(nodes[i].work);
    }
    free(nodes);
}
