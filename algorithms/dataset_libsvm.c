/* LIBSVM text reader ("label idx:val ..."), gzip or plain through zlib.
 *
 * One pass collects the sparse entries, then they are laid out densely once the width is
 * known. Every parse error names file:line, the offending token and what was expected. */
#include "simgrad/dataset.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Integer labels up to this bound are class indices; larger ones are taken as regression. */
#define LIBSVM_MAX_CLASS 1000000

typedef struct libsvm_rows {
    double *label; /* per row */
    size_t *start; /* per row + 1: first entry of row i is start[i] */
    size_t *idx;   /* 0-based column of each entry */
    double *val;   /* value of each entry */
    size_t n, nnz; /* rows, entries */
    size_t cap_label, cap_start, cap_idx, cap_val;
    size_t width; /* 1 + largest column seen */
    size_t *node; /* per row, when a node token is read */
    size_t cap_node;
} libsvm_rows;

typedef struct libsvm_src {
    const char *path;
    size_t line;
    const char *node_key; /* NULL, or the KEY of the "KEY:i" node token after each label */
    size_t max_nodes;     /* > 0: node ids must be below it */
    sgr_err *err;
} libsvm_src;

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t cap2 = *cap ? *cap : 64;
    while (cap2 < need)
        cap2 *= 2;
    void *q = realloc(*p, cap2 * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = cap2;
    return 0;
}

static int rows_add_row(libsvm_rows *r, double label)
{
    if (grow((void **)&r->label, &r->cap_label, r->n + 1, sizeof *r->label) ||
        grow((void **)&r->start, &r->cap_start, r->n + 2, sizeof *r->start))
        return -1;
    r->label[r->n] = label;
    r->start[r->n] = r->nnz;
    r->start[r->n + 1] = r->nnz;
    r->n++;
    return 0;
}

static int rows_add_entry(libsvm_rows *r, size_t col, double v)
{
    if (grow((void **)&r->idx, &r->cap_idx, r->nnz + 1, sizeof *r->idx) ||
        grow((void **)&r->val, &r->cap_val, r->nnz + 1, sizeof *r->val))
        return -1;
    r->idx[r->nnz] = col;
    r->val[r->nnz] = v;
    r->nnz++;
    r->start[r->n] = r->nnz;
    if (col + 1 > r->width)
        r->width = col + 1;
    return 0;
}

static void rows_free(libsvm_rows *r)
{
    free(r->node);
    free(r->label);
    free(r->start);
    free(r->idx);
    free(r->val);
}

/* Read one line of any length into *buf. Returns 1 for a line, 0 at end of file, -1 on error. */
static int read_line(gzFile f, char **buf, size_t *cap, const libsvm_src *src)
{
    size_t len = 0;
    for (;;) {
        if (*cap - len < 2 && grow((void **)buf, cap, *cap + 2, 1))
            return sgr_fail(src->err, "%s:%zu: out of memory for a line", src->path, src->line);
        size_t room = *cap - len > (1u << 30) ? (1u << 30) : *cap - len;
        if (!gzgets(f, *buf + len, (int)room)) {
            int zerr;
            const char *msg = gzerror(f, &zerr);
            if (zerr == Z_BUF_ERROR)
                return sgr_fail(src->err, "%s:%zu: truncated compressed file", src->path,
                                src->line);
            if (zerr != Z_OK)
                return sgr_fail(src->err, "%s:%zu: read error: %s", src->path, src->line, msg);
            return len > 0;
        }
        size_t got = strlen(*buf + len);
        len += got;
        if ((len > 0 && (*buf)[len - 1] == '\n') || gzeof(f))
            return 1;
        /* gzgets stops at a newline or a full buffer; a shorter string without one means
         * a NUL byte inside the line, which strlen cannot see past */
        if (got + 1 < room)
            return sgr_fail(src->err, "%s:%zu: NUL byte in a line (not a text file?)",
                            src->path, src->line);
        if (grow((void **)buf, cap, *cap * 2, 1))
            return sgr_fail(src->err, "%s:%zu: out of memory for a line", src->path, src->line);
    }
}

