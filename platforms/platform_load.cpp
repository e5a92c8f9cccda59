/* simgrad: loading a generated platform into SimGrid.
 *
 * Most topologies load from the XML that platform_xml.c writes. Two do not scale that way in
 * SimGrid 3.32. A zone per leaf: every new host and link name is checked against every zone
 * already built (the lookup in StandardLinkImpl's and HostImpl's constructors walks the whole
 * zone tree), so a leaf-spine costs O(leaves x hosts) to load, 68 s of CPU for 1,000 leaves of
 * 100 hosts. The FAT_TREE cluster: O(hosts x leaf switches) (below), 37 s at 100,000 hosts.
 * Here each is one routing zone of our own, built through the C++ API: the same host and link
 * names, created in the same order with the same bandwidths and latencies, and for every host
 * pair the same links in the same order and the same latency, summed in the same order, as
 * SimGrid's route through the XML; both load like a single cluster (bench/README.md).
 * tests/test_platform.c compares every host, link and route of both forms. */
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

namespace {

using simgrid::kernel::routing::NetPoint;
using simgrid::kernel::routing::NetZoneImpl;
using simgrid::kernel::routing::Route;
using simgrid::s4u::Link;

/* Hosts h0..h{N-1}, leaf k holding h{k*hpl}..h{(k+1)*hpl-1}. What the XML spreads over one
 * cluster zone per leaf (a SPLITDUPLEX link leafK_link_I and a FATPIPE loopback
 * leafK_link_I_loopback per host) and a DijkstraCache top zone (SPLITDUPLEX links ls_K_S, leaf
 * i to leaf j through spine j mod spines) is here in one zone. */
class LeafSpineZone : public NetZoneImpl {
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

/* SimGrid 3.32's FAT_TREE cluster (src/kernel/routing/FatTreeZone.cpp), rebuilt in memory with
 * the same nodes, labels, ports, link names and creation order, and the same routing (its
 * get_local_route is followed line by line, quirks included). The one change is how a node
 * finds its parents: FatTreeZone::connect_node_to_parents tests every node of the next level
 * with are_related(), which builds a std::stringstream per call even with logging off, so
 * loading costs O(hosts x first-level switches) (37 s at 100,000 hosts under 1,000 leaves);
 * here the related parents (the labels that differ from the node's only at the node's level)
 * are computed directly, in the same increasing order. Hosts h0..h{N-1}, each with a FATPIPE
 * loopback fat-tree_link_I_loopback; no limiter links (simgrad writes none). */
class FatTreeZone : public NetZoneImpl {
    struct Node;
    struct Cable {
        Node *up_node, *down_node;
        Link *up, *down;
    };
    struct Node {
        int id;
        unsigned level, position;
        std::vector<unsigned> label;
        std::vector<Cable *> children, parents;
        Link *loopback;
    };
    unsigned levels_ = 0;
    std::vector<unsigned> down_, up_, ports_; /* children, parents, parallel links per level */
    std::vector<unsigned> by_level_;          /* nodes per level, 0 = hosts */
    std::vector<Node> nodes_;                 /* by level, then position */
    std::vector<Cable> cables_;
    std::vector<size_t> host_of_id_;
    double bw_ = 0, lat_ = 0;

