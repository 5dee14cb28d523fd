/* SPDX-License-Identifier: MIT */
/* hv.cfg: `key = value` lines, `#` comments. Pure C (no EFI), so it is unit-tested on the
 * host (tests/unit/hvcfg). */
#ifndef HV_LOADER_CFG_H
#define HV_LOADER_CFG_H

#include <stddef.h>

#define HV_CFG_PATH_MAX	   256
#define HV_CFG_CMDLINE_MAX 1024

enum hv_on_failure {
	HV_ON_FAILURE_BOOT = 0,
	HV_ON_FAILURE_STOP = 1
};
enum hv_on_panic {
	HV_ON_PANIC_HALT = 0,
	HV_ON_PANIC_RESET = 1
};
enum hv_on_root_triple_fault {
	HV_ON_ROOT_TRIPLE_FAULT_RESET = 0, /* as bare hardware does */
	HV_ON_ROOT_TRIPLE_FAULT_HALT = 1   /* keep the machine for a debugger */
};

struct hv_cfg {
	char hypervisor[HV_CFG_PATH_MAX]; /* "none": start the kernel without one */
	char kernel[HV_CFG_PATH_MAX];
	char initrd[HV_CFG_PATH_MAX]; /* empty: none */
	char cmdline[HV_CFG_CMDLINE_MAX];
	int log_port; /* 0: none */
	enum hv_on_failure on_failure;
	enum hv_on_panic on_panic; /* what hv.efi does after logging a panic */
	enum hv_on_root_triple_fault on_root_triple_fault; /* ... after the root's triple fault */
};

/* Parses text (len bytes, need not be NUL-terminated) into cfg, starting from defaults.
 * Returns 0, or the 1-based number of the first bad line with a reason in err. */
int hv_cfg_parse(struct hv_cfg *cfg, const char *text, size_t len, char *err, size_t errlen);
void hv_cfg_defaults(struct hv_cfg *cfg);

#endif
