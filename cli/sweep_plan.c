/* simgrad sweep: the sweep file and its runs. The one place where a sweep file becomes a list
 * of runs (directory, seed, --set values), so the local runner, `--run-index`, the emitted
 * Slurm and GNU parallel files and `--merge` agree on every run.
 *
 * SWEEP.json: {"base": "scenario.json",          (relative to the sweep file)
 *              "grid": {"key.path": [v1, v2], ...},   (every combination)
 *              "list": [{"key.path": v, ...}, ...],  (these combinations, each with the same
 *                                                   keys; with a grid: list x grid)
 *              "replicas": 3,                      (seeds base_seed + 0, 1, 2; default 1)
 *              "metric": "runtime_s" or [...],     (results.csv columns the report plots)
 *              "out": "out/my-sweep"}              (default out/<sweep name>) */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "simgrad/config.h"
#include "simgrad/output.h"
#include "simgrad/run.h"
#include "simgrad/scenario.h"
#include "sweep.h"

/* results.csv columns every run has; each family's numeric results are in its table
 * (sgr_family.sweep), so a metric can be checked before anything runs. */
static const char *const common_columns[] = {"seed", "simulated_time_s", "wall_clock_seconds",
                                             "peak_rss_mb", NULL};

typedef sgr_family_sweep family_columns;

static const family_columns *family_find(const char *name)
{
    const sgr_family *f = sgr_family_find(name);
    return f ? f->sweep : NULL;
}

static bool in_list(const char *const *list, const char *s, size_t len)
{
    for (; list && *list; list++)
        if (strlen(*list) == len && strncmp(*list, s, len) == 0)
            return true;
    return false;
}

/* Whether item (of length len) is one of the comma-separated names in csv. */
static bool in_csv(const char *csv, const char *item, size_t len)
{
    for (const char *s = csv; s && *s;) {
        s += strspn(s, ", ");
        size_t n = strcspn(s, ", ");
        if (n == len && strncmp(s, item, len) == 0)
            return true;
        s += n;
    }
    return false;
}

/* The base scenario with the first combination applied and defaults filled in. */
static int load_base(const sweep_plan *p, sgr_scenario *scn, sgr_err *err)
{
    const sweep_run *r = &p->runs[0];
    if (sgr_scenario_load(scn, p->scenario, (const char *const *)r->sets, r->nsets,
                          sgr_family_key_tables, err) < 0)
        return sgr_fail_prefix(err, "%s: base", p->file);
    return 0;
}

/* Whether metric names a results.csv column of the family (items of the base's list_key; any
 * item when the grid sweeps that key). */
static bool metric_known(const sweep_plan *p, const family_columns *fc, const char *items,
                         const char *metric)
{
    if (in_list(common_columns, metric, strlen(metric)) ||
        (fc && in_list(fc->top, metric, strlen(metric))))
        return true;
    const char *dot = strrchr(metric, '.');
    if (!fc || !fc->item || !dot || !in_list(fc->item, dot + 1, strlen(dot + 1)))
        return false;
    if (!fc->list_key) /* items not listed in the config: the family says what may name one */
        return !fc->item_ok || fc->item_ok(metric, (size_t)(dot - metric));
    return json_object_get(p->grid, fc->list_key) ||
           (p->list && json_object_get(json_array_get(p->list, 0), fc->list_key)) ||
           in_csv(items, metric, (size_t)(dot - metric));
}

static void metric_add(sweep_plan *p, const char *name)
{
    if (p->nmetrics < SWEEP_MAX_METRICS) {
        json_array_append_new(p->metric_json, json_string(name));
        p->metrics[p->nmetrics++] = NULL; /* filled in by metric_pointers */
    }
}

static void metric_pointers(sweep_plan *p)
{
    for (size_t i = 0; i < p->nmetrics; i++)
        p->metrics[i] = json_string_value(json_array_get(p->metric_json, i));
}

/* The family's default: ITEM.FIELD for every configured item, or one column. */
static void metrics_default(sweep_plan *p, const family_columns *fc, const char *items)
{
    if (!fc) {
        metric_add(p, "simulated_time_s");
        return;
    }
    if (!fc->default_field) {
        metric_add(p, fc->default_top);
        return;
    }
    for (const char *s = items; s && *s;) {
        s += strspn(s, ", ");
        size_t n = strcspn(s, ", ");
        if (n > 0) {
            char name[256];
            snprintf(name, sizeof name, "%.*s.%s", (int)n, s, fc->default_field);
            metric_add(p, name);
        }
        s += n;
    }
}