    size_t level_start(unsigned level) const
    {
        size_t k = 0;
        for (unsigned i = 0; i < level; i++)
            k += by_level_[i];
        return k;
    }
    /* FatTreeZone::generate_labels: a mixed-radix counter per level, digit 0 fastest. */
    unsigned radix(unsigned level, unsigned digit) const
    {
        return digit + 1 > level ? down_[digit] : up_[digit];
    }
    void make_labels()
    {
        size_t k = 0;
        for (unsigned i = 0; i <= levels_; i++) {
            std::vector<unsigned> cur(levels_, 0);
            for (unsigned j = 0; j < by_level_[i]; j++) {
                nodes_[k++].label = cur;
                for (unsigned pos = 0; pos < levels_; pos++) {
                    if (++cur[pos] < radix(i, pos))
                        break;
                    cur[pos] = 0;
                }
            }
        }
    }
    /* FatTreeZone::add_link, SPLITDUPLEX (as simgrad writes the cluster). */
    void add_cable(Node *parent, unsigned parent_port, Node *child, unsigned child_port, unsigned uid)
    {
        std::string id = "link_from_" + std::to_string(child->id) + "_" + std::to_string(parent->id) +
                         "_" + std::to_string(uid);
        Cable c{parent, child, get_iface()->create_link(id + "_UP", bw_), nullptr};
        c.up->set_latency(lat_)->seal();
        c.down = get_iface()->create_link(id + "_DOWN", bw_);
        c.down->set_latency(lat_)->seal();
        cables_.push_back(c);
        parent->children[parent_port] = &cables_.back();
        child->parents[child_port] = &cables_.back();
    }
    /* FatTreeZone::connect_node_to_parents, parents in increasing position. */
    void connect(Node *node, unsigned &uid)
    {
        unsigned l = node->level;
        size_t base = level_start(l + 1);
        for (unsigned d = 0; d < up_[l]; d++) {
            size_t pos = 0, mul = 1;
            for (unsigned i = 0; i < levels_; i++) {
                pos += mul * (i == l ? d : node->label[i]);
                mul *= radix(l + 1, i);
            }
            Node *parent = &nodes_[base + pos];
            for (unsigned j = 0; j < ports_[l]; j++)
                add_cable(parent, node->label[l] + j * down_[l], node, parent->label[l] + j * up_[l],
                          uid++);
        }
    }
    bool in_subtree(const Node *root, const Node *node) const
    {
        if (root->level <= node->level)
            return false;
        for (unsigned i = 0; i < node->level; i++)
            if (root->label[i] != node->label[i])
                return false;
        for (unsigned i = root->level; i < levels_; i++)
            if (root->label[i] != node->label[i])
                return false;
        return true;
    }
    static void push(Route *into, double *latency, Link *l)
    {
        into->link_list_.push_back(l->get_impl());
        if (latency)
            *latency += l->get_latency();
    }
    void parse(const char *p)
    {
        char *end;
        levels_ = (unsigned)strtoul(p, &end, 10);
        for (std::vector<unsigned> *v : {&down_, &up_, &ports_})
            for (unsigned i = 0; i < levels_; i++)
                v->push_back((unsigned)strtoul(end + 1, &end, 10));
        by_level_.assign(levels_ + 1, 1);
        for (unsigned i = 0; i < levels_; i++)
            by_level_[0] *= down_[i];
        for (unsigned i = 0; i < levels_; i++) {
            for (unsigned j = 0; j <= i; j++)
                by_level_[i + 1] *= up_[j];
            for (unsigned j = i + 1; j < levels_; j++)
                by_level_[i + 1] *= down_[j];
        }
    }
    void add_hosts(const sgr_platform_cfg &c)
    {
        double loop_bw = 4.0 * c.host_bw > 1e10 ? 4.0 * c.host_bw : 1e10; /* as the XML's */
        for (unsigned i = 0; i < by_level_[0]; i++) {
            simgrid::s4u::Host *host = get_iface()->create_host("h" + std::to_string(i), c.host_speed);
            host->set_core_count(c.cores)->seal();
            size_t id = host->get_netpoint()->id();
            if (host_of_id_.size() <= id)
                host_of_id_.resize(id + 1, SIZE_MAX);
            host_of_id_[id] = i;
            Link *loop = get_iface()->create_link("fat-tree_link_" + std::to_string(i) + "_loopback",
                                                  loop_bw);
            loop->set_sharing_policy(Link::SharingPolicy::FATPIPE)->set_latency(0)->seal();
            nodes_[i] = Node{(int)i, 0, i, {}, {}, std::vector<Cable *>(up_[0] * ports_[0]), loop};
        }
    }

public:
    FatTreeZone() : NetZoneImpl("fat-tree") {}

    void build(const sgr_platform_cfg &c)
    {
        parse(c.topo_parameters);
        bw_ = c.host_bw;
        lat_ = c.host_lat;
        size_t ncables = 0;
        for (unsigned i = 0; i < levels_; i++)
            ncables += (size_t)by_level_[i] * up_[i] * ports_[i];
        nodes_.resize(level_start(levels_ + 1));
        cables_.reserve(ncables); /* pointers into nodes_ and cables_ stay valid */
        add_hosts(c);
        int k = 2 * (int)by_level_[0]; /* FatTreeZone::generate_switches numbers switches down */
        size_t n = by_level_[0];
        for (unsigned i = 0; i < levels_; i++)
            for (unsigned j = 0; j < by_level_[i + 1]; j++) {
                std::vector<Cable *> parents(i + 1 < levels_ ? up_[i + 1] * ports_[i + 1] : 0);
                nodes_[n++] =
                    Node{--k, i + 1, j, {}, std::vector<Cable *>(down_[i] * ports_[i]), parents, nullptr};
            }
        make_labels();
        unsigned uid = 0;
        for (size_t i = 0; i < level_start(levels_); i++)
            connect(&nodes_[i], uid);
        seal();
    }

    void get_local_route(const NetPoint *src, const NetPoint *dst, Route *into, double *latency) override
    {
        const Node *source = &nodes_[host_of_id_.at(src->id())];
        const Node *destination = &nodes_[host_of_id_.at(dst->id())];
        if (source == destination) {
            push(into, latency, source->loopback);
            return;
        }
        const Node *cur = source;
        while (!in_subtree(cur, destination)) {
            unsigned d = destination->position;
            for (unsigned i = 0; i < cur->level; i++)
                d /= up_[i];
            d %= up_[cur->level] * ports_[cur->level];
            push(into, latency, cur->parents[d]->up);
            cur = cur->parents[d]->up_node;
        }
        while (cur != destination) {
            unsigned d = source->position % ports_[cur->level - 1];
            for (unsigned i = d * down_[cur->level - 1]; i < cur->children.size(); i++) {
                if (i % down_[cur->level - 1] == destination->label[cur->level - 1]) {
                    push(into, latency, cur->children[i]->down);
                    cur = cur->children[i]->down_node;
                }
            }
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
    bool ls = cfg && cfg->kind == SGR_PLAT_LEAF_SPINE && cfg->leaves > 1;
    bool ft = cfg && cfg->kind == SGR_PLAT_FAT_TREE;
    if ((ls || ft) && !xml_only()) {
        if (sgr_platform_check(cfg, nullptr, err) < 0)
            return -1;
        /* the zone becomes the root zone; SimGrid frees it at exit */
        if (ls)
            (new LeafSpineZone())->build(*cfg);
        else
            (new FatTreeZone())->build(*cfg);
        simgrid::s4u::Engine::on_platform_created();
        return 0;
    }
    if (!xml_path)
        return sgr_fail(err, "internal: no platform file to load");
    simgrid_load_platform(xml_path);
    return 0;
}
