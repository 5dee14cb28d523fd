/* SPDX-License-Identifier: MIT */
/* Channels: OPENCHANNEL (ring GPADL checks, mapping, ring attach, the VSP's open), CLOSECHANNEL,
 * MODIFYCHANNEL, RELID_RELEASED after a rescind, breaking a channel, and the half of the data
 * path that stays on the loop: draining the guest->host ring with interrupt mitigation (the
 * host->guest ring, which VSP threads write too, is channel_send.c's).
 *
 * States: OFFERED --OPENCHANNEL--> OPEN --CLOSECHANNEL/UNLOAD--> OFFERED
 *                                   OPEN --guest breaks the protocol--> BROKEN --CLOSE--> OFFERED
 *         any --device removal--> RESCINDED --RELID_RELEASED/UNLOAD--> freed */
#include "server_internal.h"

#include <stdlib.h>
#include <string.h>

static void send_open_result(struct vmbus_server *s, uint32_t relid, uint32_t open_id,
			     uint32_t status)
{
	struct vmbus_chmsg_open_result r = { .h.type = VMBUS_CHMSG_OPENCHANNEL_RESULT,
					     .child_relid = relid,
					     .open_id = open_id,
					     .status = status };
	server_post(s, &r, sizeof(r));
}

static uint32_t open_refused(struct vmbus_channel *ch, const char *why)
{
	chan_log(ch, VMBUS_LOG_WARN, "OPENCHANNEL refused: %s", why);
	return SERVER_OPEN_FAILED;
}

/* Map the ring GPADL and attach both rings; 0 or a refusal status. */
static uint32_t attach_rings(struct vmbus_channel *ch, const struct vmbus_chmsg_open_channel *m)
{
	struct vmbus_server *s = ch->server;
	struct server_gpadl *g = gpadl_find(s, m->ring_gpadl);
	struct vmbus_gpadl_range r;
	struct vmbus_ring_mem in, out;
	struct vmbus_ring_writer writer;
	uint8_t *w;
	uint32_t off = m->downstream_page_offset;

	if (!g || !g->complete || g->child_relid != ch->relid)
		return open_refused(ch, "ring GPADL unknown, incomplete or another channel's");
	if (g->in_use)
		return open_refused(ch, "ring GPADL already holds rings");
	if (g->as.range_count != 1 || vmbus_gpadl_asm_range(&g->as, 0, &r) != VMBUS_OK ||
	    r.byte_offset != 0 || r.byte_count != r.pfn_count * VMBUS_PAGE_SIZE)
		return open_refused(ch, "ring GPADL is not one whole-page range");
	/* Each ring: a control page and at least one data page. */
	if (off < 2 || off > r.pfn_count - 2 || r.pfn_count < 4)
		return open_refused(ch, "downstream ring offset leaves a ring without data");
	if ((uint64_t)off * VMBUS_PAGE_SIZE > ch->max_ring_bytes ||
	    (uint64_t)(r.pfn_count - off) * VMBUS_PAGE_SIZE > ch->max_ring_bytes)
		return open_refused(ch, "ring larger than the limit");
	w = s->tp.ops->map_pages(s->tp.ctx, r.pfns, r.pfn_count);
	if (!w)
		return open_refused(ch, "ring pages cannot be mapped");
	in.ctrl = (struct vmbus_ring_control *)w;
	in.data = w + VMBUS_PAGE_SIZE;
	in.data_size = (off - 1) * VMBUS_PAGE_SIZE;
	out.ctrl = (struct vmbus_ring_control *)(w + (size_t)off * VMBUS_PAGE_SIZE);
	out.data = w + (size_t)(off + 1) * VMBUS_PAGE_SIZE;
	out.data_size = (r.pfn_count - off - 1) * VMBUS_PAGE_SIZE;
	if (vmbus_ring_reader_attach(&ch->in, &in) != VMBUS_OK ||
	    vmbus_ring_writer_attach(&writer, &out) != VMBUS_OK) {
		s->tp.ops->unmap_pages(s->tp.ctx, w, r.pfn_count);
		memset(&ch->in, 0, sizeof(ch->in));
		return open_refused(ch, "ring indices invalid");
	}
	channel_out_attach(ch, &writer);
	g->in_use = true;
	ch->ring_gpadl = g;
	ch->ring_window = w;
	ch->ring_pages = r.pfn_count;
	return 0;
}

