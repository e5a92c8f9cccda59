/* The gradient-coding family's schemes and their parameters, read from a scenario. */
#include <stdio.h>
#include <string.h>

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
            return sgr_fail(err, "algorithm.schemes: unknown scheme \"%s\" (expected uncoded, "
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
int sgr_gc_params_from_scenario(const sgr_scenario *scn, size_t n, size_t samples, sgr_sgc_params *params,
                        size_t *count, size_t *maxT, size_t *maxR, sgr_err *err)
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
        if (!sc)
            return sgr_fail_prefix(err, "%s", sgr_scheme_name(kinds[i]));
        if (sgr_sgc_delay(sc) > *maxT)
            *maxT = sgr_sgc_delay(sc);
        if (sgr_sgc_rounds(sc) > *maxR)
            *maxR = sgr_sgc_rounds(sc);
        sgr_sgc_free(sc);
    }
    return 0;
}

