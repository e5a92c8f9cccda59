/* simgrad: the network model of a run, flow level (SimGrid's bandwidth sharing) or packet
 * level (ns-3 3.37 through SimGrid 3.32's binding, src/surf/network_ns3.cpp).
 *
 * What the binding accepts, measured and read in its source (docs/packet.md has the details):
 *  - it builds one ns-3 point-to-point link per SimGrid route of exactly one link, and per host
 *    of a flat <cluster> a link to the cluster's router plus one CSMA bus joining all of the
 *    cluster's hosts (the bus carries every intra-cluster packet; a 0 backbone bandwidth makes
 *    that bus divide by zero: SIGFPE while the platform loads). Longer routes are ignored;
 *    fat-tree, dragonfly and torus clusters announce no link at all (every host is "unknown to
 *    ns-3"). So the packet-level platforms are written as hosts, switches (routers) and
 *    one-link routes (sgr_platform_write_links_xml), and ns-3's global routing (shortest paths,
 *    the first of equal-cost routes, or one at random per packet) routes them.
 *  - it completes a message when the sender's socket closes; it closes the receiver's sockets
 *    as soon as the whole message is buffered at the sender, so a message larger than the
 *    send buffer ends early or aborts ("total_bytes is not sent_bytes"). simgrad gives every
 *    socket a 2 GiB send buffer through ns-3's NS_ATTRIBUTE_DEFAULT environment variable,
 *    which must be set before the process starts (ns-3 reads it once, during static
 *    initialisation): `simgrad run` re-executes itself with it.
 *  - ns3::Simulator::Destroy crashes in SimGrid's engine teardown at exit: write and flush
 *    every output, then leave with _exit (sgr_network_exit).
 *
 * Pure C, but for sgr_network_quiesce, sgr_network_sendto_async and
 * sgr_platform_load_links. */
#ifndef SIMGRAD_NETWORK_H
#define SIMGRAD_NETWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <simgrid/forward.h>
#include "simgrad/error.h"
#include "simgrad/platform.h"
#include "simgrad/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { SGR_NET_FLOW, SGR_NET_PACKET } sgr_net_model;
typedef enum { SGR_ECMP_FIRST, SGR_ECMP_SPRAY } sgr_net_ecmp;

typedef struct sgr_network_cfg {
    sgr_net_model model;
    sgr_net_ecmp ecmp; /* packet: the first equal-cost route, or one at random per packet */
    bool newreno;      /* packet: TCP NewReno instead of ns-3's default CUBIC */
    double tcp_window; /* packet: bytes of every socket's receive buffer */
    long tcp_dupacks;  /* packet: duplicate ACKs before a fast retransmit */
    bool same_routes;  /* flow on the platform written for ns-3 */
} sgr_network_cfg;

/* The network section of a validated scenario (scenario/config.c, with the other sections;
 * sgr_config_parse fills sgr_config.network with it). Can't fail. */
void sgr_network_cfg_from_scenario(const sgr_scenario *scn, sgr_network_cfg *cfg);

/* Whether the run's platform is written as hosts, switches and one-link routes (packet
 * level, or flow level with same_routes) instead of SimGrid clusters. */
bool sgr_network_uses_links_platform(const sgr_network_cfg *cfg);

/* Refuse what packet level cannot run, each with its reason: a platform the binding cannot
 * represent (fat-tree, dragonfly, torus, three-tier, a file, a shared backbone), host failures
 * (ns-3 links neither fail nor change). A family refuses what it cannot do at packet level in
 * its own check (fabric: policies other than spray). Returns 0 or -1 with err naming the key. */
typedef struct sgr_config sgr_config;
int sgr_network_check(const sgr_network_cfg *net, const sgr_config *cfg, sgr_err *err);

/* The value NS_ATTRIBUTE_DEFAULT must hold for a packet-level run of cfg (ns-3 attribute
 * defaults: send buffer, receive buffer, random ECMP), into buf. Returns 0, or -1 when buf is
 * too small. */
