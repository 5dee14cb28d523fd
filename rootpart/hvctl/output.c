/* SPDX-License-Identifier: MIT */
/* Printing vmms's replies: each reply becomes one json-c value (the data model); the table
 * format prints it for people (aligned columns, key: value), the others through format.c.
 * Errors always go to stderr as text; with json and yaml also to stdout as {"error": ...}. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
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

const char *hvctl_state_advice(const struct hvctl *h, Hv__Mgmt__VmState state, char *buf,
			       size_t size)
{
	const char *vm = h->vm ? h->vm : "NAME", *verb = h->verb ? h->verb : "";
	bool moving = state == HV__MGMT__VM_STATE__VM_STATE_STARTING ||
		      state == HV__MGMT__VM_STATE__VM_STATE_STOPPING;
	buf[0] = 0;
	if (!strcmp(verb, "start") && state == HV__MGMT__VM_STATE__VM_STATE_STOPPING)
		snprintf(buf, size,
			 "; wait until it is off (hvctl events or hvctl show %s), then start it",
			 vm);
	else if (!strcmp(verb, "stop") && moving)
		snprintf(buf, size, "; wait, or use hvctl stop %s --force", vm);
	else if (!strcmp(verb, "delete") && state == HV__MGMT__VM_STATE__VM_STATE_RUNNING)
		snprintf(buf, size, "; stop it first (hvctl stop %s)", vm);
	else if (!strcmp(verb, "delete") && moving)
		snprintf(buf, size,
			 "; wait until it is off, or turn it off (hvctl stop %s --force), then "
			 "delete it",
			 vm);
	return buf;
}

void hvctl_print_error(struct hvctl *h, const Hv__Mgmt__Error *e)
{
	char advice[300] = "";
	if (e->code == HV__MGMT__ERROR_CODE__ERROR_BAD_STATE)
		hvctl_state_advice(h, e->state, advice, sizeof(advice));
	/* Config problems are already "FILE: key: problem" lines, printed as they are. */
	if (e->code == HV__MGMT__ERROR_CODE__ERROR_INVALID_CONFIG ||
	    e->code == HV__MGMT__ERROR_CODE__ERROR_ALREADY_EXISTS)
		fprintf(stderr, "%s\n", e->message);
	else
		fprintf(stderr, "hvctl: %s%s\n", e->message, advice);
	if (h->format == HVCTL_FORMAT_JSON || h->format == HVCTL_FORMAT_YAML) {
		json_object *o = json_object_new_object();
		json_object *err = json_object_new_object();
		json_object_object_add(err, "code", json_object_new_string(code_name(e->code)));
		char full[8192 + 300];
		snprintf(full, sizeof(full), "%s%s", e->message, advice);
		json_object_object_add(err, "message", json_object_new_string(full));
		json_object_object_add(o, "error", err);
		hvctl_emit(h, o, HVCTL_EMIT_RECORD);
	}
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
	int64_t now = mgmt_now_ms();
	bool up = vm->state == HV__MGMT__VM_STATE__VM_STATE_RUNNING ||
		  vm->state == HV__MGMT__VM_STATE__VM_STATE_STOPPING;
	json_object_object_add(o, "uptime_s",
			       up && vm->state_since_ms > 0
				       ? json_object_new_int64((now - vm->state_since_ms) / 1000)
				       : NULL);
	json_object_object_add(o, "heartbeat_age_s",
			       vm->worker_pid && vm->heartbeat_ms > 0
				       ? json_object_new_int64((now - vm->heartbeat_ms) / 1000)
				       : NULL);
	if (!full)
		return o;
	json_object_object_add(o, "vp_exits",
			       vm->worker_pid ? json_object_new_int64((int64_t)vm->vp_exits)
					      : NULL);
	json_object *by_reason = NULL;
	if (vm->worker_pid) {
		by_reason = json_object_new_object();
		for (size_t i = 0; i < vm->n_hv_exits_by_reason; i++)
			json_object_object_add(
				by_reason, vm->hv_exits_by_reason[i]->reason,
				json_object_new_int64((int64_t)vm->hv_exits_by_reason[i]->count));
	}
	json_object_object_add(o, "hv_exits",
			       vm->worker_pid ? json_object_new_int64((int64_t)vm->hv_exits)
					      : NULL);
	json_object_object_add(o, "hv_exits_by_reason", by_reason);
	json_object_object_add(o, "hv_interrupts",
			       vm->worker_pid ? json_object_new_int64((int64_t)vm->hv_interrupts)
					      : NULL);
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

