/* SPDX-License-Identifier: MIT */
/* Unit tests of the ring writer and reader: framing, wrap-around at every offset, space
 * accounting, batch reads, the interrupt-mitigation rules and the hostile-peer checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ring_fixture.h"
#include "vmbus/guid.h"

#define PAGE 4096u

static int write_bytes(struct ring_fixture *f, uint64_t id, const void *buf, uint32_t len,
		       bool *sig)
{
	struct vmbus_iov iov = { buf, len };

	return vmbus_ring_write_inband(&f->w, id, 0, &iov, 1, sig);
}

/* Reads one packet both in place and by copy, and checks id, type and payload. */
static void expect_packet(struct ring_fixture *f, uint64_t id, const uint8_t *want, uint32_t len)
{
	struct vmbus_pkt p;
	uint8_t got[8192];
	bool sig;

	assert_int_equal(vmbus_ring_peek(&f->r, &p), VMBUS_OK);
	assert_int_equal(p.desc.type, VMBUS_PKT_DATA_INBAND);
	assert_int_equal(p.desc.trans_id, id);
	assert_int_equal(p.data_off, 16);
	assert_int_equal(p.len, (16 + len + 7) & ~7u);
	assert_int_equal(p.part[0].len + p.part[1].len, p.len);
	assert_int_equal(vmbus_pkt_copy(&p, 16, got, len), VMBUS_OK);
	assert_memory_equal(got, want, len);
	/* in place: walk the two parts by hand */
	for (uint32_t i = 0; i < len; i++) {
		uint32_t o = 16 + i;
		uint8_t b = o < p.part[0].len ? p.part[0].p[o] : p.part[1].p[o - p.part[0].len];

		assert_int_equal(b, want[i]);
	}
	/* padding is zero */
	for (uint32_t o = 16 + len; o < p.len; o++) {
		uint8_t b;

		vmbus_pkt_copy(&p, o, &b, 1);
		assert_int_equal(b, 0);
	}
	/* the trailer holds the start offset in its upper half */
	{
		uint64_t tr;
		uint32_t t_off = (p.ring_off + p.len) % f->size;

		if (t_off + 8 <= f->size)
			memcpy(&tr, f->data + t_off, 8);
		else
			abort();
		assert_int_equal(tr >> 32, p.ring_off);
	}
	assert_int_equal(vmbus_ring_consume(&f->r, &p), VMBUS_OK);
	assert_int_equal(vmbus_ring_commit(&f->r, &sig), VMBUS_OK);
}

static void test_attach_rejects_bad_descriptions(void **state)
{
	struct ring_fixture *f = ring_fixture_new(PAGE, 0);
	struct vmbus_ring_mem m = f->mem;
	struct vmbus_ring_writer w;
	struct vmbus_ring_reader r;

	(void)state;
	m.data_size = 4095;
	assert_int_equal(vmbus_ring_writer_attach(&w, &m), VMBUS_E_INVAL);
	m.data_size = 16;
	assert_int_equal(vmbus_ring_reader_attach(&r, &m), VMBUS_E_INVAL);
	m = f->mem;
	m.data = NULL;
	assert_int_equal(vmbus_ring_reader_attach(&r, &m), VMBUS_E_INVAL);

	atomic_store(&f->ctrl->write_index, 12); /* unaligned */
	assert_int_equal(vmbus_ring_reader_attach(&r, &f->mem), VMBUS_E_PROTO);
	assert_non_null(r.broken);
	atomic_store(&f->ctrl->write_index, 0);
	atomic_store(&f->ctrl->read_index, PAGE); /* out of range */
	assert_int_equal(vmbus_ring_writer_attach(&w, &f->mem), VMBUS_E_PROTO);
	assert_non_null(w.broken);
	{
		bool sig;
		uint8_t b = 1;
		struct vmbus_iov iov = { &b, 1 };

		assert_int_equal(vmbus_ring_write_inband(&w, 1, 0, &iov, 1, &sig), VMBUS_E_BROKEN);
	}
	ring_fixture_free(f);
}

static void test_empty_then_one_packet(void **state)
{
	struct ring_fixture *f = ring_fixture_new(PAGE, 0);
	struct vmbus_pkt p;
	uint8_t buf[100];
	bool sig;

	(void)state;
	assert_int_equal(vmbus_ring_peek(&f->r, &p), VMBUS_E_AGAIN);
	assert_int_equal(vmbus_ring_reader_has_data(&f->r), 0);
	fill_pattern(buf, sizeof(buf), 7);
	assert_int_equal(write_bytes(f, 7, buf, sizeof(buf), &sig), VMBUS_OK);
	assert_true(sig);
	assert_int_equal(atomic_load(&f->ctrl->write_index), 16 + 104 + 8);
	assert_int_equal(vmbus_ring_reader_has_data(&f->r), 1);
	expect_packet(f, 7, buf, sizeof(buf));
	assert_int_equal(atomic_load(&f->ctrl->read_index), 128);
	assert_int_equal(vmbus_ring_peek(&f->r, &p), VMBUS_E_AGAIN);
	ring_fixture_free(f);
}

