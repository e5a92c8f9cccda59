/* simgrad: platform configuration checks, names and host speed heterogeneity.
 *
 * Everything a user can get wrong in a platform section is caught here, with the scenario key
 * in the message, so that SimGrid's own parser (which aborts the process) never sees it. */
#include "simgrad/platform.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#define FAT_TREE_FORMAT                                                                            \
    "\"L;d1,...,dL;u1,...,uL;c1,...,cL\" (levels; down links, up links and parallel links per "    \
    "level; positive integers, L entries each)"
#define DRAGONFLY_FORMAT                                                                           \
    "\"groups,group_links;chassis,chassis_links;routers,router_links;nodes\" (positive "           \
    "integers)"
#define TORUS_FORMAT "\"X,Y,...\" (one positive integer per dimension)"

/* Generous bounds that keep the parsers simple; no real fabric comes near them. */
#define SGR_FAT_TREE_MAX_LEVELS 16
#define SGR_TORUS_MAX_DIMS 16

/* SimGrid numbers cluster hosts with an int. */
#define MAX_HOSTS ((size_t)INT_MAX)

static const char *const kind_names[] = {
    [SGR_PLAT_STAR] = "star",         [SGR_PLAT_LEAF_SPINE] = "leaf-spine",
    [SGR_PLAT_FAT_TREE] = "fat-tree", [SGR_PLAT_DRAGONFLY] = "dragonfly",
    [SGR_PLAT_TORUS] = "torus",       [SGR_PLAT_WAN] = "wan",
    [SGR_PLAT_FILE] = "file",         [SGR_PLAT_THREE_TIER] = "three-tier",
};

static const char *const dist_names[] = {
    [SGR_SPEED_CONSTANT] = "constant",
    [SGR_SPEED_UNIFORM] = "uniform",
    [SGR_SPEED_LOGNORMAL] = "lognormal",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

int sgr_platform_kind_parse(const char *s, sgr_platform_kind *out)
{
    for (size_t i = 0; s && i < NELEM(kind_names); i++) {
        if (strcmp(s, kind_names[i]) == 0) {
            *out = (sgr_platform_kind)i;
            return 0;
        }
    }
    return -1;
}

const char *sgr_platform_kind_name(sgr_platform_kind k)
{
    return (unsigned)k < NELEM(kind_names) ? kind_names[k] : "unknown";
}

int sgr_speed_dist_parse(const char *s, sgr_speed_dist *out)
{
    for (size_t i = 0; s && i < NELEM(dist_names); i++) {
        if (strcmp(s, dist_names[i]) == 0) {
            *out = (sgr_speed_dist)i;
            return 0;
        }
    }
    return -1;
}

const char *sgr_speed_dist_name(sgr_speed_dist d)
{
    return (unsigned)d < NELEM(dist_names) ? dist_names[d] : "unknown";
}

double sgr_platform_core_bw(const sgr_platform_cfg *cfg)
{
    if (cfg->core_bw > 0)
        return cfg->core_bw;
    return (double)cfg->leaves * sgr_platform_spine_bw(cfg) /
           ((double)cfg->core_switches * cfg->core_oversub);
}

double sgr_platform_spine_bw(const sgr_platform_cfg *cfg)
{
    if (cfg->spine_bw > 0)
        return cfg->spine_bw;
    return (double)cfg->hosts_per_leaf * cfg->host_bw /
           ((double)cfg->spines * cfg->oversubscription);
}

/* ---- topo_parameters parsing ---------------------------------------------------------- */

/* Parse s[0..len) as a decimal integer in [1, INT_MAX]: digits only, no sign or blanks. */
static bool parse_positive(const char *s, size_t len, unsigned long *out)
{
    unsigned long v = 0;
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned long)(s[i] - '0');
        if (v > INT_MAX)
            return false;
    }
    *out = v;
    return v > 0;
}

/* Split s[0..len) at `sep` into exactly `want` positive integers (any count if want is 0).
 * Returns the number of fields parsed, or -1 if a field is not a positive integer or the
 * count differs from `want` or exceeds `max`. */
