/* simgrad: small statistics of measured results: means with confidence intervals and power-law
 * fits. Pure C. */
#ifndef SIMGRAD_FIT_H
#define SIMGRAD_FIT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Mean of v[0..k-1] (k >= 1) and the half-width of its 95% confidence interval under the normal
 * approximation, 1.96 s / sqrt(k) with s the sample standard deviation (NAN when k = 1).
 * Can't fail. */
void sgr_fit_mean_ci95(const double *v, size_t k, double *mean, double *ci);

/* Least-squares slope of log y against log x over the points with x > 0 and y > 0 (NAN when
 * fewer than two, or all at one x). When rel_se is not NULL (y's standard errors relative to
 * y) and ci is not NULL, *ci receives the slope's 95% half-width, the points' errors taken as
 * independent (delta method); otherwise *ci is NAN. Can't fail. */
double sgr_fit_loglog_slope(const double *x, const double *y, const double *rel_se, size_t k,
                            double *ci);

#ifdef __cplusplus
}
#endif
#endif
