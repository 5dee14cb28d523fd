/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the VMBus server's channel-message handler and channel data path. Each
 * input is a script for a hostile guest: post a message (any length, either message
 * connection id), write bytes anywhere in guest RAM (rings included), or signal a channel.
 * A fresh server with two channels (a test VSP that echoes packets) runs each script; ASan and
 * UBSan catch any read or write outside what the guest owns. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_transport.h"

#include "fuzz_entry.h"

static uint8_t ram[FZ_RAM_PAGES * 4096] __attribute__((aligned(4096)));
static struct fz_transport tp;
static uv_loop_t loop;

static int vsp_open(struct vmbus_channel *ch, const uint8_t *user_data)
{
	(void)ch;
	return user_data[0] == 0xFF ? -1 : 0;
}

static enum vmbus_vsp_verdict vsp_packet(struct vmbus_channel *ch, const struct vmbus_pkt *p)
{
	uint8_t buf[256];
	uint32_t n = vmbus_pkt_payload_len(p);

	if (n > sizeof(buf))
		n = sizeof(buf);
	if (vmbus_pkt_copy(p, p->data_off, buf, n) != VMBUS_OK)
		return VMBUS_VSP_BAD;
	if (n && buf[0] == 0xBD)
		return VMBUS_VSP_BAD;
	if (n && (buf[0] & 1)) {
		struct vmbus_iov iov = { buf, n };
		if (vmbus_channel_send(ch, VMBUS_PKT_COMPLETION, 0, p->desc.trans_id, &iov, 1) ==
		    VMBUS_E_AGAIN)
			vmbus_channel_request_space(ch, (uint32_t)vmbus_ring_packet_bytes(0, n));
	}
	return VMBUS_VSP_CONSUMED;
}

static void vsp_writable(struct vmbus_channel *ch)
{
	vmbus_channel_kick(ch);
}

static const struct vmbus_vsp_ops ops = {
	.open = vsp_open,
	.packet = vsp_packet,
	.writable = vsp_writable,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmbus_server_config cfg = { .loop = &loop,
					   .transport = { &fz_transport_ops, &tp },
					   .limits = { .max_gpadls = 8,
						       .max_gpadl_pages = 64,
						       .max_total_pages = 256,
						       .max_ring_bytes = 128 * 1024 } };
	struct vmbus_channel_desc d = { .name = "fuzz", .if_type = vmbus_guid_scsi, .ops = &ops };
	struct vmbus_server *s;
	size_t i = 0;

	if (!loop.data) {
		uv_loop_init(&loop);
		loop.data = &loop;
	}
	memset(&tp, 0, sizeof(tp));
	tp.ram = ram;
	s = vmbus_server_create(&cfg);
	vmbus_server_add_channel(s, &d);
	d.if_type = vmbus_guid_heartbeat;
	vmbus_server_add_channel(s, &d);
	while (i < size) {
		uint8_t op = data[i++];
		if (op < 0x80) { /* post a message */
			if (i >= size)
				break;
			uint32_t len = data[i++];
			if (len > size - i)
				len = (uint32_t)(size - i);
			vmbus_server_post_message(s, (op & 1) ? 4 : 1, data + i, len);
			i += len;
		} else if (op < 0xC0) { /* write guest RAM */
			if (size - i < 5)
				break;
			uint32_t off = ((uint32_t)data[i] | (uint32_t)data[i + 1] << 8 |
					(uint32_t)data[i + 2] << 16) %
				       sizeof(ram);
			uint32_t len = data[i + 3];
			i += 4;
			if (len > size - i)
				len = (uint32_t)(size - i);
			if (len > sizeof(ram) - off)
				len = (uint32_t)(sizeof(ram) - off);
			memcpy(ram + off, data + i, len);
			i += len;
		} else { /* signal a channel */
			uint32_t relid = op & 0x3F;
			vmbus_server_signal(s, tp.connid[relid] ? tp.connid[relid] : relid);
		}
	}
	vmbus_server_destroy(s);
	uv_run(&loop, UV_RUN_NOWAIT);
	return 0;
}
