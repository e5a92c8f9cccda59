/* Tests for the scenario loader and units: what a user relies on when writing a scenario file
 * or a --set: units mean what SimGrid means, defaults are filled (and only where they apply),
 * overrides win, every mistake gets one message naming the key, the docs list every key, every
 * default passes its own validation, and no malformed input crashes the loader. */
#include "testutil.h"

#include "simgrad/run.h"
#include "simgrad/scenario.h"
#include "simgrad/units.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/test_scenario_XXXXXX";

/* Write text to tmpdir/name; returns the path in buf. */
static const char *write_temp(const char *name, const char *text, size_t len, char *buf,
                              size_t buflen)
{
    snprintf(buf, buflen, "%s/%s", tmpdir, name);
    FILE *f = fopen(buf, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fwrite(text, 1, len, f);
    fclose(f);
    return buf;
}

/* Load `text` as a scenario through the real family tables; returns the loader's status. */
static int load_text_with(const char *text, const char *const *sets, size_t nsets,
                          const sgr_family_keys *const *families, sgr_scenario *scn, sgr_err *err)
{
    char path[PATH_MAX];
    write_temp("scn.json", text, strlen(text), path, sizeof path);
    err->msg[0] = '\0';
    return sgr_scenario_load(scn, path, sets, nsets, families, err);
}

static int load_text(const char *text, const char *const *sets, size_t nsets, sgr_scenario *scn,
                     sgr_err *err)
{
    return load_text_with(text, sets, nsets, sgr_family_key_tables, scn, err);
}

static void load_ok(const char *text, const char *const *sets, size_t nsets, sgr_scenario *scn)
{
    sgr_err err;
    int rc = load_text(text, sets, nsets, scn, &err);
    if (rc != 0)
        fprintf(stderr, "\nunexpected load failure of %s: %s\n", text, err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
}

/* The load must fail with a message containing every phrase given (NULL-terminated). */
static void load_fails_with(const char *text, const char *const *sets, size_t nsets, ...)
{
    sgr_scenario scn;
    sgr_err err;
    int rc = load_text(text, sets, nsets, &scn, &err);
    CU_ASSERT_EQUAL(rc, -1);
    if (rc == 0) {
        fprintf(stderr, "\nload of %s unexpectedly succeeded\n", text);
        sgr_scenario_free(&scn);
        return;
    }
    va_list ap;
    va_start(ap, nsets);
    for (const char *phrase; (phrase = va_arg(ap, const char *));) {
        bool found = strstr(err.msg, phrase) != NULL;
        if (!found)
            fprintf(stderr, "\nmessage \"%s\" lacks \"%s\"\n", err.msg, phrase);
        CU_ASSERT(found);
    }
    va_end(ap);
}

/* ---- units ---- */

static double unit_ok(sgr_unit_kind kind, const char *text)
{
    double v = -1;
    sgr_err err;
    int rc = sgr_unit_parse(kind, text, &v, &err);
    if (rc != 0)
        fprintf(stderr, "\n\"%s\" rejected: %s\n", text, err.msg);
    CU_ASSERT_EQUAL(rc, 0);
    return v;
}

static void unit_bad(sgr_unit_kind kind, const char *text, const char *phrase)
{
    double v = 12345;
    sgr_err err = {{0}};
    CU_ASSERT_EQUAL(sgr_unit_parse(kind, text, &v, &err), -1);
    CU_ASSERT_EQUAL(v, 12345); /* untouched on error */
    if (!strstr(err.msg, phrase))
        fprintf(stderr, "\nmessage for \"%s\": \"%s\" lacks \"%s\"\n", text, err.msg, phrase);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, phrase));
}

static void test_units_values(void)
{
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_BANDWIDTH, "10Gbps"), 1.25e9, 1);
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_BANDWIDTH, "125MBps"), 1.25e8, 1e-1);
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_BANDWIDTH, "1bps"), 0.125, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_BANDWIDTH, "1KiBps"), 1024, 0);
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_TIME, "50us"), 5e-5, 1e-18);
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_TIME, "2ms"), 2e-3, 1e-18);
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_TIME, "1.5s"), 1.5, 0);
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_TIME, "2m"), 120, 0); /* minutes, as in SimGrid */
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_TIME, "1h"), 3600, 0);
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_SPEED, "2Gf"), 2e9, 0);
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_SPEED, "500Mf"), 5e8, 0);
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_SPEED, "3Gflops"), 3e9, 0);
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_SIZE, "64KiB"), 65536, 0);
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_SIZE, "1MB"), 1e6, 0);
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_SIZE, "1MiB"), 1048576, 0);
    /* A bare number is in the base unit of every kind. */
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_BANDWIDTH, "1000"), 1000, 0);
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_TIME, "0.25"), 0.25, 0);
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_SPEED, "1e9"), 1e9, 0);
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_SIZE, "4096"), 4096, 0);
    CU_ASSERT_DOUBLE_EQUAL(unit_ok(SGR_UNIT_SIZE, "0"), 0, 0);
}

