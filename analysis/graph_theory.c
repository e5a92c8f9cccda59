/* Spectral constants of a communication graph for DADAO's theory: chi1 = |E| / lambda2,
 * chi2 = |E| max_edge R / 2, lambda_mix = sqrt(2 chi1 chi2). Dense (LAPACK) for small n,
 * iterative (shift-invert Lanczos, preconditioned CG, Spielman-Srivastava sketch) beyond. */
#include "simgrad/graph_theory.h"
#include "simgrad/output.h" /* sgr_stop_reason: long loops stop on Ctrl-C */

#include <cblas.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Limits of the iterative path. */
#define LANCZOS_MAX_STEPS 400   /* Krylov vectors kept (full reorthogonalisation) */
#define LANCZOS_CHECK_EVERY 8   /* steps between Ritz-vector residual checks */
#define SHIFT_INVERT_RTOL 1e-11 /* inner CG solves of L x = b for L^+ */
#define SKETCH_EPS 0.5          /* k = ceil(24 ln n / eps^2) sketch rows */
#define SKETCH_RTOL 1e-3        /* CG relative residual for the sketch's solves */
#define REFINE_MIN 20           /* candidate edges always refined exactly */
#define REFINE_MAX 1024         /* at most this many */
#define REFINE_COARSE 1e-3      /* relative bound of the first, bracketing solve of each */
#define CG_MAX_ITER 100000

double *sgr_graph_laplacian_dense(const sgr_graph *g)
{
    size_t n = g->n;
    double *L = calloc(n > 0 ? n * n : 1, sizeof *L);
    if (!L)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        L[i * n + i] = (double)(g->offset[i + 1] - g->offset[i]);
        for (size_t k = g->offset[i]; k < g->offset[i + 1]; k++)
            L[i * n + g->adj[k]] = -1.0;
    }
    return L;
}

static void laplacian_row(const sgr_graph *g, size_t i, const double *x, double *y)
{
    double s = (double)(g->offset[i + 1] - g->offset[i]) * x[i];
    for (size_t k = g->offset[i]; k < g->offset[i + 1]; k++)
        s -= x[g->adj[k]];
    y[i] = s;
}

/* Row by row, each row's sum in adjacency order; four rows of one degree (every row of a
 * regular graph) at a time, so that their chains of subtractions overlap (the same numbers,
 * about 3x faster: each row's chain is bound by the adder's latency). */
void sgr_graph_laplacian_apply(const sgr_graph *g, const double *x, double *y)
{
    size_t i = 0;
    for (; i + 4 <= g->n; i += 4) {
        const size_t *o = g->offset + i, deg = o[1] - o[0];
        if (o[2] - o[1] != deg || o[3] - o[2] != deg || o[4] - o[3] != deg) {
            for (size_t r = i; r < i + 4; r++)
                laplacian_row(g, r, x, y);
            continue;
        }
        const size_t *a = g->adj + o[0];
        double s0 = (double)deg * x[i], s1 = (double)deg * x[i + 1];
        double s2 = (double)deg * x[i + 2], s3 = (double)deg * x[i + 3];
        for (size_t k = 0; k < deg; k++) {
            s0 -= x[a[k]];
            s1 -= x[a[deg + k]];
            s2 -= x[a[2 * deg + k]];
            s3 -= x[a[3 * deg + k]];
        }
        y[i] = s0;
        y[i + 1] = s1;
        y[i + 2] = s2;
        y[i + 3] = s3;
    }
    for (; i < g->n; i++)
        laplacian_row(g, i, x, y);
}

