/* Helpers shared by the bare-SimGrid benchmarks (C and C++): clocks, and platforms named on
 * the command line.
 *
 * A platform argument is either a SimGrid XML file (loaded as is) or a generated simgrad
 * platform with the parameters of scenarios/ps-sgd-10k.json (5 Gf hosts, 25 Gbps NICs, 5 us
 * host latency, 1 us spine latency, oversubscription 3):
 *   star:N             N hosts on a non-blocking switch
 *   leaf-spine:L,H,S[,SPEED[,OVER]]  L leaves of H hosts, S spines, built in memory as
 *                      simgrad builds it (sgr_platform_load), since SimGrid loads a zone per
 *                      leaf in O(L x H); SPEED flops/s and oversubscription OVER if given
 * Hosts are h0..h{N-1} either way. */
#ifndef SIMGRAD_BENCH_UTIL_H
#define SIMGRAD_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <simgrid/engine.h>

#include "simgrad/platform.h"

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline double bench_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Load `spec` (see above) after simgrid_init. Returns 0, or -1 with a message on stderr. */
static inline int bench_load_platform(const char *spec)
{
    sgr_platform_cfg c;
    memset(&c, 0, sizeof c);
    c.host_speed = 5e9;
    c.cores = 1;
    c.host_bw = 25e9 / 8;
    c.host_lat = 5e-6;
    c.spine_lat = 1e-6;
    c.oversubscription = 3;
    c.speed_dist = SGR_SPEED_CONSTANT;
    if (strncmp(spec, "star:", 5) == 0) {
        c.kind = SGR_PLAT_STAR;
        c.hosts = (size_t)strtoul(spec + 5, NULL, 10);
    } else if (strncmp(spec, "leaf-spine:", 11) == 0) {
        c.kind = SGR_PLAT_LEAF_SPINE;
        if (sscanf(spec + 11, "%zu,%zu,%zu,%lf,%lf", &c.leaves, &c.hosts_per_leaf, &c.spines,
                   &c.host_speed, &c.oversubscription) < 3) {
            fprintf(
                stderr,
                "platform %s: expected leaf-spine:LEAVES,HOSTS_PER_LEAF,SPINES[,SPEED[,OVER]]\n",
                spec);
            return -1;
        }
    } else {
        simgrid_load_platform(spec);
        return 0;
    }
    sgr_err err;
    char path[] = "/tmp/bench_platform_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        return -1;
    }
    close(fd);
    int rc = sgr_platform_write_xml(&c, path, &err);
    if (rc == 0)
        rc = sgr_platform_load(&c, path, &err);
    remove(path);
    if (rc < 0)
        fprintf(stderr, "platform %s: %s\n", spec, err.msg);
    return rc;
}

#endif
