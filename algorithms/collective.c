/* Collective communication steps and the path policies that place their flows on a fabric. */
#include "simgrad/collective.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const coll_names[] = {
    [SGR_COLL_RING_ALLREDUCE] = "ring-allreduce",
    [SGR_COLL_REDUCE_SCATTER] = "reduce-scatter",
    [SGR_COLL_ALLGATHER] = "all-gather",
    [SGR_COLL_ALLTOALL] = "all-to-all",
    [SGR_COLL_INCAST] = "incast",
};
static const char *const policy_names[] = {
    [SGR_POLICY_ECMP] = "ecmp",
    [SGR_POLICY_SPRAY] = "spray",
    [SGR_POLICY_KSPLIT] = "ksplit",
    [SGR_POLICY_PLANNED] = "planned",
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

int sgr_collective_parse(const char *s, sgr_collective *out)
{
    for (size_t i = 0; s && i < NELEM(coll_names); i++)
        if (strcmp(s, coll_names[i]) == 0) {
            *out = (sgr_collective)i;
            return 0;
        }
    return -1;
}

const char *sgr_collective_name(sgr_collective c)
{
    return (unsigned)c < NELEM(coll_names) ? coll_names[c] : "unknown";
}

int sgr_policy_parse(const char *s, sgr_policy *out)
{
    for (size_t i = 0; s && i < NELEM(policy_names); i++)
        if (strcmp(s, policy_names[i]) == 0) {
            *out = (sgr_policy)i;
            return 0;
        }
    return -1;
}

const char *sgr_policy_name(sgr_policy p)
{
    return (unsigned)p < NELEM(policy_names) ? policy_names[p] : "unknown";
}

size_t sgr_collective_steps(sgr_collective c, size_t n)
{
    if (n < 2)
        return 0;
    switch (c) {
    case SGR_COLL_RING_ALLREDUCE:
        return 2 * (n - 1);
    case SGR_COLL_REDUCE_SCATTER:
    case SGR_COLL_ALLGATHER:
    case SGR_COLL_ALLTOALL:
        return n - 1;
    case SGR_COLL_INCAST:
        return 1;
    }
    return 0;
}

size_t sgr_collective_pattern(sgr_collective c, size_t n, size_t step)
{
    return c == SGR_COLL_ALLTOALL ? step : 0;
}

int sgr_flows_push(sgr_flows *fl, uint32_t src, uint32_t dst, int32_t path, double bytes)
{
    if (fl->n == fl->cap) {
        size_t cap = fl->cap ? 2 * fl->cap : 256;
        sgr_flow *v = realloc(fl->v, cap * sizeof *v);
        if (!v)
            return -1;
        fl->v = v;
        fl->cap = cap;
    }
    fl->v[fl->n++] = (sgr_flow){src, dst, path, bytes};
    return 0;
}

void sgr_flows_free(sgr_flows *fl)
{
    free(fl->v);
    memset(fl, 0, sizeof *fl);
}

int sgr_collective_flows(sgr_collective c, size_t n, size_t step, double bytes, sgr_flows *out)
{
    out->n = 0;
    if (c == SGR_COLL_INCAST) {
        for (size_t i = 1; i < n; i++)
            if (sgr_flows_push(out, (uint32_t)i, 0, 0, bytes) < 0)
                return -1;
        return 0;
    }
    size_t shift = c == SGR_COLL_ALLTOALL ? step + 1 : 1;
    for (size_t i = 0; i < n; i++)
        if (sgr_flows_push(out, (uint32_t)i, (uint32_t)((i + shift) % n), 0, bytes / (double)n) < 0)
            return -1;
    return 0;
}

/* ---- hashing ---------------------------------------------------------------------------- */

static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t flow_hash(unsigned long seed, uint32_t src, uint32_t dst, uint32_t sub)
{
    return mix64(mix64(mix64((uint64_t)seed) ^ src) ^ ((uint64_t)dst << 20 | sub));
}

/* ---- bipartite edge colouring ------------------------------------------------------------- */

/* The maximum degree of the bipartite multigraph. Returns 0 or -1 with err (out of memory). */
static int bipartite_max_degree(size_t nl, size_t nr, size_t ne, const uint32_t *left,
                                const uint32_t *right, size_t *dmax, sgr_err *err)
{
    size_t *degl = calloc(nl + 1, sizeof *degl), *degr = calloc(nr + 1, sizeof *degr);
    if (!degl || !degr) {
        free(degl);
        free(degr);
        return sgr_fail(err, "out of memory");
    }
    size_t d = 0;
    for (size_t e = 0; e < ne; e++) {
        d = degl[left[e]] + 1 > d ? degl[left[e]] + 1 : d;
        degl[left[e]]++;
        d = degr[right[e]] + 1 > d ? degr[right[e]] + 1 : d;
        degr[right[e]]++;
    }
    *dmax = d;
    free(degl);
    free(degr);
    return 0;
}

/* A colouring under way: at[v * colours + c] is the edge of colour c at vertex v, or -1; left
 * vertices first, right vertex r is nl + r. */
typedef struct colouring {
    size_t nl, colours;
    const uint32_t *left, *right;
    uint32_t *colour;
    int64_t *at;
} colouring;

#define AT(v, c) cg->at[(size_t)(v)*cg->colours + (c)]

/* The path from vertex x whose edges alternate colours want, other, want, ... Returns it
 * (its length in *len) or NULL when out of memory. */
static int64_t *alternating_path(const colouring *cg, size_t x, size_t want, size_t other,
                                 size_t *len)
{
    int64_t edge = AT(x, want);
    size_t cap = 16;
    int64_t *path = malloc(cap * sizeof *path);
    if (!path)
        return NULL;
    *len = 0;
    while (edge >= 0) {
        if (*len == cap) {
            int64_t *p2 = realloc(path, 2 * cap * sizeof *p2);
            if (!p2) {
                free(path);
                return NULL;
            }
            path = p2;
            cap *= 2;
        }
        path[(*len)++] = edge;
        x = x >= cg->nl ? cg->left[edge] : cg->nl + cg->right[edge]; /* the edge's other end */
        size_t t = want;
        want = other;
        other = t;
        edge = AT(x, want);
    }
    return path;
}

/* Colour a is used at v, b is free at v: flip the a/b path from v (it cannot reach the other
 * end of the edge being coloured, which lacks a), making a free at v. Returns 0 or -1 (out of
 * memory). */
static int flip_path(colouring *cg, size_t v, size_t a, size_t b)
{
    /* collect the path first, then swap its colours */
    size_t len = 0;
    int64_t *path = alternating_path(cg, v, a, b, &len);
    if (!path)
        return -1;
    for (size_t i = 0; i < len; i++) {
        size_t ed = (size_t)path[i];
        AT(cg->left[ed], cg->colour[ed]) = -1;
        AT(cg->nl + cg->right[ed], cg->colour[ed]) = -1;
    }
    for (size_t i = 0; i < len; i++) {
        size_t ed = (size_t)path[i];
        cg->colour[ed] = cg->colour[ed] == a ? (uint32_t)b : (uint32_t)a;
        AT(cg->left[ed], cg->colour[ed]) = (int64_t)ed;
        AT(cg->nl + cg->right[ed], cg->colour[ed]) = (int64_t)ed;
    }
    free(path);
    return 0;
}

/* Colour edge e with the first colour free at its left end, flipping a path to free that
 * colour at its right end when needed. Returns 0 or -1 (out of memory). */
static int colour_edge(colouring *cg, size_t e)
{
    size_t u = cg->left[e], v = cg->nl + cg->right[e], a = 0, b = 0;
    while (AT(u, a) >= 0)
        a++;
    while (AT(v, b) >= 0)
        b++;
    if (AT(v, a) >= 0 && flip_path(cg, v, a, b) < 0)
        return -1;
    cg->colour[e] = (uint32_t)a;
    AT(u, a) = (int64_t)e;
    AT(v, a) = (int64_t)e;
    return 0;
}

#undef AT

int sgr_bipartite_edge_colour(size_t nl, size_t nr, size_t ne, const uint32_t *left,
                              const uint32_t *right, size_t colours, uint32_t *colour, sgr_err *err)
{
    size_t dmax = 0;
    if (bipartite_max_degree(nl, nr, ne, left, right, &dmax, err) < 0)
        return -1;
    if (colours < dmax)
        return sgr_fail(err, "edge colouring: %zu colours for a maximum degree of %zu", colours,
                        dmax);
    size_t nv = nl + nr;
    colouring cg = {nl, colours, left, right, colour, malloc(nv * colours * sizeof *cg.at)};
    if (!cg.at)
        return sgr_fail(err, "out of memory");
    for (size_t i = 0; i < nv * colours; i++)
        cg.at[i] = -1;
    int rc = 0;
    for (size_t e = 0; e < ne && rc == 0; e++)
        rc = colour_edge(&cg, e);
    free(cg.at);
    return rc < 0 ? sgr_fail(err, "out of memory") : 0;
}

/* ---- policies ----------------------------------------------------------------------------- */

/* A multigraph of pieces to colour: piece i is (left, right) with its flow and size. */
typedef struct pieces {
    uint32_t *l, *r, *col;
    size_t *flow;
    double *bytes;
    size_t n, cap;
} pieces;

static int pieces_push(pieces *p, uint32_t l, uint32_t r, size_t flow, double bytes)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 256;
        uint32_t *a = realloc(p->l, cap * sizeof *a);
        if (a)
            p->l = a;
        uint32_t *b = realloc(p->r, cap * sizeof *b);
        if (b)
            p->r = b;
        uint32_t *c = realloc(p->col, cap * sizeof *c);
        if (c)
            p->col = c;
        size_t *d = realloc(p->flow, cap * sizeof *d);
        if (d)
            p->flow = d;
        double *e = realloc(p->bytes, cap * sizeof *e);
        if (e)
            p->bytes = e;
        if (!a || !b || !c || !d || !e)
            return -1;
        p->cap = cap;
    }
    p->l[p->n] = l;
    p->r[p->n] = r;
    p->flow[p->n] = flow;
    p->bytes[p->n] = bytes;
    p->col[p->n] = 0;
    p->n++;
    return 0;
}

