/* The gossip family: n nodes on a logical graph jointly minimise sum_i f_i with DADAO
 * (Nabli & Oyallon, ICML 2023) and baselines, side by side on the same graph and data:
 *   dadao     gradient events from a Poisson process of rate 1 per node, gossip events on
 *             edges at total rate lambda_mix = sqrt(2 chi1 chi2), the flow between events
 *             integrated exactly (algorithms/dadao.c);
 *   pairwise  randomized pairwise gossip (average the two ends) with local gradient steps,
 *             on the same Poisson clocks;
 *   dsgd      synchronous decentralized gradient descent with Metropolis weights.
 * Time is counted in units of `time_unit` seconds. With `instant`, events are applied
 * instantly as in the paper (one scheduler, no compute or network cost), for validation
 * against the analysis; otherwise every node is an actor on its host, a gradient costs its
 * flops there, and a gossip is a request and a reply of the needed vectors over the network,
 * each end updating when the other's message arrives. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/engine.h>
#include <simgrid/mailbox.h>
#include <xbt/log.h>

#include <cblas.h>
#define __GSL_CBLAS_H__ /* gsl_randist.h would pull GSL's CBLAS, which clashes with OpenBLAS */
#include <gsl/gsl_randist.h>
#include <lapacke.h>

#include "simgrad/dadao.h"
#include "simgrad/graph_theory.h"
#include "simgrad/inbox.h"
#include "simgrad/optimum.h"
#include "simgrad/rng.h"
#include "simgrad/network.h"
#include "simgrad/run.h"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(sgr_gossip, simgrad, "gossip family");

#define ANY -INFINITY, INFINITY
#define MAX_METHODS 4
#define NEPS 7

static const sgr_key gossip_keys[] = {
    {"algorithm.methods", SGR_T_STR, "\"dadao,pairwise,dsgd\"", ANY, NULL, NULL,
     "Comma-separated methods run one after the other: dadao, pairwise, dsgd, adom+."},
    {"algorithm.instant", SGR_T_BOOL, "false", ANY, NULL, NULL,
     "Apply events instantly as in the paper (no compute or network cost)."},
    {"algorithm.time_unit", SGR_T_TIME, "\"10ms\"", 1e-12, INFINITY, NULL, NULL,
     "Seconds per unit of the algorithms' time (gradient events come at rate 1 per node per "
     "unit)."},
    {"algorithm.duration", SGR_T_NUM, "100", 1e-9, INFINITY, NULL, NULL,
     "Longest run, in time units."},
    {"algorithm.target", SGR_T_NUM, "1e-8", 0, 1, NULL, NULL,
     "Stop a method once its mean |x_i - x*|^2 falls below this fraction of the initial one."},
    {"algorithm.lambda_mix", SGR_T_NUM, "0", 0, INFINITY, NULL, NULL,
     "Total gossip rate per time unit (0: sqrt(2 chi1 chi2) as published)."},
    {"algorithm.step", SGR_T_NUM, "0.5", 1e-12, 2, NULL, NULL,
     "pairwise and dsgd: gradient step in units of 1/L."},
    {"algorithm.step_decay", SGR_T_NUM, "0", 0, INFINITY, NULL, NULL,
     "pairwise and dsgd: the step decays as 1/(1 + t/step_decay) (time units; 0: constant)."},
    {"algorithm.checkpoints", SGR_T_INT, "200", 10, 1e6, NULL, NULL,
     "Metric rows per method (evenly spaced in time)."},
    {"algorithm.edge_rates", SGR_T_PATH, NULL, ANY, NULL, NULL,
     "Per-edge gossip rates (events per time unit), one positive number per line in edge order "
     "(u < v, sorted); replaces the uniform lambda_mix/|E|. DADAO's chi1* then comes from the "
     "rate-weighted Laplacian (dense, up to dense_max nodes)."},
    {"algorithm.multi_consensus", SGR_T_BOOL, "true", ANY, NULL, NULL,
     "adom+: ceil(chi ln 2) gossip steps per iteration (chi = lambda_max/lambda_2), as in the "
     "paper's comparison; false: one."},
    {"algorithm.dense_max", SGR_T_INT, "3000", 0, 1e6, NULL, NULL,
     "Graph constants by dense linear algebra up to this many nodes, iterative beyond."},
    {NULL, 0, NULL, ANY, NULL, NULL, NULL},
};

typedef enum { M_DADAO, M_PAIRWISE, M_DSGD, M_ADOM } method_kind;
static const char *const method_names[] = {"dadao", "pairwise", "dsgd", "adom+"};

typedef struct gs_state gs_state;

typedef struct gs_node gs_node;
struct gs_node {
    gs_state *gs;
    gs_node *peers; /* this method's nodes (the driver's array moves on to the next method) */
    size_t id, host, method;
    sgr_inbox *inbox;
    double *grad, *work, *msg_buf;
};

typedef struct gs_msg {
    int kind; /* 0 request, 1 reply, 2 synchronous state, 3 gradient tick, 4 gossip tick */
    size_t from;
    long round;   /* synchronous round; for a gossip tick, the edge */
    double vec[]; /* d values */
} gs_msg;

typedef struct method_result {
    method_kind kind;
    double t_eps[NEPS], g_eps[NEPS], c_eps[NEPS]; /* time units, gradients, gossips at eps */
    double final_rel, rate, sim_seconds;
    unsigned long grads, gossips, messages;
    double *ts, *rs; /* the error curve: time units, relative error */
    size_t npts;
} method_result;

struct gs_state {
    sgr_run *run;
    sgr_graph graph;     /* version 0 */
    sgr_graph *versions; /* nversions graphs switched every switch_every; [0] is `graph` */
    size_t nversions;
    double switch_every;
    char *graph_path;
    size_t n, d, nmethods, cur;
    method_kind methods[MAX_METHODS];
    method_result res[MAX_METHODS];
    bool instant, stop;
    double tau, duration, target, step, step_decay, lambda_mix;
    long ncheck;
    sgr_graph_constants gc;
    double mu, L;
    double *xstar;
    /* the method being run */
    sgr_dadao dd;                  /* DADAO's state (x is dd.x); the baselines use dd.x too */
    double *xnext;                 /* dsgd */
    double *edge_rate;             /* per-edge gossip rates, or NULL (uniform) */
    double rate_condition;         /* 2 chi1* chi2* of the edge rates (<= 1: DADAO's condition) */
    gsl_ran_discrete_t *edge_pick; /* instant: edges drawn in proportion to their rates */
    /* adom+ (Kovalev et al.), as in the DADAO authors' comparison code */
    double *aY, *aZ, *aM, *aXf, *aYf, *aZf, *aXg, *aG, *aU, *aS, *aZg;
    double a_tau1, a_tau2, a_sigma1, a_sigma2, a_eta, a_alpha, a_beta, a_delta, a_nu, a_gamma,
        a_theta, a_zeta, a_lmax;
    size_t a_steps; /* gossip steps per iteration (multi-consensus) */
    double d0, t0;
    unsigned long grads, gossips, messages;
    size_t next_eps;
    gs_node *nodes;
    gs_node **old_nodes;
    sgr_workload *wl;
    size_t maxrows;
};

