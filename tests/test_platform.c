/* Tests of platform generation: what SimGrid loads from the XML we write (host counts, the
 * links a route crosses, its latency, link bandwidths) and the message a user gets for every
 * kind of bad configuration.
 *
 * SimGrid can be initialised and given a platform only once per process, so each load runs in
 * a forked child: it loads the file, checks inside an actor (routes cannot be queried from
 * main() before simgrid_run) and reports through its exit status. */
#include "testutil.h"
#include "simgrad/platform.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <gsl/gsl_rng.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/link.h>
#include <xbt/dynar.h>

static char tmpdir[] = "/tmp/sgr_test_platform_XXXXXX";

static const char *tmp_path(const char *name, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
    return buf;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* 1 Gflop/s hosts with 10 Gbps NICs and 1 us latency: the defaults every test changes from. */
static sgr_platform_cfg base_cfg(sgr_platform_kind kind)
{
    sgr_platform_cfg c = {0};
    c.kind = kind;
    c.host_speed = 1e9;
    c.cores = 1;
    c.host_bw = 1.25e9;
    c.host_lat = 1e-6;
    c.hosts = 8;
    c.leaves = 2;
    c.hosts_per_leaf = 4;
    c.spines = 2;
    c.spine_bw = 2.5e9;
    c.spine_lat = 2e-6;
    c.oversubscription = 1;
    c.sites = 3;
    c.hosts_per_site = 2;
    c.wan_bw = 1.25e8;
    c.wan_lat = 0.01;
    c.speed_dist = SGR_SPEED_CONSTANT;
    return c;
}

/* ---- loading in a child process ------------------------------------------------------- */

typedef int (*load_check_fn)(const void *ctx);

struct load_job {
    load_check_fn check;
    const void *ctx;
    int result;
};

/* Report a failed expectation from the child (CUnit asserts there would be lost). */
static int expect_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("  child check failed: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return expect_fail(__VA_ARGS__);                                                       \
    } while (0)

static void check_actor(int argc, char **argv)
{
    struct load_job *job = sg_actor_self_get_data();
    job->result = job->check ? job->check(job->ctx) : 0;
}

/* Load `xml` with the CM02 network model (nominal latencies and bandwidths) in a child, or
 * with mem set, build mem's platform through sgr_platform_load (in memory for a leaf-spine),
 * and run `check` in an actor on h0. Returns the child's exit status: 0 when the platform
 * loaded and the check passed. */
static int load_cfg_in_child(const char *xml, const sgr_platform_cfg *mem, load_check_fn check,
                             const void *ctx, const char *label)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        char *argv[] = {"test_platform", "--cfg=network/model:CM02", "--log=root.thres:warning",
                        NULL};
        int argc = 3;
        sgr_err err = {{0}};
        simgrid_init(&argc, argv);
        double t0 = now();
        if (sgr_platform_load(mem, xml, &err) < 0)
            _exit(expect_fail("sgr_platform_load: %s", err.msg));
        if (label)
            printf("  %s: SimGrid loaded %zu hosts in %.3f s\n", label, sg_host_count(),
                   now() - t0);
        struct load_job job = {check, ctx, 2};
        sg_host_t h0 = sg_host_by_name("h0");
        if (!h0)
            _exit(expect_fail("no host h0 in %s", xml ? xml : "the in-memory platform"));
        sg_actor_t a = sg_actor_init("check", h0);
        sg_actor_set_data(a, &job);
        sg_actor_start(a, check_actor, 0, NULL);
        simgrid_run();
        fflush(stdout);
        fflush(stderr);
        _exit(job.result);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "  child loading %s died with signal %d\n", xml ? xml : "(memory)",
                WTERMSIG(status));
        return 128 + WTERMSIG(status);
    }
    return WEXITSTATUS(status);
}

static int load_in_child(const char *xml, load_check_fn check, const void *ctx, const char *label)
{
    return load_cfg_in_child(xml, NULL, check, ctx, label);
}

/* Names of the links on the route src -> dst, joined with spaces. */
static void route_names(const char *src, const char *dst, char *out, size_t len)
{
    xbt_dynar_t links = xbt_dynar_new(sizeof(sg_link_t), NULL);
    sg_host_get_route(sg_host_by_name(src), sg_host_by_name(dst), links);
    out[0] = '\0';
    for (unsigned i = 0; i < xbt_dynar_length(links); i++) {
        sg_link_t l = xbt_dynar_get_as(links, i, sg_link_t);
        size_t used = strlen(out);
        snprintf(out + used, len - used, "%s%s", i ? " " : "", sg_link_get_name(l));
    }
    xbt_dynar_free(&links);
}

