/* Tests for the random walks (SRW, MHRW, NBRW, iid) and the self-repellent random walk (SRRW,
 * Doshi et al., ICML 2023): what users rely on. Every kernel row is a distribution; the base
 * chains have the stationary distribution they claim (exactly, and empirically); the step
 * draws from the row it reports; alpha = 0 is the base chain; large alpha goes to the least
 * visited neighbour; the SRRW's x follows its recursion over long runs; the covariance theory
 * V(alpha) is the Markov chain's covariance at alpha = 0 (checked against the fundamental
 * matrix) and matches a Monte Carlo estimate of E[n ||x_n - mu||^2] at alpha in {0, 1, 5},
 * with an O(1/alpha) decay; errors name their keys.
 *
 * SIMGRAD_WALK_REPLICAS=k shrinks the Monte Carlo test to k replicas of a short run (for
 * valgrind): its statistical assertions are then skipped, the code paths still run. */
#include "testutil.h"

#include "simgrad/graph.h"
#include "simgrad/walk.h"

#include <float.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_eigen.h>

#define NONE ((size_t)-1)

/* ---- graphs ---- */

static void graph_edges(sgr_graph *g, size_t n, const size_t (*e)[2], size_t m)
{
    size_t u[64], v[64];
    sgr_err err = {{0}};
    CU_ASSERT_FATAL(m <= 64);
    for (size_t k = 0; k < m; k++) {
        u[k] = e[k][0];
        v[k] = e[k][1];
    }
    int rc = sgr_graph_from_edges(g, n, u, v, m, &err);
    if (rc != 0)
        fprintf(stderr, "sgr_graph_from_edges: %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
}

static void graph_path(sgr_graph *g, size_t n)
{
    size_t e[64][2];
    for (size_t i = 0; i + 1 < n; i++) {
        e[i][0] = i;
        e[i][1] = i + 1;
    }
    graph_edges(g, n, (const size_t(*)[2])e, n - 1);
}

static void graph_star(sgr_graph *g, size_t n)
{
    size_t e[64][2];
    for (size_t i = 1; i < n; i++) {
        e[i - 1][0] = 0;
        e[i - 1][1] = i;
    }
    graph_edges(g, n, (const size_t(*)[2])e, n - 1);
}

static void graph_cycle(sgr_graph *g, size_t n)
{
    size_t e[64][2];
    for (size_t i = 0; i < n; i++) {
        e[i][0] = i;
        e[i][1] = (i + 1) % n;
    }
    graph_edges(g, n, (const size_t(*)[2])e, n);
}

/* A 4-clique with a tail 3-4-5-6: non-regular, degrees 1 to 4, node 6 a leaf. */
static void graph_lollipop(sgr_graph *g)
{
    static const size_t e[][2] = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3},
                                  {2, 3}, {3, 4}, {4, 5}, {5, 6}};
    graph_edges(g, 7, e, sizeof e / sizeof e[0]);
}

/* 10 nodes, degrees 1..5, triangles (aperiodic even for SRW), one leaf. */
static void graph_ten(sgr_graph *g)
{
    static const size_t e[][2] = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {2, 3}, {2, 4}, {3, 4},
                                  {4, 5}, {5, 6}, {5, 7}, {6, 7}, {7, 8}, {4, 8}, {8, 9}};
    graph_edges(g, 10, e, sizeof e / sizeof e[0]);
}

static void graph_random(sgr_graph *g, size_t n, double p, unsigned long seed)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    sgr_graph_cfg cfg = {.kind = SGR_GRAPH_ER, .n = n, .p = p};
    sgr_err err = {{0}};
    int rc = sgr_graph_build(g, &cfg, rng, &err);
    if (rc != 0)
        fprintf(stderr, "sgr_graph_build: %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    gsl_rng_free(rng);
}

static void graph_complete(sgr_graph *g, size_t n)
{
    size_t e[64][2], m = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            e[m][0] = i;
            e[m][1] = j;
            m++;
        }
    graph_edges(g, n, (const size_t(*)[2])e, m);
}

enum { NGRAPHS = 6 };

/* The small graphs the row and stationarity tests run on. */
static void graph_small(sgr_graph *g, int which)
{
    switch (which) {
    case 0:
        graph_path(g, 6);
        break;
    case 1:
        graph_star(g, 7);
        break;
    case 2:
        graph_cycle(g, 8);
        break;
    case 3:
        graph_lollipop(g);
        break;
    case 4:
        graph_ten(g);
        break;
    default:
        graph_random(g, 25, 0.2, 7);
        break;
    }
}

/* A non-uniform positive target summing to 1. */
static double *target_skewed(size_t n)
{
    double *mu = malloc(n * sizeof *mu), sum = 0;
    CU_ASSERT_PTR_NOT_NULL_FATAL(mu);
    for (size_t i = 0; i < n; i++) {
        mu[i] = 1.0 + (double)((i * 7) % 5) + 0.5 * (double)i;
        sum += mu[i];
    }
    for (size_t i = 0; i < n; i++)
        mu[i] /= sum;
    return mu;
}

/* ---- walks ---- */

static sgr_walk_cfg cfg_of(sgr_walk_kind kind, sgr_walk_kind base, double alpha, double a,
                           const double *mu)
{
    return (sgr_walk_cfg){.kind = kind, .base = base, .alpha = alpha, .gamma_exp = a, .mu = mu};
}

static sgr_walk *walk_ok(const sgr_graph *g, const sgr_walk_cfg *cfg, size_t start)
{
    sgr_err err = {{0}};
    sgr_walk *w = sgr_walk_new(g, cfg, start, &err);
    if (!w)
        fprintf(stderr, "sgr_walk_new: %s\n", err.msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    return w;
}

static gsl_rng *rng_seeded(unsigned long seed)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rng);
    gsl_rng_set(rng, seed);
    return rng;
}

static size_t max_degree(const sgr_graph *g)
{
    size_t d = 0;
    for (size_t i = 0; i < g->n; i++)
        if (sgr_graph_degree(g, i) > d)
            d = sgr_graph_degree(g, i);
    return d;
}

/* Row out of i is a distribution: entries finite, >= 0, summing to 1 (1e-12). Returns the
 * number of bad rows (and reports the first). */
static int check_row(const sgr_walk *w, const sgr_graph *g, size_t i, size_t prev, double *row,
                     const char *what)
{
    size_t d = sgr_graph_degree(g, i);
    sgr_walk_row(w, i, prev, row);
    double sum = 0;
    bool ok = true;
    for (size_t k = 0; k <= d; k++) {
        if (!isfinite(row[k]) || row[k] < 0)
            ok = false;
        sum += row[k];
    }
    if (!ok || fabs(sum - 1.0) > 1e-12) {
        fprintf(stderr, "%s: row of node %zu (prev %zu) sums to %.17g or has a bad entry\n", what,
                i, prev, sum);
        return 1;
    }
    return 0;
}

/* Dense base chain P (n x n) from sgr_walk_base_prob. */
static double *dense_base(const sgr_walk *w, size_t n)
{
    double *P = malloc(n * n * sizeof *P);
    CU_ASSERT_PTR_NOT_NULL_FATAL(P);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            P[i * n + j] = sgr_walk_base_prob(w, i, j);
    return P;
}

/* ---- 1. rows are distributions ---- */

