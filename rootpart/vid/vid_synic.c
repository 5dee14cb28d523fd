// SPDX-License-Identifier: GPL-2.0-only
/*
 * vid.ko's SynIC calls into a child (the root -> child half of the VMBus transport): the
 * connection ranges the child may post and signal on (VID_SET_CONNECTION; vid.ko keeps its own
 * copy, which the inbox reads), messages and event flags into the child's SynIC
 * (VID_POST_MESSAGE, VID_SIGNAL_EVENT, each then waking the VP from HLT), the reference time,
 * and the partition's SynIC state from create to delete. The child -> root half: vid_inbox.c.
 */
#include <linux/bitmap.h>
#include <linux/eventfd.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/mshyperv.h>

#include "vid_priv.h"

int vid_synic_init(struct vid_synic *s)
{
	u32 i;

	mutex_init(&s->call_lock);
	mutex_init(&s->read_lock);
	spin_lock_init(&s->lock);
	init_waitqueue_head(&s->readers);
	for (i = 0; i < HV_MAX_VPS_PER_PARTITION; i++) {
		init_waitqueue_head(&s->wake[i].wq);
		atomic_set(&s->wake[i].kicks, 0);
	}
	s->in_page = (void *)__get_free_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	s->out_page = (void *)__get_free_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	s->queue = kvcalloc(VID_MESSAGE_QUEUE, sizeof(*s->queue), GFP_KERNEL_ACCOUNT);
	return s->in_page && s->out_page && s->queue ? 0 : -ENOMEM;
}

/* After the partition's delete (or a failed init): nothing else uses it any more. */
void vid_synic_fini(struct vid_synic *s)
{
	u32 i;

	for (i = 0; i < VID_CONNECTIONS_MAX; i++)
		bitmap_free(s->conn[i].pending);
	if (s->eventfd)
		eventfd_ctx_put(s->eventfd);
	kvfree(s->queue);
	free_page((unsigned long)s->out_page);
	free_page((unsigned long)s->in_page);
}

/* Wakes VP vp_index if it sleeps in HLT; a kick before it sleeps keeps it from sleeping
 * (the run loop compares the count with the one it read before it entered the child). */
void vid_synic_kick(struct vid_synic *s, u32 vp_index)
{
	atomic_inc(&s->wake[vp_index].kicks);
	wake_up_interruptible(&s->wake[vp_index].wq);
}

struct vid_conn_range *vid_synic_find(struct vid_synic *s, u32 id, u32 type)
{
	u32 i;

	for (i = 0; i < VID_CONNECTIONS_MAX; i++) {
		struct vid_conn_range *r = &s->conn[i];

		if (r->count && r->type == type && id >= r->first && id - r->first < r->count)
			return r;
	}
	return NULL;
}

/* VID_SET_CONNECTION: the hypervisor's range first, then vid.ko's copy (the run loops see an
 * id only once the hypervisor may exit on it; a removed one after it no longer does). */
static long synic_set_connection(struct vid_partition *p, void __user *uarg)
{
	struct vid_synic *s = &p->synic;
	struct hv_connection_in *in = s->in_page;
	unsigned long *pending = NULL, *old = NULL;
	struct vid_connection a;
	u32 slot;
	u64 st;
	int err;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (mutex_lock_interruptible(&s->call_lock))
		return -EINTR;
	err = vid_check_connection(s->conn, &a);
	if (err < 0)
		goto out;
	slot = err;
	if (a.type == VID_CONNECTION_EVENT) {
		pending = bitmap_zalloc(a.count, GFP_KERNEL_ACCOUNT);
		if (!pending) {
			err = -ENOMEM;
			goto out;
		}
	}
	memset(in, 0, sizeof(*in));
	in->partition_id = p->id;
	in->connection_id = a.connection_id;
	in->count = a.count;
	in->type = a.type;
	st = vid_hc(HV_CALL_SET_CONNECTION, in, NULL) & HV_STATUS_MASK;
	err = vid_status_errno(st, "set connection", p->id);
	if (err) {
		bitmap_free(pending);
		goto out;
	}
	spin_lock(&s->lock);
	old = s->conn[slot].pending;
	s->conn[slot] = (struct vid_conn_range){
		.first = a.connection_id, .count = a.count, .type = a.type, .pending = pending
	};
	spin_unlock(&s->lock);
	bitmap_free(old);
out:
	mutex_unlock(&s->call_lock);
	return err;
}

/* VID_POST_MESSAGE. A full queue in the VP (the guest has not taken its messages) is EAGAIN,
 * without a log line: it is flow control, which the caller handles by retrying. */
static long synic_post_message(struct vid_partition *p, void __user *uarg)
{
	struct vid_synic *s = &p->synic;
	struct hv_post_message_direct_in *in = s->in_page;
	struct vid_post_message a;
	u64 st;
	int err;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	err = vid_check_post_message(&a, p->max_vps);
	if (err)
		return err;
	if (mutex_lock_interruptible(&s->call_lock))
		return -EINTR;
	memset(in, 0, sizeof(*in));
	vid_post_message_in(in, &a, p->id);
	st = vid_hc(HV_CALL_POST_MESSAGE_DIRECT, in, NULL) & HV_STATUS_MASK;
	mutex_unlock(&s->call_lock);
	if (st == HV_STATUS_INSUFFICIENT_BUFFERS)
		return -EAGAIN;
	err = vid_status_errno(st, "post message", p->id);
	if (!err)
		vid_synic_kick(s, a.vp_index);
	return err;
}

