/* The pure round model of a sequential gradient coding scheme: the paper's rule, and the
 * authors' simulator's (mamaj/Sequential-Gradient-Coding-2, 2_find_runtimes: e.g.
 * gradient_coding.py:62-73), on a matrix of task times. See include/simgrad/sgc.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simgrad/sgc.h"

typedef struct round_scratch {
    bool *part, *strag, *ret;
    double *sorted;
    sgr_minitask *mt;
} round_scratch;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Round r on task times d[0..n-1]: who returns (b->ret) and how long it lasts. A worker is
 * late when its time exceeds (1+mu) m, m the fastest participant's; ties with the deadline
 * are on time (the reference's `delay > wait_time`). */
static double round_run(sgr_sgc *sc, size_t r, const double *d, double mu, round_scratch *b,
                        bool *waited)
{
    const sgr_sgc_params *p = sgr_sgc_params_of(sc);
    size_t n = p->n, np = 0, max = sgr_sgc_max_minitasks(sc);
    double fastest = INFINITY, slowest = -INFINITY;
    *waited = false;
    for (size_t w = 0; w < n; w++) {
        b->part[w] = sgr_sgc_plan(sc, r, w, b->mt, max) > 0;
        b->ret[w] = false;
        if (b->part[w]) {
            b->sorted[np++] = d[w];
            fastest = d[w] < fastest ? d[w] : fastest;
            slowest = d[w] > slowest ? d[w] : slowest;
        }
    }
    if (np == 0)
        return 0; /* an idle round */
    if (p->kind == SGR_SCHEME_IGNORE) {
        qsort(b->sorted, np, sizeof *b->sorted, cmp_double);
        /* the fastest np - s, ties broken by worker index */
        size_t k = np > p->s ? np - p->s : 1, taken = 0;
        double cut = b->sorted[k - 1];
        for (size_t w = 0; w < n; w++) {
            b->ret[w] = b->part[w] && d[w] <= cut && taken < k;
            taken += b->ret[w];
        }
        return cut;
    }
    double wait = fastest * (1.0 + mu);
    for (size_t w = 0; w < n; w++)
        b->strag[w] = b->part[w] && d[w] > wait;
    if (sgr_sgc_accepts(sc, r, b->strag)) {
        for (size_t w = 0; w < n; w++)
            b->ret[w] = b->part[w] && !b->strag[w];
        return fmin(wait, slowest);
    }
    *waited = true;
    memcpy(b->ret, b->part, n * sizeof *b->ret);
    return slowest;
}

double sgr_sgc_simulate(sgr_sgc *sc, const double *delays, double mu, double *durations,
                        size_t *waits, sgr_err *err)
{
    const sgr_sgc_params *p = sgr_sgc_params_of(sc);
    size_t n = p->n;
    round_scratch b = {
        .part = malloc(n * sizeof *b.part),
        .strag = malloc(n * sizeof *b.strag),
        .ret = malloc(n * sizeof *b.ret),
        .sorted = malloc(n * sizeof *b.sorted),
        .mt = malloc(sgr_sgc_max_minitasks(sc) * sizeof *b.mt),
    };
    double total = 0;
    *waits = 0;
    if (!b.part || !b.strag || !b.ret || !b.sorted || !b.mt) {
        total = sgr_fail(err, "out of memory");
        goto out;
    }
    for (size_t r = 0; r < sgr_sgc_rounds(sc); r++) {
        bool waited;
        double dur = round_run(sc, r, delays + r * n, mu, &b, &waited);
        *waits += waited;
        sgr_sgc_commit(sc, r, b.ret);
        if (durations)
            durations[r] = dur;
        total += dur;
        long job = sgr_sgc_due_job(sc, r);
        if (job >= 0 && !sgr_sgc_decodable(sc, (size_t)job)) {
            total = sgr_fail(err, "%s: job %ld is not decodable at round %zu%s",
                             sgr_scheme_name(p->kind), job, r,
                             p->rules == SGR_RULES_REFERENCE
                                 ? " (the authors' code raises RuntimeError there)"
                                 : "");
            goto out;
        }
    }
out:
    free(b.part);
    free(b.strag);
    free(b.ret);
    free(b.sorted);
    free(b.mt);
    return total;
}
