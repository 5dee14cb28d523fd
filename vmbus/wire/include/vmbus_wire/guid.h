/* SPDX-License-Identifier: MIT */
/* A GUID as it travels in VMBus offers: Microsoft mixed-endian byte order (the first three
 * fields little-endian, the last eight bytes as written). */
#ifndef VMBUS_WIRE_GUID_H
#define VMBUS_WIRE_GUID_H

#include <stdint.h>

struct vmbus_guid {
	uint8_t b[16];
};
_Static_assert(sizeof(struct vmbus_guid) == 16, "GUID is 16 bytes on the wire");

/* VMBUS_GUID(0xba6163d9, 0x04a1, 0x4d29, 0xb6, 0x05, ...) for ba6163d9-04a1-4d29-b605-... */
#define VMBUS_GUID(a, b_, c, d0, d1, d2, d3, d4, d5, d6, d7)                                   \
	((struct vmbus_guid){ { (uint8_t)(a), (uint8_t)((a) >> 8), (uint8_t)((a) >> 16),       \
				(uint8_t)((a) >> 24), (uint8_t)(b_), (uint8_t)((b_) >> 8),     \
				(uint8_t)(c), (uint8_t)((c) >> 8), d0, d1, d2, d3, d4, d5, d6, \
				d7 } })

#endif