static void test_units_rejected(void)
{
    /* Each message says what was expected, with an example of the right spelling. */
    unit_bad(SGR_UNIT_BANDWIDTH, "10Gbit", "10Gbps");
    unit_bad(SGR_UNIT_BANDWIDTH, "10Gf", "unknown unit"); /* a speed unit is not a bandwidth */
    unit_bad(SGR_UNIT_TIME, "5parsecs", "50us");
    unit_bad(SGR_UNIT_SPEED, "2GHz", "2Gf");
    unit_bad(SGR_UNIT_SIZE, "64kib", "64KiB"); /* units are case-sensitive */
    unit_bad(SGR_UNIT_SIZE, "", "64KiB");
    unit_bad(SGR_UNIT_TIME, "", "50us");
    unit_bad(SGR_UNIT_BANDWIDTH, "abc", "10Gbps");
    unit_bad(SGR_UNIT_SPEED, "abc", "2Gf");
    unit_bad(SGR_UNIT_BANDWIDTH, "-5Gbps", "non-negative");
    unit_bad(SGR_UNIT_TIME, "-1", "non-negative");
    unit_bad(SGR_UNIT_SIZE, "inf", "64KiB");
    unit_bad(SGR_UNIT_SIZE, "nan", "64KiB");
    /* A finite number times a large unit must not overflow into an accepted infinity. */
    unit_bad(SGR_UNIT_BANDWIDTH, "1e300Tbps", "too large");
    unit_bad(SGR_UNIT_TIME, "1e305w", "too large");
}

/* ---- edit distance ---- */

static void test_edit_distance(void)
{
    CU_ASSERT_EQUAL(sgr_edit_distance("kitten", "sitting"), 3);
    CU_ASSERT_EQUAL(sgr_edit_distance("sitting", "kitten"), 3);
    CU_ASSERT_EQUAL(sgr_edit_distance("platform.hosts", "platform.hosts"), 0);
    CU_ASSERT_EQUAL(sgr_edit_distance("", ""), 0);
    CU_ASSERT_EQUAL(sgr_edit_distance("", "abc"), 3);
    CU_ASSERT_EQUAL(sgr_edit_distance("abcd", ""), 4);
    CU_ASSERT_EQUAL(sgr_edit_distance("flaw", "lawn"), 2);
    CU_ASSERT_EQUAL(sgr_edit_distance("platfrom.hosts", "platform.hosts"), 2);
}

/* ---- defaults ---- */

static void test_defaults_minimal(void)
{
    sgr_scenario scn;
    load_ok("{}", NULL, 0, &scn);
    CU_ASSERT_STRING_EQUAL(sgr_scn_str(&scn, "platform.type"), "star");
    CU_ASSERT_EQUAL(sgr_scn_int(&scn, "platform.hosts"), 17);
    CU_ASSERT_EQUAL(sgr_scn_int(&scn, "seed"), 1);
    CU_ASSERT_STRING_EQUAL(sgr_scn_str(&scn, "algorithm.family"), "ps-sgd");
    CU_ASSERT_DOUBLE_EQUAL(sgr_scn_num(&scn, "platform.host_bw"), 1.25e9, 1);
    CU_ASSERT_DOUBLE_EQUAL(sgr_scn_num(&scn, "platform.host_lat"), 5e-6, 1e-18);
    CU_ASSERT_DOUBLE_EQUAL(sgr_scn_num(&scn, "platform.host_speed"), 1e9, 0);
    CU_ASSERT_DOUBLE_EQUAL(sgr_scn_num(&scn, "simulation.stack_size"), 262144, 0);
    CU_ASSERT_STRING_EQUAL(sgr_scn_str(&scn, "stragglers.model"), "none");
    CU_ASSERT_TRUE(sgr_scn_bool(&scn, "workload.bias"));
    CU_ASSERT_FALSE(sgr_scn_bool(&scn, "output.paje"));
    /* The chosen family's keys get their defaults too. */
    CU_ASSERT_PTR_NOT_NULL(scn.family);
    CU_ASSERT_EQUAL(sgr_scn_int(&scn, "algorithm.rounds"), 100);
    /* Keys that do not apply to the chosen types are left out, not filled. */
    CU_ASSERT_FALSE(sgr_scn_has(&scn, "platform.spines"));
    CU_ASSERT_FALSE(sgr_scn_has(&scn, "platform.leaves"));
    CU_ASSERT_FALSE(sgr_scn_has(&scn, "platform.wan_bw"));
    CU_ASSERT_FALSE(sgr_scn_has(&scn, "stragglers.p"));
    CU_ASSERT_FALSE(sgr_scn_has(&scn, "workload.fmnist_dir"));
    /* Keys without a default stay absent; the getters say so. */
    CU_ASSERT_FALSE(sgr_scn_has(&scn, "output.dir"));
    CU_ASSERT_PTR_NULL(sgr_scn_str(&scn, "output.dir"));
    CU_ASSERT_PTR_NULL(sgr_scn_path(&scn, "platform.file"));
    /* The scenario's name and directory come from the file. */
    CU_ASSERT_STRING_EQUAL(scn.name, "scn");
    CU_ASSERT_STRING_EQUAL(scn.dir, tmpdir);
    sgr_scenario_free(&scn);
}

