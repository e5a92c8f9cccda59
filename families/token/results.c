/* The token family's results: per (walk, alpha) the final MSE, TV and visit variance over the
 * replicas with 95% intervals, next to the theory (the visit estimate's covariance, SA-SRRW's
 * MSE), the slopes in alpha fitted and predicted, the table on stdout and summary.json's
 * results. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/engine.h>
#include <xbt/log.h>

#include "simgrad/fit.h"
#include "simgrad/optimum.h"
#include "simgrad/results.h"
#include "simgrad/run.h"
#include "families/token/token.h"

XBT_LOG_EXTERNAL_DEFAULT_CATEGORY(sgr_token);

/* What the results say across configurations: the SRRW's alpha > 0, for the slopes. */
typedef struct tk_alpha_fit {
    double alphas[TOKEN_MAX_CONFIGS], mses[TOKEN_MAX_CONFIGS], xvars[TOKEN_MAX_CONFIGS];
    double mse_se[TOKEN_MAX_CONFIGS], mse_th[TOKEN_MAX_CONFIGS];
    size_t n;
} tk_alpha_fit;

/* tr V_theta(alpha) of SA-SRRW's theory (sgr_sasrrw_modes: the limit of MSE / beta_n) for
 * configuration c, or NAN where the theorem does not speak: a walk other than SRW, MHRW or
 * the SRRW on them, an SRRW with alpha > 0 and b <= a (the theorem's other cases), minibatches
 * (noise it leaves out), or no dense theory (theory false). H(theta*, i) = -grad f_i(theta*)
 * and the Hessian come from the agents' real data; modes[] caches them per chain. */
static double mse_theory_trace(tk_state *ts, size_t c, bool theory, sgr_sasrrw_modes modes[2])
{
    const tk_config *cf = &ts->c->configs[c];
    sgr_walk_kind chain = cf->kind == SGR_WALK_SRRW ? ts->c->base : cf->kind;
    if (!theory || (chain != SGR_WALK_SRW && chain != SGR_WALK_MHRW) || ts->c->batch ||
        (cf->kind == SGR_WALK_SRRW && cf->alpha > 0 && !(ts->c->b > ts->c->a)))
        return NAN;
    sgr_sasrrw_modes *m = &modes[chain == SGR_WALK_MHRW];
    if (m->count == 0) {
        size_t n = ts->graph.n, np = ts->np;
        double *G = malloc(n * np * sizeof *G), *hess = malloc(np * np * sizeof *hess);
        sgr_walk_cfg wc = {.kind = chain, .gamma_exp = ts->c->a, .mu = ts->target};
        sgr_err err = {0};
        int rc =
            G && hess
                ? sgr_local_gradients_hessian(&ts->run->workload,
                                              sgr_walk_target(ts->tokens[c * ts->c->replicas].walk),
                                              n, ts->theta_star + c * np, G, hess, &err)
                : sgr_fail(&err, "out of memory");
        for (size_t k = 0; rc == 0 && k < n * np; k++)
            G[k] = -G[k];
        if (rc == 0)
            rc =
                sgr_sasrrw_modes_new(&ts->graph, &wc, G, np, hess, ts->c->b, ts->c->scale, m, &err);
        free(G);
        free(hess);
        if (rc < 0) {
            XBT_WARN("no SA-SRRW theory for the %s chain: %s", sgr_walk_kind_name(chain), err.msg);
            return NAN;
        }
    }
    return sgr_sasrrw_trace(m, cf->kind == SGR_WALK_SRRW ? cf->alpha : 0.0);
}

/* The visit estimate's asymptotic variance for configuration c: the multinomial covariance
 * for i.i.d. draws, the chain's (or the SRRW's) covariance otherwise, NAN where there is no
 * theory (NBRW, or too many nodes). */
static double visit_theory(const tk_state *ts, size_t c, bool theory)
{
    const tk_config *cf = &ts->c->configs[c];
    bool srrw = cf->kind == SGR_WALK_SRRW;
    double th = NAN;
    if (cf->kind == SGR_WALK_IID) {
        /* i.i.d. draws: the multinomial covariance diag(mu) - mu mu^T */
        const double *mu = sgr_walk_target(ts->tokens[c * ts->c->replicas].walk);
        th = 1.0;
        for (size_t i = 0; i < ts->graph.n; i++)
            th -= mu[i] * mu[i];
    } else if (theory && cf->kind != SGR_WALK_NBRW) {
        sgr_walk_cfg wc = {.kind = cf->kind,
                           .base = ts->c->base,
                           .alpha = cf->alpha,
                           .gamma_exp = srrw ? ts->c->a : 1.0,
                           .mu = ts->target};
        sgr_err terr;
        if (sgr_srrw_covariance(&ts->graph, &wc, srrw ? cf->alpha : 0.0, NULL, &th, &terr) < 0)
            th = NAN;
    }
    return th;
}

