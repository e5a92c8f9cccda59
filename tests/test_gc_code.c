/* Gradient codes: published loads, the structure of B (supports, H B^T = 0, 0/1 groups),
 * decoding real softmax gradients from straggler sets (random, consecutive, adversarial and
 * exhaustive), non-decodable sets, argument errors and determinism. */
#include "testutil.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "simgrad/gc_code.h"
#include "simgrad/model.h"
#include "simgrad/rng.h"

#define SEED 20240611UL
#define REL_TOL 1e-8

/* ---- helpers ---------------------------------------------------------------------------- */

static void code_make(sgr_gc_code *code, sgr_gc_kind kind, size_t n, size_t s, unsigned long seed)
{
    gsl_rng *rng = sgr_rng_new(seed, "test_gc_code", 0);
    sgr_err err = {""};
    int rc = sgr_gc_code_init(code, kind, n, s, rng, &err);
    if (rc)
        fprintf(stderr, "gc init failed: %s\n", err.msg);
    CU_ASSERT_FATAL(rc == 0);
    gsl_rng_free(rng);
}

/* Partition gradients of a softmax model on a synthetic dataset: g[p*dim ..] is the SUM of
 * the per-sample gradients over the p-th of n contiguous row blocks, and truth the sum over
 * all rows from one independent call. */
typedef struct grads {
    size_t n, dim;
    double *g;     /* n x dim */
    double *truth; /* dim */
} grads;

static void grads_make(grads *gr, size_t n)
{
    sgr_dataset ds;
    gsl_rng *rng = sgr_rng_new(SEED, "test_gc_code_data", 0);
    CU_ASSERT_FATAL(sgr_dataset_synth_classes(&ds, 2560, 20, 5, 10, 2, rng, NULL) == 0);
    sgr_model m = {SGR_MODEL_SOFTMAX, ds.d, ds.nclasses, 0.0};
    size_t dim = sgr_model_nparams(&m);
    double *w = malloc(dim * sizeof *w);
    double *work = malloc(sgr_model_work_size(&m, ds.n) * sizeof *work);
    for (size_t j = 0; j < dim; j++)
        w[j] = 0.6 * gsl_rng_uniform(rng) - 0.3;
    gr->n = n;
    gr->dim = dim;
    gr->g = malloc(n * dim * sizeof *gr->g);
    gr->truth = malloc(dim * sizeof *gr->truth);
    for (size_t p = 0; p < n; p++) {
        size_t lo = p * ds.n / n, hi = (p + 1) * ds.n / n;
        double *gp = gr->g + p * dim;
        sgr_model_loss_grad(&m, w, ds.X + lo * ds.d, ds.y + lo, hi - lo, gp, work);
        cblas_dscal((int)dim, (double)(hi - lo), gp, 1);
    }
    sgr_model_loss_grad(&m, w, ds.X, ds.y, ds.n, gr->truth, work);
    cblas_dscal((int)dim, (double)ds.n, gr->truth, 1);
    free(work);
    free(w);
    sgr_dataset_free(&ds);
    gsl_rng_free(rng);
}

static void grads_free(grads *gr)
{
    free(gr->g);
    free(gr->truth);
}

/* B as a dense n x n matrix (malloc'ed), from the rows' nonzeros (support, coef): what every
 * code has, where B itself is kept for cyclic codes only. */
static double *dense_B(const sgr_gc_code *code)
{
    size_t n = code->n, w = code->s + 1;
    double *B = calloc(n * n, sizeof *B);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < w; k++)
            B[i * n + code->support[i * w + k]] = code->coef[i * w + k];
    return B;
}

/* The coded results c_i = sum_p B[i][p] g_p every worker would send. */
static double *coded_results(const sgr_gc_code *code, const grads *gr)
{
    size_t n = code->n, dim = gr->dim;
    double *c = malloc(n * dim * sizeof *c), *B = dense_B(code);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)dim, (int)n, 1.0, B, (int)n,
                gr->g, (int)dim, 0.0, c, (int)dim);
    free(B);
    return c;
}

