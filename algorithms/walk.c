/* Random walks for token algorithms, the self-repellent random walk, and its covariance
 * theory. See include/simgrad/walk.h. */
#include "simgrad/walk.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_randist.h>

struct sgr_walk {
    const sgr_graph *g;
    sgr_walk_cfg cfg;
    double *mu; /* the walk's target (owned) */
    size_t cur, prev;
    unsigned long steps;
    unsigned long *counts; /* visits, for the empirical measure */
    double *u, scale;      /* SRRW: x = scale * u */
    double *row;           /* scratch: max degree + 1 */
    gsl_ran_discrete_t *iid;
};

static const char *const walk_names[] = {"srw", "mhrw", "nbrw", "iid", "srrw"};

int sgr_walk_kind_parse(const char *s, sgr_walk_kind *out)
{
    for (int k = 0; k < 5; k++)
        if (strcmp(s, walk_names[k]) == 0) {
            *out = (sgr_walk_kind)k;
            return 0;
        }
    return -1;
}

const char *sgr_walk_kind_name(sgr_walk_kind k)
{
    return (unsigned)k < 5 ? walk_names[k] : "?";
}

/* The chain whose transition probabilities the walk (or the SRRW's base) uses. */
static sgr_walk_kind chain_of(const sgr_walk_cfg *cfg)
{
    return cfg->kind == SGR_WALK_SRRW ? cfg->base : cfg->kind;
}

static int build_target(sgr_walk *w, sgr_err *err)
{
    const sgr_graph *g = w->g;
    size_t n = g->n;
    w->mu = malloc(n * sizeof *w->mu);
    if (!w->mu)
        return sgr_fail(err, "out of memory");
    sgr_walk_kind chain = chain_of(&w->cfg);
    if (chain == SGR_WALK_SRW || chain == SGR_WALK_NBRW) {
        for (size_t i = 0; i < n; i++)
            w->mu[i] = (double)sgr_graph_degree(g, i) / (2.0 * (double)g->m);
        return 0;
    }
    if (!w->cfg.mu) {
        for (size_t i = 0; i < n; i++)
            w->mu[i] = 1.0 / (double)n;
        return 0;
    }
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(w->cfg.mu[i] > 0))
            return sgr_fail(err,
                            "token.target: every node needs a positive probability (node "
                            "%zu has %g)",
                            i, w->cfg.mu[i]);
        sum += w->cfg.mu[i];
    }
    if (fabs(sum - 1.0) > 1e-9)
        return sgr_fail(err, "token.target: the probabilities sum to %.12g, not 1", sum);
    memcpy(w->mu, w->cfg.mu, n * sizeof *w->mu);
    return 0;
}

sgr_walk *sgr_walk_new(const sgr_graph *g, const sgr_walk_cfg *cfg, size_t start, sgr_err *err)
{
    if (cfg->kind == SGR_WALK_SRRW && !(cfg->alpha >= 0 && isfinite(cfg->alpha))) {
        sgr_fail(err, "token.alpha must be finite and >= 0 (got %g)", cfg->alpha);
        return NULL;
    }
    if (cfg->kind == SGR_WALK_SRRW && cfg->base != SGR_WALK_SRW && cfg->base != SGR_WALK_MHRW) {
        sgr_fail(err, "token.base must be srw or mhrw (a reversible chain)");
        return NULL;
    }
    if (!(cfg->gamma_exp > 0.5 && cfg->gamma_exp <= 1.0)) {
        sgr_fail(err, "token.gamma_exp must be in (0.5, 1] (got %g)", cfg->gamma_exp);
        return NULL;
    }
    if (g->n < 2 || !sgr_graph_connected(g)) {
        sgr_fail(err, "graph: the walk needs a connected graph of at least 2 nodes");
        return NULL;
    }
    if (start >= g->n) {
        sgr_fail(err, "token.start: node %zu is not in the graph (%zu nodes)", start, g->n);
        return NULL;
    }
    sgr_walk *w = calloc(1, sizeof *w);
    if (!w) {
        sgr_fail(err, "out of memory");
        return NULL;
    }
    w->g = g;
    w->cfg = *cfg;
    w->cur = start;
    w->prev = (size_t)-1;
    size_t n = g->n, maxdeg = 0;
    for (size_t i = 0; i < n; i++)
        if (sgr_graph_degree(g, i) > maxdeg)
            maxdeg = sgr_graph_degree(g, i);
    w->counts = calloc(n, sizeof *w->counts);
    w->row = malloc((maxdeg + 1) * sizeof *w->row);
    if (!w->counts || !w->row || build_target(w, err) < 0)
        goto fail;
    if (cfg->kind == SGR_WALK_IID) {
        w->iid = gsl_ran_discrete_preproc(n, w->mu);
        if (!w->iid)
            goto oom;
    }
    if (cfg->kind == SGR_WALK_SRRW) {
        /* x_0 = mu: the repellence starts neutral */
        w->u = malloc(n * sizeof *w->u);
        if (!w->u)
            goto oom;
        memcpy(w->u, w->mu, n * sizeof *w->u);
        w->scale = 1.0;
    }
    return w;
oom:
    sgr_fail(err, "out of memory");
fail:
    sgr_walk_free(w);
    return NULL;
}

