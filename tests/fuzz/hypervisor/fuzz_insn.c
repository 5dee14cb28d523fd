/* SPDX-License-Identifier: MIT */
/* libFuzzer target of the arch layer's guest-input parsers: the instruction decoders (insn.c)
 * on random bytes and the guest page-table walker (guest_walk.c) on random page tables. Byte 0
 * chooses: bit 7 clear, the rest is instruction bytes (bit 0: 64-bit mode, bit 1: CS.D, bits
 * 2-6: the kind insn_length expects); bit 7 set, a paging state then guest memory. Every
 * buffer ends where its malloc'd block ends, so ASan sees any read past it; the invariants
 * below trap. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "guest_walk.h"
#include "insn.h"

#include "fuzz_entry.h"

#define CHECK(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

static bool is_insn_error(int rc)
{
	return rc == INSN_ERR_TRUNCATED || rc == INSN_ERR_TOO_LONG || rc == INSN_ERR_MISMATCH ||
	       rc == INSN_ERR_UNSUPPORTED;
}

/* A decode that succeeded with avail bytes must give the same length with exactly that many
 * and say "truncated" with one fewer: nothing past the instruction is looked at. */
static void check_length(int rc, unsigned avail)
{
	CHECK(rc > 0 ? rc <= INSN_MAX_LEN && (unsigned)rc <= avail : is_insn_error(rc));
}

static void fuzz_length(const uint8_t *b, unsigned n, unsigned kind, bool lm, bool d)
{
	int rc = insn_length(b, n, (enum insn_kind)kind, lm, d);
	check_length(rc, n);
	if (rc > 0) {
		CHECK(insn_length(b, (unsigned)rc, (enum insn_kind)kind, lm, d) == rc);
		CHECK(insn_length(b, (unsigned)rc - 1, (enum insn_kind)kind, lm, d) ==
		      INSN_ERR_TRUNCATED);
	}
}

static void fuzz_io(const uint8_t *b, unsigned n, bool lm, bool d)
{
	struct insn_io io;
	int rc = insn_decode_io(b, n, lm, d, &io);
	check_length(rc, n);
	CHECK(rc == insn_length(b, n, INSN_IO, lm, d));
	if (rc <= 0)
		return;
	CHECK(io.length == rc);
	CHECK(io.size == 1 || io.size == 2 || io.size == 4);
	CHECK(io.addr_size == 2 || io.addr_size == 4 || (lm && io.addr_size == 8));
	CHECK(!io.rep || io.string);
	CHECK(!io.seg_override || (io.string && !io.in));
}

/* The register file after a completed read differs from before only in the destination. */
static void check_complete_read(const struct insn_mmio *m, const uint8_t *b, unsigned n)
{
	uint64_t regs[16], before[16], value = 0;
	for (unsigned i = 0; i < 16; i++)
		before[i] = regs[i] = 0x0101010101010101ull * (i + 0xa0);
	for (unsigned i = 0; i < 8 && i < n; i++)
		value |= (uint64_t)b[i] << (8 * i);
	insn_mmio_complete_read(m, regs, value);
	unsigned dest = m->reg; /* AH..BH are bits 15:8 of registers 0-3 */
	for (unsigned i = 0; i < 16; i++)
		if (i != dest)
			CHECK(regs[i] == before[i]);
	if (m->dest_size == 4)
		CHECK(regs[dest] >> 32 == 0);
	if (m->dest_size == 1 && m->high_byte)
		CHECK((regs[dest] & ~0xff00ull) == (before[dest] & ~0xff00ull));
	if (m->dest_size == 1 && !m->high_byte)
		CHECK((regs[dest] & ~0xffull) == (before[dest] & ~0xffull));
	if (m->dest_size == 2)
		CHECK((regs[dest] & ~0xffffull) == (before[dest] & ~0xffffull));
	/* 32- and 64-bit destinations take the whole (extended) value */
	uint64_t v = m->size == 8 ? value : value & ((1ull << (8 * m->size)) - 1);
	if (m->sign_extend && m->size < 8 && (v >> (8 * m->size - 1)))
		v |= ~0ull << (8 * m->size);
	if (m->dest_size == 8)
		CHECK(regs[dest] == v);
	if (m->dest_size == 4)
		CHECK(regs[dest] == (uint32_t)v);
}

static void fuzz_mmio(const uint8_t *b, unsigned n, bool lm, bool d)
{
	struct insn_mmio m;
	int rc = insn_decode_mmio(b, n, lm, d, &m);
	check_length(rc, n);
	if (rc <= 0)
		return;
	CHECK(m.length == rc);
	CHECK(insn_decode_mmio(b, (unsigned)rc - 1, lm, d, &m) == INSN_ERR_TRUNCATED);
	CHECK(insn_decode_mmio(b, (unsigned)rc, lm, d, &m) == rc);
	CHECK(m.size == 1 || m.size == 2 || m.size == 4 || (lm && m.size == 8));
	CHECK(m.reg < (lm ? 16 : 8));
	CHECK(!m.high_byte || (m.reg < 4 && m.size == 1));
	if (m.write) {
		CHECK(m.dest_size == 0 && !m.sign_extend);
		CHECK(!m.src_is_imm || m.size == 8 || m.imm >> (8 * m.size) == 0);
		uint64_t regs[16];
		memset(regs, 0xa5, sizeof(regs));
		uint64_t v = insn_mmio_write_value(&m, regs);
		CHECK(m.size == 8 || v >> (8 * m.size) == 0);
	} else {
		CHECK(!m.src_is_imm && m.dest_size >= m.size);
		CHECK(m.dest_size == 1 || m.dest_size == 2 || m.dest_size == 4 ||
		      (lm && m.dest_size == 8));
		check_complete_read(&m, b, n);
	}
}

