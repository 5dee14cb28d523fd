/* SPDX-License-Identifier: MIT */
/* Access to one packet's bytes wherever they lie (ring or copy), and the GPA-direct parser. */
#include "vmbus/packet.h"
#include "vmbus/status.h"
#include "vmbus/freestanding_libc.h"

int vmbus_pkt_copy(const struct vmbus_pkt *p, uint32_t off, void *dst, uint32_t n)
{
	uint32_t first;

	if (!p || (!dst && n) || off > p->len || n > p->len - off)
		return VMBUS_E_INVAL;
	if (off < p->part[0].len) {
		first = p->part[0].len - off;
		if (first > n)
			first = n;
		memcpy(dst, p->part[0].p + off, first);
		if (n > first) /* no zero-length memcpy one past the end of dst */
			memcpy((uint8_t *)dst + first, p->part[1].p, n - first);
	} else {
		memcpy(dst, p->part[1].p + (off - p->part[0].len), n);
	}
	return VMBUS_OK;
}

const void *vmbus_pkt_ptr(const struct vmbus_pkt *p, uint32_t off, uint32_t n)
{
	if (!p || off > p->len || n > p->len - off)
		return NULL;
	if (off + n <= p->part[0].len)
		return p->part[0].p + off;
	if (off >= p->part[0].len)
		return p->part[1].p + (off - p->part[0].len);
	return NULL;
}

static int gpa_fail(const char **why, const char *reason, int status)
{
	if (why)
		*why = reason;
	return status;
}

int vmbus_pkt_parse_gpa_direct(const struct vmbus_pkt *p, struct vmbus_gpa_range_info *ranges,
			       uint32_t max_ranges, uint64_t *pfns, uint32_t max_pfns,
			       const char **why)
{
	struct vmbus_pkt_gpa_direct head;
	struct vmbus_gpa_range r;
	uint32_t off, end, count, npfn = 0;

	if (!p || !ranges || !pfns)
		return gpa_fail(why, "null argument", VMBUS_E_INVAL);
	if (p->desc.type != VMBUS_PKT_DATA_GPA_DIRECT)
		return gpa_fail(why, "not a GPA-direct packet", VMBUS_E_PROTO);
	end = p->data_off; /* the ranges live between the fixed header and the payload */
	if (end < sizeof(head) || vmbus_pkt_copy(p, 0, &head, sizeof(head)))
		return gpa_fail(why, "GPA-direct header overlaps the payload", VMBUS_E_PROTO);
	count = head.range_count; /* local copy: the peer cannot change it under us */
	if (count == 0)
		return gpa_fail(why, "GPA-direct range_count is 0", VMBUS_E_PROTO);
	if (count > max_ranges)
		return gpa_fail(why, "GPA-direct range_count over the limit", VMBUS_E_NOSPC);

	off = sizeof(head);
	for (uint32_t i = 0; i < count; i++) {
		uint64_t pages;

		if (end - off < sizeof(r))
			return gpa_fail(why, "GPA range header past the header area",
					VMBUS_E_PROTO);
		/* Inside [off, end) and end <= len, so the copies cannot fail; checked anyway so
		 * that nothing is ever read from a copy that did not happen (tests/proof). */
		if (vmbus_pkt_copy(p, off, &r, sizeof(r)))
			return gpa_fail(why, "GPA range header past the packet", VMBUS_E_PROTO);
		off += sizeof(r);
		if (r.byte_count == 0)
			return gpa_fail(why, "GPA range byte_count is 0", VMBUS_E_PROTO);
		if (r.byte_offset >= VMBUS_PAGE_SIZE)
			return gpa_fail(why, "GPA range byte_offset >= 4096", VMBUS_E_PROTO);
		pages = vmbus_gpa_range_pages(r.byte_offset, r.byte_count);
		if (pages > (end - off) / 8)
			return gpa_fail(why, "GPA range PFNs past the header area", VMBUS_E_PROTO);
		if (pages > max_pfns - npfn)
			return gpa_fail(why, "GPA-direct PFN count over the limit", VMBUS_E_NOSPC);
		/* One PFN per copy, j indexing pfns: every copy has an exact length and every
		 * index its own bound (tests/proof: EVA keeps no relation between a copy's
		 * length and where the packet wraps, nor between npfn, j and pages). */
		for (uint32_t j = npfn; j < max_pfns && j - npfn < pages; j++) {
			if (vmbus_pkt_copy(p, off + (j - npfn) * 8u, &pfns[j], sizeof(pfns[j])))
				return gpa_fail(why, "GPA range PFNs past the packet",
						VMBUS_E_PROTO);
			if (pfns[j] >= VMBUS_PFN_LIMIT)
				return gpa_fail(why, "GPA range PFN beyond 52-bit physical space",
						VMBUS_E_PROTO);
		}
		ranges[i].byte_count = r.byte_count;
		ranges[i].byte_offset = r.byte_offset;
		ranges[i].pfn_first = npfn;
		ranges[i].pfn_count = (uint32_t)pages;
		npfn += (uint32_t)pages;
		off += (uint32_t)pages * 8u;
	}
	if (off != end)
		return gpa_fail(why, "GPA-direct ranges do not fill the header area",
				VMBUS_E_PROTO);
	return (int)count;
}
