/* Partitions: coverage, non-empty parts, iid balance, shard label limits, Dirichlet skew,
 * determinism and error reporting. */
#include "testutil.h"

#include <string.h>

#include "simgrad/partition.h"
#include "simgrad/rng.h"

/* A classification dataset whose first feature is the row number, so rows can be traced
 * through sgr_partition_split. */
static sgr_dataset make_classes(size_t n, int k, unsigned long seed)
{
    sgr_dataset ds;
    gsl_rng *rng = sgr_rng_new(seed, "test_partition_data", 0);
    CU_ASSERT_FATAL(sgr_dataset_synth_classes(&ds, n, 2, k, 1, 3, rng, NULL) == 0);
    for (size_t i = 0; i < n; i++)
        ds.X[i * 2] = (double)i;
    gsl_rng_free(rng);
    return ds;
}

static void assign(const sgr_dataset *ds, size_t k, sgr_partition_kind kind, double param,
                   unsigned long seed, size_t *owner)
{
    gsl_rng *rng = sgr_rng_new(seed, "test_partition", 0);
    sgr_err err = {""};
    int rc = sgr_partition_assign(ds, k, kind, param, rng, owner, &err);
    if (rc)
        fprintf(stderr, "assign failed: %s\n", err.msg);
    CU_ASSERT_FATAL(rc == 0);
    gsl_rng_free(rng);
}

/* Split by owner and check every row lands in exactly one part, the one it was assigned to,
 * and every part is non-empty. Fills size[] with the part sizes. */
static void check_cover(const sgr_dataset *ds, const size_t *owner, size_t k, size_t *size)
{
    sgr_dataset *parts = calloc(k, sizeof *parts);
    int *seen = calloc(ds->n, sizeof *seen);
    sgr_err err;
    CU_ASSERT_FATAL(sgr_partition_split(ds, owner, k, parts, &err) == 0);
    int ok = 1;
    for (size_t q = 0; q < k; q++) {
        size[q] = parts[q].n;
        ok &= parts[q].n > 0;
        for (size_t r = 0; r < parts[q].n; r++) {
            size_t i = (size_t)parts[q].X[r * 2];
            seen[i]++;
            ok &= owner[i] == q && parts[q].y[r] == ds->y[i];
            ok &= r == 0 || parts[q].X[r * 2] > parts[q].X[(r - 1) * 2]; /* order kept */
        }
        sgr_dataset_free(&parts[q]);
    }
    for (size_t i = 0; i < ds->n; i++)
        ok &= seen[i] == 1;
    CU_ASSERT(ok);
    free(seen);
    free(parts);
}

static size_t distinct_labels(const sgr_dataset *ds, const size_t *owner, size_t q)
{
    int seen[64] = {0};
    size_t cnt = 0;
    for (size_t i = 0; i < ds->n; i++)
        if (owner[i] == q && !seen[(int)ds->y[i]]++)
            cnt++;
    return cnt;
}

/* Mean over parts of the fraction of the part taken by its most common label. */
static double mean_max_label_fraction(const sgr_dataset *ds, const size_t *owner, size_t k)
{
    size_t *cnt = calloc(k * (size_t)ds->nclasses, sizeof *cnt), *size = calloc(k, sizeof *size);
    for (size_t i = 0; i < ds->n; i++) {
        cnt[owner[i] * ds->nclasses + (size_t)ds->y[i]]++;
        size[owner[i]]++;
    }
    double sum = 0;
    for (size_t q = 0; q < k; q++) {
        size_t mx = 0;
        for (int c = 0; c < ds->nclasses; c++)
            mx = cnt[q * ds->nclasses + c] > mx ? cnt[q * ds->nclasses + c] : mx;
        sum += (double)mx / (double)size[q];
    }
    free(cnt);
    free(size);
    return sum / (double)k;
}

static void test_iid(void)
{
    sgr_dataset ds = make_classes(1003, 10, 1);
    size_t k = 7, owner[1003], size[7];
    assign(&ds, k, SGR_PART_IID, 0, 1, owner);
    check_cover(&ds, owner, k, size);
    size_t lo = ds.n, hi = 0;
    for (size_t q = 0; q < k; q++) {
        lo = size[q] < lo ? size[q] : lo;
        hi = size[q] > hi ? size[q] : hi;
    }
    CU_ASSERT(hi - lo <= 1);
    /* iid works on regression data too, and with k == n. */
    sgr_dataset reg = ds;
    reg.nclasses = 0;
    size_t own2[1003], size2[1003];
    assign(&reg, 1003, SGR_PART_IID, 0, 2, own2);
    check_cover(&reg, own2, 1003, size2);
    sgr_dataset_free(&ds);
}

static void test_shards(void)
{
    sgr_dataset ds = make_classes(2000, 10, 2);
    const size_t ks[] = {20, 10, 7, 3};
    const double ss[] = {2, 1, 3, 5};
    for (int t = 0; t < 4; t++) {
        size_t k = ks[t], owner[2000], size[20];
        assign(&ds, k, SGR_PART_SHARDS, ss[t], 3, owner);
        check_cover(&ds, owner, k, size);
        size_t worst = 0;
        for (size_t q = 0; q < k; q++) {
            size_t l = distinct_labels(&ds, owner, q);
            worst = l > worst ? l : worst;
        }
        CU_ASSERT(worst <= (size_t)ss[t]);
        CU_ASSERT(worst >= 1);
    }
    sgr_dataset_free(&ds);
}

