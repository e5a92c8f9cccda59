/* Random logical graphs: geometric, Erdos-Renyi, d-regular and Watts-Strogatz. Each builder
 * runs in about O(n + m) so that graphs of 10,000 nodes build in milliseconds. */
#include "simgrad/graph.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DRAWS 20

/* A growable list of edges. */
typedef struct edge_buf {
    size_t *u, *v;
    size_t m, cap;
} edge_buf;

static int edge_buf_push(edge_buf *eb, size_t a, size_t b)
{
    if (eb->m == eb->cap) {
        size_t cap = eb->cap ? 2 * eb->cap : 1024;
        if (cap > SIZE_MAX / sizeof(size_t))
            return -1;
        size_t *u = realloc(eb->u, cap * sizeof *u);
        if (!u)
            return -1;
        eb->u = u;
        size_t *v = realloc(eb->v, cap * sizeof *v);
        if (!v)
            return -1;
        eb->v = v;
        eb->cap = cap;
    }
    eb->u[eb->m] = a;
    eb->v[eb->m++] = b;
    return 0;
}

static void edge_buf_free(edge_buf *eb)
{
    free(eb->u);
    free(eb->v);
    memset(eb, 0, sizeof *eb);
}

static int check_common(size_t n, gsl_rng *rng, const char *kind, sgr_err *err)
{
    if (n < 2)
        return sgr_fail(err, "graph.n = %zu: a %s graph needs graph.n >= 2", n, kind);
    if (n > SIZE_MAX / 64)
        return sgr_fail(err, "graph.n = %zu is too large", n);
    if (!rng)
        return sgr_fail(err, "a %s graph needs a random generator", kind);
    return 0;
}

/* ---- union-find, for the geometric graph's components ---- */

static size_t uf_find(size_t *parent, size_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* Join the sets of a and b (by size); false if they were one set already. */
static bool uf_union(size_t *parent, size_t *size, size_t a, size_t b)
{
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a == b)
        return false;
    if (size[a] < size[b]) {
        size_t t = a;
        a = b;
        b = t;
    }
    parent[b] = a;
    size[a] += size[b];
    return true;
}

/* ---- geometric ---- */

/* Points bucketed into side x side square cells of width >= radius: the points of cell c are
 * idx[start[c] .. start[c+1]). */
typedef struct cell_grid {
    size_t side;
    double width;
    size_t *start, *idx;
} cell_grid;

static size_t cell_coord(const cell_grid *cg, double x)
{
    size_t c = (size_t)(x * (double)cg->side);
    return c < cg->side ? c : cg->side - 1;
}

static size_t cell_of(const cell_grid *cg, const double *xy, size_t i)
{
    return cell_coord(cg, xy[2 * i + 1]) * cg->side + cell_coord(cg, xy[2 * i]);
}

/* Cells at least radius wide (so neighbours lie in the 3 x 3 block around a point) but no more
 * than about n of them (so tiny radii cost no more memory than the points). */
