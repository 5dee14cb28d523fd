/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vid.ko's internal objects and the functions its files share: a partition (one child in the
 * hypervisor, its deposited pages and its pinned memory ranges), a VP, the hypercall helpers.
 * Lifetime: a partition is reference counted; its fd holds one reference, each VP fd one more;
 * the last put deletes the child in the hypervisor and releases everything (vid_partition.c).
 */
#ifndef HV_VID_PRIV_H
#define HV_VID_PRIV_H

#include <linux/bitmap.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "vid.h"

#define VID_DEPOSIT_INITIAL 32 /* pages deposited when a partition is created */
#define VID_DEPOSIT_BATCH   32 /* pages deposited each time the hypervisor runs dry */
#define VID_DEPOSIT_TRIES   4  /* deposits in a row without progress before -ENOMEM */

struct vid_partition {
	struct kref ref;
	u64 id;	     /* the hypervisor's partition id; 0 until created */
	u32 max_vps; /* as created */
	/* Serialises the partition's hypercalls (its pages below), its lists and vp_created. */
	struct mutex lock;
	void *in_page, *out_page;   /* hypercall input/output pages of the partition's calls */
	void *deposit_page;	    /* input page of deposits (made in the middle of other calls) */
	struct list_head deposited; /* struct page (->lru) held by the hypervisor */
	u64 deposited_count;
	struct list_head ranges; /* struct vid_range: pinned memory mapped into the child */
	DECLARE_BITMAP(vp_created, HV_MAX_VPS_PER_PARTITION);
};

/* One pinned block of a range: up to HV_MAP_GPA_MAX pages, one map hypercall's worth. */
struct vid_chunk {
	struct list_head node;
	u32 npages; /* pages pinned (the unwinding unpins exactly these) */
	u32 reserved;
	struct page *pages[];
};
#define VID_CHUNK_PAGES HV_MAP_GPA_MAX
_Static_assert(sizeof(struct vid_chunk) + 8 * VID_CHUNK_PAGES <= 4096, "a chunk is one page");

struct vid_range {
	struct list_head node;
	u64 gfn;		 /* first child page */
	u64 npages;		 /* pages in the range */
	u64 mapped;		 /* pages from gfn the hypervisor has mapped */
	u32 flags;		 /* VID_MAP_* */
	struct list_head chunks; /* struct vid_chunk, in GPA order */
};

struct vid_vp {
	struct vid_partition *part; /* holds a reference */
	u32 index;
	/* Held across a whole run and by get/set registers: one user of the VP at a time. */
	struct mutex lock;
	void *in_page, *out_page;
	u8 in_size;    /* the last exit returned was an IN of this size (0: it was not) */
	bool in_taken; /* ...and a run already handed its value to the hypervisor */
	/* The child's x87/SSE state between runs (FXSAVE format; children cannot enable XSAVE
	 * features: XSETBV is refused and CR4.OSXSAVE is outside their view). */
	u8 fpu[512] __aligned(16);
};

/* vid_main.c: counters shown by VID_GET_STATS. */
extern atomic_t vid_partitions;
extern atomic64_t vid_deposited_pages, vid_pinned_pages, vid_leaked_pages;

/* vid_hvcall.c */
u64 vid_hc(u64 control, void *in, void *out);
u64 vid_rep_call(u16 code, u32 count, void *in, void *out, u32 *done);
int vid_status_errno(u64 status, const char *what, u64 partition_id);
int vid_deposit(struct vid_partition *p, u32 pages);
int vid_rep_call_deposit(struct vid_partition *p, u16 code, u32 count, u32 *done, const char *what);
int vid_call_deposit(struct vid_partition *p, u16 code, const char *what);
int vid_hv_stats(struct hv_stats *out);

/* vid_partition.c */
long vid_partition_create(void __user *uarg);
void vid_partition_put(struct vid_partition *p);

/* vid_memory.c */
long vid_memory_map(struct vid_partition *p, void __user *uarg);
void vid_memory_release(struct vid_partition *p, bool leak);

/* vid_vp.c */
long vid_vp_create(struct vid_partition *p, void __user *uarg);

#endif /* HV_VID_PRIV_H */
