/* simgrad: leaf-spine and three-tier fabrics with a path chosen per communication.
 *
 * SimGrid gives each host pair one route. To compare path policies, the fabric family builds
 * its platform in memory as one routing zone of our own (platforms/fabric_zone.cpp): every
 * communication is started through sgr_fabric_send, which names the path (the spine, or the
 * aggregation plane and core) that the zone then routes it over. Flows are ordinary SimGrid
 * communications sharing links under SimGrid's flow-level bandwidth sharing.
 *
 * Topology. Hosts h0..h{N-1}; host h sits under leaf h / hosts_per_leaf; leaf l in pod
 * l / leaves_per_pod.
 *   leaf-spine  one pod; every leaf has one link to each of `planes` spines.
 *   three-tier  `pods` pods; every leaf has one link to each of its pod's `planes`
 *               aggregation switches; aggregation switch a of every pod has one link to each of
 *               the `cores` core switches of plane a.
 * Every cable is two links, one per direction. Paths: between leaves of one pod, the plane
 * (0..planes-1); between pods, plane * cores + core; a host pair under one leaf has one path.
 *
 * Ideal spraying (SGR_PATH_SPRAY) spreads a flow evenly over every live path. When all leaf
 * pairs have the same live paths (a healthy fabric, whole spines down, links slowed), it is
 * simulated exactly as one flow over per-leaf (and per-pod) aggregate links whose capacity is
 * live paths x the slowest live link: an even split loads every live link with 1/paths of
 * the flow, so the slowest one binds. Otherwise the caller splits the flow itself, one
 * subflow per live path (sgr_fabric_spray_aggregate says which).
 *
 * Pure C data (this header) shared by the policies, the analysis and the zone. */
#ifndef SIMGRAD_FABRIC_H
#define SIMGRAD_FABRIC_H

#include <stdbool.h>
#include <stddef.h>
#include <simgrid/forward.h>

#include "simgrad/error.h"
#include "simgrad/platform.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SGR_PATH_SPRAY (-1)

typedef enum { SGR_FABRIC_LEAF_SPINE, SGR_FABRIC_THREE_TIER } sgr_fabric_kind;

typedef struct sgr_fabric {
    sgr_fabric_kind kind;
    size_t pods, leaves_per_pod, hosts_per_leaf, planes, cores;
    size_t nleaves, nhosts;
    double host_speed;        /* flop/s */
    double host_bw, host_lat; /* each host's NIC, each direction */
    double leaf_bw, leaf_lat; /* each leaf-spine (leaf-aggregation) link */
    double core_bw, core_lat; /* each aggregation-core link (three-tier) */
    /* Per-link bandwidth factor: 1 healthy, 0 down, in (0,1) slowed. Both directions. */
    double *leaf_factor; /* [leaf * planes + plane] */
    double *core_factor; /* [(pod * planes + plane) * cores + core] */
} sgr_fabric;

/* Build the fabric description from a platform configuration of kind LEAF_SPINE or
 * THREE_TIER and a failure list (NULL or "": none). Failure items, separated by ';':
 *   spine:S           spine S down (leaf-spine)
 *   agg:P/A           aggregation switch A of pod P down (three-tier)
 *   core:A/C          core switch C of plane A down (three-tier)
 *   uplink:L/S        the link between leaf L and spine (aggregation switch) S down
 *   coreup:P/A/C      the link between aggregation switch A of pod P and core C down
 * any link item may end in @F, 0 < F < 1: the link is slowed to F of its bandwidth instead.
 * Returns 0, or -1 with err naming the key and the item (a missing spine, leaf or link, a bad
 * factor, or failures that disconnect two leaves). */
int sgr_fabric_init(sgr_fabric *f, const sgr_platform_cfg *cfg, const char *failures, sgr_err *err);
void sgr_fabric_free(sgr_fabric *f);

static inline size_t sgr_fabric_leaf(const sgr_fabric *f, size_t host)
{
    return host / f->hosts_per_leaf;
}
static inline size_t sgr_fabric_pod(const sgr_fabric *f, size_t leaf)
{
    return leaf / f->leaves_per_pod;
}

/* Number of paths between two leaves (live or not): 1 for one leaf. */
size_t sgr_fabric_npaths(const sgr_fabric *f, size_t src_leaf, size_t dst_leaf);
/* The bandwidth factor of a path (the smallest over its links; 0 if any is down). */
double sgr_fabric_path_factor(const sgr_fabric *f, size_t src_leaf, size_t dst_leaf, size_t path);
/* The live paths between two leaves, into out[0..npaths-1]; returns how many. */
size_t sgr_fabric_live_paths(const sgr_fabric *f, size_t src_leaf, size_t dst_leaf, size_t *out);
/* A leaf's live planes (a pod's live aggregation-core links) and, in *slowest, the smallest
 * bandwidth factor among them. */
