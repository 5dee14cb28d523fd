/* SPDX-License-Identifier: MIT */
/* The VMBus server's front: lifecycle, the channel-management message dispatcher, version
 * negotiation (INITIATE_CONTACT / VERSION_RESPONSE), offers (REQUESTOFFERS / OFFERCHANNEL /
 * ALLOFFERS_DELIVERED / RESCIND), UNLOAD, and channel registration. The server owns the storage
 * of its channels (a slot per relid) and of its GPADLs (gpadl.c's table) from create to destroy:
 * see server_internal.h.
 *
 * Rule: every request a Linux guest waits on without a timeout (INITIATE_CONTACT, GPADL_HEADER,
 * OPENCHANNEL, GPADL_TEARDOWN, UNLOAD, MODIFYCHANNEL from 5.3) is answered, even when it is
 * malformed: the decoder's private copy still holds the identifiers the guest matches the answer
 * on, and the answer then carries a refusal. */
#include "server_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Versions Linux 6.1 offers (newest first); every one is accepted. */
static const uint32_t server_versions[] = {
	VMBUS_VERSION_WIN10_V5_3, VMBUS_VERSION_WIN10_V5_2, VMBUS_VERSION_WIN10_V5_1,
	VMBUS_VERSION_WIN10_V5,	  VMBUS_VERSION_WIN10_V4_1, VMBUS_VERSION_WIN10,
	VMBUS_VERSION_WIN8_1,	  VMBUS_VERSION_WIN8,
};

/* Most lines are the guest's doing (warnings about its messages, but also a channel opened,
 * closed or broken, which it can repeat in a loop): at most SERVER_WARN_BURST lines per second
 * reach the VM log, so that a guest cannot flood it; the count of the suppressed ones follows. */
#define SERVER_WARN_BURST 50

static void vlog(struct vmbus_server *s, enum vmbus_log_level level, const char *component,
		 const char *fmt, va_list ap)
{
	char line[512];

	if (!s->log)
		return;
	{
		uint64_t now = uv_now(s->loop);
		if (now - s->warn_window_ms >= 1000) {
			if (s->warn_suppressed) {
				snprintf(line, sizeof(line), "%u log lines suppressed (rate limit)",
					 s->warn_suppressed);
				s->log(s->log_ctx, VMBUS_LOG_WARN, "vmbus", line);
			}
			s->warn_window_ms = now;
			s->warn_count = 0;
			s->warn_suppressed = 0;
		}
		if (++s->warn_count > SERVER_WARN_BURST) {
			s->warn_suppressed++;
			return;
		}
	}
	vsnprintf(line, sizeof(line), fmt, ap);
	s->log(s->log_ctx, level, component, line);
}

void vmbus_server_log(struct vmbus_server *s, enum vmbus_log_level level, const char *component,
		      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(s, level, component, fmt, ap);
	va_end(ap);
}

void chan_log(struct vmbus_channel *ch, enum vmbus_log_level level, const char *fmt, ...)
{
	char line[448];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	vmbus_server_log(ch->server, level, "vmbus", "channel %u (%s): %s", ch->relid, ch->name,
			 line);
}

void server_post(struct vmbus_server *s, const void *msg, uint32_t len)
{
	const struct vmbus_chmsg_header *h = msg;

	if (s->tp.ops->post_message(s->tp.ctx, s->msg_vp, s->msg_sint, msg, len) < 0)
		vmbus_server_log(
			s, VMBUS_LOG_WARN, "vmbus",
			"guest message queue full: %s dropped (guest not reading messages)",
			vmbus_chmsg_type_name(h->type));
}

struct vmbus_server *vmbus_server_create(const struct vmbus_server_config *cfg)
{
	struct vmbus_server *s;

