/* One run of a scenario: platform, workload, the family's actors, simulation, outputs. */
#include "simgrad/run.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cblas.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/version.h>
#include <xbt/config.h>
#include <xbt/log.h>

#include "simgrad/config.h"
#include "simgrad/host_failures.h"
#include "simgrad/network.h"
#include "simgrad/rng.h"
#include "actors/run_internal.h"

XBT_LOG_NEW_CATEGORY(simgrad, "simgrad: distributed learning on SimGrid");
XBT_LOG_NEW_DEFAULT_SUBCATEGORY(sgr_run, simgrad, "simgrad run layer");

#ifndef SIMGRAD_VERSION
#define SIMGRAD_VERSION "0"
#endif
#ifndef SIMGRAD_GIT
#define SIMGRAD_GIT "unknown"
#endif

/* SIGINT and SIGTERM (Ctrl-C, kill, Slurm, timeout) ask the run to stop: set-up phases and
 * actors wind down and the summary is written marked incomplete. A second one of the same
 * signal ends the process at once (SA_RESETHAND). */
static void on_stop_signal(int sig)
{
    sgr_stop_request(sig);
}

void sgr_run_catch_signals(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESETHAND | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* A file-size limit is then a write error (EFBIG) that names the file, not a kill. */
    signal(SIGXFSZ, SIG_IGN);
}

bool sgr_run_interrupted(void)
{
    return sgr_stop_reason() != 0;
}

unsigned sgr_run_stack_kib(const sgr_run *run)
{
    return (unsigned)((run->stack_size + 1023) / 1024);
}

sg_actor_t sgr_run_spawn(sgr_run *run, const char *name, sg_host_t host, void (*code)(int, char **),
                         void *data)
{
    /* The data also travels in argv: SimGrid keeps the arguments, not the user data, when it
     * restarts an actor whose host failed and came back. */
    char ptr[32];
    snprintf(ptr, sizeof ptr, "%p", data);
    const char *argv[] = {name, ptr, NULL};
    sg_actor_t a = sg_actor_init(name, host);
    /* SimGrid 3.32 takes KiB here, not the bytes its header suggests. */
    sg_actor_set_stacksize(a, sgr_run_stack_kib(run));
    sg_actor_set_data(a, data);
    sg_actor_start(a, code, 2, (char **)argv);
    return a;
}

/* Above this many live actors, stacks lose their guard page: with one, each stack is two
 * mappings, and the kernel's default vm.max_map_count (65,530) stops SimGrid at about 32,700
 * actors ("Failed to protect stack"). Below it the guard page stays: without it, a stack
 * overflow corrupts the heap silently. bench/README.md, "100,000 nodes", has the figures. */
#define SGR_RUN_GUARDED_ACTORS 25000
#define SGR_RUN_BIG_STACK (256u * 1024u)

void sgr_run_expect_actors(sgr_run *run, size_t n)
{
    if (n <= SGR_RUN_GUARDED_ACTORS || run->many_actors)
        return;
    /* A stack is freed by the guard size in force then, not at its creation: switching with
     * actors alive would free their stacks at a wrong address. */
    if (sg_actor_count() > 0) {
        XBT_WARN("%zu actors expected, but %zu exist already: stacks keep their guard page", n,
                 sg_actor_count());
        return;
    }
    run->many_actors = n;
    /* Without a guard page SimGrid calloc's the stack: stacks at or above glibc's mmap
     * threshold, fixed here, are mapped on their own, untouched pages cost nothing and the
     * kernel merges adjacent mappings; smaller ones would come from the heap, zeroed, so all
     * resident. glibc maps at most M_MMAP_MAX blocks (65,536 by default), then uses the heap. */
    if (run->stack_size < SGR_RUN_BIG_STACK)
        run->stack_size = SGR_RUN_BIG_STACK;
    unsigned threshold = run->stack_size < (32u << 20) ? run->stack_size : (32u << 20);
    mallopt(M_MMAP_THRESHOLD, (int)threshold);
    mallopt(M_MMAP_MAX, 1 << 22);
    sg_cfg_set_int("contexts/guard-size", 0);
    XBT_INFO("actor stacks: guard pages off above %d actors (%zu expected), %u KiB each, "
             "mapped on their own",
             SGR_RUN_GUARDED_ACTORS, n, sgr_run_stack_kib(run));
}

