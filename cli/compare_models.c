/* simgrad compare-models: one scenario at flow level and at packet level (ns-3), and timed
 * transfers on its platform under both, compared (issue 15). Each run is a child `simgrad
 * run` (SimGrid runs once per process, and packet level restarts itself for ns-3); the
 * comparison is written by report/compare_report.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "simgrad/compare.h"
#include "simgrad/config.h"
#include "simgrad/network.h"
#include "simgrad/output.h"
#include "simgrad/report.h"
#include "simgrad/run.h"

#define MAX_ARGS 256

static const char usage[] =
    "usage: simgrad compare-models SCENARIO.json [--out DIR] [--set KEY=VALUE ...]\n"
    "                              [--sizes LIST] [--loads LIST] [--no-probe] [--quiet]\n"
    "                              [--cfg=SIMGRID_ITEM:VALUE ...]\n"
    "\n"
    "Run a scenario with network.model flow (SimGrid's bandwidth sharing) and packet (ns-3\n"
    "through SimGrid's binding) and compare them: simulated time, every number of the\n"
    "results, metrics.csv row by row. On a leaf-spine with several spines the two platforms\n"
    "route differently (ns-3 takes spine 0 between leaves), so flow level also runs on the\n"
    "platform written for ns-3 (network.same_routes), to tell routing from model. Then the\n"
    "probe (the family that times transfers) times k simultaneous messages into one host on\n"
    "the same platform under both models, and the report plots the packet/flow ratio against\n"
    "message size, one line per load k. Runs go to DIR/flow, DIR/packet, DIR/flow-same-routes,\n"
    "DIR/probe-flow, DIR/probe-packet (each with run.log); the comparison to DIR/report.md,\n"
    "report.html, comparison.json, packet_flow_ratio.png/.svg and time_per_row.png/.svg.\n"
    "\n"
    "options:\n"
    "  --out DIR        where (default out/<scenario name>-models)\n"
    "  --set KEY=VALUE  override a scenario key in every run (repeatable)\n"
    "  --packet-set KEY=VALUE  override a key in the packet-level run only, e.g. a path\n"
    "                   policy's algorithm.policies=spray and network.ecmp=spray\n"
    "  --sizes LIST     the probe's message sizes (default 1kB,10kB,100kB,1MB,10MB)\n"
    "  --loads LIST     the probe's loads (default 1,2,4,8,16, up to the hosts but one)\n"
    "  --no-probe       skip the probe runs\n"
    "  --quiet          print only errors\n"
    "Exit status: 0, 1 a run or the report failed, 2 bad input (the scenario cannot run at\n"
    "packet level: the message says why).\n";

typedef struct cm_opts {
    const char *scenario, *out, *sizes, *loads;
    const char *sets[MAX_ARGS], *packet_sets[MAX_ARGS], *cfg[MAX_ARGS];
    size_t nsets, npacket_sets, ncfg;
    bool probe, quiet;
} cm_opts;

static int parse(int argc, char **argv, cm_opts *o)
{
    *o = (cm_opts){.probe = true, .sizes = "1kB,10kB,100kB,1MB,10MB"};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            exit(0);
        } else if (strcmp(a, "--out") == 0 && more) {
            o->out = argv[++i];
        } else if (strcmp(a, "--set") == 0 && more && o->nsets < MAX_ARGS) {
            o->sets[o->nsets++] = argv[++i];
        } else if (strcmp(a, "--packet-set") == 0 && more && o->npacket_sets < MAX_ARGS) {
            o->packet_sets[o->npacket_sets++] = argv[++i];
        } else if (strcmp(a, "--sizes") == 0 && more) {
            o->sizes = argv[++i];
        } else if (strcmp(a, "--loads") == 0 && more) {
            o->loads = argv[++i];
        } else if (strcmp(a, "--no-probe") == 0) {
            o->probe = false;
        } else if (strcmp(a, "--quiet") == 0) {
            o->quiet = true;
        } else if ((strncmp(a, "--cfg=", 6) == 0 || strncmp(a, "--log=", 6) == 0) &&
                   o->ncfg < MAX_ARGS) {
            o->cfg[o->ncfg++] = a;
        } else if (a[0] != '-' && !o->scenario) {
            o->scenario = a;
        } else {
            fprintf(stderr, "simgrad compare-models: unexpected argument \"%s\"\n\n%s", a, usage);
            return 2;
        }
    }
    if (!o->scenario) {
        fputs(usage, stderr);
        return 2;
    }
    return 0;
}

/* Run `simgrad run SCENARIO --out DIR/NAME --quiet [--set ...] --set EXTRA...` in a child,
 * its output in DIR/NAME/run.log; the user's --set only if user_sets (the probe scenario has
 * them already). Returns the child's exit status (-1: it did not run). */