static bool close_to(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b)) + 1e-15;
}

static double route_latency(const char *src, const char *dst)
{
    return sg_host_get_route_latency(sg_host_by_name(src), sg_host_by_name(dst));
}

/* Generic expectations: host count and the route between two hosts. */
struct route_expect {
    size_t hosts;
    const char *src, *dst;
    const char *links; /* names joined with spaces, or NULL to skip */
    double latency;    /* < 0 to skip */
};

static int check_route(const void *p)
{
    const struct route_expect *e = p;
    char names[1024];
    EXPECT(sg_host_count() == e->hosts, "%zu hosts, expected %zu", sg_host_count(), e->hosts);
    if (!e->src)
        return 0;
    route_names(e->src, e->dst, names, sizeof names);
    EXPECT(names[0], "empty route %s -> %s", e->src, e->dst);
    EXPECT(!e->links || strcmp(names, e->links) == 0, "route %s -> %s is '%s', expected '%s'",
           e->src, e->dst, names, e->links);
    double lat = route_latency(e->src, e->dst);
    EXPECT(e->latency < 0 || close_to(lat, e->latency),
           "route %s -> %s latency %.17g, expected %.17g", e->src, e->dst, lat, e->latency);
    return 0;
}

static void write_ok(const sgr_platform_cfg *cfg, const char *path)
{
    sgr_err err = {{0}};
    int rc = sgr_platform_write_xml(cfg, path, &err);
    if (rc != 0)
        fprintf(stderr, "  write_xml: %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
}

/* ---- leaf-spine ------------------------------------------------------------------------ */

struct leaf_spine_expect {
    struct route_expect across, within, back;
    double spine_bw;
};

static int check_leaf_spine(const void *p)
{
    const struct leaf_spine_expect *e = p;
    if (check_route(&e->across) || check_route(&e->within) || check_route(&e->back))
        return 1;
    sg_link_t l = sg_link_by_name("ls_0_0_UP");
    EXPECT(l, "no link ls_0_0_UP");
    EXPECT(close_to(sg_link_get_bandwidth(l), e->spine_bw),
           "spine link bandwidth %.17g, expected %.17g", sg_link_get_bandwidth(l), e->spine_bw);
    return 0;
}

static void test_leaf_spine_routes(void)
{
    char path[256];
    sgr_platform_cfg c = base_cfg(SGR_PLAT_LEAF_SPINE);
    size_t n = 0;
    CU_ASSERT_EQUAL(sgr_platform_check(&c, &n, NULL), 0);
    CU_ASSERT_EQUAL(n, 8);
    write_ok(&c, tmp_path("ls.xml", path, sizeof path));
    /* destination-mod-k: h5 is on leaf 1, so the spine is 1 % 2 = 1; back to leaf 0, spine 0 */
    struct leaf_spine_expect e = {
        .across = {8, "h0", "h5", "leaf0_link_0_UP ls_0_1_UP ls_1_1_DOWN leaf1_link_5_DOWN",
                   2 * c.host_lat + 2 * c.spine_lat},
        .within = {8, "h0", "h3", "leaf0_link_0_UP leaf0_link_3_DOWN", 2 * c.host_lat},
        .back = {8, "h6", "h1", "leaf1_link_6_UP ls_1_0_UP ls_0_0_DOWN leaf0_link_1_DOWN",
                 2 * c.host_lat + 2 * c.spine_lat},
        .spine_bw = c.spine_bw,
    };
    CU_ASSERT_EQUAL(load_in_child(path, check_leaf_spine, &e, NULL), 0);
    CU_ASSERT_EQUAL(load_cfg_in_child(NULL, &c, check_leaf_spine, &e, NULL), 0);
    remove(path);
}

/* Every host's speed and cores, every link's bandwidth, latency and sharing, and for every
 * ordered host pair the route's links and its latency (to the last bit: %a), into the file
 * named by p. */
static int cmp_link_names(const void *a, const void *b)
{
    return strcmp(sg_link_get_name(*(const sg_link_t *)a), sg_link_get_name(*(const sg_link_t *)b));
}

static int dump_platform(const void *p)
{
    FILE *f = fopen(p, "w");
    EXPECT(f, "cannot write %s", (const char *)p);
    size_t n = sg_host_count(), nl = sg_link_count();
    char a[32], b[32], names[4096];
    for (size_t i = 0; i < n; i++) {
        snprintf(a, sizeof a, "h%zu", i);
        sg_host_t h = sg_host_by_name(a);
        fprintf(f, "host %s %a %d\n", a, sg_host_get_speed(h), sg_host_core_count(h));
    }
    sg_link_t *links = sg_link_list();
    qsort(links, nl, sizeof *links, cmp_link_names);
    for (size_t i = 0; i < nl; i++)
        fprintf(f, "link %s %a %a %d\n", sg_link_get_name(links[i]),
                sg_link_get_bandwidth(links[i]), sg_link_get_latency(links[i]),
                sg_link_is_shared(links[i]));
    free(links);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            snprintf(a, sizeof a, "h%zu", i);
            snprintf(b, sizeof b, "h%zu", j);
            route_names(a, b, names, sizeof names);
            fprintf(f, "route %s %s %a %s\n", a, b, route_latency(a, b), names);
        }
    return fclose(f) == 0 ? 0 : expect_fail("cannot write %s", (const char *)p);
}

