/* simgrad: datasets held in memory as dense row-major matrices.
 *
 * Pure C, no SimGrid. Readers return 0 on success, negative on error with err filled in
 * (the message names the file and what was wrong). */
#ifndef SIMGRAD_DATASET_H
#define SIMGRAD_DATASET_H

#include <stdbool.h>
#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "simgrad/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sgr_dataset {
    size_t n;     /* samples (rows) */
    size_t d;     /* features (columns), including a bias column if one was appended */
    double *X;    /* n*d, row-major */
    double *y;    /* n: real target (least squares), 0/1 (logistic), class index (softmax) */
    int nclasses; /* 0 for regression, 2 for binary, k for multiclass */
} sgr_dataset;

/* Synthetic least squares: X = G * diag(s) with G standard normal and singular-value-like
 * column scales s spread geometrically from 1 to 1/sqrt(cond), so that the Hessian X^T X / n
 * has eigenvalues in about [1/cond, 1] and condition number close to `cond` (>= 1) when
 * n >> d; y = X w* + noise * N(0,1), w* standard normal. The same rng state gives the same
 * data. Fails on n or d == 0, cond < 1, noise < 0, or out of memory. */
int sgr_dataset_synth_lsq(sgr_dataset *out, size_t n, size_t d, double cond, double noise,
                          gsl_rng *rng, sgr_err *err);

/* Synthetic classification with `nclasses` >= 2 classes: Gaussian blobs whose centres are
 * `separation` standard deviations apart, features scaled as in synth_lsq by `cond`. Labels
 * are uniform class indices 0..nclasses-1 (0/1 for two classes, suiting logreg). */
int sgr_dataset_synth_classes(sgr_dataset *out, size_t n, size_t d, int nclasses, double cond,
                              double separation, gsl_rng *rng, sgr_err *err);

/* Read an IDX image file and IDX label file (gzip or plain; zlib reads both), such as
 * Fashion-MNIST under /usr/share/datasets/fashion-mnist. Pixels become doubles in [0,1],
 * labels class indices; nclasses = 1 + max label. `limit` > 0 keeps only the first `limit`
 * samples (and reads only those). Checks magic numbers (0x803 images, 0x801 labels), that the
 * counts agree, and truncation; errors name the file. On error out is left empty. */
int sgr_dataset_read_idx(sgr_dataset *out, const char *images_path, const char *labels_path,
                         size_t limit, sgr_err *err);

/* Read a LIBSVM text file ("label idx:val idx:val ...", 1-based ascending indices), gzip or
 * plain. d = max(max index seen, d_min). Labels: if every label is in {-1,+1} or {0,1} they
 * become 0/1 and nclasses = 2; if all are non-negative integers, class indices; otherwise
 * regression (nclasses = 0); integer labels above 10^6 count as regression too. Blank lines
 * and '#' comments are skipped. Errors name file:line and what was expected (bad label, bad
 * index, non-ascending index, bad value), or the file for an empty or unreadable one. */
int sgr_dataset_read_libsvm(sgr_dataset *out, const char *path, size_t d_min, sgr_err *err);

/* sgr_dataset_read_libsvm where each line carries its node as a "KEY:i" token right after the
 * label (node_key "node" reads "1 node:3 1:0.5 ...", "qid" reads svmlight's query ids):
 * *nodes receives out->n node ids (malloc'ed). A line without the token, or naming a node
 * >= max_nodes (when max_nodes > 0), is an error naming file:line. */
int sgr_dataset_read_libsvm_nodes(sgr_dataset *out, const char *path, size_t d_min,
                                  const char *node_key, size_t max_nodes, size_t **nodes,
                                  sgr_err *err);

/* Read a CSV dataset: a header line of column names, then one row per sample of finite
 * numbers ('#' comments and blank lines skipped). The column named label_col holds the
 * label, the one named node_col (if node_col is not NULL) each row's node, into *nodes
 * (malloc'ed, out->n ids; integers >= 0, below max_nodes when max_nodes > 0); every other
 * column is a feature, in file order. Labels are mapped as LIBSVM's are. Errors name
 * file:line (a missing column names the header's line). On error out is left empty. */
int sgr_dataset_read_csv(sgr_dataset *out, const char *path, const char *label_col,
                         const char *node_col, size_t max_nodes, size_t **nodes, sgr_err *err);

/* Per-node data, read with no shuffle (rows keep their file order within a node):
 * _column reads one file (CSV if csv, else LIBSVM) whose column (CSV) or "KEY:i" token
 * (LIBSVM) named node_col gives each row's node among 0..k-1: all receives every row, parts[i]
 * node i's; a node out of range is an error naming file:line, a node without rows one naming
 * the file and the node. _files reads node i's rows from pattern with "{node}" replaced by i,
 * for i = 0..k-1 (LIBSVM files are widened to the widest), all the concatenation. On error
 * -1 is returned and neither all nor parts hold memory. */
int sgr_dataset_read_nodes_column(const char *path, bool csv, const char *label_col,
                                  const char *node_col, size_t k, sgr_dataset *all,
                                  sgr_dataset *parts, sgr_err *err);
int sgr_dataset_read_node_files(const char *pattern, bool csv, const char *label_col, size_t k,
                                sgr_dataset *all, sgr_dataset *parts, sgr_err *err);

/* Map labels in place as the LIBSVM reader does: {-1,+1} or {0,1} become 0/1 (returns 2),
 * non-negative integers up to 10^6 stay class indices (returns 1 + the largest), anything
 * else is regression (returns 0). Can't fail. */
int sgr_dataset_classify_labels(double *y, size_t n);

/* Allocate an uninitialised n x d dataset into out (which is overwritten, not freed), with
 * the given nclasses. n == 0 gives an empty dataset with NULL arrays. On error (size overflow,
 * out of memory) returns -1 and out holds an empty dataset. */
int sgr_dataset_alloc(sgr_dataset *out, size_t n, size_t d, int nclasses, sgr_err *err);

/* What sgr_dataset_alloc refuses before allocating: a size that overflows, or a dense matrix
 * beyond the machine's physical memory. Returns 0 or -1 with err. */
int sgr_dataset_check_size(size_t n, size_t d, sgr_err *err);

/* The arguments the synthetic generators refuse (n, d, condition; noise for least squares,
 * nclasses and separation for classes), with their messages. Returns 0 or -1 with err. */
int sgr_dataset_synth_check(size_t n, size_t d, bool classes, int nclasses, double cond,
                            double noise, double separation, sgr_err *err);

/* Copy the rows idx[0..m-1] of src into out (a new dataset; m may be 0). Fails if an index is
 * out of range or memory runs out; out is then left empty. */
int sgr_dataset_subset(const sgr_dataset *src, const size_t *idx, size_t m, sgr_dataset *out,
                       sgr_err *err);

/* Append a constant-1 column (an intercept). On error (out of memory) ds is unchanged. */
int sgr_dataset_add_bias(sgr_dataset *ds, sgr_err *err);

/* Split src into a train and a test set by a seeded shuffle; test gets round(n*test_fraction)
 * rows, train the rest. Fails if test_fraction is outside [0,1]; on error neither output
 * holds memory. */
int sgr_dataset_split(const sgr_dataset *src, double test_fraction, gsl_rng *rng,
                      sgr_dataset *train, sgr_dataset *test, sgr_err *err);

/* Shuffle rows in place. Can't fail. */
void sgr_dataset_shuffle(sgr_dataset *ds, gsl_rng *rng);

/* Release the arrays; safe on a zeroed or already-freed dataset. */
void sgr_dataset_free(sgr_dataset *ds);

#ifdef __cplusplus
}
#endif
#endif