/* Worst figures seen over a batch of straggler sets. */
typedef struct decode_stats {
    size_t sets, failures;
    double rel_err, residual, coef_norm;
} decode_stats;

/* Decode from the responders, combine the coded results and compare with the truth. Returns
 * ||a||_2, or INFINITY when the decoder fails; updates st. */
static double decode_check(const sgr_gc_code *code, const grads *gr, const double *c,
                           const bool *responded, decode_stats *st)
{
    size_t n = code->n, dim = gr->dim;
    double *a = malloc(n * sizeof *a), *out = malloc(dim * sizeof *out), residual = NAN;
    const double **res = malloc(n * sizeof *res);
    sgr_err err = {""};
    int rc = sgr_gc_decode_coeffs(code, responded, a, &residual, &err);
    double norm = rc == 0 ? cblas_dnrm2((int)n, a, 1) : INFINITY;
    st->sets++;
    if (rc == 0) {
        for (size_t i = 0; i < n; i++)
            res[i] = responded[i] ? c + i * dim : NULL;
        sgr_gc_combine(n, a, res, dim, out);
        cblas_daxpy((int)dim, -1.0, gr->truth, 1, out, 1);
        double rel = cblas_dnrm2((int)dim, out, 1) / cblas_dnrm2((int)dim, gr->truth, 1);
        st->rel_err = fmax(st->rel_err, rel);
        st->residual = fmax(st->residual, residual);
        st->coef_norm = fmax(st->coef_norm, norm);
    } else {
        st->failures++;
        fprintf(stderr, "  decode failed: %s\n", err.msg);
    }
    free(res);
    free(out);
    free(a);
    return norm;
}

static void stragglers_random(gsl_rng *rng, size_t n, size_t k, bool *responded, size_t *all,
                              size_t *pick)
{
    for (size_t i = 0; i < n; i++) {
        all[i] = i;
        responded[i] = true;
    }
    for (size_t j = 0; j < k; j++) { /* partial Fisher-Yates */
        size_t r = j + gsl_rng_uniform_int(rng, (unsigned long)(n - j)), t = all[j];
        all[j] = all[r];
        all[r] = t;
        pick[j] = all[j];
    }
    for (size_t j = 0; j < k; j++)
        responded[pick[j]] = false;
}

/* ---- loads ------------------------------------------------------------------------------ */

static void test_loads(void)
{
    CU_ASSERT_EQUAL(sgr_gc_load(256, 15), 0.0625);
    CU_ASSERT_EQUAL(sgr_srsgc_s(2, 3, 23), 12);
    CU_ASSERT_EQUAL(sgr_gc_load(256, sgr_srsgc_s(2, 3, 23)), 13.0 / 256.0);
    CU_ASSERT_EQUAL(sgr_msgc_load(256, 1, 2, 27), 56.0 / 7424.0);
    CU_ASSERT_EQUAL(sgr_msgc_load(256, 2, 3, 256), (3.0 - 1 + 2) / (256.0 * (3 - 1)));
    CU_ASSERT_EQUAL(sgr_msgc_load(256, 1, 2, 256), 2.0 / 256.0);
    /* The ceiling is integer: exact multiples are not rounded up. */
    CU_ASSERT_EQUAL(sgr_srsgc_s(2, 3, 24), 12);
    CU_ASSERT_EQUAL(sgr_srsgc_s(2, 3, 25), 13);
    CU_ASSERT_EQUAL(sgr_srsgc_s(1, 1, 7), 7);
    CU_ASSERT_EQUAL(sgr_srsgc_s(3, 7, 0), 0);
}

/* ---- structure -------------------------------------------------------------------------- */

