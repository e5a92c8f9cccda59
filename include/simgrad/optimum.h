/* simgrad: reference optima and regularity constants of decentralized problems
 * (sum or weighted sum of local objectives f_i over a workload's parts). Pure C. */
#ifndef SIMGRAD_OPTIMUM_H
#define SIMGRAD_OPTIMUM_H

#include <stddef.h>
#include "simgrad/error.h"
#include "simgrad/workload.h"

#ifdef __cplusplus
extern "C" {
#endif

/* theta* = argmin sum_i mu_i f_i(theta) over the first n parts (f_i the model's loss on part
 * i, averaged over its rows, plus the l2 term): the weighted normal equations (LAPACK
 * Cholesky) for least squares, gradient descent with backtracking to a gradient norm of
 * 1e-11 for the other models. theta gets nparams values. Returns 0 or -1 with err. */
int sgr_weighted_optimum(const sgr_workload *wl, const double *mu, size_t n, double *theta,
                         sgr_err *err);

/* theta* = argmin sum_i w_i f_i(theta) over the first n parts, for least squares and logistic
 * regression, by Newton's method from theta = 0 with an Armijo backtracking line search: the
 * Hessian sum_i w_i (X_i^T D_i X_i / m_i + l2 I) (D_i = I for least squares, sigma(z)(1 -
 * sigma(z)) per row for logistic) is assembled with BLAS and solved by LAPACK's Cholesky up
 * to SGR_NEWTON_DENSE_MAX parameters, by conjugate gradients on Hessian-vector products
 * (Newton-CG) beyond. Stops once |grad| < tol (absolute; 1e-12 is reachable on reasonably
 * scaled data), or when the gradient norm stops decreasing (rounding floor), or after 100
 * iterations. *grad_norm (if not NULL) receives the final |grad|, *iters the Newton steps.
 * Returns 0, or -1 with err (softmax, a Hessian that is not positive definite, out of
 * memory). */
#define SGR_NEWTON_DENSE_MAX 2000
int sgr_optimum_newton(const sgr_workload *wl, const double *w, size_t n, double tol, double *theta,
                       double *grad_norm, int *iters, sgr_err *err);

/* The gradient of sum_i w_i f_i at theta (nparams values) and its value; work buffers are
 * allocated inside. Returns the value, or NAN when memory runs out. */
double sgr_weighted_loss_grad(const sgr_workload *wl, const double *w, size_t n,
                              const double *theta, double *grad);

/* mu = min_i and L = max_i of the local functions' strong convexity and smoothness over the
 * first n parts (exact Hessian eigenvalues for least squares; the standard bounds l2 and
 * lambda_max(X^T X)/(4m) + l2 for logistic regression). */
int sgr_local_constants(const sgr_workload *wl, size_t n, double *mu, double *L, sgr_err *err);

/* At theta: G (n x nparams, row-major) receives each local gradient grad f_i(theta) over part
 * i's rows, hess (nparams x nparams) the Hessian of sum_i mu_i f_i (central differences of the
 * gradients: exact up to rounding for least squares). What the SA-SRRW covariance theory
 * needs (H(theta*, i) = -grad f_i(theta*)). Returns 0, or -1 with err (out of memory). */
int sgr_local_gradients_hessian(const sgr_workload *wl, const double *mu, size_t n,
                                const double *theta, double *G, double *hess, sgr_err *err);

#ifdef __cplusplus
}
#endif
#endif
