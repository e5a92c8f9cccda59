/* The fabric family's configuration: its keys, their typed form (the lists of collectives and
 * policies parsed), and the fabric they describe checked against the platform section. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "families/fabric/fabric.h"

#define ANY -INFINITY, INFINITY

static const sgr_key fabric_keys[] = {
    {"algorithm.collectives", SGR_T_STR, "\"ring-allreduce,all-to-all\"", ANY, NULL, NULL,
     "Comma-separated collectives: ring-allreduce, reduce-scatter, all-gather, all-to-all "
     "(pairwise exchange, n-1 steps), incast (every host to h0)."},
    {"algorithm.policies", SGR_T_STR, "\"ecmp,spray,ksplit,planned\"", ANY, NULL, NULL,
     "Comma-separated path policies, each run on the same traffic: ecmp, spray (ideal packet "
     "spraying), ksplit (k subflows, each hashed), planned (single path, minimal splitting)."},
    {"algorithm.bytes", SGR_T_SIZE, "\"64MiB\"", 1, 1e18, NULL, NULL,
     "Each host's buffer (bytes): ring and all-to-all steps move bytes/n per flow, incast "
     "moves bytes per flow."},
    {"algorithm.k", SGR_T_INT, "4", 1, 1024, NULL, NULL, "Subflows per flow of ksplit."},
    {"algorithm.failures", SGR_T_STR, "\"\"", ANY, NULL, NULL,
     "Failed or slowed fabric parts, ';'-separated: spine:S, uplink:L/S (leaf L to spine S), "
     "agg:P/A, core:A/C, coreup:P/A/C (three-tier); a link item ending in @F (0<F<1) is "
     "slowed to F of its bandwidth instead of down."},
    {"algorithm.hash_seeds", SGR_T_INT, "1", 1, 100000, NULL, NULL,
     "Independent hash seeds for ecmp and ksplit: the collective runs once per seed (time_s "
     "is then the mean over seeds), so a single-pattern collective such as a ring gets a "
     "spread to compare with balls into bins."},
    {"algorithm.max_steps", SGR_T_INT, "0", 0, 1e12, NULL, NULL,
     "Run only the first max_steps steps of each collective (0: all): a sample of a long "
     "all-to-all on a large fabric; times and congestion then cover those steps only."},
    {"algorithm.reuse_identical_steps", SGR_T_BOOL, "true", ANY, NULL, NULL,
     "Simulate a step whose flows and paths equal the previous step's once and reuse its time "
     "(exact: the fabric is the same and idle between steps)."},
    {"algorithm.reuse_equivalent_steps", SGR_T_BOOL, "true", ANY, NULL, NULL,
     "Simulate once the steps that are the same up to a relabelling of links (subflows of the "
     "same sizes starting in the same order over links of the same bandwidths and latencies, "
     "shared alike: SimGrid then solves the same system) and reuse the time; each match is "
     "checked word for word. Exact; all-to-all under spray or planned paths needs ~100 "
     "simulated steps instead of n-1."},
    {"algorithm.step_solver", SGR_T_ENUM, "\"simgrid\"", ANY, "simgrid|fluid", NULL,
     "Who times a step: \"simgrid\" (its communications run in SimGrid) or \"fluid\" (simgrad's "
     "own max-min solver over the same routes, bandwidths and latencies, which re-solves only "
     "the flows a completion can speed up: the same times as SimGrid's CM02 to its solver "
     "precision, far faster on hashed placements; needs network_model CM02, not packet)."},
    {NULL, 0, NULL, ANY, NULL, NULL, NULL},
};

/* Parse a comma list with `parse` into out[]; returns the count or -1 with err. */
static int parse_list(const char *s, const char *key, int (*parse)(const char *, int *), int *out,
                      sgr_err *err, const char *choices)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", s ? s : "");
    int n = 0;
    char *save;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        char *e = tok + strlen(tok);
        while (e > tok && e[-1] == ' ')
            *--e = '\0';
        if (n == FABRIC_MAX_ITEMS)
            return sgr_fail(err, "%s: at most %d items", key, FABRIC_MAX_ITEMS);
        if (parse(tok, &out[n]) < 0)
            return sgr_fail(err, "%s: unknown item \"%s\" (one of %s)", key, tok, choices);
        for (int i = 0; i < n; i++)
            if (out[i] == out[n])
                return sgr_fail(err, "%s: \"%s\" is listed twice", key, tok);
        n++;
    }
    if (n == 0)
        return sgr_fail(err, "%s: name at least one of %s", key, choices);
    return n;
}

