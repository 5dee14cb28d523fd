/* SPDX-License-Identifier: MIT */
/* Test helper: one ring (control page + data area) in ordinary memory, with a writer and a
 * reader attached, and direct access to the shared fields to play the hostile peer. */
#ifndef VMBUS_TEST_RING_FIXTURE_H
#define VMBUS_TEST_RING_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "vmbus/ring.h"

struct ring_fixture {
	struct vmbus_ring_control *ctrl;
	uint8_t *data;
	uint32_t size;
	struct vmbus_ring_mem mem;
	struct vmbus_ring_writer w;
	struct vmbus_ring_reader r;
};

/* Allocates a ring of data_size bytes whose indices both start at start; attaches both ends. */
static inline struct ring_fixture *ring_fixture_new(uint32_t data_size, uint32_t start)
{
	struct ring_fixture *f = calloc(1, sizeof(*f));

	f->ctrl = aligned_alloc(4096, sizeof(*f->ctrl));
	f->data = aligned_alloc(4096, (data_size + 4095) & ~4095u);
	memset(f->ctrl, 0, sizeof(*f->ctrl));
	memset(f->data, 0xa5, data_size);
	f->size = data_size;
	vmbus_ring_control_init(f->ctrl);
	atomic_store(&f->ctrl->write_index, start);
	atomic_store(&f->ctrl->read_index, start);
	f->mem = (struct vmbus_ring_mem){ f->ctrl, f->data, data_size };
	if (vmbus_ring_writer_attach(&f->w, &f->mem) || vmbus_ring_reader_attach(&f->r, &f->mem))
		abort();
	return f;
}

static inline void ring_fixture_free(struct ring_fixture *f)
{
	free(f->ctrl);
	free(f->data);
	free(f);
}

/* Deterministic payload bytes for packet number seq. */
static inline void fill_pattern(uint8_t *buf, uint32_t len, uint64_t seq)
{
	uint64_t x = seq * 0x9e3779b97f4a7c15ull + 1;

	for (uint32_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
}

#endif