/* Deterministic generator for start vectors and sketch signs (results reproducible). */
static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Remove the component along the all-ones vector (the Laplacian's kernel). */
static void project_out_ones(double *x, size_t n)
{
    double mean = 0;
    for (size_t i = 0; i < n; i++)
        mean += x[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        x[i] -= mean;
}

/* A random unit vector orthogonal to 1 (n >= 2). */
static void random_unit_vector(double *v, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (double)(splitmix64(&seed) >> 11) * 0x1.0p-53 - 0.5;
    project_out_ones(v, n);
    cblas_dscal((int)n, 1.0 / cblas_dnrm2((int)n, v, 1), v, 1);
}

static void finish(sgr_graph_constants *out, size_t m)
{
    out->chi1 = (double)m / out->lambda2;
    out->chi2 = (double)m * out->max_resistance / 2.0;
    out->lambda_mix = sqrt(2.0 * out->chi1 * out->chi2);
}

/* ---------------------------------------------------------------- dense path */

/* Eigenvalues ascending in w, eigenvectors in the columns of the row-major A. */
static int dense_eigen(const sgr_graph *g, double *A, double *w, sgr_err *err)
{
    size_t n = g->n;
    lapack_int info =
        LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)n, A, (lapack_int)n, w);
    if (info != 0)
        return sgr_fail(err, "graph: eigendecomposition failed (LAPACK info %d)", (int)info);
    /* Zero eigenvalues come out at roundoff level, ~ n eps lambda_max at worst. */
    double zero = 64.0 * (double)n * DBL_EPSILON * w[n - 1];
    size_t zeros = 0;
    for (size_t k = 0; k < n; k++)
        zeros += fabs(w[k]) <= zero;
    if (zeros != 1)
        return sgr_fail(err, "graph: disconnected (%zu zero Laplacian eigenvalues)", zeros);
    return 0;
}

/* L^+ = sum_{k>=1} v_k v_k^T / lambda_k (upper triangle), from A's columns (scaled in place). */
static void dense_pinv(size_t n, double *A, const double *w, double *Lp)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 1; k < n; k++)
            A[i * n + k] /= sqrt(w[k]);
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)n, (int)(n - 1), 1.0, A + 1, (int)n,
                0.0, Lp, (int)n);
}

/* lambda2, lambda_max and every edge's resistance (r: m entries, may be NULL). */
static int dense_spectrum(const sgr_graph *g, double *lambda2, double *lambda_max, double *r,
                          sgr_err *err)
{
    size_t n = g->n;
    int rc = -1;
    double *w = malloc(n * sizeof *w);
    double *Lp = malloc(n * n * sizeof *Lp);
    double *A = sgr_graph_laplacian_dense(g);
    if (!w || !Lp || !A) {
        sgr_fail(err, "graph: out of memory for the dense Laplacian (n = %zu)", n);
        goto out;
    }
    if (dense_eigen(g, A, w, err) < 0)
        goto out;
    *lambda2 = w[1];
    *lambda_max = w[n - 1];
    dense_pinv(n, A, w, Lp);
    for (size_t e = 0; e < g->m && r; e++) {
        size_t i = g->edge_u[e], j = g->edge_v[e]; /* i < j: L^+_ij in the upper triangle */
        r[e] = Lp[i * n + i] + Lp[j * n + j] - 2.0 * Lp[i * n + j];
    }
    rc = 0;
out:
    free(A);
    free(Lp);
    free(w);
    return rc;
}

int sgr_graph_edge_resistances_dense(const sgr_graph *g, double *r, sgr_err *err)
{
    double l2, lmax;
    if (g->n < 2)
        return sgr_fail(err, "graph: resistances need at least 2 nodes (n = %zu)", g->n);
    return dense_spectrum(g, &l2, &lmax, r, err);
}

static int dense_constants(const sgr_graph *g, sgr_graph_constants *out, sgr_err *err)
{
    double *r = malloc((g->m ? g->m : 1) * sizeof *r);
    if (!r)
        return sgr_fail(err, "graph: out of memory for %zu resistances", g->m);
    int rc = dense_spectrum(g, &out->lambda2, &out->lambda_max, r, err);
    for (size_t e = 0; rc == 0 && e < g->m; e++)
        if (r[e] > out->max_resistance)
            out->max_resistance = r[e];
    out->exact = true;
    free(r);
    return rc;
}

/* ------------------------------------------------------- preconditioned CG */

typedef struct cg_work {
    const sgr_graph *g;
    double *dinv; /* Jacobi preconditioner, 1 / degree */
    double *r, *z, *p, *q;
    size_t iterations; /* accumulated over every solve */
} cg_work;

/* When to stop: ||r||^2 <= abs_sq, or (lambda_lo > 0) when the energy-norm error bound
 * ||r||^2 / lambda_lo <= rel * b^T x, b^T x being the CG estimate of b^T L^+ b. */
typedef struct cg_stop {
    double abs_sq, lambda_lo, rel;
} cg_stop;

