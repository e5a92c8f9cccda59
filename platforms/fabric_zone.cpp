/* The fabric family's platform: one SimGrid routing zone that routes each communication over
 * the path its sender named (see simgrad/fabric.h).
 *
 * SimGrid asks a zone for the route of a host pair when a communication starts (in the
 * maestro, during the simcall that starts it). sgr_fabric_send queues the wanted path and the
 * size for its (source, destination) pair just before starting the communication, and the
 * zone takes the pair's oldest queued entry when asked for that pair's route: SimGrid shares
 * bandwidth over exactly the links the zone returns, and the zone adds the communication's
 * bytes to each of them (the links' loads). An actor's simcalls are handled in the order it
 * makes them, so several actors may send at once as long as all the communications of one
 * pair come from one actor. A route request with nothing queued (a lookup) gets the pair's
 * first live path and loads nothing. */
#include <simgrid/kernel/routing/NetPoint.hpp>
#include <simgrid/kernel/routing/NetZoneImpl.hpp>
#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <simgrid/s4u/Mailbox.hpp>
#include <xbt/config.hpp>

#include <cmath>
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <string>
#include <vector>

#include "simgrad/fabric.h"

namespace {

using simgrid::kernel::routing::NetPoint;
using simgrid::kernel::routing::NetZoneImpl;
using simgrid::kernel::routing::Route;
using simgrid::s4u::Link;

/* Index layout of the physical links (links_), each cable two links:
 *   host up h, host down h                            2 * nhosts
 *   leaf up (l, s), leaf down (l, s)                  2 * nleaves * planes
 *   core up (p, a, c), core down (p, a, c)            2 * pods * planes * cores
 * and the virtual aggregates of ideal spraying (agg_): leaf up l, leaf down l, pod up p,
 * pod down p. */
class FabricZone : public NetZoneImpl {
  const sgr_fabric* f_;
  std::vector<Link*> links_;
  std::vector<sgr_fabric_link> info_;
  std::vector<Link*> agg_;
  std::vector<size_t> host_of_id_; /* netpoint id -> host index */
  std::vector<simgrid::s4u::Host*> hosts_;
  struct Hint {
    int path;
    double bytes;
  };
  std::unordered_map<uint64_t, std::deque<Hint>> hints_; /* (src, dst) -> queued, in order */
  std::vector<double> bytes_;                            /* per link of links_ */
  std::vector<double> agg_bytes_;                        /* per link of agg_ */
  std::vector<size_t> leaf_live_, pod_live_;             /* live planes per leaf (pod) */
  bool spray_agg_;

  size_t host_up(size_t h) const { return h; }
  size_t host_down(size_t h) const { return f_->nhosts + h; }
  size_t leaf_up(size_t l, size_t s) const { return 2 * f_->nhosts + l * f_->planes + s; }
  size_t leaf_down(size_t l, size_t s) const
  {
    return 2 * f_->nhosts + f_->nleaves * f_->planes + l * f_->planes + s;
  }
  size_t core_base() const { return 2 * f_->nhosts + 2 * f_->nleaves * f_->planes; }
  size_t ncore() const { return f_->pods * f_->planes * f_->cores; }
  size_t core_up(size_t p, size_t a, size_t c) const
  {
    return core_base() + (p * f_->planes + a) * f_->cores + c;
  }
  size_t core_down(size_t p, size_t a, size_t c) const
  {
    return core_base() + ncore() + (p * f_->planes + a) * f_->cores + c;
  }

  Link* make_link(const std::string& name, double bw, double lat)
  {
    /* a link that is down keeps a tiny bandwidth so SimGrid accepts it; no path uses it */
    Link* l = get_iface()->create_link(name, bw > 0 ? bw : 1.0);
    l->set_latency(lat);
    l->seal();
    return l;
  }

  void add(sgr_link_tier tier, size_t a, size_t b, size_t c, double bw, double lat,
           const std::string& name)
  {
    links_.push_back(make_link(name, bw, lat));
    info_.push_back(sgr_fabric_link{tier, a, b, c, bw});
  }

