/* The gossip family over the simulated network: every node is an actor on its host, a gradient
 * costs its flops there, and a gossip is a request and a reply of the needed vectors, each end
 * updating when the other's message arrives. The synchronous methods (D-SGD, ADOM+) exchange
 * with every neighbour each round. */
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

/* The consensus jump of node i by the edge's difference delta = v_initiator - v_responder
 * (v = y + z for DADAO, x for pairwise), sign +1 at the responder and -1 at the initiator
 * (the paper's jump, with the initiator's value as sent and the responder's on arrival). */
static void apply_gossip(gs_state *gs, size_t i, const double *delta, double sign, double t_units)
{
    if (gs->c->methods[gs->cur] == M_DADAO)
        sgr_dadao_gossip_half(&gs->dd, i, delta, sign, t_units);
    else
        sgr_pairwise_half(gs->dd.x + i * gs->d, delta, sign, gs->d);
}

/* The node's method has ended (the next one may already be running on other state): the actor
 * stays, receiving and dropping what still comes (late alarms and messages), since a send to a
 * mailbox whose receiver died would fail. Killed with the other daemons at the end. */
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

/* The Poisson clocks of all nodes and edges add up to one Poisson process of rate
 * (n + lambda_mix) per time unit: one clock actor draws it and hands each event to its node as
 * a tick message over the node's loopback (it moves to the node's host first, so the tick
 * takes no network time). One actor and one message per event, where a timer per node would
 * need an actor per pending alarm (tens of thousands at 10,000 nodes). */
static void send_tick(gs_state *gs, gs_node *peers, size_t node, int kind, long edge)
{
    gs_msg *m = gs_xmalloc(sizeof *m, "a clock tick");
    m->kind = kind;
    m->from = node;
    m->round = edge;
    double t0 = sgr_ctrace_now(gs->run->ctrace);
    sg_actor_set_host(sg_actor_self(), gs->run->hosts[peers[node].host]);
    sg_mailbox_put(sgr_inbox_mailbox(peers[node].inbox, node), m, 0);
    if (sgr_ctrace_sampled(gs->run->ctrace, node, gs->n)) /* the ticks of traced nodes only */
        sgr_ctrace_send(gs->run->ctrace, t0, "node", (long)node, 0);
}

/* A node's wait for its next message or tick, as a trace span. */
static void trace_arrival(const gs_state *gs, double t0, const gs_msg *m)
{
    sgr_ctrace *tr = gs->run->ctrace;
    if (m->kind == 3 || m->kind == 4)
        sgr_ctrace_wait(tr, t0, m->kind == 3 ? "gradient clock" : "gossip clock");
    else
        sgr_ctrace_recv(tr, t0, "node", (long)m->from, (double)(gs->d * sizeof(double)));
}

static void clock_main(int argc, char **argv)
{
    gs_state *gs = sgr_actor_data(argc, argv);
    size_t method = gs->cur, pos = 0;
    gs_node *peers = gs->nodes;
    gsl_rng *rng = sgr_rng_new(gs->run->seed, "gossip-clock", method);
    double t = 0;
    sgr_event ev;
    sgr_run_trace_self(gs->run, 0, "gossip-clock");
    while (gs_next_event(gs, rng, &pos, t, &ev)) {
        t = ev.t;
        sg_actor_sleep_until(gs->t0 + t * gs->c->time_unit);
        if (gs->cur != method || gs->stop)
            break;
        if (ev.kind == SGR_EV_GRADIENT)
            send_tick(gs, peers, ev.i, 3, 0);
        else
            send_tick(gs, peers, ev.i, 4, (long)ev.j);
    }
    gsl_rng_free(rng);
}

/* A gradient tick: compute at x_i (simulated compute time), then apply. */
static void node_gradient(gs_node *nd, double t_units, bool dadao)
{
    gs_state *gs = nd->gs;
    size_t i = nd->id, d = gs->d;
    double *x = gs->dd.x + i * d;
    if (dadao)
        sgr_dadao_advance(&gs->dd, i, t_units);
    gs_local_grad(gs, i, x, nd->grad, nd->work);
    sgr_run_compute(gs->run, gs_grad_flops(gs, i), gs->run->speed[nd->host], NULL);
    if (method_over(nd))
        absorb_forever(nd);
    if (dadao)
        sgr_dadao_on_gradient(&gs->dd, i, nd->grad);
    else
        sgr_gradient_step(x, nd->grad, gs_base_step(gs, t_units), d);
    gs->grads++;
    sgr_event ev = {
        (simgrid_get_clock() - gs->t0) / gs->c->time_unit, SGR_EV_GRADIENT, i, 0, -1, 0};
    gs_log_event(gs, &ev);
}

