/* Logical graphs: CSR construction from edge lists, queries, the deterministic kinds and the
 * dispatch of sgr_graph_build. Random kinds live in graph_random.c, the edge-list file reader
 * in graph_file.c. */
#include "simgrad/graph.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void sgr_graph_free(sgr_graph *g)
{
    if (!g)
        return;
    free(g->offset);
    free(g->adj);
    free(g->edge_u);
    free(g->edge_v);
    memset(g, 0, sizeof *g);
}

static int check_edges(size_t n, const size_t *u, const size_t *v, size_t m, sgr_err *err)
{
    if (n == 0)
        return sgr_fail(err, "a graph needs at least one node");
    if (n > SIZE_MAX / sizeof(size_t) - 1 || m > SIZE_MAX / (2 * sizeof(size_t)))
        return sgr_fail(err, "graph of %zu nodes and %zu edges is too large", n, m);
    for (size_t e = 0; e < m; e++) {
        if (u[e] >= n || v[e] >= n)
            return sgr_fail(err, "edge %zu (%zu, %zu) has a node out of range for n = %zu", e, u[e],
                            v[e], n);
        if (u[e] == v[e])
            return sgr_fail(err, "edge %zu is a self-loop at node %zu", e, u[e]);
    }
    return 0;
}

/* Sort the normalized pairs (lo[e] < hi[e]) lexicographically into g->edge_u/edge_v by two
 * stable counting passes (on hi, then lo), then drop duplicates: O(n + m). */
static int sort_edges(sgr_graph *g, const size_t *u, const size_t *v, size_t m)
{
    size_t n = g->n;
    size_t *count = calloc(n + 1, sizeof *count);
    size_t *byhi = malloc((m ? m : 1) * sizeof *byhi);
    g->edge_u = malloc((m ? m : 1) * sizeof *g->edge_u);
    g->edge_v = malloc((m ? m : 1) * sizeof *g->edge_v);
    if (!count || !byhi || !g->edge_u || !g->edge_v) {
        free(count);
        free(byhi);
        return -1;
    }
    for (size_t e = 0; e < m; e++)
        count[(u[e] > v[e] ? u[e] : v[e]) + 1]++;
    for (size_t i = 0; i < n; i++)
        count[i + 1] += count[i];
    for (size_t e = 0; e < m; e++)
        byhi[count[u[e] > v[e] ? u[e] : v[e]]++] = e;
    memset(count, 0, (n + 1) * sizeof *count);
    for (size_t e = 0; e < m; e++)
        count[(u[e] < v[e] ? u[e] : v[e]) + 1]++;
    for (size_t i = 0; i < n; i++)
        count[i + 1] += count[i];
    for (size_t k = 0; k < m; k++) {
        size_t e = byhi[k], lo = u[e] < v[e] ? u[e] : v[e], hi = u[e] ^ v[e] ^ lo;
        size_t pos = count[lo]++;
        g->edge_u[pos] = lo;
        g->edge_v[pos] = hi;
    }
    size_t distinct = 0;
    for (size_t k = 0; k < m; k++) {
        if (distinct && g->edge_u[distinct - 1] == g->edge_u[k] &&
            g->edge_v[distinct - 1] == g->edge_v[k])
            continue;
        g->edge_u[distinct] = g->edge_u[k];
        g->edge_v[distinct++] = g->edge_v[k];
    }
    g->m = distinct;
    free(count);
    free(byhi);
    return 0;
}

/* Adjacency from the sorted edges: node x first meets its smaller neighbours (edges (a, x),
 * a ascending) and then its larger ones (edges (x, b), b ascending), so lists come out sorted. */
static int fill_adjacency(sgr_graph *g)
{
    size_t n = g->n, m = g->m;
    g->offset = calloc(n + 1, sizeof *g->offset);
    g->adj = malloc((m ? 2 * m : 1) * sizeof *g->adj);
    size_t *fill = malloc(n * sizeof *fill);
    if (!g->offset || !g->adj || !fill) {
        free(fill);
        return -1;
    }
    for (size_t e = 0; e < m; e++) {
        g->offset[g->edge_u[e] + 1]++;
        g->offset[g->edge_v[e] + 1]++;
    }
    for (size_t i = 0; i < n; i++)
        g->offset[i + 1] += g->offset[i];
    memcpy(fill, g->offset, n * sizeof *fill);
    for (size_t e = 0; e < m; e++) {
        g->adj[fill[g->edge_u[e]]++] = g->edge_v[e];
        g->adj[fill[g->edge_v[e]]++] = g->edge_u[e];
    }
    free(fill);
    return 0;
}

