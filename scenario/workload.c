/* The workload: data loaded or generated, split and partitioned, as the scenario's workload
 * section (sgr_workload_cfg) says. */
#include "simgrad/workload.h"

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
    if (sgr_dataset_read_idx(test, a, b, c->test_samples, err) <
        0) {
        sgr_dataset_free(train);
        goto out;
    }
    rc = 0;
out:
    if (rc < 0)
        sgr_fail_prefix(err, "workload.dataset fashion-mnist (workload.fmnist_dir %s)", dir);
    return rc;
}

static int load_libsvm(const sgr_workload_cfg *c, gsl_rng *rng, sgr_dataset *train, sgr_dataset *test,
                       sgr_err *err)
{
    const char *path = c->path, *test_path = c->test_path;
    sgr_dataset all = {0};
    int rc = -1;
    if (!path) {
        sgr_fail(err, "workload.path: required when workload.dataset is libsvm");
        goto out;
    }
    if (sgr_dataset_read_libsvm(&all, path, 0, err) < 0)
        goto out;
    if (test_path) {
        if (sgr_dataset_read_libsvm(test, test_path, all.d, err) < 0)
            goto out;
        if (test->d > all.d) {
            /* The test file names more features: re-read the training file as wide. */
            sgr_dataset wide = {0};
            if (sgr_dataset_read_libsvm(&wide, path, test->d, err) < 0)
                goto out;
            sgr_dataset_free(&all);
            all = wide;
        }
        *train = all;
        all = (sgr_dataset){0};
    } else if (sgr_dataset_split(&all, c->test_fraction, rng, train, test,
                                 err) < 0) {
        goto out;
    }
    rc = 0;
out:
    sgr_dataset_free(&all);
    return rc;
}

static int generate(const sgr_workload_cfg *c, sgr_model_kind kind, gsl_rng *rng, sgr_dataset *train,
                    sgr_dataset *test, sgr_err *err)
{
    size_t n = c->samples;
    size_t nt = c->test_samples;
    double frac = c->test_fraction;
    if (n == 0)
        n = 10000;
    size_t total = nt ? n + nt : (size_t)((double)n / (1.0 - frac) + 0.5);
    double test_frac = (double)(total - n) / (double)total;
    size_t d = c->features;
    double cond = c->condition;
    sgr_dataset all = {0};
    int rc;
    if (kind == SGR_MODEL_LSQ)
        rc = sgr_dataset_synth_lsq(&all, total, d, cond, c->noise, rng,
                                   err);
    else
        rc = sgr_dataset_synth_classes(
            &all, total, d,
            kind == SGR_MODEL_LOGREG ? 2 : c->classes, cond,
            c->separation, rng, err);
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
    int rc;
    if (strcmp(source, "fashion-mnist") == 0)
        rc = load_fashion_mnist(c, &wl->train, &wl->test, err);
    else if (strcmp(source, "libsvm") == 0)
        rc = load_libsvm(c, rng, &wl->train, &wl->test, err);
    else
        rc = generate(c, kind, rng, &wl->train, &wl->test, err);
    if (rc < 0 || check_labels(c, kind, &wl->train, err) < 0)
        goto fail;
    if (c->bias &&
        (sgr_dataset_add_bias(&wl->train, err) < 0 || sgr_dataset_add_bias(&wl->test, err) < 0))
        goto fail;
    wl->model.kind = kind;
    wl->model.d = wl->train.d;
    wl->model.nclasses =
        wl->train.nclasses > wl->test.nclasses ? wl->train.nclasses : wl->test.nclasses;
    wl->model.l2 = c->l2;
    if (nparts == 0)
        goto done;
    sgr_partition_kind pk = c->partition;
    double param = pk == SGR_PART_SHARDS ? (double)c->shards_per_node
                                         : c->dirichlet_alpha;
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
