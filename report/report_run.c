/* simgrad report: loading run directories (summary.json, metrics.csv), refusing what cannot be
 * reported with one message naming the file, and labelling runs by how their configs differ. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "simgrad/report.h"
#include "report/report_internal.h"

double sgr_json_num(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

unsigned long long sgr_report_fnv1a64(const void *data, size_t n)
{
    const unsigned char *p = data;
    unsigned long long h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

int sgr_csv_col(const sgr_csv *csv, const char *name)
{
    for (size_t i = 0; i < csv->ncols; i++)
        if (strcmp(csv->names[i], name) == 0)
            return (int)i;
    return -1;
}

void sgr_csv_free(sgr_csv *csv)
{
    for (size_t i = 0; i < csv->ncols; i++)
        free(csv->names[i]);
    free(csv->names);
    free(csv->v);
    memset(csv, 0, sizeof *csv);
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

static int csv_header(sgr_csv *csv, char *line)
{
    size_t n = 1;
    for (char *p = line; *p; p++)
        n += *p == ',';
    csv->names = calloc(n, sizeof *csv->names);
    if (!csv->names)
        return -1;
    char *save, *tok = line;
    for (char *f = strtok_r(tok, ",", &save); f; f = strtok_r(NULL, ",", &save))
        csv->names[csv->ncols++] = strdup(f);
    return 0;
}

/* One data row into v[0 .. ncols-1]. Returns 0, or -1 with err. */
static int csv_row(const sgr_csv *csv, char *line, double *v, const char *path, size_t lineno,
                   sgr_err *err)
{
    size_t k = 0;
    char *p = line;
    for (;;) {
        char *end = strchr(p, ',');
        if (end)
            *end = '\0';
        if (k == csv->ncols)
            return sgr_fail(err, "%s:%zu: more fields than the header's %zu", path, lineno,
                            csv->ncols);
        if (*p == '\0') {
            v[k] = NAN;
        } else {
            char *stop;
            v[k] = strtod(p, &stop);
            if (*stop != '\0')
                return sgr_fail(err, "%s:%zu: column %s: \"%s\" is not a number", path, lineno,
                                csv->names[k], p);
            if (!isfinite(v[k])) /* a diverged run's inf or nan: no value to plot */
                v[k] = NAN;
        }
        k++;
        if (!end)
            break;
        p = end + 1;
    }
    if (k != csv->ncols)
        return sgr_fail(err, "%s:%zu: %zu fields, the header has %zu", path, lineno, k, csv->ncols);
    return 0;
}

int sgr_csv_load(sgr_csv *csv, const char *path, sgr_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return sgr_fail(err, "%s: cannot read: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0, lineno = 0, rows_cap = 0;
    int rc = 0;
    memset(csv, 0, sizeof *csv);
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        chomp(line);
        if (lineno == 1) {
            if (csv_header(csv, line) < 0) {
                rc = sgr_fail(err, "%s: out of memory", path);
                break;
            }
            continue;
        }
        if (line[0] == '\0')
            continue;
        if (csv->nrows == rows_cap) {
            rows_cap = rows_cap ? 2 * rows_cap : 256;
            double *v = realloc(csv->v, rows_cap * csv->ncols * sizeof *v);
            if (!v) {
                rc = sgr_fail(err, "%s: out of memory", path);
                break;
            }
            csv->v = v;
        }
        if ((rc = csv_row(csv, line, csv->v + csv->nrows * csv->ncols, path, lineno, err)) < 0)
            break;
        csv->nrows++;
    }
    free(line);
    fclose(f);
    if (rc == 0 && lineno == 0)
        rc = sgr_fail(err, "%s: empty file (no header)", path);
    if (rc < 0)
        sgr_csv_free(csv);
    return rc;
}

bool sgr_report_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int load_summary(sgr_report_run *run, const char *dir, sgr_err *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    if (!sgr_report_is_file(path))
        return sgr_fail(err, "%s: missing: %s is not a simgrad run directory", path, dir);
    json_error_t jerr;
    run->summary = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!run->summary)
        return sgr_fail(err, "%s:%d:%d: not valid JSON: %s", path, jerr.line, jerr.column,
                        jerr.text);
    if (!json_is_object(run->summary))
        return sgr_fail(err, "%s: expected a JSON object", path);
    run->family = json_string_value(json_object_get(run->summary, "family"));
    run->config = json_object_get(run->summary, "config");
    run->results = json_object_get(run->summary, "results");
    if (!run->family)
        return sgr_fail(err, "%s: no \"family\" string", path);
    if (!json_is_object(run->config) || !json_is_object(run->results))
        return sgr_fail(err, "%s: no \"config\" or \"results\" object", path);
    run->fam = sgr_family_find(run->family);
    if (!run->fam || !run->fam->report) {
        char names[256];
        sgr_family_names(names, sizeof names);
        return sgr_fail(err, "%s: unknown family \"%s\" (a report knows %s)", path, run->family,
                        names);
    }
    char *dump = json_dumps(run->config, JSON_SORT_KEYS | JSON_COMPACT);
    if (!dump)
        return sgr_fail(err, "%s: out of memory", path);
    run->config_hash = sgr_report_fnv1a64(dump, strlen(dump));
    free(dump);
    return 0;
}

