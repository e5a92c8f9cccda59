/* The gradient-coding family's results: each scheme's runtime, waits, load and decoding
 * (summary.json and the table on stdout), and the end of a run. */
#include <stdio.h>
#include <stdlib.h>

#include <simgrid/engine.h>

#include "simgrad/run.h"

#include "simgrad/results.h"
#include "families/gradient_coding/gradient_coding.h"

static void reference_times(const gc_result *res, size_t count, double *gc, double *uncoded)
{
    *gc = *uncoded = 0;
    for (size_t i = 0; i < count; i++) {
        if (res[i].kind == SGR_SCHEME_GC)
            *gc = res[i].runtime;
        if (res[i].kind == SGR_SCHEME_UNCODED)
            *uncoded = res[i].runtime;
    }
}

json_t *gc_results_json(const gc_result *res, size_t count)
{
    double gc_time, uncoded_time;
    reference_times(res, count, &gc_time, &uncoded_time);
    json_t *arr = json_array();
    for (size_t i = 0; i < count; i++) {
        const gc_result *r = &res[i];
        json_t *o = json_pack(
            "{s:s, s:f, s:f, s:f, s:I, s:I, s:f, s:I, s:I, s:I, s:o, s:o, s:o, s:b}", "scheme",
            sgr_scheme_name(r->kind), "runtime_s", r->runtime, "rounds_s", r->rounds_s, "decode_s",
            r->decode_s, "rounds", (json_int_t)r->rounds, "waits", (json_int_t)r->waits, "load",
            r->load, "delay_T", (json_int_t)r->T, "decode_failures", (json_int_t)r->decode_failures,
            "stragglers_dropped", (json_int_t)r->stragglers, "max_decode_rel_error",
            sgr_json_real(r->max_err), "max_decode_residual", sgr_json_real(r->max_resid),
            "final_train_loss", sgr_json_real(r->final_loss), "diverged", r->diverged_round >= 0);
        if (o && r->diverged_round >= 0)
            json_object_set_new(o, "diverged_round", json_integer(r->diverged_round));
        if (gc_time > 0)
            json_object_set_new(o, "runtime_vs_gc", json_real(r->runtime / gc_time));
        if (uncoded_time > 0)
            json_object_set_new(o, "runtime_vs_uncoded", json_real(r->runtime / uncoded_time));
        json_array_append_new(arr, o);
    }
    return arr;
}

void gc_results_print(FILE *out, const gc_result *res, size_t count, const gc_trace_comp *tc)
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
        const gc_result *r = &res[i];
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

static void free_state(gc_state *gs)
{
    for (size_t i = 0; i < gs->ntasks; i++) {
        gc_task *t = gs->all_tasks[i];
        free(t->mini);
        free(t->segs);
        free(t->coefs);
        free(t->results);
        free(t);
    }
    free(gs->all_tasks);
    gc_workers_free(gs);
    sgr_inbox_free(gs->inbox);
    free(gs->work);
    free(gs->models);
    free(gs->grad);
    free(gs->truth);
    free(gs->straggles);
    free(gs->round_tasks);
    free(gs->straggler);
    free(gs->returned);
    free(gs);
}

/* The run diverged if a scheme's model did (its schedule went on): where it first did. */
static void mark_divergence(const gc_state *gs, json_t *results)
{
    const gc_result *first = NULL;
    for (size_t i = 0; i < gs->nschemes_done; i++) {
        const gc_result *r = &gs->res[i];
        if (r->diverged_round >= 0 && (!first || r->diverged_round < first->diverged_round))
            first = r;
    }
    if (!results)
        return;
    if (!first) {
        sgr_results_converged(results);
        return;
    }
    char at[96];
    sgr_results_diverged(results, "round", (double)first->diverged_round);
    snprintf(at, sizeof at, "%s, round %ld", sgr_scheme_name(first->kind), first->diverged_round);
    json_object_set_new(results, "diverged_at", json_string(at));
}

int gc_finish(sgr_run *run, sgr_err *err)
{
    gc_state *gs = run->state;
    int rc = 0;
    if (!gs)
        return 0;
    if (gs->error) {
        *err = gs->err;
        rc = gs->error;
    } else if (gs->nschemes_done < gs->nschemes && !sgr_run_interrupted()) {
        rc = sgr_fail(err, "gradient-coding stopped after %zu of %zu schemes", gs->nschemes_done,
                      gs->nschemes);
    }
    size_t failures = 0;
    for (size_t i = 0; i < gs->nschemes_done; i++)
        failures += gs->res[i].decode_failures;
    run->results = json_pack(
        "{s:o, s:I, s:I, s:I, s:I, s:f, s:I, s:s, s:b}", "schemes",
        gc_results_json(gs->res, gs->nschemes_done), "workers", (json_int_t)gs->n, "jobs",
        (json_int_t)gs->jobs, "models", (json_int_t)gs->M, "decode_failures", (json_int_t)failures,
        "simulated_time_s", simgrid_get_clock(), "parameters", (json_int_t)gs->np, "rules",
        sgr_sgc_rules_name(gs->rules), "decode_charged", gs->charge_decode);
    mark_divergence(gs, run->results);
    bool traced = gs->run->stragglers.kind == SGR_STRAG_TRACE;
    if (traced)
        json_object_set_new(run->results, "trace_comp", gc_trace_comp_json(&gs->tc));
    if (gs->nschemes_done) {
        printf("rules %s; decoding %s\n", sgr_sgc_rules_name(gs->rules),
               gs->charge_decode ? "charged on the master (decode_s)"
                                 : "not charged (round model)");
        gc_results_print(stdout, gs->res, gs->nschemes_done, traced ? &gs->tc : NULL);
    }
    free_state(gs);
    run->state = NULL;
    return rc;
}
