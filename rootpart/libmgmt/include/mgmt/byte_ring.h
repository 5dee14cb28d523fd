/* SPDX-License-Identifier: MIT */
/* A fixed-size ring of the last bytes of a stream, addressed by absolute stream offsets: the
 * guest's COM1 output kept by its worker (from the first byte until it wraps) and mirrored by
 * vmms for `hvctl console` replay. It holds the bytes [start, end) of the stream; appending
 * past its capacity drops the oldest. Offsets are 64-bit, so they never wrap in practice. */
#ifndef MGMT_BYTE_RING_H
#define MGMT_BYTE_RING_H

#include <stddef.h>
#include <stdint.h>

struct mgmt_byte_ring {
	uint8_t *buf; /* cap bytes, or NULL until the first append (mgmt_byte_ring_alloc) */
	size_t cap;
	uint64_t start, end; /* the stream offsets held: end - start <= cap */
};

/* Allocates the buffer (cap bytes); 0 or -ENOMEM. The stream starts at offset 0. */
int mgmt_byte_ring_alloc(struct mgmt_byte_ring *r, size_t cap);
void mgmt_byte_ring_free(struct mgmt_byte_ring *r);
/* Empties the ring; the next byte has stream offset `offset`. */
void mgmt_byte_ring_reset(struct mgmt_byte_ring *r, uint64_t offset);
/* Appends len bytes at the stream's end (the oldest are dropped beyond cap). */
void mgmt_byte_ring_append(struct mgmt_byte_ring *r, const uint8_t *bytes, size_t len);
/* Places bytes whose first one has stream offset `offset`: bytes already held are skipped
 * (a sender repeating itself), a gap after end empties the ring first (the bytes between
 * were lost). */
void mgmt_byte_ring_put_at(struct mgmt_byte_ring *r, uint64_t offset, const uint8_t *bytes,
			   size_t len);
/* Copies at most max bytes from stream offset `from` (raised to start if older) into out;
 * returns the count, 0 when nothing is held from there on. *first gets the offset of the
 * first byte copied. */
size_t mgmt_byte_ring_read(const struct mgmt_byte_ring *r, uint64_t from, uint8_t *out,
			   size_t max, uint64_t *first);

#endif
