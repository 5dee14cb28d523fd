/* SPDX-License-Identifier: MIT */
/* Frame reader and writer: see frame.h. Pure byte handling, no I/O except the blocking
 * helpers at the end, so the reader is unit-tested and fuzzed directly. */
#include "mgmt/frame.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void mgmt_frame_reader_init(struct mgmt_frame_reader *r, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->max = max ? max : MGMT_FRAME_MAX;
}

static void release_body(struct mgmt_frame_reader *r)
{
	if (r->budget)
		r->budget->used -= r->body_held;
	free(r->body);
	r->body = NULL;
	r->body_cap = 0;
	r->body_held = 0;
}

void mgmt_frame_reader_free(struct mgmt_frame_reader *r)
{
	release_body(r);
	r->hdr_have = 0;
	r->body_have = 0;
}

/* Makes room for `need` body bytes (doubling, at most the body's length). */
static int grow_body(struct mgmt_frame_reader *r, size_t need)
{
	if (need <= r->body_cap && r->body)
		return 0;
	size_t cap = r->body_cap ? r->body_cap : 4096;
	while (cap < need)
		cap *= 2;
	if (cap > r->body_len)
		cap = r->body_len;
	size_t held = (cap + 1 + 15) & ~(size_t)15; /* what malloc keeps for it, near enough */
	if (r->budget && r->budget->max && r->budget->used - r->body_held + held > r->budget->max)
		return -ENOBUFS;
	/* +1 so a zero-length frame still has a valid pointer. */
	uint8_t *nb = realloc(r->body, cap + 1);
	if (!nb)
		return -ENOMEM;
	if (r->budget)
		r->budget->used = r->budget->used - r->body_held + held;
	r->body = nb;
	r->body_cap = cap;
	r->body_held = held;
	return 0;
}

void mgmt_frame_put_header(uint8_t hdr[MGMT_FRAME_HDR], uint32_t len)
{
	hdr[0] = (uint8_t)(len >> 24);
	hdr[1] = (uint8_t)(len >> 16);
	hdr[2] = (uint8_t)(len >> 8);
	hdr[3] = (uint8_t)len;
}

static uint32_t get_header(const uint8_t hdr[MGMT_FRAME_HDR])
{
	return (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
}

int mgmt_frame_feed(struct mgmt_frame_reader *r, const uint8_t *data, size_t len, mgmt_frame_cb cb,
		    void *ctx)
{
	while (len > 0) {
		if (r->hdr_have < MGMT_FRAME_HDR) {
			size_t n = MGMT_FRAME_HDR - r->hdr_have;
			if (n > len)
				n = len;
			memcpy(r->hdr + r->hdr_have, data, n);
			r->hdr_have += n;
			data += n;
			len -= n;
			if (r->hdr_have < MGMT_FRAME_HDR)
				return 0;
			r->body_len = get_header(r->hdr);
			if (r->body_len > r->max) {
				r->refused_len = r->body_len;
				return -E2BIG;
			}
			r->body_have = 0;
		}
		size_t n = r->body_len - r->body_have;
		if (n > len)
			n = len;
		int grc = n || !r->body_len ? grow_body(r, r->body_have + n) : 0;
		if (grc)
			return grc;
		if (n)
			memcpy(r->body + r->body_have, data, n);
		r->body_have += n;
		data += n;
		len -= n;
		if (r->body_have < r->body_len)
			return 0;
		size_t blen = r->body_len;
		int rc = cb(ctx, r->body, blen);
		release_body(r);
		r->hdr_have = 0;
		r->body_have = 0;
		r->body_len = 0;
		if (rc)
			return rc;
	}
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t r = read(fd, p, n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EPIPE;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int mgmt_frame_send_fd(int fd, const void *msg, size_t len)
{
	uint8_t hdr[MGMT_FRAME_HDR];
	if (len > MGMT_FRAME_MAX)
		return -E2BIG;
	mgmt_frame_put_header(hdr, (uint32_t)len);
	int rc = write_all(fd, hdr, sizeof(hdr));
	return rc ? rc : write_all(fd, msg, len);
}

int mgmt_frame_recv_fd(int fd, uint8_t **msg, size_t *len, size_t max)
{
	uint8_t hdr[MGMT_FRAME_HDR];
	int rc = read_all(fd, hdr, sizeof(hdr));
	if (rc)
		return rc;
	uint32_t n = get_header(hdr);
	if (n > (max ? max : MGMT_FRAME_MAX))
		return -E2BIG;
	uint8_t *buf = malloc((size_t)n + 1);
	if (!buf)
		return -ENOMEM;
	rc = read_all(fd, buf, n);
	if (rc) {
		free(buf);
		return rc == -EPIPE ? -EPROTO : rc;
	}
	*msg = buf;
	*len = n;
	return 0;
}
