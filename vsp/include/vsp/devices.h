/* SPDX-License-Identifier: MIT */
/* The worker's device set, from the VM config: one storage controller with the configured
 * disks, and the integration services. vmwp calls vsp_devices_add() once after creating its
 * VMBus server; the server owns the VSPs from then on (vmbus_server_destroy frees them). */
#ifndef VSP_DEVICES_H
#define VSP_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vsp/ic.h"
#include "vsp/storvsp.h"

struct vsp_devices_config {
	const struct storvsp_disk_config *disks; /* VM config disks[] {path, readonly} */
	uint32_t ndisks;			 /* 0 = no storage controller */
	bool shutdown, heartbeat, timesync;	 /* integration services offered */
	bool kvp;				 /* offered only when configured */
	uint32_t heartbeat_ms, timesync_ms;	 /* 0 = defaults (1000, 5000) */
	uint64_t instance_seed;			 /* makes the instance GUIDs unique per VM */
	/* IC answers (shutdown acknowledgement for hvctl stop, ...). */
	void (*on_ic_answer)(void *ctx, struct ic_vsp *ic, uint16_t msg_type, uint32_t status);
	void *ctx;
};

struct vsp_devices {
	struct storvsp *storage; /* NULL without disks */
	struct ic_vsp *ic[4];	 /* by enum ic_service, NULL if off */
};

/* Create every configured device on s. 0, or -1 with err (devices created so far stay
 * registered and are freed with the server). */
int vsp_devices_add(struct vmbus_server *s, const struct vsp_devices_config *cfg,
		    struct vsp_devices *out, char *err, size_t errlen);

/* Instance GUID of device `index` for this seed (stable across restarts of the same VM). */
struct vmbus_guid vsp_instance_guid(uint64_t seed, uint32_t index);

#endif
