/* simgrad: SimGrid platform XML writers.
 *
 * SimGrid 3.32 has no C call to build zones, so every topology is written as XML that
 * simgrid_load_platform reads (and that users can inspect and reuse). Numbers are written
 * with %.17g and explicit units, so the file round-trips the configuration exactly. */
#include "simgrad/platform.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Big buffers: a 10,000-host leaf-spine is about 2 MB of XML. */
#define XML_BUFFER_SIZE (1 << 20)

static void write_header(FILE *f)
{
    fputs("<?xml version='1.0'?>\n"
          "<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
          "<platform version=\"4.1\">\n",
          f);
}

/* Every host gets a loopback route, so that two actors on one host (more workers than hosts,
 * several graph nodes per host) can talk: a memory copy, modelled as max(10 GBps, 4 x the NIC)
 * with no latency. */
static void write_loopback(FILE *f, const sgr_platform_cfg *cfg)
{
    double bw = 4.0 * cfg->host_bw > 1e10 ? 4.0 * cfg->host_bw : 1e10;
    fprintf(f, " loopback_bw=\"%.17gBps\" loopback_lat=\"0s\"", bw);
}

/* A flat cluster of hosts h{first}..h{first+n-1} on a non-blocking switch (or a backbone when
 * bb_bw > 0), with a gateway router when router_id is not NULL. */
static void write_cluster(FILE *f, const sgr_platform_cfg *cfg, const char *id, size_t first,
                          size_t n, const char *router_id, double bb_bw, double bb_lat)
{
    fprintf(f,
            "%s<cluster id=\"%s\" prefix=\"h\" suffix=\"\" radical=\"%zu-%zu\" speed=\"%.17gf\" "
            "core=\"%d\" bw=\"%.17gBps\" lat=\"%.17gs\" sharing_policy=\"SPLITDUPLEX\"",
            router_id ? "    " : "  ", id, first, first + n - 1, cfg->host_speed, cfg->cores,
            cfg->host_bw, cfg->host_lat);
    if (bb_bw > 0)
        fprintf(f, " bb_bw=\"%.17gBps\" bb_lat=\"%.17gs\"", bb_bw, bb_lat);
    write_loopback(f, cfg);
    if (router_id)
        fprintf(f, " router_id=\"%s\"", router_id);
    fputs("/>\n", f);
}

static void write_star(FILE *f, const sgr_platform_cfg *cfg)
{
    write_cluster(f, cfg, "star", 0, cfg->hosts, NULL, cfg->backbone_bw, cfg->backbone_lat);
}

/* A route between the zones {prefix}{src} and {prefix}{dst} through their routers, crossing
 * `up` in its UP direction then `down` in its DOWN direction (either may be NULL). */
static void write_zone_route(FILE *f, const char *prefix, size_t src, size_t dst, const char *up,
                             const char *down)
{
    fprintf(f,
            "    <zoneRoute src=\"%s%zu\" dst=\"%s%zu\" gw_src=\"%s%zu_router\" "
            "gw_dst=\"%s%zu_router\" symmetrical=\"NO\">",
            prefix, src, prefix, dst, prefix, src, prefix, dst);
    if (up)
        fprintf(f, "<link_ctn id=\"%s\" direction=\"UP\"/>", up);
    if (down)
        fprintf(f, "<link_ctn id=\"%s\" direction=\"DOWN\"/>", down);
    fputs("</zoneRoute>\n", f);
}

/* An edge of a routed top zone: from zone {from}{a} to zone {to}{b} through their routers,
 * crossing one link in the given direction. */
static void write_graph_edge(FILE *f, const char *from, size_t a, const char *to, size_t b,
                             const char *link, const char *direction)
{
    fprintf(f,
            "    <zoneRoute src=\"%s%zu\" dst=\"%s%zu\" gw_src=\"%s%zu_router\" "
            "gw_dst=\"%s%zu_router\" symmetrical=\"NO\"><link_ctn id=\"%s\" "
            "direction=\"%s\"/></zoneRoute>\n",
            from, a, to, b, from, a, to, b, link, direction);
}

