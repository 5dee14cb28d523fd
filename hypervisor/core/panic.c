/* Fatal errors: print the reason, the last exit and the guest's registers on the log, then
 * stop this CPU for good (the root cannot continue without its hypervisor). */
#include "core.h"
#include "../arch/x86/x86.h"

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
    hv_log("PANIC: hypervisor halted");
    halt_forever();
}