static void test_dirichlet_skew(void)
{
    sgr_dataset ds = make_classes(5000, 10, 3);
    size_t k = 10, owner[5000], size[10];
    assign(&ds, k, SGR_PART_DIRICHLET, 0.1, 4, owner);
    check_cover(&ds, owner, k, size);
    double skewed = mean_max_label_fraction(&ds, owner, k);
    assign(&ds, k, SGR_PART_DIRICHLET, 100, 4, owner);
    check_cover(&ds, owner, k, size);
    double even = mean_max_label_fraction(&ds, owner, k);
    /* A balanced part has max fraction about 1/10; alpha = 0.1 concentrates each class. */
    CU_ASSERT(skewed > 0.5);
    CU_ASSERT(even < 0.2);
    CU_ASSERT(skewed > 3 * even);
    if (!(skewed > 0.5 && even < 0.2))
        fprintf(stderr, "dirichlet skew: alpha 0.1 -> %g, alpha 100 -> %g\n", skewed, even);
    sgr_dataset_free(&ds);
}

/* Tiny alpha with many parts leaves parts empty before the repair. */
static void test_dirichlet_repair(void)
{
    sgr_dataset ds = make_classes(300, 3, 4);
    size_t k = 60, owner[300], size[60];
    assign(&ds, k, SGR_PART_DIRICHLET, 0.01, 5, owner);
    check_cover(&ds, owner, k, size);
    /* n == k: every part gets exactly one sample. */
    size_t own2[300], size2[300];
    assign(&ds, 300, SGR_PART_DIRICHLET, 0.05, 6, own2);
    check_cover(&ds, own2, 300, size2);
    sgr_dataset_free(&ds);
}

static void test_determinism(void)
{
    sgr_dataset ds = make_classes(997, 10, 5);
    const sgr_partition_kind kinds[] = {SGR_PART_IID, SGR_PART_SHARDS, SGR_PART_DIRICHLET};
    const double params[] = {0, 2, 0.5};
    for (int t = 0; t < 3; t++) {
        size_t a[997], b[997], c[997];
        assign(&ds, 9, kinds[t], params[t], 77, a);
        assign(&ds, 9, kinds[t], params[t], 77, b);
        assign(&ds, 9, kinds[t], params[t], 78, c);
        CU_ASSERT(memcmp(a, b, sizeof a) == 0);
        CU_ASSERT(memcmp(a, c, sizeof a) != 0);
    }
    sgr_dataset_free(&ds);
}

static void expect_fail(const sgr_dataset *ds, size_t k, sgr_partition_kind kind, double param,
                        const char *want)
{
    size_t owner[100];
    sgr_err err = {""};
    gsl_rng *rng = sgr_rng_new(1, "fail", 0);
    CU_ASSERT_EQUAL(sgr_partition_assign(ds, k, kind, param, rng, owner, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, want));
    if (!strstr(err.msg, want))
        fprintf(stderr, "message '%s' lacks '%s'\n", err.msg, want);
    gsl_rng_free(rng);
}

static void test_errors(void)
{
    sgr_dataset ds = make_classes(50, 5, 6);
    expect_fail(&ds, 51, SGR_PART_IID, 0, "50 samples into 51");
    expect_fail(&ds, 0, SGR_PART_IID, 0, "at least one part");
    expect_fail(&ds, 5, SGR_PART_SHARDS, 0, "shards per node");
    expect_fail(&ds, 5, SGR_PART_SHARDS, 1.5, "shards per node");
    expect_fail(&ds, 2, SGR_PART_SHARDS, 2, "cannot hold 5 classes");
    expect_fail(&ds, 20, SGR_PART_SHARDS, 3, "more than the 50 samples");
    expect_fail(&ds, 5, SGR_PART_DIRICHLET, 0, "alpha");
    expect_fail(&ds, 5, SGR_PART_DIRICHLET, -1, "alpha");
    ds.y[3] = 7; /* label outside [0, nclasses) */
    expect_fail(&ds, 5, SGR_PART_DIRICHLET, 1, "row 3");
    sgr_dataset_free(&ds);

    sgr_dataset reg;
    gsl_rng *rng = sgr_rng_new(1, "reg", 0);
    CU_ASSERT_FATAL(sgr_dataset_synth_lsq(&reg, 50, 3, 10, 0.1, rng, NULL) == 0);
    expect_fail(&reg, 5, SGR_PART_SHARDS, 2, "regression");
    expect_fail(&reg, 5, SGR_PART_DIRICHLET, 1, "regression");
    sgr_dataset_free(&reg);
    gsl_rng_free(rng);

    sgr_dataset small = make_classes(10, 2, 7);
    sgr_dataset parts[2];
    size_t owner[10] = {0, 1, 0, 1, 0, 1, 0, 1, 0, 2};
    sgr_err err = {""};
    CU_ASSERT_EQUAL(sgr_partition_split(&small, owner, 2, parts, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "row 9"));
    sgr_dataset_free(&small);
}

static void test_kind_names(void)
{
    sgr_partition_kind k;
    const sgr_partition_kind all[] = {SGR_PART_IID, SGR_PART_SHARDS, SGR_PART_DIRICHLET};
    for (int i = 0; i < 3; i++)
        CU_ASSERT(sgr_partition_kind_parse(sgr_partition_kind_name(all[i]), &k) == 0 &&
                  k == all[i]);
    CU_ASSERT_EQUAL(sgr_partition_kind_parse("random", &k), -1);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("partition", NULL, NULL);
    TEST_ADD(s, test_iid);
    TEST_ADD(s, test_shards);
    TEST_ADD(s, test_dirichlet_skew);
    TEST_ADD(s, test_dirichlet_repair);
    TEST_ADD(s, test_determinism);
    TEST_ADD(s, test_errors);
    TEST_ADD(s, test_kind_names);
    return test_run_all();
}
