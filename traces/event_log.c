/* events.csv of the gossip family: written while a run goes, read back for replay. */
#include "simgrad/event_log.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t sgr_graph_seq_index(const sgr_graph_seq *s, double t)
{
    double x = s->rate > 0 ? floor(t * s->rate) : floor(t / s->every);
    return x > 0 ? (size_t)x % s->k : 0;
}

const char *sgr_event_kind_name(sgr_event_kind k)
{
    static const char *const names[] = {"gradient", "gossip", "gossip-recv", "gossip-reply"};
    return (unsigned)k < 4 ? names[k] : "?";
}

/* ---- writing ---- */

struct sgr_event_log {
    FILE *f;
    char *path, *part;
};

sgr_event_log *sgr_event_log_open(const char *path, sgr_err *err)
{
    sgr_event_log *log = calloc(1, sizeof *log);
    if (!log || !(log->path = strdup(path)) || !(log->part = malloc(strlen(path) + 6))) {
        if (log)
            free(log->path);
        free(log);
        sgr_fail(err, "out of memory");
        return NULL;
    }
    sprintf(log->part, "%s.part", path);
    log->f = fopen(log->part, "w");
    if (!log->f) {
        sgr_fail(err, "cannot write %s: %s", log->part, strerror(errno));
        free(log->path);
        free(log->part);
        free(log);
        return NULL;
    }
    fputs("method,event,t,time_s,kind,i,j,graph,abs_error,rel_error\n", log->f);
    return log;
}

static void put_num(FILE *f, double x)
{
    if (!isnan(x))
        fprintf(f, "%.17g", x);
}

int sgr_event_log_write(sgr_event_log *log, const char *method, unsigned long index,
                        const sgr_event *ev, double time_s, double abs_error, double rel_error)
{
    FILE *f = log->f;
    fprintf(f, "%s,%lu,%.17g,%.17g,%s,%zu,", method, index, ev->t, time_s,
            sgr_event_kind_name(ev->kind), ev->i);
    if (ev->kind != SGR_EV_GRADIENT)
        fprintf(f, "%zu", ev->j);
    fputc(',', f);
    if (ev->kind != SGR_EV_GRADIENT && ev->graph >= 0)
        fprintf(f, "%ld", ev->graph);
    fputc(',', f);
    put_num(f, abs_error);
    fputc(',', f);
    put_num(f, rel_error);
    return fputc('\n', f) == EOF ? -1 : 0;
}

int sgr_event_log_close(sgr_event_log *log, bool complete, sgr_err *err)
{
    int rc = 0;
    if (fclose(log->f) != 0)
        rc = sgr_fail(err, "cannot write %s: %s", log->part, strerror(errno));
    else if (complete && rename(log->part, log->path) < 0)
        rc = sgr_fail(err, "cannot rename %s: %s", log->part, strerror(errno));
    free(log->path);
    free(log->part);
    free(log);
    return rc;
}

/* ---- reading ---- */

enum { C_METHOD, C_T, C_KIND, C_I, C_J, C_GRAPH, NCOLS };

typedef struct log_reader {
    const char *path;
    size_t line;
    int col[NCOLS];   /* field index of each column, -1 if absent */
    size_t nfields;   /* fields per line (the header's) */
    char method[128]; /* the method replayed */
    bool have_method;
    sgr_event *ev;
    size_t count, cap;
    sgr_err *err;
} log_reader;

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* Split at commas in place into fields[0..max); returns the field count. */
static size_t split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *s = line;
    for (;;) {
        char *c = strchr(s, ',');
        if (c)
            *c = '\0';
        if (n < max)
            fields[n] = trim(s);
        n++;
        if (!c)
            return n;
        s = c + 1;
    }
}

static int read_header(log_reader *r, char *line)
{
    static const char *const names[NCOLS] = {"method", "t", "kind", "i", "j", "graph"};
    char *f[64];
    size_t n = split(line, f, 64);
    r->nfields = n;
    for (int c = 0; c < NCOLS; c++) {
        r->col[c] = -1;
        for (size_t k = 0; k < n && k < 64; k++)
            if (strcmp(f[k], names[c]) == 0 || (c == C_T && strcmp(f[k], "t_units") == 0))
                r->col[c] = (int)k;
    }
    for (int c = C_T; c <= C_I; c++)
        if (r->col[c] < 0)
            return sgr_fail(r->err,
                            "%s:%zu: no column \"%s\" in the header (expected at least "
                            "t, kind, i, j)",
                            r->path, r->line, names[c]);
    return 0;
}

static int parse_size(const log_reader *r, const char *s, const char *what, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (!isdigit((unsigned char)*s) || *end || errno)
        return sgr_fail(r->err, "%s:%zu: %s \"%.40s\" is not an integer >= 0", r->path, r->line,
                        what, s);
    *out = (size_t)x;
    return 0;
}

static int parse_time(const log_reader *r, const char *s, double prev, double *out)
{
    char *end;
    errno = 0;
    double t = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(t) || t < 0)
        return sgr_fail(r->err, "%s:%zu: time \"%.40s\" is not a finite number >= 0", r->path,
                        r->line, s);
    if (t < prev)
        return sgr_fail(r->err, "%s:%zu: the log goes back in time (t = %.10g after %.10g)",
                        r->path, r->line, t, prev);
    *out = t;
    return 0;
}

