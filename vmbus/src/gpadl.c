/* SPDX-License-Identifier: MIT */
/* GPADL assembly (host side: header + body messages -> validated ranges, into the caller's
 * storage) and building (guest side: one range -> header + body messages). */
#include "vmbus/gpadl.h"
#include "vmbus/status.h"
#include "vmbus/freestanding_libc.h"

#define HEADER_WORDS ((VMBUS_CHMSG_MAX_SIZE - VMBUS_GPADL_HEADER_FIXED) / 8) /* 27 */
#define BODY_WORDS   ((VMBUS_CHMSG_MAX_SIZE - VMBUS_GPADL_BODY_FIXED) / 8)   /* 28 */

void vmbus_gpadl_asm_init(struct vmbus_gpadl_asm *a, uint64_t *words, uint32_t cap_words,
			  uint32_t max_ranges, uint64_t max_bytes)
{
	memset(a, 0, sizeof(*a));
	a->words = words;
	a->cap_words = words ? cap_words : 0;
	a->max_ranges = max_ranges;
	a->max_bytes = max_bytes;
	a->state = VMBUS_GPADL_IDLE;
}

static int asm_fail(struct vmbus_gpadl_asm *a, const char *why, int status)
{
	a->state = VMBUS_GPADL_FAILED;
	a->why = why;
	a->error = status;
	return status;
}

/* A range header word is struct vmbus_gpa_range read as one little-endian u64. */
static inline uint32_t word_byte_count(uint64_t w)
{
	return (uint32_t)w;
}

static inline uint32_t word_byte_offset(uint64_t w)
{
	return (uint32_t)(w >> 32);
}

/* All words are in: walk the ranges once and check that they tile range_buflen exactly. */
static int asm_finish(struct vmbus_gpadl_asm *a)
{
	uint32_t cursor = 0, pfns = 0;
	uint64_t bytes = 0;

	for (uint32_t i = 0; i < a->range_count; i++) {
		uint64_t w, pages;

		if (cursor >= a->total_words)
			return asm_fail(a, "GPADL ranges past range_buflen", VMBUS_E_PROTO);
		w = a->words[cursor++];
		if (word_byte_count(w) == 0)
			return asm_fail(a, "GPADL range byte_count is 0", VMBUS_E_PROTO);
		if (word_byte_offset(w) >= VMBUS_PAGE_SIZE)
			return asm_fail(a, "GPADL range byte_offset >= 4096", VMBUS_E_PROTO);
		pages = vmbus_gpa_range_pages(word_byte_offset(w), word_byte_count(w));
		if (pages > a->total_words - cursor)
			return asm_fail(a, "GPADL range PFNs past range_buflen", VMBUS_E_PROTO);
		/* j < total_words is implied by the check above; stated so that the bound of
		 * every index is visible on its own (tests/proof: EVA keeps no relation between
		 * cursor, k and pages). */
		for (uint32_t j = cursor; j < a->total_words && j - cursor < pages; j++)
			if (a->words[j] >= VMBUS_PFN_LIMIT)
				return asm_fail(a, "GPADL PFN beyond 52-bit physical space",
						VMBUS_E_PROTO);
		bytes += word_byte_count(w);
		if (bytes > a->max_bytes)
			return asm_fail(a, "GPADL larger than the byte limit", VMBUS_E_NOSPC);
		cursor += (uint32_t)pages;
		pfns += (uint32_t)pages;
	}
	if (cursor != a->total_words)
		return asm_fail(a, "GPADL ranges do not fill range_buflen", VMBUS_E_PROTO);
	a->total_bytes = bytes;
	a->pfn_count = pfns;
	a->state = VMBUS_GPADL_COMPLETE;
	return VMBUS_OK;
}

static int asm_refuse_state(struct vmbus_gpadl_asm *a, const char *why)
{
	if (a->state == VMBUS_GPADL_FAILED)
		return a->error;
	return asm_fail(a, why, VMBUS_E_PROTO);
}

int vmbus_gpadl_asm_header(struct vmbus_gpadl_asm *a, const struct vmbus_chmsg_gpadl_header *m,
			   uint32_t len)
{
	uint32_t words, total;

	if (!a || !m)
		return VMBUS_E_INVAL;
	if (a->state != VMBUS_GPADL_IDLE)
		return asm_refuse_state(a, "GPADL_HEADER for a GPADL already started");
	/* The decoder checked these already; the assembler relies on them, so it checks again
	 * rather than trust its caller to have decoded. */
	if (len < VMBUS_GPADL_HEADER_FIXED + 16 || len > VMBUS_CHMSG_MAX_SIZE ||
	    (len - VMBUS_GPADL_HEADER_FIXED) % 8)
		return asm_fail(a, "GPADL_HEADER length invalid", VMBUS_E_PROTO);
	if (m->gpadl == 0 || m->range_count == 0 || m->range_buflen % 8 ||
	    (uint32_t)m->range_buflen < 16u * m->range_count)
		return asm_fail(a, "GPADL_HEADER fields invalid", VMBUS_E_PROTO);
	words = (len - VMBUS_GPADL_HEADER_FIXED) / 8;
	total = m->range_buflen / 8;
	a->child_relid = m->child_relid;
	a->gpadl = m->gpadl;
	/* Checked before anything is stored: a refused header leaves the assembler's counts
	 * within its storage (total_words <= cap_words holds in every state). */
	if (words > total)
		return asm_fail(a, "GPADL_HEADER carries more than range_buflen", VMBUS_E_PROTO);
	if (m->range_count > a->max_ranges)
		return asm_fail(a, "GPADL range_count over the limit", VMBUS_E_NOSPC);
	if (total > a->cap_words)
		return asm_fail(a, "GPADL larger than the PFN limit", VMBUS_E_NOSPC);
	a->range_count = m->range_count;
	a->total_words = total;
	memcpy(a->words, (const uint8_t *)m + VMBUS_GPADL_HEADER_FIXED, (size_t)words * 8);
	a->have_words = words;
	if (a->have_words == a->total_words)
		return asm_finish(a);
	a->state = VMBUS_GPADL_COLLECTING;
	return VMBUS_E_AGAIN;
}

