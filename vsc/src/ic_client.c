/* SPDX-License-Identifier: MIT */
/* Guest-side IC clients: Linux 6.1 hv_utils behaviour (shutdown_onchannelcallback,
 * heartbeat_onchannelcallback, timesync_onchannelcallback, vmbus_prep_negotiate_resp). */
#include "vsc/ic_client.h"

#include "vmbus/freestanding_libc.h"

/* Linux 6.1: fw_versions[], sd_versions[], ts_versions[], hb_versions[]. */
static const uint32_t ic_fw[] = { IC_VERSION(3, 0), IC_VERSION(1, 0) };
static const uint32_t ic_sd[] = { IC_VERSION(3, 2), IC_VERSION(3, 1), IC_VERSION(3, 0),
				  IC_VERSION(1, 0) };
static const uint32_t ic_ts[] = { IC_VERSION(4, 0), IC_VERSION(3, 0), IC_VERSION(1, 0) };
static const uint32_t ic_hb[] = { IC_VERSION(3, 0), IC_VERSION(1, 0) };

bool ic_negotiate_answer(uint8_t *buf, uint32_t buflen, const uint32_t *fw, uint32_t nfw,
			 const uint32_t *srv, uint32_t nsrv, uint32_t *fw_out, uint32_t *srv_out)
{
	struct ic_msg_hdr h;
	struct ic_negotiate neg;
	uint32_t fwmaj = 0, fwmin = 0, msgmaj = 0, msgmin = 0;
	bool found = false;
	struct ic_version v[2];

	/* room for the two counts */
	if (buflen < IC_HDR_SIZE + 4)
		return false;
	memcpy(&h, buf + sizeof(struct ic_pipe_hdr), sizeof(h));
	h.size = 0x10;
	memcpy(buf + sizeof(struct ic_pipe_hdr), &h, sizeof(h));
	memcpy(&neg, buf + IC_HDR_SIZE, buflen >= IC_HDR_SIZE + sizeof(neg) ? sizeof(neg) : 4);
	fwmaj = neg.framework_count;
	msgmaj = neg.message_count;
	if (neg.framework_count > IC_NEGOTIATE_MAX_VERSIONS ||
	    neg.message_count > IC_NEGOTIATE_MAX_VERSIONS ||
	    IC_HDR_SIZE + sizeof(neg) + 4u * (neg.framework_count + neg.message_count) > buflen)
		goto out;
	for (uint32_t i = 0; i < nfw && !found; i++)
		for (uint32_t j = 0; j < neg.framework_count; j++) {
			struct ic_version x;
			memcpy(&x, buf + IC_HDR_SIZE + sizeof(neg) + 4 * j, 4);
			if (x.major == fw[i] >> 16 && x.minor == (fw[i] & 0xffff)) {
				fwmaj = x.major;
				fwmin = x.minor;
				found = true;
				break;
			}
		}
	if (!found)
		goto out;
	found = false;
	for (uint32_t i = 0; i < nsrv && !found; i++)
		for (uint32_t j = neg.framework_count;
		     j < (uint32_t)neg.framework_count + neg.message_count; j++) {
			struct ic_version x;
			memcpy(&x, buf + IC_HDR_SIZE + sizeof(neg) + 4 * j, 4);
			if (x.major == srv[i] >> 16 && x.minor == (srv[i] & 0xffff)) {
				msgmaj = x.major;
				msgmin = x.minor;
				found = true;
				break;
			}
		}
out:
	neg.framework_count = found ? 1 : 0;
	neg.message_count = found ? 1 : 0;
	v[0].major = (uint16_t)fwmaj;
	v[0].minor = (uint16_t)fwmin;
	v[1].major = (uint16_t)msgmaj;
	v[1].minor = (uint16_t)msgmin;
	/* Linux writes the counts and both version slots unconditionally (its buffer is a page);
	 * ours stays within the packet. */
	if (buflen >= IC_HDR_SIZE + sizeof(neg))
		memcpy(buf + IC_HDR_SIZE, &neg, sizeof(neg));
	if (buflen >= IC_HDR_SIZE + sizeof(neg) + sizeof(v))
		memcpy(buf + IC_HDR_SIZE + sizeof(neg), v, sizeof(v));
	if (found) {
		*fw_out = IC_VERSION(fwmaj, fwmin);
		*srv_out = IC_VERSION(msgmaj, msgmin);
	}
	return found;
}

