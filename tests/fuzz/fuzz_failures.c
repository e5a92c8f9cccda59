/* The host-failure CSV (host index, start, duration), against a 16-host platform and an
 * unknown one. */
#include "fuzz_input.h"
#include "simgrad/run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128];
    fuzz_file("failures.csv", data, size, path, sizeof path);
    failure_event *ev;
    size_t n;
    sgr_err err;
    for (size_t nhosts = 0; nhosts <= 16; nhosts += 16)
        if (sgr_failures_load(path, nhosts, &ev, &n, &err) == 0)
            free(ev);
    return 0;
}
