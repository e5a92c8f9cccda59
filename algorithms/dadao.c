/* DADAO's per-node state, its exact flow between events and its event jumps. */
#include "simgrad/dadao.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int sgr_dadao_init(sgr_dadao *s, size_t n, size_t d, double mu, double L, double chi1,
                   double lambda_mix, const double *x0, sgr_err *err)
{
    memset(s, 0, sizeof *s);
    if (!(mu > 0))
        return sgr_fail(err, "the strong convexity mu must be > 0 (got %g); add workload.l2", mu);
    if (!(L >= mu))
        return sgr_fail(err, "the smoothness L = %g must be >= mu = %g", L, mu);
    if (!(chi1 > 0) || !(lambda_mix > 0))
        return sgr_fail(err, "chi1 and lambda_mix must be > 0 (got %g, %g)", chi1, lambda_mix);
    s->n = n;
    s->d = d;
    double *block = calloc(6 * n * d, sizeof *block);
    s->t_last = calloc(n, sizeof *s->t_last);
    if (!block || !s->t_last) {
        free(block);
        sgr_dadao_free(s);
        return sgr_fail(err, "out of memory");
    }
    s->x = block;
    s->xt = block + n * d;
    s->y = block + 2 * n * d;
    s->yt = block + 3 * n * d;
    s->z = block + 4 * n * d;
    s->zt = block + 5 * n * d;
    if (x0)
        memcpy(s->x, x0, n * d * sizeof *x0);
    double nu = mu / 2.0, r = sqrt(nu / L);
    double alpha = r / 4.0, alpha_t = r / 8.0, eta = r / 8.0, eta_t = eta, theta = 0.5 / r;
    s->nu = nu;
    s->beta = 0.5;
    s->beta_t = 2.0 * (chi1 / lambda_mix) / r;
    s->delta = r / 4.0;
    s->delta_t = 1.0;
    s->gamma = 1.0 / (4.0 * L);
    s->gamma_t = 1.0 / (4.0 * sqrt(L * nu));
    /* order (x, x~, y, y~, z, z~) */
    double *M = s->ode;
    memset(M, 0, sizeof s->ode);
    M[0 * 6 + 0] = -eta;
    M[0 * 6 + 1] = eta;
    M[1 * 6 + 0] = eta_t;
    M[1 * 6 + 1] = -eta_t;
    M[2 * 6 + 2] = -alpha;
    M[2 * 6 + 3] = alpha;
    M[3 * 6 + 1] = -theta * nu;
    M[3 * 6 + 2] = -theta;
    M[3 * 6 + 4] = -theta;
    M[4 * 6 + 4] = -alpha;
    M[4 * 6 + 5] = alpha;
    M[5 * 6 + 4] = alpha_t;
    M[5 * 6 + 5] = -alpha_t;
    s->ode_max = 0;
    for (int k = 0; k < 36; k++)
        s->ode_max = fmax(s->ode_max, fabs(M[k]));
    return 0;
}

void sgr_dadao_free(sgr_dadao *s)
{
    free(s->x); /* the block */
    free(s->t_last);
    memset(s, 0, sizeof *s);
}

/* E = exp(ode dt), row-major 6 x 6, by GSL's own method (gsl_linalg_exponential_ss with
 * GSL_PREC_DOUBLE, linalg/exponential.c: Moler & Van Loan's table picks a Taylor order K and
 * 2^J scaling from the largest |entry|; Horner's form of the series, then J squarings), with
 * the same operations in the same order, on the flow's block structure: (x, x~) and (z, z~)
 * evolve alone and (y, y~) is driven by x~ and z, so every power of ode has zeros outside
 * rows 0-1 x cols 0-1, rows 4-5 x cols 4-5 and rows 2-3, and products skip those terms
 * (adding a product with an exact zero changes no sum). No allocation and no BLAS call for a
 * 6 x 6 product: 5x faster, and the same numbers as GSL's (tests/test_dadao_flow.c compares
 * them over many steps). */
static const int flow_nonzero[20] = {0,  1,  6,  7,  12, 13, 14, 15, 16, 17,
                                     18, 19, 20, 21, 22, 23, 28, 29, 34, 35};