static int cell_grid_build(cell_grid *cg, const double *xy, size_t n, double radius)
{
    double cap = ceil(sqrt((double)n)), want = floor(1.0 / radius);
    cg->side = want >= cap ? (size_t)cap : want >= 1 ? (size_t)want : 1;
    cg->width = 1.0 / (double)cg->side;
    size_t ncell = cg->side * cg->side;
    cg->start = calloc(ncell + 1, sizeof *cg->start);
    cg->idx = malloc(n * sizeof *cg->idx);
    size_t *fill = malloc(ncell * sizeof *fill);
    if (!cg->start || !cg->idx || !fill) {
        free(cg->start);
        free(cg->idx);
        free(fill);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        cg->start[cell_of(cg, xy, i) + 1]++;
    for (size_t c = 0; c < ncell; c++)
        cg->start[c + 1] += cg->start[c];
    memcpy(fill, cg->start, ncell * sizeof *fill);
    for (size_t i = 0; i < n; i++)
        cg->idx[fill[cell_of(cg, xy, i)]++] = i;
    free(fill);
    return 0;
}

static double dist2(const double *xy, size_t i, size_t j)
{
    double dx = xy[2 * i] - xy[2 * j], dy = xy[2 * i + 1] - xy[2 * j + 1];
    return dx * dx + dy * dy;
}

static int radius_edges(const cell_grid *cg, const double *xy, size_t n, double radius,
                        edge_buf *eb)
{
    double r2 = radius * radius;
    for (size_t i = 0; i < n; i++) {
        size_t cx = cell_coord(cg, xy[2 * i]), cy = cell_coord(cg, xy[2 * i + 1]);
        for (size_t y = cy ? cy - 1 : 0; y <= cy + 1 && y < cg->side; y++)
            for (size_t x = cx ? cx - 1 : 0; x <= cx + 1 && x < cg->side; x++) {
                size_t c = y * cg->side + x;
                for (size_t k = cg->start[c]; k < cg->start[c + 1]; k++) {
                    size_t j = cg->idx[k];
                    if (j > i && dist2(xy, i, j) <= r2 && edge_buf_push(eb, i, j))
                        return -1;
                }
            }
    }
    return 0;
}

/* The shortest edge found so far out of one component; ties broken by node indices so that
 * the edges chosen in one round never close a cycle. */
typedef struct link {
    double d2;
    size_t a, b; /* a < b */
} link;

static bool link_shorter(double d2, size_t a, size_t b, const link *l)
{
    if (d2 != l->d2)
        return d2 < l->d2;
    return a != l->a ? a < l->a : b < l->b;
}

/* Offer point i's candidates in the ring of cells at Chebyshev distance ring from (cx, cy). */
static void scan_ring(const cell_grid *cg, const double *xy, const size_t *comp, size_t i,
                      size_t cx, size_t cy, size_t ring, link *best)
{
    long s = (long)cg->side, r = (long)ring;
    for (long y = (long)cy - r; y <= (long)cy + r; y++) {
        if (y < 0 || y >= s)
            continue;
        bool edge_row = y == (long)cy - r || y == (long)cy + r;
        for (long x = (long)cx - r; x <= (long)cx + r; x += edge_row || r == 0 ? 1 : 2 * r) {
            if (x < 0 || x >= s)
                continue;
            size_t c = (size_t)y * cg->side + (size_t)x;
            for (size_t k = cg->start[c]; k < cg->start[c + 1]; k++) {
                size_t j = cg->idx[k];
                if (comp[j] == comp[i])
                    continue;
                double d2 = dist2(xy, i, j);
                size_t a = i < j ? i : j, b = i ^ j ^ a;
                if (link_shorter(d2, a, b, best))
                    *best = (link){d2, a, b};
            }
        }
    }
}

/* Nearest point of another component to i, searched ring by ring outwards until no closer
 * point can exist than what best (shared by i's component) already holds. */
static void nearest_other(const cell_grid *cg, const double *xy, const size_t *comp, size_t i,
                          link *best)
{
    size_t cx = cell_coord(cg, xy[2 * i]), cy = cell_coord(cg, xy[2 * i + 1]);
    for (size_t ring = 0; ring <= cg->side; ring++) {
        double gap = ring ? (double)(ring - 1) * cg->width : 0;
        if (gap * gap > best->d2)
            break;
        scan_ring(cg, xy, comp, i, cx, cy, ring, best);
    }
}

/* One Boruvka round: every component but the largest (to spare its long searches) takes its
 * shortest edge to another component. Returns the number of merges, or -1 on no memory. */
static long boruvka_round(const cell_grid *cg, const double *xy, size_t n, size_t *parent,
                          size_t *size, size_t *comp, link *best, edge_buf *eb)
{
    size_t largest = 0;
    for (size_t i = 0; i < n; i++) {
        comp[i] = uf_find(parent, i);
        best[i] = (link){INFINITY, SIZE_MAX, SIZE_MAX};
        if (size[comp[i]] > size[comp[largest]])
            largest = i;
    }
    largest = comp[largest];
    for (size_t i = 0; i < n; i++)
        if (comp[i] != largest)
            nearest_other(cg, xy, comp, i, &best[comp[i]]);
    long merges = 0;
    for (size_t c = 0; c < n; c++) {
        if (comp[c] != c || c == largest || best[c].a == SIZE_MAX)
            continue;
        if (uf_union(parent, size, best[c].a, best[c].b)) {
            if (edge_buf_push(eb, best[c].a, best[c].b))
                return -1;
            merges++;
        }
    }
    return merges;
}

static int join_components(const cell_grid *cg, const double *xy, size_t n, edge_buf *eb)
{
    size_t *parent = malloc(n * sizeof *parent), *size = malloc(n * sizeof *size);
    size_t *comp = malloc(n * sizeof *comp);
    link *best = malloc(n * sizeof *best);
    int rc = -1;
    if (!parent || !size || !comp || !best)
        goto out;
    for (size_t i = 0; i < n; i++) {
        parent[i] = i;
        size[i] = 1;
    }
    size_t ncomp = n, m0 = eb->m;
    for (size_t e = 0; e < m0; e++)
        ncomp -= uf_union(parent, size, eb->u[e], eb->v[e]);
    while (ncomp > 1) {
        long merges = boruvka_round(cg, xy, n, parent, size, comp, best, eb);
        if (merges <= 0)
            goto out;
        ncomp -= (size_t)merges;
    }
    rc = 0;
out:
    free(parent);
    free(size);
    free(comp);
    free(best);
    return rc;
}

int sgr_graph_build_geometric(sgr_graph *g, size_t n, double radius, gsl_rng *rng, double *xy,
                              sgr_err *err)
{
    memset(g, 0, sizeof *g);
    if (check_common(n, rng, "geometric", err))
        return -1;
    if (!(radius > 0) || !isfinite(radius))
        return sgr_fail(err, "graph.radius = %g: must be a finite number > 0", radius);
    double *pts = xy ? xy : malloc(2 * n * sizeof *pts);
    cell_grid cg = {0};
    edge_buf eb = {0};
    int rc = -1;
    if (!pts)
        goto out_nomem;
    for (size_t i = 0; i < 2 * n; i++)
        pts[i] = gsl_rng_uniform(rng);
    if (cell_grid_build(&cg, pts, n, radius))
        goto out_nomem;
    if (radius_edges(&cg, pts, n, radius, &eb) || join_components(&cg, pts, n, &eb))
        goto out_nomem;
    rc = sgr_graph_from_edges(g, n, eb.u, eb.v, eb.m, err);
    goto out;
out_nomem:
    rc = sgr_fail(err, "out of memory for a geometric graph of %zu nodes (graph.radius = %g)", n,
                  radius);
out:
    edge_buf_free(&eb);
    free(cg.start);
    free(cg.idx);
    if (pts != xy)
        free(pts);
    return rc;
}

/* ---- Erdos-Renyi ---- */

/* Batagelj & Brandes (2005): walk the lower triangle (v, w < v) in row order, jumping over
 * geometrically distributed runs of absent edges. */
static int er_draw(edge_buf *eb, size_t n, double p, gsl_rng *rng)
{
    double log_q = log1p(-p);
    size_t v = 1, w = SIZE_MAX; /* w + 1 wraps to 0 on the first step */
    while (v < n) {
        double skip = p >= 1 ? 0 : floor(log1p(-gsl_rng_uniform(rng)) / log_q);
        if (skip >= (double)n * (double)n)
            break;
        w += 1 + (size_t)skip;
        while (w >= v && v < n) {
            w -= v;
            v++;
        }
        if (v < n && edge_buf_push(eb, v, w))
            return -1;
    }
    return 0;
}

int sgr_graph_build_erdos_renyi(sgr_graph *g, size_t n, double p, gsl_rng *rng, sgr_err *err)
{
    memset(g, 0, sizeof *g);
    if (check_common(n, rng, "erdos-renyi", err))
        return -1;
    if (!(p > 0 && p <= 1))
        return sgr_fail(err, "graph.p = %g: must be a probability in (0, 1]", p);
    edge_buf eb = {0};
    for (int draw = 0; draw < MAX_DRAWS; draw++) {
        eb.m = 0;
        if (er_draw(&eb, n, p, rng)) {
            edge_buf_free(&eb);
            return sgr_fail(err, "out of memory for G(n = %zu, p = %g)", n, p);
        }
        int rc = sgr_graph_from_edges(g, n, eb.u, eb.v, eb.m, err);
        if (rc || sgr_graph_connected(g)) {
            edge_buf_free(&eb);
            return rc;
        }
        sgr_graph_free(g);
    }
    edge_buf_free(&eb);
    return sgr_fail(err,
                    "graph.p = %g gives a disconnected graph (%d draws of G(%zu, p)); raise it "
                    "above log(n)/n ~ %.3g",
                    p, MAX_DRAWS, n, log((double)n) / (double)n);
}

/* ---- random regular ---- */

/* Neighbours so far of every node, d slots each. */
static bool adjacent(const size_t *nbr, const size_t *deg, size_t d, size_t a, size_t b)
{
    for (size_t k = 0; k < deg[a]; k++)
        if (nbr[a * d + k] == b)
            return true;
    return false;
}

static bool pair_ok(const size_t *nbr, const size_t *deg, size_t d, size_t a, size_t b)
{
    return a != b && !adjacent(nbr, deg, d, a, b);
}

/* Among the k free stubs, a uniformly chosen pair that keeps the graph simple, by exhaustive
 * enumeration (used near the end, when rejection sampling keeps failing). False if none. */
static bool pick_exhaustive(const size_t *stub, size_t k, const size_t *nbr, const size_t *deg,
                            size_t d, gsl_rng *rng, size_t *s, size_t *t)
{
    size_t ok = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++)
            ok += pair_ok(nbr, deg, d, stub[i], stub[j]);
    if (!ok)
        return false;
    size_t want = gsl_rng_uniform_int(rng, ok);
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++)
            if (pair_ok(nbr, deg, d, stub[i], stub[j]) && want-- == 0) {
                *s = i;
                *t = j;
                return true;
            }
    return false;
}

