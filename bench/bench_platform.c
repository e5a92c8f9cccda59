/* bench_platform: generate and load 100,000-host platforms (or, with -n, another size),
 * printing the figures that matter when a scenario scales up: XML size and generation time,
 * SimGrid's loading time (wall and CPU), the time to the first route, the mean time of a route
 * lookup between random hosts (SimGrid computes the route of every communication when it
 * starts) and the loading process's peak RSS, against the target "platforms of 100,000 hosts
 * (star, leaf-spine, fat-tree): load in under 10 s, no sysctl".
 *
 * Each load runs in its own child process (SimGrid loads one platform per process), so the
 * peak RSS reported is that of one load alone. Not run by ctest. */
#include "simgrad/platform.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/link.h>
#include <xbt/dynar.h>

#define DEFAULT_HOSTS 100000
#define TARGET_LOAD_S 10.0
#define ROUTE_SAMPLES 20000

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bench_platform [-n HOSTS] [-k DIR] [-s] [-h]\n"
            "  Generates and loads star, leaf-spine (HOSTS/100 leaves x 100 hosts, 16 spines)\n"
            "  and fat-tree (2;100,HOSTS/100;1,16;1,1: the same 2-level fabric as SimGrid's\n"
            "  FAT_TREE cluster) platforms; prints XML size, generation time, SimGrid's load\n"
            "  time (wall and CPU), the first route query, the mean of %d route queries\n"
            "  between random hosts, and the loader's peak RSS, against the target: load in\n"
            "  under %.0f s. leaf-spine and fat-tree are loaded as simgrad loads them\n"
            "  (sgr_platform_load: in memory), leaf-spine-xml and fat-tree-xml from their XML\n"
            "  (what a user reusing the file gets).\n"
            "  -n HOSTS  a multiple of 100, at least 1,600 (default %d)\n"
            "  -k DIR    write the XML files into DIR and keep them (default: a temporary\n"
            "            directory, removed at the end)\n"
            "  -s        skip leaf-spine-xml and fat-tree-xml: SimGrid loads both in\n"
            "            O(hosts x leaves), over a minute each at 100,000 hosts\n"
            "  -h        this help\n",
            ROUTE_SAMPLES, TARGET_LOAD_S, DEFAULT_HOSTS);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

struct load_times {
    double load, load_cpu, first_route, route_us;
    size_t hosts, route_links;
};

static struct load_times *child_times;

/* Route lookups as an actor sees them: the first (h0 to the last host: caches get filled),
 * then ROUTE_SAMPLES between hosts drawn with a fixed LCG. */
static void route_actor(int argc, char **argv)
{
    size_t n = child_times->hosts;
    sg_host_t *hosts = malloc(n * sizeof *hosts);
    char name[32];
    for (size_t i = 0; i < n; i++) {
        snprintf(name, sizeof name, "h%zu", i);
        hosts[i] = sg_host_by_name(name);
    }
    xbt_dynar_t links = xbt_dynar_new(sizeof(sg_link_t), NULL);
    double t0 = now();
    sg_host_get_route(hosts[0], hosts[n - 1], links);
    child_times->first_route = now() - t0;
    unsigned long long x = 12345;
    size_t total = 0;
    t0 = now();
    for (int k = 0; k < ROUTE_SAMPLES; k++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t a = (size_t)(x >> 33) % n;
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t b = (size_t)(x >> 33) % n;
        xbt_dynar_reset(links);
        sg_host_get_route(hosts[a], hosts[b], links);
        total += xbt_dynar_length(links);
    }
    child_times->route_us = 1e6 * (now() - t0) / ROUTE_SAMPLES;
    child_times->route_links = total;
    xbt_dynar_free(&links);
    free(hosts);
}

/* Child: load `xml` (or with mem, build mem's platform as simgrad does: sgr_platform_load),
 * run one actor asking for routes, and send the times up `fd`. */
static void load_child(const char *xml, const sgr_platform_cfg *mem, int fd)
{
    char *argv[] = {"bench_platform", "--log=root.thres:warning", NULL};
    int argc = 2;
    struct load_times t = {0};
    child_times = &t;
    simgrid_init(&argc, argv);
    double t0 = now(), c0 = cpu_now();
    sgr_err err;
    if (sgr_platform_load(mem, xml, &err) < 0) {
        fprintf(stderr, "bench_platform: %s\n", err.msg);
        _exit(1);
    }
    t.load = now() - t0;
    t.load_cpu = cpu_now() - c0;
    t.hosts = sg_host_count();
    sg_actor_create("route", sg_host_by_name("h0"), route_actor, 0, NULL);
    simgrid_run();
    _exit(write(fd, &t, sizeof t) == (ssize_t)sizeof t ? 0 : 1);
}

/* Generate cfg's XML as `name`.xml in dir and load it in a child: from the file, or as
 * simgrad loads it when mem (in memory for a leaf-spine). */