static void fuzz_decoders(const uint8_t *data, size_t size)
{
	uint8_t mode = data[0];
	size_t n = size - 1 > 32 ? 32 : size - 1;
	/* exactly n bytes on the heap: a read past them is an ASan report */
	uint8_t *b = malloc(n ? n : 1);
	if (!b)
		return;
	memcpy(b, data + 1, n);
	bool lm = mode & 1, d = (mode >> 1) & 1;
	fuzz_length(b, (unsigned)n, (mode >> 2) & 31, lm, d);
	fuzz_io(b, (unsigned)n, lm, d);
	fuzz_mmio(b, (unsigned)n, lm, d);
	free(b);
}

/* Guest memory for the walker: whole pages; GPAs below 2^40 fold onto it so that random
 * tables reach deep, those above are refused. Calls are counted: each entry is read once. */
struct fuzz_mem {
	uint8_t *mem;
	size_t size;
	unsigned maps;
};

static const void *fuzz_map(void *ctx, uint64_t gpa, unsigned len)
{
	struct fuzz_mem *f = ctx;
	f->maps++;
	CHECK(len >= 1 && len <= 4096 && (gpa & 0xfff) + len <= 4096);
	if (gpa >> 40)
		return NULL;
	uint64_t off = gpa % f->size;
	CHECK(off + len <= f->size); /* size is whole pages and len stays in one */
	return f->mem + off;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static bool is_walk_error(int rc)
{
	return rc <= GUEST_WALK_NOT_PRESENT && rc >= GUEST_WALK_NONCANONICAL;
}

static void check_walk(struct guest_paging *p, struct fuzz_mem *f, uint64_t gva, uint8_t how)
{
	bool write = how & 1, user = how & 2, fetch = how & 4;
	uint64_t gpa = 0, gpa2 = 0;
	f->maps = 0;
	int rc = guest_walk(p, gva, write, user, fetch, &gpa);
	CHECK(rc == 0 || is_walk_error(rc));
	CHECK(f->maps <= 5);
	if (rc)
		return;
	CHECK((gpa & 0xfff) == (gva & 0xfff));
	CHECK(gpa >> 52 == 0);
	if (!(p->cr0 & (1ull << 31)))
		CHECK(gpa == (gva & 0xffffffffull));
	/* the same tables give the same answer; a read is allowed where a write is */
	CHECK(guest_walk(p, gva, write, user, fetch, &gpa2) == 0 && gpa2 == gpa);
	if (write)
		CHECK(guest_walk(p, gva, false, user, fetch, &gpa2) == 0 && gpa2 == gpa);
}

static void check_fetch(struct guest_paging *p, struct fuzz_mem *f, uint64_t ip, unsigned want)
{
	uint8_t out[16];
	unsigned got = 99;
	int rc = guest_fetch(p, ip, out, want, &got);
	unsigned cap = want > 15 ? 15 : want;
	CHECK(rc == 0 ? got == cap : is_walk_error(rc) && got < cap);
	/* every byte is the one at that byte's own translation */
	for (unsigned i = 0; i < got; i++) {
		uint64_t a = ip + i, gpa;
		if (!(p->efer & (1ull << 10)))
			a &= 0xffffffffull;
		CHECK(guest_walk(p, a, false, p->cpl == 3, true, &gpa) == 0);
		const uint8_t *src = fuzz_map(f, gpa, 1);
		CHECK(src && *src == out[i]);
	}
}

/* Layout after byte 0: cr0 cr3 cr4 efer rflags gva (8 bytes each), maxphyaddr, cpl,
 * gbpages, access kind, fetch length; then guest memory. */
#define WALK_HEADER (1 + 6 * 8 + 5)

static void fuzz_walker(const uint8_t *data, size_t size)
{
	if (size < WALK_HEADER)
		return;
	const uint8_t *h = data + 1;
	struct fuzz_mem f = { 0 };
	size_t mem_len = size - WALK_HEADER;
	f.size = (mem_len + 4095) / 4096 * 4096;
	if (!f.size)
		f.size = 4096;
	if (f.size > 64 * 4096)
		f.size = 64 * 4096;
	f.mem = calloc(1, f.size);
	if (!f.mem)
		return;
	memcpy(f.mem, data + WALK_HEADER, mem_len < f.size ? mem_len : f.size);
	struct guest_paging p = {
		.cr0 = le64(h),
		.cr3 = le64(h + 8),
		.cr4 = le64(h + 16),
		.efer = le64(h + 24),
		.rflags = le64(h + 32),
		.maxphyaddr = h[48],
		.cpl = h[49] & 3,
		.gbpages = h[50] & 1,
		.map_gpa = fuzz_map,
		.ctx = &f,
	};
	uint64_t gva = le64(h + 40);
	check_walk(&p, &f, gva, h[51]);
	check_fetch(&p, &f, gva, h[52] & 31);
	/* the page before gva's and its last bytes: a fetch that crosses into gva's page */
	check_fetch(&p, &f, (gva & ~0xfffull) - 7, 15);
	free(f.mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 0x80)
		fuzz_walker(data, size);
	else
		fuzz_decoders(data, size);
	return 0;
}
