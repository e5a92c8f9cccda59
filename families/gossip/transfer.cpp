/* A host-to-host transfer started now and waited for later, possibly by another actor: SimGrid
 * 3.32's C API only has the blocking sg_host_sendto (Comm::sendto_async, which starts the
 * transfer once both ends are set, is C++ only). The gossip family's pool (pool.c) starts a node's
 * messages in the order the node sends them, as its actor did with mailbox puts, so that transfers
 * created at the same simulated time are created in the same order (the network model breaks ties
 * between equal completion times by it). */
#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Host.hpp>

#include "families/gossip/transfer.h"

sg_comm_t gs_transfer_start(sg_host_t from, sg_host_t to, double bytes)
{
    simgrid::s4u::CommPtr comm =
        simgrid::s4u::Comm::sendto_async(from, to, static_cast<uint64_t>(bytes));
    comm->add_ref(); /* the caller's reference, released by sg_comm_wait */
    return comm.get();
}
