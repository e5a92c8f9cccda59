/* The workload: data loaded or generated, split and partitioned, as the scenario's workload
 * section (sgr_workload_cfg) says. */
#include "simgrad/workload.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simgrad/partition.h"
#include "simgrad/rng.h"

static int load_fashion_mnist(const sgr_workload_cfg *c, sgr_dataset *train, sgr_dataset *test,
                              sgr_err *err)
{
    const char *dir = c->fmnist_dir;
    char a[4096], b[4096];
    int rc = -1;
    snprintf(a, sizeof a, "%s/train-images-idx3-ubyte.gz", dir);
    snprintf(b, sizeof b, "%s/train-labels-idx1-ubyte.gz", dir);
    if (sgr_dataset_read_idx(train, a, b, c->samples, err) < 0)
        goto out;
    snprintf(a, sizeof a, "%s/t10k-images-idx3-ubyte.gz", dir);
    snprintf(b, sizeof b, "%s/t10k-labels-idx1-ubyte.gz", dir);
    if (sgr_dataset_read_idx(test, a, b, c->test_samples, err) < 0) {
        sgr_dataset_free(train);
        goto out;
    }
    rc = 0;
out:
    if (rc < 0)
        sgr_fail_prefix(err, "workload.dataset fashion-mnist (workload.fmnist_dir %s)", dir);
    return rc;
}

static int read_file(const sgr_workload_cfg *c, bool csv, const char *path, size_t d_min,
                     sgr_dataset *out, sgr_err *err)
{
    if (csv)
        return sgr_dataset_read_csv(out, path, c->label_column, NULL, 0, NULL, err);
    return sgr_dataset_read_libsvm(out, path, d_min, err);
}

static int load_libsvm(const sgr_workload_cfg *c, gsl_rng *rng, sgr_dataset *train,
                       sgr_dataset *test, sgr_err *err)
{
    const char *path = c->path, *test_path = c->test_path;
    bool csv = strcmp(c->dataset, "csv") == 0;
    sgr_dataset all = {0};
    int rc = -1;
    if (!path) {
        sgr_fail(err, "workload.path: required when workload.dataset is %s", c->dataset);
        goto out;
    }
    if (read_file(c, csv, path, 0, &all, err) < 0)
        goto out;
    if (test_path) {
        if (read_file(c, csv, test_path, all.d, test, err) < 0)
            goto out;
        if (test->d > all.d) {
            /* The test file names more features: re-read the training file as wide. */
            sgr_dataset wide = {0};
            if (csv) {
                sgr_fail(err, "%s has %zu features, %s %zu", test_path, test->d, path, all.d);
                goto out;
            }
            if (sgr_dataset_read_libsvm(&wide, path, test->d, err) < 0)
                goto out;
            sgr_dataset_free(&all);
            all = wide;
        }
        *train = all;
        all = (sgr_dataset){0};
    } else if (sgr_dataset_split(&all, c->test_fraction, rng, train, test, err) < 0) {
        goto out;
    }
    rc = 0;
out:
    sgr_dataset_free(&all);
    return rc;
}

/* Per-node data (workload.partition column or files): the parts straight from the file(s),
 * train = every row, no test split (workload.test_path, if given, is the test set); the bias
 * column is appended to every part. */
static int load_per_node(sgr_workload *wl, const sgr_workload_cfg *c, size_t nparts, sgr_err *err)
{
    bool csv = strcmp(c->dataset, "csv") == 0, column = c->partition == SGR_PART_COLUMN;
    const char *key = column ? "workload.path" : "workload.node_files";
    const char *path = column ? c->path : c->node_files;
    if (!csv && strcmp(c->dataset, "libsvm") != 0)
        return sgr_fail(err,
                        "workload.partition %s: per-node data comes from files "
                        "(workload.dataset csv or libsvm)",
                        c->partition_name);
    if (!path)
        return sgr_fail(err, "%s: required with workload.partition %s", key, c->partition_name);
    wl->parts = calloc(nparts, sizeof *wl->parts);
    if (!wl->parts)
        return sgr_fail(err, "out of memory");
    int rc = column ? sgr_dataset_read_nodes_column(path, csv, c->label_column, c->node_column,
                                                    nparts, &wl->train, wl->parts, err)
                    : sgr_dataset_read_node_files(path, csv, c->label_column, nparts, &wl->train,
                                                  wl->parts, err);
    if (rc == 0 && c->test_path)
        rc = read_file(c, csv, c->test_path, wl->train.d, &wl->test, err);
    if (rc < 0)
        return sgr_fail_prefix(err, "%s", key);
    wl->nparts = nparts;
    return 0;
}

