/* simgrad: platform generation.
 *
 * Writes SimGrid platform XML for the topologies a scenario names; the file lands in the run
 * directory so users can inspect and reuse it. Hosts are always named h0 .. h{N-1}.
 * Generation does not call SimGrid; sgr_platform_load (platforms/platform_load.cpp) does. */
#ifndef SIMGRAD_PLATFORM_H
#define SIMGRAD_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "simgrad/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    SGR_PLAT_STAR,       /* N hosts, each with its own link, behind one switch (a backbone) */
    SGR_PLAT_LEAF_SPINE, /* leaves of hosts_per_leaf hosts; every leaf linked to every spine */
    SGR_PLAT_FAT_TREE,   /* SimGrid <cluster topology="FAT_TREE"> */
    SGR_PLAT_DRAGONFLY,  /* SimGrid <cluster topology="DRAGONFLY"> */
    SGR_PLAT_TORUS,      /* SimGrid <cluster topology="TORUS"> */
    SGR_PLAT_WAN,        /* sites (star clusters) joined pairwise by WAN links */
    SGR_PLAT_FILE,       /* the user's own XML */
    SGR_PLAT_THREE_TIER, /* pods of leaves, aggregation and core switches: fabric family only */
} sgr_platform_kind;

typedef enum {
    SGR_SPEED_CONSTANT,  /* every host at host_speed */
    SGR_SPEED_UNIFORM,   /* uniform in [speed_min, speed_max] */
    SGR_SPEED_LOGNORMAL, /* median host_speed, log-standard-deviation speed_sigma */
} sgr_speed_dist;

typedef struct sgr_platform_cfg {
    sgr_platform_kind kind;
    const char *file;  /* FILE */
    size_t hosts;      /* STAR */
    double host_speed; /* flop/s, nominal */
    int cores;
    double host_bw;     /* bytes/s of each host's NIC link */
    double host_lat;    /* seconds */
    double backbone_bw; /* STAR: bytes/s of the switch backbone; 0 = non-blocking */
    double backbone_lat;
    /* LEAF_SPINE */
    size_t leaves, hosts_per_leaf, spines;
    double spine_bw; /* bytes/s of each leaf-spine link; 0 = derive from oversub */
    double spine_lat;
    double oversubscription; /* hosts_per_leaf*host_bw / (spines*spine_bw), used if spine_bw=0 */
    /* THREE_TIER: pods of `leaves` leaves and `spines` aggregation switches each;
     * core_switches cores per aggregation plane; core_bw 0 = derive from core_oversub */
    size_t pods, core_switches;
    double core_bw, core_lat, core_oversub;
    /* FAT_TREE, DRAGONFLY, TORUS: SimGrid's topo_parameters string */
    const char *topo_parameters;
    /* WAN */
    size_t sites, hosts_per_site;
    double wan_bw, wan_lat;
    /* heterogeneity of host speeds */
    sgr_speed_dist speed_dist;
    double speed_min, speed_max, speed_sigma;
} sgr_platform_cfg;

/* Check the configuration (positive counts and rates, parameters that SimGrid's topology
 * parser would reject) and compute the host count without writing anything. For FILE, only
 * that the file is readable; *nhosts is set to 0 (known only after loading). nhosts may be
 * NULL. Returns 0, or -1 with err naming the offending scenario key ("platform.spines: ...");
 * a bad topo_parameters message also shows the expected format:
 *   fat-tree   "L;d1,...,dL;u1,...,uL;c1,...,cL"          N = d1*...*dL
 *   dragonfly  "groups,links;chassis,links;routers,links;nodes"
 *              N = groups*chassis*routers*nodes, and groups <= routers (SimGrid's routing)
 *   torus      "X,Y,..."                                  N = X*Y*...
 * Every count must be a positive integer and N at most INT_MAX (SimGrid numbers hosts with
 * an int). */
int sgr_platform_check(const sgr_platform_cfg *cfg, size_t *nhosts, sgr_err *err);

