/* The gradient-coding family's configuration: its keys (with units and defaults, for validation
 * and docs/scenario.md), their typed form (schemes, rules, load profiles), the checks across
 * keys, the schemes' parameters, and the family table. The only file of the family that reads
 * the scenario by key. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "families/gradient_coding/gradient_coding.h"

#define ANY -INFINITY, INFINITY

/* The family's algorithm.* keys (docs/scenario.md is generated from them). */
static const sgr_key gc_keys[] = {
    {"algorithm.workers", SGR_T_INT, "0", 0, 10000000, NULL, NULL,
     "Workers n (0: one per host except the master's)."},
    {"algorithm.jobs", SGR_T_INT, "80", 1, 1e7, NULL, NULL, "Gradient jobs J."},
    {"algorithm.schemes", SGR_T_STR, "\"uncoded,gc,sr-sgc,m-sgc\"", ANY, NULL, NULL,
     "Comma-separated schemes to compare: uncoded, ignore-stragglers, gc, sr-sgc, m-sgc."},
    {"algorithm.s", SGR_T_INT, "1", 0, 10000000, NULL, NULL,
     "Stragglers tolerated by gc (< n; reference rules: gc accepts fewer than s, 1 <= s <= n) "
     "and ignored by ignore-stragglers."},
    {"algorithm.code", SGR_T_ENUM, "\"cyclic\"", ANY, "cyclic|fractional", NULL,
     "Gradient code of gc, sr-sgc and m-sgc's coded part."},
    {"algorithm.srsgc_B", SGR_T_INT, "1", 1, 1e6, NULL, NULL, "SR-SGC's B."},
    {"algorithm.srsgc_W", SGR_T_INT, "2", 2, 1e6, NULL, NULL,
     "SR-SGC's W ((W-1) must be a multiple of B)."},
    {"algorithm.srsgc_lambda", SGR_T_INT, "1", 0, 1e7, NULL, NULL, "SR-SGC's lambda."},
    {"algorithm.msgc_B", SGR_T_INT, "1", 1, 1e6, NULL, NULL, "M-SGC's B (< W)."},
    {"algorithm.msgc_W", SGR_T_INT, "2", 2, 1e6, NULL, NULL, "M-SGC's W."},
    {"algorithm.msgc_lambda", SGR_T_INT, "1", 0, 1e7, NULL, NULL, "M-SGC's lambda (<= n)."},
    {"algorithm.mu", SGR_T_NUM, "1.0", 0, INFINITY, NULL, NULL,
     "The master waits until (1+mu) times the fastest worker's time."},
    {"algorithm.models", SGR_T_INT, "0", 0, 1e6, NULL, NULL,
     "Models trained side by side, job t updating model t mod M (0: the largest T + 1)."},
    {"algorithm.learning_rate", SGR_T_NUM, "0.1", 0, INFINITY, NULL, NULL,
     "Step size of each model's gradient step."},
    {"algorithm.verify", SGR_T_BOOL, "true", ANY, NULL, NULL,
     "Compare every decoded gradient with the true one (one more full gradient per job)."},
    {"algorithm.eval_every", SGR_T_INT, "10", 1, 1e9, NULL, NULL,
     "Training loss of the updated model every this many jobs (and for all models at the end)."},
    {"algorithm.ideal_network", SGR_T_BOOL, "false", ANY, NULL, NULL,
     "Results arrive when the task time says, with no network (trace studies)."},
    {"algorithm.trace_base_load", SGR_T_NUM, "0", 0, 1, NULL, "stragglers.model=trace",
     "Normalized load at which the trace's task times were measured."},
    {"algorithm.trace_base_comp", SGR_T_TIME, "0", 0, INFINITY, NULL, "stragglers.model=trace",
     "Seconds per unit of normalized load: task time = trace + (load - base_load) * base_comp."},
    {"algorithm.trace_fit", SGR_T_STR, NULL, ANY, NULL, "stragglers.model=trace",
     "Fit base_comp instead from load profiles, traces measured at several normalized loads: "
     "\"a.csv@0.0,b.csv@0.25\" (paths relative to the scenario); the least-squares slope, with "
     "intercept, of every task time against its profile's load. The fit is reported."},
    {"algorithm.rules", SGR_T_ENUM, "\"simgrad\"", ANY, "simgrad|reference", NULL,
     "Round rules: simgrad (the paper's statements) or reference (the authors' simulator, "
     "line by line: docs/model.md, Reproducing the paper). Recorded in the summary."},
    {"algorithm.decode_cost", SGR_T_BOOL, "false", ANY, NULL, NULL,
     "In trace mode with ideal_network, charge the master's decoding on its host (the round "
     "model and the paper leave it out); reported as decode_s. Always charged otherwise."},
    {NULL, 0, NULL, ANY, NULL, NULL, NULL},
};

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