static void pieces_free(pieces *p)
{
    free(p->l);
    free(p->r);
    free(p->col);
    free(p->flow);
    free(p->bytes);
    memset(p, 0, sizeof *p);
}

static size_t max_degree(const pieces *p, size_t nl, size_t nr)
{
    size_t *dl = calloc(nl, sizeof *dl), *dr = calloc(nr, sizeof *dr), d = 0;
    if (!dl || !dr) {
        free(dl);
        free(dr);
        return SIZE_MAX;
    }
    for (size_t i = 0; i < p->n; i++) {
        if (++dl[p->l[i]] > d)
            d = dl[p->l[i]];
        if (++dr[p->r[i]] > d)
            d = dr[p->r[i]];
    }
    free(dl);
    free(dr);
    return d;
}

/* Assign each piece one of `slots` parallel resources (planes or cores) so that every vertex
 * spreads its pieces as evenly as possible. Colour the multigraph with D = max degree colours
 * (each class is a matching); give the first q = D / slots groups of `slots` classes one slot
 * per class, whole. The r = D mod slots classes left over are laid end to end on a line, one
 * unit each, and the line [0, r) is cut into `slots` equal intervals of length r / slots
 * (McNaughton's wrap-around rule): a piece of class i goes to the slots whose interval meets
 * [i, i+1), in proportion to the overlap. A vertex has at most one piece per class, so it puts
 * at most r / slots of a piece on any slot, and q + r / slots = D / slots overall: the load of
 * ideal spraying. Only the leftover classes are split, each piece into at most
 * ceil(slots / r) + 1 parts. res receives the (possibly partial) pieces, col = slot. */