/* Packets starting at every 8-byte offset of the ring, of sizes that end before, at and across
 * the wrap, so that the descriptor, the payload, the padding and the trailer each get split. */
static void test_wrap_at_every_offset(void **state)
{
	static const uint32_t lens[] = { 0, 1, 7, 8, 9, 40, 100, 1000 };
	uint8_t buf[1000];

	(void)state;
	for (uint32_t start = 0; start < PAGE; start += 8) {
		struct ring_fixture *f = ring_fixture_new(PAGE, start);

		for (unsigned i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			bool sig;

			fill_pattern(buf, lens[i], start + i);
			assert_int_equal(write_bytes(f, start + i, buf, lens[i], &sig), VMBUS_OK);
			expect_packet(f, start + i, buf, lens[i]);
		}
		ring_fixture_free(f);
	}
}

static void test_exact_fit(void **state)
{
	struct ring_fixture *f = ring_fixture_new(PAGE, 0);
	static uint8_t buf[PAGE];
	bool sig;

	(void)state;
	/* Empty ring: the largest packet leaves exactly 8 bytes free. */
	uint32_t max_payload = PAGE - 8 - 8 - 16;

	assert_int_equal(write_bytes(f, 1, buf, max_payload + 1, &sig), VMBUS_E_MSGSIZE);
	assert_int_equal(write_bytes(f, 1, buf, max_payload, &sig), VMBUS_OK);
	assert_int_equal(vmbus_ring_writer_free(&f->w), 8);
	assert_int_equal(write_bytes(f, 2, buf, 0, &sig), VMBUS_E_AGAIN);
	expect_packet(f, 1, buf, max_payload);

	/* Partly used ring: free must stay strictly greater than the packet. */
	assert_int_equal(write_bytes(f, 3, buf, 1000, &sig), VMBUS_OK); /* 1016 + 8 used */
	uint32_t free_now = vmbus_ring_writer_free(&f->w);

	assert_int_equal(free_now, PAGE - 1024);
	assert_int_equal(write_bytes(f, 4, buf, free_now - 24, &sig), VMBUS_E_AGAIN);
	assert_int_equal(write_bytes(f, 4, buf, free_now - 32, &sig), VMBUS_OK);
	assert_int_equal(vmbus_ring_writer_free(&f->w), 8);
	ring_fixture_free(f);
}

static void test_full_and_drain_in_order(void **state)
{
	struct ring_fixture *f = ring_fixture_new(2 * PAGE, 0);
	uint8_t buf[200];
	uint64_t n = 0;
	bool sig;
	int rc;

	(void)state;
	while ((rc = write_bytes(f, n, (fill_pattern(buf, 100 + n % 100, n), buf), 100 + n % 100,
				 &sig)) == VMBUS_OK)
		n++;
	assert_int_equal(rc, VMBUS_E_AGAIN);
	assert_true(n > 30);
	assert_int_equal(f->w.stats.blocked, 1);
	for (uint64_t i = 0; i < n; i++) {
		fill_pattern(buf, 100 + i % 100, i);
		expect_packet(f, i, buf, 100 + i % 100);
	}
	assert_int_equal(vmbus_ring_reader_has_data(&f->r), 0);
	assert_int_equal(write_bytes(f, n, buf, 100, &sig), VMBUS_OK);
	ring_fixture_free(f);
}

static void test_oversize_and_bad_arguments(void **state)
{
	struct ring_fixture *f = ring_fixture_new(1u << 20, 0);
	static uint8_t big[600000];
	struct vmbus_iov hdr = { big, 12 };
	struct vmbus_iov pl = { big, 8 };
	bool sig;

	(void)state;
	/* len8 is 16 bits: 524280 bytes at most, descriptor included */
	assert_int_equal(write_bytes(f, 1, big, VMBUS_PKT_MAX_LEN - 16 + 1, &sig), VMBUS_E_MSGSIZE);
	assert_int_equal(write_bytes(f, 1, big, VMBUS_PKT_MAX_LEN - 16, &sig), VMBUS_OK);
	/* a type-specific header must keep the payload 8-byte aligned */
	assert_int_equal(vmbus_ring_write_raw(&f->w, 6, 0, 1, &hdr, 1, &pl, 1, &sig),
			 VMBUS_E_INVAL);
	assert_int_equal(vmbus_ring_write_raw(&f->w, 6, 0, 1, NULL, 1, &pl, 1, &sig),
			 VMBUS_E_INVAL);
	assert_int_equal(vmbus_ring_write_inband(&f->w, 1, 0, &pl, 1, NULL), VMBUS_E_INVAL);
	assert_int_equal(vmbus_ring_writer_request_space(&f->w, (1u << 20) - 7), VMBUS_E_MSGSIZE);
	ring_fixture_free(f);
}

