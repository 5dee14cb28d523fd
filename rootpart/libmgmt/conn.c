/* SPDX-License-Identifier: MIT */
/* libuv framed connection: see conn.h. */
#include "mgmt/conn.h"

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

struct write_req {
	uv_write_t req;
	struct mgmt_conn *conn;
	uint8_t *buf;
	size_t held; /* bytes charged for this write */
};

void mgmt_conn_set_budget(struct mgmt_conn *c, struct mgmt_mem_budget *b)
{
	c->budget = b;
	c->reader.budget = b;
}

static void on_handle_closed(uv_handle_t *h)
{
	struct mgmt_conn *c = h->data;
	mgmt_frame_reader_free(&c->reader);
	if (c->on_closed)
		c->on_closed(c);
}

static void close_now(struct mgmt_conn *c)
{
	if (!uv_is_closing((uv_handle_t *)&c->pipe))
		uv_close((uv_handle_t *)&c->pipe, on_handle_closed);
}

int mgmt_conn_init(struct mgmt_conn *c, uv_loop_t *loop, void *owner, mgmt_conn_frame_cb on_frame,
		   mgmt_conn_refused_cb on_refused, mgmt_conn_closed_cb on_closed)
{
	memset(c, 0, sizeof(*c));
	int rc = uv_pipe_init(loop, &c->pipe, 0);
	if (rc)
		return rc;
	c->pipe.data = c;
	c->owner = owner;
	c->on_frame = on_frame;
	c->on_refused = on_refused;
	c->on_closed = on_closed;
	mgmt_frame_reader_init(&c->reader, MGMT_FRAME_MAX);
	c->max_queued = MGMT_CONN_MAX_QUEUED;
	return 0;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)h;
	if (suggested > 65536)
		suggested = 65536;
	buf->base = malloc(suggested);
	buf->len = buf->base ? suggested : 0;
}

static int deliver(void *ctx, const uint8_t *msg, size_t len)
{
	struct mgmt_conn *c = ctx;
	c->on_frame(c, msg, len);
	return c->closing ? 1 : 0;
}

/* Closes a peer that holds too much at once: its unsent writes are dropped (a graceful close
 * would wait for a peer that does not read, holding them). */
static int overflow(struct mgmt_conn *c)
{
	c->overflowed = true;
	c->closing = true;
	uv_read_stop((uv_stream_t *)&c->pipe);
	close_now(c);
	return UV_ENOBUFS;
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct mgmt_conn *c = s->data;
	if (nread == UV_EOF && c->on_eof && !c->closing && !mgmt_frame_partial(&c->reader)) {
		/* Half-closed after whole requests: the owner still owes replies. */
		free(buf->base);
		c->eof = true;
		uv_read_stop(s);
		c->on_eof(c);
		return;
	}
	if (nread < 0) {
		/* EOF or error, possibly mid-frame: the partial frame is simply dropped. */
		free(buf->base);
		c->closing = true;
		close_now(c);
		return;
	}
	if (nread > 0 && !c->closing) {
		int rc = mgmt_frame_feed(&c->reader, (const uint8_t *)buf->base, (size_t)nread,
					 deliver, c);
		if (rc == -E2BIG) {
			uv_read_stop(s);
			if (c->on_refused)
				c->on_refused(c, c->reader.refused_len);
			mgmt_conn_close(c);
		} else if (rc == -ENOMEM || rc == -ENOBUFS) {
			if (rc == -ENOBUFS)
				overflow(c);
			else
				mgmt_conn_close(c);
		}
	}
	free(buf->base);
}

int mgmt_conn_start(struct mgmt_conn *c)
{
	return uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read);
}

static void release_write(struct write_req *w)
{
	w->conn->queued -= w->held;
	if (w->conn->budget)
		w->conn->budget->used -= w->held;
	free(w->buf);
	free(w);
}

static void on_written(uv_write_t *req, int status)
{
	(void)status;
	release_write((struct write_req *)req);
}

/* Closes a peer that holds too much; the owner sees overflowed in on_closed. */
int mgmt_conn_send(struct mgmt_conn *c, const ProtobufCMessage *msg)
{
	if (c->closing)
		return UV_EPIPE;
	size_t len = protobuf_c_message_get_packed_size(msg);
	if (len > MGMT_FRAME_MAX)
		return UV_E2BIG;
	struct write_req *w = malloc(sizeof(*w));
	uint8_t *buf = malloc(MGMT_FRAME_HDR + len);
	if (!w || !buf) {
		free(w);
		free(buf);
		return UV_ENOMEM;
	}
	/* What this write really holds until it is sent: both blocks as malloc sized them. */
	size_t held = malloc_usable_size(w) + malloc_usable_size(buf);
	if (c->queued + held > c->max_queued ||
	    (c->budget && c->budget->max && c->budget->used + held > c->budget->max)) {
		free(w);
		free(buf);
		return overflow(c);
	}
	mgmt_frame_put_header(buf, (uint32_t)len);
	protobuf_c_message_pack(msg, buf + MGMT_FRAME_HDR);
	w->buf = buf;
	w->conn = c;
	w->held = held;
	c->queued += held;
	if (c->budget)
		c->budget->used += held;
	uv_buf_t b = uv_buf_init((char *)buf, (unsigned)(MGMT_FRAME_HDR + len));
	int rc = uv_write(&w->req, (uv_stream_t *)&c->pipe, &b, 1, on_written);
	if (rc)
		release_write(w);
	return rc;
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	(void)status;
	struct mgmt_conn *c = req->handle->data;
	free(req);
	close_now(c);
}

void mgmt_conn_close(struct mgmt_conn *c)
{
	if (c->closing)
		return; /* already shutting down or closed */
	c->closing = true;
	uv_read_stop((uv_stream_t *)&c->pipe);
	uv_shutdown_t *req = malloc(sizeof(*req));
	if (!req || uv_shutdown(req, (uv_stream_t *)&c->pipe, on_shutdown) != 0) {
		free(req);
		close_now(c);
	}
}

int mgmt_conn_fd(struct mgmt_conn *c)
{
	uv_os_fd_t fd = -1;
	uv_fileno((uv_handle_t *)&c->pipe, &fd);
	return fd;
}