static void test_rows_base_chains(void)
{
    int bad = 0;
    for (int which = 0; which < NGRAPHS; which++) {
        sgr_graph g = {0};
        graph_small(&g, which);
        double *mu = target_skewed(g.n), *row = malloc((max_degree(&g) + 1) * sizeof *row);
        sgr_walk_cfg srw = cfg_of(SGR_WALK_SRW, SGR_WALK_SRW, 0, 1, NULL);
        sgr_walk_cfg mh_u = cfg_of(SGR_WALK_MHRW, SGR_WALK_MHRW, 0, 1, NULL);
        sgr_walk_cfg mh_s = cfg_of(SGR_WALK_MHRW, SGR_WALK_MHRW, 0, 1, mu);
        sgr_walk *ws = walk_ok(&g, &srw, 0), *wu = walk_ok(&g, &mh_u, 0),
                 *wm = walk_ok(&g, &mh_s, 0);
        for (size_t i = 0; i < g.n; i++) {
            size_t d = sgr_graph_degree(&g, i);
            bad += check_row(ws, &g, i, NONE, row, "srw");
            /* SRW: uniform over the neighbours, never stays */
            for (size_t k = 0; k < d; k++)
                CU_ASSERT_DOUBLE_EQUAL(row[k], 1.0 / (double)d, 1e-15);
            CU_ASSERT_EQUAL(row[d], 0.0);
            bad += check_row(wu, &g, i, NONE, row, "mhrw uniform");
            bad += check_row(wm, &g, i, NONE, row, "mhrw skewed");
            /* the row agrees with base_prob, neighbour by neighbour and for staying */
            for (size_t k = 0; k < d; k++)
                CU_ASSERT_DOUBLE_EQUAL(row[k], sgr_walk_base_prob(wm, i, g.adj[g.offset[i] + k]),
                                       1e-15);
            CU_ASSERT_DOUBLE_EQUAL(row[d], sgr_walk_base_prob(wm, i, i), 1e-14);
        }
        sgr_walk_free(ws);
        sgr_walk_free(wu);
        sgr_walk_free(wm);
        free(mu);
        free(row);
        sgr_graph_free(&g);
    }
    CU_ASSERT_EQUAL(bad, 0);
}

static void test_rows_nbrw(void)
{
    int bad = 0;
    for (int which = 0; which < NGRAPHS; which++) {
        sgr_graph g = {0};
        graph_small(&g, which);
        double *row = malloc((max_degree(&g) + 1) * sizeof *row);
        sgr_walk_cfg c = cfg_of(SGR_WALK_NBRW, SGR_WALK_SRW, 0, 1, NULL);
        sgr_walk *w = walk_ok(&g, &c, 0);
        for (size_t i = 0; i < g.n; i++) {
            size_t d = sgr_graph_degree(&g, i);
            /* no previous node: uniform */
            bad += check_row(w, &g, i, NONE, row, "nbrw no prev");
            for (size_t k = 0; k < d; k++)
                CU_ASSERT_DOUBLE_EQUAL(row[k], 1.0 / (double)d, 1e-15);
            /* from each neighbour: never back unless a dead end, uniform over the others */
            for (size_t p = 0; p < d; p++) {
                size_t prev = g.adj[g.offset[i] + p];
                bad += check_row(w, &g, i, prev, row, "nbrw");
                for (size_t k = 0; k < d; k++) {
                    double want = d == 1 ? 1.0 : (k == p ? 0.0 : 1.0 / (double)(d - 1));
                    CU_ASSERT_DOUBLE_EQUAL(row[k], want, 1e-15);
                }
                CU_ASSERT_EQUAL(row[d], 0.0);
            }
        }
        sgr_walk_free(w);
        free(row);
        sgr_graph_free(&g);
    }
    CU_ASSERT_EQUAL(bad, 0);
}

static void test_rows_srrw(void)
{
    static const double alphas[] = {0, 0.5, 1, 5, 50};
    static const unsigned long checkpoints[] = {0, 1, 10, 1000, 20000};
    int bad = 0, checked = 0;
    for (int which = 0; which < NGRAPHS; which++) {
        sgr_graph g = {0};
        graph_small(&g, which);
        double *mu = target_skewed(g.n), *row = malloc((max_degree(&g) + 1) * sizeof *row);
        for (int base = 0; base < 2; base++)
            for (size_t ai = 0; ai < sizeof alphas / sizeof alphas[0]; ai++) {
                sgr_walk_cfg c = cfg_of(SGR_WALK_SRRW, base ? SGR_WALK_MHRW : SGR_WALK_SRW,
                                        alphas[ai], ai % 2 ? 0.7 : 1.0, base ? mu : NULL);
                sgr_walk *w = walk_ok(&g, &c, g.n - 1);
                gsl_rng *rng = rng_seeded(100 + ai);
                unsigned long done = 0;
                for (size_t cp = 0; cp < sizeof checkpoints / sizeof checkpoints[0]; cp++) {
                    while (done < checkpoints[cp]) {
                        sgr_walk_step(w, rng);
                        done++;
                    }
                    CU_ASSERT_EQUAL(sgr_walk_steps(w), done);
                    for (size_t i = 0; i < g.n; i++) {
                        char what[96];
                        snprintf(what, sizeof what, "srrw graph %d base %d alpha %g step %lu",
                                 which, base, alphas[ai], done);
                        bad += check_row(w, &g, i, NONE, row, what);
                        checked++;
                    }
                }
                gsl_rng_free(rng);
                sgr_walk_free(w);
            }
        free(mu);
        free(row);
        sgr_graph_free(&g);
    }
    printf("\n  %d SRRW rows checked, %d bad\n", checked, bad);
    CU_ASSERT_EQUAL(bad, 0);
}

/* Long runs with a < 1 drive the SRRW's internal scale to its renormalisation threshold, and
 * large alpha raises x_j / mu_j to a large power: the row must stay a distribution and the walk
 * must keep sampling mu. */
static void test_srrw_long_run_stays_finite(void)
{
    static const struct {
        double alpha, a;
        unsigned long steps;
    } runs[] = {{5, 0.6, 1000000}, {50, 0.9, 400000}, {50, 1.0, 2000000}};
    sgr_graph g = {0};
    graph_lollipop(&g);
    double *mu = target_skewed(g.n), row[8], x[7];
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        sgr_walk_cfg c = cfg_of(SGR_WALK_SRRW, SGR_WALK_MHRW, runs[r].alpha, runs[r].a, mu);
        sgr_walk *w = walk_ok(&g, &c, 0);
        gsl_rng *rng = rng_seeded(5 + r);
        unsigned long moves = 0, last_moves = 0;
        size_t cur = 0;
        for (unsigned long t = 0; t < runs[r].steps; t++) {
            size_t next = sgr_walk_step(w, rng);
            if (next != cur) {
                moves++;
                if (t + 10000 >= runs[r].steps)
                    last_moves++;
            }
            cur = next;
        }
        int bad = 0;
        for (size_t i = 0; i < g.n; i++)
            bad += check_row(w, &g, i, NONE, row, "srrw long run");
        sgr_walk_estimate(w, x);
        double tvx = 0;
        for (size_t i = 0; i < g.n; i++)
            tvx += fabs(x[i] - mu[i]) / 2;
        printf("\n  alpha %g a %g: %lu steps, %lu moves (%lu in the last 10^4), TV(x, mu) %.2e, "
               "TV(visits, mu) %.2e",
               runs[r].alpha, runs[r].a, runs[r].steps, moves, last_moves, tvx, sgr_walk_tv(w));
        CU_ASSERT_EQUAL(bad, 0);
        CU_ASSERT(last_moves > 5000);
        /* x fluctuates on the scale gamma_n^1/2: a = 0.6 at 10^6 steps gives TV ~ 0.02 */
        CU_ASSERT(tvx < (runs[r].a < 0.7 ? 0.1 : 0.02));
        CU_ASSERT(sgr_walk_tv(w) < 0.02);
        gsl_rng_free(rng);
        sgr_walk_free(w);
    }
    printf("\n");
    free(mu);
    sgr_graph_free(&g);
}

