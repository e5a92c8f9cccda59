/* Reference optima and regularity constants of decentralized problems, computed
 * independently of the algorithms that are checked against them. */
#include "simgrad/optimum.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

/* theta* = argmin sum_i mu_i f_i(theta), computed independently of the walks: the weighted
 * normal equations for least squares (LAPACK), gradient descent with backtracking to a
 * gradient norm of 1e-11 for the others. */
static double weighted_loss_grad(const sgr_workload *wl, const double *mu, size_t n,
                                 const double *theta, double *grad, double *g1, double *work)
{
    size_t np = sgr_model_nparams(&wl->model);
    double loss = 0;
    memset(grad, 0, np * sizeof *grad);
    for (size_t i = 0; i < n; i++) {
        const sgr_dataset *p = &wl->parts[i];
        loss += mu[i] * sgr_model_loss_grad(&wl->model, theta, p->X, p->y, p->n, g1, work);
        cblas_daxpy((int)np, mu[i], g1, 1, grad, 1);
    }
    return loss;
}

int sgr_weighted_optimum(const sgr_workload *wl, const double *mu, size_t n, double *theta,
                         sgr_err *err)
{
    size_t np = sgr_model_nparams(&wl->model), maxrows = 0;
    for (size_t i = 0; i < n; i++)
        if (wl->parts[i].n > maxrows)
            maxrows = wl->parts[i].n;
    memset(theta, 0, np * sizeof *theta);
    if (wl->model.kind == SGR_MODEL_LSQ) {
        size_t d = np;
        double *A = calloc(d * d, sizeof *A), *rhs = calloc(d, sizeof *rhs);
        if (!A || !rhs) {
            free(A);
            free(rhs);
            return sgr_fail(err, "out of memory");
        }
        for (size_t i = 0; i < n; i++) {
            const sgr_dataset *p = &wl->parts[i];
            double w = mu[i] / (double)p->n;
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)d, (int)p->n, w, p->X, (int)d,
                        1.0, A, (int)d);
            cblas_dgemv(CblasRowMajor, CblasTrans, (int)p->n, (int)d, w, p->X, (int)d, p->y, 1, 1.0,
                        rhs, 1);
        }
        for (size_t j = 0; j < d; j++)
            A[j * d + j] += wl->model.l2;
        int info = LAPACKE_dposv(LAPACK_ROW_MAJOR, 'U', (lapack_int)d, 1, A, (lapack_int)d, rhs, 1);
        memcpy(theta, rhs, d * sizeof *theta);
        free(A);
        free(rhs);
        return info == 0
                   ? 0
                   : sgr_fail(err, "the least-squares optimum is not unique (add workload.l2)");
    }
    double *g = malloc(np * sizeof *g), *gt = malloc(np * sizeof *gt),
           *tmp = malloc(np * sizeof *tmp), *trial = malloc(np * sizeof *trial),
           *work = malloc(sgr_model_work_size(&wl->model, maxrows) * sizeof *work);
    int rc = -1;
    if (!g || !gt || !tmp || !trial || !work) {
        sgr_fail(err, "out of memory");
        goto out;
    }
    double step = 1.0;
    double f = weighted_loss_grad(wl, mu, n, theta, g, tmp, work);
    for (int it = 0; it < 100000; it++) {
        double gn = cblas_dnrm2((int)np, g, 1);
        if (gn < 1e-11)
            break;
        /* backtracking (Armijo) line search */
        for (;;) {
            for (size_t j = 0; j < np; j++)
                trial[j] = theta[j] - step * g[j];
            double ft = weighted_loss_grad(wl, mu, n, trial, gt, tmp, work);
            if (ft <= f - 0.5 * step * gn * gn || step < 1e-14) {
                memcpy(theta, trial, np * sizeof *theta);
                memcpy(g, gt, np * sizeof *g);
                f = ft;
                step *= 2.0;
                break;
            }
            step /= 2.0;
        }
    }
    rc = 0;
out:
    free(g);
    free(gt);
    free(tmp);
    free(trial);
    free(work);
    return rc;
}

int sgr_local_constants(const sgr_workload *wl, size_t n, double *mu, double *L, sgr_err *err)
{
    size_t d = wl->model.d;
    if (wl->model.kind == SGR_MODEL_SOFTMAX)
        return sgr_fail(err, "workload.model softmax: the local constants are computed for lsq "
                             "and logreg only");
    double *H = malloc(d * d * sizeof *H), *ev = malloc(d * sizeof *ev);
    if (!H || !ev) {
        free(H);
        free(ev);
        return sgr_fail(err, "out of memory");
    }
    *mu = INFINITY;
    *L = 0;
    for (size_t i = 0; i < n; i++) {
        const sgr_dataset *p = &wl->parts[i];
        /* lsq: the Hessian X^T X / m + l2; logreg: bounded by X^T X / (4m) + l2, and l2 below */
        double scale = wl->model.kind == SGR_MODEL_LSQ ? 1.0 : 0.25;
        memset(H, 0, d * d * sizeof *H);
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)d, (int)p->n, scale / (double)p->n,
                    p->X, (int)d, 0.0, H, (int)d);
        for (size_t j = 0; j < d; j++)
            H[j * d + j] += wl->model.l2;
        if (LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'N', 'U', (lapack_int)d, H, (lapack_int)d, ev) != 0) {
            free(H);
            free(ev);
            return sgr_fail(err, "eigenvalues of node %zu's Hessian did not converge", i);
        }
        double lo = wl->model.kind == SGR_MODEL_LSQ ? ev[0] : wl->model.l2;
        if (lo < *mu)
            *mu = lo;
        if (ev[d - 1] > *L)
            *L = ev[d - 1];
    }
    free(H);
    free(ev);
    return 0;
}

int sgr_local_gradients_hessian(const sgr_workload *wl, const double *mu, size_t n,
                                const double *theta, double *G, double *hess, sgr_err *err)
{
    size_t np = sgr_model_nparams(&wl->model), maxrows = 0;
    for (size_t i = 0; i < n; i++)
        if (wl->parts[i].n > maxrows)
            maxrows = wl->parts[i].n;
    double *work = malloc(sgr_model_work_size(&wl->model, maxrows) * sizeof *work);
    double *g1 = malloc(np * sizeof *g1), *gp = malloc(np * sizeof *gp),
           *gm = malloc(np * sizeof *gm), *t = malloc(np * sizeof *t);
    int rc = -1;
    if (!work || !g1 || !gp || !gm || !t) {
        sgr_fail(err, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const sgr_dataset *p = &wl->parts[i];
        sgr_model_loss_grad(&wl->model, theta, p->X, p->y, p->n, G + i * np, work);
    }
    /* column k of the Hessian: central difference of the weighted gradient along e_k (exact up
     * to rounding when the gradient is affine, as for least squares) */
    memcpy(t, theta, np * sizeof *t);
    for (size_t k = 0; k < np; k++) {
        double h = 1e-5 * (1.0 + fabs(theta[k]));
        t[k] = theta[k] + h;
        weighted_loss_grad(wl, mu, n, t, gp, g1, work);
        t[k] = theta[k] - h;
        weighted_loss_grad(wl, mu, n, t, gm, g1, work);
        t[k] = theta[k];
        for (size_t j = 0; j < np; j++)
            hess[j * np + k] = (gp[j] - gm[j]) / (2.0 * h);
    }
    rc = 0;
out:
    free(work);
    free(g1);
    free(gp);
    free(gm);
    free(t);
    return rc;
}