static const double eps_levels[NEPS] = {1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8};

static size_t node_host(const gs_state *gs, size_t i)
{
    return i % gs->run->nhosts;
}

/* The graph in force at time t (Poisson methods) or in round r (synchronous ones). */
static const sgr_graph *graph_at(const gs_state *gs, double t)
{
    size_t v = (size_t)floor(t / gs->switch_every) % gs->nversions;
    return &gs->versions[v];
}

static size_t max_degree(const gs_state *gs, size_t i)
{
    size_t best = 1;
    for (size_t v = 0; v < gs->nversions; v++)
        if (sgr_graph_degree(&gs->versions[v], i) > best)
            best = sgr_graph_degree(&gs->versions[v], i);
    return best;
}

/* The baselines' gradient step at time t: step/L, decaying as 1/(1 + t/step_decay) when set
 * (constant steps stop at a distance set by the data's heterogeneity; decaying ones go on). */
static double base_step(const gs_state *gs, double t)
{
    double eta = gs->step / gs->L;
    return gs->step_decay > 0 ? eta / (1.0 + t / gs->step_decay) : eta;
}

/* Local gradient of f_i at x (whole local data). */
static void local_grad(gs_state *gs, size_t i, const double *x, double *grad, double *work)
{
    const sgr_dataset *p = &gs->wl->parts[i];
    sgr_model_loss_grad(&gs->wl->model, x, p->X, p->y, p->n, grad, work);
}

static double grad_flops(const gs_state *gs, size_t i)
{
    return sgr_model_grad_flops(&gs->wl->model, gs->wl->parts[i].n);
}

/* Measurement (not simulated): advance every node's flow to now and take the distance. */
static double measure(gs_state *gs, double now_units)
{
    if (gs->methods[gs->cur] == M_DADAO)
        for (size_t i = 0; i < gs->n; i++)
            sgr_dadao_advance(&gs->dd, i, now_units);
    return sgr_dadao_distance(&gs->dd, gs->xstar) / gs->d0;
}

static void record(gs_state *gs, double t_units, double rel)
{
    method_result *r = &gs->res[gs->cur];
    while (gs->next_eps < NEPS && rel <= eps_levels[gs->next_eps]) {
        r->t_eps[gs->next_eps] = t_units;
        r->g_eps[gs->next_eps] = (double)gs->grads;
        r->c_eps[gs->next_eps] = (double)gs->gossips;
        gs->next_eps++;
    }
    double row[] = {
        (double)gs->cur,      t_units, simgrid_get_clock(), (double)gs->grads, (double)gs->gossips,
        (double)gs->messages, rel};
    sgr_metrics_row(gs->run->metrics, row);
    if (r->ts) {
        r->ts[r->npts] = t_units;
        r->rs[r->npts++] = rel;
    }
    r->final_rel = rel;
    if (rel <= gs->target)
        gs->stop = true;
}

/* ---- instant mode: the paper's event process, applied by one scheduler ---- */

static void instant_event(gs_state *gs, double t, gsl_rng *rng, double *grad, double *work)
{
    method_kind m = gs->methods[gs->cur];
    double total = (double)gs->n + gs->lambda_mix;
    size_t d = gs->d;
    if (gsl_rng_uniform(rng) < (double)gs->n / total) {
        size_t i = gsl_rng_uniform_int(rng, gs->n);
        double *x = gs->dd.x + i * d;
        if (m == M_DADAO)
            sgr_dadao_advance(&gs->dd, i, t);
        local_grad(gs, i, x, grad, work);
        if (m == M_DADAO)
            sgr_dadao_on_gradient(&gs->dd, i, grad);
        else
            for (size_t k = 0; k < d; k++)
                x[k] -= base_step(gs, t) * grad[k];
        gs->grads++;
    } else {
        const sgr_graph *g = graph_at(gs, t);
        size_t e =
            gs->edge_pick ? gsl_ran_discrete(rng, gs->edge_pick) : gsl_rng_uniform_int(rng, g->m);
        size_t i = g->edge_u[e], j = g->edge_v[e];
        if (m == M_DADAO) {
            sgr_dadao_on_gossip(&gs->dd, i, j, t);
        } else {
            double *xi = gs->dd.x + i * d, *xj = gs->dd.x + j * d;
            for (size_t k = 0; k < d; k++)
                xi[k] = xj[k] = 0.5 * (xi[k] + xj[k]);
        }
        gs->gossips++;
        gs->messages += 2;
    }
}

/* One synchronous D-SGD round: x_i <- sum_j W_ij x_j - step/L grad f_i(x_i), W Metropolis. */
static void dsgd_round(gs_state *gs, double t, double *grad, double *work)
{
    size_t d = gs->d;
    const sgr_graph *g = graph_at(gs, t);
    for (size_t i = 0; i < gs->n; i++) {
        double *out = gs->xnext + i * d;
        const double *xi = gs->dd.x + i * d;
        size_t di = sgr_graph_degree(g, i);
        double self = 1.0;
        memset(out, 0, d * sizeof *out);
        for (size_t k = g->offset[i]; k < g->offset[i + 1]; k++) {
            size_t j = g->adj[k], dj = sgr_graph_degree(g, j);
            double w = 1.0 / (1.0 + (double)(di > dj ? di : dj));
            self -= w;
            for (size_t c = 0; c < d; c++)
                out[c] += w * gs->dd.x[j * d + c];
        }
        local_grad(gs, i, xi, grad, work);
        for (size_t c = 0; c < d; c++)
            out[c] += self * xi[c] - base_step(gs, t) * grad[c];
    }
    memcpy(gs->dd.x, gs->xnext, gs->n * d * sizeof *gs->xnext);
    gs->grads += gs->n;
    gs->gossips += g->m;
    gs->messages += 2 * g->m;
}

/* ---- ADOM+ (Kovalev et al., NeurIPS 2021), the accelerated synchronous baseline, with the
 * constants of the DADAO authors' implementation; gossip matrix W = I - L / lambda_max ---- */