void *sgr_actor_data(int argc, char **argv)
{
    void *p = NULL;
    if (argc >= 2 && sscanf(argv[1], "%p", &p) == 1)
        return p;
    return sg_actor_self_get_data();
}

int sgr_run_metrics(sgr_run *run, const char *const *columns, size_t ncols, sgr_err *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/metrics.csv", run->outdir);
    run->metrics = sgr_metrics_open(path, columns, ncols, err);
    return run->metrics ? 0 : -1;
}

void sgr_actor_compute(double flops, double speed, const sgr_straggle *s)
{
    if (s && s->task_time >= 0) {
        sg_actor_sleep_for(s->task_time);
        return;
    }
    double factor = s ? s->factor : 1.0;
    if (flops > 0)
        sg_actor_execute(flops * factor / speed);
    if (s && s->delay > 0)
        sg_actor_sleep_for(s->delay);
}

void sgr_run_compute(sgr_run *run, double flops, double speed, const sgr_straggle *s)
{
    double t0 = sgr_ctrace_now(run->ctrace);
    sgr_actor_compute(flops, speed, s);
    if (run->ctrace)
        sgr_ctrace_compute(run->ctrace, t0, flops, speed * sg_host_get_speed(sg_host_self()), s);
}

void sgr_run_trace_self(sgr_run *run, size_t host, const char *name)
{
    if (run->ctrace)
        sgr_ctrace_join(run->ctrace, (long)host, sg_host_get_name(run->hosts[host]), name);
}

static int collect_hosts(sgr_run *run, sgr_err *err)
{
    size_t n = sg_host_count();
    run->hosts = malloc(n * sizeof *run->hosts);
    run->speed = malloc(n * sizeof *run->speed);
    if (!run->hosts || !run->speed)
        return sgr_fail(err, "out of memory");
    if (run->platform.kind == SGR_PLAT_FILE) {
        sg_host_t *all = sg_host_list();
        memcpy(run->hosts, all, n * sizeof *all);
        free(all);
        qsort(run->hosts, n, sizeof *run->hosts, sgr_run_cmp_host_names);
    } else {
        for (size_t i = 0; i < n; i++) {
            char name[32];
            snprintf(name, sizeof name, "h%zu", i);
            run->hosts[i] = sg_host_by_name(name);
            if (!run->hosts[i])
                return sgr_fail(err, "internal: generated platform lacks host %s", name);
        }
    }
    run->nhosts = n;
    gsl_rng *rng = sgr_rng_new(run->seed, "host-speed", 0);
    if (!rng)
        return sgr_fail(err, "out of memory");
    sgr_platform_speed_factors(&run->platform, n, rng, run->speed);
    gsl_rng_free(rng);
    return 0;
}

/* argv for simgrid_init: our settings first, the user's --cfg/--log after, so theirs win. */
static char **simgrid_argv(const sgr_run *run, const sgr_run_opts *opts, int *argc)
{
    char **argv = calloc((size_t)opts->sg_argc + 24, sizeof *argv);
    int n = 0;
    if (!argv)
        return NULL;
    argv[n++] = strdup("simgrad");
    argv[n++] = strdup("--log=xbt_cfg.thres:warning");
    char buf[4200];
    snprintf(buf, sizeof buf, "--cfg=contexts/stack-size:%u", sgr_run_stack_kib(run));
    argv[n++] = strdup(buf);
    snprintf(buf, sizeof buf, "--cfg=network/model:%s", run->cfg->simulation.network_model);
    argv[n++] = strdup(buf);
    /* network.model (issue 15): ns-3's settings, after the flow model they replace */
    int extra = sgr_network_sg_argv(&run->cfg->network, &run->platform, run->seed, argv + n);
    n += extra > 0 ? extra : 0;
    if (run->cfg->output.paje) {
        argv[n++] = strdup("--cfg=tracing:yes");
        argv[n++] = strdup("--cfg=tracing/uncategorized:yes");
        snprintf(buf, sizeof buf, "--cfg=tracing/filename:%s/trace.paje", run->outdir);
        argv[n++] = strdup(buf);
        /* The topology graph fails on split-duplex cluster links in SimGrid 3.32 ("container
         * leaf0_link_0_DOWN not found") and takes minutes at 10,000 hosts. */
        argv[n++] = strdup("--cfg=tracing/platform/topology:no");
    }
    for (const char *const *c = run->family->sg_cfg; c && *c; c++)
        argv[n++] = strdup(*c);
    for (int i = 0; i < opts->sg_argc; i++)
        argv[n++] = strdup(opts->sg_argv[i]);
    argv[n] = NULL;
    *argc = n;
    return argv;
}

