/* Host-to-host transfers for the gossip family's pool (transfer.cpp). */
#ifndef SIMGRAD_FAMILY_GOSSIP_TRANSFER_H
#define SIMGRAD_FAMILY_GOSSIP_TRANSFER_H

#include <simgrid/forward.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Start moving `bytes` from host `from` to host `to` now; any actor may then wait for it with
 * sg_comm_wait, which releases the handle. Call from an actor. Can't fail (SimGrid aborts on
 * its own errors). */
sg_comm_t gs_transfer_start(sg_host_t from, sg_host_t to, double bytes);

#ifdef __cplusplus
}
#endif
#endif
