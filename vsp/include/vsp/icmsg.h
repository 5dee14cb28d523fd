/* SPDX-License-Identifier: MIT */
/* The host side of the IC message framework: builds the requests the integration-service VSPs
 * send (NEGOTIATE, heartbeat, shutdown, time sync) and validates the guest's answers. Pure: no
 * I/O; buffers are the caller's. Wire layout in vsp/vmbus_wire/icmsg.h. */
#ifndef VSP_ICMSG_H
#define VSP_ICMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmbus_wire/icmsg.h"

/* What the host offers: framework versions, then message versions (newest first). */
struct icmsg_offer {
	const uint32_t *framework; /* IC_VERSION(major, minor) */
	uint32_t framework_count;
	const uint32_t *message;
	uint32_t message_count;
};

/* A validated answer from the guest. */
struct icmsg_reply {
	uint16_t type;
	uint32_t status; /* IC_STATUS_* */
	uint8_t transaction_id;
	uint32_t framework; /* NEGOTIATE: picked versions (valid if negotiated) */
	uint32_t message;
	bool negotiated;	/* NEGOTIATE: counts 1/1 and the picks are ones we offered */
	uint64_t heartbeat_seq; /* HEARTBEAT */
};

/* Build a request into buf (cap bytes). Return its length or 0 if it does not fit. */
uint32_t icmsg_build_negotiate(void *buf, uint32_t cap, const struct icmsg_offer *offer,
			       uint8_t txn);
uint32_t icmsg_build_heartbeat(void *buf, uint32_t cap, uint32_t framework, uint32_t message,
			       uint8_t txn, uint64_t seq);
uint32_t icmsg_build_shutdown(void *buf, uint32_t cap, uint32_t framework, uint32_t message,
			      uint8_t txn, uint32_t flags, uint32_t reason, uint32_t timeout_s,
			      const char *text);
/* Body layout by the negotiated message version: >= 4.0 the reference-time form. */
uint32_t icmsg_build_timesync(void *buf, uint32_t cap, uint32_t framework, uint32_t message,
			      uint8_t txn, uint64_t parent_time, uint64_t reference_time,
			      uint8_t flags);

/* Validate an answer of len bytes (copied by the caller out of the ring). expect_type is the
 * type of the request it answers; offer (for NEGOTIATE) checks the picks. Returns 0, or -1 with
 * *why set (may be NULL). */
int icmsg_parse_reply(const void *buf, uint32_t len, uint16_t expect_type,
		      const struct icmsg_offer *offer, struct icmsg_reply *out, const char **why);

#endif
