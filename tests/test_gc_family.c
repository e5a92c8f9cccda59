/* End-to-end tests of the gradient-coding family through the `simgrad` command, as a user
 * runs it: exact decoding on real gradients, training equal to uncoded, the SimGrid rounds
 * following the paper's round model exactly in trace mode, stragglers cancelled while their
 * result is on the wire, and bad parameters. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "simgrad/sgc.h"
#include "simgrad/straggler.h"
#include "testutil.h"

static char tmpdir[256];

static const char *bin(void)
{
    const char *b = getenv("SIMGRAD_BIN");
    return b ? b : "./simgrad";
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

/* Run `simgrad run` on scenario text with extra args; returns the exit status. */
static int run(const char *name, const char *scenario, const char *extra)
{
    char path[512], cmd[2048];
    snprintf(path, sizeof path, "%s/%s.json", tmpdir, name);
    write_file(path, scenario);
    snprintf(cmd, sizeof cmd, "%s run %s --quiet --out %s/%s %s >%s/%s.out 2>%s/%s.err", bin(),
             path, tmpdir, name, extra ? extra : "", tmpdir, name, tmpdir, name);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static json_t *summary(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/summary.json", tmpdir, name);
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    if (!j)
        fprintf(stderr, "\ncannot read %s: %s\n", path, e.text);
    return j;
}

static json_t *scheme(json_t *sum, const char *name)
{
    json_t *arr = json_object_get(json_object_get(sum, "results"), "schemes");
    size_t i;
    json_t *s;
    json_array_foreach(arr, i, s) if (strcmp(json_string_value(json_object_get(s, "scheme")),
                                             name) == 0) return s;
    return NULL;
}

static double num(json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

static const char *small =
    "{\"seed\": 5,"
    " \"platform\": {\"type\": \"star\", \"hosts\": 17, \"host_speed\": \"200Mf\","
    "                \"host_bw\": \"100Gbps\"},"
    " \"stragglers\": {\"model\": \"bursty\", \"p\": 0.15, \"slowdown\": 8,"
    "                  \"burst_B\": 1, \"burst_W\": 2, \"burst_lambda\": 3},"
    " \"workload\": {\"model\": \"softmax\", \"dataset\": \"synthetic\", \"samples\": 3000,"
    "                \"features\": 12, \"classes\": 4, \"l2\": 0.001},"
    " \"algorithm\": {\"family\": \"gradient-coding\", \"workers\": 16, \"jobs\": 24, \"s\": 3,"
    "   \"srsgc_B\": 1, \"srsgc_W\": 2, \"srsgc_lambda\": 3,"
    "   \"msgc_B\": 1, \"msgc_W\": 2, \"msgc_lambda\": 3, \"learning_rate\": 0.5,"
    "   \"schemes\": \"uncoded,ignore-stragglers,gc,sr-sgc,m-sgc\"}}";

static void test_exact_decoding_and_training(void)
{
    CU_ASSERT_EQUAL_FATAL(run("small", small, NULL), 0);
    json_t *sum = summary("small");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sum);
    CU_ASSERT_EQUAL(num(json_object_get(sum, "results"), "decode_failures"), 0);
    json_t *unc = scheme(sum, "uncoded");
    CU_ASSERT_PTR_NOT_NULL_FATAL(unc);
    double loss_unc = num(unc, "final_train_loss");
    const char *exact[] = {"gc", "sr-sgc", "m-sgc"};
    for (int i = 0; i < 3; i++) {
        json_t *s = scheme(sum, exact[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        /* decoded = true gradient on real data, and training is the same as uncoded's */
        CU_ASSERT(num(s, "max_decode_rel_error") < 1e-8);
        CU_ASSERT(fabs(num(s, "final_train_loss") - loss_unc) <= 1e-9 * fabs(loss_unc));
        /* the schemes are designed for this bursty model: they never wait */
        CU_ASSERT_EQUAL(num(s, "waits"), 0);
    }
    /* ignoring stragglers gives an approximate gradient, and says how far off it is */
    json_t *ign = scheme(sum, "ignore-stragglers");
    CU_ASSERT(num(ign, "max_decode_rel_error") > 1e-6);
    /* stragglers cost the uncoded scheme waits */
    CU_ASSERT(num(unc, "waits") > 0);
    /* M-SGC's published load for (1,2,3), n = 16: (3+1)*2/(16*(1+1*4)) = 0.1 */
    CU_ASSERT_DOUBLE_EQUAL(num(scheme(sum, "m-sgc"), "load"), 0.1, 1e-12);
    json_decref(sum);
}

/* Per-round durations of scheme index `k` from metrics.csv. */
static size_t read_durations(const char *name, int k, double *out, size_t max)
{
    char path[512], line[1024];
    snprintf(path, sizeof path, "%s/%s/metrics.csv", tmpdir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t count = 0;
    fgets(line, sizeof line, f);
    while (fgets(line, sizeof line, f) && count < max) {
        int scheme;
        double round, t, st, dur;
        if (sscanf(line, "%d,%lf,%lf,%lf,%lf", &scheme, &round, &t, &st, &dur) == 5 &&
            scheme == k)
            out[count++] = dur;
    }
    fclose(f);
    return count;
}

/* Trace mode with an ideal network: every round's duration is exactly the round model's. */
static void test_trace_follows_round_model(void)
{
    const size_t n = 12, rounds = 30;
    char trace[512];
    snprintf(trace, sizeof trace, "%s/trace.csv", tmpdir);
    FILE *f = fopen(trace, "w");
    srand(7);
    double *delays = malloc(rounds * n * sizeof *delays);
    for (size_t r = 0; r < rounds; r++)
        for (size_t w = 0; w < n; w++) {
            double d = 1.0 + 0.1 * (rand() % 10);
            if (rand() % 9 == 0)
                d *= 4; /* a straggler */
            delays[r * n + w] = d;
            fprintf(f, "%s%.6f", w ? "," : "", d);
            if (w + 1 == n)
                fputc('\n', f);
        }
    fclose(f);
    char scn[2048];
    snprintf(scn, sizeof scn,
             "{\"seed\": 3, \"platform\": {\"type\": \"star\", \"hosts\": 13},"
             " \"stragglers\": {\"model\": \"trace\", \"trace\": \"%s\"},"
             " \"workload\": {\"model\": \"lsq\", \"dataset\": \"synthetic\", \"samples\": 2000,"
             "                \"features\": 6},"
             " \"algorithm\": {\"family\": \"gradient-coding\", \"workers\": 12, \"jobs\": 26,"
             "   \"s\": 2, \"srsgc_B\": 2, \"srsgc_W\": 3, \"srsgc_lambda\": 3, \"msgc_B\": 2,"
             "   \"msgc_W\": 3, \"msgc_lambda\": 3, \"mu\": 0.5, \"ideal_network\": true,"
             "   \"trace_base_load\": 0.1, \"trace_base_comp\": \"2s\","
             "   \"schemes\": \"uncoded,gc,sr-sgc,m-sgc\"}}",
             trace);
    CU_ASSERT_EQUAL_FATAL(run("trace", scn, NULL), 0);
    sgr_scheme_kind kinds[] = {SGR_SCHEME_UNCODED, SGR_SCHEME_GC, SGR_SCHEME_SRSGC,
                               SGR_SCHEME_MSGC};
    for (int k = 0; k < 4; k++) {
        sgr_sgc_params p = {.kind = kinds[k], .n = n, .jobs = 26, .samples = 2000, .s = 2,
                            .B = 2, .W = 3, .lambda = 3, .code = SGR_GC_CYCLIC, .seed = 3};
        sgr_err err;
        sgr_sgc *sc = sgr_sgc_new(&p, &err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
        size_t R = sgr_sgc_rounds(sc);
        double *adj = malloc(R * n * sizeof *adj), *expect = malloc(R * sizeof *expect),
               *got = malloc(R * sizeof *got);
        for (size_t i = 0; i < R * n; i++)
            adj[i] = delays[i] + (sgr_sgc_load(sc) - 0.1) * 2.0;
        size_t waits;
        CU_ASSERT(sgr_sgc_simulate(sc, adj, 0.5, expect, &waits, &err) > 0);
        size_t count = read_durations("trace", k, got, R);
        CU_ASSERT_EQUAL(count, R);
        for (size_t r = 0; r < count && r < R; r++) {
            if (fabs(got[r] - expect[r]) > 1e-9 * (1 + expect[r])) {
                fprintf(stderr, "\n%s round %zu: simulated %.9f, round model %.9f\n",
                        sgr_scheme_name(kinds[k]), r, got[r], expect[r]);
                CU_FAIL("round duration differs from the round model");
                break;
            }
        }
        free(adj);
        free(expect);
        free(got);
        sgr_sgc_free(sc);
    }
    free(delays);
}

/* A straggler whose result is already on the wire at the (1+mu) m deadline is not killed: killing
 * it cancelled the transfer, the master's receive failed and SimGrid aborted the run (seen with
 * gc-16-bursty.json at 100Mbps). Two workers, gc with s = 1, mu = 1, 128 kbps: the fast worker's
 * 8 kB result takes T ~ 0.52 s, so the deadline is 2 (1 + T) ~ 3.03 s, and a straggler computing
 * 2.75 s sends over [2.75, 3.27] s, across it (last round too: drained before uncoded starts). */
static void test_straggler_sending_at_deadline(void)
{
    char trace[512], scn[1024];
    snprintf(trace, sizeof trace, "%s/on_the_wire.csv", tmpdir);
    write_file(trace, "1,1\n2.75,1\n1,1\n2.75,1\n1,1\n2.75,1\n");
    snprintf(
        scn, sizeof scn,
        "{\"seed\": 1, \"platform\": {\"type\": \"star\", \"hosts\": 3, \"host_bw\": \"128kbps\"},"
        " \"stragglers\": {\"model\": \"trace\", \"trace\": \"%s\"},"
        " \"workload\": {\"model\": \"lsq\", \"dataset\": \"synthetic\", \"samples\": 200,"
        "                \"features\": 1000},"
        " \"algorithm\": {\"family\": \"gradient-coding\", \"workers\": 2, \"jobs\": 6,"
        "   \"s\": 1, \"mu\": 1, \"schemes\": \"gc,uncoded\"}}",
        trace);
    CU_ASSERT_EQUAL_FATAL(run("on_the_wire", scn, NULL), 0);
    json_t *sum = summary("on_the_wire");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sum);
    CU_ASSERT_EQUAL(num(json_object_get(sum, "results"), "decode_failures"), 0);
    json_t *gc = scheme(sum, "gc"), *unc = scheme(sum, "uncoded");
    CU_ASSERT_PTR_NOT_NULL_FATAL(gc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(unc);
    /* the three late results were dropped, and decoding without them is exact */
    CU_ASSERT_EQUAL(num(gc, "rounds"), 6);
    CU_ASSERT_EQUAL(num(gc, "stragglers_dropped"), 3);
    CU_ASSERT_EQUAL(num(gc, "waits"), 0);
    CU_ASSERT(num(gc, "max_decode_rel_error") < 1e-8);
    double loss_unc = num(unc, "final_train_loss");
    CU_ASSERT(fabs(num(gc, "final_train_loss") - loss_unc) <= 1e-9 * fabs(loss_unc));
    json_decref(sum);
}

static void expect_error(const char *name, const char *algo, const char *phrase)
{
    char scn[1024], path[512], msg[2048] = "";
    snprintf(scn, sizeof scn,
             "{\"platform\": {\"type\": \"star\", \"hosts\": 9},"
             " \"workload\": {\"model\": \"lsq\", \"dataset\": \"synthetic\", \"samples\": 900,"
             "                \"features\": 4},"
             " \"algorithm\": {\"family\": \"gradient-coding\", \"workers\": 8, \"jobs\": 4, %s}}",
             algo);
    CU_ASSERT_EQUAL(run(name, scn, NULL), 2);
    snprintf(path, sizeof path, "%s/%s.err", tmpdir, name);
    FILE *f = fopen(path, "r");
    if (f) {
        size_t len = fread(msg, 1, sizeof msg - 1, f);
        msg[len] = '\0';
        fclose(f);
    }
    if (!strstr(msg, phrase))
        fprintf(stderr, "\n%s: message \"%s\" lacks \"%s\"\n", name, msg, phrase);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, phrase));
}

static void test_bad_parameters(void)
{
    expect_error("s_ge_n", "\"s\": 8, \"schemes\": \"gc\"", "algorithm.s = 8 must be <");
    expect_error("srsgc_wb", "\"srsgc_B\": 2, \"srsgc_W\": 4, \"schemes\": \"sr-sgc\"",
                 "algorithm.srsgc_W - 1 to be a multiple of algorithm.srsgc_B");
    expect_error("msgc_bw", "\"msgc_B\": 3, \"msgc_W\": 3, \"schemes\": \"m-sgc\"",
                 "algorithm.msgc_B < algorithm.msgc_W");
    expect_error("lambda", "\"msgc_lambda\": 9, \"schemes\": \"m-sgc\"", "algorithm.msgc_lambda = 9");
    expect_error("scheme", "\"schemes\": \"gc,turbo\"", "unknown scheme \"turbo\"");
    expect_error("fractional", "\"s\": 2, \"code\": \"fractional\", \"schemes\": \"gc\"",
                 "divide");
    char trace[512], algo[1024];
    snprintf(trace, sizeof trace, "%s/short.csv", tmpdir);
    write_file(trace, "1,1,1,1,1,1,1,1\n1,1,1,1,1,1,1,1\n");
    snprintf(algo, sizeof algo,
             "\"schemes\": \"gc\"}, \"stragglers\": {\"model\": \"trace\", \"trace\": \"%s\"",
             trace);
    expect_error("trace_rounds", algo, "stragglers.trace has 2 rounds; the schemes need 4");
    write_file(trace, "1,1,1,1,1,1,1\n");
    expect_error("trace_cols", algo, "has 7 columns");
    write_file(trace, "1,1,1,1,1,1,1,-1\n1,1,1,1,1,1,1,1\n1,1,1,1,1,1,1,1\n1,1,1,1,1,1,1,1\n");
    expect_error("trace_negative", algo, "short.csv:1:");
    expect_error("models", "\"models\": 1, \"schemes\": \"m-sgc\", \"msgc_B\": 1, \"msgc_W\": 3",
                 "algorithm.models = 1");
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/simgrad-gc-XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("gradient_coding_family", NULL, NULL);
    TEST_ADD(s, test_exact_decoding_and_training);
    TEST_ADD(s, test_trace_follows_round_model);
    TEST_ADD(s, test_straggler_sending_at_deadline);
    TEST_ADD(s, test_bad_parameters);
    int rc = test_run_all();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        rc = rc ? rc : 1;
    return rc;
}
