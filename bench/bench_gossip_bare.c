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
 * Three modes:
 *   direct (default): the clock actor performs the event itself: it moves to the node's host
 *     (sg_actor_set_host) and executes the F flops, or put_init+detaches the request. Node
 *     actors only receive (sg_mailbox_get) and reply.
 *   alarm: closer to simgrad's structure: the clock actor moves to the node's host and detaches
 *     a 0-byte alarm message into the node's alarm mailbox; the node (permanent receiver of its
 *     data and alarm mailboxes, a get_async posted on each, sg_comm_wait_any) executes the
 *     gradient or sends the request itself.
 *   pool: no node actors: the clock hands each event to an idle actor of a pool (grown on
 *     demand; a semaphore each, no simulated time), which executes the gradient on the node's
 *     host (sg_exec_set_host) or does the gossip as two host-to-host transfers
 *     (sg_host_sendto u -> v, then v -> u). The pool stays as large as the most events in
 *     flight at once (tens), not N: the design for 100,000 nodes without 100,000 stacks.
 *
 * usage: bench_gossip_bare [-s STACK_KIB] N D LAMBDA TAU T P F PLATFORM [SEED] [direct|alarm|pool]
 *        [--cfg=...]
 * PLATFORM: an XML file, star:N or leaf-spine:L,H,S (bench_util.h); stacks STACK_KIB KiB
 * (default 64). Prints one "key value" line per figure. Not run by ctest. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <unistd.h>

#include <gsl/gsl_rng.h>
#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/engine.h>
#include <simgrid/exec.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>
#include <simgrid/semaphore.h>

#include "bench_util.h"
#include "simgrad/graph.h"
#include "simgrad/rng.h"

enum { KIND_REQUEST = 0, KIND_REPLY = 1 };
enum { MODE_DIRECT, MODE_ALARM, MODE_POOL };

/* pool mode: one slot per pool actor; the clock fills a slot and releases its semaphore */
struct pool_slot {
    sg_sem_t go;
    size_t node, to; /* to == SIZE_MAX: a gradient at node */
};

static size_t nnodes;
static sgr_graph graph;
static double lambda_mix, tau, t_end_units, msg_bytes, grad_flops;
static int mode;
static unsigned stack_kib = 64;
static struct pool_slot *pool;
static size_t pool_size, pool_cap, *pool_idle, n_idle, pool_peak;
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

static sg_actor_t spawn(const char *name, sg_host_t host, void (*code)(int, char **), int argc,
                        char **argv)
{
    sg_actor_t a = sg_actor_init(name, host);
    sg_actor_set_stacksize(a, stack_kib); /* KiB in SimGrid 3.32 */
    sg_actor_start(a, code, argc, argv);
    return a;
}

/* pool mode: wait for an event, do it, go back to the idle stack */
static void pool_actor(int argc, char **argv)
{
    size_t k = (size_t)strtoul(argv[1], NULL, 10);
    sg_actor_daemonize(sg_actor_self());
    for (;;) {
        sg_sem_acquire(pool[k].go);
        size_t u = pool[k].node, v = pool[k].to;
        if (v == SIZE_MAX) {
            sg_exec_t e = sg_actor_exec_init(grad_flops);
            sg_exec_set_host(e, node_host[u]);
            sg_exec_wait(e);
            n_grads++;
        } else {
            sg_host_sendto(node_host[u], node_host[v], msg_bytes);
            n_requests++;
            sg_host_sendto(node_host[v], node_host[u], msg_bytes);
            n_replies++;
        }
        pool_idle[n_idle++] = k;
    }
}

