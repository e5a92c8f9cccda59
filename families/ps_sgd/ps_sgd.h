/* What the files of the ps_sgd family share (not installed). */
#ifndef SIMGRAD_FAMILY_PS_SGD_H
#define SIMGRAD_FAMILY_PS_SGD_H

#include "simgrad/family.h"

/* report.c: the family's part of `simgrad report` and `simgrad sweep`. */
extern const sgr_family_report sgr_ps_sgd_report;
extern const sgr_family_sweep sgr_ps_sgd_sweep;

#endif
