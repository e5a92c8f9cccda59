/* A numeric CSV table with an optional header, every row's file line kept for messages. */
#include "simgrad/csv_table.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct table_build {
    sgr_csv_table *t;
    size_t cap_rows;
    const char *path;
    sgr_err *err;
} table_build;

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* Split line in place at commas into at most max fields; returns the field count. */
static size_t split_fields(char *line, char **fields, size_t max)
{
    size_t n = 0;
    for (char *s = line;; s++) {
        char *comma = strchr(s, ',');
        if (n < max)
            fields[n] = s;
        n++;
        if (!comma)
            break;
        *comma = '\0';
        s = comma;
    }
    for (size_t k = 0; k < n && k < max; k++)
        fields[k] = trim(fields[k]);
    return n;
}

static bool parse_number(const char *s, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !isfinite(x))
        return false;
    *out = x;
    return true;
}

static size_t count_fields(const char *line)
{
    size_t n = 1;
    for (; *line; line++)
        n += *line == ',';
    return n;
}

static int set_header(table_build *b, char **fields, size_t n)
{
    sgr_csv_table *t = b->t;
    t->names = calloc(n, sizeof *t->names);
    if (!t->names)
        return sgr_fail(b->err, "%s: out of memory", b->path);
    for (size_t k = 0; k < n; k++)
        if (!(t->names[k] = strdup(fields[k])))
            return sgr_fail(b->err, "%s: out of memory", b->path);
    return 0;
}

static int add_row(table_build *b, char **fields, size_t lineno)
{
    sgr_csv_table *t = b->t;
    if (t->rows == b->cap_rows) {
        size_t cap = b->cap_rows ? 2 * b->cap_rows : 64;
        double *v = realloc(t->v, cap * t->cols * sizeof *v);
        if (v)
            t->v = v;
        size_t *ln = realloc(t->line, cap * sizeof *ln);
        if (ln)
            t->line = ln;
        if (!v || !ln)
            return sgr_fail(b->err, "%s: out of memory at line %zu", b->path, lineno);
        b->cap_rows = cap;
    }
    for (size_t k = 0; k < t->cols; k++)
        if (!parse_number(fields[k], &t->v[t->rows * t->cols + k]))
            return sgr_fail(b->err, "%s:%zu: field %zu%s%s is not a finite number: \"%.40s\"",
                            b->path, lineno, k + 1, t->names ? " " : "",
                            t->names ? t->names[k] : "", fields[k]);
    t->line[t->rows++] = lineno;
    return 0;
}

/* One line (comment cut, not blank). */
static int take_line(table_build *b, char *line, size_t lineno, bool first)
{
    sgr_csv_table *t = b->t;
    size_t n = count_fields(line);
    char **fields = malloc(n * sizeof *fields);
    if (!fields)
        return sgr_fail(b->err, "%s: out of memory at line %zu", b->path, lineno);
    split_fields(line, fields, n);
    int rc = 0;
    if (first) {
        t->cols = n;
        double x;
        bool header = true;
        for (size_t k = 0; k < n && header; k++)
            header = !parse_number(fields[k], &x);
        if (header) {
            t->header_line = lineno;
            rc = set_header(b, fields, n);
            goto out;
        }
    }
    if (n != t->cols)
        rc = sgr_fail(b->err, "%s:%zu: %zu fields, expected %zu (as on the first line)", b->path,
                      lineno, n, t->cols);
    else
        rc = add_row(b, fields, lineno);
out:
    free(fields);
    return rc;
}

int sgr_csv_table_read(const char *path, sgr_csv_table *t, sgr_err *err)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "r");
    if (!f)
        return sgr_fail(err, "%s: cannot open: %s", path, strerror(errno));
    table_build b = {t, 0, path, err};
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    bool first = true;
    int rc = 0;
    while (rc == 0 && getline(&line, &cap, f) != -1) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(line);
        if (!*s)
            continue;
        rc = take_line(&b, s, lineno, first);
        first = false;
    }
    if (rc == 0 && ferror(f))
        rc = sgr_fail(err, "%s: read error after line %zu", path, lineno);
    if (rc == 0 && t->rows == 0)
        rc = sgr_fail(err, "%s: no data rows", path);
    free(line);
    fclose(f);
    if (rc < 0)
        sgr_csv_table_free(t);
    return rc;
}

int sgr_csv_table_col(const sgr_csv_table *t, const char *name)
{
    for (size_t k = 0; t->names && k < t->cols; k++)
        if (strcmp(t->names[k], name) == 0)
            return (int)k;
    return -1;
}

void sgr_csv_table_free(sgr_csv_table *t)
{
    for (size_t k = 0; t->names && k < t->cols; k++)
        free(t->names[k]);
    free(t->names);
    free(t->v);
    free(t->line);
    memset(t, 0, sizeof *t);
}
