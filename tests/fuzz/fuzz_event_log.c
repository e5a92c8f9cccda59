/* The event log read back for replay (algorithm.replay): header, kinds, nodes, times. */
#include "fuzz_input.h"
#include "simgrad/event_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128], method[64];
    fuzz_file("events.csv", data, size, path, sizeof path);
    sgr_event *ev;
    size_t count;
    sgr_err err;
    if (sgr_event_log_read(path, &ev, &count, method, sizeof method, &err) == 0)
        free(ev);
    return 0;
}
