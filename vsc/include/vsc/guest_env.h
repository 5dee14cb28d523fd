/* SPDX-License-Identifier: MIT */
/* What guest-side VMBus code (the VMBus client and the VSCs) needs from the guest it runs in:
 * the two hypercalls, a way to sleep until an interrupt, and page allocation with physical
 * page numbers. The test guest (coming with the child-partition work) implements it over real
 * hypercalls and SynIC pages; the host tests implement it over the simulated transport
 * (sim_guest_start() and its guest_env in tests/host/vsp/sim.c).
 *
 * Inbound, the guest's interrupt path calls vmbus_client_on_message() for each SynIC message
 * on the VMBus SINT and vmbus_client_on_event() for each set event-flag bit. */
#ifndef VSC_GUEST_ENV_H
#define VSC_GUEST_ENV_H

#include <stdbool.h>
#include <stdint.h>

struct vsc_env_ops {
	/* HvPostMessage (message type 1) of len <= 240 bytes: returns the hypercall status. */
	uint32_t (*post_message)(void *ctx, uint32_t connection_id, const void *msg, uint32_t len);
	/* HvSignalEvent (flag 0). */
	void (*signal_event)(void *ctx, uint32_t connection_id);
	/* Sleep until an interrupt may have delivered something (the interrupt path has run the
	 * client's on_message / on_event before this returns). false: give up (a test's
	 * deadline; a real guest never gives up, like Linux). */
	bool (*wait)(void *ctx);
	/* n zeroed, physically contiguous 4 KiB pages; *pfn = the first one's page number.
	 * NULL if out of memory. */
	void *(*alloc_pages)(void *ctx, uint32_t n, uint64_t *pfn);
	void (*free_pages)(void *ctx, void *p, uint32_t n);
	/* The partition reference counter (100 ns units). */
	uint64_t (*reference_time)(void *ctx);
};

struct vsc_env {
	const struct vsc_env_ops *ops;
	void *ctx;
};

/* Errors of the guest-side code (negative; 0 is success). */
enum vsc_status {
	VSC_OK = 0,
	VSC_E_REFUSED = -1, /* the host answered with a failure status */
	VSC_E_TIMEOUT = -2, /* the environment gave up waiting */
	VSC_E_NOMEM = -3,
	VSC_E_PROTO = -4, /* the host sent something invalid */
	VSC_E_NODEV = -5, /* no such offer / channel rescinded */
	VSC_E_HV = -6,	  /* a hypercall failed */
	VSC_E_INVAL = -7,
	VSC_E_IO = -8, /* SCSI command failed */
};

#endif
