/* simgrad as a plugin: load a scenario, override a key, run it, read the results — the same
 * five-line shape as a SimGrid program. Build against an installed simgrad:
 *   cc plugin_demo.c $(pkg-config --cflags --libs simgrad) -o plugin_demo */
#include <stdio.h>

#include <simgrad/run.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s SCENARIO.json OUTDIR\n", argv[0]);
        return 2;
    }
    const char *sets[] = {"algorithm.rounds=5"};
    sgr_scenario scn;
    sgr_err err;
    if (sgr_scenario_load(&scn, argv[1], sets, 1, sgr_family_key_tables, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    sgr_run_opts opts = {.outdir = argv[2], .quiet = true};
    int rc = sgr_run_scenario(&scn, &opts, &err);
    if (rc != 0)
        fprintf(stderr, "run failed: %s\n", err.msg);
    sgr_scenario_free(&scn);
    return rc == 0 ? 0 : 1;
}
