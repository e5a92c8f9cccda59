/* The ping family's keys, their typed form and the checks across keys. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simgrad/units.h"
#include "families/ping/ping.h"

#define ANY -INFINITY, INFINITY

static const sgr_key ping_keys[] = {
    {"algorithm.sizes", SGR_T_STR, "\"1KiB,64KiB,1MiB,16MiB\"", ANY, NULL, NULL,
     "Comma-separated message sizes (SimGrid size units), each measured in turn."},
    {"algorithm.pairs", SGR_T_INT, "1", 1, 1e6, NULL, NULL,
     "Host pairs measured at the same time: host 2i sends to host 2i+1 (more than one pair "
     "shows contention)."},
    {"algorithm.repeats", SGR_T_INT, "3", 1, 1e6, NULL, NULL,
     "Measurements of each size (the platform is idle between them, so they agree unless "
     "stragglers or failures change it)."},
    {NULL, 0, NULL, ANY, NULL, NULL, NULL},
};

static int parse_sizes(const char *text, ping_cfg *c, sgr_err *err)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", text);
    char *save;
    for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        if (c->nsizes == PING_MAX_SIZES)
            return sgr_fail(err, "algorithm.sizes: at most %d sizes", PING_MAX_SIZES);
        double v;
        if (sgr_unit_parse(SGR_UNIT_SIZE, tok, &v, err) < 0 || !(v >= 1))
            return sgr_fail(err, "algorithm.sizes: \"%s\" is not a size of at least 1 byte", tok);
        c->sizes[c->nsizes++] = v;
    }
    if (c->nsizes == 0)
        return sgr_fail(err, "algorithm.sizes: name at least one size");
    return 0;
}

static int ping_parse(const sgr_scenario *scn, void **out, sgr_err *err)
{
    ping_cfg *c = calloc(1, sizeof *c);
    if (!c)
        return sgr_fail(err, "out of memory");
    *out = c;
    c->pairs = (size_t)sgr_scn_int(scn, "algorithm.pairs");
    c->repeats = (size_t)sgr_scn_int(scn, "algorithm.repeats");
    return parse_sizes(sgr_scn_str(scn, "algorithm.sizes"), c, err);
}

static int ping_check(const sgr_config *cfg, size_t nhosts, size_t *nparts, sgr_err *err)
{
    const ping_cfg *c = cfg->algorithm;
    *nparts = 0; /* no workload */
    if (nhosts && 2 * c->pairs > nhosts)
        return sgr_fail(err, "algorithm.pairs: %zu pairs need %zu hosts, the platform has %zu",
                        c->pairs, 2 * c->pairs, nhosts);
    return 0;
}

const sgr_family sgr_family_ping = {
    .keys = {"ping",
             "Point-to-point transfers of given sizes between host pairs, timed against the flow "
             "model's prediction for a lone flow: a platform's calibration, and the smallest "
             "family (docs/adding-a-family.md).",
             ping_keys, NULL},
    .parse = ping_parse,
    .free_cfg = free,
    .check = ping_check,
    .deploy = sgr_ping_deploy,
    .finish = sgr_ping_finish,
    .report = &sgr_ping_report,
    .sweep = &sgr_ping_sweep,
};
