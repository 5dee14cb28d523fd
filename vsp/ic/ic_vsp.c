/* SPDX-License-Identifier: MIT */
/* Integration-service VSPs (shutdown, heartbeat, time sync, KVP): one channel each, the IC
 * framework negotiation on open, periodic requests on a libuv timer, one request outstanding
 * at a time, the guest's answers validated before they count. See include/vsp/ic.h. */
#include "vsp/ic.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vsp/icmsg.h"

struct ic_vsp {
	struct vmbus_server *server;
	struct vmbus_channel *ch;
	struct ic_vsp_config cfg;
	struct icmsg_offer offer;
	uv_timer_t timer;
	struct ic_vsp_status st;
	uint16_t out_type;   /* type of the outstanding request */
	uint64_t out_req_id; /* its packet transaction id */
	uint64_t next_req_id;
	uint8_t next_txn;
	uint64_t next_seq;
	uint8_t buf[IC_MAX_PACKET];
};

static const uint32_t ic_framework_versions[] = { IC_VERSION(3, 0), IC_VERSION(1, 0) };
static const uint32_t ic_shutdown_versions[] = { IC_VERSION(3, 2), IC_VERSION(3, 1),
						 IC_VERSION(3, 0), IC_VERSION(1, 0) };
static const uint32_t ic_timesync_versions[] = { IC_VERSION(4, 0), IC_VERSION(3, 0),
						 IC_VERSION(1, 0) };
static const uint32_t ic_heartbeat_versions[] = { IC_VERSION(3, 0), IC_VERSION(1, 0) };
static const uint32_t ic_kvp_versions[] = { IC_VERSION(4, 0), IC_VERSION(3, 0), IC_VERSION(1, 0) };

#define N(a) (uint32_t)(sizeof(a) / sizeof((a)[0]))

const char *ic_service_name(enum ic_service svc)
{
	switch (svc) {
	case IC_SERVICE_SHUTDOWN:
		return "shutdown";
	case IC_SERVICE_HEARTBEAT:
		return "heartbeat";
	case IC_SERVICE_TIMESYNC:
		return "timesync";
	case IC_SERVICE_KVP:
		return "kvp";
	}
	return "?";
}

static void ic_log(struct ic_vsp *ic, enum vmbus_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void ic_log(struct ic_vsp *ic, enum vmbus_log_level lvl, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	vmbus_server_log(ic->server, lvl, ic_service_name(ic->cfg.service), "%s", line);
}

/* Send the request in ic->buf (len bytes) and make it the outstanding one. */
static int send_request(struct ic_vsp *ic, uint16_t type, uint32_t len)
{
	struct vmbus_iov iov = { ic->buf, len };
	uint64_t id = ++ic->next_req_id;
	int r;

	if (!len)
		return -EINVAL;
	r = vmbus_channel_send(ic->ch, VMBUS_PKT_DATA_INBAND, 0, id, &iov, 1);
	if (r == VMBUS_E_AGAIN)
		return -EAGAIN; /* the guest is not reading: try again next period */
	if (r != VMBUS_OK)
		return -EPIPE;
	ic->st.outstanding = true;
	ic->st.requests++;
	ic->out_type = type;
	ic->out_req_id = id;
	return 0;
}

/* Host UTC in 100 ns units since 1601-01-01. */
static uint64_t parent_time_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 10000000ull + (uint64_t)ts.tv_nsec / 100 + IC_WLTIMEDELTA;
}

int ic_vsp_send_timesync(struct ic_vsp *ic, uint8_t flags)
{
	const struct vmbus_transport *tp = vmbus_server_transport(ic->server);
	uint32_t len;

	if (ic->cfg.service != IC_SERVICE_TIMESYNC)
		return -EINVAL;
	if (!ic->st.open || !ic->st.negotiated || ic->st.outstanding)
		return -EAGAIN;
	/* Sample both clocks as close together as possible: the guest adds the reference time
	 * elapsed since vm_reference_time. */
	uint64_t ref = tp->ops->reference_time(tp->ctx);
	uint64_t parent = parent_time_now();
	len = icmsg_build_timesync(ic->buf, sizeof(ic->buf), ic->st.framework, ic->st.message,
				   ic->next_txn++, parent, ref, flags);
	return send_request(ic, IC_MSGTYPE_TIMESYNC, len);
}

int ic_vsp_request_shutdown(struct ic_vsp *ic, bool reboot, bool force, const char *reason)
{
	uint32_t flags = (reboot ? IC_SHUTDOWN_FLAG_REBOOT : 0) |
			 (force ? IC_SHUTDOWN_FLAG_FORCE : 0);
	uint32_t len;

	if (ic->cfg.service != IC_SERVICE_SHUTDOWN)
		return -EINVAL;
	if (!ic->st.open || !ic->st.negotiated || ic->st.outstanding)
		return -EAGAIN;
	len = icmsg_build_shutdown(ic->buf, sizeof(ic->buf), ic->st.framework, ic->st.message,
				   ic->next_txn++, flags, 0, 0, reason);
	ic_log(ic, VMBUS_LOG_INFO, "asking the guest to %s%s", reboot ? "reboot" : "power off",
	       force ? " (forced)" : "");
	return send_request(ic, IC_MSGTYPE_SHUTDOWN, len);
}