/* One "file@load" entry of algorithm.trace_fit (tok is cut at the '@'), its path resolved
 * against the scenario's directory. */
static int parse_profile(const sgr_scenario *scn, char *tok, gc_profile *pr, sgr_err *err)
{
    char *at = strrchr(tok, '@'), *end;
    if (!at)
        return sgr_fail(err, "expected \"file@load,...\", got \"%s\"", tok);
    *at = '\0';
    pr->load = strtod(at + 1, &end);
    if (at[1] == '\0' || *end || !(pr->load >= 0 && pr->load <= 1))
        return sgr_fail(err, "the load \"%s\" of %s must be a number in [0, 1]", at + 1, tok);
    char path[4096];
    if (tok[0] == '/' || !scn->dir)
        snprintf(path, sizeof path, "%s", tok);
    else
        snprintf(path, sizeof path, "%s/%s", scn->dir, tok);
    pr->path = strdup(path);
    return pr->path ? 0 : sgr_fail(err, "out of memory");
}

/* algorithm.trace_fit, "a.csv@0.0,b.csv@0.25": the load profiles (read by the fit). */
static int parse_profiles(const sgr_scenario *scn, const char *spec, gc_cfg *c, sgr_err *err)
{
    char *buf = strdup(spec);
    size_t cap = 1;
    for (const char *p = spec; *p; p++)
        cap += *p == ',';
    c->profiles = calloc(cap, sizeof *c->profiles);
    int rc = -1;
    if (!buf || !c->profiles) {
        sgr_fail(err, "out of memory");
        goto out;
    }
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        if (parse_profile(scn, tok, &c->profiles[c->nprofiles++], err) < 0)
            goto out;
    rc = 0;
out:
    free(buf);
    return rc < 0 ? sgr_fail_prefix(err, "algorithm.trace_fit") : 0;
}

static void gc_free_cfg(void *cfg)
{
    gc_cfg *c = cfg;
    if (!c)
        return;
    for (size_t i = 0; i < c->nprofiles; i++)
        free(c->profiles[i].path);
    free(c->profiles);
    free(c);
}

static void parse_numbers(const sgr_scenario *scn, gc_cfg *c)
{
    c->workers = sgr_scn_int(scn, "algorithm.workers");
    c->jobs = (size_t)sgr_scn_int(scn, "algorithm.jobs");
    c->s = (size_t)sgr_scn_int(scn, "algorithm.s");
    c->code = strcmp(sgr_scn_str(scn, "algorithm.code"), "fractional") == 0 ? SGR_GC_FRACTIONAL
                                                                            : SGR_GC_CYCLIC;
    c->srsgc.B = (int)sgr_scn_int(scn, "algorithm.srsgc_B");
    c->srsgc.W = (int)sgr_scn_int(scn, "algorithm.srsgc_W");
    c->srsgc.lambda = (int)sgr_scn_int(scn, "algorithm.srsgc_lambda");
    c->msgc.B = (int)sgr_scn_int(scn, "algorithm.msgc_B");
    c->msgc.W = (int)sgr_scn_int(scn, "algorithm.msgc_W");
    c->msgc.lambda = (int)sgr_scn_int(scn, "algorithm.msgc_lambda");
    c->mu = sgr_scn_num(scn, "algorithm.mu");
    c->models = sgr_scn_int(scn, "algorithm.models");
    c->learning_rate = sgr_scn_num(scn, "algorithm.learning_rate");
    c->verify = sgr_scn_bool(scn, "algorithm.verify");
    c->eval_every = sgr_scn_int(scn, "algorithm.eval_every");
    c->ideal_network = sgr_scn_bool(scn, "algorithm.ideal_network");
    c->decode_cost = sgr_scn_bool(scn, "algorithm.decode_cost");
    c->trace_base_load = sgr_scn_num(scn, "algorithm.trace_base_load");
    c->trace_base_comp = sgr_scn_num(scn, "algorithm.trace_base_comp");
}

static int gc_parse(const sgr_scenario *scn, void **out, sgr_err *err)
{
    gc_cfg *c = calloc(1, sizeof *c);
    if (!c)
        return sgr_fail(err, "out of memory");
    parse_numbers(scn, c);
    const char *rules = sgr_scn_str(scn, "algorithm.rules");
    const char *fit = sgr_scn_str(scn, "algorithm.trace_fit");
    c->fit_given = fit != NULL;
    if (parse_schemes(sgr_scn_str(scn, "algorithm.schemes"), c->schemes, &c->nschemes, err) < 0)
        goto fail;
    if (sgr_sgc_rules_parse(rules ? rules : "simgrad", &c->rules) < 0) {
        sgr_fail(err, "algorithm.rules: unknown rule set \"%s\" (expected simgrad, reference)",
                 rules);
        goto fail;
    }
    if (fit && parse_profiles(scn, fit, c, err) < 0)
        goto fail;
    *out = c;
    return 0;
fail:
    gc_free_cfg(c);
    return -1;
}