  /* Append a link to a route, and the communication's bytes to that link's load. */
  void push(Route* into, double* latency, std::vector<Link*>& set, std::vector<double>& load, size_t i,
            double bytes)
  {
    into->link_list_.push_back(set[i]->get_impl());
    if (latency)
      *latency += set[i]->get_latency();
    load[i] += bytes;
  }

public:
  explicit FabricZone(const sgr_fabric* f) : NetZoneImpl("multipath"), f_(f), spray_agg_(sgr_fabric_spray_aggregate(f)) {}

  void build()
  {
    const sgr_fabric& f = *f_;
    for (size_t h = 0; h < f.nhosts; h++) {
      simgrid::s4u::Host* host = get_iface()->create_host("h" + std::to_string(h), f.host_speed);
      host->seal();
      hosts_.push_back(host);
      size_t id = host->get_netpoint()->id();
      if (host_of_id_.size() <= id)
        host_of_id_.resize(id + 1, SIZE_MAX);
      host_of_id_[id] = h;
    }
    for (size_t h = 0; h < f.nhosts; h++)
      add(SGR_LINK_HOST_UP, h, sgr_fabric_leaf(f_, h), 0, f.host_bw, f.host_lat, "up_h" + std::to_string(h));
    for (size_t h = 0; h < f.nhosts; h++)
      add(SGR_LINK_HOST_DOWN, h, sgr_fabric_leaf(f_, h), 0, f.host_bw, f.host_lat, "down_h" + std::to_string(h));
    for (int dir = 0; dir < 2; dir++)
      for (size_t l = 0; l < f.nleaves; l++)
        for (size_t s = 0; s < f.planes; s++)
          add(dir ? SGR_LINK_LEAF_DOWN : SGR_LINK_LEAF_UP, l, s, 0, f.leaf_bw * f.leaf_factor[l * f.planes + s],
              f.leaf_lat, std::string(dir ? "down_l" : "up_l") + std::to_string(l) + "_s" + std::to_string(s));
    for (int dir = 0; dir < 2; dir++)
      for (size_t p = 0; p < f.pods; p++)
        for (size_t a = 0; a < f.planes; a++)
          for (size_t c = 0; c < f.cores; c++)
            add(dir ? SGR_LINK_CORE_DOWN : SGR_LINK_CORE_UP, p, a, c,
                f.core_bw * f.core_factor[(p * f.planes + a) * f.cores + c], f.core_lat,
                std::string(dir ? "down_p" : "up_p") + std::to_string(p) + "_a" + std::to_string(a) + "_c" +
                    std::to_string(c));
    if (spray_agg_)
      build_aggregates();
    bytes_.assign(links_.size(), 0.0);
    agg_bytes_.assign(agg_.size(), 0.0);
    seal();
  }

  /* Per leaf (pod): live planes (paths) x the slowest live link, for each direction. */
  void build_aggregates()
  {
    const sgr_fabric& f = *f_;
    double slowest;
    for (int dir = 0; dir < 2; dir++)
      for (size_t l = 0; l < f.nleaves; l++) {
        size_t live = sgr_fabric_leaf_live(f_, l, &slowest);
        if (dir == 0)
          leaf_live_.push_back(live);
        agg_.push_back(make_link(std::string(dir ? "spray_down_l" : "spray_up_l") + std::to_string(l),
                                 (double)live * slowest * f.leaf_bw, f.leaf_lat));
      }
    for (int dir = 0; dir < 2; dir++)
      for (size_t p = 0; p < (f.cores ? f.pods : 0); p++) {
        size_t live = sgr_fabric_pod_live(f_, p, &slowest);
        if (dir == 0)
          pod_live_.push_back(live);
        agg_.push_back(make_link(std::string(dir ? "spray_down_p" : "spray_up_p") + std::to_string(p),
                                 (double)live * slowest * f.core_bw, f.core_lat));
      }
  }

  static uint64_t pair(size_t src, size_t dst) { return (uint64_t)src << 32 | (uint64_t)dst; }

  void push_hint(size_t src, size_t dst, int path, double bytes)
  {
    hints_[pair(src, dst)].push_back(Hint{path, bytes});
  }

  /* The next queued entry for this pair; path -2 when none (a route lookup). */
  Hint pop_hint(size_t src, size_t dst)
  {
    auto it = hints_.find(pair(src, dst));
    if (it == hints_.end())
      return Hint{-2, 0};
    Hint h = it->second.front();
    it->second.pop_front();
    if (it->second.empty())
      hints_.erase(it);
    return h;
  }