static void test_batch_read_commits_once(void **state)
{
	struct ring_fixture *f = ring_fixture_new(PAGE, 0);
	struct vmbus_pkt p;
	uint8_t buf[64] = { 0 };
	bool sig;

	(void)state;
	for (int i = 0; i < 10; i++)
		assert_int_equal(write_bytes(f, i, buf, 64, &sig), VMBUS_OK);
	uint32_t free_before = vmbus_ring_writer_free(&f->w);

	for (int i = 0; i < 10; i++) {
		assert_int_equal(vmbus_ring_peek(&f->r, &p), VMBUS_OK);
		assert_int_equal(p.desc.trans_id, i);
		/* peeking again returns the same packet */
		assert_int_equal(vmbus_ring_peek(&f->r, &p), VMBUS_OK);
		assert_int_equal(p.desc.trans_id, i);
		assert_int_equal(vmbus_ring_consume(&f->r, &p), VMBUS_OK);
		/* consuming twice is the caller's bug */
		assert_int_equal(vmbus_ring_consume(&f->r, &p), VMBUS_E_INVAL);
	}
	assert_int_equal(vmbus_ring_peek(&f->r, &p), VMBUS_E_AGAIN);
	/* nothing was returned to the writer yet */
	assert_int_equal(atomic_load(&f->ctrl->read_index), 0);
	assert_int_equal(write_bytes(f, 99, buf, 64, &sig), VMBUS_OK);
	assert_true(vmbus_ring_writer_free(&f->w) < free_before);
	assert_int_equal(vmbus_ring_commit(&f->r, &sig), VMBUS_OK);
	assert_int_equal(atomic_load(&f->ctrl->read_index), 10 * 88);
	assert_int_equal(f->r.stats.packets, 10);
	ring_fixture_free(f);
}

static void test_copy_out_read(void **state)
{
	struct ring_fixture *f = ring_fixture_new(PAGE, PAGE - 40);
	struct vmbus_pkt p;
	uint8_t buf[300], out[400];
	bool sig;

	(void)state;
	fill_pattern(buf, 300, 5);
	assert_int_equal(write_bytes(f, 5, buf, 300, &sig), VMBUS_OK);
	assert_int_equal(vmbus_ring_read(&f->r, &p, out, 100, &sig), VMBUS_E_NOSPC);
	assert_int_equal(p.len, 320);
	assert_int_equal(vmbus_ring_read(&f->r, &p, out, sizeof(out), &sig), VMBUS_OK);
	assert_int_equal(p.desc.trans_id, 5);
	assert_memory_equal(out + 16, buf, 300);
	assert_ptr_equal(vmbus_pkt_ptr(&p, 16, 300), out + 16);
	assert_int_equal(atomic_load(&f->ctrl->read_index), atomic_load(&f->ctrl->write_index));
	ring_fixture_free(f);
}

static void test_pkt_access_bounds(void **state)
{
	struct ring_fixture *f = ring_fixture_new(PAGE, PAGE - 24);
	struct vmbus_pkt p;
	uint8_t buf[64], out[64];
	bool sig;

	(void)state;
	fill_pattern(buf, 64, 1);
	assert_int_equal(write_bytes(f, 1, buf, 64, &sig), VMBUS_OK);
	assert_int_equal(vmbus_ring_peek(&f->r, &p), VMBUS_OK);
	assert_int_equal(p.part[0].len, 24);
	assert_int_equal(p.part[1].len, 56);
	assert_non_null(vmbus_pkt_ptr(&p, 0, 24));
	assert_null(vmbus_pkt_ptr(&p, 16, 16)); /* split by the wrap */
	assert_ptr_equal(vmbus_pkt_ptr(&p, 24, 56), f->data);
	assert_null(vmbus_pkt_ptr(&p, 24, 57)); /* past the packet */
	assert_null(vmbus_pkt_ptr(&p, 81, 0));
	assert_int_equal(vmbus_pkt_copy(&p, 16, out, 64), VMBUS_OK);
	assert_memory_equal(out, buf, 64);
	assert_int_equal(vmbus_pkt_copy(&p, 17, out, 64), VMBUS_E_INVAL);
	assert_int_equal(vmbus_pkt_copy(&p, 0xffffffffu, out, 2), VMBUS_E_INVAL);
	ring_fixture_free(f);
}