void sgr_walk_free(sgr_walk *w)
{
    if (!w)
        return;
    free(w->mu);
    free(w->counts);
    free(w->u);
    free(w->row);
    if (w->iid)
        gsl_ran_discrete_free(w->iid);
    free(w);
}

size_t sgr_walk_current(const sgr_walk *w)
{
    return w->cur;
}

unsigned long sgr_walk_steps(const sgr_walk *w)
{
    return w->steps;
}

const double *sgr_walk_target(const sgr_walk *w)
{
    return w->mu;
}

double sgr_walk_base_prob(const sgr_walk *w, size_t i, size_t j)
{
    const sgr_graph *g = w->g;
    size_t di = sgr_graph_degree(g, i);
    sgr_walk_kind chain = chain_of(&w->cfg);
    if (chain == SGR_WALK_IID)
        return w->mu[j];
    if (chain != SGR_WALK_MHRW)
        return i == j ? 0.0 : (sgr_graph_has_edge(g, i, j) ? 1.0 / (double)di : 0.0);
    if (i != j) {
        if (!sgr_graph_has_edge(g, i, j))
            return 0.0;
        double acc = w->mu[j] * (double)di / (w->mu[i] * (double)sgr_graph_degree(g, j));
        return (acc < 1.0 ? acc : 1.0) / (double)di;
    }
    double stay = 1.0;
    for (size_t k = g->offset[i]; k < g->offset[i + 1]; k++)
        stay -= sgr_walk_base_prob(w, i, g->adj[k]);
    return stay > 0 ? stay : 0.0;
}

/* The base chain's row out of i without lookups: probs[k] for neighbour k, probs[d] = stay.
 * O(degree). */
static void base_row(const sgr_walk *w, size_t i, double *probs)
{
    const sgr_graph *g = w->g;
    size_t d = sgr_graph_degree(g, i);
    const size_t *nb = g->adj + g->offset[i];
    double stay = 1.0;
    for (size_t k = 0; k < d; k++) {
        double p = 1.0 / (double)d;
        if (chain_of(&w->cfg) == SGR_WALK_MHRW) {
            double acc = w->mu[nb[k]] * (double)d / (w->mu[i] * (double)sgr_graph_degree(g, nb[k]));
            p *= acc < 1.0 ? acc : 1.0;
        }
        probs[k] = p;
        stay -= p;
    }
    probs[d] = stay > 1e-15 ? stay : 0.0;
}

