/* SPDX-License-Identifier: MIT */
/* Printing vmms's replies: aligned text for people, JSON (one object per reply, one per line
 * for streams) with --json. Errors always go to stderr as text. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hvctl.h"
#include "mgmt/log.h"

const char *hvctl_state_name(Hv__Mgmt__VmState s)
{
	switch (s) {
	case HV__MGMT__VM_STATE__VM_STATE_OFF:
		return "off";
	case HV__MGMT__VM_STATE__VM_STATE_STARTING:
		return "starting";
	case HV__MGMT__VM_STATE__VM_STATE_RUNNING:
		return "running";
	case HV__MGMT__VM_STATE__VM_STATE_STOPPING:
		return "stopping";
	case HV__MGMT__VM_STATE__VM_STATE_FAILED:
		return "failed";
	case HV__MGMT__VM_STATE__VM_STATE_CRASHED:
		return "crashed";
	default:
		return "none";
	}
}

void hvctl_format_time(long long ms, char *buf, unsigned long size)
{
	if (ms <= 0) {
		snprintf(buf, size, "never");
		return;
	}
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

static const char *code_name(Hv__Mgmt__ErrorCode c)
{
	const ProtobufCEnumValue *v =
		protobuf_c_enum_descriptor_get_value(&hv__mgmt__error_code__descriptor, (int)c);
	return v ? v->name : "ERROR_UNKNOWN";
}

static void print_json(json_object *o, bool pretty);

int hvctl_exit_for(Hv__Mgmt__ErrorCode code)
{
	switch (code) {
	case HV__MGMT__ERROR_CODE__ERROR_INVALID_CONFIG:
		return HVCTL_BAD_CONFIG;
	case HV__MGMT__ERROR_CODE__ERROR_NOT_FOUND:
		return HVCTL_NOT_FOUND;
	case HV__MGMT__ERROR_CODE__ERROR_ALREADY_EXISTS:
	case HV__MGMT__ERROR_CODE__ERROR_BAD_STATE:
	case HV__MGMT__ERROR_CODE__ERROR_LIMIT_REACHED:
		return HVCTL_WRONG_STATE;
	case HV__MGMT__ERROR_CODE__ERROR_PERMISSION_DENIED:
		return HVCTL_PERMISSION;
	case HV__MGMT__ERROR_CODE__ERROR_BUSY:
		return HVCTL_UNREACHABLE;
	case HV__MGMT__ERROR_CODE__ERROR_TIMEOUT:
		return HVCTL_TIMEOUT;
	case HV__MGMT__ERROR_CODE__ERROR_BAD_REQUEST:
	case HV__MGMT__ERROR_CODE__ERROR_START_FAILED:
	case HV__MGMT__ERROR_CODE__ERROR_STOP_FAILED:
	case HV__MGMT__ERROR_CODE__ERROR_INTERNAL:
	default:
		return HVCTL_FAILED;
	}
}

void hvctl_print_error(struct hvctl *h, const Hv__Mgmt__Error *e)
{
	/* Config problems are already "FILE: key: problem" lines, printed as they are. */
	if (e->code == HV__MGMT__ERROR_CODE__ERROR_INVALID_CONFIG ||
	    e->code == HV__MGMT__ERROR_CODE__ERROR_ALREADY_EXISTS)
		fprintf(stderr, "%s\n", e->message);
	else
		fprintf(stderr, "hvctl: %s\n", e->message);
	if (h->json) {
		json_object *o = json_object_new_object();
		json_object *err = json_object_new_object();
		json_object_object_add(err, "code", json_object_new_string(code_name(e->code)));
		json_object_object_add(err, "message", json_object_new_string(e->message));
		json_object_object_add(o, "error", err);
		print_json(o, false);
	}
}

