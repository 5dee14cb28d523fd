/* SPDX-License-Identifier: MIT */
/* The management API: one handler per request type, chosen from a table. Each handler checks
 * its input first (vmms_request_valid has already checked the fields' shape), then acts on
 * the inventory. Handlers never block: start and stop answer once the worker reports. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt/caller_access.h"
#include "vmms.h"

#define STOP_TIMEOUT_DEFAULT_S 30
#define STOP_TIMEOUT_MAX_S     3600
#define LOG_LINES_MAX	       100000

static const char *request_name(const Hv__Mgmt__Request *req)
{
	switch (req->op_case) {
	case HV__MGMT__REQUEST__OP_START:
		return req->start->name;
	case HV__MGMT__REQUEST__OP_STOP:
		return req->stop->name;
	case HV__MGMT__REQUEST__OP_DELETE:
		return req->delete_->name;
	case HV__MGMT__REQUEST__OP_SHOW:
		return req->show->name;
	case HV__MGMT__REQUEST__OP_LOGS:
		return req->logs->name;
	case HV__MGMT__REQUEST__OP_CONSOLE:
		return req->console->name;
	default:
		return NULL;
	}
}

static bool config_fields_ok(const char *path, const ProtobufCBinaryData *text, char *why, size_t n)
{
	if (!path || path[0] != '/' || strlen(path) >= 4096) {
		snprintf(why, n, "config_path must be the config file's absolute path");
		return false;
	}
	if (text->len > VM_CONFIG_MAX_BYTES) {
		snprintf(why, n, "%s: (file): %zu bytes is too large for a VM config (at most %u)",
			 path, text->len, VM_CONFIG_MAX_BYTES);
		return false;
	}
	return true;
}

bool vmms_request_valid(const Hv__Mgmt__Request *req, char *why, size_t n)
{
	switch (req->op_case) {
	case HV__MGMT__REQUEST__OP_CREATE:
		return config_fields_ok(req->create->config_path, &req->create->config_text, why,
					n);
	case HV__MGMT__REQUEST__OP_VALIDATE:
		return config_fields_ok(req->validate->config_path, &req->validate->config_text,
					why, n);
	case HV__MGMT__REQUEST__OP_START:
	case HV__MGMT__REQUEST__OP_DELETE:
	case HV__MGMT__REQUEST__OP_SHOW:
	case HV__MGMT__REQUEST__OP_STOP:
	case HV__MGMT__REQUEST__OP_CONSOLE:
	case HV__MGMT__REQUEST__OP_LOGS: {
		const char *name = request_name(req);
		if (!name || !mgmt_vm_name_ok(name)) {
			snprintf(why, n,
				 "invalid VM name: use 1 to %d letters, digits, '.', '_' or "
				 "'-', starting with a letter or digit",
				 MGMT_VM_NAME_MAX);
			return false;
		}
		if (req->op_case == HV__MGMT__REQUEST__OP_STOP &&
		    req->stop->timeout_s > STOP_TIMEOUT_MAX_S) {
			snprintf(why, n, "stop timeout %u s is too long: at most %d s",
				 req->stop->timeout_s, STOP_TIMEOUT_MAX_S);
			return false;
		}
		if (req->op_case == HV__MGMT__REQUEST__OP_STOP && req->stop->force &&
		    req->stop->no_force) {
			snprintf(why, n, "stop: force and no_force contradict each other");
			return false;
		}
		if (req->op_case == HV__MGMT__REQUEST__OP_LOGS &&
		    req->logs->lines > LOG_LINES_MAX) {
			snprintf(why, n, "%u lines is too many: at most %d", req->logs->lines,
				 LOG_LINES_MAX);
			return false;
		}
		if (req->op_case == HV__MGMT__REQUEST__OP_CONSOLE)
			return vmms_console_request_valid(req, why, n);
		return true;
	}
	case HV__MGMT__REQUEST__OP_CONSOLE_INPUT:
		return vmms_console_request_valid(req, why, n);
	case HV__MGMT__REQUEST__OP_EVENTS:
		if (req->events->vm && req->events->vm[0] && !mgmt_vm_name_ok(req->events->vm)) {
			snprintf(why, n, "events: invalid VM name to watch");
			return false;
		}
		return true;
	case HV__MGMT__REQUEST__OP_LIST:
	case HV__MGMT__REQUEST__OP_METRICS:
		return true;
	case HV__MGMT__REQUEST__OP__NOT_SET:
	default:
		snprintf(why, n,
			 "request names no operation: this client may be newer than vmms "
			 "%s; use the hvctl that came with it",
			 MGMT_VERSION_STRING);
		return false;
	}
}

static struct vm *find_or_reply(struct client *c, uint64_t id, const char *name)
{
	struct vm *vm = vmms_find(c->d, name);
	if (!vm)
		vmms_reply_error(c, id, HV__MGMT__ERROR_CODE__ERROR_NOT_FOUND,
				 "no VM named %s: see hvctl list, or create it (hvctl create FILE)",
				 name);
	return vm;
}

/* Parses a config for create and validate; replies and returns false on any problem. */
static bool parse_config(struct client *c, uint64_t id, const char *path,
			 const ProtobufCBinaryData *text, struct vm_config *cfg)
{
	char *errors = NULL;
	int rc = vm_config_parse(path, (const char *)text->data, text->len, cfg, &errors);
	if (rc != 0) {
		vmms_reply_error(c, id, HV__MGMT__ERROR_CODE__ERROR_INVALID_CONFIG, "%s",
				 errors ? errors : "out of memory while checking the config");
		free(errors);
		vm_config_free(cfg);
		return false;
	}
	/* Only what the caller could open themselves (docs/management.md, Access). */
	char why[8192];
	if (mgmt_caller_may_open(cfg, path, c->uid, c->gid, why, sizeof(why)) != 0) {
		mgmt_log_write(&c->d->log, MGMT_LOG_WARN, "vmms",
			       "refused config %s from uid %u: names files the caller cannot open",
			       path, (unsigned)c->uid);
		vmms_reply_error(c, id, HV__MGMT__ERROR_CODE__ERROR_PERMISSION_DENIED, "%s", why);
		vm_config_free(cfg);
		return false;
	}
	if (vmms_find(c->d, cfg->name)) {
		vmms_reply_error(c, id, HV__MGMT__ERROR_CODE__ERROR_ALREADY_EXISTS,
				 "%s: name: a VM named %s already exists; choose another name, or "
				 "delete the old VM first (hvctl delete %s)",
				 path, cfg->name, cfg->name);
		vm_config_free(cfg);
		return false;
	}
	return true;
}