static void detach_rings(struct vmbus_channel *ch)
{
	struct vmbus_server *s = ch->server;

	if (!ch->ring_window)
		return;
	channel_out_detach(ch); /* first: a VSP thread may be writing until it returns */
	s->tp.ops->unmap_pages(s->tp.ctx, ch->ring_window, ch->ring_pages);
	/* Set with the window; tested rather than assumed, so that the proof needs no relation
	 * between the two fields. */
	if (ch->ring_gpadl)
		ch->ring_gpadl->in_use = false;
	ch->ring_gpadl = NULL;
	ch->ring_window = NULL;
	ch->ring_pages = 0;
	memset(&ch->in, 0, sizeof(ch->in));
}

void channel_on_open(struct vmbus_server *s, const struct vmbus_chmsg_open_channel *m)
{
	struct vmbus_channel *ch = server_find_relid(s, m->child_relid);
	uint32_t status;

	if (!ch || !ch->offered) {
		vmbus_server_log(s, VMBUS_LOG_WARN, "vmbus", "OPENCHANNEL of unknown relid %u",
				 m->child_relid);
		send_open_result(s, m->child_relid, m->open_id, SERVER_OPEN_FAILED);
		return;
	}
	if (ch->state != VMBUS_CHANNEL_OFFERED) {
		status = open_refused(ch, ch->state == VMBUS_CHANNEL_OPEN ? "already open"
					  : ch->state == VMBUS_CHANNEL_BROKEN
						  ? "broken, close first"
						  : "rescinded");
		send_open_result(s, m->child_relid, m->open_id, status);
		return;
	}
	status = attach_rings(ch, m);
	if (status == 0) {
		channel_set_target_vp(ch, m->target_vp);
		ch->state = VMBUS_CHANNEL_OPEN;
		ch->stalled = ch->kick_queued = false; /* want_space: cleared by the attach */
		ch->broken_reason = NULL;
		if (ch->ops->open && ch->ops->open(ch, m->user_data) != 0) {
			ch->state = VMBUS_CHANNEL_OFFERED;
			detach_rings(ch);
			status = open_refused(ch, "the device refused");
		}
	}
	if (status == 0)
		chan_log(ch, VMBUS_LOG_INFO, "opened (rings %u+%u bytes, VP %u)",
			 ch->in.mem.data_size, ch->out.mem.data_size, ch->target_vp);
	send_open_result(s, m->child_relid, m->open_id, status);
	if (status == 0 && ch->ops->started)
		ch->ops->started(ch);
	/* Packets the guest queued before the open completed. */
	if (status == 0 && ch->state == VMBUS_CHANNEL_OPEN)
		channel_drain(ch);
}

void channel_stop(struct vmbus_channel *ch)
{
	bool was_active = ch->state == VMBUS_CHANNEL_OPEN || ch->ring_window;

	ch->drain_deferred = false; /* nothing left to read; the resume handle skips it */

	if (ch->state == VMBUS_CHANNEL_OPEN || ch->state == VMBUS_CHANNEL_BROKEN)
		ch->state = VMBUS_CHANNEL_OFFERED;
	if (was_active && ch->ops->close)
		ch->ops->close(ch);
	detach_rings(ch);
}

void channel_on_close(struct vmbus_server *s, uint32_t relid)
{
	struct vmbus_channel *ch = server_find_relid(s, relid);

	if (!ch) {
		vmbus_server_log(s, VMBUS_LOG_WARN, "vmbus", "CLOSECHANNEL of unknown relid %u",
				 relid);
		return;
	}
	if (ch->state == VMBUS_CHANNEL_OPEN || ch->state == VMBUS_CHANNEL_BROKEN)
		chan_log(ch, VMBUS_LOG_INFO, "closed by the guest");
	channel_stop(ch); /* nothing waits on it; a close of a closed channel is a no-op */
}

