/* Flows on fixed routes under SimGrid's CM02 max-min sharing, timed event by event, with each
 * completion re-solving only the flows at or above the level that left (simgrad/maxmin.h). */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "simgrad/maxmin.h"

/* A binary min-heap of (key, id, version). */
typedef struct mm_item {
    double key;
    uint32_t id, ver;
} mm_item;

typedef struct mm_heap {
    mm_item *v;
    size_t n, cap;
} mm_heap;

enum { FL_PENDING, FL_ACTIVE, FL_DONE };

struct sgr_maxmin {
    size_t nlinks;
    double *cap;
    /* per link, rebuilt each run: the flows crossing it (CSR), and the fill's state */
    size_t *lstart;
    uint32_t *lflows;
    double *rem, *wsum;
    uint32_t *cnt, *stamp;
    uint32_t epoch;
    /* per flow */
    size_t fcap;
    double *rate, *level, *left, *tupd, *w, *fin;
    double *bnd; /* bounds that can bind (below every link of the route), else 0 */
    uint32_t *ver, *in_a;
    mm_item *keys; /* sort buffer */
    mm_item *arr;  /* flows by latency: the order they enter */
    uint8_t *state;
    uint32_t *ord; /* active flows by increasing level */
    size_t nord;
    size_t nfixed; /* ord entries the fill has written */
    mm_heap fill, events;
    const sgr_maxmin_flows *fl;
    double now;
    sgr_maxmin_stats st;
};

static int heap_push(mm_heap *h, double key, uint32_t id, uint32_t ver)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 1024;
        mm_item *v = realloc(h->v, cap * sizeof *v);
        if (!v)
            return -1;
        h->v = v;
        h->cap = cap;
    }
    size_t i = h->n++;
    while (i > 0 && h->v[(i - 1) / 2].key > key) {
        h->v[i] = h->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->v[i] = (mm_item){key, id, ver};
    return 0;
}

static mm_item heap_pop(mm_heap *h)
{
    mm_item top = h->v[0], last = h->v[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->v[c + 1].key < h->v[c].key)
            c++;
        if (h->v[c].key >= last.key)
            break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->n)
        h->v[i] = last;
    return top;
}

sgr_maxmin *sgr_maxmin_new(size_t nlinks, const double *cap)
{
    sgr_maxmin *m = calloc(1, sizeof *m);
    if (!m || nlinks >= UINT32_MAX)
        goto fail;
    m->nlinks = nlinks;
    m->cap = malloc((nlinks + 1) * sizeof *m->cap);
    m->lstart = calloc(nlinks + 1, sizeof *m->lstart);
    m->rem = malloc((nlinks + 1) * sizeof *m->rem);
    m->wsum = malloc((nlinks + 1) * sizeof *m->wsum);
    m->cnt = malloc((nlinks + 1) * sizeof *m->cnt);
    m->stamp = calloc(nlinks + 1, sizeof *m->stamp);
    if (!m->cap || !m->lstart || !m->rem || !m->wsum || !m->cnt || !m->stamp)
        goto fail;
    memcpy(m->cap, cap, nlinks * sizeof *cap);
    return m;
fail:
    sgr_maxmin_free(m);
    return NULL;
}

static void free_flows(sgr_maxmin *m)
{
    free(m->rate);
    free(m->level);
    free(m->left);
    free(m->tupd);
    free(m->w);
    free(m->fin);
    free(m->bnd);
    free(m->ver);
    free(m->in_a);
    free(m->keys);
    free(m->arr);
    free(m->state);
    free(m->ord);
    free(m->lflows);
}

void sgr_maxmin_free(sgr_maxmin *m)
{
    if (!m)
        return;
    free_flows(m);
    free(m->cap);
    free(m->lstart);
    free(m->rem);
    free(m->wsum);
    free(m->cnt);
    free(m->stamp);
    free(m->fill.v);
    free(m->events.v);
    free(m);
}

/* Room for n flows and `incid` route entries. Returns 0 or -1. */
static int reserve(sgr_maxmin *m, size_t n, size_t incid)
{
    free(m->lflows);
    m->lflows = malloc((incid + 1) * sizeof *m->lflows);
    if (!m->lflows)
        return -1;
    if (n <= m->fcap)
        return 0;
    free_flows(m);
    m->lflows = malloc((incid + 1) * sizeof *m->lflows);
    m->fcap = n;
    m->rate = malloc(n * sizeof *m->rate);
    m->level = malloc(n * sizeof *m->level);
    m->left = malloc(n * sizeof *m->left);
    m->tupd = malloc(n * sizeof *m->tupd);
    m->w = malloc(n * sizeof *m->w);
    m->fin = malloc(n * sizeof *m->fin);
    m->bnd = malloc(n * sizeof *m->bnd);
    m->ver = malloc(n * sizeof *m->ver);
    m->in_a = malloc(n * sizeof *m->in_a);
    m->keys = malloc(n * sizeof *m->keys);
    m->arr = malloc(n * sizeof *m->arr);
    m->state = malloc(n * sizeof *m->state);
    m->ord = malloc(n * sizeof *m->ord);
    if (!m->lflows || !m->rate || !m->level || !m->left || !m->tupd || !m->w || !m->fin ||
        !m->bnd || !m->ver || !m->in_a || !m->keys || !m->arr || !m->state || !m->ord) {
        m->fcap = 0;
        return -1;
    }
    return 0;
}

