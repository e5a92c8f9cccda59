/* simgrad: event logs of the gossip family (events.csv): every gradient and gossip event of a
 * run, written with full precision, and read back to replay a run exactly (no random draws),
 * or another simulator's run, event by event. Pure C.
 *
 * The file is CSV with a header line; columns by name:
 *   method     the method that consumed the event (optional when reading; a log holding several
 *              methods replays the first one's rows)
 *   event      its index, from 1 (optional when reading)
 *   t          time of the event, in the algorithms' time units (required)
 *   time_s     simulated seconds (written; ignored when reading)
 *   kind       gradient | gossip; a networked run also writes gossip-recv (the responder
 *              applies the jump) and gossip-reply (the initiator does), which are not replayed
 *   i, j       the node (gradient), or the edge's two ends (gossip; j empty for a gradient)
 *   graph      id of the graph in force (gossip; optional when reading: then the graph at t)
 *   abs_error, rel_error   the distance to x* after the event (written; ignored when reading)
 * Numbers are written with %.17g, so a log read back gives the same doubles. */
#ifndef SIMGRAD_EVENT_LOG_H
#define SIMGRAD_EVENT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include "simgrad/error.h"
#include "simgrad/graph.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    SGR_EV_GRADIENT,
    SGR_EV_GOSSIP,       /* instant: both ends; networked: the initiator sends */
    SGR_EV_GOSSIP_RECV,  /* networked: the responder applies its half */
    SGR_EV_GOSSIP_REPLY, /* networked: the initiator applies its half */
} sgr_event_kind;

typedef struct sgr_event {
    double t; /* time units */
    sgr_event_kind kind;
    size_t i, j; /* the node, or the edge (i, j) */
    long graph;  /* graph id, -1 when not given */
    size_t line; /* the file line it was read from (0 when not read) */
} sgr_event;

/* A sequence of graphs switched in turn: graph floor(t * rate) mod k when rate > 0 (the
 * DADAO authors' rule, rate = chi1), else floor(t / every) mod k. */
typedef struct sgr_graph_seq {
    const sgr_graph *g;
    size_t k;
    double rate, every;
} sgr_graph_seq;

/* The index of the graph in force at time t. Can't fail. */
size_t sgr_graph_seq_index(const sgr_graph_seq *s, double t);

/* "gradient", "gossip", "gossip-recv", "gossip-reply". */
const char *sgr_event_kind_name(sgr_event_kind k);

typedef struct sgr_event_log sgr_event_log;

/* Create path.part with the header; sgr_event_log_close renames it to path. NULL on error. */
sgr_event_log *sgr_event_log_open(const char *path, sgr_err *err);
/* Append one event of `method` (index from 1, simulated seconds, errors after it). NAN
 * errors are written as empty cells. Returns 0 or -1 (I/O error). */
int sgr_event_log_write(sgr_event_log *log, const char *method, unsigned long index,
                        const sgr_event *ev, double time_s, double abs_error, double rel_error);
/* Flush and close; rename to the final name when the run is complete (an interrupted run
 * leaves path.part, never a truncated file passing as whole). Frees log. Returns 0 or -1. */
int sgr_event_log_close(sgr_event_log *log, bool complete, sgr_err *err);

/* Read the events of a log for replay: *events (malloc'ed, *count), in file order, of the
 * first method named (its name into method[0..method_len), "" when there is no method
 * column). Checks, each error naming path:line: the header has t, kind, i (and j for
 * gossips); kind is gradient or gossip; nodes are integers >= 0; times are finite, >= 0 and
 * never decrease. Returns 0 or -1 with err. */
int sgr_event_log_read(const char *path, sgr_event **events, size_t *count, char *method,
                       size_t method_len, sgr_err *err);

/* Check read events against n nodes and the graphs: nodes < n, a gossip's graph id < k, and
 * its edge present in that graph (or, with no id, in the graph in force at its time). Errors
 * name path:line. Returns 0 or -1. */
int sgr_event_log_check(const char *path, const sgr_event *ev, size_t count, size_t n,
                        const sgr_graph_seq *seq, sgr_err *err);

#ifdef __cplusplus
}
#endif
#endif
