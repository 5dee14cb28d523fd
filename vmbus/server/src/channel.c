/* Channels: OPENCHANNEL (ring GPADL checks, mapping, ring attach, the VSP's open), CLOSECHANNEL,
 * MODIFYCHANNEL, RELID_RELEASED after a rescind, breaking a channel, and the data path the VSPs
 * use: draining the guest->host ring with interrupt mitigation and writing packets back.
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
	    vmbus_ring_writer_attach(&ch->out, &out) != VMBUS_OK) {
		s->tp.ops->unmap_pages(s->tp.ctx, w, r.pfn_count);
		return open_refused(ch, "ring indices invalid");
	}
	g->in_use = true;
	ch->ring_gpadl = g;
	ch->ring_window = w;
	ch->rings_mapped = true;
	return 0;
}

static void detach_rings(struct vmbus_channel *ch)
{
	struct vmbus_server *s = ch->server;

	if (!ch->rings_mapped)
		return;
	s->tp.ops->unmap_pages(s->tp.ctx, ch->ring_window, ch->ring_gpadl->pfn_count);
	ch->ring_gpadl->in_use = false;
	ch->ring_gpadl = NULL;
	ch->ring_window = NULL;
	ch->rings_mapped = false;
	memset(&ch->in, 0, sizeof(ch->in));
	memset(&ch->out, 0, sizeof(ch->out));
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
					  : ch->state == VMBUS_CHANNEL_BROKEN ? "broken, close first"
									      : "rescinded");
		send_open_result(s, m->child_relid, m->open_id, status);
		return;
	}
	status = attach_rings(ch, m);
	if (status == 0) {
		ch->target_vp = m->target_vp;
		ch->state = VMBUS_CHANNEL_OPEN;
		ch->stalled = ch->want_space = ch->kick_queued = false;
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
	bool was_active = ch->state == VMBUS_CHANNEL_OPEN || ch->rings_mapped;

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
	channel_stop(ch);	/* nothing waits on it; a close of a closed channel is a no-op */
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
		ch->target_vp = m->target_vp;
		chan_log(ch, VMBUS_LOG_INFO, "signals now go to VP %u", m->target_vp);
	}
	/* Only 5.3 guests wait for (and understand) the response. */
	if (s->version >= VMBUS_VERSION_WIN10_V5_3) {
		struct vmbus_chmsg_modify_channel_response r = {
			.h.type = VMBUS_CHMSG_MODIFYCHANNEL_RESPONSE,
			.child_relid = m->child_relid,
			.status = status };
		server_post(s, &r, sizeof(r));
	}
}

void channel_free(struct vmbus_channel *ch)
{
	gpadl_free_all(ch->server, ch->relid);
	if (ch->ops->destroy)
		ch->ops->destroy(ch);
	free(ch);
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

static void signal_guest(struct vmbus_channel *ch)
{
	struct vmbus_server *s = ch->server;

	ch->stats.signals_out++;
	s->tp.ops->signal_guest(s->tp.ctx, ch->target_vp, ch->relid);
}

/* Read everything the guest queued. The reader masks interrupts while it drains (the guest
 * then does not signal), unmasks at the end and drains again if data slipped in meanwhile
 * (the ring library's rule: unmask returns 1). Ring space goes back to the guest once per
 * batch (commit), with a signal only if the guest asked for it with pending_send_sz. */
void channel_drain(struct vmbus_channel *ch)
{
	struct vmbus_pkt p;
	bool sig;
	int r;

	if (ch->draining) {
		ch->kick_queued = true;
		return;
	}
	ch->draining = true;
	for (;;) {
		ch->kick_queued = false;
		vmbus_ring_reader_mask(&ch->in);
		while (ch->state == VMBUS_CHANNEL_OPEN && !ch->stalled) {
			r = vmbus_ring_peek(&ch->in, &p);
			if (r == VMBUS_E_AGAIN)
				break;
			if (r != VMBUS_OK) {
				vmbus_channel_break(ch, ch->in.broken ? ch->in.broken
								     : "guest->host ring corrupt");
				break;
			}
			switch (ch->ops->packet(ch, &p)) {
			case VMBUS_VSP_CONSUMED:
				ch->stats.packets_in++;
				if (vmbus_ring_consume(&ch->in, &p) != VMBUS_OK)
					vmbus_channel_break(ch, "consume failed");
				break;
			case VMBUS_VSP_STALL:
				ch->stalled = true;
				break;
			case VMBUS_VSP_BAD:
				vmbus_channel_break(ch, "the device refused a packet");
				break;
			}
		}
		if (ch->state != VMBUS_CHANNEL_OPEN)
			break;
		if (ch->ops->drained)
			ch->ops->drained(ch);
		if (vmbus_ring_commit(&ch->in, &sig) != VMBUS_OK) {
			vmbus_channel_break(ch, "guest->host ring corrupt at commit");
			break;
		}
		if (sig)
			signal_guest(ch);	/* the guest waits for this space */
		r = vmbus_ring_reader_unmask(&ch->in);
		if (r < 0) {
			vmbus_channel_break(ch, "guest->host ring corrupt at unmask");
			break;
		}
		if (ch->stalled)
			break;	/* resumed by vmbus_channel_kick */
		if (r == 0 && !ch->kick_queued)
			break;
	}
	ch->draining = false;
}

void vmbus_channel_kick(struct vmbus_channel *ch)
{
	ch->stalled = false;
	if (ch->state == VMBUS_CHANNEL_OPEN)
		channel_drain(ch);
}

int vmbus_channel_send(struct vmbus_channel *ch, uint16_t type, uint16_t flags,
		       uint64_t trans_id, const struct vmbus_iov *iov, unsigned n)
{
	bool sig = false;
	int r;

	if (ch->state != VMBUS_CHANNEL_OPEN)
		return VMBUS_E_BROKEN;
	r = vmbus_ring_write_raw(&ch->out, type, flags, trans_id, NULL, 0, iov, n, &sig);
	if (r == VMBUS_OK) {
		ch->stats.packets_out++;
		if (sig)
			signal_guest(ch);
	} else if (r == VMBUS_E_PROTO || r == VMBUS_E_BROKEN) {
		vmbus_channel_break(ch, ch->out.broken ? ch->out.broken : "host->guest ring corrupt");
	}
	return r;
}

int vmbus_channel_request_space(struct vmbus_channel *ch, uint32_t ring_bytes)
{
	int r;

	if (ch->state != VMBUS_CHANNEL_OPEN)
		return VMBUS_E_BROKEN;
	r = vmbus_ring_writer_request_space(&ch->out, ring_bytes);
	if (r == VMBUS_E_AGAIN)
		ch->want_space = true;
	return r;
}

void *vmbus_channel_ctx(const struct vmbus_channel *ch) { return ch->ctx; }
struct vmbus_server *vmbus_channel_server(const struct vmbus_channel *ch) { return ch->server; }
enum vmbus_channel_state vmbus_channel_state(const struct vmbus_channel *ch) { return ch->state; }
uint32_t vmbus_channel_relid(const struct vmbus_channel *ch) { return ch->relid; }
const char *vmbus_channel_name(const struct vmbus_channel *ch) { return ch->name; }

void vmbus_channel_get_stats(const struct vmbus_channel *ch, struct vmbus_channel_stats *st)
{
	*st = ch->stats;
	st->target_vp = ch->target_vp;
	st->broken_reason = ch->broken_reason;
}