static void test_cyclic_structure(void)
{
    static const size_t cases[][2] = {{20, 1}, {20, 2}, {20, 7}, {256, 15}, {256, 30}};
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        size_t n = cases[t][0], s = cases[t][1];
        sgr_gc_code code;
        code_make(&code, SGR_GC_CYCLIC, n, s, SEED + t);
        double *H = malloc(s * n * sizeof *H);
        gsl_rng *rng = sgr_rng_new(SEED + t, "test_gc_code", 0);
        CU_ASSERT_FATAL(sgr_gc_cyclic_parity(n, s, rng, H, NULL) == 0);
        gsl_rng_free(rng);
        double hnorm = 0, worst = 0;
        for (size_t k = 0; k < s * n; k++)
            hnorm += H[k] * H[k];
        hnorm = sqrt(hnorm);
        int ok = 1;
        double *dense = dense_B(&code); /* from the nonzeros: must be B exactly */
        ok &= memcmp(dense, code.B, n * n * sizeof *dense) == 0;
        free(dense);
        for (size_t i = 0; i < n; i++) {
            const double *b = code.B + i * n;
            const size_t *sup = code.support + i * (s + 1);
            ok &= b[i] == 1.0;
            for (size_t j = 0; j <= s; j++)
                ok &= sup[j] == (i + j) % n;
            size_t nz = 0;
            for (size_t p = 0; p < n; p++)
                nz += b[p] != 0.0;
            ok &= nz == s + 1;
            for (size_t r = 0; r < s; r++) {
                double hb = cblas_ddot((int)n, H + r * n, 1, b, 1);
                worst = fmax(worst, fabs(hb) / (hnorm * cblas_dnrm2((int)n, b, 1)));
            }
        }
        for (size_t r = 0; r < s; r++) { /* H 1 = 0 */
            double sum = 0;
            for (size_t p = 0; p < n; p++)
                sum += H[r * n + p];
            worst = fmax(worst, fabs(sum) / hnorm);
        }
        printf("\n  cyclic n = %zu, s = %zu: max |H B^T| relative %.2e", n, s, worst);
        CU_ASSERT(ok);
        CU_ASSERT(worst < 1e-10);
        free(H);
        sgr_gc_code_free(&code);
    }
}

static void test_fractional_structure(void)
{
    size_t n = 18, s = 2;
    sgr_gc_code code;
    code_make(&code, SGR_GC_FRACTIONAL, n, s, SEED);
    int ok = code.B == NULL; /* no dense matrix: 80 GB at 100,000 workers */
    double *B = dense_B(&code);
    for (size_t i = 0; i < n; i++) {
        size_t g = i / (s + 1);
        for (size_t p = 0; p < n; p++)
            ok &= B[i * n + p] == (p / (s + 1) == g ? 1.0 : 0.0);
        for (size_t j = 0; j <= s; j++)
            ok &= code.support[i * (s + 1) + j] == g * (s + 1) + j;
    }
    CU_ASSERT(ok);
    free(B);
    sgr_gc_code_free(&code);
}

static void test_identity_when_s_zero(void)
{
    for (int kind = SGR_GC_FRACTIONAL; kind <= SGR_GC_CYCLIC; kind++) {
        sgr_gc_code code;
        code_make(&code, (sgr_gc_kind)kind, 7, 0, SEED);
        int ok = 1;
        double *B = dense_B(&code);
        for (size_t i = 0; i < 7; i++) {
            ok &= code.support[i] == i;
            for (size_t p = 0; p < 7; p++)
                ok &= B[i * 7 + p] == (i == p ? 1.0 : 0.0) &&
                      (!code.B || code.B[i * 7 + p] == B[i * 7 + p]);
        }
        free(B);
        CU_ASSERT(ok);
        sgr_gc_code_free(&code);
    }
}

/* ---- decoding real gradients ------------------------------------------------------------ */

/* n = 256 cyclic: for each s, random straggler sets of sizes s, s/2 and 0, every window of s
 * consecutive workers, and again the s-set of largest coefficient norm among the random ones
 * (200 tries, or GC_TEST_TRIES). */
