/* The gossip family's Poisson methods (DADAO, pairwise) over the simulated network, without an
 * actor per node. A node only reacts to its clocks and to messages, and its state lives in
 * the process, so one clock actor draws the superposed Poisson process and hands each event
 * to an idle actor of a pool (grown on demand, a semaphore each, no simulated time), which
 * executes the gradient on the node's host or sends the gossip request from host to host
 * (transfer.cpp) and serves the other end when it lands; the reply travels back the same
 * way. Tens of actors at 100,000 nodes instead of 100,000 stacks.
 *
 * A node still behaves as the sequential server it was as an actor (one inbox of
 * ceil(sqrt(degree)) mailboxes with a permanent receiver, sender s putting into mailbox
 * s mod that, its clock ticks into its own one): what reaches it waits in a FIFO per
 * mailbox in the order it was sent; it is handled when the node is idle, it has landed and
 * it heads its FIFO (a mailbox with a permanent receiver hands out its messages in send
 * order), the lowest mailbox first (SimGrid's wait_any returns the first finished
 * activity); a gradient keeps the node busy for its computation, and what lands meanwhile
 * waits. So every update happens at the simulated time it did with an actor per node. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/engine.h>
#include <simgrid/exec.h>
#include <simgrid/host.h>
#include <simgrid/semaphore.h>
#include <xbt/asserts.h>

#include "families/gossip/gossip.h"
#include "families/gossip/transfer.h"
#include "simgrad/rng.h"

enum { IT_GRADIENT, IT_GOSSIP, IT_REQUEST, IT_REPLY };

/* A clock tick or a message waiting at node `to`. */
typedef struct gs_item gs_item;
struct gs_item {
    gs_item *next;
    int kind;
    bool arrived;
    size_t to, from; /* from: the sender (the node itself for a tick) */
    size_t other;    /* a gossip tick's other end */
    double t_sent;   /* simulated s, for the trace */
    sg_comm_t comm;  /* a message's transfer, started when sent */
    double vec[];    /* a request's value, a reply's difference: d values */
};

typedef struct gs_pnode {
    uint32_t group0; /* its FIFOs: head[group0 .. group0 + ngroups - 1] */
    uint16_t ngroups;
    bool serving; /* a pool actor is handling it (or was handed it) */
} gs_pnode;

/* One method's nodes (kept to the end: late messages name them). */
typedef struct gs_pmethod {
    gs_state *gs;
    size_t method;
    bool dadao;
    gs_pnode *nodes;
    gs_item **head, **tail;
} gs_pmethod;

/* What a pool actor is handed: serve `node`, or wait for `item` to land and then serve its
 * receiver. */
typedef struct gs_slot {
    sg_sem_t go;
    gs_pool *pool;
    size_t index;
    gs_pmethod *pm;
    size_t node;
    gs_item *item;
    double *grad; /* d values, kept across the gradient's computation */
} gs_slot;

struct gs_pool {
    gs_state *gs;
    gs_slot **slots;
    size_t nslots, cap, *idle, nidle;
    gs_item *free_items;
    void **chunks; /* item storage, freed at the end */
    size_t nchunks, item_size;
    double *work, *buf; /* scratch of handlers that do not yield */
    gs_pmethod **methods;
    bool traced; /* the sampled nodes joined the trace */
};

#define ITEMS_PER_CHUNK 1024

static gs_item *item_new(gs_pool *p, int kind, size_t to, size_t from)
{
    if (!p->free_items) {
        if (p->nchunks % 64 == 0) {
            void **grown = realloc(p->chunks, (p->nchunks + 64) * sizeof *p->chunks);
            if (!grown)
                xbt_die("simgrad: gossip: out of memory growing the message pool");
            p->chunks = grown;
        }
        char *chunk = gs_xmalloc(ITEMS_PER_CHUNK * p->item_size, "messages");
        p->chunks[p->nchunks++] = chunk;
        for (size_t k = 0; k < ITEMS_PER_CHUNK; k++) {
            gs_item *it = (gs_item *)(chunk + k * p->item_size);
            it->next = p->free_items;
            p->free_items = it;
        }
    }
    gs_item *it = p->free_items;
    p->free_items = it->next;
    it->next = NULL;
    it->kind = kind;
    it->arrived = false;
    it->to = to;
    it->from = from;
    it->other = 0;
    it->t_sent = 0;
    it->comm = NULL;
    return it;
}