static double peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0;
}

/* ---- The run directory: what a run writes besides its streamed outputs ----------------- */

/* What one sgr_run_scenario call keeps besides the run: SimGrid's argv, whether the engine
 * started (its clock is read only then), whether the directory holds our placeholder. */
typedef struct run_ctx {
    char **argv, **argv_owned;
    int argc, argc_owned;
    bool engine, marked;
    const char *phase;      /* the phase under way */
    const char *stopped_in; /* the phase in which a stop request was first seen */
    double wall0;
} run_ctx;

/* Files a run writes; their .part and .tmp siblings are ours too. */
static const char *const run_files[] = {"metrics.csv",    "trace.json",   "trace.paje",
                                        "link_loads.csv", "summary.json", NULL};

/* platform.xml is kept: it is rewritten when generated, and may be this run's own input
 * (platform.type "file" reusing an earlier run's platform in the same directory). */
static void unlink_in(const char *dir, const char *name, const char *suffix)
{
    char path[4400];
    if (!strchr(name, '/') && strcmp(name, "platform.xml") != 0 &&
        snprintf(path, sizeof path, "%s/%s%s", dir, name, suffix) < (int)sizeof path)
        unlink(path);
}

/* Remove what an earlier run left in outdir (its outputs, the files its summary names, and
 * their temporaries), then write a placeholder summary.json saying "status": "running",
 * "complete": false. A run killed from here on never leaves an older summary claiming
 * completion beside its own partial files. Returns 0 or -1 with err. */
static int mark_running(const sgr_run *run, sgr_err *err)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/summary.json", run->outdir);
    json_t *old = json_load_file(path, 0, NULL);
    const char *key;
    json_t *name;
    static const char *const suffixes[] = {"", ".part", ".tmp"};
    json_object_foreach(json_object_get(old, "files"), key, name)
    {
        for (size_t i = 0; json_is_string(name) && i < 3; i++)
            unlink_in(run->outdir, json_string_value(name), suffixes[i]);
    }
    json_decref(old);
    for (const char *const *f = run_files; *f; f++)
        for (size_t i = 0; i < 3; i++)
            unlink_in(run->outdir, *f, suffixes[i]);
    json_t *s = json_pack("{s:s, s:s, s:s, s:s, s:I, s:b, s:b, s:O, s:{}, s:I, s:{}}", "status",
                          "running", "simgrad_git", SIMGRAD_GIT, "scenario", run->scn->path,
                          "family", run->family->keys.name, "seed", (json_int_t)run->seed,
                          "complete", 0, "interrupted", 0, "config", run->scn->root, "results",
                          "pid", (json_int_t)getpid(), "files");
    if (!s)
        return sgr_fail(err, "out of memory");
    int rc = sgr_json_write_atomic(path, s, err);
    json_decref(s);
    return rc;
}

static json_t *summary_files(const sgr_run *run)
{
    json_t *files = json_object();
    json_t *links = json_object_get(run->results, "link_loads_file");
    const char *names[][2] = {
        {"metrics", "metrics.csv"},
        {"summary", "summary.json"},
        {"platform", run->platform.kind != SGR_PLAT_FILE && !run->family->build_platform
                         ? "platform.xml"
                         : NULL},
        {"paje_trace", run->cfg->output.paje ? "trace.paje" : NULL},
        {"link_loads", json_string_value(links)},
        {"chrome_trace", run->cfg->output.chrome_trace ? "trace.json" : NULL}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char path[4400];
        if (!names[i][1])
            continue;
        snprintf(path, sizeof path, "%s/%s", run->outdir, names[i][1]);
        /* only files that are there, whole: a failed write removed its file */
        if (i == 1 || access(path, F_OK) == 0)
            json_object_set_new(files, names[i][0], json_string(names[i][1]));
    }
    return files;
}