/* Writer-side signalling: empty -> non-empty only, and never while the reader masks. */
static void test_signal_rules(void **state)
{
	struct ring_fixture *f = ring_fixture_new(PAGE, 0);
	struct vmbus_pkt p;
	uint8_t buf[32] = { 0 };
	bool sig;

	(void)state;
	assert_int_equal(write_bytes(f, 1, buf, 32, &sig), VMBUS_OK);
	assert_true(sig); /* was empty, unmasked */
	assert_int_equal(write_bytes(f, 2, buf, 32, &sig), VMBUS_OK);
	assert_false(sig); /* not empty */

	/* the reader consumed packet 1 but not 2: still not empty */
	assert_int_equal(vmbus_ring_peek(&f->r, &p), VMBUS_OK);
	assert_int_equal(vmbus_ring_consume(&f->r, &p), VMBUS_OK);
	assert_int_equal(vmbus_ring_commit(&f->r, &sig), VMBUS_OK);
	assert_false(sig);
	assert_int_equal(write_bytes(f, 3, buf, 32, &sig), VMBUS_OK);
	assert_false(sig);

	/* reader masks and drains everything: a write into the empty ring is not signalled */
	vmbus_ring_reader_mask(&f->r);
	assert_int_equal(atomic_load(&f->ctrl->interrupt_mask), 1);
	while (vmbus_ring_peek(&f->r, &p) == VMBUS_OK)
		vmbus_ring_consume(&f->r, &p);
	vmbus_ring_commit(&f->r, &sig);
	assert_int_equal(write_bytes(f, 4, buf, 32, &sig), VMBUS_OK);
	assert_false(sig);
	/* unmask re-checks and reports the packet that arrived meanwhile */
	assert_int_equal(vmbus_ring_reader_unmask(&f->r), 1);
	assert_int_equal(atomic_load(&f->ctrl->interrupt_mask), 0);
	assert_int_equal(vmbus_ring_peek(&f->r, &p), VMBUS_OK);
	assert_int_equal(vmbus_ring_consume(&f->r, &p), VMBUS_OK);
	assert_int_equal(vmbus_ring_commit(&f->r, &sig), VMBUS_OK);
	assert_int_equal(vmbus_ring_reader_unmask(&f->r), 0); /* empty: safe to sleep */
	assert_int_equal(write_bytes(f, 5, buf, 32, &sig), VMBUS_OK);
	assert_true(sig); /* empty and unmasked again */
	assert_int_equal(f->w.stats.signals, 2);
	ring_fixture_free(f);
}

/* Batched writes are invisible until flush, which publishes them at once and signals once. */
static void test_batched_writes(void **state)
{
	struct ring_fixture *f = ring_fixture_new(PAGE, 0);
	struct vmbus_pkt p;
	uint8_t buf[32] = { 0 };
	bool sig = true;

	(void)state;
	vmbus_ring_writer_batch_begin(&f->w);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(write_bytes(f, i, buf, 32, &sig), VMBUS_OK);
		assert_false(sig);
	}
	assert_int_equal(atomic_load(&f->ctrl->write_index), 0);
	assert_int_equal(vmbus_ring_peek(&f->r, &p), VMBUS_E_AGAIN);
	/* waiting for space with unpublished packets would deadlock: refused */
	assert_int_equal(vmbus_ring_writer_request_space(&f->w, 64), VMBUS_E_INVAL);
	assert_int_equal(vmbus_ring_writer_flush(&f->w, &sig), VMBUS_OK);
	assert_true(sig);
	assert_int_equal(atomic_load(&f->ctrl->write_index), 3 * 56);
	assert_int_equal(f->w.stats.signals, 1);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(vmbus_ring_peek(&f->r, &p), VMBUS_OK);
		assert_int_equal(p.desc.trans_id, i);
		vmbus_ring_consume(&f->r, &p);
	}
	/* an empty flush publishes nothing and never signals */
	assert_int_equal(vmbus_ring_writer_flush(&f->w, &sig), VMBUS_OK);
	assert_false(sig);
	/* after flush, writes publish one by one again */
	assert_int_equal(write_bytes(f, 9, buf, 32, &sig), VMBUS_OK);
	assert_int_equal(atomic_load(&f->ctrl->write_index), 4 * 56);
	ring_fixture_free(f);
}

