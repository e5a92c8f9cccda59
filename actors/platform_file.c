/* A user's platform file, checked before the run loads it: see actors/run_internal.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <xbt/dynar.h>

#include "actors/run_internal.h"

int sgr_run_cmp_host_names(const void *a, const void *b)
{
    const char *x = sg_host_get_name(*(sg_host_t const *)a);
    const char *y = sg_host_get_name(*(sg_host_t const *)b);
    return strverscmp(x, y);
}

/* The pair of hosts whose route a platform check is asking SimGrid for, in memory shared with
 * the parent: if SimGrid aborts on the question, the parent still knows what it was. */
typedef struct route_probe {
    char from[128], to[128];
    bool asking;  /* SimGrid is being asked (if it aborts, this route is the reason) */
    bool missing; /* the route came back empty */
} route_probe;

/* At most this many route queries: every ordered pair up to 100 hosts, beyond that each host
 * to and from the first (every family's server or driver is host 0) and to the next. */
enum { ROUTE_CHECK_ALL_PAIRS = 100, ROUTE_CHECK_MAX = 30000 };

static bool route_missing(sg_host_t a, sg_host_t b, route_probe *probe)
{
    snprintf(probe->from, sizeof probe->from, "%s", sg_host_get_name(a));
    snprintf(probe->to, sizeof probe->to, "%s", sg_host_get_name(b));
    probe->asking = true;
    xbt_dynar_t links = xbt_dynar_new(sizeof(sg_link_t), NULL);
    sg_host_get_route(a, b, links);
    /* what SimGrid's network model refuses when a transfer starts: no link, no latency */
    bool missing = xbt_dynar_is_empty(links) && sg_host_get_route_latency(a, b) <= 0;
    xbt_dynar_free(&links);
    probe->asking = false;
    return missing;
}

/* Routes can only be asked for from inside an actor. */
static void route_check_main(int argc, char **argv)
{
    route_probe *probe = sg_actor_self_get_data();
    size_t n = sg_host_count(), queries = 0;
    sg_host_t *hosts = sg_host_list();
    qsort(hosts, n, sizeof *hosts, sgr_run_cmp_host_names);
    for (size_t i = 0; i < n && !probe->missing && queries < ROUTE_CHECK_MAX; i++)
        for (size_t j = 0; j < n && !probe->missing && queries < ROUTE_CHECK_MAX; j++) {
            bool wanted = n <= ROUTE_CHECK_ALL_PAIRS || i == 0 || j == 0 || j == (i + 1) % n;
            if (i != j && wanted) {
                probe->missing = route_missing(hosts[i], hosts[j], probe);
                queries++;
            }
        }
    free(hosts);
}

/* The child's side of check_platform_file: load, check routes, seal. Never returns. */
static void check_platform_child(const char *path, bool paje, route_probe *probe)
{
    char *argv[] = {"simgrad-check",
                    "--cfg=tracing:yes",
                    "--cfg=tracing/uncategorized:yes",
                    "--cfg=tracing/platform/topology:no",
                    "--cfg=tracing/filename:/dev/null",
                    NULL};
    int child_argc = paje ? 5 : 1;
    if (!paje)
        argv[1] = NULL;
    simgrid_init(&child_argc, argv);
    simgrid_load_platform(path);
    size_t n = sg_host_count();
    if (n == 0)
        _exit(3);
    sg_host_t *hosts = sg_host_list();
    sg_host_t first = hosts[0];
    free(hosts);
    sg_actor_t a = sg_actor_init("route-check", first);
    sg_actor_set_data(a, probe);
    sg_actor_start(a, route_check_main, 0, NULL);
    simgrid_run(); /* also seals the platform, where tracing may fail */
    _exit(probe->missing ? 4 : 0);
}

/* Fork, check the file in the child, read what it said. Returns 0 or -1 with err. */
static int check_platform_run(const char *path, bool paje, route_probe *probe, sgr_err *err)
{
    int fds[2];
    if (pipe(fds) < 0)
        return sgr_fail(err, "pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return sgr_fail(err, "fork: %s", strerror(errno));
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        check_platform_child(path, paje, probe);
    }
    close(fds[1]);
    char log[8192];
    size_t len = 0;
    ssize_t got;
    while ((got = read(fds[0], log + len, sizeof log - 1 - len)) > 0)
        len += (size_t)got;
    log[len] = '\0';
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
        return sgr_fail(err, "platform.file: %s declares no host", path);
    if (probe->missing || probe->asking) /* an empty route, or SimGrid aborted on the question */
        return sgr_fail(err,
                        "platform.file: %s has no route from host %s to host %s (a transfer "
                        "between them would abort the simulation); connect them: a <route>, "
                        "or links that a Floyd or Dijkstra zone routes over",
                        path, probe->from, probe->to);
    if (paje && WIFSIGNALED(status))
        return sgr_fail(err,
                        "output.paje: SimGrid 3.32's tracer crashes on %s (it does on "
                        "platforms with several cluster zones); run without output.paje",
                        path);
    /* SimGrid's own reason is the first ERROR line it printed. */
    char *why = strstr(log, "ERROR] ");
    if (why) {
        why += 7;
        why[strcspn(why, "\n")] = '\0';
    }
    return sgr_fail(err, "platform.file: SimGrid cannot load %s: %s", path,
                    why ? why : "its parser stopped (check the file against simgrid.dtd)");
}

/* SimGrid aborts on a platform file it cannot parse, and on the first transfer between hosts
 * that have no route; try the file in a child so that a user's bad XML is an error message,
 * not a crash. */
int sgr_run_check_platform_file(const char *path, bool paje, sgr_err *err)
{
    if (access(path, R_OK) < 0)
        return sgr_fail(err, "platform.file: cannot read %s: %s", path, strerror(errno));
    route_probe *probe =
        mmap(NULL, sizeof *probe, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (probe == MAP_FAILED)
        return sgr_fail(err, "mmap: %s", strerror(errno));
    int rc = check_platform_run(path, paje, probe, err);
    munmap(probe, sizeof *probe);
    return rc;
}
