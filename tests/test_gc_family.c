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
    json_array_foreach(
        arr, i, s) if (strcmp(json_string_value(json_object_get(s, "scheme")), name) == 0) return s;
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
        if (sscanf(line, "%d,%lf,%lf,%lf,%lf", &scheme, &round, &t, &st, &dur) == 5 && scheme == k)
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
        sgr_sgc_params p = {.kind = kinds[k],
                            .n = n,
                            .jobs = 26,
                            .samples = 2000,
                            .s = 2,
                            .B = 2,
                            .W = 3,
                            .lambda = 3,
                            .code = SGR_GC_CYCLIC,
                            .seed = 3};
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

/* Run `simgrad search --json` on a scenario file written by run(); returns the exit status. */
static int search_json(const char *name, const char *extra)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "%s search %s/%s.json --json %s/%s.search.json %s >%s/%s.sout 2>%s/%s.serr", bin(),
             tmpdir, name, tmpdir, name, extra ? extra : "", tmpdir, name, tmpdir, name);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static json_t *search_scheme(json_t *res, const char *name)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(res, "schemes"), i,
                       s) if (strcmp(json_string_value(json_object_get(s, "scheme")), name) ==
                              0) return s;
    return NULL;
}

/* A 12-worker trace of `rows` rounds: ~1 s tasks, one in nine straggling (x4), in bursts. */
static void write_study_trace(const char *path, size_t rows)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    srand(11);
    bool prev[12] = {false};
    for (size_t r = 0; r < rows; r++)
        for (size_t w = 0; w < 12; w++) {
            bool late = rand() % 9 == 0 || (prev[w] && rand() % 2 == 0);
            prev[w] = late;
            fprintf(f, "%s%.6f", w ? "," : "", (1.0 + 0.05 * (rand() % 10)) * (late ? 4 : 1));
            if (w + 1 == 12)
                fputc('\n', f);
        }
    fclose(f);
}

static const char *const all_schemes[] = {"uncoded", "ignore-stragglers", "gc", "sr-sgc", "m-sgc"};

/* Trace mode with an ideal network is the round model: `simgrad run` and `simgrad search` give
 * every scheme the same runtime (to 1e-9 relative) and waits, under both rule sets, and
 * decoding costs nothing unless algorithm.decode_cost asks for it. The decoded gradients are
 * exact under both rule sets (the reference's SR-SGC filler tasks included). */
