/* simgrad: platforms written the way SimGrid 3.32's ns-3 binding accepts them.
 *
 * The binding (src/surf/network_ns3.cpp, routeCreation_cb) turns every route of exactly one
 * link into one ns-3 point-to-point link between the route's two ends and ignores longer
 * routes; its only other source of links is a flat <cluster>, whose hosts it also joins by a
 * CSMA bus that then carries all intra-cluster traffic (measured: the hosts' own links are
 * never crossed). So a switched network is written here as hosts, one router per switch and
 * one route per cable; ns-3's global routing finds the paths. The same file is a valid
 * flow-level platform: the zone routes by shortest path over the same links (network
 * .same_routes). See include/simgrad/network.h and docs/packet.md. */
#include "simgrad/network.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/engine.h>

#define XML_BUFFER_SIZE (1 << 20)

static void write_hosts(FILE *f, const sgr_platform_cfg *cfg, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "    <host id=\"h%zu\" speed=\"%.17gf\" core=\"%d\"/>\n", i, cfg->host_speed,
                cfg->cores);
}

static void write_link(FILE *f, const char *id, double bw, double lat)
{
    fprintf(f,
            "    <link id=\"%s\" bandwidth=\"%.17gBps\" latency=\"%.17gs\" "
            "sharing_policy=\"SPLITDUPLEX\"/>\n",
            id, bw, lat);
}

/* One cable: a SPLITDUPLEX link crossed UP from src to dst (DOWN back, the route being
 * symmetrical), and its one-link route, which the binding turns into a ns-3 link. The DTD
 * wants a zone's links before its routes: pass 0 writes the link, pass 1 the route. */
static void write_cable(FILE *f, int pass, const char *src, const char *dst, const char *id,
                        double bw, double lat)
{
    if (pass == 0)
        write_link(f, id, bw, lat);
    else
        fprintf(f,
                "    <route src=\"%s\" dst=\"%s\" symmetrical=\"YES\"><link_ctn id=\"%s\" "
                "direction=\"UP\"/></route>\n",
                src, dst, id);
}

/* Hosts first..first+n-1 cabled to `sw` with their NIC links. */
static void write_host_cables(FILE *f, int pass, const sgr_platform_cfg *cfg, size_t first,
                              size_t n, const char *sw)
{
    char host[32], link[48];
    for (size_t i = first; i < first + n; i++) {
        snprintf(host, sizeof host, "h%zu", i);
        snprintf(link, sizeof link, "h%zu_link", i);
        write_cable(f, pass, host, sw, link, cfg->host_bw, cfg->host_lat);
    }
}

static void write_star(FILE *f, int pass, const sgr_platform_cfg *cfg)
{
    write_host_cables(f, pass, cfg, 0, cfg->hosts, "switch");
}

/* Spines are declared, and cabled, in order: ns-3's global routing keeps the first of the
 * equal-cost routes it finds, which is then spine 0 for every leaf pair, and so is the
 * shortest path SimGrid's zone picks (measured: docs/packet.md). */
static void write_leaf_spine(FILE *f, int pass, const sgr_platform_cfg *cfg)
{
    char a[32], b[32], link[64];
    size_t hpl = cfg->hosts_per_leaf;
    for (size_t k = 0; k < cfg->leaves; k++) {
        snprintf(a, sizeof a, "leaf%zu", k);
        write_host_cables(f, pass, cfg, k * hpl, hpl, a);
    }
    if (cfg->leaves == 1)
        return; /* one leaf: no spine is ever crossed, as in the flow-level platform */
    double bw = sgr_platform_spine_bw(cfg);
    for (size_t k = 0; k < cfg->leaves; k++) {
        for (size_t s = 0; s < cfg->spines; s++) {
            snprintf(a, sizeof a, "leaf%zu", k);
            snprintf(b, sizeof b, "spine%zu", s);
            snprintf(link, sizeof link, "ls_%zu_%zu", k, s);
            write_cable(f, pass, a, b, link, bw, cfg->spine_lat);
        }
    }
}

