/* Models, losses and gradients on dense row-major data, with OpenBLAS.
 *
 * Every kernel is split in two: a BLAS product that produces per-row scores, an elementwise
 * pass that turns scores into a loss and a per-row residual, and a second BLAS product that
 * folds the residual back into a gradient. The l2 term is fused into the second product
 * (grad is first set to w, then beta = l2), so it costs no extra pass over the data. */
#include "simgrad/model.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Elementwise flops charged per row (or per row and class) on top of the BLAS shapes. Each
 * exp/log/log1p/division counts as one flop: the figure is a cost model, kept consistent with
 * the loops below so that simulated time follows the work actually done. */
#define LSQ_FLOPS_PER_ROW 4      /* r = z - y, loss += r*r, r *= 1/rows */
#define LOGREG_FLOPS_PER_ROW 10  /* s*z, softplus (exp, log1p, add), sum, sigmoid (3), scale */
#define SOFTMAX_FLOPS_PER_CELL 5 /* max, subtract, exp, sum, normalise-and-scale */
#define SOFTMAX_FLOPS_PER_ROW 5  /* log of the sum, add max, subtract truth, 1/sum, onehot */
#define L2_FLOPS_PER_PARAM 4     /* ||w||^2 (2) and grad += l2*w (2, fused into beta) */

/* Rows per block in sgr_model_loss and sgr_model_accuracy: bounds their workspace. */
#define BLOCK_DOUBLES 65536

size_t sgr_model_nparams(const sgr_model *m)
{
    return m->kind == SGR_MODEL_SOFTMAX ? m->d * (size_t)m->nclasses : m->d;
}

static size_t model_outputs(const sgr_model *m)
{
    return m->kind == SGR_MODEL_SOFTMAX ? (size_t)m->nclasses : 1;
}

size_t sgr_model_work_size(const sgr_model *m, size_t rows)
{
    return rows * model_outputs(m);
}

/* log(1 + exp(x)) without overflow for large x or loss of precision for very negative x. */
static double softplus(double x)
{
    return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* 1 / (1 + exp(-x)), stable on both tails. */
static double sigmoid(double x)
{
    if (x >= 0)
        return 1.0 / (1.0 + exp(-x));
    double e = exp(x);
    return e / (1.0 + e);
}

/* Scores z = X w into work[0..rows). */
static void scores_vector(const sgr_model *m, const double *w, const double *X, size_t rows,
                          double *z)
{
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)rows, (int)m->d, 1.0, X, (int)m->d, w, 1, 0.0, z,
                1);
}

/* Scores Z = X W (rows x k) into work. */
static void scores_matrix(const sgr_model *m, const double *w, const double *X, size_t rows,
                          double *z)
{
    int k = m->nclasses;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, k, (int)m->d, 1.0, X,
                (int)m->d, w, k, 0.0, z, k);
}

/* grad = X^T r + l2 * w (r already carries the 1/rows factor). */
static void fold_vector(const sgr_model *m, const double *w, const double *X, size_t rows,
                        const double *r, double *grad)
{
    cblas_dcopy((int)m->d, w, 1, grad, 1);
    cblas_dgemv(CblasRowMajor, CblasTrans, (int)rows, (int)m->d, 1.0, X, (int)m->d, r, 1, m->l2,
                grad, 1);
}

/* grad = X^T P + l2 * W, P rows x k. */
static void fold_matrix(const sgr_model *m, const double *w, const double *X, size_t rows,
                        const double *p, double *grad)
{
    int k = m->nclasses;
    cblas_dcopy((int)(m->d * (size_t)k), w, 1, grad, 1);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)m->d, k, (int)rows, 1.0, X, (int)m->d,
                p, k, m->l2, grad, k);
}

