/* SPDX-License-Identifier: MIT */
/* Host side of the IC message framework: request builders and the validating reply parser. */
#include "vsp/icmsg.h"

#include <string.h>

static uint32_t build_header(uint8_t *b, uint32_t cap, uint16_t type, uint32_t framework,
			     uint32_t message, uint8_t txn, uint32_t body)
{
	struct ic_pipe_hdr pipe = { .flags = 1,
				    .msgsize = (uint32_t)sizeof(struct ic_msg_hdr) + body };
	struct ic_msg_hdr h;

	if (cap < IC_HDR_SIZE + body || IC_HDR_SIZE + body > IC_MAX_PACKET)
		return 0;
	memset(&h, 0, sizeof(h));
	h.framework.major = (uint16_t)(framework >> 16);
	h.framework.minor = (uint16_t)framework;
	h.type = type;
	h.msgver.major = (uint16_t)(message >> 16);
	h.msgver.minor = (uint16_t)message;
	h.size = (uint16_t)body;
	h.transaction_id = txn;
	h.flags = IC_FLAG_TRANSACTION | IC_FLAG_REQUEST;
	memcpy(b, &pipe, sizeof(pipe));
	memcpy(b + sizeof(pipe), &h, sizeof(h));
	memset(b + IC_HDR_SIZE, 0, body);
	return IC_HDR_SIZE + body;
}

uint32_t icmsg_build_negotiate(void *buf, uint32_t cap, const struct icmsg_offer *offer,
			       uint8_t txn)
{
	uint32_t n = offer->framework_count + offer->message_count;
	uint32_t body = (uint32_t)sizeof(struct ic_negotiate) + 4 * n;
	struct ic_negotiate neg = { .framework_count = (uint16_t)offer->framework_count,
				    .message_count = (uint16_t)offer->message_count };
	uint8_t *b = buf;
	uint32_t len;

	if (offer->framework_count > IC_NEGOTIATE_MAX_VERSIONS ||
	    offer->message_count > IC_NEGOTIATE_MAX_VERSIONS)
		return 0;
	/* The framework version in the NEGOTIATE header itself is 1.0 (not yet agreed). */
	len = build_header(b, cap, IC_MSGTYPE_NEGOTIATE, IC_VERSION(1, 0), IC_VERSION(1, 0), txn,
			   body);
	if (!len)
		return 0;
	memcpy(b + IC_HDR_SIZE, &neg, sizeof(neg));
	for (uint32_t i = 0; i < n; i++) {
		uint32_t v = i < offer->framework_count
				     ? offer->framework[i]
				     : offer->message[i - offer->framework_count];
		struct ic_version iv = { (uint16_t)(v >> 16), (uint16_t)v };
		memcpy(b + IC_HDR_SIZE + sizeof(neg) + 4 * i, &iv, 4);
	}
	return len;
}

uint32_t icmsg_build_heartbeat(void *buf, uint32_t cap, uint32_t framework, uint32_t message,
			       uint8_t txn, uint64_t seq)
{
	uint32_t len = build_header(buf, cap, IC_MSGTYPE_HEARTBEAT, framework, message, txn,
				    sizeof(struct ic_heartbeat));
	if (len)
		memcpy((uint8_t *)buf + IC_HDR_SIZE, &seq, sizeof(seq));
	return len;
}

uint32_t icmsg_build_shutdown(void *buf, uint32_t cap, uint32_t framework, uint32_t message,
			      uint8_t txn, uint32_t flags, uint32_t reason, uint32_t timeout_s,
			      const char *text)
{
	struct ic_shutdown sd;
	uint32_t len =
		build_header(buf, cap, IC_MSGTYPE_SHUTDOWN, framework, message, txn, sizeof(sd));
	if (!len)
		return 0;
	memset(&sd, 0, sizeof(sd));
	sd.reason_code = reason;
	sd.timeout_seconds = timeout_s;
	sd.flags = flags;
	if (text)
		strncpy((char *)sd.display_message, text, sizeof(sd.display_message) - 1);
	memcpy((uint8_t *)buf + IC_HDR_SIZE, &sd, sizeof(sd));
	return len;
}

