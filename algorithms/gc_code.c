/* Gradient codes (Tandon, Lei, Dimakis, Karampatziakis, "Gradient Coding", ICML 2017):
 * fractional repetition and cyclic repetition encoders, a least-squares decoder, and the
 * published computational loads of GC, SR-SGC and M-SGC. */
#include "simgrad/gc_code.h"

#include <cblas.h>
/* gsl_randist.h pulls in gsl_cblas.h, whose declarations clash with OpenBLAS's cblas.h above;
 * its guard keeps it out, and GSL's few uses of the CBLAS enums then see OpenBLAS's. */
#define __GSL_CBLAS_H__
#include <gsl/gsl_randist.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A responder set decodes when ||B_F^T a - 1||_2 / sqrt(n) is below this. */
#define DECODE_TOL 1e-9

static int check_args(sgr_gc_kind kind, size_t n, size_t s, gsl_rng *rng, sgr_err *err)
{
    if (n < 1) return sgr_fail(err, "algorithm.workers = %zu must be >= 1", n);
    if (s >= n) return sgr_fail(err, "algorithm.s = %zu must be < algorithm.workers = %zu", s, n);
    if (kind == SGR_GC_FRACTIONAL && n % (s + 1) != 0)
        return sgr_fail(err,
                        "fractional repetition needs (s+1) to divide n: s = %zu, n = %zu "
                        "(algorithm.s, algorithm.workers)",
                        s, n);
    if (kind != SGR_GC_FRACTIONAL && kind != SGR_GC_CYCLIC)
        return sgr_fail(err, "unknown gradient code kind %d", (int)kind);
    if (kind == SGR_GC_CYCLIC && s > 0 && !rng)
        return sgr_fail(err, "the cyclic code needs a random stream to draw H");
    return 0;
}

static void fractional_fill(sgr_gc_code *code)
{
    size_t n = code->n, w = code->s + 1;
    for (size_t i = 0; i < n; i++) {
        size_t first = i / w * w;
        for (size_t j = 0; j < w; j++) {
            code->support[i * w + j] = first + j;
            code->B[i * n + first + j] = 1.0;
        }
    }
}

int sgr_gc_cyclic_parity(size_t n, size_t s, gsl_rng *rng, double *H, sgr_err *err)
{
    for (size_t r = 0; r < s; r++) {
        double sum = 0;
        for (size_t c = 0; c + 1 < n; c++) {
            H[r * n + c] = gsl_ran_gaussian(rng, 1.0);
            sum += H[r * n + c];
        }
        H[r * n + n - 1] = -sum;
    }
    return 0;
}

/* Row i of B: support i..i+s (mod n), B[i][i] = 1 and the other s entries solve
 * H[:, support \ {i}] x = -H[:, i], so that H B[i]^T = 0. */
static int cyclic_row(sgr_gc_code *code, const double *H, size_t i, double *A, double *x,
                      lapack_int *ipiv, sgr_err *err)
{
    size_t n = code->n, s = code->s;
    size_t *sup = code->support + i * (s + 1);
    for (size_t j = 0; j <= s; j++)
        sup[j] = (i + j) % n;
    for (size_t r = 0; r < s; r++) {
        for (size_t c = 0; c < s; c++)
            A[r + c * s] = H[r * n + sup[c + 1]];
        x[r] = -H[r * n + i];
    }
    lapack_int info =
        LAPACKE_dgesv(LAPACK_COL_MAJOR, (lapack_int)s, 1, A, (lapack_int)s, ipiv, x, (lapack_int)s);
    if (info != 0)
        return sgr_fail(err, "cyclic code: the %zu x %zu system for row %zu is singular", s, s, i);
    code->B[i * n + i] = 1.0;
    for (size_t c = 0; c < s; c++)
        code->B[i * n + sup[c + 1]] = x[c];
    return 0;
}

static int cyclic_fill(sgr_gc_code *code, gsl_rng *rng, sgr_err *err)
{
    size_t n = code->n, s = code->s;
    int rc = -1;
    double *H = malloc(s * n * sizeof *H);
    double *A = malloc(s * s * sizeof *A);
    double *x = malloc(s * sizeof *x);
    lapack_int *ipiv = malloc(s * sizeof *ipiv);
    if (!H || !A || !x || !ipiv) {
        sgr_fail(err, "out of memory building a cyclic code (n = %zu, s = %zu)", n, s);
        goto out;
    }
    if (sgr_gc_cyclic_parity(n, s, rng, H, err)) goto out;
    for (size_t i = 0; i < n; i++)
        if (cyclic_row(code, H, i, A, x, ipiv, err)) goto out;
    rc = 0;
out:
    free(ipiv);
    free(x);
    free(A);
    free(H);
    return rc;
}

int sgr_gc_code_init(sgr_gc_code *code, sgr_gc_kind kind, size_t n, size_t s, gsl_rng *rng,
                     sgr_err *err)
{
    memset(code, 0, sizeof *code);
    if (check_args(kind, n, s, rng, err)) return -1;
    code->kind = kind;
    code->n = n;
    code->s = s;
    code->B = calloc(n * n, sizeof *code->B);
    code->support = malloc(n * (s + 1) * sizeof *code->support);
    if (!code->B || !code->support) {
        sgr_gc_code_free(code);
        return sgr_fail(err, "out of memory for a %zu x %zu gradient code", n, n);
    }
    /* s = 0 is the identity (uncoded) for both kinds: groups of one, windows of one. */
    if (kind == SGR_GC_FRACTIONAL || s == 0) {
        fractional_fill(code);
        return 0;
    }
    if (cyclic_fill(code, rng, err)) {
        sgr_gc_code_free(code);
        return -1;
    }
    return 0;
}

