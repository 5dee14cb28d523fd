/* SPDX-License-Identifier: MIT */
/* The ring writer: puts packets into a ring the peer reads, and decides when the peer must be
 * signalled. The peer controls read_index and interrupt_mask; both are loaded once per use,
 * and read_index is validated before it can change how much we write. */
#include "ring_internal.h"

static int writer_fail(struct vmbus_ring_writer *w, const char *why)
{
	w->broken = why;
	return VMBUS_E_PROTO;
}

int vmbus_ring_writer_attach(struct vmbus_ring_writer *w, const struct vmbus_ring_mem *mem)
{
	uint32_t wi, ri;

	if (!w || ring_mem_check(mem) != VMBUS_OK)
		return VMBUS_E_INVAL;
	memset(w, 0, sizeof(*w));
	w->mem = *mem;
	wi = atomic_load_explicit(&mem->ctrl->write_index, memory_order_relaxed);
	/* acquire: pairs with the reader's release of read_index (see writer_refresh_read) */
	ri = atomic_load_explicit(&mem->ctrl->read_index, memory_order_acquire);
	if (!ring_index_ok(wi, mem->data_size))
		return writer_fail(w, "write_index out of range or unaligned at attach");
	if (!ring_index_ok(ri, mem->data_size))
		return writer_fail(w, "read_index out of range or unaligned at attach");
	w->write = w->published = wi;
	w->read_seen = ri;
	return VMBUS_OK;
}

uint32_t vmbus_ring_writer_free(const struct vmbus_ring_writer *w)
{
	return w->mem.data_size - ring_dist(w->read_seen, w->write, w->mem.data_size);
}

/* Load the peer's read_index once and validate it: in range, aligned, and between the last
 * value seen and our write index (a reader only ever releases what was written). */
static int writer_refresh_read(struct vmbus_ring_writer *w)
{
	uint32_t size = w->mem.data_size;
	/* acquire: the reader's loads from the space it released happen before our stores into
	 * that space (pairs with the release store in vmbus_ring_commit). */
	uint32_t ri = atomic_load_explicit(&w->mem.ctrl->read_index, memory_order_acquire);

	if (!ring_index_ok(ri, size))
		return writer_fail(w, "read_index out of range or unaligned");
	if (ring_dist(w->read_seen, ri, size) > ring_dist(w->read_seen, w->write, size))
		return writer_fail(w,
				   "read_index moved outside [previous read_index, write_index]");
	w->read_seen = ri;
	return VMBUS_OK;
}

static uint64_t iov_total(const struct vmbus_iov *iov, unsigned n)
{
	uint64_t t = 0;

	for (unsigned i = 0; i < n; i++)
		t += iov[i].len;
	return t;
}

static uint32_t put_iov(struct vmbus_ring_writer *w, uint32_t off, const struct vmbus_iov *iov,
			unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (iov[i].len == 0)
			continue;
		ring_copy_in(w->mem.data, w->mem.data_size, off, iov[i].base, iov[i].len);
		off = ring_add(off, iov[i].len, w->mem.data_size);
	}
	return off;
}

/* Publish everything written since the last publish and decide whether to signal. */
static int writer_publish(struct vmbus_ring_writer *w, bool *signal)
{
	struct vmbus_ring_control *ctrl = w->mem.ctrl;
	uint32_t old = w->published;

	if (w->write == old)
		return VMBUS_OK;
	/* release: the packets' bytes are visible before the index that publishes them (pairs
	 * with the reader's acquire load of write_index). */
	atomic_store_explicit(&ctrl->write_index, w->write, memory_order_release);
	w->published = w->write;
	if (w->pending_set) {
		/* The space we asked for arrived; stop the reader from signalling for it. */
		atomic_store_explicit(&ctrl->pending_send_sz, 0, memory_order_relaxed);
		w->pending_set = false;
	}

	/* Full fence (store-load): our write_index store must be visible before we load
	 * interrupt_mask and read_index. Pairs with the fence in vmbus_ring_reader_unmask: the
	 * reader clears the mask then re-reads write_index; without both fences each side can
	 * read the other's old value (mask still 1 here, old write_index there) and the reader
	 * sleeps on a non-empty ring: the lost wake-up. */
	atomic_thread_fence(memory_order_seq_cst);
	/* Rule 1: a reader that masked interrupts is draining and will see these packets. */
	if (atomic_load_explicit(&ctrl->interrupt_mask, memory_order_relaxed))
		return VMBUS_OK;
	/* Rule 2: signal only on empty -> non-empty, i.e. the reader had consumed everything up
	 * to where these packets start; otherwise it is still busy with earlier packets and will
	 * reach them without a signal. */
	if (atomic_load_explicit(&ctrl->read_index, memory_order_relaxed) == old) {
		*signal = true;
		w->stats.signals++;
	}
	return VMBUS_OK;
}

