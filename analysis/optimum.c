/* Reference optima and regularity constants of decentralized problems, computed
 * independently of the algorithms that are checked against them. */
#include "simgrad/optimum.h"

#include <math.h>
#include <stdbool.h>
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

/* ---- Newton's method ---- */

typedef struct newton_ws {
    const sgr_workload *wl;
    const double *w;
    size_t n, np, maxrows, brows;                            /* brows: rows of B */
    double *g, *gt, *g1, *p, *trial, *work, *z, *B, *H, *cg; /* cg: 3 np for CG */
} newton_ws;

static void newton_ws_free(newton_ws *ws)
{
    double *arrays[] = {ws->g,    ws->gt, ws->g1, ws->p, ws->trial,
                        ws->work, ws->z,  ws->B,  ws->H, ws->cg};
    for (size_t k = 0; k < sizeof arrays / sizeof *arrays; k++)
        free(arrays[k]);
}

static int newton_ws_alloc(newton_ws *ws, const sgr_workload *wl, const double *w, size_t n,
                           sgr_err *err)
{
    memset(ws, 0, sizeof *ws);
    ws->wl = wl;
    ws->w = w;
    ws->n = n;
    ws->np = sgr_model_nparams(&wl->model);
    for (size_t i = 0; i < n; i++)
        if (wl->parts[i].n > ws->maxrows)
            ws->maxrows = wl->parts[i].n;
    size_t np = ws->np, rows = ws->maxrows + 1;
    bool dense = np <= SGR_NEWTON_DENSE_MAX;
    /* B stacks several parts' rows: at least the largest part, up to about 4 MB */
    ws->brows = rows > 524288 / (np ? np : 1) ? rows : 524288 / (np ? np : 1);
    ws->g = malloc(np * sizeof(double));
    ws->gt = malloc(np * sizeof(double));
    ws->g1 = malloc(np * sizeof(double));
    ws->p = malloc(np * sizeof(double));
    ws->trial = malloc(np * sizeof(double));
    ws->work = malloc((sgr_model_work_size(&wl->model, rows) + 1) * sizeof(double));
    ws->z = malloc(rows * sizeof(double));
    ws->B = dense ? malloc(ws->brows * np * sizeof(double)) : malloc(sizeof(double));
    ws->H = dense ? malloc(np * np * sizeof(double)) : malloc(sizeof(double));
    ws->cg = malloc(3 * np * sizeof(double));
    if (!ws->g || !ws->gt || !ws->g1 || !ws->p || !ws->trial || !ws->work || !ws->z || !ws->B ||
        !ws->H || !ws->cg) {
        newton_ws_free(ws);
        return sgr_fail(err, "out of memory for Newton's method on %zu parameters", np);
    }
    return 0;
}

/* Per-row curvature of part i at theta into ws->z: 1 (least squares) or sigma (1 - sigma). */
static void row_curvature(const newton_ws *ws, size_t i, const double *theta)
{
    const sgr_dataset *p = &ws->wl->parts[i];
    size_t d = ws->np;
    if (ws->wl->model.kind == SGR_MODEL_LSQ) {
        for (size_t r = 0; r < p->n; r++)
            ws->z[r] = 1.0;
        return;
    }
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)p->n, (int)d, 1.0, p->X, (int)d, theta, 1, 0.0,
                ws->z, 1);
    for (size_t r = 0; r < p->n; r++) {
        double s = 1.0 / (1.0 + exp(-ws->z[r]));
        ws->z[r] = s * (1.0 - s);
    }
}

/* H = sum_i w_i (X_i^T D_i X_i / m_i) + (sum_i w_i) l2 I (upper triangle, row-major): the rows
 * scaled by sqrt(w_i d_r / m_i) are stacked into ws->B, ws->brows at a time, one dsyrk per
 * block (thousands of small parts cost one BLAS call per block, not per part). */
static void newton_hessian(newton_ws *ws, const double *theta)
{
    size_t d = ws->np, used = 0;
    double wsum = 0;
    memset(ws->H, 0, d * d * sizeof *ws->H);
    for (size_t i = 0; i < ws->n; i++) {
        const sgr_dataset *p = &ws->wl->parts[i];
        wsum += ws->w[i];
        if (p->n == 0)
            continue;
        if (used + p->n > ws->brows) {
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)d, (int)used, 1.0, ws->B,
                        (int)d, 1.0, ws->H, (int)d);
            used = 0;
        }
        row_curvature(ws, i, theta);
        double scale = ws->w[i] / (double)p->n;
        for (size_t r = 0; r < p->n; r++) {
            double s = sqrt(scale * ws->z[r]);
            for (size_t c = 0; c < d; c++)
                ws->B[(used + r) * d + c] = s * p->X[r * d + c];
        }
        used += p->n;
    }
    if (used)
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)d, (int)used, 1.0, ws->B, (int)d,
                    1.0, ws->H, (int)d);
    for (size_t j = 0; j < d; j++)
        ws->H[j * d + j] += wsum * ws->wl->model.l2;
}

/* out = H v without forming H (Newton-CG). */
static void hessian_vector(newton_ws *ws, const double *theta, const double *v, double *out)
{
    size_t d = ws->np;
    double wsum = 0;
    memset(out, 0, d * sizeof *out);
    for (size_t i = 0; i < ws->n; i++) {
        const sgr_dataset *p = &ws->wl->parts[i];
        wsum += ws->w[i];
        if (p->n == 0)
            continue;
        row_curvature(ws, i, theta);
        double *xv = ws->work; /* work holds at least maxrows + 1 doubles */
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)p->n, (int)d, 1.0, p->X, (int)d, v, 1, 0.0,
                    xv, 1);
        for (size_t r = 0; r < p->n; r++)
            xv[r] *= ws->z[r];
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)p->n, (int)d, ws->w[i] / (double)p->n, p->X,
                    (int)d, xv, 1, 1.0, out, 1);
    }
    cblas_daxpy((int)d, wsum * ws->wl->model.l2, v, 1, out, 1);
}

