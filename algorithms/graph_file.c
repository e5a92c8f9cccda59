/* Logical graphs read from an edge-list file: "u v" per line, 0-based node indices, '#'
 * comments and blank lines allowed. Every error names the file and line. */
#include "simgrad/graph.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The node count is 1 + the largest index: at most this many. */
enum { SGR_GRAPH_FILE_MAX_NODES = 100000000 };

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
                        path, lineno, ntok, ntok == 1 ? "field" : "or more fields");
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
        /* a typo must not ask for terabytes */
        if (ends[k] >= SGR_GRAPH_FILE_MAX_NODES)
            return sgr_fail(err, "graph.file %s:%zu: node index %zu; a graph has at most %d nodes",
                            path, lineno, ends[k], SGR_GRAPH_FILE_MAX_NODES);
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
    /* n from the file: an index far beyond what the edges can touch is a typo, not a graph
     * of mostly isolated nodes (which graph.n states when it is meant) */
    if (!n && max_index >= 2 * ep.m) {
        rc = sgr_fail(err,
                      "graph.file %s: node index %zu makes %zu nodes, but its %zu edges touch at "
                      "most %zu: the others would be isolated (set graph.n if that is meant)",
                      path, max_index, max_index + 1, ep.m, 2 * ep.m);
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

/* ---- sequences of graphs (time-varying gossip) ---- */

typedef struct seq_edges {
    edge_pairs *per; /* per graph id */
    size_t k, cap;   /* graph ids seen: 0..k-1 */
} seq_edges;

static int seq_push(seq_edges *s, size_t id, size_t a, size_t b)
{
    if (id >= s->cap) {
        size_t cap = s->cap ? s->cap : 16;
        while (cap <= id)
            cap *= 2;
        edge_pairs *p = realloc(s->per, cap * sizeof *p);
        if (!p)
            return -1;
        memset(p + s->cap, 0, (cap - s->cap) * sizeof *p);
        s->per = p;
        s->cap = cap;
    }
    if (id >= s->k)
        s->k = id + 1;
    return edge_pairs_push(&s->per[id], a, b);
}

static void seq_free(seq_edges *s)
{
    for (size_t i = 0; i < s->cap; i++) {
        free(s->per[i].u);
        free(s->per[i].v);
    }
    free(s->per);
}

/* One line of "u v" or "g u v" (commas or blanks between fields). *cols is set by the first
 * data line; a first line of names is skipped. */
static int seq_line(char *line, const char *path, size_t lineno, size_t n, int *cols, seq_edges *s,
                    sgr_err *err)
{
    for (char *c = line; *c; c++)
        if (*c == ',')
            *c = ' ';
    char *rest = line, *tok[4];
    int ntok = 0;
    while (ntok < 4 && (tok[ntok] = next_token(&rest)))
        ntok++;
    if (ntok == 0)
        return 0;
    if (*cols == 0 && !isdigit((unsigned char)tok[0][0])) {
        *cols = -1; /* a header; the next data line sets the width */
        return 0;
    }
    if (*cols <= 0)
        *cols = ntok;
    if (ntok != *cols || (ntok != 2 && ntok != 3))
        return sgr_fail(err, "graph.file %s:%zu: expected %s per line, found %d fields", path,
                        lineno, *cols == 3 ? "\"graph u v\"" : "\"u v\" (or \"graph u v\")", ntok);
    size_t f[3] = {0, 0, 0};
    for (int k = 0; k < ntok; k++)
        if (!parse_index(tok[k], &f[k]))
            return sgr_fail(err, "graph.file %s:%zu: bad %s '%.40s' (expected an integer >= 0)",
                            path, lineno, ntok == 3 && k == 0 ? "graph id" : "node index", tok[k]);
    size_t id = ntok == 3 ? f[0] : 0, a = f[ntok - 2], b = f[ntok - 1];
    for (int k = 0; k < 2; k++) {
        size_t x = k ? b : a;
        if (x >= n)
            return sgr_fail(err,
                            "graph.file %s:%zu: node index %zu is out of range for graph.n = "
                            "%zu (indices are 0-based)",
                            path, lineno, x, n);
    }
    if (a == b)
        return sgr_fail(err, "graph.file %s:%zu: self-loop %zu %zu (the graph must be simple)",
                        path, lineno, a, b);
    if (id > 1000000)
        return sgr_fail(err, "graph.file %s:%zu: graph id %zu is too large (ids are 0, 1, ...)",
                        path, lineno, id);
    if (seq_push(s, id, a, b))
        return sgr_fail(err, "graph.file %s:%zu: out of memory", path, lineno);
    return 0;
}

static int seq_read(const char *path, size_t n, seq_edges *s, sgr_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return sgr_fail(err, "graph.file %s: cannot open: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    int cols = 0, rc = 0;
    while (rc == 0 && getline(&line, &cap, f) != -1) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        rc = seq_line(line, path, lineno, n, &cols, s, err);
    }
    if (rc == 0 && ferror(f))
        rc = sgr_fail(err, "graph.file %s: read error after line %zu", path, lineno);
    if (rc == 0 && s->k == 0)
        rc = sgr_fail(err, "graph.file %s: no edges", path);
    for (size_t id = 0; rc == 0 && id < s->k; id++)
        if (s->per[id].m == 0)
            rc = sgr_fail(err, "graph.file %s: graph %zu has no edges (ids must run 0..%zu)", path,
                          id, s->k - 1);
    free(line);
    fclose(f);
    return rc;
}

/* path with "{k}" replaced by k (malloc'ed). */
static char *seq_file(const char *pattern, size_t k)
{
    const char *at = strstr(pattern, "{k}");
    size_t len = strlen(pattern) + 24;
    char *out = malloc(len);
    if (out)
        snprintf(out, len, "%.*s%zu%s", (int)(at - pattern), pattern, k, at + 3);
    return out;
}

static int seq_from_files(const char *pattern, size_t n, size_t count, sgr_graph *g, sgr_err *err)
{
    for (size_t k = 0; k < count; k++) {
        char *p = seq_file(pattern, k);
        if (!p)
            return sgr_fail(err, "out of memory");
        seq_edges s = {0};
        int rc = seq_read(p, n, &s, err);
        if (rc == 0 && s.k > 1)
            rc = sgr_fail(err, "graph.file %s: a graph-id column in a file of a {k} sequence", p);
        if (rc == 0 &&
            (rc = sgr_graph_from_edges(&g[k], n, s.per[0].u, s.per[0].v, s.per[0].m, err)) < 0)
            sgr_fail_prefix(err, "graph.file %s", p);
        seq_free(&s);
        free(p);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int sgr_graph_load_sequence(const char *path, size_t n, size_t count, sgr_graph **graphs, size_t *k,
                            sgr_err *err)
{
    *graphs = NULL;
    *k = 0;
    if (n == 0)
        return sgr_fail(err, "graph.n: needed for a sequence of file graphs");
    bool pattern = strstr(path, "{k}") != NULL;
    seq_edges s = {0};
    if (!pattern && seq_read(path, n, &s, err) < 0) {
        seq_free(&s);
        return -1;
    }
    size_t kk = pattern ? count : s.k;
    sgr_graph *g = calloc(kk ? kk : 1, sizeof *g);
    int rc = g ? 0 : sgr_fail(err, "out of memory for %zu graphs", kk);
    if (rc == 0 && pattern)
        rc = seq_from_files(path, n, count, g, err);
    for (size_t id = 0; rc == 0 && !pattern && id < kk; id++)
        if ((rc = sgr_graph_from_edges(&g[id], n, s.per[id].u, s.per[id].v, s.per[id].m, err)) < 0)
            sgr_fail_prefix(err, "graph.file %s (graph %zu)", path, id);
    seq_free(&s);
    if (rc < 0) {
        for (size_t id = 0; g && id < kk; id++)
            sgr_graph_free(&g[id]);
        free(g);
        return -1;
    }
    *graphs = g;
    *k = kk;
    return 0;
}
