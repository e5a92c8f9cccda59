/* The baselines' updates of the gossip family: ADOM+, D-SGD, pairwise gossip; per-edge rates.
 * The expressions keep the order of operations of the family's first version, so runs are
 * reproducible to the bit across the refactor. */
#include "simgrad/gossip_update.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "simgrad/straggler.h" /* sgr_trace_read_csv */

/* ---- ADOM+ ---- */

void sgr_adom_free(sgr_adom *a)
{
    double **arrays[] = {&a->y, &a->z, &a->m,  &a->xf, &a->yf, &a->zf,      &a->xg,      &a->g,
                         &a->u, &a->s, &a->zg, &a->lu, &a->ls, &a->mix_cur, &a->mix_next};
    for (size_t k = 0; k < sizeof arrays / sizeof *arrays; k++) {
        free(*arrays[k]);
        *arrays[k] = NULL;
    }
}

static int adom_alloc(sgr_adom *a, size_t nd, sgr_err *err)
{
    double **arrays[] = {&a->y, &a->z, &a->m,  &a->xf, &a->yf, &a->zf,      &a->xg,      &a->g,
                         &a->u, &a->s, &a->zg, &a->lu, &a->ls, &a->mix_cur, &a->mix_next};
    for (size_t k = 0; k < sizeof arrays / sizeof *arrays; k++) {
        *arrays[k] = calloc(nd ? nd : 1, sizeof(double));
        if (!*arrays[k]) {
            sgr_adom_free(a);
            return sgr_fail(err, "out of memory for ADOM+'s state (%zu values per array)", nd);
        }
    }
    return 0;
}

/* The constants of the DADAO authors' ADOM+ (optimizers.py:334-345). */
static void adom_constants(sgr_adom *a, double mu, double L, double chi)
{
    a->tau1 = 1.0 / (sqrt(L / mu) + 0.5);
    a->tau2 = sqrt(mu / L);
    a->sigma2 = a->tau2 / (16.0 * chi);
    a->sigma1 = 1.0 / (1.0 / a->sigma2 + 0.5);
    a->eta = 1.0 / (L * a->tau2);
    a->alpha = mu / 2.0;
    a->beta = 1.0 / (2.0 * L);
    a->delta = 1.0 / (17.0 * L);
    a->nu = mu / 2.0;
    a->gamma = a->nu / (14.0 * a->sigma2 * chi * chi);
    a->theta = a->nu / (4.0 * a->sigma2);
    a->zeta = 0.5;
}

int sgr_adom_init(sgr_adom *a, size_t n, size_t d, double mu, double L, double lambda2,
                  double lambda_max, bool multi_consensus, const double *x, gsl_rng *rng,
                  sgr_err *err)
{
    memset(a, 0, sizeof *a);
    if (!(mu > 0) || !(L >= mu))
        return sgr_fail(err, "ADOM+ needs 0 < mu <= L (got mu = %g, L = %g)", mu, L);
    if (!(lambda2 > 0) || !(lambda_max >= lambda2))
        return sgr_fail(err, "ADOM+ needs a connected graph (lambda2 = %g, lambda_max = %g)",
                        lambda2, lambda_max);
    size_t nd = n * d;
    if (adom_alloc(a, nd, err) < 0)
        return -1;
    a->n = n;
    a->d = d;
    double chi = lambda_max / lambda2;
    a->lambda_max = lambda_max;
    a->steps = 1;
    if (multi_consensus) {
        /* W^q with q = ceil(chi ln 2) has an effective chi of about 2 (Kovalev et al., eq. 20;
         * run_optimizers.py:208-219) */
        size_t q = (size_t)ceil(chi * log(2.0));
        if (q > 1) {
            a->steps = q;
            chi = 2.0;
        }
    }
    adom_constants(a, mu, L, chi);
    for (size_t k = 0; k < nd; k++) {
        a->y[k] = gsl_rng_uniform(rng) - 0.5;
        a->m[k] = gsl_rng_uniform(rng) - 0.5;
    }
    memcpy(a->yf, a->y, nd * sizeof(double));
    memcpy(a->xf, x, nd * sizeof(double));
    return 0;
}

const double *sgr_adom_grad_point(sgr_adom *a, size_t i, const double *x)
{
    size_t d = a->d, o = i * d;
    const double *xi = x + o;
    for (size_t k = 0; k < d; k++)
        a->xg[o + k] = a->tau1 * xi[k] + (1.0 - a->tau1) * a->xf[o + k];
    return a->xg + o;
}

