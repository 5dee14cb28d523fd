/* SPDX-License-Identifier: MIT */
/* spin: prints one line, then loops with interrupts off and no exits, forever: the test
 * shows the root keeps its pace and stops the partition by force. */
#include "testguest.h"

const char *check_spin(const char *cmdline)
{
	volatile uint64_t n = 0;

	(void)cmdline;
	con_puts("testguest: spinning with interrupts off, no exits (stop me by force)\n");
	for (;;)
		n++;
	return "spin ended";
}