static int cg_work_init(cg_work *w, const sgr_graph *g)
{
    size_t n = g->n;
    memset(w, 0, sizeof *w);
    w->g = g;
    w->dinv = malloc(n * sizeof(double));
    w->r = malloc(n * sizeof(double));
    w->z = malloc(n * sizeof(double));
    w->p = malloc(n * sizeof(double));
    w->q = malloc(n * sizeof(double));
    if (!w->dinv || !w->r || !w->z || !w->p || !w->q)
        return -1;
    for (size_t i = 0; i < n; i++)
        w->dinv[i] = 1.0 / (double)(g->offset[i + 1] - g->offset[i]);
    return 0;
}

static void cg_work_free(cg_work *w)
{
    free(w->dinv);
    free(w->r);
    free(w->z);
    free(w->p);
    free(w->q);
}

/* z = P D^-1 P r, the Jacobi preconditioner kept on the complement of 1 (r is already there). */
static void cg_precondition(cg_work *w)
{
    size_t n = w->g->n;
    for (size_t i = 0; i < n; i++)
        w->z[i] = w->dinv[i] * w->r[i];
    project_out_ones(w->z, n);
}

/* Solve L x = b for b orthogonal to 1, from x = 0, iterating in the complement of 1.
 * Returns ||b - L x||^2 at exit. */
static double cg_solve(cg_work *w, const double *b, double *x, const cg_stop *stop)
{
    size_t n = w->g->n;
    memset(x, 0, n * sizeof *x);
    memcpy(w->r, b, n * sizeof *b);
    cg_precondition(w);
    memcpy(w->p, w->z, n * sizeof *w->p);
    double rz = cblas_ddot((int)n, w->r, 1, w->z, 1);
    double rr = cblas_ddot((int)n, w->r, 1, w->r, 1), bx = 0;
    for (size_t it = 0; it < CG_MAX_ITER && !sgr_stop_reason(); it++) {
        if (rr <= stop->abs_sq || rz <= 0)
            break;
        if (stop->lambda_lo > 0 && bx > 0 && rr / stop->lambda_lo <= stop->rel * bx)
            break;
        sgr_graph_laplacian_apply(w->g, w->p, w->q);
        double pq = cblas_ddot((int)n, w->p, 1, w->q, 1);
        if (pq <= 0)
            break;
        double alpha = rz / pq;
        cblas_daxpy((int)n, alpha, w->p, 1, x, 1);
        cblas_daxpy((int)n, -alpha, w->q, 1, w->r, 1);
        bx += alpha * cblas_ddot((int)n, b, 1, w->p, 1);
        cg_precondition(w);
        double rz_new = cblas_ddot((int)n, w->r, 1, w->z, 1);
        rr = cblas_ddot((int)n, w->r, 1, w->r, 1);
        cblas_dscal((int)n, rz_new / rz, w->p, 1);
        cblas_daxpy((int)n, 1.0, w->z, 1, w->p, 1);
        rz = rz_new;
        w->iterations++;
    }
    return rr;
}

/* --------------------------------------------------------------- Lanczos */

/* The operator whose top eigenvector Lanczos seeks, restricted to the complement of 1. */
typedef void (*lanczos_op)(void *ctx, const double *x, double *y);

static void op_laplacian(void *ctx, const double *x, double *y)
{
    cg_work *w = ctx;
    sgr_graph_laplacian_apply(w->g, x, y);
    w->iterations++;
}

static void op_pinv(void *ctx, const double *x, double *y)
{
    cg_work *w = ctx;
    double bb = cblas_ddot((int)w->g->n, x, 1, x, 1);
    cg_stop stop = {SHIFT_INVERT_RTOL * SHIFT_INVERT_RTOL * bb, 0, 0};
    cg_solve(w, x, y, &stop);
    project_out_ones(y, w->g->n);
}

typedef struct lanczos_result {
    double mu;       /* Rayleigh quotient y^T L y of the Ritz vector */
    double residual; /* ||L y - mu y||: an eigenvalue of L lies within it of mu */
} lanczos_result;

/* Ritz vector y = Q^T s of the top Ritz pair after k steps; its Rayleigh quotient on L and
 * residual into res (ly is scratch). */