void sgr_adom_messages(sgr_adom *a, size_t i)
{
    size_t d = a->d, o = i * d;
    for (size_t k = 0; k < d; k++) {
        double yg = a->sigma1 * a->y[o + k] + (1.0 - a->sigma1) * a->yf[o + k];
        double zg = a->sigma1 * a->z[o + k] + (1.0 - a->sigma1) * a->zf[o + k];
        a->s[o + k] = yg + zg;
        a->u[o + k] = a->gamma / a->nu * (yg + zg) + a->m[o + k];
        a->zg[o + k] = zg;
    }
}

/* optimizers.py:349-400, one node's rows (lu, ls carry lambda_max (I - W) applied). */
void sgr_adom_post(sgr_adom *a, size_t i, double *x, const double *lu, const double *ls)
{
    size_t d = a->d, o = i * d;
    double *xi = x + o;
    double eta = a->eta, al = a->alpha, th = a->theta, be = a->beta, nu = a->nu;
    double c1 = (1 + eta * al) / ((1 + th * be) * (1 + eta * al) + th * eta);
    double c2 = th * be + eta * (th / (1 + eta * al));
    double c3 = th * (be * nu + eta * (nu + al) / (1 + eta * al));
    double c4 = th / (1 + eta * al), c5 = 1 / (1 + eta * al);
    for (size_t k = 0; k < d; k++) {
        double xg = a->xg[o + k], g = a->g[o + k], s = a->s[o + k];
        double zg = a->zg[o + k];
        double yg = s - zg;
        double ynew = c1 * (a->y[o + k] + g * c2 - xg * c3 - xi[k] * c4 - (th / nu) * (yg + zg));
        double xnew = c5 * (xi[k] + eta * al * xg - eta * (g - nu * xg - ynew));
        double lum = lu[k] / a->lambda_max, lsm = ls[k] / a->lambda_max;
        double znew = a->z[o + k] + a->gamma * a->delta * (zg - a->z[o + k]) - lum;
        double mnew = a->u[o + k] - lum;
        a->xf[o + k] = xg + a->tau2 * (xnew - xi[k]);
        a->yf[o + k] = yg + a->sigma2 * (ynew - a->y[o + k]);
        a->zf[o + k] = zg - a->zeta * lsm;
        a->y[o + k] = ynew;
        xi[k] = xnew;
        a->z[o + k] = znew;
        a->m[o + k] = mnew;
    }
}

void sgr_adom_mix(sgr_adom *a, const sgr_graph *g, const double *v, double *out)
{
    size_t nd = a->n * a->d, d = a->d;
    double *cur = a->mix_cur, *next = a->mix_next;
    memcpy(cur, v, nd * sizeof *cur);
    for (size_t q = 0; q < a->steps; q++) {
        for (size_t i = 0; i < a->n; i++) {
            /* (L cur)_i = deg_i cur_i - sum_j cur_j, neighbours in adjacency order */
            double deg = (double)sgr_graph_degree(g, i);
            double *ni = next + i * d;
            for (size_t k = 0; k < d; k++)
                ni[k] = deg * cur[i * d + k];
            for (size_t e = g->offset[i]; e < g->offset[i + 1]; e++)
                for (size_t k = 0; k < d; k++)
                    ni[k] -= cur[g->adj[e] * d + k];
            for (size_t k = 0; k < d; k++)
                ni[k] = cur[i * d + k] - ni[k] / a->lambda_max;
        }
        double *t = cur;
        cur = next;
        next = t;
    }
    /* sgr_adom_post divides by lambda_max: hand it lambda_max (v - W^q v) */
    for (size_t k = 0; k < nd; k++)
        out[k] = (v[k] - cur[k]) * a->lambda_max;
}

void sgr_adom_round_finish(sgr_adom *a, const sgr_graph *g, double *x)
{
    size_t d = a->d;
    for (size_t i = 0; i < a->n; i++)
        sgr_adom_messages(a, i);
    sgr_adom_mix(a, g, a->u, a->lu);
    sgr_adom_mix(a, g, a->s, a->ls);
    for (size_t i = 0; i < a->n; i++)
        sgr_adom_post(a, i, x, a->lu + i * d, a->ls + i * d);
}

/* ---- D-SGD ---- */

double sgr_metropolis_weight(size_t di, size_t dj)
{
    return 1.0 / (1.0 + (double)(di > dj ? di : dj));
}

