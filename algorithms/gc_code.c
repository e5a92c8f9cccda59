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
/* Refinement stops once the residual is at rounding level, or after this many steps. */
#define REFINE_TOL 1e-12
#define REFINE_STEPS 2
/* Relative threshold below which the pivoted QR treats a direction of the (equilibrated)
 * B_F^T as rank-deficient: fewer than s stragglers leave |F| - (n - s) such directions at
 * rounding level (~1e-16), while the worst genuine sets measured stay far above it. */
#define RANK_RCOND 1e-12

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
            code->coef[i * w + j] = 1.0;
        }
    }
}

/* H has orthonormal rows spanning a uniformly random s-dimensional subspace of the
 * complement of 1: a Gaussian n x s matrix with its column means removed, orthonormalized by
 * QR. B depends only on that subspace (its rows span null(H)), so orthonormal rows change
 * nothing in exact arithmetic but keep the row solves well scaled; the isotropic draw is what
 * matters. Setting the last column to minus the sum of the others instead gives that column a
 * variance n times larger than the rest, which skews B and the decoding coefficients. */
int sgr_gc_cyclic_parity(size_t n, size_t s, gsl_rng *rng, double *H, sgr_err *err)
{
    if (s == 0) return 0;
    double *G = malloc(n * s * sizeof *G), *tau = malloc(s * sizeof *tau);
    if (!G || !tau) {
        free(tau);
        free(G);
        return sgr_fail(err, "out of memory drawing a %zu x %zu parity matrix", s, n);
    }
    /* G is column-major n x s; column r becomes row r of H. */
    for (size_t r = 0; r < s; r++) {
        double *g = G + r * n, mean = 0;
        for (size_t p = 0; p < n; p++) {
            g[p] = gsl_ran_gaussian(rng, 1.0);
            mean += g[p];
        }
        mean /= (double)n;
        for (size_t p = 0; p < n; p++)
            g[p] -= mean;
    }
    lapack_int info =
        LAPACKE_dgeqrf(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)s, G, (lapack_int)n, tau);
    if (info == 0)
        info = LAPACKE_dorgqr(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)s, (lapack_int)s, G,
                              (lapack_int)n, tau);
    if (info == 0) {
        for (size_t r = 0; r < s; r++) {
            double *g = G + r * n, mean = 0;
            for (size_t p = 0; p < n; p++)
                mean += g[p];
            mean /= (double)n; /* ~1e-17: QR mixes only mean-free columns */
            for (size_t p = 0; p < n; p++)
                H[r * n + p] = g[p] - mean;
        }
    }
    free(tau);
    free(G);
    if (info != 0) return sgr_fail(err, "QR of the %zu x %zu parity draw failed (%d)", n, s, info);
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
    code->coef[i * (s + 1)] = 1.0;
    for (size_t c = 0; c < s; c++) {
        code->B[i * n + sup[c + 1]] = x[c];
        code->coef[i * (s + 1) + c + 1] = x[c];
    }
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
    code->support = malloc(n * (s + 1) * sizeof *code->support);
    code->coef = malloc(n * (s + 1) * sizeof *code->coef);
    if (kind == SGR_GC_CYCLIC) /* the fractional code's rows are 0/1 over their support */
        code->B = calloc(n * n, sizeof *code->B);
    if (!code->support || !code->coef || (kind == SGR_GC_CYCLIC && !code->B)) {
        sgr_gc_code_free(code);
        return sgr_fail(err, "out of memory for a %zu x %zu gradient code", n, n);
    }
    /* s = 0 is the identity (uncoded) for both kinds: groups of one, windows of one. */
    if (kind == SGR_GC_FRACTIONAL || s == 0) {
        fractional_fill(code);
        for (size_t i = 0; code->B && i < n; i++)
            code->B[i * n + i] = 1.0;
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
    free(code->coef);
    code->B = NULL;
    code->support = NULL;
    code->coef = NULL;
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

/* ||B_F^T a_F - 1||_2 / sqrt(n), with r = 1 - B_F^T a_F (n) accumulated in long double: the
 * products a_i B[i][p] of an ill-conditioned responder set cancel, and a double sum would see
 * only its own rounding, not whether a solves the system. */
static double decode_residual(const sgr_gc_code *code, const size_t *F, size_t m, const double *aF,
                              double *r)
{
    size_t n = code->n;
    long double ss = 0;
    for (size_t p = 0; p < n; p++) {
        long double acc = 1.0L;
        for (size_t j = 0; j < m; j++)
            acc -= (long double)code->B[F[j] * n + p] * aF[j];
        r[p] = (double)acc;
        ss += acc * acc;
    }
    return (double)sqrtl(ss / (long double)n);
}

/* General codes: min ||B_F^T a_F - 1||_2 with B_F^T (n x |F|, tall) column-equilibrated (each
 * row of B scaled to unit norm), solved by QR with column pivoting (dgelsy): with fewer than s
 * stragglers B_F^T has rank n - s < |F|, and the pivoted, rank-revealing factorization gives
 * the minimum-norm a instead of the arbitrary, possibly huge, one plain QR would. Then
 * iterative refinement with the residual in long double, which brings the residual of
 * ill-conditioned sets down to what their conditioning allows. */
static int lsq_solve(const sgr_gc_code *code, const size_t *F, size_t m, double *aF,
                     double *residual, double *BT, double *work, double *r, lapack_int *jpvt)
{
    size_t n = code->n;
    double *scale = r + n; /* m entries */
    for (size_t j = 0; j < m; j++) {
        const double *b = code->B + F[j] * n;
        scale[j] = 1.0 / cblas_dnrm2((int)n, b, 1);
        for (size_t p = 0; p < n; p++)
            BT[j * n + p] = b[p] * scale[j];
    }
    for (size_t p = 0; p < n; p++)
        r[p] = 1.0;
    memset(aF, 0, m * sizeof *aF);
    *residual = 1.0;
    for (int step = 0; step <= REFINE_STEPS && *residual >= REFINE_TOL; step++) {
        lapack_int rank;
        memcpy(work, BT, n * m * sizeof *work);
        memset(jpvt, 0, m * sizeof *jpvt);
        if (LAPACKE_dgelsy(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)m, 1, work, (lapack_int)n,
                           r, (lapack_int)n, jpvt, RANK_RCOND, &rank) != 0)
            return -1;
        for (size_t j = 0; j < m; j++)
            aF[j] += r[j] * scale[j];
        *residual = decode_residual(code, F, m, aF, r);
    }
    return 0;
}

static int lsq_decode(const sgr_gc_code *code, const bool *responded, double *a, double *residual,
                      sgr_err *err)
{
    size_t n = code->n, m = 0;
    size_t *F = malloc(n * sizeof *F);
    double *BT = malloc(n * n * sizeof *BT), *work = malloc(n * n * sizeof *work);
    double *aF = malloc(n * sizeof *aF), *r = malloc(2 * n * sizeof *r);
    lapack_int *jpvt = malloc(n * sizeof *jpvt);
    int rc = -1;
    memset(a, 0, n * sizeof *a);
    *residual = 1.0;
    if (!F || !BT || !work || !aF || !r || !jpvt) {
        sgr_fail(err, "out of memory decoding a %zu-worker code", n);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (responded[i]) F[m++] = i;
    if (m > 0 && lsq_solve(code, F, m, aF, residual, BT, work, r, jpvt) != 0) {
        *residual = INFINITY;
        m = 0;
    }
    if (!(*residual < DECODE_TOL)) {
        rc = fail_not_decodable(code, n - m, *residual, err);
        goto out;
    }
    for (size_t j = 0; j < m; j++)
        a[F[j]] = aF[j];
    rc = 0;
out:
    free(jpvt);
    free(r);
    free(aF);
    free(work);
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
