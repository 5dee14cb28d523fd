/* SPDX-License-Identifier: MIT */
/* The well-known VMBus interface types and GUID helpers (the layout: vmbus_wire/guid.h). */
#ifndef VMBUS_GUID_H
#define VMBUS_GUID_H

#include <stdbool.h>
#include <stdint.h>

#include "vmbus_wire/guid.h"

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