/* The value node i gossips (y + z for DADAO, x for pairwise) as of t_units, into buf. */
static void gossip_value(gs_state *gs, size_t i, double t_units, bool dadao, double *buf)
{
    if (dadao) {
        sgr_dadao_advance(&gs->dd, i, t_units);
        sgr_dadao_message(&gs->dd, i, buf);
    } else {
        memcpy(buf, gs->dd.x + i * gs->d, gs->d * sizeof(double));
    }
}

/* A gossip tick for edge (i, j), drawn on the graph in force at the tick: send our value to
 * the other end. */
static void node_initiate(gs_node *nd, size_t j, double t_units, bool dadao)
{
    gs_state *gs = nd->gs;
    size_t i = nd->id;
    gossip_value(gs, i, t_units, dadao, nd->msg_buf);
    send_vec(nd, j, 0, 0, nd->msg_buf);
    gs->gossips++;
    sgr_event ev = {t_units, SGR_EV_GOSSIP, i, j, (long)sgr_graph_seq_index(&gs->seq, t_units), 0};
    gs_log_event(gs, &ev);
}

/* A request: delta = v_initiator (as sent) - v_self (now); move, reply delta. */
static void node_respond(gs_node *nd, const gs_msg *m, double t_units, bool dadao)
{
    gs_state *gs = nd->gs;
    size_t i = nd->id;
    gossip_value(gs, i, t_units, dadao, nd->msg_buf);
    for (size_t k = 0; k < gs->d; k++)
        nd->msg_buf[k] = m->vec[k] - nd->msg_buf[k];
    apply_gossip(gs, i, nd->msg_buf, +1.0, t_units);
    send_vec(nd, m->from, 1, 0, nd->msg_buf);
    sgr_event ev = {t_units, SGR_EV_GOSSIP_RECV, i, m->from, -1, 0};
    gs_log_event(gs, &ev);
}

/* The reply: the initiator's half of the jump. */
static void node_reply(gs_node *nd, const gs_msg *m, double t_units)
{
    gs_state *gs = nd->gs;
    apply_gossip(gs, nd->id, m->vec, -1.0, t_units);
    sgr_event ev = {t_units, SGR_EV_GOSSIP_REPLY, nd->id, m->from, -1, 0};
    gs_log_event(gs, &ev);
}

static void poisson_node_main(int argc, char **argv)
{
    gs_node *nd = sgr_actor_data(argc, argv);
    gs_state *gs = nd->gs;
    bool dadao = gs->c->methods[gs->cur] == M_DADAO;
    sg_actor_daemonize(sg_actor_self());
    sgr_inbox_start(nd->inbox);
    if (sgr_ctrace_sampled(gs->run->ctrace, nd->id, gs->n))
        sgr_run_trace_self(gs->run, nd->host, argv[0]);
    for (;;) {
        long tag;
        double t0 = sgr_ctrace_now(gs->run->ctrace);
        gs_msg *m = sgr_inbox_next(nd->inbox, &tag);
        if (method_over(nd)) {
            free(m);
            absorb_forever(nd);
        }
        if (!m)
            continue;
        trace_arrival(gs, t0, m);
        double t_units = (simgrid_get_clock() - gs->t0) / gs->c->time_unit;
        if (m->kind == 3)
            node_gradient(nd, t_units, dadao);
        else if (m->kind == 4)
            node_initiate(nd, (size_t)m->round, t_units, dadao);
        else if (m->kind == 0)
            node_respond(nd, m, t_units, dadao);
        else
            node_reply(nd, m, t_units);
        free(m);
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
                      m == M_DSGD   ? dsgd_node_main
                      : m == M_ADOM ? adom_node_main
                                    : poisson_node_main,
                      &gs->nodes[i]);
    }
    if (m == M_DADAO || m == M_PAIRWISE)
        sgr_run_spawn(run, "gossip-clock", run->hosts[0], clock_main, gs);
    return 0;
}

/* End the method: its node actors notice and turn to absorbing what still arrives (killing
 * them would make late sends to their mailboxes fail). */
void gs_stop_nodes(gs_state *gs)
{
    gs->stop = true;
    for (size_t i = 0; i < gs->n; i++)
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
