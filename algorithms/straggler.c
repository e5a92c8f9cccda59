/* simgrad: straggler models (none, iid, Gilbert-Elliott, (B, W, lambda)-bursty, trace).
 *
 * Randomness comes from three streams derived from the seed, one per purpose, so that turning
 * on failures or delays never changes who straggles: ("straggler", 0) decides who straggles
 * and for how long (burst lengths), ("straggler", 1) draws added delays, ("straggler", 2)
 * draws failures. */
#include "simgrad/straggler.h"
#include "simgrad/rng.h"

#include <gsl/gsl_randist.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { STREAM_PATTERN, STREAM_AMOUNT, STREAM_FAIL };

struct sgr_straggler_model {
    sgr_straggler_cfg cfg;
    size_t n;
    size_t round; /* index of the next round to draw */
    gsl_rng *pattern_rng, *amount_rng, *fail_rng;
    /* GE: bad[i] is the chain state; BURSTY: bad[i] is "straggles in the round just drawn" */
    bool *bad;
    /* BURSTY */
    int *burst_left; /* rounds still to straggle in the worker's current burst */
    int *win_count;  /* straggling rounds of the worker in the last W-1 rounds */
    bool *ring;      /* the last W-1 rounds, (W-1) x n, row (round mod (W-1)) */
    size_t *order;   /* permutation: who gets a free slot first when lambda binds */
    /* TRACE */
    double *trace;
    size_t trace_rows;
    char *trace_path;
};

static bool prob_is_valid(double p)
{
    return p >= 0 && p <= 1; /* false for NaN too */
}

static int cfg_check_prob(const char *key, double p, sgr_err *err)
{
    if (!prob_is_valid(p))
        return sgr_fail(err, "stragglers.%s must be in [0, 1] (got %g)", key, p);
    return 0;
}

/* slowdown and delay_mean matter to every model that marks stragglers. */
static int cfg_check_amounts(const sgr_straggler_cfg *cfg, sgr_err *err)
{
    if (!(cfg->slowdown >= 1))
        return sgr_fail(err, "stragglers.slowdown must be >= 1 (got %g)", cfg->slowdown);
    if (!(cfg->delay_mean >= 0))
        return sgr_fail(err, "stragglers.delay_mean must be >= 0 (got %g)", cfg->delay_mean);
    return 0;
}

static int cfg_check_bursty(const sgr_straggler_cfg *cfg, size_t n, sgr_err *err)
{
    if (cfg->burst_B < 1)
        return sgr_fail(err, "stragglers.burst_B must be >= 1 (got %d)", cfg->burst_B);
    if (cfg->burst_W < 1)
        return sgr_fail(err, "stragglers.burst_W must be >= 1 (got %d)", cfg->burst_W);
    if (cfg->burst_B > cfg->burst_W)
        return sgr_fail(err, "stragglers.burst_B must be <= stragglers.burst_W (got B=%d, W=%d)",
                        cfg->burst_B, cfg->burst_W);
    if (cfg->burst_lambda < 0 || (size_t)cfg->burst_lambda > n)
        return sgr_fail(err, "stragglers.burst_lambda must be in [0, %zu] (the workers) (got %d)",
                        n, cfg->burst_lambda);
    return 0;
}

/* Check the parameters the chosen kind uses; the others may hold anything. */
static int cfg_check(const sgr_straggler_cfg *cfg, size_t n, sgr_err *err)
{
    if (n < 1)
        return sgr_fail(err, "a straggler model needs at least one worker (got 0)");
    if (cfg_check_prob("fail_prob", cfg->fail_prob, err))
        return -1;
    switch (cfg->kind) {
    case SGR_STRAG_NONE:
        return 0;
    case SGR_STRAG_IID:
        if (cfg_check_prob("p", cfg->p, err))
            return -1;
        return cfg_check_amounts(cfg, err);
    case SGR_STRAG_GE:
        if (cfg_check_prob("p_good_to_bad", cfg->p_good_to_bad, err) ||
            cfg_check_prob("p_bad_to_good", cfg->p_bad_to_good, err))
            return -1;
        return cfg_check_amounts(cfg, err);
    case SGR_STRAG_BURSTY:
        if (cfg_check_prob("p", cfg->p, err) || cfg_check_amounts(cfg, err))
            return -1;
        return cfg_check_bursty(cfg, n, err);
    case SGR_STRAG_TRACE:
        if (!cfg->trace_path || !*cfg->trace_path)
            return sgr_fail(err, "stragglers.trace must name a CSV file of task times");
        return 0;
    }
    return sgr_fail(err, "unknown straggler kind %d", (int)cfg->kind);
}