static void test_run_equals_search(void)
{
    char trace[512], scn[2048];
    snprintf(trace, sizeof trace, "%s/study.csv", tmpdir);
    write_study_trace(trace, 40);
    const char *rules[] = {"simgrad", "reference"};
    for (int k = 0; k < 2; k++) {
        char name[64];
        snprintf(name, sizeof name, "study-%s", rules[k]);
        snprintf(scn, sizeof scn,
                 "{\"seed\": 3, \"platform\": {\"type\": \"star\", \"hosts\": 13},"
                 " \"stragglers\": {\"model\": \"trace\", \"trace\": \"%s\"},"
                 " \"workload\": {\"model\": \"lsq\", \"dataset\": \"synthetic\", \"samples\": 600,"
                 "                \"features\": 5},"
                 " \"algorithm\": {\"family\": \"gradient-coding\", \"workers\": 12, \"jobs\": 30,"
                 "   \"s\": 3, \"srsgc_B\": 2, \"srsgc_W\": 3, \"srsgc_lambda\": 4, \"msgc_B\": 1,"
                 "   \"msgc_W\": 3, \"msgc_lambda\": 3, \"mu\": 0.5, \"ideal_network\": true,"
                 "   \"trace_base_load\": 0.05, \"trace_base_comp\": \"1.5s\", \"rules\": \"%s\","
                 "   \"schemes\": \"uncoded,ignore-stragglers,gc,sr-sgc,m-sgc\"}}",
                 trace, rules[k]);
        CU_ASSERT_EQUAL_FATAL(run(name, scn, NULL), 0);
        CU_ASSERT_EQUAL_FATAL(search_json(name, NULL), 0);
        json_t *sum = summary(name), *res = NULL;
        char path[512];
        snprintf(path, sizeof path, "%s/%s.search.json", tmpdir, name);
        res = json_load_file(path, 0, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sum);
        CU_ASSERT_PTR_NOT_NULL_FATAL(res);
        json_t *results = json_object_get(sum, "results");
        CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(results, "rules")), rules[k]);
        CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "rules")), rules[k]);
        CU_ASSERT(json_is_false(json_object_get(results, "decode_charged")));
        for (int i = 0; i < 5; i++) {
            json_t *r = scheme(sum, all_schemes[i]), *q = search_scheme(res, all_schemes[i]);
            CU_ASSERT_PTR_NOT_NULL_FATAL(r);
            CU_ASSERT_PTR_NOT_NULL_FATAL(q);
            double t_run = num(r, "runtime_s"), t_search = num(q, "configured_runtime_s");
            if (fabs(t_run - t_search) > 1e-9 * t_search || t_search <= 0)
                fprintf(stderr, "\n%s %s: run %.12g s, search %.12g s\n", rules[k], all_schemes[i],
                        t_run, t_search);
            CU_ASSERT(t_search > 0 && fabs(t_run - t_search) <= 1e-9 * t_search);
            CU_ASSERT_EQUAL(num(r, "waits"), num(q, "configured_waits"));
            CU_ASSERT_EQUAL(num(r, "decode_s"), 0);
            CU_ASSERT(fabs(num(r, "rounds_s") - t_run) <= 1e-9 * t_run);
            if (i >= 2)
                CU_ASSERT(num(r, "max_decode_rel_error") < 1e-8);
        }
        CU_ASSERT_EQUAL(num(json_object_get(sum, "results"), "decode_failures"), 0);
        /* decoding charged on request: the rounds are the same, decode_s is added */
        char name2[80];
        snprintf(name2, sizeof name2, "%s-decode", name);
        CU_ASSERT_EQUAL_FATAL(run(name2, scn, "--set algorithm.decode_cost=true"), 0);
        json_t *sum2 = summary(name2);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sum2);
        CU_ASSERT(
            json_is_true(json_object_get(json_object_get(sum2, "results"), "decode_charged")));
        for (int i = 0; i < 5; i++) {
            json_t *r = scheme(sum2, all_schemes[i]), *q = search_scheme(res, all_schemes[i]);
            double t_search = num(q, "configured_runtime_s");
            CU_ASSERT(num(r, "decode_s") > 0);
            CU_ASSERT(fabs(num(r, "rounds_s") - t_search) <= 1e-9 * t_search);
            CU_ASSERT(fabs(num(r, "runtime_s") - num(r, "rounds_s") - num(r, "decode_s")) <=
                      1e-9 * t_search);
        }
        json_decref(sum2);
        json_decref(sum);
        json_decref(res);
    }
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
    expect_error("lambda", "\"msgc_lambda\": 9, \"schemes\": \"m-sgc\"",
                 "algorithm.msgc_lambda = 9");
    expect_error("scheme", "\"schemes\": \"gc,turbo\"", "unknown scheme \"turbo\"");
    expect_error("fractional", "\"s\": 2, \"code\": \"fractional\", \"schemes\": \"gc\"", "divide");
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

/* The reference's SR-SGC final round end to end (the case of test_sgc.c's
 * test_reference_srsgc_final_rounds): n = 3, one job, (B, W, lambda) = (1, 2, 2), mu = 1,
 * trace {1, 5, 5}, {1, 3, 10}. Reference: workers 0 and 2 compute filler in round 1 and its
 * 10 s count: 2 + 10 = 12 s, one wait; simgrad: worker 1 alone, 2 + 3 = 5 s. The job decodes
 * exactly either way, over an ideal network and over SimGrid's. */
static void test_reference_filler_end_to_end(void)
{
    char trace[512], scn[1024];
    snprintf(trace, sizeof trace, "%s/filler.csv", tmpdir);
    write_file(trace, "1,5,5\n1,3,10\n");
    const char *rules[] = {"simgrad", "reference"};
    double expect[] = {5.0, 12.0};
    for (int k = 0; k < 4; k++) {
        bool ideal = k < 2;
        snprintf(scn, sizeof scn,
                 "{\"seed\": 1, \"platform\": {\"type\": \"star\", \"hosts\": 4},"
                 " \"stragglers\": {\"model\": \"trace\", \"trace\": \"%s\"},"
                 " \"workload\": {\"model\": \"lsq\", \"dataset\": \"synthetic\", \"samples\": 90,"
                 "                \"features\": 3},"
                 " \"algorithm\": {\"family\": \"gradient-coding\", \"workers\": 3, \"jobs\": 1,"
                 "   \"srsgc_B\": 1, \"srsgc_W\": 2, \"srsgc_lambda\": 2, \"mu\": 1,"
                 "   \"ideal_network\": %s, \"rules\": \"%s\", \"schemes\": \"sr-sgc\"}}",
                 trace, ideal ? "true" : "false", rules[k % 2]);
        char name[64];
        snprintf(name, sizeof name, "filler-%d", k);
        CU_ASSERT_EQUAL_FATAL(run(name, scn, NULL), 0);
        json_t *sum = summary(name);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sum);
        json_t *r = scheme(sum, "sr-sgc");
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        CU_ASSERT_EQUAL(num(json_object_get(sum, "results"), "decode_failures"), 0);
        CU_ASSERT(num(r, "max_decode_rel_error") < 1e-8);
        if (ideal) {
            CU_ASSERT_DOUBLE_EQUAL(num(r, "runtime_s"), expect[k % 2], 1e-9);
            CU_ASSERT_EQUAL(num(r, "waits"), k % 2);
        }
        json_decref(sum);
    }
}

