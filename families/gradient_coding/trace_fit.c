/* Trace mode's base_comp, the seconds a task takes per unit of normalized load: as configured,
 * or fitted from load profiles (traces measured at several loads), as the SGC authors do
 * (analyze_runtime2.py:91-95: one least-squares line through every task time). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simgrad/sgc_search.h"
#include "simgrad/straggler.h"

#include "families/gradient_coding/gradient_coding.h"

/* Every task time of one profile, appended to (loads, times). */
typedef struct fit_points {
    double *loads, *times;
    size_t count, cap;
} fit_points;

static int fit_add_profile(fit_points *fp, const char *path, double load, sgr_err *err)
{
    double *v;
    size_t rows, cols;
    if (sgr_trace_read_csv(path, &v, &rows, &cols, err) < 0)
        return -1; /* names the file, line and column: ragged rows, negative times */
    size_t add = rows * cols;
    if (fp->count + add > fp->cap) {
        size_t cap = 2 * (fp->count + add);
        double *l = realloc(fp->loads, cap * sizeof *l);
        if (l)
            fp->loads = l;
        double *t = l ? realloc(fp->times, cap * sizeof *t) : NULL;
        if (!t) {
            free(v);
            return sgr_fail(err, "out of memory reading %s", path);
        }
        fp->times = t;
        fp->cap = cap;
    }
    for (size_t i = 0; i < add; i++) {
        fp->loads[fp->count + i] = load;
        fp->times[fp->count + i] = v[i];
    }
    fp->count += add;
    free(v);
    return 0;
}

static int fit_profiles(const gc_cfg *c, gc_trace_comp *tc, sgr_err *err)
{
    fit_points fp = {0};
    int rc = -1;
    for (size_t i = 0; i < c->nprofiles; i++) {
        if (fit_add_profile(&fp, c->profiles[i].path, c->profiles[i].load, err) < 0)
            goto out;
        tc->profiles++;
    }
    if (tc->profiles < 2) {
        sgr_fail(err, "fitting base_comp needs profiles at two loads or more (got %zu)",
                 tc->profiles);
        goto out;
    }
    if (sgr_fit_load_slope(fp.loads, fp.times, fp.count, &tc->comp, &tc->intercept, &tc->r2, err) <
        0)
        goto out;
    tc->points = fp.count;
    tc->fitted = true;
    if (tc->comp < 0) {
        sgr_fail(err,
                 "the fitted base_comp is negative (%g s per unit of load): task times fall "
                 "as the load grows; check the loads after each '@'",
                 tc->comp);
        goto out;
    }
    rc = 0;
out:
    free(fp.loads);
    free(fp.times);
    return rc;
}

int gc_trace_comp_fit(const gc_cfg *c, gc_trace_comp *tc, sgr_err *err)
{
    memset(tc, 0, sizeof *tc);
    tc->comp = c->trace_base_comp;
    if (!c->fit_given)
        return 0;
    if (fit_profiles(c, tc, err) < 0)
        return sgr_fail_prefix(err, "algorithm.trace_fit");
    return 0;
}

json_t *gc_trace_comp_json(const gc_trace_comp *tc)
{
    if (!tc->fitted)
        return json_pack("{s:f, s:b}", "base_comp_s", tc->comp, "fitted", 0);
    return json_pack("{s:f, s:b, s:f, s:f, s:I, s:I}", "base_comp_s", tc->comp, "fitted", 1,
                     "intercept_s", tc->intercept, "r2", tc->r2, "profiles",
                     (json_int_t)tc->profiles, "points", (json_int_t)tc->points);
}