static int parse_list(const char *s, size_t len, char sep, unsigned long *vals, int want, int max)
{
    int n = 0;
    const char *end = s + len;
    for (const char *p = s;;) {
        const char *q = memchr(p, sep, (size_t)(end - p));
        if (!q)
            q = end;
        if (n >= max || !parse_positive(p, (size_t)(q - p), &vals[n]))
            return -1;
        n++;
        if (q == end)
            break;
        p = q + 1;
    }
    return (want && n != want) ? -1 : n;
}

/* Split s at ';' into at most `max` parts, recording their starts and lengths. */
static int split_parts(const char *s, const char **start, size_t *len, int max)
{
    int n = 0;
    for (const char *p = s;;) {
        const char *q = strchr(p, ';');
        if (n >= max)
            return -1;
        start[n] = p;
        len[n] = q ? (size_t)(q - p) : strlen(p);
        n++;
        if (!q)
            return n;
        p = q + 1;
    }
}

/* Multiply *acc by v, failing when the product leaves [1, MAX_HOSTS]. */
static bool mul_hosts(size_t *acc, unsigned long v)
{
    if (v == 0 || *acc > MAX_HOSTS / v)
        return false;
    *acc *= v;
    return true;
}

static int fail_topo(sgr_err *err, const char *kind, const char *params, const char *format,
                     const char *why)
{
    return sgr_fail(err,
                    "platform.topo_parameters: \"%s\" is not a valid %s description (%s); "
                    "expected %s",
                    params, kind, why, format);
}

static int check_fat_tree(const char *p, size_t *nhosts, sgr_err *err)
{
    const char *part[4];
    size_t len[4];
    unsigned long levels, vals[SGR_FAT_TREE_MAX_LEVELS];
    if (split_parts(p, part, len, 4) != 4)
        return fail_topo(err, "fat-tree", p, FAT_TREE_FORMAT, "need 4 parts separated by ';'");
    if (!parse_positive(part[0], len[0], &levels) || levels > SGR_FAT_TREE_MAX_LEVELS)
        return fail_topo(err, "fat-tree", p, FAT_TREE_FORMAT,
                         "the level count must be an integer from 1 to 16");
    size_t n = 1;
    for (int i = 1; i < 4; i++) {
        if (parse_list(part[i], len[i], ',', vals, (int)levels, SGR_FAT_TREE_MAX_LEVELS) < 0) {
            char why[128];
            snprintf(why, sizeof why, "part %d must list %lu positive integers", i + 1, levels);
            return fail_topo(err, "fat-tree", p, FAT_TREE_FORMAT, why);
        }
        for (unsigned long l = 0; i == 1 && l < levels; l++)
            if (!mul_hosts(&n, vals[l]))
                return fail_topo(err, "fat-tree", p, FAT_TREE_FORMAT, "too many hosts");
    }
    *nhosts = n;
    return 0;
}

static int check_dragonfly(const char *p, size_t *nhosts, sgr_err *err)
{
    const char *part[4];
    size_t len[4];
    unsigned long level[3][2], nodes;
    if (split_parts(p, part, len, 4) != 4)
        return fail_topo(err, "dragonfly", p, DRAGONFLY_FORMAT, "need 4 parts separated by ';'");
    for (int i = 0; i < 3; i++)
        if (parse_list(part[i], len[i], ',', level[i], 2, 2) < 0)
            return fail_topo(err, "dragonfly", p, DRAGONFLY_FORMAT,
                             "each of the first 3 parts is a count and a link count");
    if (!parse_positive(part[3], len[3], &nodes))
        return fail_topo(err, "dragonfly", p, DRAGONFLY_FORMAT,
                         "the last part is the number of nodes per router");
    /* SimGrid's minimal routing leaves group g through router g of the source chassis (and
     * enters through router s of the destination group): with more groups than routers per
     * chassis it indexes past its tables and crashes or routes wrongly. */
    if (level[0][0] > level[2][0])
        return fail_topo(err, "dragonfly", p, DRAGONFLY_FORMAT,
                         "SimGrid needs groups <= routers per chassis");
    size_t n = 1;
    if (!mul_hosts(&n, level[0][0]) || !mul_hosts(&n, level[1][0]) || !mul_hosts(&n, level[2][0]) ||
        !mul_hosts(&n, nodes))
        return fail_topo(err, "dragonfly", p, DRAGONFLY_FORMAT, "too many hosts");
    *nhosts = n;
    return 0;
}

