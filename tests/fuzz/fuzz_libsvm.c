/* The LIBSVM text reader (plain; gzip input goes through the same line parser). */
#include "fuzz_input.h"
#include "simgrad/dataset.h"

/* The dense matrix the input asks for, in bytes (rows bounded by the lines, width by the
 * largest "INDEX:" in it): a valid file with a feature index of 10^9 is a legitimate 8 GB
 * dataset, which the fuzzer's 2 GiB limit would report as a failure, so such inputs are
 * skipped here (sgr_dataset_alloc refuses what exceeds the machine). */
static double dense_bytes(const uint8_t *data, size_t size)
{
    double rows = 1, width = 0, v = 0;
    for (size_t i = 0; i < size; i++) {
        if (data[i] >= '0' && data[i] <= '9') {
            v = v * 10 + (data[i] - '0');
            continue;
        }
        if (data[i] == ':' && v > width)
            width = v;
        rows += data[i] == '\n';
        v = 0;
    }
    return rows * (width + 1) * 8;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (dense_bytes(data, size) > 256.0 * 1048576)
        return 0;
    char path[128];
    fuzz_file("data.svm", data, size, path, sizeof path);
    sgr_dataset ds;
    sgr_err err;
    if (sgr_dataset_read_libsvm(&ds, path, 0, &err) == 0)
        sgr_dataset_free(&ds);
    return 0;
}