int sgr_network_ns3_env(const sgr_network_cfg *cfg, char *buf, size_t len);

/* True when this process was started with NS_ATTRIBUTE_DEFAULT beginning with what cfg needs
 * (ns-3 takes the first value of a repeated name, so the user's own settings may follow).
 * Always true at flow level. */
bool sgr_network_env_ready(const sgr_network_cfg *cfg);

/* 0 when sgr_network_env_ready, else -1 with err saying how to start the process. */
int sgr_network_require_env(const sgr_network_cfg *cfg, sgr_err *err);

/* The SimGrid --cfg arguments of a packet-level or same-routes run (network/model:ns-3,
 * ns3/TcpModel, ns3/seed; or the loopback of the links platform at flow level), malloc'ed,
 * appended at argv[0..]; returns how many (at most 4), or -1 when out of memory. */
int sgr_network_sg_argv(const sgr_network_cfg *cfg, const sgr_platform_cfg *plat,
                        unsigned long seed, char **argv);

/* Put what cfg needs at the front of NS_ATTRIBUTE_DEFAULT (keeping the user's own settings
 * after it) in this process's environment, for the children it starts. Returns 0 or -1 with
 * err. */
int sgr_network_setenv(const sgr_network_cfg *cfg, sgr_err *err);

/* At packet level, when this process did not start with the environment ns-3 needs,
 * re-execute it (/proc/self/exe, argv[0] replaced by it) with sgr_network_setenv applied; on
 * success it does not return. Returns 0 when nothing is needed, -1 with err when the
 * re-execution failed. */
int sgr_network_reexec(const sgr_network_cfg *cfg, char **argv, sgr_err *err);

/* Packet level: wait, in the calling actor, until no ns-3 flow is in flight. A family's
 * last non-daemon actor calls it before it ends: SimGrid then kills the daemons, and a
 * transfer cancelled in flight crashes SimGrid 3.32's ns-3 binding (platforms/ns3_drain.cpp
 * says why). At flow level it returns at once, without a simcall. */
void sgr_network_quiesce(void);

/* Start a transfer of `bytes` from one host to another, without a mailbox (as the fabric
 * family does at packet level, where no routing zone of its own can name the path). Wait for
 * it with sg_comm_wait*, which releases it. */
sg_comm_t sgr_network_sendto_async(sg_host_t from, sg_host_t to, double bytes);

/* Flush every stdio stream and end the process with `status` without running the exit
 * handlers, where SimGrid 3.32's engine teardown crashes in ns3::Simulator::Destroy.
 * Call it once every output is written. Does not return. */
void sgr_network_exit(int status) __attribute__((noreturn));

/* Write the platform for ns-3: hosts h0..h{N-1} (speed and cores as the clusters have them),
 * one router per switch, one SPLITDUPLEX link per cable and one route per link, in a
 * DijkstraCache zone (the flow model routes by shortest path over the same links; every
 * inter-leaf route takes spine 0, as ns-3's first route does).
 *   STAR        router "switch"; links hI_link.
 *   LEAF_SPINE  routers leafK, spineS; links hI_link (to its leaf) and ls_K_S.
 *   WAN         routers siteK; links hI_link (to its site) and wan_A_B (A < B).
 * Other kinds, or a backbone, are refused (sgr_network_check says why). Through path.tmp,
 * renamed when complete. Returns 0 or -1 with err. */
int sgr_platform_write_links_xml(const sgr_platform_cfg *cfg, const char *path, sgr_err *err);

/* sgr_platform_write_links_xml to `path`, then simgrid_load_platform it (for a family that
 * builds its own platform at flow level). Returns 0 or -1 with err. */
int sgr_platform_load_links(const sgr_platform_cfg *cfg, const char *path, sgr_err *err);

#ifdef __cplusplus
}
#endif
#endif