static void columns_help(char *buf, size_t size, const family_columns *fc, const char *items)
{
    size_t len = 0;
    buf[0] = '\0';
    for (const char *const *c = common_columns; *c && len < size; c++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "", *c);
    for (const char *const *c = fc ? fc->top : NULL; c && *c && len < size; c++)
        len += (size_t)snprintf(buf + len, size - len, ", %s", *c);
    if (fc && fc->item && fc->list_key && len < size)
        len += (size_t)snprintf(buf + len, size - len,
                                "; and ITEM.FIELD with ITEM one of %s (%s) and FIELD one of ",
                                items ? items : "", fc->list_key);
    else if (fc && fc->item && len < size)
        len += (size_t)snprintf(buf + len, size - len,
                                "; and ITEM.FIELD with ITEM %s and FIELD one of ",
                                fc->item_form ? fc->item_form : "an item of the results");
    for (const char *const *c = fc ? fc->item : NULL; c && *c && len < size; c++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", c == fc->item ? "" : ", ", *c);
}

/* Choose and check the metrics: the file's "metric" (a column or a list of columns), else the
 * family's default. */
static int plan_metrics(sweep_plan *p, json_t *metric, sgr_err *err)
{
    sgr_scenario scn = {0};
    sgr_config cfg;
    char itembuf[1024] = "";
    if (load_base(p, &scn, err) < 0)
        return -1;
    if (sgr_config_parse(&cfg, &scn, err) < 0) {
        sgr_scenario_free(&scn);
        return sgr_fail_prefix(err, "%s: base", p->file);
    }
    snprintf(p->family, sizeof p->family, "%s", scn.family->name);
    const family_columns *fc = family_find(p->family);
    const char *items = NULL;
    if (fc && fc->list_key && fc->items) {
        fc->items(&cfg, itembuf, sizeof itembuf);
        items = itembuf;
    }
    int rc = 0;
    p->metric_json = json_array();
    if (!metric) {
        metrics_default(p, fc, items);
    } else if (json_is_string(metric)) {
        metric_add(p, json_string_value(metric));
    } else {
        size_t i;
        json_t *m;
        json_array_foreach(metric, i, m) metric_add(p, json_string_value(m));
    }
    metric_pointers(p);
    for (size_t i = 0; i < p->nmetrics && rc == 0; i++)
        if (!metric_known(p, fc, items, p->metrics[i])) {
            char help[1024];
            columns_help(help, sizeof help, fc, items);
            rc = sgr_fail(err,
                          "%s: metric: \"%s\" is not a results.csv column of a %s sweep "
                          "(columns: %s)",
                          p->file, p->metrics[i], p->family, help);
        }
    sgr_config_free(&cfg);
    sgr_scenario_free(&scn);
    return rc;
}

static int check_keys(const char *file, json_t *sw, sgr_err *err)
{
    static const char *const known[] = {"base", "grid", "list", "replicas", "out", "metric", NULL};
    const char *key;
    json_t *val;
    json_object_foreach(sw, key, val) if (!in_list(known, key, strlen(key))) return sgr_fail(
        err, "%s: unknown key %s (expected base, grid, list, replicas, metric, out)", file, key);
    json_t *list = json_object_get(sw, "list");
    if (list) {
        json_t *first = json_array_get(list, 0);
        if (!json_is_array(list) || !json_is_object(first) || json_object_size(first) == 0)
            return sgr_fail(err,
                            "%s: list: expected a non-empty array of objects {\"key.path\": "
                            "value, ...}",
                            file);
        size_t i;
        json_t *e;
        json_array_foreach(list, i, e)
        {
            bool same = json_is_object(e) && json_object_size(e) == json_object_size(first);
            json_object_foreach(first, key, val) same = same && json_object_get(e, key);
            if (!same)
                return sgr_fail(err, "%s: list[%zu]: every entry must set the same keys as list[0]",
                                file, i);
            json_object_foreach(e, key, val) if (
                json_object_get(json_object_get(sw, "grid"),
                                key)) return sgr_fail(err, "%s: list[%zu]: %s is also in the grid",
                                                      file, i, key);
        }
    }
    json_t *base = json_object_get(sw, "base"), *grid = json_object_get(sw, "grid");
    json_t *reps = json_object_get(sw, "replicas"), *outv = json_object_get(sw, "out");
    if (!json_is_string(base) || (grid && !json_is_object(grid)) ||
        (reps && (!json_is_integer(reps) || json_integer_value(reps) < 1)) ||
        (outv && !json_is_string(outv)))
        return sgr_fail(err,
                        "%s: expected \"base\" (a scenario file), \"grid\" (an object of key: "
                        "[values]), \"replicas\" (a positive integer), \"out\" (a directory)",
                        file);
    json_object_foreach(
        grid, key,
        val) if (!json_is_array(val) ||
                 json_array_size(val) ==
                     0) return sgr_fail(err, "%s: grid.%s: expected a non-empty array of values",
                                        file, key);
    json_t *metric = json_object_get(sw, "metric");
    bool ok = !metric || json_is_string(metric) ||
              (json_is_array(metric) && json_array_size(metric) > 0 &&
               json_array_size(metric) <= SWEEP_MAX_METRICS);
    size_t i;
    json_array_foreach(json_is_array(metric) ? metric : NULL, i, val) ok &= json_is_string(val);
    if (!ok)
        return sgr_fail(err,
                        "%s: metric: expected a results.csv column name or a list of 1 to %d "
                        "of them",
                        file, SWEEP_MAX_METRICS);
    return 0;
}

/* path made absolute against dir (which is absolute). Returns 0, or -1 if it is too long. */
static int absolute(char *out, size_t size, const char *dir, const char *path)
{
    int n =
        path[0] == '/' ? snprintf(out, size, "%s", path) : snprintf(out, size, "%s/%s", dir, path);
    return n >= 0 && (size_t)n < size - 16 ? 0 : -1; /* room for /run-NNNN and file names */
}

static int plan_paths(sweep_plan *p, const char *file, json_t *sw, const char *out_override,
                      sgr_err *err)
{
    char cwd[SWEEP_PATH], fdir[SWEEP_PATH];
    if (!getcwd(cwd, sizeof cwd))
        return sgr_fail(err, "cannot read the current directory: %s", strerror(errno));
    if (absolute(p->file, sizeof p->file, cwd, file) < 0)
        return sgr_fail(err, "%s: path too long", file);
    snprintf(fdir, sizeof fdir, "%s", p->file);
    if (absolute(p->scenario, sizeof p->scenario, dirname(fdir),
                 json_string_value(json_object_get(sw, "base"))) < 0)
        return sgr_fail(err, "%s: base: path too long", file);
    if (access(p->scenario, R_OK) != 0)
        return sgr_fail(err, "%s: base: cannot read %s: %s", file, p->scenario, strerror(errno));
    json_t *outv = json_object_get(sw, "out");
    char name[SWEEP_PATH] = "out/";
    if (out_override || outv) {
        snprintf(name, sizeof name, "%s", out_override ? out_override : json_string_value(outv));
    } else { /* out/<sweep file name without .json> */
        char copy[SWEEP_PATH];
        snprintf(copy, sizeof copy, "%s", p->file);
        char *base = basename(copy), *dot = strrchr(base, '.');
        if (dot)
            *dot = '\0';
        snprintf(name + 4, sizeof name - 4, "%s", base);
    }
    if (absolute(p->outdir, sizeof p->outdir, cwd, name) < 0)
        return sgr_fail(err, "%s: out: path too long", file);
    return 0;
}

/* The seed of replica 0: the base scenario's, or 1. */
static long base_seed(const char *scenario)
{
    json_t *scn = json_load_file(scenario, 0, NULL);
    json_t *s = json_object_get(scn, "seed");
    long seed = json_is_integer(s) ? (long)json_integer_value(s) : 1;
    json_decref(scn);
    return seed;
}

/* Run `index`: combination index / replicas, whose key k takes value (c / prod of the earlier
 * keys' sizes) mod its size; replica index % replicas. */
static char *make_set(const char *key, json_t *v)
{
    char *j = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(12));
    char *set = j ? malloc(strlen(key) + strlen(j) + 2) : NULL;
    if (set)
        sprintf(set, "%s=%s", key, j);
    free(j);
    return set;
}

