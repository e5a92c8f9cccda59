/* What the files of the fabric family share (not installed). */
#ifndef SIMGRAD_FAMILY_FABRIC_H
#define SIMGRAD_FAMILY_FABRIC_H

#include "simgrad/family.h"

/* report.c: the family's part of `simgrad report` and `simgrad sweep`. */
extern const sgr_family_report sgr_fabric_report;
extern const sgr_family_sweep sgr_fabric_sweep;

#endif
