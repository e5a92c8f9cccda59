/* DADAO's rates against its theory (Nabli & Oyallon, ICML 2023): to reach a precision eps,
 * it needs O(n sqrt(L/mu) log(1/eps)) gradients and O(n sqrt(chi1 chi2) sqrt(L/mu) log(1/eps))
 * communications. Run on the paper's event process (instant, as its analysis assumes) over 3
 * graphs and 3 condition numbers, fit the exponents of the measured counts in sqrt(L/mu) and
 * in sqrt(chi1 chi2), and check them against 1 (and the gradients' exponent in the graph
 * against 0). The fitted exponents are printed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>

#include "simgrad/dadao.h"
#include "simgrad/dataset.h"
#include "simgrad/graph.h"
#include "simgrad/graph_theory.h"
#include "simgrad/model.h"
#include "simgrad/rng.h"
#include "testutil.h"

enum { N = 16, D = 4, ROWS = 40, SEEDS = 3 };
static const double EPS = 1e-6;

typedef struct problem {
    sgr_dataset part[N];
    sgr_model model;
    double xstar[D], mu, L;
} problem;

static void make_problem(problem *pb, double l2)
{
    gsl_rng *rng = sgr_rng_new(11, "scaling", 0);
    sgr_err err;
    pb->model = (sgr_model){.kind = SGR_MODEL_LSQ, .d = D, .l2 = l2};
    gsl_matrix *H = gsl_matrix_calloc(D, D);
    gsl_vector *b = gsl_vector_calloc(D), *ev = gsl_vector_alloc(D);
    gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(D);
    pb->mu = INFINITY;
    pb->L = 0;
    for (int i = 0; i < N; i++) {
        sgr_dataset_synth_lsq(&pb->part[i], ROWS, D, 30.0, 0.1, rng, &err);
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
            gsl_matrix_set(Hi, j, j, gsl_matrix_get(Hi, j, j) + l2);
        gsl_matrix_add(H, Hi);
        gsl_eigen_symm(Hi, ev, ws);
        for (int j = 0; j < D; j++) {
            pb->mu = fmin(pb->mu, gsl_vector_get(ev, j));
            pb->L = fmax(pb->L, gsl_vector_get(ev, j));
        }
        gsl_matrix_free(Hi);
    }
    gsl_vector *x = gsl_vector_alloc(D);
    gsl_linalg_cholesky_decomp1(H);
    gsl_linalg_cholesky_solve(H, b, x);
    for (int j = 0; j < D; j++)
        pb->xstar[j] = gsl_vector_get(x, j);
    gsl_vector_free(x);
    gsl_vector_free(b);
    gsl_vector_free(ev);
    gsl_eigen_symm_free(ws);
    gsl_matrix_free(H);
    gsl_rng_free(rng);
}

static void free_problem(problem *pb)
{
    for (int i = 0; i < N; i++)
        sgr_dataset_free(&pb->part[i]);
}

/* Gradients and gossips until the mean distance is EPS of its start (averaged over seeds). */
static void run(const problem *pb, const sgr_graph *g, const sgr_graph_constants *gc, double *grads,
                double *comms)
{
    *grads = *comms = 0;
    for (int seed = 0; seed < SEEDS; seed++) {
        sgr_dadao s;
        sgr_err err;
        sgr_dadao_init(&s, N, D, pb->mu, pb->L, gc->chi1, gc->lambda_mix, NULL, &err);
        gsl_rng *rng = sgr_rng_new((unsigned long)seed, "scaling-events", 0);
        double t = 0, d0 = sgr_dadao_distance(&s, pb->xstar), grad[D], work[ROWS];
        double total = N + gc->lambda_mix;
        unsigned long ng = 0, nc = 0;
        for (unsigned long ev = 0; ev < 50000000UL; ev++) {
            t += -log(1.0 - gsl_rng_uniform(rng)) / total;
            if (gsl_rng_uniform(rng) < N / total) {
                size_t i = gsl_rng_uniform_int(rng, N);
                sgr_dadao_advance(&s, i, t);
                sgr_model_loss_grad(&pb->model, s.x + i * D, pb->part[i].X, pb->part[i].y, ROWS,
                                    grad, work);
                sgr_dadao_on_gradient(&s, i, grad);
                ng++;
            } else {
                size_t e = gsl_rng_uniform_int(rng, g->m);
                sgr_dadao_on_gossip(&s, g->edge_u[e], g->edge_v[e], t);
                nc++;
            }
            if ((ev & 255) == 0) {
                for (size_t i = 0; i < N; i++)
                    sgr_dadao_advance(&s, i, t);
                if (sgr_dadao_distance(&s, pb->xstar) / d0 < EPS)
                    break;
            }
        }
        *grads += (double)ng / SEEDS;
        *comms += (double)nc / SEEDS;
        gsl_rng_free(rng);
        sgr_dadao_free(&s);
    }
}

