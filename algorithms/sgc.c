/* Sequential gradient coding schedulers and the round model. See include/simgrad/sgc.h. */
#include "simgrad/sgc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simgrad/rng.h"
#include "sgc_internal.h"

const char *sgr_scheme_name(sgr_scheme_kind k)
{
    static const char *names[] = {"uncoded", "ignore-stragglers", "gc", "sr-sgc", "m-sgc"};
    return (unsigned)k < 5 ? names[k] : "?";
}

int sgr_scheme_parse(const char *s, sgr_scheme_kind *out)
{
    for (int k = 0; k < 5; k++)
        if (strcmp(s, sgr_scheme_name((sgr_scheme_kind)k)) == 0) {
            *out = (sgr_scheme_kind)k;
            return 0;
        }
    return -1;
}

const char *sgr_sgc_rules_name(sgr_sgc_rules r)
{
    return r == SGR_RULES_REFERENCE ? "reference" : "simgrad";
}

int sgr_sgc_rules_parse(const char *s, sgr_sgc_rules *out)
{
    if (strcmp(s, "simgrad") == 0)
        *out = SGR_RULES_SIMGRAD;
    else if (strcmp(s, "reference") == 0)
        *out = SGR_RULES_REFERENCE;
    else
        return -1;
    return 0;
}

static bool reference(const sgr_sgc *sc)
{
    return sc->p.rules == SGR_RULES_REFERENCE;
}

/* GC's straggler tolerance as the code is built: s, or n - 1 for reference rules' s = n
 * (gradient_coding.py:37 searches s = 1..n; accepting fewer than n stragglers needs a code
 * that decodes from any one worker). */
static size_t gc_code_s(const sgr_sgc_params *p)
{
    return p->s < p->n ? p->s : p->n - 1;
}

static int check_params(const sgr_sgc_params *p, sgr_err *err)
{
    if (p->n < 1)
        return sgr_fail(err, "algorithm.workers must be at least 1");
    if (p->jobs < 1)
        return sgr_fail(err, "algorithm.jobs must be at least 1");
    if (p->rules != SGR_RULES_SIMGRAD && p->rules != SGR_RULES_REFERENCE)
        return sgr_fail(err, "algorithm.rules: unknown rule set %d", (int)p->rules);
    bool ref = p->rules == SGR_RULES_REFERENCE;
    switch (p->kind) {
    case SGR_SCHEME_GC:
        if (ref && (p->s < 1 || p->s > p->n))
            return sgr_fail(err,
                            "algorithm.s = %zu must be in [1, algorithm.workers = %zu] with "
                            "algorithm.rules \"reference\" (GC accepts fewer than s stragglers)",
                            p->s, p->n);
        if (!ref && p->s >= p->n)
            return sgr_fail(err, "algorithm.s = %zu must be < algorithm.workers = %zu", p->s, p->n);
        break;
    case SGR_SCHEME_IGNORE:
        if (p->s >= p->n)
            return sgr_fail(err, "algorithm.s = %zu must be < algorithm.workers = %zu", p->s, p->n);
        break;
    case SGR_SCHEME_SRSGC:
    case SGR_SCHEME_MSGC: {
        /* name the scenario keys (actors/gradient_coding.c) the user sets */
        const char *k = p->kind == SGR_SCHEME_SRSGC ? "srsgc" : "msgc";
        if (p->B < 1 || p->W < 1)
            return sgr_fail(err, "algorithm.%s_B = %d and algorithm.%s_W = %d must be at least 1",
                            k, p->B, k, p->W);
        if (p->lambda < 0 || (size_t)p->lambda > p->n)
            return sgr_fail(err, "algorithm.%s_lambda = %d must be in [0, algorithm.workers = %zu]",
                            k, p->lambda, p->n);
        if (p->kind == SGR_SCHEME_SRSGC && p->W < 2)
            return sgr_fail(err, "sr-sgc needs algorithm.srsgc_W >= 2 (got %d)", p->W);
        if (p->kind == SGR_SCHEME_SRSGC && (p->W - 1) % p->B != 0)
            return sgr_fail(err,
                            "sr-sgc needs algorithm.srsgc_W - 1 to be a multiple of "
                            "algorithm.srsgc_B: W = %d, B = %d",
                            p->W, p->B);
        if (p->W > 30000 || p->B > 30000) /* M-SGC counts a job's chunks in 16 bits */
            return sgr_fail(err,
                            "algorithm.%s_W = %d and algorithm.%s_B = %d must be at most 30000", k,
                            p->W, k, p->B);
        if (p->kind == SGR_SCHEME_MSGC && p->B >= p->W)
            return sgr_fail(err, "m-sgc needs algorithm.msgc_B < algorithm.msgc_W: B = %d, W = %d",
                            p->B, p->W);
        break;
    }
    default:
        break;
    }
    return 0;
}

