/* bench_ps_bare: the ps-sgd family's activities in a bare SimGrid C program, the baseline of
 * DESIGN.md's "simgrad's layer against a bare SimGrid program doing the same activities: at
 * most 1.3x the wall time".
 *
 * Only SimGrid's C API: no simgrad layer, no gradients, no datasets, no metrics. N workers and
 * one server, R rounds. Each round the server sends P bytes to every worker (put_init +
 * detach), each worker executes F flops and sends P bytes back into one of ceil(sqrt(N))
 * server mailboxes (the server is their permanent receiver and keeps one get_async posted on
 * each, wait_any over them), and the server executes 2*(P/8)*(N+1) flops (averaging and the
 * step). The server sits on host h0 and worker i on h(1+i) mod hosts, as in ps-sgd. Actor
 * stacks are 64 KiB.
 *
 * usage: bench_ps_bare N R P F PLATFORM.xml [--cfg=...]
 * Prints one "key value" line per figure (wall times, activities per wall second, simulated
 * time, peak RSS). Exit status 1 if the rounds did not all complete. Not run by ctest. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>

#define STACK_BYTES (64 * 1024)

static long nworkers, rounds, rounds_done;
static double msg_bytes, worker_flops;
static size_t ngroups;
static sg_mailbox_t *group_inbox, *worker_inbox;
static int token; /* the payload of every message (SimGrid refuses NULL payloads) */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void worker_main(int argc, char **argv)
{
    long i = strtol(argv[1], NULL, 10);
    sg_mailbox_t inbox = worker_inbox[i], server = group_inbox[(size_t)i % ngroups];
    sg_actor_daemonize(sg_actor_self());
    for (;;) {
        sg_mailbox_get(inbox);
        sg_actor_execute(worker_flops);
        sg_mailbox_put(server, &token, (long)msg_bytes);
    }
}

static void server_main(int argc, char **argv)
{
    sg_comm_t *pending = malloc(ngroups * sizeof *pending);
    void **data = malloc(ngroups * sizeof *data);
    for (size_t g = 0; g < ngroups; g++) {
        sg_mailbox_set_receiver(sg_mailbox_get_name(group_inbox[g]));
        pending[g] = sg_mailbox_get_async(group_inbox[g], &data[g]);
    }
    for (long r = 0; r < rounds; r++) {
        for (long i = 0; i < nworkers; i++) {
            sg_comm_t c = sg_mailbox_put_init(worker_inbox[i], &token, (long)msg_bytes);
            sg_comm_detach(c, NULL);
        }
        for (long got = 0; got < nworkers; got++) {
            ssize_t idx = sg_comm_wait_any(pending, ngroups);
            if (idx < 0)
                goto out;
            pending[idx] = sg_mailbox_get_async(group_inbox[idx], &data[idx]);
        }
        sg_actor_execute(2.0 * (msg_bytes / 8.0) * (double)(nworkers + 1));
        rounds_done = r + 1;
    }
out:
    /* The posted receives are never completed; the engine reclaims them at exit. */
    free(pending);
    free(data);
}

static sg_actor_t spawn(const char *name, sg_host_t host, void (*code)(int, char **), int argc,
                        char **argv)
{
    sg_actor_t a = sg_actor_init(name, host);
    sg_actor_set_stacksize(a, STACK_BYTES);
    sg_actor_start(a, code, argc, argv);
    return a;
}

int main(int argc, char **argv)
{
    double t0 = now();
    simgrid_init(&argc, argv);
    if (argc != 6) {
        fprintf(stderr, "usage: %s N R P F PLATFORM.xml [--cfg=...]\n"
                        "  N workers, R rounds, P bytes per message, F flops per worker per round;\n"
                        "  hosts must be named h0..h{H-1} (simgrad's generated platforms)\n",
                argv[0]);
        return 2;
    }
    nworkers = strtol(argv[1], NULL, 10);
    rounds = strtol(argv[2], NULL, 10);
    msg_bytes = strtod(argv[3], NULL);
    worker_flops = strtod(argv[4], NULL);
    if (nworkers < 1 || rounds < 1 || msg_bytes <= 0 || worker_flops < 0) {
        fprintf(stderr, "%s: N and R must be >= 1, P > 0, F >= 0\n", argv[0]);
        return 2;
    }
    simgrid_load_platform(argv[5]);
    double t_loaded = now();

    size_t nhosts = sg_host_count();
    sg_host_t *hosts = malloc(nhosts * sizeof *hosts);
    for (size_t h = 0; h < nhosts; h++) {
        char name[32];
        snprintf(name, sizeof name, "h%zu", h);
        hosts[h] = sg_host_by_name(name);
        if (!hosts[h]) {
            fprintf(stderr, "%s: %s has no host %s (hosts must be h0..h%zu)\n", argv[0], argv[5],
                    name, nhosts - 1);
            return 2;
        }
    }
    ngroups = (size_t)ceil(sqrt((double)nworkers));
    group_inbox = malloc(ngroups * sizeof *group_inbox);
    worker_inbox = malloc((size_t)nworkers * sizeof *worker_inbox);
    char name[64];
    for (size_t g = 0; g < ngroups; g++) {
        snprintf(name, sizeof name, "server-%zu", g);
        group_inbox[g] = sg_mailbox_by_name(name);
    }
    spawn("server", hosts[0], server_main, 0, NULL);
    char **wargv = malloc((size_t)nworkers * 2 * sizeof *wargv);
    for (long i = 0; i < nworkers; i++) {
        snprintf(name, sizeof name, "worker-%ld", i);
        worker_inbox[i] = sg_mailbox_by_name(name);
        char idx[24];
        snprintf(idx, sizeof idx, "%ld", i);
        wargv[2 * i] = strdup(name);
        wargv[2 * i + 1] = strdup(idx);
        spawn(name, hosts[(size_t)(1 + i) % nhosts], worker_main, 2, &wargv[2 * i]);
    }
    double t_deployed = now();
    simgrid_run();
    double t_end = now();

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    /* Per round: N model messages, N worker executes, N gradient messages, 1 server execute. */
    double activities = (double)rounds_done * (3.0 * (double)nworkers + 1.0);
    printf("bench_ps_bare N=%ld R=%ld P=%g F=%g platform=%s hosts=%zu mailboxes=%zu\n", nworkers,
           rounds, msg_bytes, worker_flops, argv[5], nhosts, ngroups);
    printf("rounds_done %ld\n", rounds_done);
    printf("wall_total_s %.3f\n", t_end - t0);
    printf("wall_load_s %.3f\n", t_loaded - t0);
    printf("wall_deploy_s %.3f\n", t_deployed - t_loaded);
    printf("wall_run_s %.3f\n", t_end - t_deployed);
    printf("activities %.0f\n", activities);
    printf("activities_per_wall_s %.0f\n", activities / (t_end - t_deployed));
    printf("simulated_time_s %.9g\n", simgrid_get_clock());
    printf("peak_rss_mb %.1f\n", (double)ru.ru_maxrss / 1024.0);
    for (long i = 0; i < 2 * nworkers; i++)
        free(wargv[i]);
    free(wargv);
    free(hosts);
    free(group_inbox);
    free(worker_inbox);
    return rounds_done == rounds ? 0 : 1;
}
