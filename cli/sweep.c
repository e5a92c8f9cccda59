/* simgrad sweep: a base scenario run over a grid of --set values and replicas, locally with
 * -j N processes, one run at a time (--run-index, for Slurm array tasks and GNU parallel
 * lines written by --emit), resumable (finished runs are skipped, incomplete ones rerun),
 * merged into one CSV of every run's settings and headline results, and reported: the chosen
 * metric against each swept key (analysis/sweep_report.c). The sweep file and its expansion
 * into runs are sweep_plan.c's. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "simgrad/family.h"
#include "simgrad/output.h"
#include "simgrad/report.h"
#include "simgrad/sweep_report.h"
#include "sweep.h"

static const char usage_sweep[] =
    "usage: simgrad sweep SWEEP.json [-j N] [--out DIR]\n"
    "       simgrad sweep SWEEP.json --emit slurm|parallel [--out DIR]\n"
    "       simgrad sweep SWEEP.json --run-index I [--out DIR]\n"
    "       simgrad sweep SWEEP.json --merge [--out DIR]\n"
    "\n"
    "Run a base scenario over every combination of a grid of keys and over replicas, N at a\n"
    "time (default 1), each in its own run directory OUT/run-NNNN (run.log holds its output).\n"
    "Finished runs are skipped when the sweep is started again; incomplete ones rerun. Ends\n"
    "with OUT/results.csv (one row per run: the swept values, the seed and the results) and\n"
    "the sweep report: OUT/report.md, OUT/report.html and, per metric and swept key,\n"
    "OUT/sweep_METRIC_vs_KEY.png/.svg (mean over replicas with a 95% confidence interval).\n"
    "\n"
    "options:\n"
    "  -j N            runs at a time on this machine (default 1)\n"
    "  --out DIR       sweep directory (overrides the file's \"out\")\n"
    "  --emit slurm    write OUT/sweep.sbatch (a job array, one task per run),\n"
    "                  OUT/merge.sbatch and OUT/submit-slurm.sh; run nothing\n"
    "  --emit parallel write OUT/parallel.txt, one command per run, for GNU parallel\n"
    "                  (-j N here, --sshloginfile FILE across machines); run nothing\n"
    "  --run-index I   run run I only (0-based, OUT/runs.tsv lists them), unless complete\n"
    "  --merge         results.csv and the report from the run directories there are\n"
    "\n"
    "SWEEP.json: {\"base\": \"scenario.json\", \"grid\": {\"key.path\": [values, ...], ...},\n"
    "             \"list\": [{\"key.path\": value, ...}, ...],  (explicit combinations; with a\n"
    "                                                   grid, list x grid)\n"
    "             \"replicas\": R, \"metric\": \"COLUMN\" or [\"COLUMN\", ...], \"out\": \"DIR\"}\n"
    "Replica r runs with seed = the base scenario's seed + r (or 1 + r). The metric is a\n"
    "results.csv column; per-item results are ITEM.FIELD columns (e.g. m-sgc.runtime_s).\n"
    "Exit status: 0, 1 a run failed or is missing, 2 a bad sweep file or option.\n";

/* The usage, then each family's default metric (from its table). */
static void print_usage(FILE *f)
{
    fputs(usage_sweep, f);
    fputs("Default metric per family:\n", f);
    for (size_t i = 0; sgr_families[i]; i++) {
        const sgr_family_sweep *sw = sgr_families[i]->sweep;
        if (!sw)
            continue;
        if (sw->default_field)
            fprintf(f, "  %-16s ITEM.%s for each item of %s\n", sgr_families[i]->keys.name,
                    sw->default_field, sw->list_key ? sw->list_key : "the results");
        else
            fprintf(f, "  %-16s %s\n", sgr_families[i]->keys.name, sw->default_top);
    }
}

typedef enum { MODE_LOCAL, MODE_EMIT_SLURM, MODE_EMIT_PARALLEL, MODE_RUN_INDEX, MODE_MERGE } mode;