/* status: "complete", "interrupted" (a signal), or "failed" (error: why). */
static json_t *summary_new(const sgr_run *run, const run_ctx *ctx, const char *status,
                           const char *error)
{
    int maj, min, patch;
    sg_version_get(&maj, &min, &patch);
    char sgv[64];
    snprintf(sgv, sizeof sgv, "%d.%d.%d", maj, min, patch);
    int stop = sgr_stop_reason();
    json_t *s = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:b, s:O, s:o, s:f, s:f, s:f, s:I, s:o}",
        "status", status, "simgrad_version", SIMGRAD_VERSION, "simgrad_git", SIMGRAD_GIT,
        "simgrid_version", sgv, "scenario", run->scn->path, "family", run->family->keys.name,
        "seed", (json_int_t)run->seed, "complete", strcmp(status, "complete") == 0, "interrupted",
        stop > 0, "config", run->scn->root, "results",
        run->results ? json_incref(run->results) : json_object(), "simulated_time_s",
        ctx->engine ? simgrid_get_clock() : 0.0, "wall_clock_seconds", sgr_wall_time() - ctx->wall0,
        "peak_rss_mb", peak_rss_mb(), "hosts", (json_int_t)run->nhosts, "files",
        summary_files(run));
    if (s && stop > 0)
        json_object_set_new(s, "stopped_by", json_string(sgr_stop_name(stop)));
    const char *phase = ctx->stopped_in ? ctx->stopped_in : ctx->phase;
    if (s && strcmp(status, "complete") != 0 && phase)
        json_object_set_new(s, "stopped_in", json_string(phase));
    if (s && error)
        json_object_set_new(s, "error", json_string(error));
    if (s && run->many_actors)
        json_object_set_new(s, "actor_stacks",
                            json_pack("{s:b, s:I, s:I}", "guard_pages", 0, "actors_expected",
                                      (json_int_t)run->many_actors, "stack_kib",
                                      (json_int_t)sgr_run_stack_kib(run)));
    return s;
}

/* The data files a family with a workload reads must be readable (their contents are checked
 * when the workload loads). */
static int check_data_files(const sgr_config *cfg, sgr_err *err)
{
    const char *const files[][2] = {{"workload.path", cfg->workload.path},
                                    {"workload.test_path", cfg->workload.test_path},
                                    {"workload.fmnist_dir", cfg->workload.fmnist_dir}};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        if (files[i][1] && access(files[i][1], R_OK) < 0)
            return sgr_fail(err, "%s: %s: cannot read %s: %s", cfg->scn->path, files[i][0],
                            files[i][1], strerror(errno));
    return 0;
}

/* What SimGrid's Paje tracer and the in-memory platforms cannot do. */
static int check_platform_kind(const sgr_run *run, sgr_err *err)
{
    const sgr_config *cfg = run->cfg;
    const char *path = cfg->scn->path, *family = run->family->keys.name;
    bool paje = cfg->output.paje;
    if (paje && ((run->platform.kind == SGR_PLAT_LEAF_SPINE && run->platform.leaves > 1) ||
                 (run->platform.kind == SGR_PLAT_WAN && run->platform.sites > 1)))
        return sgr_fail(err,
                        "%s: output.paje: SimGrid 3.32's tracer crashes on platforms made "
                        "of several clusters (platform.type %s); use star, fat-tree, "
                        "dragonfly or torus for a Paje trace",
                        path, sgr_platform_kind_name(run->platform.kind));
    if (run->platform.kind == SGR_PLAT_THREE_TIER && !run->family->build_platform)
        return sgr_fail(err,
                        "%s: platform.type: three-tier is built in memory by the families that "
                        "build their own platform; the %s family runs on leaf-spine, fat-tree "
                        "and the others",
                        path, family);
    if (paje && run->family->build_platform)
        return sgr_fail(err,
                        "%s: output.paje: not available for the %s family's in-memory "
                        "platform",
                        path, family);
    return 0;
}

