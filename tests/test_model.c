/* Model kernels: gradients against finite differences, minibatch consistency, optimality,
 * numerical stability, blocked loss, accuracy, flop counts. */
#include "testutil.h"

#include <gsl/gsl_randist.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>

#include "simgrad/model.h"
#include "simgrad/rng.h"

#define N 24
#define D 5
#define K 4

/* Small random data for a model kind: Gaussian X, labels fitting the kind. */
static void make_data(sgr_model_kind kind, int k, size_t n, size_t d, double *X, double *y,
                      gsl_rng *rng)
{
    for (size_t i = 0; i < n * d; i++)
        X[i] = gsl_ran_gaussian(rng, 1.0);
    for (size_t i = 0; i < n; i++) {
        if (kind == SGR_MODEL_LSQ)
            y[i] = gsl_ran_gaussian(rng, 2.0);
        else if (kind == SGR_MODEL_LOGREG)
            y[i] = (double)gsl_rng_uniform_int(rng, 2);
        else
            y[i] = (double)gsl_rng_uniform_int(rng, (unsigned long)k);
    }
}

static double norm_diff(const double *a, const double *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (a[i] - b[i]) * (a[i] - b[i]);
    return sqrt(s);
}

static double norm(const double *a, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * a[i];
    return sqrt(s);
}

/* Relative error of the analytic gradient against central differences. */
static double fd_rel_error(const sgr_model *m, const double *X, const double *y, size_t n,
                           gsl_rng *rng)
{
    size_t np = sgr_model_nparams(m);
    double w[D * K], g[D * K], fd[D * K], work[N * K];
    for (size_t j = 0; j < np; j++)
        w[j] = gsl_ran_gaussian(rng, 0.5);
    sgr_model_loss_grad(m, w, X, y, n, g, work);
    const double h = 1e-5;
    for (size_t j = 0; j < np; j++) {
        double wj = w[j];
        w[j] = wj + h;
        double fp = sgr_model_loss_grad(m, w, X, y, n, NULL, work);
        w[j] = wj - h;
        double fm = sgr_model_loss_grad(m, w, X, y, n, NULL, work);
        w[j] = wj;
        fd[j] = (fp - fm) / (2 * h);
    }
    return norm_diff(g, fd, np) / norm(g, np);
}

static void check_fd(sgr_model_kind kind)
{
    gsl_rng *rng = sgr_rng_new(1, "test_model_fd", (unsigned long)kind);
    double X[N * D], y[N];
    sgr_model m = {kind, D, kind == SGR_MODEL_SOFTMAX ? K : 0, 0.1};
    make_data(kind, K, N, D, X, y, rng);
    for (int rep = 0; rep < 3; rep++) {
        double rel = fd_rel_error(&m, X, y, N, rng);
        CU_ASSERT(rel < 1e-6);
        if (!(rel < 1e-6))
            fprintf(stderr, "%s: finite-difference relative error %g\n", sgr_model_kind_name(kind),
                    rel);
    }
    gsl_rng_free(rng);
}

static void test_grad_fd_lsq(void)
{
    check_fd(SGR_MODEL_LSQ);
}

static void test_grad_fd_logreg(void)
{
    check_fd(SGR_MODEL_LOGREG);
}

static void test_grad_fd_softmax(void)
{
    check_fd(SGR_MODEL_SOFTMAX);
}

/* A minibatch (a block of rows) gives the same loss and gradient as the full batch on a
 * dataset holding just that block, and equals the mean of its per-row gradients. */