static void test_cyclic_decode_256(void)
{
    static const size_t svals[] = {1, 5, 15, 30};
    const size_t n = 256;
    grads gr;
    grads_make(&gr, n);
    bool *responded = malloc(n * sizeof *responded), *worst = malloc(n * sizeof *worst);
    size_t *all = malloc(n * sizeof *all), *pick = malloc(n * sizeof *pick);
    gsl_rng *rng = sgr_rng_new(SEED, "test_gc_code_stragglers", 0);
    /* GC_TEST_TRIES raises the number of random sets to look further into the tail. */
    const char *env = getenv("GC_TEST_TRIES");
    size_t tries = env ? strtoul(env, NULL, 10) : 200;
    printf("\n");
    for (size_t t = 0; t < sizeof svals / sizeof svals[0]; t++) {
        size_t s = svals[t];
        sgr_gc_code code;
        code_make(&code, SGR_GC_CYCLIC, n, s, SEED + 100 + s);
        double *c = coded_results(&code, &gr), bmax = 0, worst_norm = -1;
        for (size_t k = 0; k < n * n; k++)
            bmax = fmax(bmax, fabs(code.B[k]));
        decode_stats st[4] = {{0, 0, 0, 0, 0}};
        for (size_t k = 0; k < tries; k++) {
            size_t count = k % 10 == 0 ? 0 : k % 10 == 1 ? s / 2 : s;
            stragglers_random(rng, n, count, responded, all, pick);
            double norm = decode_check(&code, &gr, c, responded, &st[count == s ? 0 : 1]);
            if (count == s && norm > worst_norm) {
                worst_norm = norm;
                memcpy(worst, responded, n * sizeof *worst);
            }
        }
        for (size_t first = 0; first < n; first++) {
            for (size_t i = 0; i < n; i++)
                responded[i] = (i + n - first) % n >= s;
            decode_check(&code, &gr, c, responded, &st[2]);
        }
        CU_ASSERT(isfinite(decode_check(&code, &gr, c, worst, &st[3])));
        static const char *what[] = {"random s", "random < s", "consecutive", "max ||a||"};
        for (int k = 0; k < 4; k++) {
            printf("  cyclic n = %zu, s = %2zu, %-11s: %3zu sets, worst relative error %.2e, "
                   "residual %.2e, max ||a|| %.2e (max |B| %.2e)\n",
                   n, s, what[k], st[k].sets, st[k].rel_err, st[k].residual, st[k].coef_norm, bmax);
            CU_ASSERT(st[k].failures == 0);
            CU_ASSERT(st[k].rel_err < REL_TOL);
        }
        free(c);
        sgr_gc_code_free(&code);
    }
    gsl_rng_free(rng);
    free(pick);
    free(all);
    free(worst);
    free(responded);
    grads_free(&gr);
}

/* Every straggler set of size <= s (s = 1, 2) at n = 20, both codes. */
static void test_exhaustive_20(void)
{
    const size_t n = 20;
    grads gr;
    grads_make(&gr, n);
    bool responded[20];
    for (int kind = SGR_GC_FRACTIONAL; kind <= SGR_GC_CYCLIC; kind++) {
        for (size_t s = 1; s <= 2; s++) {
            if (kind == SGR_GC_FRACTIONAL && n % (s + 1))
                continue;
            sgr_gc_code code;
            code_make(&code, (sgr_gc_kind)kind, n, s, SEED + s);
            double *c = coded_results(&code, &gr);
            decode_stats st = {0, 0, 0, 0, 0};
            for (size_t i = 0; i < n; i++)
                for (size_t j = i; j < n; j++) {
                    if (s == 1 && j != i)
                        continue;
                    for (size_t k = 0; k < n; k++)
                        responded[k] = k != i && k != j;
                    decode_check(&code, &gr, c, responded, &st);
                }
            for (size_t k = 0; k < n; k++)
                responded[k] = true;
            decode_check(&code, &gr, c, responded, &st);
            printf("\n  %s n = %zu, s = %zu: %zu sets, worst relative error %.2e, residual %.2e",
                   kind == SGR_GC_CYCLIC ? "cyclic" : "fractional", n, s, st.sets, st.rel_err,
                   st.residual);
            CU_ASSERT(st.failures == 0);
            CU_ASSERT(st.rel_err < REL_TOL);
            free(c);
            sgr_gc_code_free(&code);
        }
    }
    grads_free(&gr);
}

