/* SPDX-License-Identifier: MIT */
/* idle: prints one line, then halts with interrupts on, forever (as an idle OS does): the
 * worker sees HLT exits and sleeps; the density benchmark keeps many such children running. */
#include "testguest.h"

const char *check_idle(const char *cmdline)
{
	(void)cmdline;
	con_puts("testguest: idle (hlt with interrupts on)\n");
	for (;;)
		__asm__ volatile("sti; hlt" ::: "memory");
	return "idle ended";
}
