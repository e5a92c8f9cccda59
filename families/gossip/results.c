/* The gossip family's results: the table on stdout, the summary's results (graph constants,
 * x*, the initial distance, each method's errors and counts against the predicted rates),
 * and the state freed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/engine.h>

#include "simgrad/results.h"
#include "families/gossip/gossip.h"

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

/* One method's rows of the table and its summary object. */
static json_t *method_results(gs_state *gs, method_result *r)
{
    double sk = sqrt(gs->L / gs->mu), comm_factor = sqrt(gs->gc.chi1 * gs->gc.chi2);
    r->rate = fitted_rate(r);
    json_t *rows = json_array();
    for (int e = 0; e < GS_NEPS; e++) {
        double l = log(1.0 / gs_eps_levels[e]);
        double pg = (double)gs->n * sk * l, pc = (double)gs->n * comm_factor * sk * l, pt = sk * l;
        if (!isnan(r->t_eps[e]))
            printf("%-9s %8.0e %12.5g %12.0f %12.0f %12.3g %10.3g %12s\n", gs_method_names[r->kind],
                   gs_eps_levels[e], r->t_eps[e], r->g_eps[e], r->c_eps[e], r->g_eps[e] / pg,
                   r->c_eps[e] / pc, "");
        json_array_append_new(
            rows, json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "eps", gs_eps_levels[e],
                            "time_units", isnan(r->t_eps[e]) ? -1.0 : r->t_eps[e], "gradients",
                            isnan(r->g_eps[e]) ? -1.0 : r->g_eps[e], "gossips",
                            isnan(r->c_eps[e]) ? -1.0 : r->c_eps[e], "predicted_gradients", pg,
                            "predicted_gossips", pc, "predicted_time_units", pt));
    }
    printf("%-9s final relative error %.3g after %lu gradients and %lu gossips; fitted rate %.4g "
           "per time unit (sqrt(mu/L) = %.4g)\n",
           gs_method_names[r->kind], r->final_rel, r->grads, r->gossips, r->rate, 1.0 / sk);
    json_t *m = json_pack("{s:s, s:o, s:I, s:I, s:I, s:o, s:f, s:o, s:b}", "method",
                          gs_method_names[r->kind], "final_rel_error", sgr_json_real(r->final_rel),
                          "gradients", (json_int_t)r->grads, "gossips", (json_int_t)r->gossips,
                          "messages", (json_int_t)r->messages, "fitted_rate",
                          sgr_json_real(isnan(r->rate) ? 0.0 : r->rate), "simulated_seconds",
                          r->sim_seconds, "precision", rows, "diverged", !isnan(r->diverged_t));
    json_object_set_new(m, "final_abs_error", sgr_json_real(r->final_abs));
    if (!isnan(r->diverged_t))
        json_object_set_new(m, "diverged_t_units", json_real(r->diverged_t));
    return m;
}

/* The run diverged if a method's error stopped being finite (that method ended there). */
static void mark_divergence(const gs_state *gs, json_t *res)
{
    const method_result *first = NULL;
    for (size_t k = 0; k < gs->c->nmethods; k++)
        if (!isnan(gs->res[k].diverged_t) && !first)
            first = &gs->res[k];
    if (!res)
        return;
    if (!first) {
        sgr_results_converged(res);
        return;
    }
    char at[128];
    snprintf(at, sizeof at, "%s, t = %.6g time units", gs_method_names[first->kind],
             first->diverged_t);
    json_object_set_new(res, "diverged", json_true());
    json_object_set_new(res, "diverged_at", json_string(at));
    json_object_set_new(res, "diverged_method", json_string(gs_method_names[first->kind]));
}

