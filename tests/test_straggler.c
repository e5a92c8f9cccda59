/* Tests for the straggler models: the statistics a user relies on, the bursty constraint on
 * every generated pattern, the trace reader's errors, determinism and validation. */
#include "testutil.h"

#include "simgrad/straggler.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

static sgr_straggler_cfg cfg_base(sgr_straggler_kind kind)
{
    return (sgr_straggler_cfg){.kind = kind, .slowdown = 1, .burst_B = 1, .burst_W = 1};
}

static sgr_straggler_model *model_new_ok(const sgr_straggler_cfg *cfg, size_t n, unsigned long seed)
{
    sgr_err err = {{0}};
    sgr_straggler_model *m = sgr_straggler_new(cfg, n, seed, &err);
    if (!m)
        fprintf(stderr, "sgr_straggler_new: %s\n", err.msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    return m;
}

/* Draw `rounds` rounds; return the straggler pattern (rounds x n), and the rounds if asked. */
static bool *model_draw(sgr_straggler_model *m, size_t rounds, size_t n, sgr_straggle **all)
{
    bool *pattern = malloc(rounds * n * sizeof *pattern);
    sgr_straggle *out = malloc(rounds * n * sizeof *out);
    sgr_err err;
    CU_ASSERT_PTR_NOT_NULL_FATAL(pattern);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    for (size_t r = 0; r < rounds; r++) {
        CU_ASSERT_EQUAL_FATAL(sgr_straggler_next_round(m, out + r * n, &err), 0);
        for (size_t i = 0; i < n; i++)
            pattern[r * n + i] = out[r * n + i].straggler;
    }
    if (all)
        *all = out;
    else
        free(out);
    return pattern;
}

static size_t pattern_count(const bool *p, size_t len)
{
    size_t k = 0;
    for (size_t j = 0; j < len; j++)
        k += p[j];
    return k;
}

/* ---- validation and parsing ---- */

static void expect_new_fails(const sgr_straggler_cfg *cfg, size_t n, const char *needle)
{
    sgr_err err = {{0}};
    sgr_straggler_model *m = sgr_straggler_new(cfg, n, 1, &err);
    CU_ASSERT_PTR_NULL(m);
    sgr_straggler_free(m);
    if (!strstr(err.msg, needle))
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err.msg, needle);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, needle));
}

static void test_validation_names_the_key(void)
{
    sgr_straggler_cfg c = cfg_base(SGR_STRAG_IID);
    c.p = 1.5;
    expect_new_fails(&c, 4, "stragglers.p must be in [0, 1] (got 1.5)");
    c.p = NAN;
    expect_new_fails(&c, 4, "stragglers.p must be in [0, 1]");
    c.p = 0.1;
    c.slowdown = 0.5;
    expect_new_fails(&c, 4, "stragglers.slowdown must be >= 1 (got 0.5)");
    c.slowdown = 2;
    c.delay_mean = -1;
    expect_new_fails(&c, 4, "stragglers.delay_mean");
    c.delay_mean = 0;
    c.fail_prob = -0.1;
    expect_new_fails(&c, 4, "stragglers.fail_prob");
    c.fail_prob = 0;
    expect_new_fails(&c, 0, "at least one worker");

    c = cfg_base(SGR_STRAG_GE);
    c.p_good_to_bad = 2;
    expect_new_fails(&c, 4, "stragglers.p_good_to_bad");
    c.p_good_to_bad = 0.1;
    c.p_bad_to_good = -1;
    expect_new_fails(&c, 4, "stragglers.p_bad_to_good");

    c = cfg_base(SGR_STRAG_BURSTY);
    c.p = 0.1;
    c.burst_B = 0;
    c.burst_W = 3;
    c.burst_lambda = 1;
    expect_new_fails(&c, 4, "stragglers.burst_B must be >= 1");
    c.burst_B = 4;
    expect_new_fails(&c, 4, "stragglers.burst_B must be <= stragglers.burst_W");
    c.burst_B = 2;
    c.burst_W = 0;
    expect_new_fails(&c, 4, "stragglers.burst_W must be >= 1");
    c.burst_W = 3;
    c.burst_lambda = 5;
    expect_new_fails(&c, 4, "stragglers.burst_lambda");
    c.burst_lambda = -1;
    expect_new_fails(&c, 4, "stragglers.burst_lambda");

    c = cfg_base(SGR_STRAG_TRACE);
    expect_new_fails(&c, 4, "stragglers.trace");
}