static double slope(const double *x, const double *y, int k)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < k; i++) {
        double lx = log(x[i]), ly = log(y[i]);
        sx += lx;
        sy += ly;
        sxx += lx * lx;
        sxy += lx * ly;
    }
    return (k * sxy - sx * sy) / (k * sxx - sx * sx);
}

static void build(sgr_graph *g, sgr_graph_constants *gc, sgr_graph_kind kind, size_t rows)
{
    sgr_err err;
    sgr_graph_cfg cfg = {.kind = kind, .n = N, .rows = rows};
    CU_ASSERT_EQUAL_FATAL(sgr_graph_build(g, &cfg, NULL, &err), 0);
    CU_ASSERT_EQUAL_FATAL(sgr_graph_constants_compute(g, 1000, 1e-9, gc, &err), 0);
}

static void test_condition_number(void)
{
    static const double l2s[] = {1.0, 0.1, 0.01};
    double sk[3], grads[3], comms[3];
    sgr_graph g;
    sgr_graph_constants gc;
    build(&g, &gc, SGR_GRAPH_TORUS, 4);
    printf("\n  torus 4x4: sqrt(chi1 chi2) = %.3g\n", sqrt(gc.chi1 * gc.chi2));
    for (int k = 0; k < 3; k++) {
        problem pb;
        make_problem(&pb, l2s[k]);
        sk[k] = sqrt(pb.L / pb.mu);
        run(&pb, &g, &gc, &grads[k], &comms[k]);
        printf("  sqrt(L/mu) %7.3f: %10.0f gradients, %10.0f gossips to %.0e\n", sk[k], grads[k],
               comms[k], EPS);
        free_problem(&pb);
    }
    double eg = slope(sk, grads, 3), ec = slope(sk, comms, 3);
    printf("  fitted exponents in sqrt(L/mu): gradients %.3f, gossips %.3f (theory 1)\n", eg, ec);
    CU_ASSERT(eg > 0.7 && eg < 1.3);
    CU_ASSERT(ec > 0.7 && ec < 1.3);
    sgr_graph_free(&g);
}

static void test_graph_constants(void)
{
    static const sgr_graph_kind kinds[] = {SGR_GRAPH_COMPLETE, SGR_GRAPH_TORUS, SGR_GRAPH_CYCLE};
    static const char *names[] = {"complete", "torus", "cycle"};
    double sc[3], grads[3], comms[3];
    problem pb;
    make_problem(&pb, 0.1);
    printf("\n  sqrt(L/mu) = %.3f\n", sqrt(pb.L / pb.mu));
    for (int k = 0; k < 3; k++) {
        sgr_graph g;
        sgr_graph_constants gc;
        build(&g, &gc, kinds[k], 4);
        sc[k] = sqrt(gc.chi1 * gc.chi2);
        run(&pb, &g, &gc, &grads[k], &comms[k]);
        printf("  %-8s sqrt(chi1 chi2) %7.3f: %10.0f gradients, %10.0f gossips to %.0e\n", names[k],
               sc[k], grads[k], comms[k], EPS);
        sgr_graph_free(&g);
    }
    double eg = slope(sc, grads, 3), ec = slope(sc, comms, 3);
    printf("  fitted exponents in sqrt(chi1 chi2): gradients %.3f (theory 0), gossips %.3f "
           "(theory 1)\n",
           eg, ec);
    CU_ASSERT(ec > 0.7 && ec < 1.3);
    CU_ASSERT(fabs(eg) < 0.4);
    free_problem(&pb);
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("dadao_scaling", NULL, NULL);
    TEST_ADD(s, test_condition_number);
    TEST_ADD(s, test_graph_constants);
    return test_run_all();
}