static int parse_kind(const log_reader *r, const char *s, sgr_event_kind *out)
{
    if (strcmp(s, "gradient") == 0)
        *out = SGR_EV_GRADIENT;
    else if (strcmp(s, "gossip") == 0)
        *out = SGR_EV_GOSSIP;
    else if (strcmp(s, "gossip-recv") == 0 || strcmp(s, "gossip-reply") == 0)
        return sgr_fail(r->err,
                        "%s:%zu: kind %s comes from a networked run's log; a replay takes the "
                        "events themselves (gradient, gossip), as an instant run writes them",
                        r->path, r->line, s);
    else
        return sgr_fail(r->err, "%s:%zu: kind \"%.40s\", expected gradient or gossip", r->path,
                        r->line, s);
    return 0;
}

/* Whether the row belongs to the replayed method (the first one named). */
static bool take_method(log_reader *r, char **f)
{
    if (r->col[C_METHOD] < 0)
        return true;
    const char *m = f[r->col[C_METHOD]];
    if (!r->have_method) {
        snprintf(r->method, sizeof r->method, "%s", m);
        r->have_method = true;
    }
    return strcmp(m, r->method) == 0;
}

static int read_row(log_reader *r, char *line)
{
    char *f[64];
    size_t n = split(line, f, 64);
    if (n != r->nfields)
        return sgr_fail(r->err, "%s:%zu: %zu fields, expected %zu (as in the header)", r->path,
                        r->line, n, r->nfields);
    if (!take_method(r, f))
        return 0;
    if (r->count == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 1024;
        sgr_event *ev = realloc(r->ev, cap * sizeof *ev);
        if (!ev)
            return sgr_fail(r->err, "%s:%zu: out of memory", r->path, r->line);
        r->ev = ev;
        r->cap = cap;
    }
    sgr_event *e = &r->ev[r->count];
    double prev = r->count ? r->ev[r->count - 1].t : 0;
    memset(e, 0, sizeof *e);
    e->line = r->line;
    e->graph = -1;
    if (parse_time(r, f[r->col[C_T]], prev, &e->t) < 0 ||
        parse_kind(r, f[r->col[C_KIND]], &e->kind) < 0 ||
        parse_size(r, f[r->col[C_I]], "node i", &e->i) < 0)
        return -1;
    if (e->kind == SGR_EV_GOSSIP) {
        if (r->col[C_J] < 0)
            return sgr_fail(r->err, "%s:%zu: a gossip needs its other end: no column j", r->path,
                            r->line);
        if (parse_size(r, f[r->col[C_J]], "node j", &e->j) < 0)
            return -1;
        size_t g = 0;
        if (r->col[C_GRAPH] >= 0 && f[r->col[C_GRAPH]][0]) {
            if (parse_size(r, f[r->col[C_GRAPH]], "graph", &g) < 0)
                return -1;
            e->graph = (long)g;
        }
    }
    r->count++;
    return 0;
}

int sgr_event_log_read(const char *path, sgr_event **events, size_t *count, char *method,
                       size_t method_len, sgr_err *err)
{
    *events = NULL;
    *count = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return sgr_fail(err, "%s: cannot open: %s", path, strerror(errno));
    log_reader r = {.path = path, .err = err};
    char *line = NULL;
    size_t cap = 0;
    bool header = false;
    int rc = 0;
    while (rc == 0 && getline(&line, &cap, f) != -1) {
        r.line++;
        char *hash = strchr(line, '#'), *s;
        if (hash)
            *hash = '\0';
        if (!*(s = trim(line)))
            continue;
        rc = header ? read_row(&r, s) : read_header(&r, s);
        header = true;
    }
    if (rc == 0 && r.count == 0)
        rc = sgr_fail(err, "%s: no events", path);
    free(line);
    fclose(f);
    if (rc < 0) {
        free(r.ev);
        return -1;
    }
    if (method)
        snprintf(method, method_len, "%s", r.method);
    *events = r.ev;
    *count = r.count;
    return 0;
}

int sgr_event_log_check(const char *path, const sgr_event *ev, size_t count, size_t n,
                        const sgr_graph_seq *seq, sgr_err *err)
{
    for (size_t k = 0; k < count; k++) {
        const sgr_event *e = &ev[k];
        if (e->i >= n || (e->kind == SGR_EV_GOSSIP && e->j >= n))
            return sgr_fail(err, "%s:%zu: node %zu does not exist (the graph has %zu nodes)", path,
                            e->line, e->i >= n ? e->i : e->j, n);
        if (e->kind != SGR_EV_GOSSIP)
            continue;
        if (e->graph >= (long)seq->k)
            return sgr_fail(err, "%s:%zu: graph %ld does not exist (the sequence has %zu)", path,
                            e->line, e->graph, seq->k);
        size_t g = e->graph >= 0 ? (size_t)e->graph : sgr_graph_seq_index(seq, e->t);
        if (!sgr_graph_has_edge(&seq->g[g], e->i, e->j))
            return sgr_fail(err,
                            "%s:%zu: no edge %zu-%zu in graph %zu (the one in force at t = "
                            "%.17g)",
                            path, e->line, e->i, e->j, g, e->t);
    }
    return 0;
}
