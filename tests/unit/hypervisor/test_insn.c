/* SPDX-License-Identifier: MIT */
/* Unit tests of the instruction decoders (hypervisor/arch/x86/insn.c). The encodings are what
 * GNU as emits for the instructions named beside them (64-, 32- and 16-bit code), the forms
 * Linux's readl/writel and pci_mmcfg accessors compile to, and hand-made edges: the 15-byte
 * limit, REX placement, 66 with REX.W, high-byte registers, RIP-relative and SIB without base.
 * Every buffer is a heap block of exactly the bytes given, so that ASan sees a read past it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "insn.h"

#define B(...)              \
	(const uint8_t[])   \
	{                   \
		__VA_ARGS__ \
	}
#define N(...)	   sizeof((const uint8_t[]){ __VA_ARGS__ })
#define BYTES(...) B(__VA_ARGS__), N(__VA_ARGS__)

/* The CPU modes of the tables. */
enum mode {
	M64,
	M32,
	M16
};

static bool long_mode(enum mode m)
{
	return m == M64;
}

static bool cs_d(enum mode m)
{
	return m != M16;
}

static uint8_t *heap_copy(const uint8_t *bytes, unsigned n)
{
	uint8_t *p = malloc(n ? n : 1);
	assert_non_null(p);
	memcpy(p, bytes, n);
	return p;
}

static int mmio(const uint8_t *bytes, unsigned n, enum mode m, struct insn_mmio *out)
{
	uint8_t *p = heap_copy(bytes, n);
	int rc = insn_decode_mmio(p, n, long_mode(m), cs_d(m), out);
	free(p);
	return rc;
}

static int length(const uint8_t *bytes, unsigned n, enum insn_kind k, enum mode m)
{
	uint8_t *p = heap_copy(bytes, n);
	int rc = insn_length(p, n, k, long_mode(m), cs_d(m));
	free(p);
	return rc;
}

struct mmio_case {
	const char *what;
	enum mode mode;
	const uint8_t *bytes;
	unsigned n;
	uint8_t size;
	bool write;
	uint8_t reg;
	bool high_byte;
	uint8_t dest_size;
	bool sign_extend;
	bool src_is_imm;
	uint64_t imm;
};

