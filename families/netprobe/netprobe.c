/* The netprobe family: timed transfers on the scenario's platform, to compare network models
 * (issue 15). For each message size and each load k, k senders each send one message of that
 * size to the receiver at once (an incast; k = 1 is a plain transfer), and the receiver
 * records when each arrives; the next experiment starts when all have. Senders are the k
 * hosts farthest from the receiver in host order (h{N-1}, h{N-2}, ...), so on a leaf-spine
 * or a WAN they cross the spines or the WAN links. `simgrad compare-models` runs it under
 * both network models for its packet/flow ratio against message size and load. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/engine.h>
#include <simgrid/mailbox.h>
#include <simgrid/semaphore.h>

#include "simgrad/config.h"
#include "simgrad/family.h"
#include "simgrad/network.h"
#include "simgrad/run.h"
#include "simgrad/units.h"

#define ANY -INFINITY, INFINITY
#define MAX_ITEMS 32

static const sgr_key netprobe_keys[] = {
    {"algorithm.sizes", SGR_T_STR, "\"1kB,10kB,100kB,1MB,10MB\"", ANY, NULL, NULL,
     "Comma-separated message sizes (SimGrid size units; at least 1 byte, under 4 GiB at "
     "packet level)."},
    {"algorithm.loads", SGR_T_STR, "\"1,2,4,8\"", ANY, NULL, NULL,
     "Comma-separated numbers of senders sending at once to the receiver (each at most the "
     "hosts but one)."},
    {"algorithm.receiver", SGR_T_INT, "0", 0, 1e9, NULL, NULL, "Host index of the receiver."},
    {"algorithm.repeats", SGR_T_INT, "1", 1, 1000, NULL, NULL,
     "Times each (size, load) experiment runs (the results keep the mean)."},
    {NULL, 0, NULL, ANY, NULL, NULL, NULL},
};

typedef struct np_sender {
    struct np_state *st;
    size_t host, index;
    sg_sem_t go;
    sg_mailbox_t mbox;
} np_sender;

/* The algorithm section, typed. */
typedef struct np_cfg {
    double sizes[MAX_ITEMS];
    size_t loads[MAX_ITEMS], nsizes, nloads, receiver, repeats, maxload;
} np_cfg;

typedef struct np_state {
    sgr_run *run;
    const np_cfg *c;
    np_sender *senders;
    double size_now; /* the message size of the experiment under way */
    bool quit;
    json_t *rows;
    bool done;
} np_state;

/* Parse "a,b,c" into out[], quantities of `kind`, or plain numbers when kind is -1; returns
 * the count or -1 with err. */
static int parse_items(const char *s, const char *key, double *out, int kind, sgr_err *err)
{
    char buf[512], *save = NULL;
    snprintf(buf, sizeof buf, "%s", s ? s : "");
    int n = 0;
    for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        if (n == MAX_ITEMS)
            return sgr_fail(err, "%s: at most %d items", key, MAX_ITEMS);
        char *end;
        if (kind < 0)
            out[n] = strtod(tok, &end);
        if (kind < 0 ? *end != '\0' || end == tok
                     : sgr_unit_parse((sgr_unit_kind)kind, tok, &out[n], err) < 0)
            return sgr_fail(err, "%s: \"%s\" is not a %s", key, tok,
                            kind < 0 ? "number" : "size (e.g. 64kB, 1MiB)");
        n++;
    }
    return n > 0 ? n : sgr_fail(err, "%s: name at least one value", key);
}

