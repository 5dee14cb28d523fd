/* SPDX-License-Identifier: MIT */
/* triplefault: an empty IDT and int3 shut the CPU down; the worker must report the crash. */
#include "testguest.h"

const char *check_triplefault(const char *cmdline)
{
	(void)cmdline;
	con_puts("testguest: loading an empty IDT and executing int3 (expect a triple fault)\n");
	triple_fault();
}
