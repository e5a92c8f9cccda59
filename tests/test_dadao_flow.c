/* DADAO's flow between events (algorithms/dadao.c evaluates exp(ode dt) by GSL's method on
 * the flow's block structure, without GSL) against GSL's gsl_linalg_exponential_ss on the full
 * 6 x 6 matrix applied to the same state: sgr_dadao_advance and sgr_dadao_distance_at must
 * give GSL's numbers, for steps dt from 1e-5 to 1e4 time units (every row of Moler & Van
 * Loan's table and the rule beyond it) and several conditionings. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_linalg.h>

#include "simgrad/dadao.h"
#include "testutil.h"

enum { D = 3, STEPS = 4000 };

/* exp(ode dt) v for the six vectors of node 0, by GSL, each sum in column order. */
static void reference_advance(const sgr_dadao *s, double dt, const double *v, double *out)
{
    double A[36], E[36];
    for (int k = 0; k < 36; k++)
        A[k] = s->ode[k] * dt;
    gsl_matrix_view a = gsl_matrix_view_array(A, 6, 6), e = gsl_matrix_view_array(E, 6, 6);
    CU_ASSERT_EQUAL_FATAL(gsl_linalg_exponential_ss(&a.matrix, &e.matrix, GSL_PREC_DOUBLE), 0);
    for (int r = 0; r < 6; r++)
        for (int k = 0; k < D; k++) {
            double acc = 0;
            for (int c = 0; c < 6; c++)
                acc += E[r * 6 + c] * v[c * D + k];
            out[r * D + k] = acc;
        }
}

static void state_of(const sgr_dadao *s, double *v)
{
    const double *src[6] = {s->x, s->xt, s->y, s->yt, s->z, s->zt};
    for (int c = 0; c < 6; c++)
        memcpy(v + c * D, src[c], D * sizeof(double));
}

/* Relative difference, 0 when both are equal (zeros included). */
static double rel_diff(double a, double b)
{
    if (a == b)
        return 0;
    return fabs(a - b) / fmax(fabs(a), fabs(b));
}

static void check_conditioning(double mu, double L)
{
    sgr_dadao s;
    sgr_err err;
    double x0[D] = {0.7, -1.3, 2.1}, xstar[D] = {0.1, 0.2, -0.3};
    CU_ASSERT_EQUAL_FATAL(sgr_dadao_init(&s, 1, D, mu, L, 50.0, 40.0, x0, &err), 0);
    double t = 0, worst = 0, worst_dist = 0;
    long exact = 0, total = 0;
    for (int step = 0; step < STEPS; step++) {
        /* log-uniform steps over 1e-5 .. 1e4, and a state kept non-trivial by a jump */
        double tn = t + pow(10.0, -5.0 + 9.0 * (double)((step * 7919) % STEPS) / STEPS);
        double dt = tn - t; /* the step the library sees */
        s.y[step % D] += 0.25;
        s.z[(step + 1) % D] -= 0.5;
        double v[6 * D], want[6 * D], got[6 * D];
        state_of(&s, v);
        /* the distance at t + dt, measured without moving the state */
        double want_dist = 0;
        reference_advance(&s, dt, v, want);
        for (int k = 0; k < D; k++)
            want_dist += (want[k] - xstar[k]) * (want[k] - xstar[k]);
        double dist = sgr_dadao_distance_at(&s, xstar, tn);
        worst_dist = fmax(worst_dist, rel_diff(dist, want_dist));
        t = tn;
        sgr_dadao_advance(&s, 0, t);
        state_of(&s, got);
        bool same = true;
        for (int q = 0; q < 6 * D; q++) {
            worst = fmax(worst, rel_diff(got[q], want[q]));
            same = same && memcmp(&got[q], &want[q], sizeof(double)) == 0;
        }
        exact += same;
        total++;
        /* keep the numbers in range over 9 decades of steps */
        for (int q = 0; q < D; q++) {
            s.x[q] = fmod(s.x[q], 10.0);
            s.xt[q] = fmod(s.xt[q], 10.0);
            s.y[q] = fmod(s.y[q], 10.0);
            s.yt[q] = fmod(s.yt[q], 10.0);
            s.z[q] = fmod(s.z[q], 10.0);
            s.zt[q] = fmod(s.zt[q], 10.0);
        }
    }
    printf("\n  mu %g L %g: %ld of %ld advances bit-identical to GSL's, worst relative "
           "difference %.3g (distance %.3g)",
           mu, L, exact, total, worst, worst_dist);
    /* The same operations in the same order: identical here, where GSL's 6 x 6 products go
     * through a BLAS that sums in column order; a BLAS with fused multiply-adds would differ
     * in the last bits, hence a bound of a few ulps rather than equality. */
    CU_ASSERT(worst <= 1e-14);
    CU_ASSERT(worst_dist <= 1e-14);
    sgr_dadao_free(&s);
}

static void test_flow_matches_gsl(void)
{
    check_conditioning(0.3, 2.88);  /* gossip-10k's kappa ~ 10 */
    check_conditioning(0.05, 0.2);  /* well conditioned */
    check_conditioning(1e-3, 10.0); /* kappa 1e4: large theta, many squarings */
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("dadao_flow", NULL, NULL);
    TEST_ADD(s, test_flow_matches_gsl);
    return test_run_all();
}
