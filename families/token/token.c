/* The token family: tokens carrying a model walk over the agents of a logical graph (simple,
 * Metropolis-Hastings, non-backtracking, i.i.d., or self-repellent random walks). At each
 * agent the token computes the agent's local gradient with the real kernels and takes a
 * stochastic-approximation step theta <- theta - beta_n grad f_X(theta), beta_n =
 * scale (n+1)^-b; then it travels to the next agent over the physical network as a message of
 * the model's size. Every (walk, alpha) configuration runs `replicas` independent tokens at
 * once, so variances across alpha are measured, with confidence intervals. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <xbt/log.h>

#include "simgrad/rng.h"
#include "simgrad/run.h"
#include "families/token/token.h"
#include "simgrad/optimum.h"
#include "simgrad/walk.h"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(sgr_token, simgrad, "token family");

#define ANY -INFINITY, INFINITY
#define MAX_CONFIGS 64

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

typedef struct tk_config {
    sgr_walk_kind kind;
    double alpha;
} tk_config;

typedef struct tk_state tk_state;

typedef struct tk_token {
    tk_state *ts;
    size_t config, replica;
    sgr_walk *walk;
    gsl_rng *rng;
    double *theta, *grad, *work;
    unsigned long hops;
    size_t next_checkpoint;
    /* at each checkpoint: mse, tv, visit error; filled as the token reaches it */
    double *mse, *tv, *xerr, *time;
    bool done;
} tk_token;

struct tk_state {
    sgr_run *run;
    sgr_graph graph;
    char *graph_path;
    size_t nconfigs, replicas, np;
    tk_config configs[MAX_CONFIGS];
    sgr_walk_kind base;
    double *target; /* NULL: uniform */
    double a, b, scale;
    unsigned long hops;
    size_t batch;
    size_t ncheck;
    unsigned long *check_hops;
    double *theta_star;
    tk_token *tokens; /* nconfigs x replicas */
    size_t finished;
    double model_bytes;
};

static size_t node_host(const tk_state *ts, size_t node)
{
    return node % ts->run->nhosts;
}

static void token_record(tk_token *t)
{
    tk_state *ts = t->ts;
    size_t c = t->next_checkpoint;
    size_t n = ts->graph.n;
    double mse = 0;
    for (size_t j = 0; j < ts->np; j++) {
        double d = t->theta[j] - ts->theta_star[t->config * ts->np + j];
        mse += d * d;
    }
    double *x = malloc(n * sizeof *x);
    sgr_walk_estimate(t->walk, x);
    const double *mu = sgr_walk_target(t->walk);
    double xe = 0;
    for (size_t i = 0; i < n; i++)
        xe += (x[i] - mu[i]) * (x[i] - mu[i]);
    free(x);
    t->mse[c] = mse;
    t->tv[c] = sgr_walk_tv(t->walk);
    t->xerr[c] = xe;
    t->time[c] = simgrid_get_clock();
    t->next_checkpoint++;
    const tk_config *cf = &ts->configs[t->config];
    double row[] = {(double)t->config,
                    (double)cf->kind,
                    cf->alpha,
                    (double)t->replica,
                    (double)t->hops,
                    t->time[c],
                    mse,
                    t->tv[c],
                    xe};
    sgr_metrics_row(ts->run->metrics, row);
}

