/* simgrad: flows that start together on fixed routes, shared under max-min fairness, timed
 * without SimGrid.
 *
 * The model is SimGrid's CM02 network model as the fabric family configures it (latency and
 * bandwidth factors 1, network/weight-S 0, no cross traffic): a flow over a route first waits
 * the sum of its links' latencies, then shares each link's bandwidth with the flows crossing
 * it. The shares are SimGrid's weighted max-min (src/kernel/lmm/maxmin.cpp): a flow's sharing
 * penalty is its route latency, so a link saturated at level L gives each flow it bottlenecks
 * the rate L / penalty; a flow's rate is also capped by its bound (SimGrid: the slowest link
 * of its route and TCP-gamma / (2 x latency)). A flow ends when its bytes are through.
 *
 * Why it is cheap where SimGrid is not. SimGrid solves the whole system again at every flow
 * completion. But water-filling fixes flows in increasing level order, and a flow that leaves
 * at level L only takes part in the fill from L on: every flow fixed below L keeps its rate
 * (a link that bottlenecks a flow at level l < L carries no flow faster than l, so the
 * leaver crosses none). sgr_maxmin_run therefore re-solves, at each completion, only the
 * flows at or above the lowest level that left: when the flows of a step start together,
 * with equal sizes and equal penalties, the fastest leave first and that set is empty, and a
 * step costs one solve. Arrivals (a latency group entering) re-solve everything. The result
 * is the exact max-min trajectory; SimGrid's differs from it only by its solver precision
 * (maxmin/precision, 1e-5 relative). */
#ifndef SIMGRAD_MAXMIN_H
#define SIMGRAD_MAXMIN_H

#include <stddef.h>
#include <stdint.h>

/* One batch of flows: flow i crosses links ids[off[i] .. off[i+1]-1] (ids < nlinks), has
 * `bytes[i]` to send, route latency lat[i] (s, also its sharing penalty) and rate bound
 * bound[i] (bytes/s; <= 0: none). A flow with an empty route ends at time 0 (SimGrid: no
 * link, infinite bandwidth). */
typedef struct sgr_maxmin_flows {
    size_t n;
    const size_t *off;
    const uint32_t *ids;
    const double *bytes, *lat, *bound;
} sgr_maxmin_flows;

/* What a run cost: completion events, and flows re-solved over all of them. */
typedef struct sgr_maxmin_stats {
    size_t events, solves, resolved;
} sgr_maxmin_stats;

typedef struct sgr_maxmin sgr_maxmin;

/* A solver for links 0 .. nlinks-1 of bandwidth cap[i] bytes/s (copied; 0: a link no flow
 * may cross). Returns NULL when out of memory. */
sgr_maxmin *sgr_maxmin_new(size_t nlinks, const double *cap);
void sgr_maxmin_free(sgr_maxmin *m);

/* Start every flow of fl at time 0 and run them to their ends: *end gets the time the last
 * one ends, finish (if not NULL) each flow's end. Returns 0; -1 when out of memory or when a
 * flow can never end (it crosses a link of bandwidth 0). Adds its costs to *stats if not
 * NULL. */
int sgr_maxmin_run(sgr_maxmin *m, const sgr_maxmin_flows *fl, double *end, double *finish,
                   sgr_maxmin_stats *stats);

#endif
