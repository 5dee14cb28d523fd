/* SPDX-License-Identifier: MIT */
/* Wire format of VMBus ring packets: the descriptor and the GPA-direct range list.
 *
 * On the ring a packet is: descriptor (16 bytes) | type-specific header up to offset8*8 |
 * payload up to len8*8 (padded to 8) | 8-byte trailer (previous write index << 32).
 * All fields are little-endian (x86). */
#ifndef VMBUS_WIRE_PACKET_H
#define VMBUS_WIRE_PACKET_H

#include <stddef.h>
#include <stdint.h>

/* Packet types (descriptor.type); a ring carries any of them, the library validates only the
 * framing. The ones this project sends: */
#define VMBUS_PKT_DATA_INBAND	  6
#define VMBUS_PKT_DATA_XFER_PAGES 7 /* netvsc receive buffer; parsed by the VSP */
#define VMBUS_PKT_DATA_GPA_DIRECT 9
#define VMBUS_PKT_COMPLETION	  11

/* descriptor.flags */
#define VMBUS_PKT_FLAG_COMPLETION_REQUESTED 0x1

#define VMBUS_PKT_ALIGN	  8		 /* packets start and end on 8-byte boundaries */
#define VMBUS_PKT_MAX_LEN (0xffffu * 8u) /* len8 is 16 bits of 8-byte units */

struct vmbus_pkt_desc {
	uint16_t type;	   /* VMBUS_PKT_* */
	uint16_t offset8;  /* payload offset from the descriptor start, 8-byte units (>= 2) */
	uint16_t len8;	   /* packet length without trailer, 8-byte units (>= offset8) */
	uint16_t flags;	   /* VMBUS_PKT_FLAG_* */
	uint64_t trans_id; /* echoed by the completion */
} __attribute__((packed));
_Static_assert(sizeof(struct vmbus_pkt_desc) == 16, "packet descriptor is 16 bytes");
_Static_assert(offsetof(struct vmbus_pkt_desc, trans_id) == 8, "trans_id at 8");

/* GPA-direct packet header: descriptor, then reserved, range count, then the ranges; the
 * payload starts at offset8*8, after the last range. */
struct vmbus_pkt_gpa_direct {
	struct vmbus_pkt_desc d;
	uint32_t reserved;
	uint32_t range_count;
	/* struct vmbus_gpa_range ranges[range_count], each followed by its PFNs */
} __attribute__((packed));
_Static_assert(sizeof(struct vmbus_pkt_gpa_direct) == 24, "GPA-direct header is 24 bytes");

/* One guest-physical range: byte_count bytes starting byte_offset into the first page; it is
 * followed by one u64 PFN per 4 KiB page it touches. Same layout in GPADL messages. */
struct vmbus_gpa_range {
	uint32_t byte_count;
	uint32_t byte_offset;
	/* uint64_t pfn[pages spanned] */
} __attribute__((packed));
_Static_assert(sizeof(struct vmbus_gpa_range) == 8, "GPA range header is 8 bytes");

#define VMBUS_PAGE_SIZE 4096u
#define VMBUS_PFN_LIMIT (1ull << 40) /* 52-bit physical addresses */

#endif
