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
} sgr_partition_kind;

/* Assign each of ds->n samples to one of k parts: owner[i] in [0,k). `param` is the shards
 * per node (SHARDS, integer >= 1) or alpha (DIRICHLET, > 0); ignored for IID. Every part gets
 * at least one sample; fails if ds->n < k, or if a label-based kind is asked of a regression
 * dataset. */
int sgr_partition_assign(const sgr_dataset *ds, size_t k, sgr_partition_kind kind, double param,
                         gsl_rng *rng, size_t *owner, sgr_err *err);

/* Build k datasets parts[0..k-1] from the assignment (rows keep their order). */
int sgr_partition_split(const sgr_dataset *ds, const size_t *owner, size_t k, sgr_dataset *parts,
                        sgr_err *err);

int sgr_partition_kind_parse(const char *s, sgr_partition_kind *out);

#ifdef __cplusplus
}
#endif
#endif