/* Length is n in every case; a decode of fewer bytes must say "truncated". */
static const struct mmio_case mmio_cases[] = {
	/* readl/writel, readb/writeb, readw/writew, readq/writeq, pci_mmcfg accessors */
	{ "mov (%rdi),%eax", M64, BYTES(0x8b, 0x07), .size = 4, .dest_size = 4 },
	{ "mov %esi,(%rdi)", M64, BYTES(0x89, 0x37), .size = 4, .write = true, .reg = 6 },
	{ "movb (%rdi),%al", M64, BYTES(0x8a, 0x07), .size = 1, .dest_size = 1 },
	{ "movw %ax,(%rdi)", M64, BYTES(0x66, 0x89, 0x07), .size = 2, .write = true },
	{ "mov %rax,(%rdi)", M64, BYTES(0x48, 0x89, 0x07), .size = 8, .write = true },
	{ "mov 0x10(%r12),%r9d", M64, BYTES(0x45, 0x8b, 0x4c, 0x24, 0x10), .size = 4, .reg = 9,
	  .dest_size = 4 },
	{ "mov %r15,0x12345678(%rax,%rbx,8)", M64,
	  BYTES(0x4c, 0x89, 0xbc, 0xd8, 0x78, 0x56, 0x34, 0x12), .size = 8, .write = true,
	  .reg = 15 },
	{ "mov 0x100(%rip),%eax", M64, BYTES(0x8b, 0x05, 0x00, 0x01, 0x00, 0x00), .size = 4,
	  .dest_size = 4 },
	{ "mov 0x12345678,%eax (SIB, no base)", M64,
	  BYTES(0x8b, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12), .size = 4, .dest_size = 4 },
	{ "mov %ah,(%rdi)", M64, BYTES(0x88, 0x27), .size = 1, .write = true, .high_byte = true },
	{ "mov %sil,(%rdi) (REX 40: not DH)", M64, BYTES(0x40, 0x88, 0x37), .size = 1,
	  .write = true, .reg = 6 },
	{ "mov %bh,0x1(%rdx)", M64, BYTES(0x88, 0x7a, 0x01), .size = 1, .write = true, .reg = 3,
	  .high_byte = true },
	{ "mov %r8b,(%rdi)", M64, BYTES(0x44, 0x88, 0x07), .size = 1, .write = true, .reg = 8 },
	{ "mov (%rdi),%ah", M64, BYTES(0x8a, 0x27), .size = 1, .high_byte = true, .dest_size = 1 },
	{ "mov 0x7f(%rbp),%bl", M64, BYTES(0x8a, 0x5d, 0x7f), .size = 1, .reg = 3, .dest_size = 1 },
	{ "mov 0x0(%r13),%r13", M64, BYTES(0x4d, 0x8b, 0x6d, 0x00), .size = 8, .reg = 13,
	  .dest_size = 8 },
	{ "movzbl (%rdi),%eax", M64, BYTES(0x0f, 0xb6, 0x07), .size = 1, .dest_size = 4 },
	{ "movzwl 0x2(%rdi),%r8d", M64, BYTES(0x44, 0x0f, 0xb7, 0x47, 0x02), .size = 2, .reg = 8,
	  .dest_size = 4 },
	{ "movsbq (%rdi),%rax", M64, BYTES(0x48, 0x0f, 0xbe, 0x07), .size = 1, .dest_size = 8,
	  .sign_extend = true },
	{ "movswl (%rdi),%eax", M64, BYTES(0x0f, 0xbf, 0x07), .size = 2, .dest_size = 4,
	  .sign_extend = true },
	{ "movzbw (%rdi),%ax", M64, BYTES(0x66, 0x0f, 0xb6, 0x07), .size = 1, .dest_size = 2 },
	{ "movsbl (%rdi),%ecx", M64, BYTES(0x0f, 0xbe, 0x0f), .size = 1, .reg = 1, .dest_size = 4,
	  .sign_extend = true },
	{ "movsbw (%rdi),%dx", M64, BYTES(0x66, 0x0f, 0xbe, 0x17), .size = 1, .reg = 2,
	  .dest_size = 2, .sign_extend = true },
	{ "movswq 0x40(%r10,%r11,2),%r12", M64, BYTES(0x4f, 0x0f, 0xbf, 0x64, 0x5a, 0x40),
	  .size = 2, .reg = 12, .dest_size = 8, .sign_extend = true },
	{ "movl $0xdeadbeef,(%rdi)", M64, BYTES(0xc7, 0x07, 0xef, 0xbe, 0xad, 0xde), .size = 4,
	  .write = true, .src_is_imm = true, .imm = 0xdeadbeef },
	{ "movq $-1,(%rdi)", M64, BYTES(0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff), .size = 8,
	  .write = true, .src_is_imm = true, .imm = ~0ull },
	{ "movw $0x1234,(%rdi) (imm16)", M64, BYTES(0x66, 0xc7, 0x07, 0x34, 0x12), .size = 2,
	  .write = true, .src_is_imm = true, .imm = 0x1234 },
	{ "movb $0x80,(%rdi)", M64, BYTES(0xc6, 0x07, 0x80), .size = 1, .write = true,
	  .src_is_imm = true, .imm = 0x80 },
	{ "movq $-2,0x12345678(%rax,%rbx,8) (12 bytes)", M64,
	  BYTES(0x48, 0xc7, 0x84, 0xd8, 0x78, 0x56, 0x34, 0x12, 0xfe, 0xff, 0xff, 0xff), .size = 8,
	  .write = true, .src_is_imm = true, .imm = 0xfffffffffffffffeull },
	{ "movabs 0xfee00020,%eax", M64,
	  BYTES(0xa1, 0x20, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00), .size = 4, .dest_size = 4 },
	{ "movabs %al,0xfed00000", M64, BYTES(0xa2, 0x00, 0x00, 0xd0, 0xfe, 0x00, 0x00, 0x00, 0x00),
	  .size = 1, .write = true },
	{ "mov %gs:0x28,%rax", M64, BYTES(0x65, 0x48, 0x8b, 0x04, 0x25, 0x28, 0x00, 0x00, 0x00),
	  .size = 8, .dest_size = 8 },
	{ "mov (%edi),%eax (67)", M64, BYTES(0x67, 0x8b, 0x07), .size = 4, .dest_size = 4 },
	{ "66 48 89 07: REX.W wins over 66", M64, BYTES(0x66, 0x48, 0x89, 0x07), .size = 8,
	  .write = true },
	{ "48 66 89 07: REX before 66 is ignored", M64, BYTES(0x48, 0x66, 0x89, 0x07), .size = 2,
	  .write = true },
	{ "40 66 88 27: ignored REX, so AH", M64, BYTES(0x40, 0x66, 0x88, 0x27), .size = 1,
	  .write = true, .high_byte = true },
	{ "4c 41 89 07: the last REX counts", M64, BYTES(0x4c, 0x41, 0x89, 0x07), .size = 4,
	  .write = true },
	{ "f3 89 07: XRELEASE hint", M64, BYTES(0xf3, 0x89, 0x07), .size = 4, .write = true },
	/* 32-bit code */
	{ "mov 0xfee00020,%eax", M32, BYTES(0xa1, 0x20, 0x00, 0xe0, 0xfe), .size = 4,
	  .dest_size = 4 },
	{ "mov (%eax),%ecx", M32, BYTES(0x8b, 0x08), .size = 4, .reg = 1, .dest_size = 4 },
	{ "mov %ax,(%ebx)", M32, BYTES(0x66, 0x89, 0x03), .size = 2, .write = true },
	{ "movl $1,0x10(%esi)", M32, BYTES(0xc7, 0x46, 0x10, 0x01, 0x00, 0x00, 0x00), .size = 4,
	  .write = true, .src_is_imm = true, .imm = 1 },
	{ "mov 0x12345678(,%eax,4),%edx", M32, BYTES(0x8b, 0x14, 0x85, 0x78, 0x56, 0x34, 0x12),
	  .size = 4, .reg = 2, .dest_size = 4 },
	{ "mov 0x12345678,%edx (absolute disp32)", M32, BYTES(0x8b, 0x15, 0x78, 0x56, 0x34, 0x12),
	  .size = 4, .reg = 2, .dest_size = 4 },
	{ "movzbl 0x3(%ecx),%eax", M32, BYTES(0x0f, 0xb6, 0x41, 0x03), .size = 1, .dest_size = 4 },
	{ "mov (%si),%ax (67 in 32-bit code)", M32, BYTES(0x67, 0x66, 0x8b, 0x04), .size = 2,
	  .dest_size = 2 },
	/* 16-bit code */
	{ "mov (%bx),%ax", M16, BYTES(0x8b, 0x07), .size = 2, .dest_size = 2 },
	{ "mov 0x1234,%ax (moffs16)", M16, BYTES(0xa1, 0x34, 0x12), .size = 2, .dest_size = 2 },
	{ "mov %ax,0x1234 (moffs16)", M16, BYTES(0xa3, 0x34, 0x12), .size = 2, .write = true },
	{ "mov %cx,0x1234 (mod 0 rm 6)", M16, BYTES(0x89, 0x0e, 0x34, 0x12), .size = 2,
	  .write = true, .reg = 1 },
	{ "mov %eax,(%bx)", M16, BYTES(0x66, 0x89, 0x07), .size = 4, .write = true },
	{ "mov 0x10(%bp,%si),%cx", M16, BYTES(0x8b, 0x4a, 0x10), .size = 2, .reg = 1,
	  .dest_size = 2 },
	{ "movw $0x1234,0x1234(%bx)", M16, BYTES(0xc7, 0x87, 0x34, 0x12, 0x34, 0x12), .size = 2,
	  .write = true, .src_is_imm = true, .imm = 0x1234 },
	{ "mov (%ebx),%eax", M16, BYTES(0x67, 0x66, 0x8b, 0x03), .size = 4, .dest_size = 4 },
	{ "movzbw (%si),%ax", M16, BYTES(0x0f, 0xb6, 0x04), .size = 1, .dest_size = 2 },
	{ "movl $0x12345678,(%di)", M16, BYTES(0x66, 0xc7, 0x05, 0x78, 0x56, 0x34, 0x12), .size = 4,
	  .write = true, .src_is_imm = true, .imm = 0x12345678 },
};

