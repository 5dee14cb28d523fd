// SPDX-License-Identifier: GPL-2.0-only
/*
 * vid.ko's inbox: what a child sends the root over SynIC (the child -> root half of the VMBus
 * transport). The VP's run loop hands over the child's HvPostMessage and HvSignalEvent exits
 * here and re-enters the child at once: a message goes into the partition's bounded queue,
 * which read(2) and poll(2) on the partition fd drain (a full queue refuses the child's call
 * with HV_STATUS_INSUFFICIENT_BUFFERS); a signal sets its connection's pending bit and, when
 * the bit was clear, signals the worker's eventfd (KVM's ioeventfd model), and VID_GET_SIGNALS
 * collects the pending ids. Nothing here sleeps while the spinlock is held.
 */
#include <linux/bitmap.h>
#include <linux/eventfd.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/uaccess.h>

#include "vid_priv.h"

/* A HV_RUN_EXIT_POST_MESSAGE exit of VP vp_index: the message (at HV_RUN_MESSAGE_OFFSET of
 * the run's output page) is queued. Returns the status the child's hypercall gets. */
u16 vid_inbox_post(struct vid_partition *p, u32 vp_index, const struct hv_run_vp_exit *e,
		   const void *out_page)
{
	struct vid_synic *s = &p->synic;
	struct hv_post_message_in in;
	struct vid_message *m;
	u16 st = HV_STATUS_SUCCESS;

	memcpy(&in, (const u8 *)out_page + HV_RUN_MESSAGE_OFFSET, sizeof(in)); /* read once */
	st = vid_check_post_exit(&in, e->connection_id, p->id);
	if (st != HV_STATUS_SUCCESS)
		return st;
	spin_lock(&s->lock);
	if (!vid_synic_find(s, in.connection_id, VID_CONNECTION_MESSAGE)) {
		st = HV_STATUS_INVALID_CONNECTION_ID; /* removed while the child posted */
	} else if (s->count == VID_MESSAGE_QUEUE) {
		st = HV_STATUS_INSUFFICIENT_BUFFERS;
	} else {
		m = &s->queue[(s->head + s->count) % VID_MESSAGE_QUEUE];
		vid_message_from_exit(m, &in, vp_index);
		s->count++;
	}
	spin_unlock(&s->lock);
	if (st == HV_STATUS_SUCCESS)
		wake_up_interruptible_poll(&s->readers, EPOLLIN | EPOLLRDNORM);
	return st;
}

/* A HV_RUN_EXIT_SIGNAL_EVENT exit: the connection's pending bit, and the eventfd when the bit
 * was clear (while it is set the worker has a signal it has not collected yet, which it will:
 * it reads the eventfd before VID_GET_SIGNALS). The flag number is not looked at: the
 * connection id names the channel (Linux always passes flag 0). */
u16 vid_inbox_signal(struct vid_partition *p, const struct hv_run_vp_exit *e)
{
	struct vid_synic *s = &p->synic;
	struct vid_conn_range *r;
	u16 st = HV_STATUS_SUCCESS;

	spin_lock(&s->lock);
	r = vid_synic_find(s, e->connection_id, VID_CONNECTION_EVENT);
	if (!r)
		st = HV_STATUS_INVALID_CONNECTION_ID; /* removed while the child signalled */
	else if (!__test_and_set_bit(e->connection_id - r->first, r->pending) && s->eventfd)
		eventfd_signal(s->eventfd, 1);
	spin_unlock(&s->lock);
	return st;
}

/* read(2): whole vid_message records, oldest first. One reader at a time (read_lock), so a
 * record is popped only after it reached user space: a bad buffer loses nothing. */
