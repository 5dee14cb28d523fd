/* SPDX-License-Identifier: MIT */
/* The event stream: every state change (and create/delete) goes to each client that asked
 * for events, as an Event reply carrying that client's request id. */
#include "vmms.h"
#include "mgmt/unconst.h"

void vmms_events_broadcast(struct vmms *d, const char *name, enum vm_state old_state,
			   enum vm_state new_state, const char *reason)
{
	Hv__Mgmt__Event ev = HV__MGMT__EVENT__INIT;
	ev.name = mgmt_unconst(name);
	ev.old_state = (Hv__Mgmt__VmState)old_state;
	ev.new_state = (Hv__Mgmt__VmState)new_state;
	ev.reason = mgmt_unconst(reason ? reason : "");
	ev.time_ms = mgmt_now_ms();
	Hv__Mgmt__Reply r = HV__MGMT__REPLY__INIT;
	r.result_case = HV__MGMT__REPLY__RESULT_EVENT;
	r.event = &ev;
	struct client *c;
	LIST_FOREACH(c, &d->clients, link)
	{
		if (!c->events || c->conn.closing)
			continue;
		r.id = c->events_id;
		vmms_reply(c, &r);
	}
}