/* Rows the layout needs at least (one per smallest segment): n partitions, or M-SGC's
 * n (W-1) chunks of (lambda+1) units each and B n coded partitions of one unit. */
static size_t layout_min_rows(const sgr_sgc_params *p)
{
    if (p->kind != SGR_SCHEME_MSGC)
        return p->n;
    size_t lam = (size_t)p->lambda, d1 = p->n * (size_t)(p->W - 1);
    return lam < p->n ? d1 * (lam + 1) + (size_t)p->B * p->n : d1;
}

static int check_rows(const sgr_sgc_params *p, sgr_err *err)
{
    size_t total = layout_min_rows(p);
    if (p->samples < total)
        return sgr_fail(err,
                        "workload.samples = %zu is too few for %s with these parameters: "
                        "it needs at least %zu rows (one per smallest partition)",
                        p->samples, sgr_scheme_name(p->kind), total);
    return 0;
}

int sgr_sgc_runnable(const sgr_sgc_params *p, sgr_err *err)
{
    if (check_params(p, err) < 0 || check_rows(p, err) < 0)
        return -1;
    size_t s = p->kind == SGR_SCHEME_GC      ? gc_code_s(p)
               : p->kind == SGR_SCHEME_SRSGC ? sgr_srsgc_s(p->B, p->W, p->lambda)
               : p->kind == SGR_SCHEME_MSGC  ? (size_t)p->lambda
                                             : 0;
    bool coded = p->kind == SGR_SCHEME_GC || p->kind == SGR_SCHEME_SRSGC ||
                 (p->kind == SGR_SCHEME_MSGC && s < p->n);
    if (coded && s >= p->n)
        return sgr_fail(err, "%s: s = %zu must be < algorithm.workers = %zu",
                        sgr_scheme_name(p->kind), s, p->n);
    if (coded && p->code == SGR_GC_FRACTIONAL && p->n % (s + 1) != 0)
        return sgr_fail(err,
                        "fractional repetition needs (s+1) to divide n: s = %zu, n = %zu "
                        "(algorithm.s, algorithm.workers, algorithm.code)",
                        s, p->n);
    return 0;
}

/* Cut [0, N) into pieces proportional to units[], each non-empty. */
static int layout_units(sgr_sgc *sc, const size_t *units, size_t count, sgr_err *err)
{
    size_t total = 0;
    for (size_t i = 0; i < count; i++)
        total += units[i];
    if (check_rows(&sc->p, err) < 0)
        return -1;
    sc->segs = malloc(count * sizeof *sc->segs);
    if (!sc->segs)
        return sgr_fail(err, "out of memory");
    size_t cum = 0;
    for (size_t i = 0; i < count; i++) {
        sc->segs[i].start = (size_t)((double)sc->p.samples * (double)cum / (double)total);
        cum += units[i];
        sc->segs[i].end = (size_t)((double)sc->p.samples * (double)cum / (double)total);
    }
    sc->segs[count - 1].end = sc->p.samples;
    sc->nsegs = count;
    return 0;
}

static int build_layout(sgr_sgc *sc, sgr_err *err)
{
    const sgr_sgc_params *p = &sc->p;
    size_t n = p->n, count;
    size_t *units;
    if (p->kind != SGR_SCHEME_MSGC) {
        count = n;
        units = malloc(count * sizeof *units);
        if (!units)
            return sgr_fail(err, "out of memory");
        for (size_t i = 0; i < count; i++)
            units[i] = 1;
    } else {
        size_t d1 = n * (size_t)(p->W - 1);
        size_t lam = (size_t)p->lambda;
        size_t d2 = lam < n ? (size_t)p->B * n : 0;
        count = d1 + d2;
        units = malloc(count * sizeof *units);
        if (!units)
            return sgr_fail(err, "out of memory");
        /* A D1 chunk is (lambda+1) times a D2 partition, so every minitask has the same load. */
        for (size_t i = 0; i < count; i++)
            units[i] = i < d1 ? (lam < n ? lam + 1 : 1) : 1;
        sc->d1_base = 0;
        sc->d2_base = d1;
    }
    int rc = layout_units(sc, units, count, err);
    free(units);
    return rc;
}