/* x follows x <- x + gamma_n (delta_X - x), gamma_n = (n+1)^-a, from x_0 = mu: checked against
 * a direct O(n) recursion, through the internal renormalisations of the a < 1 case. */
static void test_srrw_x_recursion(void)
{
    static const double as[] = {1.0, 0.75, 0.55};
    sgr_graph g = {0};
    graph_ten(&g);
    double *mu = target_skewed(g.n), ref[10], x[10];
    for (size_t r = 0; r < 3; r++) {
        sgr_walk_cfg c = cfg_of(SGR_WALK_SRRW, SGR_WALK_MHRW, 2.0, as[r], mu);
        sgr_walk *w = walk_ok(&g, &c, 3);
        gsl_rng *rng = rng_seeded(77);
        memcpy(ref, mu, sizeof ref);
        double worst = 0;
        for (unsigned long t = 1; t <= 300000; t++) {
            size_t next = sgr_walk_step(w, rng);
            double gamma = pow((double)t + 1.0, -as[r]);
            for (size_t i = 0; i < g.n; i++)
                ref[i] += gamma * ((i == next ? 1.0 : 0.0) - ref[i]);
            if (t % 997 == 0 || t == 1 || t == 2) {
                sgr_walk_estimate(w, x);
                for (size_t i = 0; i < g.n; i++)
                    if (fabs(x[i] - ref[i]) > worst)
                        worst = fabs(x[i] - ref[i]);
            }
        }
        printf("\n  a = %g: max |x - reference| = %.2e", as[r], worst);
        CU_ASSERT(worst < 1e-9);
        gsl_rng_free(rng);
        sgr_walk_free(w);
    }
    printf("\n");
    free(mu);
    sgr_graph_free(&g);
}

/* ---- 2. stationary distributions ---- */

static void test_mhrw_stationary_exact(void)
{
    for (int which = 0; which < NGRAPHS; which++) {
        sgr_graph g = {0};
        graph_small(&g, which);
        size_t n = g.n;
        double *mu = target_skewed(n);
        sgr_walk_cfg c = cfg_of(SGR_WALK_MHRW, SGR_WALK_MHRW, 0, 1, mu);
        sgr_walk *w = walk_ok(&g, &c, 0);
        const double *t = sgr_walk_target(w);
        for (size_t i = 0; i < n; i++)
            CU_ASSERT_EQUAL(t[i], mu[i]);
        double *P = dense_base(w, n), worst_bal = 0, worst_stat = 0;
        for (size_t j = 0; j < n; j++) {
            double s = 0;
            for (size_t i = 0; i < n; i++) {
                s += mu[i] * P[i * n + j];
                double bal = fabs(mu[i] * P[i * n + j] - mu[j] * P[j * n + i]);
                if (bal > worst_bal)
                    worst_bal = bal;
                CU_ASSERT(P[i * n + j] >= 0);
                if (i != j && !sgr_graph_has_edge(&g, i, j))
                    CU_ASSERT_EQUAL(P[i * n + j], 0.0);
            }
            if (fabs(s - mu[j]) > worst_stat)
                worst_stat = fabs(s - mu[j]);
        }
        CU_ASSERT(worst_stat < 1e-12);
        CU_ASSERT(worst_bal < 1e-12);
        free(P);
        sgr_walk_free(w);
        free(mu);
        sgr_graph_free(&g);
    }
}

static void test_srw_stationary_exact(void)
{
    for (int which = 0; which < NGRAPHS; which++) {
        sgr_graph g = {0};
        graph_small(&g, which);
        size_t n = g.n;
        double *mu = target_skewed(n); /* SRW ignores mu: its target is degree / 2m */
        sgr_walk_cfg c = cfg_of(SGR_WALK_SRW, SGR_WALK_SRW, 0, 1, mu);
        sgr_walk *w = walk_ok(&g, &c, 0);
        const double *t = sgr_walk_target(w);
        double *P = dense_base(w, n), worst_bal = 0, worst_stat = 0;
        for (size_t i = 0; i < n; i++)
            CU_ASSERT_DOUBLE_EQUAL(t[i], (double)sgr_graph_degree(&g, i) / (2.0 * (double)g.m),
                                   1e-15);
        for (size_t j = 0; j < n; j++) {
            double s = 0;
            for (size_t i = 0; i < n; i++) {
                s += t[i] * P[i * n + j];
                double bal = fabs(t[i] * P[i * n + j] - t[j] * P[j * n + i]);
                if (bal > worst_bal)
                    worst_bal = bal;
            }
            if (fabs(s - t[j]) > worst_stat)
                worst_stat = fabs(s - t[j]);
        }
        CU_ASSERT(worst_stat < 1e-12);
        CU_ASSERT(worst_bal < 1e-12);
        free(P);
        sgr_walk_free(w);
        free(mu);
        sgr_graph_free(&g);
    }
}

/* Visit frequencies after 10^6 steps: within 5 standard errors of the target on every node,
 * the standard errors from the chain's own asymptotic covariance (alpha = 0, a = 1: checked
 * against the fundamental matrix below; for NBRW the SRW's, which bounds it; iid mu(1-mu)). */
static void test_empirical_frequencies(void)
{
    const unsigned long N = 1000000;
    sgr_graph g = {0};
    graph_ten(&g);
    size_t n = g.n;
    double *mu = target_skewed(n), V[100], x[10];
    static const sgr_walk_kind kinds[] = {SGR_WALK_MHRW, SGR_WALK_SRW, SGR_WALK_NBRW, SGR_WALK_IID};
    for (size_t k = 0; k < 4; k++) {
        sgr_walk_cfg c = cfg_of(kinds[k], kinds[k], 0, 1, mu);
        sgr_walk *w = walk_ok(&g, &c, 0);
        gsl_rng *rng = rng_seeded(11 + k);
        for (unsigned long t = 0; t < N; t++)
            sgr_walk_step(w, rng);
        const double *target = sgr_walk_target(w);
        if (kinds[k] == SGR_WALK_IID) {
            for (size_t i = 0; i < n; i++)
                V[i * n + i] = mu[i] * (1 - mu[i]);
        } else {
            sgr_walk_cfg vc = kinds[k] == SGR_WALK_NBRW ? cfg_of(SGR_WALK_SRW, 0, 0, 1, NULL) : c;
            double tr;
            sgr_err err = {{0}};
            CU_ASSERT_EQUAL_FATAL(sgr_srrw_covariance(&g, &vc, 0, V, &tr, &err), 0);
        }
        sgr_walk_estimate(w, x);
        double worst_z = 0, tv = 0;
        for (size_t i = 0; i < n; i++) {
            double se = sqrt(V[i * n + i] / (double)N);
            double z = fabs(x[i] - target[i]) / se;
            if (z > worst_z)
                worst_z = z;
            tv += fabs(x[i] - target[i]) / 2;
        }
        printf("\n  %-4s: TV %.2e (sgr_walk_tv %.2e), worst |freq - mu| / se = %.2f",
               sgr_walk_kind_name(kinds[k]), tv, sgr_walk_tv(w), worst_z);
        CU_ASSERT(worst_z < 5);
        CU_ASSERT(tv < 0.01);
        CU_ASSERT_DOUBLE_EQUAL(sgr_walk_tv(w), tv, 1e-12);
        CU_ASSERT_EQUAL(sgr_walk_steps(w), N);
        gsl_rng_free(rng);
        sgr_walk_free(w);
    }
    printf("\n");
    free(mu);
    sgr_graph_free(&g);
}

