/* SPDX-License-Identifier: MIT */
/* EVA harness of the VMBus ring reader and writer (vmbus/src/ring_read.c, ring_write.c,
 * ring_common.c) and of packet access and the GPA-direct parser (vmbus/src/packet.c), against
 * a hostile peer. The control pages and data areas are shared memory declared volatile: every
 * index, mask and pending size the peer owns is any value at every load, and every byte of
 * the data area is any value. The data area is the library's smallest (32 bytes, exactly that
 * size: a descriptor and a packet wrap at every 8-byte position), over PROOF_STEPS rounds of
 * every call a VSP or VSC makes, in every order the rounds allow. The endpoint's own indices
 * and the lengths the caller chooses are split into one state per value: the library's bounds
 * are relations between an index, a length and the ring size, which EVA sees only for exact
 * values. Built with -DPROVE_WRITER for the writer, else the reader. */
#include <stdlib.h>

#include "__fc_builtin.h"
#include "vmbus/ring.h"

#ifndef RING_MAX
#define RING_MAX 48u
#endif
#ifndef PROOF_STEPS
#define PROOF_STEPS 2
#endif
#ifndef WRITER_STEPS
#define WRITER_STEPS 1
#endif

/* Shared with the peer: any value, at any time. One data area per size, exactly that size. */
static volatile struct vmbus_ring_control rx_ctrl, tx_ctrl;
static volatile uint8_t rx32[32], rx40[40], rx48[48], tx32[32], tx40[40], tx48[48];

/* The caller's own buffers: any content. */
static uint8_t payload[32 + 7];
static uint8_t hdr_bytes[16];
static uint8_t read_buf[RING_MAX];
static uint64_t pfns[2];
static struct vmbus_gpa_range_info ranges[2];
static uint64_t range_pfns[4];

static volatile uint8_t *area(volatile uint8_t *a32, volatile uint8_t *a40, volatile uint8_t *a48,
			      uint32_t size)
{
	return size == 32 ? a32 : size == 40 ? a40 : a48;
}

static struct vmbus_ring_mem ring_mem(volatile struct vmbus_ring_control *c, volatile uint8_t *d,
				      uint32_t size)
{
	/* The library's types are not volatile: EVA still takes the control fields as new values
	 * at every atomic load (Frama-C's <stdatomic.h> reads through a volatile lvalue), and
	 * the data bytes, which the library only copies out, are never narrowed. */
	struct vmbus_ring_mem m = { (struct vmbus_ring_control *)c, (uint8_t *)d, size };

	return m;
}

/* What a VSP does with a packet it peeked or read: copy any range out, take a pointer to
 * any range, parse it as GPA-direct. */
static void use_packet(const struct vmbus_pkt *p)
{
	const char *why;
	uint32_t off = (uint32_t)Frama_C_interval(0, (int)p->len);
	uint32_t n = (uint32_t)Frama_C_interval(0, (int)p->len);
	uint8_t *dst;

	/*@ split p->len; */
	/*@ split p->part[0].len; */
	/*@ split off; */
	/*@ split n; */
	dst = malloc(n ? n : 1); /* exactly n bytes (malloc(0) has no byte to point at) */
	if (dst)
		vmbus_pkt_copy(p, off, dst, n);
	free(dst);
	vmbus_pkt_ptr(p, off, n);
	vmbus_pkt_payload_len(p);
	vmbus_pkt_parse_gpa_direct(p, ranges, 2, range_pfns, 4, &why);
}

static void prove_reader(uint32_t size)
{
	struct vmbus_ring_reader r;
	struct vmbus_ring_mem mem = ring_mem(&rx_ctrl, area(rx32, rx40, rx48, size), size);
	bool sig;

	if (vmbus_ring_reader_attach(&r, &mem) != VMBUS_OK)
		return;
	for (int i = 0; i < PROOF_STEPS; i++) {
		struct vmbus_pkt p, q;
		uint32_t cap = (uint32_t)Frama_C_interval(0, RING_MAX);

		/*@ split r.read; */
		if (vmbus_ring_peek(&r, &p) == VMBUS_OK) {
			use_packet(&p);
			if (Frama_C_nondet(0, 1))
				vmbus_ring_consume(&r, &p);
		}
		if (Frama_C_nondet(0, 1))
			vmbus_ring_commit(&r, &sig);
		/*@ split r.read; */
		/*@ split cap; */
		/* Into a buffer as large as the ring (see docs/testing.md: that a smaller cap
		 * is honoured needs a relation between the packet's two parts and cap). */
		if (Frama_C_nondet(0, 1))
			vmbus_ring_read(&r, &q, read_buf, cap, &sig);
		if (Frama_C_nondet(0, 1))
			vmbus_ring_reader_mask(&r);
		if (Frama_C_nondet(0, 1))
			vmbus_ring_reader_unmask(&r);
		if (Frama_C_nondet(0, 1))
			vmbus_ring_reader_has_data(&r);
	}
}