/* One Steger-Wormald attempt: pair free stubs, each pair drawn uniformly among the pairs that
 * keep the graph simple (rejection sampling, exhaustive when that stalls). False when stuck. */
static bool regular_attempt(size_t n, size_t d, gsl_rng *rng, size_t *stub, size_t *nbr,
                            size_t *deg)
{
    size_t k = n * d;
    for (size_t i = 0; i < k; i++)
        stub[i] = i / d;
    memset(deg, 0, n * sizeof *deg);
    size_t rejected = 0;
    while (k) {
        size_t s = gsl_rng_uniform_int(rng, k), t = gsl_rng_uniform_int(rng, k);
        if (s == t || !pair_ok(nbr, deg, d, stub[s], stub[t])) {
            if (++rejected < 64)
                continue;
            if (!pick_exhaustive(stub, k, nbr, deg, d, rng, &s, &t))
                return false;
        }
        rejected = 0;
        size_t a = stub[s], b = stub[t];
        nbr[a * d + deg[a]++] = b;
        nbr[b * d + deg[b]++] = a;
        /* remove the higher slot first so the swap does not move the other one */
        size_t hi = s > t ? s : t, lo = s ^ t ^ hi;
        stub[hi] = stub[--k];
        stub[lo] = stub[--k];
    }
    return true;
}

