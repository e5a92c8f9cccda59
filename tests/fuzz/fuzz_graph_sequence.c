/* Graph sequences ("g u v" lines, or one graph of "u v" lines) for 32 nodes. */
#include "fuzz_input.h"
#include "simgrad/graph.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128];
    fuzz_file("graphs.csv", data, size, path, sizeof path);
    sgr_graph *graphs;
    size_t k;
    sgr_err err;
    if (sgr_graph_load_sequence(path, 32, 0, &graphs, &k, &err) == 0) {
        for (size_t i = 0; i < k; i++)
            sgr_graph_free(&graphs[i]);
        free(graphs);
    }
    return 0;
}
