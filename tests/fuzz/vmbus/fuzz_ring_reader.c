/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the ring reader (and writer) against an arbitrary control page and data
 * area, as a hostile peer could leave them. Input: 16 bytes of control fields (write_index,
 * read_index, interrupt_mask, pending_send_sz), 8 x u32 "peer moves" (values the peer stores
 * into its index between our calls), then the data area (its length sets the ring size). The
 * data area is an exact-size heap block, so any out-of-bounds access trips ASan; every call
 * must return, and the private indices must stay valid. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmbus/ring.h"

#include "fuzz_entry.h"

#define MOVES	 8
#define MAX_DATA (64u * 1024)

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void check(int cond)
{
	if (!cond)
		abort();
}

static void run_reader(struct vmbus_ring_mem *mem, const uint32_t *moves)
{
	struct vmbus_ring_reader r;
	static uint8_t copy[VMBUS_PKT_MAX_LEN];
	int move = 0;

	if (vmbus_ring_reader_attach(&r, mem) != VMBUS_OK)
		return;
	for (int iter = 0; iter < 4096; iter++) {
		struct vmbus_pkt p;
		bool sig;
		int rc = vmbus_ring_peek(&r, &p);

		if (rc == VMBUS_OK) {
			struct vmbus_gpa_range_info ranges[8];
			uint64_t pfns[64];

			check(p.len >= 16 && p.data_off >= 16 && p.data_off <= p.len);
			check(p.part[0].len + p.part[1].len == p.len);
			check(vmbus_pkt_copy(&p, 0, copy, p.len) == VMBUS_OK);
			(void)vmbus_pkt_ptr(&p, p.data_off, vmbus_pkt_payload_len(&p));
			if (p.desc.type == VMBUS_PKT_DATA_GPA_DIRECT)
				(void)vmbus_pkt_parse_gpa_direct(&p, ranges, 8, pfns, 64, NULL);
			check(vmbus_ring_consume(&r, &p) == VMBUS_OK);
			if (iter % 3 == 0)
				vmbus_ring_commit(&r, &sig);
			continue;
		}
		if (rc != VMBUS_E_AGAIN)
			break;
		vmbus_ring_commit(&r, &sig);
		if (vmbus_ring_reader_unmask(&r) == 1)
			continue;
		if (move == MOVES)
			break;
		/* the peer publishes (or fakes) more data */
		atomic_store_explicit(&mem->ctrl->write_index, moves[move++], memory_order_relaxed);
		atomic_store_explicit(&mem->ctrl->pending_send_sz, moves[(move + 3) % MOVES],
				      memory_order_relaxed);
	}
	if (!r.broken) {
		check(r.read < mem->data_size && (r.read & 7) == 0);
		check(r.committed == atomic_load(&mem->ctrl->read_index));
	}
}

static void run_writer(struct vmbus_ring_mem *mem, const uint32_t *moves, const uint8_t *src,
		       uint32_t src_len)
{
	struct vmbus_ring_writer w;
	uint64_t pfns[3] = { 1, 2, 3 };

	if (vmbus_ring_writer_attach(&w, mem) != VMBUS_OK)
		return;
	for (int i = 0; i < 64; i++) {
		uint32_t n = moves[i % MOVES] % (src_len + 1);
		struct vmbus_iov iov = { src, n };
		bool sig;
		int rc = i % 5 == 4 ? vmbus_ring_write_gpa_direct(&w, i, 0, 8, 8000, pfns, 2, &iov,
								  1, &sig)
				    : vmbus_ring_write_inband(&w, i, 0, &iov, 1, &sig);

		if (rc == VMBUS_E_AGAIN) {
			rc = vmbus_ring_writer_request_space(
				&w, (uint32_t)vmbus_ring_packet_bytes(0, n));
			/* the peer frees (or fakes freeing) space */
			atomic_store_explicit(&mem->ctrl->read_index, moves[i % MOVES],
					      memory_order_relaxed);
		}
		if (rc == VMBUS_E_BROKEN || rc == VMBUS_E_PROTO)
			break;
	}
	if (!w.broken)
		check(w.write < mem->data_size && (w.write & 7) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	static struct vmbus_ring_control ctrl __attribute__((aligned(4096)));
	uint32_t moves[MOVES], size;
	struct vmbus_ring_mem mem;
	uint8_t *data;

	if (len < 16 + 4 * MOVES + VMBUS_RING_MIN_DATA)
		return 0;
	size = (uint32_t)(len - 16 - 4 * MOVES);
	if (size > MAX_DATA)
		size = MAX_DATA;
	size &= ~7u;
	for (int i = 0; i < MOVES; i++)
		moves[i] = rd32(in + 16 + 4 * i);
	data = malloc(size);
	memcpy(data, in + 16 + 4 * MOVES, size);
	mem = (struct vmbus_ring_mem){ &ctrl, data, size };

	memset(&ctrl, 0, sizeof(ctrl));
	atomic_store(&ctrl.write_index, rd32(in));
	atomic_store(&ctrl.read_index, rd32(in + 4));
	atomic_store(&ctrl.interrupt_mask, rd32(in + 8));
	atomic_store(&ctrl.pending_send_sz, rd32(in + 12));
	run_reader(&mem, moves);

	atomic_store(&ctrl.write_index, rd32(in) % size & ~7u);
	atomic_store(&ctrl.read_index, rd32(in + 4));
	run_writer(&mem, moves, in, (uint32_t)len);
	free(data);
	return 0;
}