static bool same_file(const char *x, const char *y)
{
    FILE *f = fopen(x, "r"), *g = fopen(y, "r");
    bool same = f && g;
    while (same) {
        int c = getc(f), d = getc(g);
        same = c == d;
        if (c == EOF)
            break;
    }
    if (f)
        fclose(f);
    if (g)
        fclose(g);
    return same;
}

/* Load c's XML with SimGrid and c through sgr_platform_load (in memory): the same dump. */
static void expect_memory_matches_xml(const sgr_platform_cfg *c)
{
    char path[256], from_xml[256], from_mem[256];
    tmp_path("mem.xml", path, sizeof path);
    tmp_path("dump_xml.txt", from_xml, sizeof from_xml);
    tmp_path("dump_mem.txt", from_mem, sizeof from_mem);
    write_ok(c, path);
    CU_ASSERT_EQUAL(load_in_child(path, dump_platform, from_xml, NULL), 0);
    CU_ASSERT_EQUAL(load_cfg_in_child(NULL, c, dump_platform, from_mem, NULL), 0);
    CU_ASSERT(same_file(from_xml, from_mem));
    remove(from_xml);
    remove(from_mem);
    remove(path);
}

/* sgr_platform_load builds a leaf-spine in memory: the same hosts, links and routes, to the
 * last bit of every latency, as SimGrid's own routing through the XML's zones. Shapes with
 * more spines than leaves, leaves not a multiple of the spines, derived spine bandwidth. */
static void test_leaf_spine_in_memory_matches_xml(void)
{
    const size_t shapes[][3] = {{3, 4, 2}, {2, 3, 5}, {7, 2, 3}};
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        sgr_platform_cfg c = base_cfg(SGR_PLAT_LEAF_SPINE);
        c.leaves = shapes[k][0];
        c.hosts_per_leaf = shapes[k][1];
        c.spines = shapes[k][2];
        c.host_lat = 1.1e-6; /* 2 x 0.7 + 2 x 1.1 rounds differently in another order */
        c.spine_lat = 0.7e-6;
        if (k == 2) {
            c.spine_bw = 0;
            c.oversubscription = 3;
        }
        expect_memory_matches_xml(&c);
    }
}

/* The same for SimGrid's FAT_TREE cluster: one level, two and three levels, hosts with two
 * parents, parallel links. */
static void test_fat_tree_in_memory_matches_xml(void)
{
    const char *params[] = {"1;5;1;1", "2;4,4;1,2;1,2", "2;3,5;2,2;1,1", "3;2,2,3;1,2,2;1,1,1",
                            "3;2,3,2;2,1,2;1,2,1"};
    for (size_t k = 0; k < sizeof params / sizeof params[0]; k++) {
        sgr_platform_cfg c = base_cfg(SGR_PLAT_FAT_TREE);
        c.topo_parameters = params[k];
        c.host_lat = 1.1e-6;
        expect_memory_matches_xml(&c);
    }
}

/* The bandwidth written for link `id` in an XML file, or -1. */
static double xml_link_bandwidth(const char *path, const char *id)
{
    char needle[128], line[4096];
    double bw = -1;
    snprintf(needle, sizeof needle, "<link id=\"%s\" bandwidth=\"", id);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        char *p = strstr(line, needle), *end;
        if (!p)
            continue;
        bw = strtod(p + strlen(needle), &end);
        if (strncmp(end, "Bps\"", 4) != 0)
            bw = -1;
        break;
    }
    fclose(f);
    return bw;
}

