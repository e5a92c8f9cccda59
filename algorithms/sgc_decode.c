/* Decoding of a sequential gradient coding scheme's jobs from the results that arrived. See
 * include/simgrad/sgc.h. */
#include <stdlib.h>
#include <string.h>

#include "sgc_internal.h"

/* GC decode of one coded task from the responders whose result() is not NULL; for M-SGC
 * (coded_only), only the workers whose minitask in that slot was the coded one. */
static int gc_decode(const sgr_sgc *sc, size_t job, int slot, bool coded_only,
                     sgr_sgc_result_fn result, void *ctx, size_t dim, double *out, double *residual,
                     sgr_err *err)
{
    size_t n = sc->p.n;
    bool *responded = calloc(n, sizeof *responded);
    double *a = calloc(n, sizeof *a);
    const double **res = calloc(n, sizeof *res);
    int rc = -1;
    if (!responded || !a || !res) {
        sgr_fail(err, "out of memory");
        goto out;
    }
    for (size_t w = 0; w < n; w++) {
        if (coded_only && sc->kind[(job * n + w) * sc->nslots + (size_t)slot] != K_D2)
            continue;
        res[w] = result(ctx, w, slot);
        responded[w] = res[w] != NULL;
    }
    double resid = 0;
    if (sgr_gc_decode_coeffs(&sc->code, responded, a, &resid, err) < 0) {
        sgr_fail_prefix(err, "job %zu", job);
        goto out;
    }
    if (resid > *residual)
        *residual = resid;
    sgr_gc_combine(n, a, res, dim, out);
    rc = 0;
out:
    free(responded);
    free(a);
    free(res);
    return rc;
}

int sgr_sgc_decode(const sgr_sgc *sc, size_t job, sgr_sgc_result_fn result, void *ctx, size_t dim,
                   double *out, double *residual, sgr_err *err)
{
    size_t n = sc->p.n;
    *residual = 0;
    memset(out, 0, dim * sizeof *out);
    if (!sgr_sgc_decodable(sc, job))
        return sgr_fail(err, "job %zu is not decodable with the results that arrived", job);
    switch (sc->p.kind) {
    case SGR_SCHEME_UNCODED:
    case SGR_SCHEME_IGNORE: {
        size_t got = 0;
        for (size_t w = 0; w < n; w++) {
            const double *v = result(ctx, w, 0);
            if (!v)
                continue;
            for (size_t j = 0; j < dim; j++)
                out[j] += v[j];
            got++;
        }
        if (got < n)
            for (size_t j = 0; j < dim; j++)
                out[j] *= (double)n / (double)got;
        return 0;
    }
    case SGR_SCHEME_GC:
    case SGR_SCHEME_SRSGC:
        return gc_decode(sc, job, 0, false, result, ctx, dim, out, residual, err);
    case SGR_SCHEME_MSGC: {
        size_t W1 = (size_t)(sc->p.W - 1);
        for (size_t w = 0; w < n; w++)
            for (size_t m = 0; m < sc->nslots; m++) {
                if (sc->kind[(job * n + w) * sc->nslots + m] != K_D1)
                    continue;
                const double *v = result(ctx, w, (int)m);
                if (!v)
                    return sgr_fail(err, "job %zu: worker %zu's chunk in slot %zu is missing", job,
                                    w, m);
                for (size_t j = 0; j < dim; j++)
                    out[j] += v[j];
            }
        if (!sc->has_code)
            return 0;
        double *part = malloc(dim * sizeof *part);
        if (!part)
            return sgr_fail(err, "out of memory");
        for (size_t g = 0; g < (size_t)sc->p.B; g++) {
            int slot = (int)(W1 + g);
            if (gc_decode(sc, job, slot, true, result, ctx, dim, part, residual, err) < 0) {
                free(part);
                return -1;
            }
            for (size_t j = 0; j < dim; j++)
                out[j] += part[j];
        }
        free(part);
        return 0;
    }
    }
    return sgr_fail(err, "unknown scheme");
}
