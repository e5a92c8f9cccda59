/* DADAO's core on a small problem, events drawn as the paper's Poisson processes and applied
 * instantly (no network): it converges linearly to the optimum of sum_i f_i, computed
 * independently from the normal equations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_rng.h>

#include "simgrad/dadao.h"
#include "simgrad/dataset.h"
#include "simgrad/graph.h"
#include "simgrad/model.h"
#include "simgrad/rng.h"
#include "testutil.h"

enum { N = 8, D = 4, ROWS = 40 };

typedef struct problem {
    sgr_dataset part[N];
    sgr_model model;
    double xstar[D];
    double mu, L;
} problem;

/* Local least squares with a ridge, and the exact optimum of their sum. */
static void make_problem(problem *pb, unsigned long seed)
{
    gsl_rng *rng = sgr_rng_new(seed, "dadao-test", 0);
    sgr_err err;
    pb->model = (sgr_model){.kind = SGR_MODEL_LSQ, .d = D, .l2 = 0.1};
    gsl_matrix *H = gsl_matrix_calloc(D, D);
    gsl_vector *b = gsl_vector_calloc(D);
    pb->mu = INFINITY;
    pb->L = 0;
    for (int i = 0; i < N; i++) {
        CU_ASSERT_EQUAL_FATAL(sgr_dataset_synth_lsq(&pb->part[i], ROWS, D, 5.0, 0.1, rng, &err), 0);
        gsl_matrix *Hi = gsl_matrix_calloc(D, D);
        for (int r = 0; r < ROWS; r++)
            for (int j = 0; j < D; j++) {
                double xj = pb->part[i].X[r * D + j];
                for (int k = 0; k < D; k++)
                    gsl_matrix_set(Hi, j, k,
                                   gsl_matrix_get(Hi, j, k) + xj * pb->part[i].X[r * D + k] / ROWS);
                gsl_vector_set(b, j, gsl_vector_get(b, j) + xj * pb->part[i].y[r] / ROWS);
            }
        for (int j = 0; j < D; j++)
            gsl_matrix_set(Hi, j, j, gsl_matrix_get(Hi, j, j) + 0.1);
        gsl_matrix_add(H, Hi);
        gsl_vector *ev = gsl_vector_alloc(D);
        gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(D);
        gsl_eigen_symm(Hi, ev, ws);
        for (int j = 0; j < D; j++) {
            double e = gsl_vector_get(ev, j);
            pb->mu = fmin(pb->mu, e);
            pb->L = fmax(pb->L, e);
        }
        gsl_eigen_symm_free(ws);
        gsl_vector_free(ev);
        gsl_matrix_free(Hi);
    }
    gsl_vector *x = gsl_vector_alloc(D);
    gsl_linalg_cholesky_decomp1(H);
    gsl_linalg_cholesky_solve(H, b, x);
    for (int j = 0; j < D; j++)
        pb->xstar[j] = gsl_vector_get(x, j);
    gsl_vector_free(x);
    gsl_vector_free(b);
    gsl_matrix_free(H);
    gsl_rng_free(rng);
}

static void free_problem(problem *pb)
{
    for (int i = 0; i < N; i++)
        sgr_dataset_free(&pb->part[i]);
}

/* Play the Poisson events until time t_end; return the final relative distance, and the
 * distances at t_end/2 and t_end for the rate. */
static double run(problem *pb, const sgr_graph *g, double chi1, double lambda_mix, double t_end,
                  double *half)
{
    sgr_dadao s;
    sgr_err err;
    CU_ASSERT_EQUAL_FATAL(sgr_dadao_init(&s, N, D, pb->mu, pb->L, chi1, lambda_mix, NULL, &err), 0);
    gsl_rng *rng = sgr_rng_new(3, "events", 0);
    double t = 0, d0 = sgr_dadao_distance(&s, pb->xstar), grad[D], work[ROWS];
    double total_rate = N + lambda_mix;
    *half = NAN;
    while (t < t_end) {
        t += -log(1.0 - gsl_rng_uniform(rng)) / total_rate;
        if (isnan(*half) && t >= t_end / 2)
            *half = sgr_dadao_distance(&s, pb->xstar) / d0;
        if (gsl_rng_uniform(rng) < N / total_rate) {
            size_t i = gsl_rng_uniform_int(rng, N);
            sgr_dadao_advance(&s, i, t);
            sgr_model_loss_grad(&pb->model, s.x + i * D, pb->part[i].X, pb->part[i].y, ROWS, grad,
                                work);
            sgr_dadao_on_gradient(&s, i, grad);
        } else {
            size_t e = gsl_rng_uniform_int(rng, g->m);
            sgr_dadao_on_gossip(&s, g->edge_u[e], g->edge_v[e], t);
        }
    }
    for (size_t i = 0; i < N; i++)
        sgr_dadao_advance(&s, i, t);
    double rel = sgr_dadao_distance(&s, pb->xstar) / d0;
    gsl_rng_free(rng);
    sgr_dadao_free(&s);
    return rel;
}

static void test_converges_linearly(void)
{
    problem pb;
    make_problem(&pb, 1);
    sgr_graph g;
    sgr_err err;
    sgr_graph_cfg gc = {.kind = SGR_GRAPH_CYCLE, .n = N};
    CU_ASSERT_EQUAL_FATAL(sgr_graph_build(&g, &gc, NULL, &err), 0);
    /* cycle: lambda2 = 2 - 2 cos(2 pi / n), |E| = n, edge resistance (n-1)/n */
    double chi1 = (double)N / (2.0 - 2.0 * cos(2.0 * M_PI / N));
    double chi2 = (double)N * ((double)(N - 1) / N) / 2.0;
    double lambda_mix = sqrt(2.0 * chi1 * chi2);
    double half, rel = run(&pb, &g, chi1, lambda_mix, 400.0, &half);
    printf("\n  DADAO on a cycle of %d, kappa = L/mu = %.3g: relative distance %.3g at t = 200, "
           "%.3g at t = 400\n",
           N, pb.L / pb.mu, half, rel);
    CU_ASSERT(rel < 1e-8);
    /* linear: the second half gains as many orders of magnitude as the first, roughly */
    CU_ASSERT(log(rel) / log(half) > 1.6);
    sgr_graph_free(&g);
    free_problem(&pb);
}

static void test_bad_constants(void)
{
    sgr_dadao s;
    sgr_err err;
    CU_ASSERT_EQUAL(sgr_dadao_init(&s, 4, 2, 0.0, 1.0, 1.0, 1.0, NULL, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "mu must be > 0"));
    CU_ASSERT_EQUAL(sgr_dadao_init(&s, 4, 2, 2.0, 1.0, 1.0, 1.0, NULL, &err), -1);
    CU_ASSERT_EQUAL(sgr_dadao_init(&s, 4, 2, 1.0, 2.0, 1.0, -1.0, NULL, &err), -1);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("dadao", NULL, NULL);
    TEST_ADD(s, test_converges_linearly);
    TEST_ADD(s, test_bad_constants);
    return test_run_all();
}
