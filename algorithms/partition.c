/* Partitioning a dataset's rows across k nodes: iid, label shards, Dirichlet label skew. */
#include "simgrad/partition.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Rows grouped by class: rows of class c are byclass[first[c] .. first[c+1]). */
typedef struct class_index {
    size_t *byclass;
    size_t *first; /* nclasses + 1 */
} class_index;

static void shuffle_sizes(gsl_rng *rng, size_t *a, size_t n)
{
    if (n > 1)
        gsl_ran_shuffle(rng, a, n, sizeof *a);
}

static int class_index_build(const sgr_dataset *ds, class_index *ci, sgr_err *err)
{
    size_t k = (size_t)ds->nclasses;
    for (size_t i = 0; i < ds->n; i++) {
        double y = ds->y[i];
        if (!(y >= 0 && y < (double)k && y == floor(y)))
            return sgr_fail(err, "row %zu has label %g, expected a class index in [0,%zu)", i, y,
                            k);
    }
    ci->first = calloc(k + 1, sizeof *ci->first);
    if (!ci->first)
        goto fail;
    ci->byclass = malloc(ds->n * sizeof *ci->byclass);
    if (!ci->byclass)
        goto fail_free_first;
    for (size_t i = 0; i < ds->n; i++)
        ci->first[(size_t)ds->y[i] + 1]++;
    for (size_t c = 0; c < k; c++)
        ci->first[c + 1] += ci->first[c];
    size_t *fill = malloc(k * sizeof *fill);
    if (!fill)
        goto fail_free_byclass;
    memcpy(fill, ci->first, k * sizeof *fill);
    for (size_t i = 0; i < ds->n; i++)
        ci->byclass[fill[(size_t)ds->y[i]]++] = i;
    free(fill);
    return 0;

fail_free_byclass:
    free(ci->byclass);
fail_free_first:
    free(ci->first);
fail:
    return sgr_fail(err, "out of memory indexing %zu rows by class", ds->n);
}

static void class_index_free(class_index *ci)
{
    free(ci->byclass);
    free(ci->first);
}

static int assign_iid(const sgr_dataset *ds, size_t k, gsl_rng *rng, size_t *owner, sgr_err *err)
{
    size_t n = ds->n;
    size_t *perm = malloc(n * sizeof *perm);
    if (!perm)
        return sgr_fail(err, "out of memory for a %zu-permutation", n);
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    shuffle_sizes(rng, perm, n);
    /* Part p gets positions [p*n/k, (p+1)*n/k): sizes differ by at most one. */
    for (size_t p = 0; p < k; p++)
        for (size_t i = p * n / k; i < (p + 1) * n / k; i++)
            owner[perm[i]] = p;
    free(perm);
    return 0;
}

/* Give each non-empty class one shard, then the rest one at a time to the class with the
 * most rows per shard (D'Hondt), never more shards than rows. */
static void shards_per_class(const class_index *ci, size_t nclasses, size_t total, size_t *cnt)
{
    size_t given = 0;
    for (size_t c = 0; c < nclasses; c++) {
        cnt[c] = ci->first[c + 1] > ci->first[c];
        given += cnt[c];
    }
    for (; given < total; given++) {
        size_t best = nclasses;
        double best_q = 0;
        for (size_t c = 0; c < nclasses; c++) {
            size_t rows = ci->first[c + 1] - ci->first[c];
            double q = cnt[c] ? (double)rows / (double)cnt[c] : 0;
            if (cnt[c] < rows && q > best_q) {
                best = c;
                best_q = q;
            }
        }
        cnt[best]++; /* total <= n guarantees some class can take one more */
    }
}

/* Label-pure shards: each class is shuffled and cut into its shards; the shards are shuffled
 * and node p gets shards [p*s, (p+1)*s), so it sees at most s labels. */
