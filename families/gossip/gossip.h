/* What the files of the gossip family share (not installed). */
#ifndef SIMGRAD_FAMILY_GOSSIP_H
#define SIMGRAD_FAMILY_GOSSIP_H

#include "simgrad/family.h"

/* report.c: the family's part of `simgrad report` and `simgrad sweep`. */
extern const sgr_family_report sgr_gossip_report;
extern const sgr_family_sweep sgr_gossip_sweep;

#endif