/* The step draws from the row it reports: for every (node, slot), the sum over the visits of
 * (1{took the slot} - row probability) is a martingale, O(sqrt(sum p (1-p))). For the SRRW the
 * row changes every step, so this checks the step against the current row. */
static void check_step_follows_row(const sgr_graph *g, const sgr_walk_cfg *c, unsigned long N,
                                   unsigned long seed)
{
    size_t n = g->n, slots = g->offset[n] + n; /* neighbour slots, then the stay slots */
    double *dev = calloc(slots, sizeof *dev), *var = calloc(slots, sizeof *var);
    double *row = malloc((max_degree(g) + 1) * sizeof *row);
    CU_ASSERT_FATAL(dev && var && row);
    sgr_walk *w = walk_ok(g, c, 0);
    gsl_rng *rng = rng_seeded(seed);
    size_t cur = 0, prev = NONE;
    int impossible = 0;
    for (unsigned long t = 0; t < N; t++) {
        size_t d = sgr_graph_degree(g, cur);
        sgr_walk_row(w, cur, prev, row);
        size_t next = sgr_walk_step(w, rng), taken = NONE;
        if (next == cur)
            taken = d;
        for (size_t k = 0; k < d; k++)
            if (g->adj[g->offset[cur] + k] == next)
                taken = k;
        if (taken == NONE || row[taken] == 0)
            impossible++;
        for (size_t k = 0; k <= d; k++) {
            size_t s = k < d ? g->offset[cur] + k : g->offset[n] + cur;
            dev[s] += (k == taken ? 1.0 : 0.0) - row[k];
            var[s] += row[k] * (1 - row[k]);
        }
        CU_ASSERT_EQUAL(sgr_walk_current(w), next);
        prev = cur;
        cur = next;
    }
    double worst = 0;
    int tested = 0;
    for (size_t s = 0; s < slots; s++)
        if (var[s] > 20) {
            tested++;
            if (fabs(dev[s]) / sqrt(var[s]) > worst)
                worst = fabs(dev[s]) / sqrt(var[s]);
        }
    printf("\n  %-4s (base %s, alpha %g): %d slots, worst |z| %.2f, impossible moves %d",
           sgr_walk_kind_name(c->kind), sgr_walk_kind_name(c->base), c->alpha, tested, worst,
           impossible);
    CU_ASSERT_EQUAL(impossible, 0);
    CU_ASSERT(tested >= (int)n);
    CU_ASSERT(worst < 5);
    gsl_rng_free(rng);
    sgr_walk_free(w);
    free(dev);
    free(var);
    free(row);
}

static void test_step_follows_row(void)
{
    sgr_graph g = {0};
    graph_ten(&g);
    double *mu = target_skewed(g.n);
    sgr_walk_cfg cs[] = {
        cfg_of(SGR_WALK_SRW, SGR_WALK_SRW, 0, 1, NULL),
        cfg_of(SGR_WALK_MHRW, SGR_WALK_MHRW, 0, 1, mu),
        cfg_of(SGR_WALK_NBRW, SGR_WALK_SRW, 0, 1, NULL),
        cfg_of(SGR_WALK_SRRW, SGR_WALK_MHRW, 0, 1, mu),
        cfg_of(SGR_WALK_SRRW, SGR_WALK_MHRW, 3, 1, mu),
        cfg_of(SGR_WALK_SRRW, SGR_WALK_SRW, 10, 0.8, NULL),
    };
    for (size_t k = 0; k < sizeof cs / sizeof cs[0]; k++)
        check_step_follows_row(&g, &cs[k], 300000, 40 + k);
    printf("\n");
    free(mu);
    sgr_graph_free(&g);
}

/* ---- 3. alpha = 0 is the base chain ---- */

static void test_alpha0_is_base(void)
{
    for (int which = 0; which < NGRAPHS; which++) {
        sgr_graph g = {0};
        graph_small(&g, which);
        size_t dmax = max_degree(&g);
        double *mu = target_skewed(g.n), *row = malloc((dmax + 1) * sizeof *row),
               *base = malloc((dmax + 1) * sizeof *base);
        for (int b = 0; b < 2; b++) {
            sgr_walk_kind bk = b ? SGR_WALK_MHRW : SGR_WALK_SRW;
            sgr_walk_cfg cs = cfg_of(SGR_WALK_SRRW, bk, 0, 0.8, mu);
            sgr_walk_cfg cb = cfg_of(bk, bk, 0, 1, mu);
            sgr_walk *ws = walk_ok(&g, &cs, 0), *wb = walk_ok(&g, &cb, 0);
            gsl_rng *rng = rng_seeded(3);
            int differ = 0;
            /* x moves away from mu as the walk goes; the rows must not */
            for (int round = 0; round < 4; round++) {
                for (int t = 0; t < 1 + 50 * round; t++)
                    sgr_walk_step(ws, rng);
                for (size_t i = 0; i < g.n; i++) {
                    sgr_walk_row(ws, i, NONE, row);
                    sgr_walk_row(wb, i, NONE, base);
                    for (size_t k = 0; k <= sgr_graph_degree(&g, i); k++)
                        differ += row[k] != base[k];
                    for (size_t j = 0; j < g.n; j++)
                        differ += sgr_walk_base_prob(ws, i, j) != sgr_walk_base_prob(wb, i, j);
                }
            }
            CU_ASSERT_EQUAL(differ, 0);
            gsl_rng_free(rng);
            sgr_walk_free(ws);
            sgr_walk_free(wb);
        }
        free(mu);
        free(row);
        free(base);
        sgr_graph_free(&g);
    }
}

/* ---- 4. large alpha goes to the least visited neighbour ---- */

static void test_large_alpha_least_visited(void)
{
    const double alpha = 50;
    int checked = 0, bad = 0;
    for (int which = 3; which < NGRAPHS; which++) {
        sgr_graph g = {0};
        graph_small(&g, which);
        size_t n = g.n;
        double *mu = target_skewed(n), *x = malloc(n * sizeof *x),
               *row = malloc((max_degree(&g) + 1) * sizeof *row);
        for (int b = 0; b < 2; b++)
            for (unsigned long seed = 1; seed <= 20; seed++) {
                sgr_walk_cfg c = cfg_of(SGR_WALK_SRRW, b ? SGR_WALK_MHRW : SGR_WALK_SRW, alpha, 1.0,
                                        b ? mu : NULL);
                sgr_walk *w = walk_ok(&g, &c, seed % n);
                const double *t = sgr_walk_target(w);
                gsl_rng *rng = rng_seeded(seed);
                for (int s = 0; s < 300; s++) {
                    size_t i = sgr_walk_current(w), d = sgr_graph_degree(&g, i);
                    sgr_walk_estimate(w, x);
                    sgr_walk_row(w, i, NONE, row);
                    /* candidates: the neighbours, and i itself if the base chain may stay */
                    size_t best = NONE;
                    double r1 = INFINITY, r2 = INFINITY;
                    for (size_t k = 0; k <= d; k++) {
                        size_t j = k < d ? g.adj[g.offset[i] + k] : i;
                        if (sgr_walk_base_prob(w, i, j) <= 0)
                            continue;
                        double r = x[j] / t[j];
                        if (r < r1) {
                            r2 = r1;
                            r1 = r;
                            best = k;
                        } else if (r < r2) {
                            r2 = r;
                        }
                    }
                    /* a clear minimum: (r2/r1)^alpha > 10^8 outweighs any ratio of base
                     * probabilities on these graphs */
                    if (best != NONE && r2 > 1.5 * r1) {
                        checked++;
                        if (!(row[best] > 0.99)) {
                            if (bad++ == 0)
                                fprintf(stderr,
                                        "node %zu: least visited slot %zu (x/mu %.4g, next "
                                        "%.4g) gets %.6f\n",
                                        i, best, r1, r2, row[best]);
                        }
                    }
                    sgr_walk_step(w, rng);
                }
                gsl_rng_free(rng);
                sgr_walk_free(w);
            }
        free(mu);
        free(x);
        free(row);
        sgr_graph_free(&g);
    }
    printf("\n  alpha %g: %d states with a clear least visited neighbour, %d missed it\n", alpha,
           checked, bad);
    CU_ASSERT(checked >= 100);
    CU_ASSERT_EQUAL(bad, 0);
}

