/* SPDX-License-Identifier: MIT */
/* Length-prefixed framing shared by every management socket (hvctl<->vmms, vmms<->vmwp):
 * a 4-byte big-endian length, then that many bytes of one protobuf message. The reader
 * refuses a frame whose declared length exceeds the limit before allocating anything. */
#ifndef MGMT_FRAME_H
#define MGMT_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define MGMT_FRAME_HDR 4u
#define MGMT_FRAME_MAX (1u << 20) /* 1 MiB: far above any real message, small enough to refuse */

/* Bytes held for peers, shared by every reader and connection of a process: what a client
 * makes vmms hold (half-sent frames, unread replies) counts here, in bytes really allocated
 * (malloc_usable_size), and a peer that would take it past max is refused. */
struct mgmt_mem_budget {
	size_t used;
	size_t max; /* 0: unlimited */
};

struct mgmt_frame_reader {
	uint8_t hdr[MGMT_FRAME_HDR];
	size_t hdr_have;
	uint8_t *body; /* grows as the body's bytes arrive, never past body_len */
	size_t body_cap;
	size_t body_held; /* the body's allocation as charged to the budget */
	uint32_t body_len;
	size_t body_have;
	size_t max;
	uint32_t refused_len;		/* set when a header announced an oversized frame */
	struct mgmt_mem_budget *budget; /* optional */
};

/* Called once per complete frame; a non-zero return stops feeding and is returned. */
typedef int (*mgmt_frame_cb)(void *ctx, const uint8_t *msg, size_t len);

void mgmt_frame_reader_init(struct mgmt_frame_reader *r, size_t max);
void mgmt_frame_reader_free(struct mgmt_frame_reader *r);

/* Feed bytes; calls cb for each complete frame. Returns 0, the callback's non-zero value,
 * -E2BIG for an oversized frame (r->refused_len tells its size; the stream is then unusable),
 * -ENOBUFS when the budget is spent, or -ENOMEM. A declared length costs nothing: the body
 * buffer grows with the bytes that really arrive. */
int mgmt_frame_feed(struct mgmt_frame_reader *r, const uint8_t *data, size_t len, mgmt_frame_cb cb,
		    void *ctx);

/* True while a frame has begun but not ended. */
static inline int mgmt_frame_partial(const struct mgmt_frame_reader *r)
{
	return r->hdr_have > 0;
}

void mgmt_frame_put_header(uint8_t hdr[MGMT_FRAME_HDR], uint32_t len);

/* Blocking helpers for simple clients (hvctl, tests). Return 0 or -errno; recv returns
 * -E2BIG for an oversized frame, -EPIPE on orderly EOF. *msg is malloc'ed. */
int mgmt_frame_send_fd(int fd, const void *msg, size_t len);
int mgmt_frame_recv_fd(int fd, uint8_t **msg, size_t *len, size_t max);

#endif
