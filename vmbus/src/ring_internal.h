/* SPDX-License-Identifier: MIT */
/* Helpers shared by the ring writer and reader: index arithmetic and wrap-aware copies. */
#ifndef VMBUS_RING_INTERNAL_H
#define VMBUS_RING_INTERNAL_H

#include "vmbus/ring.h"
#include "vmbus/freestanding_libc.h"

/* Bytes from index a forward to index b on a ring of size bytes (both < size). */
static inline uint32_t ring_dist(uint32_t a, uint32_t b, uint32_t size)
{
	return b >= a ? b - a : size - a + b;
}

static inline uint32_t ring_add(uint32_t off, uint32_t n, uint32_t size)
{
	/* off < size and n <= size, so this cannot overflow 32 bits for size <= 1 GiB */
	off += n;
	return off >= size ? off - size : off;
}

/* A shared index is usable only if it is inside the data area and 8-byte aligned. */
static inline bool ring_index_ok(uint32_t idx, uint32_t size)
{
	return idx < size && (idx & 7u) == 0;
}

static inline void ring_copy_in(uint8_t *data, uint32_t size, uint32_t off, const void *src,
				uint32_t n)
{
	uint32_t first = size - off;

	if (n <= first) {
		memcpy(data + off, src, n);
	} else {
		memcpy(data + off, src, first);
		memcpy(data, (const uint8_t *)src + first, n - first);
	}
}

static inline void ring_copy_out(const uint8_t *data, uint32_t size, uint32_t off, void *dst,
				 uint32_t n)
{
	uint32_t first = size - off;

	if (n <= first) {
		memcpy(dst, data + off, n);
	} else {
		memcpy(dst, data + off, first);
		memcpy((uint8_t *)dst + first, data, n - first);
	}
}

int ring_mem_check(const struct vmbus_ring_mem *mem);

#endif
