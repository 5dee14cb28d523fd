/* SPDX-License-Identifier: MIT */
/* The event stream: every state change (and create, delete, a lost heartbeat) goes to each
 * client that asked for events (optionally one VM's), as an Event reply carrying that
 * client's request id, and into a bounded journal (the last VMMS_JOURNAL events, kept in
 * memory) that a new subscriber can replay from a time on (hvctl events --since). */
#include <stdio.h>
#include <string.h>

#include "vmms.h"
#include "mgmt/names.h"

/* The kind of an event, from the transition (and how/signal already known to the caller). */
static const char *event_kind(enum vm_state from, enum vm_state to, const char *how)
{
	if (how && strcmp(how, "heartbeat-lost") == 0)
		return "heartbeat-lost";
	if ((int)from == 0)
		return "created";
	if ((int)to == 0)
		return "deleted";
	switch (to) {
	case VM_STARTING:
		return "starting";
	case VM_RUNNING:
		return from == VM_STOPPING ? "stop-failed" : "started";
	case VM_STOPPING:
		return "stopping";
	case VM_FAILED:
		return "start-failed";
	case VM_CRASHED:
		return "crashed";
	case VM_OFF:
		return "stopped";
	}
	return "changed";
}

static void fill_event(Hv__Mgmt__Event *ev, const struct vmms_event *e)
{
	hv__mgmt__event__init(ev);
	ev->name = mgmt_pb_str(e->name);
	ev->old_state = (Hv__Mgmt__VmState)e->old_state;
	ev->new_state = (Hv__Mgmt__VmState)e->new_state;
	ev->reason = mgmt_pb_str(e->reason);
	ev->time_ms = e->time_ms;
	ev->kind = mgmt_pb_str(e->kind);
	ev->how = mgmt_pb_str(e->how);
	ev->signal = e->signal;
}

static void send_event(struct client *c, const struct vmms_event *e)
{
	Hv__Mgmt__Event ev;
	fill_event(&ev, e);
	Hv__Mgmt__Reply r;
	hv__mgmt__reply__init(&r);
	r.id = c->events_id;
	r.result_case = HV__MGMT__REPLY__RESULT_EVENT;
	r.event = &ev;
	vmms_reply(c, &r);
}

static bool wanted(const struct client *c, const struct vmms_event *e)
{
	return !c->events_vm[0] || strcmp(c->events_vm, e->name) == 0;
}

void vmms_events_emit(struct vmms *d, const char *name, enum vm_state old_state,
		      enum vm_state new_state, const char *reason, const char *how, int signal)
{
	struct vmms_event *e = &d->journal[d->journal_next % VMMS_JOURNAL];
	d->journal_next++;
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->old_state = old_state;
	e->new_state = new_state;
	snprintf(e->reason, sizeof(e->reason), "%s", reason ? reason : "");
	e->time_ms = mgmt_now_ms();
	snprintf(e->kind, sizeof(e->kind), "%s", event_kind(old_state, new_state, how));
	snprintf(e->how, sizeof(e->how), "%s",
		 how && strcmp(how, "heartbeat-lost") != 0 ? how : "");
	e->signal = signal;
	struct client *c;
	LIST_FOREACH(c, &d->clients, link) {
		if (c->events && !c->conn.closing && wanted(c, e))
			send_event(c, e);
	}
}

void vmms_events_broadcast(struct vmms *d, const char *name, enum vm_state old_state,
			   enum vm_state new_state, const char *reason)
{
	vmms_events_emit(d, name, old_state, new_state, reason, NULL, 0);
}

void vmms_events_replay(struct vmms *d, struct client *c, int64_t since_ms)
{
	uint64_t n = d->journal_next < VMMS_JOURNAL ? d->journal_next : VMMS_JOURNAL;
	for (uint64_t i = d->journal_next - n; i < d->journal_next; i++) {
		const struct vmms_event *e = &d->journal[i % VMMS_JOURNAL];
		if (e->time_ms >= since_ms && wanted(c, e))
			send_event(c, e);
	}
}