void sgr_dsgd_mix_row(const sgr_graph *g, size_t i, const double *x, size_t d, double *out,
                      double *self)
{
    size_t di = sgr_graph_degree(g, i);
    *self = 1.0;
    memset(out, 0, d * sizeof *out);
    for (size_t k = g->offset[i]; k < g->offset[i + 1]; k++) {
        size_t j = g->adj[k];
        double w = sgr_metropolis_weight(di, sgr_graph_degree(g, j));
        *self -= w;
        for (size_t c = 0; c < d; c++)
            out[c] += w * x[j * d + c];
    }
}

void sgr_dsgd_finish_row(double *out, const double *xi, double self, const double *grad, double eta,
                         size_t d)
{
    for (size_t c = 0; c < d; c++)
        out[c] += self * xi[c] - eta * grad[c];
}

/* ---- pairwise gossip ---- */

void sgr_pairwise_average(double *xi, double *xj, size_t d)
{
    for (size_t k = 0; k < d; k++)
        xi[k] = xj[k] = 0.5 * (xi[k] + xj[k]);
}

void sgr_pairwise_half(double *x, const double *delta, double sign, size_t d)
{
    for (size_t k = 0; k < d; k++)
        x[k] += sign * 0.5 * delta[k];
}

void sgr_gradient_step(double *x, const double *grad, double eta, size_t d)
{
    for (size_t k = 0; k < d; k++)
        x[k] -= eta * grad[k];
}

/* ---- per-edge rates ---- */

int sgr_edge_rates_load(const char *path, const sgr_graph *g, double **rates, sgr_err *err)
{
    double *v = NULL;
    size_t rows, cols;
    *rates = NULL;
    if (sgr_trace_read_csv(path, &v, &rows, &cols, err) < 0)
        return sgr_fail_prefix(err, "algorithm.edge_rates");
    if (cols != 1 || rows != g->m) {
        sgr_fail(err,
                 "algorithm.edge_rates: %s has %zu rows of %zu values; expected %zu rows (one "
                 "rate per edge)",
                 path, rows, cols, g->m);
        free(v);
        return -1;
    }
    for (size_t e = 0; e < g->m; e++)
        if (!(v[e] > 0)) {
            sgr_fail(err, "algorithm.edge_rates: edge %zu (%zu-%zu) has rate %g; rates must be > 0",
                     e, g->edge_u[e], g->edge_v[e], v[e]);
            free(v);
            return -1;
        }
    *rates = v;
    return 0;
}

/* max_e R_e / 2 from the eigen-decomposition (vectors in the columns of V, values ev). */
static double max_half_resistance(const sgr_graph *g, const double *V, const double *ev)
{
    size_t n = g->n;
    double chi2s = 0;
    for (size_t e = 0; e < g->m; e++) {
        size_t a = g->edge_u[e], b = g->edge_v[e];
        double r = 0;
        for (size_t k = 1; k < n; k++) {
            double dv = V[a * n + k] - V[b * n + k];
            r += dv * dv / ev[k];
        }
        if (r / 2 > chi2s)
            chi2s = r / 2;
    }
    return chi2s;
}

int sgr_edge_rates_spectrum(const sgr_graph *g, const double *rates, double *lambda2, double *chi2s,
                            sgr_err *err)
{
    size_t n = g->n;
    double *Lw = calloc(n * n, sizeof *Lw), *ev = malloc(n * sizeof *ev);
    int rc = -1;
    if (!Lw || !ev) {
        sgr_fail(err, "out of memory for the %zu x %zu rate-weighted Laplacian", n, n);
        goto out;
    }
    for (size_t e = 0; e < g->m; e++) {
        size_t a = g->edge_u[e], b = g->edge_v[e];
        Lw[a * n + a] += rates[e];
        Lw[b * n + b] += rates[e];
        Lw[a * n + b] -= rates[e];
        Lw[b * n + a] -= rates[e];
    }
    int info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)n, Lw, (lapack_int)n, ev);
    *lambda2 = n > 1 ? ev[1] : 0;
    if (info != 0 || !(*lambda2 > 0)) {
        sgr_fail(err, "algorithm.edge_rates: the rate-weighted Laplacian has no spectral gap");
        goto out;
    }
    *chi2s = max_half_resistance(g, Lw, ev);
    rc = 0;
out:
    free(Lw);
    free(ev);
    return rc;
}
