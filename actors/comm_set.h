/* A fixed set of comms an actor waits on again and again (the inbox's posted receives),
 * waited on through SimGrid's C++ API. SimGrid 3.32's C sg_comm_wait_any copies its array into
 * a vector of CommPtr (a reference taken and dropped on each), which Comm::wait_any copies
 * again into a vector of ActivityPtr (a dynamic_cast and a reference on each): with ~sqrt(n)
 * receives posted, that is O(sqrt(n)) of bookkeeping per message, 2-4% of a 100,000-worker
 * run. The set keeps the ActivityPtr vector itself and passes it to Activity::wait_any, which
 * both of those end in: the same activities in the same order, so the same one returned. */
#ifndef SIMGRAD_ACTORS_COMM_SET_H
#define SIMGRAD_ACTORS_COMM_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <simgrid/forward.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sgr_comm_set sgr_comm_set;

/* A set of n empty slots, or NULL if out of memory. */
sgr_comm_set *sgr_comm_set_new(size_t n);
/* Slot i takes comm c and the caller's reference to it (as the C API returns comms). */
void sgr_comm_set_put(sgr_comm_set *s, size_t i, sg_comm_t c);
/* Block until one comm of the set finishes (every slot must be filled); returns its slot,
 * emptied (its reference dropped), as sg_comm_wait_any does. */
ssize_t sgr_comm_set_wait_any(sgr_comm_set *s);
/* Free the set; with `release`, drop the references of the comms still in it (not while an
 * actor is blocked on them: then they are left to SimGrid). */
void sgr_comm_set_free(sgr_comm_set *s, bool release);

#ifdef __cplusplus
}
#endif
#endif
