/* SPDX-License-Identifier: MIT */
/* The VMBus ring buffer: one direction of a channel, shared between a writer and a reader that
 * do not trust each other. Layout (Hyper-V's): a 4 KiB control page, then the data area. The
 * caller maps both (guest RAM through a GPADL in the root, its own pages in a guest) and
 * describes them with struct vmbus_ring_mem; the library never allocates.
 *
 * Each side keeps private copies of the indices (struct vmbus_ring_writer / _reader). Every
 * shared field is loaded once into a local and validated before use; a violation marks the
 * endpoint broken with a reason and every later call returns VMBUS_E_BROKEN.
 *
 * Signalling (the library decides, the caller signals):
 *   - a write returns *signal = true when the ring was empty before it and the reader has not
 *     set interrupt_mask;
 *   - a reader masks while draining and, after unmasking, must drain again if data arrived;
 *   - a writer that finds no space asks with vmbus_ring_writer_request_space(); the reader's
 *     commit returns *signal = true when the free space crosses pending_send_sz.
 * Memory ordering is C11 acquire/release plus two pairs of store-load (seq_cst) fences; each is
 * explained where it is issued (src/ring_write.c, src/ring_read.c) and in docs/vmbus.md. */
#ifndef VMBUS_RING_H
#define VMBUS_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmbus/packet.h"
#include "vmbus/status.h"

#include "vmbus_wire/ring.h"

#define VMBUS_RING_MIN_DATA 32u /* library minimum; Hyper-V uses whole pages */
#define VMBUS_RING_MAX_DATA (1u << 30)

/* Where one ring lies in the caller's address space. data_size: multiple of 8, in
 * [VMBUS_RING_MIN_DATA, VMBUS_RING_MAX_DATA] (a page multiple on the wire). */
struct vmbus_ring_mem {
	struct vmbus_ring_control *ctrl;
	uint8_t *data;
	uint32_t data_size;
};

struct vmbus_ring_stats {
	uint64_t packets; /* written / consumed */
	uint64_t bytes;	  /* ring bytes incl. descriptor, padding and trailer */
	uint64_t signals; /* times the library told the caller to signal the peer */
	uint64_t blocked; /* writer: VMBUS_E_AGAIN returns; reader: empty peeks */
};

struct vmbus_ring_writer {
	struct vmbus_ring_mem mem;
	uint32_t write;	    /* private write index: end of the last packet written */
	uint32_t published; /* write_index as last published */
	bool batching;	    /* between batch_begin and flush: writes are not published */
	uint32_t read_seen; /* last validated read_index (a lower bound of the free space) */
	bool pending_set;   /* we asked for pending_send_sz; cleared by the next good write */
	const char *broken; /* NULL while healthy, else why */
	struct vmbus_ring_stats stats;
};

struct vmbus_ring_reader {
	struct vmbus_ring_mem mem;
	uint32_t read;	     /* private read index: next packet to peek (not yet committed) */
	uint32_t committed;  /* read_index as last published */
	uint32_t write_seen; /* last validated write_index */
	const char *broken;
	struct vmbus_ring_stats stats;
};

/* One scatter-gather element of a write. */
struct vmbus_iov {
	const void *base;
	uint32_t len;
};

/* Ring owner (the guest, before it sends OPENCHANNEL): zero the indices and mask, announce
 * pending_send_sz support. Not for a ring the peer may be using. */
void vmbus_ring_control_init(struct vmbus_ring_control *ctrl);

/* Bytes a packet occupies on the ring (descriptor + header + payload, padded, + trailer). */
static inline uint64_t vmbus_ring_packet_bytes(uint64_t hdr_len, uint64_t payload_len)
{
	return ((sizeof(struct vmbus_pkt_desc) + hdr_len + payload_len + 7) & ~(uint64_t)7) +
	       VMBUS_RING_TRAILER_SIZE;
}

/* ---- writer ---- */

/* Attach to a ring: reads the current indices once and validates them. VMBUS_E_INVAL for a bad
 * mem description, VMBUS_E_PROTO (and broken) for bad shared indices. */
int vmbus_ring_writer_attach(struct vmbus_ring_writer *w, const struct vmbus_ring_mem *mem);

/* The general write: descriptor (built here from type, flags, trans_id), then the hdr elements
 * (type-specific header; total a multiple of 8, it sets offset8), then the payload elements,
 * zero padding and the trailer. Copied straight from the caller's buffers into the ring.
 * Returns VMBUS_OK, VMBUS_E_AGAIN (no space now: retry, or request_space and wait),
 * VMBUS_E_MSGSIZE (can never fit), VMBUS_E_INVAL, VMBUS_E_BROKEN / _PROTO.
 * *signal (always set) tells whether the caller must signal the reader. */
