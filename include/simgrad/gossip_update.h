/* simgrad: the updates of DADAO's baselines in the gossip family, as plain arithmetic on arrays
 * (no SimGrid): ADOM+ (Kovalev et al., NeurIPS 2021, with the constants of the DADAO authors'
 * comparison code, AdelNabli/DADAO optimizers.py:293-400), synchronous D-SGD with Metropolis
 * weights, and randomized pairwise gossip with local gradient steps.
 *
 * Node i's vectors are row i (d values) of n x d row-major arrays. The caller computes the
 * local gradients (the model lives elsewhere) and moves the messages; these functions do the
 * rest, in a fixed order of floating-point operations so that a run is reproducible to the
 * bit. */
#ifndef SIMGRAD_GOSSIP_UPDATE_H
#define SIMGRAD_GOSSIP_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "simgrad/error.h"
#include "simgrad/graph.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- ADOM+ ---- */

typedef struct sgr_adom {
    size_t n, d;
    /* n x d each: the dual y, z, the error-feedback m, the "f" (extrapolated) iterates, and
     * per round the gradient point xg, its gradient g, the messages u and s, and z_g */
    double *y, *z, *m, *xf, *yf, *zf, *xg, *g, *u, *s, *zg;
    double *lu, *ls, *mix_cur, *mix_next; /* n x d workspaces of a round */
    double tau1, tau2, sigma1, sigma2, eta, alpha, beta, delta, nu, gamma, theta, zeta;
    double lambda_max; /* the gossip matrix is W = I - Laplacian / lambda_max */
    size_t steps;      /* gossip steps per iteration (multi-consensus) */
} sgr_adom;

/* State for n nodes in dimension d starting at x (n x d; x itself stays the caller's, updated
 * by sgr_adom_post): xf = x, y and m uniform in [-1/2, 1/2) drawn from rng in the order
 * y_0, m_0, y_1, m_1, ... (the reference draws them at random too), the others 0. chi =
 * lambda_max / lambda2; with multi_consensus, q = ceil(chi ln 2) gossip steps per iteration
 * when that is > 1, and chi = 2 in the constants (Kovalev et al., eq. 20). Returns 0, or -1
 * with err (mu <= 0, L < mu, a graph without a spectral gap, out of memory; then nothing
 * is held). */
int sgr_adom_init(sgr_adom *a, size_t n, size_t d, double mu, double L, double lambda2,
                  double lambda_max, bool multi_consensus, const double *x, gsl_rng *rng,
                  sgr_err *err);
void sgr_adom_free(sgr_adom *a);

/* Node i's gradient point x_g = tau1 x_i + (1 - tau1) xf_i, into row i of a->xg, which is
 * returned; the caller then puts grad f_i(x_g) into row i of a->g. Can't fail. */
const double *sgr_adom_grad_point(sgr_adom *a, size_t i, const double *x);

/* Node i's part before the exchange (after its gradient is in a->g): y_g, z_g and what it
 * sends, u = gamma/nu (y_g + z_g) + m and s = y_g + z_g (rows i of a->u, a->s). */
void sgr_adom_messages(sgr_adom *a, size_t i);

/* Node i's part after the exchange, with lu = lambda_max ((I - W^q) u)_i and
 * ls = lambda_max ((I - W^q) s)_i (d values each): the new x_i (in x, row i) and state. */
void sgr_adom_post(sgr_adom *a, size_t i, double *x, const double *lu, const double *ls);

/* out = lambda_max (v - W^q v) for all nodes (n x d), W = I - L(g) / lambda_max: q Laplacian
 * applications on g, each node's row in adjacency order. Uses a's workspaces. */
void sgr_adom_mix(sgr_adom *a, const sgr_graph *g, const double *v, double *out);

/* One synchronous ADOM+ iteration of every node on graph g, given the gradients already in
 * a->g (call sgr_adom_grad_point, compute, then this). Updates x (n x d). */
void sgr_adom_round_finish(sgr_adom *a, const sgr_graph *g, double *x);

/* ---- D-SGD (Metropolis weights) ---- */

/* The Metropolis weight of an edge between nodes of degrees di and dj: 1 / (1 + max). */
double sgr_metropolis_weight(size_t di, size_t dj);

/* Node i's mixing on g: out = sum_j W_ij x_j over its neighbours in adjacency order (x is
 * n x d), *self = W_ii = 1 - sum_j W_ij. Can't fail. */
void sgr_dsgd_mix_row(const sgr_graph *g, size_t i, const double *x, size_t d, double *out,
                      double *self);

/* Finish node i's D-SGD step: out += self x_i - eta grad (per coordinate, in that order). */
void sgr_dsgd_finish_row(double *out, const double *xi, double self, const double *grad, double eta,
                         size_t d);

/* ---- randomized pairwise gossip ---- */

/* Both ends take the average: x_i = x_j = (x_i + x_j) / 2. */
void sgr_pairwise_average(double *xi, double *xj, size_t d);

/* One end's half of an exchange made over the network, delta = x_initiator - x_responder:
 * x += sign delta / 2 (sign +1 at the responder, -1 at the initiator), so that the sum over
 * nodes is conserved even when the two ends act at different times. */
void sgr_pairwise_half(double *x, const double *delta, double sign, size_t d);

/* A local gradient step x -= eta grad. */
void sgr_gradient_step(double *x, const double *grad, double eta, size_t d);

/* ---- per-edge gossip rates ---- */

/* Read one positive rate per edge of g (one number per line, in g's edge order) from a CSV
 * file. Returns 0 with *rates malloc'ed (g->m values), or -1 with err naming the key
 * algorithm.edge_rates and the file. */
int sgr_edge_rates_load(const char *path, const sgr_graph *g, double **rates, sgr_err *err);

/* Spectral constants of the rate-weighted Laplacian sum_e rate_e (e_u - e_v)(e_u - e_v)^T
 * (dense, LAPACK): its smallest positive eigenvalue *lambda2 and *chi2s = max_e R_e / 2, R_e
 * the effective resistance of edge e in it. Returns 0, or -1 with err (out of memory, no
 * spectral gap). */
int sgr_edge_rates_spectrum(const sgr_graph *g, const double *rates, double *lambda2, double *chi2s,
                            sgr_err *err);

#ifdef __cplusplus
}
#endif
#endif