static void test_defaults_leaf_spine(void)
{
    sgr_scenario scn;
    load_ok("{\"platform\": {\"type\": \"leaf-spine\"}}", NULL, 0, &scn);
    CU_ASSERT_TRUE(sgr_scn_has(&scn, "platform.spines"));
    CU_ASSERT_EQUAL(sgr_scn_int(&scn, "platform.spines"), 2);
    CU_ASSERT_EQUAL(sgr_scn_int(&scn, "platform.leaves"), 2);
    CU_ASSERT_EQUAL(sgr_scn_int(&scn, "platform.hosts_per_leaf"), 9);
    CU_ASSERT_DOUBLE_EQUAL(sgr_scn_num(&scn, "platform.spine_lat"), 1e-6, 1e-18);
    CU_ASSERT_DOUBLE_EQUAL(sgr_scn_num(&scn, "platform.host_bw"), 1.25e9, 1);
    /* platform.hosts belongs to star only. */
    CU_ASSERT_FALSE(sgr_scn_has(&scn, "platform.hosts"));
    CU_ASSERT_FALSE(sgr_scn_has(&scn, "platform.backbone_bw"));
    sgr_scenario_free(&scn);

    load_ok("{\"stragglers\": {\"model\": \"gilbert-elliott\"}}", NULL, 0, &scn);
    CU_ASSERT_DOUBLE_EQUAL(sgr_scn_num(&scn, "stragglers.p_good_to_bad"), 0.05, 0);
    CU_ASSERT_FALSE(sgr_scn_has(&scn, "stragglers.p"));
    sgr_scenario_free(&scn);
}

static void test_file_values_kept(void)
{
    sgr_scenario scn;
    load_ok("{\"seed\": 7, \"platform\": {\"hosts\": 5, \"host_bw\": \"1Gbps\", "
            "\"host_lat\": 0.001}, \"simulation\": {\"stack_size\": \"1MiB\"}}",
            NULL, 0, &scn);
    CU_ASSERT_EQUAL(sgr_scn_int(&scn, "seed"), 7);
    CU_ASSERT_EQUAL(sgr_scn_int(&scn, "platform.hosts"), 5);
    CU_ASSERT_DOUBLE_EQUAL(sgr_scn_num(&scn, "platform.host_bw"), 1.25e8, 1e-3);
    CU_ASSERT_DOUBLE_EQUAL(sgr_scn_num(&scn, "platform.host_lat"), 1e-3, 0);
    CU_ASSERT_DOUBLE_EQUAL(sgr_scn_num(&scn, "simulation.stack_size"), 1048576, 0);
    sgr_scenario_free(&scn);
}

/* ---- --set ---- */

static void test_set_overrides(void)
{
    sgr_scenario scn;
    const char *sets[] = {"seed=42",           "platform.host_bw=5e8", "platform.type=leaf-spine",
                          "platform.spines=4", "output.dir=runs/x",    "workload.bias=false"};
    load_ok("{\"seed\": 7, \"platform\": {\"type\": \"star\"}}", sets, 6, &scn);
    CU_ASSERT_EQUAL(sgr_scn_int(&scn, "seed"), 42); /* the override wins over the file */
    CU_ASSERT_DOUBLE_EQUAL(sgr_scn_num(&scn, "platform.host_bw"), 5e8, 0);
    /* leaf-spine is not JSON: it becomes a string. */
    CU_ASSERT_STRING_EQUAL(sgr_scn_str(&scn, "platform.type"), "leaf-spine");
    CU_ASSERT_EQUAL(sgr_scn_int(&scn, "platform.spines"), 4);
    CU_ASSERT_STRING_EQUAL(sgr_scn_str(&scn, "output.dir"), "runs/x"); /* a STR, not a PATH */
    CU_ASSERT_FALSE(sgr_scn_bool(&scn, "workload.bias"));
    sgr_scenario_free(&scn);

    /* A quantity with its unit; a JSON string in quotes stays that string. */
    const char *sets2[] = {"platform.host_lat=50us", "platform.speed_dist=\"uniform\""};
    load_ok("{}", sets2, 2, &scn);
    CU_ASSERT_DOUBLE_EQUAL(sgr_scn_num(&scn, "platform.host_lat"), 5e-5, 1e-18);
    CU_ASSERT_STRING_EQUAL(sgr_scn_str(&scn, "platform.speed_dist"), "uniform");
    sgr_scenario_free(&scn);
}

static void test_set_creates_sections(void)
{
    sgr_scenario scn;
    const char *sets[] = {"stragglers.model=iid", "stragglers.p=0.3"};
    load_ok("{\"seed\": 3}", sets, 2, &scn);
    CU_ASSERT_STRING_EQUAL(sgr_scn_str(&scn, "stragglers.model"), "iid");
    CU_ASSERT_DOUBLE_EQUAL(sgr_scn_num(&scn, "stragglers.p"), 0.3, 0);
    CU_ASSERT_DOUBLE_EQUAL(sgr_scn_num(&scn, "stragglers.slowdown"), 5, 0);
    sgr_scenario_free(&scn);
}