static int model_rngs_new(sgr_straggler_model *m, unsigned long seed)
{
    m->pattern_rng = sgr_rng_new(seed, "straggler", STREAM_PATTERN);
    if (!m->pattern_rng)
        goto out;
    m->amount_rng = sgr_rng_new(seed, "straggler", STREAM_AMOUNT);
    if (!m->amount_rng)
        goto out_free_pattern;
    m->fail_rng = sgr_rng_new(seed, "straggler", STREAM_FAIL);
    if (!m->fail_rng)
        goto out_free_amount;
    return 0;

out_free_amount:
    gsl_rng_free(m->amount_rng);
out_free_pattern:
    gsl_rng_free(m->pattern_rng);
out:
    return -1;
}

/* GE chains start in the stationary distribution, so round 0 is already typical. */
static int model_ge_init(sgr_straggler_model *m)
{
    double pgb = m->cfg.p_good_to_bad, pbg = m->cfg.p_bad_to_good;
    /* With both rates 0 the chain never moves; every worker stays good. */
    double pi_bad = pgb + pbg > 0 ? pgb / (pgb + pbg) : 0;

    m->bad = calloc(m->n, sizeof *m->bad);
    if (!m->bad)
        return -1;
    for (size_t i = 0; i < m->n; i++)
        m->bad[i] = gsl_rng_uniform(m->pattern_rng) < pi_bad;
    return 0;
}

static int model_bursty_init(sgr_straggler_model *m)
{
    size_t n = m->n, hist = m->cfg.burst_W > 1 ? (size_t)m->cfg.burst_W - 1 : 1;

    m->bad = calloc(n, sizeof *m->bad);
    if (!m->bad)
        goto out;
    m->burst_left = calloc(n, sizeof *m->burst_left);
    if (!m->burst_left)
        goto out_free_bad;
    m->win_count = calloc(n, sizeof *m->win_count);
    if (!m->win_count)
        goto out_free_burst_left;
    m->ring = calloc(hist * n, sizeof *m->ring);
    if (!m->ring)
        goto out_free_win_count;
    m->order = malloc(n * sizeof *m->order);
    if (!m->order)
        goto out_free_ring;
    for (size_t i = 0; i < n; i++)
        m->order[i] = i;
    return 0;

out_free_ring:
    free(m->ring);
out_free_win_count:
    free(m->win_count);
out_free_burst_left:
    free(m->burst_left);
out_free_bad:
    free(m->bad);
out:
    m->bad = NULL;
    return -1;
}

static int model_trace_init(sgr_straggler_model *m, sgr_err *err)
{
    const char *path = m->cfg.trace_path;
    size_t cols;

    if (sgr_trace_read_csv(path, &m->trace, &m->trace_rows, &cols, err))
        return sgr_fail_prefix(err, "stragglers.trace");
    if (cols != m->n) {
        sgr_fail(err, "trace %s has %zu columns, scenario has %zu workers", path, cols, m->n);
        goto out_free_trace;
    }
    m->trace_path = strdup(path);
    if (!m->trace_path) {
        sgr_fail(err, "out of memory");
        goto out_free_trace;
    }
    m->cfg.trace_path = m->trace_path; /* the caller's string may not outlive the model */
    return 0;

out_free_trace:
    free(m->trace);
    m->trace = NULL;
    return -1;
}

