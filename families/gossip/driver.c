/* The gossip family's driver: the methods run one after the other on the same graph and data,
 * measured at checkpoints; and the instant mode, where one scheduler applies the paper's event
 * process with no compute or network cost (Nabli & Oyallon, ICML 2023, section 3; as the
 * authors' run_optimizers.py:18-160 plays it). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <xbt/asserts.h>
#include <xbt/log.h>

#include "families/gossip/gossip.h"
#include "simgrad/network.h"
#include "simgrad/rng.h"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(sgr_gossip_run, simgrad, "gossip family: driver");

const char *const gs_method_names[] = {"dadao", "pairwise", "dsgd", "adom+"};
const double gs_eps_levels[GS_NEPS] = {1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8};

void *gs_xmalloc(size_t size, const char *what)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        xbt_die("simgrad: gossip: out of memory allocating %zu bytes for %s", size, what);
    return p;
}

void *gs_xcalloc(size_t count, size_t size, const char *what)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        xbt_die("simgrad: gossip: out of memory allocating %zu x %zu bytes for %s", count, size,
                what);
    return p;
}

const sgr_graph *gs_graph_at(const gs_state *gs, double t)
{
    return &gs->versions[sgr_graph_seq_index(&gs->seq, t)];
}

size_t gs_max_degree(const gs_state *gs, size_t i)
{
    size_t best = 1;
    for (size_t v = 0; v < gs->nversions; v++)
        if (sgr_graph_degree(&gs->versions[v], i) > best)
            best = sgr_graph_degree(&gs->versions[v], i);
    return best;
}

/* step/L, decaying as 1/(1 + t/step_decay) when set (constant steps stop at a distance set by
 * the data's heterogeneity; decaying ones go on). */
double gs_base_step(const gs_state *gs, double t)
{
    double eta = gs->c->step / gs->L;
    return gs->c->step_decay > 0 ? eta / (1.0 + t / gs->c->step_decay) : eta;
}

void gs_local_grad(gs_state *gs, size_t i, const double *x, double *grad, double *work)
{
    const sgr_dataset *p = &gs->wl->parts[i];
    sgr_model_loss_grad(&gs->wl->model, x, p->X, p->y, p->n, grad, work);
}

double gs_grad_flops(const gs_state *gs, size_t i)
{
    return sgr_model_grad_flops(&gs->wl->model, gs->wl->parts[i].n);
}

/* Measurement (not simulated, and not touching the state): the mean of |x_i - x*|^2. */
double gs_measure(gs_state *gs, double now_units)
{
    if (gs->c->methods[gs->cur] == M_DADAO && gs->c->measure == MEASURE_FLOW)
        return sgr_dadao_distance_at(&gs->dd, gs->xstar, now_units);
    return sgr_dadao_distance(&gs->dd, gs->xstar);
}

void gs_record(gs_state *gs, double t_units, double abs)
{
    method_result *r = &gs->res[gs->cur];
    double rel = abs / gs->d0;
    while (gs->next_eps < GS_NEPS && rel <= gs_eps_levels[gs->next_eps]) {
        r->t_eps[gs->next_eps] = t_units;
        r->g_eps[gs->next_eps] = (double)gs->grads;
        r->c_eps[gs->next_eps] = (double)gs->gossips;
        gs->next_eps++;
    }
    double row[] = {(double)gs->cur,
                    t_units,
                    simgrid_get_clock(),
                    (double)gs->grads,
                    (double)gs->gossips,
                    (double)gs->messages,
                    rel,
                    abs};
    sgr_metrics_row(gs->run->metrics, row);
    if (r->ts) {
        r->ts[r->npts] = t_units;
        r->rs[r->npts++] = rel;
    }
    r->final_rel = rel;
    r->final_abs = abs;
    if (rel <= gs->c->target)
        gs->stop = true;
    if (!isfinite(rel) && isnan(r->diverged_t)) { /* diverged: a result; the method ends here */
        r->diverged_t = t_units;
        gs->stop = true;
    }
}

void gs_log_event(gs_state *gs, const sgr_event *ev)
{
    if (!gs->events)
        return;
    double abs = gs_measure(gs, ev->t);
    /* simulated seconds of the event (instant mode only moves the clock at checkpoints) */
    double time_s = gs->t0 + ev->t * gs->c->time_unit;
    if (sgr_event_log_write(gs->events, gs_method_names[gs->c->methods[gs->cur]], ++gs->event_index,
                            ev, time_s, abs, abs / gs->d0) < 0)
        xbt_die("simgrad: gossip: cannot write events.csv");
}

