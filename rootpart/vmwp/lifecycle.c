/* SPDX-License-Identifier: MIT */
/* The worker's lifecycle: start (create the partition, attach devices, enter the VPs),
 * graceful stop (ask the guest, bounded by a timeout), forced stop, and the boot-phase lines
 * of the VM log. Each step is logged before it is reported, so the log tells the whole story
 * even if vmms is gone. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "mgmt/image_lock.h"

#include "partition.h"
#include "vmwp.h"

static void fail_start(struct vmwp *w, uint64_t id, const char *why)
{
	w->phase = HV__WORKER__PHASE__PHASE_FAILED;
	snprintf(w->reason, sizeof(w->reason), "%.500s", why);
	mgmt_log_write(&w->log, MGMT_LOG_ERROR, "vmwp", "start failed: %s", why);
	vmwp_exit(w, 1, id);
}

/* Every disk image is locked (shared when read-only, exclusive when writable) before the
 * partition exists; the locks last until the worker exits. */
static int lock_disks(struct vmwp *w, char *why, size_t n)
{
	for (size_t i = 0; i < w->cfg.ndisks; i++) {
		char one[600];
		int fd = mgmt_image_lock(w->cfg.disks[i].path, w->cfg.disks[i].readonly, one,
					 sizeof(one));
		if (fd < 0) {
			snprintf(why, n, "disks[%zu]: %.400s", i, one);
			return -1;
		}
		w->disk_locks[w->ndisk_locks++] = fd;
	}
	if (w->cfg.ndisks)
		mgmt_log_write(&w->log, MGMT_LOG_INFO, "vmwp",
			       "%zu disk image%s locked (shared if read-only, exclusive if "
			       "writable)",
			       w->cfg.ndisks, w->cfg.ndisks == 1 ? "" : "s");
	return 0;
}

/* Once /dev/vid and the disk images are open the worker needs root no more: it becomes its
 * own uid and gid (given by vmms), keeps only the workers' group (for the log folder), has no
 * capabilities left (a uid change from 0 clears them) and can gain none (no_new_privs). */
static int drop_root(struct vmwp *w, char *why, size_t n)
{
	if (!w->run_as_set)
		return 0;
	/* The log created by this worker as root becomes its own, so it can still rotate it. */
	if (w->log.fd >= 0 && fchown(w->log.fd, w->run_uid, w->run_gid) != 0)
		mgmt_log_write(&w->log, MGMT_LOG_WARN, "vmwp",
			       "cannot give the log to uid %u: %s (it may stop rotating)",
			       (unsigned)w->run_uid, strerror(errno));
	if (setgroups(1, &w->run_group) != 0 ||
	    setresgid(w->run_gid, w->run_gid, w->run_gid) != 0 ||
	    setresuid(w->run_uid, w->run_uid, w->run_uid) != 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || setuid(0) == 0) {
		snprintf(why, n, "cannot drop root to uid %u: %s; check vmms --worker-uid-base",
			 (unsigned)w->run_uid, strerror(errno));
		return -1;
	}
	mgmt_log_write(&w->log, MGMT_LOG_INFO, "vmwp",
		       "privileges dropped: uid %u, gid %u, group %u, no capabilities",
		       (unsigned)w->run_uid, (unsigned)w->run_gid, (unsigned)w->run_group);
	return 0;
}

void vmwp_on_start(struct vmwp *w, uint64_t id)
{
	char why[512];
	if (w->phase != HV__WORKER__PHASE__PHASE_STARTING || w->part) {
		vmwp_report(w, id, true, "already started");
		return;
	}
	if (!w->cfg_ok) {
		fail_start(w, id, w->cfg_error);
		return;
	}
	if (lock_disks(w, why, sizeof(why)) != 0) {
		fail_start(w, id, why);
		return;
	}
	if (partition_backend.create(w, &w->part, why, sizeof(why)) != 0) {
		w->part = NULL;
		fail_start(w, id, why);
		return;
	}
	mgmt_log_write(&w->log, MGMT_LOG_INFO, "vmwp", "memory ready: %u MiB, %u VP%s (backend %s)",
		       w->cfg.memory_mib, w->cfg.vps, w->cfg.vps == 1 ? "" : "s",
		       partition_backend.name);
	if (vmwp_vmbus_start(w, why, sizeof(why)) != 0) {
		partition_backend.destroy(w->part);
		w->part = NULL;
		fail_start(w, id, why);
		return;
	}
	vmwp_devices_set_status(w, "attached");
	if (drop_root(w, why, sizeof(why)) != 0) {
		vmwp_vmbus_stop(w);
		partition_backend.destroy(w->part);
		w->part = NULL;
		fail_start(w, id, why);
		return;
	}
	if (partition_backend.run(w->part, why, sizeof(why)) != 0) {
		vmwp_vmbus_stop(w);
		partition_backend.destroy(w->part);
		w->part = NULL;
		fail_start(w, id, why);
		return;
	}
}

