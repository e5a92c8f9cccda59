/* simgrad: the interface a scenario family implements, and the registry of families.
 *
 * A family lives in one folder, families/<name>/, and plugs in through one table (sgr_family):
 * its name and algorithm.* keys, a parse hook that turns the scenario's algorithm section into
 * the family's own typed configuration, a check of cross-key constraints, deploy and finish for
 * a run, and what `simgrad report`, `simgrad sweep` and `simgrad search` need of it. Adding a
 * family touches its folder and one line of families/registry.c; generic code never names a
 * family. docs/adding-a-family.md walks through it. */
#ifndef SIMGRAD_FAMILY_H
#define SIMGRAD_FAMILY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#include "simgrad/error.h"
#include "simgrad/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sgr_run sgr_run;
typedef struct sgr_config sgr_config;
typedef struct sgr_family_report sgr_family_report; /* report/report_internal.h */
typedef struct sgr_workload sgr_workload;           /* simgrad/workload.h */

/* Return codes of sgr_run_scenario and family hooks, besides 0. */
#define SGR_EUSER (-2) /* the scenario is wrong: the CLI exits with status 2 */
#define SGR_EFAIL (-1) /* the run failed */

/* What `simgrad sweep` needs to name and check the columns of results.csv. A run's numeric
 * results are columns by name; a results array whose items are named by `item_key` gives
 * columns ITEM.FIELD (e.g. m-sgc.runtime_s). */
typedef struct sgr_family_sweep {
    const char *const *top;  /* numeric results, NULL-terminated */
    const char *const *item; /* numeric fields of each item, NULL-terminated, or NULL */
    const char *item_key;    /* the member naming an item ("scheme"), or NULL: no items */
    const char *list_key;    /* config key listing the items ("a,b,c"), or NULL */
    const char *item_form;   /* how items are named when list_key is NULL, for messages */
    /* When list_key is NULL: whether ITEM (len bytes) can name an item; NULL: any. */
    bool (*item_ok)(const char *item, size_t len);
    const char *default_field; /* default metric: ITEM.FIELD for every listed item, else ... */
    const char *default_top;   /* ... this column */
    const char *const *counts; /* result fields that are counts (axis labels), or NULL */
    /* With list_key: the items the configuration lists, comma-separated, into buf. */
    void (*items)(const sgr_config *cfg, char *buf, size_t size);
} sgr_family_sweep;

/* `simgrad search SCENARIO [--set ...] [--json FILE] [FAMILY OPTIONS]`: a family's search over
 * its own parameters on the scenario. */
typedef struct sgr_search_opts {
    int argc; /* the options the command did not take itself, for the family to read */
    char **argv;
    FILE *out; /* where the family prints its table */
} sgr_search_opts;

typedef struct sgr_family {
    sgr_family_keys keys;
    bool uses_workload; /* load the workload even when check() asks for no data parts */
    /* The family's typed configuration from the scenario's algorithm.* keys (with the shared
     * sections' parsing in scenario/config.c, the only code that reads the scenario by key):
     * *cfg receives an allocation that free_cfg releases. Returns 0 or -1 with err naming
     * the key. Optional while a family still reads its keys at run time. */
    int (*parse)(const sgr_scenario *scn, void **cfg, sgr_err *err);
    void (*free_cfg)(void *cfg);
    /* Check cross-key constraints given the platform's host count (0 if loaded from a file and
     * not yet known), and say how many data parts to prepare (0: no workload). */
    int (*check)(const sgr_config *cfg, size_t nhosts, size_t *nparts, sgr_err *err);
    /* Optional: the rounds of a straggler trace the run reads (0: no constraint), and what
     * needs them, as the message will say it ("stragglers.trace has 3 rounds; <why> 5":
     * "algorithm.rounds is", "the schemes need"), so that a short trace is refused before
     * anything runs. */
    size_t (*trace_rounds)(const sgr_config *cfg, size_t nhosts, const char **why);
    /* Optional: checks that need the loaded data (sample counts, layouts), run by validate and
     * before deploy. Returns 0 or -1 with err. */
    int (*check_data)(const sgr_config *cfg, const sgr_workload *wl, size_t nhosts, sgr_err *err);
    /* Optional: how many actors a run spawns (for the memory estimate that refuses runs
     * that cannot fit); default nparts + 1. */
    size_t (*actors)(const sgr_config *cfg, size_t nhosts, size_t nparts);
    /* Optional: build the platform in memory (called right after simgrid_init) instead of
     * generating platform.xml and loading it. May set run->state. */
    int (*build_platform)(sgr_run *run, sgr_err *err);
    /* Optional NULL-terminated SimGrid --cfg= settings the family needs (the user's own
     * --cfg arguments still come after and win). */
    const char *const *sg_cfg;
    /* Create the actors (sgr_run_spawn) and the metrics file (sgr_run_metrics). */
    int (*deploy)(sgr_run *run, sgr_err *err);
    /* After the simulation: put measured results into run->results; fail if the run did not
     * complete for a reason other than an interruption. Also frees the family's state. */
    int (*finish)(sgr_run *run, sgr_err *err);
    const sgr_family_report *report; /* plots, tables and checks of `simgrad report` */
    const sgr_family_sweep *sweep;   /* results.csv columns of `simgrad sweep` */
    /* Optional: `simgrad search`. Returns 0 with *result (a JSON object the command writes to
     * --json FILE; may be NULL), or SGR_EUSER (bad option or scenario: exit 2) or SGR_EFAIL with
     * err. search_usage lists its options for `simgrad search --help`. */
    int (*search)(const sgr_config *cfg, const sgr_search_opts *opts, json_t **result,
                  sgr_err *err);
    const char *search_usage;
    /* Optional: this family times transfers on a platform, and `simgrad compare-models` runs
     * the first family that has the hook on the scenario's platform under both network models.
     * Returns the algorithm section (with "family") of a run where, for each size of `sizes`
     * and each load k of `loads` (comma-separated: "1kB,1MB", "1,4"), k hosts send one message
     * each to one host at once, once; the run's metrics.csv has a row per message with columns
     * size_bytes, load, repeat and duration_s. NULL: out of memory. */
    json_t *(*probe)(const char *sizes, const char *loads);
} sgr_family;

/* The registry (families/registry.c): every family, NULL-terminated, and their key tables for
 * the scenario loader, in the same order. */
extern const sgr_family *const sgr_families[];
extern const sgr_family_keys *const sgr_family_key_tables[];

/* The family of that name, or NULL. */
const sgr_family *sgr_family_find(const char *name);

/* "a, b and c": the registered families' names, for messages. Can't fail (truncates). */
void sgr_family_names(char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
