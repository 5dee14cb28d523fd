/* SPDX-License-Identifier: MIT */
/* hvctl wait NAME --state STATE --timeout S: asks vmms for the VM's state every 200 ms on one
 * connection until it is STATE (gone: the VM does not exist), or S seconds have passed (exit
 * 8, saying where the VM is instead). Polling, not the event stream: nothing can be missed
 * between looking and subscribing, and a VM that is in STATE already answers at once. Also
 * the --since time parser of events. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hvctl.h"
#include "mgmt/log.h"
#include "mgmt/names.h"

#define WAIT_POLL_MS   200
#define WAIT_DEFAULT_S 60

bool hvctl_state_from_name(const char *s)
{
	static const char *const names[] = { "off",    "starting", "running", "stopping",
					     "failed", "crashed",  "gone" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return true;
	return false;
}

/* "2026-12-07T09:15:00Z" (or with .mmm), or an age "30s", "10m", "2h", "1d". */
bool hvctl_parse_since(const char *s, int64_t now_ms, int64_t *out)
{
	char *end;
	long long n = strtoll(s, &end, 10);
	if (end != s && n >= 0 && end[0] && !end[1] && strchr("smhd", end[0])) {
		static const long long unit[] = { 1, 60, 3600, 86400 };
		*out = now_ms - n * unit[strchr("smhd", end[0]) - "smhd"] * 1000;
		return true;
	}
	struct tm tm = { 0 };
	const char *rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!rest)
		return false;
	long ms = 0;
	if (rest[0] == '.') {
		ms = strtol(rest + 1, &end, 10);
		if (end - rest != 4)
			return false;
		rest = end;
	}
	if (strcmp(rest, "Z") != 0)
		return false;
	*out = (int64_t)timegm(&tm) * 1000 + ms;
	return true;
}

static void say(struct hvctl *h, const char *name, const char *state, const char *reason)
{
	if (h->format == HVCTL_FORMAT_TABLE) {
		printf("%s is %s\n", name, state);
		return;
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "state", json_object_new_string(state));
	json_object_object_add(o, "reason", json_object_new_string(reason));
	hvctl_emit(h, o, HVCTL_EMIT_RECORD);
}

/* One look: 0 with state and reason filled ("gone" when there is no such VM), or an exit
 * status with the message printed. */
static int look(struct hvctl *h, const char *name, char *state, char *reason, size_t n)
{
	Hv__Mgmt__Request req;
	hv__mgmt__request__init(&req);
	Hv__Mgmt__NameRequest nr;
	hv__mgmt__name_request__init(&nr);
	nr.name = mgmt_pb_str(name);
	req.id = 1;
	req.op_case = HV__MGMT__REQUEST__OP_SHOW;
	req.show = &nr;
	int rc;
	Hv__Mgmt__Reply *r = hvctl_request(h, &req, 0, &rc);
	if (!r)
		return rc;
	rc = 0;
	if (r->result_case == HV__MGMT__REPLY__RESULT_VM) {
		snprintf(state, 16, "%s", hvctl_state_name(r->vm->state));
		snprintf(reason, n, "%s", r->vm->reason);
	} else if (r->result_case == HV__MGMT__REPLY__RESULT_ERROR &&
		   r->error->code == HV__MGMT__ERROR_CODE__ERROR_NOT_FOUND) {
		snprintf(state, 16, "gone");
		reason[0] = '\0';
	} else {
		rc = hvctl_print_reply(h, r);
		if (!rc)
			rc = HVCTL_FAILED;
	}
	hv__mgmt__reply__free_unpacked(r, NULL);
	return rc;
}

int hvctl_wait(struct hvctl *h, const char *name, const char *want, long timeout_s)
{
	int rc = hvctl_connect(h);
	if (rc)
		return rc;
	int64_t deadline = mgmt_now_ms() + (timeout_s >= 0 ? timeout_s : WAIT_DEFAULT_S) * 1000;
	char state[16], reason[1024];
	for (;;) {
		rc = look(h, name, state, reason, sizeof(reason));
		if (rc)
			return rc;
		if (strcmp(state, want) == 0) {
			say(h, name, state, reason);
			return HVCTL_OK;
		}
		if (strcmp(state, "gone") == 0 && strcmp(want, "gone") != 0) {
			fprintf(stderr, "hvctl: no VM named %s: it cannot become %s\n", name, want);
			return HVCTL_NOT_FOUND;
		}
		if (mgmt_now_ms() >= deadline) {
			fprintf(stderr,
				"hvctl: %s did not become %s within %ld s: it is %s%s%s; wait longer "
				"with --timeout S\n",
				name, want, timeout_s >= 0 ? timeout_s : (long)WAIT_DEFAULT_S,
				state, reason[0] ? ": " : "", reason);
			return HVCTL_TIMEOUT;
		}
		struct timespec ts = { 0, WAIT_POLL_MS * 1000000L };
		nanosleep(&ts, NULL);
	}
}
