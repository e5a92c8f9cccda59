/* The sweep file: its keys, the grid and list, replicas, metrics against the base scenario's
 * family, and the expansion into runs. The base scenario is a fixed small ps-sgd file beside
 * it ("base": "base.json"). */
#include "fuzz_input.h"
#include "../../cli/sweep.h"

static const char base[] =
    "{\"platform\": {\"type\": \"star\", \"hosts\": 5}, \"workload\": {\"dataset\": "
    "\"synthetic\", \"samples\": 400, \"features\": 5}, \"algorithm\": {\"family\": \"ps-sgd\", "
    "\"rounds\": 2}}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char base_path[128];
    if (!base_path[0])
        fuzz_file("base.json", (const uint8_t *)base, sizeof base - 1, base_path, sizeof base_path);
    char path[128], out[160];
    fuzz_file("sweep.json", data, size, path, sizeof path);
    snprintf(out, sizeof out, "%s/out", fuzz_dir()); /* never the file's own "out" */
    sweep_plan p;
    sgr_err err;
    sweep_plan_load(&p, path, out, &err);
    sweep_plan_free(&p);
    return 0;
}