/* Leaf-spine: one cluster per leaf (its hosts on a non-blocking leaf switch, the cluster's
 * router standing for that switch), one zone per spine holding only its router, and one
 * SPLITDUPLEX link ls_K_S from leaf K to spine S. Traffic from leaf i to leaf j goes up ls_i_S
 * and down ls_j_S with S = j mod spines: the spine depends only on the destination, which is
 * SimGrid's own fat-tree choice (destination-mod-k), so a leaf-spine and the equivalent 2-level
 * fat-tree route alike. SimGrid keeps one route per host pair; path policies that spread
 * traffic over spines live above this layer.
 *
 * The routes are implicit, so the file grows as leaves x spines, not leaves^2 (a Full zone
 * with a route per pair of leaves is 205 MB at 1,000 leaves and SimGrid cannot load it): the
 * top zone is a directed graph routed by SimGrid's DijkstraCache, with an edge from every leaf
 * to every spine (ls_K_S UP) and from spine S only to the leaves j = S mod spines (ls_j_S
 * DOWN). The only two-hop path from leaf i to leaf j is through spine j mod spines; every
 * other path is at least four hops, so Dijkstra finds exactly the destination-mod-k route. */
static void write_leaf_spine(FILE *f, const sgr_platform_cfg *cfg)
{
    size_t hpl = cfg->hosts_per_leaf;
    char id[64], router[64];
    if (cfg->leaves == 1) {
        write_cluster(f, cfg, "leaf0", 0, hpl, NULL, 0, 0);
        return;
    }
    double spine_bw = sgr_platform_spine_bw(cfg);
    fputs("  <zone id=\"world\" routing=\"DijkstraCache\">\n", f);
    for (size_t k = 0; k < cfg->leaves; k++) {
        snprintf(id, sizeof id, "leaf%zu", k);
        snprintf(router, sizeof router, "leaf%zu_router", k);
        write_cluster(f, cfg, id, k * hpl, hpl, router, 0, 0);
    }
    for (size_t s = 0; s < cfg->spines; s++)
        fprintf(f,
                "    <zone id=\"spine%zu\" routing=\"None\"><router id=\"spine%zu_router\"/>"
                "</zone>\n",
                s, s);
    for (size_t k = 0; k < cfg->leaves; k++)
        for (size_t s = 0; s < cfg->spines; s++)
            fprintf(f,
                    "    <link id=\"ls_%zu_%zu\" bandwidth=\"%.17gBps\" latency=\"%.17gs\" "
                    "sharing_policy=\"SPLITDUPLEX\"/>\n",
                    k, s, spine_bw, cfg->spine_lat);
    char link[64];
    for (size_t k = 0; k < cfg->leaves; k++) {
        for (size_t s = 0; s < cfg->spines; s++) {
            snprintf(link, sizeof link, "ls_%zu_%zu", k, s);
            write_graph_edge(f, "leaf", k, "spine", s, link, "UP");
            if (k % cfg->spines == s)
                write_graph_edge(f, "spine", s, "leaf", k, link, "DOWN");
        }
    }
    fputs("  </zone>\n", f);
}

/* A cluster with SimGrid's own topology and routing (fat-tree, dragonfly, torus). */
static void write_topology_cluster(FILE *f, const sgr_platform_cfg *cfg, const char *topology,
                                   size_t n)
{
    fprintf(f,
            "  <cluster id=\"%s\" topology=\"%s\" topo_parameters=\"%s\" prefix=\"h\" suffix=\"\" "
            "radical=\"0-%zu\" speed=\"%.17gf\" core=\"%d\" bw=\"%.17gBps\" lat=\"%.17gs\" "
            "sharing_policy=\"SPLITDUPLEX\"",
            sgr_platform_kind_name(cfg->kind), topology, cfg->topo_parameters, n - 1,
            cfg->host_speed, cfg->cores, cfg->host_bw, cfg->host_lat);
    write_loopback(f, cfg);
    fputs("/>\n", f);
}

/* WAN: one cluster per site behind its router, one SPLITDUPLEX link wan_A_B per pair A < B,
 * crossed UP from A to B and DOWN from B to A. */
