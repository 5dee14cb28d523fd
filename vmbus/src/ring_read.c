/* SPDX-License-Identifier: MIT */
/* The ring reader: finds packets in a ring the peer writes, hands them out in place, returns
 * their space, and decides when a blocked writer must be signalled. The peer controls
 * write_index, pending_send_sz and every byte of the data area: each is loaded once, and the
 * descriptor is copied out and validated before any length in it is used. */
#include "ring_internal.h"

static int reader_fail(struct vmbus_ring_reader *r, const char *why)
{
	r->broken = why;
	return VMBUS_E_PROTO;
}

int vmbus_ring_reader_attach(struct vmbus_ring_reader *r, const struct vmbus_ring_mem *mem)
{
	uint32_t wi, ri;

	if (!r || ring_mem_check(mem) != VMBUS_OK)
		return VMBUS_E_INVAL;
	memset(r, 0, sizeof(*r));
	r->mem = *mem;
	/* acquire: pairs with the writer's release of write_index (see reader_refresh_write) */
	wi = atomic_load_explicit(&mem->ctrl->write_index, memory_order_acquire);
	ri = atomic_load_explicit(&mem->ctrl->read_index, memory_order_relaxed);
	if (!ring_index_ok(wi, mem->data_size))
		return reader_fail(r, "write_index out of range or unaligned at attach");
	if (!ring_index_ok(ri, mem->data_size))
		return reader_fail(r, "read_index out of range or unaligned at attach");
	r->read = r->committed = ri;
	r->write_seen = wi;
	return VMBUS_OK;
}

/* Load the peer's write_index once and validate it: in range, aligned, and never taking back
 * data it published (the bytes between our committed index and it may only grow). */
static int reader_refresh_write(struct vmbus_ring_reader *r)
{
	uint32_t size = r->mem.data_size;
	/* acquire: the packet bytes the writer stored before publishing this index are visible
	 * to our loads below (pairs with the release store in vmbus_ring_write_raw). */
	uint32_t wi = atomic_load_explicit(&r->mem.ctrl->write_index, memory_order_acquire);

	if (!ring_index_ok(wi, size))
		return reader_fail(r, "write_index out of range or unaligned");
	if (ring_dist(r->committed, wi, size) < ring_dist(r->committed, r->write_seen, size))
		return reader_fail(r, "write_index moved backwards");
	r->write_seen = wi;
	return VMBUS_OK;
}

int vmbus_ring_peek(struct vmbus_ring_reader *r, struct vmbus_pkt *p)
{
	struct vmbus_pkt_desc d;
	uint32_t size, avail, len, data_off, first;
	int rc;

	if (!r || !p)
		return VMBUS_E_INVAL;
	if (r->broken)
		return VMBUS_E_BROKEN;
	size = r->mem.data_size;
	avail = ring_dist(r->read, r->write_seen, size);
	if (avail == 0) {
		/* Only reload the shared index when the cached one is used up: the writer's
		 * cache line is touched once per batch, not once per packet. */
		rc = reader_refresh_write(r);
		if (rc)
			return rc;
		avail = ring_dist(r->read, r->write_seen, size);
		if (avail == 0) {
			r->stats.blocked++;
			return VMBUS_E_AGAIN;
		}
	}
	/* Both indices are inside the ring, so avail < size; tested rather than assumed, so that
	 * a packet within avail visibly ends within one wrap of read (ring_add's precondition)
	 * without a relation between the two indices (what the server proof follows across its
	 * drain loop: docs/testing.md). */
	if (avail >= size)
		return reader_fail(r, "published bytes exceed the ring");
	/* A writer publishes whole packets only. */
	if (avail < sizeof(d) + VMBUS_RING_TRAILER_SIZE)
		return reader_fail(r, "published bytes shorter than a descriptor and trailer");
	if (r->read + sizeof(d) <= size)
		__builtin_memcpy(&d, r->mem.data + r->read, sizeof(d)); /* inlined: 2 loads */
	else
		ring_copy_out(r->mem.data, size, r->read, &d, sizeof(d));
	len = (uint32_t)d.len8 * 8u;
	data_off = (uint32_t)d.offset8 * 8u;
	if (len < sizeof(d))
		return reader_fail(r, "descriptor len8 shorter than the descriptor");
	if (data_off < sizeof(d) || data_off > len)
		return reader_fail(r, "descriptor offset8 outside [descriptor end, len8]");
	if (len + VMBUS_RING_TRAILER_SIZE > avail)
		return reader_fail(r, "packet longer than the published bytes");

	p->desc = d;
	p->len = len;
	p->data_off = data_off;
	p->ring_off = r->read;
	first = size - r->read;
	p->part[0].p = r->mem.data + r->read;
	p->part[1].p = r->mem.data;
	if (len <= first) {
		p->part[0].len = len;
		p->part[1].len = 0;
	} else {
		p->part[0].len = first;
		p->part[1].len = len - first;
	}
	return VMBUS_OK;
}

