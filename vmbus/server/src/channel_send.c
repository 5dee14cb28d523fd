/* SPDX-License-Identifier: MIT */
/* The host->guest ring of a channel: packets written by the loop thread (vmbus_channel_send,
 * request_space) and by a VSP's own threads (vmbus_channel_send_from_thread: storvsp's I/O
 * threads post their completions without a hop through the loop), one writer at a time under
 * the channel's out_lock, and the guest signalled as the ring rules say.
 *
 * Locking: out_lock guards the ring writer and everything a thread reads to decide whether it
 * may write (out_ready, out_gen, want_space, target_vp) plus the counters both kinds of writer
 * bump. The loop alone opens, closes and breaks a channel: attach and detach take the lock, so
 * a thread's write either finishes before the rings are unmapped or sees out_ready false. The
 * transport's signal_guest is called after the lock is dropped (it may be an ioctl: other
 * writers need not wait for it); a signal that arrives just after the channel closed is
 * harmless (the guest ignores events of a closed channel). */
#include "server_internal.h"

#include <string.h>

void channel_out_attach(struct vmbus_channel *ch, const struct vmbus_ring_writer *w)
{
	pthread_mutex_lock(&ch->out_lock);
	ch->out = *w;
	ch->out_ready = true;
	ch->out_gen++;
	ch->want_space = false;
	pthread_mutex_unlock(&ch->out_lock);
}

void channel_out_detach(struct vmbus_channel *ch)
{
	pthread_mutex_lock(&ch->out_lock);
	ch->out_ready = false;
	ch->loop_batch = false;
	ch->out_gen++; /* work a thread holds for the closed open is dropped, not written later */
	memset(&ch->out, 0, sizeof(ch->out));
	pthread_mutex_unlock(&ch->out_lock);
}

void channel_set_target_vp(struct vmbus_channel *ch, uint32_t vp)
{
	pthread_mutex_lock(&ch->out_lock);
	ch->target_vp = vp;
	pthread_mutex_unlock(&ch->out_lock);
}

bool channel_take_want_space(struct vmbus_channel *ch)
{
	bool want;

	pthread_mutex_lock(&ch->out_lock);
	want = ch->want_space;
	ch->want_space = false;
	pthread_mutex_unlock(&ch->out_lock);
	return want;
}

/* Under out_lock: count the signal and say where it goes. */
static uint32_t count_signal(struct vmbus_channel *ch)
{
	ch->stats.signals_out++;
	return ch->target_vp;
}

void channel_out_batch_begin(struct vmbus_channel *ch)
{
	pthread_mutex_lock(&ch->out_lock);
	if (ch->out_ready && !ch->out.broken) {
		vmbus_ring_writer_batch_begin(&ch->out);
		ch->loop_batch = true;
	}
	pthread_mutex_unlock(&ch->out_lock);
}

/* Under out_lock: publish what the loop's batch holds; true if the guest needs a signal. */
static bool loop_batch_flush(struct vmbus_channel *ch)
{
	bool sig = false;

	if (!ch->loop_batch)
		return false;
	ch->loop_batch = false;
	/* A broken writer is the loop's to report: its next send or request_space sees it. */
	if (vmbus_ring_writer_flush(&ch->out, &sig) != VMBUS_OK)
		return false;
	return sig;
}

bool channel_out_batch_end(struct vmbus_channel *ch)
{
	bool sig;

	pthread_mutex_lock(&ch->out_lock);
	sig = ch->out_ready && loop_batch_flush(ch);
	pthread_mutex_unlock(&ch->out_lock);
	return sig;
}

void vmbus_channel_signal_guest(struct vmbus_channel *ch)
{
	struct vmbus_server *s = ch->server;
	uint32_t vp;

	pthread_mutex_lock(&ch->out_lock);
	vp = count_signal(ch);
	pthread_mutex_unlock(&ch->out_lock);
	s->tp.ops->signal_guest(s->tp.ctx, vp, ch->relid);
}

/* Under out_lock: one packet into the ring; *vp is where to signal, UINT32_MAX if nowhere. */
static int write_locked(struct vmbus_channel *ch, uint16_t type, uint16_t flags, uint64_t trans_id,
			const struct vmbus_iov *iov, unsigned n, uint32_t *vp)
{
	bool sig = false;
	int r = vmbus_ring_write_raw(&ch->out, type, flags, trans_id, NULL, 0, iov, n, &sig);

	*vp = UINT32_MAX;
	if (r == VMBUS_OK) {
		ch->stats.packets_out++;
		if (sig)
			*vp = count_signal(ch);
	}
	return r;
}

int vmbus_channel_send(struct vmbus_channel *ch, uint16_t type, uint16_t flags, uint64_t trans_id,
		       const struct vmbus_iov *iov, unsigned n)
{
	struct vmbus_server *s = ch->server;
	const char *why;
	uint32_t vp;
	int r;

	if (ch->state != VMBUS_CHANNEL_OPEN)
		return VMBUS_E_BROKEN;
	pthread_mutex_lock(&ch->out_lock);
	r = write_locked(ch, type, flags, trans_id, iov, n, &vp);
	why = ch->out.broken;
	pthread_mutex_unlock(&ch->out_lock);
	if (vp != UINT32_MAX)
		s->tp.ops->signal_guest(s->tp.ctx, vp, ch->relid);
	if (r == VMBUS_E_PROTO || r == VMBUS_E_BROKEN)
		vmbus_channel_break(ch, why ? why : "host->guest ring corrupt");
	return r;
}