static void token_main(int argc, char **argv)
{
    tk_token *t = sgr_actor_data(argc, argv);
    tk_state *ts = t->ts;
    const sgr_workload *wl = &ts->run->workload;
    size_t node = sgr_walk_current(t->walk);
    /* a token moves from host to host: its row is in a "tokens" process after the hosts */
    if (sgr_ctrace_sampled(ts->run->ctrace, t->config * ts->replicas + t->replica,
                           ts->nconfigs * ts->replicas))
        sgr_ctrace_join(ts->run->ctrace, (long)ts->run->nhosts, "tokens", argv[0]);
    while (t->hops < ts->hops && !sgr_run_interrupted()) {
        /* at agent `node`: its local gradient, on its host */
        const sgr_dataset *part = &wl->parts[node];
        size_t rows = ts->batch && ts->batch < part->n ? ts->batch : part->n;
        size_t off = rows < part->n ? gsl_rng_uniform_int(t->rng, part->n - rows + 1) : 0;
        sgr_model_loss_grad(&wl->model, t->theta, part->X + off * part->d, part->y + off, rows,
                            t->grad, t->work);
        double beta = ts->scale * pow((double)t->hops + 1.0, -ts->b);
        for (size_t j = 0; j < ts->np; j++)
            t->theta[j] -= beta * t->grad[j];
        sgr_run_compute(ts->run, sgr_model_grad_flops(&wl->model, rows) + 2.0 * (double)ts->np,
                        ts->run->speed[node_host(ts, node)], NULL);
        t->hops++;
        if (t->next_checkpoint < ts->ncheck && t->hops == ts->check_hops[t->next_checkpoint])
            token_record(t);
        /* the next agent, and the trip there */
        size_t next = sgr_walk_step(t->walk, t->rng);
        size_t from = node_host(ts, node), to = node_host(ts, next);
        if (from != to) {
            double t0 = sgr_ctrace_now(ts->run->ctrace);
            sg_host_sendto(ts->run->hosts[from], ts->run->hosts[to], ts->model_bytes);
            sgr_ctrace_send(ts->run->ctrace, t0, "node", (long)next, ts->model_bytes);
            sg_actor_set_host(sg_actor_self(), ts->run->hosts[to]);
        }
        node = next;
        if (t->replica == 0 && t->config == 0 && (t->hops & 1023) == 0)
            sgr_progress_update(&ts->run->progress, "hop", (double)t->hops, (double)ts->hops,
                                simgrid_get_clock());
    }
    t->done = true;
    ts->finished++;
}

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
            if (*count == MAX_CONFIGS)
                return sgr_fail(err, "algorithm.walks: at most %d configurations", MAX_CONFIGS);
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
            if (*count == MAX_CONFIGS)
                return sgr_fail(err, "algorithm.alphas: at most %d configurations", MAX_CONFIGS);
            out[(*count)++] = (tk_config){k, alpha};
        }
    }
    if (*count == 0)
        return sgr_fail(err, "algorithm.walks: no walk given");
    return 0;
}

static int read_target(const sgr_scenario *scn, const sgr_graph *g, double **target, sgr_err *err)
{
    *target = NULL;
    const char *kind = sgr_scn_str(scn, "algorithm.target");
    if (strcmp(kind, "uniform") == 0)
        return 0;
    double *mu = malloc(g->n * sizeof *mu);
    if (!mu)
        return sgr_fail(err, "out of memory");
    if (strcmp(kind, "degree") == 0) {
        for (size_t i = 0; i < g->n; i++)
            mu[i] = (double)sgr_graph_degree(g, i) / (2.0 * (double)g->m);
        *target = mu;
        return 0;
    }
    char *path = sgr_scn_path(scn, "algorithm.target_file");
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
    free(path);
    if (rc < 0)
        free(mu);
    else
        *target = mu;
    return rc;
}

static int tk_check(const sgr_scenario *scn, size_t nhosts, size_t *nparts, sgr_err *err)
{
    tk_config configs[MAX_CONFIGS];
    size_t count;
    if (parse_configs(scn, configs, &count, err) < 0)
        return -1;
    double a = sgr_scn_num(scn, "algorithm.gamma_exp"), b = sgr_scn_num(scn, "algorithm.beta_exp");
    if (!(a > 0.5))
        return sgr_fail(err, "algorithm.gamma_exp must be in (0.5, 1] (got %g)", a);
    if (!(b > 0.5))
        return sgr_fail(err, "algorithm.beta_exp must be in (0.5, 1] (got %g)", b);
    if (nhosts == 0 && sgr_scn_int(scn, "graph.n") == 0)
        return sgr_fail(err, "graph.n: set it when platform.type is file");
    sgr_graph g;
    char *path = NULL;
    int rc = sgr_graph_from_scenario(scn, nhosts, &g, &path, err);
    free(path);
    if (rc < 0)
        return -1;
    double *target;
    rc = read_target(scn, &g, &target, err);
    *nparts = g.n;
    free(target);
    sgr_graph_free(&g);
    return rc;
}

