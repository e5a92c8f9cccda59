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

#include "families/gossip/gossip.h"

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

static int gs_check(const sgr_config *cfg, size_t nhosts, size_t *nparts, sgr_err *err)
{
    const sgr_scenario *scn = cfg->scn; /* transitional: keys read here until parse hooks */
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
    if (sgr_scn_has(scn, "problem.mu") && sgr_scn_has(scn, "problem.L") &&
        sgr_scn_num(scn, "problem.L") < sgr_scn_num(scn, "problem.mu"))
        return sgr_fail(err, "problem.L = %g is below problem.mu = %g",
                        sgr_scn_num(scn, "problem.L"), sgr_scn_num(scn, "problem.mu"));
    sgr_graph *g;
    size_t k;
    if (gs_load_graphs(scn, nhosts, &g, &k, err) < 0)
        return -1;
    *nparts = g[0].n;
    gs_free_graphs(g, k);
    return 0;
}

static void read_settings(gs_state *gs, const sgr_scenario *scn)
{
    gs->graph = gs->versions[0]; /* a view; the versions own the arrays */
    gs->n = gs->graph.n;
    gs->switch_every = sgr_scn_num(scn, "graph.switch_every");
    gs->switch_chi1 = strcmp(sgr_scn_str(scn, "graph.switch"), "chi1") == 0;
    gs->measure = strcmp(sgr_scn_str(scn, "algorithm.error_measure"), "last-event") == 0
                      ? MEASURE_LAST_EVENT
                      : MEASURE_FLOW;
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

/* metrics.csv (full precision) and, with output.events, events.csv. */
static int open_outputs(gs_state *gs, sgr_err *err)
{
    static const char *const columns[] = {"method",  "t_units",  "time_s",    "gradients",
                                          "gossips", "messages", "rel_error", "abs_error"};
    sgr_run *run = gs->run;
    if (sgr_run_metrics(run, columns, sizeof columns / sizeof *columns, err) < 0)
        return -1;
    sgr_metrics_set_digits(run->metrics, 17);
    run->summary_digits = 17;
    if (!sgr_scn_bool(run->scn, "output.events"))
        return 0;
    char path[4200];
    snprintf(path, sizeof path, "%s/events.csv", run->outdir);
    gs->events = sgr_event_log_open(path, err);
    return gs->events ? 0 : -1;
}

static int gs_deploy(sgr_run *run, sgr_err *err)
{
    const sgr_scenario *scn = run->scn;
    gs_state *gs = calloc(1, sizeof *gs);
    if (!gs)
        return sgr_fail(err, "out of memory");
    run->state = gs;
    gs->run = run;
    gs->wl = &run->workload;
    if (gs_load_graphs(scn, run->nhosts, &gs->versions, &gs->nversions, err) < 0 ||
        parse_methods(scn, gs->methods, &gs->nmethods, err) < 0)
        return SGR_EUSER;
    read_settings(gs, scn);
    if (gs_graph_constants(gs, scn, err) < 0 || gs_load_replay(gs, scn, err) < 0)
        return SGR_EUSER;
    int rc = gs_problem_setup(gs, scn, err);
    if (rc < 0)
        return rc;
    if (alloc_results(gs, err) < 0 || open_outputs(gs, err) < 0)
        return SGR_EFAIL;
    sgr_run_spawn(run, "gossip-driver", run->hosts[0], gs_driver_main, gs);
    return 0;
}

const sgr_family sgr_family_gossip = {
    .keys = {"gossip",
             "n nodes on a logical graph minimise sum_i f_i with DADAO (Poisson gradient and "
             "gossip clocks, exact flow between events) and baselines (randomized pairwise "
             "gossip, D-SGD), instantly as in the paper or over the simulated network; with the "
             "graph constants chi1, chi2 and the predicted rates.",
             gossip_keys, "graph graph-sequence problem event-log"},
    .check = gs_check,
    .deploy = gs_deploy,
    .finish = gs_finish,
    .report = &sgr_gossip_report,
    .sweep = &sgr_gossip_sweep,
};