static void check_minibatch(sgr_model_kind kind)
{
    gsl_rng *rng = sgr_rng_new(2, "test_model_mb", (unsigned long)kind);
    double X[N * D], y[N], w[D * K], g[D * K], gsub[D * K], gmean[D * K] = {0}, g1[D * K];
    double work[N * K];
    sgr_model m = {kind, D, kind == SGR_MODEL_SOFTMAX ? K : 0, 0.05};
    size_t np = sgr_model_nparams(&m), lo = 7, rows = 9;
    make_data(kind, K, N, D, X, y, rng);
    for (size_t j = 0; j < np; j++)
        w[j] = gsl_ran_gaussian(rng, 1.0);

    sgr_dataset full = {N, D, X, y, m.nclasses}, sub;
    size_t idx[N];
    for (size_t i = 0; i < rows; i++)
        idx[i] = lo + i;
    CU_ASSERT_FATAL(sgr_dataset_subset(&full, idx, rows, &sub, NULL) == 0);

    double f = sgr_model_loss_grad(&m, w, X + lo * D, y + lo, rows, g, work);
    double fsub = sgr_model_loss_grad(&m, w, sub.X, sub.y, sub.n, gsub, work);
    CU_ASSERT_DOUBLE_EQUAL(f, fsub, 1e-14 * fabs(f));
    CU_ASSERT(norm_diff(g, gsub, np) <= 1e-14 * norm(g, np));

    double fmean = 0;
    for (size_t i = 0; i < rows; i++) {
        fmean += sgr_model_loss_grad(&m, w, X + (lo + i) * D, y + lo + i, 1, g1, work) / rows;
        for (size_t j = 0; j < np; j++)
            gmean[j] += g1[j] / rows;
    }
    CU_ASSERT_DOUBLE_EQUAL(f, fmean, 1e-12 * fabs(f));
    CU_ASSERT(norm_diff(g, gmean, np) <= 1e-12 * norm(g, np));

    /* A different block really gives a different gradient (the check above can fail). */
    sgr_model_loss_grad(&m, w, X, y, rows, g1, work);
    CU_ASSERT(norm_diff(g, g1, np) > 1e-6 * norm(g, np));
    sgr_dataset_free(&sub);
    gsl_rng_free(rng);
}

static void test_minibatch_lsq(void)
{
    check_minibatch(SGR_MODEL_LSQ);
}

static void test_minibatch_logreg(void)
{
    check_minibatch(SGR_MODEL_LOGREG);
}

static void test_minibatch_softmax(void)
{
    check_minibatch(SGR_MODEL_SOFTMAX);
}

/* Ridge solution from LAPACK: min ||[X/sqrt(n); sqrt(l2) I] w - [y/sqrt(n); 0]||, which is
 * the normal equation (X^T X / n + l2 I) w = X^T y / n. */
static void ridge_solve(const double *X, const double *y, size_t n, size_t d, double l2, double *w)
{
    size_t rows = n + d;
    double *A = calloc(rows * d, sizeof *A), *b = calloc(rows, sizeof *b);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++)
            A[i * d + j] = X[i * d + j] / sqrt((double)n);
        b[i] = y[i] / sqrt((double)n);
    }
    for (size_t j = 0; j < d; j++)
        A[(n + j) * d + j] = sqrt(l2);
    lapack_int info = LAPACKE_dgels(LAPACK_ROW_MAJOR, 'N', (lapack_int)rows, (lapack_int)d, 1, A,
                                    (lapack_int)d, b, 1);
    CU_ASSERT_EQUAL(info, 0);
    memcpy(w, b, d * sizeof *w);
    free(A);
    free(b);
}

static void test_lsq_optimum(void)
{
    gsl_rng *rng = sgr_rng_new(3, "test_model_opt", 0);
    double X[N * D], y[N], w[D], g[D], work[N];
    make_data(SGR_MODEL_LSQ, 0, N, D, X, y, rng);
    const double l2s[] = {0.0, 0.3};
    for (int t = 0; t < 2; t++) {
        sgr_model m = {SGR_MODEL_LSQ, D, 0, l2s[t]};
        ridge_solve(X, y, N, D, l2s[t], w);
        double f = sgr_model_loss_grad(&m, w, X, y, N, g, work);
        CU_ASSERT(norm(g, D) < 1e-12);
        /* Off the optimum the gradient is not small, and the loss is higher. */
        w[0] += 0.1;
        double f2 = sgr_model_loss_grad(&m, w, X, y, N, g, work);
        CU_ASSERT(norm(g, D) > 1e-3);
        CU_ASSERT(f2 > f);
    }
    gsl_rng_free(rng);
}