  /* Visit the links of the route from host s to host d over `path`, in route order:
   * visit(set, load, i) for link i of set (links_ with its loads bytes_, or the aggregates agg_
   * with agg_bytes_). */
  template <class Visit> void walk_route(size_t s, size_t d, int path, Visit visit)
  {
    if (s == d)
      return;
    size_t ls = sgr_fabric_leaf(f_, s), ld = sgr_fabric_leaf(f_, d);
    visit(links_, bytes_, host_up(s));
    if (ls != ld) {
      if (path == SGR_PATH_SPRAY && spray_agg_)
        walk_spray(ls, ld, visit);
      else
        walk_path(ls, ld, path, visit);
    }
    visit(links_, bytes_, host_down(d));
  }

  template <class Visit> void walk_spray(size_t ls, size_t ld, Visit visit)
  {
    const sgr_fabric& f = *f_;
    visit(agg_, agg_bytes_, ls);
    size_t ps = sgr_fabric_pod(f_, ls), pd = sgr_fabric_pod(f_, ld);
    if (f.cores && ps != pd) {
      visit(agg_, agg_bytes_, 2 * f.nleaves + ps);
      visit(agg_, agg_bytes_, 2 * f.nleaves + f.pods + pd);
    }
    visit(agg_, agg_bytes_, f.nleaves + ld);
  }

  template <class Visit> void walk_path(size_t ls, size_t ld, int path, Visit visit)
  {
    const sgr_fabric& f = *f_;
    size_t p;
    if (path < 0) { /* no hint: the pair's first live path */
      std::vector<size_t> live(sgr_fabric_npaths(f_, ls, ld));
      sgr_fabric_live_paths(f_, ls, ld, live.data());
      p = live[0];
    } else {
      p = (size_t)path;
    }
    size_t ps = sgr_fabric_pod(f_, ls), pd = sgr_fabric_pod(f_, ld);
    bool inter   = f.cores && ps != pd;
    size_t plane = inter ? p / f.cores : p, core = inter ? p % f.cores : 0;
    visit(links_, bytes_, leaf_up(ls, plane));
    if (inter) {
      visit(links_, bytes_, core_up(ps, plane, core));
      visit(links_, bytes_, core_down(pd, plane, core));
    }
    visit(links_, bytes_, leaf_down(ld, plane));
  }

  void get_local_route(const NetPoint* src, const NetPoint* dst, Route* into, double* latency) override
  {
    size_t s = host_of_id_.at(src->id()), d = host_of_id_.at(dst->id());
    Hint h = pop_hint(s, d);
    walk_route(s, d, h.path, [&](std::vector<Link*>& set, std::vector<double>& load, size_t i) {
      push(into, latency, set, load, i, h.bytes);
    });
  }

  /* Add `bytes` to the loads of the route's links, as a communication over it would. */
  void credit(size_t s, size_t d, int path, double bytes)
  {
    walk_route(s, d, path,
               [&](std::vector<Link*>&, std::vector<double>& load, size_t i) { load[i] += bytes; });
  }

  /* The route's links as ids (links_ index, or links_.size() + agg_ index), into out; returns
   * how many (at most 6). */
  size_t route_ids(size_t s, size_t d, int path, size_t* out)
  {
    size_t n = 0;
    walk_route(s, d, path, [&](std::vector<Link*>& set, std::vector<double>&, size_t i) {
      out[n++] = &set == &agg_ ? links_.size() + i : i;
    });
    return n;
  }

  Link* link_by_id(size_t id) const { return id < links_.size() ? links_.at(id) : agg_.at(id - links_.size()); }
  size_t nids() const { return links_.size() + agg_.size(); }

  simgrid::s4u::Host* host(size_t h) const { return hosts_.at(h); }
  size_t nlinks() const { return links_.size(); }
  const sgr_fabric_link& info(size_t i) const { return info_.at(i); }