static int colour_minimal_split(const pieces *in, size_t nl, size_t nr, size_t slots, pieces *res,
                                size_t *splits, sgr_err *err)
{
    if (in->n == 0)
        return 0;
    size_t d = max_degree(in, nl, nr);
    if (d == SIZE_MAX)
        return sgr_fail(err, "out of memory");
    uint32_t *col = malloc(in->n * sizeof *col);
    if (!col)
        return sgr_fail(err, "out of memory");
    if (sgr_bipartite_edge_colour(nl, nr, in->n, in->l, in->r, d, col, err) < 0) {
        free(col);
        return -1;
    }
    size_t full = d / slots * slots, r = d - full;
    int rc = 0;
    for (size_t i = 0; i < in->n && rc == 0; i++) {
        if (col[i] < full) {
            rc = pieces_push(res, in->l[i], in->r[i], in->flow[i], in->bytes[i]);
            if (rc == 0)
                res->col[res->n - 1] = col[i] % (uint32_t)slots;
            continue;
        }
        /* in units of 1/slots: class c covers [c*slots, (c+1)*slots), slot s [s*r, (s+1)*r) */
        size_t c = col[i] - full, lo = c * slots, hi = lo + slots, parts = 0;
        for (size_t sl = lo / r; sl < slots && sl * r < hi && rc == 0; sl++) {
            size_t a = lo > sl * r ? lo : sl * r, b = hi < (sl + 1) * r ? hi : (sl + 1) * r;
            if (b <= a)
                continue;
            rc = pieces_push(res, in->l[i], in->r[i], in->flow[i],
                             in->bytes[i] * (double)(b - a) / (double)slots);
            if (rc == 0)
                res->col[res->n - 1] = (uint32_t)sl;
            parts++;
        }
        if (parts > 1)
            (*splits)++;
    }
    free(col);
    if (rc < 0 && !err->msg[0])
        sgr_fail(err, "out of memory");
    return rc;
}

