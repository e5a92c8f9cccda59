/* Spectral constants for DADAO: closed forms (star, cycle, path, complete), dense against
 * iterative on medium graphs, effective-resistance identities (Foster, bridges), disconnected
 * graphs, and the iterative path's wall time at n = 10,000 (regular) and 2,000 (geometric). */
#include "testutil.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "simgrad/graph.h"
#include "simgrad/graph_theory.h"
#include "simgrad/rng.h"

#define DENSE_MAX 3000
#define TOL 1e-6

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void build(sgr_graph *g, sgr_graph_kind kind, size_t n, size_t rows, double radius,
                  size_t degree, unsigned long seed)
{
    sgr_graph_cfg cfg = {.kind = kind, .n = n, .rows = rows, .radius = radius, .degree = degree};
    gsl_rng *rng = sgr_rng_new(seed, "test_graph_theory", 0);
    sgr_err err = {""};
    int rc = sgr_graph_build(g, &cfg, rng, &err);
    if (rc)
        fprintf(stderr, "build %s failed: %s\n", sgr_graph_kind_name(kind), err.msg);
    gsl_rng_free(rng);
    CU_ASSERT_FATAL(rc == 0);
}

static void compute(const sgr_graph *g, size_t dense_max, sgr_graph_constants *c)
{
    sgr_err err = {""};
    int rc = sgr_graph_constants_compute(g, dense_max, TOL, c, &err);
    if (rc)
        fprintf(stderr, "constants failed: %s\n", err.msg);
    CU_ASSERT_FATAL(rc == 0);
}

static bool rel_close(double x, double want, double rel)
{
    return fabs(x - want) <= rel * fabs(want);
}

/* chi1 = m / lambda2, chi2 = m R_edge / 2 (every edge alike), lambda_mix = sqrt(2 chi1 chi2). */
static void check_closed_form(sgr_graph_kind kind, size_t n, double lambda2, double r_edge,
                              size_t m)
{
    sgr_graph g;
    sgr_graph_constants c;
    build(&g, kind, n, 0, 0, 0, 1);
    CU_ASSERT_EQUAL(g.m, m);
    compute(&g, DENSE_MAX, &c);
    double chi1 = (double)m / lambda2, chi2 = (double)m * r_edge / 2;
    CU_ASSERT(c.exact);
    CU_ASSERT(rel_close(c.lambda2, lambda2, 1e-9));
    CU_ASSERT(rel_close(c.chi1, chi1, 1e-9));
    CU_ASSERT(rel_close(c.chi2, chi2, 1e-9));
    CU_ASSERT(rel_close(c.lambda_mix, sqrt(2 * chi1 * chi2), 1e-9));
    if (!rel_close(c.chi1, chi1, 1e-9) || !rel_close(c.chi2, chi2, 1e-9))
        fprintf(stderr, "%s n=%zu: chi1 %.12g (want %.12g) chi2 %.12g (want %.12g)\n",
                sgr_graph_kind_name(kind), n, c.chi1, chi1, c.chi2, chi2);
    sgr_graph_free(&g);
}

static void test_star(void)
{
    sgr_graph g;
    sgr_graph_constants c;
    build(&g, SGR_GRAPH_STAR, 16, 0, 0, 0, 1);
    compute(&g, DENSE_MAX, &c);
    CU_ASSERT(fabs(c.chi1 - 15) < 1e-9);
    CU_ASSERT(fabs(c.chi2 - 7.5) < 1e-9);
    CU_ASSERT(fabs(c.lambda_mix - 15) < 1e-9);
    CU_ASSERT(fabs(c.lambda2 - 1) < 1e-12 && fabs(c.lambda_max - 16) < 1e-12);
    CU_ASSERT(c.exact && c.chi1_rel_error == 0 && c.chi2_rel_error == 0);
    sgr_graph_free(&g);
}

static void test_closed_forms(void)
{
    const size_t ns[] = {3, 5, 16, 64, 101, 400};
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
        double n = (double)ns[k];
        /* Cycle: lambda_j = 2 - 2 cos(2 pi j / n); an edge is 1 ohm parallel to n-1 ohms. */
        check_closed_form(SGR_GRAPH_CYCLE, ns[k], 2 - 2 * cos(2 * M_PI / n), (n - 1) / n, ns[k]);
        /* Path: lambda_j = 2 - 2 cos(pi j / n); every edge is a bridge. */
        check_closed_form(SGR_GRAPH_PATH, ns[k], 2 - 2 * cos(M_PI / n), 1, ns[k] - 1);
        /* Complete: L = n I - J, so lambda = n on 1's complement and L^+ = I/n - J/n^2. */
        check_closed_form(SGR_GRAPH_COMPLETE, ns[k], n, 2 / n, ns[k] * (ns[k] - 1) / 2);
    }
}

