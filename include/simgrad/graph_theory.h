/* simgrad: spectral constants of a communication graph, as DADAO (Nabli & Oyallon, ICML 2023)
 * uses them. Pure C, no SimGrid.
 *   L_G      the graph Laplacian (D - A)
 *   chi1     1 / (smallest positive eigenvalue of L_G / |E|) = |E| / lambda2
 *   chi2     max over edges (i,j) of R_ij / 2, R_ij the effective resistance in L_G / |E|
 *            (R in L/|E| is |E| times R in L), so chi2 = |E| max R / 2
 *   lambda_mix = sqrt(2 chi1 chi2)
 * These match the authors' code (github.com/AdelNabli/DADAO: utils.py
 * compute_spectral_quantities and compute_graph_resistance, main.py's lamb_mix).
 *
 * Dense and exact (LAPACK eigendecomposition and pseudo-inverse) up to `dense_max` nodes.
 * Beyond, iterative on the sparse Laplacian, always on the complement of the all-ones vector:
 *  - lambda2: shift-invert Lanczos (top of L^+, each step a Jacobi-preconditioned CG solve),
 *    full reorthogonalisation, stopped when the Ritz vector y's residual ||L y - mu y||,
 *    mu = y^T L y, is <= tol mu. lambda2 <= mu, and if Lanczos found the bottom of the
 *    spectrum (the usual caveat of Krylov methods; a random start makes missing it unlikely),
 *    lambda2 >= mu - residual: chi1_rel_error = residual / (mu - residual).
 *  - lambda_max: plain Lanczos on L, same stopping rule (no bound reported).
 *  - max R: a Spielman-Srivastava sketch, k = ceil(96 ln n) random +-1/sqrt(k) projections
 *    (k CG solves L z = B^T q), ranks every edge; the top candidates (every edge within 4
 *    sketch standard deviations of the largest sketch, at least 20, at most 1024) are then
 *    solved exactly by CG until the energy bound ||r||^2 / lambda2 <= tol R. CG from 0
 *    underestimates each R by at most that bound, so chi2_rel_error bounds the error of the
 *    max over the candidates. It does not cover candidate selection: an edge the sketch
 *    ranked below the cut is never solved. Where the largest resistances stand apart
 *    (bridges, sparse regions of geometric graphs) the sketch finds them; where the edges
 *    form a plateau (random regular graphs) the true max can be missed, by the plateau's
 *    width: measured up to 0.3% low in chi2 on random 10-regular graphs of 3,000 nodes,
 *    against <= 1e-7 on geometric graphs. */
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
    double lambda2;    /* smallest positive eigenvalue of L_G (not normalised) */
    double lambda_max; /* largest eigenvalue of L_G */
    double chi1, chi2, lambda_mix;
    double max_resistance;                 /* max over edges of R_ij in L_G */
    bool exact;                            /* dense computation */
    double chi1_rel_error, chi2_rel_error; /* bounds when iterative (0 when exact) */
    size_t iterations; /* Lanczos steps on L + CG iterations (shift-invert ones too) */
} sgr_graph_constants;

/* Compute the constants of a connected graph. dense_max: largest n for the dense path (e.g.
 * 3000; 2 n^2 doubles, O(n^3)). tol: relative accuracy asked of the iterative path (e.g.
 * 1e-6, in (0, 1); unused by the dense path). Deterministic (fixed internal seeds). Returns
 * 0, or -1 with err (fewer than 2 nodes, disconnected graph, bad tol, out of memory). */
int sgr_graph_constants_compute(const sgr_graph *g, size_t dense_max, double tol,
                                sgr_graph_constants *out, sgr_err *err);

/* The same without lambda_max on the iterative path (left 0; exact on the dense one), which
 * only ADOM+'s step needs: one Lanczos run fewer, the largest part of the cost on random
 * regular graphs (19 s of 62 s at 100,000 nodes). Everything else is identical. */
int sgr_graph_constants_mixing(const sgr_graph *g, size_t dense_max, double tol,
                               sgr_graph_constants *out, sgr_err *err);

/* Effective resistance R_uv in L_G of every edge, in the graph's edge order (r has g->m
 * entries), by the dense pseudo-inverse: O(n^3) time, 2 n^2 doubles. Returns 0, or -1 with
 * err (fewer than 2 nodes, disconnected graph, out of memory). */
int sgr_graph_edge_resistances_dense(const sgr_graph *g, double *r, sgr_err *err);

/* The Laplacian as a dense row-major n x n matrix (caller frees). NULL on allocation failure. */
double *sgr_graph_laplacian_dense(const sgr_graph *g);

/* y = L x on the sparse graph. Can't fail. */
void sgr_graph_laplacian_apply(const sgr_graph *g, const double *x, double *y);

#ifdef __cplusplus
}
#endif
#endif