void vmbus_ring_writer_batch_begin(struct vmbus_ring_writer *w)
{
	w->batching = true;
}

int vmbus_ring_writer_flush(struct vmbus_ring_writer *w, bool *signal)
{
	if (!signal)
		return VMBUS_E_INVAL;
	*signal = false;
	if (!w)
		return VMBUS_E_INVAL;
	w->batching = false;
	if (w->broken)
		return VMBUS_E_BROKEN;
	return writer_publish(w, signal);
}

int vmbus_ring_write_raw(struct vmbus_ring_writer *w, uint16_t type, uint16_t flags,
			 uint64_t trans_id, const struct vmbus_iov *hdr, unsigned nhdr,
			 const struct vmbus_iov *payload, unsigned npayload, bool *signal)
{
	static const uint8_t zeros[8];
	struct vmbus_pkt_desc desc;
	uint64_t hdr_len, pkt_len, padded, need, trailer;
	uint32_t size, old, off;
	int rc;

	if (!signal)
		return VMBUS_E_INVAL;
	*signal = false;
	if (!w || (nhdr && !hdr) || (npayload && !payload))
		return VMBUS_E_INVAL;
	if (w->broken)
		return VMBUS_E_BROKEN;
	size = w->mem.data_size;
	/* Ask for the control line in exclusive state now, so that the ownership transfer from
	 * the polling reader overlaps the copy instead of stalling the fence at publish. */
	__builtin_prefetch(&w->mem.ctrl->write_index, 1);

	hdr_len = iov_total(hdr, nhdr);
	if (hdr_len % VMBUS_PKT_ALIGN)
		return VMBUS_E_INVAL;
	pkt_len = sizeof(desc) + hdr_len + iov_total(payload, npayload);
	padded = (pkt_len + 7) & ~(uint64_t)7;
	need = padded + VMBUS_RING_TRAILER_SIZE;
	/* The ring is never filled completely (free must stay > need), so the largest packet
	 * leaves 8 bytes: otherwise write_index == read_index would read as empty. */
	if (padded > VMBUS_PKT_MAX_LEN || need > size - VMBUS_PKT_ALIGN)
		return VMBUS_E_MSGSIZE;

	if (vmbus_ring_writer_free(w) <= need) {
		rc = writer_refresh_read(w);
		if (rc)
			return rc;
		if (vmbus_ring_writer_free(w) <= need) {
			w->stats.blocked++;
			return VMBUS_E_AGAIN;
		}
	}

	desc.type = type;
	desc.offset8 = (uint16_t)((sizeof(desc) + hdr_len) / 8);
	desc.len8 = (uint16_t)(padded / 8);
	desc.flags = flags;
	desc.trans_id = trans_id;

	old = w->write;
	trailer = (uint64_t)old << 32;
	if (old + need <= size) {
		/* Fast path, the packet does not wrap: fixed-size pieces as plain stores. */
		uint8_t *dst = w->mem.data + old, *p = dst + sizeof(desc);

		__builtin_memcpy(dst, &desc, sizeof(desc));
		if (padded !=
		    pkt_len) /* zero the last word first; the payload overwrites its head */
			__builtin_memcpy(dst + padded - 8, zeros, 8);
		for (unsigned i = 0; i < nhdr; i++) {
			memcpy(p, hdr[i].base, hdr[i].len);
			p += hdr[i].len;
		}
		for (unsigned i = 0; i < npayload; i++) {
			memcpy(p, payload[i].base, payload[i].len);
			p += payload[i].len;
		}
		__builtin_memcpy(dst + padded, &trailer, sizeof(trailer));
		off = ring_add(old, (uint32_t)need, size);
	} else {
		ring_copy_in(w->mem.data, size, old, &desc, sizeof(desc));
		off = ring_add(old, sizeof(desc), size);
		off = put_iov(w, off, hdr, nhdr);
		off = put_iov(w, off, payload, npayload);
		if (padded != pkt_len) {
			ring_copy_in(w->mem.data, size, off, zeros, (uint32_t)(padded - pkt_len));
			off = ring_add(off, (uint32_t)(padded - pkt_len), size);
		}
		ring_copy_in(w->mem.data, size, off, &trailer, sizeof(trailer));
		off = ring_add(off, sizeof(trailer), size);
	}

	w->write = off;
	w->stats.packets++;
	w->stats.bytes += need;
	if (w->batching)
		return VMBUS_OK; /* published by vmbus_ring_writer_flush */
	return writer_publish(w, signal);
}

