/* SPDX-License-Identifier: MIT */
/* Partitions: the state that belongs to a partition as a whole rather than to one of its VPs
 * (TLFS: the guest OS id, the hypercall page and the reference TSC page are partition-wide),
 * and the partition table the root manages through the partition hypercalls (partition.c). */
#ifndef HV_CORE_PARTITION_H
#define HV_CORE_PARTITION_H

#include <asm/partition.h>

#include "hv/abi.h"
#include "lib.h"

struct hv_partition;

/* A child's virtual processor: lives in a page the root deposited. */
struct hv_vp {
	struct hv_partition *part;
	u32 index;
	u64 vp_assist_msr;
	struct arch_vp arch;
};

struct hv_partition {
	bool is_root; /* may make root-only hypercalls */
	bool in_use;  /* a child slot: created and not yet deleted */
	u64 id;	      /* HV_PARTITION_ID_* */
	u32 max_vps;
	/* Pages the root deposited: a list threaded through the pages themselves (the first 8
	 * bytes of each hold the next one's address), which only the hypervisor can reach. */
	u64 deposit_head;
	u64 deposit_free;  /* pages on that list */
	u64 deposit_count; /* all pages held: on the list and in use (tables, VPs) */
	u32 slot;	   /* index in the child table (for owner marks) */
	struct hv_vp *vps[HV_MAX_VPS_PER_PARTITION];
	struct arch_partition arch;
	u64 guest_os_id;
	u64 hypercall_msr;
	u64 reference_tsc_msr;
	u64 tsc_invariant_ctl;
};

#endif