uint32_t icmsg_build_timesync(void *buf, uint32_t cap, uint32_t framework, uint32_t message,
			      uint8_t txn, uint64_t parent_time, uint64_t reference_time,
			      uint8_t flags)
{
	uint32_t len;

	if (message >= IC_VERSION(4, 0)) {
		struct ic_timesync_ref t = { .parent_time = parent_time,
					     .vm_reference_time = reference_time,
					     .flags = flags };
		len = build_header(buf, cap, IC_MSGTYPE_TIMESYNC, framework, message, txn,
				   sizeof(t));
		if (len)
			memcpy((uint8_t *)buf + IC_HDR_SIZE, &t, sizeof(t));
	} else {
		struct ic_timesync_v3 t = { .parent_time = parent_time, .flags = flags };
		len = build_header(buf, cap, IC_MSGTYPE_TIMESYNC, framework, message, txn,
				   sizeof(t));
		if (len)
			memcpy((uint8_t *)buf + IC_HDR_SIZE, &t, sizeof(t));
	}
	return len;
}

static bool offered(const uint32_t *list, uint32_t n, uint32_t v)
{
	for (uint32_t i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

static int fail(const char **why, const char *w)
{
	if (why)
		*why = w;
	return -1;
}

int icmsg_parse_reply(const void *buf, uint32_t len, uint16_t expect_type,
		      const struct icmsg_offer *offer, struct icmsg_reply *out, const char **why)
{
	const uint8_t *b = buf;
	struct ic_msg_hdr h;

	memset(out, 0, sizeof(*out));
	if (len < IC_HDR_SIZE)
		return fail(why, "shorter than the IC headers");
	if (len > IC_MAX_PACKET)
		return fail(why, "longer than an IC packet");
	memcpy(&h, b + sizeof(struct ic_pipe_hdr), sizeof(h));
	if (!(h.flags & IC_FLAG_RESPONSE))
		return fail(why, "not a response");
	if (h.type != expect_type)
		return fail(why, "answers another message type");
	out->type = h.type;
	out->status = h.status;
	out->transaction_id = h.transaction_id;
	switch (h.type) {
	case IC_MSGTYPE_NEGOTIATE: {
		struct ic_negotiate neg;
		struct ic_version v[2];

		if (len < IC_HDR_SIZE + sizeof(neg))
			return fail(why, "negotiate body truncated");
		memcpy(&neg, b + IC_HDR_SIZE, sizeof(neg));
		if (neg.framework_count == 0 && neg.message_count == 0)
			return 0; /* the guest supports none of ours: valid, not negotiated */
		if (neg.framework_count != 1 || neg.message_count != 1)
			return fail(why, "negotiate counts are not 1/1 or 0/0");
		if (len < IC_HDR_SIZE + sizeof(neg) + sizeof(v))
			return fail(why, "negotiate versions truncated");
		memcpy(v, b + IC_HDR_SIZE + sizeof(neg), sizeof(v));
		out->framework = IC_VERSION(v[0].major, v[0].minor);
		out->message = IC_VERSION(v[1].major, v[1].minor);
		if (offer && (!offered(offer->framework, offer->framework_count, out->framework) ||
			      !offered(offer->message, offer->message_count, out->message)))
			return fail(why, "negotiate picked a version that was not offered");
		out->negotiated = true;
		return 0;
	}
	case IC_MSGTYPE_HEARTBEAT: {
		if (len < IC_HDR_SIZE + sizeof(struct ic_heartbeat))
			return fail(why, "heartbeat body truncated");
		memcpy(&out->heartbeat_seq, b + IC_HDR_SIZE, sizeof(out->heartbeat_seq));
		return 0;
	}
	case IC_MSGTYPE_SHUTDOWN:
	case IC_MSGTYPE_TIMESYNC:
	case IC_MSGTYPE_KVPEXCHANGE:
		return 0; /* only the status matters */
	default:
		return fail(why, "unknown message type");
	}
}