/* A straggler trace must cover the rounds the family will read from it. */
static int check_trace_rounds(const sgr_run *run, const sgr_config *cfg, sgr_err *err)
{
    const char *why = NULL;
    if (cfg->stragglers.kind != SGR_STRAG_TRACE || !run->family->trace_rounds)
        return 0;
    size_t need = run->family->trace_rounds(cfg, run->nhosts, &why);
    double *v;
    size_t rows, cols;
    if (need == 0 || sgr_trace_read_csv(cfg->stragglers.trace_path, &v, &rows, &cols, err) < 0)
        return need == 0 ? 0 : sgr_fail_prefix(err, "stragglers.trace");
    free(v);
    if (rows < need)
        return sgr_fail(err, "stragglers.trace has %zu rounds; %s %zu", rows,
                        why ? why : "the run reads", need);
    return 0;
}

/* Everything that can be checked without running: the platform, the family's parameters,
 * the straggler model (a trace's shape) and that data files are readable. No side effects
 * except a child process for a user's platform file. */
static int check_scenario(sgr_run *run, const sgr_config *cfg, sgr_err *err)
{
    const char *path = cfg->scn->path;
    run->cfg = cfg;
    run->scn = cfg->scn;
    run->seed = cfg->seed;
    run->family = cfg->family;
    run->stack_size = (unsigned)cfg->simulation.stack_size;
    run->platform = cfg->platform;
    run->stragglers = cfg->stragglers;
    run->failures_path = cfg->host_failures;
    if (sgr_platform_check(&run->platform, &run->nhosts, err) < 0)
        return sgr_fail_prefix(err, "%s", path);
    if (run->platform.kind == SGR_PLAT_FILE &&
        sgr_run_check_platform_file(run->platform.file, cfg->output.paje, err) < 0)
        return sgr_fail_prefix(err, "%s", path);
    if (check_platform_kind(run, err) < 0)
        return -1;
    if (sgr_network_check(&cfg->network, cfg, err) < 0) /* network.model (issue 15) */
        return sgr_fail_prefix(err, "%s", path);
    if (run->family->check(cfg, run->nhosts, &run->nparts, err) < 0)
        return sgr_fail_prefix(err, "%s", path);
    if ((run->nparts || run->family->uses_workload) && check_data_files(cfg, err) < 0)
        return -1;
    if (run->failures_path) {
        failure_event *ev;
        size_t n;
        if (sgr_failures_load(run->failures_path, run->nhosts, &ev, &n, err) < 0)
            return sgr_fail_prefix(err, "%s", path);
        free(ev);
    }
    if (run->nparts) {
        sgr_straggler_model *m = sgr_straggler_new(&run->stragglers, run->nparts, run->seed, err);
        if (!m)
            return sgr_fail_prefix(err, "%s", path);
        sgr_straggler_free(m);
    }
    if (check_trace_rounds(run, cfg, err) < 0 || sgr_run_check_size(run, cfg, err) < 0)
        return sgr_fail_prefix(err, "%s", path);
    return 0;
}

static int prepare(sgr_run *run, const sgr_config *cfg, const sgr_run_opts *opts, sgr_err *err)
{
    if (check_scenario(run, cfg, err) < 0)
        return SGR_EUSER;
    if (sgr_stop_reason())
        return 130; /* nothing written yet */
    const char *dir = opts->outdir ? opts->outdir : cfg->output.dir;
    char def[4096];
    if (!dir) {
        snprintf(def, sizeof def, "out/%s", cfg->scn->name);
        dir = def;
    }
    run->outdir = strdup(dir);
    if (!run->outdir)
        return sgr_fail(err, "out of memory");
    return sgr_mkdir_p(run->outdir, err) < 0 ? SGR_EFAIL : 0;
}

static void run_release(sgr_run *run)
{
    json_decref(run->results);
    sgr_workload_free(&run->workload);
    free(run->hosts);
    free(run->speed);
    free(run->outdir);
}

/* What the run's data says of the scenario (validate only): the workload as a run builds it
 * (its files read, its partition made; a synthetic dataset split iid by its shape alone, so
 * ps-sgd-100k's 4 million rows are not generated: sgr_workload_shape) and the family's checks
 * on it, as a run does before deploying. */
