/* trace.json (output.chrome_trace) through the `simgrad` command, for every family: the file
 * parses, holds only the sampled actors, every span lies within the simulated run, compute
 * spans last exactly flops / host speed on an on-time host, communication spans name their
 * peer and bytes; and no trace.json without the option. Plus the writer's sampling rule. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "simgrad/chrome_trace.h"
#include "testutil.h"

#define HOST_SPEED 2e8 /* "200Mf" in every scenario below, constant across hosts */

static char tmpdir[256];

static int run(const char *name, const char *scenario, const char *extra)
{
    return test_run_text(tmpdir, name, scenario, extra);
}

/* Lines in a file, 0 if it cannot be read. */
static size_t count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    size_t n = 0;
    int c;
    if (!f)
        return 0;
    while ((c = fgetc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

/* `simgrad run` sent Ctrl-C once its first metrics rows are out (a fixed delay raced the
 * start-up on a loaded machine); returns the exit status. */
static int run_interrupted(const char *name, const char *scenario, const char *extra)
{
    char path[512], cmd[2048], part[600];
    snprintf(path, sizeof path, "%s/%s.json", tmpdir, name);
    test_write_file(path, scenario);
    snprintf(cmd, sizeof cmd, "exec %s run %s --quiet --out %s/%s %s >%s/%s.out 2>%s/%s.err",
             test_simgrad_bin(), path, tmpdir, name, extra ? extra : "", tmpdir, name, tmpdir,
             name);
    snprintf(part, sizeof part, "%s/%s/metrics.csv.part", tmpdir, name);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 600 && count_lines(part) < 3; i++)
        usleep(100000);
    kill(pid, SIGINT);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static json_t *load(const char *name, const char *file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/%s", tmpdir, name, file);
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    if (!j)
        fprintf(stderr, "\ncannot parse %s: %s (line %d)\n", path, e.text, e.line);
    return j;
}

static bool exists(const char *name, const char *file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/%s", tmpdir, name, file);
    return access(path, F_OK) == 0;
}

/* What one trace holds, gathered while checking it event by event. */
typedef struct trace_stats {
    size_t threads, group_threads, spans, compute, ontime_compute, send, recv, wait, bad;
    double max_compute_rel_err; /* of on-time compute spans against flops / host speed */
    double min_compute_ratio;   /* of every compute span's duration to flops / host speed */
} trace_stats;

static bool is_group_thread(const char *name)
{
    return strncmp(name, "worker-", 7) == 0 || strncmp(name, "node-", 5) == 0 ||
           strncmp(name, "token-", 6) == 0;
}

/* Check every event of run `name`'s trace.json; counts into *st. */
static void check_trace(const char *name, trace_stats *st)
{
    memset(st, 0, sizeof *st);
    st->min_compute_ratio = INFINITY;
    json_t *sum = load(name, "summary.json");
    json_t *tr = load(name, "trace.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sum);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tr);
    CU_ASSERT_FALSE(exists(name, "trace.json.part"));
    CU_ASSERT_STRING_EQUAL(
        json_string_value(json_object_get(json_object_get(sum, "files"), "chrome_trace")),
        "trace.json");
    double end_us = json_number_value(json_object_get(sum, "simulated_time_s")) * 1e6;
    json_t *other = json_object_get(tr, "otherData");
    CU_ASSERT(json_is_true(json_object_get(other, "complete")));
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(other, "events_dropped")), 0);
    CU_ASSERT(fabs(json_number_value(json_object_get(other, "simulated_end_us")) - end_us) <=
              1e-9 * end_us);
    json_t *events = json_object_get(tr, "traceEvents");
    CU_ASSERT_FATAL(json_is_array(events));
    CU_ASSERT_EQUAL(json_array_size(events),
                    (size_t)json_integer_value(json_object_get(other, "events")));
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev)
    {
        const char *ph = json_string_value(json_object_get(ev, "ph"));
        const char *evname = json_string_value(json_object_get(ev, "name"));
        json_t *args = json_object_get(ev, "args");
        if (!ph || !evname || !json_is_integer(json_object_get(ev, "pid")) ||
            !json_is_integer(json_object_get(ev, "tid"))) {
            st->bad++;
            continue;
        }
        if (strcmp(ph, "M") == 0) {
            if (strcmp(evname, "thread_name") == 0) {
                st->threads++;
                st->group_threads +=
                    is_group_thread(json_string_value(json_object_get(args, "name")));
            }
            continue;
        }
        if (strcmp(ph, "X") != 0) {
            st->bad++;
            continue;
        }
        st->spans++;
        double ts = json_number_value(json_object_get(ev, "ts"));
        double dur = json_number_value(json_object_get(ev, "dur"));
        /* 1e-9 relative slack: the times went through 15 significant digits */
        if (!(dur >= 0) || !(ts >= 0) || ts + dur > end_us * (1 + 1e-12) + 1e-9) {
            fprintf(stderr, "\n%s: span %s at %.17g + %.17g outside [0, %.17g]\n", name, evname, ts,
                    dur, end_us);
            st->bad++;
        }
        if (strcmp(evname, "compute") == 0) {
            st->compute++;
            double flops = json_number_value(json_object_get(args, "flops"));
            double speed = json_number_value(json_object_get(args, "host_speed"));
            double factor = json_number_value(json_object_get(args, "straggle_factor"));
            double delay = json_number_value(json_object_get(args, "delay_s"));
            if (!(flops > 0) || speed != HOST_SPEED) {
                st->bad++;
                continue;
            }
            double want = flops / HOST_SPEED * 1e6;
            if (dur / want < st->min_compute_ratio)
                st->min_compute_ratio = dur / want;
            if (factor == 1 && delay == 0) {
                double rel = fabs(dur - want) / want;
                st->ontime_compute++;
                if (rel > st->max_compute_rel_err)
                    st->max_compute_rel_err = rel;
            }
        } else if (strcmp(evname, "send") == 0 || strcmp(evname, "recv") == 0) {
            *(evname[0] == 's' ? &st->send : &st->recv) += 1;
            if (!json_is_string(json_object_get(args, "peer")) ||
                !(json_number_value(json_object_get(args, "bytes")) >= 0))
                st->bad++;
        } else if (strcmp(evname, "wait") == 0) {
            st->wait++;
        } else {
            st->bad++;
        }
    }
    json_decref(tr);
    json_decref(sum);
}