static int run_child(const cm_opts *o, const char *self, const char *scenario, const char *dir,
                     const char *name, const char *const *extra, size_t nextra, bool user_sets)
{
    char out[4400], log[4500];
    const char *argv[4 * MAX_ARGS + 16];
    size_t n = 0;
    snprintf(out, sizeof out, "%s/%s", dir, name);
    snprintf(log, sizeof log, "%s/run.log", out);
    sgr_err err;
    if (sgr_mkdir_p(out, &err) < 0) {
        fprintf(stderr, "simgrad compare-models: %s\n", err.msg);
        return -1;
    }
    argv[n++] = self;
    argv[n++] = "run";
    argv[n++] = scenario;
    argv[n++] = "--out";
    argv[n++] = out;
    argv[n++] = "--quiet";
    for (size_t i = 0; user_sets && i < o->nsets; i++) {
        argv[n++] = "--set";
        argv[n++] = o->sets[i];
    }
    for (size_t i = 0; i < nextra; i++) {
        argv[n++] = "--set";
        argv[n++] = extra[i];
    }
    /* --packet-set: all of them in the scenario's packet run, the network.* ones in the
     * probe's */
    for (size_t i = 0; strstr(name, "packet") && i < o->npacket_sets; i++) {
        if (!user_sets && strncmp(o->packet_sets[i], "network.", 8) != 0)
            continue;
        argv[n++] = "--set";
        argv[n++] = o->packet_sets[i];
    }
    for (size_t i = 0; i < o->ncfg; i++)
        argv[n++] = o->cfg[i];
    argv[n] = NULL;
    if (!o->quiet)
        printf("compare-models: %s (log: %s)\n", name, log);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (freopen(log, "w", stdout) && dup2(1, 2) >= 0)
            execv(self, (char **)argv);
        _exit(127);
    }
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The family that times transfers (the one whose table has a probe hook), or NULL. */
static const sgr_family *probe_family(void)
{
    for (size_t i = 0; sgr_families[i]; i++)
        if (sgr_families[i]->probe)
            return sgr_families[i];
    return NULL;
}

/* The probe scenario on the scenario's platform: its seed, platform, network and simulation
 * sections, and the probe family's algorithm section for the sizes and loads. */
static int write_probe(const cm_opts *o, const sgr_scenario *scn, size_t nhosts, const char *dir,
                       char *path, size_t len)
{
    char loads[128] = "";
    if (o->loads) {
        snprintf(loads, sizeof loads, "%s", o->loads);
    } else {
        for (size_t k = 1; k <= 16 && k < nhosts; k *= 2)
            snprintf(loads + strlen(loads), sizeof loads - strlen(loads), "%s%zu",
                     loads[0] ? "," : "", k);
    }
    const sgr_family *fam = probe_family();
    json_t *alg = fam ? fam->probe(o->sizes, loads) : NULL;
    if (!alg) {
        fprintf(stderr, "simgrad compare-models: %s\n",
                fam ? "out of memory" : "no family times transfers (use --no-probe)");
        return -1;
    }
    json_t *p = json_object();
    static const char *const keep[] = {"seed", "platform", "network", "simulation"};
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
        if (json_object_get(scn->root, keep[i]))
            json_object_set(p, keep[i], json_object_get(scn->root, keep[i]));
    json_object_set_new(p, "algorithm", alg);
    snprintf(path, len, "%s/probe.json", dir);
    sgr_err err;
    int rc = sgr_json_write_atomic(path, p, &err);
    json_decref(p);
    if (rc < 0)
        fprintf(stderr, "simgrad compare-models: %s\n", err.msg);
    return rc;
}

/* Packet level must be possible (else exit 2 with the reason); sets *same_routes when the
 * flow-level platform routes differently from the one written for ns-3. */
