/* simgrad: reader for delay-trace CSV files (rows = rounds, columns = workers, seconds).
 *
 * Strict on purpose: a trace drives every timing in a run, so a typo must stop the run with
 * file:line:column rather than turn into a zero or a silently shorter row. */
#include "simgrad/straggler.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growable array of doubles. */
typedef struct {
    double *v;
    size_t len, cap;
} dvec;

static int dvec_push(dvec *d, double x)
{
    if (d->len == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 64;
        double *v = realloc(d->v, cap * sizeof *v);
        if (!v)
            return -1;
        d->v = v;
        d->cap = cap;
    }
    d->v[d->len++] = x;
    return 0;
}

static bool line_is_blank(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

/* Parse one field [s, end) as a finite number, allowing blanks around it. */
static bool field_parse(const char *s, const char *end, double *out)
{
    while (s < end && isspace((unsigned char)*s))
        s++;
    while (end > s && isspace((unsigned char)end[-1]))
        end--;
    if (s == end)
        return false;
    char *stop;
    errno = 0;
    double x = strtod(s, &stop);
    if (stop != end || errno == ERANGE || !isfinite(x))
        return false;
    *out = x;
    return true;
}

/* True if no field of the line parses as a number: the line is a header of names. */
static bool line_is_header(const char *line)
{
    const char *s = line;
    for (;;) {
        const char *end = strchr(s, ',');
        if (!end)
            end = s + strlen(s);
        double x;
        if (field_parse(s, end, &x))
            return false;
        if (!*end)
            return true;
        s = end + 1;
    }
}

static size_t line_count_fields(const char *line)
{
    size_t n = 1;
    for (; *line; line++)
        n += *line == ',';
    return n;
}

/* Append the fields of data line `lineno` to d. Returns 0, or -1 with err set. */
static int line_parse_row(const char *path, size_t lineno, const char *line, dvec *d, sgr_err *err)
{
    const char *s = line;
    for (size_t field = 1;; field++) {
        const char *end = strchr(s, ',');
        if (!end)
            end = s + strlen(s);
        double x;
        size_t col = (size_t)(s - line) + 1;
        if (!field_parse(s, end, &x))
            return sgr_fail(err, "%s:%zu:%zu: field %zu is not a number: \"%.*s\"", path, lineno,
                            col, field, (int)(end - s), s);
        if (x < 0)
            return sgr_fail(err, "%s:%zu:%zu: field %zu is negative (%g); values must be >= 0",
                            path, lineno, col, field, x);
        if (dvec_push(d, x))
            return sgr_fail(err, "%s: out of memory reading the trace", path);
        if (!*end)
            return 0;
        s = end + 1;
    }
}

/* Strip the line terminator (LF or CRLF) in place. */
static void line_chomp(char *line, ssize_t len)
{
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
}

/* Read the data rows of an open trace into d; *cols is set from the first row (or header). */
static int trace_read_rows(FILE *f, const char *path, dvec *d, size_t *rows, size_t *cols,
                           sgr_err *err)
{
    char *line = NULL;
    size_t cap = 0, lineno = 0, blank_at = 0;
    ssize_t len;
    int ret = 0;

    *rows = 0;
    *cols = 0;
    while ((len = getline(&line, &cap, f)) != -1) {
        lineno++;
        line_chomp(line, len);
        if (line_is_blank(line)) {
            if (!blank_at)
                blank_at = lineno;
            continue;
        }
        if (blank_at) {
            /* Blank lines are allowed at the end only; in the middle they hide a lost row. */
            ret = sgr_fail(err, "%s:%zu: blank line inside the data (next row on line %zu)", path,
                           blank_at, lineno);
            goto out_free_line;
        }
        size_t n = line_count_fields(line);
        if (lineno == 1 && line_is_header(line)) {
            *cols = n;
            continue;
        }
        if (*cols && n != *cols) {
            ret =
                sgr_fail(err, "%s:%zu: row has %zu columns, expected %zu", path, lineno, n, *cols);
            goto out_free_line;
        }
        *cols = n;
        if (line_parse_row(path, lineno, line, d, err)) {
            ret = -1;
            goto out_free_line;
        }
        (*rows)++;
    }
    if (ferror(f))
        ret = sgr_fail(err, "%s: read error: %s", path, strerror(errno));
    else if (*rows == 0)
        ret = sgr_fail(err, "%s: trace has no rows of task times", path);
out_free_line:
    free(line);
    return ret;
}

/* Read a delay trace CSV into a new malloc'ed row-major array of *rows x *cols seconds.
 * Accepted: an optional first line whose fields are all non-numeric (column names), rows of
 * comma-separated finite non-negative numbers (blanks around fields and CRLF are fine), and
 * blank lines at the end. On error, -1 is returned, *values is left NULL and err names the
 * file and line (and column of the field for a bad value); otherwise 0. */
int sgr_trace_read_csv(const char *path, double **values, size_t *rows, size_t *cols, sgr_err *err)
{
    dvec d = {0};
    FILE *f;

    *values = NULL;
    f = fopen(path, "r");
    if (!f)
        return sgr_fail(err, "cannot open trace %s: %s", path, strerror(errno));
    if (trace_read_rows(f, path, &d, rows, cols, err))
        goto out_free_values;
    fclose(f);
    *values = d.v;
    return 0;

out_free_values:
    free(d.v);
    fclose(f);
    return -1;
}