/* p = -H^-1 g by conjugate gradients to a relative residual of min(0.1, sqrt|g|). */
static void newton_cg(newton_ws *ws, const double *theta, double gn)
{
    size_t d = ws->np;
    double *r = ws->cg, *q = ws->cg + d, *hq = ws->cg + 2 * d;
    memset(ws->p, 0, d * sizeof *ws->p);
    for (size_t k = 0; k < d; k++)
        r[k] = q[k] = -ws->g[k];
    double rr = gn * gn, tol = fmin(0.1, sqrt(gn)) * gn;
    for (size_t it = 0; it < 10 * d && sqrt(rr) > tol; it++) {
        hessian_vector(ws, theta, q, hq);
        double qhq = cblas_ddot((int)d, q, 1, hq, 1);
        if (!(qhq > 0))
            break;
        double alpha = rr / qhq;
        cblas_daxpy((int)d, alpha, q, 1, ws->p, 1);
        cblas_daxpy((int)d, -alpha, hq, 1, r, 1);
        double rr2 = cblas_ddot((int)d, r, 1, r, 1);
        for (size_t k = 0; k < d; k++)
            q[k] = r[k] + rr2 / rr * q[k];
        rr = rr2;
    }
}

/* The Newton direction into ws->p. Returns 0, or -1 if the Hessian is not positive definite. */
static int newton_direction(newton_ws *ws, const double *theta, double gn)
{
    size_t d = ws->np;
    if (d > SGR_NEWTON_DENSE_MAX) {
        newton_cg(ws, theta, gn);
        return 0;
    }
    newton_hessian(ws, theta);
    for (size_t k = 0; k < d; k++)
        ws->p[k] = -ws->g[k];
    return LAPACKE_dposv(LAPACK_ROW_MAJOR, 'U', (lapack_int)d, 1, ws->H, (lapack_int)d, ws->p, 1) ==
                   0
               ? 0
               : -1;
}

/* Armijo backtracking along p from theta (f, g current); on success theta, f, g move. */
static void newton_line_search(newton_ws *ws, double *theta, double *f)
{
    size_t d = ws->np;
    double slope = cblas_ddot((int)d, ws->g, 1, ws->p, 1);
    for (double step = 1.0; step > 1e-10; step *= 0.5) {
        for (size_t k = 0; k < d; k++)
            ws->trial[k] = theta[k] + step * ws->p[k];
        double ft = weighted_loss_grad(ws->wl, ws->w, ws->n, ws->trial, ws->gt, ws->g1, ws->work);
        /* near the optimum f stops resolving the decrease: accept a step that lowers |grad| */
        bool armijo = ft <= *f + 1e-4 * step * slope;
        bool flat = ft <= *f + 1e-14 * fabs(*f) &&
                    cblas_dnrm2((int)d, ws->gt, 1) < cblas_dnrm2((int)d, ws->g, 1);
        if (armijo || flat) {
            memcpy(theta, ws->trial, d * sizeof *theta);
            memcpy(ws->g, ws->gt, d * sizeof *ws->g);
            *f = ft;
            return;
        }
    }
}

int sgr_optimum_newton(const sgr_workload *wl, const double *w, size_t n, double tol, double *theta,
                       double *grad_norm, int *iters, sgr_err *err)
{
    if (wl->model.kind != SGR_MODEL_LSQ && wl->model.kind != SGR_MODEL_LOGREG)
        return sgr_fail(err, "Newton's optimum is for lsq and logreg models");
    newton_ws ws;
    if (newton_ws_alloc(&ws, wl, w, n, err) < 0)
        return -1;
    size_t d = ws.np;
    memset(theta, 0, d * sizeof *theta);
    double f = weighted_loss_grad(wl, w, n, theta, ws.g, ws.g1, ws.work);
    double gn = cblas_dnrm2((int)d, ws.g, 1), best = INFINITY;
    int it = 0, stalled = 0, rc = 0;
    for (; it < 100 && gn >= tol && stalled < 3; it++) {
        if (newton_direction(&ws, theta, gn) < 0) {
            rc = sgr_fail(err, "the Hessian of the objective is not positive definite (add "
                               "workload.l2 > 0)");
            break;
        }
        newton_line_search(&ws, theta, &f);
        gn = cblas_dnrm2((int)d, ws.g, 1);
        stalled = gn < 0.5 * best ? 0 : stalled + 1;
        best = fmin(best, gn);
    }
    if (grad_norm)
        *grad_norm = gn;
    if (iters)
        *iters = it;
    newton_ws_free(&ws);
    return rc;
}

double sgr_weighted_loss_grad(const sgr_workload *wl, const double *w, size_t n,
                              const double *theta, double *grad)
{
    size_t np = sgr_model_nparams(&wl->model), maxrows = 0;
    for (size_t i = 0; i < n; i++)
        if (wl->parts[i].n > maxrows)
            maxrows = wl->parts[i].n;
    double *g1 = malloc(np * sizeof *g1);
    double *work = malloc((sgr_model_work_size(&wl->model, maxrows) + 1) * sizeof *work);
    double f = NAN;
    if (g1 && work)
        f = weighted_loss_grad(wl, w, n, theta, grad, g1, work);
    free(g1);
    free(work);
    return f;
}
