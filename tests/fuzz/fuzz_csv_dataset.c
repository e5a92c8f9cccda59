/* The CSV dataset reader (a header of names, a label column, an optional node column) and the
 * plain CSV table under it. */
#include "fuzz_input.h"
#include "simgrad/csv_table.h"
#include "simgrad/dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128];
    fuzz_file("data.csv", data, size, path, sizeof path);
    sgr_err err;
    sgr_csv_table t;
    if (sgr_csv_table_read(path, &t, &err) == 0)
        sgr_csv_table_free(&t);
    sgr_dataset ds;
    size_t *nodes = NULL;
    if (sgr_dataset_read_csv(&ds, path, "label", NULL, 0, NULL, &err) == 0)
        sgr_dataset_free(&ds);
    if (sgr_dataset_read_csv(&ds, path, "label", "node", 16, &nodes, &err) == 0) {
        sgr_dataset_free(&ds);
        free(nodes);
    }
    return 0;
}
