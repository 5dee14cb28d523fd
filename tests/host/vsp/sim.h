/* SPDX-License-Identifier: MIT */
/* Test support: a simulated VM for the VMBus server. The transport side (what vmwp will do
 * with SynIC and vid.ko) and the guest side (what the test guest will do with hypercalls) meet
 * in process: guest RAM is a memfd region, guest->host and host->guest signals are eventfds
 * watched by the libuv loop, channel-management messages go through a bounded queue like a
 * SynIC message slot's backlog. The guest runs on the loop thread: its wait() runs the loop
 * until a message or event arrives (or a deadline passes). */
#ifndef HV_TEST_SIM_H
#define HV_TEST_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "vmbus_server/server.h"
#include "vsc/vmbus_client.h"

#define SIM_MSG_QUEUE 256
#define SIM_LOG_LINES 256

struct sim {
	uv_loop_t loop;
	struct vmbus_server *server;
	struct vmbus_client client;
	struct vsc_env env;

	/* guest RAM */
	int memfd;
	uint8_t *ram;
	uint64_t npages;
	uint8_t *page_used; /* allocator map, one byte per page */
	int windows;	    /* map_pages windows alive (non-contiguous ones) */
	int windows_total;

	/* host -> guest messages */
	uint8_t msgs[SIM_MSG_QUEUE][240];
	uint32_t msg_len[SIM_MSG_QUEUE];
	uint32_t msg_head, msg_count;
	int msg_efd;
	uv_poll_t msg_poll;
	bool hold_messages; /* test: the guest stops reading its messages */

	/* signals */
	int host_efd, guest_efd;
	uv_poll_t host_poll, guest_poll;
	uint32_t pending_conn[64];
	uint32_t npending_conn;
	uint8_t guest_events[256];
	bool guest_events_any;
	uv_timer_t deadline;
	bool deadline_hit;
	uint64_t wait_ms; /* guest wait() deadline [10000] */

	/* counters */
	uint64_t signals_to_host, signals_to_guest, messages_to_guest, messages_to_host;
	uint64_t messages_dropped;

	/* log */
	char log[SIM_LOG_LINES][256];
	uint32_t nlog;
	bool verbose;
};

/* Guest RAM of ram_mib MiB; a server on the sim's loop (limits may be NULL). */
int sim_init(struct sim *s, uint32_t ram_mib, const struct vmbus_server_limits *limits);
/* Destroy the server, run the loop until every handle is closed, free everything. Returns the
 * number of map_pages windows still alive (0 expected). */
int sim_fini(struct sim *s);

/* A scratch disk image of `mib` MiB of zeros (sparse) under /tmp, its name in path (at least
 * 64 bytes), tagged for the test that made it. 0, or -1 with errno. */
int sim_make_image(char *path, const char *tag, uint32_t mib);

/* Guest pages. */
void *sim_alloc_pages(struct sim *s, uint32_t n, uint64_t *pfn);
void sim_free_pages(struct sim *s, void *p, uint32_t n);
static inline uint8_t *sim_gpa(struct sim *s, uint64_t pfn)
{
	return s->ram + pfn * 4096;
}

/* Run the loop until nothing is pending or ms pass. */
void sim_run_for(struct sim *s, uint64_t ms);
/* True if a log line contains needle. */
bool sim_log_has(struct sim *s, const char *needle);

/* Connect (max_version), request offers: the usual guest start. */
int sim_guest_start(struct sim *s, uint32_t max_version);

#endif
