/* CSV datasets with named columns: a label column, an optional node column (per-node data, as
 * published decentralized experiments give it), the rest features. */
#include "simgrad/dataset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simgrad/csv_table.h"

/* Row r's node from column c, checked: a non-negative integer below max_nodes (if > 0). */
static int node_of(const sgr_csv_table *t, size_t r, int c, size_t max_nodes, const char *path,
                   size_t *out, sgr_err *err)
{
    double v = t->v[r * t->cols + (size_t)c];
    if (!(v >= 0) || v != floor(v) || v > 1e15)
        return sgr_fail(err, "%s:%zu: node %g is not an integer >= 0 (column %s)", path, t->line[r],
                        v, t->names[c]);
    if (max_nodes && v >= (double)max_nodes)
        return sgr_fail(err,
                        "%s:%zu: node %.0f does not exist (the graph has %zu nodes, numbered "
                        "from 0)",
                        path, t->line[r], v, max_nodes);
    *out = (size_t)v;
    return 0;
}

static int find_column(const sgr_csv_table *t, const char *name, const char *what, const char *path,
                       sgr_err *err)
{
    if (!t->names)
        return sgr_fail(err, "%s:1: no header line (the %s column \"%s\" is found by name)", path,
                        what, name);
    int c = sgr_csv_table_col(t, name);
    if (c < 0)
        return sgr_fail(err, "%s:%zu: no column named \"%s\" for the %s", path, t->header_line,
                        name, what);
    return c;
}

/* Copy the table into out: features are every column but lc and nc (nc may be -1). */
static int table_to_dataset(const sgr_csv_table *t, int lc, int nc, sgr_dataset *out,
                            const char *path, sgr_err *err)
{
    size_t d = t->cols - 1 - (nc >= 0);
    if (sgr_dataset_alloc(out, t->rows, d, 0, err) < 0)
        return sgr_fail_prefix(err, "%s", path);
    for (size_t r = 0; r < t->rows; r++) {
        const double *row = t->v + r * t->cols;
        size_t k = 0;
        for (size_t c = 0; c < t->cols; c++)
            if ((int)c != lc && (int)c != nc)
                out->X[r * d + k++] = row[c];
        out->y[r] = row[lc];
    }
    out->nclasses = sgr_dataset_classify_labels(out->y, out->n);
    return 0;
}

int sgr_dataset_read_csv(sgr_dataset *out, const char *path, const char *label_col,
                         const char *node_col, size_t max_nodes, size_t **nodes, sgr_err *err)
{
    sgr_csv_table t;
    size_t *node = NULL;
    memset(out, 0, sizeof *out);
    if (nodes)
        *nodes = NULL;
    if (sgr_csv_table_read(path, &t, err) < 0)
        return -1;
    int rc = -1, lc = find_column(&t, label_col, "label", path, err), nc = -1;
    if (lc < 0 || (node_col && (nc = find_column(&t, node_col, "node", path, err)) < 0))
        goto out;
    if (t.cols < 2 + (nc >= 0)) {
        sgr_fail(err, "%s: no feature columns besides the label%s", path,
                 nc >= 0 ? " and the node" : "");
        goto out;
    }
    if (node_col) {
        node = malloc(t.rows * sizeof *node);
        if (!node) {
            sgr_fail(err, "%s: out of memory", path);
            goto out;
        }
        for (size_t r = 0; r < t.rows; r++)
            if (node_of(&t, r, nc, max_nodes, path, &node[r], err) < 0)
                goto out;
    }
    if (table_to_dataset(&t, lc, nc, out, path, err) < 0)
        goto out;
    if (nodes) {
        *nodes = node;
        node = NULL;
    }
    rc = 0;
out:
    free(node);
    sgr_csv_table_free(&t);
    return rc;
}