static int np_parse(const sgr_scenario *scn, void **out, sgr_err *err)
{
    np_cfg *c = calloc(1, sizeof *c);
    double loads[MAX_ITEMS];
    if (!c)
        return sgr_fail(err, "out of memory");
    *out = c;
    int n = parse_items(sgr_scn_str(scn, "algorithm.sizes"), "algorithm.sizes", c->sizes,
                        SGR_UNIT_SIZE, err);
    if (n < 0)
        return -1;
    c->nsizes = (size_t)n;
    for (size_t i = 0; i < c->nsizes; i++)
        if (c->sizes[i] < 1)
            return sgr_fail(err, "algorithm.sizes: %g bytes: a message has at least 1 byte",
                            c->sizes[i]);
    n = parse_items(sgr_scn_str(scn, "algorithm.loads"), "algorithm.loads", loads, -1, err);
    if (n < 0)
        return -1;
    c->nloads = (size_t)n;
    for (size_t i = 0; i < c->nloads; i++) {
        if (loads[i] < 1 || loads[i] != floor(loads[i]))
            return sgr_fail(err, "algorithm.loads: %g is not a positive integer", loads[i]);
        c->loads[i] = (size_t)loads[i];
        if (c->loads[i] > c->maxload)
            c->maxload = c->loads[i];
    }
    c->receiver = (size_t)sgr_scn_int(scn, "algorithm.receiver");
    c->repeats = (size_t)sgr_scn_int(scn, "algorithm.repeats");
    return 0;
}

static int np_check(const sgr_config *cfg, size_t nhosts, size_t *nparts, sgr_err *err)
{
    const np_cfg *c = cfg->algorithm;
    *nparts = 0;
    for (size_t i = 0; i < c->nsizes; i++)
        /* the binding casts a message's size to uint32_t (network_ns3.cpp, SgFlow) */
        if (cfg->network.model == SGR_NET_PACKET && c->sizes[i] >= 4294967296.0)
            return sgr_fail(err,
                            "algorithm.sizes: %g bytes: SimGrid's ns-3 binding counts "
                            "a message's bytes in 32 bits (under 4 GiB)",
                            c->sizes[i]);
    if (nhosts && c->receiver >= nhosts)
        return sgr_fail(err, "algorithm.receiver: %zu, but the platform has %zu hosts", c->receiver,
                        nhosts);
    if (nhosts && c->maxload > nhosts - 1)
        return sgr_fail(err, "algorithm.loads: %zu senders, but the platform has %zu hosts",
                        c->maxload, nhosts);
    return 0;
}

/* Sender j is the host j places before the receiver, counting down and wrapping. */
static size_t sender_host(const np_state *st, size_t j)
{
    size_t n = st->run->nhosts;
    return (st->c->receiver + n - 1 - j) % n;
}

static void sender_main(int argc, char **argv)
{
    np_sender *s = sgr_actor_data(argc, argv);
    for (;;) {
        sg_sem_acquire(s->go);
        if (s->st->quit)
            break;
        double t0 = sgr_ctrace_now(s->st->run->ctrace);
        sg_mailbox_put(s->mbox, s, (long)s->st->size_now);
        sgr_ctrace_send(s->st->run->ctrace, t0, "receiver", (long)s->st->c->receiver,
                        s->st->size_now);
    }
}

/* One experiment: `load` senders at once; one metrics row per message. comms[] holds the
 * receives still pending, who[] their senders (both compacted as receives end); data[j] is
 * sender j's landing slot. Returns the makespan. */
static double experiment(np_state *st, size_t load, size_t rep, sg_comm_t *comms, size_t *who,
                         void **data)
{
    double t0 = simgrid_get_clock(), last = t0;
    for (size_t j = 0; j < load; j++) {
        comms[j] = sg_mailbox_get_async(st->senders[j].mbox, &data[j]);
        who[j] = j;
    }
    for (size_t j = 0; j < load; j++)
        sg_sem_release(st->senders[j].go);
    for (size_t left = load; left > 0; left--) {
        ssize_t k = sg_comm_wait_any(comms, left);
        const np_sender *s = &st->senders[who[k]];
        comms[k] = comms[left - 1];
        who[k] = who[left - 1];
        last = simgrid_get_clock();
        double row[] = {st->size_now, (double)load, (double)rep, (double)s->host,
                        t0,           last,         last - t0};
        sgr_metrics_row(st->run->metrics, row);
    }
    return last - t0;
}