static void send_heartbeat(struct ic_vsp *ic)
{
	uint32_t len = icmsg_build_heartbeat(ic->buf, sizeof(ic->buf), ic->st.framework,
					     ic->st.message, ic->next_txn++, ic->next_seq);
	send_request(ic, IC_MSGTYPE_HEARTBEAT, len);
}

static void timer_cb(uv_timer_t *t)
{
	struct ic_vsp *ic = t->data;

	if (!ic->st.open || !ic->st.negotiated || ic->st.outstanding)
		return; /* never pile requests up behind a silent guest */
	if (ic->cfg.service == IC_SERVICE_HEARTBEAT)
		send_heartbeat(ic);
	else if (ic->cfg.service == IC_SERVICE_TIMESYNC)
		ic_vsp_send_timesync(ic, IC_TIMESYNC_FLAG_SAMPLE);
}

static void on_negotiated(struct ic_vsp *ic)
{
	switch (ic->cfg.service) {
	case IC_SERVICE_TIMESYNC:
		ic_vsp_send_timesync(ic, IC_TIMESYNC_FLAG_SYNC); /* set the clock at open */
		uv_timer_start(&ic->timer, timer_cb, ic->cfg.period_ms, ic->cfg.period_ms);
		break;
	case IC_SERVICE_HEARTBEAT:
		send_heartbeat(ic);
		uv_timer_start(&ic->timer, timer_cb, ic->cfg.period_ms, ic->cfg.period_ms);
		break;
	default:
		break;
	}
}

static enum vmbus_vsp_verdict on_packet(struct vmbus_channel *ch, const struct vmbus_pkt *p)
{
	struct ic_vsp *ic = vmbus_channel_ctx(ch);
	uint32_t len = vmbus_pkt_payload_len(p);
	struct icmsg_reply rep;
	const char *why = NULL;
	uint8_t buf[IC_MAX_PACKET];

	if (p->desc.type != VMBUS_PKT_DATA_INBAND || len > sizeof(buf) ||
	    vmbus_pkt_copy(p, p->data_off, buf, len) != VMBUS_OK) {
		ic->st.bad_answers++;
		ic_log(ic, VMBUS_LOG_WARN, "packet (type %u, %u bytes) ignored", p->desc.type, len);
		return VMBUS_VSP_CONSUMED;
	}
	if (!ic->st.outstanding || p->desc.trans_id != ic->out_req_id) {
		ic->st.bad_answers++;
		ic_log(ic, VMBUS_LOG_WARN, "unsolicited packet (request id %llu) ignored",
		       (unsigned long long)p->desc.trans_id);
		return VMBUS_VSP_CONSUMED;
	}
	/* len includes the writer's padding to 8 bytes; the parser checks minimum sizes only. */
	if (icmsg_parse_reply(buf, len, ic->out_type, &ic->offer, &rep, &why) != 0) {
		ic->st.bad_answers++;
		ic_log(ic, VMBUS_LOG_WARN, "invalid answer: %s", why);
		return VMBUS_VSP_CONSUMED; /* still outstanding */
	}
	ic->st.outstanding = false;
	ic->st.answers++;
	ic->st.last_status = rep.status;
	ic->st.last_heard_ms = uv_now(vmbus_server_loop(ic->server));
	switch (rep.type) {
	case IC_MSGTYPE_NEGOTIATE:
		if (!rep.negotiated) {
			ic_log(ic, VMBUS_LOG_WARN,
			       "the guest supports none of the offered versions");
			break;
		}
		ic->st.negotiated = true;
		ic->st.framework = rep.framework;
		ic->st.message = rep.message;
		ic_log(ic, VMBUS_LOG_INFO, "negotiated framework %u.%u, message %u.%u",
		       rep.framework >> 16, rep.framework & 0xffff, rep.message >> 16,
		       rep.message & 0xffff);
		on_negotiated(ic);
		break;
	case IC_MSGTYPE_HEARTBEAT:
		if (rep.heartbeat_seq != ic->next_seq + 1) {
			ic->st.bad_answers++;
			ic_log(ic, VMBUS_LOG_WARN, "heartbeat answered %llu, expected %llu",
			       (unsigned long long)rep.heartbeat_seq,
			       (unsigned long long)ic->next_seq + 1);
		}
		ic->st.heartbeat_seq = rep.heartbeat_seq;
		ic->next_seq = rep.heartbeat_seq + 1;
		break;
	case IC_MSGTYPE_SHUTDOWN:
		ic_log(ic, rep.status ? VMBUS_LOG_WARN : VMBUS_LOG_INFO,
		       "the guest answered the shutdown request with status %#x", rep.status);
		break;
	default:
		break;
	}
	if (ic->cfg.on_answer)
		ic->cfg.on_answer(ic->cfg.ctx, ic, rep.type, rep.status);
	return VMBUS_VSP_CONSUMED;
}

