/* The ping family: point-to-point transfers of given sizes between pairs of hosts, timed in
 * simulation, next to what the flow model predicts for a lone flow. It calibrates a platform
 * (what latency and bandwidth a message really sees) and is the smallest complete family: the
 * worked example of docs/adding-a-family.md. Files: config.c (keys, typed configuration,
 * checks), ping.c (actors and results), report.c (report and sweep). */
#ifndef SIMGRAD_FAMILY_PING_H
#define SIMGRAD_FAMILY_PING_H

#include "simgrad/config.h"
#include "simgrad/family.h"

enum { PING_MAX_SIZES = 32 };

/* The algorithm section, typed. */
typedef struct ping_cfg {
    double sizes[PING_MAX_SIZES]; /* bytes of each message size measured */
    size_t nsizes;
    size_t pairs;   /* sender 2i to receiver 2i+1, all at once */
    size_t repeats; /* measurements of each size */
} ping_cfg;

/* ping.c */
int sgr_ping_deploy(sgr_run *run, sgr_err *err);
int sgr_ping_finish(sgr_run *run, sgr_err *err);

/* report.c */
extern const sgr_family_report sgr_ping_report;
extern const sgr_family_sweep sgr_ping_sweep;

#endif
