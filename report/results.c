/* Results with numbers that may not be finite, and the divergence convention: see
 * simgrad/results.h. */
#include "simgrad/results.h"

#include <math.h>
#include <stdio.h>

json_t *sgr_json_real(double v)
{
    if (isfinite(v))
        return json_real(v);
    return json_string(isnan(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
}

bool sgr_all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return false;
    return true;
}

void sgr_results_diverged(json_t *results, const char *unit, double at)
{
    char where[96], key[96];
    snprintf(where, sizeof where, "%s %.0f", unit, at);
    snprintf(key, sizeof key, "diverged_%s", unit);
    json_object_set_new(results, "diverged", json_true());
    json_object_set_new(results, "diverged_at", json_string(where));
    json_object_set_new(results, key, json_integer((json_int_t)at));
}

void sgr_results_converged(json_t *results)
{
    json_object_set_new(results, "diverged", json_false());
}
