/* SPDX-License-Identifier: MIT */
/* The offsets vmrun.S uses, taken from the C structures at build time (never compiled into
 * the hypervisor: cmake/HvAsmDefines.cmake turns this file's assembly into asm-defines.h). */
#include <stddef.h>

#include "core.h"

#define DEFINE(sym, val)       __asm__ volatile("\n->" #sym " %c0" : : "i"(val))
#define CPU_OFFSET(sym, field) DEFINE(sym, offsetof(struct hv_cpu, field))

void asm_defines(void);
void asm_defines(void)
{
	CPU_OFFSET(CPU_VMCB_PA, arch.vmcb_pa);
	CPU_OFFSET(CPU_HOST_VMCB_PA, arch.host_vmcb_pa);
	CPU_OFFSET(CPU_RBX, arch.regs.rbx);
	CPU_OFFSET(CPU_RCX, arch.regs.rcx);
	CPU_OFFSET(CPU_RDX, arch.regs.rdx);
	CPU_OFFSET(CPU_RSI, arch.regs.rsi);
	CPU_OFFSET(CPU_RDI, arch.regs.rdi);
	CPU_OFFSET(CPU_RBP, arch.regs.rbp);
	CPU_OFFSET(CPU_R8, arch.regs.r8);
	CPU_OFFSET(CPU_R9, arch.regs.r9);
	CPU_OFFSET(CPU_R10, arch.regs.r10);
	CPU_OFFSET(CPU_R11, arch.regs.r11);
	CPU_OFFSET(CPU_R12, arch.regs.r12);
	CPU_OFFSET(CPU_R13, arch.regs.r13);
	CPU_OFFSET(CPU_R14, arch.regs.r14);
	CPU_OFFSET(CPU_R15, arch.regs.r15);
}
