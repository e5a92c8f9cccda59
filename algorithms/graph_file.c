/* Logical graphs read from an edge-list file: "u v" per line, 0-based node indices, '#'
 * comments and blank lines allowed. Every error names the file and line. */
#include "simgrad/graph.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct edge_pairs {
    size_t *u, *v;
    size_t m, cap;
} edge_pairs;

static int edge_pairs_push(edge_pairs *ep, size_t a, size_t b)
{
    if (ep->m == ep->cap) {
        size_t cap = ep->cap ? 2 * ep->cap : 256;
        if (cap > SIZE_MAX / sizeof(size_t))
            return -1;
        size_t *u = realloc(ep->u, cap * sizeof *u);
        if (!u)
            return -1;
        ep->u = u;
        size_t *v = realloc(ep->v, cap * sizeof *v);
        if (!v)
            return -1;
        ep->v = v;
        ep->cap = cap;
    }
    ep->u[ep->m] = a;
    ep->v[ep->m++] = b;
    return 0;
}

/* The next whitespace-separated token of *s (NUL-terminated in place), or NULL at the end. */
static char *next_token(char **s)
{
    char *p = *s;
    while (*p && isspace((unsigned char)*p))
        p++;
    if (!*p)
        return NULL;
    char *tok = p;
    while (*p && !isspace((unsigned char)*p))
        p++;
    if (*p)
        *p++ = '\0';
    *s = p;
    return tok;
}

/* A node index: decimal digits only (no sign), below the limit that keeps n + 1 allocatable. */
static bool parse_index(const char *tok, size_t *out)
{
    if (!isdigit((unsigned char)tok[0]))
        return false;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(tok, &end, 10);
    if (*end || errno || x >= SIZE_MAX / sizeof(size_t) - 1)
        return false;
    *out = (size_t)x;
    return true;
}

/* Parse one line (comment already cut). Appends its edge, if any, to ep. */
static int parse_line(char *line, const char *path, size_t lineno, size_t n, edge_pairs *ep,
                      size_t *max_index, sgr_err *err)
{
    char *rest = line, *tok[3];
    int ntok = 0;
    while (ntok < 3 && (tok[ntok] = next_token(&rest)))
        ntok++;
    if (ntok == 0)
        return 0;
    if (ntok != 2)
        return sgr_fail(err, "graph.file %s:%zu: expected two node indices \"u v\", found %d %s",
                        path, lineno, ntok, ntok == 1 ? "token" : "or more tokens");
    size_t ends[2];
    for (int k = 0; k < 2; k++) {
        if (!parse_index(tok[k], &ends[k]))
            return sgr_fail(err,
                            "graph.file %s:%zu: bad node index '%.40s' (expected an integer "
                            ">= 0)",
                            path, lineno, tok[k]);
        if (n && ends[k] >= n)
            return sgr_fail(err,
                            "graph.file %s:%zu: node index %zu is out of range for graph.n = "
                            "%zu (indices are 0-based)",
                            path, lineno, ends[k], n);
        if (ends[k] > *max_index)
            *max_index = ends[k];
    }
    if (ends[0] == ends[1])
        return sgr_fail(err, "graph.file %s:%zu: self-loop %zu %zu (the graph must be simple)",
                        path, lineno, ends[0], ends[1]);
    if (edge_pairs_push(ep, ends[0], ends[1]))
        return sgr_fail(err, "graph.file %s:%zu: out of memory", path, lineno);
    return 0;
}

int sgr_graph_load_file(sgr_graph *g, const char *path, size_t n, sgr_err *err)
{
    memset(g, 0, sizeof *g);
    if (!path || !*path)
        return sgr_fail(err, "graph.file is not set (a file graph needs an edge-list path)");
    FILE *f = fopen(path, "r");
    if (!f)
        return sgr_fail(err, "graph.file %s: cannot open: %s", path, strerror(errno));
    edge_pairs ep = {0};
    char *line = NULL;
    size_t cap = 0, lineno = 0, max_index = 0;
    int rc = -1;
    while (getline(&line, &cap, f) != -1) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        if (parse_line(line, path, lineno, n, &ep, &max_index, err))
            goto out;
    }
    if (ferror(f)) {
        rc = sgr_fail(err, "graph.file %s: read error after line %zu", path, lineno);
        goto out;
    }
    if (!n && !ep.m) {
        rc = sgr_fail(err, "graph.file %s: no edges (set graph.n for a graph without edges)", path);
        goto out;
    }
    rc = sgr_graph_from_edges(g, n ? n : max_index + 1, ep.u, ep.v, ep.m, err);
    if (rc)
        sgr_fail_prefix(err, "graph.file %s", path);
out:
    free(line);
    free(ep.u);
    free(ep.v);
    fclose(f);
    return rc;
}
