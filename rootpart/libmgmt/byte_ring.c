/* SPDX-License-Identifier: MIT */
/* The last bytes of a stream by absolute offset: see byte_ring.h. */
#include "mgmt/byte_ring.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int mgmt_byte_ring_alloc(struct mgmt_byte_ring *r, size_t cap)
{
	r->buf = malloc(cap);
	r->cap = r->buf ? cap : 0;
	r->start = r->end = 0;
	return r->buf ? 0 : -ENOMEM;
}

void mgmt_byte_ring_free(struct mgmt_byte_ring *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = 0;
	r->start = r->end = 0;
}

void mgmt_byte_ring_reset(struct mgmt_byte_ring *r, uint64_t offset)
{
	r->start = r->end = offset;
}

void mgmt_byte_ring_append(struct mgmt_byte_ring *r, const uint8_t *bytes, size_t len)
{
	if (!r->cap)
		return;
	if (len > r->cap) { /* only the last cap bytes can stay */
		r->end += len - r->cap;
		bytes += len - r->cap;
		len = r->cap;
	}
	size_t at = (size_t)(r->end % r->cap);
	size_t first = len < r->cap - at ? len : r->cap - at;
	memcpy(r->buf + at, bytes, first);
	memcpy(r->buf, bytes + first, len - first);
	r->end += len;
	if (r->end - r->start > r->cap)
		r->start = r->end - r->cap;
}

void mgmt_byte_ring_put_at(struct mgmt_byte_ring *r, uint64_t offset, const uint8_t *bytes,
			   size_t len)
{
	if (offset > r->end)
		mgmt_byte_ring_reset(r, offset);
	if (offset + len <= r->end)
		return;
	size_t skip = (size_t)(r->end - offset);
	mgmt_byte_ring_append(r, bytes + skip, len - skip);
}

size_t mgmt_byte_ring_read(const struct mgmt_byte_ring *r, uint64_t from, uint8_t *out,
			   size_t max, uint64_t *first)
{
	if (from < r->start)
		from = r->start;
	*first = from;
	if (!r->cap || from >= r->end)
		return 0;
	size_t n = (size_t)(r->end - from) < max ? (size_t)(r->end - from) : max;
	size_t at = (size_t)(from % r->cap);
	size_t a = n < r->cap - at ? n : r->cap - at;
	memcpy(out, r->buf + at, a);
	memcpy(out + a, r->buf, n - a);
	return n;
}
