/* SA-SRRW's iterate error against alpha, without the network: the question the token family
 * asks (does the MSE of theta fall as alpha^-2 when b > a, as Hu, Doshi & Eun predict?) at a
 * scale SimGrid would take minutes for. Quadratic local objectives f_i = |theta - c_i|^2 / 2
 * on a 20-node Watts-Strogatz graph, MHRW base with a uniform target, theta <- theta +
 * (n+1)^-b (c_X - theta). Prints E|theta_N - theta*|^2 / beta_N for each alpha and the fitted
 * log-log slope over alpha > 0.
 *   usage: bench_srrw_alpha [a b N R]     (defaults 0.55 0.8 1000000 20) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_eigen.h>

#include "simgrad/graph.h"
#include "simgrad/rng.h"
#include "simgrad/walk.h"

/* Predicted E|theta_N - theta*|^2 / beta_N for theta <- theta + beta (c_X - theta) driven by the
 * SRRW on the MHRW base chain (uniform target): V = U / 2 with U = sum_{i>=2} w_i C^T u_i u_i^T C,
 * u_i = D^1/2 phi_i, C the n x D matrix of the c_i, and the mode weight w_i either
 *   squared:  (1+l)/(1-l) / (alpha (1+l) + 1)^2      (SA-SRRW, beta = o(gamma), as read from
 *                                                     Hu, Doshi & Eun)
 *   sampling: (1+l)/(1-l) / (2 alpha (1+l) + 1)       (the visit measure's own weights, a = 1)
 * Both equal the Markov chain's value at alpha = 0. Returns the two traces. */
static void predict(const sgr_graph *g, const double *c, int D, double alpha, double *sq,
                    double *samp)
{
    size_t n = g->n;
    sgr_walk_cfg wc = {.kind = SGR_WALK_MHRW, .gamma_exp = 1.0};
    sgr_err err;
    sgr_walk *w = sgr_walk_new(g, &wc, 0, &err);
    const double *mu = sgr_walk_target(w);
    gsl_matrix *S = gsl_matrix_calloc(n, n), *ev = gsl_matrix_alloc(n, n);
    gsl_vector *la = gsl_vector_alloc(n);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(n);
    for (size_t i = 0; i < n; i++) {
        gsl_matrix_set(S, i, i, sgr_walk_base_prob(w, i, i));
        for (size_t k = g->offset[i]; k < g->offset[i + 1]; k++) {
            size_t j = g->adj[k];
            gsl_matrix_set(S, i, j, sqrt(mu[i] / mu[j]) * sgr_walk_base_prob(w, i, j));
        }
    }
    gsl_eigen_symmv(S, la, ev, ws);
    gsl_eigen_symmv_sort(la, ev, GSL_EIGEN_SORT_VAL_DESC);
    *sq = *samp = 0;
    for (size_t e = 1; e < n; e++) {
        double l = gsl_vector_get(la, e), base = (1 + l) / (1 - l);
        double proj = 0; /* |C^T u_e|^2 */
        for (int dd = 0; dd < D; dd++) {
            double p = 0;
            for (size_t k = 0; k < n; k++)
                p += c[k * D + dd] * sqrt(mu[k]) * gsl_matrix_get(ev, k, e);
            proj += p * p;
        }
        *sq += base / ((alpha * (1 + l) + 1) * (alpha * (1 + l) + 1)) * proj / 2;
        *samp += base / (2 * alpha * (1 + l) + 1) * proj / 2;
    }
    gsl_eigen_symmv_free(ws);
    gsl_vector_free(la);
    gsl_matrix_free(ev);
    gsl_matrix_free(S);
    sgr_walk_free(w);
}

int main(int argc, char **argv)
{
    double a = argc > 1 ? atof(argv[1]) : 0.55, b = argc > 2 ? atof(argv[2]) : 0.8;
    unsigned long N = argc > 3 ? strtoul(argv[3], NULL, 10) : 1000000;
    int R = argc > 4 ? atoi(argv[4]) : 20;
    sgr_graph g;
    sgr_err err;
    gsl_rng *gr = sgr_rng_new(4, "graph", 0);
    sgr_graph_cfg gc = {.kind = SGR_GRAPH_WATTS, .n = 20, .degree = 4, .beta = 0.3};
    if (sgr_graph_build(&g, &gc, gr, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    gsl_rng_free(gr);
    enum { D = 3 };
    size_t n = g.n;
    double *c = malloc(n * D * sizeof *c), star[D] = {0};
    gsl_rng *cr = sgr_rng_new(1, "targets", 0);
    for (size_t i = 0; i < n * D; i++)
        c[i] = 2.0 * gsl_rng_uniform(cr) - 1.0;
    gsl_rng_free(cr);
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < D; j++)
            star[j] += c[i * D + j] / (double)n;
    static const double alphas[] = {0, 1, 2, 5, 10, 20};
    double lx[6], ly[6], lp[6];
    int m = 0;
    printf("SA-SRRW, a = %g, b = %g, %lu steps, %d replicas\n", a, b, N, R);
    printf("%8s %16s %18s %18s\n", "alpha", "E|err|^2/beta_N", "pred. (squared)",
           "pred. (sampling)");
    for (int k = 0; k < 6; k++) {
        double mse = 0;
        for (int r = 0; r < R; r++) {
            sgr_walk_cfg wc = {.kind = SGR_WALK_SRRW, .base = SGR_WALK_MHRW, .alpha = alphas[k],
                               .gamma_exp = a};
            gsl_rng *rng = sgr_rng_new(7, "walk", (unsigned long)r);
            sgr_walk *w = sgr_walk_new(&g, &wc, 0, &err);
            if (!w) {
                fprintf(stderr, "%s\n", err.msg);
                return 1;
            }
            double th[D] = {0};
            size_t x = 0;
            for (unsigned long t = 0; t < N; t++) {
                double beta = pow((double)t + 1.0, -b);
                for (int j = 0; j < D; j++)
                    th[j] += beta * (c[x * D + j] - th[j]);
                x = sgr_walk_step(w, rng);
            }
            for (int j = 0; j < D; j++)
                mse += (th[j] - star[j]) * (th[j] - star[j]);
            sgr_walk_free(w);
            gsl_rng_free(rng);
        }
        mse /= R;
        double scaled = mse / pow((double)N + 1.0, -b);
        double psq, psa;
        predict(&g, c, D, alphas[k], &psq, &psa);
        printf("%8.1f %16.5g %18.5g %18.5g\n", alphas[k], scaled, psq, psa);
        fflush(stdout);
        if (alphas[k] > 0) {
            lx[m] = log(alphas[k]);
            lp[m] = log(psq);
            ly[m++] = log(scaled);
        }
    }
    double sx = 0, sy = 0, sp = 0, sxx = 0, sxy = 0, sxp = 0;
    for (int i = 0; i < m; i++) {
        sx += lx[i];
        sy += ly[i];
        sp += lp[i];
        sxx += lx[i] * lx[i];
        sxy += lx[i] * ly[i];
        sxp += lx[i] * lp[i];
    }
    printf("fitted exponent in alpha over these alphas: measured %.3f, the squared prediction's "
           "own %.3f (it tends to -2 only once alpha (1 + lambda_i) >> 1)\n",
           (m * sxy - sx * sy) / (m * sxx - sx * sx), (m * sxp - sx * sp) / (m * sxx - sx * sx));
    free(c);
    sgr_graph_free(&g);
    return 0;
}