static void test_unused_parameters_are_ignored(void)
{
    /* A zero-initialised cfg of kind NONE has slowdown 0: fine, NONE does not use it. */
    sgr_straggler_cfg c = {.kind = SGR_STRAG_NONE};
    sgr_straggler_model *m = model_new_ok(&c, 3, 1);
    sgr_straggle *all;
    bool *pat = model_draw(m, 10, 3, &all);
    CU_ASSERT_EQUAL(pattern_count(pat, 30), 0);
    for (size_t j = 0; j < 30; j++) {
        CU_ASSERT_EQUAL(all[j].factor, 1);
        CU_ASSERT_EQUAL(all[j].delay, 0);
        CU_ASSERT_EQUAL(all[j].task_time, -1);
        CU_ASSERT_FALSE(all[j].failed);
    }
    CU_ASSERT_EQUAL(sgr_straggler_trace_rounds(m), 0);
    free(all);
    free(pat);
    sgr_straggler_free(m);
}

static void test_kind_parse(void)
{
    sgr_straggler_kind k = SGR_STRAG_NONE;
    CU_ASSERT_EQUAL(sgr_straggler_kind_parse("iid", &k), 0);
    CU_ASSERT_EQUAL(k, SGR_STRAG_IID);
    CU_ASSERT_EQUAL(sgr_straggler_kind_parse("gilbert-elliott", &k), 0);
    CU_ASSERT_EQUAL(k, SGR_STRAG_GE);
    k = SGR_STRAG_NONE;
    CU_ASSERT_EQUAL(sgr_straggler_kind_parse("ge", &k), 0);
    CU_ASSERT_EQUAL(k, SGR_STRAG_GE);
    CU_ASSERT_EQUAL(sgr_straggler_kind_parse("bursty", &k), 0);
    CU_ASSERT_EQUAL(k, SGR_STRAG_BURSTY);
    CU_ASSERT_EQUAL(sgr_straggler_kind_parse("trace", &k), 0);
    CU_ASSERT_EQUAL(k, SGR_STRAG_TRACE);
    CU_ASSERT_EQUAL(sgr_straggler_kind_parse("none", &k), 0);
    CU_ASSERT_EQUAL(k, SGR_STRAG_NONE);
    CU_ASSERT_EQUAL(sgr_straggler_kind_parse("gilbert", &k), -1);
    CU_ASSERT_EQUAL(sgr_straggler_kind_parse("", &k), -1);
    CU_ASSERT_EQUAL(k, SGR_STRAG_NONE);
    for (int kind = SGR_STRAG_NONE; kind <= SGR_STRAG_TRACE; kind++) {
        CU_ASSERT_EQUAL(sgr_straggler_kind_parse(sgr_straggler_kind_name(kind), &k), 0);
        CU_ASSERT_EQUAL(k, kind);
    }
}

/* ---- IID ---- */

