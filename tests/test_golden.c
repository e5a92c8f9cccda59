/* Golden runs: each case of tests/golden/cases.txt is run through the `simgrad` command and its
 * metrics.csv and summary results are compared byte for byte with the files kept beside the
 * cases (SimGrid's tesh files are the model), so a change of simulated timing or of any number
 * shows in a diff. The results are the summary's `results` object, `simulated_time_s`, `complete`
 * and `hosts` (numbers to 15 digits, all the summary holds), with wall-clock time and memory
 * (which vary from run to run) left out.
 *
 * SIMGRAD_GOLDEN_UPDATE=1 rewrites the golden files instead of comparing (tools/golden-update.sh);
 * a commit that changes them says which numbers moved and why. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "testutil.h"

#define MAX_CASES 64

typedef struct golden_case {
    char name[64];
    char scenario[256];
    char args[1024];
} golden_case;

static golden_case cases[MAX_CASES];
static size_t ncases;
static char tmpdir[256];
static bool update;

/* Wall-clock and memory fields, anywhere in the results: they differ between equal runs. */
static bool volatile_key(const char *key)
{
    return strstr(key, "wall") != NULL || strcmp(key, "peak_rss_mb") == 0;
}

static void strip_volatile(json_t *j)
{
    if (json_is_object(j)) {
        const char *key;
        json_t *v;
        void *tmp;
        json_object_foreach_safe(j, tmp, key, v)
        {
            if (volatile_key(key))
                json_object_del(j, key);
            else
                strip_volatile(v);
        }
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) strip_volatile(v);
    }
}

/* The comparable part of a run's summary.json, written to `out`. Returns 0 or -1. */
static int write_results(const char *summary_path, const char *out)
{
    json_error_t e;
    json_t *s = json_load_file(summary_path, 0, &e);
    if (!s) {
        fprintf(stderr, "\n%s: %s\n", summary_path, e.text);
        return -1;
    }
    json_t *r = json_pack(
        "{s:O?, s:O?, s:O?, s:O?, s:O?}", "family", json_object_get(s, "family"), "complete",
        json_object_get(s, "complete"), "hosts", json_object_get(s, "hosts"), "simulated_time_s",
        json_object_get(s, "simulated_time_s"), "results", json_object_get(s, "results"));
    strip_volatile(r);
    int rc =
        r ? json_dump_file(r, out, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_REAL_PRECISION(15)) : -1;
    json_decref(r);
    json_decref(s);
    return rc;
}

/* Compare (or, when updating, copy) one produced file with its golden file. */
static void check_file(const char *name, const char *produced, const char *golden_rel)
{
    char golden[1024], cmd[3000];
    test_source_path(golden_rel, golden, sizeof golden);
    if (update) {
        snprintf(cmd, sizeof cmd, "cp %s %s", produced, golden);
        CU_ASSERT_EQUAL(system(cmd), 0);
        return;
    }
    snprintf(cmd, sizeof cmd, "diff -u %s %s | head -40 >&2", golden, produced);
    char cmp[3000];
    snprintf(cmp, sizeof cmp, "cmp -s %s %s", golden, produced);
    int same = system(cmp) == 0;
    if (!same) {
        fprintf(stderr, "\n%s: %s differs from %s:\n", name, produced, golden);
        if (system(cmd) != 0)
            fprintf(stderr, "(diff failed)\n");
    }
    CU_ASSERT_TRUE(same);
}

static void run_case(const golden_case *c)
{
    char scn[1024], out[512], path[700], produced[700], golden[300];
    test_source_path(c->scenario, scn, sizeof scn);
    snprintf(out, sizeof out, "%s/%s", tmpdir, c->name);
    CU_ASSERT_EQUAL_FATAL(test_simgrad_run(scn, out, c->args), 0);
    snprintf(path, sizeof path, "%s/metrics.csv", out);
    snprintf(golden, sizeof golden, "tests/golden/%s.metrics.csv", c->name);
    check_file(c->name, path, golden);
    snprintf(path, sizeof path, "%s/summary.json", out);
    snprintf(produced, sizeof produced, "%s/results.json", out);
    CU_ASSERT_EQUAL_FATAL(write_results(path, produced), 0);
    snprintf(golden, sizeof golden, "tests/golden/%s.results.json", c->name);
    check_file(c->name, produced, golden);
}

static void test_cases(void)
{
    CU_ASSERT_FATAL(ncases > 0);
    for (size_t i = 0; i < ncases; i++)
        run_case(&cases[i]);
}

/* Every case runs twice to the same bytes: a golden file can only pin a deterministic run. */
static void test_rerun_identical(void)
{
    char scn[1024], out[512], a[700], b[700], cmd[1500];
    const golden_case *c = &cases[0];
    test_source_path(c->scenario, scn, sizeof scn);
    snprintf(out, sizeof out, "%s/%s-again", tmpdir, c->name);
    CU_ASSERT_EQUAL_FATAL(test_simgrad_run(scn, out, c->args), 0);
    snprintf(a, sizeof a, "%s/%s/metrics.csv", tmpdir, c->name);
    snprintf(b, sizeof b, "%s/metrics.csv", out);
    snprintf(cmd, sizeof cmd, "cmp -s %s %s", a, b);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

static int load_cases(void)
{
    char path[1024], line[2048];
    FILE *f = fopen(test_source_path("tests/golden/cases.txt", path, sizeof path), "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f) && ncases < MAX_CASES) {
        golden_case *c = &cases[ncases];
        int used = 0;
        if (line[0] == '#' || sscanf(line, "%63s %255s %n", c->name, c->scenario, &used) < 2)
            continue;
        snprintf(c->args, sizeof c->args, "%s", line + used);
        c->args[strcspn(c->args, "\n")] = '\0';
        ncases++;
    }
    fclose(f);
    return 0;
}

int main(void)
{
    update = getenv("SIMGRAD_GOLDEN_UPDATE") && strcmp(getenv("SIMGRAD_GOLDEN_UPDATE"), "1") == 0;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/simgrad-golden-XXXXXX");
    if (!mkdtemp(tmpdir) || load_cases() < 0)
        return 1;
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("golden", NULL, NULL);
    TEST_ADD(s, test_cases);
    if (!update)
        TEST_ADD(s, test_rerun_identical);
    int rc = test_run_all();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", tmpdir);
    return rc;
}
