/* The scenario loader: JSON syntax, the schema, units, ranges, the family's keys. */
#include "fuzz_input.h"
#include "simgrad/run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128];
    fuzz_file("scenario.json", data, size, path, sizeof path);
    sgr_scenario scn;
    sgr_err err;
    if (sgr_scenario_load(&scn, path, NULL, 0, sgr_family_key_tables, &err) == 0)
        sgr_scenario_free(&scn);
    return 0;
}