static void test_mmio_forms(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mmio_cases) / sizeof(mmio_cases[0]); i++) {
		const struct mmio_case *c = &mmio_cases[i];
		struct insn_mmio m;
		print_message("%s\n", c->what);
		assert_int_equal(mmio(c->bytes, c->n, c->mode, &m), (int)c->n);
		assert_int_equal(m.length, c->n);
		assert_int_equal(m.size, c->size);
		assert_int_equal(m.write, c->write);
		assert_int_equal(m.reg, c->reg);
		assert_int_equal(m.high_byte, c->high_byte);
		assert_int_equal(m.dest_size, c->dest_size);
		assert_int_equal(m.sign_extend, c->sign_extend);
		assert_int_equal(m.src_is_imm, c->src_is_imm);
		assert_true(m.imm == c->imm);
		/* Fewer bytes are never enough, and never read past. */
		for (unsigned n = 0; n < c->n; n++)
			assert_int_equal(mmio(c->bytes, n, c->mode, &m), INSN_ERR_TRUNCATED);
	}
}

static void test_mmio_refused(void **state)
{
	(void)state;
	/* Automatic, not static: the compound literals live in this block. */
	const struct {
		const char *what;
		enum mode mode;
		const uint8_t *bytes;
		unsigned n;
		int rc;
	} bad[] = {
		{ "movsl (string MOVS)", M64, BYTES(0xa5), INSN_ERR_UNSUPPORTED },
		{ "xchg %eax,(%rdi)", M64, BYTES(0x87, 0x07), INSN_ERR_UNSUPPORTED },
		{ "add %eax,(%rdi)", M64, BYTES(0x01, 0x07), INSN_ERR_UNSUPPORTED },
		{ "lock or %eax,(%rdi)", M64, BYTES(0xf0, 0x09, 0x07), INSN_ERR_UNSUPPORTED },
		{ "vmovdqu (%rdi),%ymm0", M64, BYTES(0xc5, 0xfe, 0x6f, 0x07),
		  INSN_ERR_UNSUPPORTED },
		{ "movq %mm1,0x30(%rbp)", M64, BYTES(0x0f, 0x7f, 0x4d, 0x30),
		  INSN_ERR_UNSUPPORTED },
		{ "movnti %eax,(%rdi)", M64, BYTES(0x0f, 0xc3, 0x07), INSN_ERR_UNSUPPORTED },
		{ "movslq (%rdi),%rax (MOVSXD)", M64, BYTES(0x48, 0x63, 0x07),
		  INSN_ERR_UNSUPPORTED },
		{ "48 8b 07 in 32-bit code: 48 is DEC", M32, BYTES(0x48, 0x8b, 0x07),
		  INSN_ERR_UNSUPPORTED },
		{ "mov %eax,%eax (register form)", M64, BYTES(0x89, 0xc0), INSN_ERR_MISMATCH },
		{ "movzbl %al,%eax (register form)", M64, BYTES(0x0f, 0xb6, 0xc0),
		  INSN_ERR_MISMATCH },
		{ "c7 /1", M64, BYTES(0xc7, 0x0f, 0, 0, 0, 0), INSN_ERR_MISMATCH },
		{ "xabort $1 (c6 f8)", M64, BYTES(0xc6, 0xf8, 0x01), INSN_ERR_MISMATCH },
		{ "lock mov %eax,(%rdi)", M64, BYTES(0xf0, 0x89, 0x07), INSN_ERR_MISMATCH },
		{ "nothing", M64, B(0x90), 0, INSN_ERR_TRUNCATED },
		{ "15 bytes of prefixes", M64,
		  BYTES(0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
			0x2e, 0x2e, 0x2e, 0x8b, 0x07),
		  INSN_ERR_TOO_LONG },
		{ "12-byte MOV with 4 prefixes: 16 bytes", M64,
		  BYTES(0x2e, 0x3e, 0x26, 0x36, 0x48, 0xc7, 0x84, 0xd8, 0x78, 0x56, 0x34, 0x12,
			0xfe, 0xff, 0xff, 0xff),
		  INSN_ERR_TOO_LONG },
		{ "too long even when the bytes end at 15", M64,
		  BYTES(0x2e, 0x3e, 0x26, 0x36, 0x48, 0xc7, 0x84, 0xd8, 0x78, 0x56, 0x34, 0x12,
			0xfe, 0xff, 0xff),
		  INSN_ERR_TOO_LONG },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct insn_mmio m;
		print_message("%s\n", bad[i].what);
		assert_int_equal(mmio(bad[i].bytes, bad[i].n, bad[i].mode, &m), bad[i].rc);
	}
	/* Exactly 15 is fine: 3 prefixes and the 12-byte MOV. */
	struct insn_mmio m;
	assert_int_equal(mmio(BYTES(0x2e, 0x3e, 0x26, 0x48, 0xc7, 0x84, 0xd8, 0x78, 0x56, 0x34,
				    0x12, 0xfe, 0xff, 0xff, 0xff),
			      M64, &m),
			 15);
}

