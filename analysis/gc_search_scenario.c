/* `simgrad search`: the best parameters of a gradient-coding scenario's schemes on its own
 * straggler model or trace, found on the round model as the SGC paper does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simgrad/rng.h"
#include "simgrad/run.h"
#include "simgrad/sgc_search.h"

/* Task-time model of the scenario: trace rows, or the straggler model's draws applied to the
 * time of a full-data gradient on each worker's host. */
static int delay_model(const sgr_scenario *scn, size_t n, size_t rounds, sgr_delay_model *dm,
                       size_t *samples, sgr_err *err)
{
    sgr_platform_cfg pc;
    size_t nhosts;
    sgr_platform_cfg_from_scenario(scn, &pc);
    char *file = sgr_scn_path(scn, "platform.file");
    pc.file = file;
    int rc = sgr_platform_check(&pc, &nhosts, err);
    if (rc < 0) {
        free(file);
        return -1;
    }
    sgr_straggler_cfg sc;
    char *trace = NULL;
    sgr_straggler_cfg_from_scenario(scn, &sc, &trace);
    sgr_straggler_model *m =
        sgr_straggler_new(&sc, n, (unsigned long)sgr_scn_int(scn, "seed"), err);
    sgr_workload wl;
    double *base = malloc(rounds * n * sizeof *base), *per = malloc(rounds * n * sizeof *per);
    double *speed = malloc((nhosts ? nhosts : 1) * sizeof *speed);
    sgr_straggle *row = malloc(n * sizeof *row);
    rc = -1;
    if (!m || !base || !per || !speed || !row)
        goto out;
    if (sgr_workload_load_scenario(&wl, scn, 0, err) < 0)
        goto out;
    *samples = wl.train.n;
    double full = sgr_model_grad_flops(&wl.model, wl.train.n) / pc.host_speed;
    sgr_workload_free(&wl);
    gsl_rng *rng = sgr_rng_new((unsigned long)sgr_scn_int(scn, "seed"), "host-speed", 0);
    sgr_platform_speed_factors(&pc, nhosts ? nhosts : 1, rng, speed);
    gsl_rng_free(rng);
    double base_load = sgr_scn_num(scn, "algorithm.trace_base_load");
    double comp;
    if (sgr_gc_trace_comp(scn, &comp, err) < 0)
        goto out;
    for (size_t r = 0; r < rounds; r++) {
        if (sgr_straggler_next_round(m, row, err) < 0)
            goto out;
        for (size_t w = 0; w < n; w++) {
            size_t i = r * n + w;
            if (row[w].task_time >= 0) {
                base[i] = row[w].task_time - base_load * comp;
                per[i] = comp;
            } else {
                double rel = nhosts ? speed[(1 + w) % nhosts] : 1.0;
                base[i] = row[w].delay;
                per[i] = full * row[w].factor / rel;
            }
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
    free(trace);
    free(file);
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

json_t *sgr_gc_search_scenario(const sgr_scenario *scn, const sgr_search_space *space, FILE *out,
                               sgr_err *err)
{
    sgr_platform_cfg pc;
    size_t nhosts;
    sgr_platform_cfg_from_scenario(scn, &pc);
    char *file = sgr_scn_path(scn, "platform.file");
    pc.file = file;
    int rc = sgr_platform_check(&pc, &nhosts, err);
    free(file);
    if (rc < 0)
        return NULL;
    size_t n = sgr_gc_workers(scn, nhosts);
    if (n == 0) {
        sgr_fail(err, "algorithm.workers: set it");
        return NULL;
    }
    sgr_sgc_params params[SGR_MAX_SCHEMES];
    size_t count, maxT, maxR;
    if (sgr_gc_params_from_scenario(scn, n, (size_t)1 << 40, params, &count, &maxT, &maxR, err) < 0)
        return NULL;
    size_t jobs = params[0].jobs;
    size_t rounds = jobs + (space->max_delay > maxT ? space->max_delay : maxT);
    sgr_delay_model dm;
    size_t samples;
    if (delay_model(scn, n, rounds, &dm, &samples, err) < 0)
        return NULL;
    double mu = sgr_scn_num(scn, "algorithm.mu");
    json_t *results = json_array();
    fprintf(out, "%-18s %-28s %12s %6s   %-28s %12s %8s\n", "scheme", "configured", "runtime (s)",
            "waits", "best found", "runtime (s)", "tried");
    for (size_t i = 0; i < count; i++) {
        sgr_sgc_params cfg = params[i], best;
        cfg.samples = samples;
        double t_cfg = NAN, t_best;
        size_t w_cfg = 0, w_best, tried;
        sgr_err e;
        cfg.schedule_only = true;
        if (sgr_sgc_evaluate(&cfg, &dm, mu, &t_cfg, &w_cfg, &e) < 0)
            t_cfg = NAN;
        if (sgr_sgc_search(&cfg, &dm, mu, space, &best, &t_best, &w_best, &tried, err) < 0) {
            json_decref(results);
            results = NULL;
            break;
        }
        char a[64], b[64];
        fprintf(out, "%-18s %-28s %12.6g %6zu   %-28s %12.6g %8zu\n", sgr_scheme_name(cfg.kind),
                params_text(&cfg, a, sizeof a), t_cfg, w_cfg, params_text(&best, b, sizeof b),
                t_best, tried);
        json_array_append_new(
            results, json_pack("{s:s, s:s, s:f, s:s, s:f, s:I, s:I, s:I, s:I, s:I, s:I}", "scheme",
                               sgr_scheme_name(cfg.kind), "configured", a, "configured_runtime_s",
                               isnan(t_cfg) ? -1.0 : t_cfg, "best", b, "best_runtime_s", t_best,
                               "best_waits", (json_int_t)w_best, "best_s", (json_int_t)best.s,
                               "best_B", (json_int_t)best.B, "best_W", (json_int_t)best.W,
                               "best_lambda", (json_int_t)best.lambda, "tried", (json_int_t)tried));
    }
    free((double *)dm.base);
    free((double *)dm.per_load);
    return results;
}
