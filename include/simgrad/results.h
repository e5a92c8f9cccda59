/* simgrad: building a family's results (summary.json's "results"). A diverged run is a result:
 * numbers that are not finite are written as the strings "NaN", "Infinity" and "-Infinity"
 * (JSON has no such numbers, and jansson refuses them), and a family that detects divergence
 * says where with sgr_results_diverged, so that `simgrad report` plots what is finite and says
 * what diverged. Pure C (jansson). */
#ifndef SIMGRAD_RESULTS_H
#define SIMGRAD_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/* v as JSON: a real when finite, else the string "NaN", "Infinity" or "-Infinity". Returns
 * NULL only when out of memory. */
json_t *sgr_json_real(double v);

/* Whether v[0..n-1] are all finite. */
bool sgr_all_finite(const double *v, size_t n);

/* Mark results as diverged at `at` of `unit` ("round", "hop"...): "diverged": true,
 * "diverged_at": "round 37" and "diverged_<unit>": 37. sgr_results_converged sets "diverged":
 * false. Can't fail (a member that cannot be set is left out). */
void sgr_results_diverged(json_t *results, const char *unit, double at);
void sgr_results_converged(json_t *results);

#ifdef __cplusplus
}
#endif
#endif
