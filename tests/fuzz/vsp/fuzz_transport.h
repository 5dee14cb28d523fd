/* SPDX-License-Identifier: MIT */
/* Shared by the device fuzz targets: a fake transport over a static guest RAM region (no
 * window building: scattered ring pages are refused, which the targets also exercise), and a
 * capture of the messages the server posts (offers give the relid -> connection id map). */
#ifndef HV_FUZZ_TRANSPORT_H
#define HV_FUZZ_TRANSPORT_H

#include <stdint.h>
#include <string.h>

#include "vmbus/channel_msg.h"
#include "vmbus_server/server.h"

#define FZ_RAM_PAGES 512

struct fz_transport {
	uint8_t *ram; /* FZ_RAM_PAGES pages */
	uint32_t connid[VMBUS_RELID_MAX + 1];
	uint8_t last_msg[240];
	uint32_t last_len;
	uint64_t posted;
};

static int fz_post_message(void *ctx, uint32_t vp, uint32_t sint, const void *msg, uint32_t len)
{
	struct fz_transport *t = ctx;
	const struct vmbus_chmsg_offer *o = msg;

	(void)vp;
	(void)sint;
	t->posted++;
	memcpy(t->last_msg, msg, len);
	t->last_len = len;
	if (len >= sizeof(*o) && o->h.type == VMBUS_CHMSG_OFFERCHANNEL &&
	    o->child_relid <= VMBUS_RELID_MAX)
		t->connid[o->child_relid] = o->connection_id;
	return 0;
}

static void fz_signal_guest(void *ctx, uint32_t vp, uint32_t relid)
{
	(void)ctx;
	(void)vp;
	(void)relid;
}

static void *fz_map_pages(void *ctx, const uint64_t *pfns, uint32_t n)
{
	struct fz_transport *t = ctx;

	for (uint32_t i = 0; i < n; i++)
		if (pfns[i] >= FZ_RAM_PAGES || pfns[i] != pfns[0] + i)
			return NULL;
	return t->ram + pfns[0] * 4096;
}

static void fz_unmap_pages(void *ctx, void *w, uint32_t n)
{
	(void)ctx;
	(void)w;
	(void)n;
}

static uint8_t *fz_page_ptr(void *ctx, uint64_t pfn)
{
	struct fz_transport *t = ctx;

	return pfn < FZ_RAM_PAGES ? t->ram + pfn * 4096 : NULL;
}

static uint64_t fz_reference_time(void *ctx)
{
	(void)ctx;
	return 12345;
}

static const struct vmbus_transport_ops fz_transport_ops = {
	.post_message = fz_post_message,
	.signal_guest = fz_signal_guest,
	.map_pages = fz_map_pages,
	.unmap_pages = fz_unmap_pages,
	.page_ptr = fz_page_ptr,
	.reference_time = fz_reference_time,
};

#endif
