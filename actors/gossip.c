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

#include <simgrid/engine.h>
#include <xbt/log.h>

#include "gossip_internal.h"
#include "simgrad/optimum.h"
#include "simgrad/rng.h"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(sgr_gossip, simgrad, "gossip family");

#define ANY -INFINITY, INFINITY

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

static int parse_methods(const sgr_scenario *scn, method_kind *out, size_t *count, sgr_err *err)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", sgr_scn_str(scn, "algorithm.methods"));
    *count = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ", ", &save); tok;
         tok = strtok_r(NULL, ", ", &save)) {
        int k = -1;
        for (int m = 0; m < 4; m++)
            if (strcmp(tok, gs_method_names[m]) == 0)
                k = m;
        if (k < 0)
            return sgr_fail(err,
                            "algorithm.methods: unknown method \"%s\" (expected dadao, "
                            "pairwise, dsgd)",
                            tok);
        if (*count == GS_MAX_METHODS)
            return sgr_fail(err, "algorithm.methods: at most %d methods", GS_MAX_METHODS);
        out[(*count)++] = (method_kind)k;
    }
    if (*count == 0)
        return sgr_fail(err, "algorithm.methods: no method given");
    return 0;
}

static int gs_check(const sgr_scenario *scn, size_t nhosts, size_t *nparts, sgr_err *err)
{
    method_kind m[GS_MAX_METHODS];
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
    size_t n = gs->n, m = gs->graph.m;
    long dense_max = sgr_scn_int(scn, "algorithm.dense_max");
    if (gs->nversions > 1)
        return sgr_fail(err,
                        "algorithm.edge_rates: not with time-varying graphs (graph.versions > 1)");
    if (n > (size_t)dense_max)
        return sgr_fail(err,
                        "algorithm.edge_rates: the weighted spectral gap is computed densely, up "
                        "to algorithm.dense_max = %ld nodes (the graph has %zu)",
                        dense_max, n);
    char *path = sgr_scn_path(scn, "algorithm.edge_rates");
    int rc = sgr_edge_rates_load(path, &gs->graph, &gs->edge_rate, err);
    free(path);
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

static void read_settings(gs_state *gs, const sgr_scenario *scn)
{
    gs->n = gs->graph.n;
    gs->d = sgr_model_nparams(&gs->wl->model);
    gs->instant = sgr_scn_bool(scn, "algorithm.instant");
    gs->multi_consensus = sgr_scn_bool(scn, "algorithm.multi_consensus");
    gs->tau = sgr_scn_num(scn, "algorithm.time_unit");
    gs->duration = sgr_scn_num(scn, "algorithm.duration");
    gs->target = sgr_scn_num(scn, "algorithm.target");
    gs->step = sgr_scn_num(scn, "algorithm.step");
    gs->step_decay = sgr_scn_num(scn, "algorithm.step_decay");
    gs->ncheck = sgr_scn_int(scn, "algorithm.checkpoints");
    for (size_t i = 0; i < gs->n; i++)
        if (gs->wl->parts[i].n > gs->maxrows)
            gs->maxrows = gs->wl->parts[i].n;
}

/* Time-varying graphs: version 0 is the scenario's graph, the others drawn from their own
 * streams. */
static int build_versions(gs_state *gs, const sgr_scenario *scn, sgr_err *err)
{
    sgr_run *run = gs->run;
    gs->nversions = (size_t)sgr_scn_int(scn, "graph.versions");
    gs->switch_every = sgr_scn_num(scn, "graph.switch_every");
    gs->versions = calloc(gs->nversions, sizeof *gs->versions);
    if (!gs->versions)
        return sgr_fail(err, "out of memory for %zu graph versions", gs->nversions);
    gs->versions[0] = gs->graph;
    for (size_t v = 1; v < gs->nversions; v++) {
        sgr_graph_cfg gc;
        char *path = NULL;
        sgr_graph_cfg_from_scenario(scn, run->nhosts, &gc, &path);
        gsl_rng *rng = sgr_rng_new(run->seed, "graph", v);
        int rc = sgr_graph_build(&gs->versions[v], &gc, rng, err);
        gsl_rng_free(rng);
        free(path);
        if (rc < 0)
            return -1;
        if (!sgr_graph_connected(&gs->versions[v]))
            return sgr_fail(err, "graph.versions: version %zu of the graph is disconnected", v);
    }
    return 0;
}

/* The graph constants, the worst over the versions (as the DADAO authors take them over their
 * sequence, data.py:create_K_graphs), and the gossip rate. */
static int graph_constants(gs_state *gs, const sgr_scenario *scn, sgr_err *err)
{
    size_t dense_max = (size_t)sgr_scn_int(scn, "algorithm.dense_max");
    for (size_t v = 0; v < gs->nversions; v++) {
        sgr_graph_constants c;
        if (sgr_graph_constants_compute(&gs->versions[v], dense_max, 1e-6, &c, err) < 0)
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
    gs->lambda_mix = sgr_scn_num(scn, "algorithm.lambda_mix");
    if (gs->lambda_mix <= 0)
        gs->lambda_mix = gs->gc.lambda_mix;
    if (sgr_scn_has(scn, "algorithm.edge_rates") && read_edge_rates(gs, scn, err) < 0)
        return -1;
    return 0;
}

/* mu, L and x* of the problem. Returns 0, SGR_EUSER or SGR_EFAIL. */
static int problem_setup(gs_state *gs, sgr_err *err)
{
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
    if (!w || !gs->xstar) {
        free(w);
        return sgr_fail(err, "out of memory");
    }
    for (size_t i = 0; i < gs->n; i++)
        w[i] = 1.0 / (double)gs->n;
    int rc = sgr_weighted_optimum(gs->wl, w, gs->n, gs->xstar, err);
    free(w);
    return rc < 0 ? SGR_EFAIL : 0;
}

static int alloc_results(gs_state *gs, sgr_err *err)
{
    gs->xnext = malloc(gs->n * gs->d * sizeof *gs->xnext);
    if (!gs->xnext)
        return sgr_fail(err, "out of memory");
    for (size_t k = 0; k < gs->nmethods; k++) {
        gs->res[k].ts = malloc(((size_t)gs->ncheck + 2) * sizeof(double));
        gs->res[k].rs = malloc(((size_t)gs->ncheck + 2) * sizeof(double));
        if (!gs->res[k].ts || !gs->res[k].rs)
            return sgr_fail(err, "out of memory");
    }
    return 0;
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
    read_settings(gs, scn);
    if (build_versions(gs, scn, err) < 0 || graph_constants(gs, scn, err) < 0)
        return SGR_EUSER;
    int rc = problem_setup(gs, err);
    if (rc < 0)
        return rc;
    if (alloc_results(gs, err) < 0 ||
        sgr_run_metrics(run, columns, sizeof columns / sizeof *columns, err) < 0)
        return SGR_EFAIL;
    sgr_run_spawn(run, "gossip-driver", run->hosts[0], gs_driver_main, gs);
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
        for (int e = 0; e < GS_NEPS; e++) {
            double l = log(1.0 / gs_eps_levels[e]);
            double pg = (double)gs->n * sk * l, pc = (double)gs->n * comm_factor * sk * l,
                   pt = sk * l;
            if (!isnan(r->t_eps[e]))
                printf("%-9s %8.0e %12.5g %12.0f %12.0f %12.3g %10.3g %12s\n",
                       gs_method_names[r->kind], gs_eps_levels[e], r->t_eps[e], r->g_eps[e],
                       r->c_eps[e], r->g_eps[e] / pg, r->c_eps[e] / pc, "");
            json_array_append_new(
                rows, json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "eps", gs_eps_levels[e],
                                "time_units", isnan(r->t_eps[e]) ? -1.0 : r->t_eps[e], "gradients",
                                isnan(r->g_eps[e]) ? -1.0 : r->g_eps[e], "gossips",
                                isnan(r->c_eps[e]) ? -1.0 : r->c_eps[e], "predicted_gradients", pg,
                                "predicted_gossips", pc, "predicted_time_units", pt));
        }
        printf("%-9s final relative error %.3g after %lu gradients and %lu gossips; fitted rate "
               "%.4g per time unit (sqrt(mu/L) = %.4g)\n",
               gs_method_names[r->kind], r->final_rel, r->grads, r->gossips, r->rate, 1.0 / sk);
        json_array_append_new(methods,
                              json_pack("{s:s, s:f, s:I, s:I, s:I, s:f, s:f, s:o}", "method",
                                        gs_method_names[r->kind], "final_rel_error", r->final_rel,
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
        gs_free_nodes(gs, gs->old_nodes[k]);
    free(gs->old_nodes);
    gs_free_nodes(gs, gs->nodes);
    sgr_dadao_free(&gs->dd);
    sgr_adom_free(&gs->adom);
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
