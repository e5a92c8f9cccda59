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

/* Write `json` to path via path.tmp + rename, reals with 12 significant digits. On any write
 * error the temporary is removed and path left as it was; err names path. Returns 0 or -1. */
int sgr_json_write_atomic(const char *path, json_t *json, sgr_err *err);
/* The same with `digits` significant digits (17: every double exactly; 0: 12). */
int sgr_json_write_atomic_digits(const char *path, json_t *json, int digits, sgr_err *err);

/* A request to stop a run early, process-wide: set by the SIGINT/SIGTERM handler (reason =
 * the signal, async-signal-safe) or by an output that can no longer be written
 * (SGR_STOP_OUTPUT). The first reason stays. Long loops (set-up phases, actors' rounds) test
 * sgr_stop_reason() and wind down. */
#define SGR_STOP_OUTPUT (-1)
void sgr_stop_request(int reason);
int sgr_stop_reason(void); /* 0: go on */
const char *sgr_stop_name(int reason);

/* A CSV of metrics streamed while the run goes: rows land in NAME.part, flushed after each row
 * so a crash loses at most the row being written; closing renames it to NAME. A write that
 * fails (disk full, file-size limit) is remembered: later rows are dropped, the run is asked
 * to stop (SGR_STOP_OUTPUT), and closing removes NAME.part and fails, naming NAME. */
typedef struct sgr_metrics sgr_metrics;

sgr_metrics *sgr_metrics_open(const char *path, const char *const *columns, size_t ncols,
                              sgr_err *err);
/* Append a row and flush it. NAN values are written as empty cells. Numbers use %.10g (or the
 * digits set by sgr_metrics_set_digits), so equal runs give byte-identical files. Returns 0
 * or -1 (this or an earlier write failed). */
int sgr_metrics_row(sgr_metrics *m, const double *values);
/* Write this writer's numbers with `digits` significant digits (17: every double exactly)
 * instead of 10. Can't fail. */
void sgr_metrics_set_digits(sgr_metrics *m, int digits);
size_t sgr_metrics_rows(const sgr_metrics *m);
/* Whether a write failed (false for NULL). */
bool sgr_metrics_failed(const sgr_metrics *m);
/* Flush and rename to the final name, or remove NAME.part if any write failed; frees m.
 * Returns 0 or -1 with err naming the file. */
int sgr_metrics_close(sgr_metrics *m, sgr_err *err);

/* A one-line progress display on stderr, redrawn at most every 0.2 s of wall time; silent
 * when disabled or stderr is not a terminal. */
typedef struct sgr_progress {
    bool enabled;
    double wall_start, last_draw;
    bool drawn;
    const char *phase; /* the set-up phase under way (static text), or NULL */
} sgr_progress;

void sgr_progress_init(sgr_progress *p, bool enabled);
/* Enter a set-up phase ("loading data", "building the platform", ...): drawn at once as
 * "[simgrad] PHASE  wall T s" until the next phase or update. phase NULL: the simulation. */
void sgr_progress_phase(sgr_progress *p, const char *phase);
/* done/total in the family's units (rounds, events); total 0 when unknown (no ETA). */
void sgr_progress_update(sgr_progress *p, const char *unit, double done, double total,
                         double sim_time);
void sgr_progress_finish(sgr_progress *p);
double sgr_wall_time(void);

#ifdef __cplusplus
}
#endif
#endif