/* Dense against iterative (forced with dense_max = 0). */
static void check_dense_vs_iterative(const char *name, const sgr_graph *g)
{
    sgr_graph_constants d, it;
    compute(g, DENSE_MAX, &d);
    double t0 = now();
    compute(g, 0, &it);
    double t = now() - t0;
    double e1 = fabs(it.chi1 - d.chi1) / d.chi1, e2 = fabs(it.chi2 - d.chi2) / d.chi2;
    printf("\n  %-10s n=%5zu m=%6zu chi1 %.8g (err %.1e, bound %.1e) chi2 %.8g (err %.1e, "
           "bound %.1e) lambda_max %.6g/%.6g, %zu its, %.3f s",
           name, g->n, g->m, d.chi1, e1, it.chi1_rel_error, d.chi2, e2, it.chi2_rel_error,
           d.lambda_max, it.lambda_max, it.iterations, t);
    CU_ASSERT(!it.exact);
    CU_ASSERT(e1 <= it.chi1_rel_error + 1e-9);
    CU_ASSERT(it.chi1_rel_error <= 1e-5 && e1 <= 1e-5);
    CU_ASSERT(e2 <= 1e-4);
    CU_ASSERT(e2 <= it.chi2_rel_error + 1e-9);
    CU_ASSERT(rel_close(it.lambda_max, d.lambda_max, 1e-5));
    CU_ASSERT(rel_close(it.lambda_mix, sqrt(2 * it.chi1 * it.chi2), 1e-12));
}

static void test_dense_vs_iterative(void)
{
    sgr_graph g;
    build(&g, SGR_GRAPH_CYCLE, 500, 0, 0, 0, 1);
    check_dense_vs_iterative("cycle", &g);
    sgr_graph_free(&g);
    build(&g, SGR_GRAPH_GRID, 600, 20, 0, 0, 1);
    check_dense_vs_iterative("grid", &g);
    sgr_graph_free(&g);
    build(&g, SGR_GRAPH_REGULAR, 500, 0, 0, 4, 2);
    check_dense_vs_iterative("regular", &g);
    sgr_graph_free(&g);
    build(&g, SGR_GRAPH_GEOMETRIC, 800, 0, 0.08, 0, 3);
    check_dense_vs_iterative("geometric", &g);
    sgr_graph_free(&g);
    build(&g, SGR_GRAPH_BARBELL, 60, 0, 0, 0, 1);
    check_dense_vs_iterative("barbell", &g);
    sgr_graph_free(&g);
    printf("\n");
}

/* Foster's theorem: the resistances of the edges of a connected graph sum to n - 1. */
static void test_foster(void)
{
    const sgr_graph_kind kinds[] = {SGR_GRAPH_GRID,  SGR_GRAPH_GEOMETRIC, SGR_GRAPH_REGULAR,
                                    SGR_GRAPH_WATTS, SGR_GRAPH_BARBELL,   SGR_GRAPH_STAR};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        sgr_graph g;
        sgr_graph_cfg cfg = {.kind = kinds[k], .n = 120, .radius = 0.2, .degree = 6, .beta = 0.3};
        gsl_rng *rng = sgr_rng_new(7, "test_graph_theory", k);
        CU_ASSERT_FATAL(sgr_graph_build(&g, &cfg, rng, NULL) == 0);
        gsl_rng_free(rng);
        double *r = malloc(g.m * sizeof *r), sum = 0;
        CU_ASSERT_FATAL(sgr_graph_edge_resistances_dense(&g, r, NULL) == 0);
        for (size_t e = 0; e < g.m; e++) {
            sum += r[e];
            /* an edge is at most its own 1 ohm (a bridge is exactly 1; the dense
             * pseudo-inverse gives it to ~1e-12 on 120 nodes, depending on the BLAS kernel) */
            CU_ASSERT(r[e] > 0 && r[e] <= 1 + 1e-10);
        }
        CU_ASSERT(fabs(sum - (double)(g.n - 1)) < 1e-9 * (double)g.n);
        free(r);
        sgr_graph_free(&g);
    }
}

/* Barbell: the middle edge is a bridge, R = 1, the largest; clique edges have R = 2/(n/2). */
static void test_bridge(void)
{
    sgr_graph g;
    build(&g, SGR_GRAPH_BARBELL, 40, 0, 0, 0, 1);
    double *r = malloc(g.m * sizeof *r);
    CU_ASSERT_FATAL(sgr_graph_edge_resistances_dense(&g, r, NULL) == 0);
    size_t bridges = 0;
    for (size_t e = 0; e < g.m; e++) {
        bool cross = (g.edge_u[e] < 20) != (g.edge_v[e] < 20);
        bridges += cross;
        if (cross)
            CU_ASSERT(fabs(r[e] - 1) < 1e-12);
    }
    CU_ASSERT_EQUAL(bridges, 1);
    sgr_graph_constants c;
    compute(&g, DENSE_MAX, &c);
    CU_ASSERT(fabs(c.max_resistance - 1) < 1e-12 && fabs(c.chi2 - (double)g.m / 2) < 1e-9);
    compute(&g, 0, &c);
    CU_ASSERT(fabs(c.max_resistance - 1) < 1e-6);
    free(r);
    sgr_graph_free(&g);
}