static void test_iid_frequency_and_delay(void)
{
    const size_t n = 20, rounds = 1000; /* 20000 worker-rounds */
    const double p = 0.3, delay_mean = 0.25;
    sgr_straggler_cfg c = cfg_base(SGR_STRAG_IID);
    c.p = p;
    c.slowdown = 3;
    c.delay_mean = delay_mean;
    sgr_straggler_model *m = model_new_ok(&c, n, 42);
    sgr_straggle *all;
    bool *pat = model_draw(m, rounds, n, &all);

    double N = (double)(n * rounds), k = (double)pattern_count(pat, n * rounds);
    CU_ASSERT(fabs(k / N - p) < 4 * sqrt(p * (1 - p) / N));

    double delay_sum = 0;
    for (size_t j = 0; j < n * rounds; j++) {
        if (all[j].straggler) {
            CU_ASSERT_EQUAL(all[j].factor, 3);
            delay_sum += all[j].delay;
        } else {
            CU_ASSERT_EQUAL(all[j].factor, 1);
            CU_ASSERT_EQUAL(all[j].delay, 0);
        }
        CU_ASSERT(all[j].delay >= 0);
        CU_ASSERT_EQUAL(all[j].task_time, -1);
    }
    CU_ASSERT(fabs(delay_sum / k - delay_mean) < 0.05 * delay_mean);
    free(all);
    free(pat);
    sgr_straggler_free(m);
}

static void test_iid_extremes(void)
{
    sgr_straggler_cfg c = cfg_base(SGR_STRAG_IID);
    c.p = 1;
    c.slowdown = 2;
    sgr_straggler_model *m = model_new_ok(&c, 5, 7);
    bool *pat = model_draw(m, 100, 5, NULL);
    CU_ASSERT_EQUAL(pattern_count(pat, 500), 500);
    free(pat);
    sgr_straggler_free(m);

    c.p = 0;
    m = model_new_ok(&c, 5, 7);
    pat = model_draw(m, 100, 5, NULL);
    CU_ASSERT_EQUAL(pattern_count(pat, 500), 0);
    free(pat);
    sgr_straggler_free(m);
}

/* ---- Gilbert-Elliott ---- */

static void test_ge_stationary_and_bursts(void)
{
    const size_t n = 50, rounds = 4000;
    const double pgb = 0.1, pbg = 0.3;
    sgr_straggler_cfg c = cfg_base(SGR_STRAG_GE);
    c.p_good_to_bad = pgb;
    c.p_bad_to_good = pbg;
    c.slowdown = 4;
    sgr_straggler_model *m = model_new_ok(&c, n, 9);
    bool *pat = model_draw(m, rounds, n, NULL);

    double bad = (double)pattern_count(pat, n * rounds) / (double)(n * rounds);
    CU_ASSERT(fabs(bad - pgb / (pgb + pbg)) < 0.02);

    /* Mean length of bad runs that both start and end inside the horizon. */
    size_t runs = 0, run_rounds = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        bool started_inside = false;
        for (size_t r = 0; r < rounds; r++) {
            if (pat[r * n + i]) {
                if (len == 0)
                    started_inside = r > 0;
                len++;
            } else if (len) {
                if (started_inside) {
                    runs++;
                    run_rounds += len;
                }
                len = 0;
            }
        }
    }
    double mean_run = (double)run_rounds / (double)runs;
    CU_ASSERT(runs > 1000);
    CU_ASSERT(fabs(mean_run - 1 / pbg) < 0.05 / pbg);
    free(pat);
    sgr_straggler_free(m);
}

static void test_ge_starts_stationary(void)
{
    /* Round 0 alone must already show the stationary bad fraction (not "all start good"). */
    const size_t n = 4000;
    sgr_straggler_cfg c = cfg_base(SGR_STRAG_GE);
    c.p_good_to_bad = 0.2;
    c.p_bad_to_good = 0.2;
    sgr_straggler_model *m = model_new_ok(&c, n, 3);
    bool *pat = model_draw(m, 1, n, NULL);
    double bad = (double)pattern_count(pat, n) / (double)n;
    CU_ASSERT(fabs(bad - 0.5) < 4 * sqrt(0.25 / (double)n));
    free(pat);
    sgr_straggler_free(m);
}

/* ---- bursty: generator ---- */

typedef struct {
    int B, W, lambda;
    size_t n;
    double p;
} bursty_case;