static void print_json(json_object *o, bool pretty)
{
	puts(json_object_to_json_string_ext(o, (pretty ? JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_SPACED
						       : JSON_C_TO_STRING_PLAIN) |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
	json_object_put(o);
}

static json_object *vm_to_json(const Hv__Mgmt__VmInfo *vm, bool full)
{
	char t[64];
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(vm->name));
	json_object_object_add(o, "state", json_object_new_string(hvctl_state_name(vm->state)));
	json_object_object_add(o, "reason", json_object_new_string(vm->reason));
	json_object_object_add(o, "memory_mib", json_object_new_int64(vm->memory_mib));
	json_object_object_add(o, "vps", json_object_new_int64(vm->vps));
	json_object_object_add(o, "worker_pid", json_object_new_int(vm->worker_pid));
	hvctl_format_time(vm->state_since_ms, t, sizeof(t));
	json_object_object_add(o, "state_since", json_object_new_string(t));
	if (!full)
		return o;
	json_object_object_add(o, "boot", json_object_new_string(vm->boot));
	hvctl_format_time(vm->heartbeat_ms, t, sizeof(t));
	json_object_object_add(o, "heartbeat", json_object_new_string(t));
	json_object_object_add(o, "log", json_object_new_string(vm->log_path));
	json_object_object_add(o, "log_error", json_object_new_string(vm->log_error));
	json_object *devs = json_object_new_array();
	for (size_t i = 0; i < vm->n_devices; i++) {
		json_object *d = json_object_new_object();
		json_object_object_add(d, "kind", json_object_new_string(vm->devices[i]->kind));
		json_object_object_add(d, "detail", json_object_new_string(vm->devices[i]->detail));
		json_object_object_add(d, "status", json_object_new_string(vm->devices[i]->status));
		json_object_array_add(devs, d);
	}
	json_object_object_add(o, "devices", devs);
	json_object *cfg = json_tokener_parse(vm->config_json);
	json_object_object_add(o, "config", cfg ? cfg : json_object_new_null());
	return o;
}

static void print_list(struct hvctl *h, const Hv__Mgmt__VmList *l)
{
	if (h->json) {
		json_object *a = json_object_new_array();
		for (size_t i = 0; i < l->n_vms; i++)
			json_object_array_add(a, vm_to_json(l->vms[i], false));
		print_json(a, true);
		return;
	}
	printf("%-20s %-9s %8s %4s %8s  %s\n", "NAME", "STATE", "MEMORY", "VPS", "PID", "REASON");
	for (size_t i = 0; i < l->n_vms; i++) {
		const Hv__Mgmt__VmInfo *vm = l->vms[i];
		char mem[32], pid[16];
		snprintf(mem, sizeof(mem), "%uM", vm->memory_mib);
		if (vm->worker_pid)
			snprintf(pid, sizeof(pid), "%d", vm->worker_pid);
		else
			snprintf(pid, sizeof(pid), "-");
		printf("%-20s %-9s %8s %4u %8s  %s\n", vm->name, hvctl_state_name(vm->state), mem,
		       vm->vps, pid, vm->reason);
	}
}

static void print_show(struct hvctl *h, const Hv__Mgmt__VmInfo *vm)
{
	if (h->json) {
		print_json(vm_to_json(vm, true), true);
		return;
	}
	char since[64], hb[64];
	hvctl_format_time(vm->state_since_ms, since, sizeof(since));
	hvctl_format_time(vm->heartbeat_ms, hb, sizeof(hb));
	printf("name:        %s\n", vm->name);
	printf("state:       %s (since %s)\n", hvctl_state_name(vm->state), since);
	printf("reason:      %s\n", vm->reason[0] ? vm->reason : "-");
	printf("memory:      %u MiB\n", vm->memory_mib);
	printf("vps:         %u\n", vm->vps);
	printf("boot:        %s\n", vm->boot);
	if (vm->worker_pid)
		printf("worker pid:  %d\n", vm->worker_pid);
	else
		printf("worker pid:  -\n");
	if (vm->heartbeat_ms > 0 && vm->worker_pid)
		printf("last heard:  %s (%.1f s ago)\n", hb,
		       (double)(mgmt_now_ms() - vm->heartbeat_ms) / 1000.0);
	else
		printf("last heard:  %s\n", hb);
	if (vm->log_error[0])
		printf("log:         %s (%s)\n", vm->log_path, vm->log_error);
	else
		printf("log:         %s\n", vm->log_path);
	printf("devices:%s\n", vm->n_devices ? "" : "     - (listed while a worker runs)");
	for (size_t i = 0; i < vm->n_devices; i++)
		printf("  %-12s %s  [%s]\n", vm->devices[i]->kind, vm->devices[i]->detail,
		       vm->devices[i]->status);
	printf("config:\n");
	const char *c = vm->config_json;
	while (*c) {
		const char *nl = strchr(c, '\n');
		int n = nl ? (int)(nl - c) : (int)strlen(c);
		printf("  %.*s\n", n, c);
		c += n + (nl ? 1 : 0);
	}
}

static void print_event(struct hvctl *h, const Hv__Mgmt__Event *e)
{
	char t[64];
	hvctl_format_time(e->time_ms, t, sizeof(t));
	if (h->json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "time", json_object_new_string(t));
		json_object_object_add(o, "name", json_object_new_string(e->name));
		json_object_object_add(o, "from",
				       json_object_new_string(hvctl_state_name(e->old_state)));
		json_object_object_add(o, "to",
				       json_object_new_string(hvctl_state_name(e->new_state)));
		json_object_object_add(o, "reason", json_object_new_string(e->reason));
		print_json(o, false);
		return;
	}
	printf("%s %s %s -> %s%s%s\n", t, e->name, hvctl_state_name(e->old_state),
	       hvctl_state_name(e->new_state), e->reason[0] ? ": " : "", e->reason);
	fflush(stdout);
}

