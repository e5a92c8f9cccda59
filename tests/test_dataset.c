/* Datasets: the IDX reader on Fashion-MNIST and on corrupted files, the LIBSVM reader, the
 * synthetic generators' conditioning and determinism, and row operations. */
#include "testutil.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "simgrad/dataset.h"
#include "simgrad/rng.h"

#define FMNIST "/usr/share/datasets/fashion-mnist/"

static char tmpdir[256];

static const char *tmp_path(const char *name, char *buf)
{
    snprintf(buf, 512, "%s/%s", tmpdir, name);
    return buf;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_FATAL(fwrite(data, 1, len, f) == len);
    fclose(f);
}

static void write_gz(const char *path, const void *data, size_t len)
{
    gzFile f = gzopen(path, "wb");
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_FATAL(gzwrite(f, data, (unsigned)len) == (int)len);
    gzclose(f);
}

/* Expect failure with a message that contains every given substring. */
static void expect_error(int rc, const sgr_err *err, const char *want1, const char *want2)
{
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err->msg, want1));
    if (want2)
        CU_ASSERT_PTR_NOT_NULL(strstr(err->msg, want2));
    if (!strstr(err->msg, want1) || (want2 && !strstr(err->msg, want2)))
        fprintf(stderr, "message '%s' lacks '%s' / '%s'\n", err->msg, want1, want2 ? want2 : "");
}

