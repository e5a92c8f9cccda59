/* simgrad: running a scenario on SimGrid: the run layer that families' actors use (spawning on
 * hosts, metrics, compute with stragglers, tracing). The family table itself is in
 * simgrad/family.h. */
#ifndef SIMGRAD_RUN_H
#define SIMGRAD_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include <simgrid/forward.h>

#include "simgrad/chrome_trace.h"
#include "simgrad/config.h"
#include "simgrad/error.h"
#include "simgrad/family.h"
#include "simgrad/graph.h"
#include "simgrad/output.h"
#include "simgrad/platform.h"
#include "simgrad/scenario.h"
#include "simgrad/straggler.h"
#include "simgrad/workload.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sgr_run {
    const sgr_config *cfg;   /* the scenario, typed (simgrad/config.h) */
    const sgr_scenario *scn; /* cfg->scn: the file (path, name) for messages and the summary */
    const sgr_family *family;
    char *outdir;
    unsigned long seed; /* cfg->seed */
    size_t nhosts;
    sg_host_t *hosts;             /* hosts[i] is "h<i>" (generated) or the i-th by name (file) */
    double *speed;                /* relative speed of each host (heterogeneity) */
    unsigned stack_size;          /* bytes (simulation.stack_size) */
    sgr_platform_cfg platform;    /* cfg->platform */
    sgr_straggler_cfg stragglers; /* cfg->stragglers */
    const char *failures_path;    /* cfg->host_failures: stragglers.host_failures, or NULL */
    sgr_workload workload;
    size_t nparts;
    sgr_metrics *metrics;
    json_t *results; /* filled by the family's finish() */
    sgr_progress progress;
    void *state;        /* the family's own */
    int summary_digits; /* significant digits of summary.json's reals (0: 12); a family sets it */
    sgr_ctrace *ctrace; /* trace.json (output.chrome_trace), or NULL */
    size_t many_actors; /* sgr_run_expect_actors: the actors announced when over the limit */
};

typedef struct sgr_run_opts {
    const char *outdir; /* overrides output.dir */
    bool quiet;         /* no progress line */
    int sg_argc;        /* SimGrid's own --cfg=/--log= arguments, passed through */
    char **sg_argv;
} sgr_run_opts;

/* Run a validated scenario end to end: platform, workload, actors, simulation, outputs.
 * Once the scenario checks out, the run directory's summary.json says "status": "running"
 * (an earlier run's outputs there are removed); at the end it says "complete",
 * "interrupted" or "failed" (with "error"). SIGINT and SIGTERM are caught for the whole call
 * (sgr_run_catch_signals) and the previous handlers restored after. Returns 0, SGR_EUSER
 * (bad input, err says what), SGR_EFAIL (err names the file when an output could not be
 * written), or 130 when interrupted (the summary, if the directory was reached, is then
 * marked incomplete). */
int sgr_run_scenario(const sgr_scenario *scn, const sgr_run_opts *opts, sgr_err *err);

/* Check a scenario as far as possible without running it (platform, family parameters,
 * straggler trace, data files). Returns 0 or SGR_EUSER with err. */
int sgr_run_validate(const sgr_scenario *scn, sgr_err *err);

/* The actors' stack size in KiB, the unit of SimGrid 3.32's sg_actor_set_stacksize and of
 * --cfg=contexts/stack-size (run->stack_size is bytes, rounded up here). Can't fail. */
unsigned sgr_run_stack_kib(const sgr_run *run);

/* Create and start an actor on `host` with the run's stack size and `data` as its user data. */
sg_actor_t sgr_run_spawn(sgr_run *run, const char *name, sg_host_t host, void (*code)(int, char **),
                         void *data);

/* A family that will have more than 25,000 actors alive at once says so from deploy, before
 * it spawns any: stacks are then at least 256 KiB, without a guard page and mapped on their
 * own (no sysctl needed for 100,000 actors); the summary's actor_stacks says so. Does nothing
 * for fewer actors. */
void sgr_run_expect_actors(sgr_run *run, size_t n);

/* The `data` an actor was spawned with by sgr_run_spawn, from its main's arguments (it
 * survives a restart after a host failure, which sg_actor_self_get_data does not). */
void *sgr_actor_data(int argc, char **argv);

/* Open metrics.csv in the run directory with these columns. */
int sgr_run_metrics(sgr_run *run, const char *const *columns, size_t ncols, sgr_err *err);

/* True once the run was asked to stop (SIGINT, SIGTERM, or an output that could not be
 * written: sgr_stop_reason()): actors and set-up loops should wind down. */
bool sgr_run_interrupted(void);

/* Catch SIGINT and SIGTERM as a stop request (a second one of the same kind ends the process
 * at once) and ignore SIGXFSZ (a file-size limit becomes a write error). simgrad run calls it
 * first thing, so the scenario's loading is covered too. Can't fail. */
void sgr_run_catch_signals(void);

/* Simulated compute of one task on the calling actor's host: `flops` at the host's relative
 * speed, slowed down as the straggle says (factor, then added delay), or exactly
 * s->task_time seconds in trace mode. */
void sgr_actor_compute(double flops, double speed, const sgr_straggle *s);

/* sgr_actor_compute, recorded as a "compute" span when the calling actor is traced. */
void sgr_run_compute(sgr_run *run, double flops, double speed, const sgr_straggle *s);

/* Trace the calling actor (output.chrome_trace) as thread `name` of its host's process
 * (host: an index into run->hosts). No-op when the trace is off. */
void sgr_run_trace_self(sgr_run *run, size_t host, const char *name);

/* Start the actor that applies stragglers.host_failures, if the scenario has any. */
int sgr_run_failures_deploy(sgr_run *run, sgr_err *err);

#ifdef __cplusplus
}
#endif
#endif
