/* Quantities with units, as in SimGrid platform files. */
#include "simgrad/units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct unit {
    const char *suffix;
    double scale;
} unit;

static const unit bandwidth_units[] = {
    {"Bps", 1},
    {"kBps", 1e3},
    {"KBps", 1e3},
    {"MBps", 1e6},
    {"GBps", 1e9},
    {"TBps", 1e12},
    {"KiBps", 1024.0},
    {"MiBps", 1048576.0},
    {"GiBps", 1073741824.0},
    {"TiBps", 1099511627776.0},
    {"bps", 0.125},
    {"kbps", 125},
    {"Kbps", 125},
    {"Mbps", 1.25e5},
    {"Gbps", 1.25e8},
    {"Tbps", 1.25e11},
    {"Kibps", 128.0},
    {"Mibps", 131072.0},
    {"Gibps", 134217728.0},
    {NULL, 0},
};
static const unit time_units[] = {
    {"ps", 1e-12}, {"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3},  {"s", 1},
    {"m", 60},     {"h", 3600},  {"d", 86400}, {"w", 604800}, {NULL, 0},
};
static const unit speed_units[] = {
    {"f", 1},         {"kf", 1e3},      {"Mf", 1e6},     {"Gf", 1e9},     {"Tf", 1e12},
    {"Pf", 1e15},     {"flops", 1},     {"kflops", 1e3}, {"Mflops", 1e6}, {"Gflops", 1e9},
    {"Tflops", 1e12}, {"Pflops", 1e15}, {NULL, 0},
};
static const unit size_units[] = {
    {"B", 1},
    {"kB", 1e3},
    {"KB", 1e3},
    {"MB", 1e6},
    {"GB", 1e9},
    {"TB", 1e12},
    {"KiB", 1024.0},
    {"MiB", 1048576.0},
    {"GiB", 1073741824.0},
    {"TiB", 1099511627776.0},
    {NULL, 0},
};

static const unit *units_of(sgr_unit_kind kind)
{
    switch (kind) {
    case SGR_UNIT_BANDWIDTH:
        return bandwidth_units;
    case SGR_UNIT_TIME:
        return time_units;
    case SGR_UNIT_SPEED:
        return speed_units;
    case SGR_UNIT_SIZE:
        return size_units;
    }
    return size_units;
}

const char *sgr_unit_help(sgr_unit_kind kind)
{
    switch (kind) {
    case SGR_UNIT_BANDWIDTH:
        return "a bandwidth such as \"10Gbps\" or \"125MBps\" (a bare number is bytes/s)";
    case SGR_UNIT_TIME:
        return "a time such as \"50us\", \"2ms\" or \"1.5s\" (a bare number is seconds)";
    case SGR_UNIT_SPEED:
        return "a speed such as \"2Gf\" or \"500Mf\" (a bare number is flop/s)";
    case SGR_UNIT_SIZE:
        return "a size such as \"64KiB\" or \"1MB\" (a bare number is bytes)";
    }
    return "";
}

int sgr_unit_parse(sgr_unit_kind kind, const char *text, double *out, sgr_err *err)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || !isfinite(v))
        return sgr_fail(err, "expected %s, got \"%s\"", sgr_unit_help(kind), text);
    if (v < 0)
        return sgr_fail(err, "expected a non-negative value, got \"%s\"", text);
    while (*end == ' ')
        end++;
    if (*end == '\0') {
        *out = v;
        return 0;
    }
    for (const unit *u = units_of(kind); u->suffix; u++) {
        if (strcmp(end, u->suffix) == 0) {
            /* A huge number times a large unit overflows to inf, which every range accepts. */
            if (!isfinite(v * u->scale))
                return sgr_fail(err, "\"%s\" is too large", text);
            *out = v * u->scale;
            return 0;
        }
    }
    return sgr_fail(err, "unknown unit \"%s\" in \"%s\": expected %s", end, text,
                    sgr_unit_help(kind));
}
