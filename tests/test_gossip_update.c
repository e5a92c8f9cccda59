/* The baselines' updates of the gossip family (algorithms/gossip_update.c) against dense
 * matrices written out here: the ADOM+ mixing lambda_max (I - W^q) with W = I - L/lambda_max,
 * one D-SGD round as W x - eta g with the Metropolis matrix, pairwise gossip conserving the
 * sum, ADOM+ reaching the optimum of a small least-squares problem, and the spectrum of
 * rate-weighted Laplacians against closed forms. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "simgrad/dadao.h"
#include "simgrad/gossip_update.h"
#include "simgrad/graph.h"
#include "testutil.h"

static sgr_graph make_graph(size_t n, const size_t *u, const size_t *v, size_t m)
{
    sgr_graph g;
    sgr_err err;
    CU_ASSERT_EQUAL_FATAL(sgr_graph_from_edges(&g, n, u, v, m, &err), 0);
    return g;
}

/* Dense Laplacian of g (n x n). */
static void laplacian(const sgr_graph *g, double *Lm)
{
    size_t n = g->n;
    memset(Lm, 0, n * n * sizeof *Lm);
    for (size_t e = 0; e < g->m; e++) {
        size_t a = g->edge_u[e], b = g->edge_v[e];
        Lm[a * n + a] += 1;
        Lm[b * n + b] += 1;
        Lm[a * n + b] -= 1;
        Lm[b * n + a] -= 1;
    }
}

/* sgr_adom_mix against lambda_max (v - W^q v) computed with dense products, q = 3. */
static void test_adom_mix_dense(void)
{
    enum { N = 5, D = 2 };
    size_t u[] = {0, 1, 2, 3, 0, 1}, v[] = {1, 2, 3, 4, 2, 4};
    sgr_graph g = make_graph(N, u, v, 6);
    sgr_adom a;
    sgr_err err;
    double x[N * D] = {0};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    /* path-like graph with chords: lambda_max is below 5; any value works for the identity */
    double lmax = 4.5;
    CU_ASSERT_EQUAL_FATAL(sgr_adom_init(&a, N, D, 1.0, 4.0, 0.5, lmax, false, x, rng, &err), 0);
    a.steps = 3;
    double vin[N * D], out[N * D], Lm[N * N], cur[N * D], nxt[N * D];
    for (size_t k = 0; k < N * D; k++)
        vin[k] = sin(1.0 + (double)k);
    laplacian(&g, Lm);
    memcpy(cur, vin, sizeof cur);
    for (int q = 0; q < 3; q++) {
        for (size_t i = 0; i < N; i++)
            for (size_t c = 0; c < D; c++) {
                double acc = 0;
                for (size_t j = 0; j < N; j++)
                    acc += ((i == j ? 1.0 : 0.0) - Lm[i * N + j] / lmax) * cur[j * D + c];
                nxt[i * D + c] = acc;
            }
        memcpy(cur, nxt, sizeof cur);
    }
    sgr_adom_mix(&a, &g, vin, out);
    for (size_t k = 0; k < N * D; k++)
        CU_ASSERT_DOUBLE_EQUAL(out[k], lmax * (vin[k] - cur[k]), 1e-12);
    sgr_adom_free(&a);
    gsl_rng_free(rng);
    sgr_graph_free(&g);
}

/* Least squares f_i(x) = 1/2 |x - b_i|^2 + r/2 |x|^2 on a cycle of 6: x* = mean(b) / (1 + r).
 * ADOM+ with multi-consensus reaches it (linear rate); its constants follow the formulas. */
