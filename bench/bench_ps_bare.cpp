/* bench_ps_bare: the ps-sgd family's activities in a bare SimGrid program, the baseline of
 * DESIGN.md's "simgrad's layer against a bare SimGrid program doing the same activities: at
 * most 1.3x the wall time", and the designs issue 14 weighs for 100,000 workers.
 *
 * Only SimGrid (and, for the platform argument, simgrad's platform generator): no gradients,
 * no datasets, no metrics. N workers and one server, R rounds. Each round the server sends P
 * bytes to every worker, each worker executes F flops and sends P bytes back to the server,
 * and the server executes 2*(P/8)*(N+1) flops (averaging and the step). The server is on h0
 * and worker i on h(1+i) mod hosts, as in ps-sgd. Every mode simulates the same activities at
 * the same simulated instants; they differ in who drives them:
 *   actors  (default) one actor per worker; the server put_init+detaches the N model
 *           messages; a worker gets its model, executes, and puts its gradient into one of
 *           ceil(sqrt(N)) server mailboxes (the server is their permanent receiver, one
 *           get_async posted on each, wait_any). What ps-sgd does.
 *   relay   as actors, but the server wakes C relay actors on h0 (-c, default
 *           ceil(sqrt(N)); a semaphore each, no simulated time) and each sends its group's
 *           model messages with put_async and waits for them (not detached): no list of N
 *           detached comms (below), only lists of N/C.
 *   coord   no worker actors: C coordinator actors (-c, default ceil(sqrt(N))) each drive
 *           their workers' activities, host to host: Comm::sendto_async(h0 -> worker), then an
 *           Exec on the worker's host, then sendto_async(worker -> h0), one Activity::wait_any
 *           over the in-flight activities of the group.
 *   dag     no actors at all: each round is a graph of activities started from maestro
 *           (SimGrid's DAG mode): model comm -> exec -> gradient comm -> the server's exec,
 *           chained with add_successor; the server exec's completion builds the next round.
 *   tasks   gradient coding's activities (families/gradient_coding/rounds.c): no model
 *           message; each round the server (the master) starts one task actor per worker on
 *           its host, which executes F flops, puts P bytes into one of the ceil(sqrt(N))
 *           server mailboxes and ends; the server gathers the N results, then executes
 *           2*(P/8)*N flops (decoding: combining N results of P/8 doubles).
 *   gcworkers the same activities as tasks, driven by one persistent actor per worker that
 *           the server wakes each round with a semaphore; it executes, then puts its result
 *           with put_async and reaps its earlier sends without waiting (the next round's work
 *           must not wait for a late result still on the wire).
 * Why relay and coord: SimGrid 3.32 keeps every detached comm in maestro's std::list of
 * activities and every other one in its issuer's, and CommImpl::finish / ExecImpl::finish
 * remove the finished activity with std::list::remove, a walk of the whole list: one actor
 * (or maestro) with K activities in flight pays O(K) per completion.
 *
 * usage: bench_ps_bare [-m MODE] [-s STACK_KIB] [-c C] N R P F PLATFORM [--cfg=...]
 * PLATFORM: an XML file, star:N or leaf-spine:L,H,S (bench_util.h). Actor stacks STACK_KIB
 * KiB (default 64). Prints one "key value" line per figure. Exit status 1 if the rounds did
 * not all complete. Not run by ctest. */
#include <simgrid/s4u.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

#include "bench_util.h"

namespace sg4 = simgrid::s4u;

namespace
{

struct Bench {
    long nworkers = 0, rounds = 0, rounds_done = 0;
    double msg_bytes = 0, worker_flops = 0;
    unsigned stack_kib = 64;
    size_t ngroups = 0, ncoords = 0;
    std::vector<sg4::Host *> hosts; /* hosts[0] the server's, hosts[1 + i] worker i's */
    std::vector<sg4::Mailbox *> group_inbox, worker_inbox;
    std::vector<sg4::SemaphorePtr> wake; /* one per relay or coordinator */
    sg4::SemaphorePtr done;              /* coordinators -> server */
    int token = 0;                       /* the payload of every message (not NULL) */