static void on_create(struct client *c, const Hv__Mgmt__Request *req)
{
	struct vmms *d = c->d;
	const Hv__Mgmt__CreateRequest *cr = req->create;
	struct vm *vm = calloc(1, sizeof(*vm));
	if (!vm) {
		vmms_reply_error(c, req->id, HV__MGMT__ERROR_CODE__ERROR_INTERNAL, "out of memory");
		return;
	}
	if (!parse_config(c, req->id, cr->config_path, &cr->config_text, &vm->cfg)) {
		free(vm);
		return;
	}
	snprintf(vm->name, sizeof(vm->name), "%s", vm->cfg.name);
	vm->config_json = vm_config_to_json(&vm->cfg);
	vm->state = VM_OFF;
	vm->state_since_ms = mgmt_now_ms();
	vm->owner_uid = c->uid;
	vm->owner_gid = c->gid;
	snprintf(vm->reason, sizeof(vm->reason), "created");
	int rc = vm->config_json ? vmms_save_config(d, vm) : -1;
	if (rc == 0)
		rc = vmms_save_state(d, vm);
	if (rc != 0) {
		vmms_remove_vm_files(d, vm->name);
		vmms_reply_error(c, req->id, HV__MGMT__ERROR_CODE__ERROR_INTERNAL,
				 "cannot store VM %s under %s: %s; check that the state folder is "
				 "writable and not full",
				 vm->name, d->opt.state_dir, strerror(rc < 0 ? -rc : EIO));
		vmms_vm_free(vm);
		return;
	}
	LIST_INSERT_HEAD(&d->vms, vm, link);
	mgmt_log_write(&d->log, MGMT_LOG_INFO, "vmms", "created VM %s from %s (uid %u)", vm->name,
		       cr->config_path, (unsigned)c->uid);
	vmms_events_broadcast(d, vm->name, (enum vm_state)0, VM_OFF, "created");
	char msg[128], warning[4096];
	snprintf(msg, sizeof(msg), "created %s", vm->name);
	vmms_image_warnings(d, &vm->cfg, warning, sizeof(warning));
	Hv__Mgmt__Done done;
	hv__mgmt__done__init(&done);
	done.message = msg;
	done.warning = warning;
	Hv__Mgmt__Reply r;
	hv__mgmt__reply__init(&r);
	r.id = req->id;
	r.result_case = HV__MGMT__REPLY__RESULT_DONE;
	r.done = &done;
	vmms_reply(c, &r);
}