static void driver_main(int argc, char **argv)
{
    np_state *st = sgr_actor_data(argc, argv);
    sg_comm_t *comms = calloc(st->c->maxload, sizeof *comms);
    size_t *who = calloc(st->c->maxload, sizeof *who);
    void **data = calloc(st->c->maxload, sizeof *data);
    sgr_run_trace_self(st->run, st->c->receiver, "receiver");
    double total = (double)(st->c->nsizes * st->c->nloads * st->c->repeats), done = 0;
    bool ok = comms && who && data;
    for (size_t i = 0; ok && i < st->c->nsizes && !sgr_run_interrupted(); i++) {
        for (size_t l = 0; l < st->c->nloads && !sgr_run_interrupted(); l++) {
            st->size_now = st->c->sizes[i];
            double sum = 0, worst = 0;
            for (size_t r = 0; r < st->c->repeats; r++) {
                double m = experiment(st, st->c->loads[l], r, comms, who, data);
                sum += m;
                worst = fmax(worst, m);
                sgr_progress_update(&st->run->progress, "experiment", ++done, total,
                                    simgrid_get_clock());
            }
            json_array_append_new(
                st->rows, json_pack("{s:f, s:I, s:f, s:f}", "size_bytes", st->c->sizes[i], "load",
                                    (json_int_t)st->c->loads[l], "makespan_s",
                                    sum / (double)st->c->repeats, "worst_makespan_s", worst));
        }
    }
    st->done = ok && !sgr_run_interrupted();
    st->quit = true;
    for (size_t j = 0; j < st->c->maxload; j++)
        sg_sem_release(st->senders[j].go);
    free(comms);
    free(who);
    free(data);
}

static int np_deploy(sgr_run *run, sgr_err *err)
{
    static const char *const columns[] = {"size_bytes", "load",  "repeat",    "sender",
                                          "start_s",    "end_s", "duration_s"};
    np_state *st = calloc(1, sizeof *st);
    if (!st)
        return sgr_fail(err, "out of memory");
    run->state = st;
    st->run = run;
    st->c = run->cfg->algorithm;
    st->rows = json_array();
    st->senders = calloc(st->c->maxload, sizeof *st->senders);
    if (!st->senders || !st->rows)
        return sgr_fail(err, "out of memory");
    if (sgr_run_metrics(run, columns, sizeof columns / sizeof *columns, err) < 0)
        return SGR_EFAIL;
    for (size_t j = 0; j < st->c->maxload; j++) {
        np_sender *s = &st->senders[j];
        char name[64];
        *s = (np_sender){.st = st, .host = sender_host(st, j), .index = j, .go = sg_sem_init(0)};
        snprintf(name, sizeof name, "netprobe-%zu", j);
        s->mbox = sg_mailbox_by_name(name);
        snprintf(name, sizeof name, "sender-%zu", j);
        sgr_run_spawn(run, name, run->hosts[s->host], sender_main, s);
    }
    sgr_run_spawn(run, "receiver", run->hosts[st->c->receiver], driver_main, st);
    return 0;
}

static int np_finish(sgr_run *run, sgr_err *err)
{
    np_state *st = run->state;
    int rc = 0;
    if (!st)
        return 0;
    if (!st->done && !sgr_run_interrupted() && st->rows)
        rc = sgr_fail(err, "netprobe stopped before its last experiment");
    if (st->rows)
        run->results = json_pack("{s:o, s:I}", "experiments", st->rows, "receiver",
                                 (json_int_t)st->c->receiver);
    free(st->senders);
    free(st);
    run->state = NULL;
    return rc;
}

const sgr_family sgr_family_netprobe = {
    .keys = {"netprobe",
             "Timed transfers: for each message size and load k, k hosts send one message each "
             "to the receiver at once; compares network models (simgrad compare-models).",
             netprobe_keys, NULL},
    .parse = np_parse,
    .free_cfg = free,
    .check = np_check,
    .deploy = np_deploy,
    .finish = np_finish,
};
