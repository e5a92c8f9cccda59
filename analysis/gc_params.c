/* The gradient-coding family's schemes and their parameters, read from a scenario. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simgrad/straggler.h"

#include "simgrad/sgc_search.h"

/* Parse algorithm.schemes into kinds; errors name the bad entry. */
static int parse_schemes(const char *list, sgr_scheme_kind *kinds, size_t *count, sgr_err *err)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    *count = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ", ", &save); tok;
         tok = strtok_r(NULL, ", ", &save)) {
        sgr_scheme_kind k;
        if (sgr_scheme_parse(tok, &k) < 0)
            return sgr_fail(err,
                            "algorithm.schemes: unknown scheme \"%s\" (expected uncoded, "
                            "ignore-stragglers, gc, sr-sgc, m-sgc)",
                            tok);
        for (size_t i = 0; i < *count; i++)
            if (kinds[i] == k)
                return sgr_fail(err, "algorithm.schemes: \"%s\" is listed twice", tok);
        kinds[(*count)++] = k;
    }
    if (*count == 0)
        return sgr_fail(err, "algorithm.schemes: no scheme given");
    return 0;
}

size_t sgr_gc_workers(const sgr_scenario *scn, size_t nhosts)
{
    long w = sgr_scn_int(scn, "algorithm.workers");
    return w > 0 ? (size_t)w : (nhosts > 1 ? nhosts - 1 : 0);
}

/* The schemes' parameters, checked by building each scheme (cheap: no data). */
int sgr_gc_params_from_scenario(const sgr_scenario *scn, size_t n, size_t samples,
                                sgr_sgc_params *params, size_t *count, size_t *maxT, size_t *maxR,
                                sgr_err *err)
{
    sgr_scheme_kind kinds[SGR_MAX_SCHEMES];
    if (parse_schemes(sgr_scn_str(scn, "algorithm.schemes"), kinds, count, err) < 0)
        return -1;
    *maxT = 0;
    *maxR = 0;
    for (size_t i = 0; i < *count; i++) {
        sgr_sgc_params *p = &params[i];
        memset(p, 0, sizeof *p);
        p->kind = kinds[i];
        p->n = n;
        p->jobs = (size_t)sgr_scn_int(scn, "algorithm.jobs");
        p->samples = samples;
        p->s = (size_t)sgr_scn_int(scn, "algorithm.s");
        bool sr = kinds[i] == SGR_SCHEME_SRSGC;
        p->B = (int)sgr_scn_int(scn, sr ? "algorithm.srsgc_B" : "algorithm.msgc_B");
        p->W = (int)sgr_scn_int(scn, sr ? "algorithm.srsgc_W" : "algorithm.msgc_W");
        p->lambda = (int)sgr_scn_int(scn, sr ? "algorithm.srsgc_lambda" : "algorithm.msgc_lambda");
        p->code = strcmp(sgr_scn_str(scn, "algorithm.code"), "fractional") == 0 ? SGR_GC_FRACTIONAL
                                                                                : SGR_GC_CYCLIC;
        p->seed = (unsigned long)sgr_scn_int(scn, "seed");
        sgr_sgc *sc = sgr_sgc_new(p, err);
        const char *name = sgr_scheme_name(kinds[i]); /* once, if the message lacks it */
        if (!sc)
            return err && strncmp(err->msg, name, strlen(name)) == 0
                       ? -1
                       : sgr_fail_prefix(err, "%s", name);
        if (sgr_sgc_delay(sc) > *maxT)
            *maxT = sgr_sgc_delay(sc);
        if (sgr_sgc_rounds(sc) > *maxR)
            *maxR = sgr_sgc_rounds(sc);
        sgr_sgc_free(sc);
    }
    return 0;
}

int sgr_gc_trace_comp(const sgr_scenario *scn, double *comp, sgr_err *err)
{
    *comp = sgr_scn_num(scn, "algorithm.trace_base_comp");
    const char *spec = sgr_scn_str(scn, "algorithm.trace_fit");
    if (!spec)
        return 0;
    double loads[64], means[64];
    size_t count = 0;
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *at = strrchr(tok, '@');
        char *end;
        if (!at || count == 64)
            return sgr_fail(err, "algorithm.trace_fit: expected \"file@load,...\", got \"%s\"",
                            tok);
        *at = '\0';
        double load = strtod(at + 1, &end);
        if (*end || load < 0 || load > 1)
            return sgr_fail(err, "algorithm.trace_fit: load \"%s\" of %s must be in [0, 1]", at + 1,
                            tok);
        char path[4096];
        if (tok[0] == '/' || !scn->dir)
            snprintf(path, sizeof path, "%s", tok);
        else
            snprintf(path, sizeof path, "%s/%s", scn->dir, tok);
        double *v;
        size_t rows, cols;
        if (sgr_trace_read_csv(path, &v, &rows, &cols, err) < 0)
            return sgr_fail_prefix(err, "algorithm.trace_fit");
        double sum = 0;
        for (size_t i = 0; i < rows * cols; i++)
            sum += v[i];
        free(v);
        loads[count] = load;
        means[count++] = rows && cols ? sum / (double)(rows * cols) : 0;
    }
    double intercept;
    if (sgr_fit_load_slope(loads, means, count, comp, &intercept, err) < 0)
        return sgr_fail_prefix(err, "algorithm.trace_fit");
    if (*comp < 0)
        *comp = 0;
    return 0;
}