/* Sum over rows of the per-row loss; if want_resid, work receives d(loss_i)/d(score) * scale. */
static double lsq_rows(const double *y, size_t rows, double scale, int want_resid, double *z)
{
    double sum = 0;
    for (size_t i = 0; i < rows; i++) {
        double r = z[i] - y[i];
        sum += r * r;
        if (want_resid)
            z[i] = r * scale;
    }
    return 0.5 * sum;
}

static double logreg_rows(const double *y, size_t rows, double scale, int want_resid, double *z)
{
    double sum = 0;
    for (size_t i = 0; i < rows; i++) {
        double s = y[i] > 0.5 ? 1.0 : -1.0;
        double t = s * z[i];
        sum += softplus(-t);
        if (want_resid)
            z[i] = -s * sigmoid(-t) * scale;
    }
    return sum;
}

/* Log-sum-exp per row; on the way out each row of z becomes (softmax - onehot) * scale. */
static double softmax_rows(const double *y, size_t rows, int k, double scale, int want_resid,
                           double *z)
{
    double sum = 0;
    for (size_t i = 0; i < rows; i++) {
        double *zi = z + i * (size_t)k;
        size_t yi = (size_t)y[i];
        double mx = zi[0];
        for (int c = 1; c < k; c++)
            mx = zi[c] > mx ? zi[c] : mx;
        double truth = zi[yi], total = 0;
        for (int c = 0; c < k; c++) {
            zi[c] = exp(zi[c] - mx);
            total += zi[c];
        }
        sum += log(total) + mx - truth;
        if (want_resid) {
            double norm = scale / total;
            for (int c = 0; c < k; c++)
                zi[c] *= norm;
            zi[yi] -= scale;
        }
    }
    return sum;
}

/* Sum of the per-row data losses (no averaging, no l2). If grad is not NULL it receives
 * scale * sum of per-row gradients + l2 * w. */
static double data_loss_grad(const sgr_model *m, const double *w, const double *X, const double *y,
                             size_t rows, double scale, double *grad, double *work)
{
    int want = grad != NULL;
    double sum;
    switch (m->kind) {
    case SGR_MODEL_SOFTMAX:
        scores_matrix(m, w, X, rows, work);
        sum = softmax_rows(y, rows, m->nclasses, scale, want, work);
        if (want)
            fold_matrix(m, w, X, rows, work, grad);
        return sum;
    case SGR_MODEL_LOGREG:
        scores_vector(m, w, X, rows, work);
        sum = logreg_rows(y, rows, scale, want, work);
        break;
    case SGR_MODEL_LSQ:
    default:
        scores_vector(m, w, X, rows, work);
        sum = lsq_rows(y, rows, scale, want, work);
        break;
    }
    if (want)
        fold_vector(m, w, X, rows, work, grad);
    return sum;
}

static double l2_term(const sgr_model *m, const double *w)
{
    if (m->l2 == 0)
        return 0;
    double nrm = cblas_dnrm2((int)sgr_model_nparams(m), w, 1);
    return 0.5 * m->l2 * nrm * nrm;
}

double sgr_model_loss_grad(const sgr_model *m, const double *w, const double *X, const double *y,
                           size_t rows, double *grad, double *work)
{
    size_t np = sgr_model_nparams(m);
    if (rows == 0) {
        if (grad)
            for (size_t j = 0; j < np; j++)
                grad[j] = m->l2 * w[j];
        return l2_term(m, w);
    }
    double scale = 1.0 / (double)rows;
    return data_loss_grad(m, w, X, y, rows, scale, grad, work) * scale + l2_term(m, w);
}

double sgr_model_grad_flops(const sgr_model *m, size_t rows)
{
    double r = (double)rows, d = (double)m->d, np = (double)sgr_model_nparams(m);
    double k = (double)m->nclasses;
    double l2 = L2_FLOPS_PER_PARAM * np;
    switch (m->kind) {
    case SGR_MODEL_SOFTMAX: /* two gemms: (r x d)(d x k) and (d x r)(r x k) */
        return 2 * (2 * r * d * k) + r * (SOFTMAX_FLOPS_PER_CELL * k + SOFTMAX_FLOPS_PER_ROW) + l2;
    case SGR_MODEL_LOGREG: /* two gemvs on an r x d matrix */
        return 2 * (2 * r * d) + r * LOGREG_FLOPS_PER_ROW + l2;
    case SGR_MODEL_LSQ:
    default:
        return 2 * (2 * r * d) + r * LSQ_FLOPS_PER_ROW + l2;
    }
}

