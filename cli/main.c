/* simgrad: the command line. Reads like a SimGrid program: parse, load the scenario, run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <simgrid/engine.h>
#include <simgrid/version.h>

#include "simgrad/network.h"
#include "simgrad/report.h"
#include "simgrad/run.h"
#include "simgrad/config.h"

#ifndef SIMGRAD_VERSION
#define SIMGRAD_VERSION "0"
#endif
#ifndef SIMGRAD_GIT
#define SIMGRAD_GIT "unknown"
#endif

int sgr_cli_sweep(int argc, char **argv, const char *self);
int sgr_cli_compare_models(int argc, char **argv, const char *self);

static const char usage_main[] =
    "usage: simgrad COMMAND [ARGS]\n"
    "\n"
    "Simulate distributed learning algorithms on SimGrid: real gradients, simulated time.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO.json       run a scenario, write results to its run directory\n"
    "  validate SCENARIO.json  check a scenario without running it\n"
    "  search SCENARIO.json    the best parameters of the scenario's family, for the families\n"
    "                          that have a search (`simgrad search --help` lists them)\n"
    "  sweep SWEEP.json [-j N] a scenario over a grid of keys and replicas, merged into a CSV\n"
    "                          and a report; --emit slurm|parallel for a cluster\n"
    "  report RUN_DIR...       plots (PNG, SVG) and report.md/.html of finished runs\n"
    "  compare-models SCENARIO flow level against packet level (ns-3): times, results, and\n"
    "                          the packet/flow ratio against message size and load\n"
    "  keys [--markdown]       list every scenario key with its type, unit and default\n"
    "  version                 print the versions of simgrad and SimGrid\n"
    "\n"
    "`simgrad COMMAND --help` documents each command's options.\n"
    "Exit status: 0 success, 1 the run failed (an output that could not be written is\n"
    "named), 2 bad input (scenario, option or file), 130 interrupted (SIGINT or SIGTERM,\n"
    "in any phase; the summary is written and marked incomplete).\n";

static const char usage_run[] =
    "usage: simgrad run SCENARIO.json [options] [SimGrid options]\n"
    "\n"
    "Run a scenario. Results go to its run directory (output.dir, default out/<name>):\n"
    "summary.json, metrics.csv (streamed), platform.xml, trace.paje if output.paje is set.\n"
    "\n"
    "options:\n"
    "  --out DIR           run directory (overrides output.dir)\n"
    "  --seed N            seed of every random choice (overrides the scenario's seed)\n"
    "  --set KEY=VALUE     override any scenario key, e.g. --set platform.host_bw=\\\"1Gbps\\\"\n"
    "                      or --set algorithm.rounds=50; VALUE is JSON if it parses as JSON,\n"
    "                      a string otherwise. Repeatable.\n"
    "  --quiet             no progress line on stderr\n"
    "  --help              this text\n"
    "SimGrid options, passed through:\n"
    "  --cfg=NAME:VALUE    any SimGrid configuration item (e.g. --cfg=network/model:CM02)\n"
    "  --log=CAT.thres:LVL SimGrid/simgrad logging (e.g. --log=sgr_ps_sgd.thres:debug)\n";

static const char usage_validate[] =
    "usage: simgrad validate SCENARIO.json [--set KEY=VALUE ...] [--seed N]\n"
    "\n"
    "Check a scenario without running it: JSON syntax, every key against the schema, value\n"
    "types, units and ranges, the platform's parameters, the family's constraints, straggler\n"
    "traces and data files. Prints \"ok\" and exits 0, or one message and exits 2.\n";

/* `simgrad search --help`: this, then each family's own part (sgr_family.search_usage). */
static const char usage_search[] =
    "usage: simgrad search SCENARIO.json [--set KEY=VALUE ...] [--seed N] [--json FILE]\n"
    "                      [FAMILY OPTIONS]\n"
    "\n"
    "Search the parameters of the scenario's family on the scenario itself and print the\n"
    "configured and the best ones; what is searched, and how, is the family's (below).\n"
    "\n"
    "options:\n"
    "  --set KEY=VALUE     override a scenario key, as for `simgrad run`. Repeatable.\n"
    "  --seed N            seed of every random choice (overrides the scenario's seed)\n"
    "  --json FILE         also write the results as JSON\n"
    "  --help              this text\n"
    "FAMILY OPTIONS are the family's own, each an option with its value:\n";