	if (!cfg || !cfg->loop || !cfg->transport.ops)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->loop = cfg->loop;
	s->tp = cfg->transport;
	s->lim = cfg->limits;
	if (!s->lim.max_gpadls)
		s->lim.max_gpadls = 256;
	if (!s->lim.max_gpadl_pages)
		s->lim.max_gpadl_pages = 8192;
	if (!s->lim.max_total_pages)
		s->lim.max_total_pages = 65536;
	if (!s->lim.max_ring_bytes)
		s->lim.max_ring_bytes = 4u << 20;
	if (!s->lim.drain_budget)
		s->lim.drain_budget = 256;
	s->log = cfg->log;
	s->log_ctx = cfg->log_ctx;
	s->msg_sint = VMBUS_MESSAGE_SINT;
	if (!gpadl_table_init(s)) {
		free(s);
		return NULL;
	}
	if (!channel_resume_init(s)) {
		gpadl_table_free(s);
		free(s);
		return NULL;
	}
	return s;
}

void vmbus_server_destroy(struct vmbus_server *s)
{
	if (!s)
		return;
	s->destroying = true;
	while (s->channels) {
		struct vmbus_channel *ch = s->channels;
		channel_stop(ch);
		s->channels = ch->next;
		channel_free(ch);
	}
	gpadl_free_all(s, 0);
	gpadl_table_free(s);
	channel_resume_close(s);
	free(s);
}

uv_loop_t *vmbus_server_loop(struct vmbus_server *s)
{
	return s->loop;
}
const struct vmbus_transport *vmbus_server_transport(struct vmbus_server *s)
{
	return &s->tp;
}
uint32_t vmbus_server_version(const struct vmbus_server *s)
{
	return s->connected ? s->version : 0;
}

void vmbus_server_get_stats(const struct vmbus_server *s, struct vmbus_server_stats *st)
{
	st->channels = 0;
	for (struct vmbus_channel *ch = s->channels; ch; ch = ch->next)
		st->channels++;
	st->gpadls = s->gpadl_count;
	st->gpadl_pages = s->gpadl_pages;
}

void vmbus_server_foreach_channel(struct vmbus_server *s,
				  void (*fn)(void *ctx, struct vmbus_channel *ch), void *ctx)
{
	for (struct vmbus_channel *ch = s->channels; ch; ch = ch->next)
		fn(ctx, ch);
}

struct vmbus_channel *server_find_relid(struct vmbus_server *s, uint32_t relid)
{
	for (struct vmbus_channel *ch = s->channels; ch; ch = ch->next)
		if (ch->relid == relid)
			return ch;
	return NULL;
}

void server_offer(struct vmbus_server *s, struct vmbus_channel *ch)
{
	struct vmbus_chmsg_offer o;

	memset(&o, 0, sizeof(o));
	o.h.type = VMBUS_CHMSG_OFFERCHANNEL;
	o.if_type = ch->if_type;
	o.if_instance = ch->if_instance;
	o.child_relid = ch->relid;
	o.monitor_id = 0xFF; /* no monitor page (flags bit 0 clear) */
	o.is_dedicated_interrupt = VMBUS_OFFER_DEDICATED_INTERRUPT;
	o.connection_id = ch->connection_id;
	server_post(s, &o, sizeof(o));
	ch->offered = true;
}

/* UNLOAD, or a fresh INITIATE_CONTACT: the guest forgot everything, so does the server. */
static void server_reset(struct vmbus_server *s)
{
	struct vmbus_channel **pp = &s->channels;

	while (*pp) {
		struct vmbus_channel *ch = *pp;
		channel_stop(ch);
		ch->offered = false;
		if (ch->state == VMBUS_CHANNEL_RESCINDED) {
			/* the guest will never release the relid now: free it */
			*pp = ch->next;
			channel_free(ch);
			continue;
		}
		ch->state = VMBUS_CHANNEL_OFFERED;
		pp = &ch->next;
	}
	gpadl_free_all(s, 0);
	s->connected = false;
	s->offers_requested = false;
	s->version = 0;
}

static bool version_known(uint32_t v)
{
	for (size_t i = 0; i < sizeof(server_versions) / sizeof(server_versions[0]); i++)
		if (server_versions[i] == v)
			return true;
	return false;
}