  double bytes(size_t i) const
  {
    double b = bytes_.at(i);
    if (!spray_agg_)
      return b;
    /* credit each physical link with its even share of the aggregate it belongs to */
    const sgr_fabric& f = *f_;
    const sgr_fabric_link& k = info_[i];
    double x;
    switch (k.tier) {
      case SGR_LINK_LEAF_UP:
      case SGR_LINK_LEAF_DOWN:
        x = f.leaf_factor[k.a * f.planes + k.b];
        if (x > 0)
          b += agg_bytes_[(k.tier == SGR_LINK_LEAF_DOWN ? f.nleaves : 0) + k.a] / (double)leaf_live_[k.a];
        break;
      case SGR_LINK_CORE_UP:
      case SGR_LINK_CORE_DOWN:
        x = f.core_factor[(k.a * f.planes + k.b) * f.cores + k.c];
        if (x > 0)
          b += agg_bytes_[2 * f.nleaves + (k.tier == SGR_LINK_CORE_DOWN ? f.pods : 0) + k.a] / (double)pod_live_[k.a];
        break;
      default:
        break;
    }
    return b;
  }

};

/* The fabric zone is the engine's root zone (sgr_fabric_build makes it so): found there
 * rather than kept in a global. */
FabricZone* the_zone()
{
  const simgrid::s4u::NetZone* root = simgrid::s4u::Engine::get_instance()->get_netzone_root();
  return root ? dynamic_cast<FabricZone*>(root->get_impl()) : nullptr;
}

} // namespace

extern "C" int sgr_fabric_build(const sgr_fabric* f, sgr_err* err)
{
  if (simgrid::s4u::Engine::get_instance()->get_netzone_root() != nullptr)
    return sgr_fail(err, "internal: a platform is already loaded");
  auto* zone = new FabricZone(f); /* becomes the root zone; SimGrid frees it at exit */
  zone->build();
  return 0;
}

extern "C" sg_comm_t sgr_fabric_send(size_t src, size_t dst, double bytes, int path)
{
  the_zone()->push_hint(src, dst, path, bytes);
  simgrid::s4u::CommPtr c = simgrid::s4u::Comm::sendto_async(the_zone()->host(src), the_zone()->host(dst), (uint64_t)bytes);
  c->add_ref(); /* the C API's wait functions drop this reference */
  return c.get();
}

extern "C" sg_comm_t sgr_fabric_put(size_t src, size_t dst, double bytes, int path, sg_mailbox_t mbox,
                                    void* payload)
{
  the_zone()->push_hint(src, dst, path, bytes);
  simgrid::s4u::CommPtr c = mbox->put_async(payload, (uint64_t)bytes);
  c->add_ref(); /* the C API's wait functions drop this reference */
  return c.get();
}

extern "C" void sgr_fabric_credit(size_t src, size_t dst, int path, double bytes)
{
  the_zone()->credit(src, dst, path, bytes);
}

extern "C" size_t sgr_fabric_route_ids(size_t src, size_t dst, int path, size_t* out)
{
  return the_zone()->route_ids(src, dst, path, out);
}

extern "C" size_t sgr_fabric_nids(void)
{
  FabricZone* zone = the_zone();
  return zone ? zone->nids() : 0;
}

extern "C" void sgr_fabric_id_speed(size_t id, double* bw, double* lat)
{
  Link* l = the_zone()->link_by_id(id);
  *bw     = l->get_bandwidth();
  *lat    = l->get_latency();
}

extern "C" size_t sgr_fabric_nlinks(void)
{
  FabricZone* zone = the_zone();
  return zone ? zone->nlinks() : 0;
}

extern "C" void sgr_fabric_link_info(size_t i, sgr_fabric_link* out)
{
  *out = the_zone()->info(i);
}

extern "C" double sgr_fabric_link_bytes(size_t i)
{
  return the_zone()->bytes(i);
}

extern "C" int sgr_fabric_plain_cm02(double* tcp_gamma, sgr_err* err)
{
  using simgrid::config::get_value;
  const std::string& model = get_value<std::string>("network/model");
  if (model != "CM02")
    return sgr_fail(err, "network/model is %s, not CM02", model.c_str());
  if (get_value<double>("network/latency-factor") != 1.0 || get_value<double>("network/bandwidth-factor") != 1.0)
    return sgr_fail(err, "network/latency-factor or network/bandwidth-factor is not 1");
  if (get_value<double>("network/weight-S") != 0.0)
    return sgr_fail(err, "network/weight-S is not 0");
  if (get_value<bool>("network/crosstraffic"))
    return sgr_fail(err, "network/crosstraffic is on");
  *tcp_gamma = get_value<double>("network/TCP-gamma");
  return 0;
}
