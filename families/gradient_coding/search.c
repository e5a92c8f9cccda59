/* `simgrad search`: the best parameters of a gradient-coding scenario's schemes on its own
 * straggler model or trace, found on the round model as the SGC paper does. The search is on
 * the schedule alone: workload.samples plays no part in it; the sets that could not run on the
 * scenario's workload (too few rows for their layout, a fractional code that does not fit) are
 * listed with the reason, as `simgrad run` would refuse them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simgrad/rng.h"
#include "simgrad/sgc_search.h"

#include "families/gradient_coding/gradient_coding.h"

#define LIST_MAX 1000 /* sets listed per scheme in the JSON (all are counted) */

/* The straggler model's or trace's task times, as the family's workers would see them. */
typedef struct delay_inputs {
    const sgr_config *cfg;
    size_t n, nhosts;
    gc_trace_comp tc;
    size_t trace_rounds; /* 0 for a synthetic model */
    size_t samples;
    double full; /* a full-data gradient's seconds on a nominal host */
} delay_inputs;

/* Trace rounds, base_comp, the workload's rows and a full gradient's time. */
static int delay_inputs_load(delay_inputs *in, sgr_err *err)
{
    const sgr_config *cfg = in->cfg;
    sgr_straggler_model *m = sgr_straggler_new(&cfg->stragglers, in->n, cfg->seed, err);
    if (!m)
        return -1;
    in->trace_rounds = sgr_straggler_trace_rounds(m);
    sgr_straggler_free(m);
    if (gc_trace_comp_fit(cfg->algorithm, &in->tc, err) < 0)
        return -1;
    sgr_workload wl;
    if (sgr_workload_load(&wl, &cfg->workload, 0, err) < 0)
        return -1;
    in->samples = wl.train.n;
    in->full = sgr_model_grad_flops(&wl.model, wl.train.n) / cfg->platform.host_speed;
    sgr_workload_free(&wl);
    return 0;
}

/* Task-time model of the scenario for `rounds` rounds: trace rows (measured at base_load), or
 * the straggler model's draws applied to the time of a full-data gradient on each worker's
 * host. */
static int delay_model(const delay_inputs *in, size_t rounds, sgr_delay_model *dm, sgr_err *err)
{
    const sgr_config *cfg = in->cfg;
    const gc_cfg *c = cfg->algorithm;
    size_t n = in->n, nh = in->nhosts ? in->nhosts : 1;
    sgr_straggler_model *m = sgr_straggler_new(&cfg->stragglers, n, cfg->seed, err);
    double *base = malloc(rounds * n * sizeof *base), *per = malloc(rounds * n * sizeof *per);
    double *speed = malloc(nh * sizeof *speed);
    sgr_straggle *row = malloc(n * sizeof *row);
    int rc = -1;
    if (!m || !base || !per || !speed || !row)
        goto out;
    gsl_rng *rng = sgr_rng_new(cfg->seed, "host-speed", 0);
    sgr_platform_speed_factors(&cfg->platform, nh, rng, speed);
    gsl_rng_free(rng);
    dm->load0 = in->trace_rounds ? c->trace_base_load : 0;
    for (size_t r = 0; r < rounds; r++) {
        if (sgr_straggler_next_round(m, row, err) < 0)
            goto out;
        for (size_t w = 0; w < n; w++) {
            size_t i = r * n + w;
            bool traced = row[w].task_time >= 0;
            base[i] = traced ? row[w].task_time : row[w].delay;
            per[i] = traced ? in->tc.comp
                            : in->full * row[w].factor / (in->nhosts ? speed[(1 + w) % nh] : 1.0);
        }
    }
    dm->n = n;
    dm->rounds = rounds;
    dm->base = base;
    dm->per_load = per;
    base = per = NULL;
    rc = 0;
out:
    sgr_straggler_free(m);
    free(base);
    free(per);
    free(speed);
    free(row);
    return rc;
}

static const char *params_text(const sgr_sgc_params *p, char *buf, size_t len)
{
    switch (p->kind) {
    case SGR_SCHEME_GC:
    case SGR_SCHEME_IGNORE:
        snprintf(buf, len, "s=%zu", p->s);
        break;
    case SGR_SCHEME_SRSGC:
    case SGR_SCHEME_MSGC:
        snprintf(buf, len, "(B,W,lambda)=(%d,%d,%d)", p->B, p->W, p->lambda);
        break;
    default:
        snprintf(buf, len, "-");
    }
    return buf;
}