bool gs_next_event(gs_state *gs, gsl_rng *rng, size_t *pos, double t, sgr_event *ev)
{
    if (gs->replay) {
        if (*pos >= gs->nreplay)
            return false;
        *ev = gs->replay[(*pos)++];
        if (ev->graph < 0 && ev->kind == SGR_EV_GOSSIP)
            ev->graph = (long)sgr_graph_seq_index(&gs->seq, ev->t);
        return true;
    }
    double total = (double)gs->n + gs->lambda_mix;
    ev->t = t + -log(1.0 - gsl_rng_uniform(rng)) / total;
    ev->line = 0;
    if (gsl_rng_uniform(rng) < (double)gs->n / total) {
        ev->kind = SGR_EV_GRADIENT;
        ev->i = gsl_rng_uniform_int(rng, gs->n);
        ev->j = 0;
        ev->graph = -1;
    } else {
        size_t v = sgr_graph_seq_index(&gs->seq, ev->t);
        const sgr_graph *g = &gs->versions[v];
        size_t e =
            gs->edge_pick ? gsl_ran_discrete(rng, gs->edge_pick) : gsl_rng_uniform_int(rng, g->m);
        ev->kind = SGR_EV_GOSSIP;
        ev->i = g->edge_u[e];
        ev->j = g->edge_v[e];
        ev->graph = (long)v;
    }
    return true;
}

/* ---- instant mode ---- */

static void instant_gradient(gs_state *gs, size_t i, double t, double *grad, double *work)
{
    double *x = gs->dd.x + i * gs->d;
    bool dadao = gs->c->methods[gs->cur] == M_DADAO;
    if (dadao)
        sgr_dadao_advance(&gs->dd, i, t);
    gs_local_grad(gs, i, x, grad, work);
    if (dadao)
        sgr_dadao_on_gradient(&gs->dd, i, grad);
    else
        sgr_gradient_step(x, grad, gs_base_step(gs, t), gs->d);
    gs->grads++;
}

static void instant_gossip(gs_state *gs, size_t i, size_t j, double t)
{
    if (gs->c->methods[gs->cur] == M_DADAO)
        sgr_dadao_on_gossip(&gs->dd, i, j, t);
    else
        sgr_pairwise_average(gs->dd.x + i * gs->d, gs->dd.x + j * gs->d, gs->d);
    gs->gossips++;
    gs->messages += 2;
}

/* One event of the paper's process (drawn or replayed), applied at its time. */
static void instant_event(gs_state *gs, const sgr_event *ev, double *grad, double *work)
{
    if (ev->kind == SGR_EV_GRADIENT)
        instant_gradient(gs, ev->i, ev->t, grad, work);
    else
        instant_gossip(gs, ev->i, ev->j, ev->t);
    gs_log_event(gs, ev);
}

/* One synchronous D-SGD round: x_i <- sum_j W_ij x_j - step/L grad f_i(x_i), W Metropolis. */
static void dsgd_round(gs_state *gs, double t, double *grad, double *work)
{
    size_t d = gs->d;
    const sgr_graph *g = gs_graph_at(gs, t);
    for (size_t i = 0; i < gs->n; i++) {
        double *out = gs->xnext + i * d, self;
        const double *xi = gs->dd.x + i * d;
        sgr_dsgd_mix_row(g, i, gs->dd.x, d, out, &self);
        gs_local_grad(gs, i, xi, grad, work);
        sgr_dsgd_finish_row(out, xi, self, grad, gs_base_step(gs, t), d);
    }
    memcpy(gs->dd.x, gs->xnext, gs->n * d * sizeof *gs->xnext);
    gs->grads += gs->n;
    gs->gossips += g->m;
    gs->messages += 2 * g->m;
}

/* One synchronous ADOM+ iteration: every node's gradient at its x_g, then the exchange. */
static void adom_round(gs_state *gs, double t, double *work)
{
    size_t d = gs->d;
    const sgr_graph *g = gs_graph_at(gs, t);
    for (size_t i = 0; i < gs->n; i++) {
        const double *xg = sgr_adom_grad_point(&gs->adom, i, gs->dd.x);
        gs_local_grad(gs, i, xg, gs->adom.g + i * d, work);
    }
    sgr_adom_round_finish(&gs->adom, g, gs->dd.x);
    gs->grads += gs->n;
    gs->gossips += g->m * gs->adom.steps;
    gs->messages += 2 * g->m * gs->adom.steps;
}