static void item_free(gs_pool *p, gs_item *it)
{
    it->next = p->free_items;
    p->free_items = it;
}

/* Queue `it` at its receiver in send order: the FIFO of the sender's mailbox. */
static void item_post(gs_pmethod *pm, gs_item *it)
{
    gs_pnode *nd = &pm->nodes[it->to];
    size_t g = nd->group0 + it->from % nd->ngroups;
    if (pm->tail[g])
        pm->tail[g]->next = it;
    else
        pm->head[g] = it;
    pm->tail[g] = it;
}

/* The next item node i handles now, taken off its FIFO, or NULL. */
static gs_item *item_take(gs_pmethod *pm, size_t i)
{
    gs_pnode *nd = &pm->nodes[i];
    for (size_t g = nd->group0; g < nd->group0 + nd->ngroups; g++) {
        gs_item *it = pm->head[g];
        if (!it || !it->arrived)
            continue;
        pm->head[g] = it->next;
        if (!it->next)
            pm->tail[g] = NULL;
        return it;
    }
    return NULL;
}

/* Whether a message heads one of node i's FIFOs and has not been seen to land. */
static bool head_in_flight(const gs_pmethod *pm, size_t i)
{
    const gs_pnode *nd = &pm->nodes[i];
    for (size_t g = nd->group0; g < nd->group0 + nd->ngroups; g++)
        if (pm->head[g] && !pm->head[g]->arrived)
            return true;
    return false;
}

static bool method_over(const gs_pmethod *pm)
{
    return pm->gs->cur != pm->method || pm->gs->stop;
}

static sg_host_t node_host(const gs_state *gs, size_t i)
{
    return gs->run->hosts[i % gs->run->nhosts];
}

/* ---- the Chrome trace: the sampled nodes are rows of their own (no actor behind them) ---- */

static long trace_id(size_t node)
{
    return -1 - (long)node; /* SimGrid's pids are positive */
}

static bool node_traced(const gs_state *gs, size_t i)
{
    return gs->run->ctrace && sgr_ctrace_has_actor(gs->run->ctrace, trace_id(i));
}

static void trace_join_nodes(gs_pool *p)
{
    gs_state *gs = p->gs;
    if (!gs->run->ctrace || p->traced)
        return;
    for (size_t i = 0; i < gs->n; i++)
        if (sgr_ctrace_sampled(gs->run->ctrace, i, gs->n)) {
            char name[64];
            snprintf(name, sizeof name, "node-%zu", i);
            size_t h = i % gs->run->nhosts;
            sgr_ctrace_add_actor(gs->run->ctrace, trace_id(i), (long)h,
                                 sg_host_get_name(gs->run->hosts[h]), name);
        }
    p->traced = true;
}

static void trace_comm(const gs_state *gs, size_t node, const char *what, size_t peer, double t0,
                       double bytes)
{
    if (!node_traced(gs, node))
        return;
    char args[128];
    snprintf(args, sizeof args, "{\"peer\":\"node-%zu\",\"bytes\":%.15g}", peer, bytes);
    sgr_ctrace_span(gs->run->ctrace, trace_id(node), what, t0, simgrid_get_clock(), args);
}

static void trace_compute(const gs_state *gs, size_t node, double t0, double flops, double speed)
{
    if (!node_traced(gs, node))
        return;
    char args[192];
    snprintf(args, sizeof args,
             "{\"flops\":%.15g,\"host_speed\":%.15g,\"straggle_factor\":1,\"delay_s\":0}", flops,
             speed);
    sgr_ctrace_span(gs->run->ctrace, trace_id(node), "compute", t0, simgrid_get_clock(), args);
}

/* ---- the pool ---- */

static void pool_main(int argc, char **argv);