static int check_data(sgr_run *run, const sgr_config *cfg, sgr_err *err)
{
    if (!run->nparts && !run->family->uses_workload)
        return 0;
    int rc = sgr_workload_shape(&run->workload, &cfg->workload, run->nparts, err);
    if (rc == 0)
        rc = sgr_workload_load(&run->workload, &cfg->workload, run->nparts, err);
    else if (rc > 0)
        rc = 0;
    if (rc == 0 && run->family->check_data)
        rc = run->family->check_data(cfg, &run->workload, run->nhosts, err);
    return rc < 0 ? sgr_fail_prefix(err, "%s", cfg->scn->path) : 0;
}

int sgr_run_validate(const sgr_scenario *scn, sgr_err *err)
{
    sgr_run run = {0};
    sgr_config cfg;
    if (sgr_config_parse(&cfg, scn, err) < 0)
        return SGR_EUSER;
    int rc = check_scenario(&run, &cfg, err) < 0 || check_data(&run, &cfg, err) < 0 ? SGR_EUSER : 0;
    run_release(&run);
    sgr_config_free(&cfg);
    return rc;
}

/* The arguments given to simgrid_init, which removes those it consumes: the pointers kept to
 * free them. */
typedef struct sg_args {
    char **argv, **owned;
    int argc, nowned;
} sg_args;

static void sg_args_free(sg_args *a)
{
    for (int i = 0; a->owned && i < a->nowned; i++)
        free(a->owned[i]);
    free(a->owned);
    free(a->argv);
}

/* The platform file to load: generated into the run directory, the user's, or none (the family
 * builds its platform in memory). path gets "" for none. */
static int platform_path(sgr_run *run, char *path, size_t size, sgr_err *err)
{
    path[0] = '\0';
    if (run->family->build_platform)
        return 0;
    if (run->platform.kind == SGR_PLAT_FILE) {
        snprintf(path, size, "%s", run->platform.file);
        return 0;
    }
    snprintf(path, size, "%s/platform.xml", run->outdir);
    /* network.model (issue 15): ns-3 needs one route per cable */
    int (*write)(const sgr_platform_cfg *, const char *, sgr_err *) =
        sgr_network_uses_links_platform(&run->cfg->network) ? sgr_platform_write_links_xml
                                                            : sgr_platform_write_xml;
    return write(&run->platform, path, err) < 0 ? SGR_EFAIL : 0;
}

/* SimGrid takes actor stacks from malloc. From the heap, the stacks of short-lived actors
 * (tasks, alarms) interleave with other allocations and stay resident once touched: with
 * 64 KiB stacks gc-10k peaked at 3.2 GB instead of 0.7 GB. Mapping each stack on its own
 * (glibc's mmap threshold at or below the stack size, fixed) returns it whole when its actor
 * ends. Allocations of that size or more are mapped too, as glibc does from 128 KiB anyway;
 * not below 64 KiB, where message buffers would be. */
static void keep_stacks_apart(const sgr_run *run)
{
    size_t threshold = run->stack_size;
    if (threshold > 128 * 1024)
        threshold = 128 * 1024;
    if (threshold >= 64 * 1024)
        mallopt(M_MMAP_THRESHOLD, (int)threshold);
}

static void enter_phase(sgr_run *run, run_ctx *ctx, const char *phase)
{
    if (sgr_stop_reason() && !ctx->stopped_in)
        ctx->stopped_in = ctx->phase;
    ctx->phase = phase;
    sgr_progress_phase(&run->progress, phase);
}

/* Data and platform, then the engine: 0, SGR_EUSER / SGR_EFAIL with err, or 130 when a
 * signal came before the engine started (after it, the actors see it and wind down). */