static int build_code(sgr_sgc *sc, sgr_err *err)
{
    const sgr_sgc_params *p = &sc->p;
    size_t s = sc->s;
    bool coded = p->kind == SGR_SCHEME_GC || p->kind == SGR_SCHEME_SRSGC ||
                 (p->kind == SGR_SCHEME_MSGC && (size_t)p->lambda < p->n);
    if (!coded || p->schedule_only)
        return 0;
    gsl_rng *rng = sgr_rng_new(p->seed, "gc-code", 0);
    if (!rng)
        return sgr_fail(err, "out of memory");
    int rc = sgr_gc_code_init(&sc->code, p->code, p->n, s, rng, err);
    gsl_rng_free(rng);
    if (rc < 0)
        return -1;
    sc->has_code = true;
    size_t w = s + 1;
    sc->task_seg = malloc(p->n * w * sizeof *sc->task_seg);
    sc->task_coef = malloc(p->n * w * sizeof *sc->task_coef);
    if (!sc->task_seg || !sc->task_coef)
        return sgr_fail(err, "out of memory");
    for (size_t i = 0; i < p->n; i++)
        for (size_t k = 0; k < w; k++) {
            size_t part = sc->code.support[i * w + k];
            sc->task_seg[i * w + k] = part; /* M-SGC adds the group's base when planning */
            sc->task_coef[i * w + k] = sc->code.coef[i * w + k];
        }
    sc->d2_width = w;
    return 0;
}

sgr_sgc *sgr_sgc_new(const sgr_sgc_params *p, sgr_err *err)
{
    if (check_params(p, err) < 0)
        return NULL;
    sgr_sgc *sc = calloc(1, sizeof *sc);
    if (!sc) {
        sgr_fail(err, "out of memory");
        return NULL;
    }
    sc->p = *p;
    size_t n = p->n;
    sc->nslots = 1;
    switch (p->kind) {
    case SGR_SCHEME_UNCODED:
        sc->s = 0;
        sc->load = 1.0 / (double)n;
        break;
    case SGR_SCHEME_IGNORE:
        sc->s = p->s;
        sc->load = 1.0 / (double)n;
        break;
    case SGR_SCHEME_GC:
        sc->s = gc_code_s(p);
        sc->load = sgr_gc_load(n, p->s); /* (s+1)/n, as published and gradient_coding.py:32 */
        break;
    case SGR_SCHEME_SRSGC:
        sc->s = sgr_srsgc_s(p->B, p->W, p->lambda);
        sc->T = (size_t)p->B;
        if (sc->s >= n) {
            sgr_fail(err,
                     "sr-sgc: s = ceil(B*lambda/(W-1+B)) = %zu must be < algorithm.workers = "
                     "%zu",
                     sc->s, n);
            goto fail;
        }
        sc->load = sgr_gc_load(n, sc->s);
        break;
    case SGR_SCHEME_MSGC:
        sc->s = (size_t)p->lambda < n ? (size_t)p->lambda : n;
        sc->T = (size_t)(p->W - 2 + p->B);
        sc->nslots = (size_t)(p->W - 1 + p->B);
        sc->load = sgr_msgc_load(n, p->B, p->W, p->lambda);
        break;
    }
    sc->R = p->jobs + sc->T;
    if (!p->schedule_only && (build_layout(sc, err) < 0 || build_code(sc, err) < 0))
        goto fail;
    sc->state = malloc(sc->R * n * sizeof *sc->state);
    sc->strag_list = malloc(sc->R * n * sizeof *sc->strag_list);
    sc->nstrag = calloc(sc->R, sizeof *sc->nstrag);
    sc->mark = malloc(n > sc->nslots ? n : sc->nslots);
    sc->commit_mt = malloc(sc->nslots * sizeof *sc->commit_mt);
    sc->repeats = calloc(n, sizeof *sc->repeats);
    size_t maxseg = sc->has_code ? sc->s + 1 : 1;
    sc->scratch_seg = malloc(sc->nslots * maxseg * sizeof *sc->scratch_seg);
    sc->scratch_coef = malloc(sc->nslots * maxseg * sizeof *sc->scratch_coef);
    if (!sc->state || !sc->strag_list || !sc->nstrag || !sc->mark || !sc->commit_mt ||
        !sc->repeats || !sc->scratch_seg || !sc->scratch_coef)
        goto oom;
    for (size_t i = 0; i < sc->R * n; i++)
        sc->state[i] = ST_NONE;
    if (p->kind == SGR_SCHEME_MSGC) {
        sc->d1_count = calloc(p->jobs * n, sizeof *sc->d1_count);
        sc->kind = calloc(p->jobs * n * sc->nslots, 1);
        if (!sc->d1_count || !sc->kind)
            goto oom;
    }
    sc->repeat_round = -1;
    sc->idle_round = -1;
    return sc;
oom:
    sgr_fail(err, "out of memory");
fail:
    sgr_sgc_free(sc);
    return NULL;
}

