/* The gossip family's problem as the scenario states it: the graph sequence and its constants,
 * per-edge rates, the start point x0, mu and L, the reference optimum x*, and a replayed event
 * log. Every error names the key (and the file and line where there is one). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "families/gossip/gossip.h"
#include "simgrad/csv_table.h"
#include "simgrad/optimum.h"
#include "simgrad/rng.h"

void gs_free_graphs(sgr_graph *g, size_t k)
{
    for (size_t v = 0; g && v < k; v++)
        sgr_graph_free(&g[v]);
    free(g);
}

/* graph.type file: the sequence of graph.file (one graph, a graph-id column, or {k} files). */
static int load_file_graphs(const sgr_config *cfg, size_t nhosts, sgr_graph **g, size_t *k,
                            sgr_err *err)
{
    size_t versions = cfg->graph.versions;
    const char *path = cfg->graph.cfg.path;
    if (!path)
        return sgr_fail(err, "graph.file is not set (a file graph needs an edge-list path)");
    int rc =
        sgr_graph_load_sequence(path, sgr_config_graph_nodes(cfg, nhosts), versions, g, k, err);
    if (rc == 0 && *k == 1 && versions > 1 && !strstr(path, "{k}"))
        rc = sgr_fail(err,
                      "graph.versions = %zu but graph.file %s holds one graph, which would just "
                      "repeat: give a sequence (a graph-id column \"graph u v\", or a path with "
                      "{k} and one file per graph)",
                      versions, path);
    for (size_t v = 0; rc == 0 && v < *k; v++)
        if (!sgr_graph_connected(&(*g)[v]))
            rc = sgr_fail(err, "graph.file %s: graph %zu on %zu nodes is disconnected", path, v,
                          (*g)[v].n);
    if (rc < 0) {
        gs_free_graphs(*g, *k);
        *g = NULL;
        *k = 0;
    }
    return rc;
}

/* Drawn kinds: version 0 is the scenario's graph, the others drawn from their own streams. */
static int draw_graphs(const sgr_config *cfg, size_t nhosts, sgr_graph **g, size_t *k, sgr_err *err)
{
    size_t versions = cfg->graph.versions;
    sgr_graph *out = calloc(versions, sizeof *out);
    if (!out)
        return sgr_fail(err, "out of memory for %zu graph versions", versions);
    int rc = sgr_graph_from_config(cfg, nhosts, &out[0], err);
    sgr_graph_cfg gc = cfg->graph.cfg;
    gc.n = sgr_config_graph_nodes(cfg, nhosts);
    for (size_t v = 1; rc == 0 && v < versions; v++) {
        gsl_rng *rng = sgr_rng_new(cfg->seed, "graph", v);
        rc = rng ? sgr_graph_build(&out[v], &gc, rng, err) : sgr_fail(err, "out of memory");
        gsl_rng_free(rng);
        if (rc == 0 && !sgr_graph_connected(&out[v]))
            rc = sgr_fail(err, "graph.versions: version %zu of the graph is disconnected", v);
    }
    if (rc < 0) {
        gs_free_graphs(out, versions);
        return -1;
    }
    *g = out;
    *k = versions;
    return 0;
}

int gs_load_graphs(const sgr_config *cfg, size_t nhosts, sgr_graph **g, size_t *k, sgr_err *err)
{
    if (cfg->graph.cfg.kind == SGR_GRAPH_FILE)
        return load_file_graphs(cfg, nhosts, g, k, err);
    return draw_graphs(cfg, nhosts, g, k, err);
}

/* Per-edge rates: their sum is the total gossip rate, and DADAO's chi1* = chi1 / lambda_mix
 * becomes 1 / lambda_2 of the rate-weighted Laplacian sum_e rate_e (e_u - e_v)(e_u - e_v)^T,
 * which is what is handed to DADAO (as chi1 = chi1* x total rate). */
static int read_edge_rates(gs_state *gs, sgr_err *err)
{
    size_t m = gs->graph.m; /* one graph, of at most dense_max nodes (checked) */
    int rc = sgr_edge_rates_load(gs->c->edge_rates, &gs->graph, &gs->edge_rate, err);
    double lambda2, chi2s;
    if (rc < 0 || sgr_edge_rates_spectrum(&gs->graph, gs->edge_rate, &lambda2, &chi2s, err) < 0)
        return -1;
    double total = 0;
    for (size_t e = 0; e < m; e++)
        total += gs->edge_rate[e];
    /* DADAO needs 2 chi1* chi2* <= 1 (the uniform rates lambda_mix/|E| with lambda_mix =
     * sqrt(2 chi1 chi2) give exactly 1) */
    double cond = 2.0 * chi2s / lambda2;
    gs->rate_condition = cond;
    if (cond > 1.0 + 1e-4)
        fprintf(stderr,
                "simgrad: warning: algorithm.edge_rates: 2 chi1* chi2* = %.4g > 1: the rates are "
                "below DADAO's sufficient condition (scaling them by %.4g meets it); it may "
                "diverge\n",
                cond, sqrt(cond));
    gs->lambda_mix = total;
    gs->gc.chi1 = total / lambda2; /* so that DADAO's chi1 / lambda_mix = 1 / lambda2 */
    gs->edge_pick = gsl_ran_discrete_preproc(m, gs->edge_rate);
    return gs->edge_pick ? 0 : sgr_fail(err, "out of memory");
}