static int assign_shards(const sgr_dataset *ds, size_t k, double param, gsl_rng *rng, size_t *owner,
                         sgr_err *err)
{
    size_t nclasses = (size_t)ds->nclasses, nonempty = 0;
    if (!(param >= 1) || param != floor(param) || param > (double)ds->n)
        return sgr_fail(err, "shards per node must be an integer in [1, n=%zu] (got %g)", ds->n,
                        param);
    size_t s = (size_t)param, total = k * s;
    if (total > ds->n)
        return sgr_fail(err, "%zu nodes x %zu shards = %zu shards, more than the %zu samples", k, s,
                        total, ds->n);
    class_index ci;
    if (class_index_build(ds, &ci, err))
        return -1;
    for (size_t c = 0; c < nclasses; c++)
        nonempty += ci.first[c + 1] > ci.first[c];
    if (total < nonempty) {
        sgr_fail(err,
                 "%zu nodes x %zu shards = %zu label-pure shards cannot hold %zu classes; "
                 "raise shards per node",
                 k, s, total, nonempty);
        goto out_free_ci;
    }
    size_t *cnt = malloc(nclasses * sizeof *cnt);
    if (!cnt)
        goto out_nomem;
    size_t *shard_owner = malloc(total * sizeof *shard_owner);
    if (!shard_owner)
        goto out_free_cnt;
    shards_per_class(&ci, nclasses, total, cnt);
    for (size_t j = 0; j < total; j++)
        shard_owner[j] = j / s;
    shuffle_sizes(rng, shard_owner, total);
    for (size_t c = 0, shard = 0; c < nclasses; c++) {
        size_t *rows = ci.byclass + ci.first[c], m = ci.first[c + 1] - ci.first[c];
        shuffle_sizes(rng, rows, m);
        for (size_t j = 0; j < cnt[c]; j++, shard++)
            for (size_t i = j * m / cnt[c]; i < (j + 1) * m / cnt[c]; i++)
                owner[rows[i]] = shard_owner[shard];
    }
    free(shard_owner);
    free(cnt);
    class_index_free(&ci);
    return 0;

out_free_cnt:
    free(cnt);
out_nomem:
    sgr_fail(err, "out of memory for %zu shards", total);
out_free_ci:
    class_index_free(&ci);
    return -1;
}

/* Deal the m shuffled rows of one class over k nodes by proportions p (summing to 1). */
static void deal_by_proportions(const size_t *rows, size_t m, const double *p, size_t k,
                                size_t *owner)
{
    double cum = 0;
    size_t lo = 0;
    for (size_t q = 0; q < k; q++) {
        cum += p[q];
        size_t hi = q + 1 == k ? m : (size_t)llround(cum * (double)m);
        hi = hi > m ? m : hi;
        for (size_t i = lo; i < hi; i++)
            owner[rows[i]] = q;
        lo = hi > lo ? hi : lo;
    }
}

static int assign_dirichlet(const sgr_dataset *ds, size_t k, double alpha, gsl_rng *rng,
                            size_t *owner, sgr_err *err)
{
    if (!(alpha > 0) || !isfinite(alpha))
        return sgr_fail(err, "Dirichlet alpha must be a finite number > 0 (got %g)", alpha);
    class_index ci;
    if (class_index_build(ds, &ci, err))
        return -1;
    double *a = malloc(k * sizeof *a), *p = malloc(k * sizeof *p);
    if (!a || !p) {
        sgr_fail(err, "out of memory for Dirichlet proportions over %zu nodes", k);
        goto out_free;
    }
    for (size_t q = 0; q < k; q++)
        a[q] = alpha;
    for (size_t c = 0; c < (size_t)ds->nclasses; c++) {
        size_t *rows = ci.byclass + ci.first[c], m = ci.first[c + 1] - ci.first[c];
        gsl_ran_dirichlet(rng, k, a, p);
        double sum = 0;
        for (size_t q = 0; q < k; q++)
            sum += p[q];
        if (!(sum > 0) || !isfinite(sum)) { /* every gamma underflowed: one node takes all */
            size_t only = (size_t)gsl_rng_uniform_int(rng, (unsigned long)k);
            for (size_t q = 0; q < k; q++)
                p[q] = q == only ? 1.0 : 0.0;
        }
        shuffle_sizes(rng, rows, m);
        deal_by_proportions(rows, m, p, k, owner);
    }
    free(p);
    free(a);
    class_index_free(&ci);
    return 0;

out_free:
    free(p);
    free(a);
    class_index_free(&ci);
    return -1;
}

/* While a part is empty, move the highest-numbered row of the largest part (lowest part
 * number among ties) into it. Terminates because n >= k. */
static int repair_empty_parts(size_t n, size_t k, size_t *owner, sgr_err *err)
{
    size_t *size = calloc(k, sizeof *size);
    if (!size)
        return sgr_fail(err, "out of memory counting %zu parts", k);
    for (size_t i = 0; i < n; i++)
        size[owner[i]]++;
    for (size_t q = 0; q < k; q++) {
        if (size[q])
            continue;
        size_t big = 0;
        for (size_t r = 1; r < k; r++)
            big = size[r] > size[big] ? r : big;
        size_t i = n;
        while (owner[--i] != big)
            ;
        owner[i] = q;
        size[big]--;
        size[q]++;
    }
    free(size);
    return 0;
}

