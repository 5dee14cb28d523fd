/* One framed protobuf connection on a libuv Unix stream, used by vmms (clients, workers) and
 * vmwp (its controller). Reads are reassembled into frames (frame.h) and handed to on_frame;
 * sends pack a protobuf-c message behind its length header. A peer that declares an
 * oversized frame triggers on_refused (the stream is unusable after it). A peer that lets
 * more than HV_CONN_MAX_QUEUED bytes of replies pile up is disconnected rather than let
 * vmms's memory grow. */
#ifndef HV_MGMT_CONN_H
#define HV_MGMT_CONN_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <uv.h>

#include "frame.h"

#define HV_CONN_MAX_QUEUED (8u << 20)

struct hv_conn;
typedef void (*hv_conn_frame_cb)(struct hv_conn *c, const uint8_t *msg, size_t len);
typedef void (*hv_conn_refused_cb)(struct hv_conn *c, uint32_t declared_len);
typedef void (*hv_conn_closed_cb)(struct hv_conn *c);

struct hv_conn {
	uv_pipe_t pipe;
	struct hv_frame_reader reader;
	hv_conn_frame_cb on_frame;
	hv_conn_refused_cb on_refused;
	hv_conn_closed_cb on_closed; /* after the handle is closed: the owner may free c */
	void *owner;
	bool closing;
};

/* Initialises the pipe handle on loop; then accept into it or open an fd. */
int hv_conn_init(struct hv_conn *c, uv_loop_t *loop, void *owner, hv_conn_frame_cb on_frame,
		 hv_conn_refused_cb on_refused, hv_conn_closed_cb on_closed);
int hv_conn_start(struct hv_conn *c);
int hv_conn_send(struct hv_conn *c, const ProtobufCMessage *msg);
/* Closes after queued writes are flushed (so a final error reply reaches the peer). */
void hv_conn_close(struct hv_conn *c);
int hv_conn_fd(struct hv_conn *c);

#endif