/* Steger-Wormald attempts until one completes (1000 at most; -1 then). */
static int regular_pairing(size_t n, size_t d, gsl_rng *rng, size_t *stub, size_t *nbr, size_t *deg)
{
    for (int attempt = 0; attempt < 1000; attempt++)
        if (regular_attempt(n, d, rng, stub, nbr, deg))
            return 0;
    return -1;
}

/* A uniform random Hamiltonian cycle, the connected 2-regular graphs (stub: n slots). */
static void hamiltonian_cycle(size_t n, gsl_rng *rng, size_t *stub, size_t *nbr, size_t *deg)
{
    for (size_t i = 0; i < n; i++)
        stub[i] = i;
    gsl_ran_shuffle(rng, stub, n, sizeof *stub);
    memset(deg, 0, n * sizeof *deg);
    for (size_t i = 0; i < n; i++) {
        size_t a = stub[i], b = stub[(i + 1) % n];
        nbr[a * 2 + deg[a]++] = b;
        nbr[b * 2 + deg[b]++] = a;
    }
}

/* Edges a < b of the d-regular neighbour table, or of its complement. Returns their number. */
static size_t regular_edges(size_t n, size_t d, const size_t *nbr, bool complement,
                            unsigned char *mark, size_t *u, size_t *v)
{
    size_t m = 0;
    for (size_t a = 0; a < n; a++) {
        if (!complement) {
            for (size_t k = 0; k < d; k++)
                if (a < nbr[a * d + k]) {
                    u[m] = a;
                    v[m++] = nbr[a * d + k];
                }
            continue;
        }
        for (size_t k = 0; k < d; k++)
            mark[nbr[a * d + k]] = 1;
        for (size_t b = a + 1; b < n; b++)
            if (!mark[b]) {
                u[m] = a;
                v[m++] = b;
            }
        for (size_t k = 0; k < d; k++)
            mark[nbr[a * d + k]] = 0;
    }
    return m;
}