static void print_logs(struct hvctl *h, const Hv__Mgmt__LogLines *l)
{
	for (size_t i = 0; i < l->n_lines; i++) {
		if (h->json) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "line", json_object_new_string(l->lines[i]));
			print_json(o, false);
		} else {
			puts(l->lines[i]);
		}
	}
	fflush(stdout);
}

static void print_done(struct hvctl *h, const Hv__Mgmt__Done *d)
{
	/* Warnings go to stderr, one "hvctl: warning:" line each, in every format. */
	for (const char *w = d->warning; w && *w;) {
		const char *nl = strchr(w, '\n');
		int n = nl ? (int)(nl - w) : (int)strlen(w);
		fprintf(stderr, "hvctl: warning: %.*s\n", n, w);
		w += n + (nl ? 1 : 0);
	}
	if (h->json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "ok", json_object_new_boolean(1));
		json_object_object_add(o, "message", json_object_new_string(d->message));
		if (d->warning && d->warning[0])
			json_object_object_add(o, "warning", json_object_new_string(d->warning));
		print_json(o, false);
		return;
	}
	puts(d->message);
}

int hvctl_print_reply(struct hvctl *h, const Hv__Mgmt__Reply *r)
{
	switch (r->result_case) {
	case HV__MGMT__REPLY__RESULT_ERROR:
		hvctl_print_error(h, r->error);
		return hvctl_exit_for(r->error->code);
	case HV__MGMT__REPLY__RESULT_DONE:
		print_done(h, r->done);
		return HVCTL_OK;
	case HV__MGMT__REPLY__RESULT_VM:
		print_show(h, r->vm);
		return HVCTL_OK;
	case HV__MGMT__REPLY__RESULT_LIST:
		print_list(h, r->list);
		return HVCTL_OK;
	case HV__MGMT__REPLY__RESULT_LOGS:
		print_logs(h, r->logs);
		return HVCTL_OK;
	case HV__MGMT__REPLY__RESULT_EVENT:
		print_event(h, r->event);
		return HVCTL_OK;
	default:
		fprintf(stderr, "hvctl: vmms sent an empty reply: vmms and hvctl versions "
				"differ?\n");
		return HVCTL_FAILED;
	}
}
