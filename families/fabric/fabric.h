/* What the files of the fabric family share (not installed): config.c reads and checks the
 * algorithm section, fabric.c runs the collectives, report*.c draw them. */
#ifndef SIMGRAD_FAMILY_FABRIC_H
#define SIMGRAD_FAMILY_FABRIC_H

#include <stdbool.h>

#include "simgrad/collective.h"
#include "simgrad/config.h"
#include "simgrad/fabric.h"
#include "simgrad/family.h"

enum { FABRIC_MAX_ITEMS = 8 };

/* The algorithm section, typed (config.c). */
typedef struct fabric_cfg {
    sgr_collective colls[FABRIC_MAX_ITEMS];
    sgr_policy policies[FABRIC_MAX_ITEMS];
    size_t ncolls, npolicies;
    double bytes;     /* each host's buffer */
    size_t k;         /* subflows of ksplit */
    size_t max_steps; /* 0: all */
    size_t hash_seeds;
    bool reuse;           /* simulate identical steps once */
    const char *failures; /* algorithm.failures, as written */
} fabric_cfg;

/* The fabric the configuration describes (platform section + algorithm.failures), checked
 * against platform.hosts. Returns 0 or -1 with err (nothing to free then). */
int sgr_fabric_family_init(const sgr_config *cfg, sgr_fabric *fab, sgr_err *err);

/* fabric.c: the family's hooks. */
int sgr_fabric_family_build(sgr_run *run, sgr_err *err);
int sgr_fabric_family_deploy(sgr_run *run, sgr_err *err);
int sgr_fabric_family_finish(sgr_run *run, sgr_err *err);

/* report.c: the family's part of `simgrad report` and `simgrad sweep`. */
extern const sgr_family_report sgr_fabric_report;
extern const sgr_family_sweep sgr_fabric_sweep;

#endif