void sgr_report_data_path(char *path, size_t size, const char *dir, const char *name, bool complete)
{
    snprintf(path, size, "%s/%s", dir, name);
    if (!sgr_report_is_file(path) && !complete) {
        snprintf(path, size, "%s/%s.part", dir, name);
        if (!sgr_report_is_file(path))
            snprintf(path, size, "%s/%s", dir, name);
    }
}

int sgr_csv_require(const sgr_csv *csv, const char *const *cols, const char *path,
                    const char *family, sgr_err *err)
{
    for (; *cols; cols++)
        if (sgr_csv_col(csv, *cols) < 0)
            return sgr_fail(err, "%s: no column \"%s\", which a %s run writes", path, *cols,
                            family);
    return 0;
}

int sgr_report_run_load(sgr_report_run *run, const char *dir, bool allow_incomplete, sgr_err *err)
{
    memset(run, 0, sizeof *run);
    run->dir = dir;
    struct stat st;
    if (stat(dir, &st) < 0)
        return sgr_fail(err, "%s: no such run directory", dir), SGR_REPORT_EINPUT;
    if (!S_ISDIR(st.st_mode))
        return sgr_fail(err, "%s: not a directory (expected a run directory)", dir),
               SGR_REPORT_EINPUT;
    if (load_summary(run, dir, err) < 0)
        return SGR_REPORT_EINPUT;
    bool complete = json_is_true(json_object_get(run->summary, "complete"));
    if (!complete && !allow_incomplete)
        return sgr_fail(err,
                        "%s: the run is incomplete (summary.json says \"complete\": false, "
                        "e.g. after Ctrl-C or a failure); pass --allow-incomplete to report "
                        "it anyway",
                        dir),
               SGR_REPORT_EINPUT;
    char path[4096];
    /* an interrupted run may have left only the streamed part */
    sgr_report_data_path(path, sizeof path, dir, "metrics.csv", complete);
    if (!sgr_report_is_file(path))
        return sgr_fail(err, "%s: missing: every run directory has one", path), SGR_REPORT_EINPUT;
    const sgr_family_report *fr = run->fam->report;
    if (sgr_csv_load(&run->csv, path, err) < 0 ||
        sgr_csv_require(&run->csv, fr->metrics_columns, path, run->family, err) < 0)
        return SGR_REPORT_EINPUT;
    if (fr->load && fr->load(run, complete, err) < 0)
        return SGR_REPORT_EINPUT;
    return 0;
}

void sgr_report_run_free(sgr_report_run *run)
{
    if (run->fam && run->fam->report->unload)
        run->fam->report->unload(run);
    sgr_csv_free(&run->csv);
    json_decref(run->summary);
    memset(run, 0, sizeof *run);
}

/* A config flattened to sorted "key.path" -> value text (strings unquoted; arrays whole). */
typedef struct flat_kv {
    char *path, *value;
} flat_kv;

typedef struct flat {
    flat_kv *kv;
    size_t n, cap;
} flat;

static void flat_add(flat *f, const char *path, json_t *v)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 64;
        f->kv = realloc(f->kv, f->cap * sizeof *f->kv);
    }
    char *text;
    if (json_is_string(v)) {
        text = strdup(json_string_value(v));
    } else if (json_is_real(v)) {
        /* the shortest text that reads back the same: 0.2, not jansson's 0.20000000000000001 */
        char buf[32];
        double x = json_real_value(v);
        for (int prec = 6; prec <= 17; prec++)
            if (snprintf(buf, sizeof buf, "%.*g", prec, x) > 0 && strtod(buf, NULL) == x)
                break;
        text = strdup(buf);
    } else {
        text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    }
    f->kv[f->n++] = (flat_kv){strdup(path), text ? text : strdup("?")};
}

static void flatten(flat *f, const char *prefix, json_t *obj)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        char path[512];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", key);
        if (json_is_object(v))
            flatten(f, path, v);
        else
            flat_add(f, path, v);
    }
}