static void test_bursty_generator_respects_model(void)
{
    static const bursty_case cases[] = {
        {1, 1, 1, 4, 0.3},   {1, 3, 2, 6, 0.2},   {2, 4, 1, 5, 0.5},  {3, 3, 2, 6, 0.3},
        {4, 4, 4, 4, 0.9},   {2, 5, 8, 8, 0.4},   {3, 8, 3, 10, 0.1}, {1, 10, 1, 3, 1.0},
        {5, 10, 2, 16, 0.6}, {2, 2, 16, 16, 1.0}, {1, 4, 0, 5, 0.5},
    };
    const size_t rounds = 2000;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const bursty_case *bc = &cases[k];
        sgr_straggler_cfg c = cfg_base(SGR_STRAG_BURSTY);
        c.p = bc->p;
        c.slowdown = 2;
        c.burst_B = bc->B;
        c.burst_W = bc->W;
        c.burst_lambda = bc->lambda;
        sgr_straggler_model *m = model_new_ok(&c, bc->n, 100 + k);
        bool *pat = model_draw(m, rounds, bc->n, NULL);
        bool ok = sgr_straggler_pattern_is_bursty(pat, rounds, bc->n, bc->B, bc->W, bc->lambda);
        size_t count = pattern_count(pat, rounds * bc->n);
        if (!ok)
            fprintf(stderr, "case B=%d W=%d lambda=%d n=%zu: invalid pattern\n", bc->B, bc->W,
                    bc->lambda, bc->n);
        CU_ASSERT(ok);
        if (bc->lambda > 0) {
            /* Not trivially empty: at least a tenth of what one slot per window allows. */
            CU_ASSERT(count >= rounds / (size_t)bc->W / 10);
        } else {
            CU_ASSERT_EQUAL(count, 0);
        }
        free(pat);
        sgr_straggler_free(m);
    }
}

static void test_bursty_bursts_reach_B(void)
{
    /* With p = 1 and a roomy lambda, bursts of every length 1..B must appear: the generator
     * does not cut bursts it could legally continue. */
    const size_t n = 6, rounds = 2000;
    const int B = 4, W = 6;
    sgr_straggler_cfg c = cfg_base(SGR_STRAG_BURSTY);
    c.p = 1;
    c.burst_B = B;
    c.burst_W = W;
    c.burst_lambda = (int)n;
    sgr_straggler_model *m = model_new_ok(&c, n, 5);
    bool *pat = model_draw(m, rounds, n, NULL);
    size_t seen[8] = {0};
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        for (size_t r = 0; r <= rounds; r++) {
            if (r < rounds && pat[r * n + i]) {
                len++;
            } else if (len) {
                CU_ASSERT(len <= (size_t)B);
                if (len <= (size_t)B)
                    seen[len]++;
                len = 0;
            }
        }
    }
    for (int L = 1; L <= B; L++)
        CU_ASSERT(seen[L] > 0);
    free(pat);
    sgr_straggler_free(m);
}

/* ---- bursty: checker on hand-built patterns ---- */

