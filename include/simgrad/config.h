/* simgrad: a scenario as typed configuration. The scenario file is read once, at the edge:
 * sgr_scenario_load validates it against the schema and fills defaults, then sgr_config_parse
 * turns every section into a struct (the shared sections here, the algorithm section through
 * the family's parse hook). After that no code reads the JSON tree by key: a misspelt field is
 * a compile error, and validating a scenario has done all the reading a run will do.
 *
 * Pure C (no SimGrid). */
#ifndef SIMGRAD_CONFIG_H
#define SIMGRAD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "simgrad/error.h"
#include "simgrad/family.h"
#include "simgrad/graph.h"
#include "simgrad/network.h"
#include "simgrad/platform.h"
#include "simgrad/scenario.h"
#include "simgrad/straggler.h"
#include "simgrad/workload.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sgr_output_cfg {
    const char *dir; /* output.dir, or NULL: out/<scenario name> */
    bool progress, paje, chrome_trace;
    size_t chrome_trace_actors, chrome_trace_max_events;
    bool events; /* output.events: the event log (families using "event-log") */
} sgr_output_cfg;

typedef struct sgr_simulation_cfg {
    double stack_size;         /* bytes of each actor's stack */
    const char *network_model; /* SimGrid's network/model */
    double max_events;         /* the most events a run may be expected to simulate */
} sgr_simulation_cfg;

/* graph.switch: when the graph in force changes in a sequence of graphs. */
typedef enum {
    SGR_GRAPH_SWITCH_INTERVAL, /* every graph.switch_every time units */
    SGR_GRAPH_SWITCH_CHI1,     /* every 1/chi1 time units, chi1 that of the sequence */
} sgr_graph_switch;

/* The graph section, for the families that use it (sgr_family_keys.uses "graph"; versions and
 * the switching rule with "graph-sequence", else versions is 0). */
typedef struct sgr_graph_section {
    sgr_graph_cfg cfg;            /* cfg.n = 0: one node per host (see sgr_graph_from_config) */
    const char *type;             /* graph.type as written, for messages */
    size_t versions;              /* graph.versions (time-varying graphs) */
    double switch_every;          /* graph.switch_every, in time units */
    sgr_graph_switch switch_rule; /* graph.switch */
} sgr_graph_section;

/* The problem section (sgr_family_keys.uses "problem"): constants of the optimisation problem
 * given instead of computed from the data. */
typedef struct sgr_problem_cfg {
    bool mu_given, L_given; /* problem.mu, problem.L set */
    double mu, L;           /* their values (0 when not set) */
} sgr_problem_cfg;

struct sgr_config {
    const sgr_scenario *scn; /* where it came from: path, directory and name, for messages */
    const sgr_family *family;
    void *algorithm; /* the family's own configuration (family->parse), or NULL */
    unsigned long seed;
    sgr_platform_cfg platform;    /* platform.file resolved against the scenario (owned) */
    sgr_straggler_cfg stragglers; /* stragglers.trace resolved (owned) */
    char *host_failures;          /* stragglers.host_failures resolved, or NULL */
    bool slowdown_given;          /* stragglers.slowdown was set */
    sgr_workload_cfg workload;
    sgr_graph_section graph;
    sgr_problem_cfg problem;
    sgr_output_cfg output;
    sgr_simulation_cfg simulation;
    sgr_network_cfg network; /* flow or packet level (issue 15) */
};

/* Read every section of a loaded scenario into cfg, the algorithm section through the family's
 * parse hook. Strings stay owned by scn, which must outlive cfg; paths are resolved against
 * the scenario's directory and owned by cfg. Returns 0 or -1 with err naming the file and key;
 * cfg is then cleared (sgr_config_free is still safe). */
int sgr_config_parse(sgr_config *cfg, const sgr_scenario *scn, sgr_err *err);
void sgr_config_free(sgr_config *cfg);

/* Build the configured graph (seeded from the scenario), with nhosts nodes when graph.n is 0,
 * rejecting a disconnected one. Returns 0 or -1 with err. */
int sgr_graph_from_config(const sgr_config *cfg, size_t nhosts, sgr_graph *g, sgr_err *err);

/* The number of graph nodes: graph.n, or nhosts when it is 0. */
size_t sgr_config_graph_nodes(const sgr_config *cfg, size_t nhosts);

#ifdef __cplusplus
}
#endif
#endif
