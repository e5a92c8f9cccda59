/* In-memory datasets: synthetic generators and row operations. */
#include "simgrad/dataset.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sgr_dataset_check_size(size_t n, size_t d, sgr_err *err)
{
    if (d && n > SIZE_MAX / sizeof(double) / d)
        return sgr_fail(err, "dataset of %zu x %zu doubles is too large", n, d);
    /* simgrad's models are dense: a matrix beyond the machine's memory is refused here
     * rather than left to the allocator (which may overcommit and be killed later) */
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    double bytes = (double)n * (double)d * sizeof(double);
    if (pages > 0 && page > 0 && bytes > (double)pages * (double)page)
        return sgr_fail(err,
                        "dataset of %zu x %zu doubles (%.1f GiB, stored dense) is larger than "
                        "this machine's memory (%.1f GiB)",
                        n, d, bytes / 1073741824.0, (double)pages * (double)page / 1073741824.0);
    return 0;
}

/* Allocate an n x d dataset into out (zeroed first). n == 0 gives empty arrays. */
int sgr_dataset_alloc(sgr_dataset *out, size_t n, size_t d, int nclasses, sgr_err *err)
{
    memset(out, 0, sizeof *out);
    if (sgr_dataset_check_size(n, d, err) < 0)
        return -1;
    out->n = n;
    out->d = d;
    out->nclasses = nclasses;
    if (n == 0)
        return 0;
    out->X = malloc(n * d * sizeof *out->X + 1);
    if (!out->X)
        goto fail;
    out->y = malloc(n * sizeof *out->y);
    if (!out->y)
        goto fail_free_x;
    return 0;

fail_free_x:
    free(out->X);
    out->X = NULL;
fail:
    return sgr_fail(err, "out of memory for a %zu x %zu dataset", n, d);
}

/* Column j's scale: geometric from 1 down to 1/sqrt(cond), so that the diagonal of the
 * population Hessian spans exactly [1/cond, 1]. */
static double column_scale(size_t j, size_t d, double cond)
{
    if (d < 2)
        return 1.0;
    return pow(cond, -0.5 * (double)j / (double)(d - 1));
}

int sgr_dataset_synth_check(size_t n, size_t d, bool classes, int nclasses, double cond,
                            double noise, double separation, sgr_err *err)
{
    if (n == 0 || d == 0)
        return sgr_fail(err, "synthetic dataset needs n >= 1 and d >= 1 (got n=%zu, d=%zu)", n, d);
    if (!(cond >= 1.0) || !isfinite(cond))
        return sgr_fail(err, "condition number must be a finite number >= 1 (got %g)", cond);
    if (!classes) {
        if (!(noise >= 0) || !isfinite(noise))
            return sgr_fail(err, "noise must be a finite number >= 0 (got %g)", noise);
        return 0;
    }
    if (nclasses < 2)
        return sgr_fail(err, "synthetic classification needs nclasses >= 2 (got %d)", nclasses);
    if (!(separation >= 0) || !isfinite(separation))
        return sgr_fail(err, "class separation must be a finite number >= 0 (got %g)", separation);
    return 0;
}

int sgr_dataset_synth_lsq(sgr_dataset *out, size_t n, size_t d, double cond, double noise,
                          gsl_rng *rng, sgr_err *err)
{
    if (sgr_dataset_synth_check(n, d, false, 0, cond, noise, 0, err))
        return -1;
    if (!rng)
        return sgr_fail(err, "synthetic dataset needs a random generator");
    double *wstar = malloc(d * sizeof *wstar);
    if (!wstar)
        return sgr_fail(err, "out of memory for a %zu-vector", d);
    if (sgr_dataset_alloc(out, n, d, 0, err))
        goto out_free_wstar;
    for (size_t j = 0; j < d; j++)
        wstar[j] = gsl_ran_gaussian(rng, 1.0);
    for (size_t i = 0; i < n; i++) {
        double *xi = out->X + i * d, dot = 0;
        for (size_t j = 0; j < d; j++) {
            xi[j] = gsl_ran_gaussian(rng, 1.0) * column_scale(j, d, cond);
            dot += xi[j] * wstar[j];
        }
        out->y[i] = dot + noise * gsl_ran_gaussian(rng, 1.0);
    }
    free(wstar);
    return 0;

out_free_wstar:
    free(wstar);
    return -1;
}

/* Class centres at pairwise distance `separation`: scaled basis vectors while there are enough
 * dimensions, otherwise Gaussian centres with that expected pairwise distance. */
static void class_centres(double *mu, int k, size_t d, double separation, gsl_rng *rng)
{
    memset(mu, 0, (size_t)k * d * sizeof *mu);
    for (int c = 0; c < k; c++) {
        double *mc = mu + (size_t)c * d;
        if ((size_t)k <= d)
            mc[c] = separation / sqrt(2.0);
        else
            for (size_t j = 0; j < d; j++)
                mc[j] = gsl_ran_gaussian(rng, separation / sqrt(2.0 * (double)d));
    }
}

