/* SPDX-License-Identifier: MIT */
/* The x86/SVM part of a CPU's state (struct arch_cpu, embedded in the generic struct hv_cpu
 * of core/percpu.h): the guest registers the VMCB does not hold, the VP's VMCB and host save
 * areas, and the host's own GDT and TSS. vmrun.S reaches these fields through offsets that
 * asm-defines.c generates at build time. */
#ifndef HV_ASM_PERCPU_H
#define HV_ASM_PERCPU_H

#include <stdint.h>

struct vmcb;

/* Guest general registers saved by vmrun.S (RAX and RSP live in the VMCB). */
struct guest_regs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
};

struct arch_cpu {
	struct guest_regs regs;
	uint64_t vmcb_pa;      /* the VP's VMCB */
	uint64_t host_vmcb_pa; /* host FS/GS/TR/LDTR/syscall MSRs (VMSAVE/VMLOAD area) */
	struct vmcb *vmcb;
	uint64_t hsave_pa;	/* VM_HSAVE_PA page */
	struct vmcb *root_vmcb; /* the root VP's, whichever VP runs now */
	uint64_t root_vmcb_pa;
	/* Host descriptor tables. */
	uint64_t gdt[8];
	uint8_t tss[104] __attribute__((aligned(16)));
};

#endif