/* What the search saw of one scheme's sets, besides the best. */
typedef struct scheme_visit {
    size_t samples;
    json_t *cannot_run, *refused; /* lists of {"params", "reason"}, at most LIST_MAX each */
    size_t ncannot, nrefused;
    char first_cannot[1200];
    sgr_sgc_params best_runnable;
    double best_runnable_s;
    size_t best_runnable_waits;
} scheme_visit;

static void list_add(json_t *list, size_t *count, const sgr_sgc_params *p, const char *reason)
{
    char a[64];
    if ((*count)++ < LIST_MAX)
        json_array_append_new(
            list, json_pack("{s:s, s:s}", "params", params_text(p, a, sizeof a), "reason", reason));
}

static void visit_set(void *ctx, const sgr_sgc_params *p, double runtime, size_t waits,
                      const char *reason)
{
    scheme_visit *v = ctx;
    if (reason) {
        list_add(v->refused, &v->nrefused, p, reason);
        return;
    }
    sgr_sgc_params q = *p;
    q.samples = v->samples;
    q.schedule_only = false;
    sgr_err e;
    if (sgr_sgc_runnable(&q, &e) < 0) {
        if (v->ncannot == 0) {
            char a[64];
            snprintf(v->first_cannot, sizeof v->first_cannot, "%s: %s", params_text(p, a, sizeof a),
                     e.msg);
        }
        list_add(v->cannot_run, &v->ncannot, p, e.msg);
        return;
    }
    if (isnan(v->best_runnable_s) || runtime < v->best_runnable_s) {
        v->best_runnable = *p;
        v->best_runnable_s = runtime;
        v->best_runnable_waits = waits;
    }
}

/* max_delay and max_W of the search: as given, or the rule set's defaults. */
static sgr_search_space resolve_space(const sgr_search_space *given, sgr_sgc_rules rules,
                                      size_t jobs, size_t trace_rounds)
{
    sgr_search_space sp = *given;
    bool ref = rules == SGR_RULES_REFERENCE;
    if (sp.max_delay == 0) /* find_runtime.py:39: max_delay = invokes - n_jobs */
        sp.max_delay = ref && trace_rounds > jobs ? trace_rounds - jobs : 3;
    if (sp.max_W == 0) /* find_runtime.py:67 passes n_jobs as `rounds`, the max_W default */
        sp.max_W = ref ? jobs : 6;
    return sp;
}

