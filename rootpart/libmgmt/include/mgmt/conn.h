/* SPDX-License-Identifier: MIT */
/* One framed protobuf connection on a libuv Unix stream, used by vmms (clients, workers) and
 * vmwp (its controller). Reads are reassembled into frames (frame.h) and handed to on_frame;
 * sends pack a protobuf-c message behind its length header. A peer that declares an
 * oversized frame triggers on_refused (the stream is unusable after it). A peer that lets
 * more than MGMT_CONN_MAX_QUEUED bytes of replies pile up (counted as really allocated:
 * the write request and the buffer, as malloc sized them) is disconnected rather than let
 * vmms's memory grow; so is one that would take the shared budget past its maximum. */
#ifndef MGMT_CONN_H
#define MGMT_CONN_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <uv.h>

#include "mgmt/frame.h"

#define MGMT_CONN_MAX_QUEUED (4u << 20)

struct mgmt_conn;
typedef void (*mgmt_conn_frame_cb)(struct mgmt_conn *c, const uint8_t *msg, size_t len);
typedef void (*mgmt_conn_refused_cb)(struct mgmt_conn *c, uint32_t declared_len);
typedef void (*mgmt_conn_closed_cb)(struct mgmt_conn *c);
typedef void (*mgmt_conn_eof_cb)(struct mgmt_conn *c);

struct mgmt_conn {
	uv_pipe_t pipe;
	struct mgmt_frame_reader reader;
	mgmt_conn_frame_cb on_frame;
	mgmt_conn_refused_cb on_refused;
	mgmt_conn_closed_cb on_closed; /* after the handle is closed: the owner may free c */
	/* Optional: the peer half-closed (shutdown(SHUT_WR)) after whole frames. The owner
	 * decides when to close (after the replies it still owes); without it, EOF closes. */
	mgmt_conn_eof_cb on_eof;
	void *owner;
	bool closing;
	bool eof;
	size_t queued;			/* bytes held by unsent writes, as allocated */
	size_t max_queued;		/* MGMT_CONN_MAX_QUEUED unless changed */
	struct mgmt_mem_budget *budget; /* optional, shared with the reader */
	bool overflowed;		/* closed for holding too much */
};

/* Charges this connection's buffers (reads and writes) to a shared budget. */
void mgmt_conn_set_budget(struct mgmt_conn *c, struct mgmt_mem_budget *b);

/* Initialises the pipe handle on loop; then accept into it or open an fd. */
int mgmt_conn_init(struct mgmt_conn *c, uv_loop_t *loop, void *owner, mgmt_conn_frame_cb on_frame,
		   mgmt_conn_refused_cb on_refused, mgmt_conn_closed_cb on_closed);
int mgmt_conn_start(struct mgmt_conn *c);
int mgmt_conn_send(struct mgmt_conn *c, const ProtobufCMessage *msg);
/* Closes after queued writes are flushed (so a final error reply reaches the peer). */
void mgmt_conn_close(struct mgmt_conn *c);
int mgmt_conn_fd(struct mgmt_conn *c);

#endif