    double server_flops() const
    {
        return 2.0 * (msg_bytes / 8.0) * (double)(nworkers + 1);
    }
    sg4::Host *worker_host(long i) const
    {
        return hosts[(size_t)(1 + i) % hosts.size()];
    }
};

Bench B;

/* ---- actors and relay ------------------------------------------------------------------ */

void worker(long i)
{
    sg4::Actor::self()->daemonize();
    sg4::Mailbox *server = B.group_inbox[(size_t)i % B.ngroups];
    for (;;) {
        B.worker_inbox[i]->get<int>();
        sg4::this_actor::execute(B.worker_flops);
        server->put(&B.token, (uint64_t)B.msg_bytes);
    }
}

void relay(size_t g)
{
    sg4::Actor::self()->daemonize();
    std::vector<sg4::CommPtr> comms;
    for (;;) {
        B.wake[g]->acquire();
        comms.clear();
        for (long i = (long)g; i < B.nworkers; i += (long)B.ncoords)
            comms.push_back(B.worker_inbox[i]->put_async(&B.token, (uint64_t)B.msg_bytes));
        sg4::Comm::wait_all(comms);
    }
}

/* Post the models (detached, or through the relays), then gather N gradients. */
void server_with_workers(bool relays)
{
    std::vector<sg4::CommPtr> pending(B.ngroups);
    std::vector<int *> data(B.ngroups);
    for (size_t g = 0; g < B.ngroups; g++) {
        B.group_inbox[g]->set_receiver(sg4::Actor::self());
        pending[g] = B.group_inbox[g]->get_async<int>(&data[g]);
    }
    for (long r = 0; r < B.rounds; r++) {
        if (relays)
            for (size_t g = 0; g < B.ncoords; g++)
                B.wake[g]->release();
        else
            for (long i = 0; i < B.nworkers; i++)
                B.worker_inbox[i]->put_init(&B.token, (uint64_t)B.msg_bytes)->detach();
        for (long got = 0; got < B.nworkers; got++) {
            ssize_t g = sg4::Comm::wait_any(pending);
            pending[g] = B.group_inbox[g]->get_async<int>(&data[g]);
        }
        sg4::this_actor::execute(B.server_flops());
        B.rounds_done = r + 1;
    }
    /* The posted receives are never completed; the engine reclaims them at exit. */
}

/* ---- tasks ------------------------------------------------------------------------------ */

void task(long i)
{
    B.group_inbox[(size_t)i % B.ngroups]->put(&B.token, (uint64_t)B.msg_bytes);
}

void spawn_task(long r, long i);

void gc_worker(long i)
{
    sg4::Actor::self()->daemonize();
    sg4::Mailbox *server = B.group_inbox[(size_t)i % B.ngroups];
    std::vector<sg4::CommPtr> sent;
    for (;;) {
        B.wake[(size_t)i]->acquire();
        sg4::this_actor::execute(B.worker_flops);
        sent.push_back(server->put_async(&B.token, (uint64_t)B.msg_bytes));
        ssize_t k;
        while (!sent.empty() && (k = sg4::Comm::test_any(sent)) >= 0)
            sent.erase(sent.begin() + k);
    }
}

/* Each round: a task actor per worker, then gather N results, then decode. */
void server_with_tasks()
{
    std::vector<sg4::CommPtr> pending(B.ngroups);
    std::vector<int *> data(B.ngroups);
    for (size_t g = 0; g < B.ngroups; g++) {
        B.group_inbox[g]->set_receiver(sg4::Actor::self());
        pending[g] = B.group_inbox[g]->get_async<int>(&data[g]);
    }
    for (long r = 0; r < B.rounds; r++) {
        for (long i = 0; i < B.nworkers; i++)
            if (B.wake.empty())
                spawn_task(r, i);
            else
                B.wake[(size_t)i]->release();
        for (long got = 0; got < B.nworkers; got++) {
            ssize_t g = sg4::Comm::wait_any(pending);
            pending[g] = B.group_inbox[g]->get_async<int>(&data[g]);
        }
        sg4::this_actor::execute(2.0 * (B.msg_bytes / 8.0) * (double)B.nworkers);
        B.rounds_done = r + 1;
    }
}

/* ---- coord ----------------------------------------------------------------------------- */

/* Workers c, c + C, c + 2C, ...: each through model comm (stage 0), exec (1), gradient (2). */
void coordinator(size_t c)
{
    sg4::Actor::self()->daemonize();
    std::vector<sg4::ActivityPtr> acts;
    std::vector<long> who;
    std::vector<int> stage;
    for (;;) {
        B.wake[c]->acquire();
        for (long i = (long)c; i < B.nworkers; i += (long)B.ncoords) {
            acts.push_back(
                sg4::Comm::sendto_async(B.hosts[0], B.worker_host(i), (uint64_t)B.msg_bytes));
            who.push_back(i);
            stage.push_back(0);
        }
        while (!acts.empty()) {
            auto k = (size_t)sg4::Activity::wait_any(acts);
            long i = who[k];
            if (stage[k] == 0) {
                acts[k] = sg4::Exec::init()
                              ->set_flops_amount(B.worker_flops)
                              ->set_host(B.worker_host(i))
                              ->start();
            } else if (stage[k] == 1) {
                acts[k] =
                    sg4::Comm::sendto_async(B.worker_host(i), B.hosts[0], (uint64_t)B.msg_bytes);
            } else {
                acts[k] = acts.back();
                who[k] = who.back();
                stage[k] = stage.back();
                acts.pop_back();
                who.pop_back();
                stage.pop_back();
                continue;
            }
            stage[k]++;
        }
        B.done->release();
    }
}

void server_with_coordinators()
{
    for (long r = 0; r < B.rounds; r++) {
        for (size_t c = 0; c < B.ncoords; c++)
            B.wake[c]->release();
        for (size_t c = 0; c < B.ncoords; c++)
            B.done->acquire();
        sg4::this_actor::execute(B.server_flops());
        B.rounds_done = r + 1;
    }
}

/* ---- dag ------------------------------------------------------------------------------- */

std::vector<sg4::ActivityPtr> round_acts; /* keeps the current round's activities alive */
sg4::Activity *round_end = nullptr;

void dag_round()
{
    round_acts.clear();
    sg4::ExecPtr server =
        sg4::Exec::init()->set_flops_amount(B.server_flops())->set_host(B.hosts[0]);
    for (long i = 0; i < B.nworkers; i++) {
        sg4::CommPtr in = sg4::Comm::sendto_init(B.hosts[0], B.worker_host(i));
        in->set_payload_size((uint64_t)B.msg_bytes);
        sg4::ExecPtr ex =
            sg4::Exec::init()->set_flops_amount(B.worker_flops)->set_host(B.worker_host(i));
        sg4::CommPtr out = sg4::Comm::sendto_init(B.worker_host(i), B.hosts[0]);
        out->set_payload_size((uint64_t)B.msg_bytes);
        in->add_successor(ex);
        ex->add_successor(out);
        out->add_successor(server);
        round_acts.push_back(in);
        round_acts.push_back(ex);
        round_acts.push_back(out);
    }
    round_acts.push_back(server);
    round_end = server.get();
    for (auto &a : round_acts)
        a->vetoable_start();
}

void dag_on_completion(sg4::Activity const &a)
{
    if (&a != round_end)
        return;
    B.rounds_done++;
    if (B.rounds_done < B.rounds)
        dag_round();
}

/* ---- main ------------------------------------------------------------------------------ */

template <typename F> void spawn(const std::string &name, sg4::Host *host, F code)
{
    sg4::Actor::init(name, host)->set_stacksize(B.stack_kib)->start(code);
}

void spawn_task(long r, long i)
{
    spawn("task-" + std::to_string(r) + "-" + std::to_string(i), B.worker_host(i), [i] {
        sg4::this_actor::execute(B.worker_flops);
        task(i);
    });
}

int usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [-m actors|relay|coord|dag|tasks|gcworkers] [-s STACK_KIB] [-c C] N R P F "
            "PLATFORM "
            "[--cfg=...]\n"
            "  N workers, R rounds, P bytes per message, F flops per worker per round;\n"
            "  PLATFORM an XML file (hosts h0..h{H-1}), star:N or leaf-spine:L,H,S\n",
            prog);
    return 2;
}

