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

/* Read len bytes as doubles (each byte divided by `div`) into a new array that grows only
 * as the data arrives: a header claiming more than the file holds costs what the file holds,
 * not the claim, and ends as truncation. Returns the array (free it) or NULL with err. */
static double *idx_read_doubles(gzFile f, const char *path, size_t len, double div,
                                const char *what, sgr_err *err)
{
    enum { STEP = 1 << 24 };
    unsigned char *chunk = malloc(len < STEP ? (len ? len : 1) : STEP);
    double *v = NULL;
    if (!chunk || len > SIZE_MAX / sizeof *v - 1)
        goto fail_oom;
    for (size_t got = 0; got < len;) {
        size_t n = len - got < STEP ? len - got : STEP;
        if (idx_read(f, path, chunk, n, what, err))
            goto fail;
        double *grown = realloc(v, (got + n) * sizeof *v);
        if (!grown)
            goto fail_oom;
        v = grown;
        for (size_t k = 0; k < n; k++)
            v[got + k] = chunk[k] / div;
        got += n;
    }
    free(chunk);
    return v;
fail_oom:
    sgr_fail(err, "%s: out of memory reading %s", path, what);
fail:
    free(chunk);
    free(v);
    return NULL;
}

/* n images of px pixels (scaled to [0,1]) and their labels into out. */
static int idx_read_data(gzFile fi, const char *images_path, gzFile fl, const char *labels_path,
                         size_t n, size_t px, sgr_dataset *out, sgr_err *err)
{
    if (px > SIZE_MAX / n)
        return sgr_fail(err, "%s: %zu images of %zu pixels do not fit in memory", images_path, n,
                        px);
    double *X = idx_read_doubles(fi, images_path, n * px, 255.0, "the pixel data", err);
    double *y = X ? idx_read_doubles(fl, labels_path, n, 1.0, "the label data", err) : NULL;
    if (!y) {
        free(X);
        return -1;
    }
    double maxl = -1;
    for (size_t i = 0; i < n; i++)
        maxl = y[i] > maxl ? y[i] : maxl;
    *out = (sgr_dataset){.n = n, .d = px, .X = X, .y = y, .nclasses = (int)maxl + 1};
    return 0;
}

int sgr_dataset_read_idx(sgr_dataset *out, const char *images_path, const char *labels_path,
                         size_t limit, sgr_err *err)
{
    uint32_t idim[3], ldim[1];
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
    if (idx_read_data(fi, images_path, fl, labels_path, n, px, out, err) == 0) {
        gzclose(fl);
        gzclose(fi);
        return 0;
    }
out_close_labels:
    gzclose(fl);
out_close_images:
    gzclose(fi);
    return -1;
}