static int adom_init(gs_state *gs, sgr_err *err)
{
    size_t nd = gs->n * gs->d;
    double **arrays[] = {&gs->aY,  &gs->aZ, &gs->aM, &gs->aXf, &gs->aYf, &gs->aZf,
                         &gs->aXg, &gs->aG, &gs->aU, &gs->aS,  &gs->aZg};
    for (size_t k = 0; k < sizeof arrays / sizeof *arrays; k++) {
        free(*arrays[k]);
        *arrays[k] = calloc(nd, sizeof(double));
        if (!*arrays[k])
            return sgr_fail(err, "out of memory");
    }
    double mu = gs->mu, L = gs->L, chi = gs->gc.lambda_max / gs->gc.lambda2;
    gs->a_lmax = gs->gc.lambda_max;
    gs->a_steps = 1;
    if (sgr_scn_bool(gs->run->scn, "algorithm.multi_consensus")) {
        /* W^q with q = ceil(chi ln 2) has an effective chi of about 2 (Kovalev et al., eq. 20) */
        size_t q = (size_t)ceil(chi * log(2.0));
        if (q > 1) {
            gs->a_steps = q;
            chi = 2.0;
        }
    }
    gs->a_tau1 = 1.0 / (sqrt(L / mu) + 0.5);
    gs->a_tau2 = sqrt(mu / L);
    gs->a_sigma2 = gs->a_tau2 / (16.0 * chi);
    gs->a_sigma1 = 1.0 / (1.0 / gs->a_sigma2 + 0.5);
    gs->a_eta = 1.0 / (L * gs->a_tau2);
    gs->a_alpha = mu / 2.0;
    gs->a_beta = 1.0 / (2.0 * L);
    gs->a_delta = 1.0 / (17.0 * L);
    gs->a_nu = mu / 2.0;
    gs->a_gamma = gs->a_nu / (14.0 * gs->a_sigma2 * chi * chi);
    gs->a_theta = gs->a_nu / (4.0 * gs->a_sigma2);
    gs->a_zeta = 0.5;
    /* x = 0 (as every method here), y and m drawn at random as in the reference code */
    gsl_rng *rng = sgr_rng_new(gs->run->seed, "adom-init", 0);
    for (size_t k = 0; k < nd; k++) {
        gs->aY[k] = gsl_rng_uniform(rng) - 0.5;
        gs->aM[k] = gsl_rng_uniform(rng) - 0.5;
    }
    gsl_rng_free(rng);
    memcpy(gs->aYf, gs->aY, nd * sizeof(double));
    memcpy(gs->aXf, gs->dd.x, nd * sizeof(double));
    return 0;
}

/* Node i's part before the exchange: X_g, its gradient, Y_g + Z_g, and what it sends,
 * u = gamma/nu (Y_g + Z_g) + M and s = Y_g + Z_g. */
static void adom_pre(gs_state *gs, size_t i, double *work)
{
    size_t d = gs->d, o = i * d;
    const double *x = gs->dd.x + o;
    for (size_t k = 0; k < d; k++)
        gs->aXg[o + k] = gs->a_tau1 * x[k] + (1.0 - gs->a_tau1) * gs->aXf[o + k];
    local_grad(gs, i, gs->aXg + o, gs->aG + o, work);
    for (size_t k = 0; k < d; k++) {
        double yg = gs->a_sigma1 * gs->aY[o + k] + (1.0 - gs->a_sigma1) * gs->aYf[o + k];
        double zg = gs->a_sigma1 * gs->aZ[o + k] + (1.0 - gs->a_sigma1) * gs->aZf[o + k];
        gs->aS[o + k] = yg + zg;
        gs->aU[o + k] = gs->a_gamma / gs->a_nu * (yg + zg) + gs->aM[o + k];
        gs->aZg[o + k] = zg; /* for adom_post */
    }
}

/* Node i's part after the exchange, Lu = (L u)_i and Ls = (L s)_i. */
static void adom_post(gs_state *gs, size_t i, const double *Lu, const double *Ls)
{
    size_t d = gs->d, o = i * d;
    double *x = gs->dd.x + o;
    double eta = gs->a_eta, al = gs->a_alpha, th = gs->a_theta, be = gs->a_beta, nu = gs->a_nu;
    double c1 = (1 + eta * al) / ((1 + th * be) * (1 + eta * al) + th * eta);
    double c2 = th * be + eta * (th / (1 + eta * al));
    double c3 = th * (be * nu + eta * (nu + al) / (1 + eta * al));
    double c4 = th / (1 + eta * al), c5 = 1 / (1 + eta * al);
    for (size_t k = 0; k < d; k++) {
        double xg = gs->aXg[o + k], g = gs->aG[o + k], s = gs->aS[o + k];
        double zg = gs->aZg[o + k];
        double yg = s - zg;
        double ynew = c1 * (gs->aY[o + k] + g * c2 - xg * c3 - x[k] * c4 - (th / nu) * (yg + zg));
        double xnew = c5 * (x[k] + eta * al * xg - eta * (g - nu * xg - ynew));
        double lu = Lu[k] / gs->a_lmax, ls = Ls[k] / gs->a_lmax;
        double znew = gs->aZ[o + k] + gs->a_gamma * gs->a_delta * (zg - gs->aZ[o + k]) - lu;
        double mnew = gs->aU[o + k] - lu;
        gs->aXf[o + k] = xg + gs->a_tau2 * (xnew - x[k]);
        gs->aYf[o + k] = yg + gs->a_sigma2 * (ynew - gs->aY[o + k]);
        gs->aZf[o + k] = zg - gs->a_zeta * ls;
        gs->aY[o + k] = ynew;
        x[k] = xnew;
        gs->aZ[o + k] = znew;
        gs->aM[o + k] = mnew;
    }
}

/* (L v)_i = deg_i v_i - sum_j v_j */
static void laplacian_row(const gs_state *gs, const sgr_graph *g, size_t i, const double *v,
                          double *out)
{
    size_t d = gs->d, deg = sgr_graph_degree(g, i);
    for (size_t k = 0; k < d; k++)
        out[k] = (double)deg * v[i * d + k];
    for (size_t e = g->offset[i]; e < g->offset[i + 1]; e++)
        for (size_t k = 0; k < d; k++)
            out[k] -= v[g->adj[e] * d + k];
}

/* (I - W^q) v for every node, W = I - L / lambda_max: q Laplacian applications. */
static void adom_mix(gs_state *gs, const sgr_graph *g, const double *v, double *out)
{
    size_t nd = gs->n * gs->d, d = gs->d;
    double *cur = malloc(nd * sizeof *cur), *lv = malloc(d * sizeof *lv);
    double *next = malloc(nd * sizeof *next);
    memcpy(cur, v, nd * sizeof *cur);
    for (size_t q = 0; q < gs->a_steps; q++) {
        for (size_t i = 0; i < gs->n; i++) {
            laplacian_row(gs, g, i, cur, lv);
            for (size_t k = 0; k < d; k++)
                next[i * d + k] = cur[i * d + k] - lv[k] / gs->a_lmax;
        }
        memcpy(cur, next, nd * sizeof *cur);
    }
    /* adom_post divides by lambda_max: hand it lambda_max (v - W^q v) */
    for (size_t k = 0; k < nd; k++)
        out[k] = (v[k] - cur[k]) * gs->a_lmax;
    free(cur);
    free(next);
    free(lv);
}

static void adom_round(gs_state *gs, double t, double *work)
{
    size_t d = gs->d, nd = gs->n * d;
    const sgr_graph *g = graph_at(gs, t);
    for (size_t i = 0; i < gs->n; i++)
        adom_pre(gs, i, work);
    double *Lu = malloc(nd * sizeof *Lu), *Ls = malloc(nd * sizeof *Ls);
    adom_mix(gs, g, gs->aU, Lu);
    adom_mix(gs, g, gs->aS, Ls);
    for (size_t i = 0; i < gs->n; i++)
        adom_post(gs, i, Lu + i * d, Ls + i * d);
    free(Lu);
    free(Ls);
    gs->grads += gs->n;
    gs->gossips += g->m * gs->a_steps;
    gs->messages += 2 * g->m * gs->a_steps;
}