static int model_state_init(sgr_straggler_model *m, sgr_err *err)
{
    switch (m->cfg.kind) {
    case SGR_STRAG_GE:
        return model_ge_init(m) ? sgr_fail(err, "out of memory") : 0;
    case SGR_STRAG_BURSTY:
        return model_bursty_init(m) ? sgr_fail(err, "out of memory") : 0;
    case SGR_STRAG_TRACE:
        return model_trace_init(m, err);
    default:
        return 0;
    }
}

/* Validate cfg and build a model for `nworkers` workers whose randomness is derived from
 * `seed`; the same (cfg, nworkers, seed) always yields the same rounds. Only the parameters of
 * the chosen kind are checked (plus fail_prob, used by all): probabilities in [0, 1],
 * slowdown >= 1, delay_mean >= 0, 1 <= burst_B <= burst_W, 0 <= burst_lambda <= nworkers,
 * nworkers >= 1, and for TRACE a readable CSV with exactly nworkers columns of non-negative
 * numbers (read whole at creation; cfg->trace_path is not kept). On error, NULL is returned
 * and err names the scenario key (stragglers.p, ...) or the trace file:line:column. */
sgr_straggler_model *sgr_straggler_new(const sgr_straggler_cfg *cfg, size_t nworkers,
                                       unsigned long seed, sgr_err *err)
{
    sgr_straggler_model *m;

    if (cfg_check(cfg, nworkers, err))
        return NULL;
    m = calloc(1, sizeof *m);
    if (!m) {
        sgr_fail(err, "out of memory");
        goto out;
    }
    m->cfg = *cfg;
    m->n = nworkers;
    if (model_rngs_new(m, seed)) {
        sgr_fail(err, "out of memory");
        goto out_free_model;
    }
    if (model_state_init(m, err))
        goto out_free_rngs;
    return m;

out_free_rngs:
    gsl_rng_free(m->fail_rng);
    gsl_rng_free(m->amount_rng);
    gsl_rng_free(m->pattern_rng);
out_free_model:
    free(m);
out:
    return NULL;
}

/* Frees the model and everything it owns. NULL is fine. */
void sgr_straggler_free(sgr_straggler_model *m)
{
    if (!m)
        return;
    free(m->trace_path);
    free(m->trace);
    free(m->order);
    free(m->ring);
    free(m->win_count);
    free(m->burst_left);
    free(m->bad);
    gsl_rng_free(m->fail_rng);
    gsl_rng_free(m->amount_rng);
    gsl_rng_free(m->pattern_rng);
    free(m);
}

/* Rounds in the trace (TRACE), 0 for the synthetic kinds, which never run out. Can't fail. */
size_t sgr_straggler_trace_rounds(const sgr_straggler_model *m)
{
    return m->cfg.kind == SGR_STRAG_TRACE ? m->trace_rows : 0;
}

static void straggle_on_time(sgr_straggle *s)
{
    *s = (sgr_straggle){.factor = 1, .delay = 0, .task_time = -1};
}

/* Mark a straggler: slowed down by cfg.slowdown, plus an Exp(delay_mean) wait if asked. */
static void straggle_slow(sgr_straggler_model *m, sgr_straggle *s)
{
    s->straggler = true;
    s->factor = m->cfg.slowdown;
    if (m->cfg.delay_mean > 0)
        s->delay = gsl_ran_exponential(m->amount_rng, m->cfg.delay_mean);
}

static void model_iid_next(sgr_straggler_model *m, sgr_straggle *out)
{
    for (size_t i = 0; i < m->n; i++)
        if (gsl_rng_uniform(m->pattern_rng) < m->cfg.p)
            straggle_slow(m, &out[i]);
}

static void model_ge_next(sgr_straggler_model *m, sgr_straggle *out)
{
    for (size_t i = 0; i < m->n; i++) {
        /* Round 0 reports the stationary draw; later rounds take one step of the chain. */
        if (m->round > 0) {
            double u = gsl_rng_uniform(m->pattern_rng);
            m->bad[i] = m->bad[i] ? !(u < m->cfg.p_bad_to_good) : u < m->cfg.p_good_to_bad;
        }
        if (m->bad[i])
            straggle_slow(m, &out[i]);
    }
}

