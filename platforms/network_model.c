/* simgrad: flow or packet level, what packet level refuses and why, and the settings ns-3
 * needs (see include/simgrad/network.h and docs/packet.md for the evidence). */
#include "simgrad/network.h"
#include "simgrad/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The binding numbers its point-to-point networks "N.L.0.0/16" with L wrapping at 255 and
 * asserts N < 255 (network_ns3.cpp, ns3_add_direct_route): about 64,770 links in all. */
#define NS3_MAX_LINKS 64000

/* Every socket's send buffer: larger than any message, so that the binding buffers a whole
 * message when the connection opens, before the receiver's socket exists; with ns-3's 128 KiB
 * the binding closes the receiver early and a larger message ends before its last byte
 * arrives, or aborts the run (ns3_simulator.cpp, send_cb and normalClose_callback). */
#define NS3_SEND_BUFFER 1073741824.0

bool sgr_network_uses_links_platform(const sgr_network_cfg *cfg)
{
    return cfg->model == SGR_NET_PACKET || cfg->same_routes;
}

static size_t links_of(const sgr_platform_cfg *p)
{
    switch (p->kind) {
    case SGR_PLAT_STAR:
        return p->hosts;
    case SGR_PLAT_LEAF_SPINE:
        return p->leaves * p->hosts_per_leaf + (p->leaves > 1 ? p->leaves * p->spines : 0);
    case SGR_PLAT_WAN:
        return p->sites * p->hosts_per_site + p->sites * (p->sites - 1) / 2;
    default:
        return 0;
    }
}

/* The platform kinds the links platform (and so ns-3) can have, with the reason for the
 * others. key is the scenario key the message names. */
static int check_platform(const sgr_platform_cfg *p, const char *what, sgr_err *err)
{
    switch (p->kind) {
    case SGR_PLAT_STAR:
    case SGR_PLAT_WAN:
        if (p->backbone_bw > 0)
            return sgr_fail(err,
                            "platform.backbone_bw: %s cannot have a shared backbone: SimGrid's "
                            "backbone is one capacity shared by both directions of every "
                            "host's traffic, while ns-3 offers full-duplex point-to-point "
                            "links or the binding's CSMA bus, which replaces the hosts' own "
                            "links; set platform.backbone_bw to 0 (a non-blocking switch)",
                            what);
        break;
    case SGR_PLAT_LEAF_SPINE:
        break;
    case SGR_PLAT_FAT_TREE:
    case SGR_PLAT_DRAGONFLY:
    case SGR_PLAT_TORUS:
        return sgr_fail(err,
                        "platform.type: %s cannot run on %s: SimGrid's ns-3 binding gets no "
                        "link from a <cluster topology=...> (its hosts are \"unknown to "
                        "ns-3\"), and written link by link the topology would be routed by "
                        "ns-3's shortest paths instead of its own routing; use leaf-spine (a "
                        "two-level fat-tree), star or wan",
                        what, sgr_platform_kind_name(p->kind));
    case SGR_PLAT_FILE:
        return sgr_fail(err,
                        "platform.type: %s cannot run on a platform file: SimGrid's ns-3 "
                        "binding ignores every route of more than one link, joins a "
                        "cluster's hosts by one CSMA bus and divides by zero on a cluster "
                        "without backbone; use star, leaf-spine or wan (their platform.xml is "
                        "written for ns-3)",
                        what);
    case SGR_PLAT_THREE_TIER:
        return sgr_fail(err,
                        "platform.type: %s cannot run on three-tier (not written for "
                        "ns-3); use leaf-spine",
                        what);
    }
    if (links_of(p) > NS3_MAX_LINKS)
        return sgr_fail(err,
                        "platform: %zu links exceed what SimGrid's ns-3 binding can address "
                        "(%d: it numbers one /16 network per link)",
                        links_of(p), NS3_MAX_LINKS);
    return 0;
}

/* What the run asks of the network that ns-3 has not (a family refuses its own things). */
static int check_run(const sgr_config *cfg, sgr_err *err)
{
    if (cfg->output.paje)
        return sgr_fail(err, "output.paje: not at packet level: SimGrid's tracer reads the "
                             "bandwidth-sharing variable of each transfer that ends, which a "
                             "transfer in ns-3 has not (instr_platform.cpp, "
                             "on_action_state_change): the run segfaults");
    if (cfg->host_failures)
        return sgr_fail(err, "stragglers.host_failures: not at packet level: SimGrid's ns-3 "
                             "binding cannot fail a link (LinkNS3::apply_event is unimplemented) "
                             "and a host turned off keeps its ns-3 node sending");
    return 0;
}

