/* SPDX-License-Identifier: MIT */
/* GPADLs (guest physical address descriptor lists): how a guest describes memory it shares
 * with the host (ring buffers, transfer buffers). A GPADL is a list of ranges (struct
 * vmbus_gpa_range + PFNs) sent as one GPADL_HEADER message plus GPADL_BODY messages.
 *
 * Host side: the assembler collects one GPADL into caller-provided storage (no allocation),
 * with limits on the PFN count and the total byte size, and validates the ranges once
 * complete. Guest side: the builder splits a single-range PFN list into those messages. */
#ifndef VMBUS_GPADL_H
#define VMBUS_GPADL_H

#include <stdbool.h>
#include <stdint.h>

#include "vmbus/channel_msg.h"

enum vmbus_gpadl_state {
	VMBUS_GPADL_IDLE,	/* waiting for the header */
	VMBUS_GPADL_COLLECTING, /* header seen, bodies outstanding */
	VMBUS_GPADL_COMPLETE,	/* all ranges in and valid */
	VMBUS_GPADL_FAILED,	/* refused; why says why (answer GPADL_CREATED with an error) */
};

struct vmbus_gpadl_asm {
	/* set by init */
	uint64_t *words; /* caller storage for the range words */
	uint32_t cap_words;
	uint32_t max_ranges;
	uint64_t max_bytes; /* limit on the sum of the ranges' byte counts */
	/* from the header */
	uint32_t child_relid;
	uint32_t gpadl;
	uint32_t range_count;
	uint32_t total_words; /* range_buflen / 8 */
	uint32_t have_words;
	uint32_t body_count;
	uint64_t total_bytes; /* valid once complete */
	uint32_t pfn_count;   /* valid once complete */
	enum vmbus_gpadl_state state;
	int error; /* status returned once FAILED */
	const char *why;
};

/* Storage for cap_words words (ranges: one header word per range + one word per PFN). */
void vmbus_gpadl_asm_init(struct vmbus_gpadl_asm *a, uint64_t *words, uint32_t cap_words,
			  uint32_t max_ranges, uint64_t max_bytes);

/* Feed a decoded GPADL_HEADER (len = its wire length). Returns VMBUS_OK when the GPADL is
 * complete, VMBUS_E_AGAIN when bodies must follow, VMBUS_E_PROTO / VMBUS_E_NOSPC when refused
 * (state FAILED, why set; every later feed fails fast). */
int vmbus_gpadl_asm_header(struct vmbus_gpadl_asm *a, const struct vmbus_chmsg_gpadl_header *m,
			   uint32_t len);

/* Feed a decoded GPADL_BODY; its gpadl handle must match. Same returns. */
int vmbus_gpadl_asm_body(struct vmbus_gpadl_asm *a, const struct vmbus_chmsg_gpadl_body *m,
			 uint32_t len);

/* After completion: range i (i < range_count); pfns points into the assembler's storage.
 * VMBUS_E_INVAL if not complete or i is out of range. O(range_count). */
struct vmbus_gpadl_range {
	uint32_t byte_count;
	uint32_t byte_offset;
	uint32_t pfn_count;
	const uint64_t *pfns;
};
int vmbus_gpadl_asm_range(const struct vmbus_gpadl_asm *a, uint32_t i,
			  struct vmbus_gpadl_range *out);

/* Builder: messages needed for one range of npfn pages (header + bodies). */
uint32_t vmbus_gpadl_msg_count(uint32_t npfn);

/* Builder: message index (0 = GPADL_HEADER, then GPADL_BODY 1, 2, ...) of the GPADL
 * (child_relid, gpadl) describing byte_count bytes from byte_offset in the first of npfn
 * pages. Writes the message into *out and its wire length into *len. VMBUS_E_INVAL if the
 * description is invalid (npfn must equal the pages spanned, 64 KiB - 8 bytes of ranges at
 * most) or index is past the last message. */
int vmbus_gpadl_build_msg(uint32_t child_relid, uint32_t gpadl, uint32_t byte_offset,
			  uint32_t byte_count, const uint64_t *pfns, uint32_t npfn, uint32_t index,
			  union vmbus_chmsg *out, uint32_t *len);

#endif
