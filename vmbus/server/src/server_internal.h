/* SPDX-License-Identifier: MIT */
/* Private state of the VMBus server, shared by its source files: server.c (lifecycle, message
 * dispatch, contact, offers, unload), gpadl.c (GPADL table), channel.c (open/close, rescind,
 * modify, draining the guest->host ring), channel_send.c (the host->guest ring: sends from the
 * loop and from VSP threads). */
#ifndef VMBUS_SERVER_INTERNAL_H
#define VMBUS_SERVER_INTERNAL_H

#include <pthread.h>

#include "vmbus/channel_msg.h"
#include "vmbus/gpadl.h"
#include "vmbus_server/server.h"

#define SERVER_OPEN_FAILED   0xC0000001u /* STATUS_UNSUCCESSFUL */
#define SERVER_GPADL_REFUSED 0xC0000001u

#define SERVER_GPADL_MAX_WORDS (65536u / 8)
/* A GPADL lives in a slot of the server's GPADL table (lim.max_gpadls slots, allocated with the
 * server and freed with it), not in a block of its own: teardown marks the slot free and a
 * later GPADL_HEADER takes it again. Nothing a message reaches is freed and reallocated
 * between messages, so a pointer kept across messages (a channel's ring_gpadl, a list link)
 * always points into live storage (what the server proof follows: docs/testing.md). */
struct server_gpadl {
	struct server_gpadl *next; /* the server's list of GPADLs in use */
	bool slot_in_use;
	uint32_t handle;
	uint32_t child_relid;
	bool complete;
	bool in_use; /* rings of an open channel live in it */
	uint32_t pfn_count;
	struct vmbus_gpadl_asm as;
	/* The assembler's storage: this slot's SERVER_GPADL_MAX_WORDS words of the server's
	 * gpadl_words, as many as any GPADL_HEADER's range_buflen (16 bits) can ask: a fixed
	 * size, so that its bound does not hang on the guest's field (what the server proof
	 * follows); a guest holding max_gpadls of them holds what the largest requests took
	 * before. Apart from the slots so that a slot's header does not touch them. */
	uint64_t *words;
};

/* A channel lives in the server's channel table, at the slot of its relid (relid - 1): taken
 * by vmbus_server_add_channel, given back when the channel is freed (the storage stays the
 * server's until vmbus_server_destroy, for the same reason as a GPADL's slot). A slot is in
 * use exactly while its channel is on the server's list (unlinking is always followed by
 * channel_free), so the list is the one record of it. */
struct vmbus_channel {
	struct vmbus_server *server;
	struct vmbus_channel *next; /* the server's list of channels, sorted by relid */
	char name[32];
	struct vmbus_guid if_type, if_instance;
	const struct vmbus_vsp_ops *ops;
	void *ctx;
	uint32_t max_ring_bytes;
	uint32_t relid;
	uint32_t connection_id;
	enum vmbus_channel_state state;
	bool offered; /* the guest has seen the offer (since the last unload) */
	bool draining;	 /* inside drain(): kick is deferred */
	bool stalled;	 /* VSP returned STALL */
	bool want_space; /* also read by VSP threads: written under out_lock */
	bool kick_queued;
	bool drain_deferred; /* budget spent: the server's resume handle continues */
	/* The rings' mapping: ring_window is non-NULL exactly while it is mapped (the one field
	 * that says so, so that every use tests the pointer it then follows); ring_pages is
	 * what map_pages was given, ring_gpadl the GPADL they live in. */
	struct server_gpadl *ring_gpadl;
	void *ring_window;
	uint32_t ring_pages;
	struct vmbus_ring_reader in;	  /* guest -> host (loop thread only) */
	struct vmbus_channel_stats stats; /* packets_out, signals_out: under out_lock */
	const char *broken_reason;

	/* The host->guest ring has one writer at a time: the loop thread or a VSP's thread,
	 * whoever holds out_lock. It also guards what a thread needs to decide whether it may
	 * write at all: out_ready (rings attached, channel OPEN), out_gen (bumped at every
	 * attach and detach, so that work from an earlier open is never written to a later
	 * one), want_space (the loop waits for space: threads leave the ring to it) and
	 * target_vp (MODIFYCHANNEL moves it). */
	pthread_mutex_t out_lock;
	struct vmbus_ring_writer out;
	bool out_ready;
	bool loop_batch; /* a drain pass holds its sends back for one publish (under out_lock) */
	uint64_t out_gen;
	uint32_t target_vp;
};