static int add_bias_parts(sgr_workload *wl, sgr_err *err)
{
    for (size_t i = 0; i < wl->nparts; i++)
        if (sgr_dataset_add_bias(&wl->parts[i], err) < 0)
            return -1;
    return 0;
}

/* The synthetic dataset's rows before the split, and the test fraction the split takes: the
 * training rows (workload.samples, 10,000 if 0) plus workload.test_samples, or as many more
 * as workload.test_fraction asks. generate() and shape_synthetic() both size it here. */
static size_t synthetic_rows(const sgr_workload_cfg *c, double *test_frac)
{
    size_t n = c->samples ? c->samples : 10000, nt = c->test_samples;
    size_t total = nt ? n + nt : (size_t)((double)n / (1.0 - c->test_fraction) + 0.5);
    *test_frac = (double)(total - n) / (double)total;
    return total;
}

static int generate(const sgr_workload_cfg *c, sgr_model_kind kind, gsl_rng *rng,
                    sgr_dataset *train, sgr_dataset *test, sgr_err *err)
{
    double test_frac;
    size_t total = synthetic_rows(c, &test_frac);
    size_t d = c->features;
    double cond = c->condition;
    sgr_dataset all = {0};
    int rc;
    if (kind == SGR_MODEL_LSQ)
        rc = sgr_dataset_synth_lsq(&all, total, d, cond, c->noise, rng, err);
    else
        rc = sgr_dataset_synth_classes(&all, total, d, kind == SGR_MODEL_LOGREG ? 2 : c->classes,
                                       cond, c->separation, rng, err);
    if (rc < 0)
        return -1;
    rc = sgr_dataset_split(&all, test_frac, rng, train, test, err);
    sgr_dataset_free(&all);
    return rc;
}

static int check_labels(const sgr_workload_cfg *c, sgr_model_kind kind, const sgr_dataset *ds,
                        sgr_err *err)
{
    if (kind == SGR_MODEL_LSQ)
        return 0;
    if (ds->nclasses < 2)
        return sgr_fail(err,
                        "workload.model %s needs class labels, but the dataset has real "
                        "targets (use workload.model lsq)",
                        sgr_model_kind_name(kind));
    if (kind == SGR_MODEL_LOGREG && ds->nclasses != 2)
        return sgr_fail(err,
                        "workload.model logreg needs 2 classes, the dataset has %d (use "
                        "softmax)",
                        ds->nclasses);
    return 0;
}

