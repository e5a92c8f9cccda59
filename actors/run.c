/* One run of a scenario: platform, workload, the family's actors, simulation, outputs. */
#include "simgrad/run.h"

#include <errno.h>
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
#include "simgrad/network.h"
#include "simgrad/rng.h"

XBT_LOG_NEW_CATEGORY(simgrad, "simgrad: distributed learning on SimGrid");
XBT_LOG_NEW_DEFAULT_SUBCATEGORY(sgr_run, simgrad, "simgrad run layer");

#ifndef SIMGRAD_VERSION
#define SIMGRAD_VERSION "0"
#endif
#ifndef SIMGRAD_GIT
#define SIMGRAD_GIT "unknown"
#endif

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
    signal(SIGINT, SIG_DFL); /* a second Ctrl-C ends the process at once */
}

bool sgr_run_interrupted(void)
{
    return interrupted != 0;
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
    sg_actor_set_stacksize(a, (run->stack_size + 1023) / 1024);
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
     * threshold, fixed here (it otherwise rises with every free of a large block), are mapped
     * on their own, untouched pages cost nothing and the kernel merges adjacent mappings;
     * smaller ones would come from the heap, zeroed, so all resident. */
    if (run->stack_size < SGR_RUN_BIG_STACK)
        run->stack_size = SGR_RUN_BIG_STACK;
    unsigned threshold = run->stack_size < (32u << 20) ? run->stack_size : (32u << 20);
    mallopt(M_MMAP_THRESHOLD, (int)threshold);
    mallopt(M_MMAP_MAX, 1 << 22);
    sg_cfg_set_int("contexts/guard-size", 0);
    XBT_INFO("actor stacks: guard pages off above %d actors (%zu expected), %u KiB each, "
             "mapped on their own",
             SGR_RUN_GUARDED_ACTORS, n, run->stack_size / 1024);
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

/* SimGrid aborts on a platform file it cannot parse; try it in a child so that a user's bad
 * XML is an error message, not a crash. */
static int check_platform_file(const char *path, bool paje, sgr_err *err)
{
    if (access(path, R_OK) < 0)
        return sgr_fail(err, "platform.file: cannot read %s: %s", path, strerror(errno));
    int fds[2];
    if (pipe(fds) < 0)
        return sgr_fail(err, "pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return sgr_fail(err, "fork: %s", strerror(errno));
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        char *argv[] = {"simgrad-check",
                        "--cfg=tracing:yes",
                        "--cfg=tracing/uncategorized:yes",
                        "--cfg=tracing/platform/topology:no",
                        "--cfg=tracing/filename:/dev/null",
                        NULL};
        int child_argc = paje ? 5 : 1;
        if (!paje)
            argv[1] = NULL;
        simgrid_init(&child_argc, argv);
        simgrid_load_platform(path);
        if (sg_host_count() == 0)
            _exit(3);
        simgrid_run(); /* no actor: only seals the platform, where tracing may fail */
        _exit(0);
    }
    close(fds[1]);
    char log[8192];
    size_t len = 0;
    ssize_t got;
    while ((got = read(fds[0], log + len, sizeof log - 1 - len)) > 0)
        len += (size_t)got;
    log[len] = '\0';
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
        return sgr_fail(err, "platform.file: %s declares no host", path);
    if (paje && WIFSIGNALED(status))
        return sgr_fail(err,
                        "output.paje: SimGrid 3.32's tracer crashes on %s (it does on "
                        "platforms with several cluster zones); run without output.paje",
                        path);
    /* SimGrid's own reason is the first ERROR line it printed. */
    char *why = strstr(log, "ERROR] ");
    if (why) {
        why += 7;
        why[strcspn(why, "\n")] = '\0';
    }
    return sgr_fail(err, "platform.file: SimGrid cannot load %s: %s", path,
                    why ? why : "its parser stopped (check the file against simgrid.dtd)");
}

static int cmp_host_names(const void *a, const void *b)
{
    const char *x = sg_host_get_name(*(sg_host_t const *)a);
    const char *y = sg_host_get_name(*(sg_host_t const *)b);
    return strverscmp(x, y);
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
        qsort(run->hosts, n, sizeof *run->hosts, cmp_host_names);
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
    snprintf(buf, sizeof buf, "--cfg=contexts/stack-size:%u", run->stack_size / 1024);
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

static json_t *summary_new(const sgr_run *run, bool complete, double wall)
{
    int maj, min, patch;
    sg_version_get(&maj, &min, &patch);
    char sgv[64];
    snprintf(sgv, sizeof sgv, "%d.%d.%d", maj, min, patch);
    json_t *files = json_pack("{s:s, s:s}", "metrics", "metrics.csv", "summary", "summary.json");
    if (run->platform.kind != SGR_PLAT_FILE && !run->family->build_platform)
        json_object_set_new(files, "platform", json_string("platform.xml"));
    if (run->cfg->output.paje)
        json_object_set_new(files, "paje_trace", json_string("trace.paje"));
    const char *links = json_string_value(json_object_get(run->results, "link_loads_file"));
    if (links)
        json_object_set_new(files, "link_loads", json_string(links));
    if (run->cfg->output.chrome_trace)
        json_object_set_new(files, "chrome_trace", json_string("trace.json"));
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:b, s:O, s:o, s:f, s:f, s:f, s:I, "
                     "s:o}",
                     "simgrad_version", SIMGRAD_VERSION, "simgrad_git", SIMGRAD_GIT,
                     "simgrid_version", sgv, "scenario", run->scn->path, "family",
                     run->family->keys.name, "seed", (json_int_t)run->seed, "complete", complete,
                     "interrupted", interrupted != 0, "config", run->scn->root, "results",
                     run->results ? json_incref(run->results) : json_object(), "simulated_time_s",
                     simgrid_get_clock(), "wall_clock_seconds", wall, "peak_rss_mb", peak_rss_mb(),
                     "hosts", (json_int_t)run->nhosts, "files", files);
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
        check_platform_file(run->platform.file, cfg->output.paje, err) < 0)
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
    return 0;
}