typedef struct sweep_opts {
    const char *file, *out;
    long jobs, index;
    mode mode;
} sweep_opts;

static int fail2(const char *what, const char *value)
{
    fprintf(stderr, "simgrad: sweep: %s%s\n", what, value);
    return 2;
}

static int parse_long(const char *s, long min, long *out)
{
    char *end;
    errno = 0;
    *out = strtol(s, &end, 10);
    return *s && !*end && errno == 0 && *out >= min ? 0 : -1;
}

/* --emit, --run-index and --merge each choose what the command does: one of them at most. */
static int set_mode(sweep_opts *o, mode m, const char *option)
{
    if (o->mode != MODE_LOCAL && o->mode != m) {
        fail2("--emit, --run-index and --merge exclude each other; got also ", option);
        return -1;
    }
    o->mode = m;
    return 0;
}

/* Returns 0, 1 (--help: done) or 2. */
static int parse_opts(int argc, char **argv, sweep_opts *o)
{
    *o = (sweep_opts){.jobs = 1, .mode = MODE_LOCAL};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_usage(stdout);
            return 1;
        } else if (strcmp(a, "-j") == 0 && next) {
            if (parse_long(argv[++i], 1, &o->jobs) < 0)
                return fail2("-j expects a positive integer, got ", next);
        } else if (strcmp(a, "--out") == 0 && next) {
            o->out = argv[++i];
        } else if (strcmp(a, "--emit") == 0 && next) {
            if (strcmp(next, "slurm") != 0 && strcmp(next, "parallel") != 0)
                return fail2("--emit expects slurm or parallel, got ", next);
            if (set_mode(o, strcmp(argv[++i], "slurm") == 0 ? MODE_EMIT_SLURM : MODE_EMIT_PARALLEL,
                         a) < 0)
                return 2;
        } else if (strcmp(a, "--run-index") == 0 && next) {
            if (parse_long(argv[++i], 0, &o->index) < 0)
                return fail2("--run-index expects a run number (0, 1, ...), got ", next);
            if (set_mode(o, MODE_RUN_INDEX, a) < 0)
                return 2;
        } else if (strcmp(a, "--merge") == 0) {
            if (set_mode(o, MODE_MERGE, a) < 0)
                return 2;
        } else if (a[0] == '-' && a[1]) {
            bool wants = strcmp(a, "-j") == 0 || strcmp(a, "--out") == 0 ||
                         strcmp(a, "--emit") == 0 || strcmp(a, "--run-index") == 0;
            return fail2(wants ? "missing value after " : "unknown option ", a);
        } else if (!o->file) {
            o->file = a;
        } else {
            return fail2("unexpected argument ", a);
        }
    }
    if (!o->file) {
        print_usage(stderr);
        return 2;
    }
    return 0;
}

/* Fork and exec `simgrad run` for r, its output in r->dir/run.log. Returns the pid or -1. */
static pid_t start_run(const sweep_plan *p, const sweep_run *r, const char *self)
{
    char seed[32];
    char **argv = sweep_run_argv(p, r, self, seed);
    if (!argv)
        return -1;
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        /* The run ends with the sweep, however the sweep ends (even SIGKILL): it gets SIGTERM,
         * writes its summary marked incomplete, and cannot race a resumed sweep. */
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
            _exit(127);
        char log[SWEEP_PATH + 64];
        snprintf(log, sizeof log, "%s/run.log", r->dir);
        sgr_err err;
        if (sgr_mkdir_p(r->dir, &err) == 0 && freopen(log, "w", stdout) && dup2(1, 2) >= 0)
            execv(self, argv);
        _exit(127);
    }
    free(argv);
    return pid;
}