/* Build a pattern from rows of '.' and 'x' (one string per round). */
static bool *pattern_from(const char *const *rows, size_t rounds, size_t n)
{
    bool *p = calloc(rounds * n, sizeof *p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    for (size_t r = 0; r < rounds; r++)
        for (size_t i = 0; i < n; i++)
            p[r * n + i] = rows[r][i] == 'x';
    return p;
}

#define CHECK_PATTERN(expect, B, W, lambda, ...)                                                   \
    do {                                                                                           \
        static const char *const rows_[] = {__VA_ARGS__};                                          \
        size_t rounds_ = sizeof rows_ / sizeof rows_[0], n_ = strlen(rows_[0]);                    \
        bool *p_ = pattern_from(rows_, rounds_, n_);                                               \
        CU_ASSERT_EQUAL(sgr_straggler_pattern_is_bursty(p_, rounds_, n_, B, W, lambda), expect);   \
        free(p_);                                                                                  \
    } while (0)

static void test_checker_rejects_violations(void)
{
    /* Three distinct stragglers within a window of 3, lambda 2. */
    CHECK_PATTERN(false, 1, 3, 2, "x...", "..x.", ".x..", "....");
    /* Same stragglers, but spread so that no window of 3 holds three of them. */
    CHECK_PATTERN(true, 1, 3, 2, "x...", "..x.", "....", ".x..");
    /* A burst of 3 with B = 2. */
    CHECK_PATTERN(false, 2, 4, 1, "x.", "x.", "x.", "..", "..");
    /* Two bursts of one worker inside a window of 4 (gap of one round). */
    CHECK_PATTERN(false, 2, 4, 1, "x.", "..", "x.", "..", "..");
    /* Two bursts separated by W-1 = 3 clean rounds: never in one window. */
    CHECK_PATTERN(true, 2, 4, 1, "x.", "..", "..", "..", "x.", "x.");
    /* ... but separated by only 2 clean rounds they share a window of 4. */
    CHECK_PATTERN(false, 2, 4, 1, "x.", "..", "..", "x.", "x.", "..");
    /* lambda = 0 forbids any straggler. */
    CHECK_PATTERN(false, 1, 1, 0, "...", ".x.");
    CHECK_PATTERN(true, 1, 1, 0, "...", "...");
}

static void test_checker_accepts_valid_and_edges(void)
{
    /* W = 1, B = 1: each round alone, up to lambda per round, any worker any round. */
    CHECK_PATTERN(true, 1, 1, 2, "xx.", ".xx", "x.x", "xx.");
    CHECK_PATTERN(false, 1, 1, 2, "xx.", "xxx");
    /* B = W: a worker may straggle in every round, every window holds one run. */
    CHECK_PATTERN(true, 3, 3, 1, "x..", "x..", "x..", "x..", "x..");
    /* lambda = n: everyone straggles at once in bursts of B. */
    CHECK_PATTERN(true, 2, 4, 3, "xxx", "xxx", "...", "...", "...", "xxx");
    /* Horizon shorter than W: the only windows are cut ones. */
    CHECK_PATTERN(true, 2, 10, 1, "x.", "x.", "..");
    CHECK_PATTERN(false, 2, 10, 1, "x.", "..", "x.");
    CHECK_PATTERN(false, 2, 10, 1, "x.", "..", ".x");
    /* A burst of B at the very start and at the very end. */
    CHECK_PATTERN(true, 2, 3, 1, "x.", "x.", "..", "..", ".x", ".x");
    /* The last full window [2, 4] holds two bursts; with W-1 clean rounds between, none. */
    CHECK_PATTERN(false, 1, 3, 1, "..", "..", "x.", "..", "x.");
    CHECK_PATTERN(true, 1, 3, 1, "..", "x.", "..", "..", "x.");
    /* Empty pattern and bad parameters. */
    CHECK_PATTERN(true, 1, 2, 1, "....");
    CHECK_PATTERN(false, 0, 2, 1, "....");
    CHECK_PATTERN(false, 1, 0, 1, "....");
    CHECK_PATTERN(false, 1, 2, -1, "....");
    CU_ASSERT(sgr_straggler_pattern_is_bursty(NULL, 0, 3, 1, 2, 1));
}

/* ---- trace ---- */

static char tmpdir[64];

static int trace_suite_init(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/sgr_trace_XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int trace_suite_clean(void)
{
    return rmdir(tmpdir);
}

/* Write text to a file in tmpdir; the path goes to buf. */
static const char *trace_write(const char *name, const char *text, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
    FILE *f = fopen(buf, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    return buf;
}

static void trace_expect_error(const char *name, const char *text, const char *needle)
{
    char path[256];
    double *v = (double *)&v;
    size_t rows, cols;
    sgr_err err = {{0}};
    trace_write(name, text, path, sizeof path);
    CU_ASSERT_EQUAL(sgr_trace_read_csv(path, &v, &rows, &cols, &err), -1);
    CU_ASSERT_PTR_NULL(v);
    if (!strstr(err.msg, needle) || !strstr(err.msg, path))
        fprintf(stderr, "message \"%s\" lacks \"%s\" or the path\n", err.msg, needle);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, needle));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, path));
    unlink(path);
}