static int kv_cmp(const void *a, const void *b)
{
    return strcmp(((const flat_kv *)a)->path, ((const flat_kv *)b)->path);
}

static const char *flat_get(const flat *f, const char *path)
{
    flat_kv key = {(char *)path, NULL};
    flat_kv *kv = bsearch(&key, f->kv, f->n, sizeof *f->kv, kv_cmp);
    return kv ? kv->value : NULL;
}

static void flat_free(flat *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->kv[i].path);
        free(f->kv[i].value);
    }
    free(f->kv);
}

/* Does path have a different value (or none) in some run? */
static bool path_differs(const flat *fl, size_t n, const char *path)
{
    const char *v0 = flat_get(&fl[0], path);
    for (size_t r = 1; r < n; r++) {
        const char *v = flat_get(&fl[r], path);
        if (!v0 || !v || strcmp(v0, v) != 0)
            return true;
    }
    return false;
}

/* Does every run set path? */
static bool set_everywhere(const flat *fl, size_t n, const char *path)
{
    for (size_t r = 0; r < n; r++)
        if (!flat_get(&fl[r], path))
            return false;
    return true;
}

static void append(char *buf, size_t size, const char *path, const char *value)
{
    size_t len = strlen(buf);
    if (len < size)
        snprintf(buf + len, size - len, "%s%s=%s", len ? ", " : "", path,
                 value ? value : "(unset)");
}

/* Legends stay readable with at most this many keys; report.md lists them all. */
enum { LABEL_MAX_KEYS = 3 };

/* Every key path of every run, sorted, each once. */
static flat flat_union(const flat *fl, size_t n)
{
    flat u = {0};
    for (size_t r = 0; r < n; r++)
        for (size_t i = 0; i < fl[r].n; i++)
            flat_add(&u, fl[r].kv[i].path, NULL);
    qsort(u.kv, u.n, sizeof *u.kv, kv_cmp);
    size_t k = 0;
    for (size_t i = 0; i < u.n; i++) {
        if (k > 0 && strcmp(u.kv[k - 1].path, u.kv[i].path) == 0) {
            free(u.kv[i].path);
            free(u.kv[i].value);
        } else {
            u.kv[k++] = u.kv[i];
        }
    }
    u.n = k;
    return u;
}

void sgr_report_runs_label(sgr_report_run *runs, size_t n)
{
    flat *fl = calloc(n, sizeof *fl);
    for (size_t r = 0; r < n; r++) {
        flatten(&fl[r], "", runs[r].config);
        qsort(fl[r].kv, fl[r].n, sizeof *fl[r].kv, kv_cmp);
        runs[r].differs[0] = runs[r].label[0] = '\0';
    }
    flat all = flat_union(fl, n);
    for (size_t i = 0; n > 1 && i < all.n; i++)
        if (path_differs(fl, n, all.kv[i].path))
            for (size_t r = 0; r < n; r++)
                append(runs[r].differs, sizeof runs[r].differs, all.kv[i].path,
                       flat_get(&fl[r], all.kv[i].path));
    /* legends name first the keys every run sets: a key only some runs have (the defaults
     * of another platform type, say) says less about a run than one they all set */
    size_t shown = 0;
    for (int pass = 0; n > 1 && pass < 2; pass++)
        for (size_t i = 0; i < all.n; i++) {
            const char *path = all.kv[i].path;
            if (!path_differs(fl, n, path) || set_everywhere(fl, n, path) != (pass == 0))
                continue;
            for (size_t r = 0; r < n; r++) {
                if (shown < LABEL_MAX_KEYS)
                    append(runs[r].label, sizeof runs[r].label, path, flat_get(&fl[r], path));
                else if (shown == LABEL_MAX_KEYS)
                    strncat(runs[r].label, ", ...",
                            sizeof runs[r].label - strlen(runs[r].label) - 1);
            }
            shown++;
        }
    /* alone, identical configs, or equal labels: the directory says which run it is */
    bool *clash = calloc(n, sizeof *clash);
    for (size_t r = 0; r < n; r++) {
        clash[r] = runs[r].label[0] == '\0';
        for (size_t q = 0; q < n && !clash[r]; q++)
            clash[r] = q != r && strcmp(runs[q].label, runs[r].label) == 0;
    }
    for (size_t r = 0; r < n; r++)
        if (clash[r])
            snprintf(runs[r].label, sizeof runs[r].label, "%s", runs[r].dir);
    free(clash);
    flat_free(&all);
    for (size_t r = 0; r < n; r++)
        flat_free(&fl[r]);
    free(fl);
}
