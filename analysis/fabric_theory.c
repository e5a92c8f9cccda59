/* Congestion of a step on a fabric: counted from a placement, and predicted for spraying and
 * for hashing (balls into bins). Independent of SimGrid: the run compares these with the
 * link loads SimGrid reports. */
#include "simgrad/fabric_theory.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sf_gamma.h>

typedef struct loads {
    double *lup, *ldown, *cup, *cdown; /* bytes per link */
} loads;

static int loads_new(const sgr_fabric *f, loads *l)
{
    size_t nl = f->nleaves * f->planes, nc = f->pods * f->planes * (f->cores ? f->cores : 1);
    l->lup = calloc(nl, sizeof(double));
    l->ldown = calloc(nl, sizeof(double));
    l->cup = calloc(nc, sizeof(double));
    l->cdown = calloc(nc, sizeof(double));
    return l->lup && l->ldown && l->cup && l->cdown ? 0 : -1;
}

static void loads_free(loads *l)
{
    free(l->lup);
    free(l->ldown);
    free(l->cup);
    free(l->cdown);
}

static void add_path(const sgr_fabric *f, loads *l, size_t a, size_t b, size_t path, double bytes)
{
    bool inter = f->cores && sgr_fabric_pod(f, a) != sgr_fabric_pod(f, b);
    size_t s = inter ? path / f->cores : path, c = inter ? path % f->cores : 0;
    l->lup[a * f->planes + s] += bytes;
    l->ldown[b * f->planes + s] += bytes;
    if (inter) {
        l->cup[(sgr_fabric_pod(f, a) * f->planes + s) * f->cores + c] += bytes;
        l->cdown[(sgr_fabric_pod(f, b) * f->planes + s) * f->cores + c] += bytes;
    }
}

static double max_time(const sgr_fabric *f, const loads *l)
{
    double m = 0;
    for (size_t i = 0; i < f->nleaves * f->planes; i++) {
        double bw = f->leaf_bw * f->leaf_factor[i];
        if (bw > 0)
            m = fmax(m, fmax(l->lup[i], l->ldown[i]) / bw);
    }
    for (size_t i = 0; f->cores && i < f->pods * f->planes * f->cores; i++) {
        double bw = f->core_bw * f->core_factor[i];
        if (bw > 0)
            m = fmax(m, fmax(l->cup[i], l->cdown[i]) / bw);
    }
    return m;
}

double sgr_congestion_count(const sgr_fabric *f, const sgr_flows *sub)
{
    loads l;
    size_t maxp = f->planes * (f->cores ? f->cores : 1);
    size_t *live = malloc(maxp * sizeof *live);
    if (loads_new(f, &l) < 0 || !live) {
        loads_free(&l);
        free(live);
        return -1;
    }
    /* the live paths of the last leaf pair sprayed over: consecutive subflows mostly join
     * the same two leaves (32 path factors a subflow otherwise, 40% of a spraying run) */
    size_t la = SIZE_MAX, lb = SIZE_MAX, n = 0;
    for (size_t i = 0; i < sub->n; i++) {
        const sgr_flow *fl = &sub->v[i];
        size_t a = sgr_fabric_leaf(f, fl->src), b = sgr_fabric_leaf(f, fl->dst);
        if (a == b)
            continue;
        if (fl->path == SGR_PATH_SPRAY) {
            if (a != la || b != lb) {
                n = sgr_fabric_live_paths(f, a, b, live);
                la = a;
                lb = b;
            }
            for (size_t k = 0; k < n; k++)
                add_path(f, &l, a, b, live[k], fl->bytes / (double)n);
        } else {
            add_path(f, &l, a, b, (size_t)fl->path, fl->bytes);
        }
    }
    double m = max_time(f, &l);
    loads_free(&l);
    free(live);
    return m;
}

double sgr_congestion_spray(const sgr_fabric *f, const sgr_flows *flows)
{
    double *out = calloc(f->nleaves, sizeof *out), *in = calloc(f->nleaves, sizeof *in);
    double *pout = calloc(f->pods, sizeof *pout), *pin = calloc(f->pods, sizeof *pin);
    double m = -1;
    if (!out || !in || !pout || !pin)
        goto done;
    for (size_t i = 0; i < flows->n; i++) {
        size_t a = sgr_fabric_leaf(f, flows->v[i].src), b = sgr_fabric_leaf(f, flows->v[i].dst);
        if (a == b)
            continue;
        out[a] += flows->v[i].bytes;
        in[b] += flows->v[i].bytes;
        size_t pa = sgr_fabric_pod(f, a), pb = sgr_fabric_pod(f, b);
        if (f->cores && pa != pb) {
            pout[pa] += flows->v[i].bytes;
            pin[pb] += flows->v[i].bytes;
        }
    }
    m = 0;
    for (size_t l = 0; l < f->nleaves; l++) {
        double slow;
        size_t n = sgr_fabric_leaf_live(f, l, &slow);
        m = fmax(m, fmax(out[l], in[l]) / ((double)n * slow * f->leaf_bw));
    }
    for (size_t p = 0; f->cores && p < f->pods; p++) {
        double slow;
        size_t n = sgr_fabric_pod_live(f, p, &slow);
        m = fmax(m, fmax(pout[p], pin[p]) / ((double)n * slow * f->core_bw));
    }
done:
    free(out);
    free(in);
    free(pout);
    free(pin);
    return m;
}