/* The idle handle that continues drains whose budget ran out. Allocated apart from the
 * server, with it (channel_resume_init): libuv frees it in the close callback, after
 * vmbus_server_destroy has freed the server (which then needs no deferred free of its own).
 * The handle is initialised on the first deferral (idle_ok; if uv_idle_init refuses, a later
 * deferral tries again); the record is freed only at destroy, never between two messages. */
struct server_resume {
	uv_idle_t idle;
	bool idle_ok;		     /* uv_idle_init succeeded: libuv knows the handle */
	struct vmbus_server *server; /* NULL once the server is destroyed */
};

struct vmbus_server {
	uv_loop_t *loop;
	struct vmbus_transport tp;
	struct vmbus_server_limits lim;
	void (*log)(void *ctx, enum vmbus_log_level level, const char *component, const char *msg);
	void *log_ctx;

	bool connected;
	uint32_t version;
	uint32_t msg_vp; /* INITIATE_CONTACT target_vcpu */
	uint32_t msg_sint;
	bool offers_requested;

	struct vmbus_channel *channels; /* in use, sorted by relid (links into channel_slots) */
	struct server_gpadl *gpadls;	/* in use (links into gpadl_slots) */
	struct server_gpadl *gpadl_slots; /* lim.max_gpadls slots, from create to destroy */
	uint64_t *gpadl_words;		  /* their words (gpadl.c: an untouched mapping) */
	size_t gpadl_words_bytes;
	uint32_t gpadl_count;
	uint32_t gpadl_pages;

	bool destroying;
	struct server_resume *resume; /* from create to destroy */
	uint64_t warn_window_ms;      /* log rate limit (server.c) */
	uint32_t warn_count, warn_suppressed;

	/* One slot per relid the server can hand out (1..VMBUS_RELID_MAX): the channel limit
	 * is the relid space, as before the table. */
	struct vmbus_channel channel_slots[VMBUS_RELID_MAX];
};

/* table_mem.c: zeroed memory for a large table, resident only where written; NULL if none. */
void *server_table_alloc(size_t bytes);
void server_table_free(void *p, size_t bytes);

/* server.c */
void server_post(struct vmbus_server *s, const void *msg, uint32_t len);
void server_offer(struct vmbus_server *s, struct vmbus_channel *ch);
void chan_log(struct vmbus_channel *ch, enum vmbus_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct vmbus_channel *server_find_relid(struct vmbus_server *s, uint32_t relid);

/* gpadl.c */
void gpadl_on_header(struct vmbus_server *s, const struct vmbus_chmsg_gpadl_header *m,
		     uint32_t len);
void gpadl_on_body(struct vmbus_server *s, const struct vmbus_chmsg_gpadl_body *m, uint32_t len);
void gpadl_on_teardown(struct vmbus_server *s, uint32_t child_relid, uint32_t handle);
struct server_gpadl *gpadl_find(struct vmbus_server *s, uint32_t handle);
void gpadl_send_torndown(struct vmbus_server *s, uint32_t handle);
void gpadl_free(struct vmbus_server *s, struct server_gpadl *g);
void gpadl_free_all(struct vmbus_server *s, uint32_t child_relid); /* 0: every GPADL */
bool gpadl_table_init(struct vmbus_server *s); /* server create: the slots */
void gpadl_table_free(struct vmbus_server *s); /* server destroy, after gpadl_free_all */

/* channel.c */
void channel_on_open(struct vmbus_server *s, const struct vmbus_chmsg_open_channel *m);
void channel_on_close(struct vmbus_server *s, uint32_t relid);
void channel_on_modify(struct vmbus_server *s, const struct vmbus_chmsg_modify_channel *m);
void channel_on_relid_released(struct vmbus_server *s, uint32_t relid);
void channel_stop(struct vmbus_channel *ch); /* close rings + VSP; state back to OFFERED */
void channel_free(struct vmbus_channel *ch);
void channel_drain(struct vmbus_channel *ch);
bool channel_resume_init(struct vmbus_server *s);  /* server create */
void channel_resume_close(struct vmbus_server *s); /* server destroy */

/* channel_send.c */
void channel_out_attach(struct vmbus_channel *ch, const struct vmbus_ring_writer *w);
void channel_out_detach(struct vmbus_channel *ch);
void channel_set_target_vp(struct vmbus_channel *ch, uint32_t vp);
bool channel_take_want_space(struct vmbus_channel *ch);
/* A drain pass's sends (the VSP's answers, completions served inline) are written without
 * being published; batch_end publishes them at once and returns whether the guest needs a
 * signal for them (a thread's batch or request_space may publish them earlier). */
void channel_out_batch_begin(struct vmbus_channel *ch);
bool channel_out_batch_end(struct vmbus_channel *ch);

#endif
