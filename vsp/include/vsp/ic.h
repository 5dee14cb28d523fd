/* SPDX-License-Identifier: MIT */
/* Integration-service VSPs: shutdown, heartbeat, time sync and (only when configured) KVP, one
 * VMBus channel each. On open the host negotiates the IC framework and message versions the way
 * Linux's hv_utils expects (vsp/icmsg.h), then: time sync sends SYNC at once and SAMPLE
 * periodically; heartbeat sends a sequence number periodically and records when the guest last
 * answered; shutdown sends a request when asked (hvctl stop). At most one request is outstanding
 * per channel; a guest that does not answer only makes that service stale. KVP is offered and
 * negotiated but never waited on (Linux answers only with its userspace daemon running). */
#ifndef VSP_IC_H
#define VSP_IC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmbus_server/server.h"

enum ic_service {
	IC_SERVICE_SHUTDOWN,
	IC_SERVICE_HEARTBEAT,
	IC_SERVICE_TIMESYNC,
	IC_SERVICE_KVP
};

struct ic_vsp;

struct ic_vsp_config {
	enum ic_service service;
	struct vmbus_guid instance; /* offer instance GUID */
	uint32_t period_ms;	    /* heartbeat [1000] / time-sync SAMPLE [5000] interval */
	/* The guest answered a request (negotiate, heartbeat, shutdown, ...): status is the
	 * guest's icmsg status (0 = OK). For shutdown, this is the hook hvctl stop uses. */
	void (*on_answer)(void *ctx, struct ic_vsp *ic, uint16_t msg_type, uint32_t status);
	void *ctx;
};

struct ic_vsp *ic_vsp_create(struct vmbus_server *s, const struct ic_vsp_config *cfg, char *err,
			     size_t errlen);
void ic_vsp_remove(struct ic_vsp *ic);
struct vmbus_channel *ic_vsp_channel(struct ic_vsp *ic);
const char *ic_service_name(enum ic_service svc);

/* Shutdown service: ask the guest to power off (or reboot); force skips the guest's grace.
 * 0 = sent; -EAGAIN = not negotiated yet or a request is outstanding or the ring is full;
 * -EINVAL = not the shutdown service. */
int ic_vsp_request_shutdown(struct ic_vsp *ic, bool reboot, bool force, const char *reason);

/* Time sync: send a sample now with these flags (IC_TIMESYNC_FLAG_SYNC after resume). */
int ic_vsp_send_timesync(struct ic_vsp *ic, uint8_t flags);

struct ic_vsp_status {
	bool open;
	bool negotiated;
	uint32_t framework; /* IC_VERSION(major, minor) agreed */
	uint32_t message;
	uint64_t requests;	/* sent */
	uint64_t answers;	/* valid answers */
	uint64_t bad_answers;	/* refused (malformed / unexpected) */
	uint64_t heartbeat_seq; /* last sequence number the guest returned */
	uint64_t last_heard_ms; /* loop time (uv_now) of the last answer, 0 = never */
	uint32_t last_status;	/* guest's icmsg status of the last answer */
	bool outstanding;
};
void ic_vsp_get_status(const struct ic_vsp *ic, struct ic_vsp_status *st);

#endif