static const char usage_report[] =
    "usage: simgrad report RUN_DIR [RUN_DIR ...] [--out DIR] [--allow-incomplete] [--quiet]\n"
    "\n"
    "Report finished runs: read each RUN_DIR's summary.json and metrics.csv, draw the\n"
    "family's plots with gnuplot (NAME.png and NAME.svg, from NAME.gp and NAME.dat kept next\n"
    "to them: edit and run `gnuplot NAME.gp` to re-render) and write report.md and\n"
    "report.html: a summary table, the family's results and each run's provenance (simgrad\n"
    "git version, SimGrid version, seed, hash of the config).\n"
    "Several runs (of one family) are overlaid in one plot per quantity, each labelled by\n"
    "the config keys in which it differs from the others (e.g. stragglers.p=0.2), or by its\n"
    "directory when the configs are equal. Runs of different families are refused: report\n"
    "them separately.\n"
    "\n"
    "options:\n"
    "  --out DIR           report directory (default: the first RUN_DIR's report/)\n"
    "  --allow-incomplete  report runs whose summary says \"complete\": false\n"
    "  --quiet             do not print where the report went\n"
    "  --help              this text\n"
    "Needs gnuplot (Debian: gnuplot-nox). Exit status: 0, 1 gnuplot missing or failed,\n"
    "2 a run directory missing, malformed or incomplete.\n";

static const char usage_keys[] =
    "usage: simgrad keys [--markdown]\n"
    "\n"
    "List every scenario key with its type, default and meaning; --markdown writes the\n"
    "reference that docs/scenario.md holds.\n";

typedef struct cli {
    const char *scenario;
    const char *out;
    const char **sets;
    size_t nsets;
    char *seed_set;
    bool quiet;
    char **sg_argv;
    int sg_argc;
} cli;

static int parse_args(int argc, char **argv, cli *c, const char *usage)
{
    c->sets = calloc((size_t)argc + 1, sizeof *c->sets);
    c->sg_argv = calloc((size_t)argc + 1, sizeof *c->sg_argv);
    if (!c->sets || !c->sg_argv)
        return 1;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            exit(0);
        } else if (strcmp(a, "--out") == 0 && i + 1 < argc) {
            c->out = argv[++i];
        } else if (strcmp(a, "--seed") == 0 && i + 1 < argc) {
            char *end;
            const char *v = argv[++i];
            strtoul(v, &end, 10);
            if (*v == '\0' || *end != '\0' || *v == '-') {
                fprintf(stderr, "simgrad: --seed expects a non-negative integer, got \"%s\"\n", v);
                return 2;
            }
            c->seed_set = malloc(strlen(v) + 6);
            sprintf(c->seed_set, "seed=%s", v);
        } else if (strcmp(a, "--set") == 0 && i + 1 < argc) {
            c->sets[c->nsets++] = argv[++i];
        } else if (strncmp(a, "--set=", 6) == 0) {
            c->sets[c->nsets++] = a + 6;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            c->quiet = true;
        } else if (strncmp(a, "--cfg=", 6) == 0 || strncmp(a, "--log=", 6) == 0) {
            c->sg_argv[c->sg_argc++] = argv[i];
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "simgrad: unknown or incomplete option %s\n\n%s", a, usage);
            return 2;
        } else if (!c->scenario) {
            c->scenario = a;
        } else {
            fprintf(stderr, "simgrad: unexpected argument %s\n\n%s", a, usage);
            return 2;
        }
    }
    if (c->seed_set)
        c->sets[c->nsets++] = c->seed_set;
    if (!c->scenario) {
        fprintf(stderr, "simgrad: a scenario file is required\n\n%s", usage);
        return 2;
    }
    return 0;
}

