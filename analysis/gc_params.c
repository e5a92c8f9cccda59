/* The gradient-coding family's schemes and their parameters, read from a scenario. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simgrad/straggler.h"

#include "simgrad/sgc_search.h"

#define ANY -INFINITY, INFINITY

/* The family's algorithm.* keys (docs/scenario.md is generated from them). */
const sgr_key sgr_gc_keys[] = {
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

size_t sgr_gc_workers(const sgr_scenario *scn, size_t nhosts)
{
    long w = sgr_scn_int(scn, "algorithm.workers");
    return w > 0 ? (size_t)w : (nhosts > 1 ? nhosts - 1 : 0);
}

/* The schemes' parameters, checked by building each scheme (cheap: no data). */
int sgr_gc_params_from_scenario(const sgr_scenario *scn, size_t n, size_t samples,
                                bool schedule_only, sgr_sgc_params *params, size_t *count,
                                size_t *maxT, size_t *maxR, sgr_err *err)
{
    sgr_scheme_kind kinds[SGR_MAX_SCHEMES];
    if (parse_schemes(sgr_scn_str(scn, "algorithm.schemes"), kinds, count, err) < 0)
        return -1;
    sgr_sgc_rules rules;
    const char *rules_text = sgr_scn_str(scn, "algorithm.rules");
    if (sgr_sgc_rules_parse(rules_text ? rules_text : "simgrad", &rules) < 0)
        return sgr_fail(err,
                        "algorithm.rules: unknown rule set \"%s\" (expected simgrad, reference)",
                        rules_text);
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
        p->rules = rules;
        p->schedule_only = schedule_only;
        sgr_sgc *sc = sgr_sgc_new(p, err);
        if (!sc)
            return sgr_fail_prefix(err, "%s", sgr_scheme_name(kinds[i]));
        if (sgr_sgc_delay(sc) > *maxT)
            *maxT = sgr_sgc_delay(sc);
        if (sgr_sgc_rounds(sc) > *maxR)
            *maxR = sgr_sgc_rounds(sc);
        sgr_sgc_free(sc);
        p->schedule_only = false;
    }
    return 0;
}

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

/* Parse "file@load" in place into its resolved path and load. */
static int fit_entry(const sgr_scenario *scn, char *tok, char *path, size_t len, double *load,
                     sgr_err *err)
{
    char *at = strrchr(tok, '@'), *end;
    if (!at)
        return sgr_fail(err, "expected \"file@load,...\", got \"%s\"", tok);
    *at = '\0';
    *load = strtod(at + 1, &end);
    if (at[1] == '\0' || *end || !(*load >= 0 && *load <= 1))
        return sgr_fail(err, "the load \"%s\" of %s must be a number in [0, 1]", at + 1, tok);
    if (tok[0] == '/' || !scn->dir)
        snprintf(path, len, "%s", tok);
    else
        snprintf(path, len, "%s/%s", scn->dir, tok);
    return 0;
}

static int fit_profiles(const sgr_scenario *scn, const char *spec, sgr_trace_comp *tc, sgr_err *err)
{
    fit_points fp = {0};
    char *buf = strdup(spec), path[4096];
    int rc = -1;
    if (!buf) {
        sgr_fail(err, "out of memory");
        goto out;
    }
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        double load = 0;
        if (fit_entry(scn, tok, path, sizeof path, &load, err) < 0 ||
            fit_add_profile(&fp, path, load, err) < 0)
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
    free(buf);
    free(fp.loads);
    free(fp.times);
    return rc;
}

int sgr_gc_trace_comp(const sgr_scenario *scn, sgr_trace_comp *tc, sgr_err *err)
{
    memset(tc, 0, sizeof *tc);
    tc->comp = sgr_scn_num(scn, "algorithm.trace_base_comp");
    const char *spec = sgr_scn_str(scn, "algorithm.trace_fit");
    if (!spec)
        return 0;
    if (fit_profiles(scn, spec, tc, err) < 0)
        return sgr_fail_prefix(err, "algorithm.trace_fit");
    return 0;
}