static void test_set_errors(void)
{
    const char *into_int[] = {"seed.x=1"};
    load_fails_with("{\"seed\": 3}", into_int, 1, "seed.x", "not an object", NULL);
    const char *no_eq[] = {"platform.hosts"};
    load_fails_with("{}", no_eq, 1, "platform.hosts", "key.path=value", NULL);
    const char *no_key[] = {"=5"};
    load_fails_with("{}", no_key, 1, "key.path=value", NULL);
    const char *bad[] = {"platform.hostz=4"};
    load_fails_with("{}", bad, 1, "did you mean platform.hosts", NULL);
    const char *range[] = {"platform.hosts=0"};
    load_fails_with("{}", range, 1, "platform.hosts", "[1, 1e+06]", NULL);
    /* A key that is not valid UTF-8 can't be stored: an error, not a silent no-op or a crash. */
    const char *bad_utf8[] = {"\xff\xfe.x=1"};
    load_fails_with("{}", bad_utf8, 1, "--set", NULL);
    const char *bad_utf8_value[] = {"output.dir=\xff\xfe"};
    load_fails_with("{}", bad_utf8_value, 1, "output.dir", NULL);
}

static void test_set_relative_path(void)
{
    char cwd[PATH_MAX], want[PATH_MAX + 64];
    CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof cwd));
    CU_ASSERT_STRING_NOT_EQUAL(cwd, tmpdir); /* else the test could not tell the two apart */
    snprintf(want, sizeof want, "%s/rel/x.xml", cwd);

    sgr_scenario scn;
    const char *sets[] = {"platform.type=file", "platform.file=rel/x.xml"};
    load_ok("{}", sets, 2, &scn);
    CU_ASSERT_STRING_EQUAL(sgr_scn_str(&scn, "platform.file"), want);
    char *p = sgr_scn_path(&scn, "platform.file");
    CU_ASSERT_STRING_EQUAL(p, want);
    free(p);
    sgr_scenario_free(&scn);

    /* The same value given in JSON quotes means the same file. */
    const char *quoted[] = {"platform.type=file", "platform.file=\"rel/x.xml\""};
    load_ok("{}", quoted, 2, &scn);
    CU_ASSERT_STRING_EQUAL(sgr_scn_str(&scn, "platform.file"), want);
    sgr_scenario_free(&scn);

    /* Absolute paths are left alone. */
    const char *abs[] = {"platform.type=file", "platform.file=/abs/y.xml"};
    load_ok("{}", abs, 2, &scn);
    CU_ASSERT_STRING_EQUAL(sgr_scn_str(&scn, "platform.file"), "/abs/y.xml");
    sgr_scenario_free(&scn);

    /* In the file, a relative path is relative to the scenario's directory. */
    char fwant[PATH_MAX + 64];
    snprintf(fwant, sizeof fwant, "%s/traces/t.csv", tmpdir);
    load_ok("{\"stragglers\": {\"model\": \"trace\", \"trace\": \"traces/t.csv\"}}", NULL, 0, &scn);
    p = sgr_scn_path(&scn, "stragglers.trace");
    CU_ASSERT_STRING_EQUAL(p, fwant);
    free(p);
    sgr_scenario_free(&scn);
}

/* ---- errors ---- */

static void test_errors_unknown_keys(void)
{
    load_fails_with("{\"platform\": {\"hostz\": 4}}", NULL, 0, "scn.json", "platform.hostz",
                    "did you mean platform.hosts", NULL);
    load_fails_with("{\"sede\": 4}", NULL, 0, "did you mean seed", NULL);
    load_fails_with("{\"algorithm\": {\"round\": 4}}", NULL, 0, "did you mean algorithm.rounds",
                    NULL);
    /* Far from every key: no suggestion, but a pointer to the list of keys. */
    sgr_scenario scn;
    sgr_err err;
    CU_ASSERT_EQUAL(load_text("{\"zzqqxxwwvv\": 1}", NULL, 0, &scn, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "unknown key zzqqxxwwvv"));
    CU_ASSERT_PTR_NULL(strstr(err.msg, "did you mean"));
    /* An unknown section is an unknown key too. */
    load_fails_with("{\"plattform\": {\"hosts\": 4}}", NULL, 0, "unknown key plattform", NULL);
    /* A misspelt section is matched against section names, not against some key inside. */
    load_fails_with("{\"stragglrs\": {\"model\": \"iid\"}}", NULL, 0, "did you mean stragglers?",
                    NULL);
    /* A section that is not an object. */
    load_fails_with("{\"platform\": 5}", NULL, 0, "platform", "an object", NULL);
    /* A dotted key name would be validated yet never read: it must be rejected. */
    load_fails_with("{\"platform.type\": \"leaf-spine\"}", NULL, 0, "platform.type",
                    "cannot contain '.'", NULL);
    load_fails_with("{\"platform\": {\"type.x\": 1}}", NULL, 0, "type.x", NULL);
    load_fails_with("{\"platform\": {\"hosts.\": 1}}", NULL, 0, "hosts.", NULL);
}