int sgr_workload_load(sgr_workload *wl, const sgr_workload_cfg *c, size_t nparts, sgr_err *err)
{
    memset(wl, 0, sizeof *wl);
    unsigned long seed = c->seed;
    gsl_rng *rng = sgr_rng_new(seed, "workload", 0);
    size_t *owner = NULL;
    if (!rng)
        return sgr_fail(err, "out of memory");
    sgr_model_kind kind = c->model;
    const char *source = c->dataset;
    bool per_node = nparts && (c->partition == SGR_PART_COLUMN || c->partition == SGR_PART_FILES);
    int rc;
    if (per_node)
        rc = load_per_node(wl, c, nparts, err);
    else if (strcmp(source, "fashion-mnist") == 0)
        rc = load_fashion_mnist(c, &wl->train, &wl->test, err);
    else if (strcmp(source, "libsvm") == 0 || strcmp(source, "csv") == 0)
        rc = load_libsvm(c, rng, &wl->train, &wl->test, err);
    else
        rc = generate(c, kind, rng, &wl->train, &wl->test, err);
    if (rc < 0 || check_labels(c, kind, &wl->train, err) < 0)
        goto fail;
    if (c->bias && (sgr_dataset_add_bias(&wl->train, err) < 0 ||
                    sgr_dataset_add_bias(&wl->test, err) < 0 || add_bias_parts(wl, err) < 0))
        goto fail;
    wl->model.kind = kind;
    wl->model.d = wl->train.d;
    wl->model.nclasses =
        wl->train.nclasses > wl->test.nclasses ? wl->train.nclasses : wl->test.nclasses;
    wl->model.l2 = c->l2;
    if (nparts == 0 || per_node)
        goto done;
    sgr_partition_kind pk = c->partition;
    double param = pk == SGR_PART_SHARDS ? (double)c->shards_per_node : c->dirichlet_alpha;
    owner = malloc(wl->train.n * sizeof *owner);
    wl->parts = calloc(nparts, sizeof *wl->parts);
    if (!owner || !wl->parts) {
        sgr_fail(err, "out of memory");
        goto fail;
    }
    if (sgr_partition_assign(&wl->train, nparts, pk, param, rng, owner, err) < 0 ||
        sgr_partition_split(&wl->train, owner, nparts, wl->parts, err) < 0) {
        sgr_fail_prefix(err, "workload.partition %s", c->partition_name);
        goto fail;
    }
    wl->nparts = nparts;
    for (size_t i = 0; i < nparts; i++)
        sgr_dataset_shuffle(&wl->parts[i], rng);
done:
    free(owner);
    gsl_rng_free(rng);
    return 0;
fail:
    free(owner);
    gsl_rng_free(rng);
    wl->nparts = nparts;
    sgr_workload_free(wl);
    return -1;
}

void sgr_workload_free(sgr_workload *wl)
{
    for (size_t i = 0; wl->parts && i < wl->nparts; i++)
        sgr_dataset_free(&wl->parts[i]);
    free(wl->parts);
    sgr_dataset_free(&wl->train);
    sgr_dataset_free(&wl->test);
    memset(wl, 0, sizeof *wl);
}

/* The synthetic dataset's train and test sizes as generate() and the split make them, with
 * the generator's and the split's refusals. Returns 0 or -1 with err. */
static int shape_synthetic(const sgr_workload_cfg *c, sgr_workload *wl, sgr_err *err)
{
    double test_frac;
    size_t total = synthetic_rows(c, &test_frac);
    bool classes = c->model != SGR_MODEL_LSQ;
    int nclasses = c->model == SGR_MODEL_LOGREG ? 2 : classes ? c->classes : 0;
    if (sgr_dataset_synth_check(total, c->features, classes, nclasses, c->condition, c->noise,
                                c->separation, err) < 0 ||
        sgr_dataset_check_size(total, c->features, err) < 0)
        return -1;
    if (!(test_frac >= 0 && test_frac <= 1)) /* sgr_dataset_split's refusal */
        return sgr_fail(err, "test fraction must be in [0,1] (got %g)", test_frac);
    size_t ntest = (size_t)llround((double)total * test_frac);
    wl->train = (sgr_dataset){.n = total - ntest, .d = c->features, .nclasses = nclasses};
    wl->test = (sgr_dataset){.n = ntest, .d = c->features, .nclasses = nclasses};
    return 0;
}

int sgr_workload_shape(sgr_workload *wl, const sgr_workload_cfg *c, size_t nparts, sgr_err *err)
{
    memset(wl, 0, sizeof *wl);
    const char *source = c->dataset;
    if (strcmp(source, "fashion-mnist") == 0 || strcmp(source, "libsvm") == 0 ||
        strcmp(source, "csv") == 0 || (nparts && c->partition != SGR_PART_IID))
        return 0; /* files to read, or a partition that reads the labels */
    if (shape_synthetic(c, wl, err) < 0 || check_labels(c, c->model, &wl->train, err) < 0)
        return -1;
    if (c->bias) {
        wl->train.d++;
        wl->test.d++;
    }
    wl->model.kind = c->model;
    wl->model.d = wl->train.d;
    wl->model.nclasses = wl->train.nclasses;
    wl->model.l2 = c->l2;
    if (nparts && sgr_partition_check_sizes(wl->train.n, nparts, err) < 0)
        return sgr_fail_prefix(err, "workload.partition %s", c->partition_name);
    wl->nparts = nparts;
    return 1;
}
