/* The ping family's keys, their typed form, the checks across keys and the family table. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simgrad/network.h"
#include "simgrad/units.h"
#include "families/ping/ping.h"

#define ANY -INFINITY, INFINITY

static const sgr_key ping_keys[] = {
    {"algorithm.pattern", SGR_T_ENUM, "\"pairs\"", ANY, "pairs|incast", NULL,
     "Who sends at once: \"pairs\" (host 2i to host 2i+1, every pair at once) or \"incast\" "
     "(for each load k, k hosts to algorithm.receiver)."},
    {"algorithm.sizes", SGR_T_STR, "\"1KiB,64KiB,1MiB,16MiB\"", ANY, NULL, NULL,
     "Comma-separated message sizes (SimGrid size units; at least 1 byte, under 4 GiB at "
     "packet level), each measured in turn."},
    {"algorithm.pairs", SGR_T_INT, "1", 1, 1e6, NULL, "algorithm.pattern=pairs",
     "Host pairs measured at the same time: host 2i sends to host 2i+1 (more than one pair "
     "shows contention)."},
    {"algorithm.loads", SGR_T_STR, "\"1,2,4,8\"", ANY, NULL, "algorithm.pattern=incast",
     "Comma-separated numbers of senders sending at once to the receiver (each at most the "
     "hosts but one): the hosts before the receiver, counting down and wrapping (receiver 0: "
     "hosts N-1, N-2, ...)."},
    {"algorithm.receiver", SGR_T_INT, "0", 0, 1e9, NULL, "algorithm.pattern=incast",
     "Host index of the receiver."},
    {"algorithm.repeats", SGR_T_INT, "3", 1, 1e6, NULL, NULL,
     "Measurements of each size and load (the platform is idle between them, so they agree "
     "unless stragglers or failures change it)."},
    {NULL, 0, NULL, ANY, NULL, NULL, NULL},
};

/* "a,b,c" into out[]: sizes (SimGrid size units, at least 1 byte) or whole counts from 1. */
static int parse_list(const char *text, const char *key, bool sizes, double *out, size_t *n,
                      sgr_err *err)
{
    char buf[1024], *save;
    snprintf(buf, sizeof buf, "%s", text ? text : "");
    *n = 0;
    for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        if (*n == PING_MAX_ITEMS)
            return sgr_fail(err, "%s: at most %d values", key, PING_MAX_ITEMS);
        char *end = tok;
        double v = sizes ? 0 : strtod(tok, &end);
        bool ok = sizes ? sgr_unit_parse(SGR_UNIT_SIZE, tok, &v, err) == 0 && v >= 1
                        : *end == '\0' && v >= 1 && v <= 1e9 && v == floor(v);
        if (!ok)
            return sgr_fail(err, "%s: \"%s\" is not %s", key, tok,
                            sizes ? "a size of at least 1 byte" : "a whole number from 1");
        out[(*n)++] = v;
    }
    return *n ? 0 : sgr_fail(err, "%s: name at least one value", key);
}

static int ping_parse(const sgr_scenario *scn, void **out, sgr_err *err)
{
    ping_cfg *c = calloc(1, sizeof *c);
    double loads[PING_MAX_ITEMS];
    if (!c)
        return sgr_fail(err, "out of memory");
    *out = c;
    c->pattern =
        strcmp(sgr_scn_str(scn, "algorithm.pattern"), "incast") == 0 ? PING_INCAST : PING_PAIRS;
    c->repeats = (size_t)sgr_scn_int(scn, "algorithm.repeats");
    if (parse_list(sgr_scn_str(scn, "algorithm.sizes"), "algorithm.sizes", true, c->sizes,
                   &c->nsizes, err) < 0)
        return -1;
    if (c->pattern == PING_PAIRS) {
        c->pairs = (size_t)sgr_scn_int(scn, "algorithm.pairs");
        loads[0] = (double)c->pairs;
        c->nloads = 1;
    } else {
        c->receiver = (size_t)sgr_scn_int(scn, "algorithm.receiver");
        if (parse_list(sgr_scn_str(scn, "algorithm.loads"), "algorithm.loads", false, loads,
                       &c->nloads, err) < 0)
            return -1;
    }
    for (size_t i = 0; i < c->nloads; i++) {
        c->loads[i] = (size_t)loads[i];
        c->nflows = c->loads[i] > c->nflows ? c->loads[i] : c->nflows;
    }
    return 0;
}

static int ping_check(const sgr_config *cfg, size_t nhosts, size_t *nparts, sgr_err *err)
{
    const ping_cfg *c = cfg->algorithm;
    *nparts = 0; /* no workload */
    for (size_t i = 0; i < c->nsizes; i++)
        /* the binding casts a message's size to uint32_t (network_ns3.cpp, SgFlow) */
        if (cfg->network.model == SGR_NET_PACKET && c->sizes[i] >= 4294967296.0)
            return sgr_fail(err,
                            "algorithm.sizes: %g bytes: SimGrid's ns-3 binding counts a "
                            "message's bytes in 32 bits (under 4 GiB)",
                            c->sizes[i]);
    if (!nhosts)
        return 0;
    if (c->pattern == PING_PAIRS && 2 * c->pairs > nhosts)
        return sgr_fail(err, "algorithm.pairs: %zu pairs need %zu hosts, the platform has %zu",
                        c->pairs, 2 * c->pairs, nhosts);
    if (c->pattern == PING_INCAST && c->receiver >= nhosts)
        return sgr_fail(err, "algorithm.receiver: %zu, but the platform has %zu hosts", c->receiver,
                        nhosts);
    if (c->pattern == PING_INCAST && c->nflows > nhosts - 1)
        return sgr_fail(err, "algorithm.loads: %zu senders, but the platform has %zu hosts",
                        c->nflows, nhosts);
    return 0;
}

void ping_flow_hosts(const ping_cfg *c, size_t nhosts, size_t j, size_t *src, size_t *dst)
{
    if (c->pattern == PING_PAIRS) {
        *src = 2 * j;
        *dst = 2 * j + 1;
    } else { /* the hosts before the receiver in host order: on a leaf-spine or a WAN, the
              * first senders cross the spines or the WAN links */
        *src = (c->receiver + nhosts - 1 - j) % nhosts;
        *dst = c->receiver;
    }
}

/* `simgrad compare-models`' probe: every load into host 0, one message of each size, once. */
static json_t *ping_probe(const char *sizes, const char *loads)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:i}", "family", "ping", "pattern", "incast", "sizes",
                     sizes, "loads", loads, "repeats", 1);
}

const sgr_family sgr_family_ping = {
    .keys = {"ping",
             "Messages of given sizes between host pairs, or k hosts into one (incast), timed "
             "against the flow model's prediction for a lone flow: a platform's calibration, the "
             "network models' comparison (simgrad compare-models), and the smallest family "
             "(docs/adding-a-family.md).",
             ping_keys, NULL},
    .parse = ping_parse,
    .free_cfg = free,
    .check = ping_check,
    .deploy = sgr_ping_deploy,
    .finish = sgr_ping_finish,
    .report = &sgr_ping_report,
    .sweep = &sgr_ping_sweep,
    .probe = ping_probe,
};