/* pending_send_sz: the reader signals exactly when its commit makes the free space cross what
 * the blocked writer asked for. */
static void test_pending_send_sz_rules(void **state)
{
	struct ring_fixture *f = ring_fixture_new(PAGE, 0);
	struct vmbus_pkt p;
	uint8_t buf[512] = { 0 };
	bool sig;
	int n = 0;

	(void)state;
	assert_int_equal(atomic_load(&f->ctrl->feature_bits) & VMBUS_RING_FEAT_PENDING_SEND_SZ, 1);
	/* space already there: request_space says retry now and leaves nothing pending */
	assert_int_equal(vmbus_ring_writer_request_space(&f->w, 1000), VMBUS_OK);
	assert_int_equal(atomic_load(&f->ctrl->pending_send_sz), 0);

	while (write_bytes(f, n, buf, 104, &sig) == VMBUS_OK) /* 128 bytes on the ring each */
		n++;
	assert_int_equal(n, 31);				   /* 31 * 128 = 3968, free 128 */
	uint32_t need = (uint32_t)vmbus_ring_packet_bytes(0, 500); /* 528 */

	assert_int_equal(write_bytes(f, 99, buf, 500, &sig), VMBUS_E_AGAIN);
	assert_int_equal(vmbus_ring_writer_request_space(&f->w, need), VMBUS_E_AGAIN);
	assert_int_equal(atomic_load(&f->ctrl->pending_send_sz), need);

	/* free 128 -> 384: not enough, no signal */
	for (int i = 0; i < 2; i++) {
		vmbus_ring_peek(&f->r, &p);
		vmbus_ring_consume(&f->r, &p);
	}
	assert_int_equal(vmbus_ring_commit(&f->r, &sig), VMBUS_OK);
	assert_false(sig);
	/* 384 -> 512: still <= 528 */
	vmbus_ring_peek(&f->r, &p);
	vmbus_ring_consume(&f->r, &p);
	assert_int_equal(vmbus_ring_commit(&f->r, &sig), VMBUS_OK);
	assert_false(sig);
	/* 512 -> 640 crosses 528: signal */
	vmbus_ring_peek(&f->r, &p);
	vmbus_ring_consume(&f->r, &p);
	assert_int_equal(vmbus_ring_commit(&f->r, &sig), VMBUS_OK);
	assert_true(sig);
	/* 640 -> 768: was already enough before, no second signal */
	vmbus_ring_peek(&f->r, &p);
	vmbus_ring_consume(&f->r, &p);
	assert_int_equal(vmbus_ring_commit(&f->r, &sig), VMBUS_OK);
	assert_false(sig);
	assert_int_equal(f->r.stats.signals, 1);
	/* the writer's next successful write withdraws the request */
	assert_int_equal(write_bytes(f, 99, buf, 500, &sig), VMBUS_OK);
	assert_int_equal(atomic_load(&f->ctrl->pending_send_sz), 0);
	ring_fixture_free(f);
}

/* ---- the hostile peer ---- */

static void expect_reader_broken(struct ring_fixture *f, const char *why_part)
{
	struct vmbus_pkt p;
	bool sig;

	assert_int_equal(vmbus_ring_peek(&f->r, &p), VMBUS_E_PROTO);
	assert_non_null(f->r.broken);
	assert_non_null(strstr(f->r.broken, why_part));
	/* fail fast from now on */
	assert_int_equal(vmbus_ring_peek(&f->r, &p), VMBUS_E_BROKEN);
	assert_int_equal(vmbus_ring_commit(&f->r, &sig), VMBUS_E_BROKEN);
	assert_int_equal(vmbus_ring_reader_unmask(&f->r), VMBUS_E_BROKEN);
	assert_int_equal(vmbus_ring_reader_has_data(&f->r), VMBUS_E_BROKEN);
}

