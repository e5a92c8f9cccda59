/* bench_fabric_bare: the fabric family's all-to-all in a bare SimGrid program, against the
 * target "fabric, 8,192 hosts, every all-to-all step, four policies incl. a 4-way split: under
 * 10 min", to see where the time goes and what a different driver or SimGrid option changes.
 *
 * Platform: a leaf-spine built in memory as one zone (SimGrid has no other way to send two
 * flows of one host pair over two spines), like platforms/fabric_zone.cpp but written here so
 * that the bench depends on no family: every link is BW bytes/s and 1 us, each direction its
 * own link; a communication takes the spine that was queued for its host pair (in order), or
 * an aggregate "spray" link per leaf and direction of S x BW (ideal spraying) when none was.
 *
 * Pairwise-exchange all-to-all: at step s (1..N-1) host h sends BYTES/N to host (h+s) mod N,
 * split into K subflows over K spines (x + j S/K) mod S, x a hash of (h, s) (ECMP-like when K
 * = 1), or sprayed (K = 0); with -i each of the K subflows takes a spine hashed on its own, so
 * two may share one (what the fabric family's ksplit does). A step ends when its last flow
 * does. Two drivers:
 *   sendto   (what the family does) 16 sender actors each start their share of the step's
 *            flows with Comm::sendto_async and wait for them all. SimGrid 3.32 detaches
 *            host-to-host comms: every one of the step's N K flows sits in maestro's
 *            std::list of activities, and each completion removes itself with
 *            std::list::remove, a walk of the whole list: O((N K)^2) per step.
 *   mailbox  one actor per host: it queues its K spines, put_async s its K subflows into the
 *            destination's mailbox, get_async s the K it receives, and waits for the 2K: no
 *            detached comm, each actor's list is 2K long.
 * Both simulate the same flows over the same links.
 *
 * usage: bench_fabric_bare [-d sendto|mailbox] [-i] [-f FIRST] LEAVES HOSTS_PER_LEAF SPINES BW
 *        BYTES STEPS K [--cfg=...]
 * -f FIRST starts at step FIRST (0-based: the shift is FIRST + 1); the first steps of a
 * leaf-spine keep most flows inside their leaf.
 * BW in bytes/s, BYTES per host for the whole all-to-all, STEPS the first steps (0: all N-1).
 * Run with --cfg=network/crosstraffic:0 (as the family: a reverse flow would take a queued
 * spine). Prints "key value" lines. Not run by ctest. */
#include <simgrid/kernel/routing/NetPoint.hpp>
#include <simgrid/kernel/routing/NetZoneImpl.hpp>
#include <simgrid/s4u.hpp>

#include <cstdint>
#include <deque>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <unordered_map>
#include <vector>

#include "bench_util.h"

namespace sg4 = simgrid::s4u;
using simgrid::kernel::routing::NetPoint;
using simgrid::kernel::routing::NetZoneImpl;
using simgrid::kernel::routing::Route;

namespace
{

class PathZone : public NetZoneImpl
{
    size_t hpl_, spines_, nleaves_;
    std::vector<sg4::Link *> up_, down_, lup_, ldown_, sup_, sdown_;
    std::vector<size_t> host_of_id_;
    std::unordered_map<uint64_t, std::deque<size_t>> queued_;

    sg4::Link *link(const std::string &name, double bw)
    {
        sg4::Link *l = get_iface()->create_link(name, bw);
        l->set_latency(1e-6)->seal();
        return l;
    }
    static void push(Route *into, double *lat, sg4::Link *l)
    {
        into->link_list_.push_back(l->get_impl());
        if (lat)
            *lat += l->get_latency();
    }

  public:
    std::vector<sg4::Host *> hosts;

    PathZone(size_t leaves, size_t hpl, size_t spines, double bw)
        : NetZoneImpl("fabric"), hpl_(hpl), spines_(spines), nleaves_(leaves)
    {
        for (size_t h = 0; h < leaves * hpl; h++) {
            hosts.push_back(get_iface()->create_host("h" + std::to_string(h), 1e9));
            hosts.back()->seal();
            size_t id = hosts.back()->get_netpoint()->id();
            host_of_id_.resize(std::max(host_of_id_.size(), id + 1), SIZE_MAX);
            host_of_id_[id] = h;
            up_.push_back(link("up" + std::to_string(h), bw));
            down_.push_back(link("down" + std::to_string(h), bw));
        }
        for (size_t l = 0; l < leaves; l++) {
            for (size_t s = 0; s < spines; s++) {
                lup_.push_back(link("lup" + std::to_string(l) + "_" + std::to_string(s), bw));
                ldown_.push_back(link("ldown" + std::to_string(l) + "_" + std::to_string(s), bw));
            }
            sup_.push_back(link("sprayup" + std::to_string(l), bw * (double)spines));
            sdown_.push_back(link("spraydown" + std::to_string(l), bw * (double)spines));
        }
        seal();
    }