int vmbus_ring_consume(struct vmbus_ring_reader *r, const struct vmbus_pkt *p)
{
	uint32_t size;

	if (!r || !p)
		return VMBUS_E_INVAL;
	if (r->broken)
		return VMBUS_E_BROKEN;
	size = r->mem.data_size;
	/* p must be the packet peek just returned: same place, and within what was validated. */
	if (p->ring_off != r->read || p->len < sizeof(struct vmbus_pkt_desc) ||
	    (uint64_t)p->len + VMBUS_RING_TRAILER_SIZE > ring_dist(r->read, r->write_seen, size))
		return VMBUS_E_INVAL;
	r->read = ring_add(r->read, p->len + VMBUS_RING_TRAILER_SIZE, size);
	r->stats.packets++;
	r->stats.bytes += p->len + VMBUS_RING_TRAILER_SIZE;
	return VMBUS_OK;
}

int vmbus_ring_commit(struct vmbus_ring_reader *r, bool *signal)
{
	struct vmbus_ring_control *ctrl;
	uint32_t size, old, pending, free_now, freed, free_before;
	int rc;

	if (!signal)
		return VMBUS_E_INVAL;
	*signal = false;
	if (!r)
		return VMBUS_E_INVAL;
	if (r->broken)
		return VMBUS_E_BROKEN;
	if (r->read == r->committed)
		return VMBUS_OK;
	ctrl = r->mem.ctrl;
	size = r->mem.data_size;
	old = r->committed;

	/* release: our loads from the consumed packets complete before the writer, seeing the
	 * new read_index, may overwrite that space (pairs with the writer's acquire load). */
	atomic_store_explicit(&ctrl->read_index, r->read, memory_order_release);
	r->committed = r->read;

	/* Full fence (store-load): read_index must be visible before we load pending_send_sz.
	 * Pairs with the fence in vmbus_ring_writer_request_space (pending_send_sz store, then
	 * read_index load); without both, the writer could miss our progress while we miss its
	 * request, and it would wait forever. */
	atomic_thread_fence(memory_order_seq_cst);
	pending = atomic_load_explicit(&ctrl->pending_send_sz, memory_order_relaxed);
	if (pending == 0)
		return VMBUS_OK;

	rc = reader_refresh_write(r);
	if (rc)
		return rc;
	free_now = size - ring_dist(r->committed, r->write_seen, size);
	freed = ring_dist(old, r->committed, size);
	free_before = freed < free_now ? free_now - freed : 0;
	/* Signal rule: only when this commit made the free space cross what the writer asked
	 * for. If there was room before, the writer was not blocked on us; if there is still
	 * not enough, a signal would only wake it to fail again. */
	if (free_before > pending || free_now <= pending)
		return VMBUS_OK;
	*signal = true;
	r->stats.signals++;
	return VMBUS_OK;
}

int vmbus_ring_read(struct vmbus_ring_reader *r, struct vmbus_pkt *p, void *buf, uint32_t cap,
		    bool *signal)
{
	int rc;

	if (!signal)
		return VMBUS_E_INVAL;
	*signal = false;
	if (!buf && cap)
		return VMBUS_E_INVAL;
	rc = vmbus_ring_peek(r, p);
	if (rc)
		return rc;
	if (p->len > cap)
		return VMBUS_E_NOSPC;
	memcpy(buf, p->part[0].p, p->part[0].len);
	memcpy((uint8_t *)buf + p->part[0].len, p->part[1].p, p->part[1].len);
	rc = vmbus_ring_consume(r, p);
	if (rc)
		return rc;
	p->part[0].p = buf;
	p->part[0].len = p->len;
	p->part[1].p = (const uint8_t *)buf + p->len;
	p->part[1].len = 0;
	return vmbus_ring_commit(r, signal);
}

void vmbus_ring_reader_mask(struct vmbus_ring_reader *r)
{
	/* relaxed: the mask is only a hint to the writer. A writer that misses it signals once
	 * too often, which is harmless; the store-load ordering that matters is on unmask. */
	atomic_store_explicit(&r->mem.ctrl->interrupt_mask, 1, memory_order_relaxed);
}

int vmbus_ring_reader_unmask(struct vmbus_ring_reader *r)
{
	int rc;

	if (!r)
		return VMBUS_E_INVAL;
	if (r->broken)
		return VMBUS_E_BROKEN;
	atomic_store_explicit(&r->mem.ctrl->interrupt_mask, 0, memory_order_relaxed);
	/* Full fence (store-load): the cleared mask must be visible before we re-read
	 * write_index. Pairs with the writer's fence after publishing write_index: either it
	 * sees the mask clear (and signals) or we see its packet (and drain). */
	atomic_thread_fence(memory_order_seq_cst);
	rc = reader_refresh_write(r);
	if (rc)
		return rc;
	return r->read != r->write_seen;
}

int vmbus_ring_reader_has_data(struct vmbus_ring_reader *r)
{
	int rc;

	if (!r)
		return VMBUS_E_INVAL;
	if (r->broken)
		return VMBUS_E_BROKEN;
	if (r->read != r->write_seen)
		return 1;
	rc = reader_refresh_write(r);
	if (rc)
		return rc;
	return r->read != r->write_seen;
}