static int start_simgrid(sgr_run *run, run_ctx *ctx, const sgr_run_opts *opts, sg_args *args,
                         sgr_err *err)
{
    const sgr_config *cfg = run->cfg;
    char path[4200];
    enter_phase(run, ctx, "loading data");
    if ((run->nparts || run->family->uses_workload) &&
        sgr_workload_load(&run->workload, &cfg->workload, run->nparts, err) < 0)
        return sgr_fail_prefix(err, "%s", cfg->scn->path), SGR_EUSER;
    if (run->family->check_data &&
        run->family->check_data(cfg, &run->workload, run->nhosts, err) < 0)
        return sgr_fail_prefix(err, "%s", cfg->scn->path), SGR_EUSER;
    if (sgr_stop_reason())
        return 130;
    enter_phase(run, ctx, "writing the platform");
    int rc = platform_path(run, path, sizeof path, err);
    if (rc < 0)
        return rc;
    if (sgr_network_require_env(&cfg->network, err) < 0) /* packet level (issue 15) */
        return SGR_EFAIL;
    if (sgr_stop_reason())
        return 130;
    /* The simulator is single-threaded; so are the kernels it times. */
    openblas_set_num_threads(1);
    keep_stacks_apart(run);
    args->argv = simgrid_argv(run, opts, &args->argc);
    args->owned = args->argv ? malloc(((size_t)args->argc + 1) * sizeof *args->argv) : NULL;
    if (!args->owned)
        return sgr_fail(err, "out of memory");
    memcpy(args->owned, args->argv, ((size_t)args->argc + 1) * sizeof *args->argv);
    args->nowned = args->argc;
    enter_phase(run, ctx, "loading the platform");
    simgrid_init(&args->argc, args->argv);
    ctx->engine = true;
    sgr_run_catch_signals(); /* again: after SimGrid's own set-up */
    if (run->family->build_platform) {
        if ((rc = run->family->build_platform(run, err)) < 0)
            return rc;
    } else if (sgr_platform_load(sgr_network_uses_links_platform(&run->cfg->network)
                                     ? NULL /* the links XML, as written */
                                     : &run->platform,
                                 path, err) < 0) {
        return SGR_EFAIL;
    }
    return collect_hosts(run, err) < 0 ? SGR_EFAIL : 0;
}

/* After a failed deploy: the family's finish is what frees its state, but its tables of
 * results (nothing ran) would only be noise, so stdout is set aside meanwhile. deploy's error
 * is the one reported. */
static void release_family(sgr_run *run)
{
    if (!run->state)
        return;
    sgr_err ignored;
    fflush(stdout);
    int saved = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);
    if (saved >= 0 && null >= 0)
        dup2(null, STDOUT_FILENO);
    run->family->finish(run, &ignored);
    fflush(stdout);
    if (saved >= 0 && null >= 0)
        dup2(saved, STDOUT_FILENO);
    if (null >= 0)
        close(null);
    if (saved >= 0)
        close(saved);
}

/* trace.json, the family's actors, the simulation; then the family's results. */
static int simulate(sgr_run *run, run_ctx *ctx, sgr_err *err)
{
    const sgr_output_cfg *out = &run->cfg->output;
    if (out->chrome_trace) {
        char path[4200];
        snprintf(path, sizeof path, "%s/trace.json", run->outdir);
        run->ctrace =
            sgr_ctrace_open(path, out->chrome_trace_actors, out->chrome_trace_max_events, err);
        if (!run->ctrace)
            return SGR_EFAIL;
    }
    enter_phase(run, ctx, "deploying the actors");
    int rc = run->family->deploy(run, err);
    if (rc == 0)
        rc = sgr_run_failures_deploy(run, err);
    if (rc < 0) {
        release_family(run);
        /* a set-up loop cut short by Ctrl-C or SIGTERM fails as a consequence: interrupted */
        return sgr_stop_reason() ? 130 : rc;
    }
    enter_phase(run, ctx, "simulation");
    sgr_progress_phase(&run->progress, NULL);
    XBT_VERB("running %s (%s) on %zu hosts, results in %s", run->scn->path, run->family->keys.name,
             run->nhosts, run->outdir);
    simgrid_run();
    sgr_progress_finish(&run->progress);
    enter_phase(run, ctx, "results");
    rc = run->family->finish(run, err);
    if (rc == 0 && !run->results) /* a results object jansson refused: say so, never write {} */
        rc = sgr_fail(err, "internal: the %s family's results could not be built",
                      run->family->keys.name);
    return rc;
}