/* C = A B for two matrices of the flow's structure, each sum in GSL's k order. */
static void flow_product(const double *A, const double *B, double *C, bool full)
{
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            C[i * 6 + j] = A[i * 6] * B[j] + A[i * 6 + 1] * B[6 + j];
    if (!full)
        return;
    for (int i = 4; i < 6; i++)
        for (int j = 4; j < 6; j++)
            C[i * 6 + j] = A[i * 6 + 4] * B[24 + j] + A[i * 6 + 5] * B[30 + j];
    for (int i = 2; i < 4; i++) {
        const double *a = A + i * 6;
        double *c = C + i * 6;
        for (int j = 0; j < 2; j++)
            c[j] = a[0] * B[j] + a[1] * B[6 + j] + a[2] * B[12 + j] + a[3] * B[18 + j];
        for (int j = 2; j < 4; j++)
            c[j] = a[2] * B[12 + j] + a[3] * B[18 + j];
        for (int j = 4; j < 6; j++)
            c[j] = a[2] * B[12 + j] + a[3] * B[18 + j] + a[4] * B[24 + j] + a[5] * B[30 + j];
    }
}

/* Moler & Van Loan's (Taylor order, squarings) for double precision by the largest |entry|,
 * as GSL's table and its rule beyond 1000. */
static void flow_suggestion(double norm, int *K, int *J)
{
    static const int table[6][2] = {{5, 1}, {5, 4}, {7, 5}, {9, 7}, {10, 10}, {8, 14}};
    static const double bounds[6] = {0.01, 0.1, 1.0, 10.0, 100.0, 1000.0};
    for (int g = 0; g < 6; g++)
        if (norm < bounds[g]) {
            *K = table[g][0];
            *J = table[g][1];
            return;
        }
    *K = table[5][0];
    *J = table[5][1] + (int)(unsigned int)ceil(log(1.01 * norm / 1000.0) / M_LN2);
}

/* exp(ode dt) into E; only its (x, x~) block (the top-left 2 x 2, what the distance to x*
 * needs) unless `full`. The largest |entry| of ode dt is omax dt: rounding is monotone. */
static void flow_matrix(const sgr_dadao *s, double dt, bool full, double *E)
{
    double A[36], T[36];
    int K, J;
    flow_suggestion(s->ode_max * dt, &K, &J);
    double shrink = 1.0 / exp(M_LN2 * J), first = 1.0 / K;
    int nq = full ? 20 : 4; /* flow_nonzero starts with the (x, x~) block */
    memset(E, 0, sizeof T);
    memset(T, 0, sizeof T);
    for (int q = 0; q < nq; q++) {
        A[flow_nonzero[q]] = s->ode[flow_nonzero[q]] * dt * shrink;
        E[flow_nonzero[q]] = A[flow_nonzero[q]] * first;
    }
    for (int i = 0; i < (full ? 6 : 2); i++)
        E[i * 7] += 1.0;
    for (int count = K - 1; count >= 1; --count) { /* E = 1 + A E / count */
        flow_product(A, E, T, full);
        double f = 1.0 / count;
        for (int q = 0; q < nq; q++)
            T[flow_nonzero[q]] *= f;
        for (int i = 0; i < (full ? 6 : 2); i++)
            T[i * 7] += 1.0;
        memcpy(E, T, sizeof T);
    }
    for (int i = 0; i < J; i++) {
        flow_product(E, E, T, full);
        memcpy(E, T, sizeof T);
    }
}

void sgr_dadao_advance(sgr_dadao *s, size_t i, double t)
{
    double dt = t - s->t_last[i];
    s->t_last[i] = t;
    if (!(dt > 0))
        return;
    double E[36];
    flow_matrix(s, dt, true, E);
    size_t d = s->d;
    double *v[6] = {s->x + i * d,  s->xt + i * d, s->y + i * d,
                    s->yt + i * d, s->z + i * d,  s->zt + i * d};
    /* each sum in column order, without the terms of E's structural zeros */
    for (size_t k = 0; k < d; k++) {
        double o[6] = {v[0][k], v[1][k], v[2][k], v[3][k], v[4][k], v[5][k]};
        for (int r = 0; r < 2; r++)
            v[r][k] = E[r * 6] * o[0] + E[r * 6 + 1] * o[1];
        for (int r = 2; r < 4; r++)
            v[r][k] = E[r * 6] * o[0] + E[r * 6 + 1] * o[1] + E[r * 6 + 2] * o[2] +
                      E[r * 6 + 3] * o[3] + E[r * 6 + 4] * o[4] + E[r * 6 + 5] * o[5];
        for (int r = 4; r < 6; r++)
            v[r][k] = E[r * 6 + 4] * o[4] + E[r * 6 + 5] * o[5];
    }
}