json_t *sgr_trace_comp_json(const sgr_trace_comp *tc)
{
    if (!tc->fitted)
        return json_pack("{s:f, s:b}", "base_comp_s", tc->comp, "fitted", 0);
    return json_pack("{s:f, s:b, s:f, s:f, s:I, s:I}", "base_comp_s", tc->comp, "fitted", 1,
                     "intercept_s", tc->intercept, "r2", tc->r2, "profiles",
                     (json_int_t)tc->profiles, "points", (json_int_t)tc->points);
}

static void reference_times(const sgr_gc_result *res, size_t count, double *gc, double *uncoded)
{
    *gc = *uncoded = 0;
    for (size_t i = 0; i < count; i++) {
        if (res[i].kind == SGR_SCHEME_GC)
            *gc = res[i].runtime;
        if (res[i].kind == SGR_SCHEME_UNCODED)
            *uncoded = res[i].runtime;
    }
}

json_t *sgr_gc_results_json(const sgr_gc_result *res, size_t count)
{
    double gc_time, uncoded_time;
    reference_times(res, count, &gc_time, &uncoded_time);
    json_t *arr = json_array();
    for (size_t i = 0; i < count; i++) {
        const sgr_gc_result *r = &res[i];
        json_t *o = json_pack(
            "{s:s, s:f, s:f, s:f, s:I, s:I, s:f, s:I, s:I, s:I, s:f, s:f, s:f}", "scheme",
            sgr_scheme_name(r->kind), "runtime_s", r->runtime, "rounds_s", r->rounds_s, "decode_s",
            r->decode_s, "rounds", (json_int_t)r->rounds, "waits", (json_int_t)r->waits, "load",
            r->load, "delay_T", (json_int_t)r->T, "decode_failures", (json_int_t)r->decode_failures,
            "stragglers_dropped", (json_int_t)r->stragglers, "max_decode_rel_error", r->max_err,
            "max_decode_residual", r->max_resid, "final_train_loss", r->final_loss);
        if (gc_time > 0)
            json_object_set_new(o, "runtime_vs_gc", json_real(r->runtime / gc_time));
        if (uncoded_time > 0)
            json_object_set_new(o, "runtime_vs_uncoded", json_real(r->runtime / uncoded_time));
        json_array_append_new(arr, o);
    }
    return arr;
}

void sgr_gc_results_print(FILE *out, const sgr_gc_result *res, size_t count,
                          const sgr_trace_comp *tc)
{
    double gc_time, uncoded_time;
    reference_times(res, count, &gc_time, &uncoded_time);
    if (tc && tc->fitted)
        fprintf(out,
                "base_comp fitted: %.6g s per unit of load (intercept %.6g s, R^2 %.4f, %zu task "
                "times from %zu profiles)\n",
                tc->comp, tc->intercept, tc->r2, tc->points, tc->profiles);
    fprintf(out, "%-18s %16s %6s %6s %9s %4s %10s %10s %10s %12s\n", "scheme", "runtime (s)",
            "rounds", "waits", "load", "T", "vs gc", "vs uncoded", "max error", "final loss");
    for (size_t i = 0; i < count; i++) {
        const sgr_gc_result *r = &res[i];
        char vg[32] = "-", vu[32] = "-";
        if (gc_time > 0)
            snprintf(vg, sizeof vg, "%.3f", r->runtime / gc_time);
        if (uncoded_time > 0)
            snprintf(vu, sizeof vu, "%.3f", r->runtime / uncoded_time);
        fprintf(out, "%-18s %16.10g %6zu %6zu %9.6f %4zu %10s %10s %10.2e %12.6g\n",
                sgr_scheme_name(r->kind), r->runtime, r->rounds, r->waits, r->load, r->T, vg, vu,
                r->max_err, r->final_loss);
    }
}