/* Configuration c's row: measured means over the replicas, their theory, printed and as JSON;
 * SRRW rows with alpha > 0 go into fit. */
static json_t *summarize_config(tk_state *ts, size_t c, bool theory, sgr_sasrrw_modes modes[2],
                                double *buf, tk_alpha_fit *fit)
{
    const token_cfg *k = ts->c;
    size_t R = k->replicas, last = ts->ncheck - 1;
    const tk_config *cf = &k->configs[c];
    bool srrw = cf->kind == SGR_WALK_SRRW;
    /* the CLT scaling of the visit estimate: n for a = 1, 1/gamma_n otherwise; the other walks'
     * estimate is the empirical measure, whose CLT scaling is n (a = 1) */
    double scale_x = pow((double)k->hops + 1.0, k->a);
    /* SA-SRRW's CLT: E|theta_N - theta*|^2 ~ beta_N tr V_theta(alpha) */
    double beta_N = k->scale * pow((double)k->hops + 1.0, -k->b);
    double mse, mse_ci, tv, tv_ci, xv, xv_ci;
    double *v1 = buf, *v2 = buf + R, *v3 = buf + 2 * R;
    for (size_t r = 0; r < R; r++) {
        const tk_token *t = &ts->tokens[c * R + r];
        v1[r] = t->mse[last];
        v2[r] = t->tv[last];
        v3[r] = t->xerr[last] * (srrw ? scale_x : (double)k->hops);
    }
    sgr_fit_mean_ci95(v1, R, &mse, &mse_ci);
    sgr_fit_mean_ci95(v2, R, &tv, &tv_ci);
    sgr_fit_mean_ci95(v3, R, &xv, &xv_ci);
    double th = visit_theory(ts, c, theory);
    double mth = beta_N * mse_theory_trace(ts, c, theory, modes);
    printf("%-6s %7.3g %14.6g %11.3g %12.6g %10.4g %14.6g %11.3g %12.6g %8.3f\n",
           sgr_walk_kind_name(cf->kind), cf->alpha, mse, mse_ci, mth, tv, xv, xv_ci, th, xv / th);
    json_t *o = json_pack(
        "{s:s, s:f, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I}", "walk", sgr_walk_kind_name(cf->kind),
        "alpha", cf->alpha, "mse", sgr_json_real(mse), "mse_ci95",
        sgr_json_real(isnan(mse_ci) ? 0.0 : mse_ci), "tv", sgr_json_real(tv), "tv_ci95",
        sgr_json_real(isnan(tv_ci) ? 0.0 : tv_ci), "visit_variance", sgr_json_real(xv),
        "visit_variance_ci95", sgr_json_real(isnan(xv_ci) ? 0.0 : xv_ci), "replicas", (json_int_t)R,
        "hops", (json_int_t)k->hops);
    json_object_set_new(o, "mse_over_beta", sgr_json_real(mse / beta_N));
    if (!isnan(mth)) {
        json_object_set_new(o, "mse_theory", json_real(mth));
        json_object_set_new(o, "mse_over_beta_theory", json_real(mth / beta_N));
    }
    if (!isnan(th)) {
        json_object_set_new(o, "visit_variance_theory", json_real(th));
        json_object_set_new(o, "visit_variance_ratio", sgr_json_real(xv / th));
    }
    if (srrw && cf->alpha > 0) {
        fit->alphas[fit->n] = cf->alpha;
        fit->mses[fit->n] = mse;
        fit->mse_se[fit->n] = mse_ci / 1.96 / mse;
        fit->mse_th[fit->n] = mth;
        fit->xvars[fit->n++] = xv;
    }
    return o;
}

/* The slopes in alpha: measured, and the theory's own over the same alphas (it tends to -2
 * only for large alpha) with its large-alpha limit, computed rather than assumed. */