void sgr_dadao_on_gradient(sgr_dadao *s, size_t i, const double *grad)
{
    size_t d = s->d;
    double *x = s->x + i * d, *xt = s->xt + i * d, *yt = s->yt + i * d;
    for (size_t k = 0; k < d; k++) {
        double g = grad[k] - s->nu * x[k] - yt[k]; /* evaluated before any jump */
        x[k] -= s->gamma * g;
        xt[k] -= s->gamma_t * g;
        yt[k] += (s->delta + s->delta_t) * g;
    }
}

void sgr_dadao_on_gossip(sgr_dadao *s, size_t i, size_t j, double t)
{
    sgr_dadao_advance(s, i, t);
    sgr_dadao_advance(s, j, t);
    size_t d = s->d;
    double *yi = s->y + i * d, *yj = s->y + j * d, *zi = s->z + i * d, *zj = s->z + j * d;
    double *zti = s->zt + i * d, *ztj = s->zt + j * d;
    for (size_t k = 0; k < d; k++) {
        double p = (yi[k] + zi[k]) - (yj[k] + zj[k]); /* (e_i - e_j)(e_i - e_j)^T (y + z) */
        zi[k] -= s->beta * p;
        zti[k] -= s->beta_t * p;
        zj[k] += s->beta * p;
        ztj[k] += s->beta_t * p;
    }
}

void sgr_dadao_message(const sgr_dadao *s, size_t i, double *out)
{
    size_t d = s->d;
    for (size_t k = 0; k < d; k++)
        out[k] = s->y[i * d + k] + s->z[i * d + k];
}

void sgr_dadao_gossip_half(sgr_dadao *s, size_t i, const double *delta, double sign, double t)
{
    sgr_dadao_advance(s, i, t);
    size_t d = s->d;
    double *z = s->z + i * d, *zt = s->zt + i * d;
    for (size_t k = 0; k < d; k++) {
        z[k] += sign * s->beta * delta[k];
        zt[k] += sign * s->beta_t * delta[k];
    }
}

double sgr_dadao_node_distance(const sgr_dadao *s, size_t i, const double *xstar)
{
    double sum = 0;
    for (size_t k = 0; k < s->d; k++) {
        double e = s->x[i * s->d + k] - xstar[k];
        sum += e * e;
    }
    return sum;
}

double sgr_dadao_node_distance_at(const sgr_dadao *s, size_t i, const double *xstar, double t)
{
    double dt = t - s->t_last[i];
    if (!(dt > 0))
        return sgr_dadao_node_distance(s, i, xstar);
    double E[36], sum = 0;
    flow_matrix(s, dt, false, E);
    size_t d = s->d;
    const double *v[6] = {s->x + i * d,  s->xt + i * d, s->y + i * d,
                          s->yt + i * d, s->z + i * d,  s->zt + i * d};
    for (size_t k = 0; k < d; k++) {
        double x = E[0] * v[0][k] + E[1] * v[1][k]; /* E[2..5] are structural zeros */
        sum += (x - xstar[k]) * (x - xstar[k]);
    }
    return sum;
}

double sgr_dadao_distance_at(const sgr_dadao *s, const double *xstar, double t)
{
    double sum = 0;
    for (size_t i = 0; i < s->n; i++)
        sum += sgr_dadao_node_distance_at(s, i, xstar, t);
    return sum / (double)s->n;
}

double sgr_dadao_distance(const sgr_dadao *s, const double *xstar)
{
    double sum = 0;
    for (size_t i = 0; i < s->n; i++)
        sum += sgr_dadao_node_distance(s, i, xstar);
    return sum / (double)s->n;
}