static void cli_free(cli *c)
{
    free(c->sets);
    free(c->sg_argv);
    free(c->seed_set);
}

static void print_warnings(const sgr_scenario *scn)
{
    for (const char *w = scn->warnings; *w;) {
        size_t n = strcspn(w, "\n");
        fprintf(stderr, "simgrad: warning: %.*s\n", (int)n, w);
        w += n + (w[n] == '\n');
    }
}

static int load_quietly(const cli *c, sgr_scenario *scn)
{
    sgr_err err;
    if (sgr_scenario_load(scn, c->scenario, c->sets, c->nsets, sgr_family_key_tables, &err) < 0) {
        fprintf(stderr, "simgrad: %s\n", err.msg);
        return 2;
    }
    return 0;
}

static int load(const cli *c, sgr_scenario *scn)
{
    int rc = load_quietly(c, scn);
    if (rc == 0)
        print_warnings(scn);
    return rc;
}

/* network.model packet (issue 15): ns-3 reads its attribute defaults from the environment
 * before main, so restart with them; returns only when nothing was needed or exec failed. */
static int restart_for_ns3(const sgr_network_cfg *net, int argc, char **argv)
{
    char **full = calloc((size_t)argc + 3, sizeof *full);
    sgr_err err;
    if (!full)
        return 1;
    full[1] = "run";
    memcpy(full + 2, argv, (size_t)argc * sizeof *argv);
    sgr_network_reexec(net, full, &err);
    fprintf(stderr, "simgrad: %s\n", err.msg);
    free(full);
    return 1;
}

static int cmd_run(int argc, char **argv)
{
    cli c = {0};
    sgr_scenario scn;
    sgr_network_cfg net = {0};
    sgr_run_catch_signals(); /* from the very start: Ctrl-C or kill in any phase is handled */
    int rc = parse_args(argc, argv, &c, usage_run);
    if (rc || (rc = load_quietly(&c, &scn)))
        goto out;
    sgr_network_cfg_from_scenario(&scn, &net);
    if (!sgr_network_env_ready(&net)) {
        rc = restart_for_ns3(&net, argc, argv); /* the restarted run prints the warnings */
        sgr_scenario_free(&scn);
        goto out;
    }
    print_warnings(&scn);
    if (sgr_stop_reason()) {
        fprintf(stderr, "simgrad: interrupted (%s) before the run started; nothing written\n",
                sgr_stop_name(sgr_stop_reason()));
        rc = 130;
        goto out_scn;
    }
    sgr_run_opts opts = {
        .outdir = c.out, .quiet = c.quiet, .sg_argc = c.sg_argc, .sg_argv = c.sg_argv};
    sgr_err err = {{0}};
    rc = sgr_run_scenario(&scn, &opts, &err);
    if (rc == SGR_EUSER) {
        fprintf(stderr, "simgrad: %s\n", err.msg);
        rc = 2;
    } else if (rc == 130) {
        fprintf(stderr, "simgrad: interrupted (%s)\n", sgr_stop_name(sgr_stop_reason()));
    } else if (rc < 0) {
        fprintf(stderr, "simgrad: run failed: %s\n", err.msg);
        rc = 1;
    }
out_scn:
    sgr_scenario_free(&scn);
out:
    cli_free(&c);
    /* SimGrid 3.32 crashes at exit in ns3::Simulator::Destroy: every output is written */
    if (net.model == SGR_NET_PACKET)
        sgr_network_exit(rc);
    return rc;
}

static int cmd_validate(int argc, char **argv)
{
    cli c = {0};
    sgr_scenario scn;
    int rc = parse_args(argc, argv, &c, usage_validate);
    if (rc || (rc = load(&c, &scn)))
        goto out;
    sgr_err err;
    if (sgr_run_validate(&scn, &err) < 0) {
        fprintf(stderr, "simgrad: %s\n", err.msg);
        rc = 2;
    } else {
        printf("ok: %s (family %s)\n", c.scenario, scn.family->name);
    }
    sgr_scenario_free(&scn);
out:
    cli_free(&c);
    return rc;
}