static void run_instant(gs_state *gs)
{
    double *grad = malloc(gs->d * sizeof *grad);
    double *work = malloc(sgr_model_work_size(&gs->wl->model, gs->maxrows) * sizeof *work);
    gsl_rng *rng = sgr_rng_new(gs->run->seed, "gossip-events", gs->cur);
    double dt_check = gs->duration / (double)gs->ncheck, next_check = dt_check;
    double t = 0, start = gs->t0;
    double total = (double)gs->n + gs->lambda_mix;
    record(gs, 0, 1.0);
    while (!gs->stop && t < gs->duration && !sgr_run_interrupted()) {
        if (gs->methods[gs->cur] == M_DSGD || gs->methods[gs->cur] == M_ADOM) {
            /* a round per time unit: n gradients, as the Poisson methods take per unit */
            if (gs->methods[gs->cur] == M_DSGD)
                dsgd_round(gs, t, grad, work);
            else
                adom_round(gs, t, work);
            t += 1.0;
        } else {
            t += -log(1.0 - gsl_rng_uniform(rng)) / total;
            instant_event(gs, t, rng, grad, work);
        }
        if (t >= next_check) {
            sg_actor_sleep_until(start + t * gs->tau);
            record(gs, t, measure(gs, t));
            sgr_progress_update(&gs->run->progress, method_names[gs->methods[gs->cur]], t,
                                gs->duration, simgrid_get_clock());
            while (next_check <= t)
                next_check += dt_check;
        }
    }
    gs->res[gs->cur].sim_seconds = simgrid_get_clock() - start;
    gsl_rng_free(rng);
    free(grad);
    free(work);
}

/* ---- networked mode: one actor per node ---- */

static double exp_draw(gsl_rng *rng, double rate)
{
    return -log(1.0 - gsl_rng_uniform(rng)) / rate;
}