void sgr_sgc_free(sgr_sgc *sc)
{
    if (!sc)
        return;
    if (sc->has_code)
        sgr_gc_code_free(&sc->code);
    free(sc->segs);
    free(sc->task_seg);
    free(sc->task_coef);
    free(sc->state);
    free(sc->d1_count);
    free(sc->kind);
    free(sc->strag_list);
    free(sc->nstrag);
    free(sc->mark);
    free(sc->commit_mt);
    free(sc->repeats);
    free(sc->scratch_seg);
    free(sc->scratch_coef);
    free(sc);
}

size_t sgr_sgc_delay(const sgr_sgc *sc)
{
    return sc->T;
}
size_t sgr_sgc_rounds(const sgr_sgc *sc)
{
    return sc->R;
}
size_t sgr_sgc_s(const sgr_sgc *sc)
{
    return sc->s;
}
double sgr_sgc_load(const sgr_sgc *sc)
{
    return sc->load;
}
size_t sgr_sgc_nsegments(const sgr_sgc *sc)
{
    return sc->nsegs;
}
const sgr_segment *sgr_sgc_segments(const sgr_sgc *sc)
{
    return sc->segs;
}
size_t sgr_sgc_max_minitasks(const sgr_sgc *sc)
{
    return sc->nslots;
}

long sgr_sgc_due_job(const sgr_sgc *sc, size_t r)
{
    return r >= sc->T && r - sc->T < sc->p.jobs ? (long)(r - sc->T) : -1;
}

/* SR-SGC: workers that returned job t in round t or t+B. */
static size_t srsgc_contributors(const sgr_sgc *sc, size_t t)
{
    size_t n = sc->p.n, count = 0;
    for (size_t w = 0; w < n; w++) {
        bool got = sc->state[t * n + w] == (long)t;
        size_t r2 = t + sc->T;
        if (!got && r2 < sc->committed)
            got = sc->state[r2 * n + w] == (long)t;
        count += got;
    }
    return count;
}

static size_t count_returned(const sgr_sgc *sc, size_t r)
{
    size_t n = sc->p.n, count = 0;
    for (size_t w = 0; w < n; w++)
        count += sc->state[r * n + w] == (long)r;
    return count;
}

static bool msgc_decodable(const sgr_sgc *sc, size_t t)
{
    size_t n = sc->p.n, W1 = (size_t)(sc->p.W - 1);
    for (size_t w = 0; w < n; w++)
        if (sc->d1_count[t * n + w] < W1)
            return false;
    if ((size_t)sc->p.lambda >= n)
        return true;
    for (int g = 0; g < sc->p.B; g++) {
        size_t got = 0;
        for (size_t w = 0; w < n; w++)
            got += sc->kind[(t * n + w) * sc->nslots + W1 + (size_t)g] == K_D2;
        if (got < n - (size_t)sc->p.lambda)
            return false;
    }
    return true;
}

bool sgr_sgc_decodable(const sgr_sgc *sc, size_t job)
{
    size_t n = sc->p.n;
    if (job >= sc->p.jobs)
        return false;
    switch (sc->p.kind) {
    case SGR_SCHEME_UNCODED:
        return job < sc->committed && count_returned(sc, job) == n;
    case SGR_SCHEME_IGNORE:
        return job < sc->committed && count_returned(sc, job) >= n - sc->s;
    case SGR_SCHEME_GC:
        return job < sc->committed && count_returned(sc, job) >= n - sc->s;
    case SGR_SCHEME_SRSGC:
        return job < sc->committed && srsgc_contributors(sc, job) >= n - sc->s;
    case SGR_SCHEME_MSGC:
        return msgc_decodable(sc, job);
    }
    return false;
}

