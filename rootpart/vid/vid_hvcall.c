// SPDX-License-Identifier: GPL-2.0-only
/*
 * vid.ko's hypercall layer: the one place that issues hypercalls (through Linux's hypercall
 * page, hv_do_hypercall()), continues rep calls, turns hypervisor statuses into errnos, and
 * deposits pages with a partition when the hypervisor runs out of them.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <asm/mshyperv.h>

#include "vid_priv.h"

#define REP_MASK 0xfffull

u64 vid_hc(u64 control, void *in, void *out)
{
	return hv_do_hypercall(control, in, out);
}

/*
 * One rep call, continued (rep start = reps done) while the hypervisor answers success with
 * reps left, as the TLFS lets it stop early. Returns the status of the last call; *done is the
 * reps completed (the entries before the one that failed).
 */
u64 vid_rep_call(u16 code, u32 count, void *in, void *out, u32 *done)
{
	u32 start = 0;

	for (;;) {
		u64 control = code | (u64)count << HV_HC_REP_COUNT_SHIFT |
			      (u64)start << HV_HC_REP_START_SHIFT;
		u64 r = vid_hc(control, in, out);
		u64 st = r & HV_STATUS_MASK;
		u32 n = (r >> HV_HC_REP_COUNT_SHIFT) & REP_MASK;

		if (n < start || n > count) {
			pr_warn_ratelimited(
				"vid: call 0x%x: hypervisor says %u reps done of %u (from %u)\n",
				code, n, count, start);
			*done = start;
			return st == HV_STATUS_SUCCESS ? HV_STATUS_INVALID_PARAMETER : st;
		}
		*done = n;
		if (st != HV_STATUS_SUCCESS || n == count)
			return st;
		if (n == start) /* success without progress: never loop on it */
			return HV_STATUS_INSUFFICIENT_BUFFERS;
		start = n;
		cond_resched();
	}
}

static const char *status_name(u64 st)
{
	switch (st) {
	case HV_STATUS_INVALID_HYPERCALL_CODE:
		return "not implemented by the hypervisor";
	case HV_STATUS_INVALID_HYPERCALL_INPUT:
		return "invalid hypercall input: the hypervisor does not take the call in this form";
	case HV_STATUS_INVALID_ALIGNMENT:
		return "invalid alignment";
	case HV_STATUS_INVALID_PARAMETER:
		return "invalid parameter";
	case HV_STATUS_ACCESS_DENIED:
		return "access denied";
	case HV_STATUS_INSUFFICIENT_MEMORY:
		return "insufficient memory";
	case HV_STATUS_INVALID_PARTITION_ID:
		return "invalid partition id";
	case HV_STATUS_INVALID_VP_INDEX:
		return "invalid VP index";
	case HV_STATUS_INVALID_CONNECTION_ID:
		return "invalid connection id";
	case HV_STATUS_INSUFFICIENT_BUFFERS:
		return "insufficient buffers";
	case HV_STATUS_INVALID_VP_STATE:
		return "invalid VP state: the child has not enabled its SynIC, that page or SINT";
	case HV_STATUS_NO_RESOURCES:
		return "no resources: the hypervisor's limit";
	default:
		return "unexpected status";
	}
}

/*
 * A hypervisor status as an errno, with one rate-limited line naming the call. EOPNOTSUPP is
 * kept for "the hypervisor does not implement this call" alone and EPROTO for "it refuses the
 * call's form" (vid.h).
 */
int vid_status_errno(u64 status, const char *what, u64 partition_id)
{
	u64 st = status & HV_STATUS_MASK;
	int err;

	switch (st) {
	case HV_STATUS_SUCCESS:
		return 0;
	case HV_STATUS_INVALID_HYPERCALL_CODE:
		err = -EOPNOTSUPP;
		break;
	case HV_STATUS_INVALID_HYPERCALL_INPUT:
		/* vid.ko builds every control word itself: the hypervisor does not take the call
		 * in the form abi.h gives it (a rep call it does not know answers this too). */
		err = -EPROTO;
		break;
	case HV_STATUS_INVALID_ALIGNMENT:
	case HV_STATUS_INVALID_PARAMETER:
	case HV_STATUS_INVALID_VP_INDEX:
		err = -EINVAL;
		break;
	case HV_STATUS_ACCESS_DENIED:
		err = -EPERM;
		break;
	case HV_STATUS_INSUFFICIENT_MEMORY:
		err = -ENOMEM;
		break;
	case HV_STATUS_INVALID_VP_STATE: /* SynIC calls: the guest has not enabled its side */
		err = -ENOTCONN;
		break;
	case HV_STATUS_NO_RESOURCES: /* a per-partition limit (connections) */
		err = -ENOSPC;
		break;
	default: /* a partition id of ours refused, an unknown status, no hypercall page */
		err = -EIO;
		break;
	}
	pr_warn_ratelimited("vid: %s (partition %llu): hypervisor status %llu, %s\n", what,
			    partition_id, st, status_name(st));
	return err;
}

