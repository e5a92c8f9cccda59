/* Sequential gradient coding schedulers (algorithms/sgc.c): the published loads and delays,
 * the round model without stragglers, the paper's guarantee (no waits under (B, W, lambda)-
 * bursty stragglers), decoding real vectors end to end through plan/accepts/commit/decode,
 * hand-worked small cases, parameter errors and the data layout. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "simgrad/rng.h"
#include "simgrad/sgc.h"
#include "simgrad/straggler.h"

#define SEED 20240611UL
#define DIM 7
#define REL_TOL 1e-9

/* ---- helpers ---------------------------------------------------------------------------- */

static sgr_sgc_params params(sgr_scheme_kind kind, size_t n, size_t jobs, size_t s, int B, int W,
                             int lambda, sgr_gc_kind code)
{
    return (sgr_sgc_params){.kind = kind,
                            .n = n,
                            .jobs = jobs,
                            .samples = 1u << 20,
                            .s = s,
                            .B = B,
                            .W = W,
                            .lambda = lambda,
                            .code = code,
                            .seed = SEED};
}

static sgr_sgc *scheme_new_ok(const sgr_sgc_params *p)
{
    sgr_err err = {{0}};
    sgr_sgc *sc = sgr_sgc_new(p, &err);
    if (!sc)
        fprintf(stderr, "sgr_sgc_new(%s, n=%zu, s=%zu, B=%d, W=%d, lambda=%d): %s\n",
                sgr_scheme_name(p->kind), p->n, p->s, p->B, p->W, p->lambda, err.msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    return sc;
}

static sgr_sgc *scheme(sgr_scheme_kind kind, size_t n, size_t jobs, size_t s, int B, int W,
                       int lambda, sgr_gc_kind code)
{
    sgr_sgc_params p = params(kind, n, jobs, s, B, W, lambda, code);
    return scheme_new_ok(&p);
}

static bool close_rel(double x, double y, double tol)
{
    return fabs(x - y) <= tol * fmax(1.0, fmax(fabs(x), fabs(y)));
}

/* A (B, W, lambda)-bursty straggler pattern (rounds x n) from the straggler model. */
static bool *bursty_pattern(size_t n, size_t rounds, int B, int W, int lambda, double p,
                            unsigned long seed)
{
    sgr_straggler_cfg cfg = {.kind = SGR_STRAG_BURSTY,
                             .p = p,
                             .slowdown = 10.0,
                             .burst_B = B,
                             .burst_W = W,
                             .burst_lambda = lambda};
    sgr_err err = {{0}};
    sgr_straggler_model *m = sgr_straggler_new(&cfg, n, seed, &err);
    if (!m)
        fprintf(stderr, "sgr_straggler_new: %s\n", err.msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    bool *pat = malloc(rounds * n * sizeof *pat);
    sgr_straggle *row = malloc(n * sizeof *row);
    CU_ASSERT_FATAL(pat && row);
    for (size_t r = 0; r < rounds; r++) {
        CU_ASSERT_EQUAL_FATAL(sgr_straggler_next_round(m, row, &err), 0);
        for (size_t w = 0; w < n; w++)
            pat[r * n + w] = row[w].straggler;
    }
    free(row);
    sgr_straggler_free(m);
    /* the premise of the guarantee: the pattern really is in the model */
    CU_ASSERT_FATAL(sgr_straggler_pattern_is_bursty(pat, rounds, n, B, W, lambda));
    return pat;
}

/* Delays: 1.0 on time, 10.0 for a straggler. */
static double *pattern_delays(const bool *pat, size_t rounds, size_t n)
{
    double *d = malloc(rounds * n * sizeof *d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    for (size_t i = 0; i < rounds * n; i++)
        d[i] = pat[i] ? 10.0 : 1.0;
    return d;
}

static bool all_decodable(const sgr_sgc *sc, size_t jobs)
{
    for (size_t t = 0; t < jobs; t++)
        if (!sgr_sgc_decodable(sc, t))
            return false;
    return true;
}

/* ---- 1. published loads and delays ------------------------------------------------------ */

static void test_published_loads(void)
{
    size_t n = 256, J = 10;
    sgr_sgc *sc = scheme(SGR_SCHEME_GC, n, J, 15, 0, 0, 0, SGR_GC_CYCLIC);
    CU_ASSERT_DOUBLE_EQUAL(sgr_sgc_load(sc), 0.0625, 1e-15);
    CU_ASSERT_EQUAL(sgr_sgc_delay(sc), 0);
    CU_ASSERT_EQUAL(sgr_sgc_s(sc), 15);
    CU_ASSERT_EQUAL(sgr_sgc_rounds(sc), J);
    sgr_sgc_free(sc);

    /* fractional: 16 groups of 16 */
    sc = scheme(SGR_SCHEME_GC, n, J, 15, 0, 0, 0, SGR_GC_FRACTIONAL);
    CU_ASSERT_DOUBLE_EQUAL(sgr_sgc_load(sc), 0.0625, 1e-15);
    sgr_sgc_free(sc);

    sc = scheme(SGR_SCHEME_SRSGC, n, J, 0, 2, 3, 23, SGR_GC_CYCLIC);
    CU_ASSERT_EQUAL(sgr_sgc_s(sc), 12); /* ceil(2*23/4) */
    CU_ASSERT_DOUBLE_EQUAL(sgr_sgc_load(sc), 13.0 / 256.0, 1e-15);
    CU_ASSERT_EQUAL(sgr_sgc_delay(sc), 2);
    CU_ASSERT_EQUAL(sgr_sgc_rounds(sc), J + 2);
    sgr_sgc_free(sc);

    sc = scheme(SGR_SCHEME_MSGC, n, J, 0, 1, 2, 27, SGR_GC_CYCLIC);
    CU_ASSERT_DOUBLE_EQUAL(sgr_sgc_load(sc), 56.0 / 7424.0, 1e-15);
    CU_ASSERT_EQUAL(sgr_sgc_delay(sc), 1);
    CU_ASSERT_EQUAL(sgr_sgc_rounds(sc), J + 1);
    CU_ASSERT_EQUAL(sgr_sgc_max_minitasks(sc), 2); /* W - 1 + B */
    sgr_sgc_free(sc);

    /* lambda = n: pure repetition, (W-1+B)/(n(W-1)) */
    sc = scheme(SGR_SCHEME_MSGC, n, J, 0, 2, 4, 256, SGR_GC_CYCLIC);
    CU_ASSERT_DOUBLE_EQUAL(sgr_sgc_load(sc), 5.0 / (256.0 * 3.0), 1e-15);
    CU_ASSERT_EQUAL(sgr_sgc_delay(sc), 4);
    CU_ASSERT_EQUAL(sgr_sgc_rounds(sc), J + 4);
    sgr_sgc_free(sc);

    /* M-SGC beats GC designed for the same number of stragglers per round (paper, Table 1) */
    sgr_sgc *gc = scheme(SGR_SCHEME_GC, n, J, 27, 0, 0, 0, SGR_GC_CYCLIC);
    sc = scheme(SGR_SCHEME_MSGC, n, J, 0, 1, 2, 27, SGR_GC_CYCLIC);
    CU_ASSERT(sgr_sgc_load(sc) < sgr_sgc_load(gc));
    sgr_sgc_free(sc);
    sgr_sgc_free(gc);

    sc = scheme(SGR_SCHEME_UNCODED, n, J, 0, 0, 0, 0, SGR_GC_CYCLIC);
    CU_ASSERT_DOUBLE_EQUAL(sgr_sgc_load(sc), 1.0 / 256.0, 1e-15);
    CU_ASSERT_EQUAL(sgr_sgc_delay(sc), 0);
    sgr_sgc_free(sc);
    sc = scheme(SGR_SCHEME_IGNORE, n, J, 15, 0, 0, 0, SGR_GC_CYCLIC);
    CU_ASSERT_DOUBLE_EQUAL(sgr_sgc_load(sc), 1.0 / 256.0, 1e-15);
    sgr_sgc_free(sc);
}

/* ---- 2. no stragglers -------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_no_stragglers(void)
{
    size_t n = 12, J = 30;
    sgr_sgc_params ps[] = {
        params(SGR_SCHEME_UNCODED, n, J, 0, 0, 0, 0, SGR_GC_CYCLIC),
        params(SGR_SCHEME_IGNORE, n, J, 2, 0, 0, 0, SGR_GC_CYCLIC),
        params(SGR_SCHEME_GC, n, J, 3, 0, 0, 0, SGR_GC_CYCLIC),
        params(SGR_SCHEME_GC, n, J, 2, 0, 0, 0, SGR_GC_FRACTIONAL),
        params(SGR_SCHEME_SRSGC, n, J, 0, 2, 3, 4, SGR_GC_CYCLIC),
        params(SGR_SCHEME_SRSGC, n, J, 0, 1, 2, 4, SGR_GC_FRACTIONAL),
        params(SGR_SCHEME_MSGC, n, J, 0, 1, 2, 3, SGR_GC_CYCLIC),
        params(SGR_SCHEME_MSGC, n, J, 0, 2, 4, 5, SGR_GC_CYCLIC),
        params(SGR_SCHEME_MSGC, n, J, 0, 2, 3, 12, SGR_GC_CYCLIC),
    };
    gsl_rng *rng = sgr_rng_new(SEED, "test_sgc_nostrag", 0);
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        sgr_sgc *sc = scheme_new_ok(&ps[i]);
        size_t R = sgr_sgc_rounds(sc);
        /* every delay within (1+mu) of the fastest: nobody is a straggler */
        double *d = malloc(R * n * sizeof *d), *dur = malloc(R * sizeof *dur);
        for (size_t k = 0; k < R * n; k++)
            d[k] = 1.0 + 0.9 * gsl_rng_uniform(rng);
        double expect = 0, *row = malloc(n * sizeof *row);
        double *exp_dur = calloc(R, sizeof *exp_dur);
        for (size_t r = 0; r < R; r++) {
            /* SR-SGC's last B rounds are idle (every job already decoded); M-SGC's last T
             * rounds still finish the older jobs' minitasks */
            if (ps[i].kind == SGR_SCHEME_SRSGC && r >= J)
                continue;
            memcpy(row, d + r * n, n * sizeof *row);
            qsort(row, n, sizeof *row, cmp_double);
            /* ignore-stragglers always proceeds with the fastest n - s */
            exp_dur[r] = ps[i].kind == SGR_SCHEME_IGNORE ? row[n - ps[i].s - 1] : row[n - 1];
            expect += exp_dur[r];
        }
        size_t waits = 99;
        sgr_err err = {{0}};
        double total = sgr_sgc_simulate(sc, d, 1.0, dur, &waits, &err);
        if (!close_rel(total, expect, 1e-12))
            fprintf(stderr, "%s: runtime %g, expected %g (%s)\n", sgr_scheme_name(ps[i].kind),
                    total, expect, err.msg);
        CU_ASSERT(close_rel(total, expect, 1e-12));
        CU_ASSERT_EQUAL(waits, 0);
        for (size_t r = 0; r < R; r++)
            CU_ASSERT_DOUBLE_EQUAL(dur[r], exp_dur[r], 1e-15);
        CU_ASSERT(all_decodable(sc, J));
        CU_ASSERT_FALSE(sgr_sgc_decodable(sc, J)); /* no such job */
        free(d);
        free(dur);
        free(row);
        free(exp_dur);
        sgr_sgc_free(sc);
    }
    gsl_rng_free(rng);
}

/* ---- 3. the paper's guarantee under bursty stragglers ------------------------------------ */

typedef struct bwl {
    int B, W;
} bwl;

/* Simulate one scheme on the first rounds of `delays` (mu = 1); returns waits, checks that
 * every job is decodable and that rounds last 2.0 (accepted, stragglers cut off at 2x the
 * fastest) or 1.0 (nobody late) or 0 (idle) when there are no waits. */
static size_t run_guarantee(const sgr_sgc_params *p, const double *delays, const bool *pat,
                            size_t *rounds_with_strag)
{
    sgr_sgc *sc = scheme_new_ok(p);
    size_t R = sgr_sgc_rounds(sc), waits = 0;
    double *dur = malloc(R * sizeof *dur);
    sgr_err err = {{0}};
    double total = sgr_sgc_simulate(sc, delays, 1.0, dur, &waits, &err);
    if (total < 0)
        fprintf(stderr, "%s: %s\n", sgr_scheme_name(p->kind), err.msg);
    CU_ASSERT(total >= 0);
    CU_ASSERT(all_decodable(sc, p->jobs));
    if (rounds_with_strag)
        *rounds_with_strag = 0;
    for (size_t r = 0; r < R; r++) {
        bool any = false;
        for (size_t w = 0; w < p->n; w++)
            any |= pat[r * p->n + w];
        if (rounds_with_strag && any && r < p->jobs)
            (*rounds_with_strag)++;
        if (p->kind == SGR_SCHEME_UNCODED) {
            CU_ASSERT_DOUBLE_EQUAL(dur[r], any ? 10.0 : 1.0, 0);
        } else if (p->kind == SGR_SCHEME_SRSGC && r >= p->jobs) {
            /* extra rounds: only the repeating workers take part (or nobody) */
            CU_ASSERT(dur[r] == 0.0 || dur[r] == 1.0 || dur[r] == 2.0 || dur[r] == 10.0);
        } else if (waits == 0) {
            if (dur[r] != (any ? 2.0 : 1.0))
                fprintf(stderr, "%s n=%zu (%d,%d,%d) J=%zu round %zu: %g\n",
                        sgr_scheme_name(p->kind), p->n, p->B, p->W, p->lambda, p->jobs, r, dur[r]);
            CU_ASSERT_DOUBLE_EQUAL(dur[r], any ? 2.0 : 1.0, 0);
        }
    }
    free(dur);
    sgr_sgc_free(sc);
    return waits;
}

static void test_bursty_guarantee(void)
{
    const size_t ns[] = {20, 33, 48, 64};
    const bwl cfgs[] = {{1, 2}, {2, 3}, {2, 5}, {3, 4}, {1, 4}, {3, 7}, {2, 4}};
    const double probs[] = {0.1, 0.2, 0.3};
    size_t J = 40, runs = 0, bad_sr = 0, bad_m = 0, bad_gc = 0, bad_unc = 0;
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++)
        for (size_t c = 0; c < sizeof cfgs / sizeof cfgs[0]; c++)
            for (size_t q = 0; q < sizeof probs / sizeof probs[0]; q++) {
                size_t n = ns[a];
                int B = cfgs[c].B, W = cfgs[c].W;
                /* a few stragglers, a fifth, almost half, and (M-SGC) everybody */
                int lambdas[] = {1, (int)n / 5, (int)n / 2 - 1, (int)n};
                for (size_t l = 0; l < 4; l++) {
                    int lam = lambdas[l];
                    unsigned long seed = SEED + 1000 * a + 100 * c + 10 * q + l;
                    size_t R = J + (size_t)(W + B);
                    bool *pat = bursty_pattern(n, R, B, W, lam, probs[q], seed);
                    double *d = pattern_delays(pat, R, n);
                    size_t waits, strag_rounds;
                    runs++;

                    sgr_sgc_params pm = params(SGR_SCHEME_MSGC, n, J, 0, B, W, lam,
                                               (l & 1) ? SGR_GC_FRACTIONAL : SGR_GC_CYCLIC);
                    if (pm.code == SGR_GC_FRACTIONAL && (size_t)lam < n && n % (size_t)(lam + 1))
                        pm.code = SGR_GC_CYCLIC;
                    waits = run_guarantee(&pm, d, pat, NULL);
                    if (waits) {
                        bad_m++;
                        fprintf(stderr, "m-sgc n=%zu (%d,%d,%d) p=%g: %zu waits\n", n, B, W, lam,
                                probs[q], waits);
                    }

                    if ((W - 1) % B == 0 && lam < (int)n) {
                        sgr_sgc_params ps =
                            params(SGR_SCHEME_SRSGC, n, J, 0, B, W, lam, SGR_GC_CYCLIC);
                        waits = run_guarantee(&ps, d, pat, NULL);
                        if (waits) {
                            bad_sr++;
                            fprintf(stderr, "sr-sgc n=%zu (%d,%d,%d) p=%g: %zu waits\n", n, B, W,
                                    lam, probs[q], waits);
                        }
                    }
                    if (B == 1 && lam < (int)n) {
                        sgr_sgc_params pg =
                            params(SGR_SCHEME_GC, n, J, (size_t)lam, 0, 0, 0, SGR_GC_CYCLIC);
                        waits = run_guarantee(&pg, d, pat, NULL);
                        if (waits) {
                            bad_gc++;
                            fprintf(stderr, "gc n=%zu s=%d p=%g: %zu waits\n", n, lam, probs[q],
                                    waits);
                        }
                    }
                    if (lam < (int)n) {
                        sgr_sgc_params pu =
                            params(SGR_SCHEME_UNCODED, n, J, 0, 0, 0, 0, SGR_GC_CYCLIC);
                        waits = run_guarantee(&pu, d, pat, &strag_rounds);
                        if (waits != strag_rounds)
                            bad_unc++;
                    }
                    free(pat);
                    free(d);
                }
            }
    CU_ASSERT(runs > 300);
    CU_ASSERT_EQUAL(bad_m, 0);
    CU_ASSERT_EQUAL(bad_sr, 0);
    CU_ASSERT_EQUAL(bad_gc, 0);
    CU_ASSERT_EQUAL(bad_unc, 0);
}

