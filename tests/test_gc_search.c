/* Parameter search of the gradient-coding schemes (analysis/sgc_search.c): the number of sets
 * each rule set enumerates against the closed forms of the authors' ranges, the first-minimum
 * tie-break, the independence from workload.samples, and the load-slope fit against values
 * worked out by hand. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "simgrad/sgc_search.h"

typedef struct counts {
    size_t visited, refused;
} counts;

static void count_visit(void *ctx, const sgr_sgc_params *p, double t, size_t waits,
                        const char *reason)
{
    counts *c = ctx;
    c->visited++;
    c->refused += reason != NULL;
}

/* Constant task times d on n workers for `rounds` rounds (no straggler ever). */
static sgr_delay_model constant_model(size_t n, size_t rounds, double d, double comp)
{
    double *base = malloc(n * rounds * sizeof *base), *per = malloc(n * rounds * sizeof *per);
    CU_ASSERT_FATAL(base && per);
    for (size_t i = 0; i < n * rounds; i++) {
        base[i] = d;
        per[i] = comp;
    }
    return (sgr_delay_model){.n = n, .rounds = rounds, .base = base, .per_load = per};
}

static void model_free(sgr_delay_model *dm)
{
    free((double *)dm->base);
    free((double *)dm->per_load);
}

static sgr_search_result search(sgr_scheme_kind kind, size_t n, size_t jobs, sgr_sgc_rules rules,
                                const sgr_delay_model *dm, size_t D, size_t maxW, counts *c)
{
    sgr_sgc_params p = {.kind = kind, .n = n, .jobs = jobs, .rules = rules, .samples = 1};
    sgr_search_space sp = {.max_delay = D, .max_W = maxW};
    sgr_search_result res;
    sgr_err err = {{0}};
    memset(c, 0, sizeof *c);
    int rc = sgr_sgc_search(&p, dm, 1.0, &sp, count_visit, c, &res, &err);
    if (rc < 0)
        fprintf(stderr, "\n%s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    return res;
}

/* Closed forms of the enumerations (include/simgrad/sgc_search.h):
 * SR-SGC: n sum_{B=1}^{D} floor((maxW - 1) / B)   (W = B+1, 2B+1, .. <= maxW)
 * M-SGC reference: n sum_{W=2}^{maxW-1} max(0, min(W - 1, D - W + 1))   (W-1+B <= D)
 * M-SGC simgrad:   n sum_{W=2}^{maxW}   max(0, min(W - 1, D - W + 2))   (W-2+B <= D) */
static size_t srsgc_count(size_t n, size_t D, size_t maxW)
{
    size_t c = 0;
    for (size_t B = 1; B <= D; B++)
        c += (maxW - 1) / B;
    return n * c;
}

static size_t msgc_count(size_t n, size_t D, size_t maxW, bool ref)
{
    long c = 0;
    for (long W = 2; W <= (long)maxW - (ref ? 1 : 0); W++) {
        long k = (long)D - W + (ref ? 1 : 2);
        c += k < 1 ? 0 : (k < W - 1 ? k : W - 1);
    }
    return n * (size_t)c;
}

static void test_enumeration_counts(void)
{
    size_t n = 7, J = 12, D = 6;
    /* the authors' setting: the trace has J + D rounds, max_W = J (find_runtime.py:39, 67) */
    sgr_delay_model dm = constant_model(n, J + D, 1.0, 2.0);
    counts c;
    sgr_search_result r;
    r = search(SGR_SCHEME_GC, n, J, SGR_RULES_REFERENCE, &dm, D, J, &c);
    CU_ASSERT_EQUAL(r.enumerated, n); /* s = 1..n */
    CU_ASSERT_EQUAL(r.tried, n);
    r = search(SGR_SCHEME_GC, n, J, SGR_RULES_SIMGRAD, &dm, D, J, &c);
    CU_ASSERT_EQUAL(r.tried, n); /* s = 0..n-1 */
    r = search(SGR_SCHEME_UNCODED, n, J, SGR_RULES_REFERENCE, &dm, D, J, &c);
    CU_ASSERT_EQUAL(r.tried, 1);
    for (int ref = 0; ref < 2; ref++) {
        sgr_sgc_rules rules = ref ? SGR_RULES_REFERENCE : SGR_RULES_SIMGRAD;
        r = search(SGR_SCHEME_SRSGC, n, J, rules, &dm, D, J, &c);
        /* 7 (11 + 5 + 3 + 2 + 2 + 1) = 168 */
        CU_ASSERT_EQUAL(srsgc_count(n, D, J), 168);
        CU_ASSERT_EQUAL(r.enumerated, srsgc_count(n, D, J));
        CU_ASSERT_EQUAL(r.tried, r.enumerated);
        CU_ASSERT_EQUAL(c.visited, r.enumerated);
        CU_ASSERT_EQUAL(c.refused, 0);
        /* M-SGC simgrad rules need J + W - 2 + B <= J + D rounds: all of them fit */
        r = search(SGR_SCHEME_MSGC, n, J, rules, &dm, D, J, &c);
        CU_ASSERT_EQUAL(r.enumerated, msgc_count(n, D, J, ref));
        CU_ASSERT_EQUAL(r.tried, r.enumerated);
    }
    /* reference M-SGC, D = 6: W = 2..6 with B <= min(W-1, 7-W): 1 + 2 + 3 + 2 + 1 = 9 pairs */
    CU_ASSERT_EQUAL(msgc_count(n, D, J, true), 63);
    /* simgrad M-SGC, D = 6: B <= min(W-1, 8-W), W = 2..7: 1 + 2 + 3 + 3 + 2 + 1 = 12 pairs */
    CU_ASSERT_EQUAL(msgc_count(n, D, J, false), 84);
    model_free(&dm);

    /* too few rounds of delays for the larger T: those sets are refused and counted apart */
    dm = constant_model(n, J + 2, 1.0, 2.0);
    r = search(SGR_SCHEME_SRSGC, n, J, SGR_RULES_REFERENCE, &dm, D, J, &c);
    CU_ASSERT_EQUAL(r.enumerated, srsgc_count(n, D, J));
    CU_ASSERT_EQUAL(r.tried, srsgc_count(n, 2, J)); /* B <= 2 */
    CU_ASSERT_EQUAL(c.refused, r.enumerated - r.tried);
    model_free(&dm);
}

/* With equal task times nobody is ever late: GC's runtime is J d for every s, SR-SGC's too
 * (its extra rounds are idle), M-SGC's (J + T) d is least for T = 1, i.e. (B, W) = (1, 2),
 * for every lambda. The first minimum in enumeration order wins, as np.argmin and pandas'
 * idxmin do in the authors' code (analyze_runtime2.py:164, find_runtime.py:79): s = 1
 * (reference) or 0 (simgrad), (B, W, lambda) = (1, 2, 1). base_comp = 0: loads play no part. */
static void test_first_minimum(void)
{
    size_t n = 5, J = 6, D = 3;
    sgr_delay_model dm = constant_model(n, J + D, 2.0, 0.0);
    counts c;
    sgr_search_result r = search(SGR_SCHEME_GC, n, J, SGR_RULES_REFERENCE, &dm, D, J, &c);
    CU_ASSERT_EQUAL(r.best.s, 1);
    CU_ASSERT_DOUBLE_EQUAL(r.runtime, 12.0, 1e-12);
    r = search(SGR_SCHEME_GC, n, J, SGR_RULES_SIMGRAD, &dm, D, J, &c);
    CU_ASSERT_EQUAL(r.best.s, 0);
    for (int k = 0; k < 2; k++) {
        sgr_scheme_kind kind = k ? SGR_SCHEME_MSGC : SGR_SCHEME_SRSGC;
        r = search(kind, n, J, SGR_RULES_REFERENCE, &dm, D, J, &c);
        CU_ASSERT_EQUAL(r.best.B, 1);
        CU_ASSERT_EQUAL(r.best.W, 2);
        CU_ASSERT_EQUAL(r.best.lambda, 1);
        CU_ASSERT_DOUBLE_EQUAL(r.runtime, k ? 14.0 : 12.0, 1e-12);
        CU_ASSERT_EQUAL(r.waits, 0);
    }
    model_free(&dm);
}

/* The search is on the schedule alone: a workload of 1 row (far too few for any layout)
 * changes nothing, and the sets that could not run are still evaluated. */
static void test_search_ignores_samples(void)
{
    size_t n = 6, J = 5, D = 3;
    sgr_delay_model dm = constant_model(n, J + D, 1.0, 3.0);
    sgr_sgc_params p = {.kind = SGR_SCHEME_MSGC, .n = n, .jobs = J, .samples = 1};
    sgr_search_space sp = {.max_delay = D, .max_W = J};
    sgr_search_result a, b;
    sgr_err err;
    CU_ASSERT_EQUAL_FATAL(sgr_sgc_search(&p, &dm, 1.0, &sp, NULL, NULL, &a, &err), 0);
    p.samples = 1u << 30;
    CU_ASSERT_EQUAL_FATAL(sgr_sgc_search(&p, &dm, 1.0, &sp, NULL, NULL, &b, &err), 0);
    CU_ASSERT_EQUAL(a.tried, b.tried);
    CU_ASSERT_EQUAL(a.tried, msgc_count(n, D, J, false));
    CU_ASSERT_DOUBLE_EQUAL(a.runtime, b.runtime, 0);
    /* and run would refuse M-SGC (1, 2, 1) on 1 row: 6 x 1 x 2 chunks + 6 coded partitions */
    sgr_sgc_params q = {
        .kind = SGR_SCHEME_MSGC, .n = n, .jobs = J, .samples = 17, .B = 1, .W = 2, .lambda = 1};
    CU_ASSERT_EQUAL(sgr_sgc_runnable(&q, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "workload.samples = 17"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "at least 18 rows"));
    q.samples = 18;
    CU_ASSERT_EQUAL(sgr_sgc_runnable(&q, &err), 0);
    q.code = SGR_GC_FRACTIONAL; /* lambda + 1 = 2 divides 6 */
    CU_ASSERT_EQUAL(sgr_sgc_runnable(&q, &err), 0);
    q.lambda = 3; /* 4 does not divide 6 */
    q.samples = 1000;
    CU_ASSERT_EQUAL(sgr_sgc_runnable(&q, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "divide"));
    model_free(&dm);
}

/* Every point counts once (not the profiles' means), with an intercept. Profiles at loads 0,
 * 0.25 and 1 with task times {1}, {2, 2, 2}, {4}: x mean 0.35, y mean 2.2, Sxx = 0.575,
 * Sxy = 1.65: slope 66/23, intercept 2.2 - 0.35 x 66/23 = 55/46; residuals give SSE =
 * Syy - Sxy^2/Sxx = 4.8 - 1.65^2/0.575 and R^2 = 1 - SSE/Syy. (The means' fit would give
 * 2.923.) */
static void test_load_slope_fit(void)
{
    double loads[] = {0, 0.25, 0.25, 0.25, 1}, times[] = {1, 2, 2, 2, 4};
    double comp, icpt, r2;
    sgr_err err;
    CU_ASSERT_EQUAL_FATAL(sgr_fit_load_slope(loads, times, 5, &comp, &icpt, &r2, &err), 0);
    CU_ASSERT_DOUBLE_EQUAL(comp, 66.0 / 23.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(icpt, 55.0 / 46.0, 1e-12);
    double syy = 4.8, sse = syy - 1.65 * 1.65 / 0.575;
    CU_ASSERT_DOUBLE_EQUAL(r2, 1 - sse / syy, 1e-12);
    double same[] = {0.5, 0.5};
    CU_ASSERT_EQUAL(sgr_fit_load_slope(same, times, 2, &comp, &icpt, NULL, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "two distinct loads"));
    CU_ASSERT_EQUAL(sgr_fit_load_slope(loads, times, 1, &comp, &icpt, NULL, &err), -1);
}

/* The trace's task time at load L: trace + (L - base_load) base_comp, the authors'
 * base_delays + (load - base_load) * base_comp; clamped at 0 below base_load. */
static void test_delay_model(void)
{
    double base[] = {1.0, 0.1}, per[] = {2.0, 2.0}, out[2];
    sgr_delay_model dm = {.n = 2, .rounds = 1, .load0 = 0.25, .base = base, .per_load = per};
    sgr_delay_model_fill(&dm, 0.75, out);
    CU_ASSERT_DOUBLE_EQUAL(out[0], 2.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(out[1], 1.1, 1e-15);
    sgr_delay_model_fill(&dm, 0.125, out);
    CU_ASSERT_DOUBLE_EQUAL(out[0], 0.75, 1e-15);
    CU_ASSERT_EQUAL(out[1], 0.0); /* 0.1 - 0.25 */
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite su = CU_add_suite("gc_search", NULL, NULL);
    TEST_ADD(su, test_enumeration_counts);
    TEST_ADD(su, test_first_minimum);
    TEST_ADD(su, test_search_ignores_samples);
    TEST_ADD(su, test_load_slope_fit);
    TEST_ADD(su, test_delay_model);
    return test_run_all();
}
