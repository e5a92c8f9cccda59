/* What the files of the gossip family share (not installed): config.c (keys, the typed
 * algorithm section, check, the family table), gossip.c (deploy), setup.c (the scenario's
 * problem: graphs, x0, mu and L, x*, a replayed log), driver.c (the methods one after the
 * other, measurement, instant mode), network.c (the synchronous methods over the simulated
 * network, an actor per node), pool.c (the Poisson methods over it, a pool of actors),
 * results.c (the summary), report.c (`simgrad report`, `sweep`). */
#ifndef SIMGRAD_FAMILY_GOSSIP_H
#define SIMGRAD_FAMILY_GOSSIP_H

#include "simgrad/config.h"
#include "simgrad/family.h"

#include <stdbool.h>
#include <stddef.h>

#include <cblas.h>
#define __GSL_CBLAS_H__ /* gsl_randist.h would pull GSL's CBLAS, which clashes with OpenBLAS */
#include <gsl/gsl_randist.h>

#include "simgrad/dadao.h"
#include "simgrad/event_log.h"
#include "simgrad/gossip_update.h"
#include "simgrad/graph_theory.h"
#include "simgrad/inbox.h"
#include "simgrad/run.h"

#define GS_MAX_METHODS 4
#define GS_NEPS 7

typedef enum { M_DADAO, M_PAIRWISE, M_DSGD, M_ADOM } method_kind;
/* How the distance to x* is measured: every node's flow carried to the measuring time, or
 * every node as of its last event (the authors' code, run_optimizers.py:150). */
typedef enum { MEASURE_FLOW, MEASURE_LAST_EVENT } measure_kind;
extern const char *const gs_method_names[];
extern const double gs_eps_levels[GS_NEPS];

/* The algorithm section, typed (config.c). */
typedef struct gossip_cfg {
    method_kind methods[GS_MAX_METHODS]; /* algorithm.methods, run in this order */
    size_t nmethods;
    bool instant, multi_consensus;
    double time_unit;  /* seconds per time unit */
    double duration;   /* time units */
    double target;     /* stop below this fraction of the initial distance */
    double lambda_mix; /* total gossip rate per time unit; 0: sqrt(2 chi1 chi2) */
    double step;       /* pairwise and dsgd: units of 1/L */
    double step_decay; /* time units; 0: constant step */
    long checkpoints;  /* metric rows per method */
    size_t dense_max;  /* graph constants densely up to this many nodes */
    measure_kind measure;
    char *edge_rates, *x0, *replay; /* resolved paths, or NULL */
} gossip_cfg;

typedef struct gs_state gs_state;
typedef struct gs_pool gs_pool; /* pool.c: the Poisson methods' actors and messages */

typedef struct gs_node gs_node;
struct gs_node {
    gs_state *gs;
    gs_node *peers; /* this method's nodes (the driver's array moves on to the next method) */
    size_t id, host, method;
    sgr_inbox *inbox;
    double *grad, *work, *msg_buf;
};

typedef struct gs_msg {
    int kind; /* 0 request, 1 reply, 2 synchronous state, 3 gradient tick, 4 gossip tick */
    size_t from;
    long round;   /* synchronous round; for a gossip tick, the other end */
    double vec[]; /* d values */
} gs_msg;

typedef struct method_result {
    method_kind kind;
    double t_eps[GS_NEPS], g_eps[GS_NEPS], c_eps[GS_NEPS]; /* time units, gradients, gossips */
    double final_rel, final_abs, rate, sim_seconds;
    unsigned long grads, gossips, messages;
    double *ts, *rs; /* the error curve: time units, relative error */
    size_t npts;
    double diverged_t; /* time units at the first error that was not finite, or NAN */
} method_result;