static void test_trace_read_exact(void)
{
    char path[256];
    double *v;
    size_t rows, cols;
    sgr_err err;
    static const double want[] = {0.5, 1.25, 3, 0, 2e-3, 7.125};

    trace_write("plain.csv", "0.5,1.25,3\n0,2e-3, 7.125\n\n\n", path, sizeof path);
    CU_ASSERT_EQUAL_FATAL(sgr_trace_read_csv(path, &v, &rows, &cols, &err), 0);
    CU_ASSERT_EQUAL(rows, 2);
    CU_ASSERT_EQUAL(cols, 3);
    for (size_t j = 0; j < 6; j++)
        CU_ASSERT_EQUAL(v[j], want[j]);
    free(v);
    unlink(path);

    trace_write("header.csv", "w0,w1,w2\r\n0.5,1.25,3\r\n0,2e-3,7.125", path, sizeof path);
    CU_ASSERT_EQUAL_FATAL(sgr_trace_read_csv(path, &v, &rows, &cols, &err), 0);
    CU_ASSERT_EQUAL(rows, 2);
    CU_ASSERT_EQUAL(cols, 3);
    for (size_t j = 0; j < 6; j++)
        CU_ASSERT_EQUAL(v[j], want[j]);
    free(v);
    unlink(path);
}

static void test_trace_read_errors(void)
{
    trace_expect_error("cols.csv", "1,2,3\n4,5\n", ":2: row has 2 columns, expected 3");
    trace_expect_error("hdrcols.csv", "a,b,c\n4,5\n", ":2: row has 2 columns, expected 3");
    trace_expect_error("neg.csv", "1,2\n3,-0.5\n", ":2:3: field 2 is negative (-0.5)");
    trace_expect_error("nan.csv", "1,2\n3,4\n5,abc\n", ":3:3: field 2 is not a number");
    trace_expect_error("empty.csv", "1,,2\n", ":1:3: field 2 is not a number");
    trace_expect_error("mixed.csv", "1,x\n", ":1:3: field 2 is not a number");
    trace_expect_error("inf.csv", "1,inf\n", ":1:3:");
    trace_expect_error("none.csv", "w0,w1\n\n", "no rows");
    trace_expect_error("gap.csv", "1,2\n\n3,4\n", ":2: blank line");

    double *v;
    size_t rows, cols;
    sgr_err err = {{0}};
    char path[256];
    snprintf(path, sizeof path, "%s/missing.csv", tmpdir);
    CU_ASSERT_EQUAL(sgr_trace_read_csv(path, &v, &rows, &cols, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "missing.csv"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "No such file"));
}

static void test_trace_read_fuzz(void)
{
    /* Random short files over the characters that matter: the reader must either return a
     * consistent table of non-negative numbers or fail with a message, never crash. */
    static const char alphabet[] = "0123456789.,,,-e \n\n\rxa";
    char path[256], text[64];
    unsigned state = 12345;
    int accepted = 0, rejected = 0;
    for (int k = 0; k < 500; k++) {
        size_t len = (size_t)(k % 40);
        for (size_t j = 0; j < len; j++) {
            state = state * 1103515245u + 12345u;
            text[j] = alphabet[(state >> 16) % (sizeof alphabet - 1)];
        }
        text[len] = '\0';
        trace_write("fuzz.csv", text, path, sizeof path);
        double *v;
        size_t rows = 0, cols = 0;
        sgr_err err = {{0}};
        if (sgr_trace_read_csv(path, &v, &rows, &cols, &err) == 0) {
            CU_ASSERT(rows > 0 && cols > 0);
            for (size_t j = 0; j < rows * cols; j++)
                CU_ASSERT(v[j] >= 0 && isfinite(v[j]));
            free(v);
            accepted++;
        } else {
            CU_ASSERT(err.msg[0] != '\0');
            rejected++;
        }
    }
    CU_ASSERT(accepted > 10 && rejected > 10); /* both paths exercised */
    unlink(path);
}

