/* The reference optimum by Newton's method (analysis/optimum.c): on logistic and least-squares
 * problems split over nodes, the gradient of sum_i w_i f_i, computed here with plain loops from
 * the losses' definitions, is below 1e-12 at the returned point; the least-squares optimum
 * equals the normal equations' solution (GSL Cholesky); the large-dimension path (Newton-CG)
 * reaches the same tolerance. Its speed is measured in bench/bench_optimum.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>

#include "simgrad/dataset.h"
#include "simgrad/optimum.h"
#include "simgrad/rng.h"
#include "testutil.h"

/* n parts of m rows in dimension d, synthetic logistic (2 classes) or least-squares data. */
static void make_workload(sgr_workload *wl, sgr_model_kind kind, size_t n, size_t m, size_t d,
                          double l2, unsigned long seed)
{
    sgr_err err;
    gsl_rng *rng = sgr_rng_new(seed, "optimum-test", 0);
    memset(wl, 0, sizeof *wl);
    wl->model = (sgr_model){.kind = kind, .d = d, .l2 = l2};
    wl->parts = calloc(n, sizeof *wl->parts);
    wl->nparts = n;
    for (size_t i = 0; i < n; i++) {
        int rc = kind == SGR_MODEL_LSQ
                     ? sgr_dataset_synth_lsq(&wl->parts[i], m, d, 20.0, 0.5, rng, &err)
                     : sgr_dataset_synth_classes(&wl->parts[i], m, d, 2, 20.0, 1.0, rng, &err);
        CU_ASSERT_EQUAL_FATAL(rc, 0);
    }
    gsl_rng_free(rng);
}

/* |grad sum_i w_i f_i(theta)| from the definitions: lsq (1/2m)|Xt - y|^2, logistic
 * (1/m) sum log(1 + exp(-s x.t)) with s = 2y - 1, both + l2/2 |t|^2. */
static double grad_norm(const sgr_workload *wl, const double *w, const double *theta)
{
    size_t d = wl->model.d;
    double *g = calloc(d, sizeof *g), nrm = 0;
    for (size_t i = 0; i < wl->nparts; i++) {
        const sgr_dataset *p = &wl->parts[i];
        for (size_t r = 0; r < p->n; r++) {
            double z = 0, c;
            for (size_t k = 0; k < d; k++)
                z += p->X[r * d + k] * theta[k];
            if (wl->model.kind == SGR_MODEL_LSQ) {
                c = z - p->y[r];
            } else {
                double s = p->y[r] > 0.5 ? 1.0 : -1.0;
                c = -s / (1.0 + exp(s * z));
            }
            for (size_t k = 0; k < d; k++)
                g[k] += w[i] * c * p->X[r * d + k] / (double)p->n;
        }
        for (size_t k = 0; k < d; k++)
            g[k] += w[i] * wl->model.l2 * theta[k];
    }
    for (size_t k = 0; k < d; k++)
        nrm += g[k] * g[k];
    free(g);
    return sqrt(nrm);
}

static void check_newton(sgr_model_kind kind, size_t n, size_t m, size_t d, double l2,
                         double *theta)
{
    sgr_workload wl;
    make_workload(&wl, kind, n, m, d, l2, 7);
    double *w = malloc(n * sizeof *w), gn;
    for (size_t i = 0; i < n; i++)
        w[i] = 1.0 / (double)n;
    sgr_err err;
    int iters;
    CU_ASSERT_EQUAL_FATAL(sgr_optimum_newton(&wl, w, n, 1e-12, theta, &gn, &iters, &err), 0);
    double indep = grad_norm(&wl, w, theta);
    printf("\n  %s, %zu x %zu rows, d = %zu: %d Newton steps, |grad| %.3g (here: %.3g)",
           kind == SGR_MODEL_LSQ ? "lsq" : "logreg", n, m, d, iters, gn, indep);
    CU_ASSERT(gn < 1e-12);
    CU_ASSERT(indep < 1e-12);
    CU_ASSERT(iters < 30);
    free(w);
    sgr_workload_free(&wl);
}

static void test_newton_logistic(void)
{
    double theta[6];
    check_newton(SGR_MODEL_LOGREG, 10, 100, 6, 1.0, theta);
    check_newton(SGR_MODEL_LOGREG, 16, 200, 6, 1e-3, theta);
    check_newton(SGR_MODEL_LOGREG, 4, 50, 6, 1e-6, theta); /* nearly separable: long steps */
}

/* Least squares: Newton lands on the normal equations' solution. */
static void test_newton_least_squares(void)
{
    enum { N = 8, M = 50, D = 5 };
    double theta[D];
    check_newton(SGR_MODEL_LSQ, N, M, D, 0.05, theta);
    sgr_workload wl;
    make_workload(&wl, SGR_MODEL_LSQ, N, M, D, 0.05, 7);
    gsl_matrix *H = gsl_matrix_calloc(D, D);
    gsl_vector *b = gsl_vector_calloc(D), *x = gsl_vector_alloc(D);
    for (size_t i = 0; i < N; i++) {
        const sgr_dataset *p = &wl.parts[i];
        for (size_t r = 0; r < M; r++)
            for (size_t j = 0; j < D; j++) {
                for (size_t k = 0; k < D; k++)
                    *gsl_matrix_ptr(H, j, k) += p->X[r * D + j] * p->X[r * D + k] / (N * M);
                *gsl_vector_ptr(b, j) += p->X[r * D + j] * p->y[r] / (N * M);
            }
    }
    for (size_t j = 0; j < D; j++)
        *gsl_matrix_ptr(H, j, j) += 0.05;
    gsl_linalg_cholesky_decomp1(H);
    gsl_linalg_cholesky_solve(H, b, x);
    for (size_t j = 0; j < D; j++)
        CU_ASSERT_DOUBLE_EQUAL(theta[j], gsl_vector_get(x, j), 1e-11);
    gsl_vector_free(x);
    gsl_vector_free(b);
    gsl_matrix_free(H);
    sgr_workload_free(&wl);
}

/* Beyond SGR_NEWTON_DENSE_MAX parameters: Newton-CG on Hessian-vector products. */
static void test_newton_cg(void)
{
    size_t d = SGR_NEWTON_DENSE_MAX + 50;
    double *theta = malloc(d * sizeof *theta);
    check_newton(SGR_MODEL_LOGREG, 2, 150, d, 0.1, theta);
    free(theta);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("optimum", NULL, NULL);
    TEST_ADD(s, test_newton_logistic);
    TEST_ADD(s, test_newton_least_squares);
    TEST_ADD(s, test_newton_cg);
    return test_run_all();
}
