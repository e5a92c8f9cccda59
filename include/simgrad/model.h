/* simgrad: models, their losses and gradients, computed with OpenBLAS.
 *
 * Pure C, no SimGrid. Parameters are a flat vector w of length sgr_model_nparams():
 * least squares and logistic: d weights; softmax: a d x k row-major matrix (W[j*k + c]). */
#ifndef SIMGRAD_MODEL_H
#define SIMGRAD_MODEL_H

#include <stddef.h>
#include "simgrad/dataset.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    SGR_MODEL_LSQ,     /* f(w) = 1/(2m) ||X w - y||^2 + l2/2 ||w||^2 */
    SGR_MODEL_LOGREG,  /* f(w) = 1/m sum log(1 + exp(-s_i x_i.w)) + l2/2 ||w||^2, s_i = 2y_i-1 */
    SGR_MODEL_SOFTMAX, /* f(W) = -1/m sum log softmax(x_i W)_{y_i} + l2/2 ||W||^2 */
} sgr_model_kind;

typedef struct sgr_model {
    sgr_model_kind kind;
    size_t d;     /* features */
    int nclasses; /* softmax only */
    double l2;    /* ridge coefficient >= 0 */
} sgr_model;

/* Number of parameters. Can't fail. */
size_t sgr_model_nparams(const sgr_model *m);

/* Workspace, in doubles, that sgr_model_loss_grad needs for a batch of `rows` samples. */
size_t sgr_model_work_size(const sgr_model *m, size_t rows);

/* Loss over the `rows` consecutive samples X (rows x d, row-major) and y, averaged, plus the
 * l2 term. If grad is not NULL it receives the gradient (nparams). work must hold
 * sgr_model_work_size(m, rows) doubles. A minibatch is just X + start*d, y + start. Labels
 * must be 0/1 (logreg) or class indices < nclasses (softmax). rows == 0 gives the l2 term
 * alone. Numerically stable (softplus, log-sum-exp). Can't fail. */
double sgr_model_loss_grad(const sgr_model *m, const double *w, const double *X, const double *y,
                           size_t rows, double *grad, double *work);

/* Floating-point operations of one sgr_model_loss_grad call (with a gradient) on `rows`
 * samples, counted from the kernel's BLAS shapes (2*m*n*k per gemm, 2*m*n per gemv) plus the
 * elementwise work, each exp/log/division counting as one flop. With r rows, d features,
 * k classes and p parameters:
 *   lsq     2*(2*r*d) + 4*r + 4*p       (two gemvs)
 *   logreg  2*(2*r*d) + 10*r + 4*p      (two gemvs)
 *   softmax 2*(2*r*d*k) + r*(5*k + 5) + 4*p   (two gemms)
 * This is what simulated compute time charges. Can't fail. */
double sgr_model_grad_flops(const sgr_model *m, size_t rows);

/* Classification accuracy of w on ds (fraction in [0,1]); for least squares returns the
 * mean squared error instead. Works in blocks of bounded memory; returns NAN if ds is
 * empty or that block can't be allocated. */
double sgr_model_accuracy(const sgr_model *m, const double *w, const sgr_dataset *ds);

/* Loss over the whole dataset (same value as sgr_model_loss_grad on all rows), processed in
 * blocks of at most 65536 work doubles to bound memory. Returns NAN if that block can't be
 * allocated. */
double sgr_model_loss(const sgr_model *m, const double *w, const sgr_dataset *ds);

/* Parse "lsq" / "least-squares", "logreg" / "logistic", "softmax". Returns 0 or -1. */
int sgr_model_kind_parse(const char *s, sgr_model_kind *out);

/* The canonical name ("lsq", "logreg", "softmax") of k. Can't fail. */
const char *sgr_model_kind_name(sgr_model_kind k);

#ifdef __cplusplus
}
#endif
#endif
