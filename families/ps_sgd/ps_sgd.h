/* What the files of the ps-sgd family share (not installed). */
#ifndef SIMGRAD_FAMILY_PS_SGD_H
#define SIMGRAD_FAMILY_PS_SGD_H

#include "simgrad/config.h"
#include "simgrad/family.h"

/* config.c: the algorithm section, typed. */
typedef struct ps_sgd_cfg {
    long workers; /* 0: one per host but the server's */
    long rounds;
    size_t batch_size;
    double learning_rate, lr_decay;
    long wait_for;        /* 0: all workers */
    double round_timeout; /* seconds, 0: none */
    long eval_every;
    long server_host;
} ps_sgd_cfg;

/* ps_sgd.c: the actors. */
int sgr_ps_sgd_deploy(sgr_run *run, sgr_err *err);
int sgr_ps_sgd_finish(sgr_run *run, sgr_err *err);

/* report.c: the family's part of `simgrad report` and `simgrad sweep`. */
extern const sgr_family_report sgr_ps_sgd_report;
extern const sgr_family_sweep sgr_ps_sgd_sweep;

#endif
