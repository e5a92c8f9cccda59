/* Chrome trace-event writer: see include/simgrad/chrome_trace.h. Pure C (no SimGrid). */
#include "simgrad/chrome_trace.h"
#include "simgrad/output.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A small open-addressing map from 64-bit keys to indexes; vals[i] == SIZE_MAX is empty. */
typedef struct idx_map {
    uint64_t *keys;
    size_t *vals;
    size_t cap, len;
} idx_map;

typedef struct trace_thread {
    long pid, tid;
    char *name;
} trace_thread;

struct sgr_ctrace {
    FILE *f;
    char *path, *part;
    size_t sample, max_events, events, dropped;
    bool oom, aborted; /* an actor could not be recorded; the trace is to be discarded */
    int error;         /* errno of the first failed write: nothing more is written */
    idx_map actors;    /* SimGrid pid -> threads[] */
    idx_map by_name;   /* hash of (process id, thread name) -> threads[] */
    idx_map pids;      /* process ids already named */
    trace_thread *threads;
    size_t nthreads, cap_threads;
};

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

static size_t *map_slot(const idx_map *m, uint64_t key)
{
    size_t i = mix64(key) & (m->cap - 1);
    while (m->vals[i] != SIZE_MAX && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    return &m->vals[i];
}

static bool map_get(const idx_map *m, uint64_t key, size_t *val)
{
    if (!m->cap)
        return false;
    size_t *v = map_slot(m, key);
    if (*v == SIZE_MAX)
        return false;
    *val = *v;
    return true;
}

static int map_put(idx_map *m, uint64_t key, size_t val)
{
    if (2 * (m->len + 1) > m->cap) {
        idx_map g = {0};
        g.cap = m->cap ? 2 * m->cap : 64;
        g.keys = malloc(g.cap * sizeof *g.keys);
        g.vals = malloc(g.cap * sizeof *g.vals);
        if (!g.keys || !g.vals) {
            free(g.keys);
            free(g.vals);
            return -1;
        }
        for (size_t i = 0; i < g.cap; i++)
            g.vals[i] = SIZE_MAX;
        for (size_t i = 0; i < m->cap; i++)
            if (m->vals[i] != SIZE_MAX) {
                size_t *s = map_slot(&g, m->keys[i]);
                g.keys[s - g.vals] = m->keys[i];
                *s = m->vals[i];
            }
        g.len = m->len;
        free(m->keys);
        free(m->vals);
        *m = g;
    }
    size_t *s = map_slot(m, key);
    if (*s == SIZE_MAX)
        m->len++;
    m->keys[s - m->vals] = key;
    *s = val;
    return 0;
}

static void map_free(idx_map *m)
{
    free(m->keys);
    free(m->vals);
}

/* Times and args as JSON numbers: 15 significant digits, so a span's duration keeps its
 * precision however late in the run it falls; non-finite values become null. */
static void put_num(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.15g", x == 0 ? 0.0 : x);
    else
        fputs("null", f);
}

static void put_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", (unsigned char)*s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

/* Room for one more event? Metadata events count too, so the budget bounds the file. A
 * failed write (disk full, file-size limit) stops the trace and asks the run to stop. */
static bool event_begin(sgr_ctrace *tr)
{
    if (tr->error)
        return false;
    if (ferror(tr->f)) {
        tr->error = errno ? errno : EIO;
        sgr_stop_request(SGR_STOP_OUTPUT);
        return false;
    }
    if (tr->max_events && tr->events >= tr->max_events) {
        tr->dropped++;
        return false;
    }
    fputs(tr->events++ ? ",\n" : "\n", tr->f);
    return true;
}

static void metadata(sgr_ctrace *tr, const char *what, long pid, long tid, const char *key,
                     const char *name, long index)
{
    if (!event_begin(tr))
        return;
    fprintf(tr->f, "{\"name\":\"%s\",\"ph\":\"M\",\"pid\":%ld,\"tid\":%ld,\"args\":{\"%s\":", what,
            pid, tid, key);
    if (name)
        put_str(tr->f, name);
    else
        fprintf(tr->f, "%ld", index);
    fputs("}}", tr->f);
}

sgr_ctrace *sgr_ctrace_open(const char *path, size_t sample, size_t max_events, sgr_err *err)
{
    sgr_ctrace *tr = calloc(1, sizeof *tr);
    if (!tr)
        goto fail_oom;
    tr->path = strdup(path);
    tr->part = malloc(strlen(path) + 6);
    if (!tr->path || !tr->part)
        goto fail_free;
    sprintf(tr->part, "%s.part", path);
    tr->sample = sample;
    tr->max_events = max_events;
    tr->f = fopen(tr->part, "w");
    if (!tr->f) {
        sgr_fail(err, "cannot write %s: %s", tr->part, strerror(errno));
        goto fail_names;
    }
    fputs("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[", tr->f);
    return tr;
fail_free:
    sgr_fail(err, "out of memory");
fail_names:
    free(tr->path);
    free(tr->part);
    free(tr);
    return NULL;
fail_oom:
    sgr_fail(err, "out of memory");
    return NULL;
}

int sgr_ctrace_close(sgr_ctrace *tr, bool complete, double end_time, sgr_err *err)
{
    if (!tr)
        return 0;
    int rc = 0;
    errno = 0;
    fprintf(tr->f,
            "\n],\n\"otherData\":{\"time\":\"simulated\",\"simulated_end_us\":%.15g,"
            "\"traced_actors\":%zu,\"events\":%zu,\"events_dropped\":%zu,\"max_events\":%zu,"
            "\"sampled_per_group\":%zu,\"complete\":%s}}\n",
            end_time * 1e6, tr->nthreads, tr->events, tr->dropped, tr->max_events, tr->sample,
            complete ? "true" : "false");
    if (!tr->error && (fflush(tr->f) != 0 || ferror(tr->f)))
        tr->error = errno ? errno : EIO;
    if (fclose(tr->f) != 0 && !tr->error)
        tr->error = errno ? errno : EIO;
    if (tr->error || tr->oom || tr->aborted) {
        if (tr->oom)
            rc = sgr_fail(err, "%s: out of memory while tracing", tr->path);
        else if (!tr->aborted)
            rc = sgr_fail(err, "cannot write %s: %s", tr->path, strerror(tr->error));
        unlink(tr->part);
    } else if (rename(tr->part, tr->path) < 0) {
        rc = sgr_fail(err, "cannot rename %s: %s", tr->part, strerror(errno));
        unlink(tr->part);
    }
    for (size_t i = 0; i < tr->nthreads; i++)
        free(tr->threads[i].name);
    free(tr->threads);
    map_free(&tr->actors);
    map_free(&tr->by_name);
    map_free(&tr->pids);
    free(tr->path);
    free(tr->part);
    free(tr);
    return rc;
}

void sgr_ctrace_abort(sgr_ctrace *tr)
{
    if (!tr)
        return;
    tr->aborted = true; /* close() then removes the .part file */
    sgr_ctrace_close(tr, false, 0, NULL);
}

bool sgr_ctrace_sampled(const sgr_ctrace *tr, size_t index, size_t count)
{
    if (!tr || index >= count)
        return false;
    if (count <= tr->sample)
        return true;
    /* index = ceil(j count / sample) for some j  <=>  (index sample) mod count < sample */
    return (uint64_t)index * tr->sample % count < tr->sample; /* < 2^64: both below 1e9 */
}

static uint64_t name_key(long pid, const char *name)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)pid;
    for (; *name; name++)
        h = (h ^ (unsigned char)*name) * 1099511628211ULL;
    return h;
}

