/* SPDX-License-Identifier: MIT */
/* The x86/SVM part of a partition and of a child's VP (embedded in core/partition.h's structs;
 * the core never looks inside). */
#ifndef HV_ASM_PARTITION_H
#define HV_ASM_PARTITION_H

#include <stdbool.h>
#include <stdint.h>

#include <asm/percpu.h>

struct vmcb;

struct arch_partition {
	uint64_t npt_root; /* the child's nested page table (PML4), a deposited page; 0: none yet */
	uint32_t asid;
	bool tlb_flush; /* the child's NPT lost a mapping: flush its ASID before it runs again */
};

/* A child VP's x2APIC (vapic.c). */
struct arch_vapic {
	uint32_t irr[8], isr[8]; /* 256 vectors each */
	uint32_t svr;
	uint32_t lvt[6]; /* timer, thermal, perf, LINT0, LINT1, error */
	uint32_t lvt_cmci;
	uint32_t timer_initial, timer_divide;
	uint32_t virq_vec; /* the vector put into the VMCB's V_IRQ, not yet taken (0: none) */
	uint32_t eoi_assisted; /* the vector whose EOI the VP assist page waives (0: none) */
	uint64_t icr;
};

/* A child's MMIO load the root has not completed yet (child_vp.c): where its value goes, as
 * insn_mmio_complete_read() wants it. length 0: none pending. */
struct arch_mmio_load {
	uint8_t length; /* of the instruction: RIP moves past it once the value is in */
	uint8_t size, reg, dest_size;
	bool high_byte, sign_extend;
};

struct arch_vp {
	struct guest_regs regs; /* the registers the VMCB does not hold, while not on a CPU */
	struct vmcb *vmcb;	/* a deposited page */
	uint64_t vmcb_pa;
	uint8_t pending_in_size; /* the last exit was an IN of this size (0: none) */
	bool pending_hypercall;	 /* the last exit was the child's call (post/signal) */
	struct arch_mmio_load pending_load; /* the last exit was an MMIO load */
	struct arch_vapic apic;
};

#endif
