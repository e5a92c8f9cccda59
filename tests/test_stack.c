/* Actor stacks are the size a scenario asks for (simulation.stack_size, bytes), measured in
 * the process's own memory map, not taken from what the code passes to SimGrid: each actor
 * spawned by sgr_run_spawn finds, in /proc/self/maps, the mapping that holds its stack and
 * the guard page below it, and reports how much stack lies below its current frame. That is
 * at most the size asked (plus page rounding) and at least the size asked minus the frames
 * above it. SimGrid 3.32 takes KiB where its header says bytes: passing bytes gave stacks
 * 1024x too large (256 MiB for the 256 KiB default) and overflowed to 0 from 4 MiB up. */
#include <inttypes.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>

#include "simgrad/run.h"
#include "testutil.h"

typedef struct probe {
    sgr_run run;       /* only stack_size is used by sgr_run_spawn */
    uintptr_t below;   /* bytes of stack below the probe's frame, up to the guard page */
    uintptr_t mapping; /* size of the writable mapping that holds the frame */
    bool found, guarded;
} probe;

/* The mapping of /proc/self/maps that contains `addr`, and whether the one just below it (at
 * its start) is an inaccessible guard. */
static bool find_mapping(uintptr_t addr, uintptr_t *lo, uintptr_t *hi, bool *guarded)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return false;
    char line[512], prev_perm[8] = "";
    uintptr_t prev_hi = 0;
    bool found = false;
    while (fgets(line, sizeof line, f)) {
        uintptr_t a, b;
        char perm[8];
        if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %7s", &a, &b, perm) != 3)
            continue;
        if (addr >= a && addr < b) {
            *lo = a;
            *hi = b;
            *guarded = prev_hi == a && strncmp(prev_perm, "---", 3) == 0;
            found = true;
            break;
        }
        prev_hi = b;
        snprintf(prev_perm, sizeof prev_perm, "%s", perm);
    }
    fclose(f);
    return found;
}

static void probe_main(int argc, char **argv)
{
    probe *p = sgr_actor_data(argc, argv);
    volatile char here = 0;
    uintptr_t lo, hi;
    p->found = find_mapping((uintptr_t)&here, &lo, &hi, &p->guarded);
    if (p->found) {
        p->below = (uintptr_t)&here - lo;
        p->mapping = hi - lo;
    }
    (void)here;
}

static const char platform_xml[] =
    "<?xml version='1.0'?>\n<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
    "<platform version=\"4.1\"><zone id=\"z\" routing=\"Full\">"
    "<host id=\"h0\" speed=\"1Gf\"/></zone></platform>\n";

enum { NPROBES = 5 };
static const unsigned asked[NPROBES] = {16384, 65536, 262144, 4u << 20, 1u << 30};

static void test_stack_sizes(void)
{
    char xml[] = "/tmp/simgrad-stack-XXXXXX";
    int fd = mkstemp(xml);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_FATAL(write(fd, platform_xml, sizeof platform_xml - 1) ==
                    (ssize_t)(sizeof platform_xml - 1));
    close(fd);
    char *argv[] = {"test_stack", "--log=root.thres:warning", NULL};
    int argc = 2;
    simgrid_init(&argc, argv);
    simgrid_load_platform(xml);
    unlink(xml);
    sg_host_t h0 = sg_host_by_name("h0");
    CU_ASSERT_FATAL(h0 != NULL);
    static probe probes[NPROBES];
    for (int i = 0; i < NPROBES; i++) {
        probes[i].run.stack_size = asked[i];
        sgr_run_spawn(&probes[i].run, "probe", h0, probe_main, &probes[i]);
    }
    simgrid_run();
    long page = sysconf(_SC_PAGESIZE);
    for (int i = 0; i < NPROBES; i++) {
        const probe *p = &probes[i];
        printf("\n  asked %u bytes: %" PRIuPTR " bytes of stack below the frame, guard %s",
               asked[i], p->below, p->guarded ? "yes" : "no");
        CU_ASSERT(p->found);
        CU_ASSERT(p->guarded); /* the frame's mapping starts at the guard: it is the stack */
        /* never more than asked (rounded up to whole pages), never less than asked minus the
         * frames above the probe (SimGrid's and the probe's: well under 12 KiB) */
        CU_ASSERT(p->below <= asked[i] + (uintptr_t)page);
        CU_ASSERT(p->below + 12288 >= asked[i]);
    }
}

int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("stack", NULL, NULL);
    TEST_ADD(s, test_stack_sizes);
    return test_run_all();
}