void channel_on_modify(struct vmbus_server *s, const struct vmbus_chmsg_modify_channel *m)
{
	struct vmbus_channel *ch = server_find_relid(s, m->child_relid);
	uint32_t status = 0;

	if (s->version < VMBUS_VERSION_WIN10_V4_1) {
		vmbus_server_log(s, VMBUS_LOG_WARN, "vmbus", "MODIFYCHANNEL before protocol 4.1");
		status = SERVER_OPEN_FAILED;
	} else if (!ch || ch->state != VMBUS_CHANNEL_OPEN) {
		vmbus_server_log(s, VMBUS_LOG_WARN, "vmbus", "MODIFYCHANNEL of relid %u not open",
				 m->child_relid);
		status = SERVER_OPEN_FAILED;
	} else {
		channel_set_target_vp(ch, m->target_vp);
		chan_log(ch, VMBUS_LOG_INFO, "signals now go to VP %u", m->target_vp);
	}
	/* Only 5.3 guests wait for (and understand) the response. */
	if (s->version >= VMBUS_VERSION_WIN10_V5_3) {
		struct vmbus_chmsg_modify_channel_response r = {
			.h.type = VMBUS_CHMSG_MODIFYCHANNEL_RESPONSE,
			.child_relid = m->child_relid,
			.status = status
		};
		server_post(s, &r, sizeof(r));
	}
}

void channel_free(struct vmbus_channel *ch)
{
	gpadl_free_all(ch->server, ch->relid);
	if (ch->ops->destroy)
		ch->ops->destroy(ch); /* joins the VSP's threads: nobody holds out_lock now */
	pthread_mutex_destroy(&ch->out_lock);
	ch->next = NULL; /* the relid's slot, free for the next channel of that relid */
}

void channel_on_relid_released(struct vmbus_server *s, uint32_t relid)
{
	struct vmbus_channel **pp, *ch;

	for (pp = &s->channels; *pp && (*pp)->relid != relid; pp = &(*pp)->next)
		;
	ch = *pp;
	if (!ch || ch->state != VMBUS_CHANNEL_RESCINDED) {
		vmbus_server_log(s, VMBUS_LOG_WARN, "vmbus",
				 "RELID_RELEASED of relid %u that was not rescinded", relid);
		return;
	}
	chan_log(ch, VMBUS_LOG_INFO, "relid released: removed");
	*pp = ch->next;
	channel_free(ch);
}

void vmbus_channel_break(struct vmbus_channel *ch, const char *why)
{
	if (ch->state != VMBUS_CHANNEL_OPEN)
		return;
	chan_log(ch, VMBUS_LOG_ERROR, "broken: %s", why);
	channel_stop(ch);
	ch->state = VMBUS_CHANNEL_BROKEN;
	ch->broken_reason = why;
}

/* Drain budget. A guest that writes from another VP can put a packet into the ring between
 * our commit and the re-check after unmask, every time (and junk packets cost a VSP little), so
 * "drain until empty" could hold the worker's only loop thread -- which also serves vmms and
 * every other channel of the VM -- for as long as the guest likes. A drain therefore reads at
 * most lim.drain_budget packets (default 256: a packet's cost is mostly the VSP's callback, not
 * its bytes, and the ring limit bounds the bytes anyway; enough to amortise the per-pass
 * commit and signal, small enough to hand the loop back within microseconds for cheap packets
 * (~10 us in tests/host/vsp/test_drain.c)). With the budget spent it
 * commits, leaves the ring masked (the guest need not signal: we come back) and defers the
 * rest to the server's idle handle, which gives each deferred channel one budget per loop turn
 * (fair between channels; timers and I/O run between turns). */

static void on_resume(uv_idle_t *h);