static int check_regular(size_t n, size_t d, sgr_err *err)
{
    if (d == 0 || d >= n)
        return sgr_fail(err, "graph.degree = %zu: must be in [1, graph.n - 1 = %zu]", d, n - 1);
    if ((n * d) % 2)
        return sgr_fail(err, "graph.degree = %zu with graph.n = %zu: n * degree must be even", d,
                        n);
    if (d == 1 && n > 2)
        return sgr_fail(err, "graph.degree = 1 gives a disconnected graph (a matching) for "
                             "graph.n > 2; use graph.degree >= 2");
    if (d > SIZE_MAX / 64 / n)
        return sgr_fail(err, "graph.degree = %zu with graph.n = %zu is too large", d, n);
    return 0;
}

/* Pairing stalls when the graph is dense, so for d > (n - 1) / 2 draw the sparser
 * (n - 1 - d)-regular complement (same distribution, and a graph of minimum degree >= (n-1)/2
 * is always connected). */
int sgr_graph_build_regular(sgr_graph *g, size_t n, size_t d, gsl_rng *rng, sgr_err *err)
{
    memset(g, 0, sizeof *g);
    if (check_common(n, rng, "regular", err) || check_regular(n, d, err))
        return -1;
    bool complement = n - 1 - d < d;
    size_t dd = complement ? n - 1 - d : d, slots = n * dd > 0 ? n * dd : 1, m = n * d / 2;
    size_t *stub = malloc(slots * sizeof *stub), *nbr = malloc(slots * sizeof *nbr);
    size_t *deg = malloc(n * sizeof *deg), *u = malloc(m * sizeof *u), *v = malloc(m * sizeof *v);
    unsigned char *mark = calloc(n, 1);
    int rc = -1;
    if (!stub || !nbr || !deg || !u || !v || !mark) {
        rc = sgr_fail(err, "out of memory for a %zu-regular graph of %zu nodes", d, n);
        goto out;
    }
    for (int draw = 0; draw < MAX_DRAWS; draw++) {
        if (dd == 2 && !complement)
            hamiltonian_cycle(n, rng, stub, nbr, deg);
        else if (regular_pairing(n, dd, rng, stub, nbr, deg)) {
            rc = sgr_fail(err, "graph.degree = %zu: no %zu-regular graph found on %zu nodes", d, d,
                          n);
            goto out;
        }
        size_t me = regular_edges(n, dd, nbr, complement, mark, u, v);
        rc = sgr_graph_from_edges(g, n, u, v, me, err);
        if (rc || sgr_graph_connected(g))
            goto out;
        sgr_graph_free(g);
    }
    rc = sgr_fail(err, "graph.degree = %zu gives a disconnected graph on %zu nodes (%d draws)", d,
                  n, MAX_DRAWS);
out:
    free(stub);
    free(nbr);
    free(deg);
    free(u);
    free(v);
    free(mark);
    return rc;
}

/* ---- Watts-Strogatz ---- */

/* An open-addressing set of edges (keys lo * n + hi + 2; 0 marks an empty slot, 1 a deleted
 * one), at least 4m slots: each rewiring leaves one tombstone and there are at most m of them,
 * so the table never gets more than half full. */
typedef struct edge_set {
    uint64_t *key;
    size_t mask;
} edge_set;

#define EDGE_SET_DELETED 1

static size_t edge_set_slot(const edge_set *es, uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return (size_t)k & es->mask;
}

static uint64_t edge_key(size_t n, size_t a, size_t b)
{
    return a < b ? (uint64_t)a * n + b + 2 : (uint64_t)b * n + a + 2;
}