/* The signal that interrupted the sweep (SIGINT, SIGTERM), or 0. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    interrupted = sig;
}

/* On Ctrl-C the runs got SIGINT from the terminal too; on SIGTERM (kill, a batch system) tell
 * them, so they write their summaries marked incomplete. Either way the sweep waits for them:
 * no run is left orphaned, and the next start reruns the incomplete ones. */
static void forward_interrupt(const sweep_plan *p)
{
    static bool forwarded;
    if (interrupted != SIGTERM || forwarded)
        return;
    forwarded = true;
    for (size_t i = 0; i < p->nruns; i++)
        if (p->runs[i].pid > 0)
            kill(p->runs[i].pid, SIGINT);
}

static void catch_interrupts(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static void note_exit(sweep_plan *p, pid_t pid, int st, size_t *failed)
{
    for (size_t i = 0; i < p->nruns; i++) {
        if (p->runs[i].pid != pid)
            continue;
        p->runs[i].pid = 0;
        if (interrupted && WIFEXITED(st) && WEXITSTATUS(st) == 130)
            continue; /* interrupted with the sweep: incomplete, not failed */
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            (*failed)++;
            fprintf(stderr, "\rsimgrad: %s failed (exit %d): see %s/run.log\n", p->runs[i].dir,
                    WIFEXITED(st) ? WEXITSTATUS(st) : -1, p->runs[i].dir);
        }
    }
}

/* Every run not yet complete, `jobs` at a time, until done or interrupted. */
static void run_local(sweep_plan *p, const char *self, long jobs, size_t *skipped, size_t *failed)
{
    size_t done = 0, running = 0, next = 0;
    sgr_progress prog;
    sgr_progress_init(&prog, true);
    catch_interrupts();
    while ((next < p->nruns && !interrupted) || running > 0) {
        while (running < (size_t)jobs && next < p->nruns && !interrupted) {
            sweep_run *rn = &p->runs[next++];
            if (sweep_run_complete(rn->dir)) {
                (*skipped)++;
                done++;
            } else if ((rn->pid = start_run(p, rn, self)) > 0) {
                running++;
            } else {
                (*failed)++;
                done++;
            }
        }
        if (running == 0)
            break;
        int st;
        if (interrupted)
            forward_interrupt(p);
        pid_t pid = wait(&st);
        if (interrupted)
            forward_interrupt(p);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid < 0)
            break;
        note_exit(p, pid, st, failed);
        running--;
        done++;
        sgr_progress_update(&prog, "run", (double)done, (double)p->nruns, 0);
    }
    sgr_progress_finish(&prog);
}

/* results.csv, then the report. Returns 0, 1 (runs missing or failed, I/O) or 2 (report
 * input). */
static int merge_and_report(const sweep_plan *p, size_t *ncomplete)
{
    sgr_err err;
    if (sweep_merge(p, ncomplete, &err) < 0) {
        fprintf(stderr, "simgrad: %s\n", err.msg);
        return 1;
    }
    if (*ncomplete == 0) {
        fprintf(stderr, "simgrad: %s: no complete run yet, so no report\n", p->outdir);
        return 1;
    }
    const sgr_family *fam = sgr_family_find(p->family);
    int rc = sgr_sweep_report_write(p->outdir, p->metrics, p->nmetrics,
                                    fam && fam->sweep ? fam->sweep->counts : NULL, &err);
    if (rc < 0) {
        fprintf(stderr, "simgrad: %s\n", err.msg);
        return rc == SGR_REPORT_EINPUT ? 2 : 1;
    }
    return 0;
}

