/* SPDX-License-Identifier: MIT */
/* Guest-side integration-service clients (shutdown, heartbeat, time sync), answering the host
 * exactly as Linux 6.1's hv_utils does (hv_util.c, vmbus_prep_negotiate_resp in
 * channel_mgmt.c): answers are written in place into the received packet, which goes back with
 * the same length and request id, in-band, without completion request. */
#ifndef VSC_IC_CLIENT_H
#define VSC_IC_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "vsc/vmbus_client.h"
#include "vmbus_wire/icmsg.h"

enum ic_client_kind {
	IC_CLIENT_SHUTDOWN,
	IC_CLIENT_HEARTBEAT,
	IC_CLIENT_TIMESYNC
};

struct ic_client {
	enum ic_client_kind kind;
	struct vmbus_client *client;
	struct vsc_channel ch;
	uint32_t framework; /* negotiated (0 = not yet) */
	uint32_t message;
	uint32_t negotiations;
	uint32_t requests; /* service messages handled */
	uint32_t dropped;  /* packets Linux would drop (too short, ...) */
	/* shutdown */
	uint32_t shutdown_flags;
	bool shutdown_requested;
	/* heartbeat */
	uint64_t heartbeat_seq; /* last answered */
	/* time sync */
	uint64_t host_time;	 /* last parent_time */
	uint64_t host_reference; /* its vm_reference_time (v4) */
	uint8_t time_flags;
	uint32_t syncs, samples;
	uint8_t buf[IC_MAX_PACKET];
};

/* Open the IC channel (16 KiB rings, like hv_utils). */
int ic_client_open(struct ic_client *ic, enum ic_client_kind kind, struct vmbus_client *c,
		   uint32_t relid);
int ic_client_close(struct ic_client *ic);
/* Handle every waiting request (answering each); returns how many, or a negative status. */
int ic_client_poll(struct ic_client *ic);

/* The Linux answer logic on a packet of len bytes (in place). Returns true if an answer must
 * be sent (len bytes), false if Linux would drop the packet silently. */
bool ic_client_answer(struct ic_client *ic, uint8_t *buf, uint32_t len);

/* vmbus_prep_negotiate_resp(): pick the first of our versions the host offered, framework
 * and message each; answer counts 1/1 (or 0/0). Returns true if both matched. */
bool ic_negotiate_answer(uint8_t *buf, uint32_t buflen, const uint32_t *fw, uint32_t nfw,
			 const uint32_t *srv, uint32_t nsrv, uint32_t *fw_out, uint32_t *srv_out);

#endif
