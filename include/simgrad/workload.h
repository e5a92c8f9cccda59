/* simgrad: the learning workload of a scenario: model, train/test data, per-worker parts.
 * Pure C (no SimGrid); built from the scenario's workload section. */
#ifndef SIMGRAD_WORKLOAD_H
#define SIMGRAD_WORKLOAD_H

#include <stdbool.h>

#include "simgrad/dataset.h"
#include "simgrad/model.h"
#include "simgrad/partition.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The workload section (sgr_config_parse fills it; paths resolved). */
typedef struct sgr_workload_cfg {
    unsigned long seed; /* the scenario's seed: the "workload" stream is derived from it */
    sgr_model_kind model;
    const char *model_name;
    double l2;
    const char *dataset; /* synthetic | fashion-mnist | libsvm | csv */
    char *fmnist_dir, *path, *test_path;
    char *node_files;                       /* workload.node_files (partition files), or NULL */
    const char *label_column, *node_column; /* CSV label column; per-node data's node column */
    size_t samples, test_samples, features;
    int classes;
    double condition, noise, separation, test_fraction;
    bool bias;
    sgr_partition_kind partition;
    const char *partition_name;
    size_t shards_per_node;
    double dirichlet_alpha;
} sgr_workload_cfg;

typedef struct sgr_workload {
    sgr_model model;
    sgr_dataset train, test;
    sgr_dataset *parts; /* nparts training shards, rows shuffled */
    size_t nparts;
} sgr_workload;

/* Load or generate the dataset, split train/test, partition the training set into `nparts`
 * shards, all seeded from cfg->seed. Errors name the key or the file. */
int sgr_workload_load(sgr_workload *wl, const sgr_workload_cfg *cfg, size_t nparts, sgr_err *err);

/* For `simgrad validate`: what sgr_workload_load would make of a synthetic dataset split and
 * partitioned iid (or not partitioned), without generating it: the train and test sizes and
 * dimensions, the model, nparts, and the same refusals (generator arguments, a matrix beyond
 * memory, fewer rows than parts). The datasets hold no rows and there are no parts. Returns
 * 1 when it applied, 0 when the workload must be loaded to be checked (files, or a partition
 * that reads labels: wl is then empty), -1 with err. */
int sgr_workload_shape(sgr_workload *wl, const sgr_workload_cfg *cfg, size_t nparts, sgr_err *err);

void sgr_workload_free(sgr_workload *wl);

#ifdef __cplusplus
}
#endif
#endif
