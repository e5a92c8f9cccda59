/* The ping family's results (summary.json): per experiment (a size and a load), the messages'
 * mean, min and max time, the makespan (a repeat's slowest message; mean and worst over the
 * repeats), the effective bandwidth, and the nominal time of a lone flow on flow 0's route
 * (latency + size / bandwidth, SimGrid's own route figures). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "simgrad/run.h"
#include "families/ping/ping.h"

static json_t *experiment_results(const ping_state *ps, size_t s, size_t l)
{
    const ping_cfg *c = ps->c;
    size_t load = c->loads[l], e = s * c->nloads + l;
    double sum = 0, lo = INFINITY, hi = 0, spans = 0, worst = 0;
    for (size_t r = 0; r < c->repeats; r++) {
        const double *t = ps->times + (e * c->repeats + r) * c->nflows;
        double last = 0;
        for (size_t j = 0; j < load; j++) {
            sum += t[j];
            lo = fmin(lo, t[j]);
            hi = fmax(hi, t[j]);
            last = fmax(last, t[j]);
        }
        spans += last;
        worst = fmax(worst, last);
    }
    double size = c->sizes[s], mean = sum / (double)(c->repeats * load);
    double nominal = ps->route_lat + size / ps->route_bw;
    char name[64];
    if (c->pattern == PING_PAIRS)
        snprintf(name, sizeof name, "%.0fB", size);
    else
        snprintf(name, sizeof name, "%.0fBx%zu", size, load);
    return json_pack("{s:s, s:f, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "experiment", name,
                     "size_bytes", size, "load", (json_int_t)load, "time_s", mean, "time_min_s", lo,
                     "time_max_s", hi, "makespan_s", spans / (double)c->repeats, "worst_makespan_s",
                     worst, "bandwidth_Bps", size / mean, "nominal_time_s", nominal,
                     "time_vs_nominal", mean / nominal);
}

int sgr_ping_finish(sgr_run *run, sgr_err *err)
{
    ping_state *ps = run->state;
    if (!ps)
        return 0;
    const ping_cfg *c = ps->c;
    int rc = 0;
    if (!ps->finished && !sgr_run_interrupted())
        rc = sgr_fail(err, "ping: the driver stopped before its last experiment (deadlock?)");
    json_t *exps = json_array();
    for (size_t s = 0; rc == 0 && !sgr_run_interrupted() && s < c->nsizes; s++)
        for (size_t l = 0; l < c->nloads; l++)
            json_array_append_new(exps, experiment_results(ps, s, l));
    bool pairs = c->pattern == PING_PAIRS;
    run->results =
        json_pack("{s:s, s:o, s:I, s:I, s:f, s:f}", "pattern", pairs ? "pairs" : "incast",
                  "experiments", exps, pairs ? "pairs" : "receiver",
                  (json_int_t)(pairs ? c->pairs : c->receiver), "repeats", (json_int_t)c->repeats,
                  "route_latency_s", ps->route_lat, "route_bandwidth_Bps", ps->route_bw);
    ping_state_free(ps);
    run->state = NULL;
    return rc;
}
