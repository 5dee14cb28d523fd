/* SPDX-License-Identifier: MIT */
/* The seam between the VMBus server and the hypervisor: everything the server needs from the
 * outside world of one VM, and nothing more. The worker (vmwp) gets it from its partition
 * backend (rootpart/vmwp/partition.h; over SynIC messages and events through vid.ko once the
 * child-partition work lands); the host tests implement it in process (guest RAM = a memory
 * region, signals = eventfds on the libuv loop: sim_transport_ops in tests/host/vsp/sim.c).
 *
 * Threading: every call is made on the worker's event-loop thread, except two that the storage
 * VSP's I/O threads also call, concurrently with the loop and with each other: page_ptr, and
 * signal_guest (the I/O threads write their completions into the host->guest ring themselves
 * and signal the guest when the ring rules say so; vmbus_channel_send_from_thread in
 * vmbus_server/server.h). Both must be thread-safe and must not block for long (an ioctl is
 * fine, a wait for the guest is not); no server lock is held during either. The inbound
 * direction (the guest posted a message / signalled a connection) goes the other way, through
 * vmbus_server_post_message() and vmbus_server_signal() in vmbus_server/server.h, which the
 * transport calls on the loop thread.
 *
 * The vp arguments come from the guest unchecked (INITIATE_CONTACT target_vcpu, OPENCHANNEL and
 * MODIFYCHANNEL target_vp): the server does not know the VM's VP count, so the transport must
 * treat a VP index it does not have as bad input (drop the message or signal, or use VP 0),
 * never as an index into its own tables. */
#ifndef VMBUS_SERVER_TRANSPORT_H
#define VMBUS_SERVER_TRANSPORT_H

#include <stdint.h>

#include "hv/abi.h"

struct vmbus_transport_ops {
	/* Deliver one channel-management message (len <= 240 bytes, a copy is taken) to the
	 * guest's SynIC message slot `sint` on virtual processor `vp`, queueing it while the
	 * slot is busy (the guest's EOM releases the next one). Returns 0, or negative when the
	 * guest's queue is full (a guest that does not read its messages; the server logs it and
	 * drops the message). */
	int (*post_message)(void *ctx, uint32_t vp, uint32_t sint, const void *msg, uint32_t len);

	/* Signal channel `relid` to the guest: set bit relid in the event-flags page of VP `vp`
	 * for VMBus's SINT and raise that SINT. Never fails; coalescing is fine (a set bit stays
	 * set until the guest clears it). Thread-safe: called from the loop and from the storage
	 * VSP's I/O threads, possibly at the same time for the same relid. */
	void (*signal_guest)(void *ctx, uint32_t vp, uint32_t relid);

	/* Map the guest pages pfns[0..n) into one virtually contiguous host window (ring buffers
	 * need one). Returns the window or NULL if a page is outside the guest's RAM or the window
	 * cannot be made. The window stays valid until unmap_pages. */
	void *(*map_pages)(void *ctx, const uint64_t *pfns, uint32_t n);
	void (*unmap_pages)(void *ctx, void *window, uint32_t n);

	/* Host address of guest page pfn (4 KiB), or NULL if it is not guest RAM. Valid for the
	 * VM's lifetime (the worker owns guest RAM). Used for data buffers (GPA-direct page lists)
	 * and to validate GPADL pages. Thread-safe. */
	uint8_t *(*page_ptr)(void *ctx, uint64_t pfn);

	/* The guest's partition reference time (100 ns units; what the guest reads from its
	 * reference counter MSR / TSC page). Used by time sync. */
	uint64_t (*reference_time)(void *ctx);
};

struct vmbus_transport {
	const struct vmbus_transport_ops *ops;
	void *ctx;
};

/* The server answers HvPostMessage and HvSignalEvent with the hypercall status codes of the
 * hypervisor's ABI (hv/abi.h: HV_STATUS_*), which the transport returns to the guest. */

/* Connection ids the guest posts channel-management messages to: 4 for INITIATE_CONTACT from
 * protocol 5.0 on, 1 before and for everything after (the id VERSION_RESPONSE names). */
#define VMBUS_MESSAGE_CONNECTION_ID   1u
#define VMBUS_MESSAGE_CONNECTION_ID_4 4u
#define VMBUS_MESSAGE_SINT	      2u
/* A channel's signalling connection id (OFFERCHANNEL's connection_id): this base + its relid
 * (1..VMBUS_RELID_MAX). The transport registers the range with the hypervisor. */
#define VMBUS_CHANNEL_CONNECTION_BASE 0x10000u

#endif
