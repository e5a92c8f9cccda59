/* DADAO's per-node state, its exact flow between events and its event jumps. */
#include "simgrad/dadao.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

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
    s->scratch = malloc(6 * d * sizeof *s->scratch);
    if (!block || !s->t_last || !s->scratch) {
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
    return 0;
}

void sgr_dadao_free(sgr_dadao *s)
{
    free(s->x); /* the block */
    free(s->t_last);
    free(s->scratch);
    memset(s, 0, sizeof *s);
}

/* E = exp(ode dt), row-major 6 x 6. */
static void flow_matrix(const sgr_dadao *s, double dt, double *E)
{
    double A[36];
    for (int k = 0; k < 36; k++)
        A[k] = s->ode[k] * dt;
    gsl_matrix_view a = gsl_matrix_view_array(A, 6, 6), e = gsl_matrix_view_array(E, 6, 6);
    gsl_linalg_exponential_ss(&a.matrix, &e.matrix, GSL_PREC_DOUBLE);
}

void sgr_dadao_advance(sgr_dadao *s, size_t i, double t)
{
    double dt = t - s->t_last[i];
    s->t_last[i] = t;
    if (!(dt > 0))
        return;
    double E[36];
    flow_matrix(s, dt, E);
    size_t d = s->d;
    double *v[6] = {s->x + i * d,  s->xt + i * d, s->y + i * d,
                    s->yt + i * d, s->z + i * d,  s->zt + i * d};
    for (int r = 0; r < 6; r++)
        for (size_t k = 0; k < d; k++) {
            double acc = 0;
            for (int c = 0; c < 6; c++)
                acc += E[r * 6 + c] * v[c][k];
            s->scratch[r * d + k] = acc;
        }
    for (int r = 0; r < 6; r++)
        memcpy(v[r], s->scratch + r * d, d * sizeof(double));
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
    flow_matrix(s, dt, E);
    size_t d = s->d;
    const double *v[6] = {s->x + i * d,  s->xt + i * d, s->y + i * d,
                          s->yt + i * d, s->z + i * d,  s->zt + i * d};
    for (size_t k = 0; k < d; k++) {
        double x = 0;
        for (int c = 0; c < 6; c++)
            x += E[c] * v[c][k];
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