static int cmd_local(sweep_plan *p, const char *self, long jobs)
{
    sgr_err err;
    if (sweep_plan_validate(p, self, &err) < 0 || sweep_plan_check_manifest(p, &err) < 0 ||
        sgr_mkdir_p(p->outdir, &err) < 0 || sweep_plan_write_manifest(p, &err) < 0) {
        fprintf(stderr, "simgrad: %s\n", err.msg);
        return 2;
    }
    size_t skipped = 0, failed = 0, ncomplete = 0;
    run_local(p, self, jobs, &skipped, &failed);
    int rc = merge_and_report(p, &ncomplete);
    if (interrupted) {
        printf("sweep: interrupted with %zu of %zu runs complete; start it again to run the "
               "rest (complete runs are skipped)\n",
               ncomplete, p->nruns);
        return 130;
    }
    printf("sweep: %zu runs (%zu already done, %zu failed), results in %s/results.csv, "
           "report in %s/report.html\n",
           p->nruns, skipped, failed, p->outdir, p->outdir);
    return rc ? rc : failed ? 1 : 0;
}

static int cmd_merge(const sweep_plan *p)
{
    size_t ncomplete = 0;
    int rc = merge_and_report(p, &ncomplete);
    printf("sweep: %zu of %zu runs complete, results in %s/results.csv%s\n", ncomplete, p->nruns,
           p->outdir, rc == 0 ? ", report in report.html there" : "");
    return rc ? rc : ncomplete < p->nruns ? 1 : 0;
}

/* One run, in this process's place: for a Slurm array task or a GNU parallel line. */
static int cmd_run_index(const sweep_plan *p, long index, const char *self)
{
    if ((size_t)index >= p->nruns) {
        fprintf(stderr, "simgrad: sweep: --run-index %ld: %s has runs 0 to %zu\n", index, p->file,
                p->nruns - 1);
        return 2;
    }
    const sweep_run *r = &p->runs[index];
    if (sweep_run_complete(r->dir)) {
        printf("sweep: %s is complete, skipped\n", r->dir);
        return 0;
    }
    char seed[32], log[SWEEP_PATH + 64];
    char **argv = sweep_run_argv(p, r, self, seed);
    sgr_err err;
    snprintf(log, sizeof log, "%s/run.log", r->dir);
    if (!argv || sgr_mkdir_p(r->dir, &err) < 0) {
        fprintf(stderr, "simgrad: %s\n", argv ? err.msg : "out of memory");
        return 1;
    }
    printf("sweep: run %ld of %s: %s (its output in run.log there)\n", index, p->file, r->dir);
    fflush(NULL);
    if (freopen(log, "w", stdout) && dup2(1, 2) >= 0)
        execv(self, argv);
    fprintf(stderr, "simgrad: cannot run %s: %s\n", self, strerror(errno));
    return 1;
}

static int cmd_emit(const sweep_plan *p, mode m, const char *self)
{
    sgr_err err;
    int rc =
        sweep_plan_validate(p, self, &err) < 0 || sweep_plan_check_manifest(p, &err) < 0 ? 2 : 0;
    if (rc == 0 && sgr_mkdir_p(p->outdir, &err) < 0)
        rc = 1;
    if (rc == 0 && (m == MODE_EMIT_SLURM ? sweep_emit_slurm(p, self, &err)
                                         : sweep_emit_parallel(p, self, &err)) < 0)
        rc = 1;
    if (rc)
        fprintf(stderr, "simgrad: %s\n", err.msg);
    return rc;
}

int sgr_cli_sweep(int argc, char **argv, const char *self)
{
    sweep_opts o;
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc == 1 ? 0 : rc;
    sweep_plan p;
    sgr_err err;
    if (sweep_plan_load(&p, o.file, o.out, &err) < 0) {
        fprintf(stderr, "simgrad: %s\n", err.msg);
        sweep_plan_free(&p);
        return 2;
    }
    switch (o.mode) {
    case MODE_LOCAL:
        rc = cmd_local(&p, self, o.jobs);
        break;
    case MODE_MERGE:
        rc = cmd_merge(&p);
        break;
    case MODE_RUN_INDEX:
        rc = cmd_run_index(&p, o.index, self);
        break;
    default:
        rc = cmd_emit(&p, o.mode, self);
    }
    sweep_plan_free(&p);
    return rc;
}