void deploy(const std::string &mode)
{
    B.ngroups = (size_t)std::ceil(std::sqrt((double)B.nworkers));
    if (B.ncoords == 0)
        B.ncoords = B.ngroups;
    if (mode == "dag") {
        sg4::Activity::on_completion_cb(dag_on_completion);
        dag_round();
        return;
    }
    if (mode == "coord") {
        B.done = sg4::Semaphore::create(0);
        for (size_t c = 0; c < B.ncoords; c++) {
            B.wake.push_back(sg4::Semaphore::create(0));
            spawn("coord-" + std::to_string(c), B.hosts[0], [c] { coordinator(c); });
        }
        spawn("server", B.hosts[0], server_with_coordinators);
        return;
    }
    bool relays = mode == "relay";
    for (size_t g = 0; g < B.ngroups; g++)
        B.group_inbox.push_back(sg4::Mailbox::by_name("server-" + std::to_string(g)));
    if (mode == "tasks" || mode == "gcworkers") {
        spawn("server", B.hosts[0], server_with_tasks);
        for (long i = 0; mode == "gcworkers" && i < B.nworkers; i++) {
            B.wake.push_back(sg4::Semaphore::create(0));
            spawn("worker-" + std::to_string(i), B.worker_host(i), [i] { gc_worker(i); });
        }
        return;
    }
    spawn("server", B.hosts[0], [relays] { server_with_workers(relays); });
    for (size_t g = 0; relays && g < B.ncoords; g++) {
        B.wake.push_back(sg4::Semaphore::create(0));
        spawn("relay-" + std::to_string(g), B.hosts[0], [g] { relay(g); });
    }
    for (long i = 0; i < B.nworkers; i++) {
        B.worker_inbox.push_back(sg4::Mailbox::by_name("worker-" + std::to_string(i)));
        spawn("worker-" + std::to_string(i), B.worker_host(i), [i] { worker(i); });
    }
}

} // namespace