/* Outside the model the schemes must wait rather than lose a job: iid stragglers. */
static void test_iid_never_loses_a_job(void)
{
    size_t n = 16, J = 50, R = J + 8;
    gsl_rng *rng = sgr_rng_new(SEED, "test_sgc_iid", 0);
    double *d = malloc(R * n * sizeof *d);
    for (size_t k = 0; k < R * n; k++)
        d[k] = gsl_rng_uniform(rng) < 0.35 ? 10.0 : 1.0 + 0.5 * gsl_rng_uniform(rng);
    sgr_sgc_params ps[] = {
        params(SGR_SCHEME_GC, n, J, 3, 0, 0, 0, SGR_GC_CYCLIC),
        params(SGR_SCHEME_SRSGC, n, J, 0, 2, 3, 5, SGR_GC_CYCLIC),
        params(SGR_SCHEME_SRSGC, n, J, 0, 1, 2, 2, SGR_GC_FRACTIONAL), /* s = 1 */
        params(SGR_SCHEME_MSGC, n, J, 0, 1, 2, 3, SGR_GC_CYCLIC),
        params(SGR_SCHEME_MSGC, n, J, 0, 2, 4, 5, SGR_GC_CYCLIC),
        params(SGR_SCHEME_MSGC, n, J, 0, 3, 4, 16, SGR_GC_CYCLIC),
    };
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        sgr_sgc *sc = scheme_new_ok(&ps[i]);
        size_t waits = 0;
        sgr_err err = {{0}};
        double total = sgr_sgc_simulate(sc, d, 1.0, NULL, &waits, &err);
        if (total < 0)
            fprintf(stderr, "%s: %s\n", sgr_scheme_name(ps[i].kind), err.msg);
        CU_ASSERT(total > 0);
        CU_ASSERT(waits > 0); /* 35% iid stragglers break every model here */
        CU_ASSERT(all_decodable(sc, J));
        sgr_sgc_free(sc);
    }
    free(d);
    gsl_rng_free(rng);
}

