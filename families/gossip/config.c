/* The gossip family's configuration: its keys, their typed form (the methods parsed into a
 * list, the error measure, the resolved paths), the checks across keys (the model, problem.mu
 * and L, the graph sequence), and the family table. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "families/gossip/gossip.h"

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
    {"algorithm.x0", SGR_T_PATH, NULL, ANY, NULL, NULL,
     "Start point of every method: a CSV of one row (every node starts there) or one row per "
     "node, each of the model's d parameters (bias included when workload.bias is true); "
     "default 0."},
    {"algorithm.error_measure", SGR_T_ENUM, "\"flow\"", ANY, "flow|last-event", NULL,
     "The distance to x*, mean over nodes of |x_i - x*|^2: `flow` carries every node's DADAO "
     "flow to the measuring time (the paper's iterate at t); `last-event` takes each node as of "
     "its last event (what the authors' code records). The same for the other methods."},
    {"algorithm.replay", SGR_T_PATH, NULL, ANY, NULL, NULL,
     "Replay this event log (events.csv of a run, or another simulator's: columns t, kind, i, "
     "j[, graph][, method]) instead of drawing the Poisson events: exact, no random draws; for "
     "dadao and pairwise."},
    {NULL, 0, NULL, ANY, NULL, NULL, NULL},
};

/* algorithm.methods: comma- or blank-separated names, at most GS_MAX_METHODS. */
static int parse_methods(const char *list, method_kind *out, size_t *count, sgr_err *err)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
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
                            "pairwise, dsgd, adom+)",
                            tok);
        if (*count == GS_MAX_METHODS)
            return sgr_fail(err, "algorithm.methods: at most %d methods", GS_MAX_METHODS);
        out[(*count)++] = (method_kind)k;
    }
    if (*count == 0)
        return sgr_fail(err, "algorithm.methods: no method given");
    return 0;
}

static int gs_parse(const sgr_scenario *scn, void **out, sgr_err *err)
{
    gossip_cfg *c = calloc(1, sizeof *c);
    if (!c)
        return sgr_fail(err, "out of memory");
    *out = c;
    if (parse_methods(sgr_scn_str(scn, "algorithm.methods"), c->methods, &c->nmethods, err) < 0)
        return -1;
    c->instant = sgr_scn_bool(scn, "algorithm.instant");
    c->multi_consensus = sgr_scn_bool(scn, "algorithm.multi_consensus");
    c->time_unit = sgr_scn_num(scn, "algorithm.time_unit");
    c->duration = sgr_scn_num(scn, "algorithm.duration");
    c->target = sgr_scn_num(scn, "algorithm.target");
    c->lambda_mix = sgr_scn_num(scn, "algorithm.lambda_mix");
    c->step = sgr_scn_num(scn, "algorithm.step");
    c->step_decay = sgr_scn_num(scn, "algorithm.step_decay");
    c->checkpoints = sgr_scn_int(scn, "algorithm.checkpoints");
    c->dense_max = (size_t)sgr_scn_int(scn, "algorithm.dense_max");
    c->measure = strcmp(sgr_scn_str(scn, "algorithm.error_measure"), "last-event") == 0
                     ? MEASURE_LAST_EVENT
                     : MEASURE_FLOW;
    c->edge_rates = sgr_scn_path(scn, "algorithm.edge_rates");
    c->x0 = sgr_scn_path(scn, "algorithm.x0");
    c->replay = sgr_scn_path(scn, "algorithm.replay");
    return 0;
}

static void gs_free_cfg(void *cfg)
{
    gossip_cfg *c = cfg;
    if (c) {
        free(c->edge_rates);
        free(c->x0);
        free(c->replay);
    }
    free(c);
}

/* What the configuration and the graphs decide: a replay needs event-driven methods, and
 * per-edge rates one graph, densely (their file read against it). */
static int check_inputs(const gossip_cfg *c, const sgr_graph *g, size_t k, sgr_err *err)
{
    for (size_t m = 0; c->replay && m < c->nmethods; m++)
        if (c->methods[m] == M_DSGD || c->methods[m] == M_ADOM)
            return sgr_fail(err,
                            "algorithm.replay: %s is synchronous and consumes no events; a replay "
                            "runs the event-driven methods (dadao, pairwise)",
                            gs_method_names[c->methods[m]]);
    if (!c->edge_rates)
        return 0;
    if (k > 1)
        return sgr_fail(err,
                        "algorithm.edge_rates: not with time-varying graphs (graph.versions > 1)");
    if (g->n > c->dense_max)
        return sgr_fail(err,
                        "algorithm.edge_rates: the weighted spectral gap is computed densely, up "
                        "to algorithm.dense_max = %zu nodes (the graph has %zu)",
                        c->dense_max, g->n);
    double *rates;
    if (sgr_edge_rates_load(c->edge_rates, g, &rates, err) < 0)
        return -1;
    free(rates);
    return 0;
}

static int gs_check(const sgr_config *cfg, size_t nhosts, size_t *nparts, sgr_err *err)
{
    const sgr_problem_cfg *p = &cfg->problem;
    if (cfg->workload.model == SGR_MODEL_SOFTMAX)
        return sgr_fail(err, "workload.model: gossip needs strongly convex local objectives: lsq "
                             "or logreg (with workload.l2 > 0)");
    if (cfg->workload.model == SGR_MODEL_LOGREG && !(cfg->workload.l2 > 0))
        return sgr_fail(err, "workload.l2 must be > 0 for logreg: mu <= 0 is not strongly "
                             "convex");
    if (nhosts == 0 && cfg->graph.cfg.n == 0)
        return sgr_fail(err, "graph.n: set it when platform.type is file");
    if (p->mu_given && p->L_given && p->L < p->mu)
        return sgr_fail(err, "problem.L = %g is below problem.mu = %g", p->L, p->mu);
    sgr_graph *g;
    size_t k;
    if (gs_load_graphs(cfg, nhosts, &g, &k, err) < 0)
        return -1;
    *nparts = g[0].n;
    int rc = check_inputs(cfg->algorithm, g, k, err);
    gs_free_graphs(g, k);
    return rc;
}

const sgr_family sgr_family_gossip = {
    .keys = {"gossip",
             "n nodes on a logical graph minimise sum_i f_i with DADAO (Poisson gradient and "
             "gossip clocks, exact flow between events) and baselines (randomized pairwise "
             "gossip, D-SGD), instantly as in the paper or over the simulated network; with the "
             "graph constants chi1, chi2 and the predicted rates.",
             gossip_keys, "graph graph-sequence problem event-log"},
    .parse = gs_parse,
    .free_cfg = gs_free_cfg,
    .check = gs_check,
    .check_data = gs_check_data,
    .deploy = gs_deploy,
    .finish = gs_finish,
    .report = &sgr_gossip_report,
    .sweep = &sgr_gossip_sweep,
};