/* The row is K[x](i, j) = P(i, j) (x_j / mu_j)^-alpha / sum_k P(i, k) (x_k / mu_k)^-alpha, with
 * x from sgr_walk_estimate and P from sgr_walk_base_prob. */
static void test_srrw_row_formula(void)
{
    sgr_graph g = {0};
    graph_ten(&g);
    size_t n = g.n;
    double *mu = target_skewed(n), x[10], row[8], want[8], worst = 0;
    static const double alphas[] = {0.5, 2, 7};
    for (size_t ai = 0; ai < 3; ai++) {
        sgr_walk_cfg c = cfg_of(SGR_WALK_SRRW, SGR_WALK_MHRW, alphas[ai], 0.8, mu);
        sgr_walk *w = walk_ok(&g, &c, 0);
        gsl_rng *rng = rng_seeded(9);
        for (int s = 0; s < 2000; s++) {
            if (s % 37 == 0) {
                sgr_walk_estimate(w, x);
                for (size_t i = 0; i < n; i++) {
                    size_t d = sgr_graph_degree(&g, i);
                    double tot = 0;
                    for (size_t k = 0; k <= d; k++) {
                        size_t j = k < d ? g.adj[g.offset[i] + k] : i;
                        want[k] = sgr_walk_base_prob(w, i, j) * pow(x[j] / mu[j], -alphas[ai]);
                        tot += want[k];
                    }
                    sgr_walk_row(w, i, NONE, row);
                    for (size_t k = 0; k <= d; k++)
                        if (fabs(row[k] - want[k] / tot) > worst)
                            worst = fabs(row[k] - want[k] / tot);
                }
            }
            sgr_walk_step(w, rng);
        }
        gsl_rng_free(rng);
        sgr_walk_free(w);
    }
    CU_ASSERT(worst < 1e-10);
    free(mu);
    sgr_graph_free(&g);
}

/* ---- 6. covariance theory ---- */

/* The Markov chain's asymptotic covariance of the visit measure, independently of eigenvectors:
 * Sigma = D Z + Z^T D - D - mu mu^T, Z = (I - P + 1 mu^T)^-1 the fundamental matrix. */
static void chain_covariance(const double *P, const double *mu, size_t n, double *S)
{
    gsl_matrix *A = gsl_matrix_alloc(n, n), *Z = gsl_matrix_alloc(n, n);
    gsl_permutation *perm = gsl_permutation_alloc(n);
    int sign;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            gsl_matrix_set(A, i, j, (i == j) - P[i * n + j] + mu[j]);
    gsl_linalg_LU_decomp(A, perm, &sign);
    gsl_linalg_LU_invert(A, perm, Z);
    for (size_t j = 0; j < n; j++)
        for (size_t k = 0; k < n; k++)
            S[j * n + k] = mu[j] * gsl_matrix_get(Z, j, k) + mu[k] * gsl_matrix_get(Z, k, j) -
                           (j == k) * mu[j] - mu[j] * mu[k];
    gsl_matrix_free(A);
    gsl_matrix_free(Z);
    gsl_permutation_free(perm);
}

static double min_eigenvalue(const double *V, size_t n)
{
    gsl_matrix *M = gsl_matrix_alloc(n, n);
    gsl_vector *ev = gsl_vector_alloc(n);
    gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            gsl_matrix_set(M, i, j, V[i * n + j]);
    gsl_eigen_symm(M, ev, ws);
    double m = gsl_vector_min(ev);
    gsl_eigen_symm_free(ws);
    gsl_vector_free(ev);
    gsl_matrix_free(M);
    return m;
}

/* Complete graph K_n with SRW: P = (J - I)/(n-1), eigenvalues 1 and -1/(n-1) (n-1 times), mu
 * uniform, so V(alpha) = c(alpha)/n (I - J/n), c = (1+l)/(1-l) / (2 alpha (1+l) + 2 - 1{a=1}),
 * and trace V = (n-1)/n c: at alpha = 0, a = 1, (n-1)(n-2)/n^2. */
static void test_covariance_complete_graph(void)
{
    static const double alphas[] = {0, 1, 5};
    static const double as[] = {1.0, 0.75};
    for (size_t n = 3; n <= 9; n += 3) {
        sgr_graph g = {0};
        graph_complete(&g, n);
        double *V = malloc(n * n * sizeof *V);
        double lam = -1.0 / (double)(n - 1);
        for (size_t ai = 0; ai < 3; ai++)
            for (size_t a = 0; a < 2; a++) {
                sgr_walk_cfg c = cfg_of(SGR_WALK_SRRW, SGR_WALK_SRW, alphas[ai], as[a], NULL);
                double tr = -1;
                sgr_err err = {{0}};
                CU_ASSERT_EQUAL_FATAL(sgr_srrw_covariance(&g, &c, alphas[ai], V, &tr, &err), 0);
                double cc = (1 + lam) / (1 - lam) /
                            (2 * alphas[ai] * (1 + lam) + 2 - (as[a] == 1.0 ? 1 : 0));
                double want_tr = (double)(n - 1) / (double)n * cc;
                CU_ASSERT_DOUBLE_EQUAL(tr, want_tr, 1e-12);
                if (alphas[ai] == 0 && as[a] == 1.0)
                    CU_ASSERT_DOUBLE_EQUAL(tr, (double)((n - 1) * (n - 2)) / (double)(n * n),
                                           1e-12);
                double worst = 0;
                for (size_t i = 0; i < n; i++)
                    for (size_t j = 0; j < n; j++) {
                        double want = cc / (double)n * ((i == j) - 1.0 / (double)n);
                        if (fabs(V[i * n + j] - want) > worst)
                            worst = fabs(V[i * n + j] - want);
                    }
                CU_ASSERT(worst < 1e-12);
            }
        free(V);
        sgr_graph_free(&g);
    }
}

/* On non-trivial chains: V(0) at a = 1 is the fundamental-matrix covariance; for every alpha,
 * (2 alpha (I + P^T) + (2 - 1{a=1}) I) V(alpha) = V_chain (the u_i are the eigenvectors of P^T
 * with eigenvalues lambda_i); V symmetric PSD, V 1 = 0, trace = sum of the diagonal, and
 * trace V decreasing in alpha. */