/* Workers that straggled in the last W-1 rounds. */
static size_t bursty_window_stragglers(const sgr_straggler_model *m)
{
    size_t k = 0;
    for (size_t i = 0; i < m->n; i++)
        k += m->win_count[i] > 0;
    return k;
}

/* Whether worker i may straggle in round r, given the decisions for rounds < r: the window
 * ending at r must stay valid. Windows ending earlier were checked when their last round was
 * drawn, and windows ending later are checked when theirs is, so this keeps every window
 * valid. A continuing worker straggled in r-1 and has no other rounds in the window (it could
 * not start otherwise), so it only has to keep its in-window burst within B; it is already
 * counted among the distinct stragglers. A new straggler needs a clean window and a free
 * slot among the lambda. */
static bool bursty_may_straggle(const sgr_straggler_model *m, size_t i, size_t distinct)
{
    if (m->burst_left[i] > 0)
        return m->win_count[i] + 1 <= m->cfg.burst_B;
    return m->win_count[i] == 0 && distinct < (size_t)m->cfg.burst_lambda;
}

/* Slide the window: forget round r-(W-1), remember round r. */
static void bursty_history_push(sgr_straggler_model *m, const bool *now)
{
    size_t hist = (size_t)m->cfg.burst_W - 1;
    if (hist == 0)
        return;
    bool *row = m->ring + (m->round % hist) * m->n;
    for (size_t i = 0; i < m->n; i++) {
        if (m->round >= hist)
            m->win_count[i] -= row[i];
        row[i] = now[i];
        m->win_count[i] += now[i];
    }
}

static void model_bursty_next(sgr_straggler_model *m, sgr_straggle *out)
{
    size_t distinct = bursty_window_stragglers(m);

    /* Continuing bursts never take a new slot, so the order only matters for new ones. */
    gsl_ran_shuffle(m->pattern_rng, m->order, m->n, sizeof *m->order);
    for (size_t k = 0; k < m->n; k++) {
        size_t i = m->order[k];
        bool start = m->burst_left[i] == 0;
        bool wants = gsl_rng_uniform(m->pattern_rng) < m->cfg.p;
        bool now = false;

        if (start && wants && bursty_may_straggle(m, i, distinct)) {
            m->burst_left[i] = 1 + (int)gsl_rng_uniform_int(m->pattern_rng, m->cfg.burst_B);
            distinct++; /* a new burst needs a clean window: a new distinct straggler */
            now = true;
        } else if (!start && bursty_may_straggle(m, i, distinct)) {
            now = true;
        }
        if (now) {
            m->burst_left[i]--;
            straggle_slow(m, &out[i]);
        } else {
            m->burst_left[i] = 0; /* ending a burst early is always valid */
        }
    }
    for (size_t i = 0; i < m->n; i++)
        m->bad[i] = out[i].straggler;
    bursty_history_push(m, m->bad);
}

static int model_trace_next(sgr_straggler_model *m, sgr_straggle *out, sgr_err *err)
{
    if (m->round >= m->trace_rows)
        return sgr_fail(err, "trace %s has only %zu rounds, round %zu was asked for", m->trace_path,
                        m->trace_rows, m->round + 1);
    for (size_t i = 0; i < m->n; i++)
        out[i].task_time = m->trace[m->round * m->n + i];
    return 0;
}

/* Draw the next round into out[0..nworkers-1]. Straggler fields: factor = slowdown and, if
 * delay_mean > 0, delay ~ Exp(delay_mean) for a straggler; factor 1, delay 0 otherwise. TRACE
 * sets task_time from the trace and leaves straggler false (the family decides from times);
 * the other kinds set task_time = -1. In every kind, failed is drawn with fail_prob. Returns 0,
 * or -1 when a trace has no more rounds (err says so; the round counter does not advance). */
