/* bench_platform: generate and load 10,000-host platforms, printing the figures that matter
 * when a scenario scales up: XML generation time, SimGrid loading time, time to the first
 * route and peak memory of the loading process.
 *
 * Each load runs in its own child process (SimGrid loads one platform per process), so the
 * peak RSS reported is that of one load alone. Not run by ctest. */
#include "simgrad/platform.h"

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

#define TARGET_HOSTS 10000

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bench_platform [-k DIR] [-h]\n"
            "  Generates and loads %d-host star, leaf-spine (100 leaves x 100 hosts, 16 spines)\n"
            "  and fat-tree (2;100,100;1,16;1,1) platforms; prints generation time, SimGrid\n"
            "  load time, time to the first route query and the loader's peak RSS.\n"
            "  -k DIR  write the XML files into DIR and keep them (default: a temporary\n"
            "          directory, removed at the end)\n"
            "  -h      this help\n",
            TARGET_HOSTS);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

struct load_times {
    double load, first_route;
    size_t hosts;
};

static void route_actor(int argc, char **argv)
{
    xbt_dynar_t links = xbt_dynar_new(sizeof(sg_link_t), NULL);
    char last[32];
    snprintf(last, sizeof last, "h%d", TARGET_HOSTS - 1);
    sg_host_get_route(sg_host_by_name("h0"), sg_host_by_name(last), links);
    xbt_dynar_free(&links);
}

/* Child: load `xml`, run one actor asking for a route, and send the times up `fd`. */
static void load_child(const char *xml, int fd)
{
    char *argv[] = {"bench_platform", "--log=root.thres:warning", NULL};
    int argc = 2;
    struct load_times t;
    simgrid_init(&argc, argv);
    double t0 = now();
    simgrid_load_platform(xml);
    t.load = now() - t0;
    t.hosts = sg_host_count();
    t0 = now();
    sg_actor_create("route", sg_host_by_name("h0"), route_actor, 0, NULL);
    simgrid_run();
    t.first_route = now() - t0;
    _exit(write(fd, &t, sizeof t) == (ssize_t)sizeof t ? 0 : 1);
}

static int bench_one(const char *name, const sgr_platform_cfg *cfg, const char *dir)
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
    stat(path, &st);

    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(fds[0]);
        load_child(path, fds[1]);
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
    printf("%-11s %7zu %9.0f %9.3f %9.3f %10.3f %9.1f\n", name, t.hosts, st.st_size / 1e3, gen,
           t.load, t.first_route, ru.ru_maxrss / 1024.0);
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

int main(int argc, char **argv)
{
    const char *keep = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "k:h")) != -1) {
        if (opt == 'k') {
            keep = optarg;
        } else {
            usage(opt == 'h' ? stdout : stderr);
            return opt == 'h' ? 0 : 2;
        }
    }
    char tmpdir[] = "/tmp/bench_platform_XXXXXX";
    const char *dir = keep ? keep : mkdtemp(tmpdir);
    if (!dir) {
        perror("mkdtemp");
        return 1;
    }

    sgr_platform_cfg star = base_cfg(SGR_PLAT_STAR);
    star.hosts = TARGET_HOSTS;
    star.backbone_bw = 1.25e11;
    star.backbone_lat = 1e-6;

    sgr_platform_cfg ls = base_cfg(SGR_PLAT_LEAF_SPINE);
    ls.leaves = 100;
    ls.hosts_per_leaf = 100;
    ls.spines = 16;
    ls.spine_lat = 1e-6;
    ls.oversubscription = 2;

    sgr_platform_cfg ft = base_cfg(SGR_PLAT_FAT_TREE);
    ft.topo_parameters = "2;100,100;1,16;1,1";

    printf("%-11s %7s %9s %9s %9s %10s %9s\n", "platform", "hosts", "xml_kB", "gen_s", "load_s",
           "1stroute_s", "rss_MB");
    int rc = 0;
    rc |= bench_one("star", &star, dir);
    rc |= bench_one("leaf-spine", &ls, dir);
    rc |= bench_one("fat-tree", &ft, dir);

    if (!keep) {
        const char *names[] = {"star", "leaf-spine", "fat-tree"};
        char path[512];
        for (size_t i = 0; i < 3; i++) {
            snprintf(path, sizeof path, "%s/%s.xml", dir, names[i]);
            remove(path);
        }
        rmdir(dir);
    }
    return rc ? 1 : 0;
}