/* Hand an idle pool actor (a new one if none is idle) `node` to serve, or `item` to carry. */
static void pool_hand(gs_pool *p, gs_pmethod *pm, size_t node, gs_item *item)
{
    gs_slot *s;
    if (p->nidle > 0) {
        s = p->slots[p->idle[--p->nidle]];
    } else {
        if (p->nslots == p->cap) {
            size_t cap = p->cap ? 2 * p->cap : 64;
            gs_slot **slots = realloc(p->slots, cap * sizeof *slots);
            size_t *idle = slots ? realloc(p->idle, cap * sizeof *idle) : NULL;
            if (slots)
                p->slots = slots;
            if (!slots || !idle)
                xbt_die("simgrad: gossip: out of memory growing the actor pool");
            p->idle = idle;
            p->cap = cap;
        }
        s = gs_xcalloc(1, sizeof *s, "a pool actor");
        s->go = sg_sem_init(0);
        s->pool = p;
        s->index = p->nslots;
        s->grad = gs_xmalloc(p->gs->d * sizeof *s->grad, "a pool actor's gradient");
        p->slots[p->nslots++] = s;
        sgr_run_spawn(p->gs->run, "gossip-pool", p->gs->run->hosts[0], pool_main, s);
    }
    s->pm = pm;
    s->node = node;
    s->item = item;
    sg_sem_release(s->go);
}

/* Send a message: its transfer from the sender's host to the receiver's starts now, and it
 * waits at the receiver in send order; counted. Someone must then wait for it (land). */
static void send_item(gs_pmethod *pm, gs_item *it)
{
    gs_state *gs = pm->gs;
    double bytes = (double)(gs->d * sizeof(double));
    it->t_sent = simgrid_get_clock();
    it->comm = gs_transfer_start(node_host(gs, it->from), node_host(gs, it->to), bytes);
    item_post(pm, it);
    gs->messages++;
    trace_comm(gs, it->from, "send", it->to, it->t_sent, bytes);
}

/* Wait until a message has reached its receiver's host. */
static void land(gs_pmethod *pm, gs_item *it)
{
    gs_state *gs = pm->gs;
    sg_comm_wait(it->comm);
    it->comm = NULL;
    it->arrived = true;
    trace_comm(gs, it->to, "recv", it->from, it->t_sent, (double)(gs->d * sizeof(double)));
}

/* ---- what a node does ---- */

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

/* The consensus jump of node i by the edge's difference delta = v_initiator - v_responder
 * (v = y + z for DADAO, x for pairwise), sign +1 at the responder and -1 at the initiator
 * (the paper's jump, with the initiator's value as sent and the responder's on arrival). */
static void apply_gossip(gs_pmethod *pm, size_t i, const double *delta, double sign, double t_units)
{
    gs_state *gs = pm->gs;
    if (pm->dadao)
        sgr_dadao_gossip_half(&gs->dd, i, delta, sign, t_units);
    else
        sgr_pairwise_half(gs->dd.x + i * gs->d, delta, sign, gs->d);
}

/* A gradient tick: compute at x_i, on the node's host for its simulated time, then apply. */
static void on_gradient(gs_pool *p, gs_pmethod *pm, size_t i, double t_units, double *grad)
{
    gs_state *gs = pm->gs;
    size_t d = gs->d, h = i % gs->run->nhosts;
    double *x = gs->dd.x + i * d;
    if (pm->dadao)
        sgr_dadao_advance(&gs->dd, i, t_units);
    gs_local_grad(gs, i, x, grad, p->work);
    double flops = gs_grad_flops(gs, i), t0 = simgrid_get_clock();
    if (flops > 0) { /* as sgr_actor_compute: flops x straggle factor 1 / relative speed */
        sg_exec_t e = sg_actor_exec_init(flops * 1.0 / gs->run->speed[h]);
        sg_exec_set_host(e, gs->run->hosts[h]);
        sg_exec_wait(e);
    }
    trace_compute(gs, i, t0, flops, gs->run->speed[h] * sg_host_get_speed(gs->run->hosts[h]));
    if (method_over(pm)) /* the next method may already run on this state */
        return;
    if (pm->dadao)
        sgr_dadao_on_gradient(&gs->dd, i, grad);
    else
        sgr_gradient_step(x, grad, gs_base_step(gs, t_units), d);
    gs->grads++;
    sgr_event ev = {
        (simgrid_get_clock() - gs->t0) / gs->c->time_unit, SGR_EV_GRADIENT, i, 0, -1, 0};
    gs_log_event(gs, &ev);
}

/* A gossip tick for edge (i, j), drawn on the graph in force at the tick: send our value to
 * the other end. Returns the request to carry. */
