/* SPDX-License-Identifier: MIT */
/* The worker's VMBus side: the VM's VMBus server on the transport its partition backend
 * provides (SynIC messages and events through vid.ko once children exist), the devices from
 * the config behind it (one storage controller with the config's disks, the shutdown,
 * heartbeat and time-sync integration services), the server's log lines in the VM log, the
 * graceful-stop hook (the shutdown service) and the devices' live status for reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "partition.h"
#include "vmbus_server/server.h"
#include "vmwp.h"
#include "vsp/devices.h"

struct vmwp_vmbus {
	struct vmbus_server *server;
	struct vsp_devices devs;
	struct storvsp_disk_config disks[VM_CONFIG_MAX_DISKS];
};

static void on_server_log(void *ctx, enum vmbus_log_level level, const char *component,
			  const char *msg)
{
	static const enum mgmt_log_level map[] = {
		[VMBUS_LOG_ERROR] = MGMT_LOG_ERROR,
		[VMBUS_LOG_WARN] = MGMT_LOG_WARN,
		[VMBUS_LOG_INFO] = MGMT_LOG_INFO,
		[VMBUS_LOG_DEBUG] = MGMT_LOG_DEBUG,
	};
	struct vmwp *w = ctx;
	mgmt_log_write(&w->log, (unsigned)level < 4 ? map[level] : MGMT_LOG_INFO, component, "%s",
		       msg);
}

static void on_ic_answer(void *ctx, struct ic_vsp *ic, uint16_t msg_type, uint32_t status)
{
	struct vmwp *w = ctx;
	(void)msg_type;
	if (!w->vmbus || ic != w->vmbus->devs.ic[IC_SERVICE_SHUTDOWN] ||
	    w->phase != HV__WORKER__PHASE__PHASE_STOPPING)
		return;
	/* The guest acknowledged the shutdown request (or refused it); the partition backend
	 * reports the actual power-off. A refusal is worth a line: the timeout will follow. */
	mgmt_log_write(&w->log, status ? MGMT_LOG_WARN : MGMT_LOG_INFO, "vmwp",
		       "guest %s the shutdown request (status 0x%x)",
		       status ? "refused" : "acknowledged", status);
}

/* FNV-1a of the VM name: instance GUIDs stay the same across restarts of one VM and differ
 * between VMs. */
static uint64_t instance_seed(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	return h;
}

int vmwp_vmbus_start(struct vmwp *w, char *why, size_t n)
{
	const struct vmbus_transport *t =
		partition_backend.transport ? partition_backend.transport(w->part) : NULL;
	if (!t) {
		mgmt_log_write(&w->log, MGMT_LOG_INFO, "vmwp",
			       "no VMBus: the %s backend has no "
			       "transport to the guest; devices stay unattached",
			       partition_backend.name);
		return 0;
	}
	struct vmwp_vmbus *vb = calloc(1, sizeof(*vb));
	if (!vb) {
		snprintf(why, n, "out of memory creating the VMBus server");
		return -1;
	}
	struct vmbus_server_config sc = {
		.loop = w->loop,
		.transport = *t,
		.log = on_server_log,
		.log_ctx = w,
	};
	vb->server = vmbus_server_create(&sc);
	if (!vb->server) {
		free(vb);
		snprintf(why, n, "cannot create the VMBus server (out of memory?)");
		return -1;
	}
	for (size_t i = 0; i < w->cfg.ndisks; i++)
		vb->disks[i] = (struct storvsp_disk_config){ w->cfg.disks[i].path,
							     w->cfg.disks[i].readonly };
	struct vsp_devices_config dc = {
		.disks = vb->disks,
		.ndisks = (uint32_t)w->cfg.ndisks,
		.shutdown = true,
		.heartbeat = true,
		.timesync = true,
		.instance_seed = instance_seed(w->name),
		.on_ic_answer = on_ic_answer,
		.ctx = w,
	};
	char err[512];
	if (vsp_devices_add(vb->server, &dc, &vb->devs, err, sizeof(err)) != 0) {
		vmbus_server_destroy(vb->server);
		free(vb);
		snprintf(why, n, "devices: %.480s", err);
		return -1;
	}
	w->vmbus = vb;
	if (partition_backend.vmbus_attach)
		partition_backend.vmbus_attach(w->part, vb->server);
	mgmt_log_write(&w->log, MGMT_LOG_INFO, "vmwp",
		       "VMBus server up: %zu disk%s on the SCSI "
		       "controller, shutdown/heartbeat/time-sync offered",
		       w->cfg.ndisks, w->cfg.ndisks == 1 ? "" : "s");
	return 0;
}

void vmwp_vmbus_stop(struct vmwp *w)
{
	if (!w->vmbus)
		return;
	if (partition_backend.vmbus_attach && w->part)
		partition_backend.vmbus_attach(w->part, NULL);
	vmbus_server_destroy(w->vmbus->server); /* closes channels, frees the VSPs */
	free(w->vmbus);
	w->vmbus = NULL;
}

