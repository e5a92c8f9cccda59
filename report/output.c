/* Atomic file output, streamed metrics and the progress line. */
#include "simgrad/output.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int sgr_mkdir_p(const char *path, sgr_err *err)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return sgr_fail(err, "path too long: %s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) < 0 && errno != EEXIST)
            return sgr_fail(err, "cannot create directory %s: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0777) < 0 && errno != EEXIST)
        return sgr_fail(err, "cannot create directory %s: %s", buf, strerror(errno));
    struct stat st;
    if (stat(buf, &st) < 0 || !S_ISDIR(st.st_mode))
        return sgr_fail(err, "%s exists and is not a directory", buf);
    return 0;
}

/* The process-wide stop request: the signal that asked for it, or SGR_STOP_OUTPUT. A signal
 * handler sets it, so it is the one mutable global here (and a sig_atomic_t). */
static volatile sig_atomic_t stop_reason;

void sgr_stop_request(int reason)
{
    if (!stop_reason)
        stop_reason = reason;
}

int sgr_stop_reason(void)
{
    return stop_reason;
}

const char *sgr_stop_name(int reason)
{
    switch (reason) {
    case 0:
        return "none";
    case SIGINT:
        return "SIGINT";
    case SIGTERM:
        return "SIGTERM";
    case SGR_STOP_OUTPUT:
        return "an output could not be written";
    default:
        return "a signal";
    }
}

/* The reason of a failed stdio write: errno when the call set one, else EIO. */
static int io_errno(void)
{
    return errno ? errno : EIO;
}

int sgr_json_write_atomic(const char *path, json_t *json, sgr_err *err)
{
    return sgr_json_write_atomic_digits(path, json, 12, err);
}

int sgr_json_write_atomic_digits(const char *path, json_t *json, int digits, sgr_err *err)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return sgr_fail(err, "path too long: %s", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return sgr_fail(err, "cannot write %s: %s", path, strerror(errno));
    errno = 0;
    int bad = json_dumpf(
        json, f, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(digits ? digits : 12));
    bad |= fflush(f) != 0 || ferror(f);
    int why = bad ? io_errno() : 0;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        why = io_errno();
    }
    if (bad) {
        unlink(tmp); /* never a cut file, under either name */
        return sgr_fail(err, "cannot write %s: %s", path, strerror(why));
    }
    if (rename(tmp, path) < 0) {
        why = errno;
        unlink(tmp);
        return sgr_fail(err, "cannot rename %s to %s: %s", tmp, path, strerror(why));
    }
    return 0;
}

struct sgr_metrics {
    FILE *f;
    char *path, *part;
    size_t ncols, rows;
    int digits; /* significant digits of the numbers (%.Ng) */
    int error;  /* errno of the first failed write: every later row is dropped */
};

/* After a write: a stdio error is remembered, and the run asked to stop (the file can no
 * longer be whole). Returns 0 or -1. */
static int metrics_check(sgr_metrics *m)
{
    if (!m->error && (fflush(m->f) != 0 || ferror(m->f))) {
        m->error = io_errno();
        sgr_stop_request(SGR_STOP_OUTPUT);
    }
    return m->error ? -1 : 0;
}

sgr_metrics *sgr_metrics_open(const char *path, const char *const *columns, size_t ncols,
                              sgr_err *err)
{
    sgr_metrics *m = calloc(1, sizeof *m);
    if (!m)
        goto fail;
    m->ncols = ncols;
    m->digits = 10;
    m->path = strdup(path);
    m->part = malloc(strlen(path) + 6);
    if (!m->path || !m->part)
        goto fail_free;
    sprintf(m->part, "%s.part", path);
    m->f = fopen(m->part, "w");
    if (!m->f) {
        sgr_fail(err, "cannot write %s: %s", m->part, strerror(errno));
        goto fail_free;
    }
    errno = 0;
    for (size_t i = 0; i < ncols; i++)
        fprintf(m->f, "%s%s", i ? "," : "", columns[i]);
    fputc('\n', m->f);
    if (metrics_check(m) < 0) {
        sgr_fail(err, "cannot write %s: %s", path, strerror(m->error));
        fclose(m->f);
        unlink(m->part);
        goto fail_free;
    }
    return m;
fail_free:
    free(m->path);
    free(m->part);
    free(m);
    return NULL;
fail:
    sgr_fail(err, "out of memory");
    return NULL;
}

int sgr_metrics_row(sgr_metrics *m, const double *values)
{
    if (m->error)
        return -1;
    errno = 0;
    for (size_t i = 0; i < m->ncols; i++) {
        if (i)
            fputc(',', m->f);
        if (!isnan(values[i]))
            fprintf(m->f, "%.*g", m->digits, values[i]);
    }
    fputc('\n', m->f);
    if (metrics_check(m) < 0)
        return -1;
    m->rows++;
    return 0;
}

void sgr_metrics_set_digits(sgr_metrics *m, int digits)
{
    m->digits = digits;
}

size_t sgr_metrics_rows(const sgr_metrics *m)
{
    return m->rows;
}

bool sgr_metrics_failed(const sgr_metrics *m)
{
    return m && m->error;
}

int sgr_metrics_close(sgr_metrics *m, sgr_err *err)
{
    int rc = 0;
    errno = 0;
    metrics_check(m);
    if (fclose(m->f) != 0 && !m->error)
        m->error = io_errno();
    if (m->error) {
        rc = sgr_fail(err, "cannot write %s: %s", m->path, strerror(m->error));
        unlink(m->part); /* its last row may be cut: no file rather than a wrong one */
    } else if (rename(m->part, m->path) < 0) {
        rc = sgr_fail(err, "cannot rename %s: %s", m->part, strerror(errno));
    }
    free(m->path);
    free(m->part);
    free(m);
    return rc;
}

double sgr_wall_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

void sgr_progress_init(sgr_progress *p, bool enabled)
{
    p->enabled = enabled && isatty(STDERR_FILENO);
    p->wall_start = sgr_wall_time();
    p->last_draw = 0;
    p->drawn = false;
    p->phase = NULL;
}

void sgr_progress_phase(sgr_progress *p, const char *phase)
{
    p->phase = phase;
    if (!p->enabled || !phase)
        return;
    p->drawn = true;
    p->last_draw = sgr_wall_time();
    fprintf(stderr, "\r\033[K[simgrad] %s  wall %.1f s", phase, p->last_draw - p->wall_start);
    fflush(stderr);
}

void sgr_progress_update(sgr_progress *p, const char *unit, double done, double total,
                         double sim_time)
{
    if (!p->enabled)
        return;
    double now = sgr_wall_time();
    if (p->drawn && now - p->last_draw < 0.2 && done < total)
        return;
    p->last_draw = now;
    p->drawn = true;
    double wall = now - p->wall_start;
    char eta[64] = "";
    if (total > 0 && done > 0)
        snprintf(eta, sizeof eta, "  ETA %.0f s", wall * (total - done) / done);
    if (total > 0)
        fprintf(stderr, "\r\033[K[simgrad] %s %.0f/%.0f  simulated %.6g s  wall %.1f s%s", unit,
                done, total, sim_time, wall, eta);
    else
        fprintf(stderr, "\r\033[K[simgrad] %s %.0f  simulated %.6g s  wall %.1f s", unit, done,
                sim_time, wall);
    fflush(stderr);
}

void sgr_progress_finish(sgr_progress *p)
{
    if (p->enabled && p->drawn)
        fputs("\r\033[K", stderr);
    p->drawn = false;
}