void vmwp_partition_running(struct vmwp *w)
{
	mgmt_log_write(&w->log, MGMT_LOG_INFO, "vmwp", "first VP entry: VM %s running", w->name);
	w->phase = HV__WORKER__PHASE__PHASE_RUNNING;
	vmwp_report(w, 0, false, NULL);
}

void vmwp_partition_stopped(struct vmwp *w, const char *how)
{
	uv_timer_stop(&w->shutdown_timer);
	vmwp_vmbus_stop(w); /* before the partition: the server maps the guest's RAM */
	if (w->part) {
		partition_backend.destroy(w->part);
		w->part = NULL;
	}
	vmwp_devices_set_status(w, "detached");
	mgmt_log_write(&w->log, MGMT_LOG_INFO, "vmwp", "VM %s stopped: %s", w->name, how);
	w->phase = HV__WORKER__PHASE__PHASE_STOPPED;
	snprintf(w->reason, sizeof(w->reason), "%s", how);
	vmwp_exit(w, 0, 0);
}

/* The guest had its time. By default the VM is turned off now, as `hvctl stop --force` would
 * (what LXD and incus do after `stop --timeout`), so that a stop ends with the VM off; with
 * --no-force it keeps running and the stop is refused, for a caller that decides itself. */
static void on_shutdown_timeout(uv_timer_t *t)
{
	struct vmwp *w = t->data;
	char why[256];
	if (!w->stop_no_force) {
		mgmt_log_write(&w->log, MGMT_LOG_WARN, "vmwp",
			       "graceful stop timed out after %u s: turning the VM off",
			       w->shutdown_timeout_s);
		snprintf(why, sizeof(why), "forced off: the guest did not shut down within %u s",
			 w->shutdown_timeout_s);
		/* 0 in the report means "not forced" (vmms never asks for 0 s: 0 is its 30). */
		w->forced_after_timeout_s = w->shutdown_timeout_s ? w->shutdown_timeout_s : 1;
		vmwp_partition_stopped(w, why);
		return;
	}
	snprintf(why, sizeof(why),
		 "the guest did not shut down within %u s; it is still "
		 "running: use --force",
		 w->shutdown_timeout_s);
	mgmt_log_write(&w->log, MGMT_LOG_WARN, "vmwp", "graceful stop timed out: %s", why);
	w->phase = HV__WORKER__PHASE__PHASE_RUNNING;
	w->stop_timed_out = true;
	vmwp_report(w, 0, true, why);
}

void vmwp_on_stop(struct vmwp *w, uint64_t id, bool force, uint32_t timeout_s, bool no_force)
{
	char why[512];
	if (force) {
		mgmt_log_write(&w->log, MGMT_LOG_INFO, "vmwp", "forced stop requested");
		vmwp_partition_stopped(w, "forced off");
		return;
	}
	if (w->phase != HV__WORKER__PHASE__PHASE_RUNNING || !w->part) {
		vmwp_report(w, id, true, "not running: nothing to stop gracefully; use --force");
		return;
	}
	mgmt_log_write(&w->log, MGMT_LOG_INFO, "vmwp", "graceful stop requested (timeout %u s%s)",
		       timeout_s,
		       no_force ? "; --no-force: the VM keeps running if the guest does not "
				  "shut down"
				: "");
	/* The guest's shutdown integration service first, as Hyper-V does; the backend's own
	 * way (if any) when the guest has not negotiated it. */
	if (vmwp_vmbus_request_shutdown(w) == 0) {
		mgmt_log_write(&w->log, MGMT_LOG_INFO, "vmwp",
			       "shutdown request sent to the guest's "
			       "shutdown integration service");
	} else if (partition_backend.request_shutdown(w->part, why, sizeof(why)) != 0) {
		mgmt_log_write(&w->log, MGMT_LOG_WARN, "vmwp", "graceful stop refused: %s", why);
		vmwp_report(w, id, true, why);
		return;
	} else {
		mgmt_log_write(&w->log, MGMT_LOG_INFO, "vmwp",
			       "shutdown request sent to the guest through the %s backend (the "
			       "guest has not opened its shutdown integration service)",
			       partition_backend.name);
	}
	w->phase = HV__WORKER__PHASE__PHASE_STOPPING;
	w->shutdown_timeout_s = timeout_s;
	w->stop_no_force = no_force;
	uv_timer_start(&w->shutdown_timer, on_shutdown_timeout, (uint64_t)timeout_s * 1000, 0);
	vmwp_report(w, id, false, NULL);
}

void vmwp_partition_crashed(struct vmwp *w, const char *why)
{
	mgmt_log_write(&w->log, MGMT_LOG_ERROR, "vmwp", "VM %s crashed: %s", w->name, why);
	uv_timer_stop(&w->shutdown_timer);
	vmwp_vmbus_stop(w);
	if (w->part) {
		partition_backend.destroy(w->part);
		w->part = NULL;
	}
	vmwp_devices_set_status(w, "detached");
	snprintf(w->reason, sizeof(w->reason), "%s", why);
	w->phase = HV__WORKER__PHASE__PHASE_STOPPED; /* the final report carries why */
	vmwp_exit(w, 3, 0); /* a failure status: vmms marks the VM crashed, with why */
}