static void test_leaf_spine_oversubscription(void)
{
    char path[256];
    sgr_platform_cfg c = base_cfg(SGR_PLAT_LEAF_SPINE);
    c.spine_bw = 0;
    c.oversubscription = 2;
    double expected = 4 * c.host_bw / (2.0 * 2);
    CU_ASSERT_DOUBLE_EQUAL(sgr_platform_spine_bw(&c), expected, 1e-6);
    write_ok(&c, tmp_path("ls_over.xml", path, sizeof path));
    CU_ASSERT_DOUBLE_EQUAL(xml_link_bandwidth(path, "ls_0_0"), expected, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(xml_link_bandwidth(path, "ls_1_1"), expected, 1e-6);
    struct leaf_spine_expect e = {
        .across = {8, "h0", "h5", NULL, -1},
        .within = {8, "h0", "h1", NULL, -1},
        .back = {8, "h5", "h0", NULL, -1},
        .spine_bw = expected,
    };
    CU_ASSERT_EQUAL(load_in_child(path, check_leaf_spine, &e, NULL), 0);
    remove(path);
}

static void test_leaf_spine_single_leaf(void)
{
    char path[256];
    sgr_platform_cfg c = base_cfg(SGR_PLAT_LEAF_SPINE);
    c.leaves = 1;
    c.hosts_per_leaf = 5;
    c.spines = 0; /* irrelevant with one leaf */
    write_ok(&c, tmp_path("ls1.xml", path, sizeof path));
    struct route_expect e = {5, "h0", "h4", "leaf0_link_0_UP leaf0_link_4_DOWN", 2 * c.host_lat};
    CU_ASSERT_EQUAL(load_in_child(path, check_route, &e, NULL), 0);
    remove(path);
}

/* ---- star, SimGrid topologies, WAN ----------------------------------------------------- */

static void test_star_backbone(void)
{
    char path[256];
    sgr_platform_cfg c = base_cfg(SGR_PLAT_STAR);
    c.backbone_bw = 1e10;
    c.backbone_lat = 5e-6;
    write_ok(&c, tmp_path("star_bb.xml", path, sizeof path));
    struct route_expect e = {8, "h0", "h7", "star_link_0_UP star_backbone star_link_7_DOWN",
                             2 * c.host_lat + c.backbone_lat};
    CU_ASSERT_EQUAL(load_in_child(path, check_route, &e, NULL), 0);
    remove(path);
}

static void test_star_non_blocking(void)
{
    char path[256];
    sgr_platform_cfg c = base_cfg(SGR_PLAT_STAR);
    write_ok(&c, tmp_path("star.xml", path, sizeof path));
    struct route_expect e = {8, "h2", "h5", "star_link_2_UP star_link_5_DOWN", 2 * c.host_lat};
    CU_ASSERT_EQUAL(load_in_child(path, check_route, &e, NULL), 0);
    remove(path);
}

/* The host count we compute from topo_parameters is the one SimGrid builds, and the first and
 * last hosts are connected. */
static void check_topology_count(sgr_platform_kind kind, const char *params, size_t expected)
{
    char path[256];
    sgr_platform_cfg c = base_cfg(kind);
    c.topo_parameters = params;
    size_t n = 0;
    sgr_err err = {{0}};
    CU_ASSERT_EQUAL_FATAL(sgr_platform_check(&c, &n, &err), 0);
    CU_ASSERT_EQUAL(n, expected);
    write_ok(&c, tmp_path("topo.xml", path, sizeof path));
    char last[32];
    snprintf(last, sizeof last, "h%zu", n - 1);
    struct route_expect e = {n, "h0", last, NULL, -1};
    int rc = load_in_child(path, check_route, &e, NULL);
    if (rc != 0)
        fprintf(stderr, "  %s \"%s\" failed to load or route\n", sgr_platform_kind_name(kind),
                params);
    CU_ASSERT_EQUAL(rc, 0);
    remove(path);
}

static void test_fat_tree_hosts(void)
{
    check_topology_count(SGR_PLAT_FAT_TREE, "2;4,4;1,2;1,2", 16);
    check_topology_count(SGR_PLAT_FAT_TREE, "3;4,4,4;1,4,4;1,1,1", 64);
    check_topology_count(SGR_PLAT_FAT_TREE, "1;8;1;1", 8);
}

static void test_dragonfly_hosts(void)
{
    check_topology_count(SGR_PLAT_DRAGONFLY, "2,1;2,1;2,1;2", 16);
    check_topology_count(SGR_PLAT_DRAGONFLY, "3,4;4,3;5,1;2", 120);
    check_topology_count(SGR_PLAT_DRAGONFLY, "1,1;1,1;1,1;3", 3);
}

static void test_torus_hosts(void)
{
    check_topology_count(SGR_PLAT_TORUS, "4,4,4", 64);
    check_topology_count(SGR_PLAT_TORUS, "3,5", 15);
    check_topology_count(SGR_PLAT_TORUS, "7", 7);
}

static void test_wan_routes(void)
{
    char path[256];
    sgr_platform_cfg c = base_cfg(SGR_PLAT_WAN);
    size_t n = 0;
    CU_ASSERT_EQUAL(sgr_platform_check(&c, &n, NULL), 0);
    CU_ASSERT_EQUAL(n, 6);
    write_ok(&c, tmp_path("wan.xml", path, sizeof path));
    struct route_expect e = {6, "h0", "h4", "site0_link_0_UP wan_0_2_UP site2_link_4_DOWN",
                             2 * c.host_lat + c.wan_lat};
    CU_ASSERT_EQUAL(load_in_child(path, check_route, &e, NULL), 0);
    struct route_expect back = {6, "h5", "h1", "site2_link_5_UP wan_0_2_DOWN site0_link_1_DOWN",
                                2 * c.host_lat + c.wan_lat};
    CU_ASSERT_EQUAL(load_in_child(path, check_route, &back, NULL), 0);
    remove(path);
}

static void test_wan_site_backbones(void)
{
    char path[256];
    sgr_platform_cfg c = base_cfg(SGR_PLAT_WAN);
    c.backbone_bw = 1e9;
    c.backbone_lat = 1e-4;
    write_ok(&c, tmp_path("wan_bb.xml", path, sizeof path));
    /* a site's backbone is crossed on the way to (and from) its router */
    struct route_expect e = {6, "h2", "h4", NULL, 2 * c.host_lat + 2 * c.backbone_lat + c.wan_lat};
    CU_ASSERT_EQUAL(load_in_child(path, check_route, &e, NULL), 0);
    struct route_expect local = {6, "h2", "h3", NULL, 2 * c.host_lat + c.backbone_lat};
    CU_ASSERT_EQUAL(load_in_child(path, check_route, &local, NULL), 0);
    remove(path);
}

/* ---- 10,000 hosts ---------------------------------------------------------------------- */

static int check_ten_thousand(const void *p)
{
    EXPECT(sg_host_count() == 10000, "%zu hosts, expected 10000", sg_host_count());
    EXPECT(sg_host_by_name("h9999"), "no host h9999");
    char names[1024];
    route_names("h0", "h9999", names, sizeof names);
    EXPECT(names[0], "empty route h0 -> h9999");
    return 0;
}

static void generate_and_load(const sgr_platform_cfg *c, const char *name)
{
    char path[256];
    struct stat st;
    tmp_path(name, path, sizeof path);
    double t0 = now();
    write_ok(c, path);
    double gen = now() - t0;
    CU_ASSERT_EQUAL(stat(path, &st), 0);
    printf("\n  %s: generated 10000 hosts in %.3f s (%lld bytes)\n", name, gen,
           (long long)st.st_size);
    CU_ASSERT_EQUAL(load_in_child(path, check_ten_thousand, NULL, name), 0);
    remove(path);
}

static void test_ten_thousand_hosts(void)
{
    sgr_platform_cfg c = base_cfg(SGR_PLAT_LEAF_SPINE);
    c.leaves = 100;
    c.hosts_per_leaf = 100;
    c.spines = 16;
    c.spine_bw = 0;
    c.oversubscription = 3;
    generate_and_load(&c, "leaf_spine_10k.xml");
    sgr_platform_cfg s = base_cfg(SGR_PLAT_STAR);
    s.hosts = 10000;
    generate_and_load(&s, "star_10k.xml");
}

/* ---- bad configurations ---------------------------------------------------------------- */

struct bad_case {
    const char *what;
    sgr_platform_cfg cfg;
    const char *key; /* must appear in the message */
};

static void run_bad_cases(const struct bad_case *cases, size_t ncases)
{
    char path[256];
    tmp_path("bad.xml", path, sizeof path);
    for (size_t i = 0; i < ncases; i++) {
        sgr_err err = {{0}};
        size_t n = 12345;
        int rc = sgr_platform_check(&cases[i].cfg, &n, &err);
        CU_ASSERT_EQUAL(rc, -1);
        bool named = strstr(err.msg, cases[i].key) != NULL;
        if (rc != -1 || !named)
            fprintf(stderr, "  case '%s': rc %d, message '%s', expected key %s\n", cases[i].what,
                    rc, err.msg, cases[i].key);
        CU_ASSERT(named);
        /* write_xml refuses too, and leaves neither the file nor its temporary behind */
        CU_ASSERT_EQUAL(sgr_platform_write_xml(&cases[i].cfg, path, &err), -1);
        CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
    }
}

#define BAD(what_, key_, kind_, ...)                                                               \
    do {                                                                                           \
        sgr_platform_cfg c_ = base_cfg(kind_);                                                     \
        __VA_ARGS__;                                                                               \
        cases[n++] = (struct bad_case){what_, c_, key_};                                           \
    } while (0)

static void test_bad_numbers(void)
{
    struct bad_case cases[64];
    size_t n = 0;
    BAD("no hosts", "platform.hosts", SGR_PLAT_STAR, c_.hosts = 0);
    BAD("zero speed", "platform.host_speed", SGR_PLAT_STAR, c_.host_speed = 0);
    BAD("NaN speed", "platform.host_speed", SGR_PLAT_TORUS, c_.host_speed = NAN;
        c_.topo_parameters = "2,2");
    BAD("zero cores", "platform.cores", SGR_PLAT_STAR, c_.cores = 0);
    BAD("negative host bw", "platform.host_bw", SGR_PLAT_LEAF_SPINE, c_.host_bw = -1);
    BAD("infinite host bw", "platform.host_bw", SGR_PLAT_STAR, c_.host_bw = INFINITY);
    BAD("negative latency", "platform.host_lat", SGR_PLAT_WAN, c_.host_lat = -1e-6);
    BAD("negative backbone", "platform.backbone_bw", SGR_PLAT_STAR, c_.backbone_bw = -5);
    BAD("negative backbone lat", "platform.backbone_lat", SGR_PLAT_STAR, c_.backbone_bw = 1e9;
        c_.backbone_lat = -1);
    BAD("no leaves", "platform.leaves", SGR_PLAT_LEAF_SPINE, c_.leaves = 0);
    BAD("empty leaves", "platform.hosts_per_leaf", SGR_PLAT_LEAF_SPINE, c_.hosts_per_leaf = 0);
    BAD("no spines", "platform.spines", SGR_PLAT_LEAF_SPINE, c_.spines = 0);
    BAD("negative spine bw", "platform.spine_bw", SGR_PLAT_LEAF_SPINE, c_.spine_bw = -1);
    BAD("no oversubscription", "platform.oversubscription", SGR_PLAT_LEAF_SPINE, c_.spine_bw = 0;
        c_.oversubscription = 0);
    BAD("negative spine lat", "platform.spine_lat", SGR_PLAT_LEAF_SPINE, c_.spine_lat = -1);
    BAD("too many hosts", "platform.hosts_per_leaf", SGR_PLAT_LEAF_SPINE, c_.leaves = 1u << 20;
        c_.hosts_per_leaf = 1u << 20);
    BAD("no sites", "platform.sites", SGR_PLAT_WAN, c_.sites = 0);
    BAD("empty sites", "platform.hosts_per_site", SGR_PLAT_WAN, c_.hosts_per_site = 0);
    BAD("zero wan bw", "platform.wan_bw", SGR_PLAT_WAN, c_.wan_bw = 0);
    BAD("negative wan lat", "platform.wan_lat", SGR_PLAT_WAN, c_.wan_lat = -1);
    BAD("uniform min 0", "platform.speed_min", SGR_PLAT_STAR, c_.speed_dist = SGR_SPEED_UNIFORM;
        c_.speed_min = 0; c_.speed_max = 1e9);
    BAD("uniform max < min", "platform.speed_max", SGR_PLAT_STAR, c_.speed_dist = SGR_SPEED_UNIFORM;
        c_.speed_min = 2e9; c_.speed_max = 1e9);
    BAD("negative sigma", "platform.speed_sigma", SGR_PLAT_STAR,
        c_.speed_dist = SGR_SPEED_LOGNORMAL;
        c_.speed_sigma = -0.1);
    BAD("missing file", "platform.file", SGR_PLAT_FILE, c_.file = "/nonexistent/p.xml");
    BAD("no file", "platform.file", SGR_PLAT_FILE, c_.file = NULL);
    BAD("unknown kind", "platform.kind", SGR_PLAT_STAR, c_.kind = (sgr_platform_kind)42);
    run_bad_cases(cases, n);
}

static void test_bad_topo_parameters(void)
{
    static const struct {
        sgr_platform_kind kind;
        const char *params;
    } bad[] = {
        {SGR_PLAT_FAT_TREE, NULL},
        {SGR_PLAT_FAT_TREE, ""},
        {SGR_PLAT_FAT_TREE, "2;4,4;1,2"},
        {SGR_PLAT_FAT_TREE, "2;4,4;1,2;1"},
        {SGR_PLAT_FAT_TREE, "2;4,4;1,2;1,2;1"},
        {SGR_PLAT_FAT_TREE, "2;4,x;1,2;1,2"},
        {SGR_PLAT_FAT_TREE, "2;4,0;1,2;1,2"},
        {SGR_PLAT_FAT_TREE, "2;4,-4;1,2;1,2"},
        {SGR_PLAT_FAT_TREE, "0;;;"},
        {SGR_PLAT_FAT_TREE, "two;4,4;1,2;1,2"},
        {SGR_PLAT_FAT_TREE, "2; 4,4;1,2;1,2"},
        {SGR_PLAT_FAT_TREE, "2;4,4,;1,2;1,2"},
        {SGR_PLAT_FAT_TREE, "1;99999999999;1;1"},
        {SGR_PLAT_DRAGONFLY, NULL},
        {SGR_PLAT_DRAGONFLY, "2,1;2,1;2,1"},
        {SGR_PLAT_DRAGONFLY, "2;2,1;2,1;2"},
        {SGR_PLAT_DRAGONFLY, "2,1,1;2,1;2,1;2"},
        {SGR_PLAT_DRAGONFLY, "2,0;2,1;2,1;2"},
        {SGR_PLAT_DRAGONFLY, "0,1;2,1;2,1;2"},
        {SGR_PLAT_DRAGONFLY, "2,1;2,1;2,1;2,2"},
        {SGR_PLAT_DRAGONFLY, "9,1;2,1;2,1;1"}, /* more groups than routers: SimGrid segfaults */
        {SGR_PLAT_TORUS, NULL},
        {SGR_PLAT_TORUS, "4,,4"},
        {SGR_PLAT_TORUS, "4,0"},
        {SGR_PLAT_TORUS, "4,4,"},
        {SGR_PLAT_TORUS, "a"},
        {SGR_PLAT_TORUS, "4;4"},
        {SGR_PLAT_TORUS, "65536,65536"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sgr_platform_cfg c = base_cfg(bad[i].kind);
        c.topo_parameters = bad[i].params;
        sgr_err err = {{0}};
        int rc = sgr_platform_check(&c, NULL, &err);
        CU_ASSERT_EQUAL(rc, -1);
        /* the message names the key and shows the expected format */
        bool clear = strstr(err.msg, "platform.topo_parameters") && strstr(err.msg, "expected");
        if (rc != -1 || !clear)
            fprintf(stderr, "  %s \"%s\": rc %d, message '%s'\n",
                    sgr_platform_kind_name(bad[i].kind), bad[i].params ? bad[i].params : "(null)",
                    rc, err.msg);
        CU_ASSERT(clear);
    }
}

static void test_file_kind(void)
{
    char path[256];
    sgr_platform_cfg c = base_cfg(SGR_PLAT_STAR);
    write_ok(&c, tmp_path("user.xml", path, sizeof path));
    sgr_platform_cfg f = base_cfg(SGR_PLAT_FILE);
    f.file = path;
    size_t n = 99;
    sgr_err err = {{0}};
    CU_ASSERT_EQUAL(sgr_platform_check(&f, &n, &err), 0);
    CU_ASSERT_EQUAL(n, 0);
    /* nothing to generate for the user's own file */
    CU_ASSERT_EQUAL(sgr_platform_write_xml(&f, path, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "platform.file"));
    f.file = "/nonexistent/p.xml";
    CU_ASSERT_EQUAL(sgr_platform_check(&f, &n, &err), -1);
    CU_ASSERT_STRING_EQUAL(
        err.msg, "platform.file: cannot read /nonexistent/p.xml: No such file or directory");
    remove(path);
}

static void test_write_failure_leaves_nothing(void)
{
    char path[256];
    sgr_platform_cfg c = base_cfg(SGR_PLAT_STAR);
    sgr_err err = {{0}};
    tmp_path("missing_dir/p.xml", path, sizeof path);
    CU_ASSERT_EQUAL(sgr_platform_write_xml(&c, path, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "cannot write"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, path));
    /* a successful write leaves no temporary file */
    char tmp[300];
    write_ok(&c, tmp_path("p.xml", path, sizeof path));
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    CU_ASSERT_EQUAL(access(path, R_OK), 0);
    CU_ASSERT_NOT_EQUAL(access(tmp, F_OK), 0);
    remove(path);
}

/* ---- names and speed factors ----------------------------------------------------------- */

static void test_names(void)
{
    for (int k = SGR_PLAT_STAR; k <= SGR_PLAT_FILE; k++) {
        sgr_platform_kind back = SGR_PLAT_FILE;
        const char *name = sgr_platform_kind_name((sgr_platform_kind)k);
        CU_ASSERT_EQUAL(sgr_platform_kind_parse(name, &back), 0);
        CU_ASSERT_EQUAL(back, k);
    }
    sgr_platform_kind k = SGR_PLAT_TORUS;
    CU_ASSERT_STRING_EQUAL(sgr_platform_kind_name(SGR_PLAT_LEAF_SPINE), "leaf-spine");
    CU_ASSERT_STRING_EQUAL(sgr_platform_kind_name(SGR_PLAT_FAT_TREE), "fat-tree");
    CU_ASSERT_EQUAL(sgr_platform_kind_parse("leaf_spine", &k), -1);
    CU_ASSERT_EQUAL(sgr_platform_kind_parse(NULL, &k), -1);
    CU_ASSERT_EQUAL(k, SGR_PLAT_TORUS);
    CU_ASSERT_STRING_EQUAL(sgr_platform_kind_name((sgr_platform_kind)99), "unknown");

    sgr_speed_dist d = SGR_SPEED_CONSTANT;
    CU_ASSERT_EQUAL(sgr_speed_dist_parse("lognormal", &d), 0);
    CU_ASSERT_EQUAL(d, SGR_SPEED_LOGNORMAL);
    CU_ASSERT_EQUAL(sgr_speed_dist_parse("uniform", &d), 0);
    CU_ASSERT_EQUAL(d, SGR_SPEED_UNIFORM);
    CU_ASSERT_EQUAL(sgr_speed_dist_parse("constant", &d), 0);
    CU_ASSERT_EQUAL(d, SGR_SPEED_CONSTANT);
    CU_ASSERT_EQUAL(sgr_speed_dist_parse("gaussian", &d), -1);
    CU_ASSERT_STRING_EQUAL(sgr_speed_dist_name(SGR_SPEED_UNIFORM), "uniform");
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_speed_factors(void)
{
    enum { N = 20001 };
    static double f[N];
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 42);
    sgr_platform_cfg c = base_cfg(SGR_PLAT_STAR);

    sgr_platform_speed_factors(&c, N, rng, f);
    for (size_t i = 0; i < N; i++)
        CU_ASSERT_EQUAL(f[i], 1.0);

    c.speed_dist = SGR_SPEED_UNIFORM;
    c.speed_min = 0.5e9;
    c.speed_max = 2e9;
    CU_ASSERT_EQUAL(sgr_platform_check(&c, NULL, NULL), 0);
    sgr_platform_speed_factors(&c, N, rng, f);
    double mean = 0;
    for (size_t i = 0; i < N; i++) {
        CU_ASSERT(f[i] >= 0.5 && f[i] <= 2.0);
        mean += f[i] / N;
    }
    CU_ASSERT_DOUBLE_EQUAL(mean, 1.25, 0.02);

    c.speed_dist = SGR_SPEED_LOGNORMAL;
    c.speed_sigma = 0.5;
    sgr_platform_speed_factors(&c, N, rng, f);
    qsort(f, N, sizeof f[0], cmp_double);
    CU_ASSERT(f[0] > 0);
    CU_ASSERT_DOUBLE_EQUAL(f[N / 2], 1.0, 0.03); /* median host_speed */
    /* the 84th percentile is exp(sigma) */
    CU_ASSERT_DOUBLE_EQUAL(f[(size_t)(0.8413 * N)], exp(0.5), 0.05);

    c.speed_sigma = 0;
    sgr_platform_speed_factors(&c, 10, rng, f);
    for (size_t i = 0; i < 10; i++)
        CU_ASSERT_EQUAL(f[i], 1.0);
    gsl_rng_free(rng);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite checks = CU_add_suite("platform_check", NULL, NULL);
    TEST_ADD(checks, test_names);
    TEST_ADD(checks, test_bad_numbers);
    TEST_ADD(checks, test_bad_topo_parameters);
    TEST_ADD(checks, test_file_kind);
    TEST_ADD(checks, test_write_failure_leaves_nothing);
    TEST_ADD(checks, test_speed_factors);
    CU_pSuite loads = CU_add_suite("platform_load", NULL, NULL);
    TEST_ADD(loads, test_leaf_spine_routes);
    TEST_ADD(loads, test_leaf_spine_in_memory_matches_xml);
    TEST_ADD(loads, test_fat_tree_in_memory_matches_xml);
    TEST_ADD(loads, test_leaf_spine_oversubscription);
    TEST_ADD(loads, test_leaf_spine_single_leaf);
    TEST_ADD(loads, test_star_backbone);
    TEST_ADD(loads, test_star_non_blocking);
    TEST_ADD(loads, test_fat_tree_hosts);
    TEST_ADD(loads, test_dragonfly_hosts);
    TEST_ADD(loads, test_torus_hosts);
    TEST_ADD(loads, test_wan_routes);
    TEST_ADD(loads, test_wan_site_backbones);
    TEST_ADD(loads, test_ten_thousand_hosts);
    int rc = test_run_all();
    rmdir(tmpdir);
    return rc;
}
