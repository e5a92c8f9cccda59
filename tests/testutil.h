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
