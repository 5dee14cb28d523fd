/* SPDX-License-Identifier: MIT */
/* The well-known VMBus interface GUIDs, comparison and formatting (no libc needed). */
#include <stddef.h>

#include "vmbus/guid.h"

const struct vmbus_guid vmbus_guid_scsi =
	VMBUS_GUID(0xba6163d9, 0x04a1, 0x4d29, 0xb6, 0x05, 0x72, 0xe2, 0xff, 0xb1, 0xdc, 0x7f);
const struct vmbus_guid vmbus_guid_network =
	VMBUS_GUID(0xf8615163, 0xdf3e, 0x46c5, 0x91, 0x3f, 0xf2, 0xd2, 0xf9, 0x65, 0xed, 0x0e);
const struct vmbus_guid vmbus_guid_shutdown =
	VMBUS_GUID(0x0e0b6031, 0x5213, 0x4934, 0x81, 0x8b, 0x38, 0xd9, 0x0c, 0xed, 0x39, 0xdb);
const struct vmbus_guid vmbus_guid_heartbeat =
	VMBUS_GUID(0x57164f39, 0x9115, 0x4e78, 0xab, 0x55, 0x38, 0x2f, 0x3b, 0xd5, 0x42, 0x2d);
const struct vmbus_guid vmbus_guid_timesync =
	VMBUS_GUID(0x9527e630, 0xd0ae, 0x497b, 0xad, 0xce, 0xe8, 0x0a, 0xb0, 0x17, 0x5c, 0xaf);
const struct vmbus_guid vmbus_guid_kvp =
	VMBUS_GUID(0xa9a0f4e7, 0x5a45, 0x4d96, 0xb8, 0x27, 0x8a, 0x84, 0x1e, 0x8c, 0x03, 0xe6);

bool vmbus_guid_equal(const struct vmbus_guid *a, const struct vmbus_guid *b)
{
	uint8_t diff = 0;

	for (int i = 0; i < 16; i++)
		diff |= a->b[i] ^ b->b[i];
	return diff == 0;
}

void vmbus_guid_format(const struct vmbus_guid *g, char out[VMBUS_GUID_STR_LEN])
{
	/* Byte order of the text form: the first three fields are stored little-endian. */
	static const uint8_t order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	static const char hex[] = "0123456789abcdef";
	int o = 0;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[g->b[order[i]] >> 4];
		out[o++] = hex[g->b[order[i]] & 0xf];
	}
	out[o] = '\0';
}

const char *vmbus_guid_name(const struct vmbus_guid *g)
{
	static const struct {
		const struct vmbus_guid *guid;
		const char *name;
	} known[] = {
		{ &vmbus_guid_scsi, "scsi" },	      { &vmbus_guid_network, "network" },
		{ &vmbus_guid_shutdown, "shutdown" }, { &vmbus_guid_heartbeat, "heartbeat" },
		{ &vmbus_guid_timesync, "timesync" }, { &vmbus_guid_kvp, "kvp" },
	};

	for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (vmbus_guid_equal(g, known[i].guid))
			return known[i].name;
	return NULL;
}
