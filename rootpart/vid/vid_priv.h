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
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "vid.h"
#include "vid_checks.h"

struct eventfd_ctx;
struct file;
struct poll_table_struct;

#define VID_DEPOSIT_INITIAL 32 /* pages deposited when a partition is created */
#define VID_DEPOSIT_BATCH   32 /* pages deposited each time the hypervisor runs dry */
#define VID_DEPOSIT_TRIES   4  /* deposits in a row without progress before -ENOMEM */

/* Waking a VP that sleeps in HLT: VID_POST_MESSAGE / VID_SIGNAL_EVENT count a kick, the run
 * loop sleeps only while the count is the one it read before it entered the child. */
struct vid_vp_wake {
	wait_queue_head_t wq;
	atomic_t kicks;
};

/*
 * The child's SynIC traffic as the root sees it (vid_synic.c: root -> child and the
 * connections; vid_inbox.c: child -> root). Two locks: call_lock (a mutex) serialises the
 * SynIC hypercalls on their own pages, so that a post never waits behind a long map on the
 * partition's lock; `lock` (a spinlock, never held across a sleep or a hypercall) guards the
 * ranges, the pending bits, the eventfd and the message queue, which the VP threads' run loops
 * touch between entries.
 */
struct vid_synic {
	struct mutex call_lock;
	void *in_page, *out_page;
	spinlock_t lock;
	struct vid_conn_range conn[VID_CONNECTIONS_MAX];
	struct eventfd_ctx *eventfd;
	struct vid_message *queue; /* VID_MESSAGE_QUEUE records, a ring from head */
	u32 head, count;
	wait_queue_head_t readers;
	struct mutex read_lock; /* one reader at a time: peek, copy out, then pop */
	struct vid_vp_wake wake[HV_MAX_VPS_PER_PARTITION];
};

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
	struct vid_synic synic;
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
	/* A SynIC hypercall exit handled in the kernel whose status the next entry hands over
	 * (kept across an EINTR, so the child never sees SUCCESS for a refused message). */
	bool hc_pending;
	u16 hc_status;
	/* The VP sleeps in HLT (IF=1) since an entry that read halt_kicks: an EINTR keeps it
	 * asleep, the next run waits for a kick again before it enters. */
	bool halted;
	int halt_kicks;
	u64 halt_deadline; /* ...and its next synthetic timer (reference time; 0: none) */
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

/* vid_synic.c: the partition fd's SynIC ioctls (root -> child, connections, reference time). */
int vid_synic_init(struct vid_synic *s);
void vid_synic_fini(struct vid_synic *s);
long vid_synic_ioctl(struct vid_partition *p, unsigned int cmd, void __user *uarg);
void vid_synic_kick(struct vid_synic *s, u32 vp_index);
/* The range holding connection id (lock held), or NULL. */
struct vid_conn_range *vid_synic_find(struct vid_synic *s, u32 id, u32 type);

/* vid_inbox.c: child -> root (the run loop's SynIC exits, read/poll, eventfd, signals). */
u16 vid_inbox_post(struct vid_partition *p, u32 vp_index, const struct hv_run_vp_exit *e,
		   const void *out_page);
u16 vid_inbox_signal(struct vid_partition *p, const struct hv_run_vp_exit *e);
ssize_t vid_inbox_read(struct file *file, char __user *buf, size_t len, loff_t *off);
__poll_t vid_inbox_poll(struct file *file, struct poll_table_struct *wait);
long vid_inbox_set_eventfd(struct vid_partition *p, void __user *uarg);
long vid_inbox_get_signals(struct vid_partition *p, void __user *uarg);

#endif /* HV_VID_PRIV_H */
