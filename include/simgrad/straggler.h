/* simgrad: straggler models, one component every scenario family uses.
 *
 * Pure C, no SimGrid. A model answers, for each worker and each round, how much slower the
 * worker is (a multiplicative factor on its compute time and an added delay in seconds), or
 * the task time outright (trace mode), or that the worker failed. Actors apply the answer to
 * simulated time. Rounds are drawn in order with sgr_straggler_next_round(). */
#ifndef SIMGRAD_STRAGGLER_H
#define SIMGRAD_STRAGGLER_H

#include <stdbool.h>
#include <stddef.h>
#include "simgrad/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    SGR_STRAG_NONE,
    SGR_STRAG_IID,    /* each worker straggles independently with probability p per round */
    SGR_STRAG_GE,     /* Gilbert-Elliott: per-worker two-state (good/bad) Markov chain */
    SGR_STRAG_BURSTY, /* (B, W, lambda)-bursty model of sequential gradient coding */
    SGR_STRAG_TRACE,  /* measured task times from a CSV file */
} sgr_straggler_kind;

typedef struct sgr_straggler_cfg {
    sgr_straggler_kind kind;
    /* IID: probability; BURSTY: probability that an eligible worker starts a burst */
    double p;
    double slowdown;   /* factor >= 1 applied to a straggler's compute time */
    double delay_mean; /* seconds >= 0; if > 0 a straggler also waits Exp(delay_mean) */
    /* GE */
    double p_good_to_bad, p_bad_to_good;
    /* BURSTY: each burst lasts 1..B rounds (uniform), at most lambda distinct stragglers in
     * any window of W consecutive rounds, each straggler's rounds in a window one burst */
    int burst_B, burst_W, burst_lambda;
    /* TRACE */
    const char *trace_path;
    /* Failures: each worker, each round, fails with this probability (result lost). */
    double fail_prob;
} sgr_straggler_cfg;

/* What happens to one worker in one round. */
typedef struct sgr_straggle {
    double factor;    /* >= 1; 1 means on time */
    double delay;     /* seconds added after computing, >= 0 */
    double task_time; /* trace mode: seconds of task time from the trace; otherwise -1 */
    bool straggler;   /* factor > 1, delay > 0, or marked so by the model */
    bool failed;      /* the worker's result this round is lost */
} sgr_straggle;

typedef struct sgr_straggler_model sgr_straggler_model;

/* Validate cfg (probabilities in [0,1], slowdown >= 1, delay_mean >= 0, 1 <= B <= W,
 * 0 <= lambda <= n, n >= 1, trace readable with exactly nworkers columns of non-negative
 * numbers) and build a model for `nworkers` workers whose randomness is derived from `seed`:
 * the same (cfg, nworkers, seed) always gives the same rounds. Only the parameters the kind
 * uses are checked, plus fail_prob (all kinds). A trace is read whole here; cfg->trace_path
 * need not outlive the call. On error, NULL is returned and err names the scenario key
 * ("stragglers.p must be in [0, 1] (got 1.5)") or the trace file:line:column. */
sgr_straggler_model *sgr_straggler_new(const sgr_straggler_cfg *cfg, size_t nworkers,
                                       unsigned long seed, sgr_err *err);

/* Draw the next round: out[0..nworkers-1]. A straggler gets factor = slowdown and, if
 * delay_mean > 0, delay ~ Exp(delay_mean); others factor 1, delay 0. TRACE sets task_time
 * and leaves straggler false (the family decides from the times); other kinds set
 * task_time = -1. failed is drawn with fail_prob in every kind. Returns 0, or -1 when a trace
 * has no more rounds (err says so). */
int sgr_straggler_next_round(sgr_straggler_model *m, sgr_straggle *out, sgr_err *err);

/* Rounds available in a trace (0 for synthetic models, which are unbounded). */
size_t sgr_straggler_trace_rounds(const sgr_straggler_model *m);

/* Free the model and all it owns. NULL is fine. */
void sgr_straggler_free(sgr_straggler_model *m);

/* True if pattern (rounds x n, row-major, true = straggler) satisfies the (B, W, lambda)
 * bursty model: in every window of W consecutive rounds (including windows cut by the
 * start and the end), at most lambda distinct workers straggle, and each worker's straggling
 * rounds inside the window are consecutive and number at most B. False if B < 1, W < 1 or
 * lambda < 0. Independent of the generator (checks every window from scratch). */
bool sgr_straggler_pattern_is_bursty(const bool *pattern, size_t rounds, size_t n, int B, int W,
                                     int lambda);

/* Parse "none", "iid", "gilbert-elliott" (or "ge"), "bursty", "trace", in any case.
 * Returns 0 and sets *out, or -1 (out untouched) for anything else. */
int sgr_straggler_kind_parse(const char *s, sgr_straggler_kind *out);

/* The canonical name of a kind ("gilbert-elliott" for GE), "?" if out of range. */
const char *sgr_straggler_kind_name(sgr_straggler_kind kind);

/* Read a delay trace CSV (rows = rounds, columns = workers, seconds, optional header line
 * of non-numeric names, blank lines allowed only at the end, CRLF fine): *rows x *cols values
 * row-major in a new malloc'ed array. Returns 0, or -1 with *values NULL and err naming the
 * file and line (file:line:column for a value that is not a finite non-negative number, or
 * a row whose column count differs from the first). */
int sgr_trace_read_csv(const char *path, double **values, size_t *rows, size_t *cols, sgr_err *err);

#ifdef __cplusplus
}
#endif
#endif