static void pool_dispatch(size_t node, size_t to)
{
    size_t k;
    if (n_idle > 0) {
        k = pool_idle[--n_idle];
    } else {
        if (pool_size == pool_cap) {
            pool_cap = pool_cap ? 2 * pool_cap : 64;
            pool = realloc(pool, pool_cap * sizeof *pool);
            pool_idle = realloc(pool_idle, pool_cap * sizeof *pool_idle);
            if (!pool || !pool_idle) {
                fprintf(stderr, "bench_gossip_bare: out of memory\n");
                exit(1);
            }
        }
        k = pool_size++;
        pool[k].go = sg_sem_init(0);
        char idx[24];
        snprintf(idx, sizeof idx, "%zu", k);
        char *argv[] = {"pool", idx, NULL};
        spawn("pool", node_host[0], pool_actor, 2, argv);
        if (pool_size > pool_peak)
            pool_peak = pool_size;
    }
    pool[k].node = node;
    pool[k].to = to;
    sg_sem_release(pool[k].go);
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
        if (mode == MODE_POOL) {
            pool_dispatch(node, grad ? SIZE_MAX : to);
            continue;
        }
        if (node_host[node] != here) {
            sg_actor_set_host(me, node_host[node]);
            here = node_host[node];
        }
        if (mode == MODE_ALARM) {
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

static int usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [-s STACK_KIB] N D LAMBDA TAU T P F PLATFORM [SEED] [direct|alarm|pool] "
            "[--cfg=...]\n"
            "  N nodes on a random D-regular graph, gossip at total rate LAMBDA per time\n"
            "  unit of TAU seconds, gradients at rate 1 per node per unit, until T units;\n"
            "  P bytes per request and per reply, F flops per gradient; PLATFORM an XML file\n"
            "  (hosts h0..h{H-1}), star:N or leaf-spine:L,H,S; SEED default 10\n",
            prog);
    return 2;
}

/* Options and positional arguments (after simgrid_init took the --cfg ones). Returns the
 * index of the first positional argument, or -1 after printing the usage. */
static int parse_args(int argc, char **argv, unsigned long *seed)
{
    int opt;
    while ((opt = getopt(argc, argv, "s:")) != -1) {
        if (opt != 's')
            return -1;
        stack_kib = (unsigned)strtoul(optarg, NULL, 10);
    }
    char **a = argv + optind;
    int n = argc - optind;
    if (n < 8 || n > 10)
        return -1;
    nnodes = (size_t)strtoul(a[0], NULL, 10);
    lambda_mix = strtod(a[2], NULL);
    tau = strtod(a[3], NULL);
    t_end_units = strtod(a[4], NULL);
    msg_bytes = strtod(a[5], NULL);
    grad_flops = strtod(a[6], NULL);
    *seed = n > 8 ? strtoul(a[8], NULL, 10) : 10;
    mode = MODE_DIRECT;
    if (n > 9 && strcmp(a[9], "direct") == 0)
        mode = MODE_DIRECT;
    else if (n > 9 && strcmp(a[9], "alarm") == 0)
        mode = MODE_ALARM;
    else if (n > 9 && strcmp(a[9], "pool") == 0)
        mode = MODE_POOL;
    else if (n > 9)
        return -1;
    if (nnodes < 2 || strtoul(a[1], NULL, 10) < 1 || lambda_mix <= 0 || tau <= 0 ||
        t_end_units <= 0 || msg_bytes <= 0 || grad_flops < 0 || stack_kib < 16)
        return -1;
    return optind;
}

/* Node actors and mailboxes (not in pool mode), then the clock. */
static void deploy(void)
{
    data_mbox = malloc(nnodes * sizeof *data_mbox);
    alarm_mbox = malloc(nnodes * sizeof *alarm_mbox);
    char name[64], idx[32];
    for (size_t i = 0; mode != MODE_POOL && i < nnodes; i++) {
        snprintf(name, sizeof name, "node-%zu", i);
        data_mbox[i] = sg_mailbox_by_name(name);
        snprintf(name, sizeof name, "alarm-%zu", i);
        alarm_mbox[i] = sg_mailbox_by_name(name);
        snprintf(idx, sizeof idx, "%zu", i);
        char *nargv[] = {"node", idx, NULL};
        spawn("node", node_host[i], mode == MODE_ALARM ? node_alarm : node_direct, 2, nargv);
    }
    spawn("clock", node_host[0], clock_main, 0, NULL);
}

