/* bench_gossip_bare: the gossip family's networked activities in a bare SimGrid C program, the
 * baseline of DESIGN.md's "simgrad's layer against a bare SimGrid program doing the same
 * activities: at most 1.3x the wall time" for DADAO (scenarios/gossip-10k.json).
 *
 * The simulated activities use only SimGrid's C API; simgrad's library only builds the logical
 * graph (sgr_graph_build, random D-regular, seeded) and its RNG streams. No gradients, no
 * DADAO state, no metrics. N nodes, node i on host h(i mod hosts), one actor each (64 KiB
 * stacks), each with one mailbox that it receives from; the sender's index and the message's
 * kind ride in the payload pointer (nothing is allocated per message).
 *
 * Events, as in simgrad's networked DADAO: every node has a gradient clock of rate 1 per time
 * unit (TAU seconds); every edge a gossip clock of rate LAMBDA/m, driven by its lower-numbered
 * end. A gradient is an execution of F flops on the node's host; a gossip on edge {u < v} is a
 * request of P bytes from u to v, to which v answers on arrival with a reply of P bytes to u.
 * The superposition of all these clocks is one Poisson process of rate (N + LAMBDA) / TAU
 * whose events are a gradient at a uniform node with probability N / (N + LAMBDA), else a
 * gossip on a uniform edge. One clock actor draws it (one sleep_until per event: no heap, no
 * alarm actors, no timeouts). Events stop at simulated time T * TAU.
 *
 * Two modes:
 *   direct (default, the cheapest plain-SimGrid design found): the clock actor performs the
 *     event itself: it moves to the node's host (sg_actor_set_host) and executes the F flops,
 *     or put_init+detaches the request. Node actors only receive (sg_mailbox_get) and reply.
 *   alarm: closer to simgrad's structure: the clock actor moves to the node's host and detaches
 *     a 0-byte alarm message into the node's alarm mailbox; the node (permanent receiver of its
 *     data and alarm mailboxes, a get_async posted on each, sg_comm_wait_any) executes the
 *     gradient or sends the request itself.
 *
 * usage: bench_gossip_bare N D LAMBDA TAU T P F PLATFORM.xml [SEED] [alarm] [--cfg=...]
 * Prints one "key value" line per figure. Not run by ctest. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <gsl/gsl_rng.h>
#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>

#include "simgrad/graph.h"
#include "simgrad/rng.h"

#define STACK_BYTES (64 * 1024)

enum { KIND_REQUEST = 0, KIND_REPLY = 1 };

static size_t nnodes;
static sgr_graph graph;
static double lambda_mix, tau, t_end_units, msg_bytes, grad_flops;
static int alarm_mode;
static gsl_rng *clock_rng;
static sg_host_t *node_host;
static sg_mailbox_t *data_mbox, *alarm_mbox;
static long long n_grads, n_requests, n_replies, n_alarms;

/* Payloads are never dereferenced: 1 + 2*from + kind for messages, 1 + code for alarms (SimGrid
 * refuses NULL payloads). */