/* "3d04h", "2h05m", "4m10s", "12s"; "-" for none. */
static void human_secs(json_object *v, char *buf, size_t n)
{
	if (!v) {
		snprintf(buf, n, "-");
		return;
	}
	long long s = (long long)json_object_get_int64(v);
	if (s >= 86400)
		snprintf(buf, n, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, n, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, n, "%lldm%02llds", s / 60, s % 60);
	else
		snprintf(buf, n, "%llds", s);
}

#define LIST_COLS 7

static void list_row(json_object *vm, char cells[LIST_COLS][600])
{
	json_object *v;
	const char *state = json_object_get_string(json_object_object_get(vm, "state"));
	const char *reason = json_object_get_string(json_object_object_get(vm, "reason"));
	snprintf(cells[0], 600, "%s", json_object_get_string(json_object_object_get(vm, "name")));
	/* The reason is what matters about a failed or crashed VM. */
	if (strcmp(state, "failed") == 0 || strcmp(state, "crashed") == 0)
		snprintf(cells[1], 600, "%s: %s", state, reason);
	else
		snprintf(cells[1], 600, "%s", state);
	snprintf(cells[2], 600, "%s", json_object_get_string(json_object_object_get(vm, "vps")));
	snprintf(cells[3], 600, "%s",
		 json_object_get_string(json_object_object_get(vm, "memory_mib")));
	human_secs(json_object_object_get(vm, "uptime_s"), cells[4], 600);
	v = json_object_object_get(vm, "heartbeat_age_s");
	human_secs(v, cells[5], 590);
	if (v)
		strcat(cells[5], " ago");
	int pid = json_object_get_int(json_object_object_get(vm, "worker_pid"));
	if (pid)
		snprintf(cells[6], 600, "%d", pid);
	else
		snprintf(cells[6], 600, "-");
}

/* Characters on screen, not bytes: UTF-8 continuation bytes take no column. */
static size_t display_width(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void print_cell(const char *s, size_t width, bool right, bool last)
{
	size_t pad = width > display_width(s) ? width - display_width(s) : 0;
	if (right)
		printf("%*s", (int)pad, "");
	fputs(s, stdout);
	if (!right && !last)
		printf("%*s", (int)pad, "");
	fputs(last ? "\n" : "  ", stdout);
}

/* Columns as wide as their widest cell; numbers right-aligned; the last one unpadded. */
static void print_list_table(struct hvctl *h, json_object *a)
{
	static const char *const head[LIST_COLS] = { "NAME",   "STATE",	    "VPS", "MEMORY_MIB",
						     "UPTIME", "HEARTBEAT", "PID" };
	static const bool right[LIST_COLS] = { false, false, true, true, true, true, true };
	size_t n = json_object_array_length(a), width[LIST_COLS];
	char(*cells)[LIST_COLS][600] = calloc(n + 1, sizeof(*cells));
	if (!cells)
		return;
	for (int c = 0; c < LIST_COLS; c++) {
		snprintf(cells[0][c], 600, "%s", head[c]);
		width[c] = h->no_headers ? 0 : display_width(head[c]);
	}
	for (size_t i = 0; i < n; i++) {
		list_row(json_object_array_get_idx(a, i), cells[i + 1]);
		for (int c = 0; c < LIST_COLS; c++)
			if (display_width(cells[i + 1][c]) > width[c])
				width[c] = display_width(cells[i + 1][c]);
	}
	for (size_t i = h->no_headers ? 1 : 0; i <= n; i++) {
		for (int c = 0; c < LIST_COLS; c++)
			print_cell(cells[i][c], width[c], right[c], c == LIST_COLS - 1);
	}
	free(cells);
}

static void print_list(struct hvctl *h, const Hv__Mgmt__VmList *l)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < l->n_vms; i++)
		json_object_array_add(a, vm_to_json(l->vms[i], false));
	if (h->format != HVCTL_FORMAT_TABLE) {
		hvctl_emit(h, a, HVCTL_EMIT_DOC);
		return;
	}
	print_list_table(h, a);
	json_object_put(a);
}