static void test_errors_types_ranges_enums(void)
{
    load_fails_with("{\"platform\": {\"hosts\": \"many\"}}", NULL, 0, "scn.json", "platform.hosts",
                    "an integer", "\"many\"", NULL);
    load_fails_with("{\"platform\": {\"hosts\": 2.5}}", NULL, 0, "an integer", NULL);
    load_fails_with("{\"seed\": true}", NULL, 0, "seed", "an integer", NULL);
    load_fails_with("{\"workload\": {\"bias\": 1}}", NULL, 0, "workload.bias", "true or false",
                    NULL);
    load_fails_with("{\"workload\": {\"l2\": \"x\"}}", NULL, 0, "workload.l2", "a number", NULL);
    load_fails_with("{\"output\": {\"dir\": \"\"}}", NULL, 0, "output.dir", "non-empty string",
                    NULL);
    load_fails_with("{\"platform\": {\"host_bw\": \"10Gbit\"}}", NULL, 0, "platform.host_bw",
                    "10Gbps", NULL);
    load_fails_with("{\"platform\": {\"host_bw\": [1]}}", NULL, 0, "platform.host_bw", "10Gbps",
                    NULL);
    load_fails_with("{\"platform\": {\"host_lat\": -1}}", NULL, 0, "platform.host_lat",
                    "non-negative", NULL);
    /* Ranges, named in the message. */
    load_fails_with("{\"platform\": {\"hosts\": 0}}", NULL, 0, "platform.hosts", "[1, 1e+06]",
                    NULL);
    load_fails_with("{\"stragglers\": {\"model\": \"iid\", \"p\": 1.5}}", NULL, 0, "stragglers.p",
                    "[0, 1]", NULL);
    load_fails_with("{\"stragglers\": {\"model\": \"iid\", \"slowdown\": 0.5}}", NULL, 0,
                    "stragglers.slowdown", "[1, 1e+06]", NULL);
    /* an infinite compute time would leave the simulation deadlocked */
    load_fails_with("{\"stragglers\": {\"model\": \"iid\", \"slowdown\": 1e308}}", NULL, 0,
                    "stragglers.slowdown", "[1, 1e+06]", NULL);
    load_fails_with("{\"seed\": -1}", NULL, 0, "seed", "[0, 4.29497e+09]", NULL);
    load_fails_with("{\"simulation\": {\"stack_size\": \"1KiB\"}}", NULL, 0,
                    "simulation.stack_size", "[16384, ", NULL);
    load_fails_with("{\"algorithm\": {\"rounds\": 0}}", NULL, 0, "algorithm.rounds", "[1, 1e+09]",
                    NULL);
    load_fails_with("{\"algorithm\": {\"learning_rate\": 0}}", NULL, 0, "algorithm.learning_rate",
                    ">= 1e-12", NULL);
    /* Choices, listed. */
    load_fails_with("{\"platform\": {\"type\": \"ring\"}}", NULL, 0, "platform.type",
                    "star|leaf-spine|fat-tree|dragonfly|torus|wan|file", "\"ring\"", NULL);
    load_fails_with("{\"stragglers\": {\"model\": 3}}", NULL, 0, "stragglers.model",
                    "none|iid|gilbert-elliott|bursty|trace", NULL);
    load_fails_with("{\"algorithm\": {\"family\": \"nope\"}}", NULL, 0, "algorithm.family",
                    "ps-sgd", "nope", NULL);
    load_fails_with("{\"algorithm\": {\"family\": 5}}", NULL, 0, "algorithm.family", "ps-sgd",
                    NULL);
}

/* Keys that do not apply to the chosen type load, with a warning naming them: switching a type
 * with --set must not require editing the file. */
static void test_not_applicable_warns(void)
{
    sgr_scenario scn;
    load_ok("{\"platform\": {\"spines\": 3}}", NULL, 0, &scn);
    CU_ASSERT_PTR_NOT_NULL(strstr(scn.warnings, "platform.spines is ignored: it only applies when "
                                                "platform.type is leaf-spine"));
    sgr_scenario_free(&scn);
    load_ok("{\"platform\": {\"type\": \"leaf-spine\", \"hosts\": 3}}", NULL, 0, &scn);
    CU_ASSERT_PTR_NOT_NULL(strstr(scn.warnings, "platform.hosts is ignored"));
    sgr_scenario_free(&scn);
    const char *sets[] = {"stragglers.model=\"none\""};
    load_ok("{\"stragglers\": {\"model\": \"iid\", \"p\": 0.3}}", sets, 1, &scn);
    CU_ASSERT_PTR_NOT_NULL(strstr(scn.warnings, "stragglers.p is ignored"));
    sgr_scenario_free(&scn);
    load_ok("{\"stragglers\": {\"model\": \"iid\", \"p\": 0.3}}", NULL, 0, &scn);
    CU_ASSERT_EQUAL(scn.warnings[0], '\0');
    sgr_scenario_free(&scn);
}