double sgr_balls_max_cdf(size_t n, size_t bins, size_t m)
{
    if (n == 0)
        return 1;
    if ((double)m * (double)bins < (double)n)
        return 0;
    if (m >= n)
        return 1;
    /* n! / bins^n [x^n] (sum_{j<=m} x^j/j!)^bins, by repeated truncated multiplication, in
     * logs of the coefficients scaled to stay finite */
    double *poly = calloc(n + 1, sizeof *poly), *term = calloc(m + 1, sizeof *term);
    double *next = calloc(n + 1, sizeof *next);
    if (!poly || !term || !next) {
        free(poly);
        free(term);
        free(next);
        return NAN;
    }
    /* coefficients carry a factor (1/bins)^j so the product is a probability generating
     * function in disguise: c_j = (1/bins)^j / j! */
    for (size_t j = 0; j <= m; j++)
        term[j] = exp(-(double)j * log((double)bins) - gsl_sf_lnfact((unsigned)j));
    poly[0] = 1;
    for (size_t b = 0; b < bins; b++) {
        memset(next, 0, (n + 1) * sizeof *next);
        for (size_t i = 0; i <= n; i++) {
            if (poly[i] == 0)
                continue;
            for (size_t j = 0; j <= m && i + j <= n; j++)
                next[i + j] += poly[i] * term[j];
        }
        double *t = poly;
        poly = next;
        next = t;
    }
    double p = poly[n] * exp(gsl_sf_lnfact((unsigned)n));
    free(poly);
    free(term);
    free(next);
    return p > 1 ? 1 : p;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* P(max <= m) for every m of one (n, bins), computed once per cache: a step's sets repeat the
 * same few shapes, and so do the steps. */
typedef struct cdf_entry {
    size_t n, bins;
    double *cdf; /* [0..n] */
} cdf_entry;

struct sgr_balls_cache {
    cdf_entry *v;
    size_t count, cap;
};

sgr_balls_cache *sgr_balls_cache_new(void)
{
    return calloc(1, sizeof(sgr_balls_cache));
}

void sgr_balls_cache_free(sgr_balls_cache *c)
{
    for (size_t i = 0; c && i < c->count; i++)
        free(c->v[i].cdf);
    if (c)
        free(c->v);
    free(c);
}

static double cached_cdf(sgr_balls_cache *cache, size_t n, size_t bins, size_t m)
{
    if (m >= n)
        return 1;
    for (size_t i = 0; cache && i < cache->count; i++)
        if (cache->v[i].n == n && cache->v[i].bins == bins)
            return cache->v[i].cdf[m];
    double *v = malloc((n + 1) * sizeof *v);
    if (!v)
        return NAN;
    for (size_t j = 0; j <= n; j++)
        v[j] = j * bins < n ? 0 : sgr_balls_max_cdf(n, bins, j);
    double p = v[m];
    if (cache && cache->count == cache->cap) {
        size_t cap = cache->cap ? 2 * cache->cap : 64;
        cdf_entry *c = realloc(cache->v, cap * sizeof *c);
        if (c) {
            cache->v = c;
            cache->cap = cap;
        }
    }
    if (cache && cache->count < cache->cap)
        cache->v[cache->count++] = (cdf_entry){n, bins, v};
    else
        free(v);
    return p;
}

/* One independent set of bins: n balls, each costing `unit` seconds on its link. */
typedef struct bin_set {
    size_t n, bins;
    double unit;
} bin_set;

/* No link down or slowed. */
static bool fabric_healthy(const sgr_fabric *f)
{
    for (size_t i = 0; i < f->nleaves * f->planes; i++)
        if (f->leaf_factor[i] != 1)
            return false;
    for (size_t i = 0; f->cores && i < f->pods * f->planes * f->cores; i++)
        if (f->core_factor[i] != 1)
            return false;
    return true;
}

/* Per leaf, the flows leaving it (out) and arriving (in); per pod likewise for the flows that
 * cross the core (three-tier fabrics only). */
typedef struct flow_counts {
    size_t *out, *in, *pout, *pin;
} flow_counts;

/* Count the flows between different leaves and take their size into *fb (left as it is when
 * there is none). Returns 0, or -1 when their sizes differ. */
static int count_flows(const sgr_fabric *f, const sgr_flows *flows, flow_counts *fc, double *fb)
{
    for (size_t i = 0; i < flows->n; i++) {
        size_t a = sgr_fabric_leaf(f, flows->v[i].src), b = sgr_fabric_leaf(f, flows->v[i].dst);
        if (a == b)
            continue;
        if (*fb < 0)
            *fb = flows->v[i].bytes;
        else if (fabs(flows->v[i].bytes - *fb) > 1e-9 * *fb)
            return -1;
        size_t pa = sgr_fabric_pod(f, a), pb = sgr_fabric_pod(f, b);
        if (f->cores && pa != pb) {
            fc->pout[pa]++;
            fc->pin[pb]++;
        }
        fc->out[a]++;
        fc->in[b]++;
    }
    return 0;
}

/* The step's independent sets of bins, each flow cut into k parts of `part` bytes: a leaf's
 * uplinks and downlinks, and a pod's core uplinks and downlinks. Returns how many. */
static size_t fill_bin_sets(const sgr_fabric *f, const flow_counts *fc, size_t k, double part,
                            bin_set *sets)
{
    /* Three-tier leaf links: a leaf's flows land on its planes uniformly whether they leave
     * the pod or not (the plane is path / cores, uniform when the path is). */
    size_t ns = 0;
    for (size_t l = 0; l < f->nleaves; l++) {
        sets[ns++] = (bin_set){fc->out[l] * k, f->planes, part / f->leaf_bw};
        sets[ns++] = (bin_set){fc->in[l] * k, f->planes, part / f->leaf_bw};
    }
    for (size_t p = 0; f->cores && p < f->pods; p++) {
        sets[ns++] = (bin_set){fc->pout[p] * k, f->planes * f->cores, part / f->core_bw};
        sets[ns++] = (bin_set){fc->pin[p] * k, f->planes * f->cores, part / f->core_bw};
    }
    return ns;
}

/* The maximum over the sets is a multiple of one of the two units: every such value up to the
 * most balls of a set, sorted. Returns them (their count in *ncand), or NULL when out of
 * memory. */
static double *max_candidates(const bin_set *sets, size_t ns, const double units[2], size_t *ncand)
{
    size_t maxballs = 0;
    for (size_t i = 0; i < ns; i++)
        maxballs = sets[i].n > maxballs ? sets[i].n : maxballs;
    *ncand = 2 * (maxballs + 1);
    double *cand = malloc(*ncand * sizeof *cand);
    if (!cand)
        return NULL;
    for (size_t m = 0; m <= maxballs; m++) {
        cand[2 * m] = (double)m * units[0];
        cand[2 * m + 1] = (double)m * units[1];
    }
    qsort(cand, *ncand, sizeof *cand, cmp_double);
    return cand;
}

/* Mean and standard deviation of the maximum over independent sets. Returns 0, or -1 when out
 * of memory (mean and sd untouched). */
static int expect_max(const bin_set *sets, size_t ns, const double units[2], sgr_balls_cache *cache,
                      double *mean, double *sd)
{
    /* walk the candidate values in order and accumulate E[X] = sum (t_{i+1} - t_i) P(X > t_i),
     * E[X^2] likewise */
    size_t ncand;
    double *cand = max_candidates(sets, ns, units, &ncand);
    if (!cand)
        return -1;
    double e1 = 0, e2 = 0, prev = 0;
    for (size_t c = 0; c < ncand; c++) {
        double t = cand[c];
        if (t <= prev && c > 0)
            continue;
        /* P(X <= prev) applies on [prev, t) */
        double cdf = 1;
        for (size_t i = 0; i < ns && cdf > 0; i++) {
            size_t m = (size_t)floor(prev / sets[i].unit + 1e-9);
            cdf *= cached_cdf(cache, sets[i].n, sets[i].bins, m);
        }
        e1 += (t - prev) * (1 - cdf);
        e2 += (t * t - prev * prev) * (1 - cdf);
        prev = t;
        if (cdf >= 1)
            break;
    }
    free(cand);
    *mean = e1;
    *sd = sqrt(fmax(0, e2 - e1 * e1));
    return 0;
}

int sgr_congestion_ecmp_expect(const sgr_fabric *f, const sgr_flows *flows, size_t k,
                               sgr_balls_cache *cache, double *mean, double *sd)
{
    if (!fabric_healthy(f))
        return -1;
    double fb = -1;
    flow_counts fc = {calloc(f->nleaves, sizeof *fc.out), calloc(f->nleaves, sizeof *fc.in),
                      calloc(f->pods, sizeof *fc.pout), calloc(f->pods, sizeof *fc.pin)};
    bin_set *sets = calloc(2 * f->nleaves + 2 * f->pods, sizeof *sets);
    int rc = -1;
    if (!fc.out || !fc.in || !fc.pout || !fc.pin || !sets)
        goto done;
    if (count_flows(f, flows, &fc, &fb) < 0)
        goto done; /* unequal flows */
    *mean = 0;
    *sd = 0;
    rc = 0;
    if (fb < 0)
        goto done;
    double part = fb / (double)k;
    size_t ns = fill_bin_sets(f, &fc, k, part, sets);
    double units[2] = {part / f->leaf_bw, f->cores ? part / f->core_bw : part / f->leaf_bw};
    rc = expect_max(sets, ns, units, cache, mean, sd);
done:
    free(fc.out);
    free(fc.in);
    free(fc.pout);
    free(fc.pin);
    free(sets);
    return rc;
}