static int check_torus(const char *p, size_t *nhosts, sgr_err *err)
{
    unsigned long dims[SGR_TORUS_MAX_DIMS];
    int nd = parse_list(p, strlen(p), ',', dims, 0, SGR_TORUS_MAX_DIMS);
    if (nd < 0)
        return fail_topo(err, "torus", p, TORUS_FORMAT,
                         "each dimension must be a positive integer, at most 16 dimensions");
    size_t n = 1;
    for (int i = 0; i < nd; i++)
        if (!mul_hosts(&n, dims[i]))
            return fail_topo(err, "torus", p, TORUS_FORMAT, "too many hosts");
    *nhosts = n;
    return 0;
}

/* ---- numeric checks -------------------------------------------------------------------- */

static bool positive(double x)
{
    return isfinite(x) && x > 0;
}

static bool non_negative(double x)
{
    return isfinite(x) && x >= 0;
}

static int need_positive(double x, const char *key, const char *unit, sgr_err *err)
{
    if (positive(x))
        return 0;
    return sgr_fail(err, "platform.%s: must be a positive number of %s, got %g", key, unit, x);
}

static int need_non_negative(double x, const char *key, sgr_err *err)
{
    if (non_negative(x))
        return 0;
    return sgr_fail(err, "platform.%s: must be a latency >= 0 seconds, got %g", key, x);
}

static int need_count(size_t x, const char *key, sgr_err *err)
{
    if (x >= 1 && x <= MAX_HOSTS)
        return 0;
    return sgr_fail(err, "platform.%s: must be an integer from 1 to %zu, got %zu", key, MAX_HOSTS,
                    x);
}

/* Host count a*b, failing (naming key) when it overflows SimGrid's int numbering. */
static int need_product(size_t a, size_t b, const char *key, size_t *out, sgr_err *err)
{
    if (a > MAX_HOSTS / b)
        return sgr_fail(err, "platform.%s: %zu x %zu hosts is more than SimGrid can number (%zu)",
                        key, a, b, MAX_HOSTS);
    *out = a * b;
    return 0;
}

static int check_host_params(const sgr_platform_cfg *cfg, sgr_err *err)
{
    if (need_positive(cfg->host_speed, "host_speed", "flop/s", err) < 0)
        return -1;
    if (cfg->cores < 1)
        return sgr_fail(err, "platform.cores: must be an integer >= 1, got %d", cfg->cores);
    if (need_positive(cfg->host_bw, "host_bw", "bytes/s", err) < 0 ||
        need_non_negative(cfg->host_lat, "host_lat", err) < 0)
        return -1;
    return 0;
}

/* backbone_bw 0 means "no backbone" (a non-blocking switch); negative is a mistake. */
static int check_backbone(const sgr_platform_cfg *cfg, sgr_err *err)
{
    if (!non_negative(cfg->backbone_bw))
        return sgr_fail(err,
                        "platform.backbone_bw: must be a bandwidth > 0 bytes/s, or 0 for a "
                        "non-blocking switch, got %g",
                        cfg->backbone_bw);
    if (cfg->backbone_bw > 0)
        return need_non_negative(cfg->backbone_lat, "backbone_lat", err);
    return 0;
}