static void test_errors_other_family(void)
{
    /* Only ps-sgd exists so far: a second family, declared here, stands in for the others. */
    static const sgr_key gossip_keys[] = {
        {"algorithm.fanout", SGR_T_INT, "3", 1, 100, NULL, NULL, "Peers per gossip round."},
        {NULL, 0, NULL, 0, 0, NULL, NULL, NULL},
    };
    static const sgr_family_keys gossip = {"gossip-test", "A test family.", gossip_keys, NULL};
    const sgr_family_keys *families[] = {sgr_family_key_tables[0], &gossip, NULL};
    sgr_scenario scn;
    sgr_err err;
    CU_ASSERT_EQUAL(
        load_text_with("{\"algorithm\": {\"fanout\": 2}}", NULL, 0, families, &scn, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "algorithm.fanout belongs to family \"gossip-test\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, sgr_family_key_tables[0]->name));
    /* Under its own family, the key is fine and the other family's defaults are not filled. */
    CU_ASSERT_EQUAL_FATAL(load_text_with("{\"algorithm\": {\"family\": \"gossip-test\"}}", NULL, 0,
                                         families, &scn, &err),
                          0);
    CU_ASSERT_PTR_EQUAL(scn.family, &gossip);
    CU_ASSERT_EQUAL(sgr_scn_int(&scn, "algorithm.fanout"), 3);
    /* (read from the tree: the other family's key is not in this scenario's schema) */
    CU_ASSERT_PTR_NULL(json_object_get(json_object_get(scn.root, "algorithm"), "rounds"));
    sgr_scenario_free(&scn);
    /* Both families are offered when the name is wrong. */
    CU_ASSERT_EQUAL(
        load_text_with("{\"algorithm\": {\"family\": \"x\"}}", NULL, 0, families, &scn, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "ps-sgd|gossip-test"));
}

/* A key that is not in the schema is a programming error (a misspelt key in a parse hook): the
 * getters abort with its name rather than return 0 as if it were unset. */
static void test_misspelt_key_aborts(void)
{
    sgr_scenario scn;
    load_ok("{}", NULL, 0, &scn);
    CU_ASSERT_EQUAL(sgr_scn_int(&scn, "platform.hosts"), 17); /* a real key, its default */
    const char *bad[] = {"platform.hostz", "algorithm.fanout", "nosection"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            if (!freopen("/dev/null", "w", stderr))
                _exit(3);
            (void)sgr_scn_num(&scn, bad[i]);
            _exit(0);
        }
        int st;
        waitpid(pid, &st, 0);
        CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
    }
    sgr_scenario_free(&scn);
}

static void test_errors_json(void)
{
    char path[PATH_MAX], want[PATH_MAX + 16];
    sgr_scenario scn;
    sgr_err err;
    const char *text = "{\n  \"seed\": 1,\n  oops\n}\n";
    write_temp("syntax.json", text, strlen(text), path, sizeof path);
    CU_ASSERT_EQUAL(sgr_scenario_load(&scn, path, NULL, 0, sgr_family_key_tables, &err), -1);
    snprintf(want, sizeof want, "%s:3:", path);
    CU_ASSERT_EQUAL(strncmp(err.msg, want, strlen(want)), 0);
    int col = 0;
    CU_ASSERT_EQUAL(sscanf(err.msg + strlen(want), "%d:", &col), 1);
    CU_ASSERT(col > 0);

    load_fails_with("{\"seed\": 1, \"seed\": 2}", NULL, 0, "duplicate", "seed", NULL);
    load_fails_with("{\"platform\": {\"hosts\": 3, \"hosts\": 4}}", NULL, 0, "duplicate", NULL);
    load_fails_with("[1, 2]", NULL, 0, "expected a JSON object", NULL);
    load_fails_with("", NULL, 0, "scn.json", NULL);

    snprintf(path, sizeof path, "%s/does-not-exist.json", tmpdir);
    CU_ASSERT_EQUAL(sgr_scenario_load(&scn, path, NULL, 0, sgr_family_key_tables, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "does-not-exist.json"));
}

/* ---- docs ---- */

static void test_markdown_lists_every_key(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(sgr_schema_write_markdown(f, sgr_family_key_tables), 0);
    fclose(f);
    char needle[300];
    size_t keys = 0;
    for (const sgr_key *k = sgr_core_keys; k->path; k++, keys++) {
        snprintf(needle, sizeof needle, "| `%s` |", k->path);
        if (!strstr(buf, needle))
            fprintf(stderr, "\ncore key %s missing from the docs\n", k->path);
        CU_ASSERT_PTR_NOT_NULL(strstr(buf, needle));
    }
    for (size_t i = 0; sgr_family_key_tables[i]; i++) {
        const sgr_family_keys *fam = sgr_family_key_tables[i];
        snprintf(needle, sizeof needle, "family `%s`", fam->name);
        CU_ASSERT_PTR_NOT_NULL(strstr(buf, needle));
        for (const sgr_key *k = fam->keys; k->path; k++, keys++) {
            snprintf(needle, sizeof needle, "| `%s` |", k->path);
            if (!strstr(buf, needle))
                fprintf(stderr, "\n%s key %s missing from the docs\n", fam->name, k->path);
            CU_ASSERT_PTR_NOT_NULL(strstr(buf, needle));
        }
    }
    /* One table row per key, no more (a key matching two sections would appear twice). */
    size_t rows = 0;
    for (const char *p = buf; (p = strstr(p, "\n| `")); p++)
        rows++;
    CU_ASSERT_EQUAL(rows, keys);
    free(buf);
}

/* ---- every default passes its own validation ---- */

/* Load `root` (as text); then load what the loader produced, defaults included, again. */
static void load_and_reload(json_t *root, const char *what)
{
    char *text = json_dumps(root, JSON_COMPACT);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    sgr_scenario scn;
    sgr_err err;
    int rc = load_text(text, NULL, 0, &scn, &err);
    if (rc != 0)
        fprintf(stderr, "\n%s: %s\n", what, err.msg);
    CU_ASSERT_EQUAL(rc, 0);
    free(text);
    if (rc != 0)
        return;
    text = json_dumps(scn.root, JSON_COMPACT);
    sgr_scenario_free(&scn);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    rc = load_text(text, NULL, 0, &scn, &err);
    if (rc != 0)
        fprintf(stderr, "\n%s, defaults filled: %s\n", what, err.msg);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc == 0)
        sgr_scenario_free(&scn);
    free(text);
}