int vmbus_ring_write_inband(struct vmbus_ring_writer *w, uint64_t trans_id, uint16_t flags,
			    const struct vmbus_iov *iov, unsigned n, bool *signal)
{
	return vmbus_ring_write_raw(w, VMBUS_PKT_DATA_INBAND, flags, trans_id, NULL, 0, iov, n,
				    signal);
}

int vmbus_ring_write_completion(struct vmbus_ring_writer *w, uint64_t trans_id,
				const struct vmbus_iov *iov, unsigned n, bool *signal)
{
	return vmbus_ring_write_raw(w, VMBUS_PKT_COMPLETION, 0, trans_id, NULL, 0, iov, n, signal);
}

int vmbus_ring_write_gpa_direct(struct vmbus_ring_writer *w, uint64_t trans_id, uint16_t flags,
				uint32_t byte_offset, uint32_t byte_count, const uint64_t *pfns,
				uint32_t npfn, const struct vmbus_iov *iov, unsigned n,
				bool *signal)
{
	struct {
		uint32_t reserved;
		uint32_t range_count;
		struct vmbus_gpa_range range;
	} __attribute__((packed)) head = { 0, 1, { byte_count, byte_offset } };
	struct vmbus_iov hdr[2] = { { &head, sizeof(head) }, { pfns, npfn * 8u } };

	_Static_assert(sizeof(head) == 16, "GPA-direct head after the descriptor");
	if (!signal)
		return VMBUS_E_INVAL;
	*signal = false;
	if (!pfns || byte_offset >= VMBUS_PAGE_SIZE || byte_count == 0 || npfn > 0xffff ||
	    vmbus_gpa_range_pages(byte_offset, byte_count) != npfn)
		return VMBUS_E_INVAL;
	return vmbus_ring_write_raw(w, VMBUS_PKT_DATA_GPA_DIRECT, flags, trans_id, hdr, 2, iov, n,
				    signal);
}

int vmbus_ring_writer_request_space(struct vmbus_ring_writer *w, uint32_t ring_bytes)
{
	struct vmbus_ring_control *ctrl;
	int rc;

	if (!w)
		return VMBUS_E_INVAL;
	if (w->broken)
		return VMBUS_E_BROKEN;
	ctrl = w->mem.ctrl;
	if (w->write != w->published)
		return VMBUS_E_INVAL; /* flush first: the reader cannot free what it cannot see */
	if (ring_bytes == 0 || ring_bytes > w->mem.data_size - VMBUS_PKT_ALIGN)
		return VMBUS_E_MSGSIZE;
	atomic_store_explicit(&ctrl->pending_send_sz, ring_bytes, memory_order_relaxed);
	w->pending_set = true;
	/* Full fence (store-load): pending_send_sz must be visible before we re-read read_index.
	 * Pairs with the fence in vmbus_ring_commit (read_index store, then pending_send_sz
	 * load): otherwise we could see the old read_index and the reader pending_send_sz == 0,
	 * and nobody would wake us. */
	atomic_thread_fence(memory_order_seq_cst);
	rc = writer_refresh_read(w);
	if (rc)
		return rc;
	if (vmbus_ring_writer_free(w) > ring_bytes) {
		atomic_store_explicit(&ctrl->pending_send_sz, 0, memory_order_relaxed);
		w->pending_set = false;
		return VMBUS_OK;
	}
	return VMBUS_E_AGAIN;
}
