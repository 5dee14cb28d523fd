/* SPDX-License-Identifier: MIT */
/* Wire format of a VMBus ring buffer: a 4 KiB control page (the indices, the interrupt mask,
 * the pending-send size and the feature bits) followed by the data area, whose packets end with
 * an 8-byte trailer. The reader and writer are vmbus/ring.h. */
#ifndef VMBUS_WIRE_RING_H
#define VMBUS_WIRE_RING_H

#include <stddef.h>
#include <stdint.h>

#define VMBUS_RING_CONTROL_SIZE		4096u
#define VMBUS_RING_TRAILER_SIZE		8u
#define VMBUS_RING_FEAT_PENDING_SEND_SZ 0x1u /* feature_bits: pending_send_sz honoured */

/* The control page (wire layout). */
struct vmbus_ring_control {
	_Atomic uint32_t write_index;	  /* 0: byte offset of the next write (writer owns) */
	_Atomic uint32_t read_index;	  /* 4: byte offset of the next read (reader owns) */
	_Atomic uint32_t interrupt_mask;  /* 8: reader: 1 = don't signal me (draining) */
	_Atomic uint32_t pending_send_sz; /* 12: writer: signal me when free > this */
	uint32_t reserved1[12];		  /* 16 */
	_Atomic uint32_t feature_bits;	  /* 64: VMBUS_RING_FEAT_* */
	uint8_t reserved2[VMBUS_RING_CONTROL_SIZE - 68];
};
_Static_assert(sizeof(struct vmbus_ring_control) == 4096, "control page is 4 KiB");
_Static_assert(sizeof(_Atomic uint32_t) == 4, "atomic u32 has the wire size");
_Static_assert(offsetof(struct vmbus_ring_control, read_index) == 4, "read_index at 4");
_Static_assert(offsetof(struct vmbus_ring_control, interrupt_mask) == 8, "interrupt_mask at 8");
_Static_assert(offsetof(struct vmbus_ring_control, pending_send_sz) == 12, "pending at 12");
_Static_assert(offsetof(struct vmbus_ring_control, feature_bits) == 64, "feature_bits at 64");

#endif