int sgr_partition_check_sizes(size_t n, size_t k, sgr_err *err)
{
    if (k == 0)
        return sgr_fail(err, "partition needs at least one part");
    if (n < k)
        return sgr_fail(err, "cannot split %zu samples into %zu non-empty parts", n, k);
    return 0;
}

int sgr_partition_assign(const sgr_dataset *ds, size_t k, sgr_partition_kind kind, double param,
                         gsl_rng *rng, size_t *owner, sgr_err *err)
{
    int rc;
    if (sgr_partition_check_sizes(ds->n, k, err) < 0)
        return -1;
    if (kind != SGR_PART_IID && ds->nclasses < 1)
        return sgr_fail(err, "%s partition needs class labels, but the dataset is regression",
                        sgr_partition_kind_name(kind));
    switch (kind) {
    case SGR_PART_IID:
        rc = assign_iid(ds, k, rng, owner, err);
        break;
    case SGR_PART_SHARDS:
        rc = assign_shards(ds, k, param, rng, owner, err);
        break;
    case SGR_PART_DIRICHLET:
        rc = assign_dirichlet(ds, k, param, rng, owner, err);
        break;
    default:
        return sgr_fail(err, "unknown partition kind %d", (int)kind);
    }
    if (rc)
        return rc;
    return repair_empty_parts(ds->n, k, owner, err);
}

int sgr_partition_split(const sgr_dataset *ds, const size_t *owner, size_t k, sgr_dataset *parts,
                        sgr_err *err)
{
    size_t *size = calloc(k ? k : 1, sizeof *size), *fill = NULL, q = 0;
    if (!size)
        return sgr_fail(err, "out of memory counting %zu parts", k);
    for (size_t i = 0; i < ds->n; i++) {
        if (owner[i] >= k) {
            sgr_fail(err, "row %zu is assigned to part %zu, expected < %zu", i, owner[i], k);
            goto out_free_size;
        }
        size[owner[i]]++;
    }
    for (; q < k; q++)
        if (sgr_dataset_alloc(&parts[q], size[q], ds->d, ds->nclasses, err))
            goto out_free_parts;
    fill = calloc(k ? k : 1, sizeof *fill);
    if (!fill) {
        sgr_fail(err, "out of memory splitting into %zu parts", k);
        goto out_free_parts;
    }
    for (size_t i = 0; i < ds->n; i++) {
        sgr_dataset *part = &parts[owner[i]];
        size_t r = fill[owner[i]]++;
        memcpy(part->X + r * ds->d, ds->X + i * ds->d, ds->d * sizeof *part->X);
        part->y[r] = ds->y[i];
    }
    free(fill);
    free(size);
    return 0;

out_free_parts:
    while (q-- > 0)
        sgr_dataset_free(&parts[q]);
out_free_size:
    free(size);
    return -1;
}

int sgr_partition_kind_parse(const char *s, sgr_partition_kind *out)
{
    if (!s)
        return -1;
    if (!strcmp(s, "iid"))
        *out = SGR_PART_IID;
    else if (!strcmp(s, "shards"))
        *out = SGR_PART_SHARDS;
    else if (!strcmp(s, "dirichlet"))
        *out = SGR_PART_DIRICHLET;
    else if (!strcmp(s, "column"))
        *out = SGR_PART_COLUMN;
    else if (!strcmp(s, "files"))
        *out = SGR_PART_FILES;
    else
        return -1;
    return 0;
}

const char *sgr_partition_kind_name(sgr_partition_kind kind)
{
    switch (kind) {
    case SGR_PART_IID:
        return "iid";
    case SGR_PART_SHARDS:
        return "shards";
    case SGR_PART_DIRICHLET:
        return "dirichlet";
    case SGR_PART_COLUMN:
        return "column";
    case SGR_PART_FILES:
        return "files";
    }
    return "unknown";
}

int sgr_partition_from_nodes(const size_t *node, size_t rows, size_t k, const char *path,
                             size_t *owner, sgr_err *err)
{
    size_t *count = calloc(k ? k : 1, sizeof *count);
    if (!count)
        return sgr_fail(err, "out of memory counting %zu parts", k);
    int rc = 0;
    for (size_t r = 0; r < rows && rc == 0; r++) {
        if (node[r] >= k)
            rc = sgr_fail(err, "%s: row %zu names node %zu, expected < %zu", path, r, node[r], k);
        else
            count[node[r]]++;
        owner[r] = node[r];
    }
    for (size_t q = 0; q < k && rc == 0; q++)
        if (count[q] == 0)
            rc = sgr_fail(err, "%s: node %zu has no rows (every node of the graph needs data)",
                          path, q);
    free(count);
    return rc;
}