/* ---- 4. decoding vectors end to end ------------------------------------------------------ */

typedef struct store {
    size_t n, jobs, nslots, nsegs;
    double *seg;   /* jobs x nsegs x DIM: the segment gradients */
    double *truth; /* jobs x DIM: their sums */
    double *res;   /* jobs x n x nslots x DIM: the minitask results that arrived */
    bool *have;    /* jobs x n x nslots */
    size_t job;    /* the job being decoded */
} store;

static const double *store_result(void *ctx, size_t w, int slot)
{
    store *st = ctx;
    if (w >= st->n || slot < 0 || (size_t)slot >= st->nslots)
        return NULL;
    size_t k = (st->job * st->n + w) * st->nslots + (size_t)slot;
    return st->have[k] ? st->res + k * DIM : NULL;
}

static void store_init(store *st, const sgr_sgc *sc, size_t n, size_t jobs, unsigned long seed)
{
    st->n = n;
    st->jobs = jobs;
    st->nslots = sgr_sgc_max_minitasks(sc);
    st->nsegs = sgr_sgc_nsegments(sc);
    st->seg = malloc(jobs * st->nsegs * DIM * sizeof *st->seg);
    st->truth = calloc(jobs * DIM, sizeof *st->truth);
    st->res = calloc(jobs * n * st->nslots * DIM, sizeof *st->res);
    st->have = calloc(jobs * n * st->nslots, sizeof *st->have);
    CU_ASSERT_FATAL(st->seg && st->truth && st->res && st->have);
    gsl_rng *rng = sgr_rng_new(seed, "test_sgc_vectors", 0);
    for (size_t t = 0; t < jobs; t++)
        for (size_t g = 0; g < st->nsegs; g++)
            for (size_t j = 0; j < DIM; j++) {
                double v = 2.0 * gsl_rng_uniform(rng) - 1.0;
                st->seg[(t * st->nsegs + g) * DIM + j] = v;
                st->truth[t * DIM + j] += v;
            }
    gsl_rng_free(rng);
}

static void store_free(store *st)
{
    free(st->seg);
    free(st->truth);
    free(st->res);
    free(st->have);
}

/* The round loop a master runs, with results as vectors: plan, stragglers from the delays
 * (late = slower than (1+mu) x the fastest participant), accepts, commit, and the due job
 * decoded and compared with the truth. Returns the number of jobs decoded correctly; *waits
 * gets the rounds that waited for everybody. */
static size_t run_vectors(sgr_sgc *sc, const sgr_sgc_params *p, const double *delays, size_t *waits)
{
    size_t n = p->n, J = p->jobs, R = sgr_sgc_rounds(sc), T = sgr_sgc_delay(sc);
    store st;
    store_init(&st, sc, n, J, p->seed + 7);
    size_t ns = st.nslots, good = 0;
    double *pending = malloc(n * ns * DIM * sizeof *pending);
    long *pjob = malloc(n * ns * sizeof *pjob);
    int *pslot = malloc(n * ns * sizeof *pslot);
    size_t *count = malloc(n * sizeof *count);
    bool *strag = malloc(n * sizeof *strag), *ret = malloc(n * sizeof *ret);
    sgr_minitask *mt = malloc(ns * sizeof *mt);
    double out[DIM];
    *waits = 0;
    for (size_t r = 0; r < R; r++) {
        double fastest = INFINITY;
        for (size_t w = 0; w < n; w++) {
            count[w] = sgr_sgc_plan(sc, r, w, mt, ns);
            CU_ASSERT(count[w] <= ns);
            /* seg/coef belong to the scheme and change with the next call: use them now */
            for (size_t k = 0; k < count[w]; k++) {
                CU_ASSERT_FATAL(mt[k].job >= 0 && (size_t)mt[k].job < J);
                CU_ASSERT_FATAL(mt[k].slot >= 0 && (size_t)mt[k].slot < ns);
                CU_ASSERT(mt[k].job <= (long)r && r - (size_t)mt[k].job <= T);
                double *v = pending + (w * ns + k) * DIM;
                memset(v, 0, DIM * sizeof *v);
                for (size_t i = 0; i < mt[k].nseg; i++) {
                    CU_ASSERT_FATAL(mt[k].seg[i] < st.nsegs);
                    const double *g = st.seg + ((size_t)mt[k].job * st.nsegs + mt[k].seg[i]) * DIM;
                    for (size_t j = 0; j < DIM; j++)
                        v[j] += mt[k].coef[i] * g[j];
                }
                pjob[w * ns + k] = mt[k].job;
                pslot[w * ns + k] = mt[k].slot;
            }
            if (count[w] && delays[r * n + w] < fastest)
                fastest = delays[r * n + w];
        }
        size_t nstrag = 0;
        for (size_t w = 0; w < n; w++) {
            strag[w] = count[w] > 0 && delays[r * n + w] > 2.0 * fastest;
            nstrag += strag[w];
        }
        bool accepted = nstrag == 0 || sgr_sgc_accepts(sc, r, strag);
        *waits += !accepted;
        for (size_t w = 0; w < n; w++) {
            ret[w] = count[w] > 0 && (accepted ? !strag[w] : true);
            if (!ret[w])
                continue;
            for (size_t k = 0; k < count[w]; k++) {
                size_t key = ((size_t)pjob[w * ns + k] * n + w) * ns + (size_t)pslot[w * ns + k];
                CU_ASSERT(!st.have[key]); /* one result per (job, worker, slot) */
                st.have[key] = true;
                memcpy(st.res + key * DIM, pending + (w * ns + k) * DIM, DIM * sizeof(double));
            }
        }
        sgr_sgc_commit(sc, r, ret);
        long due = sgr_sgc_due_job(sc, r);
        CU_ASSERT_EQUAL(due, r >= T && r - T < J ? (long)(r - T) : -1);
        if (due < 0)
            continue;
        CU_ASSERT(sgr_sgc_decodable(sc, (size_t)due));
        st.job = (size_t)due;
        double resid = -1;
        sgr_err err = {{0}};
        int rc = sgr_sgc_decode(sc, (size_t)due, store_result, &st, DIM, out, &resid, &err);
        if (rc != 0)
            fprintf(stderr, "%s: decode of job %ld failed: %s\n", sgr_scheme_name(p->kind), due,
                    err.msg);
        CU_ASSERT_EQUAL(rc, 0);
        CU_ASSERT(resid >= 0 && resid < 1e-9);
        const double *truth = st.truth + (size_t)due * DIM;
        double expect[DIM];
        if (p->kind == SGR_SCHEME_IGNORE) {
            /* the received partitions' sum, scaled by n / received */
            size_t got = 0;
            memset(expect, 0, sizeof expect);
            for (size_t w = 0; w < n; w++) {
                const double *v = store_result(&st, w, 0);
                if (!v)
                    continue;
                got++;
                for (size_t j = 0; j < DIM; j++)
                    expect[j] += v[j];
            }
            CU_ASSERT(got >= n - p->s);
            if (got < n)
                for (size_t j = 0; j < DIM; j++)
                    expect[j] *= (double)n / (double)got;
            truth = expect;
        }
        double num = 0, den = 0;
        for (size_t j = 0; j < DIM; j++) {
            num += (out[j] - truth[j]) * (out[j] - truth[j]);
            den += truth[j] * truth[j];
        }
        bool ok = rc == 0 && (p->kind == SGR_SCHEME_IGNORE ? memcmp(out, truth, sizeof out) == 0
                                                           : sqrt(num / den) < REL_TOL);
        if (!ok)
            fprintf(stderr, "%s n=%zu: job %ld decoded with relative error %g\n",
                    sgr_scheme_name(p->kind), n, due, sqrt(num / den));
        good += ok;
    }
    free(pending);
    free(pjob);
    free(pslot);
    free(count);
    free(strag);
    free(ret);
    free(mt);
    store_free(&st);
    return good;
}

