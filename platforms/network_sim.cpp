/* Packet level in simulation: let the messages in flight land before a family's last actor
 * ends; start a host-to-host transfer without a mailbox.
 *
 * When the last non-daemon actor ends, SimGrid kills the daemons, which cancels the transfers
 * they take part in, and an ending actor cancels its own pending receives. SimGrid 3.32's ns-3
 * binding keeps a cancelled transfer's flow in its table (flow_from_sock,
 * src/surf/ns3/ns3_simulator.cpp) pointing at the action the cancellation frees, and its next
 * update (NetworkNS3Model::update_actions_state, src/surf/network_ns3.cpp) reads it: measured,
 * the gossip family's packet-level run segfaults there as it ends, and a ps-sgd server that
 * ends while late gradients are in flight fails their senders with "Link failure". So the
 * family's last actor waits here until the ns-3 model has no started action. The run's clock
 * then stops when the last message in flight has landed (at most QUIESCE_POLL later). */
#include <simgrid/kernel/resource/Model.hpp>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>

#include "simgrad/network.h"

namespace
{

/* simulated seconds between two looks at the flows still in flight */
constexpr double QUIESCE_POLL = 1e-5;

/* The ns-3 model, or nullptr at flow level. */
simgrid::kernel::resource::Model *ns3_model()
{
    for (auto *m : simgrid::s4u::Engine::get_instance()->get_all_models())
        if (m->get_name() == "NS3 network model") /* NetworkNS3Model's name, network_ns3.cpp */
            return m;
    return nullptr;
}

} // namespace

/* At least one poll: transfers that other actors start at the very instant the caller would
 * end (a synchronous round's sends at the last checkpoint) are only in flight once their
 * simcalls are handled, after this actor has run. */
extern "C" void sgr_network_quiesce(void)
{
    auto *model = ns3_model();
    if (model == nullptr)
        return;
    do
        simgrid::s4u::this_actor::sleep_for(QUIESCE_POLL);
    while (not model->get_started_action_set()->empty());
}

extern "C" sg_comm_t sgr_network_sendto_async(sg_host_t from, sg_host_t to, double bytes)
{
    simgrid::s4u::CommPtr c = simgrid::s4u::Comm::sendto_async(from, to, (uint64_t)bytes);
    c->add_ref(); /* the C API's wait functions drop this reference */
    return c.get();
}