/* The generic usage followed by every family's search options. */
static void search_usage(char *buf, size_t size)
{
    size_t used = (size_t)snprintf(buf, size, "%s", usage_search);
    for (size_t i = 0; sgr_families[i] && used < size; i++)
        if (sgr_families[i]->search && sgr_families[i]->search_usage)
            used +=
                (size_t)snprintf(buf + used, size - used, "\n%s", sgr_families[i]->search_usage);
}

/* An argument that is an option (a negative number is a value). */
static bool is_option(const char *a)
{
    return a[0] == '-' && a[1] != '\0' && !(a[1] >= '0' && a[1] <= '9');
}

/* Split `simgrad search`'s arguments: --json FILE into *json; --set, --seed, --help and the
 * scenario into own[] (for parse_args); every other option, with the value that follows it,
 * into fam[] for the family's search hook. */
static void search_split(int argc, char **argv, const char **json, char **own, int *nown,
                         char **fam, int *nfam)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (strcmp(a, "--json") == 0 && has_value) {
            *json = argv[++i];
        } else if (strcmp(a, "--set") == 0 || strcmp(a, "--seed") == 0 ||
                   strcmp(a, "--json") == 0) {
            own[(*nown)++] = argv[i];
            if (has_value)
                own[(*nown)++] = argv[++i];
        } else if (strncmp(a, "--set=", 6) == 0 || strcmp(a, "--help") == 0 ||
                   strcmp(a, "-h") == 0 || !is_option(a)) {
            own[(*nown)++] = argv[i];
        } else {
            fam[(*nfam)++] = argv[i];
            if (has_value && !is_option(argv[i + 1]))
                fam[(*nfam)++] = argv[++i];
        }
    }
}

/* The scenario's family searches with its options; the results go to json_path if given. */
static int search_run(const sgr_config *cfg, char **fam, int nfam, const char *json_path)
{
    const sgr_family *f = cfg->family;
    if (!f->search) {
        char names[256] = "";
        size_t used = 0;
        for (size_t i = 0; sgr_families[i] && used < sizeof names; i++)
            if (sgr_families[i]->search)
                used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
                                         used ? ", " : "", sgr_families[i]->keys.name);
        fprintf(stderr, "simgrad: %s: the %s family has no search (families with one: %s)\n",
                cfg->scn->path, f->keys.name, names[0] ? names : "none");
        return 2;
    }
    sgr_search_opts opts = {.argc = nfam, .argv = fam, .out = stdout};
    json_t *res = NULL;
    sgr_err err = {{0}};
    int rc = f->search(cfg, &opts, &res, &err);
    if (rc == SGR_EUSER) {
        fprintf(stderr, "simgrad: %s\n", err.msg);
        return 2;
    }
    if (rc < 0) {
        fprintf(stderr, "simgrad: search failed: %s\n", err.msg);
        return 1;
    }
    if (json_path && !res)
        fprintf(stderr, "simgrad: warning: the search gave no results to write to %s\n", json_path);
    if (json_path && res && json_dump_file(res, json_path, JSON_INDENT(2)) < 0) {
        fprintf(stderr, "simgrad: cannot write %s\n", json_path);
        rc = 1;
    }
    json_decref(res);
    return rc;
}

static int cmd_search(int argc, char **argv)
{
    char usage[8192];
    const char *json_path = NULL;
    char **own = calloc((size_t)argc + 1, sizeof *own),
         **fam = calloc((size_t)argc + 1, sizeof *fam);
    int nown = 0, nfam = 0, rc = 1;
    cli c = {0};
    sgr_scenario scn;
    sgr_config cfg;
    sgr_err err;
    if (!own || !fam)
        goto out;
    search_usage(usage, sizeof usage);
    search_split(argc, argv, &json_path, own, &nown, fam, &nfam);
    rc = parse_args(nown, own, &c, usage);
    if (rc || (rc = load(&c, &scn)))
        goto out;
    if (sgr_config_parse(&cfg, &scn, &err) < 0) {
        fprintf(stderr, "simgrad: %s\n", err.msg);
        rc = 2;
    } else {
        rc = search_run(&cfg, fam, nfam, json_path);
        sgr_config_free(&cfg);
    }
    sgr_scenario_free(&scn);
out:
    cli_free(&c);
    free(own);
    free(fam);
    return rc;
}