static void tree_put(json_t *root, const char *path, json_t *value)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    char *dot = strchr(buf, '.');
    CU_ASSERT_PTR_NOT_NULL_FATAL(dot);
    *dot = '\0';
    json_t *sec = json_object_get(root, buf);
    if (!sec) {
        sec = json_object();
        json_object_set_new(root, buf, sec);
    }
    json_object_set_new(sec, dot + 1, value);
}

/* Does "other.key=v1|v2" name `key` with `value` among its values? */
static bool condition_holds(const char *applies, const char *key, const char *value)
{
    size_t n = strlen(key);
    if (!applies || strncmp(applies, key, n) != 0 || applies[n] != '=')
        return false;
    for (const char *p = applies + n + 1; p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == strlen(value) && strncmp(p, value, len) == 0)
            return true;
        p = bar ? bar + 1 : NULL;
    }
    return false;
}

static void test_defaults_validate(void)
{
    json_t *root = json_object();
    load_and_reload(root, "{}");
    json_decref(root);

    char file[PATH_MAX];
    write_temp("some.file", "x\n", 2, file, sizeof file);
    size_t cases = 0;
    /* Every choice of every enum key, with the path keys it needs (files need not exist). */
    for (const sgr_key *k = sgr_core_keys; k->path; k++) {
        if (k->type != SGR_T_ENUM || !k->choices)
            continue;
        for (const char *p = k->choices; p;) {
            const char *bar = strchr(p, '|');
            char value[64];
            snprintf(value, sizeof value, "%.*s", (int)(bar ? (size_t)(bar - p) : strlen(p)), p);
            root = json_object();
            tree_put(root, k->path, json_string(value));
            for (const sgr_key *q = sgr_core_keys; q->path; q++)
                if (q->type == SGR_T_PATH && !q->def && condition_holds(q->applies, k->path, value))
                    tree_put(root, q->path, json_string(file));
            char what[128];
            snprintf(what, sizeof what, "%s=%s", k->path, value);
            load_and_reload(root, what);
            json_decref(root);
            cases++;
            p = bar ? bar + 1 : NULL;
        }
    }
    CU_ASSERT(cases >= 7 + 5 + 3); /* platform.type, stragglers.model, workload.dataset at least */

    /* And the path keys really were given where needed: file, trace and libsvm load. */
    sgr_scenario scn;
    char *text = NULL;
    CU_ASSERT_FATAL(
        asprintf(
            &text,
            "{\"platform\": {\"type\": \"file\", \"file\": \"%s\"}, \"stragglers\": {\"model\": "
            "\"trace\", \"trace\": \"%s\"}, \"workload\": {\"dataset\": \"libsvm\", \"path\": "
            "\"%s\", \"test_path\": \"%s\"}}",
            file, file, file, file) > 0);
    load_ok(text, NULL, 0, &scn);
    free(text);
    CU_ASSERT_FALSE(sgr_scn_has(&scn, "platform.hosts"));
    CU_ASSERT_FALSE(sgr_scn_has(&scn, "platform.host_bw")); /* star..wan only */
    CU_ASSERT_DOUBLE_EQUAL(sgr_scn_num(&scn, "workload.test_fraction"), 0.2, 0);
    CU_ASSERT_FALSE(sgr_scn_has(&scn, "workload.features"));
    char *p = sgr_scn_path(&scn, "workload.path");
    CU_ASSERT_STRING_EQUAL(p, file);
    free(p);
    sgr_scenario_free(&scn);
}

/* ---- fuzz ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const char fuzz_base[] =
    "{\n"
    "  \"seed\": 3,\n"
    "  \"platform\": {\"type\": \"leaf-spine\", \"leaves\": 2, \"spines\": 2,\n"
    "               \"host_bw\": \"10Gbps\", \"host_lat\": \"5us\", \"spine_bw\": 1.25e9},\n"
    "  \"stragglers\": {\"model\": \"bursty\", \"p\": 0.2, \"burst_B\": 2, \"burst_W\": 4},\n"
    "  \"workload\": {\"model\": \"logreg\", \"dataset\": \"synthetic\", \"samples\": 400,\n"
    "               \"features\": 8, \"partition\": \"dirichlet\", \"dirichlet_alpha\": 0.3},\n"
    "  \"algorithm\": {\"family\": \"ps-sgd\", \"rounds\": 5, \"batch_size\": 16,\n"
    "                \"learning_rate\": 0.05, \"round_timeout\": \"2ms\"},\n"
    "  \"output\": {\"paje\": false},\n"
    "  \"simulation\": {\"stack_size\": \"64KiB\", \"network_model\": \"CM02\"}\n"
    "}\n";

static void mutate(char *buf, size_t *len, size_t cap)
{
    static const char inserts[] = "{}[]\":,.-+eE0123456789 \\\nabcxyzGKiBps|=\x7f\xc3\xff";
    size_t nmut = rng_next() % 4 ? 1 : 2;
    for (size_t m = 0; m<nmut && * len> 0; m++) {
        size_t at = rng_next() % *len;
        switch (rng_next() % 6) {
        case 4: /* change a digit: mostly still valid JSON, exercising types and ranges */
            for (size_t j = 0; j < *len; j++, at = (at + 1) % *len)
                if (buf[at] >= '0' && buf[at] <= '9') {
                    buf[at] = (char)('0' + rng_next() % 10);
                    break;
                }
            break;
        case 5: /* swap two adjacent bytes */
            if (at + 1 < *len) {
                char t = buf[at];
                buf[at] = buf[at + 1];
                buf[at + 1] = t;
            }
            break;
        case 0: /* flip one bit */
            buf[at] ^= (char)(1u << (rng_next() % 8));
            break;
        case 1: /* replace with any byte but NUL */
            buf[at] = (char)(1 + rng_next() % 255);
            break;
        case 2: /* truncate */
            *len = at;
            break;
        default: /* insert an interesting character */
            if (*len + 1 < cap) {
                memmove(buf + at + 1, buf + at, *len - at);
                buf[at] = inserts[rng_next() % (sizeof inserts - 1)];
                (*len)++;
            }
            break;
        }
    }
}

