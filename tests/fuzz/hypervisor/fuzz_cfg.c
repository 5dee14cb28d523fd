/* SPDX-License-Identifier: MIT */
/* libFuzzer target of the hv.cfg parser: any bytes must parse or be refused with a line
 * number, never read out of bounds, and always leave NUL-terminated strings. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "cfg.h"

#include "fuzz_entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hv_cfg c;
	char err[48];
	int line = hv_cfg_parse(&c, (const char *)data, size, err, sizeof(err));
	if (line < 0 || strlen(err) >= sizeof(err))
		__builtin_trap();
	if (strlen(c.hypervisor) >= sizeof(c.hypervisor) || strlen(c.kernel) >= sizeof(c.kernel) ||
	    strlen(c.initrd) >= sizeof(c.initrd) || strlen(c.cmdline) >= sizeof(c.cmdline))
		__builtin_trap();
	if (c.log_port < 0 || c.log_port > 0xfff8)
		__builtin_trap();
	return 0;
}
