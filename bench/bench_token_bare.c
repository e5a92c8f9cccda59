/* bench_token_bare: the token family's activities in a bare SimGrid program, against the
 * targets "token, 100,000-node graph, 10^7 hops: under 5 min" and "simgrad's layer against a
 * bare SimGrid program doing the same activities: at most 1.3x the wall time".
 *
 * One token walks a random D-regular graph of N nodes (simgrad's sgr_graph_build, seeded;
 * node i on host h(i mod hosts)), choosing a uniform neighbour at each hop (the walk's own cost,
 * a few million hops per second, is not what is measured here). Each hop is F flops on the
 * current node's host, then the P-byte model to the next node's host. Two designs:
 *   migrate (default): one actor carries the token: it moves to the node's host
 *     (sg_actor_set_host), executes, and sends with sg_host_sendto (host to host, blocking).
 *     No actor per node.
 *   actors: one actor per node, the token a message: a node receives it (sg_mailbox_get),
 *     executes, and sg_mailbox_put s it to the next node's mailbox. 100,000 nodes need
 *     --cfg=contexts/guard-size:0 (vm.max_map_count).
 *
 * usage: bench_token_bare [-s STACK_KIB] N D HOPS P F PLATFORM [SEED] [migrate|actors]
 *        [--cfg=...]
 * PLATFORM: an XML file, star:N or leaf-spine:L,H,S (bench_util.h). Prints "key value"
 * lines. Not run by ctest. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>

#include "bench_util.h"
#include "simgrad/graph.h"
#include "simgrad/rng.h"

static size_t nnodes;
static long long hops, hops_done;
static double msg_bytes, hop_flops;
static unsigned stack_kib = 64;
static sgr_graph graph;
static gsl_rng *walk_rng;
static sg_host_t *node_host;
static sg_mailbox_t *mbox;

static size_t next_node(size_t v)
{
    size_t deg = graph.offset[v + 1] - graph.offset[v];
    return graph.adj[graph.offset[v] + gsl_rng_uniform_int(walk_rng, deg)];
}

static void token_migrate(int argc, char **argv)
{
    sg_actor_t me = sg_actor_self();
    size_t v = 0;
    for (hops_done = 0; hops_done < hops; hops_done++) {
        sg_actor_execute(hop_flops);
        size_t w = next_node(v);
        sg_host_sendto(node_host[v], node_host[w], msg_bytes);
        sg_actor_set_host(me, node_host[w]);
        v = w;
    }
}

/* The payload carries nothing: the walk's state is in this process (as in simgrad). */
static void node_actor(int argc, char **argv)
{
    size_t v = (size_t)strtoul(argv[1], NULL, 10);
    sg_actor_daemonize(sg_actor_self());
    for (;;) {
        void *token = sg_mailbox_get(mbox[v]);
        if (hops_done >= hops)
            continue;
        sg_actor_execute(hop_flops);
        hops_done++;
        sg_mailbox_put(mbox[next_node(v)], token, (long)msg_bytes);
    }
}

static void starter(int argc, char **argv)
{
    static int token = 1;
    sg_mailbox_put(mbox[0], &token, 1);
    while (hops_done < hops)
        sg_actor_sleep_for(1.0);
}

static sg_actor_t spawn(const char *name, sg_host_t host, void (*code)(int, char **), int argc,
                        char **argv)
{
    sg_actor_t a = sg_actor_init(name, host);
    sg_actor_set_stacksize(a, stack_kib); /* KiB in SimGrid 3.32 */
    sg_actor_start(a, code, argc, argv);
    return a;
}

static int usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [-s STACK_KIB] N D HOPS P F PLATFORM [SEED] [migrate|actors] [--cfg=...]\n"
            "  a token taking HOPS hops on a random D-regular graph of N nodes, F flops per\n"
            "  hop on the node's host and P bytes to the next; PLATFORM an XML file, star:N\n"
            "  or leaf-spine:L,H,S; SEED default 10\n",
            prog);
    return 2;
}

