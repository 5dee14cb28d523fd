/* SPDX-License-Identifier: MIT */
/* The worker's device list, built from the config: what `hvctl show` lists. Each entry is a
 * description with a status; while the VMBus server is up (vmbus_host.c) the disks and the
 * integration services report their channels' live state. */
#include <stdio.h>

#include "vmwp.h"

static struct vmwp_device *add(struct vmwp *w, const char *kind)
{
	if (w->ndevices == VMWP_MAX_DEVICES)
		return NULL;
	struct vmwp_device *d = &w->devices[w->ndevices++];
	d->kind = kind;
	snprintf(d->status, sizeof(d->status), "configured");
	return d;
}

void vmwp_devices_from_config(struct vmwp *w)
{
	w->ndevices = 0;
	for (size_t i = 0; i < w->cfg.ndisks; i++) {
		struct vmwp_device *d = add(w, "disk");
		if (d)
			snprintf(d->detail, sizeof(d->detail), "%s (%s)", w->cfg.disks[i].path,
				 w->cfg.disks[i].readonly ? "read-only" : "read-write");
	}
	static const char *const ics[][2] = {
		{ "ic-shutdown", "shutdown integration service (graceful stop)" },
		{ "ic-heartbeat", "heartbeat integration service" },
		{ "ic-timesync", "time synchronization integration service" },
	};
	for (size_t i = 0; i < sizeof(ics) / sizeof(ics[0]); i++) {
		struct vmwp_device *ic = add(w, ics[i][0]);
		if (ic)
			snprintf(ic->detail, sizeof(ic->detail), "%s", ics[i][1]);
	}
	struct vmwp_device *d = add(w, "com1");
	if (d)
		snprintf(d->detail, sizeof(d->detail), "console %s",
			 vm_console_name(w->cfg.console));
}

void vmwp_devices_set_status(struct vmwp *w, const char *status)
{
	for (size_t i = 0; i < w->ndevices; i++)
		snprintf(w->devices[i].status, sizeof(w->devices[i].status), "%s", status);
}