int sgr_dataset_synth_classes(sgr_dataset *out, size_t n, size_t d, int nclasses, double cond,
                              double separation, gsl_rng *rng, sgr_err *err)
{
    if (sgr_dataset_synth_check(n, d, true, nclasses, cond, 0, separation, err))
        return -1;
    if (!rng)
        return sgr_fail(err, "synthetic dataset needs a random generator");
    double *mu = malloc((size_t)nclasses * d * sizeof *mu);
    if (!mu)
        return sgr_fail(err, "out of memory for %d class centres", nclasses);
    if (sgr_dataset_alloc(out, n, d, nclasses, err))
        goto out_free_mu;
    class_centres(mu, nclasses, d, separation, rng);
    for (size_t i = 0; i < n; i++) {
        unsigned long c = gsl_rng_uniform_int(rng, (unsigned long)nclasses);
        const double *mc = mu + c * d;
        double *xi = out->X + i * d;
        for (size_t j = 0; j < d; j++)
            xi[j] = (mc[j] + gsl_ran_gaussian(rng, 1.0)) * column_scale(j, d, cond);
        out->y[i] = (double)c;
    }
    free(mu);
    return 0;

out_free_mu:
    free(mu);
    return -1;
}

int sgr_dataset_subset(const sgr_dataset *src, const size_t *idx, size_t m, sgr_dataset *out,
                       sgr_err *err)
{
    for (size_t i = 0; i < m; i++)
        if (idx[i] >= src->n)
            return sgr_fail(err, "subset index %zu out of range (dataset has %zu rows)", idx[i],
                            src->n);
    if (sgr_dataset_alloc(out, m, src->d, src->nclasses, err))
        return -1;
    for (size_t i = 0; i < m; i++) {
        memcpy(out->X + i * src->d, src->X + idx[i] * src->d, src->d * sizeof *out->X);
        out->y[i] = src->y[idx[i]];
    }
    return 0;
}

int sgr_dataset_add_bias(sgr_dataset *ds, sgr_err *err)
{
    size_t n = ds->n, d = ds->d;
    if (n > SIZE_MAX / sizeof(double) / (d + 1))
        return sgr_fail(err, "dataset of %zu x %zu doubles is too large", n, d + 1);
    if (n == 0) {
        ds->d = d + 1;
        return 0;
    }
    double *X = realloc(ds->X, n * (d + 1) * sizeof *X);
    if (!X)
        return sgr_fail(err, "out of memory adding a bias column to %zu x %zu", n, d);
    /* Widen rows from the last one down so no row is overwritten before it moves. */
    for (size_t i = n; i-- > 0;) {
        memmove(X + i * (d + 1), X + i * d, d * sizeof *X);
        X[i * (d + 1) + d] = 1.0;
    }
    ds->X = X;
    ds->d = d + 1;
    return 0;
}

int sgr_dataset_split(const sgr_dataset *src, double test_fraction, gsl_rng *rng,
                      sgr_dataset *train, sgr_dataset *test, sgr_err *err)
{
    if (!(test_fraction >= 0 && test_fraction <= 1))
        return sgr_fail(err, "test fraction must be in [0,1] (got %g)", test_fraction);
    size_t n = src->n, nt = (size_t)llround((double)n * test_fraction);
    size_t *perm = malloc((n ? n : 1) * sizeof *perm);
    if (!perm)
        return sgr_fail(err, "out of memory for a %zu-permutation", n);
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    if (n > 1)
        gsl_ran_shuffle(rng, perm, n, sizeof *perm);
    if (sgr_dataset_subset(src, perm, nt, test, err))
        goto out_free_perm;
    if (sgr_dataset_subset(src, perm + nt, n - nt, train, err))
        goto out_free_test;
    free(perm);
    return 0;

out_free_test:
    sgr_dataset_free(test);
out_free_perm:
    free(perm);
    return -1;
}

void sgr_dataset_shuffle(sgr_dataset *ds, gsl_rng *rng)
{
    for (size_t i = ds->n; i > 1; i--) {
        size_t a = i - 1, b = (size_t)gsl_rng_uniform_int(rng, (unsigned long)i);
        if (a == b)
            continue;
        double *ra = ds->X + a * ds->d, *rb = ds->X + b * ds->d, t;
        for (size_t j = 0; j < ds->d; j++) {
            t = ra[j];
            ra[j] = rb[j];
            rb[j] = t;
        }
        t = ds->y[a];
        ds->y[a] = ds->y[b];
        ds->y[b] = t;
    }
}

void sgr_dataset_free(sgr_dataset *ds)
{
    if (!ds)
        return;
    free(ds->X);
    free(ds->y);
    memset(ds, 0, sizeof *ds);
}
