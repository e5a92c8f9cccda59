/* simgrad: error reporting shared by every module.
 *
 * Action functions return 0 on success and a negative value on error, after filling an
 * sgr_err with one human-readable message. Predicates return bool. */
#ifndef SIMGRAD_ERROR_H
#define SIMGRAD_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sgr_err {
    char msg[1024];
} sgr_err;

/* Format a message into err (if err is not NULL) and return -1, so callers can write
 * `return sgr_fail(err, "bad %s", key);`. This function can't fail. */
int sgr_fail(sgr_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefix the message already in err with "prefix: ". Returns -1. */
int sgr_fail_prefix(sgr_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif
#endif