/* The thread (pid, name), created with its metadata on first use. SIZE_MAX if out of memory. */
static size_t thread_of(sgr_ctrace *tr, long pid, const char *process, const char *name)
{
    uint64_t key = name_key(pid, name);
    size_t t;
    while (map_get(&tr->by_name, key, &t)) {
        if (tr->threads[t].pid == pid && strcmp(tr->threads[t].name, name) == 0)
            return t;
        key++; /* a hash collision: the next key */
    }
    if (tr->nthreads == tr->cap_threads) {
        size_t cap = tr->cap_threads ? 2 * tr->cap_threads : 64;
        trace_thread *n = realloc(tr->threads, cap * sizeof *n);
        if (!n)
            return SIZE_MAX;
        tr->threads = n;
        tr->cap_threads = cap;
    }
    t = tr->nthreads;
    trace_thread *th = &tr->threads[t];
    th->pid = pid;
    th->name = strdup(name);
    if (!th->name || map_put(&tr->by_name, key, t) < 0) {
        free(th->name);
        return SIZE_MAX;
    }
    th->tid = (long)++tr->nthreads; /* in order of first appearance: deterministic */
    size_t seen;
    if (!map_get(&tr->pids, (uint64_t)pid, &seen) && map_put(&tr->pids, (uint64_t)pid, 1) == 0) {
        metadata(tr, "process_name", pid, 0, "name", process, 0);
        metadata(tr, "process_sort_index", pid, 0, "sort_index", NULL, pid);
    }
    metadata(tr, "thread_name", pid, th->tid, "name", name, 0);
    metadata(tr, "thread_sort_index", pid, th->tid, "sort_index", NULL, th->tid);
    return t;
}

void sgr_ctrace_add_actor(sgr_ctrace *tr, long actor, long pid, const char *process,
                          const char *thread)
{
    if (!tr)
        return;
    size_t t = thread_of(tr, pid, process, thread);
    if (t == SIZE_MAX || map_put(&tr->actors, (uint64_t)actor, t) < 0)
        tr->oom = true; /* the file would silently miss an actor: fail at close */
}

bool sgr_ctrace_has_actor(const sgr_ctrace *tr, long actor)
{
    size_t t;
    return tr && map_get(&tr->actors, (uint64_t)actor, &t);
}

void sgr_ctrace_span(sgr_ctrace *tr, long actor, const char *name, double t0, double t1,
                     const char *args)
{
    size_t t;
    if (!tr || !map_get(&tr->actors, (uint64_t)actor, &t) || !event_begin(tr))
        return;
    const trace_thread *th = &tr->threads[t];
    fprintf(tr->f, "{\"name\":\"%s\",\"ph\":\"X\",\"ts\":", name);
    put_num(tr->f, t0 * 1e6);
    fputs(",\"dur\":", tr->f);
    put_num(tr->f, t1 > t0 ? (t1 - t0) * 1e6 : 0.0);
    fprintf(tr->f, ",\"pid\":%ld,\"tid\":%ld", th->pid, th->tid);
    if (args)
        fprintf(tr->f, ",\"args\":%s", args);
    fputc('}', tr->f);
}
