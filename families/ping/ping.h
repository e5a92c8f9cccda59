/* The ping family: messages of given sizes timed in simulation on the scenario's platform, next
 * to what the flow model predicts for a lone flow. Two patterns of simultaneous messages:
 * "pairs" (host 2i sends to host 2i+1, every pair at once: a platform's calibration, and
 * contention on shared links) and "incast" (k hosts send to one receiver at once, for each load
 * k: what `simgrad compare-models` runs under both network models). It is also the smallest
 * complete family: the worked example of docs/adding-a-family.md. Files: config.c (keys, typed
 * configuration, checks, the family table), ping.c (actors), results.c (summary.json's
 * results), report.c (report and sweep). */
#ifndef SIMGRAD_FAMILY_PING_H
#define SIMGRAD_FAMILY_PING_H

#include <simgrid/forward.h>

#include "simgrad/config.h"
#include "simgrad/family.h"

enum { PING_MAX_ITEMS = 32 };

typedef enum { PING_PAIRS, PING_INCAST } ping_pattern;

/* The algorithm section, typed. An experiment is one size and one load: `load` senders send
 * one message each at once (flows 0 .. load-1), `repeats` times. */
typedef struct ping_cfg {
    ping_pattern pattern;
    double sizes[PING_MAX_ITEMS]; /* bytes of each message size measured */
    size_t nsizes;
    size_t loads[PING_MAX_ITEMS]; /* messages at once: {pairs}, or the incast's loads */
    size_t nloads;
    size_t nflows;   /* the largest load */
    size_t pairs;    /* pairs: sender 2i to receiver 2i+1 */
    size_t receiver; /* incast: the receiver's host index */
    size_t repeats;  /* measurements of each experiment */
} ping_cfg;

/* config.c: flow j's sender and receiver host indices on a platform of nhosts hosts. */
void ping_flow_hosts(const ping_cfg *c, size_t nhosts, size_t j, size_t *src, size_t *dst);

/* ping.c: the actors. state is ping.c's; results.c reads what it measured. */
typedef struct ping_state {
    sgr_run *run;
    const ping_cfg *c;
    struct ping_flow *flows;
    double *times;              /* [size][load][repeat][flow] message durations */
    double route_lat, route_bw; /* flow 0's route, as SimGrid has it */
    bool finished;              /* the driver ran the last experiment */
    double size_now;            /* the experiment under way */
    size_t load_now, repeat_now;
    double *slot; /* its durations, by flow */
    sg_sem_t done;
    bool quit;
} ping_state;

int sgr_ping_deploy(sgr_run *run, sgr_err *err);
void ping_state_free(ping_state *ps);

/* results.c */
int sgr_ping_finish(sgr_run *run, sgr_err *err);

/* report.c */
extern const sgr_family_report sgr_ping_report;
extern const sgr_family_sweep sgr_ping_sweep;

#endif
