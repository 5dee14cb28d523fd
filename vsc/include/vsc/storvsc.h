/* SPDX-License-Identifier: MIT */
/* Guest-side storage VSC: the storvsc protocol as Linux 6.1's hv_storvsc speaks it
 * (storvsc_channel_init, storvsc_queuecommand, storvsc_on_channel_callback): channel init
 * sequence, SRBs in flight by transaction id (out-of-order completion), block read, write and
 * flush helpers. Freestanding; built hosted for the tests. */
#ifndef VSC_STORVSC_H
#define VSC_STORVSC_H

#include <stdbool.h>
#include <stdint.h>

#include "vsc/vmbus_client.h"
#include "vmbus_wire/vstor.h"

#define STORVSC_SLOTS	  256
#define STORVSC_RQST_INIT (~0ull - 1) /* Linux's VMBUS_RQST_INIT */

struct storvsc_req {
	/* IN */
	uint8_t lun;
	uint8_t cdb[VSTOR_CDB_MAX];
	uint8_t cdb_len;
	uint8_t data_in;      /* VSTOR_DATA_* */
	uint32_t byte_offset; /* data buffer: offset into the first page */
	uint32_t len;	      /* 0 = no data (in-band packet) */
	const uint64_t *pfns;
	uint32_t npfn;
	/* OUT */
	bool done;
	uint32_t vstor_status;
	uint8_t srb_status;
	uint8_t scsi_status;
	uint32_t xfer; /* data_transfer_length of the completion */
	uint8_t sense[VSTOR_SENSE_MAX];
	uint8_t sense_len;
};

struct storvsc {
	struct vmbus_client *client;
	struct vsc_channel ch;
	uint16_t protocol;
	uint32_t max_transfer;
	uint16_t max_channels;
	uint32_t prop_flags;
	struct storvsc_req *slots[STORVSC_SLOTS];
	uint32_t inflight;
	uint32_t bad_completions; /* unknown ids / short packets (Linux drops them) */
	uint32_t size_delta;	  /* bytes cut off a request before negotiation (16) */
};

/* Open the channel (128 KiB rings) and run storvsc_channel_init. */
int storvsc_init(struct storvsc *sv, struct vmbus_client *c, uint32_t relid);
int storvsc_close(struct storvsc *sv);

/* Send one SRB (GPA-direct when len > 0). VMBUS_E_AGAIN if the ring or the slots are full. */
int storvsc_submit(struct storvsc *sv, struct storvsc_req *r);
/* Read completions without sleeping; returns how many SRBs completed, or a negative status. */
int storvsc_poll(struct storvsc *sv);
/* submit + poll/wait until r is done. */
int storvsc_execute(struct storvsc *sv, struct storvsc_req *r);

/* Helpers over execute: VSC_E_IO if the SCSI command fails (r has the sense). */
int storvsc_rw(struct storvsc *sv, uint8_t lun, bool write, uint64_t lba, uint32_t blocks,
	       uint32_t block_size, const uint64_t *pfns, uint32_t npfn, struct storvsc_req *r);
int storvsc_flush(struct storvsc *sv, uint8_t lun, struct storvsc_req *r);
int storvsc_read_capacity(struct storvsc *sv, uint8_t lun, const uint64_t *pfn_scratch,
			  const uint8_t *scratch, uint64_t *blocks, uint32_t *block_size);

#endif