bool ic_client_answer(struct ic_client *ic, uint8_t *buf, uint32_t len)
{
	struct ic_msg_hdr h;

	if (len < IC_HDR_SIZE) {
		ic->dropped++; /* "Packet length too small" */
		return false;
	}
	memcpy(&h, buf + sizeof(struct ic_pipe_hdr), sizeof(h));
	if (h.type == IC_MSGTYPE_NEGOTIATE) {
		const uint32_t *srv = ic->kind == IC_CLIENT_SHUTDOWN	? ic_sd
				      : ic->kind == IC_CLIENT_HEARTBEAT ? ic_hb
									: ic_ts;
		uint32_t nsrv = ic->kind == IC_CLIENT_SHUTDOWN	  ? 4
				: ic->kind == IC_CLIENT_HEARTBEAT ? 2
								  : 3;
		ic->negotiations++;
		ic_negotiate_answer(buf, len, ic_fw, 2, srv, nsrv, &ic->framework, &ic->message);
		memcpy(&h, buf + sizeof(struct ic_pipe_hdr), sizeof(h));
	} else if (ic->kind == IC_CLIENT_SHUTDOWN && h.type == IC_MSGTYPE_SHUTDOWN) {
		struct ic_shutdown sd;
		if (len < IC_HDR_SIZE + sizeof(sd)) {
			ic->dropped++;
			return false;
		}
		memcpy(&sd, buf + IC_HDR_SIZE, 12);
		ic->requests++;
		switch (sd.flags) {
		case 0:
		case 1:
		case 2:
		case 3:
			h.status = IC_STATUS_OK;
			ic->shutdown_requested = true;
			ic->shutdown_flags = sd.flags;
			break;
		default:
			h.status = IC_STATUS_FAIL; /* hibernate not allowed, unknown */
			break;
		}
	} else if (ic->kind == IC_CLIENT_HEARTBEAT && h.type == IC_MSGTYPE_HEARTBEAT) {
		struct ic_heartbeat hb;
		if (len < IC_HDR_SIZE + sizeof(hb)) {
			ic->dropped++;
			return false;
		}
		memcpy(&hb, buf + IC_HDR_SIZE, sizeof(hb));
		hb.seq_num += 1;
		ic->heartbeat_seq = hb.seq_num;
		ic->requests++;
		memcpy(buf + IC_HDR_SIZE, &hb, sizeof(hb));
	} else if (ic->kind == IC_CLIENT_TIMESYNC && h.type == IC_MSGTYPE_TIMESYNC) {
		if (ic->message > IC_VERSION(3, 0)) {
			struct ic_timesync_ref t;
			if (len < IC_HDR_SIZE + sizeof(t)) {
				ic->dropped++;
				return false;
			}
			memcpy(&t, buf + IC_HDR_SIZE, sizeof(t));
			ic->host_time = t.parent_time;
			ic->host_reference = t.vm_reference_time;
			ic->time_flags = t.flags;
		} else {
			struct ic_timesync_v3 t;
			if (len < IC_HDR_SIZE + sizeof(t)) {
				ic->dropped++;
				return false;
			}
			memcpy(&t, buf + IC_HDR_SIZE, sizeof(t));
			ic->host_time = t.parent_time;
			ic->time_flags = t.flags;
		}
		ic->requests++;
		if (ic->time_flags & IC_TIMESYNC_FLAG_SYNC)
			ic->syncs++;
		else if (ic->time_flags & IC_TIMESYNC_FLAG_SAMPLE)
			ic->samples++;
	} else {
		h.status = IC_STATUS_FAIL; /* "Invalid msg type" */
	}
	h.flags = IC_FLAG_TRANSACTION | IC_FLAG_RESPONSE;
	memcpy(buf + sizeof(struct ic_pipe_hdr), &h, sizeof(h));
	return true;
}

int ic_client_open(struct ic_client *ic, enum ic_client_kind kind, struct vmbus_client *c,
		   uint32_t relid)
{
	memset(ic, 0, sizeof(*ic));
	ic->kind = kind;
	ic->client = c;
	return vmbus_client_open(c, &ic->ch, relid, IC_RING_BYTES, 0);
}

int ic_client_close(struct ic_client *ic)
{
	return vmbus_client_close(ic->client, &ic->ch);
}

int ic_client_poll(struct ic_client *ic)
{
	uint64_t id;
	uint16_t type;
	int n = 0, r;

	while ((r = vsc_channel_recv(&ic->ch, ic->buf, sizeof(ic->buf), &id, &type)) > 0) {
		struct vmbus_iov iov = { ic->buf, (uint32_t)r };
		if (!ic_client_answer(ic, ic->buf, (uint32_t)r))
			continue;
		if (vsc_channel_send(&ic->ch, VMBUS_PKT_DATA_INBAND, 0, id, &iov, 1) != VMBUS_OK)
			return VSC_E_PROTO;
		n++;
	}
	return r < 0 ? r : n;
}
