/* SPDX-License-Identifier: MIT */
/* The VM inventory: lookup, the state changes (each one logged, persisted and broadcast),
 * the VmInfo view of a VM, and the requests waiting for a state change. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmms.h"

struct vm *vmms_find(struct vmms *d, const char *name)
{
	struct vm *vm;
	LIST_FOREACH(vm, &d->vms, link) {
		if (strcmp(vm->name, name) == 0)
			return vm;
	}
	return NULL;
}

unsigned vmms_count_live(struct vmms *d)
{
	unsigned n = 0;
	struct vm *vm;
	LIST_FOREACH(vm, &d->vms, link)
		n += vm_state_has_worker(vm->state) || vm->worker;
	return n;
}

/* Writes the new state to disk, then applies, logs and broadcasts it: what a client hears
 * (an event, a reply) is what a restarted vmms will read back. When the write fails the
 * change is still applied if `keep_on_failure` is false (the world already changed: a worker
 * died, so memory must say so) and reverted otherwise (the caller refuses the operation).
 * Returns 0 or -errno of the failed write. */
static int set_state(struct vmms *d, struct vm *vm, enum vm_state s, const char *reason,
		     bool revert_on_failure)
{
	enum vm_state old = vm->state;
	int64_t old_since = vm->state_since_ms;
	char old_reason[sizeof(vm->reason)];
	memcpy(old_reason, vm->reason, sizeof(old_reason));
	vm->state = s;
	vm->state_since_ms = mgmt_now_ms();
	snprintf(vm->reason, sizeof(vm->reason), "%s", reason ? reason : "");
	int rc = vmms_save_state(d, vm);
	if (rc != 0) {
		mgmt_log_write(&d->log, MGMT_LOG_ERROR, "vmms",
			       "VM %s: cannot record %s -> %s under %s: %s%s", vm->name,
			       vm_state_name(old), vm_state_name(s), d->vms_dir, strerror(-rc),
			       revert_on_failure ? " (change refused)"
						 : " (applied in memory only; the state file is "
						   "stale until the next change)");
		if (revert_on_failure) {
			vm->state = old;
			vm->state_since_ms = old_since;
			memcpy(vm->reason, old_reason, sizeof(old_reason));
			return rc;
		}
	}
	enum mgmt_log_level lvl = s == VM_FAILED || s == VM_CRASHED ? MGMT_LOG_ERROR
								    : MGMT_LOG_INFO;
	mgmt_log_write(&d->log, lvl, "vmms", "VM %s: %s -> %s%s%s", vm->name, vm_state_name(old),
		       vm_state_name(s), vm->reason[0] ? ": " : "", vm->reason);
	vmms_events_emit(d, vm->name, old, s, vm->reason, vm->event_how[0] ? vm->event_how : NULL,
			 vm->event_signal);
	vm->event_how[0] = '\0';
	vm->event_signal = 0;
	vm->heartbeat_lost = false;
	return rc;
}

int vmms_set_state(struct vmms *d, struct vm *vm, enum vm_state s, const char *reason)
{
	return set_state(d, vm, s, reason, false);
}

int vmms_commit_state(struct vmms *d, struct vm *vm, enum vm_state s, const char *reason)
{
	return set_state(d, vm, s, reason, true);
}

void vmms_persist_error(struct vmms *d, int rc, char *buf, size_t size)
{
	snprintf(buf, size,
		 "cannot record the VM's state under %s: %s; free space in (or fix the "
		 "permissions of) the state folder and retry",
		 d->vms_dir, strerror(rc < 0 ? -rc : EIO));
}

void vmms_fill_info(struct vm *vm, Hv__Mgmt__VmInfo *info, Hv__Mgmt__Device **devs,
		    Hv__Mgmt__Device *devstore, size_t ndev)
{
	hv__mgmt__vm_info__init(info);
	info->name = vm->name;
	info->state = (Hv__Mgmt__VmState)vm->state;
	info->reason = vm->reason;
	info->memory_mib = vm->cfg.memory_mib;
	info->vps = vm->cfg.vps;
	if (vm->cfg.boot_kind == VM_BOOT_GUEST)
		snprintf(vm->boot_desc, sizeof(vm->boot_desc), "guest %s",
			 vm->cfg.guest ? vm->cfg.guest : "");
	else
		snprintf(vm->boot_desc, sizeof(vm->boot_desc), "kernel %s",
			 vm->cfg.kernel ? vm->cfg.kernel : "");
	info->boot = vm->boot_desc;
	info->worker_pid = vm->worker ? vm->worker->pid : 0;
	info->state_since_ms = vm->state_since_ms;
	info->heartbeat_ms = vm->heartbeat_ms;
	info->vp_exits = vm->vp_exits;
	info->vmbus_signals = vm->io.signals_in + vm->io.signals_out;
	info->storage_ops = vm->io.reads + vm->io.writes;
	info->storage_read_bytes = vm->io.read_bytes;
	info->storage_write_bytes = vm->io.write_bytes;
	info->vmbus_signals_per_s = vm->signals_per_s;
	info->storage_iops = vm->iops;
	info->storage_read_mb_s = vm->read_mb_s;
	info->storage_write_mb_s = vm->write_mb_s;
	info->hv_exits = vm->hv_exits;
	info->hv_exits_per_s = vm->hv_exits_per_s;
	info->hv_interrupts = vm->hv_interrupts;
	for (size_t i = 0; i < vm->nexits; i++) {
		hv__mgmt__exit_rate__init(&vm->exits_pb[i]);
		vm->exits_pb[i].reason = vm->exits[i].reason;
		vm->exits_pb[i].count = vm->exits[i].count;
		vm->exits_pb[i].per_s = vm->exits[i].per_s;
		vm->exits_pb_ptrs[i] = &vm->exits_pb[i];
	}
	info->n_hv_exits_by_reason = vm->nexits;
	info->hv_exits_by_reason = vm->exits_pb_ptrs;
	info->log_path = (char *)"";
	info->config_json = vm->config_json ? vm->config_json : (char *)"";
	info->log_error = vm->log_error;
	if (!devs)
		return;
	size_t n = vm->ndevices < ndev ? vm->ndevices : ndev;
	for (size_t i = 0; i < n; i++) {
		hv__mgmt__device__init(&devstore[i]);
		devstore[i].kind = vm->devices[i].kind;
		devstore[i].detail = vm->devices[i].detail;
		devstore[i].status = vm->devices[i].status;
		devs[i] = &devstore[i];
	}
	info->n_devices = n;
	info->devices = devs;
}

void vmms_waiter_done(struct waiter *w, bool ok, Hv__Mgmt__ErrorCode code, const char *msg)
{
	struct client *c = w->client;
	uint64_t id = w->id;
	w->client = NULL;
	w->id = 0;
	if (!c)
		return;
	if (ok)
		vmms_reply_done(c, id, "%s", msg);
	else
		vmms_reply_error(c, id, code, "%s", msg);
	vmms_client_answered(c);
}

void vmms_forget_client(struct vmms *d, struct client *c)
{
	struct vm *vm;
	LIST_FOREACH(vm, &d->vms, link) {
		if (vm->start_waiter.client == c)
			vm->start_waiter.client = NULL;
		if (vm->stop_waiter.client == c)
			vm->stop_waiter.client = NULL;
	}
}

void vmms_vm_free(struct vm *vm)
{
	if (vm->worker)
		vm->worker->vm = NULL;
	vm_config_free(&vm->cfg);
	mgmt_byte_ring_free(&vm->console);
	free(vm->config_json);
	free(vm);
}