void sgr_gc_code_free(sgr_gc_code *code)
{
    free(code->B);
    free(code->support);
    code->B = NULL;
    code->support = NULL;
}

static size_t count_stragglers(size_t n, const bool *responded)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += !responded[i];
    return k;
}

static int fail_not_decodable(const sgr_gc_code *code, size_t stragglers, double residual,
                              sgr_err *err)
{
    if (stragglers > code->s)
        return sgr_fail(err, "not decodable: %zu stragglers, the code tolerates s = %zu",
                        stragglers, code->s);
    return sgr_fail(err, "responder set is singular (residual %g)", residual);
}

/* Fractional repetition: every worker of a group sends the same sum over the group's
 * partitions, so one responder per group with coefficient 1 decodes exactly. */
static int fractional_decode(const sgr_gc_code *code, const bool *responded, double *a,
                             double *residual, sgr_err *err)
{
    size_t n = code->n, w = code->s + 1, missing = 0;
    memset(a, 0, n * sizeof *a);
    for (size_t g = 0; g < n / w; g++) {
        size_t i = g * w;
        while (i < (g + 1) * w && !responded[i])
            i++;
        if (i < (g + 1) * w)
            a[i] = 1.0;
        else
            missing++;
    }
    /* Each missing group leaves s+1 coordinates of B_F^T a at 0 instead of 1. */
    *residual = sqrt((double)(missing * w) / (double)n);
    if (!missing) return 0;
    size_t stragglers = count_stragglers(n, responded);
    if (stragglers > code->s)
        return sgr_fail(err,
                        "not decodable: %zu stragglers, the code tolerates s = %zu (%zu of %zu "
                        "groups have no responder)",
                        stragglers, code->s, missing, n / w);
    return sgr_fail(err, "not decodable: %zu of %zu groups have no responder", missing, n / w);
}

/* General codes: min ||B_F^T a_F - 1||_2 by QR (B_F^T is n x |F|, tall). */
static int lsq_decode(const sgr_gc_code *code, const bool *responded, double *a, double *residual,
                      sgr_err *err)
{
    size_t n = code->n, m = 0;
    size_t *F = malloc(n * sizeof *F);
    double *BT = malloc(n * n * sizeof *BT);
    double *rhs = malloc(n * sizeof *rhs);
    int rc = -1;
    if (!F || !BT || !rhs) {
        sgr_fail(err, "out of memory decoding a %zu-worker code", n);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (responded[i]) F[m++] = i;
    memset(a, 0, n * sizeof *a);
    *residual = 1.0;
    if (m == 0) {
        rc = fail_not_decodable(code, n, *residual, err);
        goto out;
    }
    /* Column j of B_F^T (column-major, leading dimension n) is row F[j] of B. */
    for (size_t j = 0; j < m; j++)
        memcpy(BT + j * n, code->B + F[j] * n, n * sizeof *BT);
    for (size_t p = 0; p < n; p++)
        rhs[p] = 1.0;
    lapack_int info = LAPACKE_dgels(LAPACK_COL_MAJOR, 'N', (lapack_int)n, (lapack_int)m, 1, BT,
                                    (lapack_int)n, rhs, (lapack_int)n);
    if (info != 0) {
        *residual = INFINITY;
        rc = fail_not_decodable(code, n - m, *residual, err);
        goto out;
    }
    for (size_t j = 0; j < m; j++)
        a[F[j]] = rhs[j];
    /* Recompute the residual from B itself rather than trusting the QR's rhs[m..n). */
    double ss = 0;
    for (size_t p = 0; p < n; p++) {
        double r = -1.0;
        for (size_t j = 0; j < m; j++)
            r += code->B[F[j] * n + p] * rhs[j];
        ss += r * r;
    }
    *residual = sqrt(ss / (double)n);
    rc = *residual < DECODE_TOL ? 0 : fail_not_decodable(code, n - m, *residual, err);
out:
    free(rhs);
    free(BT);
    free(F);
    return rc;
}

int sgr_gc_decode_coeffs(const sgr_gc_code *code, const bool *responded, double *a,
                         double *residual, sgr_err *err)
{
    if (code->kind == SGR_GC_FRACTIONAL)
        return fractional_decode(code, responded, a, residual, err);
    return lsq_decode(code, responded, a, residual, err);
}

void sgr_gc_combine(size_t n, const double *a, const double *const *results, size_t dim,
                    double *out)
{
    memset(out, 0, dim * sizeof *out);
    for (size_t i = 0; i < n; i++)
        if (a[i] != 0.0 && results[i]) cblas_daxpy((int)dim, a[i], results[i], 1, out, 1);
}

double sgr_gc_load(size_t n, size_t s)
{
    return (double)(s + 1) / (double)n;
}

size_t sgr_srsgc_s(int B, int W, int lambda)
{
    long long num = (long long)B * lambda, den = (long long)W - 1 + B;
    if (num <= 0 || den <= 0) return 0;
    return (size_t)((num + den - 1) / den);
}

double sgr_msgc_load(size_t n, int B, int W, int lambda)
{
    long long w1 = (long long)W - 1;
    if ((size_t)lambda == n) return (double)(w1 + B) / ((double)n * (double)w1);
    long long l1 = (long long)lambda + 1;
    return (double)(l1 * (w1 + B)) / ((double)n * (double)(B + w1 * l1));
}
