/* The ps-sgd family's configuration: its keys (with units and defaults, for validation and
 * docs/scenario.md), their typed form, and the checks across keys. */
#include <math.h>
#include <stdlib.h>

#include "families/ps_sgd/ps_sgd.h"

#define ANY -INFINITY, INFINITY

static const sgr_key ps_sgd_keys[] = {
    {"algorithm.workers", SGR_T_INT, "0", 0, 10000000, NULL, NULL,
     "Workers (0: one per host except the server's)."},
    {"algorithm.rounds", SGR_T_INT, "100", 1, 1e9, NULL, NULL, "Training rounds."},
    {"algorithm.batch_size", SGR_T_INT, "32", 1, 1e9, NULL, NULL,
     "Minibatch per worker per round, in samples (capped at the shard size)."},
    {"algorithm.learning_rate", SGR_T_NUM, "0.1", 1e-12, INFINITY, NULL, NULL, "Step size."},
    {"algorithm.lr_decay", SGR_T_NUM, "0", 0, INFINITY, NULL, NULL,
     "Step size in round t is learning_rate / (1 + lr_decay * t)."},
    {"algorithm.wait_for", SGR_T_INT, "0", 0, 10000000, NULL, NULL,
     "Gradients the server waits for each round (0: all workers); later ones are dropped."},
    {"algorithm.round_timeout", SGR_T_TIME, "0", 0, INFINITY, NULL, NULL,
     "The server stops waiting this long after a round starts (0: no timeout); needed with "
     "stragglers.fail_prob > 0 when waiting for all."},
    {"algorithm.eval_every", SGR_T_INT, "1", 1, 1e9, NULL, NULL,
     "Evaluate training loss and test accuracy every this many rounds (and at the last)."},
    {"algorithm.server_host", SGR_T_INT, "0", 0, 10000000, NULL, NULL,
     "Index of the server's host; worker i runs on host (server_host + 1 + i) mod hosts."},
    {NULL, 0, NULL, ANY, NULL, NULL, NULL},
};

static int ps_parse(const sgr_scenario *scn, void **out, sgr_err *err)
{
    ps_sgd_cfg *c = calloc(1, sizeof *c);
    if (!c)
        return sgr_fail(err, "out of memory");
    c->workers = sgr_scn_int(scn, "algorithm.workers");
    c->rounds = sgr_scn_int(scn, "algorithm.rounds");
    c->batch_size = (size_t)sgr_scn_int(scn, "algorithm.batch_size");
    c->learning_rate = sgr_scn_num(scn, "algorithm.learning_rate");
    c->lr_decay = sgr_scn_num(scn, "algorithm.lr_decay");
    c->wait_for = sgr_scn_int(scn, "algorithm.wait_for");
    c->round_timeout = sgr_scn_num(scn, "algorithm.round_timeout");
    c->eval_every = sgr_scn_int(scn, "algorithm.eval_every");
    c->server_host = sgr_scn_int(scn, "algorithm.server_host");
    *out = c;
    return 0;
}

static int ps_check(const sgr_config *cfg, size_t nhosts, size_t *nparts, sgr_err *err)
{
    const ps_sgd_cfg *c = cfg->algorithm;
    long workers = c->workers, wait_for = c->wait_for, server = c->server_host;
    if (workers == 0) {
        if (nhosts == 1)
            return sgr_fail(err, "algorithm.workers: the platform has one host; set the number "
                                 "of workers explicitly");
        workers = nhosts ? (long)nhosts - 1 : 0;
    }
    if (nhosts && (size_t)server >= nhosts)
        return sgr_fail(err, "algorithm.server_host: %ld, but the platform has %zu hosts", server,
                        nhosts);
    if (workers == 0)
        return sgr_fail(err, "algorithm.workers: set it when platform.type is file");
    if (wait_for > workers)
        return sgr_fail(err, "algorithm.wait_for: %ld exceeds the %ld workers", wait_for, workers);
    bool waits_for_all = wait_for == 0 || wait_for == workers;
    if (waits_for_all && c->round_timeout <= 0) {
        if (cfg->stragglers.fail_prob > 0)
            return sgr_fail(err, "stragglers.fail_prob > 0 while waiting for every worker would "
                                 "wait forever: set algorithm.round_timeout or algorithm.wait_for");
        if (cfg->host_failures)
            return sgr_fail(err, "stragglers.host_failures while waiting for every worker would "
                                 "wait forever: set algorithm.round_timeout or "
                                 "algorithm.wait_for");
    }
    *nparts = (size_t)workers;
    return 0;
}

static size_t ps_trace_rounds(const sgr_config *cfg, size_t nhosts, const char **why)
{
    const ps_sgd_cfg *c = cfg->algorithm;
    *why = "algorithm.rounds is";
    return (size_t)c->rounds;
}

const sgr_family sgr_family_ps_sgd = {
    .keys = {"ps-sgd",
             "Synchronous data-parallel SGD through a parameter server: the baseline every other "
             "family is compared with.",
             ps_sgd_keys, NULL},
    .parse = ps_parse,
    .free_cfg = free,
    .check = ps_check,
    .trace_rounds = ps_trace_rounds,
    .deploy = sgr_ps_sgd_deploy,
    .finish = sgr_ps_sgd_finish,
    .report = &sgr_ps_sgd_report,
    .sweep = &sgr_ps_sgd_sweep,
};