static void test_softmax_zero_weights(void)
{
    gsl_rng *rng = sgr_rng_new(4, "test_model_zero", 0);
    const int ks[] = {2, 4, 10};
    for (int t = 0; t < 3; t++) {
        int k = ks[t];
        double X[N * D], y[N], W[D * 10] = {0}, work[N * 10];
        sgr_model m = {SGR_MODEL_SOFTMAX, D, k, 0.7};
        make_data(SGR_MODEL_SOFTMAX, k, N, D, X, y, rng);
        CU_ASSERT_DOUBLE_EQUAL(sgr_model_loss_grad(&m, W, X, y, N, NULL, work), log(k), 1e-14);
    }
    gsl_rng_free(rng);
}

/* Huge scores overflow a naive exp; the stable forms give the exact asymptotic values. */
static void test_stability(void)
{
    double X[2 * 2] = {1, 0, 0, 1}, y[2] = {1, 0}, work[2 * 3], g[2 * 3];
    sgr_model lr = {SGR_MODEL_LOGREG, 2, 0, 0};
    double w[2] = {1000, 1000}; /* row 0 right with margin 1000, row 1 wrong by 1000 */
    double f = sgr_model_loss_grad(&lr, w, X, y, 2, g, work);
    CU_ASSERT_DOUBLE_EQUAL(f, 500.0, 1e-9);
    CU_ASSERT(isfinite(g[0]) && isfinite(g[1]));
    CU_ASSERT_DOUBLE_EQUAL(g[1], 0.5, 1e-12);

    sgr_model sm = {SGR_MODEL_SOFTMAX, 2, 3, 0};
    double W[2 * 3] = {2000, 0, 0, 0, 0, 1000}; /* row 0 scores (2000,0,0), row 1 (0,0,1000) */
    f = sgr_model_loss_grad(&sm, W, X, y, 2, g, work);
    /* row 0 label 1: 2000 - 0; row 1 label 0: 1000 - 0. */
    CU_ASSERT_DOUBLE_EQUAL(f, 1500.0, 1e-9);
    for (int j = 0; j < 6; j++)
        CU_ASSERT(isfinite(g[j]));
}

/* The blocked whole-dataset loss equals the one-shot loss, across several blocks. */
static void test_blocked_loss(void)
{
    gsl_rng *rng = sgr_rng_new(5, "test_model_block", 0);
    sgr_dataset ds;
    CU_ASSERT_FATAL(sgr_dataset_synth_classes(&ds, 20011, 3, 10, 4.0, 2.0, rng, NULL) == 0);
    sgr_model m = {SGR_MODEL_SOFTMAX, 3, 10, 0.01};
    double W[30];
    for (int j = 0; j < 30; j++)
        W[j] = gsl_ran_gaussian(rng, 1.0);
    double *work = malloc(sgr_model_work_size(&m, ds.n) * sizeof *work);
    double f = sgr_model_loss_grad(&m, W, ds.X, ds.y, ds.n, NULL, work);
    CU_ASSERT_DOUBLE_EQUAL(sgr_model_loss(&m, W, &ds), f, 1e-12 * f);
    free(work);
    sgr_dataset_free(&ds);
    gsl_rng_free(rng);
}

static void test_accuracy(void)
{
    /* Rows (a, b); logreg w = e0 predicts 1 iff a > 0; softmax W = I predicts argmax. */
    double X[4 * 2] = {1, 0, -1, 0.5, 2, 3, -2, -3}, y[4] = {1, 0, 1, 0};
    sgr_dataset ds = {4, 2, X, y, 2};
    sgr_model lr = {SGR_MODEL_LOGREG, 2, 0, 0};
    double w[2] = {1, 0};
    CU_ASSERT_DOUBLE_EQUAL(sgr_model_accuracy(&lr, w, &ds), 1.0, 0);
    w[0] = -1;
    CU_ASSERT_DOUBLE_EQUAL(sgr_model_accuracy(&lr, w, &ds), 0.0, 0);

    double ysm[4] = {0, 1, 1, 0}; /* argmax of rows: 0, 1, 1, 0 */
    sgr_dataset dsm = {4, 2, X, ysm, 2};
    sgr_model sm = {SGR_MODEL_SOFTMAX, 2, 2, 0};
    double eye[4] = {1, 0, 0, 1};
    CU_ASSERT_DOUBLE_EQUAL(sgr_model_accuracy(&sm, eye, &dsm), 1.0, 0);
    ysm[3] = 1;
    CU_ASSERT_DOUBLE_EQUAL(sgr_model_accuracy(&sm, eye, &dsm), 0.75, 0);

    sgr_model ls = {SGR_MODEL_LSQ, 2, 0, 0};
    double zero[2] = {0, 0};
    CU_ASSERT_DOUBLE_EQUAL(sgr_model_accuracy(&ls, zero, &ds), 0.5, 1e-15); /* mean y^2 */
}

