/* SPDX-License-Identifier: MIT */
/* Disk images shared between VMs, seen from the inventory: a start is refused while another
 * VM's worker uses one of its images (unless both use it read-only), naming that VM; create
 * warns about such sharing at once. Files are compared by device and inode, so a hard link
 * or a second path to the same image is caught. The workers' image locks (image_lock.h) are
 * the guard that holds even against programs vmms does not know. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "vmms.h"

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* The first disk of other that is the same file as cfg's disk i and not read-only in both,
 * or -1. */
static int conflicting_disk(const struct vm_config *cfg, size_t i, const struct vm *other)
{
	for (size_t j = 0; j < other->cfg.ndisks; j++) {
		if (cfg->disks[i].readonly && other->cfg.disks[j].readonly)
			continue;
		if (same_file(cfg->disks[i].path, other->cfg.disks[j].path))
			return (int)j;
	}
	return -1;
}

bool vmms_image_in_use(struct vmms *d, const struct vm *vm, char *why, size_t n)
{
	struct vm *o;
	LIST_FOREACH(o, &d->vms, link) {
		if (o == vm || (!o->worker && !vm_state_has_worker(o->state)))
			continue;
		for (size_t i = 0; i < vm->cfg.ndisks; i++) {
			int j = conflicting_disk(&vm->cfg, i, o);
			if (j < 0)
				continue;
			snprintf(why, n,
				 "cannot start %s: disks[%zu] (%s) is in use by VM %s (%s, %s); "
				 "stop %s first, or give %s its own image",
				 vm->name, i, vm->cfg.disks[i].path, o->name,
				 vm_state_name(o->state),
				 o->cfg.disks[j].readonly ? "read-only" : "read-write", o->name,
				 vm->name);
			return true;
		}
	}
	return false;
}

void vmms_image_warnings(struct vmms *d, const struct vm_config *cfg, char *buf, size_t n)
{
	size_t used = 0;
	buf[0] = '\0';
	struct vm *o;
	LIST_FOREACH(o, &d->vms, link) {
		if (strcmp(o->name, cfg->name) == 0)
			continue;
		for (size_t i = 0; i < cfg->ndisks && used + 1 < n; i++) {
			int j = conflicting_disk(cfg, i, o);
			if (j < 0)
				continue;
			int w = snprintf(
				buf + used, n - used,
				"%sdisks[%zu] (%s) is also disks[%d] of VM %s (%s): the two "
				"cannot run at the same time",
				used ? "\n" : "", i, cfg->disks[i].path, j, o->name,
				o->cfg.disks[j].readonly && cfg->disks[i].readonly
					? "read-only"
					: "one of them writable");
			used += w > 0 ? (size_t)w : 0;
		}
	}
}