bool sgr_sgc_round_idle(const sgr_sgc *sc_const, size_t r)
{
    sgr_sgc *sc = (sgr_sgc *)sc_const; /* caches the answer: plan() asks once per worker */
    if (sc->p.kind != SGR_SCHEME_SRSGC || r < sc->p.jobs)
        return false;
    if (sc->idle_round != (long)r || sc->idle_committed != sc->committed) {
        long d = sgr_sgc_due_job(sc, r);
        sc->idle = d < 0 || sgr_sgc_decodable(sc, (size_t)d);
        sc->idle_round = (long)r;
        sc->idle_committed = sc->committed;
    }
    return sc->idle;
}

/* SR-SGC: which workers repeat the due job r - B in round r: of the v workers that did not
 * return it in its own round, the first v - s. */
static void srsgc_repeaters(sgr_sgc *sc, size_t r)
{
    if (sc->repeat_round == (long)r)
        return;
    size_t n = sc->p.n;
    memset(sc->repeats, 0, n * sizeof *sc->repeats);
    sc->repeat_round = (long)r;
    long d = r >= sc->T ? (long)(r - sc->T) : -1;
    if (d < 0 || (size_t)d >= sc->p.jobs)
        return;
    size_t v = 0;
    for (size_t w = 0; w < n; w++)
        v += sc->state[(size_t)d * n + w] != d;
    if (v <= sc->s)
        return;
    size_t need = v - sc->s;
    for (size_t w = 0; w < n && need; w++)
        if (sc->state[(size_t)d * n + w] != d) {
            sc->repeats[w] = true;
            need--;
        }
}

static void gc_task(const sgr_sgc *sc, size_t w, long job, size_t seg_base, sgr_minitask *t,
                    int slot)
{
    size_t width = sc->has_code ? sc->s + 1 : 1;
    t->job = job;
    t->slot = slot;
    if (sc->has_code && (sc->p.kind != SGR_SCHEME_MSGC || seg_base != (size_t)-1)) {
        size_t *seg = sc->scratch_seg + (size_t)slot * width;
        double *coef = sc->scratch_coef + (size_t)slot * width;
        for (size_t k = 0; k < width; k++) {
            seg[k] = sc->task_seg[w * width + k] + (seg_base == (size_t)-1 ? 0 : seg_base);
            coef[k] = sc->task_coef[w * width + k];
        }
        t->nseg = width;
        t->seg = seg;
        t->coef = coef;
    } else {
        size_t *seg = sc->scratch_seg + (size_t)slot * width;
        double *coef = sc->scratch_coef + (size_t)slot * width;
        seg[0] = w;
        coef[0] = 1.0;
        t->nseg = 1;
        t->seg = seg;
        t->coef = coef;
    }
}

static size_t msgc_plan(const sgr_sgc *sc, size_t r, size_t w, sgr_minitask *out, size_t max)
{
    size_t n = sc->p.n, W1 = (size_t)(sc->p.W - 1), count = 0;
    size_t width = sc->has_code ? sc->s + 1 : 1;
    for (size_t m = 0; m < sc->nslots && count < max; m++) {
        if (m > r)
            break;
        size_t t = r - m;
        if (t >= sc->p.jobs)
            continue;
        sgr_minitask *mt = &out[count++];
        mt->job = (long)t;
        mt->slot = (int)m;
        size_t delivered = sc->d1_count[t * n + w];
        size_t *seg = sc->scratch_seg + m * width;
        double *coef = sc->scratch_coef + m * width;
        mt->seg = seg;
        mt->coef = coef;
        if (m < W1 || delivered < W1) {
            /* an uncoded chunk: the next one this worker has not delivered */
            seg[0] = sc->d1_base + w * W1 + delivered;
            coef[0] = 1.0;
            mt->nseg = 1;
        } else if (sc->has_code) {
            size_t g = m - W1;
            for (size_t k = 0; k < width; k++) {
                seg[k] = sc->d2_base + g * n + sc->task_seg[w * width + k];
                coef[k] = sc->task_coef[w * width + k];
            }
            mt->nseg = width;
        } else {
            mt->nseg = 0; /* lambda = n: the coded slot carries no data */
        }
    }
    return count;
}

