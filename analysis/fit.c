/* Means with confidence intervals and power-law fits: see simgrad/fit.h. */
#include "simgrad/fit.h"

#include <math.h>

void sgr_fit_mean_ci95(const double *v, size_t k, double *mean, double *ci)
{
    double m = 0, s2 = 0;
    for (size_t i = 0; i < k; i++)
        m += v[i];
    m /= (double)k;
    for (size_t i = 0; i < k; i++)
        s2 += (v[i] - m) * (v[i] - m);
    *mean = m;
    *ci = k > 1 ? 1.96 * sqrt(s2 / (double)(k - 1) / (double)k) : NAN;
}

double sgr_fit_loglog_slope(const double *x, const double *y, const double *rel_se, size_t k,
                            double *ci)
{
    double mx = 0, my = 0, sxx = 0, sxy = 0, var = 0;
    size_t m = 0;
    for (size_t i = 0; i < k; i++)
        if (x[i] > 0 && y[i] > 0) {
            mx += log(x[i]);
            my += log(y[i]);
            m++;
        }
    if (ci)
        *ci = NAN;
    if (m < 2)
        return NAN;
    mx /= (double)m;
    my /= (double)m;
    for (size_t i = 0; i < k; i++)
        if (x[i] > 0 && y[i] > 0) {
            sxx += (log(x[i]) - mx) * (log(x[i]) - mx);
            sxy += (log(x[i]) - mx) * (log(y[i]) - my);
        }
    if (!(sxx > 0))
        return NAN;
    for (size_t i = 0; rel_se && i < k; i++)
        if (x[i] > 0 && y[i] > 0)
            var += (log(x[i]) - mx) * (log(x[i]) - mx) * rel_se[i] * rel_se[i] / (sxx * sxx);
    if (ci && rel_se)
        *ci = 1.96 * sqrt(var);
    return sxy / sxx;
}
