/* simgrad sweep: a base scenario run over a grid of --set values and replicas, locally with
 * -j N processes, resumable (finished runs are skipped, incomplete ones rerun), merged into one
 * CSV of every run's settings and headline results.
 *
 * SWEEP.json: {"base": "scenario.json",          (relative to the sweep file)
 *              "grid": {"key.path": [v1, v2], ...},   (every combination)
 *              "replicas": 3,                      (seeds base_seed + 0, 1, 2; default 1)
 *              "out": "out/my-sweep"}              (default out/<sweep name>) */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "simgrad/output.h"

typedef struct sweep_run {
    char dir[4200];
    char **sets; /* "key=value" */
    size_t nsets;
    long seed;
    pid_t pid;
    int status;
} sweep_run;

static int fail2(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "simgrad: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return 2;
}

/* Whether run directory dir holds a complete summary. */
static int run_complete(const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    json_t *s = json_load_file(path, 0, NULL);
    int ok = s && json_is_true(json_object_get(s, "complete"));
    json_decref(s);
    return ok;
}

static pid_t start_run(const char *self, const char *scenario, const sweep_run *r)
{
    char **argv = calloc(8 + 2 * r->nsets + 4, sizeof *argv);
    size_t n = 0;
    char seed[64];
    snprintf(seed, sizeof seed, "%ld", r->seed);
    argv[n++] = (char *)self;
    argv[n++] = "run";
    argv[n++] = (char *)scenario;
    argv[n++] = "--quiet";
    argv[n++] = "--out";
    argv[n++] = (char *)r->dir;
    argv[n++] = "--seed";
    argv[n++] = seed;
    for (size_t k = 0; k < r->nsets; k++) {
        argv[n++] = "--set";
        argv[n++] = r->sets[k];
    }
    argv[n] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        char log[4200];
        snprintf(log, sizeof log, "%s/run.log", r->dir);
        sgr_err err;
        if (sgr_mkdir_p(r->dir, &err) == 0 && freopen(log, "w", stdout) && dup2(1, 2) >= 0)
            execv(self, argv);
        _exit(127);
    }
    free(argv);
    return pid;
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

/* results.csv: one row per run, the swept keys, the seed, then the top-level numbers of
 * summary.json and of its results (the union over runs, sorted). */
static int merge(const char *out, sweep_run *runs, size_t nruns, json_t *grid)
{
    json_t *cols = json_object();
    json_t **sums = calloc(nruns, sizeof *sums);
    for (size_t i = 0; i < nruns; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/summary.json", runs[i].dir);
        sums[i] = json_load_file(path, 0, NULL);
        json_t *res = json_object_get(sums[i], "results");
        const char *k;
        json_t *v;
        json_object_foreach(res, k, v) if (json_is_number(v) && strcmp(k, "simulated_time_s") != 0)
            json_object_set_new(cols, k, json_true());
    }
    char path[4200], tmp[4300];
    snprintf(path, sizeof path, "%s/results.csv", out);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return fail2("cannot write %s: %s", tmp, strerror(errno));
    fputs("run", f);
    const char *key;
    json_t *val;
    json_object_foreach(grid, key, val) fprintf(f, ",%s", key);
    fputs(",seed,complete,simulated_time_s,wall_clock_seconds,peak_rss_mb", f);
    json_object_foreach(cols, key, val) fprintf(f, ",%s", key);
    fputc('\n', f);
    for (size_t i = 0; i < nruns; i++) {
        char *b = strdup(runs[i].dir);
        fprintf(f, "%s", basename(b));
        free(b);
        size_t g = 0;
        json_object_foreach(grid, key, val)
        {
            const char *eq = strchr(runs[i].sets[g++], '=');
            fprintf(f, ",%s", eq ? eq + 1 : "");
        }
        fprintf(f, ",%ld,%s", runs[i].seed,
                json_is_true(json_object_get(sums[i], "complete")) ? "true" : "false");
        static const char *top[] = {"simulated_time_s", "wall_clock_seconds", "peak_rss_mb"};
        for (int t = 0; t < 3; t++) {
            fputc(',', f);
            csv_cell(f, json_object_get(sums[i], top[t]));
        }
        json_t *res = json_object_get(sums[i], "results");
        json_object_foreach(cols, key, val)
        {
            fputc(',', f);
            csv_cell(f, json_object_get(res, key));
        }
        fputc('\n', f);
        json_decref(sums[i]);
    }
    free(sums);
    json_decref(cols);
    if (fclose(f) != 0 || rename(tmp, path) != 0)
        return fail2("cannot write %s: %s", path, strerror(errno));
    return 0;
}