size_t sgr_sgc_plan(const sgr_sgc *sc_const, size_t r, size_t w, sgr_minitask *out, size_t max)
{
    sgr_sgc *sc = (sgr_sgc *)sc_const; /* SR-SGC caches the round's repeaters */
    if (max == 0 || r >= sc->R || sgr_sgc_round_idle(sc, r))
        return 0;
    switch (sc->p.kind) {
    case SGR_SCHEME_MSGC:
        return msgc_plan(sc, r, w, out, max);
    case SGR_SCHEME_SRSGC: {
        srsgc_repeaters(sc, r);
        /* a final round that is not idle: simgrad rules leave out the workers with nothing to
         * repeat; the reference has every worker compute the round's own task (r >= jobs,
         * filler) and counts its delay (selective_repeat_sgc.py:84, 96-98) */
        long job = sc->repeats[w]                      ? (long)(r - sc->T)
                   : (r < sc->p.jobs || reference(sc)) ? (long)r
                                                       : -1;
        if (job < 0)
            return 0;
        gc_task(sc, w, job, (size_t)-1, out, 0);
        return 1;
    }
    default:
        if (r >= sc->p.jobs)
            return 0;
        gc_task(sc, w, (long)r, (size_t)-1, out, 0);
        return 1;
    }
}

/* The (B, W, lambda) conditions at round r, as in the authors' reference code: at most lambda
 * distinct stragglers in rounds r-W+1..r, and no worker straggling now that straggled in
 * rounds r-W+1..r-B. For SR-SGC, rounds that needed no repetition and had at most s
 * stragglers are exempt (GC alone absorbed them). */
static bool srsgc_round_exempt(const sgr_sgc *sc, size_t q)
{
    size_t n = sc->p.n, strag = 0;
    for (size_t w = 0; w < n; w++) {
        long st = sc->state[q * n + w];
        if (st == ST_STRAGGLER)
            strag++;
        else if (st != (long)q && st != ST_NONE)
            return false;
    }
    return strag <= sc->s;
}

/* Uses the stragglers of each committed round (listed at commit, exempt rounds skipped), so a
 * check costs O(n + stragglers in the window) rather than O(n W). */
static bool bursty_ok(sgr_sgc *sc, size_t r, const bool *straggler)
{
    size_t n = sc->p.n, W = (size_t)sc->p.W, B = (size_t)sc->p.B;
    size_t lo = r + 1 >= W ? r + 1 - W : 0;
    size_t hi_temporal = r + 1 >= B ? r + 1 - B : 0;
    size_t distinct = 0;
    unsigned char *past = sc->mark; /* 1: in the window; 2: in rounds r-W+1..r-B */
    memset(past, 0, n);
    for (size_t q = lo; q < r; q++)
        for (size_t i = 0; i < sc->nstrag[q]; i++)
            past[sc->strag_list[q * n + i]] |= q < hi_temporal ? 3 : 1;
    for (size_t w = 0; w < n; w++) {
        if (straggler[w] && (past[w] & 2))
            return false;
        distinct += past[w] || straggler[w];
    }
    return distinct <= (size_t)sc->p.lambda;
}

bool sgr_sgc_always_waits(const sgr_sgc *sc)
{
    return reference(sc) && sc->p.kind == SGR_SCHEME_UNCODED;
}

/* With nobody late every rule set accepts: the reference's (B, W, lambda) check cannot fail
 * then (the rounds in its window passed it already) and its GC has s >= 1. */
