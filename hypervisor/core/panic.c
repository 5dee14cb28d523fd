/* SPDX-License-Identifier: MIT */
/* Fatal errors: print the reason, the last exit and the guest's registers on the log, then
 * stop this CPU for good (the root cannot continue without its hypervisor), or reset the
 * machine when hv.cfg says on_panic = reset. */
#include "core.h"

void hv_panic(struct hv_cpu *cpu, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	hv_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hv_log("PANIC: %s", msg);
	if (cpu)
		arch_dump_guest(cpu);
	if (hv.panic_reset) {
		hv_log("PANIC: resetting the machine (on_panic = reset)");
		arch_platform_reset();
	}
	hv_log("PANIC: hypervisor halted");
	arch_cpu_halt_forever();
}

void hv_root_shutdown(struct hv_cpu *cpu)
{
	hv_log("PANIC: the root partition shut down (triple fault)");
	arch_dump_guest(cpu);
	hv_stats_log_summary("root triple fault");
	if (hv.root_triple_fault_halt) {
		hv_log("PANIC: hypervisor halted (on_root_triple_fault = halt)");
		arch_cpu_halt_forever();
	}
	hv_log("PANIC: resetting the machine, as hardware does on a triple fault");
	arch_platform_reset();
	hv_log("PANIC: the machine did not reset; hypervisor halted");
	arch_cpu_halt_forever();
}
