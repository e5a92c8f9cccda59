/* Steps that are the same up to a relabelling of links, simulated once.
 *
 * SimGrid's bandwidth sharing sees a step as a system of flows (one variable each, in the
 * order the communications start) over links (one constraint each, with a bandwidth, and a
 * latency summed along the route). Two steps whose flows have the same sizes, start in the
 * same order and cross links that correspond one to one (same bandwidth, same latency, the
 * same flows on corresponding links) give SimGrid the same system with its constraints
 * renamed: the same arithmetic in the same order, so the same step time. The fabric is idle
 * between steps. On a leaf-spine, the all-to-all steps s and s' whose shifts leave the same
 * remainder modulo the hosts per leaf are such steps under spraying and planned paths (~100
 * classes among 8,191 steps at 8,192 hosts); hashed placements (ECMP, k-split) almost never
 * repeat.
 *
 * The signature of a step lists, in start order, each subflow's size and the links of its
 * route renamed by first appearance, then each renamed link's bandwidth and latency. A step
 * whose signature's hash was seen is compared word for word with the earlier step's
 * (regenerated: only hashes and step ids are kept), so a reuse is never a hash collision. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "families/fabric/fabric.h"

typedef struct fb_sig {
    uint64_t *w;
    size_t n, cap;
} fb_sig;

struct fb_reuse {
    fb_sig sig[2];   /* the step at hand, and an earlier one regenerated to compare */
    uint32_t *canon; /* link id -> its new name, UINT32_MAX when not seen yet */
    size_t *ids;     /* the ids named so far, to reset canon */
    size_t nids;     /* links that have an id */
    uint64_t *speed; /* per id: its bandwidth's and latency's bits (fixed during a run) */
    size_t *first;   /* per host: its first subflow in the sorted list */
    size_t nhosts;
    fb_rep *reps; /* steps simulated, open addressing on their signature's hash */
    uint64_t *hashes;
    size_t nreps, cap; /* cap: a power of two */
};

static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static int sig_push(fb_sig *s, uint64_t w)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 4096;
        uint64_t *v = realloc(s->w, cap * sizeof *v);
        if (!v)
            return -1;
        s->w = v;
        s->cap = cap;
    }
    s->w[s->n++] = w;
    return 0;
}

fb_reuse *fb_reuse_new(size_t nhosts)
{
    fb_reuse *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->nhosts = nhosts;
    r->nids = sgr_fabric_nids();
    r->canon = malloc(r->nids * sizeof *r->canon);
    r->ids = malloc(r->nids * sizeof *r->ids);
    r->first = malloc((nhosts + 1) * sizeof *r->first);
    r->speed = malloc(2 * r->nids * sizeof *r->speed);
    r->cap = 1024;
    r->reps = calloc(r->cap, sizeof *r->reps);
    r->hashes = calloc(r->cap, sizeof *r->hashes);
    if (!r->canon || !r->ids || !r->first || !r->speed || !r->reps || !r->hashes) {
        fb_reuse_free(r);
        return NULL;
    }
    for (size_t i = 0; i < r->nids; i++) {
        double bw, lat;
        sgr_fabric_id_speed(i, &bw, &lat);
        r->speed[2 * i] = bits(bw);
        r->speed[2 * i + 1] = bits(lat);
        r->canon[i] = UINT32_MAX;
    }
    return r;
}

void fb_reuse_free(fb_reuse *r)
{
    if (!r)
        return;
    free(r->sig[0].w);
    free(r->sig[1].w);
    free(r->canon);
    free(r->ids);
    free(r->first);
    free(r->speed);
    free(r->reps);
    free(r->hashes);
    free(r);
}

/* One subflow's words: its size, its route's length and links renamed by first appearance. */
static int sign_flow(fb_reuse *r, fb_sig *s, const sgr_flow *fl, size_t *named)
{
    size_t route[SGR_FABRIC_MAX_ROUTE];
    size_t len = sgr_fabric_route_ids(fl->src, fl->dst, fl->path, route);
    int rc = sig_push(s, bits(fl->bytes)) | sig_push(s, len);
    for (size_t j = 0; j < len && rc == 0; j++) {
        if (r->canon[route[j]] == UINT32_MAX) {
            r->canon[route[j]] = (uint32_t)*named;
            r->ids[(*named)++] = route[j];
        }
        rc = sig_push(s, r->canon[route[j]]);
    }
    return rc;
}