static void fit_slopes(const tk_state *ts, const tk_alpha_fit *f, const sgr_sasrrw_modes modes[2],
                       json_t *res)
{
    double slope_ci,
        slope_mse = sgr_fit_loglog_slope(f->alphas, f->mses, f->mse_se, f->n, &slope_ci);
    double slope_x = sgr_fit_loglog_slope(f->alphas, f->xvars, NULL, f->n, NULL);
    double slope_th = sgr_fit_loglog_slope(f->alphas, f->mse_th, NULL, f->n, NULL), slope_lim = NAN;
    const sgr_sasrrw_modes *srrw_modes = &modes[ts->c->base == SGR_WALK_MHRW];
    if (srrw_modes->count && f->n)
        slope_lim = sgr_sasrrw_slope(srrw_modes, 1e6 * f->alphas[f->n - 1]);
    if (f->n < 2)
        return;
    printf("fitted exponent in alpha (alpha > 0): MSE %.3f +- %.3f (SA-SRRW theory over these "
           "alphas %.3f, for large alpha %.3f), visit variance %.3f (predicted -1)\n",
           slope_mse, slope_ci, slope_th, slope_lim, slope_x);
    json_object_set_new(res, "mse_alpha_exponent", json_real(slope_mse));
    if (!isnan(slope_ci))
        json_object_set_new(res, "mse_alpha_exponent_ci95", json_real(slope_ci));
    json_object_set_new(res, "visit_variance_alpha_exponent", json_real(slope_x));
    if (!isnan(slope_th) && ts->c->b > ts->c->a) {
        json_object_set_new(res, "mse_alpha_exponent_predicted", json_real(slope_th));
        json_object_set_new(res, "mse_alpha_exponent_predicted_limit", json_real(slope_lim));
    }
    json_object_set_new(res, "visit_variance_alpha_exponent_predicted", json_real(-1.0));
}

/* The first hop at which a token's model was not finite, if any token diverged. */
static void mark_divergence(const tk_state *ts, json_t *res)
{
    long first = -1;
    for (size_t i = 0; i < ts->c->nconfigs * ts->c->replicas; i++) {
        long h = ts->tokens[i].diverged_hop;
        if (h >= 0 && (first < 0 || h < first))
            first = h;
    }
    if (!res)
        return;
    if (first >= 0)
        sgr_results_diverged(res, "hop", (double)first);
    else
        sgr_results_converged(res);
}

static void state_free(tk_state *ts)
{
    for (size_t i = 0; ts->tokens && i < ts->c->nconfigs * ts->c->replicas; i++) {
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
    sgr_graph_free(&ts->graph);
    free(ts);
}

int sgr_token_finish(sgr_run *run, sgr_err *err)
{
    tk_state *ts = run->state;
    if (!ts)
        return 0;
    const token_cfg *k = ts->c;
    size_t R = k->replicas;
    int rc = 0;
    if (ts->finished < k->nconfigs * R && !sgr_run_interrupted())
        rc = sgr_fail(err, "only %zu of %zu tokens finished", ts->finished, k->nconfigs * R);
    double *buf = malloc(3 * R * sizeof *buf);
    tk_alpha_fit fit = {.n = 0};
    sgr_sasrrw_modes modes[2] = {{0}, {0}};
    json_t *configs = json_array();
    bool theory = ts->graph.n <= k->theory_max_nodes;
    printf("%-6s %7s %14s %11s %12s %10s %14s %11s %12s %8s\n", "walk", "alpha", "MSE(theta)",
           "+-95%", "MSE theory", "TV", "visit var", "+-95%", "theory", "ratio");
    for (size_t c = 0; buf && c < k->nconfigs && ts->finished == k->nconfigs * R; c++)
        json_array_append_new(configs, summarize_config(ts, c, theory, modes, buf, &fit));
    run->results = json_pack("{s:o, s:I, s:I, s:I, s:f, s:f, s:f}", "configs", configs, "nodes",
                             (json_int_t)ts->graph.n, "edges", (json_int_t)ts->graph.m, "hops",
                             (json_int_t)k->hops, "gamma_exp", k->a, "beta_exp", k->b,
                             "simulated_time_s", simgrid_get_clock());
    fit_slopes(ts, &fit, modes, run->results);
    mark_divergence(ts, run->results);
    if (!buf && rc == 0)
        rc = sgr_fail(err, "out of memory");
    sgr_sasrrw_modes_free(&modes[0]);
    sgr_sasrrw_modes_free(&modes[1]);
    free(buf);
    state_free(ts);
    run->state = NULL;
    return rc;
}
