/* Sizes that cannot run on this machine, refused before anything is built (issue 16 item 8):
 * an estimate of the memory a run needs against what the machine, and the process's own
 * limit, give it. The figures per host and per actor are bench/README.md's measurements
 * (100,000 hosts: 355 MB loaded; 100,000 actors with 256 KiB stacks from mmap: 22 KB
 * resident each, 140 KB when stacks come from the heap), rounded up. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "actors/run_internal.h"

enum {
    HOST_BYTES = 4096,       /* SimGrid's host, links and routes, loaded */
    ACTOR_BYTES = 32 * 1024, /* an actor's resident stack pages and its context */
};
#define BASE_RESIDENT (64.0 * 1048576) /* the process itself: libraries, SimGrid, OpenBLAS */
#define BASE_VIRTUAL (768.0 * 1048576) /* its address space (OpenBLAS reserves a lot) */

/* MemAvailable from /proc/meminfo, in bytes; 0 when unknown. */
static double mem_available(void)
{
    double avail = 0;
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f)) {
        unsigned long long kb;
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
            avail = (double)kb * 1024.0;
    }
    if (f)
        fclose(f);
    return avail;
}

/* The process's address-space limit (RLIMIT_AS, RLIMIT_DATA) in bytes; 0: none. */
static double address_limit(void)
{
    double lim = 0;
    const int limits[] = {RLIMIT_AS, RLIMIT_DATA};
    for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
        struct rlimit rl;
        if (getrlimit(limits[i], &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
            (lim == 0 || (double)rl.rlim_cur < lim))
            lim = (double)rl.rlim_cur;
    }
    return lim;
}

/* The workload's matrix as generated (synthetic data: its size is known before reading). */
static double data_bytes(const sgr_config *cfg, size_t nparts, bool workload)
{
    const sgr_workload_cfg *w = &cfg->workload;
    if ((!nparts && !workload) || !w->dataset || strcmp(w->dataset, "synthetic") != 0)
        return 0;
    double n = w->samples ? (double)w->samples : 10000.0;
    /* the whole set, its train/test split and the workers' parts: three copies */
    return 3.0 * n * ((double)w->features + 2.0) * sizeof(double);
}

#define GIB(x) ((x) / 1073741824.0)

int sgr_run_check_size(const sgr_run *run, const sgr_config *cfg, sgr_err *err)
{
    size_t actors =
        run->family->actors ? run->family->actors(cfg, run->nhosts, run->nparts) : run->nparts + 1;
    double hosts = (double)run->nhosts * HOST_BYTES;
    double data = data_bytes(cfg, run->nparts, run->family->uses_workload);
    double resident = BASE_RESIDENT + hosts + (double)actors * ACTOR_BYTES + data;
    double address = BASE_VIRTUAL + hosts + (double)actors * cfg->simulation.stack_size + data;
    double avail = mem_available(), limit = address_limit();
    if (avail > 0 && resident > avail)
        return sgr_fail(err,
                        "this run needs about %.1f GiB of memory (%zu hosts: %.1f GiB; %zu "
                        "actors: %.1f GiB; data: %.1f GiB) and this machine has %.1f GiB "
                        "available: make it smaller (the platform's hosts, algorithm.workers, "
                        "graph.n, workload.samples) or run it where there is more memory",
                        GIB(resident), run->nhosts, GIB(hosts), actors,
                        GIB((double)actors * ACTOR_BYTES), GIB(data), GIB(avail));
    if (limit > 0 && address > limit)
        return sgr_fail(err,
                        "this run needs about %.1f GiB of address space (%zu actors with "
                        "stacks of simulation.stack_size %.0f KiB, %zu hosts, data) and the "
                        "process is limited to %.1f GiB (ulimit -v / -d): raise the limit or "
                        "lower simulation.stack_size or the number of actors",
                        GIB(address), actors, cfg->simulation.stack_size / 1024, run->nhosts,
                        GIB(limit));
    return 0;
}
