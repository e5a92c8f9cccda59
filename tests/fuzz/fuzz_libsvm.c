/* The LIBSVM text reader (plain; gzip input goes through the same line parser). */
#include "fuzz_input.h"
#include "simgrad/dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128];
    fuzz_file("data.svm", data, size, path, sizeof path);
    sgr_dataset ds;
    sgr_err err;
    if (sgr_dataset_read_libsvm(&ds, path, 0, &err) == 0)
        sgr_dataset_free(&ds);
    return 0;
}
