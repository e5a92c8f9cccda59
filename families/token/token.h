/* What the files of the token family share (not installed). */
#ifndef SIMGRAD_FAMILY_TOKEN_H
#define SIMGRAD_FAMILY_TOKEN_H

#include "simgrad/family.h"

/* report.c: the family's part of `simgrad report` and `simgrad sweep`. */
extern const sgr_family_report sgr_token_report;
extern const sgr_family_sweep sgr_token_sweep;

#endif