static void test_hostile_write_index(void **state)
{
	struct ring_fixture *f;
	uint8_t buf[64] = { 0 };
	bool sig;

	(void)state;
	f = ring_fixture_new(PAGE, 0);
	atomic_store(&f->ctrl->write_index, 44);
	expect_reader_broken(f, "unaligned");
	ring_fixture_free(f);

	f = ring_fixture_new(PAGE, 0);
	atomic_store(&f->ctrl->write_index, PAGE);
	expect_reader_broken(f, "out of range");
	ring_fixture_free(f);

	f = ring_fixture_new(PAGE, 0);
	atomic_store(&f->ctrl->write_index, 8); /* less than a descriptor + trailer */
	expect_reader_broken(f, "shorter than a descriptor");
	ring_fixture_free(f);

	/* taking back published data */
	f = ring_fixture_new(PAGE, 0);
	write_bytes(f, 1, buf, 64, &sig);
	write_bytes(f, 2, buf, 64, &sig);
	assert_int_equal(vmbus_ring_reader_has_data(&f->r), 1);
	atomic_store(&f->ctrl->write_index, 88);
	{
		struct vmbus_pkt p;

		assert_int_equal(vmbus_ring_peek(&f->r, &p), VMBUS_OK);
		assert_int_equal(vmbus_ring_consume(&f->r, &p), VMBUS_OK);
		assert_int_equal(vmbus_ring_peek(&f->r, &p), VMBUS_OK); /* cached, fine */
		assert_int_equal(vmbus_ring_consume(&f->r, &p), VMBUS_OK);
	}
	expect_reader_broken(f, "backwards");
	ring_fixture_free(f);
}

/* Writes a raw descriptor + filler as a hostile writer would, publishing avail bytes. */
static void hostile_desc(struct ring_fixture *f, uint16_t offset8, uint16_t len8, uint32_t avail)
{
	struct vmbus_pkt_desc d = { VMBUS_PKT_DATA_INBAND, offset8, len8, 0, 1 };

	memcpy(f->data, &d, sizeof(d));
	atomic_store(&f->ctrl->write_index, avail);
}

static void test_hostile_descriptor(void **state)
{
	struct ring_fixture *f;

	(void)state;
	f = ring_fixture_new(PAGE, 0);
	hostile_desc(f, 2, 1, 64);
	expect_reader_broken(f, "len8");
	ring_fixture_free(f);

	f = ring_fixture_new(PAGE, 0);
	hostile_desc(f, 1, 4, 64);
	expect_reader_broken(f, "offset8");
	ring_fixture_free(f);

	f = ring_fixture_new(PAGE, 0);
	hostile_desc(f, 5, 4, 64);
	expect_reader_broken(f, "offset8");
	ring_fixture_free(f);

	f = ring_fixture_new(PAGE, 0);
	hostile_desc(f, 2, 8, 64); /* 64 + trailer > 64 published */
	expect_reader_broken(f, "longer than the published");
	ring_fixture_free(f);

	f = ring_fixture_new(PAGE, 0);
	hostile_desc(f, 2, 0xffff, 64);
	expect_reader_broken(f, "longer than the published");
	ring_fixture_free(f);

	/* the largest legal framing is accepted */
	f = ring_fixture_new(PAGE, 0);
	hostile_desc(f, 2, (PAGE - 16) / 8, PAGE - 8);
	{
		struct vmbus_pkt p;

		assert_int_equal(vmbus_ring_peek(&f->r, &p), VMBUS_OK);
		assert_int_equal(p.len, PAGE - 16);
	}
	ring_fixture_free(f);
}

static void test_hostile_read_index(void **state)
{
	struct ring_fixture *f;
	uint8_t buf[3000] = { 0 };
	bool sig;

	(void)state;
	/* the reader claims to have read past what was written */
	f = ring_fixture_new(PAGE, 0);
	assert_int_equal(write_bytes(f, 1, buf, 2000, &sig), VMBUS_OK);
	atomic_store(&f->ctrl->read_index, 3000 & ~7u);
	assert_int_equal(write_bytes(f, 2, buf, 2500, &sig), VMBUS_E_PROTO);
	assert_non_null(strstr(f->w.broken, "outside"));
	assert_int_equal(write_bytes(f, 2, buf, 8, &sig), VMBUS_E_BROKEN);
	assert_int_equal(vmbus_ring_writer_request_space(&f->w, 64), VMBUS_E_BROKEN);
	ring_fixture_free(f);

	f = ring_fixture_new(PAGE, 0);
	assert_int_equal(write_bytes(f, 1, buf, 2000, &sig), VMBUS_OK);
	atomic_store(&f->ctrl->read_index, 5);
	assert_int_equal(vmbus_ring_writer_request_space(&f->w, 3000), VMBUS_E_PROTO);
	assert_non_null(strstr(f->w.broken, "unaligned"));
	ring_fixture_free(f);
}

/* A write's interrupt decision reads the reader's fields once, whatever garbage they hold. */
static void test_hostile_mask_values(void **state)
{
	struct ring_fixture *f = ring_fixture_new(PAGE, 0);
	uint8_t buf[8] = { 0 };
	bool sig;

	(void)state;
	atomic_store(&f->ctrl->interrupt_mask, 0xdeadbeef); /* any non-zero masks */
	assert_int_equal(write_bytes(f, 1, buf, 8, &sig), VMBUS_OK);
	assert_false(sig);
	ring_fixture_free(f);
}