static void *msg_payload(size_t from, int kind)
{
    return (void *)(uintptr_t)(1 + 2 * from + (size_t)kind);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void send_detached(sg_mailbox_t to, void *payload, double bytes)
{
    sg_comm_detach(sg_mailbox_put_init(to, payload, (long)bytes), NULL);
}

static void on_message(size_t self, void *payload)
{
    uintptr_t code = (uintptr_t)payload - 1;
    size_t from = code / 2;
    if ((int)(code % 2) == KIND_REQUEST) {
        send_detached(data_mbox[from], msg_payload(self, KIND_REPLY), msg_bytes);
        n_replies++;
    }
}

/* direct mode: receive and reply, nothing else */
static void node_direct(int argc, char **argv)
{
    size_t self = (size_t)strtoul(argv[1], NULL, 10);
    sg_actor_daemonize(sg_actor_self());
    for (;;)
        on_message(self, sg_mailbox_get(data_mbox[self]));
}

/* alarm mode: wait_any over the data and the alarm mailbox; alarm code 0 = gradient,
 * 1 + j = gossip request to neighbour j */
static void node_alarm(int argc, char **argv)
{
    size_t self = (size_t)strtoul(argv[1], NULL, 10);
    sg_actor_daemonize(sg_actor_self());
    sg_mailbox_t mb[2] = {data_mbox[self], alarm_mbox[self]};
    sg_comm_t pending[2];
    void *data[2];
    for (int k = 0; k < 2; k++) {
        sg_mailbox_set_receiver(sg_mailbox_get_name(mb[k]));
        pending[k] = sg_mailbox_get_async(mb[k], &data[k]);
    }
    for (;;) {
        ssize_t k = sg_comm_wait_any(pending, 2);
        void *p = data[k];
        pending[k] = sg_mailbox_get_async(mb[k], &data[k]);
        if (k == 0) {
            on_message(self, p);
            continue;
        }
        uintptr_t code = (uintptr_t)p - 1;
        if (code == 0) {
            sg_actor_execute(grad_flops);
            n_grads++;
        } else {
            send_detached(data_mbox[code - 1], msg_payload(self, KIND_REQUEST), msg_bytes);
            n_requests++;
        }
    }
}

static void clock_main(int argc, char **argv)
{
    sg_actor_t me = sg_actor_self();
    sg_host_t here = sg_actor_get_host(me);
    double rate = ((double)nnodes + lambda_mix) / tau; /* events per simulated second */
    double p_grad = (double)nnodes / ((double)nnodes + lambda_mix);
    double t = 0, t_stop = t_end_units * tau;
    for (;;) {
        t += -log(1.0 - gsl_rng_uniform(clock_rng)) / rate;
        if (t > t_stop)
            break;
        if (t - simgrid_get_clock() >= 1e-9) /* SimGrid warns about shorter sleeps */
            sg_actor_sleep_until(t);
        size_t node, to = 0;
        int grad = gsl_rng_uniform(clock_rng) < p_grad;
        if (grad) {
            node = gsl_rng_uniform_int(clock_rng, nnodes);
        } else {
            size_t e = gsl_rng_uniform_int(clock_rng, graph.m);
            node = graph.edge_u[e]; /* the lower-numbered end drives the edge */
            to = graph.edge_v[e];
        }
        if (node_host[node] != here) {
            sg_actor_set_host(me, node_host[node]);
            here = node_host[node];
        }
        if (alarm_mode) {
            send_detached(alarm_mbox[node], (void *)(uintptr_t)(1 + (grad ? 0 : 1 + to)), 0);
            n_alarms++;
        } else if (grad) {
            sg_actor_execute(grad_flops);
            n_grads++;
        } else {
            send_detached(data_mbox[to], msg_payload(node, KIND_REQUEST), msg_bytes);
            n_requests++;
        }
    }
    sg_actor_sleep_until(t_stop);
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
    if (argc < 9 || argc > 11) {
        fprintf(stderr,
                "usage: %s N D LAMBDA TAU T P F PLATFORM.xml [SEED] [alarm] [--cfg=...]\n"
                "  N nodes on a random D-regular graph, gossip at total rate LAMBDA per time\n"
                "  unit of TAU seconds, gradients at rate 1 per node per unit, until T units;\n"
                "  P bytes per request and per reply, F flops per gradient; hosts must be\n"
                "  named h0..h{H-1} (simgrad's generated platforms); SEED default 10\n",
                argv[0]);
        return 2;
    }
    nnodes = (size_t)strtoul(argv[1], NULL, 10);
    size_t degree = (size_t)strtoul(argv[2], NULL, 10);
    lambda_mix = strtod(argv[3], NULL);
    tau = strtod(argv[4], NULL);
    t_end_units = strtod(argv[5], NULL);
    msg_bytes = strtod(argv[6], NULL);
    grad_flops = strtod(argv[7], NULL);
    unsigned long seed = argc > 9 ? strtoul(argv[9], NULL, 10) : 10;
    alarm_mode = argc > 10 && strcmp(argv[10], "alarm") == 0;
    if (nnodes < 2 || degree < 1 || lambda_mix <= 0 || tau <= 0 || t_end_units <= 0 ||
        msg_bytes <= 0 || grad_flops < 0 || (argc > 10 && !alarm_mode)) {
        fprintf(stderr, "%s: need N >= 2, D >= 1, LAMBDA, TAU, T, P > 0, F >= 0, mode 'alarm'\n",
                argv[0]);
        return 2;
    }
    simgrid_load_platform(argv[8]);
    double t_loaded = now();

    size_t nhosts = sg_host_count();
    node_host = malloc(nnodes * sizeof *node_host);
    for (size_t i = 0; i < nnodes; i++) {
        char name[32];
        snprintf(name, sizeof name, "h%zu", i % nhosts);
        node_host[i] = sg_host_by_name(name);
        if (!node_host[i]) {
            fprintf(stderr, "%s: %s has no host %s (hosts must be h0..h%zu)\n", argv[0], argv[8],
                    name, nhosts - 1);
            return 2;
        }
    }
    gsl_rng *grng = sgr_rng_new(seed, "bench-graph", 0);
    clock_rng = sgr_rng_new(seed, "bench-clock", 0);
    sgr_graph_cfg gcfg = {.kind = SGR_GRAPH_REGULAR, .n = nnodes, .degree = degree};
    sgr_err err;
    if (sgr_graph_build(&graph, &gcfg, grng, &err) < 0) {
        fprintf(stderr, "%s: graph: %s\n", argv[0], err.msg);
        return 2;
    }
    double t_graph = now();

    data_mbox = malloc(nnodes * sizeof *data_mbox);
    alarm_mbox = malloc(nnodes * sizeof *alarm_mbox);
    char **nargv = malloc(nnodes * 2 * sizeof *nargv);
    char name[64];
    for (size_t i = 0; i < nnodes; i++) {
        snprintf(name, sizeof name, "node-%zu", i);
        data_mbox[i] = sg_mailbox_by_name(name);
        snprintf(name, sizeof name, "alarm-%zu", i);
        alarm_mbox[i] = sg_mailbox_by_name(name);
        snprintf(name, sizeof name, "%zu", i);
        nargv[2 * i] = strdup("node");
        nargv[2 * i + 1] = strdup(name);
        spawn("node", node_host[i], alarm_mode ? node_alarm : node_direct, 2, &nargv[2 * i]);
    }
    spawn("clock", node_host[0], clock_main, 0, NULL);
    double t_deployed = now();
    simgrid_run();
    double t_end = now();

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double activities = (double)(n_grads + n_requests + n_replies);
    printf("bench_gossip_bare N=%zu D=%zu LAMBDA=%g TAU=%g T=%g P=%g F=%g platform=%s hosts=%zu "
           "edges=%zu seed=%lu mode=%s\n",
           nnodes, degree, lambda_mix, tau, t_end_units, msg_bytes, grad_flops, argv[8], nhosts,
           graph.m, seed, alarm_mode ? "alarm" : "direct");
    printf("gradients %lld\n", n_grads);
    printf("requests %lld\n", n_requests);
    printf("replies %lld\n", n_replies);
    printf("alarms %lld\n", n_alarms);
    printf("activities %.0f\n", activities);
    printf("wall_total_s %.3f\n", t_end - t0);
    printf("wall_load_s %.3f\n", t_loaded - t0);
    printf("wall_graph_s %.3f\n", t_graph - t_loaded);
    printf("wall_deploy_s %.3f\n", t_deployed - t_graph);
    printf("wall_run_s %.3f\n", t_end - t_deployed);
    printf("activities_per_wall_s %.0f\n", activities / (t_end - t0));
    printf("simulated_time_s %.9g\n", simgrid_get_clock());
    printf("simulated_units %.6g\n", simgrid_get_clock() / tau);
    printf("peak_rss_mb %.1f\n", (double)ru.ru_maxrss / 1024.0);
    for (size_t i = 0; i < 2 * nnodes; i++)
        free(nargv[i]);
    free(nargv);
    free(node_host);
    free(data_mbox);
    free(alarm_mbox);
    sgr_graph_free(&graph);
    gsl_rng_free(grng);
    gsl_rng_free(clock_rng);
    return 0;
}