/* x*, mu and L as computed and as used, the measure, the replay. */
static void problem_results(const gs_state *gs, json_t *res)
{
    json_t *xs = json_array();
    for (size_t k = 0; k < gs->d; k++)
        json_array_append_new(xs, json_real(gs->xstar[k]));
    json_object_set_new(res, "xstar", xs);
    json_object_set_new(res, "xstar_grad_norm", json_real(gs->xstar_grad_norm));
    json_object_set_new(res, "initial_distance", json_real(gs->d0));
    json_object_set_new(res, "mu_computed", json_real(gs->mu_computed));
    json_object_set_new(res, "L_computed", json_real(gs->L_computed));
    json_object_set_new(res, "error_measure",
                        json_string(gs->c->measure == MEASURE_FLOW ? "flow" : "last-event"));
    json_object_set_new(res, "graph_versions", json_integer((json_int_t)gs->nversions));
    json_object_set_new(res, "graph_switch_every",
                        json_real(gs->seq.rate > 0 ? 1.0 / gs->seq.rate : gs->seq.every));
    if (gs->replay)
        json_object_set_new(res, "replayed_events", json_integer((json_int_t)gs->nreplay));
    if (gs->edge_rate)
        json_object_set_new(res, "edge_rate_condition", json_real(gs->rate_condition));
}

static void free_state(gs_state *gs)
{
    for (size_t k = 0; k < gs->c->nmethods; k++) {
        free(gs->res[k].ts);
        free(gs->res[k].rs);
    }
    for (size_t k = 0; gs->old_nodes && k < gs->c->nmethods; k++)
        gs_free_nodes(gs, gs->old_nodes[k]);
    free(gs->old_nodes);
    gs_free_nodes(gs, gs->nodes);
    gs_pool_free(gs);
    sgr_dadao_free(&gs->dd);
    sgr_adom_free(&gs->adom);
    free(gs->xstar);
    free(gs->x0);
    free(gs->xnext);
    free(gs->replay);
    free(gs->edge_rate);
    if (gs->edge_pick)
        gsl_ran_discrete_free(gs->edge_pick);
    gs_free_graphs(gs->versions, gs->nversions);
    free(gs);
}

int gs_finish(sgr_run *run, sgr_err *err)
{
    gs_state *gs = run->state;
    if (!gs)
        return 0;
    int rc = 0;
    if (gs->events && sgr_event_log_close(gs->events, !sgr_run_interrupted(), err) < 0)
        rc = SGR_EFAIL;
    gs->events = NULL;
    if (!gs->xstar) { /* deploy failed before the problem was set */
        free_state(gs);
        run->state = NULL;
        return rc;
    }
    double sk = sqrt(gs->L / gs->mu);
    printf("graph: %zu nodes, %zu edges, chi1 %.6g, chi2 %.6g, lambda_mix %.6g%s; mu %.4g, L "
           "%.4g, sqrt(L/mu) %.4g\n",
           gs->n, gs->graph.m, gs->gc.chi1, gs->gc.chi2, gs->gc.lambda_mix,
           gs->gc.exact ? "" : " (iterative)", gs->mu, gs->L, sk);
    printf("x*: |grad| %.3g after %d Newton steps; initial distance d0 = mean |x0_i - x*|^2 = "
           "%.6g; error measure %s\n",
           gs->xstar_grad_norm, gs->xstar_iters, gs->d0,
           gs->c->measure == MEASURE_FLOW ? "flow" : "last-event");
    printf("%-9s %8s %12s %12s %12s %12s %10s %12s\n", "method", "eps", "time", "gradients",
           "gossips", "grads/pred", "comm/pred", "final");
    json_t *methods = json_array();
    for (size_t k = 0; k < gs->c->nmethods; k++)
        json_array_append_new(methods, method_results(gs, &gs->res[k]));
    run->results = json_pack("{s:o, s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:b, s:f}", "methods",
                             methods, "nodes", (json_int_t)gs->n, "edges", (json_int_t)gs->graph.m,
                             "chi1", gs->gc.chi1, "chi2", gs->gc.chi2, "lambda_mix", gs->lambda_mix,
                             "mu", gs->mu, "L", gs->L, "sqrt_mu_over_L", 1.0 / sk, "instant",
                             gs->c->instant, "simulated_time_s", simgrid_get_clock());
    problem_results(gs, run->results);
    mark_divergence(gs, run->results);
    free_state(gs);
    run->state = NULL;
    return rc;
}