static void print_show(struct hvctl *h, const Hv__Mgmt__VmInfo *vm)
{
	if (h->format != HVCTL_FORMAT_TABLE) {
		hvctl_emit(h, vm_to_json(vm, true), HVCTL_EMIT_DOC);
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
	if (vm->worker_pid) /* the ones that reach the worker; CPUID, MSRs stay in hv.efi */
		printf("vp exits:    %llu (port I/O, HLT, ... handled by its worker)\n",
		       (unsigned long long)vm->vp_exits);
	if (vm->worker_pid) { /* all of them, as the hypervisor counted: by reason, its order */
		printf("hv exits:    %llu", (unsigned long long)vm->hv_exits);
		for (size_t i = 0; i < vm->n_hv_exits_by_reason; i++)
			printf("%s%s %llu", i ? ", " : " (", vm->hv_exits_by_reason[i]->reason,
			       (unsigned long long)vm->hv_exits_by_reason[i]->count);
		printf("%s\n", vm->n_hv_exits_by_reason ? ")" : "");
	}
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
	if (h->format != HVCTL_FORMAT_TABLE) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "time", json_object_new_string(t));
		json_object_object_add(o, "name", json_object_new_string(e->name));
		json_object_object_add(o, "from",
				       json_object_new_string(hvctl_state_name(e->old_state)));
		json_object_object_add(o, "to",
				       json_object_new_string(hvctl_state_name(e->new_state)));
		json_object_object_add(o, "reason", json_object_new_string(e->reason));
		json_object_object_add(o, "kind", json_object_new_string(e->kind));
		json_object_object_add(o, "how", e->how[0] ? json_object_new_string(e->how) : NULL);
		json_object_object_add(o, "signal",
				       e->signal ? json_object_new_int(e->signal) : NULL);
		hvctl_emit(h, o, HVCTL_EMIT_STREAM);
		return;
	}
	if (strcmp(e->kind, "heartbeat-lost") == 0)
		printf("%s %s heartbeat lost: %s\n", t, e->name, e->reason);
	else
		printf("%s %s %s -> %s%s%s\n", t, e->name, hvctl_state_name(e->old_state),
		       hvctl_state_name(e->new_state), e->reason[0] ? ": " : "", e->reason);
	fflush(stdout);
}

/* logs --since: a line is kept when its timestamp (the RFC 3339 text it starts with, which
 * sorts as text) is not before the one asked for. Lines without one (none are written so)
 * are kept. */
static bool line_since(const struct hvctl *h, const char *line)
{
	return !h->since[0] || strlen(line) < 24 || line[23] != 'Z' ||
	       strncmp(line, h->since, 24) >= 0;
}

static void print_logs(struct hvctl *h, const Hv__Mgmt__LogLines *l)
{
	for (size_t i = 0; i < l->n_lines; i++) {
		if (!line_since(h, l->lines[i]))
			continue;
		if (h->format != HVCTL_FORMAT_TABLE) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "line", json_object_new_string(l->lines[i]));
			hvctl_emit(h, o, HVCTL_EMIT_STREAM);
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
	if (h->format != HVCTL_FORMAT_TABLE) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "ok", json_object_new_boolean(1));
		json_object_object_add(o, "message", json_object_new_string(d->message));
		if (d->warning && d->warning[0])
			json_object_object_add(o, "warning", json_object_new_string(d->warning));
		hvctl_emit(h, o, HVCTL_EMIT_RECORD);
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
	case HV__MGMT__REPLY__RESULT_METRICS:
		fputs(r->metrics, stdout); /* one format: Prometheus text */
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