static void on_validate(struct client *c, const Hv__Mgmt__Request *req)
{
	struct vm_config cfg;
	if (!parse_config(c, req->id, req->validate->config_path, &req->validate->config_text,
			  &cfg))
		return;
	vmms_reply_done(c, req->id, "%s: valid (VM %s, %u MiB, %u VP%s, %zu disk%s)",
			req->validate->config_path, cfg.name, cfg.memory_mib, cfg.vps,
			cfg.vps == 1 ? "" : "s", cfg.ndisks, cfg.ndisks == 1 ? "" : "s");
	vm_config_free(&cfg);
}

static void on_start(struct client *c, const Hv__Mgmt__Request *req)
{
	struct vmms *d = c->d;
	struct vm *vm = find_or_reply(c, req->id, req->start->name);
	if (!vm)
		return;
	enum vm_state next;
	char why[1200];
	if (!vm_transition(vm->state, VM_ACT_START, vm->name, &next, why, sizeof(why))) {
		vmms_reply_bad_state(c, req->id, vm->state, why);
		return;
	}
	/* The files may have changed since create: checked again as the VM's owner. */
	char denied[8192], cfgpath[4200];
	mgmt_path_join(cfgpath, sizeof(cfgpath), d->vms_dir, vm->name, ".json");
	if (mgmt_caller_may_open(&vm->cfg, cfgpath, vm->owner_uid, vm->owner_gid, denied,
				 sizeof(denied)) != 0) {
		vmms_reply_error(
			c, req->id, HV__MGMT__ERROR_CODE__ERROR_PERMISSION_DENIED,
			"cannot start %s: it was created by uid %u, who can no longer open "
			"its files:\n%s",
			vm->name, (unsigned)vm->owner_uid, denied);
		return;
	}
	if (vmms_image_in_use(d, vm, why, sizeof(why))) {
		vmms_reply_bad_state(c, req->id, vm->state, why);
		return;
	}
	unsigned live = vmms_count_live(d);
	if (d->opt.max_running && live >= d->opt.max_running) {
		vmms_reply_error(c, req->id, HV__MGMT__ERROR_CODE__ERROR_LIMIT_REACHED,
				 "cannot start %s: %u VM%s running and this host allows at most %u "
				 "(vmms --max-running); stop one first",
				 vm->name, live, live == 1 ? " is" : "s are", d->opt.max_running);
		return;
	}
	int rc = vmms_worker_spawn(d, vm, why, sizeof(why));
	if (rc == VMMS_SPAWN_NOT_RECORDED) {
		/* Nothing changed (the state file still says so): no new state to record. */
		vmms_reply_error(c, req->id, HV__MGMT__ERROR_CODE__ERROR_INTERNAL,
				 "cannot start %s: %s", vm->name, why);
		return;
	}
	if (rc != 0) {
		vmms_set_state(d, vm, VM_FAILED, why);
		vmms_reply_error(c, req->id, HV__MGMT__ERROR_CODE__ERROR_START_FAILED,
				 "cannot start %s: %s", vm->name, why);
		return;
	}
	vm->start_waiter = (struct waiter){ .client = c, .id = req->id };
}

static bool vm_is_down(const struct vm *vm)
{
	return !vm_state_has_worker(vm->state);
}

static void on_stop(struct client *c, const Hv__Mgmt__Request *req)
{
	struct vmms *d = c->d;
	const Hv__Mgmt__StopRequest *sr = req->stop;
	struct vm *vm = find_or_reply(c, req->id, sr->name);
	if (!vm)
		return;
	/* Idempotent: the goal of a stop is a VM that is not running. */
	if (vm_is_down(vm) && !vm->worker) {
		vmms_reply_done(c, req->id, "%s is %s already", vm->name, vm_state_name(vm->state));
		return;
	}
	enum vm_state next;
	char why[700];
	if (!vm_transition(vm->state, sr->force ? VM_ACT_FORCE_STOP : VM_ACT_STOP, vm->name, &next,
			   why, sizeof(why))) {
		vmms_reply_bad_state(c, req->id, vm->state, why);
		return;
	}
	if (vm->stop_waiter.client && !sr->force) {
		char busy[300];
		snprintf(busy, sizeof(busy), "cannot stop %s: another stop is in progress",
			 vm->name);
		vmms_reply_bad_state(c, req->id, VM_STOPPING, busy);
		return;
	}
	if (!vm->worker || (!vm->worker->conn_open && !sr->force)) {
		vmms_reply_error(c, req->id, HV__MGMT__ERROR_CODE__ERROR_STOP_FAILED,
				 "cannot reach the worker of %s; use hvctl stop %s --force",
				 vm->name, vm->name);
		return;
	}
	/* Recorded before the worker hears of it. */
	int rc = vm->state == VM_STOPPING ? 0
					  : vmms_commit_state(d, vm, VM_STOPPING,
							      sr->force ? "forced stop requested"
									: "stop requested");
	if (rc != 0) {
		vmms_persist_error(d, rc, why, sizeof(why));
		vmms_reply_error(c, req->id, HV__MGMT__ERROR_CODE__ERROR_INTERNAL,
				 "cannot stop %s: %s", vm->name, why);
		return;
	}
	uint32_t timeout = sr->timeout_s ? sr->timeout_s : STOP_TIMEOUT_DEFAULT_S;
	vmms_worker_stop(d, vm, sr->force, timeout, sr->no_force);
	/* A forced stop overtaking a graceful one answers both when the worker is gone. */
	if (vm->stop_waiter.client)
		vmms_waiter_done(&vm->stop_waiter, false, HV__MGMT__ERROR_CODE__ERROR_STOP_FAILED,
				 "graceful stop overtaken by a forced stop");
	vm->stop_waiter = (struct waiter){ .client = c, .id = req->id };
}