int fb_reuse_sign(fb_reuse *r, int slot, const sgr_flows *sub)
{
    fb_sig *s = &r->sig[slot];
    size_t n = r->nhosts, named = 0, most = 0;
    s->n = 0;
    /* sub is sorted by source: host h's subflows are first[h] .. first[h+1]-1 */
    memset(r->first, 0, (n + 1) * sizeof *r->first);
    for (size_t i = 0; i < sub->n; i++)
        r->first[sub->v[i].src + 1]++;
    for (size_t h = 0; h < n; h++) {
        most = r->first[h + 1] > most ? r->first[h + 1] : most;
        r->first[h + 1] += r->first[h];
    }
    /* start order: every host's first subflow by host, then every host's second, ... (each
     * host actor starts one per turn of SimGrid's scheduler, hosts in index order) */
    int rc = sig_push(s, sub->n);
    for (size_t k = 0; k < most && rc == 0; k++)
        for (size_t h = 0; h < n && rc == 0; h++)
            if (r->first[h] + k < r->first[h + 1])
                rc = sign_flow(r, s, &sub->v[r->first[h] + k], &named);
    for (size_t i = 0; i < named; i++) {
        if (rc == 0)
            rc = sig_push(s, r->speed[2 * r->ids[i]]) | sig_push(s, r->speed[2 * r->ids[i] + 1]);
        r->canon[r->ids[i]] = UINT32_MAX;
    }
    return rc;
}

static uint64_t sig_hash(const fb_sig *s)
{
    uint64_t h = 0x2545f4914f6cdd1dULL;
    for (size_t i = 0; i < s->n; i++)
        h = mix64(h ^ s->w[i]);
    return h ? h : 1; /* 0 marks an empty slot */
}

bool fb_reuse_same(const fb_reuse *r)
{
    return r->sig[0].n == r->sig[1].n &&
           memcmp(r->sig[0].w, r->sig[1].w, r->sig[0].n * sizeof *r->sig[0].w) == 0;
}

const fb_rep *fb_reuse_find(const fb_reuse *r)
{
    uint64_t h = sig_hash(&r->sig[0]);
    for (size_t i = h & (r->cap - 1); r->hashes[i]; i = (i + 1) & (r->cap - 1))
        if (r->hashes[i] == h)
            return &r->reps[i];
    return NULL;
}

static void put(fb_rep *reps, uint64_t *hashes, size_t cap, uint64_t h, const fb_rep *rep)
{
    size_t i = h & (cap - 1);
    while (hashes[i])
        i = (i + 1) & (cap - 1);
    hashes[i] = h;
    reps[i] = *rep;
}

int fb_reuse_add(fb_reuse *r, const fb_rep *rep)
{
    if (2 * (r->nreps + 1) > r->cap) { /* keep the table at most half full */
        size_t cap = 2 * r->cap;
        fb_rep *reps = calloc(cap, sizeof *reps);
        uint64_t *hashes = calloc(cap, sizeof *hashes);
        if (!reps || !hashes) {
            free(reps);
            free(hashes);
            return -1;
        }
        for (size_t i = 0; i < r->cap; i++)
            if (r->hashes[i])
                put(reps, hashes, cap, r->hashes[i], &r->reps[i]);
        free(r->reps);
        free(r->hashes);
        r->reps = reps;
        r->hashes = hashes;
        r->cap = cap;
    }
    uint64_t h = sig_hash(&r->sig[0]);
    if (fb_reuse_find(r))
        return 0; /* the same hash, another step: keep the first (a collision, compared away) */
    put(r->reps, r->hashes, r->cap, h, rep);
    r->nreps++;
    return 0;
}

static int cmp_pair(const void *x, const void *y)
{
    const sgr_flow *a = x, *b = y;
    if (a->src != b->src)
        return a->src < b->src ? -1 : 1;
    if (a->dst != b->dst)
        return a->dst < b->dst ? -1 : 1;
    return (a->path > b->path) - (a->path < b->path);
}

/* Sort subflows by (source, destination, path), stably: bucketed by source, then each
 * source's few subflows by insertion (the same order as glibc's merge sort, without its
 * log factor: planned paths at 8,192 hosts sorted 8,192 subflows twice a step). The hashed
 * and sprayed placements come sorted already; qsort if the buckets cannot be allocated. */
void fb_sort_subflows(sgr_flows *sub, size_t nhosts)
{
    size_t i = 1;
    while (i < sub->n && cmp_pair(&sub->v[i - 1], &sub->v[i]) <= 0)
        i++;
    if (i >= sub->n)
        return;
    size_t *first = calloc(nhosts + 1, sizeof *first);
    sgr_flow *tmp = malloc(sub->n * sizeof *tmp);
    if (first && tmp) {
        for (i = 0; i < sub->n; i++)
            first[sub->v[i].src + 1]++;
        for (size_t h = 0; h < nhosts; h++)
            first[h + 1] += first[h];
        for (i = 0; i < sub->n; i++)
            tmp[first[sub->v[i].src]++] = sub->v[i];
        for (i = 1; i < sub->n; i++) /* within a source: cmp_pair stops at its first */
            for (size_t j = i; j > 0 && cmp_pair(&tmp[j - 1], &tmp[j]) > 0; j--) {
                sgr_flow t = tmp[j];
                tmp[j] = tmp[j - 1];
                tmp[j - 1] = t;
            }
        memcpy(sub->v, tmp, sub->n * sizeof *tmp);
    } else {
        qsort(sub->v, sub->n, sizeof *sub->v, cmp_pair);
    }
    free(first);
    free(tmp);
}