static void on_initiate_contact(struct vmbus_server *s, uint32_t connection_id,
				const struct vmbus_chmsg_initiate_contact *m, bool valid)
{
	struct vmbus_chmsg_version_response r;
	bool v5 = m->version >= VMBUS_VERSION_WIN10_V5;
	bool ok = valid && version_known(m->version);

	/* From 5.0 the guest names its message SINT and uses connection id 4; before, SINT 2 and
	 * connection id 1. A mismatch is refused like an unknown version. */
	if (ok && v5 && connection_id != VMBUS_MESSAGE_CONNECTION_ID_4)
		ok = false;
	if (ok && !v5 && connection_id != VMBUS_MESSAGE_CONNECTION_ID)
		ok = false;
	if (s->connected)
		server_reset(s); /* re-contact without UNLOAD (e.g. kexec'd guest) */
	s->msg_vp = m->target_vcpu;
	s->msg_sint = v5 && ok ? m->msg_sint : VMBUS_MESSAGE_SINT;
	memset(&r, 0, sizeof(r));
	r.h.type = VMBUS_CHMSG_VERSION_RESPONSE;
	r.version_supported = ok;
	r.connection_state = 0;
	r.msg_conn_id = v5 ? VMBUS_MESSAGE_CONNECTION_ID : 0;
	if (ok) {
		s->connected = true;
		s->version = m->version;
		vmbus_server_log(s, VMBUS_LOG_INFO, "vmbus",
				 "guest connected: protocol %u.%u, messages to VP %u SINT %u",
				 m->version >> 16, m->version & 0xffff, s->msg_vp, s->msg_sint);
	} else {
		vmbus_server_log(s, VMBUS_LOG_INFO, "vmbus",
				 "INITIATE_CONTACT for version %u.%u on connection %u refused",
				 m->version >> 16, m->version & 0xffff, connection_id);
	}
	server_post(s, &r, sizeof(r));
}

static void on_request_offers(struct vmbus_server *s)
{
	struct vmbus_chmsg_header done = { .type = VMBUS_CHMSG_ALLOFFERS_DELIVERED };

	if (!s->connected) {
		vmbus_server_log(s, VMBUS_LOG_WARN, "vmbus",
				 "REQUESTOFFERS before contact ignored");
		return;
	}
	s->offers_requested = true;
	for (struct vmbus_channel *ch = s->channels; ch; ch = ch->next)
		if (ch->state != VMBUS_CHANNEL_RESCINDED && !ch->offered)
			server_offer(s, ch);
	server_post(s, &done, sizeof(done));
}

static void on_unload(struct vmbus_server *s)
{
	struct vmbus_chmsg_header r = { .type = VMBUS_CHMSG_UNLOAD_RESPONSE };

	vmbus_server_log(s, VMBUS_LOG_INFO, "vmbus", "guest unloaded VMBus: all channels reset");
	server_reset(s);
	server_post(s, &r, sizeof(r));
}

/* A message the decoder refused: answer the requests the guest waits on with a refusal,
 * matched on the identifiers it will look for; log everything. */