/* Close the streamed outputs and write the summary, whatever happened before: rc is what the
 * run came to (0, SGR_EUSER, SGR_EFAIL, 130). Returns the run's final status. */
static int write_outputs(sgr_run *run, run_ctx *ctx, int rc, sgr_err *err)
{
    int stop = sgr_stop_reason();
    bool ok = rc == 0 || rc == 130;
    sgr_err werr = {{0}};
    if (run->metrics && sgr_metrics_close(run->metrics, &werr) < 0 && ok) {
        *err = werr;
        rc = SGR_EFAIL;
    }
    run->metrics = NULL;
    ok = rc == 0 || rc == 130;
    if (run->ctrace && ok &&
        sgr_ctrace_close(run->ctrace, rc == 0 && !stop, ctx->engine ? simgrid_get_clock() : 0,
                         err) < 0)
        rc = SGR_EFAIL;
    else if (run->ctrace && !ok)
        sgr_ctrace_abort(run->ctrace); /* the run failed before its outputs were whole */
    run->ctrace = NULL;
    if (rc == 0 && stop == SGR_STOP_OUTPUT) /* a family that did not say which */
        rc = sgr_fail(err, "an output in %s could not be written", run->outdir);
    if (rc == 0 && stop)
        rc = 130;
    if (!ctx->marked)
        return rc;
    const char *status = rc == 0 ? "complete" : rc == 130 ? "interrupted" : "failed";
    json_t *summary = summary_new(run, ctx, status, rc < 0 ? err->msg : NULL);
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.json", run->outdir);
    if (!summary)
        werr = (sgr_err){"out of memory writing the summary"};
    if (!summary || sgr_json_write_atomic_digits(path, summary, run->summary_digits, &werr) < 0) {
        if (rc >= 0) {
            *err = werr;
            rc = SGR_EFAIL;
        }
        /* a few bytes may still fit where the whole summary did not (else the placeholder,
         * "running" and incomplete, stays) */
        json_t *small = json_pack("{s:s, s:b, s:s, s:s}", "status", "failed", "complete", 0,
                                  "error", err->msg, "family", run->family->keys.name);
        if (small)
            sgr_json_write_atomic(path, small, NULL);
        json_decref(small);
    }
    json_decref(summary);
    return rc;
}

static int run_config(const sgr_config *cfg, const sgr_run_opts *opts, sgr_err *err)
{
    sgr_run run = {0};
    sg_args args = {0};
    run_ctx ctx = {.wall0 = sgr_wall_time()};
    sgr_progress_init(&run.progress, !opts->quiet && cfg->output.progress);
    enter_phase(&run, &ctx, "checking the scenario");
    int rc = prepare(&run, cfg, opts, err);
    if (rc == 0) {
        rc = mark_running(&run, err) < 0 ? SGR_EFAIL : 0;
        ctx.marked = rc == 0;
    }
    if (rc == 0)
        rc = start_simgrid(&run, &ctx, opts, &args, err);
    if (rc == 0)
        rc = simulate(&run, &ctx, err);
    /* a family's own input errors (found at deploy or while running) name the file too */
    if (rc == SGR_EUSER && strncmp(err->msg, cfg->scn->path, strlen(cfg->scn->path)) != 0)
        sgr_fail_prefix(err, "%s", cfg->scn->path);
    sgr_progress_finish(&run.progress);
    rc = write_outputs(&run, &ctx, rc, err);
    if (rc == 0)
        fprintf(stdout, "results in %s (summary.json, metrics.csv)\n", run.outdir);
    else if (ctx.marked)
        fprintf(stdout, "incomplete results in %s (summary.json says why)\n", run.outdir);
    run_release(&run);
    sg_args_free(&args);
    return rc;
}

int sgr_run_scenario(const sgr_scenario *scn, const sgr_run_opts *opts, sgr_err *err)
{
    struct sigaction old_int, old_term;
    sigaction(SIGINT, NULL, &old_int);
    sigaction(SIGTERM, NULL, &old_term);
    sgr_run_catch_signals();
    sgr_config cfg;
    int rc = SGR_EUSER;
    if (sgr_config_parse(&cfg, scn, err) == 0) {
        rc = run_config(&cfg, opts, err);
        sgr_config_free(&cfg);
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return rc;
}
