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

static void read_settings(gs_state *gs)
{
    gs->graph = gs->versions[0]; /* a view; the versions own the arrays */
    gs->n = gs->graph.n;
    gs->d = sgr_model_nparams(&gs->wl->model);
    for (size_t i = 0; i < gs->n; i++)
        if (gs->wl->parts[i].n > gs->maxrows)
            gs->maxrows = gs->wl->parts[i].n;
}

static int alloc_results(gs_state *gs, sgr_err *err)
{
    gs->xnext = malloc(gs->n * gs->d * sizeof *gs->xnext);
    if (!gs->xnext)
        return sgr_fail(err, "out of memory");
    for (size_t k = 0; k < gs->c->nmethods; k++) {
        gs->res[k].ts = malloc(((size_t)gs->c->checkpoints + 2) * sizeof(double));
        gs->res[k].rs = malloc(((size_t)gs->c->checkpoints + 2) * sizeof(double));
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
    if (!run->cfg->output.events)
        return 0;
    char path[4200];
    snprintf(path, sizeof path, "%s/events.csv", run->outdir);
    gs->events = sgr_event_log_open(path, err);
    return gs->events ? 0 : -1;
}

int gs_deploy(sgr_run *run, sgr_err *err)
{
    const sgr_config *cfg = run->cfg;
    gs_state *gs = calloc(1, sizeof *gs);
    if (!gs)
        return sgr_fail(err, "out of memory");
    run->state = gs;
    gs->run = run;
    gs->c = cfg->algorithm;
    gs->wl = &run->workload;
    if (gs_load_graphs(cfg, run->nhosts, &gs->versions, &gs->nversions, err) < 0)
        return SGR_EUSER;
    read_settings(gs);
    /* the set-up can take a minute on a large or long graph: the progress line says which */
    sgr_progress_phase(&run->progress, "computing the graph's constants");
    if (gs_graph_constants(gs, cfg, err) < 0 || gs_check_work(gs, cfg, err) < 0 ||
        gs_load_replay(gs, err) < 0)
        return SGR_EUSER;
    sgr_progress_phase(&run->progress, "solving for x*");
    int rc = gs_problem_setup(gs, cfg, err);
    if (rc < 0)
        return rc;
    if (alloc_results(gs, err) < 0 || open_outputs(gs, err) < 0)
        return SGR_EFAIL;
    sgr_progress_phase(&run->progress, "deploying the actors");
    sgr_run_spawn(run, "gossip-driver", run->hosts[0], gs_driver_main, gs);
    return 0;
}