static int plan_run(sweep_plan *p, size_t index, long seed0)
{
    sweep_run *rn = &p->runs[index];
    size_t c = index / p->replicas, nkeys = json_object_size(p->grid);
    size_t nlist = p->list ? json_array_size(p->list) : 0;
    json_t *entry = nlist ? json_array_get(p->list, c % nlist) : NULL;
    if (nlist)
        c /= nlist;
    snprintf(rn->dir, sizeof rn->dir, "%s/run-%04zu", p->outdir, index);
    rn->seed = seed0 + (long)(index % p->replicas);
    rn->sets = calloc(nkeys + json_object_size(entry) + 1, sizeof *rn->sets);
    if (!rn->sets)
        return -1;
    const char *key;
    json_t *val;
    /* the list's keys first, in list[0]'s order (the results.csv columns) */
    json_object_foreach(nlist ? json_array_get(p->list, 0) : NULL, key, val)
    {
        char *set = make_set(key, json_object_get(entry, key));
        if (!set)
            return -1;
        rn->sets[rn->nsets++] = set;
    }
    json_object_foreach(p->grid, key, val)
    {
        size_t len = json_array_size(val);
        char *v = json_dumps(json_array_get(val, c % len),
                             JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(12));
        c /= len;
        char *set = v ? malloc(strlen(key) + strlen(v) + 2) : NULL;
        if (set)
            sprintf(set, "%s=%s", key, v);
        free(v);
        if (!set)
            return -1;
        rn->sets[rn->nsets++] = set;
    }
    return 0;
}