static int prepare(sgr_run *run, const sgr_config *cfg, const sgr_run_opts *opts, sgr_err *err)
{
    if (check_scenario(run, cfg, err) < 0)
        return -1;
    const char *dir = opts->outdir ? opts->outdir : cfg->output.dir;
    char def[4096];
    if (!dir) {
        snprintf(def, sizeof def, "out/%s", cfg->scn->name);
        dir = def;
    }
    run->outdir = strdup(dir);
    if (!run->outdir || sgr_mkdir_p(run->outdir, err) < 0)
        return -1;
    return 0;
}

static void run_release(sgr_run *run)
{
    json_decref(run->results);
    sgr_workload_free(&run->workload);
    free(run->hosts);
    free(run->speed);
    free(run->outdir);
}

int sgr_run_validate(const sgr_scenario *scn, sgr_err *err)
{
    sgr_run run = {0};
    sgr_config cfg;
    if (sgr_config_parse(&cfg, scn, err) < 0)
        return SGR_EUSER;
    int rc = check_scenario(&run, &cfg, err) < 0 ? SGR_EUSER : 0;
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

/* Start SimGrid on the scenario's platform and find its hosts. */
static int start_simgrid(sgr_run *run, const sgr_run_opts *opts, sg_args *args, sgr_err *err)
{
    char path[4200];
    int rc = platform_path(run, path, sizeof path, err);
    if (rc < 0)
        return rc;
    if (sgr_network_require_env(&run->cfg->network, err) < 0) /* packet level (issue 15) */
        return SGR_EFAIL;
    /* The simulator is single-threaded; so are the kernels it times. */
    openblas_set_num_threads(1);
    args->argv = simgrid_argv(run, opts, &args->argc);
    args->owned = args->argv ? malloc(((size_t)args->argc + 1) * sizeof *args->argv) : NULL;
    if (!args->owned)
        return sgr_fail(err, "out of memory");
    memcpy(args->owned, args->argv, ((size_t)args->argc + 1) * sizeof *args->argv);
    args->nowned = args->argc;
    simgrid_init(&args->argc, args->argv);
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

/* The progress line and trace.json, then the family's actors. */
static int deploy(sgr_run *run, const sgr_run_opts *opts, sgr_err *err)
{
    const sgr_output_cfg *out = &run->cfg->output;
    sgr_progress_init(&run->progress, !opts->quiet && out->progress);
    if (out->chrome_trace) {
        char path[4200];
        snprintf(path, sizeof path, "%s/trace.json", run->outdir);
        run->ctrace =
            sgr_ctrace_open(path, out->chrome_trace_actors, out->chrome_trace_max_events, err);
        if (!run->ctrace)
            return SGR_EFAIL;
    }
    int rc = run->family->deploy(run, err);
    if (rc == 0)
        rc = sgr_run_failures_deploy(run, err);
    return rc;
}

/* After the simulation: the family's results, metrics.csv, trace.json and summary.json. */
static int finish(sgr_run *run, double wall0, sgr_err *err)
{
    char path[4200];
    int rc = run->family->finish(run, err);
    if (rc == 0 && !run->results) /* a results object jansson refused: say so, never write {} */
        rc = sgr_fail(err, "internal: the %s family's results could not be built",
                      run->family->keys.name);
    bool complete = rc == 0 && !interrupted;
    if (run->metrics && sgr_metrics_close(run->metrics, err) < 0 && rc == 0)
        rc = SGR_EFAIL;
    run->metrics = NULL;
    if (sgr_ctrace_close(run->ctrace, complete, simgrid_get_clock(), rc == 0 ? err : NULL) < 0 &&
        rc == 0)
        rc = SGR_EFAIL;
    run->ctrace = NULL;
    json_t *summary = summary_new(run, complete, sgr_wall_time() - wall0);
    if (summary && run->many_actors)
        json_object_set_new(summary, "actor_stacks",
                            json_pack("{s:b, s:I, s:I}", "guard_pages", 0, "actors_expected",
                                      (json_int_t)run->many_actors, "stack_kib",
                                      (json_int_t)(run->stack_size / 1024)));
    snprintf(path, sizeof path, "%s/summary.json", run->outdir);
    sgr_err werr;
    if (sgr_json_write_atomic_digits(path, summary, run->summary_digits, &werr) < 0 && rc == 0) {
        *err = werr;
        rc = SGR_EFAIL;
    }
    json_decref(summary);
    if (rc == 0 && interrupted)
        rc = 130;
    return rc;
}

static int run_config(const sgr_config *cfg, const sgr_run_opts *opts, sgr_err *err)
{
    sgr_run run = {0};
    sg_args args = {0};
    double wall0 = sgr_wall_time();
    int rc = SGR_EUSER;
    if (prepare(&run, cfg, opts, err) < 0)
        goto out;
    if ((run.nparts || run.family->uses_workload) &&
        sgr_workload_load(&run.workload, &cfg->workload, run.nparts, err) < 0) {
        sgr_fail_prefix(err, "%s", cfg->scn->path);
        goto out;
    }
    if ((rc = start_simgrid(&run, opts, &args, err)) < 0 || (rc = deploy(&run, opts, err)) < 0)
        goto out;
    signal(SIGINT, on_sigint);
    XBT_VERB("running %s (%s) on %zu hosts, results in %s", cfg->scn->path, run.family->keys.name,
             run.nhosts, run.outdir);
    simgrid_run();
    signal(SIGINT, SIG_DFL);
    sgr_progress_finish(&run.progress);
    rc = finish(&run, wall0, err);
out:
    if (run.metrics)
        sgr_metrics_close(run.metrics, NULL);
    sgr_ctrace_abort(run.ctrace); /* the run failed before its outputs were closed */
    if (rc == 0 || rc == 130)
        fprintf(stdout, "results in %s (summary.json, metrics.csv)\n", run.outdir);
    run_release(&run);
    sg_args_free(&args);
    return rc;
}

int sgr_run_scenario(const sgr_scenario *scn, const sgr_run_opts *opts, sgr_err *err)
{
    sgr_config cfg;
    if (sgr_config_parse(&cfg, scn, err) < 0)
        return SGR_EUSER;
    int rc = run_config(&cfg, opts, err);
    sgr_config_free(&cfg);
    return rc;
}