/* `exact`: one actor per host, so an on-time compute span is exactly flops / speed (actors
 * sharing a host share its CPU, and only take longer). */
static void expect_good(const trace_stats *st, size_t sample, size_t coordinators, bool exact)
{
    CU_ASSERT_EQUAL(st->bad, 0);
    CU_ASSERT(st->group_threads >= 1 && st->group_threads <= sample);
    CU_ASSERT(st->threads <= st->group_threads + coordinators);
    CU_ASSERT(st->compute > 0 && st->ontime_compute > 0);
    CU_ASSERT(st->min_compute_ratio >= 1 - 1e-9);
    if (exact)
        CU_ASSERT(st->max_compute_rel_err <= 1e-9);
    if (exact && st->max_compute_rel_err > 1e-9)
        fprintf(stderr, "\ncompute span off by %.3g relative\n", st->max_compute_rel_err);
}

static const char *ps =
    "{\"seed\": 4,"
    " \"platform\": {\"type\": \"star\", \"hosts\": 13, \"host_speed\": \"200Mf\"},"
    " \"stragglers\": {\"model\": \"iid\", \"p\": 0.2, \"slowdown\": 4, \"delay_mean\": \"1ms\"},"
    " \"workload\": {\"model\": \"logreg\", \"dataset\": \"synthetic\", \"samples\": 2400,"
    "                \"features\": 8},"
    " \"algorithm\": {\"family\": \"ps-sgd\", \"workers\": 12, \"rounds\": 6, \"wait_for\": 10},"
    " \"output\": {\"chrome_trace\": true, \"chrome_trace_actors\": 5}}";