/* VID_SIGNAL_EVENT: newly_signaled goes back. */
static long synic_signal_event(struct vid_partition *p, void __user *uarg)
{
	struct vid_synic *s = &p->synic;
	struct hv_signal_event_direct_in *in = s->in_page;
	struct hv_signal_event_direct_out *out = s->out_page;
	struct vid_signal_event a;
	u64 st;
	int err;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	err = vid_check_signal_event(&a, p->max_vps);
	if (err)
		return err;
	if (mutex_lock_interruptible(&s->call_lock))
		return -EINTR;
	memset(in, 0, sizeof(*in));
	memset(out, 0, sizeof(*out));
	in->partition_id = p->id;
	in->vp_index = a.vp_index;
	in->sint = (u8)a.sint;
	in->flag_number = (u16)a.flag_number;
	st = vid_hc(HV_CALL_SIGNAL_EVENT_DIRECT, in, out) & HV_STATUS_MASK;
	a.newly_signaled = READ_ONCE(out->newly_signaled) ? 1 : 0;
	mutex_unlock(&s->call_lock);
	err = vid_status_errno(st, "signal event", p->id);
	if (err)
		return err;
	vid_synic_kick(s, a.vp_index);
	return copy_to_user(uarg, &a, sizeof(a)) ? -EFAULT : 0;
}

/* VID_ASSERT_INTERRUPT. The hypervisor checks the vector again; the VP's IRR holds it. */
static long synic_assert_interrupt(struct vid_partition *p, void __user *uarg)
{
	struct vid_synic *s = &p->synic;
	struct hv_assert_interrupt_in *in = s->in_page;
	struct vid_assert_interrupt a;
	u64 st;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (vid_check_assert_interrupt(&a, p->max_vps))
		return -EINVAL;
	if (mutex_lock_interruptible(&s->call_lock))
		return -EINTR;
	memset(in, 0, sizeof(*in));
	in->partition_id = p->id;
	in->interrupt_type = HV_INTERRUPT_TYPE_FIXED;
	in->dest = a.vp_index;
	in->vector = a.vector;
	st = vid_hc(HV_CALL_ASSERT_INTERRUPT, in, NULL) & HV_STATUS_MASK;
	mutex_unlock(&s->call_lock);
	if (st != HV_STATUS_SUCCESS)
		return vid_status_errno(st, "assert interrupt", p->id);
	vid_synic_kick(s, a.vp_index);
	return 0;
}

/* VID_GET_VP_STATS: through the partition's call pages, so it never waits for a run. */
static long synic_vp_stats(struct vid_partition *p, void __user *uarg)
{
	struct vid_synic *s = &p->synic;
	struct hv_vp_ref *in = s->in_page;
	struct vid_vp_stats a;
	u64 st;

	if (copy_from_user(&a, uarg, offsetof(struct vid_vp_stats, stats)))
		return -EFAULT;
	if (vid_check_vp_stats(&a, p->max_vps))
		return -EINVAL;
	if (mutex_lock_interruptible(&s->call_lock))
		return -EINTR;
	memset(in, 0, sizeof(*in));
	in->partition_id = p->id;
	in->vp_index = a.vp_index;
	st = vid_hc(HV_CALL_GET_VP_STATS, in, s->out_page) & HV_STATUS_MASK;
	if (st == HV_STATUS_SUCCESS)
		memcpy(&a.stats, s->out_page, sizeof(a.stats));
	mutex_unlock(&s->call_lock);
	if (st != HV_STATUS_SUCCESS)
		return vid_status_errno(st, "vp stats", p->id);
	return copy_to_user(uarg, &a, sizeof(a)) ? -EFAULT : 0;
}

/* VID_GET_REFERENCE_TIME: the reference counter MSR, which the hypervisor answers for the
 * root as for its children (one partition reference time). */
static long synic_reference_time(void __user *uarg)
{
	struct vid_reference_time t = { 0 };

	if (rdmsrl_safe(HV_X64_MSR_TIME_REF_COUNT, &t.time)) {
		pr_warn_ratelimited("vid: reference time: the hypervisor refuses MSR 0x%x\n",
				    HV_X64_MSR_TIME_REF_COUNT);
		return -EOPNOTSUPP;
	}
	return copy_to_user(uarg, &t, sizeof(t)) ? -EFAULT : 0;
}

long vid_synic_ioctl(struct vid_partition *p, unsigned int cmd, void __user *uarg)
{
	switch (cmd) {
	case VID_SET_CONNECTION:
		return synic_set_connection(p, uarg);
	case VID_POST_MESSAGE:
		return synic_post_message(p, uarg);
	case VID_SIGNAL_EVENT:
		return synic_signal_event(p, uarg);
	case VID_SET_SIGNAL_EVENTFD:
		return vid_inbox_set_eventfd(p, uarg);
	case VID_GET_SIGNALS:
		return vid_inbox_get_signals(p, uarg);
	case VID_GET_REFERENCE_TIME:
		return synic_reference_time(uarg);
	case VID_ASSERT_INTERRUPT:
		return synic_assert_interrupt(p, uarg);
	case VID_GET_VP_STATS:
		return synic_vp_stats(p, uarg);
	default:
		return -ENOTTY;
	}
}
