/* SPDX-License-Identifier: MIT */
/* vmms's persistent state under the state folder: vms/<name>.json (the normalised config)
 * and vms/<name>.state (lifecycle state, reason, worker pid), each replaced atomically, so a
 * crash at any point leaves the old or the new file, never a mix. */
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mgmt/atomic_file.h"
#include "vmms.h"

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[4096];
	if ((size_t)snprintf(buf, sizeof(buf), "%s", path) >= sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int vmms_persist_dirs(struct vmms *d)
{
	snprintf(d->vms_dir, sizeof(d->vms_dir), "%s/vms", d->opt.state_dir);
	snprintf(d->workers_dir, sizeof(d->workers_dir), "%s/workers", d->opt.run_dir);
	int rc = mkdir_p(d->vms_dir, 0700);
	if (rc == 0)
		rc = mkdir_p(d->workers_dir, 0700);
	if (rc == 0)
		rc = mkdir_p(d->opt.log_dir, 0750);
	if (rc == 0)
		rc = vmms_privsep_dirs(d);
	return rc;
}

int vmms_save_config(struct vmms *d, struct vm *vm)
{
	char path[4200];
	if (!mgmt_path_join(path, sizeof(path), d->vms_dir, vm->name, ".json"))
		return -ENAMETOOLONG;
	return mgmt_atomic_write(path, vm->config_json, strlen(vm->config_json), 0600);
}

int vmms_save_state(struct vmms *d, struct vm *vm)
{
	char path[4200];
	if (!mgmt_path_join(path, sizeof(path), d->vms_dir, vm->name, ".state"))
		return -ENAMETOOLONG;
	json_object *o = json_object_new_object();
	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "state", json_object_new_string(vm_state_name(vm->state)));
	json_object_object_add(o, "reason", json_object_new_string(vm->reason));
	json_object_object_add(o, "since_ms", json_object_new_int64(vm->state_since_ms));
	json_object_object_add(o, "worker_pid",
			       json_object_new_int(vm->worker ? vm->worker->pid : 0));
	json_object_object_add(o, "owner_uid", json_object_new_int64(vm->owner_uid));
	json_object_object_add(o, "worker_uid", json_object_new_int64(vm->worker_uid));
	json_object_object_add(o, "owner_gid", json_object_new_int64(vm->owner_gid));
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
	int rc = mgmt_atomic_write(path, s, strlen(s), 0600);
	json_object_put(o);
	return rc;
}

int vmms_remove_vm_files(struct vmms *d, const char *name)
{
	char path[4200];
	int rc = 0;
	/* State first: a config without state loads as off, never the other way round. */
	static const char *const suffixes[] = { ".state", ".json" };
	for (size_t i = 0; i < 2; i++) {
		if (!mgmt_path_join(path, sizeof(path), d->vms_dir, name, suffixes[i]))
			return -ENAMETOOLONG;
		if (unlink(path) != 0 && errno != ENOENT && rc == 0)
			rc = -errno;
	}
	return rc;
}

static void load_state(struct vmms *d, struct vm *vm)
{
	char path[4200];
	char *text = NULL;
	size_t len;
	vm->state = VM_OFF;
	if (!mgmt_path_join(path, sizeof(path), d->vms_dir, vm->name, ".state") ||
	    mgmt_read_file(path, 65536, &text, &len) != 0)
		return;
	json_object *o = json_tokener_parse(text);
	free(text);
	json_object *v;
	enum vm_state s;
	/* vmms wrote this file, but it is read back from disk: a field of the wrong type (a
	 * hand edit, a JSON null) is ignored rather than trusted. */
	if (o && json_object_object_get_ex(o, "state", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    vm_state_from_name(json_object_get_string(v), &s))
		vm->state = s;
	if (o && json_object_object_get_ex(o, "reason", &v) &&
	    json_object_is_type(v, json_type_string))
		snprintf(vm->reason, sizeof(vm->reason), "%s", json_object_get_string(v));
	if (o && json_object_object_get_ex(o, "since_ms", &v))
		vm->state_since_ms = json_object_get_int64(v);
	if (o && json_object_object_get_ex(o, "worker_pid", &v))
		vm->worker_pid = json_object_get_int(v);
	/* A state file without an owner (written before owners were kept) is root's. */
	if (o && json_object_object_get_ex(o, "owner_uid", &v) &&
	    json_object_is_type(v, json_type_int))
		vm->owner_uid = (uid_t)json_object_get_int64(v);
	if (o && json_object_object_get_ex(o, "worker_uid", &v) &&
	    json_object_is_type(v, json_type_int))
		vm->worker_uid = (uid_t)json_object_get_int64(v);
	if (o && json_object_object_get_ex(o, "owner_gid", &v) &&
	    json_object_is_type(v, json_type_int))
		vm->owner_gid = (gid_t)json_object_get_int64(v);
	json_object_put(o);
}

static void load_one(struct vmms *d, const char *file)
{
	char path[4200], name[256];
	size_t flen = strlen(file);
	if (flen <= 5 || strcmp(file + flen - 5, ".json") != 0 || flen - 5 >= sizeof(name))
		return;
	memcpy(name, file, flen - 5);
	name[flen - 5] = '\0';
	if (!mgmt_vm_name_ok(name) || !mgmt_path_join(path, sizeof(path), d->vms_dir, file, NULL))
		return;
	char *text = NULL, *errors = NULL;
	size_t len;
	int rc = mgmt_read_file(path, VM_CONFIG_MAX_BYTES, &text, &len);
	if (rc != 0) {
		mgmt_log_write(&d->log, MGMT_LOG_ERROR, "vmms", "cannot read %s: %s; VM %s skipped",
			       path, mgmt_read_strerror(rc), name);
		return;
	}
	struct vm *vm = calloc(1, sizeof(*vm));
	if (!vm) {
		free(text);
		return;
	}
	rc = vm_config_parse_ex(path, text, len, VM_CONFIG_NO_FILE_CHECKS, &vm->cfg, &errors);
	free(text);
	if (rc != 0 || strcmp(vm->cfg.name, name) != 0) {
		mgmt_log_write(&d->log, MGMT_LOG_ERROR, "vmms",
			       "stored config %s is damaged (%s); VM "
			       "%s skipped: repair or remove the file",
			       path, errors ? errors : "name differs from the file name", name);
		free(errors);
		vmms_vm_free(vm);
		return;
	}
	memcpy(vm->name, vm->cfg.name, sizeof(vm->name));
	vm->config_json = vm_config_to_json(&vm->cfg);
	load_state(d, vm);
	LIST_INSERT_HEAD(&d->vms, vm, link);
}

int vmms_load_all(struct vmms *d)
{
	DIR *dir = opendir(d->vms_dir);
	if (!dir)
		return -errno;
	struct dirent *e;
	while ((e = readdir(dir)) != NULL)
		load_one(d, e->d_name);
	closedir(dir);
	return 0;
}
