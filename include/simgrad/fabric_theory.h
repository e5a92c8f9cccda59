/* simgrad: congestion of flows on a fabric, counted and predicted, independently of SimGrid.
 *
 * The congestion of a link is the time it needs to carry its load at full speed (bytes /
 * bandwidth); a step's maximum congestion is the largest over the switch tiers (leaf-spine
 * and aggregation-core links; host NICs carry the same load under every policy and are left
 * out). Divided by (flow bytes / leaf_bw) it reads as "flows on the busiest link". */
#ifndef SIMGRAD_FABRIC_THEORY_H
#define SIMGRAD_FABRIC_THEORY_H

#include "simgrad/collective.h"
#include "simgrad/fabric.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Count the load every switch-tier link gets from placed subflows (spread evenly over the
 * live paths for SGR_PATH_SPRAY) and return the maximum congestion in seconds. Returns -1 on
 * out of memory. */
double sgr_congestion_count(const sgr_fabric *f, const sgr_flows *subflows);

/* Ideal spraying's maximum congestion from the step's flows alone: for every leaf, its
 * inter-leaf bytes out (in) divided over its live planes, over the slowest of them; on a
 * three-tier fabric also every pod's inter-pod bytes over its live aggregation-core links.
 * The paper's bound: max over leaves of flows out or in, divided by spines. */
double sgr_congestion_spray(const sgr_fabric *f, const sgr_flows *flows);

/* The balls-into-bins distributions computed so far, to reuse across the steps of a run (a
 * step's sets repeat the same few shapes). new returns NULL when out of memory. */
typedef struct sgr_balls_cache sgr_balls_cache;
sgr_balls_cache *sgr_balls_cache_new(void);
void sgr_balls_cache_free(sgr_balls_cache *cache);

/* Expected maximum congestion (and its standard deviation) when every flow of the step is
 * cut into k equal parts (k = 1: ECMP) each hashed uniformly onto one of the pair's paths:
 * balls into bins, exactly for each leaf's (pod's) uplinks and downlinks, these sets taken as
 * independent. cache (may be NULL) keeps the distributions for the next calls. Needs a
 * healthy fabric (no failures) and equal flow sizes; returns -1 otherwise. */
int sgr_congestion_ecmp_expect(const sgr_fabric *f, const sgr_flows *flows, size_t k,
                               sgr_balls_cache *cache, double *mean, double *sd);

/* P(the fullest of `bins` bins holds at most m balls) when n balls are thrown uniformly. */
double sgr_balls_max_cdf(size_t n, size_t bins, size_t m);

#ifdef __cplusplus
}
#endif
#endif
