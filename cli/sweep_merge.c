/* simgrad sweep: results.csv, one row per run (finished or not) from the run directories. The
 * same whether the runs went locally, through Slurm or through GNU parallel. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simgrad/family.h"
#include "sweep.h"

/* Call add(cols, column, value) for every number of results: top-level numbers by name, and
 * the numbers of each item of an array named by its member item_key (the family's, e.g. a
 * scheme) as NAME.FIELD (e.g. m-sgc.runtime_s). */
static void results_foreach(json_t *res, const char *item_key, json_t *cols,
                            void (*add)(json_t *, const char *, json_t *))
{
    const char *k;
    json_t *v;
    json_object_foreach(res, k, v)
    {
        if (json_is_number(v) && strcmp(k, "simulated_time_s") != 0)
            add(cols, k, v);
        size_t i;
        json_t *item;
        json_array_foreach(json_is_array(v) && item_key ? v : NULL, i, item)
        {
            const char *name = json_string_value(json_object_get(item, item_key)), *f;
            json_t *x;
            json_object_foreach(name ? item : NULL, f, x) if (json_is_number(x))
            {
                char col[512];
                snprintf(col, sizeof col, "%s.%s", name, f);
                add(cols, col, x);
            }
        }
    }
}

/* The member naming the items of the sweep family's results arrays, or NULL. */
static const char *item_key(const sweep_plan *p)
{
    const sgr_family *fam = sgr_family_find(p->family);
    return fam && fam->sweep ? fam->sweep->item_key : NULL;
}

static void add_column(json_t *cols, const char *name, json_t *v)
{
    json_object_set_new(cols, name, json_true());
}

static void add_value(json_t *row, const char *name, json_t *v)
{
    json_object_set(row, name, v);
}

/* One CSV cell from a JSON value: numbers and strings, others empty. */
static void csv_cell(FILE *f, json_t *v)
{
    if (json_is_number(v))
        fprintf(f, "%.10g", json_number_value(v));
    else if (json_is_string(v))
        fprintf(f, "\"%s\"", json_string_value(v));
    else if (json_is_true(v) || json_is_false(v))
        fputs(json_is_true(v) ? "true" : "false", f);
}

static void write_header(FILE *f, const sweep_plan *p, json_t *cols)
{
    const char *key;
    json_t *val;
    fputs("run", f);
    for (size_t g = 0; p->nruns && g < p->runs[0].nsets; g++) /* list keys, then grid keys */
        fprintf(f, ",%.*s", (int)strcspn(p->runs[0].sets[g], "="), p->runs[0].sets[g]);
    fputs(",seed,complete,simulated_time_s,wall_clock_seconds,peak_rss_mb", f);
    json_object_foreach(cols, key, val) fprintf(f, ",%s", key);
    fputc('\n', f);
}

static void write_row(FILE *f, const sweep_plan *p, const sweep_run *r, json_t *sum, json_t *cols)
{
    char *b = strdup(r->dir);
    fprintf(f, "%s", b ? basename(b) : r->dir);
    free(b);
    for (size_t g = 0; g < r->nsets; g++) {
        const char *eq = strchr(r->sets[g], '=');
        fprintf(f, ",%s", eq ? eq + 1 : "");
    }
    fprintf(f, ",%ld,%s", r->seed,
            json_is_true(json_object_get(sum, "complete")) ? "true" : "false");
    static const char *const top[] = {"simulated_time_s", "wall_clock_seconds", "peak_rss_mb"};
    for (int t = 0; t < 3; t++) {
        fputc(',', f);
        csv_cell(f, json_object_get(sum, top[t]));
    }
    json_t *row = json_object();
    results_foreach(json_object_get(sum, "results"), item_key(p), row, add_value);
    const char *key;
    json_t *val;
    json_object_foreach(cols, key, val)
    {
        fputc(',', f);
        csv_cell(f, json_object_get(row, key));
    }
    json_decref(row);
    fputc('\n', f);
}

int sweep_merge(const sweep_plan *p, size_t *ncomplete, sgr_err *err)
{
    json_t *cols = json_object();
    json_t **sums = calloc(p->nruns, sizeof *sums);
    if (!sums || !cols) {
        free(sums);
        json_decref(cols);
        return sgr_fail(err, "out of memory");
    }
    *ncomplete = 0;
    for (size_t i = 0; i < p->nruns; i++) {
        char path[SWEEP_PATH + 64];
        snprintf(path, sizeof path, "%s/summary.json", p->runs[i].dir);
        sums[i] = json_load_file(path, 0, NULL);
        *ncomplete += json_is_true(json_object_get(sums[i], "complete"));
        results_foreach(json_object_get(sums[i], "results"), item_key(p), cols, add_column);
    }
    char path[SWEEP_PATH + 64], tmp[SWEEP_PATH + 80];
    snprintf(path, sizeof path, "%s/results.csv", p->outdir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int rc = f ? 0 : sgr_fail(err, "cannot write %s: %s", tmp, strerror(errno));
    if (f) {
        write_header(f, p, cols);
        for (size_t i = 0; i < p->nruns; i++)
            write_row(f, p, &p->runs[i], sums[i], cols);
        if (fclose(f) != 0 || rename(tmp, path) != 0)
            rc = sgr_fail(err, "cannot write %s: %s", path, strerror(errno));
    }
    for (size_t i = 0; i < p->nruns; i++)
        json_decref(sums[i]);
    free(sums);
    json_decref(cols);
    return rc;
}
