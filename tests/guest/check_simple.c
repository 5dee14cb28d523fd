/* SPDX-License-Identifier: MIT */
/* The small checks: hello (the boot info, greeting), spin (never ends: the test stops the
 * partition by force), triplefault (the worker must report a crash), fault (the guest's own
 * report of an unexpected exception) and poweroff. */
#include "testguest.h"

const char *check_hello(const char *cmdline)
{
	(void)cmdline;
	con_printf("testguest: hello from partition %lu: %lu MiB RAM (0x%lx bytes), %u VP(s), "
		   "image 0x%lx-0x%lx\n",
		   tg_boot->partition_id, tg_boot->ram_bytes >> 20, tg_boot->ram_bytes,
		   tg_boot->vp_count, (uint64_t)__image_start, (uint64_t)__image_end);
	return NULL;
}

const char *check_spin(const char *cmdline)
{
	volatile uint64_t n = 0;

	(void)cmdline;
	con_puts("testguest: spinning with interrupts off, no exits (stop me by force)\n");
	for (;;)
		n++;
	return "spin ended";
}

const char *check_triplefault(const char *cmdline)
{
	(void)cmdline;
	con_puts("testguest: loading an empty IDT and executing int3 (expect a triple fault)\n");
	triple_fault();
}

const char *check_fault(const char *cmdline)
{
	(void)cmdline;
	con_puts("testguest: executing ud2 outside any fixup (expect the #UD report)\n");
	__asm__ volatile("ud2");
	return "ud2 returned";
}

const char *check_poweroff(const char *cmdline)
{
	(void)cmdline;
	con_printf("testguest: powering off: writing 0x%x to port 0x%x\n", TG_POWEROFF_VALUE,
		   TG_POWEROFF_PORT);
	return NULL; /* main prints PASS, then writes the port */
}