int sgr_graph_from_edges(sgr_graph *g, size_t n, const size_t *u, const size_t *v, size_t m,
                         sgr_err *err)
{
    memset(g, 0, sizeof *g);
    if (check_edges(n, u, v, m, err))
        return -1;
    g->n = n;
    if (sort_edges(g, u, v, m) || fill_adjacency(g)) {
        sgr_graph_free(g);
        return sgr_fail(err, "out of memory for a graph of %zu nodes and %zu edges", n, m);
    }
    return 0;
}

size_t sgr_graph_degree(const sgr_graph *g, size_t i)
{
    return i < g->n ? g->offset[i + 1] - g->offset[i] : 0;
}

bool sgr_graph_has_edge(const sgr_graph *g, size_t u, size_t v)
{
    if (u >= g->n || v >= g->n)
        return false;
    if (sgr_graph_degree(g, u) > sgr_graph_degree(g, v)) {
        size_t t = u;
        u = v;
        v = t;
    }
    size_t lo = g->offset[u], hi = g->offset[u + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->adj[mid] == v)
            return true;
        if (g->adj[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

bool sgr_graph_connected(const sgr_graph *g)
{
    if (g->n <= 1)
        return true;
    size_t *queue = malloc(g->n * sizeof *queue);
    unsigned char *seen = calloc(g->n, 1);
    if (!queue || !seen) {
        free(queue);
        free(seen);
        return false;
    }
    size_t head = 0, tail = 0;
    queue[tail++] = 0;
    seen[0] = 1;
    while (head < tail) {
        size_t x = queue[head++];
        for (size_t k = g->offset[x]; k < g->offset[x + 1]; k++)
            if (!seen[g->adj[k]]) {
                seen[g->adj[k]] = 1;
                queue[tail++] = g->adj[k];
            }
    }
    free(queue);
    free(seen);
    return tail == g->n;
}

static const char *const kind_names[] = {
    [SGR_GRAPH_STAR] = "star",
    [SGR_GRAPH_CYCLE] = "cycle",
    [SGR_GRAPH_PATH] = "path",
    [SGR_GRAPH_COMPLETE] = "complete",
    [SGR_GRAPH_GRID] = "grid",
    [SGR_GRAPH_TORUS] = "torus",
    [SGR_GRAPH_BARBELL] = "barbell",
    [SGR_GRAPH_GEOMETRIC] = "geometric",
    [SGR_GRAPH_ER] = "erdos-renyi",
    [SGR_GRAPH_REGULAR] = "regular",
    [SGR_GRAPH_WATTS] = "watts-strogatz",
    [SGR_GRAPH_FILE] = "file",
};
#define NKINDS (sizeof kind_names / sizeof kind_names[0])

int sgr_graph_kind_parse(const char *s, sgr_graph_kind *out)
{
    for (size_t k = 0; s && k < NKINDS; k++)
        if (!strcmp(s, kind_names[k])) {
            *out = (sgr_graph_kind)k;
            return 0;
        }
    return -1;
}

const char *sgr_graph_kind_name(sgr_graph_kind k)
{
    return (size_t)k < NKINDS ? kind_names[k] : "unknown";
}

/* A growable list of edges for the deterministic kinds, whose sizes are known up front. */
typedef struct edge_list {
    size_t *u, *v;
    size_t m;
} edge_list;

static int edge_list_alloc(edge_list *el, size_t cap, sgr_err *err)
{
    el->m = 0;
    el->u = cap <= SIZE_MAX / sizeof(size_t) ? malloc((cap ? cap : 1) * sizeof(size_t)) : NULL;
    el->v = el->u ? malloc((cap ? cap : 1) * sizeof(size_t)) : NULL;
    if (!el->v) {
        free(el->u);
        return sgr_fail(err, "out of memory for %zu edges", cap);
    }
    return 0;
}

static void edge_list_add(edge_list *el, size_t a, size_t b)
{
    el->u[el->m] = a;
    el->v[el->m++] = b;
}

static int edge_list_finish(edge_list *el, sgr_graph *g, size_t n, sgr_err *err)
{
    int rc = sgr_graph_from_edges(g, n, el->u, el->v, el->m, err);
    free(el->u);
    free(el->v);
    return rc;
}

/* Edges of a complete graph on nodes first..first+k-1. */
static void add_clique(edge_list *el, size_t first, size_t k)
{
    for (size_t a = 0; a < k; a++)
        for (size_t b = a + 1; b < k; b++)
            edge_list_add(el, first + a, first + b);
}

/* rows x cols: the given rows (which must divide n), or the largest divisor of n that is
 * <= sqrt(n) and >= min_side with n / rows >= min_side. */
static int grid_shape(size_t n, size_t rows, size_t min_side, const char *kind, size_t *r,
                      size_t *c, sgr_err *err)
{
    if (rows) {
        if (rows > n || n % rows)
            return sgr_fail(err, "graph.rows = %zu does not divide graph.n = %zu", rows, n);
    } else {
        for (size_t d = 1; d <= n / d; d++)
            if (n % d == 0 && d >= min_side && n / d >= min_side)
                rows = d;
        if (!rows)
            return sgr_fail(err,
                            "graph.n = %zu has no factorization rows x cols with both >= %zu "
                            "for a %s; choose another graph.n",
                            n, min_side, kind);
    }
    *r = rows;
    *c = n / rows;
    if (*r < min_side || *c < min_side)
        return sgr_fail(err, "graph.rows = %zu gives a %zu x %zu %s; both sides must be >= %zu",
                        rows, *r, *c, kind, min_side);
    return 0;
}

static int build_lattice(sgr_graph *g, const sgr_graph_cfg *cfg, bool wrap, sgr_err *err)
{
    size_t r = 0, c = 0, n = cfg->n;
    const char *kind = wrap ? "torus" : "grid";
    if (grid_shape(n, cfg->rows, wrap ? 3 : 1, kind, &r, &c, err))
        return -1;
    edge_list el;
    if (edge_list_alloc(&el, 2 * n, err))
        return -1;
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++) {
            if (j + 1 < c || wrap)
                edge_list_add(&el, i * c + j, i * c + (j + 1) % c);
            if (i + 1 < r || wrap)
                edge_list_add(&el, i * c + j, ((i + 1) % r) * c + j);
        }
    return edge_list_finish(&el, g, n, err);
}

static int build_deterministic(sgr_graph *g, const sgr_graph_cfg *cfg, sgr_err *err)
{
    size_t n = cfg->n, half = n / 2;
    edge_list el;
    switch (cfg->kind) {
    case SGR_GRAPH_GRID:
        return build_lattice(g, cfg, false, err);
    case SGR_GRAPH_TORUS:
        return build_lattice(g, cfg, true, err);
    case SGR_GRAPH_COMPLETE:
        if (n > (size_t)1 << 26)
            return sgr_fail(err, "graph.n = %zu is too large for a complete graph", n);
        if (edge_list_alloc(&el, n * (n - 1) / 2, err))
            return -1;
        add_clique(&el, 0, n);
        break;
    case SGR_GRAPH_BARBELL:
        if (n % 2 || n < 4)
            return sgr_fail(err, "graph.n = %zu: a barbell needs an even graph.n >= 4", n);
        if (n > (size_t)1 << 26)
            return sgr_fail(err, "graph.n = %zu is too large for a barbell graph", n);
        if (edge_list_alloc(&el, half * (half - 1) + 1, err))
            return -1;
        add_clique(&el, 0, half);
        add_clique(&el, half, half);
        edge_list_add(&el, half - 1, half);
        break;
    default: /* STAR, CYCLE, PATH: at most n edges */
        if (cfg->kind == SGR_GRAPH_CYCLE && n < 3)
            return sgr_fail(err, "graph.n = %zu: a cycle needs graph.n >= 3", n);
        if (edge_list_alloc(&el, n, err))
            return -1;
        for (size_t i = 1; i < n; i++)
            edge_list_add(&el, cfg->kind == SGR_GRAPH_STAR ? 0 : i - 1, i);
        if (cfg->kind == SGR_GRAPH_CYCLE)
            edge_list_add(&el, n - 1, 0);
    }
    return edge_list_finish(&el, g, n, err);
}

int sgr_graph_build(sgr_graph *g, const sgr_graph_cfg *cfg, gsl_rng *rng, sgr_err *err)
{
    memset(g, 0, sizeof *g);
    if ((size_t)cfg->kind >= NKINDS)
        return sgr_fail(err, "unknown graph kind %d", (int)cfg->kind);
    if (cfg->kind == SGR_GRAPH_FILE)
        return sgr_graph_load_file(g, cfg->path, cfg->n, err);
    if (cfg->n < 2)
        return sgr_fail(err, "graph.n = %zu: a %s graph needs graph.n >= 2", cfg->n,
                        kind_names[cfg->kind]);
    switch (cfg->kind) {
    case SGR_GRAPH_GEOMETRIC:
    case SGR_GRAPH_ER:
    case SGR_GRAPH_REGULAR:
    case SGR_GRAPH_WATTS:
        if (!rng)
            return sgr_fail(err, "a %s graph needs a random generator", kind_names[cfg->kind]);
        break;
    default:
        return build_deterministic(g, cfg, err);
    }
    switch (cfg->kind) {
    case SGR_GRAPH_GEOMETRIC:
        return sgr_graph_build_geometric(g, cfg->n, cfg->radius, rng, NULL, err);
    case SGR_GRAPH_ER:
        return sgr_graph_build_erdos_renyi(g, cfg->n, cfg->p, rng, err);
    case SGR_GRAPH_REGULAR:
        return sgr_graph_build_regular(g, cfg->n, cfg->degree, rng, err);
    default:
        return sgr_graph_build_watts(g, cfg->n, cfg->degree, cfg->beta, rng, err);
    }
}