static void check_fashion(const char *images, const char *labels, size_t n)
{
    sgr_dataset ds;
    sgr_err err = {""};
    int rc = sgr_dataset_read_idx(&ds, images, labels, 0, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    CU_ASSERT_FATAL(rc == 0);
    CU_ASSERT_EQUAL(ds.n, n);
    CU_ASSERT_EQUAL(ds.d, 784);
    CU_ASSERT_EQUAL(ds.nclasses, 10);
    double lo = 1, hi = 0;
    for (size_t i = 0; i < ds.n * ds.d; i++) {
        lo = ds.X[i] < lo ? ds.X[i] : lo;
        hi = ds.X[i] > hi ? ds.X[i] : hi;
    }
    CU_ASSERT_DOUBLE_EQUAL(lo, 0.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(hi, 1.0, 0);
    size_t hist[10] = {0};
    for (size_t i = 0; i < ds.n; i++)
        hist[(int)ds.y[i]]++;
    for (int c = 0; c < 10; c++)
        CU_ASSERT_EQUAL(hist[c], n / 10); /* Fashion-MNIST is exactly balanced */
    sgr_dataset_free(&ds);
}

static void test_idx_fashion_train(void)
{
    check_fashion(FMNIST "train-images-idx3-ubyte.gz", FMNIST "train-labels-idx1-ubyte.gz", 60000);
}

static void test_idx_fashion_test(void)
{
    check_fashion(FMNIST "t10k-images-idx3-ubyte.gz", FMNIST "t10k-labels-idx1-ubyte.gz", 10000);
}

static void test_idx_limit(void)
{
    sgr_dataset full, part;
    sgr_err err;
    const char *im = FMNIST "t10k-images-idx3-ubyte.gz", *lb = FMNIST "t10k-labels-idx1-ubyte.gz";
    CU_ASSERT_FATAL(sgr_dataset_read_idx(&full, im, lb, 0, &err) == 0);
    CU_ASSERT_FATAL(sgr_dataset_read_idx(&part, im, lb, 100, &err) == 0);
    CU_ASSERT_EQUAL(part.n, 100);
    CU_ASSERT(memcmp(part.X, full.X, 100 * 784 * sizeof(double)) == 0);
    CU_ASSERT(memcmp(part.y, full.y, 100 * sizeof(double)) == 0);
    sgr_dataset_free(&full);
    sgr_dataset_free(&part);
}

/* A tiny IDX pair: 3 images of 2x2 and their labels. */
static const unsigned char idx_images[16 + 12] = {0, 0, 8, 3,   0,  0,   0, 3, 0, 0, 0, 2, 0, 0,
                                                  0, 2, 0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8};
static const unsigned char idx_labels[8 + 3] = {0, 0, 8, 1, 0, 0, 0, 3, 2, 0, 1};

static void test_idx_small_valid(void)
{
    char im[512], lb[512], imz[512];
    sgr_dataset ds, dz;
    sgr_err err;
    write_file(tmp_path("ok-images", im), idx_images, sizeof idx_images);
    write_file(tmp_path("ok-labels", lb), idx_labels, sizeof idx_labels);
    write_gz(tmp_path("ok-images.gz", imz), idx_images, sizeof idx_images);
    CU_ASSERT_FATAL(sgr_dataset_read_idx(&ds, im, lb, 0, &err) == 0);
    CU_ASSERT_EQUAL(ds.n, 3);
    CU_ASSERT_EQUAL(ds.d, 4);
    CU_ASSERT_EQUAL(ds.nclasses, 3);
    CU_ASSERT_DOUBLE_EQUAL(ds.X[1], 1.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(ds.X[2], 0.2, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(ds.X[11], 8 / 255.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(ds.y[0], 2, 0);
    CU_ASSERT_FATAL(sgr_dataset_read_idx(&dz, imz, lb, 0, &err) == 0);
    CU_ASSERT(memcmp(ds.X, dz.X, 12 * sizeof(double)) == 0);
    sgr_dataset_free(&ds);
    sgr_dataset_free(&dz);
}

static void test_idx_corrupt(void)
{
    char im[512], lb[512], bad[512];
    unsigned char buf[sizeof idx_images];
    sgr_dataset ds;
    sgr_err err;
    write_file(tmp_path("ok-images", im), idx_images, sizeof idx_images);
    write_file(tmp_path("ok-labels", lb), idx_labels, sizeof idx_labels);

    /* Labels file given as images: wrong magic. */
    expect_error(sgr_dataset_read_idx(&ds, lb, lb, 0, &err), &err, lb, "magic");
    memcpy(buf, idx_images, sizeof buf);
    buf[3] = 0x0d; /* int32 images */
    write_file(tmp_path("badmagic-images", bad), buf, sizeof buf);
    expect_error(sgr_dataset_read_idx(&ds, bad, lb, 0, &err), &err, bad, "magic");
    CU_ASSERT_PTR_NULL(ds.X);

    /* Truncated pixel data, truncated header, and a truncated gzip stream. */
    write_file(tmp_path("trunc-images", bad), idx_images, sizeof idx_images - 3);
    expect_error(sgr_dataset_read_idx(&ds, bad, lb, 0, &err), &err, bad, "truncated");
    write_file(tmp_path("trunc-header", bad), idx_images, 10);
    expect_error(sgr_dataset_read_idx(&ds, bad, lb, 0, &err), &err, bad, "truncated");
    write_file(tmp_path("trunc-labels", bad), idx_labels, sizeof idx_labels - 1);
    expect_error(sgr_dataset_read_idx(&ds, im, bad, 0, &err), &err, bad, "truncated");
    {
        char gz[512];
        write_gz(tmp_path("full.gz", gz), idx_images, sizeof idx_images);
        FILE *f = fopen(gz, "rb");
        unsigned char zbuf[256];
        size_t len = fread(zbuf, 1, sizeof zbuf, f);
        fclose(f);
        write_file(tmp_path("trunc.gz", bad), zbuf, len - 12);
        expect_error(sgr_dataset_read_idx(&ds, bad, lb, 0, &err), &err, bad, "truncated");
    }

    /* Count mismatch: 3 images, 2 labels. */
    memcpy(buf, idx_labels, sizeof idx_labels);
    buf[7] = 2;
    write_file(tmp_path("two-labels", bad), buf, sizeof idx_labels - 1);
    expect_error(sgr_dataset_read_idx(&ds, im, bad, 0, &err), &err, bad, "3 images");

    /* Nonexistent path. */
    tmp_path("does-not-exist", bad);
    expect_error(sgr_dataset_read_idx(&ds, bad, lb, 0, &err), &err, bad, "cannot open");
    expect_error(sgr_dataset_read_idx(&ds, im, bad, 0, &err), &err, bad, "cannot open");
}

static const char libsvm_ok[] = "1 1:0.5 3:-2\n"
                                "-1 2:1.5\n"
                                "# a comment line\n"
                                "\n"
                                "+1 1:1 4:3e-1   # trailing comment\n"
                                "-1\n";

static void test_libsvm_valid(void)
{
    char p[512], pz[512];
    sgr_dataset ds, dz;
    sgr_err err = {""};
    write_file(tmp_path("ok.svm", p), libsvm_ok, strlen(libsvm_ok));
    int rc = sgr_dataset_read_libsvm(&ds, p, 0, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    CU_ASSERT_FATAL(rc == 0);
    CU_ASSERT_EQUAL(ds.n, 4);
    CU_ASSERT_EQUAL(ds.d, 4);
    CU_ASSERT_EQUAL(ds.nclasses, 2);
    const double X[16] = {0.5, 0, -2, 0, 0, 1.5, 0, 0, 1, 0, 0, 0.3, 0, 0, 0, 0};
    const double y[4] = {1, 0, 1, 0};
    CU_ASSERT(memcmp(ds.X, X, sizeof X) == 0);
    CU_ASSERT(memcmp(ds.y, y, sizeof y) == 0);

    write_gz(tmp_path("ok.svm.gz", pz), libsvm_ok, strlen(libsvm_ok));
    CU_ASSERT_FATAL(sgr_dataset_read_libsvm(&dz, pz, 6, &err) == 0);
    CU_ASSERT_EQUAL(dz.d, 6); /* d_min widens */
    CU_ASSERT_DOUBLE_EQUAL(dz.X[6 + 1], 1.5, 0);
    CU_ASSERT_DOUBLE_EQUAL(dz.X[2 * 6 + 3], 0.3, 0);
    sgr_dataset_free(&ds);
    sgr_dataset_free(&dz);

    /* Class indices and regression targets. */
    write_file(p, "0 1:1\n2 1:2\n1 2:3", 17);
    CU_ASSERT_FATAL(sgr_dataset_read_libsvm(&ds, p, 0, &err) == 0);
    CU_ASSERT_EQUAL(ds.nclasses, 3);
    CU_ASSERT_EQUAL(ds.n, 3); /* last line without newline */
    sgr_dataset_free(&ds);
    write_file(p, "0.5 1:1\n-2 1:2\n", 15);
    CU_ASSERT_FATAL(sgr_dataset_read_libsvm(&ds, p, 0, &err) == 0);
    CU_ASSERT_EQUAL(ds.nclasses, 0);
    CU_ASSERT_DOUBLE_EQUAL(ds.y[1], -2, 0);
    sgr_dataset_free(&ds);
}

static void check_libsvm_bad(const char *name, const char *text, const char *line_tag,
                             const char *what)
{
    char p[512], want[600];
    sgr_dataset ds;
    sgr_err err = {""};
    write_file(tmp_path(name, p), text, strlen(text));
    snprintf(want, sizeof want, "%s%s", p, line_tag);
    expect_error(sgr_dataset_read_libsvm(&ds, p, 0, &err), &err, want, what);
    CU_ASSERT_PTR_NULL(ds.X);
}

static void test_libsvm_malformed(void)
{
    const char *ok2 = "1 1:1\n# c\n";
    char text[256];
    snprintf(text, sizeof text, "%s1 0:1\n", ok2);
    check_libsvm_bad("zero-index.svm", text, ":3:", "index");
    snprintf(text, sizeof text, "%s1 a:1\n", ok2);
    check_libsvm_bad("alpha-index.svm", text, ":3:", "index");
    snprintf(text, sizeof text, "%s1 3:1 2:1\n", ok2);
    check_libsvm_bad("descending.svm", text, ":3:", "ascending");
    snprintf(text, sizeof text, "%s1 2:1 2:1\n", ok2);
    check_libsvm_bad("repeated.svm", text, ":3:", "ascending");
    snprintf(text, sizeof text, "%s1 1:abc\n", ok2);
    check_libsvm_bad("bad-value.svm", text, ":3:", "value");
    snprintf(text, sizeof text, "%s1 1:2x\n", ok2);
    check_libsvm_bad("junk-value.svm", text, ":3:", "value");
    snprintf(text, sizeof text, "%sx 1:1\n", ok2);
    check_libsvm_bad("bad-label.svm", text, ":3:", "label");
    snprintf(text, sizeof text, "%s1 5\n", ok2);
    check_libsvm_bad("no-colon.svm", text, ":3:", "index:value");
    check_libsvm_bad("empty.svm", "", ": ", "empty");
    check_libsvm_bad("comments.svm", "# only\n\n# comments\n", ": ", "empty");

    char p[512];
    sgr_dataset ds;
    sgr_err err;

    /* a NUL byte inside a line (the fuzzer's binary input: once read by doubling the buffer
     * for every line, 2 GiB for 40 lines) is an error naming that line */
    static const char nul_lines[] = "1 1:1\n\0\0\n\0\n\0\n1 2:1\n";
    char want[600];
    write_file(tmp_path("nul.svm", p), nul_lines, sizeof nul_lines - 1);
    snprintf(want, sizeof want, "%s:2:", p);
    expect_error(sgr_dataset_read_libsvm(&ds, p, 0, &err), &err, want, "NUL byte");
    static const char nul_mid[] = "1 1:1 \0 2:1\n";
    write_file(tmp_path("nul-mid.svm", p), nul_mid, sizeof nul_mid - 1);
    snprintf(want, sizeof want, "%s:1:", p);
    expect_error(sgr_dataset_read_libsvm(&ds, p, 0, &err), &err, want, "NUL byte");

    /* a feature index of 10^11 asks for a dense 2 x 10^11 matrix (1.6 TB): refused with the
     * sizes, not left to the allocator */
    static const char huge[] = "1 1:1\n0 100000000000:1\n";
    write_file(tmp_path("huge.svm", p), huge, sizeof huge - 1);
    expect_error(sgr_dataset_read_libsvm(&ds, p, 0, &err), &err, "larger than this machine",
                 "GiB");

    tmp_path("missing.svm", p);
    expect_error(sgr_dataset_read_libsvm(&ds, p, 0, &err), &err, p, "cannot open");
}

/* Condition number of X^T X / n from its eigenvalues. */
static double hessian_cond(const sgr_dataset *ds)
{
    size_t d = ds->d;
    gsl_matrix *H = gsl_matrix_calloc(d, d);
    gsl_vector *ev = gsl_vector_alloc(d);
    gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(d);
    for (size_t i = 0; i < ds->n; i++)
        for (size_t a = 0; a < d; a++)
            for (size_t b = 0; b < d; b++)
                *gsl_matrix_ptr(H, a, b) += ds->X[i * d + a] * ds->X[i * d + b] / ds->n;
    gsl_eigen_symm(H, ev, ws);
    double c = gsl_vector_max(ev) / gsl_vector_min(ev);
    gsl_eigen_symm_free(ws);
    gsl_vector_free(ev);
    gsl_matrix_free(H);
    return c;
}

static void test_synth_cond(void)
{
    const double conds[] = {10, 1000};
    for (int t = 0; t < 2; t++) {
        gsl_rng *rng = sgr_rng_new(7, "test_dataset_cond", (unsigned long)t);
        sgr_dataset ds;
        CU_ASSERT_FATAL(sgr_dataset_synth_lsq(&ds, 20000, 10, conds[t], 0.1, rng, NULL) == 0);
        double c = hessian_cond(&ds);
        CU_ASSERT(c > conds[t] / 2 && c < conds[t] * 2);
        if (!(c > conds[t] / 2 && c < conds[t] * 2))
            fprintf(stderr, "asked cond %g, got %g\n", conds[t], c);
        sgr_dataset_free(&ds);
        gsl_rng_free(rng);
    }
}

static void test_synth_determinism(void)
{
    sgr_dataset a, b, c;
    gsl_rng *ra = sgr_rng_new(11, "data", 0), *rb = sgr_rng_new(11, "data", 0);
    gsl_rng *rc = sgr_rng_new(12, "data", 0);
    CU_ASSERT_FATAL(sgr_dataset_synth_lsq(&a, 300, 7, 50, 0.5, ra, NULL) == 0);
    CU_ASSERT_FATAL(sgr_dataset_synth_lsq(&b, 300, 7, 50, 0.5, rb, NULL) == 0);
    CU_ASSERT_FATAL(sgr_dataset_synth_lsq(&c, 300, 7, 50, 0.5, rc, NULL) == 0);
    CU_ASSERT(memcmp(a.X, b.X, 300 * 7 * sizeof(double)) == 0);
    CU_ASSERT(memcmp(a.y, b.y, 300 * sizeof(double)) == 0);
    CU_ASSERT(memcmp(a.X, c.X, 300 * 7 * sizeof(double)) != 0);
    sgr_dataset_free(&a);
    sgr_dataset_free(&b);
    sgr_dataset_free(&c);

    CU_ASSERT_FATAL(sgr_dataset_synth_classes(&a, 300, 7, 5, 3, 4, ra, NULL) == 0);
    CU_ASSERT_FATAL(sgr_dataset_synth_classes(&b, 300, 7, 5, 3, 4, rb, NULL) == 0);
    CU_ASSERT(memcmp(a.X, b.X, 300 * 7 * sizeof(double)) == 0);
    CU_ASSERT(memcmp(a.y, b.y, 300 * sizeof(double)) == 0);
    CU_ASSERT_EQUAL(a.nclasses, 5);
    int seen[5] = {0};
    for (size_t i = 0; i < a.n; i++) {
        CU_ASSERT(a.y[i] >= 0 && a.y[i] < 5 && a.y[i] == floor(a.y[i]));
        seen[(int)a.y[i]] = 1;
    }
    CU_ASSERT(seen[0] && seen[1] && seen[2] && seen[3] && seen[4]);
    sgr_dataset_free(&a);
    sgr_dataset_free(&b);
    gsl_rng_free(ra);
    gsl_rng_free(rb);
    gsl_rng_free(rc);
}

/* Well-separated blobs: nearest class mean classifies nearly every sample right. */
static void test_synth_classes_separated(void)
{
    gsl_rng *rng = sgr_rng_new(13, "blobs", 0);
    sgr_dataset ds;
    CU_ASSERT_FATAL(sgr_dataset_synth_classes(&ds, 2000, 6, 3, 1, 8, rng, NULL) == 0);
    double mean[3][6] = {{0}}, cnt[3] = {0};
    for (size_t i = 0; i < ds.n; i++) {
        int c = (int)ds.y[i];
        cnt[c]++;
        for (int j = 0; j < 6; j++)
            mean[c][j] += ds.X[i * 6 + j];
    }
    for (int c = 0; c < 3; c++)
        for (int j = 0; j < 6; j++)
            mean[c][j] /= cnt[c];
    size_t right = 0;
    for (size_t i = 0; i < ds.n; i++) {
        int best = 0;
        double bd = INFINITY;
        for (int c = 0; c < 3; c++) {
            double dd = 0;
            for (int j = 0; j < 6; j++)
                dd += pow(ds.X[i * 6 + j] - mean[c][j], 2);
            if (dd < bd) {
                bd = dd;
                best = c;
            }
        }
        right += best == (int)ds.y[i];
    }
    CU_ASSERT(right > 0.99 * ds.n);
    sgr_dataset_free(&ds);
    gsl_rng_free(rng);
}

static void test_synth_bad_args(void)
{
    gsl_rng *rng = sgr_rng_new(1, "x", 0);
    sgr_dataset ds;
    sgr_err err;
    expect_error(sgr_dataset_synth_lsq(&ds, 10, 3, 0.5, 0, rng, &err), &err, "condition", NULL);
    expect_error(sgr_dataset_synth_lsq(&ds, 0, 3, 10, 0, rng, &err), &err, "n >= 1", NULL);
    expect_error(sgr_dataset_synth_classes(&ds, 10, 3, 1, 1, 1, rng, &err), &err, "nclasses", NULL);
    gsl_rng_free(rng);
}

/* Row r holds (10r, 10r+1, ...) and label r, so a row's identity survives any reordering. */
static void make_tagged(sgr_dataset *ds, size_t n, size_t d)
{
    CU_ASSERT_FATAL(sgr_dataset_alloc(ds, n, d, 0, NULL) == 0);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++)
            ds->X[i * d + j] = 10.0 * i + j;
        ds->y[i] = (double)i;
    }
}

static int rows_consistent(const sgr_dataset *ds, size_t d_data)
{
    for (size_t i = 0; i < ds->n; i++)
        for (size_t j = 0; j < d_data; j++)
            if (ds->X[i * ds->d + j] != 10.0 * ds->y[i] + j)
                return 0;
    return 1;
}

static void test_row_ops(void)
{
    sgr_dataset ds, tr, te, sub;
    sgr_err err;
    gsl_rng *rng = sgr_rng_new(3, "rows", 0);
    make_tagged(&ds, 101, 3);

    CU_ASSERT_FATAL(sgr_dataset_split(&ds, 0.25, rng, &tr, &te, &err) == 0);
    CU_ASSERT_EQUAL(te.n, 25);
    CU_ASSERT_EQUAL(tr.n, 76);
    CU_ASSERT(rows_consistent(&tr, 3) && rows_consistent(&te, 3));
    int seen[101] = {0};
    for (size_t i = 0; i < tr.n; i++)
        seen[(int)tr.y[i]]++;
    for (size_t i = 0; i < te.n; i++)
        seen[(int)te.y[i]]++;
    int once = 1;
    for (int i = 0; i < 101; i++)
        once &= seen[i] == 1;
    CU_ASSERT(once);

    sgr_dataset_shuffle(&tr, rng);
    CU_ASSERT(rows_consistent(&tr, 3));
    int moved = 0;
    for (size_t i = 1; i < tr.n; i++)
        moved |= tr.y[i] < tr.y[i - 1];
    CU_ASSERT(moved);

    CU_ASSERT_FATAL(sgr_dataset_add_bias(&ds, &err) == 0);
    CU_ASSERT_EQUAL(ds.d, 4);
    CU_ASSERT(rows_consistent(&ds, 3));
    for (size_t i = 0; i < ds.n; i++)
        CU_ASSERT_EQUAL(ds.X[i * 4 + 3], 1.0);

    size_t idx[3] = {5, 0, 100};
    CU_ASSERT_FATAL(sgr_dataset_subset(&ds, idx, 3, &sub, &err) == 0);
    CU_ASSERT_DOUBLE_EQUAL(sub.y[2], 100, 0);
    CU_ASSERT_DOUBLE_EQUAL(sub.X[0], 50, 0);
    sgr_dataset_free(&sub);
    idx[1] = 101;
    expect_error(sgr_dataset_subset(&ds, idx, 3, &sub, &err), &err, "101", "out of range");
    expect_error(sgr_dataset_split(&ds, 1.5, rng, &tr, &te, &err), &err, "fraction", NULL);

    sgr_dataset_free(&tr);
    sgr_dataset_free(&te);
    sgr_dataset_free(&ds);
    sgr_dataset_free(&ds); /* freeing twice is safe */
    gsl_rng_free(rng);
}

static int make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/simgrad-test-dataset-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite idx = CU_add_suite("idx", make_tmpdir, remove_tmpdir);
    TEST_ADD(idx, test_idx_fashion_train);
    TEST_ADD(idx, test_idx_fashion_test);
    TEST_ADD(idx, test_idx_limit);
    TEST_ADD(idx, test_idx_small_valid);
    TEST_ADD(idx, test_idx_corrupt);
    CU_pSuite svm = CU_add_suite("libsvm", make_tmpdir, remove_tmpdir);
    TEST_ADD(svm, test_libsvm_valid);
    TEST_ADD(svm, test_libsvm_malformed);
    CU_pSuite syn = CU_add_suite("synthetic", NULL, NULL);
    TEST_ADD(syn, test_synth_cond);
    TEST_ADD(syn, test_synth_determinism);
    TEST_ADD(syn, test_synth_classes_separated);
    TEST_ADD(syn, test_synth_bad_args);
    TEST_ADD(syn, test_row_ops);
    return test_run_all();
}
