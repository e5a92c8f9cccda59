/* What the files of the fabric family share (not installed): config.c reads and checks the
 * algorithm section, fabric.c runs the collectives, report*.c draw them. */
#ifndef SIMGRAD_FAMILY_FABRIC_H
#define SIMGRAD_FAMILY_FABRIC_H

#include <stdbool.h>

#include "simgrad/collective.h"
#include "simgrad/config.h"
#include "simgrad/fabric.h"
#include "simgrad/family.h"
#include "simgrad/maxmin.h"

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
    bool reuse;            /* simulate identical steps once */
    bool reuse_equivalent; /* simulate steps equal up to a relabelling of links once */
    bool fluid;            /* algorithm.step_solver "fluid": steps timed by fluid.c */
    const char *failures;  /* algorithm.failures, as written */
} fabric_cfg;

/* The fabric the configuration describes (platform section + algorithm.failures), checked
 * against platform.hosts. Returns 0 or -1 with err (nothing to free then). */
int sgr_fabric_family_init(const sgr_config *cfg, sgr_fabric *fab, sgr_err *err);

/* fabric.c: the family's hooks. */
int sgr_fabric_family_build(sgr_run *run, sgr_err *err);
int sgr_fabric_family_deploy(sgr_run *run, sgr_err *err);
int sgr_fabric_family_finish(sgr_run *run, sgr_err *err);

/* reuse.c: steps equal up to a relabelling of links (see there). A step's signature is
 * taken into slot 0 (the step at hand) or 1 (an earlier step, to compare). */
typedef struct fb_rep {
    sgr_collective coll;
    sgr_policy policy;
    size_t seed, step; /* hash seed index and step of the simulated step */
    double dt;         /* its simulated time */
} fb_rep;
typedef struct fb_reuse fb_reuse;
/* After the platform is built. Returns NULL when out of memory. */
fb_reuse *fb_reuse_new(size_t nhosts);
void fb_reuse_free(fb_reuse *r);
/* Sort subflows by (source, destination, path), stably: the order the host actors start them
 * in and the order signatures read them in. */
void fb_sort_subflows(sgr_flows *sub, size_t nhosts);
/* Sign subflows sorted by (source, destination, path). Returns 0 or -1 (out of memory). */
int fb_reuse_sign(fb_reuse *r, int slot, const sgr_flows *sub);
/* The simulated step whose signature hash equals slot 0's, or NULL. */
const fb_rep *fb_reuse_find(const fb_reuse *r);
/* Whether slots 0 and 1 hold the same signature, word for word. */
bool fb_reuse_same(const fb_reuse *r);
/* Remember a simulated step under slot 0's signature. Returns 0 or -1 (out of memory). */
int fb_reuse_add(fb_reuse *r, const fb_rep *rep);

/* fluid.c: a step timed by simgrad/maxmin.h over the zone's routes (algorithm.step_solver
 * "fluid"). After the platform is built, in the simulation; NULL with err when SimGrid's
 * network model is not the one it reproduces, or out of memory. */
typedef struct fb_fluid fb_fluid;
fb_fluid *fb_fluid_new(sgr_err *err);
void fb_fluid_free(fb_fluid *f);
/* The time from the start of sub's subflows to the end of the last. Returns 0 or -1 with err. */
int fb_fluid_step(fb_fluid *f, const sgr_flows *sub, double *dt, sgr_err *err);

/* report.c: the family's part of `simgrad report` and `simgrad sweep`. */
extern const sgr_family_report sgr_fabric_report;
extern const sgr_family_sweep sgr_fabric_sweep;

#endif
