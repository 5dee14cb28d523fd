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

/* A message the root posted that waits for its SINT's slot in the child's message page. */
struct hv_synic_queued {
	u32 sint;
	u32 reserved0;
	struct hv_synic_message msg;
};

/* A child VP's synthetic interrupt controller (synic.c): the MSRs, the SINTs raised and not
 * yet injected, and the root's messages waiting for a free slot (oldest first). The message
 * and event-flags pages are the child's own RAM, looked up at each use (the root may unmap
 * them meanwhile). */
struct hv_synic {
	u64 scontrol, siefp, simp;
	u64 sint[HV_SINT_COUNT];
	u32 raised;	 /* bit n: SINT n's interrupt waits to be injected */
	u64 asserted[4]; /* bit v: vector v asserted by the root (HvAssertVirtualInterrupt) */
	u32 queued_count;
	struct hv_synic_queued queue[HV_SYNIC_QUEUE_DEPTH];
};

/* A synthetic timer (stimer.c): its MSRs, and when it next expires (reference time; 0: not
 * armed). */
#define HV_STIMER_COUNT 4
struct hv_stimer {
	u64 config, count, deadline;
};

/* A child's virtual processor: lives in a page the root deposited. */
/* What a child VP cost (HV_CALL_GET_VP_STATS). */
struct hv_vp_counts {
	u64 exits[HV_EXIT_REASON_COUNT];
	u64 total, interrupts, posts, signals, runs;
};

struct hv_vp {
	struct hv_partition *part;
	u32 index;
	u64 vp_assist_msr;
	struct hv_vp_counts counts;
	struct arch_vp arch;
	struct hv_synic synic;
	struct hv_stimer stimer[HV_STIMER_COUNT];
};

/* A range of connection ids the root registered for a child (HV_CALL_SET_CONNECTION). */
struct hv_connection {
	u32 first, count; /* count 0: the entry is free */
	u32 type;	  /* HV_CONNECTION_MESSAGE or _EVENT */
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
	struct hv_connection connections[HV_CONNECTIONS_MAX];
};

#endif