static int check_speed_dist(const sgr_platform_cfg *cfg, sgr_err *err)
{
    switch (cfg->speed_dist) {
    case SGR_SPEED_CONSTANT:
        return 0;
    case SGR_SPEED_UNIFORM:
        if (!positive(cfg->speed_min))
            return sgr_fail(err, "platform.speed_min: must be a speed > 0 flop/s, got %g",
                            cfg->speed_min);
        if (!isfinite(cfg->speed_max) || cfg->speed_max < cfg->speed_min)
            return sgr_fail(err,
                            "platform.speed_max: must be a speed >= platform.speed_min (%g), "
                            "got %g",
                            cfg->speed_min, cfg->speed_max);
        /* factors are relative to host_speed, so it must be usable even for FILE */
        return need_positive(cfg->host_speed, "host_speed", "flop/s", err);
    case SGR_SPEED_LOGNORMAL:
        if (!non_negative(cfg->speed_sigma))
            return sgr_fail(err, "platform.speed_sigma: must be a number >= 0, got %g",
                            cfg->speed_sigma);
        return 0;
    }
    return sgr_fail(err, "platform.speed_dist: unknown distribution %d", (int)cfg->speed_dist);
}

static int check_leaf_spine(const sgr_platform_cfg *cfg, size_t *n, sgr_err *err)
{
    if (need_count(cfg->leaves, "leaves", err) < 0 ||
        need_count(cfg->hosts_per_leaf, "hosts_per_leaf", err) < 0 ||
        need_product(cfg->leaves, cfg->hosts_per_leaf, "hosts_per_leaf", n, err) < 0)
        return -1;
    if (cfg->leaves == 1) /* one leaf is a plain switch: no spine is ever used */
        return 0;
    if (cfg->spines < 1 || cfg->spines > 1000000)
        return sgr_fail(err, "platform.spines: must be an integer from 1 to 1000000, got %zu",
                        cfg->spines);
    if (cfg->spine_bw == 0) {
        if (!positive(cfg->oversubscription))
            return sgr_fail(err,
                            "platform.oversubscription: must be > 0 when platform.spine_bw is "
                            "0 (derived from it), got %g",
                            cfg->oversubscription);
    } else if (!positive(cfg->spine_bw)) {
        return sgr_fail(err,
                        "platform.spine_bw: must be a bandwidth > 0 bytes/s, or 0 to derive it "
                        "from platform.oversubscription, got %g",
                        cfg->spine_bw);
    }
    return need_non_negative(cfg->spine_lat, "spine_lat", err);
}

static int check_three_tier(const sgr_platform_cfg *cfg, size_t *n, sgr_err *err)
{
    size_t per_pod = 0;
    if (need_count(cfg->pods, "pods", err) < 0 || need_count(cfg->leaves, "leaves", err) < 0 ||
        need_count(cfg->hosts_per_leaf, "hosts_per_leaf", err) < 0 ||
        need_product(cfg->leaves, cfg->hosts_per_leaf, "hosts_per_leaf", &per_pod, err) < 0 ||
        need_product(cfg->pods, per_pod, "pods", n, err) < 0)
        return -1;
    sgr_platform_cfg ls = *cfg;
    ls.leaves = 2; /* the leaf tier's checks, whatever the leaves per pod */
    if (check_leaf_spine(&ls, &per_pod, err) < 0)
        return -1;
    if (cfg->core_switches < 1 || cfg->core_switches > 100000)
        return sgr_fail(err,
                        "platform.core_switches: must be an integer from 1 to 100000, got %zu",
                        cfg->core_switches);
    if (cfg->core_bw == 0) {
        if (!positive(cfg->core_oversub))
            return sgr_fail(err,
                            "platform.core_oversubscription: must be > 0 when platform.core_bw "
                            "is 0 (derived from it), got %g",
                            cfg->core_oversub);
    } else if (!positive(cfg->core_bw)) {
        return sgr_fail(err,
                        "platform.core_bw: must be a bandwidth > 0 bytes/s, or 0 to derive it "
                        "from platform.core_oversubscription, got %g",
                        cfg->core_bw);
    }
    return need_non_negative(cfg->core_lat, "core_lat", err);
}