static int ritz_check(cg_work *w, const double *Q, const double *alpha, const double *beta,
                      size_t k, double *y, double *ly, lanczos_result *res)
{
    size_t n = w->g->n;
    double *d = malloc(k * sizeof *d), *e = malloc(k * sizeof *e), *Z = malloc(k * k * sizeof *Z);
    int rc = -1;
    if (!d || !e || !Z)
        goto out;
    memcpy(d, alpha, k * sizeof *d);
    memcpy(e, beta, k * sizeof *e); /* e[0..k-2] used */
    if (LAPACKE_dstev(LAPACK_ROW_MAJOR, 'V', (lapack_int)k, d, e, Z, (lapack_int)k) != 0)
        goto out;
    /* The top eigenvalue is last; its eigenvector is Z's last column. */
    cblas_dgemv(CblasRowMajor, CblasTrans, (int)k, (int)n, 1.0, Q, (int)n, Z + (k - 1), (int)k, 0.0,
                y, 1);
    project_out_ones(y, n);
    double yy = cblas_dnrm2((int)n, y, 1);
    cblas_dscal((int)n, 1.0 / yy, y, 1);
    sgr_graph_laplacian_apply(w->g, y, ly);
    res->mu = cblas_ddot((int)n, y, 1, ly, 1);
    cblas_daxpy((int)n, -res->mu, y, 1, ly, 1);
    res->residual = cblas_dnrm2((int)n, ly, 1);
    rc = 0;
out:
    free(d);
    free(e);
    free(Z);
    return rc;
}

/* Lanczos with full reorthogonalisation on op, deflating 1 from every Krylov vector, until
 * the top Ritz vector's residual on L is <= tol times its Rayleigh quotient, the Krylov
 * space is exhausted, or LANCZOS_MAX_STEPS. Returns 0, or -1 on allocation failure. */
static int lanczos_top(cg_work *w, lanczos_op op, double tol, uint64_t seed, lanczos_result *res)
{
    size_t n = w->g->n, kmax = n - 1 < LANCZOS_MAX_STEPS ? n - 1 : LANCZOS_MAX_STEPS;
    double *Q = malloc(kmax * n * sizeof *Q), *v = calloc(n, sizeof *v);
    double *alpha = malloc(kmax * sizeof *alpha), *beta = malloc(kmax * sizeof *beta);
    double *h = malloc(kmax * sizeof *h), *y = malloc(n * sizeof *y), *ly = malloc(n * sizeof *ly);
    int rc = -1;
    if (!Q || !v || !alpha || !beta || !h || !y || !ly)
        goto out;
    random_unit_vector(v, n, seed);
    for (size_t k = 0; k < kmax && !sgr_stop_reason(); k++) {
        double *q = Q + k * n;
        memcpy(q, v, n * sizeof *q);
        op(w, q, v);
        project_out_ones(v, n);
        /* Classical Gram-Schmidt against every Krylov vector, twice. */
        for (int pass = 0; pass < 2; pass++) {
            cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)(k + 1), (int)n, 1.0, Q, (int)n, v, 1,
                        0.0, h, 1);
            cblas_dgemv(CblasRowMajor, CblasTrans, (int)(k + 1), (int)n, -1.0, Q, (int)n, h, 1, 1.0,
                        v, 1);
            alpha[k] = pass ? alpha[k] + h[k] : h[k];
        }
        /* Again after Gram-Schmidt: subtracting alpha q_k + beta q_k-1 would otherwise feed
         * their roundoff along 1 back in, amplified by alpha / beta at every step. */
        project_out_ones(v, n);
        beta[k] = cblas_dnrm2((int)n, v, 1);
        bool exhausted = k + 1 == kmax || beta[k] <= 1e-12 * fabs(alpha[k]);
        if (exhausted || (k + 1) % LANCZOS_CHECK_EVERY == 0) {
            if (ritz_check(w, Q, alpha, beta, k + 1, y, ly, res) < 0)
                goto out;
            if (exhausted || res->residual <= tol * res->mu)
                break;
        }
        cblas_dscal((int)n, 1.0 / beta[k], v, 1);
    }
    rc = 0;
out:
    free(Q);
    free(v);
    free(alpha);
    free(beta);
    free(h);
    free(y);
    free(ly);
    return rc;
}

/* ---------------------------------------------------- effective resistances */

/* Sketched R of every edge: k solves L z = B^T q, q random +-1/sqrt(k), and
 * R_uv ~ sum over the k solutions of (z_u - z_v)^2 (Spielman-Srivastava). */