static gs_item *on_gossip_tick(gs_pool *p, gs_pmethod *pm, const gs_item *tick, double t_units)
{
    gs_state *gs = pm->gs;
    size_t i = tick->to, j = tick->other;
    gs_item *req = item_new(p, IT_REQUEST, j, i);
    gossip_value(gs, i, t_units, pm->dadao, req->vec);
    send_item(pm, req);
    gs->gossips++;
    sgr_event ev = {t_units, SGR_EV_GOSSIP, i, j, (long)sgr_graph_seq_index(&gs->seq, t_units), 0};
    gs_log_event(gs, &ev);
    return req;
}

/* A request: delta = v_initiator (as sent) - v_self (now); move, reply delta. */
static gs_item *on_request(gs_pool *p, gs_pmethod *pm, const gs_item *m, double t_units)
{
    gs_state *gs = pm->gs;
    size_t i = m->to;
    gs_item *rep = item_new(p, IT_REPLY, m->from, i);
    gossip_value(gs, i, t_units, pm->dadao, p->buf);
    for (size_t k = 0; k < gs->d; k++)
        rep->vec[k] = m->vec[k] - p->buf[k];
    apply_gossip(pm, i, rep->vec, +1.0, t_units);
    send_item(pm, rep);
    sgr_event ev = {t_units, SGR_EV_GOSSIP_RECV, i, m->from, -1, 0};
    gs_log_event(gs, &ev);
    return rep;
}

/* The reply: the initiator's half of the jump. */
static void on_reply(gs_pmethod *pm, const gs_item *m, double t_units)
{
    apply_gossip(pm, m->to, m->vec, -1.0, t_units);
    sgr_event ev = {t_units, SGR_EV_GOSSIP_REPLY, m->to, m->from, -1, 0};
    gs_log_event(pm->gs, &ev);
}

static gs_item *handle(gs_pool *p, gs_pmethod *pm, const gs_item *it, gs_slot *s)
{
    gs_state *gs = pm->gs;
    double t_units = (simgrid_get_clock() - gs->t0) / gs->c->time_unit;
    switch (it->kind) {
    case IT_GRADIENT:
        on_gradient(p, pm, it->to, t_units, s->grad);
        return NULL;
    case IT_GOSSIP:
        return on_gossip_tick(p, pm, it, t_units);
    case IT_REQUEST:
        return on_request(p, pm, it, t_units);
    default:
        on_reply(pm, it, t_units);
        return NULL;
    }
}

/* Handle what node i can take now until nothing is left (an ended method's items are
 * dropped, as its absorbing node actors did). The messages sent on the way travel already;
 * waiting for them is handed to other pool actors as soon as the node has more to do, and
 * the last one is returned, for the caller to wait for itself. */
static gs_item *serve(gs_pool *p, gs_pmethod *pm, size_t i, gs_slot *s)
{
    gs_item *pending = NULL, *it;
    for (bool first = true;; first = false) {
        /* The node's actor took its next message once every completion of the instant was
         * done: let the pool actors woken by the same instant mark theirs first. */
        if (!first && head_in_flight(pm, i))
            sg_actor_yield();
        if (!(it = item_take(pm, i)))
            break;
        if (pending)
            pool_hand(p, pm, SIZE_MAX, pending);
        pending = method_over(pm) ? NULL : handle(p, pm, it, s);
        item_free(p, it);
    }
    pm->nodes[i].serving = false;
    return pending;
}

static void pool_main(int argc, char **argv)
{
    gs_slot *s = sgr_actor_data(argc, argv);
    gs_pool *p = s->pool;
    sg_actor_daemonize(sg_actor_self());
    for (;;) {
        sg_sem_acquire(s->go);
        gs_pmethod *pm = s->pm;
        gs_item *it = s->item;
        size_t node = s->node;
        for (;;) {
            if (it) { /* wait for it, then serve its receiver unless another actor does */
                land(pm, it);
                node = it->to;
                if (pm->nodes[node].serving)
                    break;
                pm->nodes[node].serving = true;
            }
            it = serve(p, pm, node, s);
            if (!it)
                break;
        }
        p->idle[p->nidle++] = s->index;
    }
}

/* ---- the clock ---- */

/* The Poisson clocks of all nodes and edges add up to one Poisson process of rate
 * (n + lambda_mix) per time unit: one clock actor draws it (or replays a log) and queues each
 * tick at its node, handing the node to a pool actor unless one serves it already. */