static void on_delete(struct client *c, const Hv__Mgmt__Request *req)
{
	struct vmms *d = c->d;
	struct vm *vm = vmms_find(d, req->delete_->name);
	if (!vm) {
		/* Idempotent: the goal of a delete is a VM that does not exist. */
		vmms_reply_done(c, req->id, "no VM named %s: nothing to delete",
				req->delete_->name);
		return;
	}
	enum vm_state next;
	char why[512];
	if (!vm_transition(vm->state, VM_ACT_DELETE, vm->name, &next, why, sizeof(why))) {
		vmms_reply_bad_state(c, req->id, vm->state, why);
		return;
	}
	int rc = vmms_remove_vm_files(d, vm->name);
	if (rc != 0) {
		vmms_reply_error(c, req->id, HV__MGMT__ERROR_CODE__ERROR_INTERNAL,
				 "cannot remove the stored files of %s under %s: %s; fix the state "
				 "folder's permissions and retry",
				 vm->name, d->opt.state_dir, strerror(-rc));
		return;
	}
	mgmt_log_write(&d->log, MGMT_LOG_INFO, "vmms", "deleted VM %s (uid %u)", vm->name,
		       (unsigned)c->uid);
	vmms_events_broadcast(d, vm->name, vm->state, (enum vm_state)0, "deleted");
	vmms_console_end(d, vm, "the VM was deleted");
	LIST_REMOVE(vm, link);
	vmms_reply_done(c, req->id, "deleted %s", vm->name);
	vmms_vm_free(vm);
}

