/* SPDX-License-Identifier: MIT */
/* The guest's main: checks the boot-info page, sets up its traps, runs the check that the
 * command line's check=<name> selects (hello when none), prints "testguest: PASS <check>" or
 * "testguest: FAIL <check>: why", and powers off through the port of testguest/boot.h. */
#include "testguest.h"
#include "cmdline.h"

void tg_main(const struct tg_boot_info *bi);

const struct tg_boot_info *tg_boot;

static const struct {
	const char *name;
	const char *(*run)(const char *cmdline);
} checks[] = {
	{ "hello", check_hello },
	{ "memscan", check_memscan },
	{ "peek", check_peek },
	{ "hypercalls", check_hypercalls },
	{ "cpuid", check_cpuid },
	{ "spin", check_spin },
	{ "idle", check_idle },
	{ "triplefault", check_triplefault },
	{ "fault", check_fault },
	{ "poweroff", check_poweroff },
	{ "vmbus-disk", check_vmbus_disk },
	{ "vmbus-ic", check_vmbus_ic },
	{ "vmbus-hostile", check_vmbus_hostile },
	{ "vmbus-bench", check_vmbus_bench },
};

void power_off(void)
{
	outb(TG_POWEROFF_PORT, TG_POWEROFF_VALUE);
	/* The worker stops the partition on that write; if it comes back, say so once. */
	con_puts("testguest: power-off write returned; halting\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void list_checks(void)
{
	con_puts("testguest: known checks:");
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		con_printf(" %s", checks[i].name);
	con_puts("\n");
}

void tg_main(const struct tg_boot_info *bi)
{
	char name[32];
	const char *why;

	traps_init();
	why = tg_boot_info_problem(bi);
	if (why) {
		con_printf("testguest: FAIL boot: %s (boot info at 0x%lx)\n", why, (uint64_t)bi);
		power_off();
	}
	tg_boot = bi;
	if (!tg_cmdline_get(bi->cmdline, "check", name, sizeof(name)))
		memcpy(name, "hello", sizeof("hello"));
	con_printf("testguest: check %s (cmdline \"%s\")\n", name, bi->cmdline);
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		if (strcmp(name, checks[i].name))
			continue;
		traps_set_check(checks[i].name);
		why = checks[i].run(bi->cmdline);
		if (why)
			con_printf("testguest: FAIL %s: %s\n", checks[i].name, why);
		else
			con_printf("testguest: PASS %s\n", checks[i].name);
		power_off();
	}
	con_printf("testguest: FAIL %s: unknown check\n", name);
	list_checks();
	power_off();
}
