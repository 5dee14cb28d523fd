/* SPDX-License-Identifier: MIT */
/* What the ring writer and reader share: checking a caller's ring description, initialising a
 * control page as the ring's owner, and status names. */
#include "ring_internal.h"

int ring_mem_check(const struct vmbus_ring_mem *mem)
{
	if (!mem || !mem->ctrl || !mem->data)
		return VMBUS_E_INVAL;
	if (mem->data_size < VMBUS_RING_MIN_DATA || mem->data_size > VMBUS_RING_MAX_DATA ||
	    (mem->data_size & 7u) != 0)
		return VMBUS_E_INVAL;
	return VMBUS_OK;
}

void vmbus_ring_control_init(struct vmbus_ring_control *ctrl)
{
	/* The peer is not attached yet, so the order of these stores does not matter; the
	 * message that hands the ring over (OPENCHANNEL) is the release point. */
	atomic_store_explicit(&ctrl->write_index, 0, memory_order_relaxed);
	atomic_store_explicit(&ctrl->read_index, 0, memory_order_relaxed);
	atomic_store_explicit(&ctrl->interrupt_mask, 0, memory_order_relaxed);
	atomic_store_explicit(&ctrl->pending_send_sz, 0, memory_order_relaxed);
	atomic_store_explicit(&ctrl->feature_bits, VMBUS_RING_FEAT_PENDING_SEND_SZ,
			      memory_order_relaxed);
}

const char *vmbus_status_name(int status)
{
	switch (status) {
	case VMBUS_OK:
		return "OK";
	case VMBUS_E_AGAIN:
		return "AGAIN";
	case VMBUS_E_NOSPC:
		return "NOSPC";
	case VMBUS_E_BROKEN:
		return "BROKEN";
	case VMBUS_E_PROTO:
		return "PROTO";
	case VMBUS_E_MSGSIZE:
		return "MSGSIZE";
	case VMBUS_E_INVAL:
		return "INVAL";
	default:
		return "?";
	}
}