/* base_comp fitted from load profiles: every task time against its profile's load, with an
 * intercept. Profiles at loads 0, 0.25 and 1 with times {1}, {2, 2, 2} (one row of 3
 * workers: profiles need not have the scenario's workers) and {4}: slope 66/23, intercept
 * 55/46 (worked out in test_gc_search.c). The base trace itself is not part of the fit. */
static void test_trace_fit(void)
{
    char scn[4096], f0[512], f1[512], f2[512], trace[512];
    snprintf(f0, sizeof f0, "%s/p0.csv", tmpdir);
    snprintf(f1, sizeof f1, "%s/p1.csv", tmpdir);
    snprintf(f2, sizeof f2, "%s/p2.csv", tmpdir);
    snprintf(trace, sizeof trace, "%s/base.csv", tmpdir);
    write_file(f0, "1\n");
    write_file(f1, "w0,w1,w2\n2,2,2\n");
    write_file(f2, "4\n");
    write_file(trace, "1,1\n1,1\n1,1\n");
    snprintf(scn, sizeof scn,
             "{\"platform\": {\"type\": \"star\", \"hosts\": 3},"
             " \"stragglers\": {\"model\": \"trace\", \"trace\": \"%s\"},"
             " \"workload\": {\"model\": \"lsq\", \"dataset\": \"synthetic\", \"samples\": 40,"
             "                \"features\": 3},"
             " \"algorithm\": {\"family\": \"gradient-coding\", \"workers\": 2, \"jobs\": 3,"
             "   \"ideal_network\": true, \"schemes\": \"uncoded\","
             "   \"trace_fit\": \"%s@0,%s@0.25,%s@1\"}}",
             trace, f0, f1, f2);
    CU_ASSERT_EQUAL_FATAL(run("fit", scn, NULL), 0);
    json_t *sum = summary("fit");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sum);
    json_t *tc = json_object_get(json_object_get(sum, "results"), "trace_comp");
    CU_ASSERT_PTR_NOT_NULL_FATAL(tc);
    CU_ASSERT_DOUBLE_EQUAL(num(tc, "base_comp_s"), 66.0 / 23.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(num(tc, "intercept_s"), 55.0 / 46.0, 1e-9);
    CU_ASSERT_EQUAL(num(tc, "points"), 5);
    CU_ASSERT_EQUAL(num(tc, "profiles"), 3);
    /* uncoded at load 1/2, base_load 0: every task 1 + 0.5 x 66/23 s, three rounds */
    CU_ASSERT_DOUBLE_EQUAL(num(scheme(sum, "uncoded"), "runtime_s"), 3 * (1 + 33.0 / 23.0), 1e-9);
    json_decref(sum);
}

