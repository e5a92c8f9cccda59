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

#include "simgrad/graph.h"
#include "simgrad/rng.h"
#include "simgrad/walk.h"

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
    double lx[6], ly[6];
    int m = 0;
    printf("SA-SRRW, a = %g, b = %g, %lu steps, %d replicas\n", a, b, N, R);
    printf("%8s %16s\n", "alpha", "E|err|^2/beta_N");
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
        printf("%8.1f %16.5g\n", alphas[k], scaled);
        fflush(stdout);
        if (alphas[k] > 0) {
            lx[m] = log(alphas[k]);
            ly[m++] = log(scaled);
        }
    }
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < m; i++) {
        sx += lx[i];
        sy += ly[i];
        sxx += lx[i] * lx[i];
        sxy += lx[i] * ly[i];
    }
    printf("fitted exponent in alpha (alpha > 0): %.3f (predicted -2 when b > a)\n",
           (m * sxy - sx * sy) / (m * sxx - sx * sx));
    free(c);
    sgr_graph_free(&g);
    return 0;
}