static void write_wan(FILE *f, int pass, const sgr_platform_cfg *cfg)
{
    char a[32], b[32], link[64];
    size_t hps = cfg->hosts_per_site;
    for (size_t k = 0; k < cfg->sites; k++) {
        snprintf(a, sizeof a, "site%zu", k);
        write_host_cables(f, pass, cfg, k * hps, hps, a);
    }
    for (size_t x = 0; x < cfg->sites; x++) {
        for (size_t y = x + 1; y < cfg->sites; y++) {
            snprintf(a, sizeof a, "site%zu", x);
            snprintf(b, sizeof b, "site%zu", y);
            snprintf(link, sizeof link, "wan_%zu_%zu", x, y);
            write_cable(f, pass, a, b, link, cfg->wan_bw, cfg->wan_lat);
        }
    }
}

/* The routers: one per switch. */
static void write_routers(FILE *f, const sgr_platform_cfg *cfg)
{
    if (cfg->kind == SGR_PLAT_STAR)
        fputs("    <router id=\"switch\"/>\n", f);
    for (size_t k = 0; cfg->kind == SGR_PLAT_LEAF_SPINE && k < cfg->leaves; k++)
        fprintf(f, "    <router id=\"leaf%zu\"/>\n", k);
    for (size_t s = 0; cfg->kind == SGR_PLAT_LEAF_SPINE && cfg->leaves > 1 && s < cfg->spines; s++)
        fprintf(f, "    <router id=\"spine%zu\"/>\n", s);
    for (size_t k = 0; cfg->kind == SGR_PLAT_WAN && k < cfg->sites; k++)
        fprintf(f, "    <router id=\"site%zu\"/>\n", k);
}

static int write_body(FILE *f, const sgr_platform_cfg *cfg, size_t n, sgr_err *err)
{
    fputs("<?xml version='1.0'?>\n"
          "<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
          "<platform version=\"4.1\">\n"
          "  <!-- written for SimGrid's ns-3 binding: one route per cable (see simgrad's "
          "docs/packet.md) -->\n"
          "  <zone id=\"world\" routing=\"DijkstraCache\">\n",
          f);
    write_hosts(f, cfg, n);
    write_routers(f, cfg);
    for (int pass = 0; pass < 2; pass++) {
        switch (cfg->kind) {
        case SGR_PLAT_STAR:
            write_star(f, pass, cfg);
            break;
        case SGR_PLAT_LEAF_SPINE:
            write_leaf_spine(f, pass, cfg);
            break;
        case SGR_PLAT_WAN:
            write_wan(f, pass, cfg);
            break;
        default:
            return sgr_fail(err, "platform.type: %s cannot be written for ns-3",
                            sgr_platform_kind_name(cfg->kind));
        }
    }
    fputs("  </zone>\n</platform>\n", f);
    return 0;
}

int sgr_platform_write_links_xml(const sgr_platform_cfg *cfg, const char *path, sgr_err *err)
{
    size_t n;
    if (sgr_platform_check(cfg, &n, err) < 0)
        return -1;
    if (cfg->backbone_bw > 0 && (cfg->kind == SGR_PLAT_STAR || cfg->kind == SGR_PLAT_WAN))
        return sgr_fail(err, "platform.backbone_bw: a shared backbone cannot be written for "
                             "ns-3 (see network.model)");
    int ret = -1;
    size_t len = strlen(path) + 5;
    char *tmp = malloc(len);
    char *buf = malloc(XML_BUFFER_SIZE);
    FILE *f = NULL;
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
    int bad = write_body(f, cfg, n, err) < 0;
    int failed = ferror(f);
    int saved = errno;
    if (fclose(f) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (bad)
        goto out_unlink;
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

int sgr_platform_load_links(const sgr_platform_cfg *cfg, const char *path, sgr_err *err)
{
    if (sgr_platform_write_links_xml(cfg, path, err) < 0)
        return -1;
    simgrid_load_platform(path);
    return 0;
}