static void test_covariance_identities(void)
{
    static const double alphas[] = {0, 0.5, 1, 2, 5, 10, 20};
    static const double as[] = {1.0, 0.7};
    for (int which = 3; which < NGRAPHS; which++) {
        sgr_graph g = {0};
        graph_small(&g, which);
        size_t n = g.n;
        double *mu = target_skewed(n);
        for (int b = 0; b < 2; b++) {
            sgr_walk_kind bk = b ? SGR_WALK_MHRW : SGR_WALK_SRW;
            sgr_walk_cfg cb = cfg_of(bk, bk, 0, 1, mu);
            sgr_walk *w = walk_ok(&g, &cb, 0);
            const double *t = sgr_walk_target(w);
            double *P = dense_base(w, n), *S = malloc(n * n * sizeof *S),
                   *V = malloc(n * n * sizeof *V);
            chain_covariance(P, t, n, S);
            for (size_t a = 0; a < 2; a++) {
                double prev_tr = INFINITY;
                for (size_t ai = 0; ai < sizeof alphas / sizeof alphas[0]; ai++) {
                    double al = alphas[ai], tr = -1, diag = 0, worst_lyap = 0, worst_sym = 0,
                           worst_row = 0, scale = 0;
                    sgr_walk_cfg c = cfg_of(SGR_WALK_SRRW, bk, al, as[a], mu);
                    sgr_err err = {{0}};
                    CU_ASSERT_EQUAL_FATAL(sgr_srrw_covariance(&g, &c, al, V, &tr, &err), 0);
                    for (size_t i = 0; i < n; i++) {
                        double rs = 0;
                        diag += V[i * n + i];
                        for (size_t j = 0; j < n; j++) {
                            rs += V[i * n + j];
                            if (fabs(V[i * n + j] - V[j * n + i]) > worst_sym)
                                worst_sym = fabs(V[i * n + j] - V[j * n + i]);
                            /* (2 al (I + P^T) + c0 I) V, entry (i, j) */
                            double e = (2 * al + 2 - (as[a] == 1.0)) * V[i * n + j];
                            for (size_t k = 0; k < n; k++)
                                e += 2 * al * P[k * n + i] * V[k * n + j];
                            if (fabs(e - S[i * n + j]) > worst_lyap)
                                worst_lyap = fabs(e - S[i * n + j]);
                            if (fabs(S[i * n + j]) > scale)
                                scale = fabs(S[i * n + j]);
                        }
                        if (fabs(rs) > worst_row)
                            worst_row = fabs(rs);
                    }
                    CU_ASSERT(worst_lyap < 1e-9 * scale);
                    CU_ASSERT(worst_sym < 1e-12);
                    CU_ASSERT(worst_row < 1e-12);
                    CU_ASSERT_DOUBLE_EQUAL(tr, diag, 1e-12);
                    CU_ASSERT(min_eigenvalue(V, n) > -1e-12);
                    CU_ASSERT(tr < prev_tr);
                    if (al == 0 && as[a] == 1.0) {
                        double worst = 0;
                        for (size_t i = 0; i < n * n; i++)
                            if (fabs(V[i] - S[i]) > worst)
                                worst = fabs(V[i] - S[i]);
                        CU_ASSERT(worst < 1e-10 * scale);
                    }
                    /* V = NULL gives the same trace */
                    double tr2 = -1;
                    CU_ASSERT_EQUAL(sgr_srrw_covariance(&g, &c, al, NULL, &tr2, &err), 0);
                    CU_ASSERT_EQUAL(tr2, tr);
                    prev_tr = tr;
                }
            }
            free(P);
            free(S);
            free(V);
            sgr_walk_free(w);
        }
        free(mu);
        sgr_graph_free(&g);
    }
}

/* ---- 5. the sampling result: E[n ||x_n - mu||^2] -> trace V(alpha) ---- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void test_covariance_monte_carlo(void)
{
    static const double alphas[] = {0, 1, 2, 5, 10, 20};
    enum { NA = sizeof alphas / sizeof alphas[0] };
    const char *env = getenv("SIMGRAD_WALK_REPLICAS");
    bool reduced = env && atoi(env) > 0;
    size_t R = reduced ? (size_t)atoi(env) : 400;
    unsigned long N = reduced ? 2000 : 30000;
    sgr_graph g = {0};
    graph_ten(&g);
    size_t n = g.n;
    double x[10], mean[NA], theory[NA];
    double t0 = now_seconds();
    printf("\n  MHRW base, uniform target, a = 1, n = %zu, %zu replicas x %lu steps%s\n", n, R, N,
           reduced ? " (reduced: statistical checks skipped)" : "");
    printf("  %6s %12s %12s %8s   %s\n", "alpha", "measured", "trace V", "ratio", "95% CI");
    for (size_t ai = 0; ai < NA; ai++) {
        sgr_walk_cfg c = cfg_of(SGR_WALK_SRRW, SGR_WALK_MHRW, alphas[ai], 1.0, NULL);
        sgr_err err = {{0}};
        CU_ASSERT_EQUAL_FATAL(sgr_srrw_covariance(&g, &c, alphas[ai], NULL, &theory[ai], &err), 0);
        double s = 0, s2 = 0;
        for (size_t r = 0; r < R; r++) {
            sgr_walk *w = walk_ok(&g, &c, r % n);
            gsl_rng *rng = rng_seeded(1000 * ai + r + 1);
            for (unsigned long t = 0; t < N; t++)
                sgr_walk_step(w, rng);
            sgr_walk_estimate(w, x);
            double e = 0;
            for (size_t i = 0; i < n; i++)
                e += (x[i] - 1.0 / (double)n) * (x[i] - 1.0 / (double)n);
            e *= (double)N;
            s += e;
            s2 += e * e;
            gsl_rng_free(rng);
            sgr_walk_free(w);
        }
        mean[ai] = s / (double)R;
        double sd = sqrt((s2 - s * s / (double)R) / (double)(R - 1 > 0 ? R - 1 : 1));
        double half = 1.96 * sd / sqrt((double)R);
        printf("  %6g %12.5f %12.5f %8.3f   [%.5f, %.5f]\n", alphas[ai], mean[ai], theory[ai],
               mean[ai] / theory[ai], mean[ai] - half, mean[ai] + half);
        if (!reduced && (alphas[ai] == 0 || alphas[ai] == 1 || alphas[ai] == 5)) {
            CU_ASSERT(mean[ai] > 0.8 * theory[ai]);
            CU_ASSERT(mean[ai] < 1.2 * theory[ai]);
        }
    }
    /* log-log slope over alpha in {2, 5, 10, 20} (least squares) */
    double sx = 0, sy = 0, sxx = 0, sxy = 0, tx = 0, ty = 0, txy = 0;
    for (size_t ai = 2; ai < NA; ai++) {
        double lx = log(alphas[ai]), ly = log(mean[ai]), lt = log(theory[ai]);
        sx += lx;
        sy += ly;
        sxx += lx * lx;
        sxy += lx * ly;
        tx += lt;
        txy += lx * lt;
    }
    double k = NA - 2, slope = (k * sxy - sx * sy) / (k * sxx - sx * sx);
    ty = (k * txy - sx * tx) / (k * sxx - sx * sx);
    double elapsed = now_seconds() - t0;
    printf("  log-log slope over alpha in {2, 5, 10, 20}: measured %.3f, theory %.3f\n", slope, ty);
    printf("  %.1f s, %.3g hops/s\n", elapsed, (double)(NA * R * N) / elapsed);
    if (!reduced) {
        for (size_t ai = 1; ai < NA; ai++)
            CU_ASSERT(mean[ai] < mean[ai - 1]);
        CU_ASSERT(slope > -1.3 && slope < -0.7);
    }
    sgr_graph_free(&g);
}

/* ---- 6b. SA-SRRW's iterate covariance (Hu, Doshi & Eun, Theorem 3.3 (i)) ---- */

/* H(theta*, i) = e_i - mu (the quadratic f_i = |theta - e_i|^2 / 2, theta* = mu), Hessian I. */
static void unit_problem(size_t n, const double *mu, double *H, double *hess)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            H[i * n + j] = (i == j) - (mu ? mu[j] : 1.0 / (double)n);
            hess[i * n + j] = i == j;
        }
}

