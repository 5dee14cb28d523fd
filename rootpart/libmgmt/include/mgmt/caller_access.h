/* SPDX-License-Identifier: MIT */
/* What a caller may make vmms open: only what the caller could open themselves, with the
 * access they ask for (read for boot images and read-only disks, read and write for writable
 * disks). vmms runs as root and opens what a VM config names; a member of group hvadmin must
 * not reach /etc/shadow or a chmod-000 image through it. The check opens each file in a
 * short-lived child process that has taken the caller's uid, gid and supplementary groups,
 * so the kernel's own permission rules (ACLs, search permission on every folder, LSMs)
 * decide, not a re-implementation of them. */
#ifndef MGMT_CALLER_ACCESS_H
#define MGMT_CALLER_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "mgmt/vm_config.h"

/* Checks every file cfg names as uid/gid (uid 0: nothing to check). Returns 0, or -1 with
 * one "FILE: key: PATH is not readable|writable by uid U: why; fix" line per refused file in
 * why (file names the config in messages). */
int mgmt_caller_may_open(const struct vm_config *cfg, const char *file, uid_t uid, gid_t gid,
			 char *why, size_t why_size);

#endif
