/* SPDX-License-Identifier: MIT */
/* poweroff: says what it writes; main prints PASS and writes the power-off port. */
#include "testguest.h"

const char *check_poweroff(const char *cmdline)
{
	(void)cmdline;
	con_printf("testguest: powering off: writing 0x%x to port 0x%x\n", TG_POWEROFF_VALUE,
		   TG_POWEROFF_PORT);
	return NULL; /* main prints PASS, then writes the port */
}