int vmbus_gpadl_asm_body(struct vmbus_gpadl_asm *a, const struct vmbus_chmsg_gpadl_body *m,
			 uint32_t len)
{
	uint32_t words;

	if (!a || !m)
		return VMBUS_E_INVAL;
	if (a->state != VMBUS_GPADL_COLLECTING)
		return asm_refuse_state(a, a->state == VMBUS_GPADL_IDLE
						   ? "GPADL_BODY before GPADL_HEADER"
						   : "GPADL_BODY after the GPADL was complete");
	if (len < VMBUS_GPADL_BODY_FIXED + 8 || len > VMBUS_CHMSG_MAX_SIZE ||
	    (len - VMBUS_GPADL_BODY_FIXED) % 8)
		return asm_fail(a, "GPADL_BODY length invalid", VMBUS_E_PROTO);
	if (m->gpadl != a->gpadl)
		return asm_fail(a, "GPADL_BODY for another gpadl handle", VMBUS_E_PROTO);
	words = (len - VMBUS_GPADL_BODY_FIXED) / 8;
	/* have_words <= total_words; written as a sum so that the bound needs no relation
	 * between the two (tests/proof). */
	if ((uint64_t)a->have_words + words > a->total_words)
		return asm_fail(a, "GPADL_BODY past range_buflen", VMBUS_E_PROTO);
	memcpy(a->words + a->have_words, (const uint8_t *)m + VMBUS_GPADL_BODY_FIXED,
	       (size_t)words * 8);
	a->have_words += words;
	a->body_count++;
	if (a->have_words == a->total_words)
		return asm_finish(a);
	return VMBUS_E_AGAIN;
}

int vmbus_gpadl_asm_range(const struct vmbus_gpadl_asm *a, uint32_t i,
			  struct vmbus_gpadl_range *out)
{
	uint32_t cursor = 0;

	if (!a || !out || a->state != VMBUS_GPADL_COMPLETE || i >= a->range_count)
		return VMBUS_E_INVAL;
	/* asm_finish proved that this walk stays inside total_words. */
	for (uint32_t k = 0; cursor < a->total_words; k++) {
		uint64_t w = a->words[cursor];
		uint32_t pages =
			(uint32_t)vmbus_gpa_range_pages(word_byte_offset(w), word_byte_count(w));

		if (k == i) {
			out->byte_count = word_byte_count(w);
			out->byte_offset = word_byte_offset(w);
			out->pfn_count = pages;
			out->pfns = a->words + cursor + 1;
			return VMBUS_OK;
		}
		cursor += 1 + pages;
	}
	return VMBUS_E_INVAL; /* not reached: asm_finish proved the walk */
}

uint32_t vmbus_gpadl_msg_count(uint32_t npfn)
{
	uint32_t words = npfn + 1;

	if (words <= HEADER_WORDS)
		return 1;
	return 1 + (words - HEADER_WORDS + BODY_WORDS - 1) / BODY_WORDS;
}

int vmbus_gpadl_build_msg(uint32_t child_relid, uint32_t gpadl, uint32_t byte_offset,
			  uint32_t byte_count, const uint64_t *pfns, uint32_t npfn, uint32_t index,
			  union vmbus_chmsg *out, uint32_t *len)
{
	uint32_t total = npfn + 1, start, n;
	uint64_t w;

	if (!pfns || !out || !len || gpadl == 0 || byte_count == 0 ||
	    byte_offset >= VMBUS_PAGE_SIZE || (uint64_t)total * 8 > 0xffff ||
	    vmbus_gpa_range_pages(byte_offset, byte_count) != npfn ||
	    index >= vmbus_gpadl_msg_count(npfn))
		return VMBUS_E_INVAL;
	memset(out, 0, sizeof(*out));
	/* Word k of the range buffer: 0 is the range header, k >= 1 is pfns[k - 1]. */
	if (index == 0) {
		n = total < HEADER_WORDS ? total : HEADER_WORDS;
		out->gpadl_header.h.type = VMBUS_CHMSG_GPADL_HEADER;
		out->gpadl_header.child_relid = child_relid;
		out->gpadl_header.gpadl = gpadl;
		out->gpadl_header.range_buflen = (uint16_t)(total * 8);
		out->gpadl_header.range_count = 1;
		w = (uint64_t)byte_offset << 32 | byte_count;
		memcpy(out->raw + VMBUS_GPADL_HEADER_FIXED, &w, 8);
		memcpy(out->raw + VMBUS_GPADL_HEADER_FIXED + 8, pfns, (size_t)(n - 1) * 8);
		*len = VMBUS_GPADL_HEADER_FIXED + n * 8;
		return VMBUS_OK;
	}
	start = HEADER_WORDS + (index - 1) * BODY_WORDS;
	n = total - start < BODY_WORDS ? total - start : BODY_WORDS;
	out->gpadl_body.h.type = VMBUS_CHMSG_GPADL_BODY;
	out->gpadl_body.msg_number = index;
	out->gpadl_body.gpadl = gpadl;
	memcpy(out->raw + VMBUS_GPADL_BODY_FIXED, pfns + (start - 1), (size_t)n * 8);
	*len = VMBUS_GPADL_BODY_FIXED + n * 8;
	return VMBUS_OK;
}
