/* libFuzzer harnesses for simgrad's file readers: each reader takes a path, so an input is
 * written to a file in a directory private to the process first. Built with
 * -DSGR_FUZZ=ON (clang; see tests/fuzz/README.md). */
#ifndef SIMGRAD_FUZZ_INPUT_H
#define SIMGRAD_FUZZ_INPUT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The process's own directory for inputs (created on first use). */
static inline const char *fuzz_dir(void)
{
    static char dir[64];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/simgrad-fuzz-XXXXXX");
        if (!mkdtemp(dir))
            abort();
    }
    return dir;
}

/* Write data to NAME in fuzz_dir(); its path goes to path. Aborts on an I/O error (the
 * harness, not the code under test, is broken then). */
static inline const char *fuzz_file(const char *name, const uint8_t *data, size_t size, char *path,
                                    size_t cap)
{
    snprintf(path, cap, "%s/%s", fuzz_dir(), name);
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
    return path;
}

#endif
