// SPDX-License-Identifier: GPL-2.0-only
/*
 * vid.ko's child memory: VID_MAP_MEMORY pins the worker's pages long-term (FOLL_LONGTERM: they
 * never move or go away while the child may use them), maps them into the child with
 * HV_CALL_MAP_GPA_PAGES one chunk (HV_MAP_GPA_MAX pages) at a time, depositing more pages
 * when the hypervisor runs out, and records the range; the partition's end unpins it. A map
 * that fails part-way is unmapped again and unpinned, unless the unmap fails too: then the
 * range stays recorded (pinned) until the partition is deleted.
 */
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vid_priv.h"

#define UNMAP_MAX 4095u /* rep count field: 12 bits */

static void unpin_range(struct vid_range *r)
{
	struct vid_chunk *c, *next;

	list_for_each_entry_safe(c, next, &r->chunks, node) {
		/* The child may have written any page: mark them dirty. */
		unpin_user_pages_dirty_lock(c->pages, c->npages, true);
		atomic64_sub(c->npages, &vid_pinned_pages);
		list_del(&c->node);
		kfree(c);
	}
}

/* After the partition's delete (leak: the delete failed, keep the pages pinned for good). */
void vid_memory_release(struct vid_partition *p, bool leak)
{
	struct vid_range *r, *next;
	struct vid_chunk *c, *cn;

	list_for_each_entry_safe(r, next, &p->ranges, node) {
		if (leak) {
			list_for_each_entry_safe(c, cn, &r->chunks, node) {
				atomic64_sub(c->npages, &vid_pinned_pages);
				atomic64_add(c->npages, &vid_leaked_pages);
				kfree(c);
			}
		} else {
			unpin_range(r);
		}
		list_del(&r->node);
		kfree(r);
	}
}

/* Pins the whole range, chunk by chunk, into r->chunks (the caller unpins on failure). */
static int pin_range(struct vid_range *r, u64 user_addr)
{
	u64 left = r->npages;

	while (left) {
		u32 n = min_t(u64, left, VID_CHUNK_PAGES);
		struct vid_chunk *c = kzalloc(struct_size(c, pages, n), GFP_KERNEL_ACCOUNT);

		if (!c)
			return -ENOMEM;
		list_add_tail(&c->node, &r->chunks);
		while (c->npages < n) {
			int got;

			if (fatal_signal_pending(current))
				return -EINTR;
			got = pin_user_pages_fast(user_addr, n - c->npages,
						  FOLL_WRITE | FOLL_LONGTERM, c->pages + c->npages);
			if (got <= 0) {
				pr_warn_ratelimited(
					"vid: map memory: cannot pin user page 0x%llx (%d): not writable memory of this process?\n",
					user_addr, got);
				return got ? got : -EFAULT;
			}
			c->npages += got;
			atomic64_add(got, &vid_pinned_pages);
			user_addr += (u64)got << PAGE_SHIFT;
		}
		left -= n;
		cond_resched();
	}
	return 0;
}

/* Unmaps r's first r->mapped pages from the child; 0 when none is left mapped. */
static int unmap_range(struct vid_partition *p, struct vid_range *r)
{
	struct hv_unmap_gpa_in *in = p->in_page;

	while (r->mapped) {
		u32 n = min_t(u64, r->mapped, UNMAP_MAX), done = 0;
		u64 st;

		memset(in, 0, sizeof(*in));
		in->partition_id = p->id;
		in->target_gfn = r->gfn + r->mapped - n;
		st = vid_rep_call(HV_CALL_UNMAP_GPA_PAGES, n, in, NULL, &done);
		if (st != HV_STATUS_SUCCESS)
			return vid_status_errno(st, "unmap memory", p->id);
		r->mapped -= n;
	}
	return 0;
}

/* Maps every chunk of r into the child, counting r->mapped as it goes. */
static int map_range(struct vid_partition *p, struct vid_range *r)
{
	struct hv_map_gpa_in *in = p->in_page;
	struct vid_chunk *c;
	u32 i, done;
	int err;

	list_for_each_entry(c, &r->chunks, node) {
		memset(in, 0, PAGE_SIZE);
		in->partition_id = p->id;
		in->target_gfn = r->gfn + r->mapped;
		in->flags = r->flags;
		for (i = 0; i < c->npages; i++)
			in->pfn[i] = page_to_pfn(c->pages[i]);
		done = 0;
		err = vid_rep_call_deposit(p, HV_CALL_MAP_GPA_PAGES, c->npages, &done,
					   "map memory");
		r->mapped += done;
		if (err)
			return err;
	}
	return 0;
}

static bool overlaps(struct vid_partition *p, u64 gfn, u64 npages)
{
	struct vid_range *r;

	list_for_each_entry(r, &p->ranges, node)
		if (gfn < r->gfn + r->npages && r->gfn < gfn + npages)
			return true;
	return false;
}

/* VID_MAP_MEMORY on a partition fd. */
long vid_memory_map(struct vid_partition *p, void __user *uarg)
{
	struct vid_map_memory m;
	struct vid_range *r;
	int err;

	if (copy_from_user(&m, uarg, sizeof(m)))
		return -EFAULT;
	err = vid_check_map(&m);
	if (err)
		return err;
	if (!access_ok(u64_to_user_ptr(m.user_addr), m.size))
		return -EFAULT;
	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	INIT_LIST_HEAD(&r->chunks);
	r->gfn = m.guest_phys >> PAGE_SHIFT;
	r->npages = m.size >> PAGE_SHIFT;
	r->flags = m.flags;
	if (mutex_lock_killable(&p->lock)) {
		kfree(r);
		return -EINTR;
	}
	if (overlaps(p, r->gfn, r->npages)) {
		pr_warn_ratelimited(
			"vid: map memory: guest range 0x%llx+0x%llx overlaps a mapped one\n",
			m.guest_phys, m.size);
		err = -EEXIST;
		goto err_unlock;
	}
	err = pin_range(r, m.user_addr);
	if (err)
		goto err_unpin;
	err = map_range(p, r);
	if (err)
		goto err_unmap;
	list_add_tail(&r->node, &p->ranges);
	mutex_unlock(&p->lock);
	return 0;

err_unmap:
	if (unmap_range(p, r)) {
		/* Still mapped in the child: keep it pinned until the partition is deleted. */
		list_add_tail(&r->node, &p->ranges);
		mutex_unlock(&p->lock);
		return err;
	}
err_unpin:
	unpin_range(r);
err_unlock:
	mutex_unlock(&p->lock);
	kfree(r);
	return err;
}