int main(int argc, char **argv)
{
    double t0 = bench_now(), c0 = bench_cpu_now();
    sg4::Engine e(&argc, argv);
    std::string mode = "actors";
    int opt;
    while ((opt = getopt(argc, argv, "m:s:c:")) != -1) {
        if (opt == 'm')
            mode = optarg;
        else if (opt == 's')
            B.stack_kib = (unsigned)strtoul(optarg, nullptr, 10);
        else if (opt == 'c')
            B.ncoords = (size_t)strtoul(optarg, nullptr, 10);
        else
            return usage(argv[0]);
    }
    if (argc - optind != 5 || (mode != "actors" && mode != "relay" && mode != "coord" &&
                               mode != "dag" && mode != "tasks" && mode != "gcworkers"))
        return usage(argv[0]);
    char **a = argv + optind;
    B.nworkers = strtol(a[0], nullptr, 10);
    B.rounds = strtol(a[1], nullptr, 10);
    B.msg_bytes = strtod(a[2], nullptr);
    B.worker_flops = strtod(a[3], nullptr);
    if (B.nworkers < 1 || B.rounds < 1 || B.msg_bytes <= 0 || B.worker_flops < 0 ||
        B.stack_kib < 16) {
        fprintf(stderr, "%s: N and R must be >= 1, P > 0, F >= 0, STACK_KIB >= 16\n", argv[0]);
        return 2;
    }
    if (bench_load_platform(a[4]) < 0)
        return 2;
    double t_loaded = bench_now();
    size_t nhosts = e.get_host_count(); /* sorts every host by name: call it once */
    for (size_t h = 0; h < nhosts; h++) {
        sg4::Host *host = e.host_by_name_or_null("h" + std::to_string(h));
        if (!host) {
            fprintf(stderr, "%s: %s has no host h%zu (hosts must be h0..h%zu)\n", argv[0], a[4], h,
                    nhosts - 1);
            return 2;
        }
        B.hosts.push_back(host);
    }
    deploy(mode);
    double t_deployed = bench_now(), c_deployed = bench_cpu_now();
    e.run();
    double t_end = bench_now(), c_end = bench_cpu_now();

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    /* Per round: N model messages (not in tasks mode), N worker executes, N gradient
     * messages, 1 server execute. */
    double activities =
        (double)B.rounds_done *
        ((mode == "tasks" || mode == "gcworkers" ? 2.0 : 3.0) * (double)B.nworkers + 1.0);
    printf("bench_ps_bare mode=%s N=%ld R=%ld P=%g F=%g platform=%s hosts=%zu groups=%zu "
           "relays_or_coordinators=%zu stack_kib=%u\n",
           mode.c_str(), B.nworkers, B.rounds, B.msg_bytes, B.worker_flops, a[4], B.hosts.size(),
           B.ngroups, mode == "coord" || mode == "relay" ? B.ncoords : 0, B.stack_kib);
    printf("rounds_done %ld\n", B.rounds_done);
    printf("wall_total_s %.3f\n", t_end - t0);
    printf("wall_load_s %.3f\n", t_loaded - t0);
    printf("wall_deploy_s %.3f\n", t_deployed - t_loaded);
    printf("wall_run_s %.3f\n", t_end - t_deployed);
    printf("cpu_total_s %.3f\n", c_end - c0);
    printf("cpu_run_s %.3f\n", c_end - c_deployed);
    printf("activities %.0f\n", activities);
    printf("activities_per_wall_s %.0f\n", activities / (t_end - t_deployed));
    printf("simulated_time_s %.9g\n", sg4::Engine::get_clock());
    printf("peak_rss_mb %.1f\n", (double)ru.ru_maxrss / 1024.0);
    return B.rounds_done == B.rounds ? 0 : 1;
}
