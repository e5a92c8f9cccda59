/* IDX (MNIST-format) reader. zlib's gzread reads gzip and plain files alike. */
#include "simgrad/dataset.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define IDX_MAGIC_IMAGES 0x00000803u /* unsigned bytes, 3 dimensions */
#define IDX_MAGIC_LABELS 0x00000801u /* unsigned bytes, 1 dimension */

/* Read exactly len bytes; a short read is truncation (or a zlib error, reported as such). */
static int idx_read(gzFile f, const char *path, void *buf, size_t len, const char *what,
                    sgr_err *err)
{
    size_t got = 0;
    while (got < len) {
        unsigned chunk = len - got > (1u << 30) ? (1u << 30) : (unsigned)(len - got);
        int r = gzread(f, (char *)buf + got, chunk);
        if (r < 0) {
            int zerr;
            const char *msg = gzerror(f, &zerr);
            if (zerr == Z_BUF_ERROR)
                return sgr_fail(err, "%s: truncated compressed file while reading %s", path, what);
            return sgr_fail(err, "%s: read error in %s: %s", path, what, msg);
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    if (got < len)
        return sgr_fail(err, "%s: truncated file: %s needs %zu bytes, only %zu present", path, what,
                        len, got);
    return 0;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Open path and read its magic and `ndims` big-endian dimensions. */
static gzFile idx_open(const char *path, uint32_t magic, int ndims, uint32_t *dims, sgr_err *err)
{
    unsigned char hdr[16];
    errno = 0;
    gzFile f = gzopen(path, "rb");
    if (!f) {
        sgr_fail(err, "%s: cannot open: %s", path, errno ? strerror(errno) : "out of memory");
        return NULL;
    }
    /* Magic first: a wrong kind of file is reported as such, not as a short header. */
    if (idx_read(f, path, hdr, 4, "the IDX magic number", err))
        goto out_close;
    if (be32(hdr) != magic) {
        sgr_fail(err, "%s: bad IDX magic 0x%08x, expected 0x%08x (%s)", path, be32(hdr), magic,
                 magic == IDX_MAGIC_IMAGES ? "ubyte images, 3 dims" : "ubyte labels, 1 dim");
        goto out_close;
    }
    if (idx_read(f, path, hdr + 4, 4 * (size_t)ndims, "the IDX dimensions", err))
        goto out_close;
    for (int i = 0; i < ndims; i++)
        dims[i] = be32(hdr + 4 + 4 * i);
    return f;

out_close:
    gzclose(f);
    return NULL;
}

/* Read `n` images of `px` pixels into X, scaled to [0,1], a row buffer at a time. */
static int idx_read_pixels(gzFile f, const char *path, size_t n, size_t px, double *X, sgr_err *err)
{
    unsigned char *row = malloc(px ? px : 1);
    if (!row)
        return sgr_fail(err, "%s: out of memory", path);
    for (size_t i = 0; i < n; i++) {
        if (idx_read(f, path, row, px, "the pixel data", err))
            goto out_free_row;
        for (size_t j = 0; j < px; j++)
            X[i * px + j] = row[j] / 255.0;
    }
    free(row);
    return 0;

out_free_row:
    free(row);
    return -1;
}

static int idx_read_labels(gzFile f, const char *path, size_t n, double *y, int *nclasses,
                           sgr_err *err)
{
    unsigned char *lab = malloc(n ? n : 1);
    if (!lab)
        return sgr_fail(err, "%s: out of memory", path);
    if (idx_read(f, path, lab, n, "the label data", err))
        goto out_free_lab;
    int maxl = -1;
    for (size_t i = 0; i < n; i++) {
        y[i] = lab[i];
        maxl = lab[i] > maxl ? lab[i] : maxl;
    }
    *nclasses = maxl + 1;
    free(lab);
    return 0;

out_free_lab:
    free(lab);
    return -1;
}

int sgr_dataset_read_idx(sgr_dataset *out, const char *images_path, const char *labels_path,
                         size_t limit, sgr_err *err)
{
    uint32_t idim[3], ldim[1];
    int nclasses = 0;
    memset(out, 0, sizeof *out);
    gzFile fi = idx_open(images_path, IDX_MAGIC_IMAGES, 3, idim, err);
    if (!fi)
        return -1;
    gzFile fl = idx_open(labels_path, IDX_MAGIC_LABELS, 1, ldim, err);
    if (!fl)
        goto out_close_images;
    if (idim[0] != ldim[0]) {
        sgr_fail(err, "%s: %u labels, but %s has %u images", labels_path, ldim[0], images_path,
                 idim[0]);
        goto out_close_labels;
    }
    if (idim[0] == 0 || idim[1] == 0 || idim[2] == 0) {
        sgr_fail(err, "%s: empty IDX image file (%u x %u x %u)", images_path, idim[0], idim[1],
                 idim[2]);
        goto out_close_labels;
    }
    size_t n = idim[0], px = (size_t)idim[1] * idim[2];
    if (limit > 0 && limit < n)
        n = limit;
    if (sgr_dataset_alloc(out, n, px, 0, err)) {
        sgr_fail_prefix(err, "%s", images_path);
        goto out_close_labels;
    }
    if (idx_read_pixels(fi, images_path, n, px, out->X, err))
        goto out_free_ds;
    if (idx_read_labels(fl, labels_path, n, out->y, &nclasses, err))
        goto out_free_ds;
    out->nclasses = nclasses;
    gzclose(fl);
    gzclose(fi);
    return 0;

out_free_ds:
    sgr_dataset_free(out);
out_close_labels:
    gzclose(fl);
out_close_images:
    gzclose(fi);
    return -1;
}