/* ---- failures --------------------------------------------------------------------------- */

static void test_not_decodable(void)
{
    const size_t n = 20;
    bool responded[20];
    double a[20], residual;
    sgr_err err = {""};
    sgr_gc_code code;

    code_make(&code, SGR_GC_CYCLIC, n, 2, SEED);
    for (size_t k = 0; k < n; k++)
        responded[k] = k < 5 || k > 7; /* 3 stragglers */
    CU_ASSERT(sgr_gc_decode_coeffs(&code, responded, a, &residual, &err) == -1);
    CU_ASSERT(strstr(err.msg, "not decodable: 3 stragglers, the code tolerates s = 2") != NULL);
    CU_ASSERT(residual >= 1e-9);
    sgr_gc_code_free(&code);

    code_make(&code, SGR_GC_FRACTIONAL, n, 1, SEED);
    for (size_t k = 0; k < n; k++)
        responded[k] = k != 6 && k != 7; /* group 3 missing, within s + 1 stragglers */
    CU_ASSERT(sgr_gc_decode_coeffs(&code, responded, a, &residual, &err) == -1);
    CU_ASSERT(strstr(err.msg, "not decodable") != NULL);
    CU_ASSERT(residual > 0);
    /* Ten stragglers, one per group: more than s, still decodable. */
    for (size_t k = 0; k < n; k++)
        responded[k] = k % 2 == 1;
    CU_ASSERT(sgr_gc_decode_coeffs(&code, responded, a, &residual, &err) == 0);
    CU_ASSERT_EQUAL(residual, 0.0);
    sgr_gc_code_free(&code);
}

static void test_init_errors(void)
{
    sgr_gc_code code;
    sgr_err err = {""};
    gsl_rng *rng = sgr_rng_new(SEED, "test_gc_code", 0);
    CU_ASSERT(sgr_gc_code_init(&code, SGR_GC_CYCLIC, 5, 5, rng, &err) == -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "algorithm.s = 5 must be < algorithm.workers = 5");
    CU_ASSERT(code.B == NULL);
    CU_ASSERT(sgr_gc_code_init(&code, SGR_GC_FRACTIONAL, 18, 4, rng, &err) == -1);
    CU_ASSERT(strstr(err.msg, "fractional repetition needs (s+1) to divide n: s = 4, n = 18") !=
              NULL);
    CU_ASSERT(sgr_gc_code_init(&code, SGR_GC_FRACTIONAL, 0, 0, rng, &err) == -1);
    CU_ASSERT(strstr(err.msg, "algorithm.workers") != NULL);
    sgr_gc_code_free(&code); /* safe on a failed init */
    gsl_rng_free(rng);
}

static void test_deterministic(void)
{
    sgr_gc_code a, b, c;
    code_make(&a, SGR_GC_CYCLIC, 64, 6, SEED);
    code_make(&b, SGR_GC_CYCLIC, 64, 6, SEED);
    code_make(&c, SGR_GC_CYCLIC, 64, 6, SEED + 1);
    CU_ASSERT(memcmp(a.B, b.B, 64 * 64 * sizeof *a.B) == 0);
    CU_ASSERT(memcmp(a.B, c.B, 64 * 64 * sizeof *a.B) != 0);
    sgr_gc_code_free(&a);
    sgr_gc_code_free(&b);
    sgr_gc_code_free(&c);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite su = CU_add_suite("gc_code", NULL, NULL);
    TEST_ADD(su, test_loads);
    TEST_ADD(su, test_cyclic_structure);
    TEST_ADD(su, test_fractional_structure);
    TEST_ADD(su, test_identity_when_s_zero);
    TEST_ADD(su, test_cyclic_decode_256);
    TEST_ADD(su, test_exhaustive_20);
    TEST_ADD(su, test_not_decodable);
    TEST_ADD(su, test_init_errors);
    TEST_ADD(su, test_deterministic);
    return test_run_all();
}