static int check_wan(const sgr_platform_cfg *cfg, size_t *n, sgr_err *err)
{
    if (need_count(cfg->sites, "sites", err) < 0 ||
        need_count(cfg->hosts_per_site, "hosts_per_site", err) < 0 ||
        need_product(cfg->sites, cfg->hosts_per_site, "hosts_per_site", n, err) < 0)
        return -1;
    if (cfg->sites > 10000)
        return sgr_fail(err, "platform.sites: at most 10000 sites (one WAN link per pair), got %zu",
                        cfg->sites);
    if (check_backbone(cfg, err) < 0)
        return -1;
    if (cfg->sites == 1)
        return 0;
    if (need_positive(cfg->wan_bw, "wan_bw", "bytes/s", err) < 0)
        return -1;
    return need_non_negative(cfg->wan_lat, "wan_lat", err);
}

static int check_file(const sgr_platform_cfg *cfg, sgr_err *err)
{
    if (!cfg->file || !*cfg->file)
        return sgr_fail(err, "platform.file: a platform XML file name is required");
    FILE *f = fopen(cfg->file, "r");
    if (!f)
        return sgr_fail(err, "platform.file: cannot read %s: %s", cfg->file, strerror(errno));
    fclose(f);
    return 0;
}

static int check_topo(const sgr_platform_cfg *cfg, size_t *n, sgr_err *err)
{
    const char *p = cfg->topo_parameters;
    if (!p || !*p) {
        const char *fmt = cfg->kind == SGR_PLAT_FAT_TREE    ? FAT_TREE_FORMAT
                          : cfg->kind == SGR_PLAT_DRAGONFLY ? DRAGONFLY_FORMAT
                                                            : TORUS_FORMAT;
        return sgr_fail(err, "platform.topo_parameters: required for a %s platform; expected %s",
                        sgr_platform_kind_name(cfg->kind), fmt);
    }
    if (cfg->kind == SGR_PLAT_FAT_TREE)
        return check_fat_tree(p, n, err);
    if (cfg->kind == SGR_PLAT_DRAGONFLY)
        return check_dragonfly(p, n, err);
    return check_torus(p, n, err);
}

int sgr_platform_check(const sgr_platform_cfg *cfg, size_t *nhosts, sgr_err *err)
{
    size_t n = 0;
    if (cfg->kind == SGR_PLAT_FILE) {
        if (check_file(cfg, err) < 0 || check_speed_dist(cfg, err) < 0)
            return -1;
        goto out;
    }
    if (check_host_params(cfg, err) < 0)
        return -1;
    switch (cfg->kind) {
    case SGR_PLAT_STAR:
        if (need_count(cfg->hosts, "hosts", err) < 0 || check_backbone(cfg, err) < 0)
            return -1;
        n = cfg->hosts;
        break;
    case SGR_PLAT_LEAF_SPINE:
        if (check_leaf_spine(cfg, &n, err) < 0)
            return -1;
        break;
    case SGR_PLAT_FAT_TREE:
    case SGR_PLAT_DRAGONFLY:
    case SGR_PLAT_TORUS:
        if (check_topo(cfg, &n, err) < 0)
            return -1;
        break;
    case SGR_PLAT_WAN:
        if (check_wan(cfg, &n, err) < 0)
            return -1;
        break;
    case SGR_PLAT_THREE_TIER:
        if (check_three_tier(cfg, &n, err) < 0)
            return -1;
        break;
    default:
        return sgr_fail(err, "platform.kind: unknown platform kind %d", (int)cfg->kind);
    }
    if (check_speed_dist(cfg, err) < 0)
        return -1;
out:
    if (nhosts)
        *nhosts = n;
    return 0;
}

/* ---- heterogeneity --------------------------------------------------------------------- */

void sgr_platform_speed_factors(const sgr_platform_cfg *cfg, size_t n, gsl_rng *rng,
                                double *factors)
{
    for (size_t i = 0; i < n; i++) {
        switch (cfg->speed_dist) {
        case SGR_SPEED_UNIFORM:
            factors[i] = gsl_ran_flat(rng, cfg->speed_min, cfg->speed_max) / cfg->host_speed;
            break;
        case SGR_SPEED_LOGNORMAL:
            factors[i] = exp(cfg->speed_sigma * gsl_ran_gaussian(rng, 1.0));
            break;
        default:
            factors[i] = 1.0;
        }
    }
}
