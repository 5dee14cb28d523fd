/* SPDX-License-Identifier: MIT */
/* Creates the VM's device set (storage controller, integration services) from its config. */
#include "vsp/devices.h"

#include <string.h>

struct vmbus_guid vsp_instance_guid(uint64_t seed, uint32_t index)
{
	struct vmbus_guid g;

	/* A version-4-shaped GUID whose bytes come from the seed and the device index. */
	for (int i = 0; i < 8; i++)
		g.b[i] = (uint8_t)(seed >> (8 * i));
	g.b[8] = 0x48;
	g.b[9] = 0x56; /* "HV" */
	g.b[10] = (uint8_t)index;
	g.b[11] = (uint8_t)(index >> 8);
	g.b[12] = 0x76;
	g.b[13] = 0x6d;
	g.b[14] = 0x62;
	g.b[15] = 0x73; /* "vmbs" */
	g.b[7] = (uint8_t)((g.b[7] & 0x0f) | 0x40);
	g.b[8] = (uint8_t)((g.b[8] & 0x3f) | 0x80);
	return g;
}

int vsp_devices_add(struct vmbus_server *s, const struct vsp_devices_config *cfg,
		    struct vsp_devices *out, char *err, size_t errlen)
{
	static const enum ic_service order[] = { IC_SERVICE_SHUTDOWN, IC_SERVICE_TIMESYNC,
						 IC_SERVICE_HEARTBEAT, IC_SERVICE_KVP };
	bool want[4] = { cfg->shutdown, cfg->heartbeat, cfg->timesync, cfg->kvp };

	memset(out, 0, sizeof(*out));
	if (cfg->ndisks) {
		struct storvsp_config sc = { .disks = cfg->disks,
					     .ndisks = cfg->ndisks,
					     .instance = vsp_instance_guid(cfg->instance_seed, 0) };
		out->storage = storvsp_create(s, &sc, err, errlen);
		if (!out->storage)
			return -1;
	}
	for (unsigned i = 0; i < 4; i++) {
		enum ic_service svc = order[i];
		struct ic_vsp_config ic = {
			.service = svc,
			.instance = vsp_instance_guid(cfg->instance_seed, 1 + (uint32_t)svc),
			.period_ms = svc == IC_SERVICE_HEARTBEAT  ? cfg->heartbeat_ms
				     : svc == IC_SERVICE_TIMESYNC ? cfg->timesync_ms
								  : 0,
			.on_answer = cfg->on_ic_answer,
			.ctx = cfg->ctx
		};
		if (!want[svc])
			continue;
		out->ic[svc] = ic_vsp_create(s, &ic, err, errlen);
		if (!out->ic[svc])
			return -1;
	}
	return 0;
}