/* More runs than anyone can mean (each is a process and a directory), and far less than
 * would overflow the count: a grid or replica count of that size is a typo. */
enum { SWEEP_MAX_RUNS = 100000 };

static int plan_expand(sweep_plan *p, sgr_err *err)
{
    double nruns = (double)p->replicas * (p->list ? (double)json_array_size(p->list) : 1.0);
    const char *key;
    json_t *val;
    json_object_foreach(p->grid, key, val) nruns *= (double)json_array_size(val);
    if (nruns > SWEEP_MAX_RUNS)
        return sgr_fail(err, "%s: %.0f runs (grid x list x replicas); a sweep has at most %d runs",
                        p->file, nruns, SWEEP_MAX_RUNS);
    p->nruns = (size_t)nruns;
    p->runs = calloc(p->nruns, sizeof *p->runs);
    if (!p->runs)
        return sgr_fail(err, "out of memory");
    long seed0 = base_seed(p->scenario);
    for (size_t i = 0; i < p->nruns; i++)
        if (plan_run(p, i, seed0) < 0)
            return sgr_fail(err, "out of memory");
    return 0;
}

int sweep_plan_load(sweep_plan *p, const char *file, const char *out_override, sgr_err *err)
{
    memset(p, 0, sizeof *p);
    json_error_t jerr;
    json_t *sw = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr);
    if (!sw || !json_is_object(sw)) {
        sgr_fail(err, "%s:%d:%d: %s", file, jerr.line, jerr.column,
                 sw ? "expected a JSON object" : jerr.text);
        json_decref(sw);
        return -1;
    }
    int rc = check_keys(file, sw, err);
    if (rc == 0)
        rc = plan_paths(p, file, sw, out_override, err);
    if (rc == 0) {
        json_t *grid = json_object_get(sw, "grid");
        p->grid = grid ? json_incref(grid) : json_object();
        json_t *list = json_object_get(sw, "list");
        p->list = list ? json_incref(list) : NULL;
        json_t *reps = json_object_get(sw, "replicas");
        p->replicas = reps ? (size_t)json_integer_value(reps) : 1;
        rc = plan_expand(p, err);
    }
    if (rc == 0)
        rc = plan_metrics(p, json_object_get(sw, "metric"), err);
    json_decref(sw);
    return rc;
}

void sweep_plan_free(sweep_plan *p)
{
    for (size_t i = 0; p->runs && i < p->nruns; i++) {
        for (size_t k = 0; k < p->runs[i].nsets; k++)
            free(p->runs[i].sets[k]);
        free(p->runs[i].sets);
    }
    free(p->runs);
    json_decref(p->grid);
    json_decref(p->list);
    json_decref(p->metric_json);
    memset(p, 0, sizeof *p);
}

/* `simgrad validate` on the base scenario with run r's values; its message goes to stderr. */
static bool combination_valid(const sweep_plan *p, const sweep_run *r, const char *self)
{
    char **argv = calloc(4 + 2 * r->nsets, sizeof *argv);
    if (!argv)
        return false;
    size_t n = 0;
    argv[n++] = (char *)self;
    argv[n++] = "validate";
    argv[n++] = (char *)p->scenario;
    for (size_t k = 0; k < r->nsets; k++) {
        argv[n++] = "--set";
        argv[n++] = r->sets[k];
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (freopen("/dev/null", "w", stdout))
            execv(self, argv);
        _exit(127);
    }
    int st = 0;
    bool ok = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
    free(argv);
    return ok;
}