static int sketch_resistances(cg_work *w, double *rs, uint64_t seed)
{
    const sgr_graph *g = w->g;
    size_t n = g->n, m = g->m;
    size_t k = (size_t)ceil(24.0 * log((double)n) / (SKETCH_EPS * SKETCH_EPS));
    double *b = malloc(n * sizeof *b), *z = malloc(n * sizeof *z);
    if (!b || !z) {
        free(b);
        free(z);
        return -1;
    }
    double s = 1.0 / sqrt((double)k);
    memset(rs, 0, m * sizeof *rs);
    for (size_t r = 0; r < k && !sgr_stop_reason(); r++) {
        memset(b, 0, n * sizeof *b);
        uint64_t bits = 0;
        for (size_t e = 0; e < m; e++) {
            if (e % 64 == 0)
                bits = splitmix64(&seed);
            double qe = (bits >> (e % 64)) & 1 ? s : -s;
            b[g->edge_u[e]] += qe;
            b[g->edge_v[e]] -= qe;
        }
        double bb = cblas_ddot((int)n, b, 1, b, 1);
        cg_stop stop = {SKETCH_RTOL * SKETCH_RTOL * bb, 0, 0};
        cg_solve(w, b, z, &stop);
        for (size_t e = 0; e < m; e++) {
            double d = z[g->edge_u[e]] - z[g->edge_v[e]];
            rs[e] += d * d;
        }
    }
    free(b);
    free(z);
    return 0;
}

/* Edge indices by their key (ctx: the keys), largest first. */
static int by_key_desc(const void *a, const void *b, void *ctx)
{
    const double *keys = ctx;
    double x = keys[*(const size_t *)a], y = keys[*(const size_t *)b];
    return (x < y) - (x > y);
}

/* Exact (to the energy bound) resistance of edge e, with its upper error bound in *bound. */
static double edge_resistance(cg_work *w, size_t e, double lambda_lo, double tol, double *b,
                              double *x, double *bound)
{
    size_t n = w->g->n, u = w->g->edge_u[e], v = w->g->edge_v[e];
    memset(b, 0, n * sizeof *b);
    b[u] = 1.0; /* e_u - e_v is already orthogonal to 1 */
    b[v] = -1.0;
    cg_stop stop = {0, lambda_lo, tol};
    double rr = cg_solve(w, b, x, &stop);
    /* CG from 0 underestimates b^T L^+ b by exactly ||x - x*||_L^2 <= ||r||^2 / lambda2. */
    *bound = rr / lambda_lo;
    return x[u] - x[v];
}

/* Max resistance: sketch every edge, then refine the candidates exactly. Candidates are the
 * edges whose sketch is within the sketch's own spread (4 standard deviations, sqrt(2/k)
 * relative each) of the largest, at least REFINE_MIN and at most REFINE_MAX of them. Each
 * candidate is first solved coarsely (relative REFINE_COARSE), which brackets its resistance:
 * CG from 0 underestimates it, by at most the energy bound, and more iterations only raise the
 * estimate. Only the candidates whose upper end reaches the largest lower end can hold the
 * maximum; they alone are solved to tol, from scratch, as every candidate was before: the same
 * maximum, for about half the iterations when all candidates are close (expanders). */
