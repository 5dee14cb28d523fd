/* SPDX-License-Identifier: MIT */
/* The storage VSP: one synthetic SCSI controller (the storvsc protocol over one VMBus channel)
 * whose LUNs 0..n-1 are raw disk images from the VM config. Disk I/O runs on the VSP's own
 * I/O threads (or inline on the loop when the page cache answers without blocking); many
 * requests are in flight and complete out of order. */
#ifndef VSP_STORVSP_H
#define VSP_STORVSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmbus_server/server.h"
#include "vsp/scsi_target.h"

/* QUERY_PROPERTIES max_transfer_bytes: the largest request Linux's storvsc builds (its
 * max_sectors and sg_tablesize follow it). 1 MiB, so that a 1 MiB read is one request and one
 * round trip through the worker rather than four (OpenVMM offers 256 KiB). */
#define STORVSP_MAX_TRANSFER 0x100000u

struct storvsp_disk_config {
	const char *path;
	bool readonly;
};

struct storvsp_config {
	const struct storvsp_disk_config *disks; /* LUN i = disks[i] */
	uint32_t ndisks;			 /* 1..SCSI_MAX_LUNS */
	struct vmbus_guid instance;		 /* offer instance GUID */
	uint32_t io_threads;			 /* 0 = 4 */
	uint32_t max_inflight;			 /* 0 = 256 */
	bool no_inline_io; /* always use the I/O threads (tests: out-of-order) */
	bool no_direct;	   /* never O_DIRECT */
};

struct storvsp;

/* Open the disks and register the controller's channel on s. NULL on failure, err says why. */
struct storvsp *storvsp_create(struct vmbus_server *s, const struct storvsp_config *cfg, char *err,
			       size_t errlen);
/* Device removal: rescind the channel; the VSP is freed when the guest released it (or at
 * server destroy). */
void storvsp_remove(struct storvsp *sp);
struct vmbus_channel *storvsp_channel(struct storvsp *sp);

struct storvsp_stats {
	uint64_t requests;  /* EXECUTE_SRB */
	uint64_t inline_io; /* completed on the loop without a thread */
	uint64_t thread_io;
	uint64_t direct_completions; /* written to the ring by an I/O thread itself */
	uint64_t errors;	     /* CHECK CONDITION and SRB errors */
	uint64_t stalls;	     /* reads from the ring paused at max_inflight */
	uint64_t reads, writes;	     /* SCSI READ/WRITE requests accepted (hvctl top) */
	uint64_t read_bytes, write_bytes;
	uint32_t inflight;
	uint16_t protocol; /* negotiated vstor version, 0 before */
};
/* Takes the VSP's lock (the I/O threads count their completions): not const. */
void storvsp_get_stats(struct storvsp *sp, struct storvsp_stats *st);

#endif
