/* Parameter search over gradient-coding schemes on the round model. */
#include "simgrad/sgc_search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_fit.h>

void sgr_delay_model_fill(const sgr_delay_model *dm, double load, double *delays)
{
    size_t total = dm->rounds * dm->n;
    for (size_t i = 0; i < total; i++)
        delays[i] = dm->base[i] + load * dm->per_load[i];
}

int sgr_sgc_evaluate(const sgr_sgc_params *p, const sgr_delay_model *dm, double mu, double *runtime,
                     size_t *waits, sgr_err *err)
{
    sgr_sgc *sc = sgr_sgc_new(p, err);
    if (!sc)
        return -1;
    int rc = -1;
    double *delays = NULL;
    if (sgr_sgc_rounds(sc) > dm->rounds) {
        sgr_fail(err, "the delays cover %zu rounds, %s needs %zu (J + T)", dm->rounds,
                 sgr_scheme_name(p->kind), sgr_sgc_rounds(sc));
        goto out;
    }
    delays = malloc(dm->rounds * dm->n * sizeof *delays);
    if (!delays) {
        sgr_fail(err, "out of memory");
        goto out;
    }
    sgr_delay_model_fill(dm, sgr_sgc_load(sc), delays);
    double t = sgr_sgc_simulate(sc, delays, mu, NULL, waits, err);
    if (t < 0)
        goto out;
    *runtime = t;
    rc = 0;
out:
    free(delays);
    sgr_sgc_free(sc);
    return rc;
}

static void consider(const sgr_sgc_params *p, const sgr_delay_model *dm, double mu,
                     sgr_sgc_params *best, double *best_time, size_t *best_waits, size_t *tried)
{
    double t;
    size_t waits;
    sgr_err ignored;
    /* inadmissible here (e.g. too few samples for the layout): not a candidate */
    if (sgr_sgc_evaluate(p, dm, mu, &t, &waits, &ignored) < 0)
        return;
    (*tried)++;
    if (t < *best_time) {
        *best_time = t;
        *best_waits = waits;
        *best = *p;
    }
}

int sgr_sgc_search(const sgr_sgc_params *tmpl, const sgr_delay_model *dm, double mu,
                   const sgr_search_space *space, sgr_sgc_params *best, double *runtime,
                   size_t *waits, size_t *tried, sgr_err *err)
{
    sgr_sgc_params p = *tmpl;
    p.schedule_only = true;
    double best_time = INFINITY;
    size_t best_waits = 0;
    size_t n = p.n;
    *tried = 0;
    switch (p.kind) {
    case SGR_SCHEME_UNCODED:
        consider(&p, dm, mu, best, &best_time, &best_waits, tried);
        break;
    case SGR_SCHEME_IGNORE:
    case SGR_SCHEME_GC:
        for (size_t s = 0; s < n; s++) {
            if (p.code == SGR_GC_FRACTIONAL && p.kind == SGR_SCHEME_GC && n % (s + 1) != 0)
                continue;
            p.s = s;
            consider(&p, dm, mu, best, &best_time, &best_waits, tried);
        }
        break;
    case SGR_SCHEME_SRSGC:
        for (int lambda = 1; lambda <= (int)n; lambda++)
            for (int B = 1; (size_t)B <= space->max_delay; B++)
                for (int W = B + 1; (size_t)W <= space->max_W; W += B) {
                    p.B = B;
                    p.W = W;
                    p.lambda = lambda;
                    size_t s = sgr_srsgc_s(B, W, lambda);
                    if (s >= n || (p.code == SGR_GC_FRACTIONAL && n % (s + 1) != 0))
                        continue;
                    consider(&p, dm, mu, best, &best_time, &best_waits, tried);
                }
        break;
    case SGR_SCHEME_MSGC:
        for (int lambda = 1; lambda <= (int)n; lambda++)
            for (int W = 2; (size_t)W <= space->max_W; W++)
                for (int B = 1; B < W && (size_t)(W - 2 + B) <= space->max_delay; B++) {
                    p.B = B;
                    p.W = W;
                    p.lambda = lambda;
                    if (p.code == SGR_GC_FRACTIONAL && (size_t)lambda < n &&
                        n % (size_t)(lambda + 1) != 0)
                        continue;
                    consider(&p, dm, mu, best, &best_time, &best_waits, tried);
                }
        break;
    }
    if (*tried == 0)
        return sgr_fail(err,
                        "%s: no admissible parameters within max delay %zu and W <= %zu "
                        "(or the delays cover too few rounds)",
                        sgr_scheme_name(p.kind), space->max_delay, space->max_W);
    best->schedule_only = false;
    *runtime = best_time;
    *waits = best_waits;
    return 0;
}

int sgr_fit_load_slope(const double *loads, const double *mean_times, size_t count, double *comp,
                       double *intercept, sgr_err *err)
{
    if (count < 2)
        return sgr_fail(err, "fitting the load slope needs traces at two loads or more");
    bool distinct = false;
    for (size_t i = 1; i < count; i++)
        distinct |= loads[i] != loads[0];
    if (!distinct)
        return sgr_fail(err, "fitting the load slope needs traces at distinct loads");
    double c0, c1, cov00, cov01, cov11, sumsq;
    gsl_fit_linear(loads, 1, mean_times, 1, count, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
    *intercept = c0;
    *comp = c1;
    return 0;
}