void sgr_walk_row(const sgr_walk *w, size_t i, size_t prev, double *probs)
{
    const sgr_graph *g = w->g;
    size_t d = sgr_graph_degree(g, i);
    const size_t *nb = g->adj + g->offset[i];
    switch (w->cfg.kind) {
    case SGR_WALK_NBRW: {
        size_t allowed = d > 1 && prev != (size_t)-1 && sgr_graph_has_edge(g, i, prev) ? d - 1 : d;
        for (size_t k = 0; k < d; k++)
            probs[k] = (allowed < d && nb[k] == prev) ? 0.0 : 1.0 / (double)allowed;
        probs[d] = 0.0;
        return;
    }
    case SGR_WALK_IID: /* not a graph walk: its base row is reported for completeness */
    case SGR_WALK_SRW:
    case SGR_WALK_MHRW:
        base_row(w, i, probs);
        return;
    case SGR_WALK_SRRW: {
        /* K[x](i,j) ~ P(i,j) (x_j / mu_j)^-alpha; the common scale of x cancels. The weights
         * are formed in log space relative to the largest: u = x / scale grows without bound
         * (scale -> 0), so (u_j / mu_j)^-alpha underflows to 0 for every j (a 0/0 row, and a
         * walk stuck at i) after ~10^5 steps for a < 1, or a few 10^6 at alpha = 50. */
        double a = w->cfg.alpha, top = -INFINITY, total = 0;
        base_row(w, i, probs);
        if (a == 0)
            return; /* the base chain exactly */
        for (size_t k = 0; k <= d; k++) {
            size_t j = k < d ? nb[k] : i;
            if (probs[k] > 0) {
                double r = w->u[j] / w->mu[j];
                probs[k] = log(probs[k]) - a * log(r > DBL_MIN ? r : DBL_MIN);
                if (probs[k] > top)
                    top = probs[k];
            } else {
                probs[k] = -INFINITY;
            }
        }
        for (size_t k = 0; k <= d; k++) {
            probs[k] = exp(probs[k] - top);
            total += probs[k];
        }
        for (size_t k = 0; k <= d; k++)
            probs[k] /= total;
        return;
    }
    }
}

/* Inverse-CDF draw; rounding can leave r above the last partial sum: then the last entry
 * with a positive probability (never a zero-probability move such as staying under an SRW). */
static size_t draw(const double *probs, size_t count, double r)
{
    double acc = 0;
    size_t last = 0;
    for (size_t k = 0; k < count; k++) {
        if (probs[k] <= 0)
            continue;
        acc += probs[k];
        last = k;
        if (r < acc)
            return k;
    }
    return last;
}

size_t sgr_walk_step(sgr_walk *w, gsl_rng *rng)
{
    const sgr_graph *g = w->g;
    size_t i = w->cur, d = sgr_graph_degree(g, i), next = i;
    const size_t *nb = g->adj + g->offset[i];
    switch (w->cfg.kind) {
    case SGR_WALK_SRW:
        next = nb[gsl_rng_uniform_int(rng, d)];
        break;
    case SGR_WALK_MHRW: {
        size_t j = nb[gsl_rng_uniform_int(rng, d)];
        double acc = w->mu[j] * (double)d / (w->mu[i] * (double)sgr_graph_degree(g, j));
        next = gsl_rng_uniform(rng) < acc ? j : i;
        break;
    }
    case SGR_WALK_NBRW:
        if (d == 1 || w->prev == (size_t)-1) {
            next = nb[gsl_rng_uniform_int(rng, d)];
        } else {
            /* uniformly among the neighbours other than prev */
            size_t k = gsl_rng_uniform_int(rng, d - 1), skip = 0;
            for (size_t t = 0; t < d; t++) {
                if (nb[t] == w->prev)
                    continue;
                if (skip++ == k) {
                    next = nb[t];
                    break;
                }
            }
        }
        break;
    case SGR_WALK_IID:
        next = gsl_ran_discrete(rng, w->iid);
        break;
    case SGR_WALK_SRRW: {
        sgr_walk_row(w, i, w->prev, w->row);
        size_t k = draw(w->row, d + 1, gsl_rng_uniform(rng));
        next = k < d ? nb[k] : i;
        break;
    }
    }
    w->prev = i;
    w->cur = next;
    w->steps++;
    w->counts[next]++;
    if (w->cfg.kind == SGR_WALK_SRRW) {
        /* x <- (1 - gamma) x + gamma delta_next, with x = scale * u */
        double gamma = pow((double)w->steps + 1.0, -w->cfg.gamma_exp);
        w->scale *= 1.0 - gamma;
        w->u[next] += gamma / w->scale;
        if (w->scale < 1e-150) {
            for (size_t k = 0; k < g->n; k++)
                w->u[k] *= w->scale;
            w->scale = 1.0;
        }
    }
    return next;
}

void sgr_walk_estimate(const sgr_walk *w, double *out)
{
    size_t n = w->g->n;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = w->u ? w->u[i] : (double)w->counts[i];
        sum += out[i];
    }
    for (size_t i = 0; i < n; i++)
        out[i] = sum > 0 ? out[i] / sum : 0.0;
}