static unsigned long *checkpoints(unsigned long hops, size_t *count)
{
    size_t want = *count;
    unsigned long *h = malloc(want * sizeof *h);
    size_t k = 0;
    for (size_t i = 0; i < want; i++) {
        double x = exp(log((double)hops) * (double)(i + 1) / (double)want);
        unsigned long v = (unsigned long)llround(x);
        if (v < 1)
            v = 1;
        if (k == 0 || v > h[k - 1])
            h[k++] = v;
    }
    if (h[k - 1] != hops)
        h[k++ - 1] = hops;
    *count = k;
    return h;
}

static int tk_deploy(sgr_run *run, sgr_err *err)
{
    /* walk: 0 srw, 1 mhrw, 2 nbrw, 3 iid, 4 srrw (names in summary.json) */
    static const char *const columns[] = {"config", "walk", "alpha", "replica",   "hop",
                                          "time_s", "mse",  "tv",    "visit_err2"};
    const sgr_scenario *scn = run->scn;
    tk_state *ts = calloc(1, sizeof *ts);
    if (!ts)
        return sgr_fail(err, "out of memory");
    run->state = ts;
    ts->run = run;
    if (sgr_graph_from_scenario(scn, run->nhosts, &ts->graph, &ts->graph_path, err) < 0 ||
        parse_configs(scn, ts->configs, &ts->nconfigs, err) < 0 ||
        read_target(scn, &ts->graph, &ts->target, err) < 0)
        return SGR_EUSER;
    ts->replicas = (size_t)sgr_scn_int(scn, "algorithm.replicas");
    ts->hops = (unsigned long)sgr_scn_int(scn, "algorithm.hops");
    ts->a = sgr_scn_num(scn, "algorithm.gamma_exp");
    ts->b = sgr_scn_num(scn, "algorithm.beta_exp");
    ts->scale = sgr_scn_num(scn, "algorithm.step_scale");
    ts->batch = (size_t)sgr_scn_int(scn, "algorithm.batch_size");
    sgr_walk_kind_parse(sgr_scn_str(scn, "algorithm.base"), &ts->base);
    ts->np = sgr_model_nparams(&run->workload.model);
    ts->model_bytes = (double)(ts->np * sizeof(double));
    ts->ncheck = (size_t)sgr_scn_int(scn, "algorithm.checkpoints");
    ts->check_hops = checkpoints(ts->hops, &ts->ncheck);
    ts->tokens = calloc(ts->nconfigs * ts->replicas, sizeof *ts->tokens);
    if (!ts->tokens || !ts->check_hops)
        return sgr_fail(err, "out of memory");
    if (sgr_run_metrics(run, columns, sizeof columns / sizeof *columns, err) < 0)
        return SGR_EFAIL;
    size_t maxrows = 0;
    for (size_t i = 0; i < run->workload.nparts; i++)
        if (run->workload.parts[i].n > maxrows)
            maxrows = run->workload.parts[i].n;
    for (size_t c = 0; c < ts->nconfigs; c++)
        for (size_t r = 0; r < ts->replicas; r++) {
            tk_token *t = &ts->tokens[c * ts->replicas + r];
            t->ts = ts;
            t->config = c;
            t->replica = r;
            /* replica r of every configuration shares its seed: paired comparisons */
            t->rng = sgr_rng_new(run->seed, "token", r);
            sgr_walk_cfg wc = {.kind = ts->configs[c].kind,
                               .base = ts->base,
                               .alpha = ts->configs[c].alpha,
                               .gamma_exp = ts->a,
                               .mu = ts->target};
            size_t start = gsl_rng_uniform_int(t->rng, ts->graph.n);
            t->walk = sgr_walk_new(&ts->graph, &wc, start, err);
            if (!t->walk)
                return SGR_EUSER;
            t->theta = calloc(ts->np, sizeof *t->theta);
            t->grad = malloc(ts->np * sizeof *t->grad);
            t->work = malloc(sgr_model_work_size(&run->workload.model, maxrows) * sizeof *t->work);
            t->mse = calloc(ts->ncheck, sizeof(double));
            t->tv = calloc(ts->ncheck, sizeof(double));
            t->xerr = calloc(ts->ncheck, sizeof(double));
            t->time = calloc(ts->ncheck, sizeof(double));
            if (!t->theta || !t->grad || !t->work || !t->mse || !t->tv || !t->xerr || !t->time)
                return sgr_fail(err, "out of memory");
            char name[64];
            snprintf(name, sizeof name, "token-%zu-%zu", c, r);
            sgr_run_spawn(run, name, run->hosts[node_host(ts, start)], token_main, t);
        }
    /* theta*: the optimum for each target the walks sample from (computed before the run) */
    ts->theta_star = calloc(ts->np * ts->nconfigs, sizeof *ts->theta_star);
    if (!ts->theta_star)
        return sgr_fail(err, "out of memory");
    for (size_t c = 0; c < ts->nconfigs; c++) {
        const double *mu = sgr_walk_target(ts->tokens[c * ts->replicas].walk);
        size_t same = c;
        for (size_t p = 0; p < c; p++) {
            const double *mp = sgr_walk_target(ts->tokens[p * ts->replicas].walk);
            if (memcmp(mp, mu, ts->graph.n * sizeof *mu) == 0) {
                same = p;
                break;
            }
        }
        if (same != c)
            memcpy(ts->theta_star + c * ts->np, ts->theta_star + same * ts->np,
                   ts->np * sizeof(double));
        else if (sgr_weighted_optimum(&run->workload, mu, ts->graph.n, ts->theta_star + c * ts->np,
                                      err) < 0)
            return SGR_EFAIL;
    }
    return 0;
}

