/* SPDX-License-Identifier: MIT */
/* Per-CPU state, keyed by APIC ID from the first day (one CPU runs today): the VP the CPU
 * runs, its VMCB, host save areas, host GDT/TSS and the guest registers the VMCB does not
 * hold; and the partition-wide state its VP belongs to. */
#ifndef HV_CORE_PERCPU_H
#define HV_CORE_PERCPU_H

#include "lib.h"

/* Guest general registers saved by vmrun.S (RAX and RSP live in the VMCB). Layout is
 * shared with vmrun.S: keep the order. */
struct guest_regs {
	u64 rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
};

/* Partition-wide synthetic state (TLFS: the OS id, hypercall page and reference TSC page
 * belong to the partition, not to one VP). Only the root partition exists today. */
struct hv_partition {
	bool is_root; /* may make root-only hypercalls */
	u64 guest_os_id;
	u64 hypercall_msr;
	u64 reference_tsc_msr;
	u64 tsc_invariant_ctl;
};

struct hv_cpu {
	struct guest_regs regs; /* offset 0: vmrun.S relies on it */
	u64 vmcb_pa;		/* offset 112: the VP's VMCB */
	u64 host_vmcb_pa;	/* offset 120: host FS/GS/TR/LDTR/syscall MSRs */
	struct vmcb *vmcb;
	u64 hsave_pa; /* VM_HSAVE_PA page */
	u32 apic_id;
	u32 index;		   /* VP index the root sees */
	struct hv_partition *part; /* the partition this CPU's VP belongs to */
	u64 vp_assist_msr;	   /* per-VP synthetic state */
	/* Host descriptor tables. */
	u64 gdt[8];
	u8 tss[104] __attribute__((aligned(16)));
};

#endif
