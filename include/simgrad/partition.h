/* simgrad: partitioning a dataset across nodes. Pure C, no SimGrid. */
#ifndef SIMGRAD_PARTITION_H
#define SIMGRAD_PARTITION_H

#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "simgrad/dataset.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    SGR_PART_IID,       /* seeded shuffle, then near-equal contiguous blocks */
    SGR_PART_SHARDS,    /* sort by label, cut into k*shards_per_node shards, deal shards */
    SGR_PART_DIRICHLET, /* per class, proportions over nodes ~ Dirichlet(alpha) */
    SGR_PART_COLUMN,    /* the node of each row is given by a column of the data file */
    SGR_PART_FILES,     /* one data file per node */
} sgr_partition_kind;

/* Assign each of ds->n samples to one of k parts: owner[i] in [0,k). `param` is the shards
 * per node (SHARDS, integer >= 1) or alpha (DIRICHLET, > 0); ignored for IID. Every part gets
 * at least one sample; fails if ds->n < k, or if a label-based kind is asked of a regression
 * dataset. IID part sizes differ by at most one. SHARDS cuts each class into label-pure
 * shards (k*param in all, apportioned to class sizes), so a part sees at most `param` labels;
 * it fails if k*param is below the number of classes present or above n. DIRICHLET may leave
 * a part empty, which is repaired by moving the last row of the largest part into it.
 * The same rng state gives the same assignment. Returns 0, or -1 with err filled. */
int sgr_partition_assign(const sgr_dataset *ds, size_t k, sgr_partition_kind kind, double param,
                         gsl_rng *rng, size_t *owner, sgr_err *err);

/* What sgr_partition_assign refuses whatever the rows hold: no part, or fewer rows (n) than
 * parts (k). Returns 0 or -1 with err. */
int sgr_partition_check_sizes(size_t n, size_t k, sgr_err *err);

/* The given assignment, checked: owner[r] = node[r] for the `rows` rows, every node < k, and
 * every one of the k nodes with at least one row (else an error naming `path` and the first
 * empty node). No shuffle: rows keep their file order within a node. Returns 0 or -1. */
int sgr_partition_from_nodes(const size_t *node, size_t rows, size_t k, const char *path,
                             size_t *owner, sgr_err *err);

/* Build k datasets parts[0..k-1] from the assignment (rows keep their order). Fails if an
 * owner is >= k or memory runs out; then no part holds memory. */
int sgr_partition_split(const sgr_dataset *ds, const size_t *owner, size_t k, sgr_dataset *parts,
                        sgr_err *err);

/* Parse "iid", "shards", "dirichlet", "column", "files". Returns 0 or -1. COLUMN and FILES
 * are not drawn by sgr_partition_assign: the workload reads them from the data. */
int sgr_partition_kind_parse(const char *s, sgr_partition_kind *out);

/* The name sgr_partition_kind_parse accepts for kind. Can't fail. */
const char *sgr_partition_kind_name(sgr_partition_kind kind);

#ifdef __cplusplus
}
#endif
#endif