static void send_vecs(gs_node *nd, size_t to, int kind, long round, const double *v,
                      const double *v2)
{
    gs_state *gs = nd->gs;
    size_t from = nd->id;
    size_t len = v2 ? 2 * gs->d : gs->d;
    gs_msg *m = malloc(sizeof *m + len * sizeof(double));
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

/* (y + z) of node i, what DADAO's gossip sends */
static void dadao_message(const gs_state *gs, size_t i, double *out)
{
    size_t d = gs->d;
    for (size_t k = 0; k < d; k++)
        out[k] = gs->dd.y[i * d + k] + gs->dd.z[i * d + k];
}

/* The consensus jump of node i by the edge's difference delta = v_initiator - v_responder
 * (v = y + z for DADAO, x for pairwise), with sign +1 at the responder and -1 at the
 * initiator: both ends move by the same amount in opposite directions, so the sum over nodes
 * is conserved exactly even though the two ends act at different times (the paper's jump,
 * with the initiator's value as sent and the responder's as it is on arrival). */
static void apply_gossip(gs_state *gs, size_t i, const double *delta, double sign, double t_units)
{
    size_t d = gs->d;
    if (gs->methods[gs->cur] == M_DADAO) {
        sgr_dadao_advance(&gs->dd, i, t_units);
        double *z = gs->dd.z + i * d, *zt = gs->dd.zt + i * d;
        for (size_t k = 0; k < d; k++) {
            z[k] += sign * gs->dd.beta * delta[k];
            zt[k] += sign * gs->dd.beta_t * delta[k];
        }
    } else {
        double *x = gs->dd.x + i * d;
        for (size_t k = 0; k < d; k++)
            x[k] += sign * 0.5 * delta[k];
    }
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
    gs_msg *m = malloc(sizeof *m);
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
    size_t method = gs->cur;
    gs_node *peers = gs->nodes;
    gsl_rng *rng = sgr_rng_new(gs->run->seed, "gossip-clock", method);
    double total = (double)gs->n + gs->lambda_mix; /* events per time unit */
    double t = 0;
    sgr_run_trace_self(gs->run, 0, "gossip-clock");
    for (;;) {
        t += exp_draw(rng, total);
        sg_actor_sleep_until(gs->t0 + t * gs->tau);
        if (gs->cur != method || gs->stop)
            break;
        if (gsl_rng_uniform(rng) < (double)gs->n / total) {
            send_tick(gs, peers, gsl_rng_uniform_int(rng, gs->n), 3, 0);
        } else {
            const sgr_graph *g = graph_at(gs, t);
            size_t e = gs->edge_pick ? gsl_ran_discrete(rng, gs->edge_pick)
                                     : gsl_rng_uniform_int(rng, g->m);
            send_tick(gs, peers, g->edge_u[e], 4, (long)e);
        }
    }
    gsl_rng_free(rng);
}

static void poisson_node_main(int argc, char **argv)
{
    gs_node *nd = sgr_actor_data(argc, argv);
    gs_state *gs = nd->gs;
    size_t i = nd->id, d = gs->d;
    bool dadao = gs->methods[gs->cur] == M_DADAO;
    sg_actor_daemonize(sg_actor_self());
    sgr_inbox_start(nd->inbox);
    if (sgr_ctrace_sampled(gs->run->ctrace, i, gs->n))
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
        double t_units = (simgrid_get_clock() - gs->t0) / gs->tau;
        if (m->kind == 3) {
            free(m);
            double *x = gs->dd.x + i * d;
            if (dadao)
                sgr_dadao_advance(&gs->dd, i, t_units);
            local_grad(gs, i, x, nd->grad, nd->work);
            sgr_run_compute(gs->run, grad_flops(gs, i), gs->run->speed[nd->host], NULL);
            if (method_over(nd))
                absorb_forever(nd);
            if (dadao)
                sgr_dadao_on_gradient(&gs->dd, i, nd->grad);
            else
                for (size_t k = 0; k < d; k++)
                    x[k] -= base_step(gs, t_units) * nd->grad[k];
            gs->grads++;
            continue;
        }
        if (m->kind == 4) {
            /* initiate the gossip on edge m->round of the graph in force */
            const sgr_graph *g = graph_at(gs, t_units);
            size_t e = (size_t)m->round;
            free(m);
            if (e >= g->m)
                continue; /* the graph switched between the tick and now */
            size_t j = g->edge_u[e] == i ? g->edge_v[e] : g->edge_u[e];
            if (dadao) {
                sgr_dadao_advance(&gs->dd, i, t_units);
                dadao_message(gs, i, nd->msg_buf);
            } else {
                memcpy(nd->msg_buf, gs->dd.x + i * d, d * sizeof(double));
            }
            send_vec(nd, j, 0, 0, nd->msg_buf);
            gs->gossips++;
            continue;
        }
        {
            if (m->kind == 0) {
                /* responder: delta = v_initiator (as sent) - v_self (now); move, reply delta */
                if (dadao) {
                    sgr_dadao_advance(&gs->dd, i, t_units);
                    dadao_message(gs, i, nd->msg_buf);
                } else {
                    memcpy(nd->msg_buf, gs->dd.x + i * d, d * sizeof(double));
                }
                for (size_t k = 0; k < d; k++)
                    nd->msg_buf[k] = m->vec[k] - nd->msg_buf[k];
                apply_gossip(gs, i, nd->msg_buf, +1.0, t_units);
                send_vec(nd, m->from, 1, 0, nd->msg_buf);
            } else {
                apply_gossip(gs, i, m->vec, -1.0, t_units);
            }
            free(m);
        }
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

typedef struct dsgd_acc {
    const gs_state *gs;
    const sgr_graph *g;
    size_t deg;
    double self, *acc;
} dsgd_acc;

static void dsgd_use(void *ctx, const gs_msg *m)
{
    dsgd_acc *a = ctx;
    size_t dj = sgr_graph_degree(a->g, m->from);
    double w = 1.0 / (1.0 + (double)(a->deg > dj ? a->deg : dj));
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

static void dsgd_node_main(int argc, char **argv)
{
    gs_node *nd = sgr_actor_data(argc, argv);
    gs_state *gs = nd->gs;
    size_t i = nd->id, d = gs->d, maxdeg = max_degree(gs, i);
    double *acc = calloc(d, sizeof *acc), *x = gs->dd.x + i * d;
    round_buf rb = {calloc(maxdeg, sizeof(gs_msg *)), calloc(maxdeg, sizeof(gs_msg *)), 0};
    sg_actor_daemonize(sg_actor_self());
    sgr_inbox_start(nd->inbox);
    if (sgr_ctrace_sampled(gs->run->ctrace, i, gs->n))
        sgr_run_trace_self(gs->run, nd->host, argv[0]);
    for (long r = 0;; r++) {
        const sgr_graph *g = graph_at(gs, (double)r);
        size_t deg = sgr_graph_degree(g, i);
        /* a round per time unit, as in instant mode (n gradients per unit for every method);
         * a round that takes longer than a unit delays the next */
        double t0 = sgr_ctrace_now(gs->run->ctrace);
        if (simgrid_get_clock() < gs->t0 + (double)r * gs->tau)
            sg_actor_sleep_until(gs->t0 + (double)r * gs->tau);
        sgr_ctrace_wait(gs->run->ctrace, t0, "round start");
        if (method_over(nd))
            absorb_forever(nd);
        for (size_t k = g->offset[i]; k < g->offset[i + 1]; k++) {
            send_vec(nd, g->adj[k], 2, r, x);
            /* a send yields: the method may end, and its state be freed, meanwhile */
            if (method_over(nd))
                absorb_forever(nd);
        }
        memcpy(nd->msg_buf, x, d * sizeof(double));
        local_grad(gs, i, nd->msg_buf, nd->grad, nd->work);
        sgr_run_compute(gs->run, grad_flops(gs, i), gs->run->speed[nd->host], NULL);
        if (method_over(nd))
            absorb_forever(nd);
        memset(acc, 0, d * sizeof *acc);
        dsgd_acc a = {gs, g, deg, 1.0, acc};
        t0 = sgr_ctrace_now(gs->run->ctrace);
        round_messages(nd, r, deg, &rb, dsgd_use, &a);
        sgr_ctrace_recv(gs->run->ctrace, t0, "neighbours", -1, (double)(deg * d * sizeof(double)));
        for (size_t c = 0; c < d; c++)
            x[c] = acc[c] + a.self * nd->msg_buf[c] - base_step(gs, (double)r) * nd->grad[c];
        gs->grads++;
        if (i == 0)
            gs->gossips += g->m;
    }
}

/* ADOM+ networked: every round, each node sends (u, s) to its neighbours and applies L from
 * theirs; a neighbour is at most one round ahead, so early messages wait for the next round. */
static void adom_node_main(int argc, char **argv)
{
    gs_node *nd = sgr_actor_data(argc, argv);
    gs_state *gs = nd->gs;
    size_t i = nd->id, d = gs->d, maxdeg = max_degree(gs, i);
    double *lu = malloc(d * sizeof *lu), *ls = malloc(d * sizeof *ls);
    round_buf rb = {calloc(maxdeg, sizeof(gs_msg *)), calloc(maxdeg, sizeof(gs_msg *)), 0};
    sg_actor_daemonize(sg_actor_self());
    sgr_inbox_start(nd->inbox);
    if (sgr_ctrace_sampled(gs->run->ctrace, i, gs->n))
        sgr_run_trace_self(gs->run, nd->host, argv[0]);
    double *cu = malloc(d * sizeof *cu), *cs = malloc(d * sizeof *cs);
    for (long r = 0;; r++) {
        const sgr_graph *g = graph_at(gs, (double)r);
        size_t deg = sgr_graph_degree(g, i);
        double t0 = sgr_ctrace_now(gs->run->ctrace);
        if (simgrid_get_clock() < gs->t0 + (double)r * gs->tau)
            sg_actor_sleep_until(gs->t0 + (double)r * gs->tau); /* a round per time unit */
        sgr_ctrace_wait(gs->run->ctrace, t0, "round start");
        if (method_over(nd))
            absorb_forever(nd);
        adom_pre(gs, i, nd->work);
        sgr_run_compute(gs->run, grad_flops(gs, i), gs->run->speed[nd->host], NULL);
        if (method_over(nd))
            absorb_forever(nd);
        /* q gossip steps: (cu, cs) <- (I - L/lambda_max)(cu, cs), one exchange each */
        memcpy(cu, gs->aU + i * d, d * sizeof *cu);
        memcpy(cs, gs->aS + i * d, d * sizeof *cs);
        for (size_t q = 0; q < gs->a_steps; q++) {
            long tagr = r * (long)gs->a_steps + (long)q;
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
            t0 = sgr_ctrace_now(gs->run->ctrace);
            round_messages(nd, tagr, deg, &rb, adom_use, &a);
            sgr_ctrace_recv(gs->run->ctrace, t0, "neighbours", -1,
                            (double)(deg * 2 * d * sizeof(double)));
            for (size_t k = 0; k < d; k++) {
                cu[k] -= lu[k] / gs->a_lmax;
                cs[k] -= ls[k] / gs->a_lmax;
            }
        }
        for (size_t k = 0; k < d; k++) {
            lu[k] = (gs->aU[i * d + k] - cu[k]) * gs->a_lmax;
            ls[k] = (gs->aS[i * d + k] - cs[k]) * gs->a_lmax;
        }
        adom_post(gs, i, lu, ls);
        gs->grads++;
        if (i == 0)
            gs->gossips += g->m * gs->a_steps;
    }
}

static void monitor(gs_state *gs)
{
    double dt_check = gs->duration / (double)gs->ncheck;
    record(gs, 0, 1.0);
    for (long c = 1; c <= gs->ncheck && !gs->stop && !sgr_run_interrupted(); c++) {
        double t0 = sgr_ctrace_now(gs->run->ctrace);
        sg_actor_sleep_until(gs->t0 + (double)c * dt_check * gs->tau);
        sgr_ctrace_wait(gs->run->ctrace, t0, "checkpoint");
        double t = (double)c * dt_check;
        record(gs, t, measure(gs, t));
        sgr_progress_update(&gs->run->progress, method_names[gs->methods[gs->cur]], t, gs->duration,
                            simgrid_get_clock());
    }
    gs->res[gs->cur].sim_seconds = simgrid_get_clock() - gs->t0;
}

/* ---- running the methods ---- */

static int start_nodes(gs_state *gs)
{
    sgr_run *run = gs->run;
    method_kind m = gs->methods[gs->cur];
    gs->nodes = calloc(gs->n, sizeof *gs->nodes);
    if (!gs->nodes)
        return -1;
    for (size_t i = 0; i < gs->n; i++) {
        gs_node *nd = &gs->nodes[i];
        char name[64];
        nd->gs = gs;
        nd->peers = gs->nodes;
        nd->id = i;
        nd->method = gs->cur;
        nd->host = node_host(gs, i);
        snprintf(name, sizeof name, "g%zu-%zu", gs->cur, i);
        nd->inbox =
            sgr_inbox_new(run, name, sgr_graph_degree(&gs->graph, i), run->hosts[nd->host], false);
        nd->grad = malloc(gs->d * sizeof *nd->grad);
        nd->msg_buf = malloc(gs->d * sizeof *nd->msg_buf);
        nd->work = malloc(sgr_model_work_size(&gs->wl->model, gs->maxrows) * sizeof *nd->work);
        if (!nd->inbox || !nd->grad || !nd->msg_buf || !nd->work)
            return -1;
    }
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
static void stop_nodes(gs_state *gs)
{
    gs->stop = true;
    for (size_t i = 0; i < gs->n; i++)
        sgr_inbox_close(gs->nodes[i].inbox);
}

static void free_nodes(gs_state *gs, gs_node *nodes)
{
    for (size_t i = 0; nodes && i < gs->n; i++) {
        sgr_inbox_free(nodes[i].inbox);
        free(nodes[i].grad);
        free(nodes[i].msg_buf);
        free(nodes[i].work);
    }
    free(nodes);
}

static void driver_main(int argc, char **argv)
{
    gs_state *gs = sgr_actor_data(argc, argv);
    gs_node **old = calloc(gs->nmethods, sizeof *old);
    sgr_run_trace_self(gs->run, 0, "gossip-driver");
    for (size_t k = 0; k < gs->nmethods && !sgr_run_interrupted(); k++) {
        gs->cur = k;
        gs->res[k].kind = gs->methods[k];
        for (int e = 0; e < NEPS; e++)
            gs->res[k].t_eps[e] = gs->res[k].g_eps[e] = gs->res[k].c_eps[e] = NAN;
        sgr_dadao_free(&gs->dd);
        sgr_err err;
        if (sgr_dadao_init(&gs->dd, gs->n, gs->d, gs->mu, gs->L, gs->gc.chi1, gs->lambda_mix, NULL,
                           &err) < 0)
            break;
        if (gs->methods[k] == M_ADOM && adom_init(gs, &err) < 0)
            break;
        gs->d0 = sgr_dadao_distance(&gs->dd, gs->xstar);
        gs->grads = gs->gossips = gs->messages = 0;
        gs->next_eps = 0;
        gs->stop = false;
        gs->t0 = simgrid_get_clock();
        if (gs->instant) {
            run_instant(gs);
        } else {
            if (start_nodes(gs) < 0)
                break;
            monitor(gs);
            stop_nodes(gs);
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

static int parse_methods(const sgr_scenario *scn, method_kind *out, size_t *count, sgr_err *err)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", sgr_scn_str(scn, "algorithm.methods"));
    *count = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ", ", &save); tok;
         tok = strtok_r(NULL, ", ", &save)) {
        int k = -1;
        for (int m = 0; m < 4; m++)
            if (strcmp(tok, method_names[m]) == 0)
                k = m;
        if (k < 0)
            return sgr_fail(err,
                            "algorithm.methods: unknown method \"%s\" (expected dadao, "
                            "pairwise, dsgd)",
                            tok);
        if (*count == MAX_METHODS)
            return sgr_fail(err, "algorithm.methods: at most %d methods", MAX_METHODS);
        out[(*count)++] = (method_kind)k;
    }
    if (*count == 0)
        return sgr_fail(err, "algorithm.methods: no method given");
    return 0;
}

static int gs_check(const sgr_scenario *scn, size_t nhosts, size_t *nparts, sgr_err *err)
{
    method_kind m[MAX_METHODS];
    size_t count;
    if (parse_methods(scn, m, &count, err) < 0)
        return -1;
    const char *model = sgr_scn_str(scn, "workload.model");
    if (strcmp(model, "softmax") == 0)
        return sgr_fail(err, "workload.model: gossip needs strongly convex local objectives: lsq "
                             "or logreg (with workload.l2 > 0)");
    if (strcmp(model, "logreg") == 0 && !(sgr_scn_num(scn, "workload.l2") > 0))
        return sgr_fail(err, "workload.l2 must be > 0 for logreg: mu <= 0 is not strongly "
                             "convex");
    if (nhosts == 0 && sgr_scn_int(scn, "graph.n") == 0)
        return sgr_fail(err, "graph.n: set it when platform.type is file");
    sgr_graph g;
    char *path = NULL;
    int rc = sgr_graph_from_scenario(scn, nhosts, &g, &path, err);
    free(path);
    if (rc < 0)
        return -1;
    *nparts = g.n;
    sgr_graph_free(&g);
    return 0;
}

/* Per-edge rates: their sum is the total gossip rate, and DADAO's chi1* = chi1 / lambda_mix
 * becomes 1 / lambda_2 of the rate-weighted Laplacian sum_e rate_e (e_u - e_v)(e_u - e_v)^T,
 * which is what is handed to DADAO (as chi1 = chi1* x total rate). */
static int read_edge_rates(gs_state *gs, const sgr_scenario *scn, sgr_err *err)
{
    char *path = sgr_scn_path(scn, "algorithm.edge_rates");
    double *v = NULL;
    size_t rows, cols, n = gs->n, m = gs->graph.m;
    int rc = -1;
    if (gs->nversions > 1) {
        sgr_fail(err, "algorithm.edge_rates: not with time-varying graphs (graph.versions > 1)");
        goto out;
    }
    if (n > (size_t)sgr_scn_int(scn, "algorithm.dense_max")) {
        sgr_fail(err,
                 "algorithm.edge_rates: the weighted spectral gap is computed densely, up "
                 "to algorithm.dense_max = %ld nodes (the graph has %zu)",
                 sgr_scn_int(scn, "algorithm.dense_max"), n);
        goto out;
    }
    if (sgr_trace_read_csv(path, &v, &rows, &cols, err) < 0) {
        sgr_fail_prefix(err, "algorithm.edge_rates");
        goto out;
    }
    if (cols != 1 || rows != m) {
        sgr_fail(err,
                 "algorithm.edge_rates: %s has %zu rows of %zu values; expected %zu rows (one "
                 "rate per edge)",
                 path, rows, cols, m);
        goto out;
    }
    double total = 0;
    for (size_t e = 0; e < m; e++) {
        if (!(v[e] > 0)) {
            sgr_fail(err, "algorithm.edge_rates: edge %zu (%zu-%zu) has rate %g; rates must be > 0",
                     e, gs->graph.edge_u[e], gs->graph.edge_v[e], v[e]);
            goto out;
        }
        total += v[e];
    }
    double *Lw = calloc(n * n, sizeof *Lw), *ev = malloc(n * sizeof *ev);
    if (!Lw || !ev) {
        free(Lw);
        free(ev);
        sgr_fail(err, "out of memory");
        goto out;
    }
    for (size_t e = 0; e < m; e++) {
        size_t a = gs->graph.edge_u[e], b = gs->graph.edge_v[e];
        Lw[a * n + a] += v[e];
        Lw[b * n + b] += v[e];
        Lw[a * n + b] -= v[e];
        Lw[b * n + a] -= v[e];
    }
    int info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)n, Lw, (lapack_int)n, ev);
    double lambda2 = n > 1 ? ev[1] : 0;
    /* chi2* = max_e R_e / 2 in the weighted Laplacian; DADAO needs 2 chi1* chi2* <= 1 (the
     * uniform rates lambda_mix/|E| with lambda_mix = sqrt(2 chi1 chi2) give exactly 1) */
    double chi2s = 0;
    for (size_t e = 0; info == 0 && lambda2 > 0 && e < m; e++) {
        size_t a = gs->graph.edge_u[e], b = gs->graph.edge_v[e];
        double r = 0;
        for (size_t k = 1; k < n; k++) {
            double dv = Lw[a * n + k] - Lw[b * n + k];
            r += dv * dv / ev[k];
        }
        if (r / 2 > chi2s)
            chi2s = r / 2;
    }
    free(Lw);
    free(ev);
    if (info != 0 || !(lambda2 > 0)) {
        sgr_fail(err, "algorithm.edge_rates: the rate-weighted Laplacian has no spectral gap");
        goto out;
    }
    double cond = 2.0 * chi2s / lambda2;
    gs->rate_condition = cond;
    if (cond > 1.0 + 1e-4)
        fprintf(stderr,
                "simgrad: warning: algorithm.edge_rates: 2 chi1* chi2* = %.4g > 1: the rates are "
                "below DADAO's sufficient condition (scaling them by %.4g meets it); it may "
                "diverge\n",
                cond, sqrt(cond));
    gs->edge_rate = v;
    v = NULL;
    gs->lambda_mix = total;
    gs->gc.chi1 = total / lambda2; /* so that DADAO's chi1 / lambda_mix = 1 / lambda2 */
    gs->edge_pick = gsl_ran_discrete_preproc(m, gs->edge_rate);
    rc = gs->edge_pick ? 0 : sgr_fail(err, "out of memory");
out:
    free(v);
    free(path);
    return rc;
}

static int gs_deploy(sgr_run *run, sgr_err *err)
{
    static const char *const columns[] = {"method",  "t_units",  "time_s",   "gradients",
                                          "gossips", "messages", "rel_error"};
    const sgr_scenario *scn = run->scn;
    gs_state *gs = calloc(1, sizeof *gs);
    if (!gs)
        return sgr_fail(err, "out of memory");
    run->state = gs;
    gs->run = run;
    gs->wl = &run->workload;
    if (sgr_graph_from_scenario(scn, run->nhosts, &gs->graph, &gs->graph_path, err) < 0 ||
        parse_methods(scn, gs->methods, &gs->nmethods, err) < 0)
        return SGR_EUSER;
    gs->n = gs->graph.n;
    gs->d = sgr_model_nparams(&gs->wl->model);
    gs->instant = sgr_scn_bool(scn, "algorithm.instant");
    gs->tau = sgr_scn_num(scn, "algorithm.time_unit");
    gs->duration = sgr_scn_num(scn, "algorithm.duration");
    gs->target = sgr_scn_num(scn, "algorithm.target");
    gs->step = sgr_scn_num(scn, "algorithm.step");
    gs->step_decay = sgr_scn_num(scn, "algorithm.step_decay");
    gs->ncheck = sgr_scn_int(scn, "algorithm.checkpoints");
    for (size_t i = 0; i < gs->n; i++)
        if (gs->wl->parts[i].n > gs->maxrows)
            gs->maxrows = gs->wl->parts[i].n;
    /* time-varying graphs: version 0 is the scenario's graph, the others drawn from their own
     * streams; the constants are the worst over the versions */
    gs->nversions = (size_t)sgr_scn_int(scn, "graph.versions");
    gs->switch_every = sgr_scn_num(scn, "graph.switch_every");
    gs->versions = calloc(gs->nversions, sizeof *gs->versions);
    if (!gs->versions)
        return sgr_fail(err, "out of memory");
    gs->versions[0] = gs->graph;
    for (size_t v = 1; v < gs->nversions; v++) {
        sgr_graph_cfg gc;
        char *path = NULL;
        sgr_graph_cfg_from_scenario(scn, run->nhosts, &gc, &path);
        gsl_rng *rng = sgr_rng_new(run->seed, "graph", v);
        int rc = sgr_graph_build(&gs->versions[v], &gc, rng, err);
        gsl_rng_free(rng);
        free(path);
        if (rc < 0 || !sgr_graph_connected(&gs->versions[v])) {
            if (rc == 0)
                sgr_fail(err, "graph.versions: version %zu of the graph is disconnected", v);
            return SGR_EUSER;
        }
    }
    for (size_t v = 0; v < gs->nversions; v++) {
        sgr_graph_constants c;
        if (sgr_graph_constants_compute(&gs->versions[v],
                                        (size_t)sgr_scn_int(scn, "algorithm.dense_max"), 1e-6, &c,
                                        err) < 0)
            return SGR_EUSER;
        if (v == 0) {
            gs->gc = c;
            continue;
        }
        gs->gc.chi1 = fmax(gs->gc.chi1, c.chi1);
        gs->gc.chi2 = fmax(gs->gc.chi2, c.chi2);
        gs->gc.lambda2 = fmin(gs->gc.lambda2, c.lambda2);
        gs->gc.lambda_max = fmax(gs->gc.lambda_max, c.lambda_max);
        gs->gc.exact = gs->gc.exact && c.exact;
    }
    gs->gc.lambda_mix = sqrt(2.0 * gs->gc.chi1 * gs->gc.chi2);
    gs->lambda_mix = sgr_scn_num(scn, "algorithm.lambda_mix");
    if (gs->lambda_mix <= 0)
        gs->lambda_mix = gs->gc.lambda_mix;
    if (sgr_scn_has(scn, "algorithm.edge_rates") && read_edge_rates(gs, scn, err) < 0)
        return SGR_EUSER;
    if (sgr_local_constants(gs->wl, gs->n, &gs->mu, &gs->L, err) < 0)
        return SGR_EUSER;
    if (!(gs->mu > 0)) {
        sgr_fail(err,
                 "the local objectives are not strongly convex (mu = %g): add workload.l2 > 0 "
                 "or give each node more rows than features",
                 gs->mu);
        return SGR_EUSER;
    }
    double *w = malloc(gs->n * sizeof *w);
    gs->xstar = malloc(gs->d * sizeof *gs->xstar);
    gs->xnext = malloc(gs->n * gs->d * sizeof *gs->xnext);
    if (!w || !gs->xstar || !gs->xnext)
        return sgr_fail(err, "out of memory");
    for (size_t i = 0; i < gs->n; i++)
        w[i] = 1.0 / (double)gs->n;
    int rc = sgr_weighted_optimum(gs->wl, w, gs->n, gs->xstar, err);
    free(w);
    if (rc < 0)
        return SGR_EFAIL;
    for (size_t k = 0; k < gs->nmethods; k++) {
        gs->res[k].ts = malloc(((size_t)gs->ncheck + 2) * sizeof(double));
        gs->res[k].rs = malloc(((size_t)gs->ncheck + 2) * sizeof(double));
        if (!gs->res[k].ts || !gs->res[k].rs)
            return sgr_fail(err, "out of memory");
    }
    if (sgr_run_metrics(run, columns, sizeof columns / sizeof *columns, err) < 0)
        return SGR_EFAIL;
    sgr_run_spawn(run, "gossip-driver", run->hosts[0], driver_main, gs);
    return 0;
}

/* slope of log(rel) against t over the points with 1e-9 < rel < 0.1 */
static double fitted_rate(const method_result *r)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    size_t m = 0;
    for (size_t k = 0; k < r->npts; k++) {
        if (!(r->rs[k] < 0.1 && r->rs[k] > 1e-9))
            continue;
        double x = r->ts[k], y = log(r->rs[k]);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
        m++;
    }
    double den = (double)m * sxx - sx * sx;
    return m >= 3 && den != 0 ? -((double)m * sxy - sx * sy) / den : NAN;
}

static int gs_finish(sgr_run *run, sgr_err *err)
{
    gs_state *gs = run->state;
    if (!gs)
        return 0;
    double kappa = gs->L / gs->mu, sk = sqrt(kappa);
    double comm_factor = sqrt(gs->gc.chi1 * gs->gc.chi2);
    printf("graph: %zu nodes, %zu edges, chi1 %.6g, chi2 %.6g, lambda_mix %.6g%s; mu %.4g, L "
           "%.4g, sqrt(L/mu) %.4g\n",
           gs->n, gs->graph.m, gs->gc.chi1, gs->gc.chi2, gs->gc.lambda_mix,
           gs->gc.exact ? "" : " (iterative)", gs->mu, gs->L, sk);
    printf("%-9s %8s %12s %12s %12s %12s %10s %12s\n", "method", "eps", "time", "gradients",
           "gossips", "grads/pred", "comm/pred", "final");
    json_t *methods = json_array();
    for (size_t k = 0; k < gs->nmethods; k++) {
        method_result *r = &gs->res[k];
        r->rate = fitted_rate(r);
        json_t *rows = json_array();
        for (int e = 0; e < NEPS; e++) {
            double l = log(1.0 / eps_levels[e]);
            double pg = (double)gs->n * sk * l, pc = (double)gs->n * comm_factor * sk * l,
                   pt = sk * l;
            if (!isnan(r->t_eps[e]))
                printf("%-9s %8.0e %12.5g %12.0f %12.0f %12.3g %10.3g %12s\n",
                       method_names[r->kind], eps_levels[e], r->t_eps[e], r->g_eps[e], r->c_eps[e],
                       r->g_eps[e] / pg, r->c_eps[e] / pc, "");
            json_array_append_new(
                rows, json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "eps", eps_levels[e],
                                "time_units", isnan(r->t_eps[e]) ? -1.0 : r->t_eps[e], "gradients",
                                isnan(r->g_eps[e]) ? -1.0 : r->g_eps[e], "gossips",
                                isnan(r->c_eps[e]) ? -1.0 : r->c_eps[e], "predicted_gradients", pg,
                                "predicted_gossips", pc, "predicted_time_units", pt));
        }
        printf("%-9s final relative error %.3g after %lu gradients and %lu gossips; fitted rate "
               "%.4g per time unit (sqrt(mu/L) = %.4g)\n",
               method_names[r->kind], r->final_rel, r->grads, r->gossips, r->rate, 1.0 / sk);
        json_array_append_new(methods,
                              json_pack("{s:s, s:f, s:I, s:I, s:I, s:f, s:f, s:o}", "method",
                                        method_names[r->kind], "final_rel_error", r->final_rel,
                                        "gradients", (json_int_t)r->grads, "gossips",
                                        (json_int_t)r->gossips, "messages", (json_int_t)r->messages,
                                        "fitted_rate", isnan(r->rate) ? 0.0 : r->rate,
                                        "simulated_seconds", r->sim_seconds, "precision", rows));
        free(r->ts);
        free(r->rs);
    }
    run->results = json_pack("{s:o, s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:b, s:f}", "methods",
                             methods, "nodes", (json_int_t)gs->n, "edges", (json_int_t)gs->graph.m,
                             "chi1", gs->gc.chi1, "chi2", gs->gc.chi2, "lambda_mix", gs->lambda_mix,
                             "mu", gs->mu, "L", gs->L, "sqrt_mu_over_L", 1.0 / sk, "instant",
                             gs->instant, "simulated_time_s", simgrid_get_clock());
    json_object_set_new(run->results, "graph_versions", json_integer((json_int_t)gs->nversions));
    if (gs->edge_rate)
        json_object_set_new(run->results, "edge_rate_condition", json_real(gs->rate_condition));
    for (size_t k = 0; gs->old_nodes && k < gs->nmethods; k++)
        free_nodes(gs, gs->old_nodes[k]);
    free(gs->old_nodes);
    free_nodes(gs, gs->nodes);
    sgr_dadao_free(&gs->dd);
    double *arrays[] = {gs->aY,  gs->aZ, gs->aM, gs->aXf, gs->aYf, gs->aZf,
                        gs->aXg, gs->aG, gs->aU, gs->aS,  gs->aZg};
    for (size_t k = 0; k < sizeof arrays / sizeof *arrays; k++)
        free(arrays[k]);
    free(gs->xstar);
    free(gs->xnext);
    free(gs->edge_rate);
    if (gs->edge_pick)
        gsl_ran_discrete_free(gs->edge_pick);
    free(gs->graph_path);
    for (size_t v = 1; v < gs->nversions; v++)
        sgr_graph_free(&gs->versions[v]);
    free(gs->versions);
    sgr_graph_free(&gs->graph);
    free(gs);
    run->state = NULL;
    (void)err;
    return 0;
}

const sgr_family sgr_family_gossip = {
    .keys = {"gossip",
             "n nodes on a logical graph minimise sum_i f_i with DADAO (Poisson gradient and "
             "gossip clocks, exact flow between events) and baselines (randomized pairwise "
             "gossip, D-SGD), instantly as in the paper or over the simulated network; with the "
             "graph constants chi1, chi2 and the predicted rates.",
             gossip_keys},
    .check = gs_check,
    .deploy = gs_deploy,
    .finish = gs_finish,
};
