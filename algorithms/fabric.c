/* Fabric descriptions: topology counts, failures and the live paths between leaves. */
#include "simgrad/fabric.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define KEY "algorithm.failures"

void sgr_fabric_free(sgr_fabric *f)
{
    free(f->leaf_factor);
    free(f->core_factor);
    memset(f, 0, sizeof *f);
}

/* Parse "N/M/K" into up to `want` unsigned integers; returns how many were read or -1. */
static int parse_ints(const char *s, size_t *out, int want)
{
    int n = 0;
    while (n < want) {
        char *end;
        errno = 0;
        if (*s < '0' || *s > '9')
            return -1;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || end == s)
            return -1;
        out[n++] = (size_t)v;
        s = end;
        if (*s != '/')
            break;
        s++;
    }
    return *s == '\0' ? n : -1;
}

static int item_error(sgr_err *err, const char *item, const char *why)
{
    return sgr_fail(err, "%s: item \"%s\": %s", KEY, item, why);
}

/* One failure item, parsed: kind:v[0]/v[1]/... with n indexes read, and its factor (0: down). */
typedef struct failure_item {
    const char *text; /* the item as written, for messages */
    const char *kind;
    double factor;
    size_t v[3];
    int n;
} failure_item;

/* Split item (cut in place) into kind, indexes and factor. Returns 0 or -1 with err. */
static int parse_item(char *item, failure_item *it, sgr_err *err)
{
    char *at = strchr(item, '@');
    if (at) {
        *at = '\0';
        char *end;
        it->factor = strtod(at + 1, &end);
        if (end == at + 1 || *end || !(it->factor > 0 && it->factor < 1))
            return item_error(err, it->text, "the factor after @ must be a number in (0, 1)");
    }
    char *colon = strchr(item, ':');
    if (!colon)
        return item_error(err, it->text,
                          "expected kind:indexes, kind one of spine, agg, core, uplink, coreup");
    *colon = '\0';
    it->kind = item;
    it->n = parse_ints(colon + 1, it->v, 3);
    static const char *const kinds[] = {"spine", "uplink", "agg", "core", "coreup"};
    bool known = false;
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        known = known || strcmp(it->kind, kinds[k]) == 0;
    if (!known)
        return item_error(err, it->text,
                          "unknown kind (spine:S, uplink:L/S on a leaf-spine; agg:P/A, core:A/C, "
                          "uplink:L/A, coreup:P/A/C on a three-tier fabric)");
    return 0;
}

/* spine:S on a leaf-spine: every leaf's link to spine S. */
static int apply_spine(sgr_fabric *f, const failure_item *it, sgr_err *err)
{
    const size_t *v = it->v;
    if (it->n != 1)
        return item_error(err, it->text, "expected spine:S");
    if (v[0] >= f->planes) {
        char why[200];
        snprintf(why, sizeof why, "no spine %zu (spines are 0..%zu)", v[0], f->planes - 1);
        return item_error(err, it->text, why);
    }
    for (size_t l = 0; l < f->nleaves; l++)
        f->leaf_factor[l * f->planes + v[0]] = it->factor;
    return 0;
}

/* uplink:L/S: the link from leaf L up to spine (aggregation switch) S. */
static int apply_uplink(sgr_fabric *f, const failure_item *it, sgr_err *err)
{
    const size_t *v = it->v;
    if (it->n != 2)
        return item_error(err, it->text, "expected uplink:L/S (leaf L, spine S)");
    if (v[0] >= f->nleaves || v[1] >= f->planes) {
        char why[200];
        snprintf(
            why, sizeof why, "no link between leaf %zu and spine %zu (leaves 0..%zu, %s 0..%zu)",
            v[0], v[1], f->nleaves - 1,
            f->kind == SGR_FABRIC_THREE_TIER ? "aggregation switches" : "spines", f->planes - 1);
        return item_error(err, it->text, why);
    }
    f->leaf_factor[v[0] * f->planes + v[1]] = it->factor;
    return 0;
}

/* agg:P/A: aggregation switch A of pod P, so its links down to the pod's leaves and up to
 * its cores. */
static int apply_agg(sgr_fabric *f, const failure_item *it, sgr_err *err)
{
    const size_t *v = it->v;
    if (it->n != 2 || v[0] >= f->pods || v[1] >= f->planes) {
        char why[200];
        snprintf(why, sizeof why, "expected agg:P/A with pod P in 0..%zu and A in 0..%zu",
                 f->pods - 1, f->planes - 1);
        return item_error(err, it->text, why);
    }
    for (size_t l = v[0] * f->leaves_per_pod; l < (v[0] + 1) * f->leaves_per_pod; l++)
        f->leaf_factor[l * f->planes + v[1]] = it->factor;
    for (size_t c = 0; c < f->cores; c++)
        f->core_factor[(v[0] * f->planes + v[1]) * f->cores + c] = it->factor;
    return 0;
}

