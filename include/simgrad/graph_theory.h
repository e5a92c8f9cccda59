/* simgrad: spectral constants of a communication graph, as DADAO (Nabli & Oyallon, ICML 2023)
 * uses them. Pure C, no SimGrid.
 *   L_G      the graph Laplacian (D - A)
 *   chi1     1 / (smallest positive eigenvalue of L_G / |E|)
 *   chi2     max over edges (i,j) of R_ij / 2, R_ij the effective resistance in L_G / |E|
 *            (R in L/|E| is |E| times R in L)
 *   lambda_mix = sqrt(2 chi1 chi2)
 * Dense and exact (LAPACK eigendecomposition and pseudo-inverse) up to `dense_max` nodes;
 * beyond, iterative on the sparse Laplacian: Lanczos for the spectral gap and conjugate-gradient
 * Laplacian solves for the resistances (every edge, or a Johnson-Lindenstrauss sketch of k
 * random projections), each with its error bound. */
#ifndef SIMGRAD_GRAPH_THEORY_H
#define SIMGRAD_GRAPH_THEORY_H

#include <stdbool.h>
#include <stddef.h>
#include "simgrad/error.h"
#include "simgrad/graph.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sgr_graph_constants {
    double lambda2;     /* smallest positive eigenvalue of L_G (not normalised) */
    double lambda_max;  /* largest eigenvalue of L_G */
    double chi1, chi2, lambda_mix;
    double max_resistance; /* max over edges of R_ij in L_G */
    bool exact;            /* dense computation */
    double chi1_rel_error, chi2_rel_error; /* bounds when iterative (0 when exact) */
    size_t iterations;     /* Lanczos steps + CG steps, when iterative */
} sgr_graph_constants;

/* Compute the constants of a connected graph. dense_max: largest n for the dense path (e.g.
 * 3000). tol: relative accuracy asked of the iterative path (e.g. 1e-6). Returns 0, or -1
 * with err (disconnected graph, out of memory). */
int sgr_graph_constants_compute(const sgr_graph *g, size_t dense_max, double tol,
                                sgr_graph_constants *out, sgr_err *err);

/* The Laplacian as a dense row-major n x n matrix (caller frees). NULL on allocation failure. */
double *sgr_graph_laplacian_dense(const sgr_graph *g);

/* y = L x on the sparse graph. Can't fail. */
void sgr_graph_laplacian_apply(const sgr_graph *g, const double *x, double *y);

#ifdef __cplusplus
}
#endif
#endif