/* Pages [from, n) of the array were not deposited: they are still the root's, free them. */
static void free_pages_array(struct page **pages, u32 from, u32 n)
{
	for (; from < n; from++)
		__free_page(pages[from]);
}

/*
 * Gives the hypervisor `pages` more kernel pages for partition p (caller holds p->lock). The
 * pages deposited go on p->deposited: they may be freed only after the partition is deleted
 * (the hypervisor then hands them back zeroed); until then the root cannot even read them.
 */
int vid_deposit(struct vid_partition *p, u32 pages)
{
	struct hv_deposit_in *in = p->deposit_page;
	struct page *page[VID_DEPOSIT_BATCH];
	u32 i, done = 0;
	u64 st;

	if (WARN_ON_ONCE(!pages || pages > VID_DEPOSIT_BATCH))
		return -EINVAL;
	for (i = 0; i < pages; i++) {
		page[i] = alloc_page(GFP_KERNEL_ACCOUNT);
		if (!page[i]) {
			free_pages_array(page, 0, i);
			return -ENOMEM;
		}
	}
	memset(in, 0, PAGE_SIZE);
	in->partition_id = p->id;
	for (i = 0; i < pages; i++)
		in->pfn[i] = page_to_pfn(page[i]);
	st = vid_rep_call(HV_CALL_DEPOSIT_PAGES, pages, in, NULL, &done);
	for (i = 0; i < done; i++)
		list_add(&page[i]->lru, &p->deposited);
	p->deposited_count += done;
	atomic64_add(done, &vid_deposited_pages);
	free_pages_array(page, done, pages);
	return vid_status_errno(st, "deposit", p->id);
}

/*
 * A rep call on the partition's input page (filled in by the caller; count entries), deposited
 * for and continued from where it stopped whenever the hypervisor runs out of pages. Gives up
 * with -ENOMEM after VID_DEPOSIT_TRIES deposits in a row that brought no progress.
 */
int vid_rep_call_deposit(struct vid_partition *p, u16 code, u32 count, u32 *done, const char *what)
{
	u32 start = 0, tries = 0;

	for (;;) {
		u64 control = code | (u64)count << HV_HC_REP_COUNT_SHIFT |
			      (u64)start << HV_HC_REP_START_SHIFT;
		u64 r = vid_hc(control, p->in_page, NULL);
		u64 st = r & HV_STATUS_MASK;
		u32 n = (r >> HV_HC_REP_COUNT_SHIFT) & REP_MASK;
		int err;

		if (n < start || n > count) {
			pr_warn_ratelimited(
				"vid: %s: hypervisor says %u reps done of %u (from %u)\n", what, n,
				count, start);
			*done = start;
			return -EIO;
		}
		*done = n;
		if (n > start)
			tries = 0;
		if (st == HV_STATUS_SUCCESS && n == count)
			return 0;
		if (st == HV_STATUS_SUCCESS && n == start) {
			pr_warn_ratelimited("vid: %s: hypervisor made no progress\n", what);
			return -EIO;
		}
		if (st == HV_STATUS_INSUFFICIENT_MEMORY) {
			if (++tries > VID_DEPOSIT_TRIES)
				return vid_status_errno(st, what, p->id);
			err = vid_deposit(p, VID_DEPOSIT_BATCH);
			if (err)
				return err;
		} else if (st != HV_STATUS_SUCCESS) {
			return vid_status_errno(st, what, p->id);
		}
		start = n;
		cond_resched();
	}
}

/* A simple call on the partition's pages, deposited for and repeated when out of pages. */
int vid_call_deposit(struct vid_partition *p, u16 code, const char *what)
{
	u32 tries = 0;
	u64 st;
	int err;

	for (;;) {
		st = vid_hc(code, p->in_page, p->out_page) & HV_STATUS_MASK;
		if (st != HV_STATUS_INSUFFICIENT_MEMORY || ++tries > VID_DEPOSIT_TRIES)
			return vid_status_errno(st, what, p->id);
		err = vid_deposit(p, VID_DEPOSIT_BATCH);
		if (err)
			return err;
	}
}