static const char *skip_space(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    return s;
}

static size_t token_len(const char *s)
{
    size_t n = 0;
    while (s[n] && !isspace((unsigned char)s[n]))
        n++;
    return n;
}

/* Parse one "idx:val" token at s (len bytes); prev is the previous 1-based index or 0. */
static int parse_entry(const char *s, size_t len, size_t *prev, libsvm_rows *r,
                       const libsvm_src *src)
{
    int shown = len > 40 ? 40 : (int)len;
    char *end;
    if (!isdigit((unsigned char)*s))
        return sgr_fail(
            src->err,
            "%s:%zu: bad index in '%.*s', expected index:value with an integer index >= 1",
            src->path, src->line, shown, s);
    errno = 0;
    unsigned long long index = strtoull(s, &end, 10);
    if (*end != ':')
        return sgr_fail(src->err, "%s:%zu: expected index:value, got '%.*s'", src->path, src->line,
                        shown, s);
    if (errno || index == 0 || index > (unsigned long long)(SIZE_MAX / 2))
        return sgr_fail(src->err, "%s:%zu: bad index in '%.*s', expected an integer >= 1",
                        src->path, src->line, shown, s);
    if (index <= *prev)
        return sgr_fail(src->err, "%s:%zu: index %llu after %zu, indices must be ascending",
                        src->path, src->line, index, *prev);
    const char *vs = end + 1;
    double v = strtod(vs, &end);
    if (end == vs || end != s + len || !isfinite(v))
        return sgr_fail(src->err, "%s:%zu: bad value in '%.*s', expected a finite number",
                        src->path, src->line, shown, s);
    *prev = (size_t)index;
    if (rows_add_entry(r, (size_t)index - 1, v))
        return sgr_fail(src->err, "%s:%zu: out of memory", src->path, src->line);
    return 0;
}

/* The "KEY:i" node token at s (len bytes) of the row just added. */
static int parse_node(const char *s, size_t len, libsvm_rows *r, const libsvm_src *src)
{
    size_t klen = strlen(src->node_key);
    int shown = len > 40 ? 40 : (int)len;
    if (len <= klen + 1 || strncmp(s, src->node_key, klen) != 0 || s[klen] != ':' ||
        !isdigit((unsigned char)s[klen + 1]))
        return sgr_fail(src->err, "%s:%zu: expected the node as '%s:i' after the label, got '%.*s'",
                        src->path, src->line, src->node_key, shown, s);
    char *end;
    errno = 0;
    unsigned long long node = strtoull(s + klen + 1, &end, 10);
    if (end != s + len || errno || node > (unsigned long long)(SIZE_MAX / 2))
        return sgr_fail(src->err, "%s:%zu: bad node in '%.*s', expected an integer >= 0",
                        src->path, src->line, shown, s);
    if (src->max_nodes && node >= src->max_nodes)
        return sgr_fail(src->err,
                        "%s:%zu: node %llu does not exist (the graph has %zu nodes, numbered "
                        "from 0)",
                        src->path, src->line, node, src->max_nodes);
    if (grow((void **)&r->node, &r->cap_node, r->n, sizeof *r->node))
        return sgr_fail(src->err, "%s:%zu: out of memory", src->path, src->line);
    r->node[r->n - 1] = (size_t)node;
    return 0;
}