/* core:A/C: core C of plane A, so every pod's link up to it. */
static int apply_core(sgr_fabric *f, const failure_item *it, sgr_err *err)
{
    const size_t *v = it->v;
    if (it->n != 2 || v[0] >= f->planes || v[1] >= f->cores) {
        char why[200];
        snprintf(why, sizeof why, "expected core:A/C with plane A in 0..%zu and C in 0..%zu",
                 f->planes - 1, f->cores - 1);
        return item_error(err, it->text, why);
    }
    for (size_t p = 0; p < f->pods; p++)
        f->core_factor[(p * f->planes + v[0]) * f->cores + v[1]] = it->factor;
    return 0;
}

/* coreup:P/A/C: the link from aggregation switch A of pod P up to core C. */
static int apply_coreup(sgr_fabric *f, const failure_item *it, sgr_err *err)
{
    const size_t *v = it->v;
    if (it->n != 3 || v[0] >= f->pods || v[1] >= f->planes || v[2] >= f->cores) {
        char why[200];
        snprintf(why, sizeof why,
                 "expected coreup:P/A/C with pod P in 0..%zu, A in 0..%zu, C in 0..%zu",
                 f->pods - 1, f->planes - 1, f->cores - 1);
        return item_error(err, it->text, why);
    }
    f->core_factor[(v[0] * f->planes + v[1]) * f->cores + v[2]] = it->factor;
    return 0;
}

/* Apply one failure item (already trimmed, NUL-terminated). */
static int apply_item(sgr_fabric *f, char *item, sgr_err *err)
{
    char copy[256];
    snprintf(copy, sizeof copy, "%s", item);
    failure_item it = {.text = copy};
    if (parse_item(item, &it, err) < 0)
        return -1;
    bool three = f->kind == SGR_FABRIC_THREE_TIER;
    if (strcmp(it.kind, "spine") == 0 && !three)
        return apply_spine(f, &it, err);
    if (strcmp(it.kind, "uplink") == 0)
        return apply_uplink(f, &it, err);
    if (!three)
        return item_error(err, copy,
                          "a leaf-spine fabric knows spine:S and uplink:L/S (agg, core and coreup "
                          "are three-tier items)");
    if (strcmp(it.kind, "agg") == 0)
        return apply_agg(f, &it, err);
    if (strcmp(it.kind, "core") == 0)
        return apply_core(f, &it, err);
    if (strcmp(it.kind, "coreup") == 0)
        return apply_coreup(f, &it, err);
    return item_error(err, copy, "spine:S is a leaf-spine item (agg:P/A on a three-tier fabric)");
}

static int apply_failures(sgr_fabric *f, const char *failures, sgr_err *err)
{
    if (!failures || !*failures)
        return 0;
    char *buf = strdup(failures);
    if (!buf)
        return sgr_fail(err, "out of memory");
    int rc = 0;
    char *save;
    for (char *tok = strtok_r(buf, ";", &save); tok && rc == 0; tok = strtok_r(NULL, ";", &save)) {
        while (*tok == ' ')
            tok++;
        char *end = tok + strlen(tok);
        while (end > tok && end[-1] == ' ')
            *--end = '\0';
        if (*tok)
            rc = apply_item(f, tok, err);
    }
    free(buf);
    return rc;
}