static int max_resistance(cg_work *w, double lambda_lo, double tol, sgr_graph_constants *out)
{
    size_t n = w->g->n, m = w->g->m, nc = 0;
    int rc = -1;
    double *rs = malloc(m * sizeof *rs), *b = malloc(n * sizeof *b), *x = malloc(n * sizeof *x);
    size_t *order = malloc(m * sizeof *order);
    double *hi = malloc((m < REFINE_MAX ? m : REFINE_MAX) * sizeof *hi);
    if (!rs || !b || !x || !order || !hi)
        goto out;
    if (sketch_resistances(w, rs, 0x5EEDULL) < 0)
        goto out;
    for (size_t e = 0; e < m; e++)
        order[e] = e;
    qsort_r(order, m, sizeof *order, by_key_desc, rs);
    size_t k = (size_t)ceil(24.0 * log((double)n) / (SKETCH_EPS * SKETCH_EPS));
    double spread = 4.0 * sqrt(2.0 / (double)k);
    double floor_r = rs[order[0]] * (1.0 - spread) / (1.0 + spread);
    double lo_best = 0, best = 0, best_hi = 0;
    for (; nc < m && nc < REFINE_MAX && !sgr_stop_reason(); nc++) {
        if (nc >= REFINE_MIN && rs[order[nc]] < floor_r)
            break;
        double bound, r = edge_resistance(w, order[nc], lambda_lo, REFINE_COARSE, b, x, &bound);
        lo_best = fmax(lo_best, r);
        hi[nc] = r + bound;
    }
    for (size_t c = 0; c < nc && !sgr_stop_reason(); c++) {
        if (hi[c] < lo_best)
            continue; /* cannot hold the maximum */
        double bound, r = edge_resistance(w, order[c], lambda_lo, tol, b, x, &bound);
        best = fmax(best, r);
        best_hi = fmax(best_hi, r + bound);
    }
    out->max_resistance = best;
    out->chi2_rel_error = best_hi / best - 1.0;
    rc = 0;
out:
    free(rs);
    free(b);
    free(x);
    free(order);
    free(hi);
    return rc;
}

static int iterative_constants(const sgr_graph *g, double tol, bool lambda_max,
                               sgr_graph_constants *out, sgr_err *err)
{
    cg_work w;
    lanczos_result lo, hi;
    int rc = -1;
    if (cg_work_init(&w, g) < 0)
        goto oom;
    /* lambda2 by shift-invert: the top of L^+ on the complement of 1 is 1 / lambda2. */
    if (lanczos_top(&w, op_pinv, tol, 0x1A2C05ULL, &lo) < 0)
        goto oom;
    if (sgr_stop_reason())
        goto stopped;
    if (!(lo.mu > lo.residual)) {
        rc = sgr_fail(err, "graph: lambda2 not resolved (Rayleigh %g, residual %g)", lo.mu,
                      lo.residual);
        goto out;
    }
    if (lambda_max && lanczos_top(&w, op_laplacian, tol, 0x1A3A7ULL, &hi) < 0)
        goto oom;
    out->lambda2 = lo.mu;
    out->lambda_max = lambda_max ? hi.mu : 0;
    /* lambda2 is at most the Rayleigh quotient and, if Lanczos found the bottom of the
     * spectrum, at least mu - residual: chi1 is within residual / (mu - residual). */
    out->chi1_rel_error = lo.residual / (lo.mu - lo.residual);
    if (max_resistance(&w, lo.mu - lo.residual, tol, out) < 0)
        goto oom;
    out->exact = false;
    out->iterations = w.iterations;
    /* a stop request (Ctrl-C, SIGTERM) cuts the loops short: what they give is no answer */
    if (sgr_stop_reason())
        goto stopped;
    rc = 0;
    goto out;
stopped:
    rc = sgr_fail(err, "graph: interrupted while computing its constants");
    goto out;
oom:
    rc = sgr_fail(err, "graph: out of memory for the iterative constants (n = %zu)", g->n);
out:
    cg_work_free(&w);
    return rc;
}

static int constants(const sgr_graph *g, size_t dense_max, double tol, bool lambda_max,
                     sgr_graph_constants *out, sgr_err *err)
{
    memset(out, 0, sizeof *out);
    if (g->n < 2)
        return sgr_fail(err, "graph: the constants need at least 2 nodes (n = %zu)", g->n);
    if (!sgr_graph_connected(g))
        return sgr_fail(err, "graph: disconnected (chi1 and chi2 are infinite)");
    if (g->n > dense_max && !(tol > 0 && tol < 1))
        return sgr_fail(err, "graph: tolerance %g must lie in (0, 1)", tol);
    int rc = g->n <= dense_max ? dense_constants(g, out, err)
                               : iterative_constants(g, tol, lambda_max, out, err);
    if (rc < 0)
        return rc;
    finish(out, g->m);
    return 0;
}

int sgr_graph_constants_compute(const sgr_graph *g, size_t dense_max, double tol,
                                sgr_graph_constants *out, sgr_err *err)
{
    return constants(g, dense_max, tol, true, out, err);
}

int sgr_graph_constants_mixing(const sgr_graph *g, size_t dense_max, double tol,
                               sgr_graph_constants *out, sgr_err *err)
{
    return constants(g, dense_max, tol, false, out, err);
}
