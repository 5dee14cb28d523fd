/* SPDX-License-Identifier: MIT */
/* Partitions: the state that belongs to a partition as a whole rather than to one of its VPs
 * (TLFS: the guest OS id, the hypercall page and the reference TSC page are partition-wide),
 * and the partition table the root manages through the partition hypercalls (partition.c). */
#ifndef HV_CORE_PARTITION_H
#define HV_CORE_PARTITION_H

#include "lib.h"

struct hv_partition {
	bool is_root; /* may make root-only hypercalls */
	bool in_use;  /* a child slot: created and not yet deleted */
	u64 id;	      /* HV_PARTITION_ID_* */
	u32 max_vps;
	/* Pages the root deposited: a list threaded through the pages themselves (the first 8
	 * bytes of each hold the next one's address), which only the hypervisor can reach. */
	u64 deposit_head;
	u64 deposit_count;
	u64 guest_os_id;
	u64 hypercall_msr;
	u64 reference_tsc_msr;
	u64 tsc_invariant_ctl;
};

#endif