static void run_instant(gs_state *gs)
{
    double *grad = gs_xmalloc(gs->d * sizeof *grad, "a gradient");
    double *work = gs_xmalloc(sgr_model_work_size(&gs->wl->model, gs->maxrows) * sizeof *work,
                              "the gradient's workspace");
    gsl_rng *rng = sgr_rng_new(gs->run->seed, "gossip-events", gs->cur);
    double dt_check = gs->c->duration / (double)gs->c->checkpoints, next_check = dt_check;
    double t = 0, start = gs->t0;
    size_t pos = 0;
    method_kind m = gs->c->methods[gs->cur];
    gs_record(gs, 0, gs_measure(gs, 0));
    while (!gs->stop && t < gs->c->duration && !sgr_run_interrupted()) {
        if (m == M_DSGD || m == M_ADOM) {
            /* a round per time unit: n gradients, as the Poisson methods take per unit */
            if (m == M_DSGD)
                dsgd_round(gs, t, grad, work);
            else
                adom_round(gs, t, work);
            t += 1.0;
        } else {
            sgr_event ev;
            if (!gs_next_event(gs, rng, &pos, t, &ev))
                break; /* the replayed log is over */
            t = ev.t;
            instant_event(gs, &ev, grad, work);
        }
        if (t >= next_check) {
            sg_actor_sleep_until(start + t * gs->c->time_unit);
            gs_record(gs, t, gs_measure(gs, t));
            sgr_progress_update(&gs->run->progress, gs_method_names[m], t, gs->c->duration,
                                simgrid_get_clock());
            while (next_check <= t)
                next_check += dt_check;
        }
    }
    gs->res[gs->cur].sim_seconds = simgrid_get_clock() - start;
    gsl_rng_free(rng);
    free(grad);
    free(work);
}

/* ---- the driver ---- */

/* Fresh state for method k: every node at the start point, the counters at zero. */
static int method_begin(gs_state *gs, size_t k, sgr_err *err)
{
    gs->cur = k;
    gs->res[k].kind = gs->c->methods[k];
    gs->res[k].diverged_t = NAN;
    for (int e = 0; e < GS_NEPS; e++)
        gs->res[k].t_eps[e] = gs->res[k].g_eps[e] = gs->res[k].c_eps[e] = NAN;
    sgr_dadao_free(&gs->dd);
    if (sgr_dadao_init(&gs->dd, gs->n, gs->d, gs->mu, gs->L, gs->gc.chi1, gs->lambda_mix, gs->x0,
                       err) < 0)
        return -1;
    if (gs->c->methods[k] == M_ADOM) {
        sgr_adom_free(&gs->adom);
        gsl_rng *rng = sgr_rng_new(gs->run->seed, "adom-init", 0);
        int rc = sgr_adom_init(&gs->adom, gs->n, gs->d, gs->mu, gs->L, gs->gc.lambda2,
                               gs->gc.lambda_max, gs->c->multi_consensus, gs->dd.x, rng, err);
        gsl_rng_free(rng);
        if (rc < 0)
            return -1;
    }
    gs->d0 = sgr_dadao_distance(&gs->dd, gs->xstar);
    gs->grads = gs->gossips = gs->messages = 0;
    gs->next_eps = 0;
    gs->stop = false;
    gs->t0 = simgrid_get_clock();
    return 0;
}

void gs_driver_main(int argc, char **argv)
{
    gs_state *gs = sgr_actor_data(argc, argv);
    gs_node **old = gs_xcalloc(gs->c->nmethods, sizeof *old, "the methods' node arrays");
    sgr_run_trace_self(gs->run, 0, "gossip-driver");
    for (size_t k = 0; k < gs->c->nmethods && !sgr_run_interrupted(); k++) {
        sgr_err err;
        if (method_begin(gs, k, &err) < 0) {
            XBT_ERROR("%s: %s", gs_method_names[gs->c->methods[k]], err.msg);
            break;
        }
        if (gs->c->instant) {
            run_instant(gs);
        } else {
            if (gs_start_nodes(gs) < 0)
                xbt_die("simgrad: gossip: out of memory starting the nodes of %s",
                        gs_method_names[gs->c->methods[k]]);
            gs_monitor(gs);
            gs_stop_nodes(gs);
            old[k] = gs->nodes;
            gs->nodes = NULL;
        }
        gs->res[k].grads = gs->grads;
        gs->res[k].gossips = gs->gossips;
        gs->res[k].messages = gs->messages;
    }
    /* the node state of finished methods lives until the end: late messages name it */
    gs->old_nodes = old;
    sgr_network_quiesce(); /* packet level: messages in flight land before the nodes die */
}