/* Decodes bytes and checks the value a write stores given regs. */
static uint64_t write_value(const uint8_t *bytes, unsigned n, const uint64_t regs[16])
{
	struct insn_mmio m;
	assert_int_equal(mmio(bytes, n, M64, &m), (int)n);
	assert_true(m.write);
	return insn_mmio_write_value(&m, regs);
}

static void test_mmio_write_value(void **state)
{
	(void)state;
	uint64_t regs[16];
	for (unsigned i = 0; i < 16; i++)
		regs[i] = 0x1111111111111111ull * i + 0x0807060504030201ull;
	regs[0] = 0xa1a2a3a4a5a6a7a8ull;
	assert_true(write_value(BYTES(0x89, 0x37), regs) == (uint32_t)regs[6]);
	assert_true(write_value(BYTES(0x48, 0x89, 0x07), regs) == regs[0]);
	assert_true(write_value(BYTES(0x66, 0x89, 0x07), regs) == 0xa7a8);
	assert_true(write_value(BYTES(0x88, 0x27), regs) == 0xa7);			    /* AH */
	assert_true(write_value(BYTES(0x88, 0x7a, 0x01), regs) == ((regs[3] >> 8) & 0xff)); /* BH */
	assert_true(write_value(BYTES(0x40, 0x88, 0x37), regs) == (regs[6] & 0xff)); /* SIL */
	assert_true(write_value(BYTES(0x44, 0x88, 0x07), regs) == (regs[8] & 0xff)); /* R8B */
	assert_true(write_value(BYTES(0x4c, 0x89, 0xbc, 0xd8, 0x78, 0x56, 0x34, 0x12), regs) ==
		    regs[15]);
	assert_true(write_value(BYTES(0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x80), regs) ==
		    0xffffffff80000000ull);
	assert_true(write_value(BYTES(0xc7, 0x07, 0x00, 0x00, 0x00, 0x80), regs) == 0x80000000ull);
	assert_true(write_value(BYTES(0x66, 0xc7, 0x07, 0x34, 0x12), regs) == 0x1234);
	assert_true(write_value(BYTES(0xa2, 0, 0, 0xd0, 0xfe, 0, 0, 0, 0), regs) == 0xa8);
}