/* mean and 95% confidence half-width (normal approximation) of v[0..k-1] */
static void mean_ci(const double *v, size_t k, double *mean, double *ci)
{
    double m = 0, s2 = 0;
    for (size_t i = 0; i < k; i++)
        m += v[i];
    m /= (double)k;
    for (size_t i = 0; i < k; i++)
        s2 += (v[i] - m) * (v[i] - m);
    *mean = m;
    *ci = k > 1 ? 1.96 * sqrt(s2 / (double)(k - 1) / (double)k) : NAN;
}

/* Slope of log(y) against log(x) by least squares (points with x > 0, y > 0) and, when rel_se
 * (y's standard errors relative to y) is not NULL, its 95% half-width in *ci, the points'
 * errors taken as independent (delta method). */
static double loglog_slope(const double *x, const double *y, const double *rel_se, size_t k,
                           double *ci)
{
    double mx = 0, my = 0, sxx = 0, sxy = 0, var = 0;
    size_t m = 0;
    for (size_t i = 0; i < k; i++)
        if (x[i] > 0 && y[i] > 0) {
            mx += log(x[i]);
            my += log(y[i]);
            m++;
        }
    if (ci)
        *ci = NAN;
    if (m < 2)
        return NAN;
    mx /= (double)m;
    my /= (double)m;
    for (size_t i = 0; i < k; i++)
        if (x[i] > 0 && y[i] > 0) {
            sxx += (log(x[i]) - mx) * (log(x[i]) - mx);
            sxy += (log(x[i]) - mx) * (log(y[i]) - my);
        }
    if (!(sxx > 0))
        return NAN;
    for (size_t i = 0; rel_se && i < k; i++)
        if (x[i] > 0 && y[i] > 0)
            var += (log(x[i]) - mx) * (log(x[i]) - mx) * rel_se[i] * rel_se[i] / (sxx * sxx);
    if (ci && rel_se)
        *ci = 1.96 * sqrt(var);
    return sxy / sxx;
}

