/* Atomic file output, streamed metrics and the progress line. */
#include "simgrad/output.h"

#include <errno.h>
#include <math.h>
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

int sgr_json_write_atomic(const char *path, json_t *json, sgr_err *err)
{
    return sgr_json_write_atomic_digits(path, json, 12, err);
}

int sgr_json_write_atomic_digits(const char *path, json_t *json, int digits, sgr_err *err)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (json_dump_file(json, tmp,
                       JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(digits ? digits : 12)) <
        0)
        return sgr_fail(err, "cannot write %s: %s", tmp, strerror(errno));
    if (rename(tmp, path) < 0)
        return sgr_fail(err, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    return 0;
}

struct sgr_metrics {
    FILE *f;
    char *path, *part;
    size_t ncols, rows;
    int digits; /* significant digits of the numbers (%.Ng) */
};

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
    for (size_t i = 0; i < ncols; i++)
        fprintf(m->f, "%s%s", i ? "," : "", columns[i]);
    fputc('\n', m->f);
    fflush(m->f);
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
    for (size_t i = 0; i < m->ncols; i++) {
        if (i)
            fputc(',', m->f);
        if (!isnan(values[i]))
            fprintf(m->f, "%.*g", m->digits, values[i]);
    }
    fputc('\n', m->f);
    m->rows++;
    return fflush(m->f) == 0 ? 0 : -1;
}

void sgr_metrics_set_digits(sgr_metrics *m, int digits)
{
    m->digits = digits;
}

size_t sgr_metrics_rows(const sgr_metrics *m)
{
    return m->rows;
}

int sgr_metrics_close(sgr_metrics *m, sgr_err *err)
{
    int rc = 0;
    if (fclose(m->f) != 0)
        rc = sgr_fail(err, "cannot write %s: %s", m->part, strerror(errno));
    else if (rename(m->part, m->path) < 0)
        rc = sgr_fail(err, "cannot rename %s: %s", m->part, strerror(errno));
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