static void test_flops(void)
{
    const double r = 512, d = 784, k = 10;
    sgr_model sm = {SGR_MODEL_SOFTMAX, 784, 10, 0.1};
    sgr_model lr = {SGR_MODEL_LOGREG, 784, 0, 0.1};
    sgr_model ls = {SGR_MODEL_LSQ, 784, 0, 0.1};
    /* Two gemms (r x d)(d x k) and (d x r)(r x k), then elementwise work and the l2 term. */
    CU_ASSERT_DOUBLE_EQUAL(sgr_model_grad_flops(&sm, 512),
                           2 * (2 * r * d * k) + r * (5 * k + 5) + 4 * d * k, 0);
    CU_ASSERT_DOUBLE_EQUAL(sgr_model_grad_flops(&lr, 512), 2 * (2 * r * d) + 10 * r + 4 * d, 0);
    CU_ASSERT_DOUBLE_EQUAL(sgr_model_grad_flops(&ls, 512), 2 * (2 * r * d) + 4 * r + 4 * d, 0);
    /* The BLAS part dominates, and the count is affine in rows. */
    double f = sgr_model_grad_flops(&sm, 512);
    CU_ASSERT(f > 4 * r * d * k && f < 1.01 * 4 * r * d * k);
    double f0 = sgr_model_grad_flops(&sm, 0), f1 = sgr_model_grad_flops(&sm, 1000);
    CU_ASSERT_DOUBLE_EQUAL(sgr_model_grad_flops(&sm, 2000) - f1, f1 - f0, 0);
}

static void test_kind_names(void)
{
    sgr_model_kind k;
    const sgr_model_kind all[] = {SGR_MODEL_LSQ, SGR_MODEL_LOGREG, SGR_MODEL_SOFTMAX};
    for (int i = 0; i < 3; i++) {
        CU_ASSERT(sgr_model_kind_parse(sgr_model_kind_name(all[i]), &k) == 0 && k == all[i]);
    }
    CU_ASSERT(sgr_model_kind_parse("least-squares", &k) == 0 && k == SGR_MODEL_LSQ);
    CU_ASSERT_EQUAL(sgr_model_kind_parse("svm", &k), -1);
    CU_ASSERT_EQUAL(sgr_model_kind_parse(NULL, &k), -1);
    sgr_model sm = {SGR_MODEL_SOFTMAX, 7, 3, 0};
    CU_ASSERT_EQUAL(sgr_model_nparams(&sm), 21);
    CU_ASSERT_EQUAL(sgr_model_work_size(&sm, 5), 15);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("model", NULL, NULL);
    TEST_ADD(s, test_grad_fd_lsq);
    TEST_ADD(s, test_grad_fd_logreg);
    TEST_ADD(s, test_grad_fd_softmax);
    TEST_ADD(s, test_minibatch_lsq);
    TEST_ADD(s, test_minibatch_logreg);
    TEST_ADD(s, test_minibatch_softmax);
    TEST_ADD(s, test_lsq_optimum);
    TEST_ADD(s, test_softmax_zero_weights);
    TEST_ADD(s, test_stability);
    TEST_ADD(s, test_blocked_loss);
    TEST_ADD(s, test_accuracy);
    TEST_ADD(s, test_flops);
    TEST_ADD(s, test_kind_names);
    return test_run_all();
}