static void test_ps_sgd(void)
{
    CU_ASSERT_EQUAL_FATAL(run("ps", ps, NULL), 0);
    trace_stats st;
    check_trace("ps", &st);
    expect_good(&st, 5, 1, true);
    CU_ASSERT_EQUAL(st.group_threads, 5); /* workers 0, 3, 5, 8, 10 of 12 */
    CU_ASSERT(st.send > 0 && st.recv > 0);
    /* the same run without the option writes no trace */
    CU_ASSERT_EQUAL_FATAL(run("ps-off", ps, "--set output.chrome_trace=false"), 0);
    CU_ASSERT_TRUE(exists("ps-off", "summary.json"));
    CU_ASSERT_FALSE(exists("ps-off", "trace.json"));
    CU_ASSERT_FALSE(exists("ps-off", "trace.json.part"));
    /* ... and the trace does not change the simulation */
    char a[512], b[512], cmd[1200];
    snprintf(a, sizeof a, "%s/ps/metrics.csv", tmpdir);
    snprintf(b, sizeof b, "%s/ps-off/metrics.csv", tmpdir);
    snprintf(cmd, sizeof cmd, "cmp -s %s %s", a, b);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

static void test_ps_sgd_budget(void)
{
    /* the event budget cuts the file, says so, and still gives valid JSON */
    CU_ASSERT_EQUAL_FATAL(run("ps-cut", ps, "--set output.chrome_trace_max_events=30"), 0);
    json_t *tr = load("ps-cut", "trace.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(tr);
    json_t *other = json_object_get(tr, "otherData");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(tr, "traceEvents")), 30);
    CU_ASSERT(json_integer_value(json_object_get(other, "events_dropped")) > 0);
    json_decref(tr);
}

