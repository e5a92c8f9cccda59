/* What the files of the gradient_coding family share (not installed): config.c reads and checks
 * the algorithm section, trace_fit.c fits trace mode's base_comp from load profiles,
 * gradient_coding.c runs the master (schemes one after the other, decoding), rounds.c one round
 * of a scheme (the workers' tasks and the round model's gathering), results.c the results,
 * search.c `simgrad search`, report.c the report and the sweep columns. */
#ifndef SIMGRAD_FAMILY_GRADIENT_CODING_H
#define SIMGRAD_FAMILY_GRADIENT_CODING_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include <simgrid/forward.h>

#include "simgrad/config.h"
#include "simgrad/family.h"
#include "simgrad/gc_code.h"
#include "simgrad/inbox.h"
#include "simgrad/model.h"
#include "simgrad/sgc.h"

enum { GC_MAX_SCHEMES = 5 };

/* One load profile of algorithm.trace_fit: a trace measured at a normalized load. */
typedef struct gc_profile {
    char *path; /* resolved against the scenario's directory */
    double load;
} gc_profile;

/* B, W and lambda of SR-SGC or M-SGC. */
typedef struct gc_sgc_bwl {
    int B, W, lambda;
} gc_sgc_bwl;

/* The algorithm section, typed (config.c). */
typedef struct gc_cfg {
    long workers; /* 0: one per host but the master's */
    size_t jobs;
    sgr_scheme_kind schemes[GC_MAX_SCHEMES]; /* algorithm.schemes, in order */
    size_t nschemes;
    size_t s;
    sgr_gc_kind code;
    gc_sgc_bwl srsgc, msgc;
    sgr_sgc_rules rules;
    double mu;
    long models; /* 0: the largest T + 1 */
    double learning_rate;
    bool verify;
    long eval_every;
    bool ideal_network;
    bool decode_cost;
    double trace_base_load, trace_base_comp;
    bool fit_given; /* algorithm.trace_fit was set */
    gc_profile *profiles;
    size_t nprofiles;
} gc_cfg;

/* Workers: algorithm.workers, or one per host but the master's (0 if there is none). */
size_t gc_workers(const gc_cfg *c, size_t nhosts);

/* The configured schemes with their parameters and rules, each checked by building it for n
 * workers and `samples` rows (schedule_only: the parameters alone); *maxT and *maxR are the
 * largest delay and round count. Returns 0 or -1 with err naming the scheme. */
int gc_scheme_params(const sgr_config *cfg, size_t n, size_t samples, bool schedule_only,
                     sgr_sgc_params *params, size_t *count, size_t *maxT, size_t *maxR,
                     sgr_err *err);

/* Trace mode's seconds per unit of normalized load, and how it was found (trace_fit.c). */
typedef struct gc_trace_comp {
    double comp;      /* base_comp, s per unit of normalized load */
    bool fitted;      /* from algorithm.trace_fit */
    double intercept; /* the fit's intercept (s) and coefficient of determination */
    double r2;
    size_t profiles, points; /* profiles and task times fitted */
} gc_trace_comp;

/* algorithm.trace_base_comp, or fitted from the load profiles of algorithm.trace_fit (every
 * task time of every profile against its profile's load). Reads the profiles' files. Returns
 * 0, or -1 with err naming the key and the file (and line for a bad row). */
int gc_trace_comp_fit(const gc_cfg *c, gc_trace_comp *tc, sgr_err *err);

/* The fit as JSON for summaries and search results. */
json_t *gc_trace_comp_json(const gc_trace_comp *tc);

/* One scheme's results in a run of the family. */
typedef struct gc_result {
    sgr_scheme_kind kind;
    double runtime;  /* from the scheme's start to its end, simulated s */
    double rounds_s; /* the rounds' durations, summed */
    double decode_s; /* the master's decoding, summed (0 when not charged) */
    double load, max_err, max_resid, final_loss;
    size_t rounds, waits, T, decode_failures, stragglers;
    long diverged_round; /* the first round whose stepped model was not finite, or -1 */
} gc_result;