/* Greedy placement when live paths differ between leaves: each flow on the live path whose
 * most loaded link (relative to its speed) stays lowest. */
static int place_greedy(const sgr_fabric *f, const sgr_flows *flows, sgr_flows *out)
{
    size_t nleaf = f->nleaves * f->planes, ncore = f->pods * f->planes * (f->cores ? f->cores : 1);
    double *up = calloc(nleaf, sizeof *up), *down = calloc(nleaf, sizeof *down);
    double *cup = calloc(ncore, sizeof *cup), *cdown = calloc(ncore, sizeof *cdown);
    size_t *live = malloc((f->planes * (f->cores ? f->cores : 1) + 1) * sizeof *live);
    int rc = up && down && cup && cdown && live ? 0 : -1;
    for (size_t i = 0; i < flows->n && rc == 0; i++) {
        const sgr_flow *fl = &flows->v[i];
        size_t a = sgr_fabric_leaf(f, fl->src), b = sgr_fabric_leaf(f, fl->dst);
        if (a == b) {
            rc = sgr_flows_push(out, fl->src, fl->dst, 0, fl->bytes);
            continue;
        }
        size_t nl = sgr_fabric_live_paths(f, a, b, live), best = live[0];
        bool inter = f->cores && sgr_fabric_pod(f, a) != sgr_fabric_pod(f, b);
        size_t pa = sgr_fabric_pod(f, a), pb = sgr_fabric_pod(f, b);
        double best_load = INFINITY;
        for (size_t k = 0; k < nl; k++) {
            size_t p = live[k], s = inter ? p / f->cores : p, c = inter ? p % f->cores : 0;
            double x =
                fmax((up[a * f->planes + s] + fl->bytes) / f->leaf_factor[a * f->planes + s],
                     (down[b * f->planes + s] + fl->bytes) / f->leaf_factor[b * f->planes + s]);
            if (inter) {
                size_t ia = (pa * f->planes + s) * f->cores + c,
                       ib = (pb * f->planes + s) * f->cores + c;
                x = fmax(x, fmax((cup[ia] + fl->bytes) / f->core_factor[ia],
                                 (cdown[ib] + fl->bytes) / f->core_factor[ib]));
            }
            if (x < best_load) {
                best_load = x;
                best = p;
            }
        }
        size_t s = inter ? best / f->cores : best, c = inter ? best % f->cores : 0;
        up[a * f->planes + s] += fl->bytes;
        down[b * f->planes + s] += fl->bytes;
        if (inter) {
            cup[(pa * f->planes + s) * f->cores + c] += fl->bytes;
            cdown[(pb * f->planes + s) * f->cores + c] += fl->bytes;
        }
        rc = sgr_flows_push(out, fl->src, fl->dst, (int32_t)best, fl->bytes);
    }
    free(up);
    free(down);
    free(cup);
    free(cdown);
    free(live);
    return rc;
}

/* Planned placement on a fabric whose live planes (and cores) are the same everywhere:
 * level 1 colours the leaf-to-leaf multigraph over the live planes; on a three-tier fabric,
 * level 2 colours, in each plane, the pod-to-pod multigraph of its inter-pod pieces over the
 * plane's live cores. */