/* Search one scheme, print its line and notes, and return its JSON (NULL on error). */
static json_t *search_scheme(sgr_sgc_params cfg, const sgr_delay_model *dm, double mu,
                             const sgr_search_space *space, size_t samples, FILE *out, sgr_err *err)
{
    double t_cfg = NAN;
    size_t w_cfg = 0;
    sgr_err e;
    cfg.schedule_only = true;
    if (sgr_sgc_evaluate(&cfg, dm, mu, &t_cfg, &w_cfg, &e) < 0)
        t_cfg = NAN;
    scheme_visit v = {.samples = samples,
                      .cannot_run = json_array(),
                      .refused = json_array(),
                      .best_runnable_s = NAN};
    sgr_search_result res;
    json_t *o = NULL;
    if (sgr_sgc_search(&cfg, dm, mu, space, visit_set, &v, &res, err) < 0)
        goto out;
    char a[64], b[64], c[64], tried[48];
    snprintf(tried, sizeof tried, "%zu/%zu", res.tried, res.enumerated);
    fprintf(out, "%-18s %-26s %16.10g %6zu   %-26s %16.10g %6zu %12s\n", sgr_scheme_name(cfg.kind),
            params_text(&cfg, a, sizeof a), t_cfg, w_cfg, params_text(&res.best, b, sizeof b),
            res.runtime, res.waits, tried);
    if (v.nrefused)
        fprintf(out, "  %zu sets could not be run through the round model (listed in --json)\n",
                v.nrefused);
    if (v.ncannot) {
        fprintf(out, "  %zu of the %zu sets cannot run on this workload (%zu samples), e.g. %s\n",
                v.ncannot, res.tried, samples, v.first_cannot);
        if (isnan(v.best_runnable_s))
            fprintf(out, "  none of them can run on this workload\n");
        else if (v.best_runnable_s > res.runtime)
            fprintf(out, "  best that can run here: %s, %.10g s\n",
                    params_text(&v.best_runnable, c, sizeof c), v.best_runnable_s);
    }
    o = json_pack("{s:s, s:s, s:s, s:f, s:I, s:s, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                  "scheme", sgr_scheme_name(cfg.kind), "rules", sgr_sgc_rules_name(cfg.rules),
                  "configured", a, "configured_runtime_s", isnan(t_cfg) ? -1.0 : t_cfg,
                  "configured_waits", (json_int_t)w_cfg, "best", b, "best_runtime_s", res.runtime,
                  "best_waits", (json_int_t)res.waits, "best_s", (json_int_t)res.best.s, "best_B",
                  (json_int_t)res.best.B, "best_W", (json_int_t)res.best.W, "best_lambda",
                  (json_int_t)res.best.lambda, "enumerated", (json_int_t)res.enumerated, "tried",
                  (json_int_t)res.tried);
    if (isnan(t_cfg))
        json_object_set_new(o, "configured_error", json_string(e.msg));
    json_object_set_new(o, "cannot_run_count", json_integer((json_int_t)v.ncannot));
    json_object_set(o, "cannot_run", v.cannot_run);
    json_object_set_new(o, "refused_count", json_integer((json_int_t)v.nrefused));
    json_object_set(o, "refused", v.refused);
    if (!isnan(v.best_runnable_s)) {
        json_object_set_new(o, "best_runnable",
                            json_string(params_text(&v.best_runnable, c, sizeof c)));
        json_object_set_new(o, "best_runnable_runtime_s", json_real(v.best_runnable_s));
    }
out:
    json_decref(v.cannot_run);
    json_decref(v.refused);
    return o;
}

/* Search the best parameters of every configured scheme on the scenario's straggler model or
 * trace (round model, no network), print a table to `out`, and return the results as JSON
 * (NULL on error). max_delay/max_W bound the search; 0 takes the rule set's default
 * (simgrad: 3 and 6; reference: the trace's rounds minus the jobs, and the jobs). */
static json_t *search_config(const sgr_config *cfg, const sgr_search_space *space, FILE *out,
                             sgr_err *err)
{
    const gc_cfg *c = cfg->algorithm;
    delay_inputs in = {.cfg = cfg};
    json_t *results = NULL;
    sgr_delay_model dm = {0};
    if (sgr_platform_check(&cfg->platform, &in.nhosts, err) < 0)
        goto out;
    in.n = gc_workers(c, in.nhosts);
    if (in.n == 0) {
        sgr_fail(err, "algorithm.workers: set it");
        goto out;
    }
    sgr_sgc_params params[GC_MAX_SCHEMES];
    size_t count, maxT, maxR;
    /* the parameters alone: the search does not depend on the workload's samples */
    if (gc_scheme_params(cfg, in.n, 0, true, params, &count, &maxT, &maxR, err) < 0 ||
        delay_inputs_load(&in, err) < 0)
        goto out;
    size_t jobs = params[0].jobs;
    sgr_search_space sp = resolve_space(space, params[0].rules, jobs, in.trace_rounds);
    size_t rounds = jobs + (sp.max_delay > maxT ? sp.max_delay : maxT);
    if (in.trace_rounds && rounds > in.trace_rounds)
        rounds = in.trace_rounds; /* a set needing more is refused, with the reason */
    if (delay_model(&in, rounds, &dm, err) < 0)
        goto out;
    double mu = c->mu;
    fprintf(out, "rules %s, max delay %zu, max W %zu, %zu rounds of task times%s\n",
            sgr_sgc_rules_name(params[0].rules), sp.max_delay, sp.max_W, rounds,
            in.trace_rounds ? " (trace)" : "");
    if (in.tc.fitted)
        fprintf(out,
                "base_comp fitted: %.6g s per unit of load (intercept %.6g s, R^2 %.4f, "
                "%zu task times from %zu profiles)\n",
                in.tc.comp, in.tc.intercept, in.tc.r2, in.tc.points, in.tc.profiles);
    fprintf(out, "%-18s %-26s %16s %6s   %-26s %16s %6s %12s\n", "scheme", "configured",
            "runtime (s)", "waits", "best found", "runtime (s)", "waits", "tried");
    json_t *schemes = json_array();
    for (size_t i = 0; i < count; i++) {
        json_t *o = search_scheme(params[i], &dm, mu, &sp, in.samples, out, err);
        if (!o) {
            json_decref(schemes);
            goto out;
        }
        json_array_append_new(schemes, o);
    }
    results =
        json_pack("{s:s, s:I, s:I, s:I, s:o, s:o}", "rules", sgr_sgc_rules_name(params[0].rules),
                  "max_delay", (json_int_t)sp.max_delay, "max_W", (json_int_t)sp.max_W, "rounds",
                  (json_int_t)rounds, "trace_comp", gc_trace_comp_json(&in.tc), "schemes", schemes);
out:
    free((double *)dm.base);
    free((double *)dm.per_load);
    return results;
}

