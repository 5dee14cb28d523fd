/* SPDX-License-Identifier: MIT */
/* Default locations of the management plane and the one rule for VM names, shared by the
 * config parser, vmms's request checks and hvctl. Every path here is overridable by option. */
#ifndef MGMT_NAMES_H
#define MGMT_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#define MGMT_DEFAULT_SOCKET    "/run/hv/vmms.sock"
#define MGMT_DEFAULT_RUN_DIR   "/run/hv"
#define MGMT_DEFAULT_STATE_DIR "/var/lib/hv"
#define MGMT_DEFAULT_LOG_DIR   "/var/log/hv"
#define MGMT_SOCKET_ENV	       "HV_VMMS_SOCKET"
#define MGMT_ADMIN_GROUP       "hvadmin"
#define MGMT_VERSION_STRING    "0.1.0"

#define MGMT_VM_NAME_MAX 63

/* Safe VM names: 1..63 of [A-Za-z0-9._-], starting with a letter or digit. They become file
 * names (config, state, log, worker socket), so no '/', no leading '.', nothing to quote. */
bool mgmt_vm_name_ok(const char *name);

/* protobuf-c's string fields are char * even in messages only sent: this hands them a
 * const string without a cast that -Wcast-qual would flag. The string is never written. */
static inline char *mgmt_pb_str(const char *s)
{
	union {
		const char *c;
		char *m;
	} u = { .c = s };
	return u.m;
}

/* Writes "<dir>/<name><suffix>" into buf; false if it does not fit. */
bool mgmt_path_join(char *buf, size_t size, const char *dir, const char *name, const char *suffix);

#endif