static void test_trace_model(void)
{
    char path[256];
    sgr_err err = {{0}};
    sgr_straggle out[3];
    trace_write("model.csv", "a,b,c\n1,2,3\n4,5,6\n", path, sizeof path);

    sgr_straggler_cfg c = cfg_base(SGR_STRAG_TRACE);
    c.trace_path = path;
    expect_new_fails(&c, 4, "has 3 columns, scenario has 4 workers");

    sgr_straggler_model *m = model_new_ok(&c, 3, 1);
    CU_ASSERT_EQUAL(sgr_straggler_trace_rounds(m), 2);
    for (int r = 0; r < 2; r++) {
        CU_ASSERT_EQUAL_FATAL(sgr_straggler_next_round(m, out, &err), 0);
        for (int i = 0; i < 3; i++) {
            CU_ASSERT_EQUAL(out[i].task_time, 3 * r + i + 1);
            CU_ASSERT_EQUAL(out[i].factor, 1);
            CU_ASSERT_FALSE(out[i].straggler);
        }
    }
    CU_ASSERT_EQUAL(sgr_straggler_next_round(m, out, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "only 2 rounds"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "model.csv"));
    sgr_straggler_free(m);

    /* Errors in the file surface through sgr_straggler_new with the key and position. */
    trace_write("model.csv", "1,2,3\n4,x,6\n", path, sizeof path);
    expect_new_fails(&c, 3, "stragglers.trace");
    expect_new_fails(&c, 3, "model.csv:2:3:");
    unlink(path);
    expect_new_fails(&c, 3, "cannot open trace");
}

/* ---- determinism and failures ---- */

static sgr_straggler_cfg cfg_busy(sgr_straggler_kind kind)
{
    sgr_straggler_cfg c = cfg_base(kind);
    c.p = 0.3;
    c.slowdown = 2;
    c.delay_mean = 0.1;
    c.p_good_to_bad = 0.2;
    c.p_bad_to_good = 0.4;
    c.burst_B = 2;
    c.burst_W = 4;
    c.burst_lambda = 3;
    c.fail_prob = 0.05;
    return c;
}

static bool rounds_equal(const sgr_straggle *a, const sgr_straggle *b, size_t len)
{
    for (size_t j = 0; j < len; j++)
        if (a[j].factor != b[j].factor || a[j].delay != b[j].delay ||
            a[j].straggler != b[j].straggler || a[j].failed != b[j].failed)
            return false;
    return true;
}

static void test_same_seed_same_rounds(void)
{
    const size_t n = 8, rounds = 300;
    sgr_straggler_kind kinds[] = {SGR_STRAG_NONE, SGR_STRAG_IID, SGR_STRAG_GE, SGR_STRAG_BURSTY};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        sgr_straggler_cfg c = cfg_busy(kinds[k]);
        sgr_straggler_model *a = model_new_ok(&c, n, 1234);
        sgr_straggler_model *b = model_new_ok(&c, n, 1234);
        sgr_straggler_model *d = model_new_ok(&c, n, 1235);
        sgr_straggle *ra, *rb, *rd;
        free(model_draw(a, rounds, n, &ra));
        free(model_draw(b, rounds, n, &rb));
        free(model_draw(d, rounds, n, &rd));
        CU_ASSERT(rounds_equal(ra, rb, n * rounds));
        CU_ASSERT_FALSE(rounds_equal(ra, rd, n * rounds));
        free(ra);
        free(rb);
        free(rd);
        sgr_straggler_free(a);
        sgr_straggler_free(b);
        sgr_straggler_free(d);
    }
}