/* SimGrid's sharing penalty: the route latency, 1 for a route without latency. */
static double penalty(const sgr_maxmin_flows *fl, size_t i)
{
    return fl->lat[i] > 0 ? fl->lat[i] : 1.0;
}

/* Flow i's bound if it is below the bandwidth of every link of its route, else 0: a bound at
 * or above one of them cannot bind before that link does (a tie gives the same rate). */
static double binding_bound(const sgr_maxmin *m, const sgr_maxmin_flows *fl, size_t i)
{
    double b = fl->bound[i];
    for (size_t e = fl->off[i]; e < fl->off[i + 1] && b > 0; e++)
        if (m->cap[fl->ids[e]] <= b)
            b = 0;
    return b > 0 ? b : 0;
}

/* The per-link lists of flows (CSR over the batch) and each flow's initial state. */
static void load(sgr_maxmin *m, const sgr_maxmin_flows *fl)
{
    memset(m->lstart, 0, (m->nlinks + 1) * sizeof *m->lstart);
    for (size_t e = 0; e < fl->off[fl->n]; e++)
        m->lstart[fl->ids[e] + 1]++;
    for (size_t l = 0; l < m->nlinks; l++)
        m->lstart[l + 1] += m->lstart[l];
    for (size_t i = 0; i < fl->n; i++) {
        for (size_t e = fl->off[i]; e < fl->off[i + 1]; e++)
            m->lflows[m->lstart[fl->ids[e]]++] = (uint32_t)i;
        m->rate[i] = 0;
        m->level[i] = 0;
        m->left[i] = fl->bytes[i];
        m->w[i] = 1.0 / penalty(fl, i);
        m->fin[i] = 0;
        m->bnd[i] = binding_bound(m, fl, i);
        m->ver[i] = 0;
        m->in_a[i] = 0;
        m->state[i] = FL_PENDING;
    }
    for (size_t l = m->nlinks; l > 0; l--) /* the fill above shifted every start by one list */
        m->lstart[l] = m->lstart[l - 1];
    m->lstart[0] = 0;
}

