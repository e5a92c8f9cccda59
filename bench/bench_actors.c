/* bench_actors: how many SimGrid actors fit without a sysctl, and what each costs.
 *
 * N actors on one host, each with a STACK_KIB stack (sg_actor_set_stacksize takes KiB in
 * SimGrid 3.32), each sleeping 1 simulated second R times and touching TOUCH_KIB of its stack
 * every time it wakes (a real actor's frames: printf, BLAS, the inbox). One actor samples the
 * process's memory mappings (/proc/self/maps lines, against vm.max_map_count) after everybody
 * started. SimGrid allocates a stack with posix_memalign and mprotects a guard page below it
 * when contexts/guard-size > 0 (2 mappings per actor: the kernel's default limit of 65,530
 * holds about 32,000 actors), and with a plain malloc when it is 0 (small stacks come from the
 * heap, larger ones are anonymous mmaps that the kernel merges: no mapping per actor).
 *
 * usage: bench_actors N STACK_KIB R [TOUCH_KIB] [--cfg=...]
 * Prints "key value" lines: wall and CPU time of creation and of the run, context switches per
 * wall second, mappings, peak RSS and RSS per actor. Not run by ctest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>

static long nactors, rounds, touch_kib, started, maps_at_peak = -1;

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

static long count_maps(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return -1;
    long n = 0;
    int c;
    while ((c = getc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

/* Write TOUCH_KIB of stack, as deep frames would (a variable-length array: only that much). */
static void touch_stack(void)
{
    size_t n = (size_t)touch_kib * 1024;
    volatile char buf[n];
    (void)buf;
    for (size_t i = 0; i < n; i += 512)
        buf[i] = (char)i;
}

/* After its rounds, actor i ends at a time scattered by a multiplicative hash of i, so that
 * stacks are released in an order unrelated to their addresses (as when workers finish). */
static void sleeper(int argc, char **argv)
{
    long i = started++;
    for (long r = 0; r < rounds; r++) {
        sg_actor_sleep_for(1.0);
        if (touch_kib > 0)
            touch_stack();
    }
    sg_actor_sleep_for((double)((unsigned long)i * 2654435761UL % 1000003UL) / 1000003.0);
}

static void sampler(int argc, char **argv)
{
    sg_actor_sleep_for(0.5); /* every sleeper has started and is asleep */
    maps_at_peak = count_maps();
}

int main(int argc, char **argv)
{
    double t0 = now(), c0 = cpu_now();
    simgrid_init(&argc, argv);
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: %s N STACK_KIB R [TOUCH_KIB] [--cfg=...]\n", argv[0]);
        return 2;
    }
    nactors = strtol(argv[1], NULL, 10);
    long stack_kib = strtol(argv[2], NULL, 10);
    rounds = strtol(argv[3], NULL, 10);
    touch_kib = argc > 4 ? strtol(argv[4], NULL, 10) : 0;
    if (nactors < 1 || stack_kib < 16 || stack_kib % 4 || rounds < 0 || touch_kib < 0 ||
        touch_kib > stack_kib / 2) {
        fprintf(stderr,
                "%s: N >= 1, STACK_KIB >= 16 (a multiple of 4), R >= 0, TOUCH_KIB <= "
                "STACK_KIB/2\n",
                argv[0]);
        return 2;
    }
    const char *xml = "<?xml version='1.0'?>\n"
                      "<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
                      "<platform version=\"4.1\"><zone id=\"z\" routing=\"Full\">"
                      "<host id=\"h0\" speed=\"1Gf\"/></zone></platform>\n";
    char path[] = "/tmp/bench_actors_XXXXXX.xml";
    int fd = mkstemps(path, 4);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f || fputs(xml, f) < 0 || fclose(f) != 0) {
        perror(path);
        return 1;
    }
    simgrid_load_platform(path);
    remove(path);
    sg_host_t h = sg_host_by_name("h0");
    long maps_before = count_maps();

    double t1 = now(), c1 = cpu_now();
    for (long i = 0; i < nactors; i++) {
        sg_actor_t a = sg_actor_init("s", h);
        sg_actor_set_stacksize(a, (unsigned)stack_kib);
        sg_actor_start(a, sleeper, 0, NULL);
    }
    sg_actor_create("sampler", h, sampler, 0, NULL);
    double t2 = now(), c2 = cpu_now();
    simgrid_run();
    double t3 = now(), c3 = cpu_now();

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double switches = (double)nactors * (double)(rounds + 1);
    printf("bench_actors N=%ld stack_kib=%ld rounds=%ld touch_kib=%ld\n", nactors, stack_kib,
           rounds, touch_kib);
    printf("started %ld\n", started);
    printf("maps_before %ld\n", maps_before);
    printf("maps_at_peak %ld\n", maps_at_peak);
    printf("wall_create_s %.3f\n", t2 - t1);
    printf("cpu_create_s %.3f\n", c2 - c1);
    printf("wall_run_s %.3f\n", t3 - t2);
    printf("cpu_run_s %.3f\n", c3 - c2);
    printf("wall_total_s %.3f\n", t3 - t0);
    printf("cpu_total_s %.3f\n", c3 - c0);
    printf("actor_runs_per_cpu_s %.0f\n", switches / (c3 - c2));
    printf("peak_rss_mb %.1f\n", (double)ru.ru_maxrss / 1024.0);
    printf("rss_per_actor_kb %.2f\n", (double)ru.ru_maxrss / (double)nactors);
    return started == nactors ? 0 : 1;
}