static int bench_one(const char *name, const sgr_platform_cfg *cfg, bool mem, const char *dir)
{
    char path[512];
    sgr_err err;
    struct stat st;
    snprintf(path, sizeof path, "%s/%s.xml", dir, name);
    double t0 = now();
    if (sgr_platform_write_xml(cfg, path, &err) < 0) {
        fprintf(stderr, "%s: %s\n", name, err.msg);
        return -1;
    }
    double gen = now() - t0;
    if (stat(path, &st) < 0)
        return -1;

    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(fds[0]);
        load_child(path, mem ? cfg : NULL, fds[1]);
    }
    close(fds[1]);
    struct load_times t = {0};
    ssize_t got = read(fds[0], &t, sizeof t);
    close(fds[0]);
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        got != (ssize_t)sizeof t) {
        fprintf(stderr, "%s: loading %s failed\n", name, path);
        return -1;
    }
    printf("%-14s %7zu %8.0f %6.3f %7.2f %7.2f %9.4f %8.1f %6.2f %7.0f  %s\n", name, t.hosts,
           (double)st.st_size / 1e3, gen, t.load, t.load_cpu, t.first_route, t.route_us,
           (double)t.route_links / ROUTE_SAMPLES, (double)ru.ru_maxrss / 1024.0,
           t.load < TARGET_LOAD_S ? "met" : "MISSED");
    return 0;
}

static sgr_platform_cfg base_cfg(sgr_platform_kind kind)
{
    sgr_platform_cfg c = {0};
    c.kind = kind;
    c.host_speed = 1e9;
    c.cores = 1;
    c.host_bw = 1.25e9;
    c.host_lat = 1e-6;
    c.speed_dist = SGR_SPEED_CONSTANT;
    return c;
}

static int parse_args(int argc, char **argv, size_t *hosts, const char **keep, int *skip_slow)
{
    int opt;
    while ((opt = getopt(argc, argv, "n:k:sh")) != -1) {
        if (opt == 'n') {
            char *end;
            unsigned long v = strtoul(optarg, &end, 10);
            if (*end || v < 1600 || v % 100) {
                fprintf(stderr, "bench_platform: -n %s: a multiple of 100, at least 1600\n",
                        optarg);
                return 2;
            }
            *hosts = v;
        } else if (opt == 'k') {
            *keep = optarg;
        } else if (opt == 's') {
            *skip_slow = 1;
        } else {
            usage(opt == 'h' ? stdout : stderr);
            return opt == 'h' ? 1 : 2;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *keep = NULL;
    size_t hosts = DEFAULT_HOSTS;
    int skip_slow = 0;
    int prc = parse_args(argc, argv, &hosts, &keep, &skip_slow);
    if (prc)
        return prc == 1 ? 0 : 2;
    char tmpdir[] = "/tmp/bench_platform_XXXXXX";
    if (keep && mkdir(keep, 0777) < 0 && errno != EEXIST) {
        perror(keep);
        return 1;
    }
    const char *dir = keep ? keep : mkdtemp(tmpdir);
    if (!dir) {
        perror("mkdtemp");
        return 1;
    }

    sgr_platform_cfg star = base_cfg(SGR_PLAT_STAR);
    star.hosts = hosts;
    star.backbone_bw = 1.25e11;
    star.backbone_lat = 1e-6;

    sgr_platform_cfg ls = base_cfg(SGR_PLAT_LEAF_SPINE);
    ls.leaves = hosts / 100;
    ls.hosts_per_leaf = 100;
    ls.spines = 16;
    ls.spine_lat = 1e-6;
    ls.oversubscription = 2;

    char topo[64];
    snprintf(topo, sizeof topo, "2;100,%zu;1,16;1,1", hosts / 100);
    sgr_platform_cfg ft = base_cfg(SGR_PLAT_FAT_TREE);
    ft.topo_parameters = topo;

    printf("target: load in under %.0f s (no sysctl); leaf-spine and fat-tree: %zu leaves x 100 "
           "hosts, 16 spines\n",
           TARGET_LOAD_S, hosts / 100);
    printf("%-14s %7s %8s %6s %7s %7s %9s %8s %6s %7s  %s\n", "platform", "hosts", "xml_kB",
           "gen_s", "load_s", "cpu_s", "route1_s", "route_us", "links", "rss_MB", "load target");
    int rc = 0;
    rc |= bench_one("star", &star, false, dir);
    rc |= bench_one("leaf-spine", &ls, true, dir);
    rc |= bench_one("fat-tree", &ft, true, dir);
    if (!skip_slow) {
        rc |= bench_one("leaf-spine-xml", &ls, false, dir);
        rc |= bench_one("fat-tree-xml", &ft, false, dir);
    }

    if (!keep) {
        const char *names[] = {"star", "leaf-spine", "fat-tree", "leaf-spine-xml", "fat-tree-xml"};
        char path[512];
        for (size_t i = 0; i < 5; i++) {
            snprintf(path, sizeof path, "%s/%s.xml", dir, names[i]);
            remove(path);
        }
        rmdir(dir);
    }
    return rc ? 1 : 0;
}
