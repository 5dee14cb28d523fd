/* SPDX-License-Identifier: MIT */
/* The VMBus server's transport to a real child (vmbus_server/transport.h) over vid.ko's SynIC
 * ioctls (rootpart/vid/vid.h): used by the vid partition backend (partition_vid.c). */
#ifndef HV_VMWP_SYNIC_TRANSPORT_H
#define HV_VMWP_SYNIC_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "mgmt/log.h"
#include "vmbus_server/server.h"

struct synic_transport;

/* What the transport works on; the caller owns all of it and keeps it until destroy. */
struct synic_transport_config {
	uv_loop_t *loop;
	struct mgmt_log *log;
	int part_fd;	    /* the partition fd (vid.ko) */
	int ram_fd;	    /* the memfd of the guest's RAM (map_pages builds windows from it) */
	uint8_t *ram;	    /* its MAP_SHARED mapping, GPA 0 .. ram_bytes */
	uint64_t ram_bytes; /* a multiple of 4 KiB */
	uint32_t vps;	    /* the VM's VP count: a VP index at or above it is bad input */
};

/* Registers VMBus's connections with the child (message ids 1 and 4, the channels' event
 * range) and the eventfd of its signals. Returns the transport; NULL with *why, and
 * *no_synic set when the hypervisor has no SynIC (EOPNOTSUPP: the VM then runs without VMBus). */
struct synic_transport *synic_transport_create(const struct synic_transport_config *c,
					       bool *no_synic, char *why, size_t why_size);
const struct vmbus_transport *synic_transport_get(struct synic_transport *t);
/* The server that gets the guest's messages and signals (NULL: none any more). The inbound
 * fds are watched only while one is attached: what the guest sends before waits in vid.ko. */
void synic_transport_attach(struct synic_transport *t, struct vmbus_server *server);
/* Closes its handles (freed once libuv has closed them) and its eventfd; the partition fd and
 * the RAM stay the caller's. Call before closing the partition fd. */
void synic_transport_destroy(struct synic_transport *t);

#endif