static int cmd_report(int argc, char **argv)
{
    sgr_report_opts opts = {0};
    const char **dirs = calloc((size_t)argc + 1, sizeof *dirs);
    if (!dirs)
        return 1;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage_report, stdout);
            free(dirs);
            return 0;
        } else if (strcmp(a, "--out") == 0 && i + 1 < argc) {
            opts.out_dir = argv[++i];
        } else if (strcmp(a, "--allow-incomplete") == 0) {
            opts.allow_incomplete = true;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            opts.quiet = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "simgrad: unknown or incomplete option %s\n\n%s", a, usage_report);
            free(dirs);
            return 2;
        } else {
            dirs[opts.nruns++] = a;
        }
    }
    if (opts.nruns == 0) {
        fprintf(stderr, "simgrad: a run directory is required\n\n%s", usage_report);
        free(dirs);
        return 2;
    }
    opts.run_dirs = dirs;
    char out[4096];
    sgr_err err;
    int rc = sgr_report_write(&opts, out, sizeof out, &err);
    if (rc == SGR_REPORT_EINPUT) {
        fprintf(stderr, "simgrad: %s\n", err.msg);
        rc = 2;
    } else if (rc < 0) {
        fprintf(stderr, "simgrad: report failed: %s\n", err.msg);
        rc = 1;
    } else if (!opts.quiet) {
        printf("report in %s (report.md, report.html, plots as PNG and SVG)\n", out);
    }
    free(dirs);
    return rc;
}

static int cmd_keys(int argc, char **argv)
{
    bool markdown = argc > 0 && strcmp(argv[0], "--markdown") == 0;
    if (argc > 0 && !markdown) {
        fputs(strcmp(argv[0], "--help") == 0 ? usage_keys : usage_keys,
              strcmp(argv[0], "--help") == 0 ? stdout : stderr);
        return strcmp(argv[0], "--help") == 0 ? 0 : 2;
    }
    if (markdown)
        return sgr_schema_write_markdown(stdout, sgr_family_key_tables) < 0 ? 1 : 0;
    const sgr_key *tables[16] = {sgr_core_keys};
    size_t nt = 1;
    for (size_t i = 0; sgr_family_key_tables[i] && nt < 16; i++)
        tables[nt++] = sgr_family_key_tables[i]->keys;
    for (size_t t = 0; t < nt; t++) {
        if (t > 0)
            printf("\n[family %s]\n", sgr_family_key_tables[t - 1]->name);
        for (const sgr_key *k = tables[t]; k->path; k++)
            printf("%-28s %-10s %s\n", k->path, k->def ? k->def : "-", k->doc);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_main, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "validate") == 0)
        return cmd_validate(argc - 2, argv + 2);
    if (strcmp(cmd, "search") == 0)
        return cmd_search(argc - 2, argv + 2);
    if (strcmp(cmd, "sweep") == 0 || strcmp(cmd, "compare-models") == 0) {
        /* runs re-execute this binary */
        char self[4096];
        ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
        if (len <= 0) {
            fprintf(stderr, "simgrad: cannot find my own executable\n");
            return 1;
        }
        self[len] = '\0';
        if (strcmp(cmd, "compare-models") == 0)
            return sgr_cli_compare_models(argc - 2, argv + 2, self);
        return sgr_cli_sweep(argc - 2, argv + 2, self);
    }
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 2, argv + 2);
    if (strcmp(cmd, "keys") == 0)
        return cmd_keys(argc - 2, argv + 2);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("simgrad %s (%s), built against %s\n", SIMGRAD_VERSION, SIMGRAD_GIT,
               SIMGRID_VERSION_STRING);
        return 0;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        return 0;
    }
    fprintf(stderr, "simgrad: unknown command \"%s\"\n\n%s", cmd, usage_main);
    return 2;
}
