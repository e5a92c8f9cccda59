/* The token family's configuration: its keys, their typed form (walks x alphas parsed into
 * configurations), and the checks across keys (the graph, the target measure). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simgrad/straggler.h"
#include "families/token/token.h"

#define ANY -INFINITY, INFINITY

static const sgr_key token_keys[] = {
    {"algorithm.walks", SGR_T_STR, "\"srrw\"", ANY, NULL, NULL,
     "Comma-separated walks: srw, mhrw, nbrw, iid, srrw."},
    {"algorithm.alphas", SGR_T_STR, "\"0,1,5\"", ANY, NULL, NULL,
     "Comma-separated SRRW repellence values alpha >= 0 (one configuration each)."},
    {"algorithm.base", SGR_T_ENUM, "\"mhrw\"", ANY, "srw|mhrw", NULL,
     "The SRRW's reversible base chain."},
    {"algorithm.target", SGR_T_ENUM, "\"uniform\"", ANY, "uniform|degree|file", NULL,
     "Target distribution mu of MHRW and SRRW (SRW and NBRW sample degree-proportionally)."},
    {"algorithm.target_file", SGR_T_PATH, NULL, ANY, NULL, "algorithm.target=file",
     "One positive weight per line per node, summing to 1."},
    {"algorithm.hops", SGR_T_INT, "100000", 1, 1e12, NULL, NULL, "Hops of each token."},
    {"algorithm.replicas", SGR_T_INT, "8", 1, 100000, NULL, NULL,
     "Independent tokens per configuration (derived seeds), walking at the same time."},
    {"algorithm.gamma_exp", SGR_T_NUM, "1.0", 0.5, 1.0, NULL, NULL,
     "a: the SRRW's x step gamma_n = (n+1)^-a, in (0.5, 1]."},
    {"algorithm.beta_exp", SGR_T_NUM, "0.8", 0.5, 1.0, NULL, NULL,
     "b: the model's step beta_n = step_scale (n+1)^-b, in (0.5, 1] (b > a, a = b, a > b)."},
    {"algorithm.step_scale", SGR_T_NUM, "1.0", 1e-12, INFINITY, NULL, NULL,
     "Multiplier of beta_n."},
    {"algorithm.batch_size", SGR_T_INT, "0", 0, 1e9, NULL, NULL,
     "Samples of the local gradient at each visit (0: the agent's whole data)."},
    {"algorithm.checkpoints", SGR_T_INT, "40", 2, 100000, NULL, NULL,
     "Log-spaced hops at which metrics are recorded."},
    {"algorithm.theory_max_nodes", SGR_T_INT, "3000", 0, 1e6, NULL, NULL,
     "Compute the covariance theory (dense eigendecomposition) up to this many nodes."},
    {NULL, 0, NULL, ANY, NULL, NULL, NULL},
};

static int parse_configs(const sgr_scenario *scn, tk_config *out, size_t *count, sgr_err *err)
{
    char walks[256], alphas[256];
    snprintf(walks, sizeof walks, "%s", sgr_scn_str(scn, "algorithm.walks"));
    snprintf(alphas, sizeof alphas, "%s", sgr_scn_str(scn, "algorithm.alphas"));
    *count = 0;
    for (char *s1 = NULL, *w = strtok_r(walks, ", ", &s1); w; w = strtok_r(NULL, ", ", &s1)) {
        sgr_walk_kind k;
        if (sgr_walk_kind_parse(w, &k) < 0)
            return sgr_fail(err,
                            "algorithm.walks: unknown walk \"%s\" (expected srw, mhrw, "
                            "nbrw, iid, srrw)",
                            w);
        if (k != SGR_WALK_SRRW) {
            if (*count == TOKEN_MAX_CONFIGS)
                return sgr_fail(err, "algorithm.walks: at most %d configurations",
                                TOKEN_MAX_CONFIGS);
            out[(*count)++] = (tk_config){k, 0.0};
            continue;
        }
        char buf[256];
        snprintf(buf, sizeof buf, "%s", alphas);
        for (char *s2 = NULL, *a = strtok_r(buf, ", ", &s2); a; a = strtok_r(NULL, ", ", &s2)) {
            char *end;
            double alpha = strtod(a, &end);
            if (*end || !(alpha >= 0) || isinf(alpha))
                return sgr_fail(err, "algorithm.alphas: \"%s\" is not an alpha >= 0", a);
            if (*count == TOKEN_MAX_CONFIGS)
                return sgr_fail(err, "algorithm.alphas: at most %d configurations",
                                TOKEN_MAX_CONFIGS);
            out[(*count)++] = (tk_config){k, alpha};
        }
    }
    if (*count == 0)
        return sgr_fail(err, "algorithm.walks: no walk given");
    return 0;
}

static int tk_parse(const sgr_scenario *scn, void **out, sgr_err *err)
{
    token_cfg *c = calloc(1, sizeof *c);
    if (!c)
        return sgr_fail(err, "out of memory");
    *out = c;
    if (parse_configs(scn, c->configs, &c->nconfigs, err) < 0)
        return -1;
    sgr_walk_kind_parse(sgr_scn_str(scn, "algorithm.base"), &c->base);
    const char *target = sgr_scn_str(scn, "algorithm.target");
    c->target = strcmp(target, "degree") == 0 ? TK_TARGET_DEGREE
                : strcmp(target, "file") == 0 ? TK_TARGET_FILE
                                              : TK_TARGET_UNIFORM;
    c->target_file = sgr_scn_path(scn, "algorithm.target_file");
    c->hops = (unsigned long)sgr_scn_int(scn, "algorithm.hops");
    c->replicas = (size_t)sgr_scn_int(scn, "algorithm.replicas");
    c->a = sgr_scn_num(scn, "algorithm.gamma_exp");
    c->b = sgr_scn_num(scn, "algorithm.beta_exp");
    c->scale = sgr_scn_num(scn, "algorithm.step_scale");
    c->batch = (size_t)sgr_scn_int(scn, "algorithm.batch_size");
    c->checkpoints = (size_t)sgr_scn_int(scn, "algorithm.checkpoints");
    c->theory_max_nodes = (size_t)sgr_scn_int(scn, "algorithm.theory_max_nodes");
    return 0;
}

static void tk_free_cfg(void *cfg)
{
    token_cfg *c = cfg;
    if (c)
        free(c->target_file);
    free(c);
}

int sgr_token_read_target(const token_cfg *c, const sgr_graph *g, double **target, sgr_err *err)
{
    *target = NULL;
    if (c->target == TK_TARGET_UNIFORM)
        return 0;
    double *mu = malloc(g->n * sizeof *mu);
    if (!mu)
        return sgr_fail(err, "out of memory");
    if (c->target == TK_TARGET_DEGREE) {
        for (size_t i = 0; i < g->n; i++)
            mu[i] = (double)sgr_graph_degree(g, i) / (2.0 * (double)g->m);
        *target = mu;
        return 0;
    }
    const char *path = c->target_file;
    double *v = NULL;
    size_t rows, cols;
    int rc = -1;
    if (!path) {
        sgr_fail(err, "algorithm.target_file: required when algorithm.target is file");
    } else if (sgr_trace_read_csv(path, &v, &rows, &cols, err) < 0) {
        sgr_fail_prefix(err, "algorithm.target_file");
    } else if (cols != 1 || rows != g->n) {
        sgr_fail(err,
                 "algorithm.target_file: %s has %zu rows of %zu values; expected %zu rows of "
                 "one weight",
                 path, rows, cols, g->n);
    } else {
        double sum = 0;
        rc = 0;
        for (size_t i = 0; i < g->n && rc == 0; i++) {
            mu[i] = v[i];
            sum += v[i];
            if (!(v[i] > 0))
                rc = sgr_fail(err,
                              "algorithm.target_file: node %zu has weight %g; every weight "
                              "must be positive",
                              i, v[i]);
        }
        if (rc == 0 && fabs(sum - 1.0) > 1e-9)
            rc = sgr_fail(err, "algorithm.target_file: the weights sum to %.12g, not 1", sum);
    }
    free(v);
    if (rc < 0)
        free(mu);
    else
        *target = mu;
    return rc;
}

static int tk_check(const sgr_config *cfg, size_t nhosts, size_t *nparts, sgr_err *err)
{
    const token_cfg *c = cfg->algorithm;
    if (!(c->a > 0.5))
        return sgr_fail(err, "algorithm.gamma_exp must be in (0.5, 1] (got %g)", c->a);
    if (!(c->b > 0.5))
        return sgr_fail(err, "algorithm.beta_exp must be in (0.5, 1] (got %g)", c->b);
    if (nhosts == 0 && cfg->graph.cfg.n == 0)
        return sgr_fail(err, "graph.n: set it when platform.type is file");
    sgr_graph g;
    if (sgr_graph_from_config(cfg, nhosts, &g, err) < 0)
        return -1;
    double *target;
    int rc = sgr_token_read_target(c, &g, &target, err);
    *nparts = g.n;
    free(target);
    sgr_graph_free(&g);
    return rc;
}

const sgr_family sgr_family_token = {
    .keys = {"token",
             "Tokens carrying the model walk over a logical graph (SRW, MHRW, NBRW, i.i.d. and "
             "the self-repellent random walk, SA-SRRW), a local gradient step at each agent and "
             "a network trip per hop; MSE, visit-measure error and their theory across alpha.",
             token_keys, "graph"},
    .parse = tk_parse,
    .free_cfg = tk_free_cfg,
    .check = tk_check,
    .deploy = sgr_token_deploy,
    .finish = sgr_token_finish,
    .report = &sgr_token_report,
    .sweep = &sgr_token_sweep,
};