/* Decodes bytes (a read) and completes it on regs with value. */
static void complete_read(const uint8_t *bytes, unsigned n, uint64_t regs[16], uint64_t value)
{
	struct insn_mmio m;
	assert_int_equal(mmio(bytes, n, M64, &m), (int)n);
	assert_false(m.write);
	uint64_t before[16];
	memcpy(before, regs, sizeof(before));
	insn_mmio_complete_read(&m, regs, value);
	/* Only the destination's register changes. */
	for (unsigned i = 0; i < 16; i++)
		if (i != m.reg)
			assert_true(regs[i] == before[i]);
}

static void test_mmio_complete_read(void **state)
{
	(void)state;
	uint64_t r[16];
	memset(r, 0xee, sizeof(r));
	complete_read(BYTES(0x8b, 0x07), r, 0xffffffff12345678ull); /* mov (%rdi),%eax */
	assert_true(r[0] == 0x12345678);			    /* 63:32 cleared */
	complete_read(BYTES(0x66, 0x8b, 0x07), r, 0xdeadbeef);	    /* mov (%rdi),%ax */
	assert_true(r[0] == 0x1234beef);			    /* merged */
	complete_read(BYTES(0x8a, 0x27), r, 0x1ff);		    /* mov (%rdi),%ah */
	assert_true(r[0] == 0x1234ffef);
	complete_read(BYTES(0x8a, 0x07), r, 0x42); /* mov (%rdi),%al */
	assert_true(r[0] == 0x1234ff42);
	complete_read(BYTES(0x40, 0x8a, 0x27), r, 0x99); /* mov (%rdi),%spl */
	assert_true(r[4] == 0xeeeeeeeeeeeeee99ull);
	complete_read(BYTES(0x4d, 0x8b, 0x6d, 0x00), r, 0x0123456789abcdefull); /* r13, 64 */
	assert_true(r[13] == 0x0123456789abcdefull);
	complete_read(BYTES(0x0f, 0xb6, 0x0f), r, 0xfff0); /* movzbl (%rdi),%ecx */
	assert_true(r[1] == 0xf0);
	complete_read(BYTES(0x0f, 0xbe, 0x0f), r, 0x80); /* movsbl (%rdi),%ecx */
	assert_true(r[1] == 0xffffff80ull);
	complete_read(BYTES(0x48, 0x0f, 0xbe, 0x07), r, 0x80); /* movsbq (%rdi),%rax */
	assert_true(r[0] == 0xffffffffffffff80ull);
	complete_read(BYTES(0x66, 0x0f, 0xbe, 0x17), r, 0x80); /* movsbw (%rdi),%dx */
	assert_true(r[2] == 0xeeeeeeeeeeeeff80ull);
	complete_read(BYTES(0x4f, 0x0f, 0xbf, 0x64, 0x5a, 0x40), r, 0x8001); /* movswq -> r12 */
	assert_true(r[12] == 0xffffffffffff8001ull);
	complete_read(BYTES(0x44, 0x0f, 0xb7, 0x47, 0x02), r, 0x12348001); /* movzwl -> r8d */
	assert_true(r[8] == 0x8001);
	complete_read(BYTES(0xa1, 0x20, 0x00, 0xe0, 0xfe, 0, 0, 0, 0), r, 0xcafe); /* movabs */
	assert_true(r[0] == 0xcafe);
}

