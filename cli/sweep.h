/* simgrad sweep: what its files share. sweep_plan.c reads a sweep file and expands it into the
 * list of runs (the only place that does: the local runner, --run-index, --emit and --merge all
 * use it); sweep_merge.c writes results.csv; sweep_emit.c writes the Slurm and GNU parallel
 * files; sweep.c is the command. Not installed. */
#ifndef SIMGRAD_CLI_SWEEP_H
#define SIMGRAD_CLI_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

#include "simgrad/error.h"

enum { SWEEP_PATH = 4096, SWEEP_MAX_METRICS = 16 };

typedef struct sweep_run {
    char dir[SWEEP_PATH + 32]; /* OUT/run-NNNN */
    char **sets;               /* "key=value": the list's keys, then the grid's, in order */
    size_t nsets;
    long seed;
    pid_t pid;
} sweep_run;

/* A sweep file, expanded. Paths are absolute, so the runs can start from any directory. */
typedef struct sweep_plan {
    char file[SWEEP_PATH];     /* the sweep file (absolute) */
    char scenario[SWEEP_PATH]; /* the base scenario (absolute) */
    char outdir[SWEEP_PATH];   /* the sweep directory (absolute) */
    char family[64];           /* the base scenario's algorithm.family */
    json_t *grid;              /* key: [values] (owned) */
    json_t *list;              /* [{key: value}], or NULL (owned) */
    size_t replicas;
    const char *metrics[SWEEP_MAX_METRICS]; /* results.csv columns the report plots */
    size_t nmetrics;
    json_t *metric_json; /* owns the metric strings */
    sweep_run *runs;
    size_t nruns;
} sweep_plan;

/* Read and check the sweep file, expand its runs (combination c, replica r is run
 * c * replicas + r, seed = base seed + r) and choose the metrics. out_override (NULL: the
 * file's "out", or out/<sweep name>) is the sweep directory. Returns 0, or -1 with err naming
 * the file and the problem (exit 2). */
int sweep_plan_load(sweep_plan *p, const char *file, const char *out_override, sgr_err *err);
void sweep_plan_free(sweep_plan *p);

/* Validate every combination with `simgrad validate` (self is this binary) before any runs.
 * Returns 0 or -1 with err. */
int sweep_plan_validate(const sweep_plan *p, const char *self, sgr_err *err);

/* Refuse a sweep directory whose runs.tsv lists other runs (a changed sweep file, another
 * sweep's "out"): its finished runs would be skipped as if they were these. Returns 0 (also
 * when there is no runs.tsv yet) or -1 with err (exit 2). */
int sweep_plan_check_manifest(const sweep_plan *p, sgr_err *err);

/* Write OUT/runs.tsv: the base scenario, then one line per run, its index, directory, seed
 * and --set arguments. */
int sweep_plan_write_manifest(const sweep_plan *p, sgr_err *err);

/* Whether run directory dir holds a complete summary. */
bool sweep_run_complete(const char *dir);

/* The argv of `simgrad run` for run r (NULL-terminated; free the array, not its strings:
 * seed_buf, of at least 32 bytes, holds the seed). Returns NULL when out of memory. */
char **sweep_run_argv(const sweep_plan *p, const sweep_run *r, const char *self, char *seed_buf);

/* OUT/results.csv from whatever run directories exist (rows of missing or incomplete runs
 * say complete=false). *ncomplete receives the number of complete runs. Returns 0 or -1. */
int sweep_merge(const sweep_plan *p, size_t *ncomplete, sgr_err *err);

/* Write OUT/sweep.sbatch, OUT/merge.sbatch and OUT/submit-slurm.sh, and print how to submit.
 * Returns 0 or -1 with err. */
int sweep_emit_slurm(const sweep_plan *p, const char *self, sgr_err *err);
/* Write OUT/parallel.txt (one command per run) and print how to run it. */
int sweep_emit_parallel(const sweep_plan *p, const char *self, sgr_err *err);

#endif