int main(int argc, char **argv)
{
    double t0 = bench_now(), c0 = bench_cpu_now();
    simgrid_init(&argc, argv);
    int opt;
    while ((opt = getopt(argc, argv, "s:")) != -1) {
        if (opt != 's')
            return usage(argv[0]);
        stack_kib = (unsigned)strtoul(optarg, NULL, 10);
    }
    char **a = argv + optind;
    int n = argc - optind;
    if (n < 6 || n > 8)
        return usage(argv[0]);
    nnodes = (size_t)strtoul(a[0], NULL, 10);
    size_t degree = (size_t)strtoul(a[1], NULL, 10);
    hops = strtoll(a[2], NULL, 10);
    msg_bytes = strtod(a[3], NULL);
    hop_flops = strtod(a[4], NULL);
    unsigned long seed = n > 6 ? strtoul(a[6], NULL, 10) : 10;
    int actors = n > 7 && strcmp(a[7], "actors") == 0;
    if (nnodes < 2 || degree < 1 || hops < 1 || msg_bytes <= 0 || hop_flops < 0 || stack_kib < 16 ||
        (n > 7 && !actors && strcmp(a[7], "migrate") != 0))
        return usage(argv[0]);
    if (bench_load_platform(a[5]) < 0)
        return 2;
    double t_loaded = bench_now();
    size_t nhosts = sg_host_count();
    node_host = malloc(nnodes * sizeof *node_host);
    mbox = malloc(nnodes * sizeof *mbox);
    char name[32];
    for (size_t i = 0; i < nnodes; i++) {
        snprintf(name, sizeof name, "h%zu", i % nhosts);
        node_host[i] = sg_host_by_name(name);
        if (!node_host[i]) {
            fprintf(stderr, "%s: %s has no host %s\n", argv[0], a[5], name);
            return 2;
        }
    }
    gsl_rng *grng = sgr_rng_new(seed, "bench-graph", 0);
    walk_rng = sgr_rng_new(seed, "bench-walk", 0);
    sgr_graph_cfg gcfg = {.kind = SGR_GRAPH_REGULAR, .n = nnodes, .degree = degree};
    sgr_err err;
    if (sgr_graph_build(&graph, &gcfg, grng, &err) < 0) {
        fprintf(stderr, "%s: graph: %s\n", argv[0], err.msg);
        return 2;
    }
    if (actors) {
        for (size_t i = 0; i < nnodes; i++) {
            snprintf(name, sizeof name, "node-%zu", i);
            mbox[i] = sg_mailbox_by_name(name);
            snprintf(name, sizeof name, "%zu", i);
            char *nargv[] = {"node", name, NULL};
            spawn("node", node_host[i], node_actor, 2, nargv);
        }
        spawn("starter", node_host[0], starter, 0, NULL);
    } else {
        spawn("token", node_host[0], token_migrate, 0, NULL);
    }
    double t_deployed = bench_now();
    simgrid_run();
    double t_end = bench_now(), c_end = bench_cpu_now();

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("bench_token_bare N=%zu D=%zu HOPS=%lld P=%g F=%g platform=%s hosts=%zu mode=%s "
           "stack_kib=%u\n",
           nnodes, degree, hops, msg_bytes, hop_flops, a[5], nhosts, actors ? "actors" : "migrate",
           stack_kib);
    printf("hops_done %lld\n", hops_done);
    printf("wall_total_s %.3f\n", t_end - t0);
    printf("wall_load_s %.3f\n", t_loaded - t0);
    printf("wall_run_s %.3f\n", t_end - t_deployed);
    printf("cpu_total_s %.3f\n", c_end - c0);
    printf("hops_per_wall_s %.0f\n", (double)hops_done / (t_end - t_deployed));
    printf("simulated_time_s %.9g\n", simgrid_get_clock());
    printf("peak_rss_mb %.1f\n", (double)ru.ru_maxrss / 1024.0);
    free(node_host);
    free(mbox);
    sgr_graph_free(&graph);
    gsl_rng_free(grng);
    gsl_rng_free(walk_rng);
    return hops_done >= hops ? 0 : 1;
}
