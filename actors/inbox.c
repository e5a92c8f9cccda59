/* Concurrent receive for servers: see include/simgrad/inbox.h. */
#include "simgrad/inbox.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/mailbox.h>
#include <xbt/asserts.h>

#include "actors/comm_set.h"

typedef struct alarm_msg {
    long tag;
    double at;
} alarm_msg;

struct sgr_inbox {
    size_t ngroups;
    sg_mailbox_t *mbox;    /* ngroups data mailboxes, then the alarm mailbox */
    sgr_comm_set *pending; /* a receive posted on each */
    void **data;
    bool alarms;
    bool closed;  /* the receiver is gone: pending alarms must not send */
    bool waiting; /* the receiver is blocked in sgr_inbox_next (and SimGrid holds its comms) */
    sgr_run *run;
    sg_host_t host;
};

typedef struct alarm_req {
    sgr_inbox *in;
    long tag;
    double at;
} alarm_req;

/* One short-lived actor per alarm, so that alarms requested out of time order still ring on
 * time (a round's deadline can come before the previous round's, which ended early). */
static void alarm_main(int argc, char **argv)
{
    alarm_req *req = sgr_actor_data(argc, argv);
    alarm_req r = *req;
    free(req); /* before sleeping: an alarm still pending when the run ends is killed there */
    sg_actor_daemonize(sg_actor_self());
    sg_actor_sleep_until(r.at);
    if (r.in->closed)
        return;
    alarm_msg *a = malloc(sizeof *a);
    if (!a)
        xbt_die("out of memory");
    a->tag = r.tag;
    a->at = r.at;
    sg_mailbox_put(r.in->mbox[r.in->ngroups], a, 0);
}

sgr_inbox *sgr_inbox_new(sgr_run *run, const char *name, size_t nsenders, sg_host_t host,
                         bool alarms)
{
    sgr_inbox *in = calloc(1, sizeof *in);
    if (!in)
        return NULL;
    in->ngroups = (size_t)ceil(sqrt((double)(nsenders ? nsenders : 1)));
    in->alarms = alarms;
    in->mbox = calloc(in->ngroups + 1, sizeof *in->mbox);
    in->pending = sgr_comm_set_new(in->ngroups + alarms);
    in->data = calloc(in->ngroups + 1, sizeof *in->data);
    if (!in->mbox || !in->pending || !in->data) {
        sgr_inbox_free(in);
        return NULL;
    }
    char buf[256];
    for (size_t g = 0; g <= in->ngroups; g++) {
        snprintf(buf, sizeof buf, "%s-%zu", name, g);
        in->mbox[g] = sg_mailbox_by_name(buf);
    }
    in->run = run;
    in->host = host;
    return in;
}

void sgr_inbox_free(sgr_inbox *in)
{
    if (!in)
        return;
    /* The receives re-posted after the last message were never waited on: release them, or
     * SimGrid keeps each one (and what it refers to) past the end of the run. Not while the
     * receiver is still blocked on them (an actor left waiting when the simulation ended). */
    sgr_comm_set_free(in->pending, !in->waiting);
    free(in->mbox);
    free(in->data);
    free(in);
}

sg_mailbox_t sgr_inbox_mailbox(const sgr_inbox *in, size_t sender)
{
    return in->mbox[sender % in->ngroups];
}

void sgr_inbox_start(sgr_inbox *in)
{
    size_t n = in->ngroups + in->alarms;
    for (size_t g = 0; g < n; g++) {
        sg_mailbox_set_receiver(sg_mailbox_get_name(in->mbox[g]));
        sgr_comm_set_put(in->pending, g, sg_mailbox_get_async(in->mbox[g], &in->data[g]));
    }
}

void sgr_inbox_alarm(sgr_inbox *in, long tag, double at)
{
    alarm_req *req = malloc(sizeof *req);
    req->in = in;
    req->tag = tag;
    req->at = at;
    sgr_run_spawn(in->run, "alarm", in->host, alarm_main, req);
}

void *sgr_inbox_next(sgr_inbox *in, long *alarm_tag)
{
    in->waiting = true;
    ssize_t idx = sgr_comm_set_wait_any(in->pending);
    in->waiting = false;
    void *data = in->data[idx];
    sgr_comm_set_put(in->pending, (size_t)idx, sg_mailbox_get_async(in->mbox[idx], &in->data[idx]));
    if ((size_t)idx == in->ngroups) {
        alarm_msg *a = data;
        *alarm_tag = a->tag;
        free(a);
        return NULL;
    }
    return data;
}

void sgr_inbox_close(sgr_inbox *in)
{
    in->closed = true;
}
