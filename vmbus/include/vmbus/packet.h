/* SPDX-License-Identifier: MIT */
/* The reader's view of one VMBus ring packet (the packet layouts: vmbus_wire/packet.h): a validated copy of its descriptor plus the packet's bytes where they
 * lie (in the ring, possibly split by the wrap, or in a caller's buffer after a copy-out).
 */
#ifndef VMBUS_PACKET_H
#define VMBUS_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "vmbus_wire/packet.h"

/* Pages touched by a range (0 for an empty range); computed in 64 bits, cannot overflow. */
static inline uint64_t vmbus_gpa_range_pages(uint32_t byte_offset, uint32_t byte_count)
{
	return ((uint64_t)byte_offset + byte_count + VMBUS_PAGE_SIZE - 1) / VMBUS_PAGE_SIZE;
}

/* A run of bytes where it lies. */
struct vmbus_span {
	const uint8_t *p;
	uint32_t len;
};

/* One packet as the reader sees it. desc is a private copy, read once and validated; the
 * packet's bytes [0, len) are part[0] followed by part[1] (part[1].len == 0 unless the packet
 * wraps around the end of the ring). In place, those bytes are shared memory the peer can still
 * change: read each field once into a local before trusting it (vmbus_pkt_copy does). */
struct vmbus_pkt {
	struct vmbus_pkt_desc desc;
	uint32_t len;	   /* desc.len8 * 8: descriptor + header + payload (+ pad) */
	uint32_t data_off; /* desc.offset8 * 8: where the payload starts */
	uint32_t ring_off; /* reader bookkeeping: ring offset of the descriptor */
	struct vmbus_span part[2];
};

/* Copy n bytes at packet offset off into dst. VMBUS_E_INVAL if [off, off+n) is not inside the
 * packet. Handles the wrap. */
int vmbus_pkt_copy(const struct vmbus_pkt *p, uint32_t off, void *dst, uint32_t n);

/* Pointer to n contiguous bytes at packet offset off, or NULL if they are outside the packet
 * or split by the wrap (then use vmbus_pkt_copy). Zero-copy access. */
const void *vmbus_pkt_ptr(const struct vmbus_pkt *p, uint32_t off, uint32_t n);

/* Payload length: len - data_off (includes the writer's padding to 8 bytes). */
static inline uint32_t vmbus_pkt_payload_len(const struct vmbus_pkt *p)
{
	return p->len - p->data_off;
}

/* One range of a parsed GPA-direct packet. */
struct vmbus_gpa_range_info {
	uint32_t byte_count;
	uint32_t byte_offset; /* < 4096 */
	uint32_t pfn_first;   /* index of its first PFN in the caller's pfn array */
	uint32_t pfn_count;
};

/* Parse a GPA-direct packet: copies each range header and its PFNs out of the packet (read
 * once) into ranges[] and pfns[]. Validates: type 9, range_count in 1..max_ranges, every range
 * inside the header area [24, data_off), non-empty, byte_offset < 4096, every PFN below
 * VMBUS_PFN_LIMIT, the PFN total within max_pfns, and the ranges filling the header area
 * exactly. Returns the range count or VMBUS_E_PROTO (malformed) / VMBUS_E_NOSPC (over the
 * caller's limits); *why says what (may be NULL). */
int vmbus_pkt_parse_gpa_direct(const struct vmbus_pkt *p, struct vmbus_gpa_range_info *ranges,
			       uint32_t max_ranges, uint64_t *pfns, uint32_t max_pfns,
			       const char **why);

#endif