/* The schemes' results as the summary's JSON array (with runtimes relative to gc and uncoded
 * when they ran), and as the run's table on `out` (tc: the trace's base_comp fit, or NULL). */
json_t *gc_results_json(const gc_result *res, size_t count);
void gc_results_print(FILE *out, const gc_result *res, size_t count, const gc_trace_comp *tc);

/* ---- a run: the master's state (gradient_coding.c, rounds.c, results.c) ---- */

typedef struct gc_state gc_state;
typedef struct gc_worker gc_worker; /* the actor serving a worker (rounds.c) */

/* One worker's task in one round: its minitasks, their coded results and its straggle. */
typedef struct gc_task {
    gc_state *gs;
    size_t scheme, round, worker, host, nmini, refs;
    sgr_minitask *mini;
    size_t *segs;
    double *coefs;
    double *results;             /* nmini x np */
    double flops, load, arrival; /* ideal network: seconds after the round start */
    sgr_straggle straggle;
    aid_t pid;
    bool arrived;
    bool sending; /* its result is on the wire: too late to kill (see kill_stragglers) */
} gc_task;

/* Where the master finds the result of (job, worker, slot): a task's k-th minitask. */
typedef struct gc_result_ref {
    gc_task *task;
    size_t k;
} gc_result_ref;

struct gc_state {
    sgr_run *run;
    const gc_cfg *c;
    size_t n, jobs, M, np, N, master_host;
    double mu, lr, base_load;
    gc_trace_comp tc; /* base_comp and its fit */
    bool verify, ideal;
    bool charge_decode; /* the master's decoding takes simulated time */
    sgr_sgc_rules rules;
    long eval_every;
    size_t nschemes, nschemes_done;
    sgr_sgc_params params[GC_MAX_SCHEMES];
    gc_result res[GC_MAX_SCHEMES];
    sgr_model gmodel; /* l2 = 0: segment gradients are plain sums */
    double *models;   /* M x np */
    double *work, *grad, *truth;
    sgr_inbox *inbox;
    sgr_straggler_model *strag;
    sgr_straggle *straggles;
    /* the scheme being run */
    size_t cur;
    sgr_sgc *sc;
    double **seg_cache;  /* jobs x nsegs */
    gc_result_ref *rmap; /* jobs x n x nslots */
    gc_task **round_tasks;
    gc_worker *workers;     /* n, with a network (rounds.c) */
    gc_task *last_computed; /* the last task whose results were computed (rounds.c) */
    size_t decode_job;
    gc_task **all_tasks;
    size_t ntasks, cap_tasks;
    bool *straggler, *returned;
    size_t late; /* stragglers' results left on the wire, still to land and be dropped */
    int error;
    sgr_err err;
};

/* rounds.c: segment gradients (cached per job), one round, the late results. */
const double *gc_seg_grad(gc_state *gs, size_t job, size_t seg);
/* The workers' actors' state (with a network), before the master starts; freed with the state. */
int gc_workers_new(gc_state *gs);
void gc_workers_free(gc_state *gs);
void gc_task_release_results(gc_task *t);
/* One round of the current scheme: plan, dispatch, the round model, commit. Returns its
 * duration; *nstrag the stragglers dropped, *waited whether it waited for all. */
double gc_run_round(gc_state *gs, size_t r, size_t *nstrag, bool *waited);
/* Receive and drop the late results still on the wire. */
void gc_drain_late(gc_state *gs);

/* gradient_coding.c and results.c: the family's run. finish frees the state. */
int gc_deploy(sgr_run *run, sgr_err *err);
int gc_finish(sgr_run *run, sgr_err *err);

/* search.c: `simgrad search` (its options in gc_search_usage). */
int gc_search(const sgr_config *cfg, const sgr_search_opts *opts, json_t **result, sgr_err *err);
extern const char gc_search_usage[];

/* report.c: the family's part of `simgrad report` and `simgrad sweep`. */
extern const sgr_family_report sgr_gradient_coding_report;
extern const sgr_family_sweep sgr_gradient_coding_sweep;

#endif