static void clock_main(int argc, char **argv)
{
    gs_pmethod *pm = sgr_actor_data(argc, argv);
    gs_state *gs = pm->gs;
    gsl_rng *rng = sgr_rng_new(gs->run->seed, "gossip-clock", pm->method);
    double t = 0;
    size_t pos = 0;
    sgr_event ev;
    sgr_run_trace_self(gs->run, 0, "gossip-clock");
    while (gs_next_event(gs, rng, &pos, t, &ev)) {
        t = ev.t;
        sg_actor_sleep_until(gs->t0 + t * gs->c->time_unit);
        if (method_over(pm))
            break;
        bool grad = ev.kind == SGR_EV_GRADIENT;
        gs_item *tick = item_new(gs->pool, grad ? IT_GRADIENT : IT_GOSSIP, ev.i, ev.i);
        tick->other = grad ? 0 : ev.j;
        tick->arrived = true;
        item_post(pm, tick);
        if (sgr_ctrace_sampled(gs->run->ctrace, ev.i, gs->n)) /* the ticks of traced nodes */
            sgr_ctrace_send(gs->run->ctrace, simgrid_get_clock(), "node", (long)ev.i, 0);
        if (!pm->nodes[ev.i].serving) {
            pm->nodes[ev.i].serving = true;
            pool_hand(gs->pool, pm, ev.i, NULL);
        }
    }
    gsl_rng_free(rng);
}

/* ---- set-up and tear-down ---- */

static gs_pool *pool_new(gs_state *gs)
{
    gs_pool *p = gs_xcalloc(1, sizeof *p, "the actor pool");
    p->gs = gs;
    p->item_size = sizeof(gs_item) + gs->d * sizeof(double);
    p->work = gs_xmalloc(sgr_model_work_size(&gs->wl->model, gs->maxrows) * sizeof *p->work + 1,
                         "the gradient's workspace");
    p->buf = gs_xmalloc(gs->d * sizeof *p->buf, "a gossip value");
    p->methods = gs_xcalloc(gs->c->nmethods, sizeof *p->methods, "the methods' nodes");
    return p;
}

/* Node i's inbox had ceil(sqrt(degree)) mailboxes (its degree in the graph's first version). */
static gs_pmethod *pmethod_new(gs_state *gs)
{
    gs_pmethod *pm = gs_xcalloc(1, sizeof *pm, "a method's nodes");
    pm->gs = gs;
    pm->method = gs->cur;
    pm->dadao = gs->c->methods[gs->cur] == M_DADAO;
    pm->nodes = gs_xcalloc(gs->n, sizeof *pm->nodes, "a method's nodes");
    size_t total = 0;
    for (size_t i = 0; i < gs->n; i++) {
        size_t deg = sgr_graph_degree(&gs->graph, i);
        pm->nodes[i].group0 = (uint32_t)total;
        pm->nodes[i].ngroups = (uint16_t)ceil(sqrt((double)(deg ? deg : 1)));
        total += pm->nodes[i].ngroups;
    }
    pm->head = gs_xcalloc(total, sizeof *pm->head, "the nodes' queues");
    pm->tail = gs_xcalloc(total, sizeof *pm->tail, "the nodes' queues");
    return pm;
}

void gs_pool_start(gs_state *gs)
{
    if (!gs->pool)
        gs->pool = pool_new(gs);
    gs_pmethod *pm = pmethod_new(gs);
    gs->pool->methods[gs->cur] = pm;
    trace_join_nodes(gs->pool);
    sgr_run_spawn(gs->run, "gossip-clock", gs->run->hosts[0], clock_main, pm);
}

size_t gs_pool_actors(const gs_state *gs)
{
    return gs->pool ? gs->pool->nslots : 0;
}

void gs_pool_free(gs_state *gs)
{
    gs_pool *p = gs->pool;
    if (!p)
        return;
    for (size_t k = 0; k < gs->c->nmethods; k++)
        if (p->methods[k]) {
            free(p->methods[k]->nodes);
            free(p->methods[k]->head);
            free(p->methods[k]->tail);
            free(p->methods[k]);
        }
    for (size_t k = 0; k < p->nslots; k++) {
        sg_sem_destroy(p->slots[k]->go);
        free(p->slots[k]->grad);
        free(p->slots[k]);
    }
    for (size_t k = 0; k < p->nchunks; k++)
        free(p->chunks[k]);
    free(p->chunks);
    free(p->slots);
    free(p->idle);
    free(p->work);
    free(p->buf);
    free(p->methods);
    free(p);
    gs->pool = NULL;
}