struct length_case {
	const char *what;
	enum insn_kind kind;
	enum mode mode;
	const uint8_t *bytes;
	unsigned n;
	int rc;
};

static const struct length_case length_cases[] = {
	{ "cpuid", INSN_CPUID, M64, BYTES(0x0f, 0xa2), 2 },
	{ "66 cpuid", INSN_CPUID, M64, BYTES(0x66, 0x0f, 0xa2), 3 },
	{ "rex.w cpuid", INSN_CPUID, M64, BYTES(0x48, 0x0f, 0xa2), 3 },
	{ "rex then 66: rex ignored, still cpuid", INSN_CPUID, M64, BYTES(0x48, 0x66, 0x0f, 0xa2),
	  4 },
	{ "48 in 32-bit code is DEC", INSN_CPUID, M32, BYTES(0x48, 0x0f, 0xa2), INSN_ERR_MISMATCH },
	{ "13 prefixes + cpuid = 15", INSN_CPUID, M64,
	  BYTES(0x66, 0x67, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65, 0x66, 0x40, 0x48, 0x0f,
		0xa2),
	  15 },
	{ "14 prefixes + cpuid = 16", INSN_CPUID, M64,
	  BYTES(0x66, 0x66, 0x67, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65, 0x66, 0x40, 0x48,
		0x0f, 0xa2),
	  INSN_ERR_TOO_LONG },
	{ "lock cpuid is #UD", INSN_CPUID, M64, BYTES(0xf0, 0x0f, 0xa2), INSN_ERR_MISMATCH },
	{ "rdmsr", INSN_RDMSR, M64, BYTES(0x0f, 0x32), 2 },
	{ "rdmsr in 16-bit code with 66", INSN_RDMSR, M16, BYTES(0x66, 0x0f, 0x32), 3 },
	{ "wrmsr", INSN_WRMSR, M32, BYTES(0x3e, 0x0f, 0x30), 3 },
	{ "wrmsr is not rdmsr", INSN_RDMSR, M64, BYTES(0x0f, 0x30), INSN_ERR_MISMATCH },
	{ "rdtsc", INSN_RDTSC, M64, BYTES(0x0f, 0x31), 2 },
	{ "rdtscp", INSN_RDTSCP, M64, BYTES(0x0f, 0x01, 0xf9), 3 },
	{ "vmmcall", INSN_VMMCALL, M64, BYTES(0x0f, 0x01, 0xd9), 3 },
	{ "rep vmmcall (VMGEXIT outside SEV-ES)", INSN_VMMCALL, M64, BYTES(0xf3, 0x0f, 0x01, 0xd9),
	  4 },
	{ "vmrun is not vmmcall", INSN_VMMCALL, M64, BYTES(0x0f, 0x01, 0xd8), INSN_ERR_MISMATCH },
	{ "invd", INSN_INVD, M64, BYTES(0x0f, 0x08), 2 },
	{ "wbinvd", INSN_WBINVD, M64, BYTES(0x0f, 0x09), 2 },
	{ "wbnoinvd", INSN_WBINVD, M64, BYTES(0xf3, 0x0f, 0x09), 3 },
	{ "hlt", INSN_HLT, M16, BYTES(0xf4), 1 },
	{ "vmrun", INSN_VMRUN, M64, BYTES(0x0f, 0x01, 0xd8), 3 },
	{ "vmrun with 67 (eax)", INSN_VMRUN, M64, BYTES(0x67, 0x0f, 0x01, 0xd8), 4 },
	{ "vmload", INSN_VMLOAD, M64, BYTES(0x0f, 0x01, 0xda), 3 },
	{ "vmsave", INSN_VMSAVE, M64, BYTES(0x0f, 0x01, 0xdb), 3 },
	{ "stgi", INSN_STGI, M64, BYTES(0x0f, 0x01, 0xdc), 3 },
	{ "clgi", INSN_CLGI, M32, BYTES(0x0f, 0x01, 0xdd), 3 },
	{ "skinit", INSN_SKINIT, M32, BYTES(0x0f, 0x01, 0xde), 3 },
	{ "invlpga", INSN_INVLPGA, M64, BYTES(0x0f, 0x01, 0xdf), 3 },
	{ "in $0x60,%al", INSN_IO, M64, BYTES(0xe4, 0x60), 2 },
	{ "rep outsb", INSN_IO, M64, BYTES(0x64, 0xf3, 0x6e), 3 },
	{ "io: cpuid is not I/O", INSN_IO, M64, BYTES(0x0f, 0xa2), INSN_ERR_MISMATCH },
	{ "unknown kind", (enum insn_kind)99, M64, BYTES(0x0f, 0xa2), INSN_ERR_MISMATCH },
};

