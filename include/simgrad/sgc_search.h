/* simgrad: parameter search for gradient-coding schemes, as the SGC paper does: every
 * admissible s, or (B, W, lambda), is run through the round model on the same delays and the
 * one with the lowest total runtime wins. Pure C, no SimGrid. */
#ifndef SIMGRAD_SGC_SEARCH_H
#define SIMGRAD_SGC_SEARCH_H

#include <stddef.h>
#include "simgrad/error.h"
#include "simgrad/sgc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Worker w's task time in round r at normalized load L is
 *     max(0, base[r*n + w] + (L - load0) * per_load[r*n + w])
 * (a trace measured at load0 = base_load: base = trace, per_load = base_comp, the authors'
 * `base_delays + (load - base_load) * base_comp`, find_runtime.py:50; a straggler model:
 * load0 = 0, base = added delay, per_load = full-gradient time x slowdown / relative speed).
 * The clamp at 0 matters only for L < load0; the authors' code has none. */
typedef struct sgr_delay_model {
    size_t n, rounds;
    double load0;
    const double *base, *per_load;
} sgr_delay_model;

/* The parameter sets a search enumerates, per rule set (sgr_sgc_search). */
typedef struct sgr_search_space {
    size_t max_delay; /* simgrad: T <= max_delay (SR-SGC B, M-SGC W-2+B); reference: B <=
                         max_delay and W-1+B <= max_delay (find_runtime.py:39, the trace's
                         rounds minus the jobs) */
    size_t max_W;     /* simgrad: W <= max_W; reference: the code's max_W (= J): SR-SGC
                         W <= max_W, M-SGC W < max_W */
} sgr_search_space;

/* Fill delays[0 .. rounds*n-1] for load L. Can't fail. */
void sgr_delay_model_fill(const sgr_delay_model *dm, double load, double *delays);

/* Runtime of one parameter set on the delay model (the round model). Returns 0, or -1 with
 * err if the set is not valid, the delays cover fewer rounds than it needs (J + T), or a due
 * job is not decodable (reference rules: where the authors' code raises RuntimeError). */
int sgr_sgc_evaluate(const sgr_sgc_params *p, const sgr_delay_model *dm, double mu, double *runtime,
                     size_t *waits, sgr_err *err);

typedef struct sgr_search_result {
    sgr_sgc_params best; /* the first set with the lowest runtime, in enumeration order */
    double runtime;
    size_t waits;
    size_t enumerated; /* sets in the rule set's enumeration */
    size_t tried;      /* of them, run through the round model to the end */
} sgr_search_result;

/* Told of every set of the enumeration, in order: its runtime and waits, or why the round
 * model refused it (reason != NULL; runtime NAN). */
typedef void (*sgr_search_visit_fn)(void *ctx, const sgr_sgc_params *p, double runtime,
                                    size_t waits, const char *reason);

/* Run `tmpl` (its kind, n, jobs, rules; its s / B / W / lambda are ignored) through the
 * round model (schedule only: samples and code play no part) for every parameter set of its
 * kind and keep the fastest, first minimum winning, as the authors' np.argmin / idxmin do.
 * Enumerations (uncoded: one set; ignore-stragglers: s = 0..n-1 under both rule sets):
 *   simgrad:   GC s = 0..n-1; SR-SGC lambda = 1..n, B = 1..max_delay, W = B+1, 2B+1, ..
 *              <= max_W; M-SGC lambda = 1..n, W = 2..max_W, B = 1..W-1 with W-2+B <= max_delay
 *   reference: GC s = 1..n (gradient_coding.py:37); SR-SGC as above
 *              (selective_repeat_sgc.py:50-53); M-SGC lambda = 1..n, W = 2..max_W-1,
 *              B = 1..W-1 with W-1+B <= max_delay (multiplexed_sgc.py:241-245).
 * visit (may be NULL) sees every set. Fails, with err, if no set could be run. */
int sgr_sgc_search(const sgr_sgc_params *tmpl, const sgr_delay_model *dm, double mu,
                   const sgr_search_space *space, sgr_search_visit_fn visit, void *ctx,
                   sgr_search_result *res, sgr_err *err);

/* Least-squares fit of task time against load, every (load, time) point counting once, with an
 * intercept (GSL's gsl_fit_linear; the authors fit sklearn's LinearRegression the same way,
 * analyze_runtime2.py:91-95): slope in *comp (seconds per unit of normalized load), intercept
 * in *intercept, coefficient of determination in *r2 (NULL allowed). Needs two distinct loads;
 * on error -1 with err. */
int sgr_fit_load_slope(const double *loads, const double *times, size_t count, double *comp,
                       double *intercept, double *r2, sgr_err *err);

#ifdef __cplusplus
}
#endif
#endif