static void prove_writer(uint32_t size)
{
	struct vmbus_ring_writer w;
	struct vmbus_ring_mem mem = ring_mem(&tx_ctrl, area(tx32, tx40, tx48, size), size);
	bool sig;

	if (vmbus_ring_writer_attach(&w, &mem) != VMBUS_OK)
		return;
	Frama_C_make_unknown((char *)payload, sizeof(payload));
	Frama_C_make_unknown((char *)hdr_bytes, sizeof(hdr_bytes));
	Frama_C_make_unknown((char *)pfns, sizeof(pfns));
	for (int i = 0; i < WRITER_STEPS; i++) {
		/* One header element of 0, 8 or 16 bytes; two payload elements, the first of any
		 * length up to the ring size, the second of 0..7 bytes (every padding case). */
		uint32_t hl = 8u * (uint32_t)Frama_C_interval(0, 2);
		uint32_t l0 = (uint32_t)Frama_C_interval(0, 32);
		uint32_t l1 = (uint32_t)Frama_C_interval(0, 7);
		uint32_t npfn = (uint32_t)Frama_C_interval(0, 2);
		struct vmbus_iov hdr[1] = { { hdr_bytes, hl } };
		struct vmbus_iov pl[2] = { { payload, l0 }, { payload + l0, l1 } };

		/*@ split w.write; */
		/*@ split hl; */
		/*@ split l0; */
		/*@ split l1; */
		/*@ split npfn; */
		switch (Frama_C_interval(0, 6)) {
		case 0:
			vmbus_ring_write_raw(&w, (uint16_t)Frama_C_interval(0, 0xffff),
					     (uint16_t)Frama_C_interval(0, 0xffff), 7, hdr, 1, pl,
					     2, &sig);
			break;
		case 1:
			vmbus_ring_write_inband(&w, 1, 0, pl, 2, &sig);
			break;
		case 2:
			vmbus_ring_write_completion(&w, 1, pl, 1, &sig);
			break;
		case 3:
			vmbus_ring_write_gpa_direct(&w, 1, 0,
						    Frama_C_unsigned_int_interval(0, 8192),
						    Frama_C_unsigned_int_interval(0, 8192), pfns,
						    npfn, pl, 1, &sig);
			break;
		case 4:
			vmbus_ring_writer_batch_begin(&w);
			break;
		case 5:
			vmbus_ring_writer_flush(&w, &sig);
			break;
		default:
			vmbus_ring_writer_request_space(
				&w, Frama_C_unsigned_int_interval(0, 0xffffffffu));
			break;
		}
		vmbus_ring_writer_free(&w);
	}
}

/* The GPA-direct parser needs packets longer than a 32-byte ring holds (24-byte header, a
 * range, a PFN): it gets every packet a peek can return from a 64-byte data area instead,
 * built here the way peek builds it (len and data_off multiples of 8, 16 <= data_off <= len,
 * split by the wrap at any 8-byte boundary), with bytes the peer controls. */
static volatile uint8_t gpa_ring[64];

static void prove_gpa_direct(void)
{
	struct vmbus_pkt p;
	const char *why;
	uint32_t len = 8u * (uint32_t)Frama_C_interval(2, 8);
	uint32_t data_off = 8u * (uint32_t)Frama_C_interval(2, 8);
	uint32_t first = 8u * (uint32_t)Frama_C_interval(1, 8);

	if (data_off > len || first > len)
		return;
	/*@ split len; */
	/*@ split data_off; */
	/*@ split first; */
	Frama_C_make_unknown((char *)&p.desc, sizeof(p.desc));
	p.desc.type = VMBUS_PKT_DATA_GPA_DIRECT;
	p.len = len;
	p.data_off = data_off;
	p.ring_off = 64 - first;
	p.part[0].p = (const uint8_t *)gpa_ring + 64 - first;
	p.part[0].len = first;
	p.part[1].p = (const uint8_t *)gpa_ring;
	p.part[1].len = len - first;
	vmbus_pkt_parse_gpa_direct(&p, ranges, 2, range_pfns, 4, &why);
}

/* Built twice (tests/proof/CMakeLists.txt): -DPROVE_WRITER for the writer, else the reader. */
int main(void)
{
#ifdef PROVE_WRITER
	prove_writer(32);
	vmbus_ring_control_init((struct vmbus_ring_control *)&tx_ctrl);
	vmbus_status_name(Frama_C_interval(-100, 0));
#else
	prove_reader(32);
	prove_gpa_direct();
#endif
	return 0;
}
