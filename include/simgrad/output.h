/* simgrad: run outputs. Every file is written under a temporary name and renamed when it is
 * complete, so a file with its final name is always whole. Pure C. */
#ifndef SIMGRAD_OUTPUT_H
#define SIMGRAD_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "simgrad/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* mkdir -p. Returns 0 or -1 with err. */
int sgr_mkdir_p(const char *path, sgr_err *err);

/* Write `json` to path via path.tmp + rename, reals with 12 significant digits. */
int sgr_json_write_atomic(const char *path, json_t *json, sgr_err *err);
/* The same with `digits` significant digits (17: every double exactly; 0: 12). */
int sgr_json_write_atomic_digits(const char *path, json_t *json, int digits, sgr_err *err);

/* A CSV of metrics streamed while the run goes: rows land in NAME.part, flushed after each row
 * so a crash loses at most the row being written; closing renames it to NAME. */
typedef struct sgr_metrics sgr_metrics;

sgr_metrics *sgr_metrics_open(const char *path, const char *const *columns, size_t ncols,
                              sgr_err *err);
/* Append a row. NAN values are written as empty cells. Numbers use %.10g (or the digits set
 * by sgr_metrics_set_digits), so equal runs give byte-identical files. Returns 0 or -1 (I/O error). */
int sgr_metrics_row(sgr_metrics *m, const double *values);
/* Write this writer's numbers with `digits` significant digits (17: every double exactly)
 * instead of 10. Can't fail. */
void sgr_metrics_set_digits(sgr_metrics *m, int digits);
size_t sgr_metrics_rows(const sgr_metrics *m);
/* Flush and rename to the final name; frees m. Returns 0 or -1. */
int sgr_metrics_close(sgr_metrics *m, sgr_err *err);

/* A one-line progress display on stderr, redrawn at most every 0.2 s of wall time; silent
 * when disabled or stderr is not a terminal. */
typedef struct sgr_progress {
    bool enabled;
    double wall_start, last_draw;
    bool drawn;
} sgr_progress;

void sgr_progress_init(sgr_progress *p, bool enabled);
/* done/total in the family's units (rounds, events); total 0 when unknown (no ETA). */
void sgr_progress_update(sgr_progress *p, const char *unit, double done, double total,
                         double sim_time);
void sgr_progress_finish(sgr_progress *p);
double sgr_wall_time(void);

#ifdef __cplusplus
}
#endif
#endif