static void on_malformed(struct vmbus_server *s, uint32_t connection_id, const union vmbus_chmsg *m,
			 uint32_t len, const char *why)
{
	uint32_t type = len >= sizeof(m->h) ? m->h.type : 0;

	vmbus_server_log(s, VMBUS_LOG_WARN, "vmbus", "malformed %s message (%u bytes): %s",
			 vmbus_chmsg_type_name(type), len, why ? why : "?");
	switch (type) {
	case VMBUS_CHMSG_INITIATE_CONTACT:
		on_initiate_contact(s, connection_id, &m->initiate, false);
		break;
	case VMBUS_CHMSG_GPADL_HEADER: {
		struct vmbus_chmsg_gpadl_created r = { .h.type = VMBUS_CHMSG_GPADL_CREATED,
						       .child_relid = m->gpadl_header.child_relid,
						       .gpadl = m->gpadl_header.gpadl,
						       .status = SERVER_GPADL_REFUSED };
		/* Never answer for a handle that exists: that GPADL's own answer is what the
		 * guest waits for. */
		if (s->connected && !gpadl_find(s, m->gpadl_header.gpadl))
			server_post(s, &r, sizeof(r));
		break;
	}
	case VMBUS_CHMSG_GPADL_BODY: {
		/* A bad body fails the GPADL it belongs to (its header is what the guest waits
		 * on). */
		struct server_gpadl *g = gpadl_find(s, m->gpadl_body.gpadl);
		if (g && !g->complete) {
			struct vmbus_chmsg_gpadl_created r = { .h.type = VMBUS_CHMSG_GPADL_CREATED,
							       .child_relid = g->child_relid,
							       .gpadl = g->handle,
							       .status = SERVER_GPADL_REFUSED };
			gpadl_free(s, g);
			server_post(s, &r, sizeof(r));
		}
		break;
	}
	case VMBUS_CHMSG_OPENCHANNEL: {
		struct vmbus_chmsg_open_result r = { .h.type = VMBUS_CHMSG_OPENCHANNEL_RESULT,
						     .child_relid = m->open.child_relid,
						     .open_id = m->open.open_id,
						     .status = SERVER_OPEN_FAILED };
		if (s->connected)
			server_post(s, &r, sizeof(r));
		break;
	}
	case VMBUS_CHMSG_GPADL_TEARDOWN:
		/* The guest matches TORNDOWN on the handle alone. */
		if (s->connected && m->gpadl_teardown.gpadl)
			gpadl_on_teardown(s, 0, m->gpadl_teardown.gpadl);
		break;
	case VMBUS_CHMSG_MODIFYCHANNEL:
		if (s->connected && s->version >= VMBUS_VERSION_WIN10_V5_3) {
			struct vmbus_chmsg_modify_channel_response r = {
				.h.type = VMBUS_CHMSG_MODIFYCHANNEL_RESPONSE,
				.child_relid = m->modify.child_relid,
				.status = SERVER_OPEN_FAILED
			};
			server_post(s, &r, sizeof(r));
		}
		break;
	default:
		break; /* nothing waits on the others */
	}
}

int vmbus_server_post_message(struct vmbus_server *s, uint32_t connection_id, const void *msg,
			      uint32_t len)
{
	union vmbus_chmsg m;
	const char *why = NULL;
	int type;

	if (connection_id != VMBUS_MESSAGE_CONNECTION_ID &&
	    connection_id != VMBUS_MESSAGE_CONNECTION_ID_4)
		return HV_STATUS_INVALID_CONNECTION_ID;
	if (len > VMBUS_CHMSG_MAX_SIZE)
		return HV_STATUS_INVALID_PARAMETER; /* the hypercall itself refuses */
	type = vmbus_chmsg_decode(msg, len, &m, &why);
	if (type < 0) {
		on_malformed(s, connection_id, &m, len, why);
		return HV_STATUS_SUCCESS;
	}
	if (type != VMBUS_CHMSG_INITIATE_CONTACT && !s->connected) {
		vmbus_server_log(s, VMBUS_LOG_WARN, "vmbus", "%s before INITIATE_CONTACT ignored",
				 vmbus_chmsg_type_name((uint32_t)type));
		return HV_STATUS_SUCCESS;
	}
	switch (type) {
	case VMBUS_CHMSG_INITIATE_CONTACT:
		on_initiate_contact(s, connection_id, &m.initiate, true);
		break;
	case VMBUS_CHMSG_REQUESTOFFERS:
		on_request_offers(s);
		break;
	case VMBUS_CHMSG_GPADL_HEADER:
		gpadl_on_header(s, &m.gpadl_header, len);
		break;
	case VMBUS_CHMSG_GPADL_BODY:
		gpadl_on_body(s, &m.gpadl_body, len);
		break;
	case VMBUS_CHMSG_GPADL_TEARDOWN:
		gpadl_on_teardown(s, m.gpadl_teardown.child_relid, m.gpadl_teardown.gpadl);
		break;
	case VMBUS_CHMSG_OPENCHANNEL:
		channel_on_open(s, &m.open);
		break;
	case VMBUS_CHMSG_CLOSECHANNEL:
		channel_on_close(s, m.relid.child_relid);
		break;
	case VMBUS_CHMSG_RELID_RELEASED:
		channel_on_relid_released(s, m.relid.child_relid);
		break;
	case VMBUS_CHMSG_MODIFYCHANNEL:
		channel_on_modify(s, &m.modify);
		break;
	case VMBUS_CHMSG_UNLOAD:
		on_unload(s);
		break;
	default:
		/* host -> guest types sent by the guest */
		vmbus_server_log(s, VMBUS_LOG_WARN, "vmbus", "unexpected %s from the guest ignored",
				 vmbus_chmsg_type_name((uint32_t)type));
		break;
	}
	return HV_STATUS_SUCCESS;
}

