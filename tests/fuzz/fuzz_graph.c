/* The graph edge list ("u v" per line), with n taken from the file and with n = 64. */
#include "fuzz_input.h"
#include "simgrad/graph.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128];
    fuzz_file("edges.txt", data, size, path, sizeof path);
    sgr_err err;
    for (size_t n = 0; n <= 64; n += 64) {
        sgr_graph g;
        if (sgr_graph_load_file(&g, path, n, &err) == 0) {
            (void)sgr_graph_connected(&g);
            sgr_graph_free(&g);
        }
    }
    return 0;
}