int vmwp_vmbus_request_shutdown(struct vmwp *w)
{
	if (!w->vmbus || !w->vmbus->devs.ic[IC_SERVICE_SHUTDOWN])
		return -1;
	struct ic_vsp_status st;
	ic_vsp_get_status(w->vmbus->devs.ic[IC_SERVICE_SHUTDOWN], &st);
	if (!st.negotiated)
		return -1;
	return ic_vsp_request_shutdown(w->vmbus->devs.ic[IC_SERVICE_SHUTDOWN], false, false,
				       "hvctl stop") == 0
		       ? 0
		       : -1;
}

/* An integration service's state without its live figures: what `hvctl show` words, and what
 * a change of (vmwp_vmbus_device_states) is reported for at once. */
enum ic_phase {
	IC_PHASE_OFFERED = 1,
	IC_PHASE_NEGOTIATING,
	IC_PHASE_RUNNING,
	IC_PHASE_HEARD
};

static enum ic_phase ic_phase(struct vmwp *w, enum ic_service svc, struct ic_vsp_status *st)
{
	ic_vsp_get_status(w->vmbus->devs.ic[svc], st);
	if (!st->open)
		return IC_PHASE_OFFERED;
	if (!st->negotiated)
		return IC_PHASE_NEGOTIATING;
	if (svc == IC_SERVICE_HEARTBEAT && st->last_heard_ms)
		return IC_PHASE_HEARD;
	return IC_PHASE_RUNNING;
}

static void ic_status(struct vmwp *w, enum ic_service svc, char *out, size_t n)
{
	struct ic_vsp_status st;
	switch (ic_phase(w, svc, &st)) {
	case IC_PHASE_OFFERED:
		snprintf(out, n, "offered");
		break;
	case IC_PHASE_NEGOTIATING:
		snprintf(out, n, "open, negotiating");
		break;
	case IC_PHASE_HEARD:
		snprintf(out, n, "running, guest last heard %llu ms ago (sequence %llu)",
			 (unsigned long long)(uv_now(w->loop) - st.last_heard_ms),
			 (unsigned long long)st.heartbeat_seq);
		break;
	case IC_PHASE_RUNNING:
		snprintf(out, n, "running");
		break;
	}
}

static const struct {
	const char *kind;
	enum ic_service svc;
} ics[] = {
	{ "ic-shutdown", IC_SERVICE_SHUTDOWN },
	{ "ic-heartbeat", IC_SERVICE_HEARTBEAT },
	{ "ic-timesync", IC_SERVICE_TIMESYNC },
};

void vmwp_vmbus_device_status(struct vmwp *w, struct vmwp_device *d)
{
	if (!w->vmbus)
		return;
	if (!strcmp(d->kind, "disk") && w->vmbus->devs.storage) {
		enum vmbus_channel_state s =
			vmbus_channel_state(storvsp_channel(w->vmbus->devs.storage));
		snprintf(d->status, sizeof(d->status), "scsi channel %s",
			 vmbus_channel_state_name(s));
		return;
	}
	for (size_t i = 0; i < sizeof(ics) / sizeof(ics[0]); i++)
		if (!strcmp(d->kind, ics[i].kind) && w->vmbus->devs.ic[ics[i].svc])
			ic_status(w, ics[i].svc, d->status, sizeof(d->status));
}

size_t vmwp_vmbus_device_states(struct vmwp *w, uint8_t *key, size_t n)
{
	if (!w->vmbus)
		return 0;
	size_t len = 0;
	for (size_t i = 0; i < w->ndevices && len < n; i++) {
		const struct vmwp_device *d = &w->devices[i];
		uint8_t state = 0; /* not a VMBus device: its status changes with the phase */
		struct ic_vsp_status st;
		if (!strcmp(d->kind, "disk") && w->vmbus->devs.storage)
			state = (uint8_t)vmbus_channel_state(
				storvsp_channel(w->vmbus->devs.storage));
		for (size_t j = 0; j < sizeof(ics) / sizeof(ics[0]); j++)
			if (!strcmp(d->kind, ics[j].kind) && w->vmbus->devs.ic[ics[j].svc])
				state = (uint8_t)(0x80 | ic_phase(w, ics[j].svc, &st));
		key[len++] = state;
	}
	return len;
}

static void add_channel_signals(void *ctx, struct vmbus_channel *ch)
{
	struct vmwp_io_counters *c = ctx;
	struct vmbus_channel_stats st;
	vmbus_channel_get_stats(ch, &st);
	c->signals_in += st.signals_in;
	c->signals_out += st.signals_out;
}

void vmwp_vmbus_counters(struct vmwp *w, struct vmwp_io_counters *c)
{
	*c = (struct vmwp_io_counters){ 0 };
	if (!w->vmbus)
		return;
	/* Rescinded channels are gone with their counts: a total may then go back, which
	 * vmms takes as a new start of the counters (no rate from that report). */
	vmbus_server_foreach_channel(w->vmbus->server, add_channel_signals, c);
	if (w->vmbus->devs.storage) {
		struct storvsp_stats st;
		storvsp_get_stats(w->vmbus->devs.storage, &st);
		c->reads = st.reads;
		c->writes = st.writes;
		c->read_bytes = st.read_bytes;
		c->write_bytes = st.write_bytes;
	}
}