/* tr V_theta(alpha) of SA-SRRW's theory (sgr_sasrrw_modes: the limit of MSE / beta_n) for
 * configuration c, or NAN where the theorem does not speak: a walk other than SRW, MHRW or
 * the SRRW on them, an SRRW with alpha > 0 and b <= a (the theorem's other cases), minibatches
 * (noise it leaves out), or no dense theory (theory false). H(theta*, i) = -grad f_i(theta*)
 * and the Hessian come from the agents' real data; modes[] caches them per chain. */
static double mse_theory_trace(tk_state *ts, size_t c, bool theory, sgr_sasrrw_modes modes[2])
{
    const tk_config *cf = &ts->configs[c];
    sgr_walk_kind chain = cf->kind == SGR_WALK_SRRW ? ts->base : cf->kind;
    if (!theory || (chain != SGR_WALK_SRW && chain != SGR_WALK_MHRW) || ts->batch ||
        (cf->kind == SGR_WALK_SRRW && cf->alpha > 0 && !(ts->b > ts->a)))
        return NAN;
    sgr_sasrrw_modes *m = &modes[chain == SGR_WALK_MHRW];
    if (m->count == 0) {
        size_t n = ts->graph.n, np = ts->np;
        double *G = malloc(n * np * sizeof *G), *hess = malloc(np * np * sizeof *hess);
        sgr_walk_cfg wc = {.kind = chain, .gamma_exp = ts->a, .mu = ts->target};
        sgr_err err = {0};
        int rc = G && hess
                     ? sgr_local_gradients_hessian(
                           &ts->run->workload, sgr_walk_target(ts->tokens[c * ts->replicas].walk),
                           n, ts->theta_star + c * np, G, hess, &err)
                     : sgr_fail(&err, "out of memory");
        for (size_t k = 0; rc == 0 && k < n * np; k++)
            G[k] = -G[k];
        if (rc == 0)
            rc = sgr_sasrrw_modes_new(&ts->graph, &wc, G, np, hess, ts->b, ts->scale, m, &err);
        free(G);
        free(hess);
        if (rc < 0) {
            XBT_WARN("no SA-SRRW theory for the %s chain: %s", sgr_walk_kind_name(chain), err.msg);
            return NAN;
        }
    }
    return sgr_sasrrw_trace(m, cf->kind == SGR_WALK_SRRW ? cf->alpha : 0.0);
}