/* Bad input for the reference rules, the profiles and the layout: exit 2, one message. */
static void test_bad_reference_inputs(void)
{
    expect_error("rules", "\"rules\": \"paper\", \"schemes\": \"gc\"", "algorithm.rules");
    expect_error("ref_s", "\"rules\": \"reference\", \"s\": 9, \"schemes\": \"gc\"",
                 "algorithm.s = 9 must be in [1, algorithm.workers = 8]");
    char prof[512], good[512], algo[2048];
    snprintf(prof, sizeof prof, "%s/ragged.csv", tmpdir);
    snprintf(good, sizeof good, "%s/good.csv", tmpdir);
    write_file(prof, "1,2,3\n1,2\n");
    write_file(good, "1,1,1,1,1,1,1,1\n1,1,1,1,1,1,1,1\n1,1,1,1,1,1,1,1\n1,1,1,1,1,1,1,1\n");
    const char *tail =
        "\"schemes\": \"gc\"}, \"stragglers\": {\"model\": \"trace\", \"trace\": \"%s\"";
    char fmt[1024];
    snprintf(fmt, sizeof fmt, "\"trace_fit\": \"%%s@0,%%s@0.5\", %s", tail);
    snprintf(algo, sizeof algo, fmt, prof, good, good);
    expect_error("ragged", algo, "algorithm.trace_fit");
    expect_error("ragged2", algo, "ragged.csv:2: row has 2 columns, expected 3");
    write_file(prof, "1,2\n1,-2\n");
    expect_error("negative", algo, "ragged.csv:2:3: field 2 is negative (-2)");
    snprintf(fmt, sizeof fmt, "\"trace_fit\": \"%%s@0.5\", %s", tail);
    snprintf(algo, sizeof algo, fmt, good, good);
    expect_error("one_load", algo, "needs profiles at two loads or more (got 1)");
    snprintf(fmt, sizeof fmt, "\"trace_fit\": \"%%s@0.5,%%s@0.5\", %s", tail);
    snprintf(algo, sizeof algo, fmt, good, good, good);
    expect_error("same_load", algo, "two distinct loads");
    snprintf(fmt, sizeof fmt, "\"trace_fit\": \"%%s@0.5,%%s@0\", %s", tail);
    write_file(prof, "2\n");
    snprintf(algo, sizeof algo, fmt, good, prof, good);
    expect_error("slope", algo, "the fitted base_comp is negative");
    /* M-SGC (1, 2, 3) on 8 workers needs 8 x 4 + 8 = 40 rows: run refuses 39, search does
     * not depend on it, tries every set and lists those run would refuse */
    const char *msgc = "\"schemes\": \"m-sgc\", \"msgc_B\": 1, \"msgc_W\": 2, \"msgc_lambda\": 3";
    char scn[1024];
    snprintf(scn, sizeof scn,
             "{\"platform\": {\"type\": \"star\", \"hosts\": 9},"
             " \"workload\": {\"model\": \"lsq\", \"dataset\": \"synthetic\", \"samples\": 39,"
             "                \"features\": 4},"
             " \"algorithm\": {\"family\": \"gradient-coding\", \"workers\": 8, \"jobs\": 4, %s}}",
             msgc);
    CU_ASSERT_EQUAL(run("layout", scn, NULL), 2);
    char path[512], msg[4096] = "";
    snprintf(path, sizeof path, "%s/layout.err", tmpdir);
    FILE *f = fopen(path, "r");
    if (f) {
        msg[fread(msg, 1, sizeof msg - 1, f)] = '\0';
        fclose(f);
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "workload.samples = 39 is too few for m-sgc"));
    CU_ASSERT_EQUAL_FATAL(search_json("layout", NULL), 0);
    snprintf(path, sizeof path, "%s/layout.search.json", tmpdir);
    json_t *res = json_load_file(path, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(res);
    json_t *q = search_scheme(res, "m-sgc");
    /* simgrad rules, max delay 3, max W 6: W = 2..5 with W-2+B <= 3, 8 lambdas: 8 x 4 = 32 */
    CU_ASSERT_EQUAL(num(q, "tried"), 32);
    CU_ASSERT(num(q, "cannot_run_count") > 0);
    CU_ASSERT(num(q, "cannot_run_count") < 32); /* lambda = 8 (no coded part) fits in 39 */
    json_decref(res);
    /* an unknown rule set for search is a schema error too */
    CU_ASSERT_EQUAL(search_json("layout", "--rules paper"), 2);
    /* --rules R is --set algorithm.rules=R: the same results, byte for byte */
    char a[512], b[2048];
    CU_ASSERT_EQUAL_FATAL(search_json("layout", "--rules reference"), 0);
    snprintf(a, sizeof a, "%s/layout-rules.json", tmpdir);
    snprintf(path, sizeof path, "%s/layout.search.json", tmpdir);
    CU_ASSERT_EQUAL_FATAL(rename(path, a), 0);
    CU_ASSERT_EQUAL_FATAL(search_json("layout", "--set algorithm.rules=reference"), 0);
    snprintf(b, sizeof b, "cmp -s %s %s && grep -q '\"rules\": \"reference\"' %s", a, path, a);
    CU_ASSERT_EQUAL(system(b), 0);
    /* the family's options: bad values and unknown options are the user's mistakes */
    CU_ASSERT_EQUAL(search_json("layout", "--max-delay 0"), 2);
    CU_ASSERT_EQUAL(search_json("layout", "--max-W x"), 2);
    CU_ASSERT_EQUAL(search_json("layout", "--frobnicate 3"), 2);
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
    TEST_ADD(s, test_run_equals_search);
    TEST_ADD(s, test_straggler_sending_at_deadline);
    TEST_ADD(s, test_bad_parameters);
    TEST_ADD(s, test_reference_filler_end_to_end);
    TEST_ADD(s, test_trace_fit);
    TEST_ADD(s, test_bad_reference_inputs);
    int rc = test_run_all();
    char cmd[300];
    /* SIMGRAD_TEST_KEEP=1 keeps the runs to look at */
    snprintf(cmd, sizeof cmd, getenv("SIMGRAD_TEST_KEEP") ? "echo kept %s" : "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        rc = rc ? rc : 1;
    return rc;
}
