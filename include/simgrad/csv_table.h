/* simgrad: a small numeric CSV table reader (data files, initial points), with the file line of
 * every row kept for error messages. Pure C.
 *
 * Accepted: comma-separated fields (blanks around them and CRLF are fine), '#' starts a
 * comment, blank lines are skipped; an optional first line of names (a line none of whose
 * fields parses as a number); every row must have as many fields as the first. Values are
 * finite numbers (negative allowed). */
#ifndef SIMGRAD_CSV_TABLE_H
#define SIMGRAD_CSV_TABLE_H

#include <stddef.h>
#include "simgrad/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sgr_csv_table {
    size_t rows, cols;
    char **names;       /* cols header names (malloc'ed), or NULL when the file has no header */
    double *v;          /* rows x cols, row-major */
    size_t *line;       /* rows: the file line each row comes from (1-based) */
    size_t header_line; /* the header's line, 0 without one */
} sgr_csv_table;

/* Read path into t. Errors name path:line (and the field) and say what was expected: a field
 * that is not a finite number, a row with another number of fields, no data rows, an
 * unreadable file. On error returns -1 and t holds nothing. */
int sgr_csv_table_read(const char *path, sgr_csv_table *t, sgr_err *err);

/* The index of the column named `name`, or -1 (also when there is no header). */
int sgr_csv_table_col(const sgr_csv_table *t, const char *name);

/* Release t's arrays; safe on a zeroed table. */
void sgr_csv_table_free(sgr_csv_table *t);

#ifdef __cplusplus
}
#endif
#endif
