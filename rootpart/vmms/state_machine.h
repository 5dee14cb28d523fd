/* SPDX-License-Identifier: MIT */
/* The VM lifecycle: off -> starting -> running -> stopping -> off, with failed (a start that
 * did not reach running) and crashed (the worker died while up). The one table of legal
 * transitions; vmms asks it before every change and refuses the request otherwise. */
#ifndef HV_VMMS_STATE_MACHINE_H
#define HV_VMMS_STATE_MACHINE_H

#include <stdbool.h>
#include <stddef.h>

#include "proto/management.pb-c.h"

enum vm_state {
	VM_OFF = HV__MGMT__VM_STATE__VM_STATE_OFF,
	VM_STARTING = HV__MGMT__VM_STATE__VM_STATE_STARTING,
	VM_RUNNING = HV__MGMT__VM_STATE__VM_STATE_RUNNING,
	VM_STOPPING = HV__MGMT__VM_STATE__VM_STATE_STOPPING,
	VM_FAILED = HV__MGMT__VM_STATE__VM_STATE_FAILED,
	VM_CRASHED = HV__MGMT__VM_STATE__VM_STATE_CRASHED,
};

/* What a request or a worker report asks of the VM. */
enum vm_action {
	VM_ACT_START,	       /* hvctl start */
	VM_ACT_STOP,	       /* hvctl stop (graceful) */
	VM_ACT_FORCE_STOP,     /* hvctl stop --force */
	VM_ACT_DELETE,	       /* hvctl delete */
	VM_ACT_WORKER_RUNNING, /* worker: VPs entered */
	VM_ACT_WORKER_FAILED,  /* worker: start failed */
	VM_ACT_STOP_REFUSED,   /* worker: graceful stop not possible, VM stays up */
	VM_ACT_WORKER_EXITED,  /* worker process gone */
	VM_ACT_WORKER_STOPPED, /* worker gone after saying its partition stopped, exit 0 */
};

const char *vm_state_name(enum vm_state s);
bool vm_state_from_name(const char *name, enum vm_state *s);
bool vm_state_has_worker(enum vm_state s);

/* The state the action leads to from s; false if the action is impossible in s, with the
 * user-facing refusal (cause and fix) in why. For VM_ACT_WORKER_EXITED the result depends on
 * whether the exit was asked for: stopping -> off, starting -> failed, running -> crashed. */
bool vm_transition(enum vm_state s, enum vm_action a, const char *vm_name, enum vm_state *next,
		   char *why, size_t why_size);

#endif