static const char usage_sweep[] =
    "usage: simgrad sweep SWEEP.json [-j N]\n"
    "\n"
    "Run a base scenario over every combination of a grid of keys and over replicas, N at a\n"
    "time (default 1), each in its own run directory OUT/run-NNNN (run.log holds its output).\n"
    "Finished runs are skipped when the sweep is started again; incomplete ones rerun. Ends\n"
    "with OUT/results.csv: one row per run, the swept values, the seed and the results.\n"
    "\n"
    "SWEEP.json: {\"base\": \"scenario.json\", \"grid\": {\"key.path\": [values, ...], ...},\n"
    "             \"replicas\": R, \"out\": \"DIR\"}\n"
    "Replica r runs with seed = the base scenario's seed + r (or 1 + r).\n";

int sgr_cli_sweep(int argc, char **argv, const char *self)
{
    const char *file = NULL;
    long jobs = 1;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_sweep, stdout);
            return 0;
        } else if (strcmp(argv[i], "-j") == 0 && i + 1 < argc) {
            char *end;
            jobs = strtol(argv[++i], &end, 10);
            if (*end || jobs < 1)
                return fail2("-j expects a positive integer, got \"%s\"%s", argv[i], "");
        } else if (!file) {
            file = argv[i];
        } else {
            return fail2("unexpected argument %s%s", argv[i], "");
        }
    }
    if (!file) {
        fputs(usage_sweep, stderr);
        return 2;
    }
    json_error_t jerr;
    json_t *sw = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr);
    if (!sw || !json_is_object(sw)) {
        fprintf(stderr, "simgrad: %s:%d:%d: %s\n", file, jerr.line, jerr.column,
                sw ? "expected a JSON object" : jerr.text);
        json_decref(sw);
        return 2;
    }
    int rc = 2;
    const char *key;
    json_t *val;
    json_object_foreach(sw, key, val) if (strcmp(key, "base") && strcmp(key, "grid") &&
                                          strcmp(key, "replicas") && strcmp(key, "out"))
    {
        fprintf(stderr, "simgrad: %s: unknown key %s (expected base, grid, replicas, out)\n", file,
                key);
        json_decref(sw);
        return 2;
    }
    json_t *base = json_object_get(sw, "base"), *grid = json_object_get(sw, "grid");
    json_t *reps = json_object_get(sw, "replicas"), *outv = json_object_get(sw, "out");
    if (!json_is_string(base) || (grid && !json_is_object(grid)) ||
        (reps && (!json_is_integer(reps) || json_integer_value(reps) < 1)) ||
        (outv && !json_is_string(outv))) {
        fprintf(stderr,
                "simgrad: %s: expected \"base\" (a scenario file), \"grid\" (an object "
                "of key: [values]), \"replicas\" (a positive integer), \"out\" (a "
                "directory)\n",
                file);
        json_decref(sw);
        return 2;
    }
    if (!grid)
        grid = json_object();
    else
        json_incref(grid);
    size_t ncomb = 1, nkeys = json_object_size(grid);
    json_object_foreach(grid, key, val)
    {
        if (!json_is_array(val) || json_array_size(val) == 0) {
            fprintf(stderr, "simgrad: %s: grid.%s: expected a non-empty array of values\n", file,
                    key);
            goto out_grid;
        }
        ncomb *= json_array_size(val);
    }
    size_t replicas = reps ? (size_t)json_integer_value(reps) : 1;
    char *fcopy = strdup(file), *bcopy = strdup(file);
    char scenario[4096], outdir[4000];
    const char *bs = json_string_value(base);
    if (bs[0] == '/')
        snprintf(scenario, sizeof scenario, "%s", bs);
    else
        snprintf(scenario, sizeof scenario, "%s/%s", dirname(fcopy), bs);
    char *name = basename(bcopy), *dot = strrchr(name, '.');
    if (dot)
        *dot = '\0';
    if (outv)
        snprintf(outdir, sizeof outdir, "%s", json_string_value(outv));
    else
        snprintf(outdir, sizeof outdir, "out/%s", name);
    free(fcopy);
    free(bcopy);
    if (access(scenario, R_OK) != 0) {
        fprintf(stderr, "simgrad: %s: base: cannot read %s: %s\n", file, scenario, strerror(errno));
        goto out_grid;
    }
    /* the base seed */
    json_t *scn = json_load_file(scenario, 0, NULL);
    long seed0 = json_is_integer(json_object_get(scn, "seed"))
                     ? (long)json_integer_value(json_object_get(scn, "seed"))
                     : 1;
    json_decref(scn);
    size_t nruns = ncomb * replicas;
    sweep_run *runs = calloc(nruns, sizeof *runs);
    for (size_t c = 0; c < ncomb; c++)
        for (size_t r = 0; r < replicas; r++) {
            sweep_run *rn = &runs[c * replicas + r];
            snprintf(rn->dir, sizeof rn->dir, "%s/run-%04zu", outdir, c * replicas + r);
            rn->seed = seed0 + (long)r;
            rn->sets = calloc(nkeys ? nkeys : 1, sizeof *rn->sets);
            size_t idx = c, k = 0;
            json_object_foreach(grid, key, val)
            {
                size_t len = json_array_size(val);
                char *v = json_dumps(json_array_get(val, idx % len),
                                     JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(12));
                idx /= len;
                rn->sets[k] = malloc(strlen(key) + strlen(v) + 2);
                sprintf(rn->sets[k++], "%s=%s", key, v);
                free(v);
            }
            rn->nsets = k;
        }
    /* check every combination before running any (a bad value is an error now, not later) */
    for (size_t i = 0; i < nruns; i += replicas) {
        char **argv2 = calloc(4 + 2 * runs[i].nsets, sizeof *argv2);
        size_t n = 0;
        argv2[n++] = (char *)self;
        argv2[n++] = "validate";
        argv2[n++] = scenario;
        for (size_t k = 0; k < runs[i].nsets; k++) {
            argv2[n++] = "--set";
            argv2[n++] = runs[i].sets[k];
        }
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            if (!freopen("/dev/null", "w", stdout))
                _exit(127);
            execv(self, argv2);
            _exit(127);
        }
        int st;
        waitpid(pid, &st, 0);
        free(argv2);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            fprintf(stderr, "simgrad: %s: combination %s%s... does not validate (see above)\n",
                    file, runs[i].nsets ? runs[i].sets[0] : "(base)", "");
            goto out_runs;
        }
    }
    sgr_err err;
    if (sgr_mkdir_p(outdir, &err) < 0) {
        fprintf(stderr, "simgrad: %s\n", err.msg);
        goto out_runs;
    }
    size_t skipped = 0, done = 0, failed = 0, running = 0, next = 0;
    sgr_progress prog;
    sgr_progress_init(&prog, true);
    while (next < nruns || running > 0) {
        while (running < (size_t)jobs && next < nruns) {
            sweep_run *rn = &runs[next++];
            if (run_complete(rn->dir)) {
                skipped++;
                done++;
                continue;
            }
            rn->pid = start_run(self, scenario, rn);
            running++;
        }
        if (running == 0)
            break;
        int st;
        pid_t pid = wait(&st);
        for (size_t i = 0; i < nruns; i++)
            if (runs[i].pid == pid) {
                runs[i].pid = 0;
                runs[i].status = st;
                if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
                    failed++;
                    fprintf(stderr, "\rsimgrad: %s failed (exit %d): see %s/run.log\n", runs[i].dir,
                            WIFEXITED(st) ? WEXITSTATUS(st) : -1, runs[i].dir);
                }
            }
        running--;
        done++;
        sgr_progress_update(&prog, "run", (double)done, (double)nruns, 0);
    }
    sgr_progress_finish(&prog);
    rc = merge(outdir, runs, nruns, grid);
    printf("sweep: %zu runs (%zu already done, %zu failed), results in %s/results.csv\n", nruns,
           skipped, failed, outdir);
    if (rc == 0 && failed)
        rc = 1;
out_runs:
    for (size_t i = 0; i < nruns; i++) {
        for (size_t k = 0; k < runs[i].nsets; k++)
            free(runs[i].sets[k]);
        free(runs[i].sets);
    }
    free(runs);
out_grid:
    json_decref(grid);
    json_decref(sw);
    return rc;
}
