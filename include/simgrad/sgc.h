/* simgrad: sequential gradient coding schedulers (Krishnan, Ebrahimi, Khisti, "Sequential
 * Gradient Coding for Straggler Mitigation", ICLR 2023) and their round model.
 *
 * Pure C, no SimGrid. A scheme computes J jobs (gradients) over J + T rounds with n workers;
 * job t starts in round t and must be decodable by round t + T. Each round the scheme plans
 * every worker's minitasks, the master learns who returned, the scheme decides whether the
 * round can end without the stragglers (its straggler-model condition and decodability), and
 * records what arrived. The same code drives the SimGrid master (actors/gradient_coding.c)
 * and the pure round simulator used for parameter search and for checking the simulation.
 *
 * Data layout: a job's dataset of N samples is cut into segments (contiguous row ranges);
 * a minitask is a linear combination of segment gradients. */
#ifndef SIMGRAD_SGC_H
#define SIMGRAD_SGC_H

#include <stdbool.h>
#include <stddef.h>
#include "simgrad/error.h"
#include "simgrad/gc_code.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    SGR_SCHEME_UNCODED, /* n partitions, one per worker; wait for all */
    SGR_SCHEME_IGNORE,  /* n partitions; proceed with the fastest n - s, scale the sum */
    SGR_SCHEME_GC,      /* Tandon's gradient coding, T = 0 */
    SGR_SCHEME_SRSGC,   /* selective-repeat SGC, T = B */
    SGR_SCHEME_MSGC,    /* multiplexed SGC, T = W - 2 + B */
} sgr_scheme_kind;

/* Which round rules a scheme follows (docs/model.md, "Reproducing the paper"). */
typedef enum {
    SGR_RULES_SIMGRAD = 0, /* the paper's statements: GC accepts up to s stragglers, workers
                              with no task in SR-SGC's final rounds take no part, uncoded
                              counts a wait only when someone was late, every accepted round
                              keeps its due job decodable */
    SGR_RULES_REFERENCE,   /* the authors' simulator (mamaj/Sequential-Gradient-Coding-2,
                              2_find_runtimes) line by line: GC accepts fewer than s (s <= n),
                              every worker computes in SR-SGC's final rounds, uncoded waits in
                              every round, SR-SGC and M-SGC accept on the straggler model alone */
} sgr_sgc_rules;

typedef struct sgr_sgc_params {
    sgr_scheme_kind kind;
    size_t n;           /* workers */
    size_t jobs;        /* J */
    size_t samples;     /* N, rows of a job's dataset */
    size_t s;           /* GC and IGNORE: stragglers tolerated */
    int B, W, lambda;   /* SR-SGC and M-SGC */
    sgr_gc_kind code;   /* GC and SR-SGC: fractional or cyclic */
    unsigned long seed; /* for the cyclic code's random H */
    bool schedule_only; /* no data layout and no code matrix (no decoding): the round model
                           alone, for parameter search; samples and code are not looked at */
    sgr_sgc_rules rules;
} sgr_sgc_params;

/* One minitask: the worker returns sum_k coef[k] * grad(segment seg[k]) for job `job`.
 * A job >= jobs is filler work that exists for its time only (reference rules: a worker with
 * no task in SR-SGC's final rounds computes the round's own, nonexistent job, as the authors'
 * code does); its result is never decoded. */
typedef struct sgr_minitask {
    long job;
    int slot; /* M-SGC: 0..W-2+B; others 0 */
    size_t nseg;
    const size_t *seg;  /* segment ids (owned by the scheme) */
    const double *coef; /* coefficients (owned by the scheme) */
} sgr_minitask;

typedef struct sgr_segment {
    size_t start, end; /* rows [start, end) of the job's dataset */
} sgr_segment;

typedef struct sgr_sgc sgr_sgc;

/* Validate and build a scheme. Errors name the key: algorithm.s >= algorithm.workers
 * (reference rules: GC allows s = n, as the authors' search does), SR-SGC with (W-1) not a
 * multiple of B, M-SGC with B >= W, lambda > n, and unless schedule_only, what
 * sgr_sgc_runnable() refuses. On error, NULL is returned. */
sgr_sgc *sgr_sgc_new(const sgr_sgc_params *p, sgr_err *err);
void sgr_sgc_free(sgr_sgc *sc);