struct gs_state {
    sgr_run *run;
    const gossip_cfg *c; /* run->cfg->algorithm */
    sgr_graph graph;     /* version 0 */
    sgr_graph *versions; /* nversions graphs switched in turn; [0] is `graph` */
    size_t nversions;
    sgr_graph_seq seq;
    size_t n, d, cur;
    method_result res[GS_MAX_METHODS];
    bool stop;
    double lambda_mix; /* the total gossip rate in force (given, computed, or the edge rates') */
    sgr_graph_constants gc;
    double mu, L, mu_computed, L_computed;
    double *xstar, xstar_grad_norm;
    int xstar_iters;
    double *x0;        /* n x d start of every method */
    sgr_event *replay; /* algorithm.replay's events, or NULL */
    size_t nreplay;
    char replay_method[128];
    sgr_event_log *events; /* output.events, or NULL */
    unsigned long event_index;
    /* the method being run */
    sgr_dadao dd;                  /* DADAO's state (x is dd.x); the baselines use dd.x too */
    sgr_adom adom;                 /* adom+ */
    double *xnext;                 /* dsgd */
    double *edge_rate;             /* per-edge gossip rates, or NULL (uniform) */
    double rate_condition;         /* 2 chi1* chi2* of the edge rates (<= 1: DADAO's condition) */
    gsl_ran_discrete_t *edge_pick; /* instant: edges drawn in proportion to their rates */
    double d0, t0;                 /* d0: mean |x0_i - x*|^2, the same for every method */
    unsigned long grads, gossips, messages;
    size_t next_eps;
    gs_node *nodes; /* synchronous methods networked: an actor per node */
    gs_node **old_nodes;
    gs_pool *pool; /* Poisson methods networked: no actor per node */
    sgr_workload *wl;
    size_t maxrows;
};

/* Allocation that cannot fail quietly: out of memory inside a running simulation ends the
 * run with a message naming what was being allocated. */
void *gs_xmalloc(size_t size, const char *what);
void *gs_xcalloc(size_t count, size_t size, const char *what);

/* The graph in force at time t (Poisson methods) or in round r (synchronous ones). */
const sgr_graph *gs_graph_at(const gs_state *gs, double t);
size_t gs_max_degree(const gs_state *gs, size_t i);
/* The baselines' gradient step at time t (time units). */
double gs_base_step(const gs_state *gs, double t);
/* grad f_i(x) over node i's whole local data; work holds sgr_model_work_size(maxrows). */
void gs_local_grad(gs_state *gs, size_t i, const double *x, double *grad, double *work);
double gs_grad_flops(const gs_state *gs, size_t i);
/* The mean squared distance to x* at time now_units (the chosen measure), and a metrics row of
 * it (absolute and relative to d0). */
double gs_measure(gs_state *gs, double now_units);
void gs_record(gs_state *gs, double t_units, double abs);
/* The next event of the running Poisson method: drawn from rng after time t, or the next of
 * the replayed log (*pos). False when the log is exhausted. */
bool gs_next_event(gs_state *gs, gsl_rng *rng, size_t *pos, double t, sgr_event *ev);
/* Write ev (just applied) to events.csv with the error after it, if output.events is on. */
void gs_log_event(gs_state *gs, const sgr_event *ev);

/* gossip.c: the run's state, outputs and driver. */
int gs_deploy(sgr_run *run, sgr_err *err);

/* setup.c: the scenario's problem. The graph sequence of the configuration, with nhosts nodes
 * when graph.n is 0 (*g malloc'ed, *k graphs; gs_free_graphs frees them). */
int gs_load_graphs(const sgr_config *cfg, size_t nhosts, sgr_graph **g, size_t *k, sgr_err *err);
void gs_free_graphs(sgr_graph *g, size_t k);
int gs_graph_constants(gs_state *gs, const sgr_config *cfg, sgr_err *err);
double gs_expected_events(const gs_state *gs);
int gs_check_work(const gs_state *gs, const sgr_config *cfg, sgr_err *err);
int gs_check_data(const sgr_config *cfg, const sgr_workload *wl, size_t nhosts, sgr_err *err);
int gs_problem_setup(gs_state *gs, const sgr_config *cfg, sgr_err *err);
int gs_load_replay(gs_state *gs, sgr_err *err);

/* results.c: results into the summary, and the state freed. */
int gs_finish(sgr_run *run, sgr_err *err);

/* driver.c: the driver actor, running the methods one after the other. */
void gs_driver_main(int argc, char **argv);
void gs_free_nodes(gs_state *gs, gs_node *nodes);

/* network.c: the networked mode (the synchronous methods' node actors, the monitor). */
int gs_start_nodes(gs_state *gs);
void gs_stop_nodes(gs_state *gs);
void gs_monitor(gs_state *gs);

/* pool.c: the Poisson methods networked, by a pool of actors. gs_pool_start starts the
 * running method (its clock and nodes; dies on out of memory); gs_pool_free frees every
 * method's after the simulation; gs_pool_actors is how many actors the pool grew to. */
void gs_pool_start(gs_state *gs);
void gs_pool_free(gs_state *gs);
size_t gs_pool_actors(const gs_state *gs);

/* report.c: the family's part of `simgrad report` and `simgrad sweep`. */
extern const sgr_family_report sgr_gossip_report;
extern const sgr_family_sweep sgr_gossip_sweep;

#endif