ssize_t vid_inbox_read(struct file *file, char __user *buf, size_t len, loff_t *off)
{
	struct vid_partition *p = file->private_data;
	struct vid_synic *s = &p->synic;
	size_t n = 0, max = len / sizeof(struct vid_message);
	struct vid_message m;
	ssize_t err = vid_check_read_len(len);

	if (err)
		return err;
	if (mutex_lock_interruptible(&s->read_lock))
		return -ERESTARTSYS;
	while (n < max) {
		spin_lock(&s->lock);
		if (!s->count) {
			spin_unlock(&s->lock);
			if (n)
				break;
			if (file->f_flags & O_NONBLOCK) {
				err = -EAGAIN;
				break;
			}
			err = wait_event_interruptible(s->readers, READ_ONCE(s->count));
			if (err)
				break;
			continue;
		}
		m = s->queue[s->head];
		spin_unlock(&s->lock);
		if (copy_to_user(buf + n * sizeof(m), &m, sizeof(m))) {
			err = -EFAULT;
			break;
		}
		spin_lock(&s->lock);
		s->head = (s->head + 1) % VID_MESSAGE_QUEUE;
		s->count--;
		spin_unlock(&s->lock);
		n++;
	}
	mutex_unlock(&s->read_lock);
	return n ? (ssize_t)(n * sizeof(m)) : err;
}

__poll_t vid_inbox_poll(struct file *file, struct poll_table_struct *wait)
{
	struct vid_partition *p = file->private_data;

	poll_wait(file, &p->synic.readers, wait);
	return READ_ONCE(p->synic.count) ? EPOLLIN | EPOLLRDNORM : 0;
}

/* Whether any event connection has a pending id (lock held). */
static bool any_pending(const struct vid_synic *s)
{
	u32 i;

	for (i = 0; i < VID_CONNECTIONS_MAX; i++)
		if (s->conn[i].pending && !bitmap_empty(s->conn[i].pending, s->conn[i].count))
			return true;
	return false;
}

/* VID_SET_SIGNAL_EVENTFD. Ids already pending signal the new eventfd at once, so that a worker
 * that attaches late still hears of them. */
long vid_inbox_set_eventfd(struct vid_partition *p, void __user *uarg)
{
	struct vid_synic *s = &p->synic;
	struct eventfd_ctx *ctx = NULL, *old;
	struct vid_signal_eventfd a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (vid_check_signal_eventfd(&a))
		return -EINVAL;
	if (a.eventfd >= 0) {
		ctx = eventfd_ctx_fdget(a.eventfd);
		if (IS_ERR(ctx)) {
			pr_warn_ratelimited(
				"vid: set signal eventfd: fd %d is not an eventfd (%ld)\n",
				a.eventfd, PTR_ERR(ctx));
			return PTR_ERR(ctx);
		}
	}
	spin_lock(&s->lock);
	old = s->eventfd;
	s->eventfd = ctx;
	if (ctx && any_pending(s))
		eventfd_signal(ctx, 1);
	spin_unlock(&s->lock);
	if (old)
		eventfd_ctx_put(old);
	return 0;
}

/* Moves up to VID_SIGNALS_MAX pending ids into out and clears them (lock held). */
static void collect(struct vid_synic *s, struct vid_signals *out)
{
	unsigned long bit;
	u32 i;

	for (i = 0; i < VID_CONNECTIONS_MAX; i++) {
		struct vid_conn_range *r = &s->conn[i];

		if (!r->pending)
			continue;
		for_each_set_bit(bit, r->pending, r->count)
		{
			if (out->count == VID_SIGNALS_MAX) {
				out->more = 1;
				return;
			}
			out->connection_id[out->count++] = r->first + (u32)bit;
			__clear_bit(bit, r->pending);
		}
	}
}

/* VID_GET_SIGNALS: if the result cannot be written back, the ids are marked pending again. */
long vid_inbox_get_signals(struct vid_partition *p, void __user *uarg)
{
	struct vid_synic *s = &p->synic;
	struct vid_signals out = { 0 };
	struct vid_conn_range *r;
	u32 i;

	spin_lock(&s->lock);
	collect(s, &out);
	spin_unlock(&s->lock);
	if (!copy_to_user(uarg, &out, sizeof(out)))
		return 0;
	spin_lock(&s->lock);
	for (i = 0; i < out.count; i++) {
		r = vid_synic_find(s, out.connection_id[i], VID_CONNECTION_EVENT);
		if (r)
			__set_bit(out.connection_id[i] - r->first, r->pending);
	}
	spin_unlock(&s->lock);
	return -EFAULT;
}