static void check_vectors(const sgr_sgc_params *p, const double *delays, bool expect_no_waits)
{
    sgr_sgc *sc = scheme_new_ok(p);
    size_t waits = 0;
    size_t good = run_vectors(sc, p, delays, &waits);
    CU_ASSERT_EQUAL(good, p->jobs);
    if (expect_no_waits) {
        if (waits)
            fprintf(stderr, "%s n=%zu (%d,%d,%d): %zu waits\n", sgr_scheme_name(p->kind), p->n,
                    p->B, p->W, p->lambda, waits);
        CU_ASSERT_EQUAL(waits, 0);
    }
    sgr_sgc_free(sc);
}

/* Delays with jitter: on time in [1, 1.5], stragglers in [10, 12]. */
static double *jitter_delays(const bool *pat, size_t rounds, size_t n, unsigned long seed)
{
    gsl_rng *rng = sgr_rng_new(seed, "test_sgc_jitter", 0);
    double *d = malloc(rounds * n * sizeof *d);
    for (size_t k = 0; k < rounds * n; k++)
        d[k] = pat[k] ? 10.0 + 2.0 * gsl_rng_uniform(rng) : 1.0 + 0.5 * gsl_rng_uniform(rng);
    gsl_rng_free(rng);
    return d;
}

static void test_decode_bursty(void)
{
    size_t n = 12, J = 30, R = J + 10;
    struct {
        sgr_scheme_kind kind;
        size_t s;
        int B, W, lambda;
        sgr_gc_kind code;
    } cases[] = {
        {SGR_SCHEME_GC, 3, 1, 2, 3, SGR_GC_CYCLIC},
        {SGR_SCHEME_GC, 2, 1, 3, 2, SGR_GC_FRACTIONAL},
        {SGR_SCHEME_SRSGC, 0, 1, 2, 4, SGR_GC_FRACTIONAL}, /* s = 2 */
        {SGR_SCHEME_SRSGC, 0, 2, 3, 5, SGR_GC_CYCLIC},     /* s = 3 */
        {SGR_SCHEME_SRSGC, 0, 2, 5, 6, SGR_GC_CYCLIC},     /* s = 2 */
        {SGR_SCHEME_SRSGC, 0, 3, 4, 4, SGR_GC_CYCLIC},     /* s = 2 */
        {SGR_SCHEME_MSGC, 0, 1, 2, 3, SGR_GC_CYCLIC},
        {SGR_SCHEME_MSGC, 0, 1, 2, 3, SGR_GC_FRACTIONAL},
        {SGR_SCHEME_MSGC, 0, 2, 4, 5, SGR_GC_CYCLIC},
        {SGR_SCHEME_MSGC, 0, 3, 4, 2, SGR_GC_FRACTIONAL},
        {SGR_SCHEME_MSGC, 0, 2, 3, 12, SGR_GC_CYCLIC}, /* lambda = n */
        {SGR_SCHEME_MSGC, 0, 1, 3, 12, SGR_GC_CYCLIC}, /* lambda = n */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (unsigned long rep = 0; rep < 4; rep++) {
            sgr_sgc_params p = params(cases[i].kind, n, J, cases[i].s, cases[i].B, cases[i].W,
                                      cases[i].lambda, cases[i].code);
            p.seed = SEED + 31 * i + rep;
            bool *pat = bursty_pattern(n, R, cases[i].B, cases[i].W, cases[i].lambda,
                                       0.1 + 0.05 * (double)rep, p.seed);
            double *d = jitter_delays(pat, R, n, p.seed);
            check_vectors(&p, d, true);
            free(pat);
            free(d);
        }
}

/* Baselines, and every scheme outside its model (iid stragglers force waits): the decoded
 * gradient must still be right. */
static void test_decode_iid(void)
{
    size_t n = 12, J = 30, R = J + 10;
    sgr_sgc_params ps[] = {
        params(SGR_SCHEME_UNCODED, n, J, 0, 0, 0, 0, SGR_GC_CYCLIC),
        params(SGR_SCHEME_IGNORE, n, J, 2, 0, 0, 0, SGR_GC_CYCLIC),
        params(SGR_SCHEME_IGNORE, n, J, 5, 0, 0, 0, SGR_GC_CYCLIC),
        params(SGR_SCHEME_GC, n, J, 3, 0, 0, 0, SGR_GC_CYCLIC),
        params(SGR_SCHEME_GC, n, J, 3, 0, 0, 0, SGR_GC_FRACTIONAL),
        params(SGR_SCHEME_SRSGC, n, J, 0, 2, 3, 5, SGR_GC_CYCLIC),
        params(SGR_SCHEME_SRSGC, n, J, 0, 1, 2, 4, SGR_GC_FRACTIONAL),
        params(SGR_SCHEME_MSGC, n, J, 0, 1, 2, 3, SGR_GC_CYCLIC),
        params(SGR_SCHEME_MSGC, n, J, 0, 2, 4, 5, SGR_GC_FRACTIONAL),
        params(SGR_SCHEME_MSGC, n, J, 0, 2, 3, 12, SGR_GC_CYCLIC),
    };
    gsl_rng *rng = sgr_rng_new(SEED, "test_sgc_iid_pattern", 0);
    bool *pat = malloc(R * n * sizeof *pat);
    for (size_t k = 0; k < R * n; k++)
        pat[k] = gsl_rng_uniform(rng) < 0.2;
    gsl_rng_free(rng);
    double *d = jitter_delays(pat, R, n, SEED);
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
        check_vectors(&ps[i], d, false);
    free(pat);
    free(d);
}

/* The worst cases the model allows. */
static void test_decode_worst_cases(void)
{
    size_t n = 12, J = 20, R = J + 10;
    bool *pat = calloc(R * n, sizeof *pat);
    double *d;

    /* M-SGC (1, 2, 3): exactly lambda stragglers in one round, then again after the window,
     * once the lowest-index workers and once the highest */
    for (size_t w = 0; w < 3; w++) {
        pat[5 * n + w] = true;
        pat[9 * n + (n - 1 - w)] = true;
        pat[11 * n + 4 + w] = true;
    }
    d = pattern_delays(pat, R, n);
    CU_ASSERT_FATAL(sgr_straggler_pattern_is_bursty(pat, R, n, 1, 2, 3));
    sgr_sgc_params p = params(SGR_SCHEME_MSGC, n, J, 0, 1, 2, 3, SGR_GC_CYCLIC);
    check_vectors(&p, d, true);
    p.code = SGR_GC_FRACTIONAL;
    check_vectors(&p, d, true);
    /* the last job's coded round (its due round) with lambda stragglers */
    memset(pat, 0, R * n * sizeof *pat);
    for (size_t w = 0; w < 3; w++)
        pat[J * n + 2 * w] = true;
    free(d);
    d = pattern_delays(pat, R, n);
    check_vectors(&p, d, true);
    free(d);

    /* M-SGC (2, 3, 4): the same 4 workers straggle for B = 2 rounds */
    memset(pat, 0, R * n * sizeof *pat);
    for (size_t w = 0; w < 4; w++) {
        pat[6 * n + 3 + w] = true;
        pat[7 * n + 3 + w] = true;
    }
    CU_ASSERT_FATAL(sgr_straggler_pattern_is_bursty(pat, R, n, 2, 3, 4));
    d = pattern_delays(pat, R, n);
    p = params(SGR_SCHEME_MSGC, n, J, 0, 2, 3, 4, SGR_GC_CYCLIC);
    check_vectors(&p, d, true);
    /* SR-SGC (2, 3, 4), s = 2: the same burst; 2 of the 4 repeat each job B rounds later */
    p = params(SGR_SCHEME_SRSGC, n, J, 0, 2, 3, 4, SGR_GC_CYCLIC);
    check_vectors(&p, d, true);
    free(d);

    /* SR-SGC (2, 3, 4) with the burst on the lowest-index workers (they are the ones chosen
     * to repeat) and right at the end, where the repeats fall in the extra rounds */
    memset(pat, 0, R * n * sizeof *pat);
    for (size_t w = 0; w < 4; w++) {
        pat[3 * n + w] = true;
        pat[4 * n + w] = true;
        pat[(J - 2) * n + 8 + w] = true;
        pat[(J - 1) * n + 8 + w] = true;
    }
    CU_ASSERT_FATAL(sgr_straggler_pattern_is_bursty(pat, R, n, 2, 3, 4));
    d = pattern_delays(pat, R, n);
    check_vectors(&p, d, true);
    p = params(SGR_SCHEME_MSGC, n, J, 0, 2, 3, 4, SGR_GC_CYCLIC);
    check_vectors(&p, d, true);
    p = params(SGR_SCHEME_MSGC, n, J, 0, 2, 3, 5, SGR_GC_FRACTIONAL); /* 6 | 12 */
    check_vectors(&p, d, true);
    free(d);

    /* GC s = 3: exactly s stragglers every round */
    memset(pat, 0, R * n * sizeof *pat);
    for (size_t r = 0; r < R; r++)
        for (size_t w = 0; w < 3; w++)
            pat[r * n + (r + 5 * w) % n] = true;
    d = pattern_delays(pat, R, n);
    p = params(SGR_SCHEME_GC, n, J, 3, 0, 0, 0, SGR_GC_CYCLIC);
    check_vectors(&p, d, true);
    p = params(SGR_SCHEME_GC, n, J, 3, 0, 0, 0, SGR_GC_FRACTIONAL);
    check_vectors(&p, d, true);
    p = params(SGR_SCHEME_IGNORE, n, J, 3, 0, 0, 0, SGR_GC_CYCLIC);
    check_vectors(&p, d, true);
    free(d);
    free(pat);
}

/* ---- 5. hand-worked small cases ----------------------------------------------------------- */

static void commit_all_but(sgr_sgc *sc, size_t r, size_t n, const bool *strag)
{
    bool ret[16];
    for (size_t w = 0; w < n; w++)
        ret[w] = !strag[w];
    sgr_sgc_commit(sc, r, ret);
}

static void test_srsgc_hand(void)
{
    /* n = 4, B = 1, W = 2, lambda = 2: s = ceil(2/2) = 1, T = 1 */
    sgr_sgc *sc = scheme(SGR_SCHEME_SRSGC, 4, 3, 0, 1, 2, 2, SGR_GC_CYCLIC);
    CU_ASSERT_EQUAL(sgr_sgc_s(sc), 1);
    CU_ASSERT_EQUAL(sgr_sgc_delay(sc), 1);
    sgr_minitask mt[2];
    for (size_t w = 0; w < 4; w++) {
        CU_ASSERT_EQUAL_FATAL(sgr_sgc_plan(sc, 0, w, mt, 2), 1);
        CU_ASSERT_EQUAL(mt[0].job, 0);
        CU_ASSERT_EQUAL(mt[0].nseg, 2); /* s + 1 partitions */
    }
    bool three[4] = {true, true, true, false}, two[4] = {true, true, false, false};
    CU_ASSERT_FALSE(sgr_sgc_accepts(sc, 0, three)); /* more than lambda */
    CU_ASSERT_TRUE(sgr_sgc_accepts(sc, 0, two));
    commit_all_but(sc, 0, 4, two);
    CU_ASSERT_FALSE(sgr_sgc_decodable(sc, 0)); /* 2 of the n - s = 3 needed */

    /* round 1: v = 2 > s failed job 0, the first v - s = 1 (worker 0) repeats it */
    long expect_job[4] = {0, 1, 1, 1};
    for (size_t w = 0; w < 4; w++) {
        CU_ASSERT_EQUAL_FATAL(sgr_sgc_plan(sc, 1, w, mt, 2), 1);
        CU_ASSERT_EQUAL(mt[0].job, expect_job[w]);
    }
    CU_ASSERT_EQUAL(sgr_sgc_due_job(sc, 1), 0);
    /* worker 0 or 1 again: a burst longer than B; worker 2: a third distinct straggler in
     * the window; each would also leave job 0 undecodable */
    for (size_t w = 0; w < 3; w++) {
        bool one[4] = {false};
        one[w] = true;
        CU_ASSERT_FALSE(sgr_sgc_accepts(sc, 1, one));
    }
    bool none[4] = {false};
    commit_all_but(sc, 1, 4, none);
    CU_ASSERT_TRUE(sgr_sgc_decodable(sc, 0));
    CU_ASSERT_TRUE(sgr_sgc_decodable(sc, 1)); /* workers 1..3 returned it: v = 1 = s */

    /* round 2: nobody repeats job 1 (v = 1 <= s), everybody works on job 2 */
    for (size_t w = 0; w < 4; w++) {
        CU_ASSERT_EQUAL_FATAL(sgr_sgc_plan(sc, 2, w, mt, 2), 1);
        CU_ASSERT_EQUAL(mt[0].job, 2);
    }
    /* one straggler, outside the window of the earlier ones: GC absorbs it */
    bool w3[4] = {false, false, false, true};
    CU_ASSERT_TRUE(sgr_sgc_accepts(sc, 2, w3));
    commit_all_but(sc, 2, 4, w3);
    CU_ASSERT_TRUE(sgr_sgc_decodable(sc, 2));
    /* round 3 is the extra round: job 2 is already decodable, so it is idle */
    CU_ASSERT_TRUE(sgr_sgc_round_idle(sc, 3));
    for (size_t w = 0; w < 4; w++)
        CU_ASSERT_EQUAL(sgr_sgc_plan(sc, 3, w, mt, 2), 0);
    sgr_sgc_free(sc);

    /* the extra round is not idle when the last job needs a repeat */
    sc = scheme(SGR_SCHEME_SRSGC, 4, 1, 0, 1, 2, 2, SGR_GC_CYCLIC);
    commit_all_but(sc, 0, 4, two);
    CU_ASSERT_FALSE(sgr_sgc_round_idle(sc, 1));
    CU_ASSERT_EQUAL(sgr_sgc_plan(sc, 1, 0, mt, 2), 1);
    CU_ASSERT_EQUAL(mt[0].job, 0);
    CU_ASSERT_EQUAL(sgr_sgc_plan(sc, 1, 1, mt, 2), 0);
    CU_ASSERT_EQUAL(sgr_sgc_plan(sc, 1, 3, mt, 2), 0);
    sgr_sgc_free(sc);
}

static void test_msgc_hand(void)
{
    /* n = 3, B = 1, W = 2, lambda = 1: slots 0 (chunk of job r) and 1 (coded, job r - 1);
     * 3 chunks of 2 units then 3 coded partitions of 1 unit; T = 1 */
    size_t n = 3;
    sgr_sgc *sc = scheme(SGR_SCHEME_MSGC, n, 4, 0, 1, 2, 1, SGR_GC_CYCLIC);
    CU_ASSERT_EQUAL(sgr_sgc_delay(sc), 1);
    CU_ASSERT_EQUAL(sgr_sgc_nsegments(sc), 6);
    sgr_minitask mt[2];
    bool none[3] = {false}, w1[3] = {false, true, false}, w0[3] = {true, false, false};

    for (size_t w = 0; w < n; w++) {
        CU_ASSERT_EQUAL_FATAL(sgr_sgc_plan(sc, 0, w, mt, 2), 1); /* no job -1 */
        CU_ASSERT_EQUAL(mt[0].job, 0);
        CU_ASSERT_EQUAL(mt[0].slot, 0);
        CU_ASSERT_EQUAL(mt[0].nseg, 1);
        CU_ASSERT_EQUAL(mt[0].seg[0], w); /* worker w's chunk */
        CU_ASSERT_EQUAL(mt[0].coef[0], 1.0);
    }
    commit_all_but(sc, 0, n, none);
    CU_ASSERT_FALSE(sgr_sgc_decodable(sc, 0)); /* coded part not yet computed */

    /* round 1: worker 1 straggles; job 0's coded group still has n - lambda = 2 results */
    for (size_t w = 0; w < n; w++) {
        CU_ASSERT_EQUAL_FATAL(sgr_sgc_plan(sc, 1, w, mt, 2), 2);
        CU_ASSERT_EQUAL(mt[0].job, 1);
        CU_ASSERT_EQUAL(mt[0].nseg, 1);
        CU_ASSERT_EQUAL(mt[1].job, 0);
        CU_ASSERT_EQUAL(mt[1].slot, 1);
        CU_ASSERT_EQUAL(mt[1].nseg, 2); /* lambda + 1 coded partitions */
        CU_ASSERT(mt[1].seg[0] >= 3 && mt[1].seg[1] >= 3);
    }
    bool two[3] = {true, true, false};
    CU_ASSERT_FALSE(sgr_sgc_accepts(sc, 1, two));
    CU_ASSERT_TRUE(sgr_sgc_accepts(sc, 1, w1));
    commit_all_but(sc, 1, n, w1);
    CU_ASSERT_TRUE(sgr_sgc_decodable(sc, 0));
    CU_ASSERT_FALSE(sgr_sgc_decodable(sc, 1));

    /* round 2: worker 1 redoes its chunk of job 1 instead of the coded task */
    CU_ASSERT_EQUAL_FATAL(sgr_sgc_plan(sc, 2, 1, mt, 2), 2);
    CU_ASSERT_EQUAL(mt[1].job, 1);
    CU_ASSERT_EQUAL(mt[1].slot, 1);
    CU_ASSERT_EQUAL(mt[1].nseg, 1);
    CU_ASSERT_EQUAL(mt[1].seg[0], 1);
    CU_ASSERT_EQUAL(mt[1].coef[0], 1.0);
    for (size_t w = 0; w < n; w += 2) {
        CU_ASSERT_EQUAL_FATAL(sgr_sgc_plan(sc, 2, w, mt, 2), 2);
        CU_ASSERT_EQUAL(mt[1].job, 1);
        CU_ASSERT_EQUAL(mt[1].nseg, 2);
    }
    /* worker 1 again (burst > B, chunk lost) or worker 0 (second straggler in the window,
     * coded group short) cannot be left out */
    CU_ASSERT_FALSE(sgr_sgc_accepts(sc, 2, w1));
    CU_ASSERT_FALSE(sgr_sgc_accepts(sc, 2, w0));
    commit_all_but(sc, 2, n, none);
    CU_ASSERT_TRUE(sgr_sgc_decodable(sc, 1)); /* chunk redone, workers 0 and 2 coded */
    CU_ASSERT_FALSE(sgr_sgc_decodable(sc, 2));
    sgr_sgc_free(sc);
}

static void test_round_model_hand(void)
{
    size_t n = 4;
    double d[] = {1, 1.5, 3, 1, /* round 0 */ 1, 3, 3, 1 /* round 1 */};
    double dur[2];
    size_t waits = 99;
    sgr_err err = {{0}};

    /* GC s = 1: round 0 cut at 2 (worker 2 left out), round 1 waits for 3 */
    sgr_sgc *sc = scheme(SGR_SCHEME_GC, n, 2, 1, 0, 0, 0, SGR_GC_CYCLIC);
    CU_ASSERT_DOUBLE_EQUAL(sgr_sgc_simulate(sc, d, 1.0, dur, &waits, &err), 5.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(dur[0], 2.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(dur[1], 3.0, 1e-15);
    CU_ASSERT_EQUAL(waits, 1);
    sgr_sgc_free(sc);

    /* mu = 2: the cut is at 3, nobody is late */
    sc = scheme(SGR_SCHEME_GC, n, 2, 1, 0, 0, 0, SGR_GC_CYCLIC);
    CU_ASSERT_DOUBLE_EQUAL(sgr_sgc_simulate(sc, d, 2.0, dur, &waits, &err), 6.0, 1e-15);
    CU_ASSERT_EQUAL(waits, 0);
    sgr_sgc_free(sc);

    /* uncoded waits for everybody whenever someone is late */
    sc = scheme(SGR_SCHEME_UNCODED, n, 2, 0, 0, 0, 0, SGR_GC_CYCLIC);
    CU_ASSERT_DOUBLE_EQUAL(sgr_sgc_simulate(sc, d, 1.0, dur, &waits, &err), 6.0, 1e-15);
    CU_ASSERT_EQUAL(waits, 2);
    sgr_sgc_free(sc);

    /* ignore-stragglers s = 1 takes the fastest 3: 1.5 then 3 */
    sc = scheme(SGR_SCHEME_IGNORE, n, 2, 1, 0, 0, 0, SGR_GC_CYCLIC);
    CU_ASSERT_DOUBLE_EQUAL(sgr_sgc_simulate(sc, d, 1.0, dur, &waits, &err), 4.5, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(dur[0], 1.5, 1e-15);
    CU_ASSERT_EQUAL(waits, 0);
    sgr_sgc_free(sc);

    /* SR-SGC (1, 2, 2), s = 1, 2 jobs. Round 0 {1, 1.5, 3, 1}: worker 2 late, accepted
     * (cut at 2), and GC alone absorbs it (1 <= s stragglers, no repeats), so the round does
     * not count in later windows. Round 1 {1, 3, 3, 1}: workers 1 and 2 late, 2 <= lambda
     * distinct, job 0 has its n - s = 3 results: accepted (2). Job 1 then lacks one result:
     * in the extra round 2 only worker 1 (the first of the v - s = 1) repeats it: 5. */
    sc = scheme(SGR_SCHEME_SRSGC, n, 2, 0, 1, 2, 2, SGR_GC_CYCLIC);
    double d3[12] = {1, 1.5, 3, 1, 1, 3, 3, 1, 5, 5, 5, 5};
    double dur3[3];
    CU_ASSERT_DOUBLE_EQUAL(sgr_sgc_simulate(sc, d3, 1.0, dur3, &waits, &err), 9.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(dur3[0], 2.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(dur3[1], 2.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(dur3[2], 5.0, 1e-15);
    CU_ASSERT_EQUAL(waits, 0);
    CU_ASSERT(all_decodable(sc, 2));
    sgr_sgc_free(sc);

    /* the same with three late workers in round 0 (more than lambda): wait for everybody */
    sc = scheme(SGR_SCHEME_SRSGC, n, 2, 0, 1, 2, 2, SGR_GC_CYCLIC);
    double d4[12] = {1, 3, 3, 3, 1, 1, 1, 1, 5, 5, 5, 5};
    CU_ASSERT_DOUBLE_EQUAL(sgr_sgc_simulate(sc, d4, 1.0, dur3, &waits, &err), 4.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(dur3[0], 3.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(dur3[2], 0.0, 0); /* idle */
    CU_ASSERT_EQUAL(waits, 1);
    sgr_sgc_free(sc);
}

/* ---- 6. errors ------------------------------------------------------------------------- */

static void expect_error(sgr_sgc_params p, const char *needle)
{
    sgr_err err = {{0}};
    sgr_sgc *sc = sgr_sgc_new(&p, &err);
    CU_ASSERT_PTR_NULL(sc);
    sgr_sgc_free(sc);
    if (!strstr(err.msg, needle))
        fprintf(stderr, "expected \"%s\" in \"%s\"\n", needle, err.msg);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, needle));
}

static void test_errors(void)
{
    size_t n = 12, J = 5;
    /* (W-1) % B != 0 */
    expect_error(params(SGR_SCHEME_SRSGC, n, J, 0, 2, 4, 3, SGR_GC_CYCLIC), "srsgc_B");
    expect_error(params(SGR_SCHEME_SRSGC, n, J, 0, 2, 4, 3, SGR_GC_CYCLIC), "srsgc_W");
    /* B >= W */
    expect_error(params(SGR_SCHEME_MSGC, n, J, 0, 3, 3, 3, SGR_GC_CYCLIC), "msgc_B");
    expect_error(params(SGR_SCHEME_MSGC, n, J, 0, 4, 2, 3, SGR_GC_CYCLIC), "msgc_W");
    /* s >= n */
    expect_error(params(SGR_SCHEME_GC, n, J, 12, 0, 0, 0, SGR_GC_CYCLIC), "algorithm.s");
    expect_error(params(SGR_SCHEME_IGNORE, n, J, 13, 0, 0, 0, SGR_GC_CYCLIC), "algorithm.s");
    /* lambda > n */
    expect_error(params(SGR_SCHEME_MSGC, n, J, 0, 1, 2, 13, SGR_GC_CYCLIC), "msgc_lambda");
    expect_error(params(SGR_SCHEME_SRSGC, n, J, 0, 1, 2, 13, SGR_GC_CYCLIC), "srsgc_lambda");
    expect_error(params(SGR_SCHEME_MSGC, n, J, 0, 1, 2, -1, SGR_GC_CYCLIC), "msgc_lambda");
    /* too few samples: M-SGC (1, 2, 3) on 12 workers needs 12 * 4 + 12 = 60 rows */
    sgr_sgc_params p = params(SGR_SCHEME_MSGC, n, J, 0, 1, 2, 3, SGR_GC_CYCLIC);
    p.samples = 59;
    expect_error(p, "workload.samples");
    p.samples = 60;
    sgr_sgc *sc = scheme_new_ok(&p);
    sgr_sgc_free(sc);
    p = params(SGR_SCHEME_GC, n, J, 2, 0, 0, 0, SGR_GC_CYCLIC);
    p.samples = 11;
    expect_error(p, "workload.samples");
    /* fractional with (s+1) not dividing n */
    expect_error(params(SGR_SCHEME_GC, n, J, 4, 0, 0, 0, SGR_GC_FRACTIONAL), "algorithm.s");
    /* M-SGC's coded part: (lambda+1) must divide n for a fractional code */
    expect_error(params(SGR_SCHEME_MSGC, n, J, 0, 1, 2, 4, SGR_GC_FRACTIONAL), "algorithm.s");
    /* SR-SGC whose s = ceil(B lambda / (W-1+B)) reaches n */
    expect_error(params(SGR_SCHEME_SRSGC, 1, J, 0, 1, 2, 1, SGR_GC_CYCLIC), "algorithm.workers");
    /* no jobs, no workers */
    expect_error(params(SGR_SCHEME_GC, n, 0, 1, 0, 0, 0, SGR_GC_CYCLIC), "algorithm.jobs");
    expect_error(params(SGR_SCHEME_GC, 0, J, 0, 0, 0, 0, SGR_GC_CYCLIC), "algorithm.workers");

    sgr_scheme_kind k;
    CU_ASSERT_EQUAL(sgr_scheme_parse("m-sgc", &k), 0);
    CU_ASSERT_EQUAL(k, SGR_SCHEME_MSGC);
    CU_ASSERT_EQUAL(sgr_scheme_parse("sr-sgc", &k), 0);
    CU_ASSERT_EQUAL(k, SGR_SCHEME_SRSGC);
    CU_ASSERT_EQUAL(sgr_scheme_parse("msgc", &k), -1);
    CU_ASSERT_STRING_EQUAL(sgr_scheme_name(SGR_SCHEME_IGNORE), "ignore-stragglers");
}

/* ---- 5b. the reference rule set (the authors' simulator), one difference at a time --------
 * Every expected runtime and wait count is worked out by hand in the comments, from the rules
 * of mamaj/Sequential-Gradient-Coding-2, 2_find_runtimes (file:line cited per case). */

static sgr_sgc *scheme_rules(sgr_scheme_kind kind, size_t n, size_t jobs, size_t s, int B, int W,
                             int lambda, sgr_sgc_rules rules)
{
    sgr_sgc_params p = params(kind, n, jobs, s, B, W, lambda, SGR_GC_CYCLIC);
    p.rules = rules;
    return scheme_new_ok(&p);
}

/* Runtime and waits of one scheme under one rule set on delays d, mu. */
static void expect_run(sgr_sgc *sc, const double *d, double mu, double runtime, size_t waits)
{
    size_t got_waits = 99;
    sgr_err err = {{0}};
    double t = sgr_sgc_simulate(sc, d, mu, NULL, &got_waits, &err);
    if (fabs(t - runtime) > 1e-12 || got_waits != waits)
        fprintf(stderr, "\n%s (%s rules): runtime %.12g waits %zu, expected %.12g and %zu\n",
                sgr_scheme_name(sgr_sgc_params_of(sc)->kind),
                sgr_sgc_rules_name(sgr_sgc_params_of(sc)->rules), t, got_waits, runtime, waits);
    CU_ASSERT_DOUBLE_EQUAL(t, runtime, 1e-12);
    CU_ASSERT_EQUAL(got_waits, waits);
    sgr_sgc_free(sc);
}

/* GC: the reference accepts fewer than s stragglers (gradient_coding.py:66, 97), simgrad up
 * to s. n = 4, mu = 1. Round 0 {1, 1.5, 3, 1}: m = 1, deadline 2, worker 2 late (3 > 2).
 * Round 1 {1, 1, 1, 1}: nobody late, 1 s. s = 1: simgrad accepts (2 + 1 = 3, no wait); the
 * reference waits for worker 2 (3 + 1 = 4, one wait). s = 2: both accept (3, no wait). */
static void test_reference_gc_tolerance(void)
{
    double d[] = {1, 1.5, 3, 1, 1, 1, 1, 1};
    expect_run(scheme_rules(SGR_SCHEME_GC, 4, 2, 1, 0, 0, 0, SGR_RULES_SIMGRAD), d, 1.0, 3.0, 0);
    expect_run(scheme_rules(SGR_SCHEME_GC, 4, 2, 1, 0, 0, 0, SGR_RULES_REFERENCE), d, 1.0, 4.0, 1);
    expect_run(scheme_rules(SGR_SCHEME_GC, 4, 2, 2, 0, 0, 0, SGR_RULES_REFERENCE), d, 1.0, 3.0, 0);
}

/* GC with s = n (the reference searches s = 1..n, gradient_coding.py:37): n = 3, s = 3, load
 * (s+1)/n = 4/3. Round {1, 5, 9}, mu = 1: two late, fewer than 3, accepted at the deadline 2.
 * simgrad rules refuse s = n (a code tolerates at most n - 1). */
static void test_reference_gc_s_equals_n(void)
{
    sgr_sgc *sc = scheme_rules(SGR_SCHEME_GC, 3, 1, 3, 0, 0, 0, SGR_RULES_REFERENCE);
    CU_ASSERT_DOUBLE_EQUAL(sgr_sgc_load(sc), 4.0 / 3.0, 1e-15);
    CU_ASSERT_EQUAL(sgr_sgc_s(sc), 2); /* the code is built for n - 1 */
    double d[] = {1, 5, 9};
    expect_run(sc, d, 1.0, 2.0, 0);
    sgr_sgc_params p = params(SGR_SCHEME_GC, 3, 1, 3, 0, 0, 0, SGR_GC_CYCLIC);
    expect_error(p, "algorithm.s = 3 must be < algorithm.workers = 3");
    p.rules = SGR_RULES_REFERENCE;
    p.s = 4;
    expect_error(p, "algorithm.s = 4 must be in [1, algorithm.workers = 3]");
    p.s = 0; /* the reference's GC accepts fewer than s: s = 0 would wait even on time */
    expect_error(p, "algorithm.s = 0 must be in [1,");
}

/* Uncoded: the reference waits for everybody in every round and counts each as a wait
 * (no_coding.py:58-60); simgrad counts a wait only when somebody was late. n = 2, mu = 1:
 * {1, 1.5} (nobody late: 1.5 <= 2) then {1, 3} (worker 1 late): 1.5 + 3 = 4.5 either way,
 * waits 1 (simgrad) and 2 (reference). */
static void test_reference_uncoded_waits(void)
{
    double d[] = {1, 1.5, 1, 3};
    expect_run(scheme_rules(SGR_SCHEME_UNCODED, 2, 2, 0, 0, 0, 0, SGR_RULES_SIMGRAD), d, 1.0, 4.5,
               1);
    expect_run(scheme_rules(SGR_SCHEME_UNCODED, 2, 2, 0, 0, 0, 0, SGR_RULES_REFERENCE), d, 1.0, 4.5,
               2);
}

/* SR-SGC's final rounds: the reference has every worker compute and counts every delay
 * (selective_repeat_sgc.py:84, 96-98); simgrad only the repeaters. n = 3, one job, (B, W,
 * lambda) = (1, 2, 2): s = ceil(1*2/(2-1+1)) = 1, T = 1, two rounds, mu = 1.
 * Round 0 {1, 5, 5}: m = 1, deadline 2, workers 1 and 2 late; 2 <= lambda distinct: accepted,
 * 2 s. Job 0 has 1 of the n - s = 2 results: v = 2, the first v - s = 1 (worker 1) repeats it
 * in round 1 {1, 3, 10}.
 *   simgrad: worker 1 alone: m = 3, nobody late, 3 s. Total 5, no wait.
 *   reference: all three: m = 1, deadline 2, workers 1 and 2 late; both straggled in round 0,
 *   which is in the temporal window [r+1-W, r+1-B) = [0, 1) (round 0 not exempt: 2 > s
 *   stragglers): a wait, 10 s. Total 12, one wait. Job 0 is then decodable either way. */
static void test_reference_srsgc_final_rounds(void)
{
    double d[] = {1, 5, 5, 1, 3, 10};
    sgr_sgc *sc = scheme_rules(SGR_SCHEME_SRSGC, 3, 1, 0, 1, 2, 2, SGR_RULES_REFERENCE);
    sgr_minitask mt[2];
    bool two[3] = {false, true, true};
    CU_ASSERT_TRUE(sgr_sgc_accepts(sc, 0, two));
    sgr_sgc_commit(sc, 0, (bool[]){true, false, false});
    /* round 1: worker 1 repeats job 0, workers 0 and 2 compute filler (job 1 >= jobs) */
    long expect_job[3] = {1, 0, 1};
    for (size_t w = 0; w < 3; w++) {
        CU_ASSERT_EQUAL_FATAL(sgr_sgc_plan(sc, 1, w, mt, 2), 1);
        CU_ASSERT_EQUAL(mt[0].job, expect_job[w]);
    }
    sgr_sgc_free(sc);
    expect_run(scheme_rules(SGR_SCHEME_SRSGC, 3, 1, 0, 1, 2, 2, SGR_RULES_SIMGRAD), d, 1.0, 5.0, 0);
    expect_run(scheme_rules(SGR_SCHEME_SRSGC, 3, 1, 0, 1, 2, 2, SGR_RULES_REFERENCE), d, 1.0, 12.0,
               1);
}

/* Not a difference: under both rule sets an accepted round lasts min((1+mu) m, slowest)
 * (gradient_coding.py:69 and the paper). GC, n = 3, s = 2, mu = 1: {1, 1.5, 1.8} ends at the
 * slowest, 1.8, not at the deadline 2; {1, 1.5, 7} at the deadline 2. Total 3.8. */
static void test_reference_round_end(void)
{
    double d[] = {1, 1.5, 1.8, 1, 1.5, 7};
    expect_run(scheme_rules(SGR_SCHEME_GC, 3, 2, 2, 0, 0, 0, SGR_RULES_SIMGRAD), d, 1.0, 3.8, 0);
    expect_run(scheme_rules(SGR_SCHEME_GC, 3, 2, 2, 0, 0, 0, SGR_RULES_REFERENCE), d, 1.0, 3.8, 0);
}

/* ---- 7. data layout ---------------------------------------------------------------------- */

static void test_segments(void)
{
    size_t n = 12, J = 20;
    size_t Ns[] = {1u << 20, 1000, 997};
    sgr_sgc_params ps[] = {
        params(SGR_SCHEME_UNCODED, n, J, 0, 0, 0, 0, SGR_GC_CYCLIC),
        params(SGR_SCHEME_IGNORE, n, J, 2, 0, 0, 0, SGR_GC_CYCLIC),
        params(SGR_SCHEME_GC, n, J, 3, 0, 0, 0, SGR_GC_CYCLIC),
        params(SGR_SCHEME_SRSGC, n, J, 0, 2, 3, 5, SGR_GC_CYCLIC),
        params(SGR_SCHEME_MSGC, n, J, 0, 1, 2, 3, SGR_GC_CYCLIC),
        params(SGR_SCHEME_MSGC, n, J, 0, 2, 4, 5, SGR_GC_CYCLIC),
        params(SGR_SCHEME_MSGC, n, J, 0, 3, 5, 11, SGR_GC_CYCLIC),
        params(SGR_SCHEME_MSGC, n, J, 0, 2, 3, 12, SGR_GC_CYCLIC),
    };
    for (size_t a = 0; a < sizeof Ns / sizeof Ns[0]; a++)
        for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
            sgr_sgc_params p = ps[i];
            p.samples = Ns[a];
            sgr_sgc *sc = scheme_new_ok(&p);
            size_t ns = sgr_sgc_nsegments(sc);
            const sgr_segment *sg = sgr_sgc_segments(sc);
            size_t W1 = (size_t)(p.W - 1), lam = (size_t)p.lambda;
            bool coded = p.kind == SGR_SCHEME_MSGC && lam < n;
            size_t expect_ns = p.kind != SGR_SCHEME_MSGC ? n : n * W1 + (coded ? n * p.B : 0);
            CU_ASSERT_EQUAL(ns, expect_ns);
            size_t pos = 0;
            bool ok = true;
            for (size_t g = 0; g < ns; g++) {
                ok &= sg[g].start == pos && sg[g].end > sg[g].start;
                pos = sg[g].end;
            }
            ok &= pos == p.samples;
            CU_ASSERT(ok);
            /* rows per unit: a chunk is lambda + 1 units, a coded partition 1 */
            double units = p.kind != SGR_SCHEME_MSGC ? (double)n
                           : coded ? (double)(n * W1 * (lam + 1) + n * (size_t)p.B)
                                   : (double)(n * W1);
            double per = (double)p.samples / units;
            for (size_t g = 0; g < ns; g++) {
                bool chunk = p.kind == SGR_SCHEME_MSGC && g < n * W1;
                double want = per * (chunk && coded ? (double)(lam + 1) : 1.0);
                CU_ASSERT(fabs((double)(sg[g].end - sg[g].start) - want) <= 1.0);
            }
            /* a worker's rows in a full round after rounds where everybody returned, as a
             * fraction of N, is the published load */
            size_t r = J / 2, rows_max = 0;
            bool all[12];
            for (size_t w = 0; w < n; w++)
                all[w] = true;
            for (size_t q = 0; q < r; q++)
                sgr_sgc_commit(sc, q, all);
            sgr_minitask mt[16];
            for (size_t w = 0; w < n; w++) {
                size_t cnt = sgr_sgc_plan(sc, r, w, mt, 16), rows = 0;
                for (size_t k = 0; k < cnt; k++)
                    for (size_t i2 = 0; i2 < mt[k].nseg; i2++)
                        rows += sg[mt[k].seg[i2]].end - sg[mt[k].seg[i2]].start;
                if (rows > rows_max)
                    rows_max = rows;
            }
            double load = sgr_sgc_load(sc);
            /* lambda = n: the load counts the B slots reserved for repeating chunks, which
             * carry no data when nobody straggled */
            if (p.kind == SGR_SCHEME_MSGC && !coded)
                load *= (double)W1 / (double)(W1 + (size_t)p.B);
            size_t per_round = p.kind == SGR_SCHEME_MSGC ? W1 + (size_t)p.B
                               : p.kind == SGR_SCHEME_UNCODED || p.kind == SGR_SCHEME_IGNORE
                                   ? 1
                                   : sgr_sgc_s(sc) + 1;
            /* each segment is within one row of its share */
            double slack = (double)(per_round * (coded ? lam + 1 : 1)) + 1.0;
            if (fabs((double)rows_max - load * (double)p.samples) > slack)
                fprintf(stderr, "%s N=%zu: %zu rows per round, load x N = %g\n",
                        sgr_scheme_name(p.kind), p.samples, rows_max, load * (double)p.samples);
            CU_ASSERT(fabs((double)rows_max - load * (double)p.samples) <= slack);
            sgr_sgc_free(sc);
        }
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite su = CU_add_suite("sgc", NULL, NULL);
    TEST_ADD(su, test_published_loads);
    TEST_ADD(su, test_no_stragglers);
    TEST_ADD(su, test_bursty_guarantee);
    TEST_ADD(su, test_iid_never_loses_a_job);
    TEST_ADD(su, test_decode_bursty);
    TEST_ADD(su, test_decode_iid);
    TEST_ADD(su, test_decode_worst_cases);
    TEST_ADD(su, test_srsgc_hand);
    TEST_ADD(su, test_msgc_hand);
    TEST_ADD(su, test_round_model_hand);
    TEST_ADD(su, test_errors);
    TEST_ADD(su, test_reference_gc_tolerance);
    TEST_ADD(su, test_reference_gc_s_equals_n);
    TEST_ADD(su, test_reference_uncoded_waits);
    TEST_ADD(su, test_reference_srsgc_final_rounds);
    TEST_ADD(su, test_reference_round_end);
    TEST_ADD(su, test_segments);
    return test_run_all();
}