const char gc_search_usage[] =
    "gradient-coding: run every admissible parameter of each scheme in algorithm.schemes\n"
    "(GC: s; SR-SGC and M-SGC: (B, W, lambda)) through the paper's round model on the\n"
    "scenario's straggler model or trace (task time = a full-data gradient's time x load x\n"
    "slowdown, or the trace adjusted by algorithm.trace_base_load/comp; no network), and print\n"
    "the configured and the best parameters with their runtimes, how many sets were tried, and\n"
    "which could not run on the scenario's workload.\n"
    "  --rules R           simgrad or reference (the authors' simulator and its enumeration);\n"
    "                      the same as --set algorithm.rules='\"R\"'\n"
    "  --max-delay T       simgrad rules: largest T searched (SR-SGC: B; M-SGC: W-2+B),\n"
    "                      default 3; reference: B <= T and W-1+B <= T, default the trace's\n"
    "                      rounds minus algorithm.jobs (3 without a trace)\n"
    "  --max-W W           largest W searched; default 6 (simgrad), algorithm.jobs (reference:\n"
    "                      SR-SGC W <= it, M-SGC W < it)\n";

/* The family's options: --rules R into the copy c of the configuration, --max-delay T and
 * --max-W W into the search space. Returns 0 or SGR_EUSER with err. */
static int search_options(const sgr_search_opts *opts, const char *path, gc_cfg *c,
                          sgr_search_space *space, sgr_err *err)
{
    for (int i = 0; i < opts->argc; i++) {
        const char *a = opts->argv[i], *v = i + 1 < opts->argc ? opts->argv[i + 1] : NULL;
        if ((strcmp(a, "--max-delay") == 0 || strcmp(a, "--max-W") == 0) && v) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 1) {
                sgr_fail(err, "%s expects a positive integer, got \"%s\"", a, v);
                return SGR_EUSER;
            }
            *(strcmp(a, "--max-delay") == 0 ? &space->max_delay : &space->max_W) = (size_t)n;
        } else if (strcmp(a, "--rules") == 0 && v) {
            /* the message the scenario's schema gives for algorithm.rules */
            if (sgr_sgc_rules_parse(v, &c->rules) < 0) {
                sgr_fail(err, "%s: algorithm.rules: expected one of simgrad|reference, got \"%s\"",
                         path, v);
                return SGR_EUSER;
            }
        } else {
            sgr_fail(err, "%s %s (simgrad search --help lists the options)",
                     a[0] == '-' ? "unknown or incomplete option" : "unexpected argument", a);
            return SGR_EUSER;
        }
        i++;
    }
    return 0;
}

int gc_search(const sgr_config *cfg, const sgr_search_opts *opts, json_t **result, sgr_err *err)
{
    gc_cfg c = *(const gc_cfg *)cfg->algorithm; /* --rules applies to this copy */
    sgr_search_space space = {0};               /* 0: the rule set's defaults */
    int rc = search_options(opts, cfg->scn->path, &c, &space, err);
    if (rc < 0)
        return rc;
    sgr_config with = *cfg;
    with.algorithm = &c;
    *result = search_config(&with, &space, opts->out, err);
    if (!*result) {
        sgr_fail_prefix(err, "%s", cfg->scn->path);
        return SGR_EUSER;
    }
    return 0;
}
