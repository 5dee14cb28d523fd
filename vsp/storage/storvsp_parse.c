/* SPDX-License-Identifier: MIT */
/* The storage VSP's packet parsing: see storvsp_parse.h. */
#include "storvsp_parse.h"

#include <string.h>

#include "vmbus/status.h"

int storvsp_parse_packet(const struct vmbus_pkt *p, struct vstor_packet *vp)
{
	uint32_t len = vmbus_pkt_payload_len(p);

	memset(vp, 0, sizeof(*vp)); /* defined whatever the verdict */
	if (p->desc.type != VMBUS_PKT_DATA_INBAND && p->desc.type != VMBUS_PKT_DATA_GPA_DIRECT)
		return STORVSP_PARSE_BAD_TYPE;
	if (len < VSTOR_PACKET_MIN_SIZE)
		return STORVSP_PARSE_SHORT;
	if (vmbus_pkt_copy(p, p->data_off, vp, len < sizeof(*vp) ? len : sizeof(*vp)) != VMBUS_OK)
		return STORVSP_PARSE_UNREADABLE;
	return STORVSP_PARSE_OK;
}

int64_t storvsp_map_buffer(const struct vmbus_transport *tp, const struct vmbus_pkt *p,
			   struct iovec iov[STORVSP_MAX_PFNS], int *niov, const char **why)
{
	struct vmbus_gpa_range_info range;
	uint64_t pfns[STORVSP_MAX_PFNS];
	uint32_t off, left;

	*niov = 0;
	if (vmbus_pkt_parse_gpa_direct(p, &range, 1, pfns, STORVSP_MAX_PFNS, why) != 1)
		return -2;
	off = range.byte_offset;
	left = range.byte_count;
	for (uint32_t i = 0; i < range.pfn_count && left; i++) {
		uint8_t *page = tp->ops->page_ptr(tp->ctx, pfns[range.pfn_first + i]);
		uint32_t n = VMBUS_PAGE_SIZE - off < left ? VMBUS_PAGE_SIZE - off : left;

		if (!page)
			return -1;
		if (*niov &&
		    (uint8_t *)iov[*niov - 1].iov_base + iov[*niov - 1].iov_len == page + off) {
			iov[*niov - 1].iov_len += n; /* contiguous in the host too */
		} else {
			iov[*niov].iov_base = page + off;
			iov[*niov].iov_len = n;
			(*niov)++;
		}
		left -= n;
		off = 0;
	}
	return range.byte_count;
}