static bool edge_set_has(const edge_set *es, uint64_t k)
{
    for (size_t s = edge_set_slot(es, k);; s = (s + 1) & es->mask) {
        if (es->key[s] == k)
            return true;
        if (es->key[s] == 0)
            return false;
    }
}

static void edge_set_add(edge_set *es, uint64_t k)
{
    size_t s = edge_set_slot(es, k);
    while (es->key[s] > EDGE_SET_DELETED)
        s = (s + 1) & es->mask;
    es->key[s] = k;
}

static void edge_set_remove(edge_set *es, uint64_t k)
{
    for (size_t s = edge_set_slot(es, k); es->key[s]; s = (s + 1) & es->mask)
        if (es->key[s] == k) {
            es->key[s] = EDGE_SET_DELETED;
            return;
        }
}

/* Ring lattice, then for j = 1..k/2 and every u, edge (u, u+j) rewired with probability beta
 * to (u, w), w uniform among the nodes not u and not already joined to u (networkx order). */
static void watts_draw(size_t n, size_t k, double beta, gsl_rng *rng, edge_set *es, size_t *deg,
                       size_t *eu, size_t *ev)
{
    size_t m = 0;
    memset(es->key, 0, (es->mask + 1) * sizeof *es->key);
    for (size_t u = 0; u < n; u++) {
        deg[u] = k;
        for (size_t j = 1; j <= k / 2; j++) {
            eu[m] = u;
            ev[m++] = (u + j) % n;
            edge_set_add(es, edge_key(n, u, (u + j) % n));
        }
    }
    for (size_t j = 1; j <= k / 2; j++)
        for (size_t u = 0; u < n; u++) {
            size_t e = u * (k / 2) + (j - 1);
            if (gsl_rng_uniform(rng) >= beta || deg[u] >= n - 1)
                continue;
            size_t w;
            do
                w = gsl_rng_uniform_int(rng, n);
            while (w == u || edge_set_has(es, edge_key(n, u, w)));
            edge_set_remove(es, edge_key(n, u, ev[e]));
            edge_set_add(es, edge_key(n, u, w));
            deg[ev[e]]--;
            deg[w]++;
            ev[e] = w;
        }
}

int sgr_graph_build_watts(sgr_graph *g, size_t n, size_t k, double beta, gsl_rng *rng, sgr_err *err)
{
    memset(g, 0, sizeof *g);
    if (check_common(n, rng, "watts-strogatz", err))
        return -1;
    if (k < 2 || k % 2 || k >= n)
        return sgr_fail(err,
                        "graph.degree = %zu: a watts-strogatz graph needs an even "
                        "graph.degree in [2, graph.n - 1 = %zu]",
                        k, n - 1);
    if (n > UINT32_MAX)
        return sgr_fail(err, "graph.n = %zu is too large for a watts-strogatz graph", n);
    if (!(beta >= 0 && beta <= 1))
        return sgr_fail(err, "graph.beta = %g: must be a probability in [0, 1]", beta);
    size_t m = n * (k / 2), cap = 1;
    while (cap < 4 * m)
        cap *= 2;
    edge_set es = {calloc(cap, sizeof(uint64_t)), cap - 1};
    size_t *deg = malloc(n * sizeof *deg), *eu = malloc(m * sizeof *eu);
    size_t *ev = malloc(m * sizeof *ev);
    int rc = -1;
    if (!es.key || !deg || !eu || !ev) {
        rc = sgr_fail(err, "out of memory for a watts-strogatz graph of %zu nodes", n);
        goto out;
    }
    for (int draw = 0; draw < MAX_DRAWS; draw++) {
        watts_draw(n, k, beta, rng, &es, deg, eu, ev);
        rc = sgr_graph_from_edges(g, n, eu, ev, m, err);
        if (rc || sgr_graph_connected(g))
            goto out;
        sgr_graph_free(g);
    }
    rc = sgr_fail(err,
                  "graph.beta = %g with graph.degree = %zu gives a disconnected graph (%d "
                  "draws); lower graph.beta or raise graph.degree",
                  beta, k, MAX_DRAWS);
out:
    free(es.key);
    free(deg);
    free(eu);
    free(ev);
    return rc;
}