static void modes_ok(const sgr_graph *g, const sgr_walk_cfg *c, const double *H, size_t dim,
                     const double *hess, double b, double scale, sgr_sasrrw_modes *m)
{
    sgr_err err = {{0}};
    int rc = sgr_sasrrw_modes_new(g, c, H, dim, hess, b, scale, m, &err);
    if (rc != 0)
        fprintf(stderr, "sgr_sasrrw_modes_new: %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
}

/* With H = I - 1 mu^T and Hessian I, V_theta(0) = V_chain / 2 (b < 1): twice the trace at
 * alpha 0 is the visit covariance's at a = 1. On the complete graph (one eigenvalue -1/(n-1))
 * the alpha dependence is exactly 1/(alpha (1 + lambda) + 1)^2. b < 1: the trace does not
 * depend on the step scale; b = 1: the Lyapunov shift 1/(2 scale). The local slope tends to
 * -2 from above; a Hessian below the b = 1 shift is refused. */
static void test_sasrrw_theory(void)
{
    sgr_graph g = {0};
    graph_ten(&g);
    size_t n = g.n;
    double H[100], hess[100], tr_chain;
    sgr_err err = {{0}};
    unit_problem(n, NULL, H, hess);
    sgr_walk_cfg c = cfg_of(SGR_WALK_SRRW, SGR_WALK_MHRW, 0, 1.0, NULL);
    CU_ASSERT_EQUAL_FATAL(sgr_srrw_covariance(&g, &c, 0, NULL, &tr_chain, &err), 0);
    sgr_sasrrw_modes m, m3, m1;
    modes_ok(&g, &c, H, n, hess, 0.8, 1.0, &m);
    modes_ok(&g, &c, H, n, hess, 0.8, 3.0, &m3);
    modes_ok(&g, &c, H, n, hess, 1.0, 2.0, &m1);
    CU_ASSERT_EQUAL(m.count, n - 1);
    CU_ASSERT_DOUBLE_EQUAL(2.0 * sgr_sasrrw_trace(&m, 0), tr_chain, 1e-10);
    double prev = INFINITY, prev_slope = 0;
    for (double al = 0.25; al < 1e5; al *= 2) {
        double tr = sgr_sasrrw_trace(&m, al), k = sgr_sasrrw_slope(&m, al);
        CU_ASSERT(tr < prev);
        CU_ASSERT(k < prev_slope && k > -2.0);
        CU_ASSERT_DOUBLE_EQUAL(sgr_sasrrw_trace(&m3, al), tr, 1e-12 * tr);
        /* Hessian I: every mode's 1/(2 kappa) becomes 1/(2 kappa - 1/scale) */
        CU_ASSERT_DOUBLE_EQUAL(sgr_sasrrw_trace(&m1, al), tr * 2.0 / (2.0 - 0.5), 1e-10 * tr);
        prev = tr;
        prev_slope = k;
    }
    CU_ASSERT_DOUBLE_EQUAL(sgr_sasrrw_slope(&m, 1e7), -2.0, 1e-4);
    sgr_sasrrw_modes_free(&m);
    sgr_sasrrw_modes_free(&m3);
    sgr_sasrrw_modes_free(&m1);

    for (size_t i = 0; i < n; i++) /* Hessian 0.4 I: 2 kappa = 0.8 < 1 / scale at b = 1 */
        hess[i * n + i] = 0.4;
    CU_ASSERT(sgr_sasrrw_modes_new(&g, &c, H, n, hess, 1.0, 1.0, &m, &err) < 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "Hessian"));
    CU_ASSERT_EQUAL(m.count, 0);
    sgr_graph_free(&g);

    for (size_t k = 4; k <= 8; k += 4) {
        graph_complete(&g, k);
        double lam = -1.0 / (double)(k - 1);
        unit_problem(k, NULL, H, hess);
        sgr_walk_cfg cs = cfg_of(SGR_WALK_SRRW, SGR_WALK_SRW, 0, 0.6, NULL);
        modes_ok(&g, &cs, H, k, hess, 0.9, 1.0, &m);
        double t0 = sgr_sasrrw_trace(&m, 0);
        /* V_chain trace on K_k: (k-1)/k (1+lam)/(1-lam), halved */
        CU_ASSERT_DOUBLE_EQUAL(t0, (double)(k - 1) / (double)k * (1 + lam) / (1 - lam) / 2, 1e-12);
        for (double al = 1; al <= 100; al *= 10) {
            double d = al * (1 + lam) + 1;
            CU_ASSERT_DOUBLE_EQUAL(sgr_sasrrw_trace(&m, al), t0 / (d * d), 1e-12);
        }
        sgr_sasrrw_modes_free(&m);
        sgr_graph_free(&g);
    }
}

/* The iteration the token family runs, theta <- theta + beta_n (c_X - theta) at the token's
 * node and then a hop, on the quadratic problem above: E|theta_N - theta*|^2 / beta_N within
 * 30% of tr V_theta(alpha) at alpha 0 and 1 (a = 0.55, b = 0.8, 2e5 steps: close enough to
 * the limit there; at large alpha it is not, see bench_srrw_alpha). */
static void test_sasrrw_monte_carlo(void)
{
    const char *env = getenv("SIMGRAD_WALK_REPLICAS");
    bool reduced = env && atoi(env) > 0;
    size_t R = reduced ? (size_t)atoi(env) : 64;
    unsigned long N = reduced ? 2000 : 200000;
    const double a = 0.55, b = 0.8;
    sgr_graph g = {0};
    graph_ten(&g);
    size_t n = g.n;
    double H[100], hess[100], th[10];
    unit_problem(n, NULL, H, hess);
    sgr_walk_cfg c0 = cfg_of(SGR_WALK_SRRW, SGR_WALK_MHRW, 0, a, NULL);
    sgr_sasrrw_modes m;
    modes_ok(&g, &c0, H, n, hess, b, 1.0, &m);
    printf("\n  SA-SRRW, quadratic f_i, a = %g, b = %g, %zu replicas x %lu steps\n", a, b, R, N);
    for (double alpha = 0; alpha <= 1; alpha += 1) {
        sgr_walk_cfg c = cfg_of(SGR_WALK_SRRW, SGR_WALK_MHRW, alpha, a, NULL);
        double s = 0, s2 = 0;
        for (size_t r = 0; r < R; r++) {
            sgr_walk *w = walk_ok(&g, &c, r % n);
            gsl_rng *rng = rng_seeded(7000 + r);
            memset(th, 0, sizeof th);
            size_t x = sgr_walk_current(w);
            for (unsigned long t = 0; t < N; t++) {
                double beta = pow((double)t + 1.0, -b);
                for (size_t j = 0; j < n; j++)
                    th[j] += beta * ((j == x) - th[j]);
                x = sgr_walk_step(w, rng);
            }
            double e = 0;
            for (size_t j = 0; j < n; j++)
                e += (th[j] - 1.0 / (double)n) * (th[j] - 1.0 / (double)n);
            e /= pow((double)N + 1.0, -b);
            s += e;
            s2 += e * e;
            gsl_rng_free(rng);
            sgr_walk_free(w);
        }
        double mean = s / (double)R, want = sgr_sasrrw_trace(&m, alpha);
        double half = 1.96 * sqrt((s2 - s * s / (double)R) / (double)(R - 1) / (double)R);
        printf("  alpha %g: E|theta - theta*|^2 / beta_N %.5f +- %.5f, tr V_theta %.5f, ratio "
               "%.3f\n",
               alpha, mean, half, want, mean / want);
        if (!reduced) {
            CU_ASSERT(mean > 0.7 * want);
            CU_ASSERT(mean < 1.3 * want);
        }
    }
    sgr_sasrrw_modes_free(&m);
    sgr_graph_free(&g);
}

/* ---- 7. errors name their keys ---- */