int vmbus_channel_send_from_thread(struct vmbus_channel *ch, uint64_t gen, uint16_t type,
				   uint16_t flags, uint64_t trans_id, const struct vmbus_iov *iov,
				   unsigned n, bool *signal)
{
	int r;

	*signal = false;
	pthread_mutex_lock(&ch->out_lock);
	if (!ch->out_ready || ch->out_gen != gen)
		r = VMBUS_E_BROKEN; /* closed (or closed and reopened) since: drop */
	else if (ch->want_space || ch->out.broken)
		r = VMBUS_E_AGAIN; /* the loop waits for space, or must break the channel */
	else
		r = vmbus_ring_write_raw(&ch->out, type, flags, trans_id, NULL, 0, iov, n, signal);
	if (r == VMBUS_OK)
		ch->stats.packets_out++;
	pthread_mutex_unlock(&ch->out_lock);
	/* A corrupt ring (PROTO) is the loop's to handle: its send sees the writer broken. */
	return r == VMBUS_E_PROTO ? VMBUS_E_AGAIN : r;
}

unsigned vmbus_channel_send_batch_from_thread(struct vmbus_channel *ch, uint64_t gen,
					      uint16_t type, uint16_t flags,
					      const uint64_t *trans_ids, const struct vmbus_iov *iovs,
					      unsigned count, int *status, bool *signal)
{
	unsigned done = 0;
	bool unused;
	int r = VMBUS_OK, f;

	*signal = false;
	pthread_mutex_lock(&ch->out_lock);
	if (!ch->out_ready || ch->out_gen != gen)
		r = VMBUS_E_BROKEN;
	else if (ch->want_space || ch->out.broken)
		r = VMBUS_E_AGAIN;
	if (r == VMBUS_OK) {
		/* One publish (and one signal decision) for the lot: the guest's reader sees them
		 * all at once instead of draining, unmasking and being signalled for each. */
		bool nested = ch->loop_batch; /* the loop's flush, soon, publishes these too */
		vmbus_ring_writer_batch_begin(&ch->out);
		for (; done < count; done++) {
			r = vmbus_ring_write_raw(&ch->out, type, flags, trans_ids[done], NULL, 0,
						 &iovs[done], 1, &unused);
			if (r != VMBUS_OK)
				break;
			ch->stats.packets_out++;
		}
		f = nested ? (ch->out.broken ? VMBUS_E_BROKEN : VMBUS_OK)
			   : vmbus_ring_writer_flush(&ch->out, signal);
		if (r == VMBUS_OK && f != VMBUS_OK)
			r = f; /* broken under us: what was written is dropped with the channel */
	}
	pthread_mutex_unlock(&ch->out_lock);
	/* A corrupt ring (PROTO) is the loop's to handle: its send sees the writer broken. */
	*status = r == VMBUS_E_PROTO ? VMBUS_E_AGAIN : r;
	return done;
}

uint64_t vmbus_channel_generation(struct vmbus_channel *ch)
{
	uint64_t gen;

	pthread_mutex_lock(&ch->out_lock);
	gen = ch->out_gen;
	pthread_mutex_unlock(&ch->out_lock);
	return gen;
}

int vmbus_channel_request_space(struct vmbus_channel *ch, uint32_t ring_bytes)
{
	const char *why;
	int r;

	if (ch->state != VMBUS_CHANNEL_OPEN)
		return VMBUS_E_BROKEN;
	pthread_mutex_lock(&ch->out_lock);
	/* The guest must see what it is to make room from: publish the loop's batch first. */
	bool batching = ch->loop_batch;
	bool sig = loop_batch_flush(ch);
	uint32_t vp = sig ? count_signal(ch) : 0;
	r = vmbus_ring_writer_request_space(&ch->out, ring_bytes);
	if (r == VMBUS_E_AGAIN)
		ch->want_space = true; /* threads now leave the ring to the loop */
	else if (r == VMBUS_OK && batching) { /* the space is there: the pass batches on */
		vmbus_ring_writer_batch_begin(&ch->out);
		ch->loop_batch = true;
	}
	why = ch->out.broken;
	pthread_mutex_unlock(&ch->out_lock);
	if (sig)
		ch->server->tp.ops->signal_guest(ch->server->tp.ctx, vp, ch->relid);
	if (r == VMBUS_E_PROTO || r == VMBUS_E_BROKEN)
		/* the guest corrupted read_index: break as a send does (the VSP's close runs
		 * inside this call; callers check the state, see storvsp) */
		vmbus_channel_break(ch, why ? why : "host->guest ring corrupt");
	return r;
}

void vmbus_channel_get_stats(struct vmbus_channel *ch, struct vmbus_channel_stats *st)
{
	pthread_mutex_lock(&ch->out_lock);
	*st = ch->stats;
	st->target_vp = ch->target_vp;
	pthread_mutex_unlock(&ch->out_lock);
	st->broken_reason = ch->broken_reason;
}