static int place_planned(const sgr_fabric *f, const sgr_flows *flows, sgr_flows *out,
                         size_t *splits, sgr_err *err)
{
    size_t *planes = malloc(f->planes * sizeof *planes), np = 0;
    size_t *cores = malloc((f->cores + 1) * sizeof *cores);
    if (!planes || !cores) {
        free(planes);
        free(cores);
        return sgr_fail(err, "out of memory");
    }
    for (size_t s = 0; s < f->planes; s++)
        if (f->leaf_factor[s] > 0)
            planes[np++] = s;
    pieces in = {0}, lvl1 = {0};
    int rc = 0;
    for (size_t i = 0; i < flows->n && rc == 0; i++) {
        const sgr_flow *fl = &flows->v[i];
        size_t a = sgr_fabric_leaf(f, fl->src), b = sgr_fabric_leaf(f, fl->dst);
        if (a == b)
            rc = sgr_flows_push(out, fl->src, fl->dst, 0, fl->bytes);
        else
            rc = pieces_push(&in, (uint32_t)a, (uint32_t)b, i, fl->bytes);
    }
    if (rc == 0)
        rc = colour_minimal_split(&in, f->nleaves, f->nleaves, np, &lvl1, splits, err);
    for (size_t s = 0; s < np && rc == 0; s++) {
        /* level 2 (three-tier): this plane's inter-pod pieces over its live cores */
        pieces inter = {0}, lvl2 = {0};
        size_t nc = 0;
        for (size_t c = 0; c < f->cores; c++)
            if (f->core_factor[planes[s] * f->cores + c] > 0)
                cores[nc++] = c;
        for (size_t i = 0; i < lvl1.n && rc == 0; i++) {
            if (lvl1.col[i] != s)
                continue;
            const sgr_flow *fl = &flows->v[lvl1.flow[i]];
            size_t pa = sgr_fabric_pod(f, lvl1.l[i]), pb = sgr_fabric_pod(f, lvl1.r[i]);
            if (f->cores && pa != pb)
                rc = pieces_push(&inter, (uint32_t)pa, (uint32_t)pb, lvl1.flow[i], lvl1.bytes[i]);
            else
                rc = sgr_flows_push(out, fl->src, fl->dst, (int32_t)planes[s], lvl1.bytes[i]);
        }
        if (rc == 0 && inter.n)
            rc = colour_minimal_split(&inter, f->pods, f->pods, nc, &lvl2, splits, err);
        for (size_t i = 0; i < lvl2.n && rc == 0; i++) {
            const sgr_flow *fl = &flows->v[lvl2.flow[i]];
            rc =
                sgr_flows_push(out, fl->src, fl->dst,
                               (int32_t)(planes[s] * f->cores + cores[lvl2.col[i]]), lvl2.bytes[i]);
        }
        pieces_free(&inter);
        pieces_free(&lvl2);
    }
    pieces_free(&in);
    pieces_free(&lvl1);
    free(planes);
    free(cores);
    if (rc < 0 && !err->msg[0])
        sgr_fail(err, "out of memory");
    return rc;
}

int sgr_policy_place(const sgr_fabric *f, const sgr_policy_cfg *cfg, const sgr_flows *flows,
                     sgr_flows *out, size_t *splits, sgr_err *err)
{
    size_t ignored;
    if (!splits)
        splits = &ignored;
    out->n = 0;
    *splits = 0;
    err->msg[0] = '\0';
    bool uniform = sgr_fabric_spray_aggregate(f);
    if (cfg->policy == SGR_POLICY_PLANNED)
        return uniform                           ? place_planned(f, flows, out, splits, err)
               : place_greedy(f, flows, out) < 0 ? sgr_fail(err, "out of memory")
                                                 : 0;
    size_t maxp = f->planes * (f->cores ? f->cores : 1);
    size_t *live = malloc((maxp + 1) * sizeof *live);
    if (!live)
        return sgr_fail(err, "out of memory");
    int rc = 0;
    size_t la = SIZE_MAX, lb = SIZE_MAX, nl = 0; /* the last leaf pair's live paths */
    for (size_t i = 0; i < flows->n && rc == 0; i++) {
        const sgr_flow *fl = &flows->v[i];
        size_t a = sgr_fabric_leaf(f, fl->src), b = sgr_fabric_leaf(f, fl->dst);
        if (a == b) {
            rc = sgr_flows_push(out, fl->src, fl->dst, 0, fl->bytes);
            continue;
        }
        if (a != la || b != lb) {
            nl = sgr_fabric_live_paths(f, a, b, live);
            la = a;
            lb = b;
        }
        switch (cfg->policy) {
        case SGR_POLICY_ECMP:
            rc = sgr_flows_push(out, fl->src, fl->dst,
                                (int32_t)live[flow_hash(cfg->seed, fl->src, fl->dst, 0) % nl],
                                fl->bytes);
            break;
        case SGR_POLICY_SPRAY:
            if (uniform) {
                rc = sgr_flows_push(out, fl->src, fl->dst, SGR_PATH_SPRAY, fl->bytes);
            } else {
                for (size_t k = 0; k < nl && rc == 0; k++)
                    rc = sgr_flows_push(out, fl->src, fl->dst, (int32_t)live[k],
                                        fl->bytes / (double)nl);
            }
            break;
        case SGR_POLICY_KSPLIT:
            for (size_t k = 0; k < cfg->k && rc == 0; k++)
                rc = sgr_flows_push(
                    out, fl->src, fl->dst,
                    (int32_t)live[flow_hash(cfg->seed, fl->src, fl->dst, (uint32_t)k + 1) % nl],
                    fl->bytes / (double)cfg->k);
            break;
        default:
            break;
        }
    }
    free(live);
    return rc < 0 ? sgr_fail(err, "out of memory") : 0;
}