static void test_adom_converges(void)
{
    enum { N = 6, D = 2 };
    size_t u[] = {0, 1, 2, 3, 4, 0}, v[] = {1, 2, 3, 4, 5, 5};
    sgr_graph g = make_graph(N, u, v, N);
    double b[N * D], x[N * D] = {0}, xs[D] = {0}, r = 0.5;
    for (size_t k = 0; k < N * D; k++) {
        b[k] = cos(0.7 * (double)k) * 3.0;
        xs[k % D] += b[k] / N / (1.0 + r);
    }
    double lambda2 = 2.0 - 2.0 * cos(2.0 * M_PI / N), lambda_max = 4.0;
    sgr_adom a;
    sgr_err err;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double mu = 1.0 + r, L = 1.0 + r + 1.0; /* L above mu: the formulas need L >= mu */
    CU_ASSERT_EQUAL_FATAL(sgr_adom_init(&a, N, D, mu, L, lambda2, lambda_max, true, x, rng, &err),
                          0);
    double chi = lambda_max / lambda2; /* 4 / 1 = 4: q = ceil(4 ln 2) = 3, chi -> 2 */
    CU_ASSERT_EQUAL(a.steps, (size_t)ceil(chi * log(2.0)));
    CU_ASSERT_DOUBLE_EQUAL(a.sigma2, sqrt(mu / L) / (16.0 * 2.0), 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(a.gamma, mu / 2.0 / (14.0 * a.sigma2 * 4.0), 1e-12);
    for (int it = 0; it < 3000; it++) {
        for (size_t i = 0; i < N; i++) {
            const double *xg = sgr_adom_grad_point(&a, i, x);
            for (size_t c = 0; c < D; c++)
                a.g[i * D + c] = (1.0 + r) * xg[c] - b[i * D + c];
        }
        sgr_adom_round_finish(&a, &g, x);
    }
    double dist = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t c = 0; c < D; c++)
            dist += pow(x[i * D + c] - xs[c], 2);
    printf("\n  ADOM+ after 3000 iterations: mean |x_i - x*|^2 = %.3g\n", dist / N);
    CU_ASSERT(dist / N < 1e-16);
    sgr_adom_free(&a);
    gsl_rng_free(rng);
    sgr_graph_free(&g);
}

/* A D-SGD row: on the star 0-{1,2,3} the Metropolis weights are 1/4 on every edge, W_00 = 1/4,
 * W_ii = 3/4 for the leaves. */
static void test_dsgd_metropolis(void)
{
    enum { N = 4, D = 1 };
    size_t u[] = {0, 0, 0}, v[] = {1, 2, 3};
    sgr_graph g = make_graph(N, u, v, 3);
    double x[N] = {1, 2, 4, 8}, grad[1] = {10}, out[1], self;
    sgr_dsgd_mix_row(&g, 0, x, D, out, &self);
    CU_ASSERT_DOUBLE_EQUAL(self, 0.25, 1e-15);
    sgr_dsgd_finish_row(out, x, self, grad, 0.1, D);
    CU_ASSERT_DOUBLE_EQUAL(out[0], 0.25 * (1 + 2 + 4 + 8) - 0.1 * 10, 1e-14);
    sgr_dsgd_mix_row(&g, 2, x, D, out, &self);
    CU_ASSERT_DOUBLE_EQUAL(self, 0.75, 1e-15);
    sgr_dsgd_finish_row(out, x + 2, self, grad, 0.0, D);
    CU_ASSERT_DOUBLE_EQUAL(out[0], 0.25 * 1 + 0.75 * 4, 1e-14);
    CU_ASSERT_DOUBLE_EQUAL(sgr_metropolis_weight(3, 7), 1.0 / 8.0, 0);
    sgr_graph_free(&g);
}

/* Pairwise: the average, and the two halves of a networked exchange conserve the sum. */
static void test_pairwise(void)
{
    double a[2] = {1, 5}, b[2] = {3, -1};
    sgr_pairwise_average(a, b, 2);
    CU_ASSERT_DOUBLE_EQUAL(a[0], 2, 0);
    CU_ASSERT_DOUBLE_EQUAL(b[1], 2, 0);
    double xi[2] = {1, 5}, xj[2] = {3, -1}, delta[2] = {1 - 3, 5 + 1};
    sgr_pairwise_half(xj, delta, +1.0, 2);
    sgr_pairwise_half(xi, delta, -1.0, 2);
    CU_ASSERT_DOUBLE_EQUAL(xi[0], 2, 0);
    CU_ASSERT_DOUBLE_EQUAL(xj[0], 2, 0);
    CU_ASSERT_DOUBLE_EQUAL(xi[1] + xj[1], 4, 0);
    sgr_gradient_step(xi, delta, 0.5, 2);
    CU_ASSERT_DOUBLE_EQUAL(xi[0], 3, 0);
}

