/* simgrad sweep --emit: the sweep as files for a cluster. Each task is
 * `simgrad sweep SWEEP.json --out OUT --run-index I`, which expands the sweep file with the
 * same code as the local runner and runs run I (skipped when already complete), so a task
 * line stays short and every way of running a sweep fills the same run directories. The
 * merge step is `simgrad sweep SWEEP.json --out OUT --merge`. Paths are absolute: machines
 * that share the file system at the same paths can run any task. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "simgrad/output.h"
#include "sweep.h"

/* s single-quoted for sh. */
static void put_sh(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    }
    fputc('\'', f);
}

/* `SELF sweep FILE --out OUT` followed by what. */
static void put_task(FILE *f, const sweep_plan *p, const char *self, const char *what)
{
    put_sh(f, self);
    fputs(" sweep ", f);
    put_sh(f, p->file);
    fputs(" --out ", f);
    put_sh(f, p->outdir);
    fprintf(f, " %s", what);
}

static FILE *open_in_out(const sweep_plan *p, const char *name, char *path, size_t size,
                         sgr_err *err)
{
    snprintf(path, size, "%s/%s", p->outdir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        sgr_fail(err, "cannot write %s: %s", path, strerror(errno));
    return f;
}

static int close_script(FILE *f, const char *path, bool executable, sgr_err *err)
{
    if (fclose(f) != 0 || (executable && chmod(path, 0755) != 0))
        return sgr_fail(err, "cannot write %s: %s", path, strerror(errno));
    return 0;
}

static int prepare(const sweep_plan *p, sgr_err *err)
{
    char logs[SWEEP_PATH + 16];
    snprintf(logs, sizeof logs, "%s/slurm", p->outdir);
    if (sgr_mkdir_p(logs, err) < 0)
        return -1;
    return sweep_plan_write_manifest(p, err);
}

/* The sweep directory's name, for job names. */
static const char *job_name(const sweep_plan *p)
{
    const char *slash = strrchr(p->outdir, '/');
    return slash && slash[1] ? slash + 1 : p->outdir;
}

static int write_array(const sweep_plan *p, const char *self, sgr_err *err)
{
    char path[SWEEP_PATH + 64];
    FILE *f = open_in_out(p, "sweep.sbatch", path, sizeof path, err);
    if (!f)
        return -1;
    fprintf(f,
            "#!/bin/sh\n"
            "# simgrad sweep %s: one array task per run (%zu runs, listed in\n"
            "# %s/runs.tsv). Task I runs run I unless it is already complete, so\n"
            "# resubmitting resumes. Options given to sbatch on its command line override these\n"
            "# (e.g. --array=0-%zu%%8 for at most 8 tasks at a time).\n"
            "#SBATCH --job-name=simgrad-sweep-%s\n"
            "#SBATCH --array=0-%zu\n"
            "#SBATCH --ntasks=1\n"
            "#SBATCH --cpus-per-task=1\n"
            "#SBATCH --output=%s/slurm/run-%%a.out\n"
            "exec ",
            p->file, p->nruns, p->outdir, p->nruns - 1, job_name(p), p->nruns - 1, p->outdir);
    put_task(f, p, self, "--run-index \"$SLURM_ARRAY_TASK_ID\"\n");
    return close_script(f, path, true, err);
}

static int write_merge(const sweep_plan *p, const char *self, sgr_err *err)
{
    char path[SWEEP_PATH + 64];
    FILE *f = open_in_out(p, "merge.sbatch", path, sizeof path, err);
    if (!f)
        return -1;
    fprintf(f,
            "#!/bin/sh\n"
            "# simgrad sweep %s: after the array job, results.csv and the sweep report.\n"
            "#SBATCH --job-name=simgrad-merge-%s\n"
            "#SBATCH --ntasks=1\n"
            "#SBATCH --output=%s/slurm/merge.out\n"
            "exec ",
            p->file, job_name(p), p->outdir);
    put_task(f, p, self, "--merge\n");
    return close_script(f, path, true, err);
}

static int write_submit(const sweep_plan *p, sgr_err *err)
{
    char path[SWEEP_PATH + 64];
    FILE *f = open_in_out(p, "submit-slurm.sh", path, sizeof path, err);
    if (!f)
        return -1;
    fputs("#!/bin/sh\n"
          "# Submit the sweep's array job, then the merge job once every task has ended\n"
          "# (afterany: failed runs are merged as incomplete). Arguments go to both sbatch\n"
          "# calls, e.g. --partition=NAME. Prints both job ids.\n"
          "set -e\n"
          "here=$(cd \"$(dirname \"$0\")\" && pwd)\n"
          "array=$(sbatch --parsable \"$@\" \"$here/sweep.sbatch\")\n"
          "array=${array%%;*}\n"
          "merge=$(sbatch --parsable \"$@\" --dependency=afterany:\"$array\" "
          "\"$here/merge.sbatch\")\n"
          "echo \"array job $array, merge job ${merge%%;*}\"\n",
          f);
    return close_script(f, path, true, err);
}

int sweep_emit_slurm(const sweep_plan *p, const char *self, sgr_err *err)
{
    if (prepare(p, err) < 0 || write_array(p, self, err) < 0 || write_merge(p, self, err) < 0 ||
        write_submit(p, err) < 0)
        return -1;
    printf("sweep: %zu runs as a Slurm job array in %s:\n"
           "  sweep.sbatch     the array (task I runs run I; complete runs are skipped)\n"
           "  merge.sbatch     results.csv and the report, once the array has ended\n"
           "  submit-slurm.sh  submits both: %s/submit-slurm.sh [sbatch options]\n"
           "or by hand:\n"
           "  jid=$(sbatch --parsable %s/sweep.sbatch)\n"
           "  sbatch --dependency=afterany:$jid %s/merge.sbatch\n"
           "or merge from any shell: simgrad sweep %s --out %s --merge\n",
           p->nruns, p->outdir, p->outdir, p->outdir, p->outdir, p->file, p->outdir);
    if (p->nruns > 1001) /* Slurm's default MaxArraySize */
        printf("note: %zu tasks is more than Slurm's default MaxArraySize (1001) allows; submit "
               "in parts with sbatch --array=0-1000 ..., --array=1001-2001 ..., or ask for a "
               "larger MaxArraySize\n",
               p->nruns);
    return 0;
}

int sweep_emit_parallel(const sweep_plan *p, const char *self, sgr_err *err)
{
    if (sgr_mkdir_p(p->outdir, err) < 0 || sweep_plan_write_manifest(p, err) < 0)
        return -1;
    char path[SWEEP_PATH + 64];
    FILE *f = open_in_out(p, "parallel.txt", path, sizeof path, err);
    if (!f)
        return -1;
    for (size_t i = 0; i < p->nruns; i++) {
        char what[64];
        snprintf(what, sizeof what, "--run-index %zu\n", i);
        put_task(f, p, self, what);
    }
    if (close_script(f, path, false, err) < 0)
        return -1;
    printf("sweep: %zu runs, one command per line, in %s\n"
           "locally, N at a time:\n"
           "  parallel -j N < %s\n"
           "across machines that share this file system at the same paths (HOSTS: one\n"
           "ssh login per line, e.g. 4/node1 for 4 jobs there; : is this machine):\n"
           "  parallel --sshloginfile HOSTS < %s\n"
           "then results.csv and the report:\n"
           "  %s sweep %s --out %s --merge\n",
           p->nruns, path, path, path, self, p->file, p->outdir);
    return 0;
}