static int tk_finish(sgr_run *run, sgr_err *err)
{
    tk_state *ts = run->state;
    int rc = 0;
    if (!ts)
        return 0;
    size_t R = ts->replicas, last = ts->ncheck - 1;
    if (ts->finished < ts->nconfigs * R && !sgr_run_interrupted())
        rc = sgr_fail(err, "only %zu of %zu tokens finished", ts->finished, ts->nconfigs * R);
    double *v1 = malloc(R * sizeof *v1), *v2 = malloc(R * sizeof *v2), *v3 = malloc(R * sizeof *v3);
    double alphas[MAX_CONFIGS] = {0}, mses[MAX_CONFIGS] = {0}, xvars[MAX_CONFIGS] = {0};
    double mse_se[MAX_CONFIGS] = {0}, mse_th[MAX_CONFIGS] = {0};
    sgr_sasrrw_modes modes[2] = {{0}, {0}};
    size_t nsr = 0;
    json_t *configs = json_array();
    bool theory = ts->graph.n <= (size_t)sgr_scn_int(run->scn, "algorithm.theory_max_nodes");
    /* the CLT scaling of the visit estimate: n for a = 1, 1/gamma_n otherwise */
    double scale_x = pow((double)ts->hops + 1.0, ts->a);
    /* SA-SRRW's CLT: E|theta_N - theta*|^2 ~ beta_N tr V_theta(alpha) */
    double beta_N = ts->scale * pow((double)ts->hops + 1.0, -ts->b);
    printf("%-6s %7s %14s %11s %12s %10s %14s %11s %12s %8s\n", "walk", "alpha", "MSE(theta)",
           "+-95%", "MSE theory", "TV", "visit var", "+-95%", "theory", "ratio");
    for (size_t c = 0; c < ts->nconfigs && ts->finished == ts->nconfigs * R; c++) {
        /* the SRRW's x moves with gamma_n; the other walks' estimate is the empirical
         * measure, whose CLT scaling is n (a = 1) */
        const tk_config *cf = &ts->configs[c];
        bool srrw = cf->kind == SGR_WALK_SRRW;
        for (size_t r = 0; r < R; r++) {
            const tk_token *t = &ts->tokens[c * R + r];
            v1[r] = t->mse[last];
            v2[r] = t->tv[last];
            v3[r] = t->xerr[last] * (srrw ? scale_x : (double)ts->hops);
        }
        double mse, mse_ci, tv, tv_ci, xv, xv_ci;
        mean_ci(v1, R, &mse, &mse_ci);
        mean_ci(v2, R, &tv, &tv_ci);
        mean_ci(v3, R, &xv, &xv_ci);
        double th = NAN;
        if (cf->kind == SGR_WALK_IID) {
            /* i.i.d. draws: the multinomial covariance diag(mu) - mu mu^T */
            const double *mu = sgr_walk_target(ts->tokens[c * R].walk);
            th = 1.0;
            for (size_t i = 0; i < ts->graph.n; i++)
                th -= mu[i] * mu[i];
        } else if (theory && cf->kind != SGR_WALK_NBRW) {
            sgr_walk_cfg wc = {.kind = cf->kind,
                               .base = ts->base,
                               .alpha = cf->alpha,
                               .gamma_exp = srrw ? ts->a : 1.0,
                               .mu = ts->target};
            sgr_err terr;
            if (sgr_srrw_covariance(&ts->graph, &wc, cf->kind == SGR_WALK_SRRW ? cf->alpha : 0.0,
                                    NULL, &th, &terr) < 0)
                th = NAN;
        }
        double mth = beta_N * mse_theory_trace(ts, c, theory, modes);
        printf("%-6s %7.3g %14.6g %11.3g %12.6g %10.4g %14.6g %11.3g %12.6g %8.3f\n",
               sgr_walk_kind_name(cf->kind), cf->alpha, mse, mse_ci, mth, tv, xv, xv_ci, th,
               xv / th);
        json_t *o =
            json_pack("{s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:I, s:I}", "walk",
                      sgr_walk_kind_name(cf->kind), "alpha", cf->alpha, "mse", mse, "mse_ci95",
                      isnan(mse_ci) ? 0.0 : mse_ci, "tv", tv, "tv_ci95", isnan(tv_ci) ? 0.0 : tv_ci,
                      "visit_variance", xv, "visit_variance_ci95", isnan(xv_ci) ? 0.0 : xv_ci,
                      "replicas", (json_int_t)R, "hops", (json_int_t)ts->hops);
        json_object_set_new(o, "mse_over_beta", json_real(mse / beta_N));
        if (!isnan(mth)) {
            json_object_set_new(o, "mse_theory", json_real(mth));
            json_object_set_new(o, "mse_over_beta_theory", json_real(mth / beta_N));
        }
        if (!isnan(th)) {
            json_object_set_new(o, "visit_variance_theory", json_real(th));
            json_object_set_new(o, "visit_variance_ratio", json_real(xv / th));
        }
        json_array_append_new(configs, o);
        if (cf->kind == SGR_WALK_SRRW && cf->alpha > 0) {
            alphas[nsr] = cf->alpha;
            mses[nsr] = mse;
            mse_se[nsr] = mse_ci / 1.96 / mse;
            mse_th[nsr] = mth;
            xvars[nsr++] = xv;
        }
    }
    /* the theory's own slope over the same alphas (it tends to -2 only for large alpha), and
     * its large-alpha limit, computed rather than assumed */
    double slope_ci, slope_mse = loglog_slope(alphas, mses, mse_se, nsr, &slope_ci);
    double slope_x = loglog_slope(alphas, xvars, NULL, nsr, NULL);
    double slope_th = loglog_slope(alphas, mse_th, NULL, nsr, NULL), slope_lim = NAN;
    const sgr_sasrrw_modes *srrw_modes = &modes[ts->base == SGR_WALK_MHRW];
    if (srrw_modes->count && nsr)
        slope_lim = sgr_sasrrw_slope(srrw_modes, 1e6 * alphas[nsr - 1]);
    if (nsr >= 2)
        printf("fitted exponent in alpha (alpha > 0): MSE %.3f +- %.3f (SA-SRRW theory over these "
               "alphas %.3f, for large alpha %.3f), visit variance %.3f (predicted -1)\n",
               slope_mse, slope_ci, slope_th, slope_lim, slope_x);
    run->results = json_pack("{s:o, s:I, s:I, s:I, s:f, s:f, s:f}", "configs", configs, "nodes",
                             (json_int_t)ts->graph.n, "edges", (json_int_t)ts->graph.m, "hops",
                             (json_int_t)ts->hops, "gamma_exp", ts->a, "beta_exp", ts->b,
                             "simulated_time_s", simgrid_get_clock());
    if (nsr >= 2) {
        json_object_set_new(run->results, "mse_alpha_exponent", json_real(slope_mse));
        if (!isnan(slope_ci))
            json_object_set_new(run->results, "mse_alpha_exponent_ci95", json_real(slope_ci));
        json_object_set_new(run->results, "visit_variance_alpha_exponent", json_real(slope_x));
        if (!isnan(slope_th) && ts->b > ts->a) {
            json_object_set_new(run->results, "mse_alpha_exponent_predicted", json_real(slope_th));
            json_object_set_new(run->results, "mse_alpha_exponent_predicted_limit",
                                json_real(slope_lim));
        }
        json_object_set_new(run->results, "visit_variance_alpha_exponent_predicted",
                            json_real(-1.0));
    }
    sgr_sasrrw_modes_free(&modes[0]);
    sgr_sasrrw_modes_free(&modes[1]);
    free(v1);
    free(v2);
    free(v3);
    for (size_t i = 0; ts->tokens && i < ts->nconfigs * R; i++) {
        tk_token *t = &ts->tokens[i];
        sgr_walk_free(t->walk);
        if (t->rng)
            gsl_rng_free(t->rng);
        free(t->theta);
        free(t->grad);
        free(t->work);
        free(t->mse);
        free(t->tv);
        free(t->xerr);
        free(t->time);
    }
    free(ts->tokens);
    free(ts->check_hops);
    free(ts->theta_star);
    free(ts->target);
    free(ts->graph_path);
    sgr_graph_free(&ts->graph);
    free(ts);
    run->state = NULL;
    return rc;
}

const sgr_family sgr_family_token = {
    .keys = {"token",
             "Tokens carrying the model walk over a logical graph (SRW, MHRW, NBRW, i.i.d. and "
             "the self-repellent random walk, SA-SRRW), a local gradient step at each agent and "
             "a network trip per hop; MSE, visit-measure error and their theory across alpha.",
             token_keys, "graph"},
    .check = tk_check,
    .deploy = tk_deploy,
    .finish = tk_finish,
    .report = &sgr_token_report,
    .sweep = &sgr_token_sweep,
};