/* The graph constants, the worst over the sequence (as the DADAO authors take them,
 * data.py:create_K_graphs), the gossip rate and the switching rule. */
int gs_graph_constants(gs_state *gs, const sgr_config *cfg, sgr_err *err)
{
    size_t dense_max = gs->c->dense_max;
    bool adom = false; /* lambda_max is ADOM+'s alone */
    for (size_t k = 0; k < gs->c->nmethods; k++)
        adom = adom || gs->c->methods[k] == M_ADOM;
    for (size_t v = 0; v < gs->nversions; v++) {
        sgr_graph_constants c;
        int rc = adom ? sgr_graph_constants_compute(&gs->versions[v], dense_max, 1e-6, &c, err)
                      : sgr_graph_constants_mixing(&gs->versions[v], dense_max, 1e-6, &c, err);
        if (rc < 0)
            return -1;
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
    gs->lambda_mix = gs->c->lambda_mix;
    if (gs->lambda_mix <= 0)
        gs->lambda_mix = gs->gc.lambda_mix;
    /* graph k is in force from t = k / chi1 (run_optimizers.py:110: int(t * chi_1) % K) */
    bool chi1 = cfg->graph.switch_rule == SGR_GRAPH_SWITCH_CHI1;
    gs->seq = (sgr_graph_seq){gs->versions, gs->nversions, chi1 ? gs->gc.chi1 : 0,
                              cfg->graph.switch_every};
    if (gs->c->edge_rates && read_edge_rates(gs, err) < 0)
        return -1;
    return 0;
}

/* The events the methods are expected to simulate (issue 16 item 8): a Poisson method draws
 * n gradients and lambda_mix gossips per time unit, a synchronous one n gradients and a
 * message per edge end. A replayed log brings its own events. */
double gs_expected_events(const gs_state *gs)
{
    size_t m = 0;
    for (size_t v = 0; v < gs->nversions; v++)
        m = gs->versions[v].m > m ? gs->versions[v].m : m;
    double per_unit = 0;
    for (size_t k = 0; k < gs->c->nmethods; k++) {
        method_kind mk = gs->c->methods[k];
        bool poisson = mk == M_DADAO || mk == M_PAIRWISE;
        per_unit += (double)gs->n + (poisson ? gs->lambda_mix : 2.0 * (double)m);
    }
    return per_unit * gs->c->duration;
}

int gs_check_work(const gs_state *gs, const sgr_config *cfg, sgr_err *err)
{
    double events = gs_expected_events(gs), limit = cfg->simulation.max_events;
    if (gs->c->replay || events <= limit)
        return 0;
    return sgr_fail(err,
                    "this run would simulate about %.3g events (%zu nodes, lambda_mix %.4g "
                    "gossips per time unit from the graph's chi1 %.4g and chi2 %.4g, %zu "
                    "method(s), %g time units), above simulation.max_events (%.3g): shorten "
                    "algorithm.duration, use a better connected graph (a cycle's chi1 grows as "
                    "n^2), or raise simulation.max_events if the hours are meant",
                    events, gs->n, gs->lambda_mix, gs->gc.chi1, gs->gc.chi2, gs->c->nmethods,
                    gs->c->duration, limit);
}

/* algorithm.x0: one row for every node, or n rows, of d values each. */
static int load_x0(gs_state *gs, sgr_err *err)
{
    size_t n = gs->n, d = gs->d;
    const char *path = gs->c->x0;
    gs->x0 = calloc(n * d, sizeof *gs->x0);
    if (!gs->x0)
        return sgr_fail(err, "out of memory");
    if (!path)
        return 0;
    sgr_csv_table t;
    int rc = sgr_csv_table_read(path, &t, err);
    if (rc < 0)
        sgr_fail_prefix(err, "algorithm.x0");
    else if (t.cols != d)
        rc = sgr_fail(err,
                      "algorithm.x0 %s:%zu: %zu values, expected %zu (the model's parameters, the "
                      "bias column included when workload.bias is true)",
                      path, t.line[0], t.cols, d);
    else if (t.rows != 1 && t.rows != n)
        rc = sgr_fail(err,
                      "algorithm.x0 %s: %zu rows, expected 1 (every node starts there) or %zu "
                      "(one per node)",
                      path, t.rows, n);
    for (size_t i = 0; rc == 0 && i < n; i++)
        memcpy(gs->x0 + i * d, t.v + (t.rows == 1 ? 0 : i) * d, d * sizeof *gs->x0);
    sgr_csv_table_free(&t);
    return rc;
}

/* mu and L (computed, or problem.mu / problem.L), x* by Newton, the start's distance d0. */
static int problem_constants(gs_state *gs, const sgr_problem_cfg *p, sgr_err *err)
{
    if (sgr_local_constants(gs->wl, gs->n, &gs->mu_computed, &gs->L_computed, err) < 0)
        return -1;
    gs->mu = p->mu_given ? p->mu : gs->mu_computed;
    gs->L = p->L_given ? p->L : gs->L_computed;
    if (!(gs->mu > 0))
        return sgr_fail(err,
                        "the local objectives are not strongly convex (mu = %g): add workload.l2 "
                        "> 0 or give each node more rows than features",
                        gs->mu);
    if (!(gs->L >= gs->mu))
        return sgr_fail(err, "problem.L = %g is below mu = %g (L >= mu is needed)", gs->L, gs->mu);
    return 0;
}

static int solve_xstar(gs_state *gs, sgr_err *err)
{
    double *w = malloc(gs->n * sizeof *w);
    gs->xstar = malloc(gs->d * sizeof *gs->xstar);
    if (!w || !gs->xstar) {
        free(w);
        return sgr_fail(err, "out of memory");
    }
    for (size_t i = 0; i < gs->n; i++)
        w[i] = 1.0 / (double)gs->n;
    int rc = sgr_optimum_newton(gs->wl, w, gs->n, 1e-12, gs->xstar, &gs->xstar_grad_norm,
                                &gs->xstar_iters, err);
    free(w);
    if (rc == 0 && gs->xstar_grad_norm > 1e-9)
        fprintf(stderr,
                "simgrad: warning: x* reached a gradient norm of %.3g only (rounding floor of "
                "this data); errors below about that level are not resolved\n",
                gs->xstar_grad_norm);
    return rc;
}

int gs_problem_setup(gs_state *gs, const sgr_config *cfg, sgr_err *err)
{
    if (problem_constants(gs, &cfg->problem, err) < 0 || load_x0(gs, err) < 0)
        return SGR_EUSER;
    if (solve_xstar(gs, err) < 0)
        return SGR_EFAIL;
    double d0 = 0; /* as sgr_dadao_distance sums: per node, then over nodes */
    for (size_t i = 0; i < gs->n; i++) {
        double di = 0;
        for (size_t k = 0; k < gs->d; k++) {
            double e = gs->x0[i * gs->d + k] - gs->xstar[k];
            di += e * e;
        }
        d0 += di;
    }
    gs->d0 = d0 / (double)gs->n;
    if (!(gs->d0 > 0)) {
        sgr_fail(err, "algorithm.x0: every node starts at x* (the relative error would be 0/0)");
        return SGR_EUSER;
    }
    return 0;
}

/* algorithm.replay: the events of the log's first method, checked against the graphs. */
int gs_load_replay(gs_state *gs, sgr_err *err)
{
    const char *path = gs->c->replay; /* the methods are event-driven (checked) */
    if (!path)
        return 0;
    int rc = sgr_event_log_read(path, &gs->replay, &gs->nreplay, gs->replay_method,
                                sizeof gs->replay_method, err);
    if (rc == 0)
        rc = sgr_event_log_check(path, gs->replay, gs->nreplay, gs->n, &gs->seq, err);
    if (rc < 0)
        sgr_fail_prefix(err, "algorithm.replay");
    return rc;
}

/* validate (and run, before deploy) read what the run will read from files: algorithm.x0
 * against the nodes and the model's dimension, algorithm.replay against the graphs (the
 * graph in force at each event needs chi1 when a sequence switches every 1/chi1 and the log
 * does not name its graphs: the constants are computed for that case only). */
int gs_check_data(const sgr_config *cfg, const sgr_workload *wl, size_t nhosts, sgr_err *err)
{
    const gossip_cfg *c = cfg->algorithm;
    if (!c->x0 && !c->replay)
        return 0;
    gs_state gs = {.c = c, .wl = (sgr_workload *)wl};
    if (gs_load_graphs(cfg, nhosts, &gs.versions, &gs.nversions, err) < 0)
        return -1;
    gs.graph = gs.versions[0];
    gs.n = gs.graph.n;
    gs.d = sgr_model_nparams(&wl->model);
    int rc = load_x0(&gs, err);
    if (rc == 0 && c->replay) {
        if (gs.nversions > 1 && cfg->graph.switch_rule == SGR_GRAPH_SWITCH_CHI1)
            rc = gs_graph_constants(&gs, cfg, err);
        else
            gs.seq = (sgr_graph_seq){gs.versions, gs.nversions, 0, cfg->graph.switch_every};
        if (rc == 0)
            rc = gs_load_replay(&gs, err);
    }
    free(gs.x0);
    free(gs.replay);
    free(gs.edge_rate);
    if (gs.edge_pick)
        gsl_ran_discrete_free(gs.edge_pick);
    gs_free_graphs(gs.versions, gs.nversions);
    return rc < 0 ? -1 : 0;
}
