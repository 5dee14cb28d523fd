/* SPDX-License-Identifier: MIT */
/* Workers without root: each worker parses bytes from its guest, so once it holds /dev/vid and
 * its disk images it drops to a uid and gid of its own (BASE + slot, the lowest slot no live
 * worker uses), keeps one supplementary group (BASE, shared by all workers) and no
 * capabilities, as OpenBSD vmd's per-VM processes do. What it still needs afterwards is
 * arranged here, as root, before it is spawned: the log folder is group BASE, mode 1770 (the
 * sticky bit: a worker may create and rotate its own log files, never touch another's), and
 * the VM's log files are given to the worker's uid. Disabled with --worker-uid-base 0. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmms.h"

#define WORKER_SLOTS 65535

int vmms_privsep_dirs(struct vmms *d)
{
	if (!d->opt.worker_uid_base)
		return 0;
	if (chown(d->opt.log_dir, 0, (gid_t)d->opt.worker_uid_base) != 0 ||
	    chmod(d->opt.log_dir, 01770) != 0)
		return -errno;
	return 0;
}

static bool slot_used(struct vmms *d, uid_t uid)
{
	struct vm *vm;
	LIST_FOREACH(vm, &d->vms, link) {
		if (vm->worker_uid == uid && (vm->worker || vm_state_has_worker(vm->state)))
			return true;
	}
	return false;
}

/* The VM's log files become the worker's, so that it can append to and rotate them. */
static void give_logs(struct vmms *d, struct vm *vm, uid_t uid)
{
	char path[4300];
	for (int k = 0; k <= MGMT_LOG_KEEP; k++) {
		vmms_vm_log_path(d, vm->name, path, sizeof(path));
		if (k)
			snprintf(path + strlen(path), sizeof(path) - strlen(path), ".%d", k);
		if (chown(path, uid, uid) != 0 && errno != ENOENT)
			mgmt_log_write(&d->log, MGMT_LOG_WARN, "vmms",
				       "VM %s: cannot give %s to uid %u: %s (its log may stop "
				       "rotating)",
				       vm->name, path, (unsigned)uid, strerror(errno));
	}
}

int vmms_privsep_assign(struct vmms *d, struct vm *vm, char *arg, size_t n)
{
	arg[0] = '\0';
	if (!d->opt.worker_uid_base)
		return 0;
	uid_t base = (uid_t)d->opt.worker_uid_base;
	for (uid_t slot = 1; slot <= WORKER_SLOTS; slot++) {
		if (slot_used(d, base + slot))
			continue;
		vm->worker_uid = base + slot;
		give_logs(d, vm, vm->worker_uid);
		snprintf(arg, n, "%u:%u:%u", (unsigned)vm->worker_uid, (unsigned)vm->worker_uid,
			 (unsigned)base);
		return 0;
	}
	return -EAGAIN;
}