    void queue(size_t src, size_t dst, size_t spine)
    {
        queued_[src << 32 | dst].push_back(spine);
    }

    void get_local_route(const NetPoint *src, const NetPoint *dst, Route *into,
                         double *lat) override
    {
        size_t a = host_of_id_.at(src->id()), b = host_of_id_.at(dst->id());
        size_t spine = SIZE_MAX;
        auto it = queued_.find(a << 32 | b);
        if (it != queued_.end()) {
            spine = it->second.front();
            it->second.pop_front();
            if (it->second.empty())
                queued_.erase(it);
        }
        if (a == b)
            return;
        size_t la = a / hpl_, lb = b / hpl_;
        push(into, lat, up_[a]);
        if (la != lb && spine == SIZE_MAX) {
            push(into, lat, sup_[la]);
            push(into, lat, sdown_[lb]);
        } else if (la != lb) {
            push(into, lat, lup_[la * spines_ + spine]);
            push(into, lat, ldown_[lb * spines_ + spine]);
        }
        push(into, lat, down_[b]);
    }
};

struct Bench {
    PathZone *zone = nullptr;
    size_t n = 0, spines = 0, k = 0, steps = 0, step = 0, first = 0;
    bool independent = false;
    double flow_bytes = 0, sim_steps = 0;
    std::vector<sg4::SemaphorePtr> go;
    sg4::SemaphorePtr done;
    std::vector<sg4::Mailbox *> mbox;
    int token = 0;
    size_t per() const
    {
        return k ? k : 1;
    }
};
Bench B;

size_t spine_of(size_t h, size_t s, size_t j)
{
    uint64_t x = (uint64_t)h * 0x9E3779B97F4A7C15ULL ^ (uint64_t)s * 0xC2B2AE3D27D4EB4FULL;
    if (B.independent)
        x ^= (uint64_t)(j + 1) * 0x94D049BB133111EBULL;
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 32;
    if (B.independent)
        return (size_t)(x % B.spines);
    return (size_t)((x + j * (B.spines / B.k)) % B.spines);
}

/* Queue the spines of h's subflows at this step (nothing queued: sprayed). */
void queue_flows(size_t h)
{
    size_t d = (h + B.step + 1) % B.n;
    for (size_t j = 0; B.k && j < B.k; j++)
        B.zone->queue(h, d, spine_of(h, B.step, j));
}

void sender(size_t w, size_t workers)
{
    size_t first = w * B.n / workers, last = (w + 1) * B.n / workers;
    std::vector<sg4::CommPtr> comms;
    for (;;) {
        B.go[w]->acquire();
        if (B.step >= B.steps)
            return;
        comms.clear();
        for (size_t h = first; h < last; h++) {
            queue_flows(h);
            size_t d = (h + B.step + 1) % B.n;
            for (size_t j = 0; j < B.per(); j++)
                comms.push_back(
                    sg4::Comm::sendto_async(B.zone->hosts[h], B.zone->hosts[d],
                                            (uint64_t)(B.flow_bytes / (double)B.per())));
        }
        sg4::Comm::wait_all(comms);
        B.done->release();
    }
}

void host_actor(size_t h)
{
    std::vector<sg4::CommPtr> comms;
    std::vector<int *> got(B.per());
    for (;;) {
        B.go[h]->acquire();
        if (B.step >= B.steps)
            return;
        comms.clear();
        queue_flows(h);
        size_t d = (h + B.step + 1) % B.n;
        for (size_t j = 0; j < B.per(); j++)
            comms.push_back(
                B.mbox[d]->put_async(&B.token, (uint64_t)(B.flow_bytes / (double)B.per())));
        for (size_t j = 0; j < B.per(); j++)
            comms.push_back(B.mbox[h]->get_async<int>(&got[j]));
        sg4::Comm::wait_all(comms);
        B.done->release();
    }
}

void driver(size_t actors)
{
    for (B.step = B.first; B.step < B.steps; B.step++) {
        double t0 = sg4::Engine::get_clock();
        for (size_t a = 0; a < actors; a++)
            B.go[a]->release();
        for (size_t a = 0; a < actors; a++)
            B.done->acquire();
        B.sim_steps += sg4::Engine::get_clock() - t0;
    }
    for (size_t a = 0; a < actors; a++)
        B.go[a]->release();
}

} // namespace