size_t gc_workers(const gc_cfg *c, size_t nhosts)
{
    return c->workers > 0 ? (size_t)c->workers : (nhosts > 1 ? nhosts - 1 : 0);
}

/* A scheme's error, named once: "sr-sgc: ..." unless the message already starts with it. */
static int scheme_error(sgr_err *err, sgr_scheme_kind kind)
{
    const char *name = sgr_scheme_name(kind);
    return err && strncmp(err->msg, name, strlen(name)) == 0 ? -1
                                                             : sgr_fail_prefix(err, "%s", name);
}

int gc_scheme_params(const sgr_config *cfg, size_t n, size_t samples, bool schedule_only,
                     sgr_sgc_params *params, size_t *count, size_t *maxT, size_t *maxR,
                     sgr_err *err)
{
    const gc_cfg *c = cfg->algorithm;
    *count = c->nschemes;
    *maxT = 0;
    *maxR = 0;
    for (size_t i = 0; i < c->nschemes; i++) {
        sgr_sgc_params *p = &params[i];
        /* SR-SGC's B, W, lambda for SR-SGC, M-SGC's for the other schemes */
        const gc_sgc_bwl *bwl = c->schemes[i] == SGR_SCHEME_SRSGC ? &c->srsgc : &c->msgc;
        memset(p, 0, sizeof *p);
        p->kind = c->schemes[i];
        p->n = n;
        p->jobs = c->jobs;
        p->samples = samples;
        p->s = c->s;
        p->B = bwl->B;
        p->W = bwl->W;
        p->lambda = bwl->lambda;
        p->code = c->code;
        p->seed = cfg->seed;
        p->rules = c->rules;
        p->schedule_only = schedule_only;
        sgr_sgc *sc = sgr_sgc_new(p, err);
        if (!sc)
            return scheme_error(err, p->kind);
        if (sgr_sgc_delay(sc) > *maxT)
            *maxT = sgr_sgc_delay(sc);
        if (sgr_sgc_rounds(sc) > *maxR)
            *maxR = sgr_sgc_rounds(sc);
        sgr_sgc_free(sc);
        p->schedule_only = false;
    }
    return 0;
}

static int gc_check(const sgr_config *cfg, size_t nhosts, size_t *nparts, sgr_err *err)
{
    const gc_cfg *c = cfg->algorithm;
    size_t n = gc_workers(c, nhosts);
    if (n == 0)
        return sgr_fail(err, "algorithm.workers: set it (the platform has %zu hosts)", nhosts);
    sgr_sgc_params params[GC_MAX_SCHEMES];
    size_t count, maxT, maxR;
    gc_trace_comp tc;
    /* Sample counts are known only once data is loaded (deploy checks the layout then). */
    if (gc_scheme_params(cfg, n, 0, true, params, &count, &maxT, &maxR, err) < 0 ||
        gc_trace_comp_fit(c, &tc, err) < 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        params[i].samples = (size_t)1 << 40; /* the codes' constraints, without the rows */
        if (sgr_sgc_runnable(&params[i], err) < 0)
            return scheme_error(err, params[i].kind);
    }
    if (c->models > 0 && (size_t)c->models < maxT + 1)
        return sgr_fail(err,
                        "algorithm.models = %ld: a scheme with delay T = %zu needs at least "
                        "T + 1 = %zu models (job t updates model t mod M, whose previous job "
                        "must be decoded first)",
                        c->models, maxT, maxT + 1);
    *nparts = 0;
    return 0;
}

const sgr_family sgr_family_gradient_coding = {
    .keys = {"gradient-coding",
             "A master and n workers compute J gradient jobs under stragglers with uncoded, "
             "ignore-stragglers, GC (Tandon et al.), SR-SGC and M-SGC (Krishnan et al.), "
             "compared on the same platform and straggler draws under the paper's round model.",
             gc_keys},
    .uses_workload = true,
    .parse = gc_parse,
    .free_cfg = gc_free_cfg,
    .check = gc_check,
    .deploy = gc_deploy,
    .finish = gc_finish,
    .report = &sgr_gradient_coding_report,
    .sweep = &sgr_gradient_coding_sweep,
    .search = gc_search,
    .search_usage = gc_search_usage,
};
