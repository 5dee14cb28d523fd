/* SPDX-License-Identifier: MIT */
/* What the core asks of the x86 platform outside SVM: which CPU this is, a machine reset, and
 * halting a CPU for good. */
#include "core.h"
#include "x86.h"

u32 arch_cpu_hw_id(void)
{
	u32 r[4];
	cpuid_count(1, 0, r);
	return r[1] >> 24; /* initial APIC ID */
}

void arch_platform_reset(void)
{
	outb(0xcf9, 0x02); /* PCI reset control: hard reset */
	outb(0xcf9, 0x06);
	outb(0x64, 0xfe); /* keyboard controller pulse, the older way */
}

void arch_cpu_halt_forever(void)
{
	halt_forever();
}