static int parse_coll(const char *s, int *out)
{
    sgr_collective c;
    if (sgr_collective_parse(s, &c) < 0)
        return -1;
    *out = (int)c;
    return 0;
}

static int parse_policy(const char *s, int *out)
{
    sgr_policy p;
    if (sgr_policy_parse(s, &p) < 0)
        return -1;
    *out = (int)p;
    return 0;
}

static int fabric_parse(const sgr_scenario *scn, void **out, sgr_err *err)
{
    fabric_cfg *c = calloc(1, sizeof *c);
    if (!c)
        return sgr_fail(err, "out of memory");
    *out = c;
    int items[FABRIC_MAX_ITEMS];
    int n =
        parse_list(sgr_scn_str(scn, "algorithm.collectives"), "algorithm.collectives", parse_coll,
                   items, err, "ring-allreduce, reduce-scatter, all-gather, all-to-all, incast");
    if (n < 0)
        return -1;
    c->ncolls = (size_t)n;
    for (int i = 0; i < n; i++)
        c->colls[i] = (sgr_collective)items[i];
    n = parse_list(sgr_scn_str(scn, "algorithm.policies"), "algorithm.policies", parse_policy,
                   items, err, "ecmp, spray, ksplit, planned");
    if (n < 0)
        return -1;
    c->npolicies = (size_t)n;
    for (int i = 0; i < n; i++)
        c->policies[i] = (sgr_policy)items[i];
    c->bytes = sgr_scn_num(scn, "algorithm.bytes");
    c->k = (size_t)sgr_scn_int(scn, "algorithm.k");
    c->reuse = sgr_scn_bool(scn, "algorithm.reuse_identical_steps");
    c->reuse_equivalent = sgr_scn_bool(scn, "algorithm.reuse_equivalent_steps");
    c->max_steps = (size_t)sgr_scn_int(scn, "algorithm.max_steps");
    c->hash_seeds = (size_t)sgr_scn_int(scn, "algorithm.hash_seeds");
    c->failures = sgr_scn_str(scn, "algorithm.failures");
    c->fluid = strcmp(sgr_scn_str(scn, "algorithm.step_solver"), "fluid") == 0;
    return 0;
}

int sgr_fabric_family_init(const sgr_config *cfg, sgr_fabric *fab, sgr_err *err)
{
    const fabric_cfg *c = cfg->algorithm;
    const sgr_platform_cfg *pc = &cfg->platform;
    if (sgr_fabric_init(fab, pc, c->failures, err) < 0)
        return -1;
    /* a total host count given beside the fabric's shape (where platform.hosts does not apply,
     * so no default fills it) must match it */
    if (pc->kind != SGR_PLAT_STAR && pc->hosts != 0 && pc->hosts != fab->nhosts) {
        char shape[96];
        snprintf(shape, sizeof shape, "%zu pods x %zu leaves", fab->pods, fab->leaves_per_pod);
        int rc = sgr_fail(err,
                          "platform.hosts: %zu hosts do not divide as configured: %s x %zu "
                          "hosts per leaf make %zu (drop platform.hosts or make it match)",
                          pc->hosts,
                          pc->kind == SGR_PLAT_THREE_TIER ? shape : shape + strcspn(shape, "x") + 2,
                          fab->hosts_per_leaf, fab->nhosts);
        sgr_fabric_free(fab);
        return rc;
    }
    if (fab->nhosts < 2) {
        sgr_fabric_free(fab);
        return sgr_fail(err, "platform: a collective needs at least 2 hosts, the fabric has %zu",
                        fab->nhosts);
    }
    return 0;
}

