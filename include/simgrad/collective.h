/* simgrad: the flows of collective communications and the path policies that place them.
 *
 * A collective is a sequence of steps; the flows of one step start together and have equal
 * sizes (bulk-synchronous: a step ends when its last flow ends). `bytes` is each host's
 * buffer (the model or gradient size).
 *   ring-allreduce   2(n-1) steps: host i sends bytes/n to host i+1 (reduce-scatter, then
 *                    all-gather, along the ring of host indexes)
 *   reduce-scatter   n-1 such steps; all-gather: n-1 such steps
 *   all-to-all       n-1 steps (pairwise exchange): in step j host i sends bytes/n to i+j
 *   incast           1 step: every host but h0 sends `bytes` to h0 (a parameter server)
 * Steps with the same pattern key have identical flows.
 *
 * Policies turn a step's flows into subflows with a path each (simgrad/fabric.h):
 *   ecmp     each flow on one live path, hashed from (seed, source, destination)
 *   spray    each flow spread evenly over every live path (SGR_PATH_SPRAY when the fabric
 *            allows aggregate spraying, else one subflow per live path)
 *   ksplit   each flow cut into k equal subflows, each hashed onto a live path
 *   planned  flows assigned to paths by a bipartite edge colouring of the leaf-to-leaf flow
 *            multigraph so the most loaded link carries what ideal spraying puts on it; only
 *            the flows of the last (degree mod paths) colour classes are split, by
 *            McNaughton's wrap-around rule (see collective.c)
 * Hashes are per connection, so the same pair takes the same path in every step. */
#ifndef SIMGRAD_COLLECTIVE_H
#define SIMGRAD_COLLECTIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simgrad/error.h"
#include "simgrad/fabric.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    SGR_COLL_RING_ALLREDUCE,
    SGR_COLL_REDUCE_SCATTER,
    SGR_COLL_ALLGATHER,
    SGR_COLL_ALLTOALL,
    SGR_COLL_INCAST,
} sgr_collective;

typedef enum {
    SGR_POLICY_ECMP,
    SGR_POLICY_SPRAY,
    SGR_POLICY_KSPLIT,
    SGR_POLICY_PLANNED
} sgr_policy;

typedef struct sgr_flow {
    uint32_t src, dst;
    int32_t path; /* subflows only */
    double bytes;
} sgr_flow;

typedef struct sgr_flows {
    sgr_flow *v;
    size_t n, cap;
} sgr_flows;

int sgr_collective_parse(const char *s, sgr_collective *out);
const char *sgr_collective_name(sgr_collective c);
int sgr_policy_parse(const char *s, sgr_policy *out);
const char *sgr_policy_name(sgr_policy p);

/* Steps of a collective on n hosts, and the pattern key of a step. */
size_t sgr_collective_steps(sgr_collective c, size_t n);
size_t sgr_collective_pattern(sgr_collective c, size_t n, size_t step);

/* The flows of one step (replacing out's contents). Returns 0 or -1 (out of memory). */
int sgr_collective_flows(sgr_collective c, size_t n, size_t step, double bytes, sgr_flows *out);

typedef struct sgr_policy_cfg {
    sgr_policy policy;
    unsigned long seed; /* ECMP and k-split hashes */
    size_t k;           /* k-split */
} sgr_policy_cfg;

/* Place the flows of one step: subflows with paths (replacing out's contents). Flows within
 * one leaf get path 0. *splits (if not NULL) receives the number of flows split into several
 * subflows (planned). Returns 0 or -1 with err (out of memory). */
int sgr_policy_place(const sgr_fabric *f, const sgr_policy_cfg *cfg, const sgr_flows *flows,
                     sgr_flows *out, size_t *splits, sgr_err *err);

int sgr_flows_push(sgr_flows *fl, uint32_t src, uint32_t dst, int32_t path, double bytes);
void sgr_flows_free(sgr_flows *fl);

/* Edge colouring of a bipartite multigraph (left vertices 0..nl-1, right 0..nr-1) with
 * `colours` >= max degree colours, such that no two edges at a vertex share a colour
 * (Konig's theorem; alternating-path recolouring). colour[e] receives each edge's colour.
 * Returns 0, or -1 with err if colours < max degree or out of memory. */
int sgr_bipartite_edge_colour(size_t nl, size_t nr, size_t nedges, const uint32_t *left,
                              const uint32_t *right, size_t colours, uint32_t *colour,
                              sgr_err *err);

#ifdef __cplusplus
}
#endif
#endif