double sgr_walk_tv(const sgr_walk *w)
{
    double tv = 0;
    for (size_t i = 0; i < w->g->n; i++) {
        double emp = w->steps ? (double)w->counts[i] / (double)w->steps : 0.0;
        tv += fabs(emp - w->mu[i]);
    }
    return tv / 2.0;
}

/* The base chain's spectrum: S = D^1/2 P D^-1/2 is symmetric for a reversible P; its
 * eigenvalues (descending, lambda_1 = 1 first) go to eval, and u_i = D^1/2 phi_i (phi_i the
 * orthonormal eigenvectors) to the columns of U (n x n). On error, -1 with err. */
static int base_spectrum(const sgr_graph *g, const sgr_walk_cfg *cfg, gsl_vector **eval,
                         gsl_matrix **U, sgr_err *err)
{
    size_t n = g->n;
    sgr_walk_cfg base = *cfg;
    base.kind = cfg->kind == SGR_WALK_SRRW ? cfg->base : cfg->kind;
    if (base.kind != SGR_WALK_SRW && base.kind != SGR_WALK_MHRW)
        return sgr_fail(err, "the covariance theory needs a reversible base chain (srw, mhrw)");
    sgr_walk *w = sgr_walk_new(g, &base, 0, err);
    if (!w)
        return -1;
    gsl_matrix *S = gsl_matrix_calloc(n, n);
    *U = gsl_matrix_alloc(n, n);
    *eval = gsl_vector_alloc(n);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(n);
    int rc = -1;
    if (!S || !*U || !*eval || !ws) {
        sgr_fail(err, "out of memory (dense theory on %zu nodes)", n);
        goto out;
    }
    const double *mu = sgr_walk_target(w);
    for (size_t i = 0; i < n; i++) {
        gsl_matrix_set(S, i, i, sgr_walk_base_prob(w, i, i));
        for (size_t k = g->offset[i]; k < g->offset[i + 1]; k++) {
            size_t j = g->adj[k];
            gsl_matrix_set(S, i, j, sqrt(mu[i] / mu[j]) * sgr_walk_base_prob(w, i, j));
        }
    }
    gsl_eigen_symmv(S, *eval, *U, ws);
    gsl_eigen_symmv_sort(*eval, *U, GSL_EIGEN_SORT_VAL_DESC);
    for (size_t r = 0; r < n; r++)
        for (size_t e = 0; e < n; e++)
            gsl_matrix_set(*U, r, e, sqrt(mu[r]) * gsl_matrix_get(*U, r, e));
    rc = 0;
out:
    if (rc < 0) {
        gsl_matrix_free(*U);
        gsl_vector_free(*eval);
        *U = NULL;
        *eval = NULL;
    }
    gsl_matrix_free(S);
    if (ws)
        gsl_eigen_symmv_free(ws);
    sgr_walk_free(w);
    return rc;
}

int sgr_srrw_covariance(const sgr_graph *g, const sgr_walk_cfg *cfg, double alpha, double *V,
                        double *trace, sgr_err *err)
{
    size_t n = g->n;
    gsl_vector *eval;
    gsl_matrix *U;
    if (base_spectrum(g, cfg, &eval, &U, err) < 0)
        return -1;
    double a1 = cfg->gamma_exp == 1.0 ? 1.0 : 0.0;
    if (V)
        memset(V, 0, n * n * sizeof *V);
    *trace = 0;
    for (size_t e = 1; e < n; e++) { /* skip lambda_1 = 1 */
        double lam = gsl_vector_get(eval, e);
        double c = (1.0 + lam) / (1.0 - lam) / (2.0 * alpha * (1.0 + lam) + 2.0 - a1);
        double norm2 = 0;
        for (size_t k = 0; k < n; k++)
            norm2 += gsl_matrix_get(U, k, e) * gsl_matrix_get(U, k, e);
        *trace += c * norm2;
        if (V)
            for (size_t r = 0; r < n; r++)
                for (size_t k = 0; k < n; k++)
                    V[r * n + k] += c * gsl_matrix_get(U, r, e) * gsl_matrix_get(U, k, e);
    }
    gsl_matrix_free(U);
    gsl_vector_free(eval);
    return 0;
}

