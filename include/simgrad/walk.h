/* simgrad: random walks that carry a token over a logical graph, including the
 * self-repellent random walk (Doshi et al., ICML 2023) and its stochastic-approximation use
 * (SA-SRRW, Hu, Doshi, Eun, ICLR 2024). Pure C, no SimGrid.
 *
 * A step costs O(degree of the current node): the SRRW's visit-frequency estimate x is kept as
 * scale * u, so its update x <- x + gamma (delta_X - x) touches one entry (and renormalises
 * in O(n) only when the scale underflows, amortised O(1)). */
#ifndef SIMGRAD_WALK_H
#define SIMGRAD_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "simgrad/error.h"
#include "simgrad/graph.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    SGR_WALK_SRW,  /* simple random walk: uniform neighbour; stationary ~ degree */
    SGR_WALK_MHRW, /* Metropolis-Hastings towards the target mu (self-loops on rejection) */
    SGR_WALK_NBRW, /* non-backtracking: uniform neighbour but the previous (unless degree 1) */
    SGR_WALK_IID,  /* i.i.d. draws from mu, ignoring the graph (a reference) */
    SGR_WALK_SRRW, /* self-repellent walk on a reversible base chain (SRW or MHRW) */
} sgr_walk_kind;

typedef struct sgr_walk_cfg {
    sgr_walk_kind kind;
    sgr_walk_kind base; /* SRRW: SGR_WALK_SRW or SGR_WALK_MHRW */
    double alpha;       /* SRRW repellence >= 0 (0: the base chain exactly) */
    double gamma_exp;   /* a in (0.5, 1]: x's step gamma_n = (n+1)^-a */
    const double *mu;   /* target distribution (n entries > 0, sum 1); NULL: uniform.
                           SRW's stationary distribution is degree-proportional whatever mu. */
} sgr_walk_cfg;

typedef struct sgr_walk sgr_walk;

/* A walk on g from node `start`. Validates alpha finite and >= 0, a in (0.5, 1], mu positive
 * and summing to 1, the graph connected, start < n. The walk keeps a pointer to g and mu: keep
 * them alive. On error, NULL is returned and err names the key (token.alpha, token.gamma_exp,
 * token.base, token.target, graph, token.start). */
sgr_walk *sgr_walk_new(const sgr_graph *g, const sgr_walk_cfg *cfg, size_t start, sgr_err *err);
void sgr_walk_free(sgr_walk *w);

/* Move to the next node (possibly the same one, for MHRW's rejections), drawing from rng, and
 * update the visit counts and (SRRW) x. Returns the new node. */
size_t sgr_walk_step(sgr_walk *w, gsl_rng *rng);

size_t sgr_walk_current(const sgr_walk *w);
unsigned long sgr_walk_steps(const sgr_walk *w);

/* The stationary distribution the walk samples from (mu, or degree/2m for SRW and NBRW). */
const double *sgr_walk_target(const sgr_walk *w);

/* Transition probabilities out of node i in the walk's current state: probs[k] for the k-th
 * neighbour of i (CSR order), and probs[deg] for staying at i. For NBRW the row depends on
 * the previous node, `prev` (or (size_t)-1). Can't fail. */
void sgr_walk_row(const sgr_walk *w, size_t i, size_t prev, double *probs);

/* Base chain P(i, j) (SRRW: of its base; others: their own), j a neighbour of i or i. */
double sgr_walk_base_prob(const sgr_walk *w, size_t i, size_t j);

/* The SRRW's estimate x (or, for the other walks, the empirical visit measure), normalised:
 * out[0..n-1]. O(n). */
void sgr_walk_estimate(const sgr_walk *w, double *out);

/* Total-variation distance between the empirical visit measure (counts / steps) and the
 * target. O(n). */
double sgr_walk_tv(const sgr_walk *w);

int sgr_walk_kind_parse(const char *s, sgr_walk_kind *out);
const char *sgr_walk_kind_name(sgr_walk_kind k);

/* Theory (Doshi et al.): the asymptotic covariance of the SRRW's visit estimate,
 *   V(alpha) = sum_{i>=2} 1/(2 alpha (1+lambda_i) + 2 - 1{a=1}) (1+lambda_i)/(1-lambda_i) u_i u_i^T
 * with (lambda_i, u_i) the eigenpairs of the reversible base chain P (u_i = D^1/2 phi_i, phi_i
 * the orthonormal eigenvectors of D^1/2 P D^-1/2, D = diag(mu)). alpha = 0 and a = 1 give the
 * Markov chain's covariance. Dense (GSL eigensolver): for graphs of a few thousand nodes.
 * *trace receives trace(V); V (n x n) may be NULL. */
int sgr_srrw_covariance(const sgr_graph *g, const sgr_walk_cfg *cfg, double alpha, double *V,
                        double *trace, sgr_err *err);

/* Theory (Hu, Doshi & Eun, ICLR 2024, Theorem 3.3 case (i), b > a): the SA-SRRW iteration
 *   X_{n+1} ~ K[x_n](X_n, .),  x_{n+1} = x_n + gamma_{n+1} (delta_{X_{n+1}} - x_n),
 *   theta_{n+1} = theta_n + beta_{n+1} H(theta_n, X_{n+1}),  beta_n = scale (n+1)^-b,
 * with beta_n = o(gamma_n) (the model slower than x), has (theta_n - theta*) / sqrt(beta_n) ->
 * N(0, V_theta(alpha)),
 *   V_theta(alpha) = sum_{i>=2} 1/(alpha (1+lambda_i) + 1)^2 (1+lambda_i)/(1-lambda_i) L_i,
 *   L_i solving (J + 1{b=1}/(2 scale) I) L_i + L_i (J + ...)^T + H^T u_i u_i^T H = 0,
 * where H is the n x dim matrix of H(theta*, i), J = grad h(theta*) = -hess (hess: the Hessian
 * of sum_i mu_i f_i at theta* when H = -grad f_i) and (lambda_i, u_i) as for
 * sgr_srrw_covariance. alpha = 0 is the base Markov chain's own SA covariance (any a, b).
 * So E|theta_n - theta*|^2 ~ beta_n tr V_theta(alpha), which falls as alpha^-2 only once
 * alpha (1 + lambda_i) >> 1 for the modes that carry the weight. */
typedef struct sgr_sasrrw_modes {
    size_t count;   /* n - 1 */
    double *lambda; /* lambda_2 .. lambda_n of the base chain */
    double *weight; /* (1+lambda_i)/(1-lambda_i) tr L_i */
} sgr_sasrrw_modes;

/* Fill `out` for the walk cfg's base chain on g, H (n x dim, row-major), hess (dim x dim,
 * symmetrised), b and scale. Dense: O(n^3). Needs every eigenvalue of hess above
 * 1{b=1}/(2 scale). Returns 0, or -1 with err (out left empty). */
int sgr_sasrrw_modes_new(const sgr_graph *g, const sgr_walk_cfg *cfg, const double *H, size_t dim,
                         const double *hess, double b, double scale, sgr_sasrrw_modes *out,
                         sgr_err *err);
/* tr V_theta(alpha), the limit of E|theta_n - theta*|^2 / beta_n. Can't fail. */
double sgr_sasrrw_trace(const sgr_sasrrw_modes *m, double alpha);
/* d log tr V_theta / d log alpha at alpha > 0 (tends to -2 as alpha grows). Can't fail. */
double sgr_sasrrw_slope(const sgr_sasrrw_modes *m, double alpha);
void sgr_sasrrw_modes_free(sgr_sasrrw_modes *m);

#ifdef __cplusplus
}
#endif
#endif
