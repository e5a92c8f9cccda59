/* simgrad: Chrome trace-event output (trace.json), the format Perfetto and chrome://tracing
 * open: {"traceEvents": [...]} with one complete ("X") event per span of a traced actor, in
 * simulated time (microseconds), and metadata ("M") events naming processes (hosts) and
 * threads (actors).
 *
 * Events are written to NAME.part as each span ends (nothing is kept in memory but the table
 * of traced actors), and the file is renamed to NAME when closed. Only actors that joined the
 * trace are recorded: a family samples its many actors with sgr_ctrace_sampled() and joins
 * the chosen ones (and its few coordinators) from inside the actor with sgr_ctrace_join().
 * Every other call is a no-op for an actor that did not join, and for a NULL tracer, so hooks
 * cost a pointer test when tracing is off.
 *
 * The writer is pure C; the hooks, which take a span's start time t0 (sgr_ctrace_now() when
 * the actor began) and end it at the current simulated time on the calling actor's thread,
 * live with the actors and must be called from inside a SimGrid actor. */
#ifndef SIMGRAD_CHROME_TRACE_H
#define SIMGRAD_CHROME_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "simgrad/error.h"
#include "simgrad/straggler.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sgr_ctrace sgr_ctrace;

/* ---- The writer (traces/chrome_trace.c): pure C, times and actor ids given. ---- */

/* Start a trace at `path` (written to path.part until closed). `sample` is how many of a
 * family's many actors (workers, nodes, tokens) are traced; `max_events` stops recording
 * after that many events (0: no limit), so a long run cannot fill the disk. On error, NULL is
 * returned with err. */
sgr_ctrace *sgr_ctrace_open(const char *path, size_t sample, size_t max_events, sgr_err *err);

/* Finish the JSON (otherData: `end_time`, the simulated end in s, event and actor counts,
 * whether events were dropped, and `complete`), rename it to its final name and free tr.
 * NULL tr: nothing. Returns 0, or -1 with err on an I/O error or if an actor could not be
 * recorded for lack of memory (the .part file is then removed). */
int sgr_ctrace_close(sgr_ctrace *tr, bool complete, double end_time, sgr_err *err);

/* Close without keeping anything: the .part file is removed (a run that failed before its
 * simulation ended). NULL tr: nothing. Can't fail. */
void sgr_ctrace_abort(sgr_ctrace *tr);

/* Whether actor `index` of a group of `count` is traced: the `sample` evenly spaced indices
 * ceil(j * count / sample), j = 0 .. sample-1 (all of them when count <= sample). False for a
 * NULL tracer. Can't fail. */
bool sgr_ctrace_sampled(const sgr_ctrace *tr, size_t index, size_t count);

/* Record actor `actor` (SimGrid's pid) from now on as thread `thread` of process `pid` named
 * `process` (a host: pid = host index). The same (pid, thread) is the same row in the viewer:
 * an actor restarted after a host failure, or a worker's task actors of successive rounds.
 * Out of memory: the actor is not recorded, and sgr_ctrace_close fails. */
void sgr_ctrace_add_actor(sgr_ctrace *tr, long actor, long pid, const char *process,
                          const char *thread);
bool sgr_ctrace_has_actor(const sgr_ctrace *tr, long actor);

/* A complete event `name` from t0 to t1 (simulated s) on the actor's thread, with `args` the
 * text of a JSON object (or NULL). Nothing if the actor was not added or the event budget is
 * spent. */
void sgr_ctrace_span(sgr_ctrace *tr, long actor, const char *name, double t0, double t1,
                     const char *args);

/* ---- Actor-side hooks (actors/chrome_trace_hooks.c): the calling SimGrid actor, the
 * simulated clock. Each is a no-op for a NULL tracer or an actor that did not join. ---- */

/* Trace the calling actor from now on (see sgr_ctrace_add_actor). */
void sgr_ctrace_join(sgr_ctrace *tr, long pid, const char *process, const char *thread);

/* Whether the calling actor joined the trace. */
bool sgr_ctrace_traced(const sgr_ctrace *tr);

/* The simulated clock (s) when tr is not NULL, else 0 (no engine call when tracing is off). */
double sgr_ctrace_now(const sgr_ctrace *tr);

/* A "compute" span from t0 to now: `flops` on a host of `host_speed` flop/s, slowed as `s`
 * says (NULL: on time); args flops, host_speed, straggle_factor, delay_s (task_time_s in
 * trace mode). */
void sgr_ctrace_compute(sgr_ctrace *tr, double t0, double flops, double host_speed,
                        const sgr_straggle *s);

/* "send" / "recv" spans from t0 to now: args peer ("KIND", or "KIND-INDEX" when
 * peer_index >= 0) and bytes. A detached send is a span of zero duration. */
void sgr_ctrace_send(sgr_ctrace *tr, double t0, const char *peer_kind, long peer_index,
                     double bytes);
void sgr_ctrace_recv(sgr_ctrace *tr, double t0, const char *peer_kind, long peer_index,
                     double bytes);

/* A "wait" span from t0 to now: the actor slept or idled until `what` (a round start, a
 * clock tick). */
void sgr_ctrace_wait(sgr_ctrace *tr, double t0, const char *what);

#ifdef __cplusplus
}
#endif
#endif
