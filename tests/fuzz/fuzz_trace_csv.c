/* The CSV reader of straggler traces, edge rates, target weights and trace fits. */
#include "fuzz_input.h"
#include "simgrad/straggler.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128];
    fuzz_file("trace.csv", data, size, path, sizeof path);
    double *v;
    size_t rows, cols;
    sgr_err err;
    if (sgr_trace_read_csv(path, &v, &rows, &cols, &err) == 0)
        free(v);
    return 0;
}
