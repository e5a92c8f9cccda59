/* simgrad: quantities with units, as SimGrid writes them ("10Gbps", "50us", "2Gf", "64KiB").
 * Pure C. Each parser accepts a JSON-style bare number (in the base unit) or a string of a
 * number followed by a unit, and returns 0, or -1 with err saying what was expected. */
#ifndef SIMGRAD_UNITS_H
#define SIMGRAD_UNITS_H

#include "simgrad/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    SGR_UNIT_BANDWIDTH, /* base: bytes per second; Bps kBps MBps GBps TBps KiBps.. bps kbps Mbps
                           Gbps Tbps */
    SGR_UNIT_TIME,      /* base: seconds; ps ns us ms s m h d w */
    SGR_UNIT_SPEED,     /* base: flop/s; f kf Mf Gf Tf Pf (also "flops" spellings) */
    SGR_UNIT_SIZE,      /* base: bytes; B kB MB GB TB KiB MiB GiB TiB */
} sgr_unit_kind;

/* Parse text such as "10Gbps" into *out in the base unit. Negative values are rejected. */
int sgr_unit_parse(sgr_unit_kind kind, const char *text, double *out, sgr_err *err);

/* The accepted units, for messages and docs. Can't fail. */
const char *sgr_unit_help(sgr_unit_kind kind);

#ifdef __cplusplus
}
#endif
#endif