int sgr_straggler_next_round(sgr_straggler_model *m, sgr_straggle *out, sgr_err *err)
{
    for (size_t i = 0; i < m->n; i++)
        straggle_on_time(&out[i]);
    switch (m->cfg.kind) {
    case SGR_STRAG_NONE:
        break;
    case SGR_STRAG_IID:
        model_iid_next(m, out);
        break;
    case SGR_STRAG_GE:
        model_ge_next(m, out);
        break;
    case SGR_STRAG_BURSTY:
        model_bursty_next(m, out);
        break;
    case SGR_STRAG_TRACE:
        if (model_trace_next(m, out, err))
            return -1;
        break;
    }
    for (size_t i = 0; i < m->n; i++)
        out[i].failed = gsl_rng_uniform(m->fail_rng) < m->cfg.fail_prob;
    m->round++;
    return 0;
}

/* Check the window [lo, hi) of pattern: at most lambda distinct stragglers, each one's rounds
 * consecutive and at most B. */
static bool window_is_bursty(const bool *pattern, size_t lo, size_t hi, size_t n, int B, int lambda)
{
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        size_t first = 0, last = 0, count = 0;
        for (size_t r = lo; r < hi; r++) {
            if (!pattern[r * n + i])
                continue;
            if (!count)
                first = r;
            last = r;
            count++;
        }
        if (!count)
            continue;
        if (count != last - first + 1 || count > (size_t)B)
            return false;
        distinct++;
    }
    return distinct <= (size_t)lambda;
}

/* True if pattern (rounds x n, row-major, true = straggler) satisfies the (B, W, lambda)
 * bursty model: every window of W consecutive rounds, including those cut by the start and
 * end of the horizon, has at most lambda distinct stragglers, and each straggler's rounds in
 * the window are one run of at most B. Checks each window from scratch, independently of the
 * generator. False for B < 1, W < 1 or lambda < 0. Can't fail. */
bool sgr_straggler_pattern_is_bursty(const bool *pattern, size_t rounds, size_t n, int B, int W,
                                     int lambda)
{
    if (B < 1 || W < 1 || lambda < 0)
        return false;
    /* Window s covers [s - W + 1, s] clipped to the horizon, for s in [0, rounds + W - 1). */
    for (size_t s = 0; s + 1 < rounds + (size_t)W; s++) {
        size_t lo = s + 1 >= (size_t)W ? s + 1 - (size_t)W : 0;
        size_t hi = s + 1 < rounds ? s + 1 : rounds;
        if (!window_is_bursty(pattern, lo, hi, n, B, lambda))
            return false;
    }
    return true;
}

/* Parse a scenario's stragglers.model value: "none", "iid", "gilbert-elliott" or "ge",
 * "bursty", "trace" (any case). Returns 0 and sets *out, or -1 for anything else. */
int sgr_straggler_kind_parse(const char *s, sgr_straggler_kind *out)
{
    static const struct {
        const char *name;
        sgr_straggler_kind kind;
    } names[] = {
        {"none", SGR_STRAG_NONE}, {"iid", SGR_STRAG_IID},       {"gilbert-elliott", SGR_STRAG_GE},
        {"ge", SGR_STRAG_GE},     {"bursty", SGR_STRAG_BURSTY}, {"trace", SGR_STRAG_TRACE},
    };
    if (!s)
        return -1;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        if (strcasecmp(s, names[k].name) == 0) {
            *out = names[k].kind;
            return 0;
        }
    }
    return -1;
}

/* The canonical name of a kind, as sgr_straggler_kind_parse accepts it ("?" if unknown). */
const char *sgr_straggler_kind_name(sgr_straggler_kind kind)
{
    switch (kind) {
    case SGR_STRAG_NONE:
        return "none";
    case SGR_STRAG_IID:
        return "iid";
    case SGR_STRAG_GE:
        return "gilbert-elliott";
    case SGR_STRAG_BURSTY:
        return "bursty";
    case SGR_STRAG_TRACE:
        return "trace";
    }
    return "?";
}