int sgr_network_check(const sgr_network_cfg *net, const sgr_config *cfg, sgr_err *err)
{
    if (net->model == SGR_NET_PACKET) {
        if (check_platform(&cfg->platform, "network.model packet", err) < 0)
            return -1;
        return check_run(cfg, err);
    }
    if (net->same_routes)
        return check_platform(&cfg->platform, "network.same_routes", err);
    return 0;
}

int sgr_network_ns3_env(const sgr_network_cfg *cfg, char *buf, size_t len)
{
    int n = snprintf(buf, len,
                     "ns3::TcpSocket::SndBufSize=%.0f;ns3::TcpSocket::RcvBufSize=%.0f;"
                     "ns3::Ipv4GlobalRouting::RandomEcmpRouting=%s;"
                     "ns3::TcpSocketBase::ReTxThreshold=%ld",
                     NS3_SEND_BUFFER, cfg->tcp_window,
                     cfg->ecmp == SGR_ECMP_SPRAY ? "true" : "false", cfg->tcp_dupacks);
    return n > 0 && (size_t)n < len ? 0 : -1;
}

bool sgr_network_env_ready(const sgr_network_cfg *cfg)
{
    if (cfg->model != SGR_NET_PACKET)
        return true;
    char want[512];
    if (sgr_network_ns3_env(cfg, want, sizeof want) < 0)
        return false;
    const char *have = getenv("NS_ATTRIBUTE_DEFAULT");
    size_t n = strlen(want);
    return have && strncmp(have, want, n) == 0 && (have[n] == '\0' || have[n] == ';');
}

int sgr_network_require_env(const sgr_network_cfg *cfg, sgr_err *err)
{
    char want[512];
    if (sgr_network_env_ready(cfg))
        return 0;
    sgr_network_ns3_env(cfg, want, sizeof want);
    return sgr_fail(err,
                    "network.model packet: ns-3 reads its attribute defaults once, before main: "
                    "start this process with NS_ATTRIBUTE_DEFAULT='%s' (simgrad run does)",
                    want);
}

int sgr_network_sg_argv(const sgr_network_cfg *cfg, const sgr_platform_cfg *plat,
                        unsigned long seed, char **argv)
{
    char buf[128];
    int n = 0;
    if (cfg->model == SGR_NET_PACKET) {
        argv[n++] = strdup("--cfg=network/model:ns-3");
        if (cfg->newreno)
            argv[n++] = strdup("--cfg=ns3/TcpModel:NewReno");
        /* ns-3 seeds must be positive ints; the seed drives random ECMP */
        snprintf(buf, sizeof buf, "--cfg=ns3/seed:%lu", 1 + seed % 2147483646UL);
        argv[n++] = strdup(buf);
    } else if (cfg->same_routes) {
        /* the clusters' loopback, which a zone of links takes from these settings */
        double bw = 4.0 * plat->host_bw > 1e10 ? 4.0 * plat->host_bw : 1e10;
        snprintf(buf, sizeof buf, "--cfg=network/loopback-bw:%.17g", bw);
        argv[n++] = strdup(buf);
        argv[n++] = strdup("--cfg=network/loopback-lat:0");
    }
    for (int i = 0; i < n; i++)
        if (!argv[i])
            return -1;
    return n;
}

int sgr_network_setenv(const sgr_network_cfg *cfg, sgr_err *err)
{
    char want[512];
    if (sgr_network_ns3_env(cfg, want, sizeof want) < 0)
        return sgr_fail(err, "internal: ns-3 settings too long");
    const char *old = getenv("NS_ATTRIBUTE_DEFAULT");
    size_t len = strlen(want) + (old ? strlen(old) : 0) + 2;
    char *v = malloc(len);
    if (!v)
        return sgr_fail(err, "out of memory");
    /* ns-3 keeps the first value of a repeated name: ours first, the user's others after */
    snprintf(v, len, "%s%s%s", want, old && old[0] ? ";" : "", old ? old : "");
    int rc = setenv("NS_ATTRIBUTE_DEFAULT", v, 1);
    free(v);
    return rc == 0 ? 0 : sgr_fail(err, "setenv NS_ATTRIBUTE_DEFAULT failed");
}

int sgr_network_reexec(const sgr_network_cfg *cfg, char **argv, sgr_err *err)
{
    if (sgr_network_env_ready(cfg))
        return 0;
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0)
        return sgr_fail(err, "network.model packet: cannot find my own executable to restart "
                             "with ns-3's settings");
    self[len] = '\0';
    if (sgr_network_setenv(cfg, err) < 0)
        return -1;
    fflush(NULL);
    argv[0] = self;
    execv(self, argv);
    return sgr_fail(err, "network.model packet: cannot restart %s with ns-3's settings", self);
}

void sgr_network_exit(int status)
{
    fflush(NULL);
    _exit(status);
}
