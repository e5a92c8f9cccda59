/* bench_graph_constants: the CPU time of DADAO's graph constants (chi1, chi2, lambda_mix) on a
 * random D-regular graph of N nodes, as the gossip family computes them before a run
 * (analysis/graph_theory.c, iterative beyond 3,000 nodes, tolerance 1e-6): with `full`, also
 * lambda_max (what a run with ADOM+ adds). Not run by ctest.
 *
 * usage: bench_graph_constants N D [SEED] [full]
 * Prints one "key value" line per figure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "bench_util.h"
#include "simgrad/graph.h"
#include "simgrad/graph_theory.h"
#include "simgrad/rng.h"

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: %s N D [SEED] [full]\n", argv[0]);
        return 2;
    }
    size_t n = strtoul(argv[1], NULL, 10), degree = strtoul(argv[2], NULL, 10);
    unsigned long seed = argc > 3 ? strtoul(argv[3], NULL, 10) : 10;
    int full = argc > 4 && strcmp(argv[4], "full") == 0;
    openblas_set_num_threads(1); /* as a run (actors/run.c): OpenBLAS's threads doubled the CPU */
    gsl_rng *rng = sgr_rng_new(seed, "graph", 0);
    sgr_graph g;
    sgr_graph_cfg cfg = {.kind = SGR_GRAPH_REGULAR, .n = n, .degree = degree};
    sgr_err err;
    double t0 = bench_cpu_now();
    if (!rng || sgr_graph_build(&g, &cfg, rng, &err) < 0) {
        fprintf(stderr, "%s: graph: %s\n", argv[0], rng ? err.msg : "out of memory");
        return 2;
    }
    double t1 = bench_cpu_now();
    sgr_graph_constants c;
    int rc = full ? sgr_graph_constants_compute(&g, 3000, 1e-6, &c, &err)
                  : sgr_graph_constants_mixing(&g, 3000, 1e-6, &c, &err);
    double t2 = bench_cpu_now();
    if (rc < 0) {
        fprintf(stderr, "%s: constants: %s\n", argv[0], err.msg);
        return 1;
    }
    printf("bench_graph_constants N=%zu D=%zu seed=%lu %s\n", n, degree, seed,
           full ? "full" : "mixing");
    printf("cpu_graph_s %.3f\n", t1 - t0);
    printf("cpu_constants_s %.3f\n", t2 - t1);
    printf("iterations %zu\n", c.iterations);
    printf("chi1 %.10g\nchi2 %.10g\nlambda_mix %.10g\nlambda_max %.10g\n", c.chi1, c.chi2,
           c.lambda_mix, c.lambda_max);
    printf("chi1_rel_error %.3g\nchi2_rel_error %.3g\n", c.chi1_rel_error, c.chi2_rel_error);
    sgr_graph_free(&g);
    gsl_rng_free(rng);
    return 0;
}