/* DADAO's networked halves at the same time equal the instant gossip. */
static void test_dadao_halves(void)
{
    sgr_dadao s1, s2;
    sgr_err err;
    CU_ASSERT_EQUAL_FATAL(sgr_dadao_init(&s1, 3, 2, 1.0, 4.0, 2.0, 3.0, NULL, &err), 0);
    CU_ASSERT_EQUAL_FATAL(sgr_dadao_init(&s2, 3, 2, 1.0, 4.0, 2.0, 3.0, NULL, &err), 0);
    double g[2] = {1.0, -2.0};
    sgr_dadao_on_gradient(&s1, 0, g);
    sgr_dadao_on_gradient(&s2, 0, g);
    sgr_dadao_on_gossip(&s1, 0, 2, 0.7);
    double mi[2], mj[2], delta[2];
    sgr_dadao_advance(&s2, 0, 0.7);
    sgr_dadao_message(&s2, 0, mi);
    sgr_dadao_advance(&s2, 2, 0.7);
    sgr_dadao_message(&s2, 2, mj);
    for (int k = 0; k < 2; k++)
        delta[k] = mi[k] - mj[k];
    sgr_dadao_gossip_half(&s2, 2, delta, +1.0, 0.7);
    sgr_dadao_gossip_half(&s2, 0, delta, -1.0, 0.7);
    for (size_t k = 0; k < 6; k++) {
        CU_ASSERT_DOUBLE_EQUAL(s1.z[k], s2.z[k], 1e-15);
        CU_ASSERT_DOUBLE_EQUAL(s1.zt[k], s2.zt[k], 1e-15);
    }
    sgr_dadao_free(&s1);
    sgr_dadao_free(&s2);
}

/* Uniform rates r on a cycle of n: lambda2 = r (2 - 2 cos(2 pi / n)), every edge's resistance
 * (n - 1) / (n r), so chi2* = (n - 1) / (2 n r). */
static void test_edge_rates_cycle(void)
{
    enum { N = 7 };
    size_t u[N], v[N];
    for (size_t k = 0; k < N; k++) {
        u[k] = k;
        v[k] = (k + 1) % N;
    }
    sgr_graph g = make_graph(N, u, v, N);
    double rates[N], lambda2, chi2s, r = 0.3;
    for (size_t e = 0; e < N; e++)
        rates[e] = r;
    sgr_err err;
    CU_ASSERT_EQUAL_FATAL(sgr_edge_rates_spectrum(&g, rates, &lambda2, &chi2s, &err), 0);
    CU_ASSERT_DOUBLE_EQUAL(lambda2, r * (2 - 2 * cos(2 * M_PI / N)), 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(chi2s, (N - 1.0) / (2.0 * N * r), 1e-12);
    char path[] = "/tmp/sgr-rates-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "1\n2\n");
    fclose(f);
    double *got;
    CU_ASSERT_EQUAL(sgr_edge_rates_load(path, &g, &got, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "expected 7 rows"));
    f = fopen(path, "w");
    for (int e = 0; e < N; e++)
        fprintf(f, "%d\n", e + 1);
    fclose(f);
    CU_ASSERT_EQUAL_FATAL(sgr_edge_rates_load(path, &g, &got, &err), 0);
    CU_ASSERT_DOUBLE_EQUAL(got[6], 7.0, 0);
    free(got);
    remove(path);
    sgr_graph_free(&g);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("gossip_update", NULL, NULL);
    TEST_ADD(s, test_adom_mix_dense);
    TEST_ADD(s, test_adom_converges);
    TEST_ADD(s, test_dsgd_metropolis);
    TEST_ADD(s, test_pairwise);
    TEST_ADD(s, test_dadao_halves);
    TEST_ADD(s, test_edge_rates_cycle);
    return test_run_all();
}