int sweep_plan_validate(const sweep_plan *p, const char *self, sgr_err *err)
{
    for (size_t i = 0; i < p->nruns; i += p->replicas)
        if (!combination_valid(p, &p->runs[i], self))
            return sgr_fail(err, "%s: combination %s%s does not validate (see above)", p->file,
                            p->runs[i].nsets ? p->runs[i].sets[0] : "(base)",
                            p->runs[i].nsets > 1 ? ", ..." : "");
    return 0;
}

/* The manifest after its comment line: the base scenario, then one line per run. Caller
 * frees; NULL when out of memory. */
static char *manifest_body(const sweep_plan *p)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    fprintf(f, "base\t%s\nindex\tdir\tseed\tsets\n", p->scenario);
    for (size_t i = 0; i < p->nruns; i++) {
        fprintf(f, "%zu\t%s\t%ld\t", i, p->runs[i].dir, p->runs[i].seed);
        for (size_t k = 0; k < p->runs[i].nsets; k++)
            fprintf(f, "%s--set %s", k ? " " : "", p->runs[i].sets[k]);
        fputc('\n', f);
    }
    fclose(f);
    return text;
}

/* The existing manifest after its comment line, or NULL if there is none. */
static char *manifest_read(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *text = NULL, *line = NULL;
    size_t len = 0, cap = 0;
    FILE *out = open_memstream(&text, &len);
    for (bool first = true; out && getline(&line, &cap, f) > 0; first = false)
        if (!first)
            fputs(line, out);
    if (out)
        fclose(out);
    free(line);
    fclose(f);
    return text;
}

int sweep_plan_check_manifest(const sweep_plan *p, sgr_err *err)
{
    char path[SWEEP_PATH + 64];
    snprintf(path, sizeof path, "%s/runs.tsv", p->outdir);
    char *old = manifest_read(path), *now = old ? manifest_body(p) : NULL;
    bool same = !old || (now && strcmp(old, now) == 0);
    free(old);
    free(now);
    if (!same)
        return sgr_fail(err,
                        "%s: %s holds the runs of another sweep (its runs.tsv lists other "
                        "runs, seeds or values, so its finished runs would be taken for "
                        "these): give another \"out\" or --out, or remove that directory",
                        p->file, p->outdir);
    return 0;
}

int sweep_plan_write_manifest(const sweep_plan *p, sgr_err *err)
{
    char path[SWEEP_PATH + 64], tmp[SWEEP_PATH + 80];
    snprintf(path, sizeof path, "%s/runs.tsv", p->outdir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    char *body = manifest_body(p);
    FILE *f = body ? fopen(tmp, "w") : NULL;
    if (!f) {
        free(body);
        return sgr_fail(err, "cannot write %s: %s", tmp, body ? strerror(errno) : "out of memory");
    }
    fprintf(f, "# simgrad sweep %s: run i is `simgrad sweep %s --out %s --run-index i`\n", p->file,
            p->file, p->outdir);
    fputs(body, f);
    free(body);
    if (fclose(f) != 0 || rename(tmp, path) != 0)
        return sgr_fail(err, "cannot write %s: %s", path, strerror(errno));
    return 0;
}

bool sweep_run_complete(const char *dir)
{
    char path[SWEEP_PATH + 64];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    json_t *s = json_load_file(path, 0, NULL);
    bool ok = s && json_is_true(json_object_get(s, "complete"));
    json_decref(s);
    return ok;
}

char **sweep_run_argv(const sweep_plan *p, const sweep_run *r, const char *self, char *seed_buf)
{
    char **argv = calloc(9 + 2 * r->nsets, sizeof *argv);
    if (!argv)
        return NULL;
    size_t n = 0;
    snprintf(seed_buf, 32, "%ld", r->seed);
    argv[n++] = (char *)self;
    argv[n++] = "run";
    argv[n++] = (char *)p->scenario;
    argv[n++] = "--quiet";
    argv[n++] = "--out";
    argv[n++] = (char *)r->dir;
    argv[n++] = "--seed";
    argv[n++] = seed_buf;
    for (size_t k = 0; k < r->nsets; k++) {
        argv[n++] = "--set";
        argv[n++] = r->sets[k];
    }
    return argv;
}