/* The deferred channel with the lowest relid above after, NULL if none. By relid rather than
 * by pointer: a VSP's callback may remove channels while we walk. */
static struct vmbus_channel *next_deferred(struct vmbus_server *s, uint32_t after)
{
	for (struct vmbus_channel *ch = s->channels; ch; ch = ch->next)
		if (ch->relid > after && ch->drain_deferred)
			return ch;
	return NULL;
}

/* Continue ch's drain from the loop; false if no handle can be had (then drain on). */
static bool drain_defer(struct vmbus_channel *ch)
{
	struct vmbus_server *s = ch->server;

	if (s->destroying)
		return false;
	if (!s->resume->idle_ok) {
		/* Refused: the record stays (freed at destroy), the next deferral tries again. */
		if (uv_idle_init(s->loop, &s->resume->idle) != 0)
			return false;
		s->resume->idle_ok = true;
	}
	ch->drain_deferred = true;
	ch->stats.drains_deferred++;
	uv_idle_start(&s->resume->idle, on_resume); /* no-op if already started */
	return true;
}

/* One loop turn: one budget for every channel deferred before it started. */
static void on_resume(uv_idle_t *h)
{
	struct server_resume *rs = h->data;
	struct vmbus_server *s = rs->server;
	struct vmbus_channel *ch;
	uint32_t last = 0;

	if (!s) {
		uv_idle_stop(h);
		return;
	}
	while ((ch = next_deferred(s, last))) {
		last = ch->relid;
		ch->drain_deferred = false;
		if (ch->state == VMBUS_CHANNEL_OPEN)
			channel_drain(ch); /* may defer ch again: served next turn */
	}
	if (!next_deferred(s, 0))
		uv_idle_stop(h); /* an idle handle keeps the loop from blocking */
}

bool channel_resume_init(struct vmbus_server *s)
{
	s->resume = calloc(1, sizeof(*s->resume));
	if (!s->resume)
		return false;
	s->resume->server = s;
	s->resume->idle.data = s->resume; /* libuv never touches a handle's data */
	return true;
}

static void resume_closed(uv_handle_t *h)
{
	free(h->data);
}

void channel_resume_close(struct vmbus_server *s)
{
	if (!s->resume)
		return;
	s->resume->server = NULL;
	if (s->resume->idle_ok)
		uv_close((uv_handle_t *)&s->resume->idle, resume_closed);
	else
		free(s->resume); /* libuv never knew it */
	s->resume = NULL;
}

/* Read up to budget packets (fewer if the ring empties or the VSP stalls); *n: how many were
 * handed to the VSP. Returns false when the drain must end: with *why set if the guest broke
 * the protocol (the caller breaks the channel), NULL if the channel stopped under it (the
 * VSP's send or request_space broke it). The pass itself never breaks the channel: every
 * state it returns in has the rings as it found them, so that a state joined with another
 * (in the server proof) never holds a detached ring that a later step of the drain reads. */
static bool drain_pass(struct vmbus_channel *ch, uint32_t budget, uint32_t *n, const char **why)
{
	struct vmbus_pkt p;
	enum vmbus_vsp_verdict v;
	int r;

	*n = 0;
	if (ch->state != VMBUS_CHANNEL_OPEN)
		return false;
	while (*n < budget && !ch->stalled) {
		r = vmbus_ring_peek(&ch->in, &p);
		if (r == VMBUS_E_AGAIN)
			break;
		if (r != VMBUS_OK) {
			*why = ch->in.broken ? ch->in.broken : "guest->host ring corrupt";
			return false;
		}
		(*n)++;
		v = ch->ops->packet(ch, &p);
		if (ch->state != VMBUS_CHANNEL_OPEN)
			return false; /* the VSP's send or request_space broke it */
		switch (v) {
		case VMBUS_VSP_CONSUMED:
			ch->stats.packets_in++;
			if (vmbus_ring_consume(&ch->in, &p) != VMBUS_OK) {
				*why = "consume failed";
				return false;
			}
			break;
		case VMBUS_VSP_STALL:
			ch->stalled = true;
			break;
		case VMBUS_VSP_BAD:
			*why = "the device refused a packet";
			return false;
		}
	}
	return true;
}