static void test_ps_sgd_interrupted(void)
{
    /* Ctrl-C: the trace is still whole JSON, renamed, and marked incomplete */
    CU_ASSERT_EQUAL_FATAL(run_interrupted("ps-int", ps,
                                          "--set algorithm.rounds=100000000 "
                                          "--set output.chrome_trace_max_events=20000"),
                          130);
    CU_ASSERT_FALSE(exists("ps-int", "trace.json.part"));
    json_t *tr = load("ps-int", "trace.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(tr);
    CU_ASSERT(json_is_false(json_object_get(json_object_get(tr, "otherData"), "complete")));
    CU_ASSERT(json_array_size(json_object_get(tr, "traceEvents")) > 0);
    json_decref(tr);
}

static void test_gradient_coding(void)
{
    const char *gc =
        "{\"seed\": 5,"
        " \"platform\": {\"type\": \"star\", \"hosts\": 13, \"host_speed\": \"200Mf\"},"
        " \"stragglers\": {\"model\": \"iid\", \"p\": 0.2, \"slowdown\": 6},"
        " \"workload\": {\"model\": \"softmax\", \"dataset\": \"synthetic\", \"samples\": 1200,"
        "                \"features\": 6, \"classes\": 3},"
        " \"algorithm\": {\"family\": \"gradient-coding\", \"workers\": 12, \"jobs\": 6,"
        "                 \"s\": 2, \"schemes\": \"uncoded,gc,sr-sgc\"},"
        " \"output\": {\"chrome_trace\": true, \"chrome_trace_actors\": 4}}";
    CU_ASSERT_EQUAL_FATAL(run("gc", gc, NULL), 0);
    trace_stats st;
    check_trace("gc", &st);
    expect_good(&st, 4, 1, true);
    CU_ASSERT_EQUAL(st.group_threads, 4); /* each worker's tasks share its row */
    CU_ASSERT(st.send > 0 && st.recv > 0);
}

static void test_gossip(void)
{
    const char *g =
        "{\"seed\": 3,"
        " \"platform\": {\"type\": \"star\", \"hosts\": 10, \"host_speed\": \"200Mf\"},"
        " \"workload\": {\"model\": \"lsq\", \"dataset\": \"synthetic\", \"samples\": 1000,"
        "                \"features\": 4, \"condition\": 4, \"l2\": 0.05},"
        " \"graph\": {\"type\": \"cycle\"},"
        " \"algorithm\": {\"family\": \"gossip\", \"methods\": \"dadao,dsgd,adom+\","
        "                 \"duration\": 20, \"checkpoints\": 10},"
        " \"output\": {\"chrome_trace\": true, \"chrome_trace_actors\": 3}}";
    CU_ASSERT_EQUAL_FATAL(run("gossip", g, NULL), 0);
    trace_stats st;
    check_trace("gossip", &st);
    expect_good(&st, 3, 2, true); /* + the driver and the clock */
    CU_ASSERT_EQUAL(st.group_threads, 3);
    CU_ASSERT(st.send > 0 && st.recv > 0 && st.wait > 0);
}

static void test_token(void)
{
    /* six tokens walking at once, sometimes on the same host; then a lone one */
    const char *t =
        "{\"seed\": 2,"
        " \"platform\": {\"type\": \"star\", \"hosts\": 8, \"host_speed\": \"200Mf\"},"
        " \"workload\": {\"model\": \"lsq\", \"dataset\": \"synthetic\", \"samples\": 800,"
        "                \"features\": 4, \"l2\": 0.01, \"condition\": 2},"
        " \"graph\": {\"type\": \"cycle\"},"
        " \"algorithm\": {\"family\": \"token\", \"walks\": \"srw,srrw\", \"alphas\": \"1\","
        "                 \"hops\": 300, \"replicas\": 3, \"checkpoints\": 5},"
        " \"output\": {\"chrome_trace\": true, \"chrome_trace_actors\": 2}}";
    CU_ASSERT_EQUAL_FATAL(run("token", t, NULL), 0);
    trace_stats st;
    check_trace("token", &st);
    expect_good(&st, 2, 0, false);
    CU_ASSERT_EQUAL(st.group_threads, 2);
    CU_ASSERT(st.send > 0);
    CU_ASSERT_EQUAL_FATAL(
        run("token1", t, "--set algorithm.walks='\"srw\"' --set algorithm.replicas=1"), 0);
    check_trace("token1", &st);
    expect_good(&st, 1, 0, true);
}

/* The sampling rule: exactly `sample` of `count`, evenly spaced, index 0 always. */
static void test_sampling(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/unit.json", tmpdir);
    sgr_err err;
    sgr_ctrace *tr = sgr_ctrace_open(path, 64, 0, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tr);
    size_t counts[] = {1, 10, 63, 64, 65, 100, 1000, 10000, 10007};
    for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
        size_t n = counts[c], k = 0, prev = 0, max_gap = 0;
        for (size_t i = 0; i < n; i++)
            if (sgr_ctrace_sampled(tr, i, n)) {
                if (k && i - prev > max_gap)
                    max_gap = i - prev;
                prev = i;
                k++;
            }
        CU_ASSERT_EQUAL(k, n < 64 ? n : 64);
        CU_ASSERT_TRUE(sgr_ctrace_sampled(tr, 0, n));
        CU_ASSERT(max_gap <= (n + 63) / 64);
        CU_ASSERT_FALSE(sgr_ctrace_sampled(tr, n, n));
    }
    CU_ASSERT_FALSE(sgr_ctrace_sampled(NULL, 0, 10));
    /* a span of an actor that was never added is not written */
    sgr_ctrace_add_actor(tr, 7, 0, "h0", "a \"quoted\" name");
    sgr_ctrace_span(tr, 7, "compute", 1.0, 1.5, "{\"flops\":1}");
    sgr_ctrace_span(tr, 8, "compute", 1.0, 1.5, NULL);
    CU_ASSERT_EQUAL(sgr_ctrace_close(tr, true, 2.0, &err), 0);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    json_t *ev = json_object_get(j, "traceEvents");
    size_t spans = 0, i;
    json_t *e;
    json_array_foreach(ev, i, e) spans +=
        strcmp(json_string_value(json_object_get(e, "ph")), "X") == 0;
    CU_ASSERT_EQUAL(spans, 1);
    json_decref(j);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/simgrad-ctrace-XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("chrome_trace", NULL, NULL);
    TEST_ADD(s, test_sampling);
    TEST_ADD(s, test_ps_sgd);
    TEST_ADD(s, test_ps_sgd_budget);
    TEST_ADD(s, test_ps_sgd_interrupted);
    TEST_ADD(s, test_gradient_coding);
    TEST_ADD(s, test_gossip);
    TEST_ADD(s, test_token);
    int rc = test_run_all();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
