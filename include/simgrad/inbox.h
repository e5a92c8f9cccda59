/* simgrad: a server-side inbox that receives from many senders concurrently.
 *
 * A real server has one socket per client and receives from all at once. In SimGrid that
 * is a mailbox with a permanent receiver (transfers start when the sender sends). One such
 * mailbox for 10,000 senders costs SimGrid O(n) per message (its queue is shifted on every
 * removal), and one per sender costs O(n) per wait_any; so senders are spread over about
 * sqrt(n) mailboxes, each with a receive posted. Deadlines come as alarm messages from
 * short-lived actors (SimGrid 3.32's C sg_comm_wait_any_for releases every comm on a
 * timeout, so it cannot be used). */
#ifndef SIMGRAD_INBOX_H
#define SIMGRAD_INBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <simgrid/forward.h>

#include "simgrad/run.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sgr_inbox sgr_inbox;

/* An inbox named `name` for `nsenders` senders, whose alarm actor (if `alarms`) runs on
 * `host`. Call from deploy (before the simulation). NULL on allocation failure. */
sgr_inbox *sgr_inbox_new(sgr_run *run, const char *name, size_t nsenders, sg_host_t host,
                         bool alarms);
void sgr_inbox_free(sgr_inbox *in);

/* The mailbox sender i puts into. */
sg_mailbox_t sgr_inbox_mailbox(const sgr_inbox *in, size_t sender);

/* Become the receiver; call once from the receiving actor before sgr_inbox_next. */
void sgr_inbox_start(sgr_inbox *in);

/* Ask for an alarm carrying `tag` at simulated time `at` (any order). */
void sgr_inbox_alarm(sgr_inbox *in, long tag, double at);

/* The receiver is about to be killed: alarms still pending will not send (a send to a
 * mailbox whose receiver died fails, and SimGrid aborts on that failure in C). Keep the inbox
 * allocated until the simulation ends. */
void sgr_inbox_close(sgr_inbox *in);

/* Block until the next message or alarm. Returns the payload, or NULL for an alarm (its tag
 * in *alarm_tag). */
void *sgr_inbox_next(sgr_inbox *in, long *alarm_tag);

#ifdef __cplusplus
}
#endif
#endif