/* Can these (valid) parameters run on real data: enough samples for the layout (one row per
 * smallest segment), a fractional code with (s+1) dividing n? Cheap: builds nothing. Returns
 * 0, or -1 with err naming the key (workload.samples, algorithm.s, algorithm.code). */
int sgr_sgc_runnable(const sgr_sgc_params *p, sgr_err *err);

const char *sgr_scheme_name(sgr_scheme_kind k);
int sgr_scheme_parse(const char *s, sgr_scheme_kind *out);
const char *sgr_sgc_rules_name(sgr_sgc_rules r);
int sgr_sgc_rules_parse(const char *s, sgr_sgc_rules *out);

const sgr_sgc_params *sgr_sgc_params_of(const sgr_sgc *sc); /* as given to sgr_sgc_new */
size_t sgr_sgc_delay(const sgr_sgc *sc);                    /* T */
size_t sgr_sgc_rounds(const sgr_sgc *sc);                   /* J + T */
size_t sgr_sgc_s(const sgr_sgc *sc);    /* stragglers the code tolerates per coded task */
double sgr_sgc_load(const sgr_sgc *sc); /* normalized load, as published */
size_t sgr_sgc_nsegments(const sgr_sgc *sc);
const sgr_segment *sgr_sgc_segments(const sgr_sgc *sc);

/* True if round r needs no work (SR-SGC's last B rounds once the due job is decodable). */
bool sgr_sgc_round_idle(const sgr_sgc *sc, size_t r);

/* Worker w's minitasks in round r, into out[0..max-1]; returns their count (0: the worker
 * has nothing to do and does not take part in the round). */
size_t sgr_sgc_plan(const sgr_sgc *sc, size_t r, size_t w, sgr_minitask *out, size_t max);
size_t sgr_sgc_max_minitasks(const sgr_sgc *sc);

/* Given who would be left out as stragglers (straggler[w], for participating workers), can
 * round r end without them? The scheme's straggler-model condition and (simgrad rules) the
 * decodability of the job due at r. IGNORE always accepts at most s stragglers; UNCODED never
 * accepts any. GC accepts at most s (reference rules: fewer than s). */
bool sgr_sgc_accepts(const sgr_sgc *sc, size_t r, const bool *straggler);

/* True if every round waits for every worker and counts as a wait (reference rules' uncoded,
 * no_coding.py:58-60), whoever is late. */
bool sgr_sgc_always_waits(const sgr_sgc *sc);

/* Record round r: returned[w] says whose minitasks arrived (false for stragglers and for
 * non-participants). Rounds must be committed in order. */
void sgr_sgc_commit(sgr_sgc *sc, size_t r, const bool *returned);

/* The job due at the end of round r (r - T), or -1. */
long sgr_sgc_due_job(const sgr_sgc *sc, size_t r);
bool sgr_sgc_decodable(const sgr_sgc *sc, size_t job);

/* Decoding of a job from the minitask results that arrived: result(ctx, w, slot) returns the
 * vector worker w returned for `job` in its minitask `slot` (or NULL). Writes the sum of all
 * segment gradients into out[0..dim-1] (IGNORE: the received sum scaled by n/received).
 * *residual gets the worst least-squares residual of the GC decodes (0 if none). Returns 0,
 * or -1 with err if the job is not decodable. */
typedef const double *(*sgr_sgc_result_fn)(void *ctx, size_t worker, int slot);
int sgr_sgc_decode(const sgr_sgc *sc, size_t job, sgr_sgc_result_fn result, void *ctx, size_t dim,
                   double *out, double *residual, sgr_err *err);

/* The pure round model, as published: per round r, delays[r*n + w] is worker w's task time;
 * the master waits for the fastest (m) and until (1+mu) m; a worker is late if its time is
 * more than (1+mu) m. If the scheme accepts the late ones, the round lasts
 * min((1+mu) m, slowest), else it waits for all (a "wait"). Non-participating workers are
 * ignored. Fills durations[0..rounds-1] (may be NULL) and returns the total runtime; *waits
 * counts the rounds that waited for everybody. Returns a negative value if a due job was not
 * decodable, with err (simgrad rules: a scheme bug; reference rules: where the authors' code
 * raises RuntimeError, e.g. selective_repeat_sgc.py:68-69). */
double sgr_sgc_simulate(sgr_sgc *sc, const double *delays, double mu, double *durations,
                        size_t *waits, sgr_err *err);

#ifdef __cplusplus
}
#endif
#endif
