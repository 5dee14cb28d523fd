/* SPDX-License-Identifier: MIT */
/* VM lifecycle transitions: see state_machine.h. */
#include "state_machine.h"

#include <stdio.h>
#include <string.h>

static const char *const names[] = {
	[VM_OFF] = "off",	    [VM_STARTING] = "starting", [VM_RUNNING] = "running",
	[VM_STOPPING] = "stopping", [VM_FAILED] = "failed",	[VM_CRASHED] = "crashed",
};

const char *vm_state_name(enum vm_state s)
{
	if ((size_t)s < sizeof(names) / sizeof(names[0]) && names[s])
		return names[s];
	return "unknown";
}

bool vm_state_from_name(const char *name, enum vm_state *s)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i] && strcmp(names[i], name) == 0) {
			*s = (enum vm_state)i;
			return true;
		}
	}
	return false;
}

bool vm_state_has_worker(enum vm_state s)
{
	return s == VM_STARTING || s == VM_RUNNING || s == VM_STOPPING;
}

static bool is_down(enum vm_state s)
{
	return s == VM_OFF || s == VM_FAILED || s == VM_CRASHED;
}

bool vm_transition(enum vm_state s, enum vm_action a, const char *vm, enum vm_state *next,
		   char *why, size_t n)
{
	const char *st = vm_state_name(s);
	switch (a) {
	case VM_ACT_START:
		if (is_down(s)) {
			*next = VM_STARTING;
			return true;
		}
		if (s == VM_STOPPING)
			snprintf(why, n, "cannot start %s: it is stopping", vm);
		else
			snprintf(why, n, "cannot start %s: it is already %s", vm, st);
		return false;
	case VM_ACT_STOP:
		if (s == VM_RUNNING) {
			*next = VM_STOPPING;
			return true;
		}
		if (s == VM_STARTING || s == VM_STOPPING)
			snprintf(why, n, "cannot stop %s gracefully: it is %s", vm, st);
		else
			snprintf(why, n, "cannot stop %s: it is %s already", vm, st);
		return false;
	case VM_ACT_FORCE_STOP:
		if (vm_state_has_worker(s)) {
			*next = VM_STOPPING;
			return true;
		}
		snprintf(why, n, "cannot stop %s: it is %s already", vm, st);
		return false;
	case VM_ACT_DELETE:
		if (is_down(s)) {
			*next = s;
			return true;
		}
		snprintf(why, n, "cannot delete %s: it is %s", vm, st);
		return false;
	case VM_ACT_WORKER_RUNNING:
		if (s == VM_STARTING || s == VM_RUNNING) {
			*next = VM_RUNNING;
			return true;
		}
		break;
	case VM_ACT_WORKER_FAILED:
		if (s == VM_STARTING) {
			*next = VM_FAILED;
			return true;
		}
		break;
	case VM_ACT_STOP_REFUSED:
		if (s == VM_STOPPING) {
			*next = VM_RUNNING;
			return true;
		}
		break;
	case VM_ACT_WORKER_STOPPED:
		/* A late shutdown after a timed-out graceful stop is a shutdown, not a crash. */
		if (s == VM_STOPPING || s == VM_RUNNING) {
			*next = VM_OFF;
			return true;
		}
		if (s == VM_STARTING) {
			*next = VM_FAILED;
			return true;
		}
		break;
	case VM_ACT_WORKER_EXITED:
		if (s == VM_STOPPING) {
			*next = VM_OFF;
			return true;
		}
		if (s == VM_STARTING) {
			*next = VM_FAILED;
			return true;
		}
		if (s == VM_RUNNING) {
			*next = VM_CRASHED;
			return true;
		}
		break;
	}
	snprintf(why, n, "%s: unexpected worker report while %s (ignored)", vm, st);
	return false;
}