static int on_open(struct vmbus_channel *ch, const uint8_t *user_data)
{
	struct ic_vsp *ic = vmbus_channel_ctx(ch);

	(void)user_data;
	ic->st.open = true;
	ic->st.negotiated = false;
	ic->st.outstanding = false;
	return 0;
}

/* The host speaks first: NEGOTIATE right after the guest learnt the open succeeded. */
static void on_started(struct vmbus_channel *ch)
{
	struct ic_vsp *ic = vmbus_channel_ctx(ch);
	uint32_t len = icmsg_build_negotiate(ic->buf, sizeof(ic->buf), &ic->offer, ic->next_txn++);

	if (send_request(ic, IC_MSGTYPE_NEGOTIATE, len) != 0)
		ic_log(ic, VMBUS_LOG_WARN, "negotiate could not be sent");
}

static void on_close(struct vmbus_channel *ch)
{
	struct ic_vsp *ic = vmbus_channel_ctx(ch);

	ic->st.open = false;
	ic->st.negotiated = false;
	ic->st.outstanding = false;
	uv_timer_stop(&ic->timer);
}

static void free_ic(uv_handle_t *h)
{
	free(h->data);
}

static void on_destroy(struct vmbus_channel *ch)
{
	struct ic_vsp *ic = vmbus_channel_ctx(ch);

	uv_timer_stop(&ic->timer);
	uv_close((uv_handle_t *)&ic->timer, free_ic);
}

static const struct vmbus_vsp_ops ic_ops = {
	.open = on_open,
	.started = on_started,
	.packet = on_packet,
	.close = on_close,
	.destroy = on_destroy,
};

struct ic_vsp *ic_vsp_create(struct vmbus_server *s, const struct ic_vsp_config *cfg, char *err,
			     size_t errlen)
{
	struct ic_vsp *ic = calloc(1, sizeof(*ic));
	struct vmbus_channel_desc d;

	if (!ic) {
		snprintf(err, errlen, "ic: out of memory");
		return NULL;
	}
	ic->server = s;
	ic->cfg = *cfg;
	ic->offer.framework = ic_framework_versions;
	ic->offer.framework_count = N(ic_framework_versions);
	memset(&d, 0, sizeof(d));
	switch (cfg->service) {
	case IC_SERVICE_SHUTDOWN:
		d.if_type = vmbus_guid_shutdown;
		ic->offer.message = ic_shutdown_versions;
		ic->offer.message_count = N(ic_shutdown_versions);
		break;
	case IC_SERVICE_HEARTBEAT:
		d.if_type = vmbus_guid_heartbeat;
		ic->offer.message = ic_heartbeat_versions;
		ic->offer.message_count = N(ic_heartbeat_versions);
		if (!ic->cfg.period_ms)
			ic->cfg.period_ms = 1000;
		break;
	case IC_SERVICE_TIMESYNC:
		d.if_type = vmbus_guid_timesync;
		ic->offer.message = ic_timesync_versions;
		ic->offer.message_count = N(ic_timesync_versions);
		if (!ic->cfg.period_ms)
			ic->cfg.period_ms = 5000;
		break;
	case IC_SERVICE_KVP:
		d.if_type = vmbus_guid_kvp;
		ic->offer.message = ic_kvp_versions;
		ic->offer.message_count = N(ic_kvp_versions);
		break;
	default:
		free(ic);
		snprintf(err, errlen, "ic: unknown service %d", cfg->service);
		return NULL;
	}
	d.name = ic_service_name(cfg->service);
	d.if_instance = cfg->instance;
	d.ops = &ic_ops;
	d.ctx = ic;
	d.max_ring_bytes = 64 * 1024;
	uv_timer_init(vmbus_server_loop(s), &ic->timer);
	ic->timer.data = ic;
	ic->ch = vmbus_server_add_channel(s, &d);
	if (!ic->ch) {
		snprintf(err, errlen, "ic %s: no channel left", d.name);
		uv_close((uv_handle_t *)&ic->timer, free_ic);
		return NULL;
	}
	return ic;
}

void ic_vsp_remove(struct ic_vsp *ic)
{
	vmbus_server_remove_channel(ic->ch);
}

struct vmbus_channel *ic_vsp_channel(struct ic_vsp *ic)
{
	return ic->ch;
}

void ic_vsp_get_status(const struct ic_vsp *ic, struct ic_vsp_status *st)
{
	*st = ic->st;
}