/* Check cfg, then write the platform XML to `path` (through path.tmp, renamed when complete;
 * on error no file is left behind). Returns 0, or -1 with err set; FILE is refused (there is
 * nothing to generate). What SimGrid sees, by kind:
 *   STAR        cluster "star"; links star_link_I_UP/_DOWN, star_backbone if backbone_bw > 0.
 *   LEAF_SPINE  DijkstraCache zone "world" of clusters leafK (router leafK_router), zones
 *               spineS (router spineS_router only) and SPLITDUPLEX links ls_K_S (leaf K to
 *               spine S); leaf i reaches leaf j through spine j mod spines (destination-mod-k,
 *               like SimGrid's fat-tree): the zone routes are an edge from every leaf to every
 *               spine and from spine S to the leaves j = S mod spines, so the file grows as
 *               leaves x spines. One leaf: a single cluster.
 *   FAT_TREE, DRAGONFLY, TORUS
 *               one cluster with SimGrid's topology and routing, hosts h0..h{N-1}.
 *   WAN         Full zone "world" of clusters siteK (router siteK_router, backbone if
 *               backbone_bw > 0) and SPLITDUPLEX links wan_A_B (A < B), UP from A to B.
 * Bandwidths are written in Bps and latencies in s, exactly (%.17g). THREE_TIER is refused:
 * the fabric family builds it in memory (simgrad/fabric.h). */
int sgr_platform_write_xml(const sgr_platform_cfg *cfg, const char *path, sgr_err *err);

/* Load the platform of cfg into SimGrid, after simgrid_init and before any actor; xml_path is
 * the file sgr_platform_write_xml wrote for cfg (or the user's file for FILE). A LEAF_SPINE of
 * more than one leaf, and a FAT_TREE, are built in memory instead, each as one routing zone
 * with the XML's host and link names, created in the same order, and the same route (links,
 * and latency summed in the same order) for every host pair: SimGrid 3.32 loads a zone per
 * leaf in O(leaves x hosts) (68 s of CPU for 1,000 leaves of 100 hosts) and its FAT_TREE
 * cluster in O(hosts x leaf switches) (37 s at 100,000 hosts); in memory both take 0.7 s.
 * The XML is still what ns-3 loads (network/model:ns-3 builds its topology from the XML's
 * zones), and what a user reuses. cfg may be NULL (load xml_path). Returns 0, or -1 with err
 * set; SimGrid aborts the process on a malformed file, as simgrid_load_platform does. */
int sgr_platform_load(const sgr_platform_cfg *cfg, const char *xml_path, sgr_err *err);

/* Relative speed of each host (speed / host_speed), drawn from the heterogeneity
 * distribution: factors[0..n-1]. Actors divide their flops by it. constant: 1; uniform:
 * U(speed_min, speed_max) / host_speed; lognormal: exp(speed_sigma * N(0,1)), median 1.
 * Draws from rng in host order, so a seed fixes every host's factor. Can't fail (for a
 * configuration that passed sgr_platform_check). */
void sgr_platform_speed_factors(const sgr_platform_cfg *cfg, size_t n, gsl_rng *rng,
                                double *factors);

/* Bandwidth (bytes/s) of each LEAF_SPINE leaf-spine link: spine_bw if set, otherwise
 * hosts_per_leaf*host_bw / (spines*oversubscription). Meaningful only for a configuration
 * that passed sgr_platform_check. Can't fail. */
double sgr_platform_spine_bw(const sgr_platform_cfg *cfg);

/* Bandwidth (bytes/s) of each THREE_TIER aggregation-core link: core_bw if set, otherwise
 * leaves * spine_bw / (core_switches * core_oversub). Can't fail. */
double sgr_platform_core_bw(const sgr_platform_cfg *cfg);

/* Names as scenarios spell them: "star", "leaf-spine", "fat-tree", "dragonfly", "torus",
 * "wan", "file", "three-tier". parse returns 0, or -1 (leaving *out alone) for an unknown name;
 * kind_name returns "unknown" for a value outside the enum. */
int sgr_platform_kind_parse(const char *s, sgr_platform_kind *out);
const char *sgr_platform_kind_name(sgr_platform_kind k);

/* "constant", "uniform", "lognormal"; same conventions as the kind functions. */
int sgr_speed_dist_parse(const char *s, sgr_speed_dist *out);
const char *sgr_speed_dist_name(sgr_speed_dist d);

#ifdef __cplusplus
}
#endif
#endif