/* Packet level (network.model packet, issue 15): ns-3's global routing sends each packet over
 * a spine drawn at random (network.ecmp spray), and SimGrid's ns-3 binding gives a route per
 * communication no say (docs/packet.md): only the spray policy runs, on a healthy
 * leaf-spine. */
static int check_packet(const sgr_config *cfg, const sgr_fabric *fab, sgr_err *err)
{
    const fabric_cfg *c = cfg->algorithm;
    if (cfg->network.model != SGR_NET_PACKET)
        return 0;
    if (fab->kind != SGR_FABRIC_LEAF_SPINE)
        return sgr_fail(err, "platform.type: the fabric family runs at packet level on a "
                             "leaf-spine only (three-tier is not written for ns-3)");
    for (size_t i = 0; i < c->npolicies; i++)
        if (c->policies[i] != SGR_POLICY_SPRAY)
            return sgr_fail(err,
                            "algorithm.policies: %s cannot run at packet level: it names a path "
                            "per communication, and SimGrid's ns-3 binding leaves every route "
                            "to ns-3's global routing (docs/packet.md); use \"spray\" with "
                            "network.ecmp \"spray\" (each packet's spine drawn at random)",
                            sgr_policy_name(c->policies[i]));
    if (cfg->network.ecmp != SGR_ECMP_SPRAY)
        return sgr_fail(err, "network.ecmp: the fabric family's spray policy at packet level "
                             "needs \"spray\" (with \"first\" every packet would cross spine 0)");
    if (c->failures && c->failures[0])
        return sgr_fail(err, "algorithm.failures: not at packet level: SimGrid's ns-3 binding "
                             "cannot fail or slow down a link");
    return 0;
}

/* The fluid step solver reproduces CM02 over the zone's routes (fluid.c checks SimGrid's
 * settings again when the run starts, --cfg overrides included). */
static int check_fluid(const sgr_config *cfg, sgr_err *err)
{
    const fabric_cfg *c = cfg->algorithm;
    if (!c->fluid)
        return 0;
    if (cfg->network.model == SGR_NET_PACKET)
        return sgr_fail(err, "algorithm.step_solver: \"fluid\" is a flow-level model; at packet "
                             "level (network.model \"packet\") ns-3 times the steps");
    if (strcmp(cfg->simulation.network_model, "CM02") != 0)
        return sgr_fail(err,
                        "algorithm.step_solver: \"fluid\" reproduces SimGrid's CM02 model, but "
                        "simulation.network_model is \"%s\" (set it to \"CM02\", or use "
                        "step_solver \"simgrid\")",
                        cfg->simulation.network_model);
    return 0;
}

static int fabric_check(const sgr_config *cfg, size_t nhosts, size_t *nparts, sgr_err *err)
{
    sgr_fabric fab;
    *nparts = 0;
    if (sgr_fabric_family_init(cfg, &fab, err) < 0)
        return -1;
    int rc = check_packet(cfg, &fab, err);
    if (rc == 0)
        rc = check_fluid(cfg, err);
    sgr_fabric_free(&fab);
    return rc;
}

/* No reverse-direction cross traffic: a flow loads only the links of its own direction, as
 * the congestion analysis counts it. Full (not lazy) bandwidth-sharing updates: every step
 * touches the whole fabric, where the lazy bookkeeping only costs (1.8x at 512 hosts). */
static const char *const fabric_sg_cfg[] = {"--cfg=network/crosstraffic:0",
                                            "--cfg=network/optim:Full", NULL};

const sgr_family sgr_family_fabric = {
    .keys = {"fabric",
             "Collectives (ring all-reduce, all-to-all, ...) on a leaf-spine or three-tier fabric "
             "under ECMP, ideal packet spraying, k-way split and planned single-path policies.",
             fabric_keys, NULL},
    .uses_workload = false,
    .sg_cfg = fabric_sg_cfg,
    .parse = fabric_parse,
    .free_cfg = free,
    .check = fabric_check,
    .build_platform = sgr_fabric_family_build,
    .deploy = sgr_fabric_family_deploy,
    .finish = sgr_fabric_family_finish,
    .report = &sgr_fabric_report,
    .sweep = &sgr_fabric_sweep,
};