int vmbus_server_signal(struct vmbus_server *s, uint32_t connection_id)
{
	uint32_t relid = connection_id - VMBUS_CHANNEL_CONNECTION_BASE;
	struct vmbus_channel *ch;

	if (connection_id <= VMBUS_CHANNEL_CONNECTION_BASE || relid > VMBUS_RELID_MAX)
		return HV_STATUS_INVALID_CONNECTION_ID;
	ch = server_find_relid(s, relid);
	if (!ch)
		return HV_STATUS_INVALID_CONNECTION_ID;
	ch->stats.signals_in++;
	if (ch->state != VMBUS_CHANNEL_OPEN)
		return HV_STATUS_SUCCESS; /* late signal after close: harmless */
	if (channel_take_want_space(ch)) {
		if (ch->ops->writable)
			ch->ops->writable(ch);
	}
	if (ch->state == VMBUS_CHANNEL_OPEN)
		channel_drain(ch);
	return HV_STATUS_SUCCESS;
}

struct vmbus_channel *vmbus_server_add_channel(struct vmbus_server *s,
					       const struct vmbus_channel_desc *d)
{
	struct vmbus_channel *ch, **pp;
	uint32_t relid = 0;

	if (!d || !d->ops || !d->ops->packet)
		return NULL;
	/* Lowest free relid: the guest may not have released the old ones yet. */
	for (uint32_t r = 1; r <= VMBUS_RELID_MAX && !relid; r++)
		if (!server_find_relid(s, r))
			relid = r;
	if (!relid)
		return NULL;
	/* The relid's slot: free, since no channel has the relid. */
	ch = &s->channel_slots[relid - 1];
	memset(ch, 0, sizeof(*ch));
	if (pthread_mutex_init(&ch->out_lock, NULL) != 0)
		return NULL;
	ch->server = s;
	snprintf(ch->name, sizeof(ch->name), "%s", d->name ? d->name : "vsp");
	ch->if_type = d->if_type;
	ch->if_instance = d->if_instance;
	ch->ops = d->ops;
	ch->ctx = d->ctx;
	ch->max_ring_bytes = d->max_ring_bytes && d->max_ring_bytes < s->lim.max_ring_bytes
				     ? d->max_ring_bytes
				     : s->lim.max_ring_bytes;
	ch->relid = relid;
	ch->connection_id = VMBUS_CHANNEL_CONNECTION_BASE + relid;
	ch->state = VMBUS_CHANNEL_OFFERED;
	for (pp = &s->channels; *pp && (*pp)->relid < relid; pp = &(*pp)->next)
		;
	ch->next = *pp;
	*pp = ch;
	if (s->connected && s->offers_requested)
		server_offer(s, ch); /* hot add */
	return ch;
}

void vmbus_server_remove_channel(struct vmbus_channel *ch)
{
	struct vmbus_server *s = ch->server;
	struct vmbus_chmsg_relid r = { .h.type = VMBUS_CHMSG_RESCIND_OFFER,
				       .child_relid = ch->relid };

	if (ch->state == VMBUS_CHANNEL_RESCINDED)
		return;
	channel_stop(ch);
	if (!(s->connected && ch->offered)) {
		struct vmbus_channel **pp;
		for (pp = &s->channels; *pp != ch; pp = &(*pp)->next)
			;
		*pp = ch->next;
		channel_free(ch);
		return;
	}
	ch->state = VMBUS_CHANNEL_RESCINDED;
	chan_log(ch, VMBUS_LOG_INFO, "rescinded");
	server_post(s, &r, sizeof(r));
}

const char *vmbus_channel_state_name(enum vmbus_channel_state st)
{
	switch (st) {
	case VMBUS_CHANNEL_OFFERED:
		return "offered";
	case VMBUS_CHANNEL_OPEN:
		return "open";
	case VMBUS_CHANNEL_BROKEN:
		return "broken";
	case VMBUS_CHANNEL_RESCINDED:
		return "rescinded";
	}
	return "?";
}
