/* simgrad: parameter search for gradient-coding schemes, as the SGC paper does: every
 * admissible s, or (B, W, lambda), is run through the round model on the same delays and the
 * one with the lowest total runtime wins. Pure C, no SimGrid. */
#ifndef SIMGRAD_SGC_SEARCH_H
#define SIMGRAD_SGC_SEARCH_H

#include <stddef.h>
#include "simgrad/error.h"
#include "simgrad/scenario.h"
#include "simgrad/sgc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Worker w's task time in round r at normalized load L is
 *     base[r*n + w] + L * per_load[r*n + w]
 * (a trace: base = trace - base_load*comp, per_load = comp; a straggler model: base = added
 * delay, per_load = full-gradient time x slowdown / relative speed). */
typedef struct sgr_delay_model {
    size_t n, rounds;
    const double *base, *per_load;
} sgr_delay_model;

typedef struct sgr_search_space {
    size_t max_delay; /* largest T considered (SR-SGC: B; M-SGC: W-2+B) */
    size_t max_W;     /* largest W considered */
} sgr_search_space;

/* Fill delays[0 .. rounds*n-1] for load L. Can't fail. */
void sgr_delay_model_fill(const sgr_delay_model *dm, double load, double *delays);

/* Run `tmpl` (its kind, n, jobs, samples; its s / B / W / lambda are ignored) through the
 * round model for every admissible parameter of its kind and keep the fastest in *best
 * (runtime in *runtime, waits in *waits). *tried counts the parameter sets run. Fails if
 * the delays have fewer rounds than a candidate needs (J + T), or none is admissible. */
int sgr_sgc_search(const sgr_sgc_params *tmpl, const sgr_delay_model *dm, double mu,
                   const sgr_search_space *space, sgr_sgc_params *best, double *runtime,
                   size_t *waits, size_t *tried, sgr_err *err);

/* Runtime of one parameter set on the delay model (the round model). */
int sgr_sgc_evaluate(const sgr_sgc_params *p, const sgr_delay_model *dm, double mu,
                     double *runtime, size_t *waits, sgr_err *err);

/* Least-squares fit of mean task time against load from traces measured at several loads:
 * returns the slope (seconds per unit of normalized load) in *comp and the intercept in
 * *intercept (GSL's gsl_fit_linear). Needs two distinct loads. */
int sgr_fit_load_slope(const double *loads, const double *mean_times, size_t count,
                       double *comp, double *intercept, sgr_err *err);

#define SGR_MAX_SCHEMES 5

/* Workers of a gradient-coding scenario: algorithm.workers, or one per host but the master's. */
size_t sgr_gc_workers(const sgr_scenario *scn, size_t nhosts);

/* The schemes listed in algorithm.schemes with their parameters, each checked by building it
 * for n workers and `samples` rows; *maxT and *maxR are the largest delay and round count. */
int sgr_gc_params_from_scenario(const sgr_scenario *scn, size_t n, size_t samples,
                                sgr_sgc_params *params, size_t *count, size_t *maxT, size_t *maxR,
                                sgr_err *err);

/* Trace mode's seconds per unit of normalized load: algorithm.trace_base_comp, or fitted from
 * the traces of algorithm.trace_fit ("file@load,...", each trace's mean task time against its
 * load). Returns 0 or -1 with err naming the key or the file. */
int sgr_gc_trace_comp(const sgr_scenario *scn, double *comp, sgr_err *err);

/* Search the best parameters of every scheme of a gradient-coding scenario on its straggler
 * model or trace (round model, no network), print a table to `out`, and return the results as
 * JSON (NULL on error). max_delay/max_W bound the search. */
json_t *sgr_gc_search_scenario(const sgr_scenario *scn, const sgr_search_space *space,
                               FILE *out, sgr_err *err);

#ifdef __cplusplus
}
#endif
#endif
