/* SPDX-License-Identifier: MIT */
/* fault: ud2 outside any fixup, so the guest's own exception report (traps.c) is what the
 * log shows, followed by the power-off. */
#include "testguest.h"

const char *check_fault(const char *cmdline)
{
	(void)cmdline;
	con_puts("testguest: executing ud2 outside any fixup (expect the #UD report)\n");
	__asm__ volatile("ud2");
	return "ud2 returned";
}