int sgr_fabric_init(sgr_fabric *f, const sgr_platform_cfg *cfg, const char *failures, sgr_err *err)
{
    memset(f, 0, sizeof *f);
    if (cfg->kind != SGR_PLAT_LEAF_SPINE && cfg->kind != SGR_PLAT_THREE_TIER)
        return sgr_fail(err,
                        "platform.type: a fabric is leaf-spine or three-tier, "
                        "got %s",
                        sgr_platform_kind_name(cfg->kind));
    if (sgr_platform_check(cfg, NULL, err) < 0)
        return -1;
    bool three = cfg->kind == SGR_PLAT_THREE_TIER;
    f->kind = three ? SGR_FABRIC_THREE_TIER : SGR_FABRIC_LEAF_SPINE;
    f->pods = three ? cfg->pods : 1;
    f->leaves_per_pod = cfg->leaves;
    f->hosts_per_leaf = cfg->hosts_per_leaf;
    f->planes = cfg->spines;
    f->cores = three ? cfg->core_switches : 0;
    f->nleaves = f->pods * f->leaves_per_pod;
    f->nhosts = f->nleaves * f->hosts_per_leaf;
    f->host_speed = cfg->host_speed;
    f->host_bw = cfg->host_bw;
    f->host_lat = cfg->host_lat;
    f->leaf_bw = sgr_platform_spine_bw(cfg);
    f->leaf_lat = cfg->spine_lat;
    f->core_bw = three ? sgr_platform_core_bw(cfg) : 0;
    f->core_lat = three ? cfg->core_lat : 0;
    f->leaf_factor = malloc(f->nleaves * f->planes * sizeof *f->leaf_factor);
    size_t ncore = f->pods * f->planes * (f->cores ? f->cores : 1);
    f->core_factor = malloc(ncore * sizeof *f->core_factor);
    if (!f->leaf_factor || !f->core_factor) {
        sgr_fabric_free(f);
        return sgr_fail(err, "out of memory");
    }
    for (size_t i = 0; i < f->nleaves * f->planes; i++)
        f->leaf_factor[i] = 1;
    for (size_t i = 0; i < ncore; i++)
        f->core_factor[i] = 1;
    if (apply_failures(f, failures, err) < 0) {
        sgr_fabric_free(f);
        return -1;
    }
    /* every pair of leaves must keep a live path */
    for (size_t a = 0; a < f->nleaves; a++) {
        for (size_t b = 0; b < f->nleaves; b++) {
            size_t np = a == b ? 0 : sgr_fabric_npaths(f, a, b), live = a == b;
            for (size_t p = 0; p < np && !live; p++)
                live = sgr_fabric_path_factor(f, a, b, p) > 0;
            if (!live) {
                sgr_fail(err, "%s: the failures leave no live path from leaf %zu to leaf %zu", KEY,
                         a, b);
                sgr_fabric_free(f);
                return -1;
            }
        }
    }
    return 0;
}

size_t sgr_fabric_npaths(const sgr_fabric *f, size_t a, size_t b)
{
    if (a == b)
        return 1;
    if (f->kind == SGR_FABRIC_LEAF_SPINE || sgr_fabric_pod(f, a) == sgr_fabric_pod(f, b))
        return f->planes;
    return f->planes * f->cores;
}

double sgr_fabric_path_factor(const sgr_fabric *f, size_t a, size_t b, size_t path)
{
    if (a == b)
        return 1;
    size_t plane = path, core = 0;
    bool inter = f->kind == SGR_FABRIC_THREE_TIER && sgr_fabric_pod(f, a) != sgr_fabric_pod(f, b);
    if (inter) {
        plane = path / f->cores;
        core = path % f->cores;
    }
    double x = fmin(f->leaf_factor[a * f->planes + plane], f->leaf_factor[b * f->planes + plane]);
    if (inter) {
        size_t pa = sgr_fabric_pod(f, a), pb = sgr_fabric_pod(f, b);
        x = fmin(x, f->core_factor[(pa * f->planes + plane) * f->cores + core]);
        x = fmin(x, f->core_factor[(pb * f->planes + plane) * f->cores + core]);
    }
    return x;
}

size_t sgr_fabric_live_paths(const sgr_fabric *f, size_t a, size_t b, size_t *out)
{
    size_t np = sgr_fabric_npaths(f, a, b), k = 0;
    for (size_t p = 0; p < np; p++)
        if (sgr_fabric_path_factor(f, a, b, p) > 0)
            out[k++] = p;
    return k;
}

static size_t live_of(const double *factor, size_t n, double *slowest)
{
    size_t live = 0;
    *slowest = INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (factor[i] > 0) {
            live++;
            *slowest = fmin(*slowest, factor[i]);
        }
    }
    return live;
}

size_t sgr_fabric_leaf_live(const sgr_fabric *f, size_t leaf, double *slowest)
{
    return live_of(f->leaf_factor + leaf * f->planes, f->planes, slowest);
}

size_t sgr_fabric_pod_live(const sgr_fabric *f, size_t pod, double *slowest)
{
    return live_of(f->core_factor + pod * f->planes * f->cores, f->planes * f->cores, slowest);
}

bool sgr_fabric_spray_aggregate(const sgr_fabric *f)
{
    /* the same planes (and cores) must be live for every leaf (and pod) */
    for (size_t l = 1; l < f->nleaves; l++)
        for (size_t s = 0; s < f->planes; s++)
            if ((f->leaf_factor[l * f->planes + s] > 0) != (f->leaf_factor[s] > 0))
                return false;
    for (size_t p = 1; p < f->pods; p++)
        for (size_t i = 0; i < f->planes * f->cores; i++)
            if ((f->core_factor[p * f->planes * f->cores + i] > 0) != (f->core_factor[i] > 0))
                return false;
    return true;
}
