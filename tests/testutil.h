/* Shared helpers for simgrad's CUnit test programs. */
#ifndef SIMGRAD_TESTUTIL_H
#define SIMGRAD_TESTUTIL_H

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

/* Path of a file in the source tree (SIMGRAD_SOURCE_DIR is set by ctest). */
static inline const char *test_source_path(const char *rel, char *buf, size_t len)
{
    const char *root = getenv("SIMGRAD_SOURCE_DIR");
    snprintf(buf, len, "%s/%s", root ? root : "..", rel);
    return buf;
}

/* The simgrad command under test (SIMGRAD_BIN is set by ctest). */
static inline const char *test_simgrad_bin(void)
{
    const char *b = getenv("SIMGRAD_BIN");
    return b ? b : "./simgrad";
}

/* `simgrad run SCENARIO --quiet --out OUT ARGS` (ARGS: shell words, may be ""), its output in
 * OUT.log. Returns the exit status, or -1 if it did not exit. */
static inline int test_simgrad_run(const char *scenario, const char *out, const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s run %s --quiet --out %s %s >%s.log 2>&1", test_simgrad_bin(),
             scenario, out, args ? args : "", out);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Write text to path (a test's scenario or data file); fails the test if it cannot. */
static inline void test_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

/* Write scenario text to DIR/NAME.json and `simgrad run` it with ARGS (may be NULL) into
 * DIR/NAME, its stdout and stderr in DIR/NAME.out and DIR/NAME.err. Returns the exit status,
 * or -1 if it did not exit. */
static inline int test_run_text(const char *dir, const char *name, const char *scenario,
                                const char *args)
{
    char path[1024], cmd[4096];
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    test_write_file(path, scenario);
    snprintf(cmd, sizeof cmd, "%s run %s --quiet --out %s/%s %s >%s/%s.out 2>%s/%s.err",
             test_simgrad_bin(), path, dir, name, args ? args : "", dir, name, dir, name);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Run every registered suite verbosely and turn failures into the exit status. */
static inline int test_run_all(void)
{
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}

#define TEST_ADD(suite, fn) CU_add_test(suite, #fn, fn)

#endif
