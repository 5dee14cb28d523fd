/* SPDX-License-Identifier: MIT */
/* Per-CPU state, one per physical CPU from the first day (one CPU runs today): which VP the
 * CPU runs and the partition it belongs to, and the arch's own part (asm/percpu.h: VMCB,
 * saved guest registers, host tables), which generic code never looks into. */
#ifndef HV_CORE_PERCPU_H
#define HV_CORE_PERCPU_H

#include <asm/percpu.h>

#include "hv/abi.h"
#include "lib.h"
#include "partition.h"

struct hv_cpu {
	struct arch_cpu arch; /* the arch layer's, reached by its assembly: see asm-defines.c */
	u32 hw_id;	      /* the CPU's hardware id (x86: initial APIC ID) */
	u32 index;	      /* VP index the partition sees */
	struct hv_partition *part; /* the partition this CPU's VP belongs to */
	u64 vp_assist_msr;	   /* per-VP synthetic state (TLFS VP assist page) */
	/* While a child's VP runs on this CPU (HV_CALL_RUN_VP from the root): the VP, and what
	 * the root's pending hypercall needs when the run ends. */
	struct hv_vp *child;
	struct guest_regs root_regs;
	u64 root_vp_assist;
	struct hv_run_vp_exit *run_out; /* the root's output page */
	u64 root_next_rip;
	/* Set by a child's hypercall that the root must see (HV_RUN_EXIT_POST_MESSAGE or
	 * _SIGNAL_EVENT): the run ends with it once the call completes. 0: none. */
	u32 run_exit;
};

#endif