int main(int argc, char **argv)
{
    double t0 = bench_now(), c0 = bench_cpu_now();
    sg4::Engine e(&argc, argv);
    std::string mode = "sendto";
    int opt;
    while ((opt = getopt(argc, argv, "d:if:")) != -1) {
        if (opt == 'd')
            mode = optarg;
        else if (opt == 'i')
            B.independent = true;
        else if (opt == 'f')
            B.first = strtoul(optarg, nullptr, 10);
        else
            mode = "";
    }
    char **a = argv + optind;
    if (argc - optind != 7 || (mode != "sendto" && mode != "mailbox")) {
        fprintf(stderr,
                "usage: %s [-d sendto|mailbox] [-i] [-f FIRST] LEAVES HOSTS_PER_LEAF SPINES BW "
                "BYTES STEPS K [--cfg=...]\n",
                argv[0]);
        return 2;
    }
    size_t leaves = strtoul(a[0], nullptr, 10), hpl = strtoul(a[1], nullptr, 10);
    B.spines = strtoul(a[2], nullptr, 10);
    double bw = strtod(a[3], nullptr), bytes = strtod(a[4], nullptr);
    B.steps = strtoul(a[5], nullptr, 10);
    B.k = strtoul(a[6], nullptr, 10);
    B.n = leaves * hpl;
    if (B.n < 2 || B.spines < 1 || bw <= 0 || bytes <= 0 || B.k > B.spines ||
        (B.k && B.spines % B.k)) {
        fprintf(stderr, "%s: bad parameters (K must divide SPINES)\n", argv[0]);
        return 2;
    }
    if (B.steps == 0 || B.first + B.steps > B.n - 1)
        B.steps = B.n - 1 - std::min(B.first, B.n - 1);
    B.steps += B.first; /* steps run: first .. steps-1 */
    B.flow_bytes = bytes / (double)B.n;
    B.zone = new PathZone(leaves, hpl, B.spines, bw); /* the root zone; SimGrid frees it */
    sg4::Engine::on_platform_created();
    B.done = sg4::Semaphore::create(0);
    size_t actors = mode == "sendto" ? 16 : B.n;
    for (size_t i = 0; i < actors; i++) {
        B.go.push_back(sg4::Semaphore::create(0));
        if (mode == "sendto") {
            sg4::Actor::create("sender", B.zone->hosts[0], [i, actors] { sender(i, actors); });
        } else {
            B.mbox.push_back(sg4::Mailbox::by_name("h" + std::to_string(i)));
            sg4::Actor::init("host", B.zone->hosts[i])->set_stacksize(64)->start([i] {
                host_actor(i);
            });
        }
    }
    sg4::Actor::create("driver", B.zone->hosts[0], [actors] { driver(actors); });
    double t1 = bench_now(), c1 = bench_cpu_now();
    e.run();
    double t2 = bench_now(), c2 = bench_cpu_now();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    size_t ran = B.steps - B.first;
    printf("bench_fabric_bare driver=%s hosts=%zu leaves=%zu spines=%zu K=%zu%s first=%zu "
           "steps=%zu flow_bytes=%g\n",
           mode.c_str(), B.n, leaves, B.spines, B.k, B.independent ? " independent" : "", B.first,
           ran, B.flow_bytes);
    printf("steps_done %zu\n", B.step - B.first);
    printf("wall_total_s %.3f\n", t2 - t0);
    printf("cpu_total_s %.3f\n", c2 - c0);
    printf("cpu_run_s %.3f\n", c2 - c1);
    printf("cpu_per_step_s %.4f\n", (c2 - c1) / (double)ran);
    printf("wall_run_s %.3f\n", t2 - t1);
    printf("simulated_steps_s %.9g\n", B.sim_steps);
    printf("peak_rss_mb %.1f\n", (double)ru.ru_maxrss / 1024.0);
    return B.step >= B.steps ? 0 : 1;
}
