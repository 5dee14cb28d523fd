/* SPDX-License-Identifier: MIT */
/* The worker's partition backend: the one seam between the worker and the hypervisor.
 * Chosen at link time: partition_vid.c (the real one: /dev/vid through libvid) in vmwp,
 * partition_standin.c in the test-only vmwp-standin. Calls come from the worker's loop; a
 * backend reports back through vmwp_partition_running() / vmwp_partition_stopped(). */
#ifndef HV_VMWP_PARTITION_H
#define HV_VMWP_PARTITION_H

#include <stddef.h>
#include <stdint.h>

struct vmwp;
struct vmbus_server;
struct vmbus_transport;
struct partition;
struct hv_vp_stats;

struct partition_ops {
	const char *name;
	/* Creates the partition and maps its memory; 0, or -1 with the one-line cause and fix. */
	int (*create)(struct vmwp *w, struct partition **out, char *why, size_t why_size);
	/* Starts the VPs; the backend calls vmwp_partition_running() once they are entered. */
	int (*run)(struct partition *p, char *why, size_t why_size);
	/* Asks the guest to shut down (shutdown integration service). 0: asked, the backend
	 * calls vmwp_partition_stopped() when the guest is down; -1 with why if impossible. */
	int (*request_shutdown)(struct partition *p, char *why, size_t why_size);
	/* The transport the VMBus server reaches the guest through (SynIC messages and
	 * events), valid from create to destroy; NULL (or no callback): no VMBus. */
	const struct vmbus_transport *(*transport)(struct partition *p);
	/* Optional: the VMBus server now on that transport (NULL: it is about to go). From
	 * attach to detach the backend hands it the guest's messages and signals. */
	void (*vmbus_attach)(struct partition *p, struct vmbus_server *server);
	/* Bytes typed at the console for COM1's receiver; returns how many were taken (0 when the
	 * receiver's buffer is full: retry later). Called from the worker's loop thread. */
	size_t (*console_input)(struct partition *p, const uint8_t *bytes, size_t len);
	/* Exits of the VPs the backend handled so far (NULL: none counted). */
	uint64_t (*exits)(struct partition *p);
	/* Optional: what the hypervisor counted for the partition's VPs, summed over them (every
	 * exit by reason, also those it handles itself; interrupts, runs). Must not wait for a VP
	 * (called from the loop while they run). 0, or -1 when the counts cannot be had. */
	int (*vp_stats)(struct partition *p, struct hv_vp_stats *sum);
	/* Tears everything down at once (forced stop, or after the guest shut down). */
	void (*destroy)(struct partition *p);
};

extern const struct partition_ops partition_backend;

#endif