size_t sgr_fabric_leaf_live(const sgr_fabric *f, size_t leaf, double *slowest);
size_t sgr_fabric_pod_live(const sgr_fabric *f, size_t pod, double *slowest);
/* Whether ideal spraying can be simulated over aggregate links (see above). */
bool sgr_fabric_spray_aggregate(const sgr_fabric *f);

/* --- the SimGrid side (platforms/fabric_zone.cpp) --- */

/* Link tiers, for per-link loads. */
typedef enum {
    SGR_LINK_HOST_UP,   /* host a -> its leaf */
    SGR_LINK_HOST_DOWN, /* leaf -> host a */
    SGR_LINK_LEAF_UP,   /* leaf a -> spine (aggregation switch) b */
    SGR_LINK_LEAF_DOWN, /* spine b -> leaf a */
    SGR_LINK_CORE_UP,   /* aggregation switch (pod a, plane b) -> core c of plane b */
    SGR_LINK_CORE_DOWN, /* core c of plane b -> aggregation switch (pod a, plane b) */
} sgr_link_tier;

typedef struct sgr_fabric_link {
    sgr_link_tier tier;
    size_t a, b, c;
    double bw; /* bytes/s as built (after any slow-down); 0 if down */
} sgr_fabric_link;

/* Build the platform: must be called after simgrid_init() instead of loading a file. f must
 * outlive the run. */
int sgr_fabric_build(const sgr_fabric *f, sgr_err *err);

/* Start a communication of `bytes` from host src to host dst over `path` (or SGR_PATH_SPRAY
 * when sgr_fabric_spray_aggregate), from within an actor. Wait for it with sg_comm_wait*. */
sg_comm_t sgr_fabric_send(size_t src, size_t dst, double bytes, int path);

/* The same through a mailbox: called by an actor on host src, it puts `payload` (not NULL)
 * into `mbox`, whose receiver runs on host dst, as a communication of `bytes` over `path`.
 * The path is taken when the communication starts (at once if mbox has a permanent receiver,
 * else when a receive matches it): one actor's puts to one pair start in the order it makes
 * them. Wait for it with sg_comm_wait*. */
sg_comm_t sgr_fabric_put(size_t src, size_t dst, double bytes, int path, sg_mailbox_t mbox,
                         void *payload);

/* What a step that is not simulated needs (an equivalent step simulated earlier gave its
 * time): add `bytes` to the loads of the links of the route from src to dst over `path`, as a
 * communication over it would. */
void sgr_fabric_credit(size_t src, size_t dst, int path, double bytes);

/* Link ids, for comparing steps up to a relabelling of links: the physical links
 * (0 .. sgr_fabric_nlinks() - 1, as below) and then the aggregates of ideal spraying, up to
 * sgr_fabric_nids(). The route from src to dst over `path`, in route order, into out (room for
 * SGR_FABRIC_MAX_ROUTE); returns its length (0 when src == dst). */
#define SGR_FABRIC_MAX_ROUTE 6
size_t sgr_fabric_nids(void);
size_t sgr_fabric_route_ids(size_t src, size_t dst, int path, size_t *out);
/* A link's bandwidth (bytes/s, as SimGrid has it) and latency (s), by id. */
void sgr_fabric_id_speed(size_t id, double *bw, double *lat);

/* Whether SimGrid runs the CM02 model with its factors at 1, network/weight-S 0 and no cross
 * traffic (the model simgrad/maxmin.h reproduces), after the platform is built: 0 with
 * network/TCP-gamma in *tcp_gamma, or -1 with err saying which setting differs. */
int sgr_fabric_plain_cm02(double *tcp_gamma, sgr_err *err);

/* The physical links (down links included, with bw 0): count, description, and the bytes
 * routed over each so far: the sizes of the communications whose route SimGrid took from the
 * zone through that link. Under aggregate spraying the physical links of a leaf (pod) are
 * credited with an even share of the aggregate's bytes. */
size_t sgr_fabric_nlinks(void);
void sgr_fabric_link_info(size_t i, sgr_fabric_link *out);
double sgr_fabric_link_bytes(size_t i);

#ifdef __cplusplus
}
#endif
#endif
