/* SPDX-License-Identifier: MIT */
/* EVA harness of the arch layer's decoders of guest bytes (hypervisor/arch/x86/insn.c) and the
 * guest page-table walker (guest_walk.c). Unknown: every instruction byte, how many of them
 * were fetched (0..16, one value at a time, the bytes placed at the very end of the buffer so
 * that a read past `avail` is a read past the buffer), the CPU mode, the kind insn_length
 * expects, the register file; for the walker every paging field (CR0, CR3, CR4, EFER, RFLAGS,
 * CPL, MAXPHYADDR, 1 GiB pages), the address and access kind, and guest memory, which is
 * volatile (each read of an entry is a new arbitrary value). map_gpa stands for the core's:
 * it may refuse any GPA, asserts the walker's side of its contract (1..4096 bytes that stay
 * within one page), which EVA must prove, and gives exactly len bytes, so that a read past
 * them is an alarm. */
#include "__fc_builtin.h"
#include <stddef.h>
#include "guest_walk.h"
#include "insn.h"

#define BYTES_MAX 16u /* the core fetches at most 15; one more shows nothing reads past it */

static uint8_t buf[BYTES_MAX];
static volatile uint8_t guest_window[4096];

static bool any_bool(void)
{
	return Frama_C_nondet(0, 1);
}

static uint64_t any64(void)
{
	return Frama_C_unsigned_long_interval(0, 0xffffffffffffffffull);
}

static const void *map_gpa(void *ctx, uint64_t gpa, unsigned len)
{
	(void)ctx;
	/*@ assert len >= 1 && len <= 4096 && (gpa & 0xfff) + len <= 4096; */
	if (any_bool())
		return NULL; /* not guest RAM, or the hypervisor's own memory */
	/* Exactly len bytes before the end of the window: a read past them is a read past it. */
	return (const void *)&guest_window[4096u - len];
}

/* The decoders on exactly `avail` bytes: the last avail bytes of buf. */
static void decode(unsigned avail)
{
	const uint8_t *b = buf + (BYTES_MAX - avail);
	bool lm = any_bool(), d = any_bool();
	enum insn_kind kind = (enum insn_kind)Frama_C_interval(INSN_CPUID, INSN_INVLPGA);
	struct insn_io io;
	struct insn_mmio m;
	uint64_t regs[16];

	(void)insn_length(b, avail, kind, lm, d);
	(void)insn_decode_io(b, avail, lm, d, &io);
	if (insn_decode_mmio(b, avail, lm, d, &m) <= 0)
		return;
	Frama_C_make_unknown((char *)regs, sizeof(regs));
	if (m.write)
		(void)insn_mmio_write_value(&m, regs);
	else
		insn_mmio_complete_read(&m, regs, any64());
}

static void walk(void)
{
	struct guest_paging p = {
		.cr0 = any64(),
		.cr3 = any64(),
		.cr4 = any64(),
		.efer = any64(),
		.rflags = any64(),
		.cpl = (uint8_t)Frama_C_interval(0, 3),
		.maxphyaddr = (uint8_t)Frama_C_interval(0, 255),
		.gbpages = any_bool(),
		.map_gpa = map_gpa,
		.ctx = NULL,
	};
	bool write = any_bool(), user = any_bool(), fetch = any_bool();
	uint64_t gpa = 0;
	uint8_t out[15];
	unsigned got = 0;

	int rc = guest_walk(&p, any64(), write, user, fetch, &gpa);
	(void)guest_walk_pf_error(&p, rc, write, user, fetch);
	rc = guest_fetch(&p, any64(), out, Frama_C_unsigned_int_interval(0, 32), &got);
	/*@ assert got <= 15; */
	(void)rc;
}

int main(void)
{
	Frama_C_make_unknown((char *)buf, sizeof(buf));
	/*@ loop unroll 17; */
	for (unsigned avail = 0; avail <= BYTES_MAX; avail++)
		decode(avail);
	walk();
	return 0;
}
