/* bench_ns3_probe: a bare SimGrid program (no simgrad code) that times transfers, to check
 * what SimGrid 3.32's ns-3 binding does on this machine (bench/run_ns3_facts.sh runs it).
 *
 *   bench_ns3_probe PLATFORM.xml FLOWS [--kill-at T] [--return] [SimGrid options]
 *
 * FLOWS is "src:dst:bytes:start[,...]": one sender and one receiver actor per flow, the
 * receiver posting its receive at time 0, the sender starting at `start` (s). Prints one
 * line per flow, "flow I SRC->DST BYTES start S end E dur D" (end -1: not received), then
 * "clock C", flushed. --kill-at T kills the receivers of the odd-numbered flows at T while
 * their transfers may be in flight (the even ones go on). The program then leaves with
 * _exit(0), unless --return is given: main returns and SimGrid's engine is torn down by the
 * exit handlers (with ns-3, ns3::Simulator::Destroy crashes there). */
#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FLOWS 4096

typedef struct flow {
    char src[64], dst[64];
    double bytes, start, end;
    int id;
    sg_actor_t receiver;
} flow;

typedef struct probe {
    flow flows[MAX_FLOWS];
    int n;
    double kill_at;
} probe;

static probe the_probe; /* read by the actors; written by main before the simulation */

static void sender(int argc, char **argv)
{
    flow *f = &the_probe.flows[atoi(argv[1])];
    char mb[32];
    snprintf(mb, sizeof mb, "mb%d", f->id);
    sg_actor_sleep_until(f->start);
    /* detached: a killed receiver fails the transfer without an exception here */
    sg_comm_detach(sg_mailbox_put_init(sg_mailbox_by_name(mb), f, f->bytes), NULL);
}

static void receiver(int argc, char **argv)
{
    flow *f = &the_probe.flows[atoi(argv[1])];
    char mb[32];
    snprintf(mb, sizeof mb, "mb%d", f->id);
    sg_mailbox_get(sg_mailbox_by_name(mb));
    f->end = simgrid_get_clock();
}

static void killer(int argc, char **argv)
{
    sg_actor_sleep_until(the_probe.kill_at);
    for (int i = 1; i < the_probe.n; i += 2)
        if (the_probe.flows[i].end < 0)
            sg_actor_kill(the_probe.flows[i].receiver);
    printf("killed odd receivers at %.9f\n", simgrid_get_clock());
    fflush(stdout);
}

static int parse_flows(const char *spec)
{
    char *s = strdup(spec), *save = NULL;
    for (char *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        flow *f = &the_probe.flows[the_probe.n];
        if (the_probe.n == MAX_FLOWS ||
            sscanf(tok, "%63[^:]:%63[^:]:%lf:%lf", f->src, f->dst, &f->bytes, &f->start) != 4) {
            free(s);
            return -1;
        }
        f->id = the_probe.n++;
        f->end = -1;
    }
    free(s);
    return 0;
}

int main(int argc, char **argv)
{
    simgrid_init(&argc, argv);
    int ret = 0;
    the_probe.kill_at = -1;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--kill-at") == 0 && i + 1 < argc)
            the_probe.kill_at = atof(argv[++i]);
        else if (strcmp(argv[i], "--return") == 0)
            ret = 1;
    }
    if (argc < 3 || parse_flows(argv[2]) < 0) {
        fprintf(stderr, "usage: bench_ns3_probe PLATFORM.xml src:dst:bytes:start[,...] "
                        "[--kill-at T] [--return] [--cfg=...]\n");
        return 2;
    }
    simgrid_load_platform(argv[1]);
    for (int i = 0; i < the_probe.n; i++) {
        flow *f = &the_probe.flows[i];
        char idx[16];
        snprintf(idx, sizeof idx, "%d", i);
        const char *av[] = {"flow", idx, NULL};
        sg_host_t src = sg_host_by_name(f->src), dst = sg_host_by_name(f->dst);
        if (!src || !dst) {
            fprintf(stderr, "bench_ns3_probe: no host %s\n", src ? f->dst : f->src);
            return 2;
        }
        sg_actor_create_("sender", src, sender, 2, av);
        f->receiver = sg_actor_create_("receiver", dst, receiver, 2, av);
    }
    if (the_probe.kill_at >= 0)
        sg_actor_create_("killer", sg_host_by_name(the_probe.flows[0].src), killer, 0, NULL);
    simgrid_run();
    for (int i = 0; i < the_probe.n; i++) {
        const flow *f = &the_probe.flows[i];
        printf("flow %d %s->%s %.0f start %.6f end %.9f dur %.9f\n", i, f->src, f->dst, f->bytes,
               f->start, f->end, f->end >= 0 ? f->end - f->start : -1.0);
    }
    printf("clock %.9f\n", simgrid_get_clock());
    fflush(stdout);
    if (ret)
        return 0;
    _exit(0);
}