static void test_disconnected(void)
{
    /* two triangles and an isolated node */
    const size_t u[] = {0, 1, 2, 3, 4, 5}, v[] = {1, 2, 0, 4, 5, 3};
    sgr_graph g;
    CU_ASSERT_FATAL(sgr_graph_from_edges(&g, 7, u, v, 6, NULL) == 0);
    sgr_graph_constants c;
    for (size_t dense_max = 0; dense_max <= 10; dense_max += 10) {
        sgr_err err = {""};
        CU_ASSERT_EQUAL(sgr_graph_constants_compute(&g, dense_max, TOL, &c, &err), -1);
        CU_ASSERT(strstr(err.msg, "disconnected") != NULL);
    }
    sgr_err err = {""};
    double r[6];
    CU_ASSERT_EQUAL(sgr_graph_edge_resistances_dense(&g, r, &err), -1);
    CU_ASSERT(strstr(err.msg, "disconnected") != NULL);
    sgr_graph_free(&g);
    /* one node: no edge, no constants */
    CU_ASSERT_FATAL(sgr_graph_from_edges(&g, 1, u, v, 0, NULL) == 0);
    CU_ASSERT_EQUAL(sgr_graph_constants_compute(&g, 10, TOL, &c, &err), -1);
    sgr_graph_free(&g);
    /* two nodes, one edge: chi1 = 1/2, R = 1, chi2 = 1/2, on both paths */
    CU_ASSERT_FATAL(sgr_graph_from_edges(&g, 2, u, v, 1, NULL) == 0);
    for (size_t dense_max = 0; dense_max <= 10; dense_max += 10) {
        CU_ASSERT_FATAL(sgr_graph_constants_compute(&g, dense_max, TOL, &c, &err) == 0);
        CU_ASSERT(fabs(c.chi1 - 0.5) < 1e-9 && fabs(c.chi2 - 0.5) < 1e-9);
    }
    sgr_graph_free(&g);
}

static void test_laplacian(void)
{
    sgr_graph g;
    build(&g, SGR_GRAPH_GEOMETRIC, 50, 0, 0.25, 0, 4);
    double *L = sgr_graph_laplacian_dense(&g), x[50], y[50];
    CU_ASSERT_FATAL(L != NULL);
    for (size_t i = 0; i < 50; i++)
        x[i] = sin((double)i);
    sgr_graph_laplacian_apply(&g, x, y);
    for (size_t i = 0; i < 50; i++) {
        double s = 0, row = 0;
        for (size_t j = 0; j < 50; j++) {
            s += L[i * 50 + j] * x[j];
            row += L[i * 50 + j];
            CU_ASSERT(L[i * 50 + j] == L[j * 50 + i]);
        }
        CU_ASSERT(fabs(s - y[i]) < 1e-12 && row == 0);
    }
    free(L);
    sgr_graph_free(&g);
}

static void check_scale(const char *name, const sgr_graph *g)
{
    sgr_graph_constants c;
    double t0 = now();
    compute(g, 1000, &c);
    double t = now() - t0;
    printf("\n  %-10s n=%zu m=%zu: lambda2 %.6g lambda_max %.6g chi1 %.6g (bound %.1e) chi2 "
           "%.6g (bound %.1e) lambda_mix %.6g, %zu its, %.2f s",
           name, g->n, g->m, c.lambda2, c.lambda_max, c.chi1, c.chi1_rel_error, c.chi2,
           c.chi2_rel_error, c.lambda_mix, c.iterations, t);
    CU_ASSERT(!c.exact);
    CU_ASSERT(isfinite(c.chi1) && c.chi1 > 0 && isfinite(c.chi2) && c.chi2 > 0);
    CU_ASSERT(isfinite(c.lambda_mix) && c.lambda_mix > 0);
    CU_ASSERT(c.chi2 <= c.chi1);
    CU_ASSERT(c.chi1_rel_error <= 1e-5 && c.chi2_rel_error <= 1e-5);
}

static void test_scale(void)
{
    sgr_graph g;
    build(&g, SGR_GRAPH_REGULAR, 10000, 0, 0, 10, 11);
    check_scale("regular", &g);
    sgr_graph_free(&g);
    size_t n = 2000;
    double radius = 1.5 * sqrt(2 * log((double)n) / (M_PI * (double)n));
    build(&g, SGR_GRAPH_GEOMETRIC, n, 0, radius, 0, 12);
    check_scale("geometric", &g);
    sgr_graph_free(&g);
    printf("\n");
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("graph_theory", NULL, NULL);
    TEST_ADD(s, test_star);
    TEST_ADD(s, test_closed_forms);
    TEST_ADD(s, test_laplacian);
    TEST_ADD(s, test_foster);
    TEST_ADD(s, test_bridge);
    TEST_ADD(s, test_disconnected);
    TEST_ADD(s, test_dense_vs_iterative);
    /* "quick" skips the scale suite (for valgrind). */
    if (argc < 2 || strcmp(argv[1], "quick") != 0) {
        CU_pSuite big = CU_add_suite("graph_theory_scale", NULL, NULL);
        TEST_ADD(big, test_scale);
    }
    return test_run_all();
}