int vmbus_ring_write_raw(struct vmbus_ring_writer *w, uint16_t type, uint16_t flags,
			 uint64_t trans_id, const struct vmbus_iov *hdr, unsigned nhdr,
			 const struct vmbus_iov *payload, unsigned npayload, bool *signal);

/* In-band data (type 6): payload gathered from iov[0..n). */
int vmbus_ring_write_inband(struct vmbus_ring_writer *w, uint64_t trans_id, uint16_t flags,
			    const struct vmbus_iov *iov, unsigned n, bool *signal);

/* Completion (type 11) echoing trans_id. */
int vmbus_ring_write_completion(struct vmbus_ring_writer *w, uint64_t trans_id,
				const struct vmbus_iov *iov, unsigned n, bool *signal);

/* GPA-direct (type 9) with one range (as storvsc sends): byte_offset < 4096, byte_count > 0,
 * npfn == pages spanned; the PFN list is gathered from the caller's array without a copy. */
int vmbus_ring_write_gpa_direct(struct vmbus_ring_writer *w, uint64_t trans_id, uint16_t flags,
				uint32_t byte_offset, uint32_t byte_count, const uint64_t *pfns,
				uint32_t npfn, const struct vmbus_iov *iov, unsigned n,
				bool *signal);

/* Batching: after batch_begin, writes fill the ring without publishing it (*signal stays
 * false); flush publishes them all with one index store and one fence, and decides the signal
 * for the batch as a whole. Flush before waiting for space or for the reader. */
void vmbus_ring_writer_batch_begin(struct vmbus_ring_writer *w);
int vmbus_ring_writer_flush(struct vmbus_ring_writer *w, bool *signal);

/* A writer that got VMBUS_E_AGAIN for a packet of ring_bytes (vmbus_ring_packet_bytes) asks
 * the reader to signal once more than ring_bytes are free. Returns VMBUS_OK if the space is
 * already there (retry the write now; nothing to wait for), VMBUS_E_AGAIN if the caller must
 * wait for the reader's signal, VMBUS_E_MSGSIZE if it can never fit, VMBUS_E_INVAL if
 * batched packets are still unpublished (flush first). */
int vmbus_ring_writer_request_space(struct vmbus_ring_writer *w, uint32_t ring_bytes);

/* Free bytes as last seen (a lower bound; the reader may have freed more since). */
uint32_t vmbus_ring_writer_free(const struct vmbus_ring_writer *w);

/* ---- reader ---- */

int vmbus_ring_reader_attach(struct vmbus_ring_reader *r, const struct vmbus_ring_mem *mem);

/* The next packet, in place, without consuming it: VMBUS_OK, VMBUS_E_AGAIN (empty),
 * VMBUS_E_PROTO (peer broke the framing; now broken) or VMBUS_E_BROKEN. Bounded work: one
 * index load at most and a 16-byte descriptor copy. */
int vmbus_ring_peek(struct vmbus_ring_reader *r, struct vmbus_pkt *p);

/* Consume the packet last returned by peek (p must be it). The space is returned to the writer
 * only by vmbus_ring_commit: consume a batch, then commit once. */
int vmbus_ring_consume(struct vmbus_ring_reader *r, const struct vmbus_pkt *p);

/* Publish the read index. *signal (always set): the writer asked for space with
 * pending_send_sz and this commit made the free space cross it. */
int vmbus_ring_commit(struct vmbus_ring_reader *r, bool *signal);

/* Copy-out read: peek, copy the whole packet (descriptor included) into buf, consume and
 * commit. p then points into buf. VMBUS_E_NOSPC (nothing consumed) if cap is too small;
 * p->len says how much is needed. */
int vmbus_ring_read(struct vmbus_ring_reader *r, struct vmbus_pkt *p, void *buf, uint32_t cap,
		    bool *signal);

/* Interrupt mitigation: mask while draining; unmask returns 1 if data arrived meanwhile (drain
 * again: the writer saw the mask and did not signal), 0 if the ring is empty (safe to sleep:
 * the next write will signal), or a negative status. Commit, then unmask, before every sleep,
 * even if the reader never masked: unmask is the re-check that closes the lost wake-up. */
void vmbus_ring_reader_mask(struct vmbus_ring_reader *r);
int vmbus_ring_reader_unmask(struct vmbus_ring_reader *r);

/* 1 if a packet is waiting beyond the one(s) peeked so far, 0 if not, or a negative status. */
int vmbus_ring_reader_has_data(struct vmbus_ring_reader *r);

#endif
