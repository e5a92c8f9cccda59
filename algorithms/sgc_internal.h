/* simgrad: the state of a sequential gradient coding scheme, shared by algorithms/sgc.c (the
 * schedulers) and algorithms/sgc_decode.c (decoding). Not a public header. */
#ifndef SIMGRAD_SGC_INTERNAL_H
#define SIMGRAD_SGC_INTERNAL_H

#include <stdint.h>

#include "simgrad/sgc.h"

/* SR-SGC state values, per (round, worker). */
#define ST_NONE (-2)      /* took no part in the round */
#define ST_STRAGGLER (-1) /* left out of an accepted round */

/* M-SGC delivered-minitask kinds, per (job, worker, slot). */
#define K_NONE 0
#define K_D1 1
#define K_D2 2

struct sgr_sgc {
    sgr_sgc_params p;
    size_t T, R, nslots;
    size_t s; /* stragglers the code tolerates: GC min(s, n-1), SR-SGC's ceil, M-SGC lambda */
    double load;
    sgr_gc_code code; /* GC, SR-SGC: over the n partitions; M-SGC: each D2 group's code */
    bool has_code;
    sgr_segment *segs;
    size_t nsegs;
    size_t *task_seg; /* GC-like tasks: n x (s+1) segment ids; M-SGC: per group offsets */
    double *task_coef;
    size_t d1_base, d2_base; /* M-SGC: first segment id of the D1 chunks and D2 partitions */
    size_t d2_width;         /* M-SGC: partitions per worker per group (lambda + 1), 0 if none */
    long *state;             /* R x n: job returned, ST_STRAGGLER or ST_NONE (SR-SGC, others) */
    uint16_t *d1_count;      /* J x n (M-SGC): chunks delivered */
    unsigned char *kind;     /* J x n x nslots (M-SGC) */
    size_t *strag_list;      /* R x n: the stragglers of each accepted round, first nstrag[r] */
    size_t *nstrag;          /* R: their count (0 for an SR-SGC round exempt from the window) */
    size_t committed;        /* rounds committed */
    /* SR-SGC: who repeats the due job in the round being planned */
    long repeat_round;
    bool *repeats;
    /* SR-SGC: whether round idle_round is idle, as of idle_committed committed rounds */
    long idle_round;
    size_t idle_committed;
    bool idle;
    /* scratch */
    unsigned char *mark;     /* max(n, nslots) */
    sgr_minitask *commit_mt; /* nslots */
    size_t *scratch_seg;
    double *scratch_coef;
};

#endif