static void write_wan(FILE *f, const sgr_platform_cfg *cfg)
{
    size_t hps = cfg->hosts_per_site;
    char id[64], router[64], link[64];
    if (cfg->sites == 1) {
        write_cluster(f, cfg, "site0", 0, hps, NULL, cfg->backbone_bw, cfg->backbone_lat);
        return;
    }
    fputs("  <zone id=\"world\" routing=\"Full\">\n", f);
    for (size_t k = 0; k < cfg->sites; k++) {
        snprintf(id, sizeof id, "site%zu", k);
        snprintf(router, sizeof router, "site%zu_router", k);
        write_cluster(f, cfg, id, k * hps, hps, router, cfg->backbone_bw, cfg->backbone_lat);
    }
    for (size_t a = 0; a < cfg->sites; a++)
        for (size_t b = a + 1; b < cfg->sites; b++)
            fprintf(f,
                    "    <link id=\"wan_%zu_%zu\" bandwidth=\"%.17gBps\" latency=\"%.17gs\" "
                    "sharing_policy=\"SPLITDUPLEX\"/>\n",
                    a, b, cfg->wan_bw, cfg->wan_lat);
    for (size_t a = 0; a < cfg->sites; a++) {
        for (size_t b = a + 1; b < cfg->sites; b++) {
            snprintf(link, sizeof link, "wan_%zu_%zu", a, b);
            write_zone_route(f, "site", a, b, link, NULL);
            write_zone_route(f, "site", b, a, NULL, link);
        }
    }
    fputs("  </zone>\n", f);
}

static void write_body(FILE *f, const sgr_platform_cfg *cfg, size_t n)
{
    write_header(f);
    switch (cfg->kind) {
    case SGR_PLAT_STAR:
        write_star(f, cfg);
        break;
    case SGR_PLAT_LEAF_SPINE:
        write_leaf_spine(f, cfg);
        break;
    case SGR_PLAT_FAT_TREE:
        write_topology_cluster(f, cfg, "FAT_TREE", n);
        break;
    case SGR_PLAT_DRAGONFLY:
        write_topology_cluster(f, cfg, "DRAGONFLY", n);
        break;
    case SGR_PLAT_TORUS:
        write_topology_cluster(f, cfg, "TORUS", n);
        break;
    case SGR_PLAT_WAN:
        write_wan(f, cfg);
        break;
    case SGR_PLAT_FILE:
    case SGR_PLAT_THREE_TIER:
        break; /* refused by the caller */
    }
    fputs("</platform>\n", f);
}

int sgr_platform_write_xml(const sgr_platform_cfg *cfg, const char *path, sgr_err *err)
{
    size_t n;
    if (cfg->kind == SGR_PLAT_FILE)
        return sgr_fail(err,
                        "platform.file: the platform is the user's file %s; nothing to "
                        "generate",
                        cfg->file ? cfg->file : "(none)");
    if (cfg->kind == SGR_PLAT_THREE_TIER)
        return sgr_fail(err, "platform.type: three-tier fabrics are built in memory by the "
                             "fabric family; other families use leaf-spine or fat-tree");
    if (sgr_platform_check(cfg, &n, err) < 0)
        return -1;

    int ret = -1;
    FILE *f;
    size_t len = strlen(path) + 5;
    char *tmp = malloc(len);
    char *buf = malloc(XML_BUFFER_SIZE);
    if (!tmp || !buf) {
        sgr_fail(err, "platform: out of memory writing %s", path);
        goto out_free;
    }
    snprintf(tmp, len, "%s.tmp", path);
    f = fopen(tmp, "w");
    if (!f) {
        sgr_fail(err, "platform: cannot write %s: %s", tmp, strerror(errno));
        goto out_free;
    }
    setvbuf(f, buf, _IOFBF, XML_BUFFER_SIZE);
    write_body(f, cfg, n);
    int failed = ferror(f);
    int saved = errno;
    if (fclose(f) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (failed) {
        sgr_fail(err, "platform: cannot write %s: %s", tmp, strerror(saved));
        goto out_unlink;
    }
    if (rename(tmp, path) != 0) {
        sgr_fail(err, "platform: cannot rename %s to %s: %s", tmp, path, strerror(errno));
        goto out_unlink;
    }
    ret = 0;
    goto out_free;

out_unlink:
    remove(tmp);
out_free:
    free(buf);
    free(tmp);
    return ret;
}
