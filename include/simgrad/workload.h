/* simgrad: the learning workload of a scenario: model, train/test data, per-worker parts.
 * Pure C (no SimGrid); built from the scenario's workload section. */
#ifndef SIMGRAD_WORKLOAD_H
#define SIMGRAD_WORKLOAD_H

#include "simgrad/dataset.h"
#include "simgrad/model.h"
#include "simgrad/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sgr_workload {
    sgr_model model;
    sgr_dataset train, test;
    sgr_dataset *parts; /* nparts training shards, rows shuffled */
    size_t nparts;
} sgr_workload;

/* Load or generate the dataset, split train/test, partition the training set into `nparts`
 * shards, all seeded from the scenario. Errors name the key or the file. */
int sgr_workload_load(sgr_workload *wl, const sgr_scenario *scn, size_t nparts, sgr_err *err);

void sgr_workload_free(sgr_workload *wl);

#ifdef __cplusplus
}
#endif
#endif