/* Parse one line; blank and comment-only lines add nothing. */
static int parse_line(char *line, libsvm_rows *r, const libsvm_src *src)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    const char *s = skip_space(line);
    if (!*s)
        return 0;
    size_t len = token_len(s);
    char *end;
    double label = strtod(s, &end);
    if (end != s + len || !isfinite(label))
        return sgr_fail(src->err, "%s:%zu: bad label '%.*s', expected a number", src->path,
                        src->line, len > 40 ? 40 : (int)len, s);
    if (rows_add_row(r, label))
        return sgr_fail(src->err, "%s:%zu: out of memory", src->path, src->line);
    size_t prev = 0;
    if (src->node_key) {
        s = skip_space(s + len);
        len = token_len(s);
        if (parse_node(s, len, r, src))
            return -1;
    }
    for (s = skip_space(s + len); *s; s = skip_space(s + len)) {
        len = token_len(s);
        if (parse_entry(s, len, &prev, r, src))
            return -1;
    }
    return 0;
}

/* Map labels as the header describes; returns nclasses. */
int sgr_dataset_classify_labels(double *y, size_t n)
{
    int pm1 = 1, zero_one = 1, ints = 1;
    double maxl = 0;
    for (size_t i = 0; i < n; i++) {
        pm1 &= y[i] == -1.0 || y[i] == 1.0;
        zero_one &= y[i] == 0.0 || y[i] == 1.0;
        ints &= y[i] >= 0 && y[i] <= LIBSVM_MAX_CLASS && y[i] == floor(y[i]);
        maxl = y[i] > maxl ? y[i] : maxl;
    }
    if (pm1 || zero_one) {
        for (size_t i = 0; i < n; i++)
            y[i] = y[i] > 0 ? 1.0 : 0.0;
        return 2;
    }
    return ints ? (int)maxl + 1 : 0;
}

static int rows_to_dataset(libsvm_rows *r, size_t d_min, sgr_dataset *out, const char *path,
                           sgr_err *err)
{
    size_t d = r->width > d_min ? r->width : d_min;
    if (sgr_dataset_alloc(out, r->n, d, 0, err))
        return sgr_fail_prefix(err, "%s", path);
    memset(out->X, 0, r->n * d * sizeof *out->X);
    for (size_t i = 0; i < r->n; i++) {
        for (size_t e = r->start[i]; e < r->start[i + 1]; e++)
            out->X[i * d + r->idx[e]] = r->val[e];
        out->y[i] = r->label[i];
    }
    out->nclasses = sgr_dataset_classify_labels(out->y, r->n);
    return 0;
}

int sgr_dataset_read_libsvm(sgr_dataset *out, const char *path, size_t d_min, sgr_err *err)
{
    return sgr_dataset_read_libsvm_nodes(out, path, d_min, NULL, 0, NULL, err);
}

int sgr_dataset_read_libsvm_nodes(sgr_dataset *out, const char *path, size_t d_min,
                                  const char *node_key, size_t max_nodes, size_t **nodes,
                                  sgr_err *err)
{
    libsvm_rows rows = {0};
    libsvm_src src = {path, 0, node_key, max_nodes, err};
    if (nodes)
        *nodes = NULL;
    size_t cap = 4096;
    int rc;
    memset(out, 0, sizeof *out);
    errno = 0;
    gzFile f = gzopen(path, "rb");
    if (!f)
        return sgr_fail(err, "%s: cannot open: %s", path,
                        errno ? strerror(errno) : "out of memory");
    char *buf = malloc(cap);
    if (!buf) {
        sgr_fail(err, "%s: out of memory", path);
        goto out_close;
    }
    for (;;) {
        src.line++;
        rc = read_line(f, &buf, &cap, &src);
        if (rc < 0)
            goto out_free_rows;
        if (rc == 0)
            break;
        if (parse_line(buf, &rows, &src))
            goto out_free_rows;
    }
    if (rows.n == 0) {
        sgr_fail(err, "%s: empty file, expected at least one 'label index:value ...' line", path);
        goto out_free_rows;
    }
    if (rows_to_dataset(&rows, d_min, out, path, err))
        goto out_free_rows;
    if (nodes) {
        *nodes = rows.node;
        rows.node = NULL;
    }
    rows_free(&rows);
    free(buf);
    gzclose(f);
    return 0;

out_free_rows:
    rows_free(&rows);
    free(buf);
out_close:
    gzclose(f);
    return -1;
}