static const char *const mode_names[] = {"direct", "alarm", "pool"};

static void report(const char *platform, size_t nhosts, unsigned long seed, const double *t)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double activities = (double)(n_grads + n_requests + n_replies);
    printf("bench_gossip_bare N=%zu LAMBDA=%g TAU=%g T=%g P=%g F=%g platform=%s hosts=%zu "
           "edges=%zu seed=%lu mode=%s stack_kib=%u\n",
           nnodes, lambda_mix, tau, t_end_units, msg_bytes, grad_flops, platform, nhosts, graph.m,
           seed, mode_names[mode], stack_kib);
    printf("gradients %lld\n", n_grads);
    printf("requests %lld\n", n_requests);
    printf("replies %lld\n", n_replies);
    printf("alarms %lld\n", n_alarms);
    printf("pool_actors %zu\n", pool_peak);
    printf("activities %.0f\n", activities);
    printf("wall_total_s %.3f\n", t[4] - t[0]);
    printf("wall_load_s %.3f\n", t[1] - t[0]);
    printf("wall_graph_s %.3f\n", t[2] - t[1]);
    printf("wall_deploy_s %.3f\n", t[3] - t[2]);
    printf("wall_run_s %.3f\n", t[4] - t[3]);
    printf("cpu_total_s %.3f\n", t[6] - t[5]);
    printf("activities_per_wall_s %.0f\n", activities / (t[4] - t[0]));
    printf("simulated_time_s %.9g\n", simgrid_get_clock());
    printf("simulated_units %.6g\n", simgrid_get_clock() / tau);
    printf("peak_rss_mb %.1f\n", (double)ru.ru_maxrss / 1024.0);
}

int main(int argc, char **argv)
{
    double t[7]; /* wall: start, loaded, graph, deployed, end; CPU: start, end */
    t[0] = bench_now();
    t[5] = bench_cpu_now();
    simgrid_init(&argc, argv);
    unsigned long seed;
    int first = parse_args(argc, argv, &seed);
    if (first < 0)
        return usage(argv[0]);
    const char *platform = argv[first + 7];
    if (bench_load_platform(platform) < 0)
        return 2;
    t[1] = bench_now();

    size_t nhosts = sg_host_count();
    node_host = malloc(nnodes * sizeof *node_host);
    for (size_t i = 0; i < nnodes; i++) {
        char name[32];
        snprintf(name, sizeof name, "h%zu", i % nhosts);
        node_host[i] = sg_host_by_name(name);
        if (!node_host[i]) {
            fprintf(stderr, "%s: %s has no host %s (hosts must be h0..h%zu)\n", argv[0], platform,
                    name, nhosts - 1);
            return 2;
        }
    }
    gsl_rng *grng = sgr_rng_new(seed, "bench-graph", 0);
    clock_rng = sgr_rng_new(seed, "bench-clock", 0);
    sgr_graph_cfg gcfg = {.kind = SGR_GRAPH_REGULAR,
                          .n = nnodes,
                          .degree = (size_t)strtoul(argv[first + 1], NULL, 10)};
    sgr_err err;
    if (sgr_graph_build(&graph, &gcfg, grng, &err) < 0) {
        fprintf(stderr, "%s: graph: %s\n", argv[0], err.msg);
        return 2;
    }
    t[2] = bench_now();
    deploy();
    t[3] = bench_now();
    simgrid_run();
    t[4] = bench_now();
    t[6] = bench_cpu_now();
    report(platform, nhosts, seed, t);
    free(node_host);
    free(data_mbox);
    free(alarm_mbox);
    free(pool);
    free(pool_idle);
    sgr_graph_free(&graph);
    gsl_rng_free(grng);
    gsl_rng_free(clock_rng);
    return 0;
}
