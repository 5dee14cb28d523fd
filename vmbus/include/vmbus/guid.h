/* GUIDs as they travel in VMBus offers (Microsoft mixed-endian byte order: the first three
 * fields little-endian, the last eight bytes as written), and the well-known interface types. */
#ifndef VMBUS_GUID_H
#define VMBUS_GUID_H

#include <stdbool.h>
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

/* Interface types offered by the host (the Linux driver that binds to each in brackets). */
extern const struct vmbus_guid vmbus_guid_scsi;	     /* storage (hv_storvsc) */
extern const struct vmbus_guid vmbus_guid_network;   /* network (hv_netvsc) */
extern const struct vmbus_guid vmbus_guid_shutdown;  /* shutdown IC (hv_utils) */
extern const struct vmbus_guid vmbus_guid_heartbeat; /* heartbeat IC (hv_utils) */
extern const struct vmbus_guid vmbus_guid_timesync;  /* time synchronisation IC (hv_utils) */
extern const struct vmbus_guid vmbus_guid_kvp;	     /* key-value pair exchange IC (hv_utils) */

bool vmbus_guid_equal(const struct vmbus_guid *a, const struct vmbus_guid *b);

/* Canonical text form "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" plus NUL (37 bytes). */
#define VMBUS_GUID_STR_LEN 37
void vmbus_guid_format(const struct vmbus_guid *g, char out[VMBUS_GUID_STR_LEN]);

/* "scsi", "network", ... for a well-known interface type, NULL for any other GUID. */
const char *vmbus_guid_name(const struct vmbus_guid *g);

#endif