static void test_gpa_direct_round_trip(void **state)
{
	struct ring_fixture *f = ring_fixture_new(PAGE, PAGE - 48);
	uint64_t pfns[3] = { 0x1000, 0x2000, 0xfffffffffull };
	uint8_t payload[40], out[40];
	struct vmbus_iov iov = { payload, sizeof(payload) };
	struct vmbus_gpa_range_info ri[2];
	uint64_t got[4];
	struct vmbus_pkt p;
	const char *why = NULL;
	bool sig;

	(void)state;
	fill_pattern(payload, sizeof(payload), 3);
	/* 3 pages: 100 bytes in, 8192 bytes long */
	assert_int_equal(vmbus_ring_write_gpa_direct(&f->w, 42, VMBUS_PKT_FLAG_COMPLETION_REQUESTED,
						     100, 8192, pfns, 3, &iov, 1, &sig),
			 VMBUS_OK);
	assert_int_equal(vmbus_ring_write_gpa_direct(&f->w, 43, 0, 100, 8192, pfns, 2, &iov, 1,
						     &sig),
			 VMBUS_E_INVAL); /* PFN count does not match the span */
	assert_int_equal(vmbus_ring_write_gpa_direct(&f->w, 43, 0, 4096, 1, pfns, 1, &iov, 1, &sig),
			 VMBUS_E_INVAL);
	assert_int_equal(vmbus_ring_peek(&f->r, &p), VMBUS_OK);
	assert_int_equal(p.desc.type, VMBUS_PKT_DATA_GPA_DIRECT);
	assert_int_equal(p.desc.flags, VMBUS_PKT_FLAG_COMPLETION_REQUESTED);
	assert_int_equal(p.data_off, 24 + 8 + 24);
	assert_int_equal(vmbus_pkt_parse_gpa_direct(&p, ri, 2, got, 4, &why), 1);
	assert_int_equal(ri[0].byte_offset, 100);
	assert_int_equal(ri[0].byte_count, 8192);
	assert_int_equal(ri[0].pfn_count, 3);
	assert_memory_equal(got, pfns, sizeof(pfns));
	assert_int_equal(vmbus_pkt_copy(&p, p.data_off, out, sizeof(out)), VMBUS_OK);
	assert_memory_equal(out, payload, sizeof(out));
	/* over the caller's limits */
	assert_int_equal(vmbus_pkt_parse_gpa_direct(&p, ri, 2, got, 2, &why), VMBUS_E_NOSPC);
	assert_int_equal(vmbus_pkt_parse_gpa_direct(&p, ri, 0, got, 4, &why), VMBUS_E_NOSPC);
	ring_fixture_free(f);
}

/* Writes a GPA-direct packet whose header area is words[] as given. */
static int parse_crafted(const uint32_t *hdr_u32, uint32_t n_u32, uint16_t type, const char **why)
{
	struct ring_fixture *f = ring_fixture_new(PAGE, 0);
	struct vmbus_iov hdr = { hdr_u32, n_u32 * 4 };
	struct vmbus_gpa_range_info ri[4];
	uint64_t pfns[8];
	struct vmbus_pkt p;
	bool sig;
	int rc;

	assert_int_equal(vmbus_ring_write_raw(&f->w, type, 0, 1, &hdr, 1, NULL, 0, &sig), VMBUS_OK);
	assert_int_equal(vmbus_ring_peek(&f->r, &p), VMBUS_OK);
	rc = vmbus_pkt_parse_gpa_direct(&p, ri, 4, pfns, 8, why);
	ring_fixture_free(f);
	return rc;
}

