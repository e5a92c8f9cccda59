/* simgrad: gradient codes (Tandon et al., "Gradient Coding", ICML 2017).
 *
 * Pure C, no SimGrid. The data of a job is split into k = n partitions; worker i holds the
 * partitions in the support of row i of the n x n encoding matrix B and sends the coded
 * combination c_i = sum_p B[i][p] g_p of its partition gradients g_p. From the coded results
 * of any n - s workers F, the master finds a with sum_{i in F} a_i B[i][.] = 1 (all-ones) and
 * recovers sum_p g_p = sum_{i in F} a_i c_i. */
#ifndef SIMGRAD_GC_CODE_H
#define SIMGRAD_GC_CODE_H

#include <stdbool.h>
#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "simgrad/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    SGR_GC_FRACTIONAL, /* fractional repetition: (s+1) divides n, groups of s+1 workers share
                          the same s+1 partitions, B entries 0/1 */
    SGR_GC_CYCLIC,     /* cyclic repetition: worker i holds partitions i..i+s (mod n); random
                          H (s x n, H 1 = 0, orthonormal rows), rows of B in the null space of
                          H, B[i][i] = 1 */
} sgr_gc_kind;

typedef struct sgr_gc_code {
    sgr_gc_kind kind;
    size_t n, s;     /* workers (= partitions), stragglers tolerated */
    double *B;       /* n x n, row-major, for CYCLIC codes (its decoder is dense); NULL for
                        FRACTIONAL ones, whose rows are 1 on their support and 0 elsewhere
                        (100,000 workers would need 80 GB) */
    size_t *support; /* n x (s+1): the partitions worker i holds, in order */
    double *coef;    /* n x (s+1): B[i][support[i][k]], the row's nonzeros in support order */
} sgr_gc_code;

/* Build a code for n workers tolerating s stragglers (0 <= s < n). FRACTIONAL needs (s+1) | n.
 * CYCLIC draws H from rng (sgr_gc_cyclic_parity: a uniformly random s-dimensional subspace of
 * the complement of 1, orthonormal rows; Tandon's Gaussian H with its last column set to
 * minus the sum of the others has the same null-space construction but a skewed distribution
 * and larger decoding coefficients) and solves one s x s system per row. s = 0 gives the
 * identity. Errors name the parameter (algorithm.s, algorithm.workers); on error code holds
 * no memory and sgr_gc_code_free on it is safe. */
int sgr_gc_code_init(sgr_gc_code *code, sgr_gc_kind kind, size_t n, size_t s, gsl_rng *rng,
                     sgr_err *err);
void sgr_gc_code_free(sgr_gc_code *code);

/* The parity matrix H (s x n, row-major) that sgr_gc_code_init draws for a CYCLIC code from
 * the same rng state: every row of that code's B satisfies H B[i]^T = 0. Exposed so callers
 * and tests can check the construction. H must hold s*n doubles. Returns 0, or -1 with err
 * (out of memory). */
int sgr_gc_cyclic_parity(size_t n, size_t s, gsl_rng *rng, double *H, sgr_err *err);

/* Decoding coefficients for the responders responded[0..n-1] (true = its coded result
 * arrived): a[0..n-1] (0 for non-responders) with sum_i a_i B[i][.] = 1, solved by least
 * squares on B_F^T: rows of B equilibrated, QR with column pivoting (LAPACKE_dgelsy, which
 * gives the minimum-norm a when fewer than s workers straggle and B_F^T is rank-deficient),
 * then iterative refinement with the residual accumulated in long double. FRACTIONAL decodes
 * directly (one responder per group, coefficient 1, exact). *residual = ||B_F^T a - 1||_2 /
 * sqrt(n), always set. Returns 0 when decodable (residual below 1e-9), -1 with err otherwise
 * ("not decodable: 7 stragglers, the code tolerates s = 5", a group with no responder, or
 * "responder set is singular (residual ...)"). */
int sgr_gc_decode_coeffs(const sgr_gc_code *code, const bool *responded, double *a,
                         double *residual, sgr_err *err);

/* Combine: out[0..dim-1] = sum_i a_i * results[i][0..dim-1] over responders (results[i] may
 * be NULL where a_i == 0). Can't fail. */
void sgr_gc_combine(size_t n, const double *a, const double *const *results, size_t dim,
                    double *out);

/* Normalized computational loads (fraction of a job's data each worker processes per round),
 * as published: GC (s+1)/n; SR-SGC (s+1)/n with s = ceil(B*lambda/(W-1+B)); M-SGC
 * (lambda+1)(W-1+B) / (n(B+(W-1)(lambda+1))), and (W-1+B)/(n(W-1)) when lambda = n. */
double sgr_gc_load(size_t n, size_t s);
size_t sgr_srsgc_s(int B, int W, int lambda);
double sgr_msgc_load(size_t n, int B, int W, int lambda);

#ifdef __cplusplus
}
#endif
#endif