static void test_length(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(length_cases) / sizeof(length_cases[0]); i++) {
		const struct length_case *c = &length_cases[i];
		print_message("%s\n", c->what);
		assert_int_equal(length(c->bytes, c->n, c->kind, c->mode), c->rc);
		for (unsigned n = 0; c->rc > 0 && n < c->n; n++)
			assert_int_equal(length(c->bytes, n, c->kind, c->mode), INSN_ERR_TRUNCATED);
	}
}

static int io(const uint8_t *bytes, unsigned n, enum mode m, struct insn_io *out)
{
	uint8_t *p = heap_copy(bytes, n);
	int rc = insn_decode_io(p, n, long_mode(m), cs_d(m), out);
	free(p);
	return rc;
}

static void test_io(void **state)
{
	(void)state;
	struct insn_io o;
	assert_int_equal(io(BYTES(0xe4, 0x60), M64, &o), 2); /* in $0x60,%al */
	assert_true(o.in && o.size == 1 && o.port_in_imm && o.imm_port == 0x60 && !o.string);
	assert_int_equal(io(BYTES(0xe7, 0x80), M64, &o), 2); /* out %eax,$0x80 */
	assert_true(!o.in && o.size == 4 && o.port_in_imm && o.imm_port == 0x80);
	assert_int_equal(io(BYTES(0x66, 0xed), M64, &o), 2); /* in (%dx),%ax */
	assert_true(o.in && o.size == 2 && !o.port_in_imm);
	assert_int_equal(io(BYTES(0x48, 0xed), M64, &o), 2); /* REX.W: still 32-bit */
	assert_int_equal(o.size, 4);
	assert_int_equal(io(BYTES(0xee), M64, &o), 1); /* out %al,(%dx) */
	assert_true(!o.in && o.size == 1 && o.addr_size == 8 && !o.addr_prefix);
	assert_int_equal(io(BYTES(0xed), M32, &o), 1);
	assert_int_equal(o.size, 4);
	assert_int_equal(io(BYTES(0xed), M16, &o), 1);
	assert_true(o.size == 2 && o.addr_size == 2);
	assert_int_equal(io(BYTES(0x66, 0xef), M16, &o), 2);
	assert_true(!o.in && o.size == 4);
	/* rep outsb %fs:(%rsi),(%dx) */
	assert_int_equal(io(BYTES(0x64, 0xf3, 0x6e), M64, &o), 3);
	assert_true(!o.in && o.string && o.rep && o.size == 1 && o.seg_override == 0x64);
	/* rep insl (%dx),%es:(%edi): 67 gives 32-bit addresses; INS has no override */
	assert_int_equal(io(BYTES(0x67, 0xf3, 0x64, 0x6d), M64, &o), 4);
	assert_true(o.in && o.string && o.rep && o.size == 4 && o.addr_size == 4 && o.addr_prefix &&
		    o.seg_override == 0);
	assert_int_equal(io(BYTES(0x67, 0x6f), M16, &o), 2);
	assert_true(o.addr_size == 4 && o.size == 2 && !o.rep);
	assert_int_equal(io(BYTES(0xf0, 0xec), M64, &o), INSN_ERR_MISMATCH);
	assert_int_equal(io(BYTES(0xe5), M64, &o), INSN_ERR_TRUNCATED);
	assert_int_equal(io(BYTES(0x8b, 0x07), M64, &o), INSN_ERR_MISMATCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mmio_forms),	 cmocka_unit_test(test_mmio_refused),
		cmocka_unit_test(test_mmio_write_value), cmocka_unit_test(test_mmio_complete_read),
		cmocka_unit_test(test_length),		 cmocka_unit_test(test_io),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