static int check_scenario(const cm_opts *o, sgr_scenario *scn, size_t *nhosts, bool *same_routes)
{
    sgr_err err;
    if (sgr_scenario_load(scn, o->scenario, o->sets, o->nsets, sgr_family_key_tables, &err) < 0) {
        fprintf(stderr, "simgrad compare-models: %s\n", err.msg);
        return 2;
    }
    sgr_config cfg;
    if (sgr_config_parse(&cfg, scn, &err) < 0 ||
        sgr_platform_check(&cfg.platform, nhosts, &err) < 0) {
        fprintf(stderr, "simgrad compare-models: %s\n", err.msg);
        sgr_config_free(&cfg);
        sgr_scenario_free(scn);
        return 2;
    }
    /* a family that builds its own flow-level platform has no same-routes variant */
    const sgr_platform_cfg *plat = &cfg.platform;
    *same_routes = plat->kind == SGR_PLAT_LEAF_SPINE && plat->leaves > 1 && plat->spines > 1 &&
                   !cfg.family->build_platform;
    sgr_config_free(&cfg);
    /* the family's own packet-level checks, on the scenario as the packet run will see it */
    const char *sets[2 * MAX_ARGS + 1];
    sgr_scenario pk = {0};
    memcpy(sets, o->sets, o->nsets * sizeof *sets);
    memcpy(sets + o->nsets, o->packet_sets, o->npacket_sets * sizeof *sets);
    size_t n = o->nsets + o->npacket_sets;
    sets[n++] = "network.model=\"packet\"";
    int rc = 0;
    if (sgr_scenario_load(&pk, o->scenario, sets, n, sgr_family_key_tables, &err) < 0 ||
        sgr_run_validate(&pk, &err) < 0) {
        fprintf(stderr, "simgrad compare-models: at packet level: %s\n", err.msg);
        rc = 2;
    }
    sgr_scenario_free(&pk);
    if (rc)
        sgr_scenario_free(scn);
    return rc;
}

/* A child's exit status as ours: bad input stays 2, anything else that failed is 1. */
static int child_failed(int rc, const char *dir, const char *name)
{
    fprintf(stderr, "simgrad compare-models: the %s run failed (exit %d): see %s/%s/run.log\n",
            name, rc, dir, name);
    return rc == 2 ? 2 : 1;
}

int sgr_cli_compare_models(int argc, char **argv, const char *self)
{
    cm_opts o;
    sgr_scenario scn = {0};
    size_t nhosts = 0;
    bool same_routes = false;
    int rc = parse(argc, argv, &o);
    if (rc || (rc = check_scenario(&o, &scn, &nhosts, &same_routes)))
        return rc;
    char dir[4096], probe[4200];
    snprintf(dir, sizeof dir, "%s", o.out ? o.out : "");
    if (!o.out)
        snprintf(dir, sizeof dir, "out/%s-models", scn.name);
    sgr_err err;
    if (sgr_mkdir_p(dir, &err) < 0) {
        fprintf(stderr, "simgrad compare-models: %s\n", err.msg);
        sgr_scenario_free(&scn);
        return 1;
    }
    static const char *const flow[] = {"network.model=\"flow\"", "network.same_routes=false"};
    static const char *const packet[] = {"network.model=\"packet\""};
    static const char *const same[] = {"network.model=\"flow\"", "network.same_routes=true"};
    struct {
        const char *name, *scenario;
        const char *const *extra;
        size_t n;
        bool on;
    } runs[] = {
        {"flow", o.scenario, flow, 2, true},
        {"packet", o.scenario, packet, 1, true},
        {"flow-same-routes", o.scenario, same, 2, same_routes},
        {"probe-flow", probe, flow, 2, o.probe},
        {"probe-packet", probe, packet, 1, o.probe},
    };
    if (o.probe && write_probe(&o, &scn, nhosts, dir, probe, sizeof probe) < 0)
        rc = 1;
    for (size_t i = 0; rc == 0 && i < sizeof runs / sizeof *runs; i++) {
        if (!runs[i].on)
            continue;
        int r = run_child(&o, self, runs[i].scenario, dir, runs[i].name, runs[i].extra, runs[i].n,
                          runs[i].scenario == o.scenario);
        if (r != 0)
            rc = child_failed(r, dir, runs[i].name);
    }
    char d[5][4300];
    for (size_t i = 0; i < 5; i++)
        snprintf(d[i], sizeof d[i], "%s/%s", dir, runs[i].name);
    sgr_compare_dirs dirs = {d[0], d[1], same_routes ? d[2] : NULL, o.probe ? d[3] : NULL,
                             o.probe ? d[4] : NULL};
    if (rc == 0 && (rc = sgr_compare_write(dir, &dirs, &err)) < 0) {
        fprintf(stderr, "simgrad compare-models: %s\n", err.msg);
        rc = rc == SGR_REPORT_EINPUT ? 2 : 1;
    }
    if (rc == 0 && !o.quiet)
        printf("compare-models: the comparison is in %s/report.md (and report.html, "
               "comparison.json)\n",
               dir);
    sgr_scenario_free(&scn);
    return rc;
}
