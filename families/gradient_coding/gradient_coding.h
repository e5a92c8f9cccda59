/* What the files of the gradient_coding family share (not installed). */
#ifndef SIMGRAD_FAMILY_GRADIENT_CODING_H
#define SIMGRAD_FAMILY_GRADIENT_CODING_H

#include "simgrad/family.h"

/* report.c: the family's part of `simgrad report` and `simgrad sweep`. */
extern const sgr_family_report sgr_gradient_coding_report;
extern const sgr_family_sweep sgr_gradient_coding_sweep;

#endif