static void expect_new_fails(const sgr_graph *g, const sgr_walk_cfg *c, size_t start,
                             const char *needle)
{
    sgr_err err = {{0}};
    sgr_walk *w = sgr_walk_new(g, c, start, &err);
    CU_ASSERT_PTR_NULL(w);
    if (w) {
        fprintf(stderr, "expected an error naming %s\n", needle);
        sgr_walk_free(w);
        return;
    }
    if (!strstr(err.msg, needle))
        fprintf(stderr, "message '%s' does not name %s\n", err.msg, needle);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, needle));
}

static void test_errors(void)
{
    sgr_graph g = {0}, two = {0};
    graph_lollipop(&g);
    size_t n = g.n;
    double *mu = target_skewed(n), bad[7];
    /* the good configuration works: each error below comes from one changed field */
    sgr_walk_cfg ok = cfg_of(SGR_WALK_SRRW, SGR_WALK_MHRW, 1, 1, mu);
    sgr_walk_free(walk_ok(&g, &ok, n - 1));

    sgr_walk_cfg c = ok;
    c.alpha = -0.5;
    expect_new_fails(&g, &c, 0, "token.alpha");
    c.alpha = NAN;
    expect_new_fails(&g, &c, 0, "token.alpha");
    c.alpha = INFINITY;
    expect_new_fails(&g, &c, 0, "token.alpha");

    static const double bad_a[] = {0.5, 0.3, 0, 1.0000001, 2, NAN};
    for (size_t k = 0; k < sizeof bad_a / sizeof bad_a[0]; k++) {
        c = ok;
        c.gamma_exp = bad_a[k];
        expect_new_fails(&g, &c, 0, "token.gamma_exp");
    }
    c = ok;
    c.gamma_exp = 0.5000001;
    sgr_walk_free(walk_ok(&g, &c, 0));

    c = ok;
    c.base = SGR_WALK_NBRW;
    expect_new_fails(&g, &c, 0, "token.base");

    /* targets: a zero, a negative, a NaN, not summing to 1 (MHRW and SRRW over MHRW) */
    for (int kind = 0; kind < 2; kind++) {
        c = kind ? ok : cfg_of(SGR_WALK_MHRW, SGR_WALK_MHRW, 0, 1, bad);
        c.mu = bad;
        for (int v = 0; v < 4; v++) {
            memcpy(bad, mu, sizeof bad);
            if (v == 0) {
                bad[1] += bad[2];
                bad[2] = 0;
            } else if (v == 1) {
                bad[0] += 2 * bad[3];
                bad[3] = -bad[3];
            } else if (v == 2) {
                bad[4] = NAN;
            } else {
                bad[5] *= 1.5;
            }
            expect_new_fails(&g, &c, 0, "token.target");
        }
    }

    /* disconnected graph: two components */
    static const size_t e2[][2] = {{0, 1}, {1, 2}, {3, 4}};
    graph_edges(&two, 5, e2, 3);
    c = ok;
    c.mu = NULL;
    expect_new_fails(&two, &c, 0, "graph");
    sgr_walk_cfg srw = cfg_of(SGR_WALK_SRW, SGR_WALK_SRW, 0, 1, NULL);
    expect_new_fails(&two, &srw, 0, "graph");

    /* start out of range */
    expect_new_fails(&g, &ok, n, "token.start");
    expect_new_fails(&g, &srw, (size_t)-1, "token.start");

    /* the covariance theory: a non-reversible base is refused */
    sgr_walk_cfg nb = cfg_of(SGR_WALK_NBRW, SGR_WALK_NBRW, 0, 1, NULL);
    double tr;
    sgr_err err = {{0}};
    CU_ASSERT(sgr_srrw_covariance(&g, &nb, 0, NULL, &tr, &err) < 0);
    CU_ASSERT(strlen(err.msg) > 0);

    /* names */
    sgr_walk_kind k;
    static const char *names[] = {"srw", "mhrw", "nbrw", "iid", "srrw"};
    for (int i = 0; i < 5; i++) {
        CU_ASSERT_EQUAL(sgr_walk_kind_parse(names[i], &k), 0);
        CU_ASSERT_STRING_EQUAL(sgr_walk_kind_name(k), names[i]);
    }
    CU_ASSERT(sgr_walk_kind_parse("SRRW", &k) < 0);
    CU_ASSERT(sgr_walk_kind_parse("", &k) < 0);

    free(mu);
    sgr_graph_free(&g);
    sgr_graph_free(&two);
}

/* ---- 8. a step costs O(degree) ---- */

static void test_step_cost(void)
{
    const char *env = getenv("SIMGRAD_WALK_REPLICAS");
    bool reduced = env && atoi(env) > 0;
    size_t n = reduced ? 1000 : 10000;
    unsigned long steps = reduced ? 20000 : 1000000;
    sgr_graph g = {0};
    gsl_rng *rng = rng_seeded(2023);
    sgr_graph_cfg gc = {.kind = SGR_GRAPH_REGULAR, .n = n, .degree = 10};
    sgr_err err = {{0}};
    int rc = sgr_graph_build(&g, &gc, rng, &err);
    if (rc != 0)
        fprintf(stderr, "sgr_graph_build: %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL(g.m, n * 10 / 2);
    static const double as[] = {1.0, 0.6};
    for (size_t a = 0; a < 2; a++) {
        sgr_walk_cfg c = cfg_of(SGR_WALK_SRRW, SGR_WALK_SRW, 5, as[a], NULL);
        sgr_walk *w = walk_ok(&g, &c, 0);
        double t0 = now_seconds();
        for (unsigned long t = 0; t < steps; t++)
            sgr_walk_step(w, rng);
        double dt = now_seconds() - t0;
        printf("\n  SRRW alpha 5, a %g on a %zu-node 10-regular graph: %lu steps in %.3f s, "
               "%.3g hops/s, TV %.3f",
               as[a], n, steps, dt, (double)steps / dt, sgr_walk_tv(w));
        CU_ASSERT_EQUAL(sgr_walk_steps(w), steps);
        sgr_walk_free(w);
    }
    printf("\n");
    gsl_rng_free(rng);
    sgr_graph_free(&g);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite rows = CU_add_suite("walk rows", NULL, NULL);
    TEST_ADD(rows, test_rows_base_chains);
    TEST_ADD(rows, test_rows_nbrw);
    TEST_ADD(rows, test_rows_srrw);
    TEST_ADD(rows, test_srrw_long_run_stays_finite);
    TEST_ADD(rows, test_srrw_x_recursion);
    TEST_ADD(rows, test_srrw_row_formula);
    CU_pSuite stat = CU_add_suite("walk stationarity", NULL, NULL);
    TEST_ADD(stat, test_mhrw_stationary_exact);
    TEST_ADD(stat, test_srw_stationary_exact);
    TEST_ADD(stat, test_empirical_frequencies);
    TEST_ADD(stat, test_step_follows_row);
    CU_pSuite srrw = CU_add_suite("walk srrw", NULL, NULL);
    TEST_ADD(srrw, test_alpha0_is_base);
    TEST_ADD(srrw, test_large_alpha_least_visited);
    CU_pSuite cov = CU_add_suite("walk covariance", NULL, NULL);
    TEST_ADD(cov, test_covariance_complete_graph);
    TEST_ADD(cov, test_covariance_identities);
    TEST_ADD(cov, test_covariance_monte_carlo);
    TEST_ADD(cov, test_sasrrw_theory);
    TEST_ADD(cov, test_sasrrw_monte_carlo);
    CU_pSuite misc = CU_add_suite("walk errors and cost", NULL, NULL);
    TEST_ADD(misc, test_errors);
    TEST_ADD(misc, test_step_cost);
    return test_run_all();
}
