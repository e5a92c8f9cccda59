/* The IDX reader (Fashion-MNIST's format): the input's first byte says where the image file
 * ends and the label file begins; read whole and with a sample limit. */
#include "fuzz_input.h"
#include "simgrad/dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t split = 1 + (size_t)data[0] * 4;
    if (split > size)
        split = size;
    char images[128], labels[128];
    fuzz_file("images.idx", data + 1, split - 1, images, sizeof images);
    fuzz_file("labels.idx", data + split, size - split, labels, sizeof labels);
    sgr_err err;
    for (size_t limit = 0; limit <= 3; limit += 3) {
        sgr_dataset ds;
        if (sgr_dataset_read_idx(&ds, images, labels, limit, &err) == 0)
            sgr_dataset_free(&ds);
    }
    return 0;
}
