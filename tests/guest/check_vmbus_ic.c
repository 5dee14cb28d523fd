/* SPDX-License-Identifier: MIT */
/*
 * vmbus-ic [ignore-shutdown=1]: the integration services as Linux's hv_utils answers them.
 * Opens shutdown, heartbeat and time sync (and the SCSI channel, when offered, so that
 * `hvctl show` lists every channel open), then answers in a wait loop for as long as the VM
 * runs: heartbeats (a line now and then), time samples (a line each), and a shutdown request,
 * which ends the check (PASS, then power off: the graceful `hvctl stop`). With
 * ignore-shutdown=1 the shutdown request is read but never answered and the guest keeps
 * running: the worker must give up after its timeout and force the VM off.
 */
#include "cmdline.h"
#include "synic.h"
#include "testguest.h"
#include "vmbus_env.h"
#include "vsc/ic_client.h"
#include "vsc/storvsc.h"

struct ic_run {
	struct ic_client sd, hb, ts;
	struct storvsc sv;
	bool ignore_shutdown;
	uint64_t hb_printed;
	uint32_t samples_printed;
	bool shutdown;
};

static struct ic_run run;

static const char *open_one(struct ic_client *ic, enum ic_client_kind kind,
			    const struct vmbus_guid *type)
{
	uint32_t relid = tg_vmbus_relid(type);
	int r;

	if (!relid)
		return tg_whyf("no %s offered on VMBus", vmbus_guid_name(type));
	r = ic_client_open(ic, kind, &tg_vmbus, relid);
	if (r)
		return tg_whyf("opening %s (relid %u): %s", vmbus_guid_name(type), relid,
			       tg_vsc_error(r));
	con_printf("testguest: ic: %s open (relid %u)\n", vmbus_guid_name(type), relid);
	return NULL;
}

static bool is_shutdown_request(const uint8_t *buf, int len)
{
	struct ic_msg_hdr h;

	if (len < (int)IC_HDR_SIZE)
		return false;
	memcpy(&h, buf + sizeof(struct ic_pipe_hdr), sizeof(h));
	return h.type == IC_MSGTYPE_SHUTDOWN;
}

/* ic_client_poll() for the shutdown channel, except that with ignore-shutdown a shutdown
 * request is read and dropped (the negotiation is still answered: the service runs). */
static int poll_shutdown(struct ic_run *s)
{
	struct ic_client *ic = &s->sd;
	uint64_t id;
	uint16_t type;
	int r;

	if (!s->ignore_shutdown)
		return ic_client_poll(ic);
	while ((r = vsc_channel_recv(&ic->ch, ic->buf, sizeof(ic->buf), &id, &type)) > 0) {
		struct vmbus_iov iov = { ic->buf, (uint32_t)r };
		if (is_shutdown_request(ic->buf, r)) {
			con_puts("testguest: shutdown requested, ignored (ignore-shutdown=1)\n");
			continue;
		}
		if (ic_client_answer(ic, ic->buf, (uint32_t)r) &&
		    vsc_channel_send(&ic->ch, VMBUS_PKT_DATA_INBAND, 0, id, &iov, 1) != VMBUS_OK)
			return VSC_E_PROTO;
	}
	return r;
}

static void report(struct ic_run *s)
{
	uint64_t seq = s->hb.heartbeat_seq;
	uint32_t samples = s->ts.samples + s->ts.syncs;

	/* the first three, then every 16th: the log shows it runs without drowning in it */
	if (s->hb.requests > s->hb_printed && (s->hb.requests <= 3 || s->hb.requests % 16 == 0)) {
		con_printf("testguest: heartbeat answered seq %lu (%u answered)\n", seq,
			   s->hb.requests);
		s->hb_printed = s->hb.requests;
	}
	if (samples > s->samples_printed) {
		con_printf("testguest: timesync sample host time %lu, reference %lu, flags 0x%x "
			   "(guest reference %lu; %u samples, %u syncs)\n",
			   s->ts.host_time, s->ts.host_reference, s->ts.time_flags,
			   synic_reference_time(), s->ts.samples, s->ts.syncs);
		s->samples_printed = samples;
	}
}

/* Answer everything waiting; NULL, or why a channel failed. */
static const char *serve(struct ic_run *s)
{
	int r;

	if ((r = poll_shutdown(s)) < 0)
		return tg_whyf("shutdown channel: %s", tg_vsc_error(r));
	if ((r = ic_client_poll(&s->hb)) < 0)
		return tg_whyf("heartbeat channel: %s", tg_vsc_error(r));
	if ((r = ic_client_poll(&s->ts)) < 0)
		return tg_whyf("time sync channel: %s", tg_vsc_error(r));
	report(s);
	return NULL;
}

const char *check_vmbus_ic(const char *cmdline)
{
	struct ic_run *s = &run;
	uint64_t ignore = 0;
	uint32_t scsi;
	const char *why;

	tg_cmdline_u64(cmdline, "ignore-shutdown", &ignore);
	s->ignore_shutdown = ignore != 0;
	if ((why = tg_vmbus_init()) || (why = tg_vmbus_connect()) ||
	    (why = open_one(&s->sd, IC_CLIENT_SHUTDOWN, &vmbus_guid_shutdown)) ||
	    (why = open_one(&s->hb, IC_CLIENT_HEARTBEAT, &vmbus_guid_heartbeat)) ||
	    (why = open_one(&s->ts, IC_CLIENT_TIMESYNC, &vmbus_guid_timesync)))
		return why;
	if ((scsi = tg_vmbus_relid(&vmbus_guid_scsi))) {
		int r = storvsc_init(&s->sv, &tg_vmbus, scsi);
		if (r)
			return tg_whyf("storvsc on relid %u: %s", scsi, tg_vsc_error(r));
		con_printf("testguest: ic: SCSI controller open too (relid %u)\n", scsi);
	}
	con_printf("testguest: ic: answering%s\n",
		   s->ignore_shutdown ? " (shutdown requests ignored)" : "");
	while (!s->sd.shutdown_requested) {
		if ((why = serve(s)))
			return why;
		if (!s->sd.shutdown_requested)
			synic_wait();
	}
	con_printf("testguest: shutdown requested (flags 0x%x)\n", s->sd.shutdown_flags);
	return NULL;
}