static void test_gpa_direct_malformed(void **state)
{
	const char *why;

	(void)state;
	/* reserved, range_count, {byte_count, byte_offset}, pfn lo, pfn hi */
	{
		uint32_t h[] = { 0, 1, 10, 0, 5, 0 };

		assert_int_equal(parse_crafted(h, 6, VMBUS_PKT_DATA_GPA_DIRECT, &why), 1);
		assert_int_equal(parse_crafted(h, 6, VMBUS_PKT_DATA_INBAND, &why), VMBUS_E_PROTO);
	}
	{
		uint32_t h[] = { 0, 0, 10, 0, 5, 0 };

		assert_int_equal(parse_crafted(h, 6, 9, &why), VMBUS_E_PROTO);
		assert_non_null(strstr(why, "range_count is 0"));
	}
	{
		uint32_t h[] = { 0, 1, 0, 0, 5, 0 };

		assert_int_equal(parse_crafted(h, 6, 9, &why), VMBUS_E_PROTO);
		assert_non_null(strstr(why, "byte_count"));
	}
	{
		uint32_t h[] = { 0, 1, 10, 4096, 5, 0 };

		assert_int_equal(parse_crafted(h, 6, 9, &why), VMBUS_E_PROTO);
		assert_non_null(strstr(why, "byte_offset"));
	}
	{
		uint32_t h[] = { 0, 1, 4090, 10, 5, 0 }; /* spans 2 pages, 1 PFN given */

		assert_int_equal(parse_crafted(h, 6, 9, &why), VMBUS_E_PROTO);
		assert_non_null(strstr(why, "past the header area"));
	}
	{
		uint32_t h[] = { 0, 1, 10, 0, 5, 0x100 }; /* PFN 2^40 + 5 */

		assert_int_equal(parse_crafted(h, 6, 9, &why), VMBUS_E_PROTO);
		assert_non_null(strstr(why, "52-bit"));
	}
	{
		uint32_t h[] = { 0, 1, 10, 0, 5, 0, 7, 0 }; /* a stray word after the range */

		assert_int_equal(parse_crafted(h, 8, 9, &why), VMBUS_E_PROTO);
		assert_non_null(strstr(why, "do not fill"));
	}
	{
		uint32_t h[] = { 0, 2, 10, 0, 5, 0 }; /* second range missing */

		assert_int_equal(parse_crafted(h, 6, 9, &why), VMBUS_E_PROTO);
		assert_non_null(strstr(why, "past the header area"));
	}
	{
		uint32_t h[] = { 0, 2, 10, 0, 5, 0, 20, 4000, 6, 0 }; /* two ranges */

		assert_int_equal(parse_crafted(h, 10, 9, &why), 2);
	}
}

static void test_guids(void **state)
{
	char s[VMBUS_GUID_STR_LEN];
	static const struct {
		const struct vmbus_guid *g;
		const char *text, *name;
	} known[] = {
		{ &vmbus_guid_scsi, "ba6163d9-04a1-4d29-b605-72e2ffb1dc7f", "scsi" },
		{ &vmbus_guid_network, "f8615163-df3e-46c5-913f-f2d2f965ed0e", "network" },
		{ &vmbus_guid_shutdown, "0e0b6031-5213-4934-818b-38d90ced39db", "shutdown" },
		{ &vmbus_guid_heartbeat, "57164f39-9115-4e78-ab55-382f3bd5422d", "heartbeat" },
		{ &vmbus_guid_timesync, "9527e630-d0ae-497b-adce-e80ab0175caf", "timesync" },
		{ &vmbus_guid_kvp, "a9a0f4e7-5a45-4d96-b827-8a841e8c03e6", "kvp" },
	};

	(void)state;
	for (unsigned i = 0; i < 6; i++) {
		vmbus_guid_format(known[i].g, s);
		assert_string_equal(s, known[i].text);
		assert_string_equal(vmbus_guid_name(known[i].g), known[i].name);
	}
	/* wire byte order: first field little-endian */
	assert_int_equal(vmbus_guid_scsi.b[0], 0xd9);
	assert_int_equal(vmbus_guid_scsi.b[3], 0xba);
	assert_int_equal(vmbus_guid_scsi.b[8], 0xb6);
	struct vmbus_guid g = vmbus_guid_kvp;

	g.b[15] ^= 1;
	assert_false(vmbus_guid_equal(&g, &vmbus_guid_kvp));
	assert_null(vmbus_guid_name(&g));
	assert_string_equal(vmbus_status_name(VMBUS_E_PROTO), "PROTO");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attach_rejects_bad_descriptions),
		cmocka_unit_test(test_empty_then_one_packet),
		cmocka_unit_test(test_wrap_at_every_offset),
		cmocka_unit_test(test_exact_fit),
		cmocka_unit_test(test_full_and_drain_in_order),
		cmocka_unit_test(test_oversize_and_bad_arguments),
		cmocka_unit_test(test_batch_read_commits_once),
		cmocka_unit_test(test_copy_out_read),
		cmocka_unit_test(test_pkt_access_bounds),
		cmocka_unit_test(test_signal_rules),
		cmocka_unit_test(test_pending_send_sz_rules),
		cmocka_unit_test(test_batched_writes),
		cmocka_unit_test(test_hostile_write_index),
		cmocka_unit_test(test_hostile_descriptor),
		cmocka_unit_test(test_hostile_read_index),
		cmocka_unit_test(test_hostile_mask_values),
		cmocka_unit_test(test_gpa_direct_round_trip),
		cmocka_unit_test(test_gpa_direct_malformed),
		cmocka_unit_test(test_guids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