static int by_key(const void *x, const void *y)
{
    const mm_item *a = x, *b = y;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

/* Fix flow f at `rate` (level `level`): take it out of every link of the fill, and append it
 * to ord. */
static void fix(sgr_maxmin *m, uint32_t f, double rate, double level)
{
    const sgr_maxmin_flows *fl = m->fl;
    m->rate[f] = rate;
    m->level[f] = level;
    m->in_a[f] = 0; /* fixed: no longer part of the fill */
    for (size_t e = fl->off[f]; e < fl->off[f + 1]; e++) {
        uint32_t l = fl->ids[e];
        m->rem[l] = fmax(m->rem[l] - rate, 0);
        m->wsum[l] -= m->w[f];
        m->cnt[l]--; /* its candidate only rises: fill() re-queues it when it comes up */
    }
    m->ord[m->nfixed++] = f; /* the fill fixes flows by increasing level */
}

/* The links the flows of A (ord[first..nord), marked in_a == epoch) cross: what the flows
 * below A leave of each, and A's weight on it; their candidate levels into the fill heap.
 * Returns 0 or -1. */
static int fill_init(sgr_maxmin *m, size_t first)
{
    const sgr_maxmin_flows *fl = m->fl;
    m->fill.n = 0;
    for (size_t k = first; k < m->nord; k++) {
        uint32_t f = m->ord[k];
        for (size_t e = fl->off[f]; e < fl->off[f + 1]; e++) {
            uint32_t l = fl->ids[e];
            if (m->stamp[l] == m->epoch)
                continue;
            m->stamp[l] = m->epoch;
            double rem = m->cap[l], wsum = 0;
            uint32_t cnt = 0;
            for (size_t j = m->lstart[l]; j < m->lstart[l + 1]; j++) {
                uint32_t g = m->lflows[j];
                if (m->in_a[g] == m->epoch) {
                    wsum += m->w[g];
                    cnt++;
                } else if (m->state[g] == FL_ACTIVE) {
                    rem -= m->rate[g];
                }
            }
            m->rem[l] = fmax(rem, 0);
            m->wsum[l] = wsum;
            m->cnt[l] = cnt;
            if (heap_push(&m->fill, m->rem[l] / wsum, l, 0) < 0)
                return -1;
        }
        if (m->bnd[f] > 0 &&
            heap_push(&m->fill, m->bnd[f] / m->w[f], (uint32_t)(m->nlinks + f), 0) < 0)
            return -1;
    }
    return 0;
}

/* Water-filling of A over what the flows below it leave: the tightest link (or bound) first,
 * fixing the flows it bottlenecks at its level. A link's candidate level only rises as flows
 * are fixed elsewhere, so a popped candidate that has risen is queued again rather than every
 * change being queued. Returns 0 or -1. */
static int fill(sgr_maxmin *m, size_t first)
{
    m->nfixed = first;
    if (fill_init(m, first) < 0)
        return -1;
    while (m->fill.n) {
        mm_item it = heap_pop(&m->fill);
        if (it.id >= m->nlinks) { /* a flow's bound */
            uint32_t f = (uint32_t)(it.id - m->nlinks);
            if (m->in_a[f] == m->epoch)
                fix(m, f, m->bnd[f], it.key);
            continue;
        }
        uint32_t l = it.id;
        if (m->cnt[l] == 0)
            continue; /* every flow on it fixed */
        double level = m->rem[l] / m->wsum[l];
        if (level > it.key) {
            if (heap_push(&m->fill, level, l, 0) < 0)
                return -1;
            continue;
        }
        for (size_t j = m->lstart[l]; j < m->lstart[l + 1]; j++) {
            uint32_t g = m->lflows[j];
            if (m->in_a[g] == m->epoch)
                fix(m, g, level * m->w[g], level);
        }
    }
    return m->nfixed == m->nord ? 0 : -1;
}

/* Sort all of ord by level (after rounding put a re-solved flow below one kept). */
static void sort_ord(sgr_maxmin *m)
{
    for (size_t k = 0; k < m->nord; k++)
        m->keys[k] = (mm_item){m->level[m->ord[k]], m->ord[k], 0};
    qsort(m->keys, m->nord, sizeof *m->keys, by_key);
    for (size_t k = 0; k < m->nord; k++)
        m->ord[k] = m->keys[k].id;
}

/* Re-solve the active flows ord[first..] (the others keep their rates), at time m->now:
 * bring their bytes up to date, fill (which rewrites ord[first..] by level) and schedule
 * their ends. Returns 0 or -1. */
static int resolve(sgr_maxmin *m, size_t first)
{
    size_t j = first;
    for (size_t k = first; k < m->nord; k++)
        if (m->state[m->ord[k]] == FL_ACTIVE)
            m->ord[j++] = m->ord[k];
    m->nord = j;
    if (first == m->nord)
        return 0;
    if (++m->epoch == 0) { /* wrapped: forget every stamp */
        memset(m->stamp, 0, (m->nlinks + 1) * sizeof *m->stamp);
        memset(m->in_a, 0, m->fcap * sizeof *m->in_a);
        m->epoch = 1;
    }
    for (size_t k = first; k < m->nord; k++) {
        uint32_t f = m->ord[k];
        m->left[f] -= m->rate[f] * (m->now - m->tupd[f]);
        m->tupd[f] = m->now;
        m->in_a[f] = m->epoch;
    }
    m->st.solves++;
    m->st.resolved += m->nord - first;
    if (fill(m, first) < 0)
        return -1;
    for (size_t k = first; k < m->nord; k++) {
        uint32_t f = m->ord[k];
        if (m->rate[f] > 0 &&
            heap_push(&m->events, m->now + fmax(m->left[f], 0) / m->rate[f], f, ++m->ver[f]) < 0)
            return -1;
    }
    /* rounding may leave a re-solved level a hair below the flows kept: keep ord sorted */
    if (first > 0 && m->level[m->ord[first]] < m->level[m->ord[first - 1]])
        sort_ord(m);
    return 0;
}

/* The first position of ord whose level is not below `level` (less a rounding margin:
 * re-solving a few flows more is exact too). */
static size_t first_at(const sgr_maxmin *m, double level)
{
    double at = level * (1 - 1e-9);
    size_t lo = 0, hi = m->nord;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->level[m->ord[mid]] < at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The earliest scheduled end still valid, or INFINITY. */
static double next_end(sgr_maxmin *m)
{
    while (m->events.n) {
        mm_item top = m->events.v[0];
        if (m->state[top.id] == FL_ACTIVE && top.ver == m->ver[top.id])
            return top.key;
        heap_pop(&m->events);
    }
    return INFINITY;
}

/* End every flow scheduled to end by time t (within rounding): returns the lowest level
 * among them. */
static double end_flows(sgr_maxmin *m, double t)
{
    double low = INFINITY, by = t + fabs(t) * 1e-12;
    while (next_end(m) <= by) {
        mm_item it = heap_pop(&m->events);
        m->state[it.id] = FL_DONE;
        m->fin[it.id] = t;
        low = fmin(low, m->level[it.id]);
    }
    return low;
}

/* Flows arr[*next..] in latency order: activate those whose latency is paid by time t. */
static void arrive(sgr_maxmin *m, size_t n, size_t *next, double t)
{
    while (*next < n && m->arr[*next].key <= t) {
        uint32_t f = m->arr[(*next)++].id;
        m->state[f] = FL_ACTIVE;
        m->tupd[f] = t;
        m->ord[m->nord++] = f;
    }
}

/* Flows with a route into m->arr by latency (ties by index), the others ended at once (no
 * link: SimGrid ends them at once). A step has few distinct latencies: counted into place when
 * there are at most 16, sorted otherwise. Returns how many are in m->arr. */
static size_t order_arrivals(sgr_maxmin *m, const sgr_maxmin_flows *fl)
{
    enum { FEW = 16 };
    double val[FEW];
    size_t cnt[FEW + 1] = {0}, nv = 0, n = 0;
    for (size_t i = 0; i < fl->n; i++) {
        if (fl->off[i + 1] == fl->off[i]) {
            m->state[i] = FL_DONE;
            continue;
        }
        double lat = fl->lat[i] > 0 ? fl->lat[i] : 0;
        m->keys[n++] = (mm_item){lat, (uint32_t)i, 0};
        if (nv <= FEW) {
            size_t v = 0;
            while (v < nv && val[v] != lat)
                v++;
            if (v == nv && nv++ < FEW)
                val[v] = lat;
        }
    }
    if (nv > FEW) {
        qsort(m->keys, n, sizeof *m->keys, by_key);
        memcpy(m->arr, m->keys, n * sizeof *m->arr);
        return n;
    }
    for (size_t v = 1; v < nv; v++) /* the distinct values in order (insertion) */
        for (size_t u = v; u > 0 && val[u - 1] > val[u]; u--) {
            double t = val[u];
            val[u] = val[u - 1];
            val[u - 1] = t;
        }
    for (size_t k = 0; k < n; k++) {
        size_t v = 0;
        while (val[v] != m->keys[k].key)
            v++;
        m->keys[k].ver = (uint32_t)v;
        cnt[v + 1]++;
    }
    for (size_t v = 0; v < nv; v++)
        cnt[v + 1] += cnt[v];
    for (size_t k = 0; k < n; k++)
        m->arr[cnt[m->keys[k].ver]++] = m->keys[k];
    return n;
}

/* The event loop: latency groups entering (a full re-solve) and ends (a re-solve from the
 * lowest level that left). Returns 0 or -1. */
static int simulate(sgr_maxmin *m, size_t n, double *end)
{
    size_t next = 0;
    *end = 0;
    for (;;) {
        double ta = next < n ? m->arr[next].key : INFINITY, tf = next_end(m);
        if (isinf(ta) && isinf(tf))
            break;
        m->now = fmin(ta, tf);
        m->st.events++;
        double low = tf <= m->now ? end_flows(m, m->now) : INFINITY;
        if (!isinf(low))
            *end = m->now;
        size_t first = isinf(low) ? m->nord : first_at(m, low);
        if (ta <= m->now) {
            arrive(m, n, &next, m->now);
            first = 0;
        }
        if (resolve(m, first) < 0)
            return -1;
    }
    return m->nord == 0 ? 0 : -1; /* flows left at rate 0: a link of bandwidth 0 */
}

int sgr_maxmin_run(sgr_maxmin *m, const sgr_maxmin_flows *fl, double *end, double *finish,
                   sgr_maxmin_stats *stats)
{
    *end = 0;
    if (fl->n == 0)
        return 0;
    if (fl->n >= UINT32_MAX || reserve(m, fl->n, fl->off[fl->n]) < 0)
        return -1;
    m->fl = fl;
    m->st = (sgr_maxmin_stats){0};
    m->nord = 0;
    m->now = 0;
    m->events.n = 0;
    load(m, fl);
    size_t n = order_arrivals(m, fl);
    int rc = simulate(m, n, end);
    if (finish)
        memcpy(finish, m->fin, fl->n * sizeof *finish);
    if (stats) {
        stats->events += m->st.events;
        stats->solves += m->st.solves;
        stats->resolved += m->st.resolved;
    }
    return rc;
}
