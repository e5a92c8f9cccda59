/* Per-node data as published decentralized experiments state it: each row's node read from a
 * column of the data file, or one file per node. Rows keep their file order (no shuffle). */
#include "simgrad/dataset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simgrad/partition.h"

static int read_one(const char *path, bool csv, const char *label_col, const char *node_col,
                    size_t max_nodes, sgr_dataset *out, size_t **nodes, sgr_err *err)
{
    if (csv)
        return sgr_dataset_read_csv(out, path, label_col, node_col, max_nodes, nodes, err);
    if (node_col)
        return sgr_dataset_read_libsvm_nodes(out, path, 0, node_col, max_nodes, nodes, err);
    return sgr_dataset_read_libsvm(out, path, 0, err);
}

int sgr_dataset_read_nodes_column(const char *path, bool csv, const char *label_col,
                                  const char *node_col, size_t k, sgr_dataset *all,
                                  sgr_dataset *parts, sgr_err *err)
{
    size_t *node = NULL, *owner = NULL;
    int rc = -1;
    if (read_one(path, csv, label_col, node_col, k, all, &node, err) < 0)
        return -1;
    owner = malloc((all->n ? all->n : 1) * sizeof *owner);
    if (!owner) {
        sgr_fail(err, "%s: out of memory", path);
        goto out;
    }
    if (sgr_partition_from_nodes(node, all->n, k, path, owner, err) < 0 ||
        sgr_partition_split(all, owner, k, parts, err) < 0)
        goto out;
    rc = 0;
out:
    if (rc < 0)
        sgr_dataset_free(all);
    free(node);
    free(owner);
    return rc;
}

/* The file of node i: pattern with every "{node}" replaced by i (malloc'ed), or NULL. */
static char *node_path(const char *pattern, size_t i)
{
    char num[32];
    snprintf(num, sizeof num, "%zu", i);
    size_t len = strlen(pattern) + 1, count = 0;
    for (const char *p = strstr(pattern, "{node}"); p; p = strstr(p + 6, "{node}"))
        count++;
    char *out = malloc(len + count * strlen(num));
    if (!out)
        return NULL;
    char *o = out;
    for (const char *p = pattern; *p;) {
        if (strncmp(p, "{node}", 6) == 0) {
            o += sprintf(o, "%s", num);
            p += 6;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

/* Widen ds to d columns (zeros on the right): LIBSVM files of different nodes may name
 * different largest features. */
static int widen(sgr_dataset *ds, size_t d, sgr_err *err)
{
    if (ds->d == d)
        return 0;
    sgr_dataset w;
    if (sgr_dataset_alloc(&w, ds->n, d, ds->nclasses, err) < 0)
        return -1;
    for (size_t r = 0; r < ds->n; r++) {
        memset(w.X + r * d, 0, d * sizeof *w.X);
        memcpy(w.X + r * d, ds->X + r * ds->d, ds->d * sizeof *w.X);
        w.y[r] = ds->y[r];
    }
    sgr_dataset_free(ds);
    *ds = w;
    return 0;
}

/* all = the parts one after the other. */
static int concat(const sgr_dataset *parts, size_t k, sgr_dataset *all, sgr_err *err)
{
    size_t n = 0, d = parts[0].d, r = 0;
    int nclasses = parts[0].nclasses;
    for (size_t i = 0; i < k; i++) {
        n += parts[i].n;
        if (parts[i].nclasses == 0 || nclasses == 0)
            nclasses = 0;
        else if (parts[i].nclasses > nclasses)
            nclasses = parts[i].nclasses;
    }
    if (sgr_dataset_alloc(all, n, d, nclasses, err) < 0)
        return -1;
    for (size_t i = 0; i < k; i++) {
        memcpy(all->X + r * d, parts[i].X, parts[i].n * d * sizeof *all->X);
        memcpy(all->y + r, parts[i].y, parts[i].n * sizeof *all->y);
        r += parts[i].n;
    }
    for (size_t i = 0; i < k; i++)
        ((sgr_dataset *)parts)[i].nclasses = nclasses;
    return 0;
}

int sgr_dataset_read_node_files(const char *pattern, bool csv, const char *label_col, size_t k,
                                sgr_dataset *all, sgr_dataset *parts, sgr_err *err)
{
    size_t got = 0, d = 0;
    int rc = -1;
    memset(all, 0, sizeof *all);
    if (!strstr(pattern, "{node}"))
        return sgr_fail(err, "%s: the per-node file pattern needs {node} (replaced by 0..%zu)",
                        pattern, k ? k - 1 : 0);
    for (; got < k; got++) {
        char *path = node_path(pattern, got);
        if (!path) {
            sgr_fail(err, "out of memory");
            goto out;
        }
        int r = read_one(path, csv, label_col, NULL, 0, &parts[got], NULL, err);
        free(path);
        if (r < 0) {
            sgr_fail_prefix(err, "node %zu", got);
            goto out;
        }
        if (parts[got].d > d)
            d = parts[got].d;
    }
    for (size_t i = 0; i < k; i++)
        if (parts[i].d != d && (csv || widen(&parts[i], d, err) < 0)) {
            if (csv)
                sgr_fail(err, "node %zu's file has %zu features, node 0's %zu", i, parts[i].d,
                         parts[0].d);
            goto out;
        }
    rc = concat(parts, k, all, err);
out:
    if (rc < 0)
        for (size_t i = 0; i < got; i++)
            sgr_dataset_free(&parts[i]);
    return rc;
}