static int cmp_vm_name(const void *a, const void *b)
{
	const struct vm *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

static void on_list(struct client *c, const Hv__Mgmt__Request *req)
{
	size_t n = 0;
	struct vm *vm;
	LIST_FOREACH(vm, &c->d->vms, link)
		n++;
	struct vm **vms = calloc(n + 1, sizeof(*vms));
	Hv__Mgmt__VmInfo *infos = calloc(n + 1, sizeof(*infos));
	Hv__Mgmt__VmInfo **ptrs = calloc(n + 1, sizeof(*ptrs));
	if (!vms || !infos || !ptrs) {
		vmms_reply_error(c, req->id, HV__MGMT__ERROR_CODE__ERROR_INTERNAL, "out of memory");
		goto out;
	}
	size_t i = 0;
	LIST_FOREACH(vm, &c->d->vms, link)
		vms[i++] = vm;
	qsort(vms, n, sizeof(*vms), cmp_vm_name);
	for (i = 0; i < n; i++) {
		vmms_fill_info(vms[i], &infos[i], NULL, NULL, 0);
		infos[i].config_json = (char *)""; /* list stays small; show has the config */
		ptrs[i] = &infos[i];
	}
	Hv__Mgmt__VmList list;
	hv__mgmt__vm_list__init(&list);
	list.n_vms = n;
	list.vms = ptrs;
	Hv__Mgmt__Reply r;
	hv__mgmt__reply__init(&r);
	r.id = req->id;
	r.result_case = HV__MGMT__REPLY__RESULT_LIST;
	r.list = &list;
	vmms_reply(c, &r);
out:
	free(vms);
	free(infos);
	free(ptrs);
}

static void on_show(struct client *c, const Hv__Mgmt__Request *req)
{
	struct vm *vm = find_or_reply(c, req->id, req->show->name);
	if (!vm)
		return;
	Hv__Mgmt__VmInfo info;
	Hv__Mgmt__Device devstore[VM_MAX_DEVICES];
	Hv__Mgmt__Device *devs[VM_MAX_DEVICES];
	vmms_fill_info(vm, &info, devs, devstore, VM_MAX_DEVICES);
	char log_path[4200];
	vmms_vm_log_path(c->d, vm->name, log_path, sizeof(log_path));
	info.log_path = log_path;
	Hv__Mgmt__Reply r;
	hv__mgmt__reply__init(&r);
	r.id = req->id;
	r.result_case = HV__MGMT__REPLY__RESULT_VM;
	r.vm = &info;
	vmms_reply(c, &r);
}

static void on_logs(struct client *c, const Hv__Mgmt__Request *req)
{
	struct vm *vm = find_or_reply(c, req->id, req->logs->name);
	if (!vm)
		return;
	vmms_logs_request(c, req->id, vm, req->logs->lines, req->logs->follow);
}

static void on_events(struct client *c, const Hv__Mgmt__Request *req)
{
	const Hv__Mgmt__EventsRequest *er = req->events;
	c->events = true;
	c->events_id = req->id;
	snprintf(c->events_vm, sizeof(c->events_vm), "%s", er->vm ? er->vm : "");
	vmms_reply_done(c, req->id, "watching events");
	if (er->since_ms > 0)
		vmms_events_replay(c->d, c, er->since_ms);
}

static void on_metrics(struct client *c, const Hv__Mgmt__Request *req)
{
	char *text = vmms_metrics_text(c->d);
	if (!text) {
		vmms_reply_error(c, req->id, HV__MGMT__ERROR_CODE__ERROR_INTERNAL, "out of memory");
		return;
	}
	Hv__Mgmt__Reply r;
	hv__mgmt__reply__init(&r);
	r.id = req->id;
	r.result_case = HV__MGMT__REPLY__RESULT_METRICS;
	r.metrics = text;
	vmms_reply(c, &r);
	free(text);
}

static void on_console(struct client *c, const Hv__Mgmt__Request *req)
{
	struct vm *vm = find_or_reply(c, req->id, req->console->name);
	if (vm)
		vmms_console_request(c, req->id, vm, req->console);
}

static void on_console_input(struct client *c, const Hv__Mgmt__Request *req)
{
	vmms_console_input(c, req->id, &req->console_input->data);
}

typedef void (*handler_fn)(struct client *c, const Hv__Mgmt__Request *req);

static const struct {
	Hv__Mgmt__Request__OpCase op;
	handler_fn fn;
} handlers[] = {
	{ HV__MGMT__REQUEST__OP_CREATE, on_create },
	{ HV__MGMT__REQUEST__OP_VALIDATE, on_validate },
	{ HV__MGMT__REQUEST__OP_START, on_start },
	{ HV__MGMT__REQUEST__OP_STOP, on_stop },
	{ HV__MGMT__REQUEST__OP_DELETE, on_delete },
	{ HV__MGMT__REQUEST__OP_LIST, on_list },
	{ HV__MGMT__REQUEST__OP_SHOW, on_show },
	{ HV__MGMT__REQUEST__OP_LOGS, on_logs },
	{ HV__MGMT__REQUEST__OP_EVENTS, on_events },
	{ HV__MGMT__REQUEST__OP_METRICS, on_metrics },
	{ HV__MGMT__REQUEST__OP_CONSOLE, on_console },
	{ HV__MGMT__REQUEST__OP_CONSOLE_INPUT, on_console_input },
};

void vmms_handle_frame(struct client *c, const uint8_t *msg, size_t len)
{
	Hv__Mgmt__Request *req = hv__mgmt__request__unpack(NULL, len, msg);
	if (!req) {
		mgmt_log_write(&c->d->log, MGMT_LOG_WARN, "vmms",
			       "client pid %d sent %zu bytes that "
			       "are not a management request",
			       (int)c->pid, len);
		vmms_reply_error(c, 0, HV__MGMT__ERROR_CODE__ERROR_BAD_REQUEST,
				 "malformed request (%zu bytes that do not decode as a management "
				 "request): use hvctl, or encode management.proto's Request",
				 len);
		return;
	}
	char why[512];
	if (!vmms_request_valid(req, why, sizeof(why))) {
		vmms_reply_error(c, req->id, HV__MGMT__ERROR_CODE__ERROR_BAD_REQUEST, "%s", why);
		hv__mgmt__request__free_unpacked(req, NULL);
		return;
	}
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
		if (handlers[i].op == req->op_case) {
			handlers[i].fn(c, req);
			break;
		}
	}
	hv__mgmt__request__free_unpacked(req, NULL);
}
