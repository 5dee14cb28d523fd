/* SPDX-License-Identifier: MIT */
/* A partition: the state that belongs to it as a whole rather than to one of its VPs (TLFS:
 * the guest OS id, the hypercall page and the reference TSC page are partition-wide). Only
 * the root partition exists today. */
#ifndef HV_CORE_PARTITION_H
#define HV_CORE_PARTITION_H

#include "lib.h"

struct hv_partition {
	bool is_root; /* may make root-only hypercalls */
	u64 guest_os_id;
	u64 hypercall_msr;
	u64 reference_tsc_msr;
	u64 tsc_invariant_ctl;
};

#endif
