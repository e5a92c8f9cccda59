/* simgrad: loading a generated platform into SimGrid.
 *
 * Most topologies load from the XML that platform_xml.c writes. A leaf-spine of many leaves
 * does not: SimGrid 3.32 checks every new host and link name against every zone already
 * built (the lookup in StandardLinkImpl's and HostImpl's constructors walks the whole zone
 * tree), so a zone per leaf costs O(leaves x hosts) to load: 68 s of CPU for 1,000 leaves of
 * 100 hosts (bench/README.md). Here the same leaf-spine is one routing zone of our own, built
 * through the C++ API: the same host and link names, created in the same order with the same
 * bandwidths and latencies, and for every host pair the same links in the same order and the
 * same latency, summed in the same order, as SimGrid's route through the XML's zones; it loads
 * like a single cluster. tests/test_platform.c compares every route of both forms. */
#include <simgrid/engine.h>
#include <simgrid/kernel/routing/NetPoint.hpp>
#include <simgrid/kernel/routing/NetZoneImpl.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <simgrid/s4u/NetZone.hpp>
#include <xbt/config.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "simgrad/platform.h"

namespace
{

using simgrid::kernel::routing::NetPoint;
using simgrid::kernel::routing::NetZoneImpl;
using simgrid::kernel::routing::Route;
using simgrid::s4u::Link;

/* Hosts h0..h{N-1}, leaf k holding h{k*hpl}..h{(k+1)*hpl-1}. What the XML spreads over one
 * cluster zone per leaf (a SPLITDUPLEX link leafK_link_I and a FATPIPE loopback
 * leafK_link_I_loopback per host) and a DijkstraCache top zone (SPLITDUPLEX links ls_K_S, leaf
 * i to leaf j through spine j mod spines) is here in one zone. */
class LeafSpineZone : public NetZoneImpl
{
    size_t hpl_, spines_;
    std::vector<size_t> host_of_id_;       /* netpoint id -> host index */
    std::vector<Link *> loop_, up_, down_; /* per host */
    std::vector<Link *> ls_up_, ls_down_;  /* per leaf * spines + spine */

    static void push(Route *into, double *latency, Link *l)
    {
        into->link_list_.push_back(l->get_impl());
        if (latency)
            *latency += l->get_latency();
    }

    void add_host(const sgr_platform_cfg &c, size_t leaf, size_t h, double loop_bw)
    {
        simgrid::s4u::NetZone *z = get_iface();
        simgrid::s4u::Host *host = z->create_host("h" + std::to_string(h), c.host_speed);
        host->set_core_count(c.cores)->seal();
        size_t id = host->get_netpoint()->id();
        if (host_of_id_.size() <= id)
            host_of_id_.resize(id + 1, SIZE_MAX);
        host_of_id_[id] = h;
        std::string name = "leaf" + std::to_string(leaf) + "_link_" + std::to_string(h);
        Link *loop = z->create_link(name + "_loopback", loop_bw);
        loop->set_sharing_policy(Link::SharingPolicy::FATPIPE)->set_latency(0)->seal();
        loop_.push_back(loop);
        simgrid::s4u::SplitDuplexLink *l = z->create_split_duplex_link(name, c.host_bw);
        l->set_latency(c.host_lat)->seal();
        up_.push_back(l->get_link_up());
        down_.push_back(l->get_link_down());
    }

  public:
    LeafSpineZone() : NetZoneImpl("world") {}

    void build(const sgr_platform_cfg &c)
    {
        hpl_ = c.hosts_per_leaf;
        spines_ = c.spines;
        double loop_bw = 4.0 * c.host_bw > 1e10 ? 4.0 * c.host_bw : 1e10; /* as the XML's */
        for (size_t k = 0; k < c.leaves; k++)
            for (size_t i = 0; i < hpl_; i++)
                add_host(c, k, k * hpl_ + i, loop_bw);
        double spine_bw = sgr_platform_spine_bw(&c);
        for (size_t k = 0; k < c.leaves; k++)
            for (size_t s = 0; s < spines_; s++) {
                simgrid::s4u::SplitDuplexLink *l = get_iface()->create_split_duplex_link(
                    "ls_" + std::to_string(k) + "_" + std::to_string(s), spine_bw);
                l->set_latency(c.spine_lat)->seal();
                ls_up_.push_back(l->get_link_up());
                ls_down_.push_back(l->get_link_down());
            }
        seal();
    }

    /* The XML's route, and its latency summed in the order SimGrid sums it there: the top
     * zone's links from the destination back (spine down, then up), then the source's
     * cluster (host up), then the destination's (host down). */
    void get_local_route(const NetPoint *src, const NetPoint *dst, Route *into,
                         double *latency) override
    {
        size_t a = host_of_id_.at(src->id()), b = host_of_id_.at(dst->id());
        if (a == b) {
            push(into, latency, loop_[a]);
            return;
        }
        size_t la = a / hpl_, lb = b / hpl_;
        if (la == lb) {
            push(into, latency, up_[a]);
            push(into, latency, down_[b]);
            return;
        }
        size_t s = lb % spines_;
        Link *lsu = ls_up_[la * spines_ + s];
        Link *lsd = ls_down_[lb * spines_ + s];
        push(into, nullptr, up_[a]);
        push(into, nullptr, lsu);
        push(into, nullptr, lsd);
        push(into, nullptr, down_[b]);
        if (latency) {
            *latency += lsd->get_latency();
            *latency += lsu->get_latency();
            *latency += up_[a]->get_latency();
            *latency += down_[b]->get_latency();
        }
    }
};

bool xml_only(void)
{
    /* ns-3 builds its own topology from the zones and routes the XML declares */
    return simgrid::config::get_value<std::string>("network/model") == "ns-3";
}

} // namespace

extern "C" int sgr_platform_load(const sgr_platform_cfg *cfg, const char *xml_path, sgr_err *err)
{
    if (simgrid::s4u::Engine::get_instance()->get_netzone_root() != nullptr)
        return sgr_fail(err, "internal: a platform is already loaded");
    if (cfg && cfg->kind == SGR_PLAT_LEAF_SPINE && cfg->leaves > 1 && !xml_only()) {
        if (sgr_platform_check(cfg, nullptr, err) < 0)
            return -1;
        auto *zone = new LeafSpineZone(); /* becomes the root zone; SimGrid frees it at exit */
        zone->build(*cfg);
        simgrid::s4u::Engine::on_platform_created();
        return 0;
    }
    if (!xml_path)
        return sgr_fail(err, "internal: no platform file to load");
    simgrid_load_platform(xml_path);
    return 0;
}