static size_t block_rows(const sgr_model *m)
{
    size_t b = BLOCK_DOUBLES / model_outputs(m);
    return b ? b : 1;
}

double sgr_model_loss(const sgr_model *m, const double *w, const sgr_dataset *ds)
{
    if (ds->n == 0)
        return l2_term(m, w);
    size_t block = block_rows(m);
    if (block > ds->n)
        block = ds->n;
    double *work = malloc(sgr_model_work_size(m, block) * sizeof *work);
    if (!work)
        return NAN;
    double sum = 0;
    for (size_t i = 0; i < ds->n; i += block) {
        size_t rows = ds->n - i < block ? ds->n - i : block;
        sum += data_loss_grad(m, w, ds->X + i * ds->d, ds->y + i, rows, 1.0, NULL, work);
    }
    free(work);
    return sum / (double)ds->n + l2_term(m, w);
}

/* Number of correct predictions (classification) or sum of squared errors (lsq) on a block. */
static double block_score(const sgr_model *m, const double *z, const double *y, size_t rows)
{
    double acc = 0;
    int k = m->nclasses;
    for (size_t i = 0; i < rows; i++) {
        if (m->kind == SGR_MODEL_LSQ) {
            acc += (z[i] - y[i]) * (z[i] - y[i]);
        } else if (m->kind == SGR_MODEL_LOGREG) {
            acc += (z[i] > 0) == (y[i] > 0.5);
        } else {
            const double *zi = z + i * (size_t)k;
            int best = 0;
            for (int c = 1; c < k; c++)
                best = zi[c] > zi[best] ? c : best;
            acc += best == (int)y[i];
        }
    }
    return acc;
}

double sgr_model_accuracy(const sgr_model *m, const double *w, const sgr_dataset *ds)
{
    if (ds->n == 0)
        return NAN;
    size_t block = block_rows(m);
    if (block > ds->n)
        block = ds->n;
    double *z = malloc(sgr_model_work_size(m, block) * sizeof *z);
    if (!z)
        return NAN;
    double acc = 0;
    for (size_t i = 0; i < ds->n; i += block) {
        size_t rows = ds->n - i < block ? ds->n - i : block;
        const double *X = ds->X + i * ds->d;
        if (m->kind == SGR_MODEL_SOFTMAX)
            scores_matrix(m, w, X, rows, z);
        else
            scores_vector(m, w, X, rows, z);
        acc += block_score(m, z, ds->y + i, rows);
    }
    free(z);
    return acc / (double)ds->n;
}

int sgr_model_kind_parse(const char *s, sgr_model_kind *out)
{
    if (!s)
        return -1;
    if (!strcmp(s, "lsq") || !strcmp(s, "least-squares") || !strcmp(s, "least_squares"))
        *out = SGR_MODEL_LSQ;
    else if (!strcmp(s, "logreg") || !strcmp(s, "logistic"))
        *out = SGR_MODEL_LOGREG;
    else if (!strcmp(s, "softmax") || !strcmp(s, "multinomial"))
        *out = SGR_MODEL_SOFTMAX;
    else
        return -1;
    return 0;
}

const char *sgr_model_kind_name(sgr_model_kind k)
{
    switch (k) {
    case SGR_MODEL_LSQ:
        return "lsq";
    case SGR_MODEL_LOGREG:
        return "logreg";
    case SGR_MODEL_SOFTMAX:
        return "softmax";
    }
    return "unknown";
}