bool sgr_sgc_accepts(const sgr_sgc *sc_const, size_t r, const bool *straggler)
{
    sgr_sgc *sc = (sgr_sgc *)sc_const;
    size_t n = sc->p.n, nstrag = 0;
    for (size_t w = 0; w < n; w++)
        nstrag += straggler[w];
    if (nstrag == 0)
        return !sgr_sgc_always_waits(sc);
    switch (sc->p.kind) {
    case SGR_SCHEME_UNCODED:
        return false;
    case SGR_SCHEME_IGNORE:
        return nstrag <= sc->s;
    case SGR_SCHEME_GC:
        /* the reference accepts fewer than s (gradient_coding.py:66, 97) */
        return reference(sc) ? nstrag < sc->p.s : nstrag <= sc->s;
    case SGR_SCHEME_SRSGC: {
        if (!bursty_ok(sc, r, straggler))
            return false;
        long d = sgr_sgc_due_job(sc, r);
        /* the reference accepts on the straggler model alone (selective_repeat_sgc.py:100) */
        if (d < 0 || reference(sc))
            return true;
        /* the due job gets its round-d results plus this round's repeats that arrive */
        srsgc_repeaters(sc, r);
        size_t got = 0;
        for (size_t w = 0; w < n; w++)
            got += sc->state[(size_t)d * n + w] == d || (sc->repeats[w] && !straggler[w]);
        return got >= n - sc->s;
    }
    case SGR_SCHEME_MSGC: {
        if (!bursty_ok(sc, r, straggler))
            return false;
        long d = sgr_sgc_due_job(sc, r);
        if (d < 0 || reference(sc)) /* multiplexed_sgc.py:291: the straggler model alone */
            return true;
        size_t W1 = (size_t)(sc->p.W - 1);
        size_t coded = 0;
        for (size_t w = 0; w < n; w++) {
            size_t delivered = sc->d1_count[(size_t)d * n + w];
            bool d1_now = delivered < W1; /* its last slot re-does a chunk */
            if (delivered + (d1_now && !straggler[w]) < W1)
                return false;
            coded += !d1_now && !straggler[w];
        }
        if ((size_t)sc->p.lambda >= n)
            return true;
        if (coded < n - (size_t)sc->p.lambda)
            return false;
        for (size_t g = 0; g + 1 < (size_t)sc->p.B; g++) {
            size_t got = 0;
            for (size_t w = 0; w < n; w++)
                got += sc->kind[((size_t)d * n + w) * sc->nslots + W1 + g] == K_D2;
            if (got < n - (size_t)sc->p.lambda)
                return false;
        }
        return true;
    }
    }
    return false;
}

/* M-SGC: record which kind each of worker w's delivered minitasks was. */
static void msgc_commit_worker(sgr_sgc *sc, size_t w, const sgr_minitask *mt, size_t count)
{
    size_t n = sc->p.n, W1 = (size_t)(sc->p.W - 1);
    unsigned char *kinds = sc->mark; /* plan() reads d1_count: decide every kind first */
    for (size_t k = 0; k < count; k++) {
        size_t t = (size_t)mt[k].job;
        size_t delivered = sc->d1_count[t * n + w];
        kinds[k] = ((size_t)mt[k].slot < W1 || delivered < W1) ? K_D1 : K_D2;
    }
    for (size_t k = 0; k < count; k++) {
        size_t t = (size_t)mt[k].job;
        sc->kind[(t * n + w) * sc->nslots + (size_t)mt[k].slot] = kinds[k];
        if (kinds[k] == K_D1)
            sc->d1_count[t * n + w]++;
    }
}

void sgr_sgc_commit(sgr_sgc *sc, size_t r, const bool *returned)
{
    size_t n = sc->p.n;
    sgr_minitask *mt = sc->commit_mt;
    sc->nstrag[r] = 0;
    for (size_t w = 0; w < n; w++) {
        size_t count = sgr_sgc_plan(sc, r, w, mt, sc->nslots);
        if (count == 0) {
            sc->state[r * n + w] = ST_NONE;
        } else if (!returned[w]) {
            sc->state[r * n + w] = ST_STRAGGLER;
            sc->strag_list[r * n + sc->nstrag[r]++] = w;
        } else {
            sc->state[r * n + w] = mt[0].job;
            if (sc->p.kind == SGR_SCHEME_MSGC)
                msgc_commit_worker(sc, w, mt, count);
        }
    }
    /* SR-SGC: a round that needed no repetition and had at most s stragglers does not count
     * in later windows (GC alone absorbed it; selective_repeat_sgc.py:176-188) */
    if (sc->p.kind == SGR_SCHEME_SRSGC && srsgc_round_exempt(sc, r))
        sc->nstrag[r] = 0;
    sc->committed = r + 1;
    sc->repeat_round = -1;
}

const sgr_sgc_params *sgr_sgc_params_of(const sgr_sgc *sc)
{
    return &sc->p;
}
