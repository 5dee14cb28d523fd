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

struct arch_vp {
	struct guest_regs regs; /* the registers the VMCB does not hold, while not on a CPU */
	struct vmcb *vmcb;	/* a deposited page */
	uint64_t vmcb_pa;
	uint8_t pending_in_size; /* the last exit was an IN of this size (0: none) */
	bool pending_hypercall;	 /* the last exit was the child's call (post/signal) */
};

#endif