int sgr_sasrrw_modes_new(const sgr_graph *g, const sgr_walk_cfg *cfg, const double *H, size_t dim,
                         const double *hess, double b, double scale, sgr_sasrrw_modes *out,
                         sgr_err *err)
{
    size_t n = g->n;
    memset(out, 0, sizeof *out);
    if (!(b > 0.5 && b <= 1.0) || !(scale > 0))
        return sgr_fail(err, "SA-SRRW theory: b must be in (0.5, 1] and the step scale > 0");
    /* hess = Q diag(kappa) Q^T; in that basis the Lyapunov equation is diagonal */
    gsl_matrix *Hs = gsl_matrix_alloc(dim, dim), *Q = gsl_matrix_alloc(dim, dim);
    gsl_vector *kappa = gsl_vector_alloc(dim), *eval = NULL;
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(dim);
    gsl_matrix *U = NULL;
    double *HQ = malloc(n * dim * sizeof *HQ);
    int rc = -1;
    if (!Hs || !Q || !kappa || !ws || !HQ) {
        sgr_fail(err, "out of memory");
        goto out;
    }
    for (size_t r = 0; r < dim; r++)
        for (size_t c = 0; c < dim; c++)
            gsl_matrix_set(Hs, r, c, 0.5 * (hess[r * dim + c] + hess[c * dim + r]));
    gsl_eigen_symmv(Hs, kappa, Q, ws);
    /* the b = 1 term of the theorem, in units of beta_n = scale (n+1)^-1 */
    double shift = b == 1.0 ? 1.0 / scale : 0.0;
    for (size_t k = 0; k < dim; k++)
        if (!(2.0 * gsl_vector_get(kappa, k) > shift)) {
            sgr_fail(err,
                     "SA-SRRW theory: the Hessian at theta* has an eigenvalue %g; the CLT needs "
                     "every eigenvalue > %g",
                     gsl_vector_get(kappa, k), shift / 2.0);
            goto out;
        }
    for (size_t i = 0; i < n; i++) /* HQ = H Q: node i's direction in the Hessian's basis */
        for (size_t k = 0; k < dim; k++) {
            double s = 0;
            for (size_t d = 0; d < dim; d++)
                s += H[i * dim + d] * gsl_matrix_get(Q, d, k);
            HQ[i * dim + k] = s;
        }
    if (base_spectrum(g, cfg, &eval, &U, err) < 0)
        goto out;
    out->count = n - 1;
    out->lambda = malloc(out->count * sizeof *out->lambda);
    out->weight = malloc(out->count * sizeof *out->weight);
    if (!out->lambda || !out->weight) {
        sgr_fail(err, "out of memory");
        goto out;
    }
    for (size_t e = 1; e < n; e++) { /* skip lambda_1 = 1 */
        double lam = gsl_vector_get(eval, e), t = 0;
        for (size_t k = 0; k < dim; k++) {
            double p = 0; /* (H q_k)^T u_e */
            for (size_t i = 0; i < n; i++)
                p += HQ[i * dim + k] * gsl_matrix_get(U, i, e);
            t += p * p / (2.0 * gsl_vector_get(kappa, k) - shift);
        }
        out->lambda[e - 1] = lam;
        out->weight[e - 1] = lam > -1.0 ? (1.0 + lam) / (1.0 - lam) * t : 0.0;
    }
    rc = 0;
out:
    if (rc < 0)
        sgr_sasrrw_modes_free(out);
    gsl_matrix_free(Hs);
    gsl_matrix_free(Q);
    gsl_vector_free(kappa);
    if (ws)
        gsl_eigen_symmv_free(ws);
    gsl_matrix_free(U);
    gsl_vector_free(eval);
    free(HQ);
    return rc;
}

double sgr_sasrrw_trace(const sgr_sasrrw_modes *m, double alpha)
{
    double tr = 0;
    for (size_t i = 0; i < m->count; i++) {
        double d = alpha * (1.0 + m->lambda[i]) + 1.0;
        tr += m->weight[i] / (d * d);
    }
    return tr;
}

double sgr_sasrrw_slope(const sgr_sasrrw_modes *m, double alpha)
{
    const double h = 1e-4; /* central difference in log alpha */
    return (log(sgr_sasrrw_trace(m, alpha * exp(h))) - log(sgr_sasrrw_trace(m, alpha * exp(-h)))) /
           (2.0 * h);
}

void sgr_sasrrw_modes_free(sgr_sasrrw_modes *m)
{
    free(m->lambda);
    free(m->weight);
    m->lambda = m->weight = NULL;
    m->count = 0;
}
