/* simgrad: DADAO (Nabli & Oyallon, "DADAO: Decoupled Accelerated Decentralized Asynchronous
 * Optimization", ICML 2023), the optimizer's state and its two kinds of events.
 *
 * Pure C, no SimGrid. Every node i holds six vectors (x, x~, y, y~, z, z~) of dimension d.
 * Between events they follow a fixed linear flow, integrated exactly with the matrix
 * exponential of the 6 x 6 system when the node is touched. A gradient event at node i applies
 * the gradient jumps on (x, x~, y~); a gossip event on edge (i, j) applies the consensus jumps
 * on (z, z~) of both ends with the message (y + z)_i - (y + z)_j. Constants as published and as
 * in the authors' reference code: nu = mu/2, alpha = sqrt(nu/L)/4, alpha~ = eta = eta~ =
 * sqrt(nu/L)/8, theta = sqrt(L/nu)/2, beta = 1/2, beta~ = 2 chi1* sqrt(L/nu) with
 * chi1* = chi1 / lambda_mix, delta = sqrt(nu/L)/4, delta~ = 1, gamma = 1/(4L),
 * gamma~ = 1/(4 sqrt(L nu)). Gradient events come at rate 1 per node, gossip events at total
 * rate lambda_mix spread over the edges. */
#ifndef SIMGRAD_DADAO_H
#define SIMGRAD_DADAO_H

#include <stddef.h>
#include "simgrad/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sgr_dadao {
    size_t n, d;
    double *x, *xt, *y, *yt, *z, *zt; /* n x d each, row i = node i */
    double *t_last;                   /* n: time of the node's last event */
    double ode[36];                   /* the 6 x 6 flow, row-major */
    double ode_max;                   /* its largest |entry| */
    double nu, beta, beta_t, delta, delta_t, gamma, gamma_t;
} sgr_dadao;

/* State for n nodes in dimension d, x = x0 (n x d, row i node i's start; NULL: zeros), the
 * other five vectors 0 (as the authors' optimizers.py:150-156). mu > 0,
 * L >= mu, chi1 > 0 and lambda_mix > 0 (the graph constants). Errors name the key. */
int sgr_dadao_init(sgr_dadao *s, size_t n, size_t d, double mu, double L, double chi1,
                   double lambda_mix, const double *x0, sgr_err *err);
void sgr_dadao_free(sgr_dadao *s);

/* Integrate node i's flow from its last event to time t (>= it). */
void sgr_dadao_advance(sgr_dadao *s, size_t i, double t);

/* Gradient event at node i at time t: advance, then the jumps, with grad = grad f_i(x_i)
 * evaluated by the caller on x_i after sgr_dadao_advance (pass the value). */
void sgr_dadao_on_gradient(sgr_dadao *s, size_t i, const double *grad);

/* Gossip on edge (i, j): both nodes advanced to t, then the consensus jumps. The message of
 * each end is (y + z) of that end (what travels on the network). */
void sgr_dadao_on_gossip(sgr_dadao *s, size_t i, size_t j, double t);

/* What node i sends in a gossip, (y + z)_i, into out (d values). The caller advances it first
 * when the value must be taken at a given time. Can't fail. */
void sgr_dadao_message(const sgr_dadao *s, size_t i, double *out);

/* One end's half of a gossip made over the network: node i advanced to t, then the consensus
 * jumps z += sign beta delta, z~ += sign beta~ delta, with delta = (y + z)_initiator as sent -
 * (y + z)_responder on arrival and sign +1 at the responder, -1 at the initiator. Both ends
 * move by opposite amounts, so sum_i z_i is conserved exactly although they act at different
 * times. Can't fail. */
void sgr_dadao_gossip_half(sgr_dadao *s, size_t i, const double *delta, double sign, double t);

/* Mean over nodes of |x_i - x*|^2, each node as of its last event (what the authors' code
 * measures after every event, run_optimizers.py:150). Can't fail. */
double sgr_dadao_distance(const sgr_dadao *s, const double *xstar);

/* |x_i - x*|^2 of node i as of its last event. Can't fail. */
double sgr_dadao_node_distance(const sgr_dadao *s, size_t i, const double *xstar);

/* |x_i(t) - x*|^2 with node i's flow carried to t (>= its last event) on the side: the state
 * is not touched, so measuring does not change the trajectory. Can't fail. */
double sgr_dadao_node_distance_at(const sgr_dadao *s, size_t i, const double *xstar, double t);

/* Mean over nodes of |x_i(t) - x*|^2, every node's flow carried to t (the paper's continuous
 * iterate at time t), without touching the state. Can't fail. */
double sgr_dadao_distance_at(const sgr_dadao *s, const double *xstar, double t);

#ifdef __cplusplus
}
#endif
#endif
