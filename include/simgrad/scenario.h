/* simgrad: scenario files.
 *
 * A scenario is a JSON file with sections seed, platform, stragglers, workload, algorithm,
 * output and simulation. Every key a scenario may hold is declared once, in a schema table
 * (sgr_key), with its type, unit, default, range and documentation; validation, defaults,
 * `--set` overrides, did-you-mean suggestions and docs/scenario.md all come from that table.
 * Families add their own keys under "algorithm." through sgr_family_keys.
 *
 * Pure C (jansson); no SimGrid. */
#ifndef SIMGRAD_SCENARIO_H
#define SIMGRAD_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "simgrad/error.h"
#include "simgrad/units.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    SGR_T_INT, /* JSON integer */
    SGR_T_NUM, /* JSON number */
    SGR_T_BOOL,
    SGR_T_STR,
    SGR_T_ENUM,  /* string, one of `choices` ("a|b|c") */
    SGR_T_PATH,  /* string naming a file; relative paths are relative to the scenario file */
    SGR_T_BW,    /* number (bytes/s) or string with unit */
    SGR_T_TIME,  /* number (s) or string with unit */
    SGR_T_SPEED, /* number (flop/s) or string with unit */
    SGR_T_SIZE,  /* number (bytes) or string with unit */
} sgr_key_type;

typedef struct sgr_key {
    const char *path; /* "platform.hosts" */
    sgr_key_type type;
    const char *def;     /* default, as JSON text; NULL: no default (optional or required) */
    double min, max;     /* inclusive range for numbers/quantities (in the base unit) */
    const char *choices; /* SGR_T_ENUM: "a|b|c" */
    const char *applies; /* NULL, "other.key=v1|v2" or "@SECTION": the key only means
                          * something then (@: for families that use SECTION) */
    const char *doc;     /* one line for docs/scenario.md and --help */
} sgr_key;

/* A scenario family's name and its algorithm.* keys (terminated by a {NULL} key). */
typedef struct sgr_family_keys {
    const char *name;
    const char *summary;
    const sgr_key *keys;
    /* Shared sections the family reads besides platform, stragglers and workload, as words:
     * "graph" (the logical graph), "graph-sequence" (time-varying graphs). Core keys whose
     * `applies` is "@WORD" only mean something for the families that list WORD. */
    const char *uses;
} sgr_family_keys;

typedef struct sgr_scenario {
    char *path;   /* the file as given */
    char *dir;    /* its directory, for relative paths */
    char *name;   /* file name without directory and .json */
    json_t *root; /* validated tree with every default filled in: the config as run */
    const sgr_family_keys *family; /* the chosen family */
    char warnings[2048]; /* keys given that do not apply to the chosen types, one per line */
} sgr_scenario;

/* The core keys (every section but algorithm's family keys), {NULL}-terminated. */
extern const sgr_key sgr_core_keys[];

/* Load, override and validate a scenario:
 *  - parse `path` with jansson (errors give line:column);
 *  - apply each "key.path=value" of sets[0..nsets-1] (the value is JSON if it parses as
 *    JSON, else a string);
 *  - check every key against the schema (core keys plus the chosen family's keys): unknown
 *    keys (with a did-you-mean), wrong types, values out of range or not among the choices;
 *    keys that do not apply to the chosen type (platform.spines for a star) are kept but
 *    noted in scn->warnings, so that switching a type with --set needs no file editing;
 *  - fill in defaults.
 * On error returns -1 with err holding one message that names the file and the key. */
int sgr_scenario_load(sgr_scenario *scn, const char *path, const char *const *sets, size_t nsets,
                      const sgr_family_keys *const *families, sgr_err *err);

void sgr_scenario_free(sgr_scenario *scn);

/* Typed getters on a validated scenario, for the parse hooks only (scenario/config.c and the
 * families' config.c): everything else reads typed configuration (simgrad/config.h). Values
 * were checked by sgr_scenario_load, so these can't fail (a missing optional key gives
 * 0 / NULL / false); a key that is not in the core schema or the scenario's family's table is
 * a programming error and aborts with its name. */
long sgr_scn_int(const sgr_scenario *scn, const char *path);
double sgr_scn_num(const sgr_scenario *scn, const char *path); /* numbers and quantities */
bool sgr_scn_bool(const sgr_scenario *scn, const char *path);
const char *sgr_scn_str(const sgr_scenario *scn, const char *path); /* NULL if absent */
bool sgr_scn_has(const sgr_scenario *scn, const char *path);
/* A path key resolved against the scenario's directory (malloc'ed), or NULL if absent. */
char *sgr_scn_path(const sgr_scenario *scn, const char *path);

/* Look up a key in the core table and the families' tables. NULL if unknown. */
const sgr_key *sgr_schema_find(const char *path, const sgr_family_keys *const *families);

/* Write docs for every key as Markdown (a table per section). Returns 0 or -1. */
int sgr_schema_write_markdown(FILE *f, const sgr_family_keys *const *families);

/* The edit distance between two strings (for did-you-mean). Can't fail. */
size_t sgr_edit_distance(const char *a, const char *b);

#ifdef __cplusplus
}
#endif
#endif