/* 300 mutations, fixed seed: each load returns 0, or -1 with a message; never a crash (run
 * under valgrind to see leaks and bad reads). FUZZ_VERBOSE=1 prints every rejection. */
static void test_fuzz_loader(void)
{
    char path[PATH_MAX];
    char buf[sizeof fuzz_base + 64];
    size_t ok = 0, rejected = 0;
    /* The unmutated text must load, or every mutation below would test the same error. */
    sgr_scenario scn;
    sgr_err err;
    write_temp("fuzz.json", fuzz_base, strlen(fuzz_base), path, sizeof path);
    CU_ASSERT_EQUAL_FATAL(sgr_scenario_load(&scn, path, NULL, 0, sgr_family_key_tables, &err), 0);
    sgr_scenario_free(&scn);
    for (int i = 0; i < 300; i++) {
        size_t len = strlen(fuzz_base);
        memcpy(buf, fuzz_base, len);
        mutate(buf, &len, sizeof buf);
        write_temp("fuzz.json", buf, len, path, sizeof path);
        /* Half the runs also carry a mutated --set. */
        char set[64] = "platform.spines=3";
        size_t slen = strlen(set);
        if (i % 2)
            mutate(set, &slen, sizeof set - 1);
        set[slen] = '\0';
        const char *sets[] = {set};
        memset(&err, 0, sizeof err);
        int rc = sgr_scenario_load(&scn, path, sets, i % 2, sgr_family_key_tables, &err);
        CU_ASSERT(rc == 0 || rc == -1);
        if (rc == 0) {
            ok++;
            CU_ASSERT_PTR_NOT_NULL(scn.root);
            CU_ASSERT_PTR_NOT_NULL(sgr_scn_str(&scn, "platform.type"));
            sgr_scenario_free(&scn);
        } else {
            rejected++;
            if (getenv("FUZZ_VERBOSE"))
                fprintf(stderr, "%d: %s\n", i, err.msg);
            if (err.msg[0] == '\0')
                fprintf(stderr, "\nmutation %d rejected without a message\n", i);
            CU_ASSERT(err.msg[0] != '\0');
        }
    }
    /* Both outcomes must occur, or the mutations are too weak or too strong to test much. */
    CU_ASSERT(ok > 0);
    CU_ASSERT(rejected > 100);
    if (getenv("FUZZ_VERBOSE"))
        fprintf(stderr, "\nfuzz: %zu loaded, %zu rejected\n", ok, rejected);
}

static void cleanup_tmpdir(void)
{
    const char *names[] = {"scn.json", "syntax.json", "some.file", "fuzz.json"};
    char path[PATH_MAX];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", tmpdir, names[i]);
        unlink(path);
    }
    rmdir(tmpdir);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite units = CU_add_suite("units", NULL, NULL);
    TEST_ADD(units, test_units_values);
    TEST_ADD(units, test_units_rejected);
    CU_pSuite schema = CU_add_suite("schema", NULL, NULL);
    TEST_ADD(schema, test_edit_distance);
    TEST_ADD(schema, test_markdown_lists_every_key);
    CU_pSuite load = CU_add_suite("load", NULL, NULL);
    TEST_ADD(load, test_defaults_minimal);
    TEST_ADD(load, test_defaults_leaf_spine);
    TEST_ADD(load, test_file_values_kept);
    TEST_ADD(load, test_defaults_validate);
    CU_pSuite set = CU_add_suite("set", NULL, NULL);
    TEST_ADD(set, test_set_overrides);
    TEST_ADD(set, test_set_creates_sections);
    TEST_ADD(set, test_set_errors);
    TEST_ADD(set, test_set_relative_path);
    CU_pSuite errors = CU_add_suite("errors", NULL, NULL);
    TEST_ADD(errors, test_errors_unknown_keys);
    TEST_ADD(errors, test_errors_types_ranges_enums);
    TEST_ADD(errors, test_not_applicable_warns);
    TEST_ADD(errors, test_errors_other_family);
    TEST_ADD(errors, test_misspelt_key_aborts);
    TEST_ADD(errors, test_errors_json);
    CU_pSuite fuzz = CU_add_suite("fuzz", NULL, NULL);
    TEST_ADD(fuzz, test_fuzz_loader);
    int rc = test_run_all();
    cleanup_tmpdir();
    return rc;
}
