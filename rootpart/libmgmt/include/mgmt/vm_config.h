/* SPDX-License-Identifier: MIT */
/* A VM's configuration: the JSON file format (docs/vm-config.md), its validation and its
 * normalised stored form. Parsing never stops at the first mistake: every problem found is
 * reported as one line "FILE: key: problem", key being a path such as disks[1].path. */
#ifndef MGMT_VM_CONFIG_H
#define MGMT_VM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mgmt/names.h"

#define VM_CONFIG_MAX_DISKS  16
#define VM_CONFIG_MAX_ERRORS 32
#define VM_CONFIG_MAX_BYTES  (64u * 1024) /* a config is a few hundred bytes */
#define VM_MEMORY_MIB_MIN    2
#define VM_MEMORY_MIB_MAX    262144 /* 256 GiB */
#define VM_VPS_MIN	     1
#define VM_VPS_MAX	     64
#define VM_CMDLINE_MAX	     4096

enum vm_boot_kind {
	VM_BOOT_GUEST,
	VM_BOOT_KERNEL
};
enum vm_console {
	VM_CONSOLE_LOG,
	VM_CONSOLE_NONE
};

struct vm_disk {
	char *path; /* absolute */
	bool readonly;
};

struct vm_config {
	char name[MGMT_VM_NAME_MAX + 1];
	uint32_t memory_mib;
	uint32_t vps;
	enum vm_boot_kind boot_kind;
	char *guest;   /* VM_BOOT_GUEST: test guest image, absolute */
	char *kernel;  /* VM_BOOT_KERNEL: absolute */
	char *initrd;  /* optional, absolute */
	char *cmdline; /* optional */
	struct vm_disk disks[VM_CONFIG_MAX_DISKS];
	size_t ndisks;
	enum vm_console console;
};

/* Parses and checks a config. file names it in messages; relative paths in it are taken
 * from file's folder. Files named by the config must exist and be readable (disks that are
 * not read-only also writable). Returns 0 and fills *cfg, or -1 with *errors set to a
 * malloc'ed text of one "FILE: key: problem" line per mistake ('\n'-separated, no final
 * newline). *cfg must be released with vm_config_free() in both cases. */
int vm_config_parse(const char *file, const char *text, size_t len, struct vm_config *cfg,
		    char **errors);

/* VM_CONFIG_NO_FILE_CHECKS: take paths as they are (vmms reloading its stored configs: a disk
 * that has gone since is reported when the VM starts, not by forgetting the VM). */
#define VM_CONFIG_NO_FILE_CHECKS 1u
int vm_config_parse_ex(const char *file, const char *text, size_t len, unsigned flags,
		       struct vm_config *cfg, char **errors);

/* Normalised form (absolute paths, defaults filled in), as vmms stores it and as a worker
 * reads it back: feeding it to vm_config_parse gives the same config. malloc'ed. */
char *vm_config_to_json(const struct vm_config *cfg);

void vm_config_free(struct vm_config *cfg);

const char *vm_console_name(enum vm_console c);

#endif
