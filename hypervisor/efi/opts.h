/* SPDX-License-Identifier: MIT */
/* hv.efi's LoadOptions (UCS-2, as hvloader or the UEFI shell pass them). Plain C without EFI
 * headers: unit-tested on the host (tests/unit/hypervisor/test_efi_opts.c). */
#ifndef HV_EFI_OPTS_H
#define HV_EFI_OPTS_H

#include <stddef.h>
#include <stdint.h>

#define HV_DEFAULT_LOG_PORT 0x2f8
/* The log UART takes 8 ports and the core intercepts log_port..log_port+7 in a 16-bit loop:
 * a higher base would wrap onto ports 0-6 (the same bound as hv.cfg's). */
#define HV_MAX_LOG_PORT	    0xfff8

/* Finds "log_port=<hex>|none" among the n UTF-16 units at o (the text ends at n or at a NUL,
 * options are separated by blanks). Returns 0 with *port set (HV_DEFAULT_LOG_PORT when the
 * option is absent, 0 for none), or -1 when the value is not a port in 1..HV_MAX_LOG_PORT. */
int hv_opt_log_port(const uint16_t *o, size_t n, uint16_t *port);

#endif
