/* Parameter search over gradient-coding schemes on the round model, with the enumerations of
 * both rule sets (include/simgrad/sgc_search.h), and the load-slope fit of trace studies. */
#include "simgrad/sgc_search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_fit.h>

void sgr_delay_model_fill(const sgr_delay_model *dm, double load, double *delays)
{
    size_t total = dm->rounds * dm->n;
    for (size_t i = 0; i < total; i++) {
        /* the same expression, in the same order, as the family's trace mode */
        double d = dm->base[i] + (load - dm->load0) * dm->per_load[i];
        delays[i] = d < 0 ? 0 : d;
    }
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

typedef struct search_run {
    const sgr_delay_model *dm;
    double mu;
    sgr_search_visit_fn visit;
    void *ctx;
    sgr_search_result *res;
} search_run;

static void consider(search_run *sr, const sgr_sgc_params *p)
{
    double t;
    size_t waits;
    sgr_err e;
    sr->res->enumerated++;
    if (sgr_sgc_evaluate(p, sr->dm, sr->mu, &t, &waits, &e) < 0) {
        if (sr->visit)
            sr->visit(sr->ctx, p, NAN, 0, e.msg);
        return;
    }
    sr->res->tried++;
    if (sr->visit)
        sr->visit(sr->ctx, p, t, waits, NULL);
    if (sr->res->tried == 1 || t < sr->res->runtime) { /* strict: the first minimum stays */
        sr->res->runtime = t;
        sr->res->waits = waits;
        sr->res->best = *p;
    }
}

static void enumerate_srsgc(search_run *sr, sgr_sgc_params p, const sgr_search_space *space)
{
    for (int lambda = 1; lambda <= (int)p.n; lambda++)
        for (int B = 1; (size_t)B <= space->max_delay; B++)
            for (int W = B + 1; (size_t)W <= space->max_W; W += B) {
                p.B = B;
                p.W = W;
                p.lambda = lambda;
                consider(sr, &p);
            }
}

static void enumerate_msgc(search_run *sr, sgr_sgc_params p, const sgr_search_space *space)
{
    bool ref = p.rules == SGR_RULES_REFERENCE;
    /* reference: range(2, max_W) and max_delay >= W - 1 + B; simgrad: W <= max_W, T <= max */
    size_t W_end = ref ? space->max_W : space->max_W + 1, extra = ref ? 1 : 0;
    for (int lambda = 1; lambda <= (int)p.n; lambda++)
        for (int W = 2; (size_t)W < W_end; W++)
            for (int B = 1; B < W && (size_t)(W - 2 + B) + extra <= space->max_delay; B++) {
                p.B = B;
                p.W = W;
                p.lambda = lambda;
                consider(sr, &p);
            }
}

int sgr_sgc_search(const sgr_sgc_params *tmpl, const sgr_delay_model *dm, double mu,
                   const sgr_search_space *space, sgr_search_visit_fn visit, void *ctx,
                   sgr_search_result *res, sgr_err *err)
{
    sgr_sgc_params p = *tmpl;
    p.schedule_only = true;
    memset(res, 0, sizeof *res);
    res->runtime = INFINITY;
    search_run sr = {.dm = dm, .mu = mu, .visit = visit, .ctx = ctx, .res = res};
    size_t n = p.n;
    bool ref = p.rules == SGR_RULES_REFERENCE;
    switch (p.kind) {
    case SGR_SCHEME_UNCODED:
        consider(&sr, &p);
        break;
    case SGR_SCHEME_IGNORE:
    case SGR_SCHEME_GC: {
        bool from1 = ref && p.kind == SGR_SCHEME_GC; /* the reference's s = 1..n */
        for (size_t s = from1 ? 1 : 0; s < (from1 ? n + 1 : n); s++) {
            p.s = s;
            consider(&sr, &p);
        }
        break;
    }
    case SGR_SCHEME_SRSGC:
        enumerate_srsgc(&sr, p, space);
        break;
    case SGR_SCHEME_MSGC:
        enumerate_msgc(&sr, p, space);
        break;
    }
    if (res->tried == 0)
        return sgr_fail(err,
                        "%s: none of the %zu parameter sets within max delay %zu and W <= %zu "
                        "could run (or the delays cover too few rounds)",
                        sgr_scheme_name(p.kind), res->enumerated, space->max_delay, space->max_W);
    res->best.schedule_only = tmpl->schedule_only;
    return 0;
}

int sgr_fit_load_slope(const double *loads, const double *times, size_t count, double *comp,
                       double *intercept, double *r2, sgr_err *err)
{
    if (count < 2)
        return sgr_fail(err, "fitting the load slope needs task times at two loads or more");
    bool distinct = false;
    for (size_t i = 1; i < count; i++)
        distinct |= loads[i] != loads[0];
    if (!distinct)
        return sgr_fail(err, "fitting the load slope needs profiles at two distinct loads");
    double c0, c1, cov00, cov01, cov11, sumsq;
    gsl_fit_linear(loads, 1, times, 1, count, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
    *intercept = c0;
    *comp = c1;
    if (r2) {
        double mean = 0, tss = 0;
        for (size_t i = 0; i < count; i++)
            mean += times[i] / (double)count;
        for (size_t i = 0; i < count; i++)
            tss += (times[i] - mean) * (times[i] - mean);
        *r2 = tss > 0 ? 1.0 - sumsq / tss : 1.0;
    }
    return 0;
}