/* End of a pass: the VSP's batch boundary, the pass's answers published at once, then ring
 * space back to the guest; one signal for both when the guest needs one (new packets on an
 * empty, unmasked ring; space it asked for with pending_send_sz). False when the drain must
 * end, as for drain_pass. */
static bool drain_commit(struct vmbus_channel *ch, const char **why)
{
	bool sig, out_sig;

	if (ch->state != VMBUS_CHANNEL_OPEN)
		return false;
	if (ch->ops->drained)
		ch->ops->drained(ch);
	out_sig = channel_out_batch_end(ch);
	if (ch->state != VMBUS_CHANNEL_OPEN)
		return false;
	if (vmbus_ring_commit(&ch->in, &sig) != VMBUS_OK) {
		*why = "guest->host ring corrupt at commit";
		return false;
	}
	if (sig || out_sig)
		vmbus_channel_signal_guest(ch);
	return true;
}

/* Read what the guest queued, within the budget. The reader masks interrupts while it drains
 * (the guest then does not signal), unmasks at the end and drains again if data slipped in
 * meanwhile (the ring library's rule: unmask returns 1). Ring space goes back to the guest
 * once per pass (commit). Called while a continuation is pending, it leaves the reading to
 * that continuation: one budget per channel per loop turn, however often the guest signals.
 * A guest that breaks the protocol breaks the channel after the loop, never inside it: the
 * loop only ever goes round with the rings attached. */
void channel_drain(struct vmbus_channel *ch)
{
	uint32_t budget = ch->server->lim.drain_budget, n;
	const char *why = NULL;
	int r;

	if (ch->drain_deferred)
		return;
	if (ch->draining) {
		ch->kick_queued = true;
		return;
	}
	ch->draining = true;
	for (;;) {
		ch->kick_queued = false;
		vmbus_ring_reader_mask(&ch->in);
		channel_out_batch_begin(ch);
		if (!drain_pass(ch, budget, &n, &why))
			break;
		budget -= n ? n : 1; /* a pass that reads nothing (a kick) costs too */
		if (!drain_commit(ch, &why))
			break;
		if (budget == 0 && !ch->stalled) {
			if (drain_defer(ch))
				break; /* still masked: the continuation reads on */
			budget = ch->server->lim.drain_budget;
		}
		r = vmbus_ring_reader_unmask(&ch->in);
		if (r < 0) {
			why = "guest->host ring corrupt at unmask";
			break;
		}
		if (ch->stalled)
			break; /* resumed by vmbus_channel_kick */
		if (r == 0 && !ch->kick_queued)
			break;
	}
	if (why)
		vmbus_channel_break(ch, why);
	/* Precision (the server proof, with -eva-interprocedural-splits): the states this drain
	 * ends in are kept apart by which channel it drained and whether that channel is still
	 * open, up to the caller of the server's entry point, so that a later drain of an open
	 * channel never starts from a state joined with one whose rings are detached. */
	/*@ split ch->relid; */
	/*@ split ch->state; */
	ch->draining = false;
}

void vmbus_channel_kick(struct vmbus_channel *ch)
{
	ch->stalled = false;
	if (ch->state == VMBUS_CHANNEL_OPEN)
		channel_drain(ch);
}

void *vmbus_channel_ctx(const struct vmbus_channel *ch)
{
	return ch->ctx;
}
struct vmbus_server *vmbus_channel_server(const struct vmbus_channel *ch)
{
	return ch->server;
}
enum vmbus_channel_state vmbus_channel_state(const struct vmbus_channel *ch)
{
	return ch->state;
}
uint32_t vmbus_channel_relid(const struct vmbus_channel *ch)
{
	return ch->relid;
}
const char *vmbus_channel_name(const struct vmbus_channel *ch)
{
	return ch->name;
}