static void test_failures_and_delays_do_not_shift_stragglers(void)
{
    /* Turning failures on must leave who straggles, and by how much, unchanged. */
    const size_t n = 8, rounds = 300;
    sgr_straggler_cfg c = cfg_busy(SGR_STRAG_BURSTY);
    c.fail_prob = 0;
    sgr_straggler_model *a = model_new_ok(&c, n, 77);
    c.fail_prob = 0.5;
    sgr_straggler_model *b = model_new_ok(&c, n, 77);
    sgr_straggle *ra, *rb;
    free(model_draw(a, rounds, n, &ra));
    free(model_draw(b, rounds, n, &rb));
    for (size_t j = 0; j < n * rounds; j++) {
        rb[j].failed = ra[j].failed;
    }
    CU_ASSERT(rounds_equal(ra, rb, n * rounds));
    free(ra);
    free(rb);
    sgr_straggler_free(a);
    sgr_straggler_free(b);

    /* Likewise, asking for added delays must not change who straggles. */
    for (int kind = SGR_STRAG_IID; kind <= SGR_STRAG_BURSTY; kind++) {
        c = cfg_busy(kind);
        c.delay_mean = 0;
        a = model_new_ok(&c, n, 78);
        c.delay_mean = 2;
        b = model_new_ok(&c, n, 78);
        bool *pa = model_draw(a, rounds, n, NULL), *pb = model_draw(b, rounds, n, NULL);
        CU_ASSERT(memcmp(pa, pb, n * rounds * sizeof *pa) == 0);
        free(pa);
        free(pb);
        sgr_straggler_free(a);
        sgr_straggler_free(b);
    }
}

static void test_fail_prob_frequency(void)
{
    const size_t n = 20, rounds = 1000;
    const double q = 0.07;
    sgr_straggler_kind kinds[] = {SGR_STRAG_NONE, SGR_STRAG_IID, SGR_STRAG_GE, SGR_STRAG_BURSTY};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        sgr_straggler_cfg c = cfg_busy(kinds[k]);
        c.fail_prob = q;
        sgr_straggler_model *m = model_new_ok(&c, n, 11 + k);
        sgr_straggle *all;
        free(model_draw(m, rounds, n, &all));
        size_t failed = 0;
        for (size_t j = 0; j < n * rounds; j++)
            failed += all[j].failed;
        double N = (double)(n * rounds);
        CU_ASSERT(fabs((double)failed / N - q) < 4 * sqrt(q * (1 - q) / N));
        free(all);
        sgr_straggler_free(m);
    }
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("straggler_config", NULL, NULL);
    TEST_ADD(s, test_validation_names_the_key);
    TEST_ADD(s, test_unused_parameters_are_ignored);
    TEST_ADD(s, test_kind_parse);
    s = CU_add_suite("straggler_iid", NULL, NULL);
    TEST_ADD(s, test_iid_frequency_and_delay);
    TEST_ADD(s, test_iid_extremes);
    s = CU_add_suite("straggler_ge", NULL, NULL);
    TEST_ADD(s, test_ge_stationary_and_bursts);
    TEST_ADD(s, test_ge_starts_stationary);
    s = CU_add_suite("straggler_bursty", NULL, NULL);
    TEST_ADD(s, test_bursty_generator_respects_model);
    TEST_ADD(s, test_bursty_bursts_reach_B);
    TEST_ADD(s, test_checker_rejects_violations);
    TEST_ADD(s, test_checker_accepts_valid_and_edges);
    s = CU_add_suite("straggler_trace", trace_suite_init, trace_suite_clean);
    TEST_ADD(s, test_trace_read_exact);
    TEST_ADD(s, test_trace_read_errors);
    TEST_ADD(s, test_trace_read_fuzz);
    TEST_ADD(s, test_trace_model);
    s = CU_add_suite("straggler_seed", NULL, NULL);
    TEST_ADD(s, test_same_seed_same_rounds);
    TEST_ADD(s, test_failures_and_delays_do_not_shift_stragglers);
    TEST_ADD(s, test_fail_prob_frequency);
    return test_run_all();
}
