/* SPDX-License-Identifier: MIT */
/* The instruction decoders of insn.h: prefixes, the intercepted instructions' encodings, port
 * I/O operands and the MOV/MOVZX/MOVSX forms of MMIO. Encodings from the AMD APM vol. 3 and
 * the Intel SDM vol. 2 opcode maps. Every byte is read through one bounded cursor, so no path
 * reads past avail or past the 15-byte limit. */
#include "insn.h"

#include <stddef.h>

#define REX_W 0x08
#define REX_R 0x04

/* The bytes being decoded and how far the decode got. */
struct insn_cursor {
	const uint8_t *bytes;
	unsigned avail;
	unsigned pos;
};

/* What the prefixes before the opcode say. */
struct insn_prefixes {
	bool opsize;   /* 66 */
	bool addrsize; /* 67 */
	bool lock;     /* F0 */
	bool rep;      /* F3 or F2 */
	uint8_t seg;   /* last segment override, 0 if none */
	uint8_t rex;   /* the effective REX (64-bit mode, right before the opcode), else 0 */
};

static int cursor_next(struct insn_cursor *c, uint8_t *byte)
{
	/* The limit comes first: a 16th byte makes the instruction #GP whatever it holds. */
	if (c->pos >= INSN_MAX_LEN)
		return INSN_ERR_TOO_LONG;
	if (c->pos >= c->avail)
		return INSN_ERR_TRUNCATED;
	*byte = c->bytes[c->pos++];
	return 0;
}

/* Reads an n-byte little-endian field (displacement, immediate, offset); n <= 8. */
static int cursor_read_le(struct insn_cursor *c, unsigned n, uint64_t *value)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++) {
		uint8_t b;
		int rc = cursor_next(c, &b);
		if (rc)
			return rc;
		v |= (uint64_t)b << (8 * i);
	}
	*value = v;
	return 0;
}

/* Consumes the prefixes and returns the first opcode byte. In 64-bit mode 40-4F are REX; a
 * REX followed by another prefix is ignored by the CPU, and so it is here. */
static int scan_prefixes(struct insn_cursor *c, bool long_mode, struct insn_prefixes *p,
			 uint8_t *opcode)
{
	*p = (struct insn_prefixes){ 0 };
	for (;;) {
		uint8_t b;
		int rc = cursor_next(c, &b);
		if (rc)
			return rc;
		if (long_mode && (b & 0xf0) == 0x40) {
			p->rex = b;
			continue;
		}
		switch (b) {
		case 0x66:
			p->opsize = true;
			break;
		case 0x67:
			p->addrsize = true;
			break;
		case 0xf0:
			p->lock = true;
			break;
		case 0xf2:
		case 0xf3:
			p->rep = true;
			break;
		case 0x26:
		case 0x2e:
		case 0x36:
		case 0x3e:
		case 0x64:
		case 0x65:
			p->seg = b;
			break;
		default:
			*opcode = b;
			return 0;
		}
		p->rex = 0;
	}
}

/* Operand size in bytes of a non-byte instruction: 64-bit mode defaults to 32 (REX.W: 64),
 * elsewhere CS.D chooses 32 or 16; 66 switches between 32 and 16. */
static unsigned operand_size(const struct insn_prefixes *p, bool long_mode, bool cs_d)
{
	if (long_mode && (p->rex & REX_W))
		return 8;
	return (long_mode || cs_d) != p->opsize ? 4 : 2;
}

/* Address size in bytes: 64-bit mode 8 (67: 4), elsewhere CS.D chooses 4 or 2, 67 switches. */
static unsigned address_size(const struct insn_prefixes *p, bool long_mode, bool cs_d)
{
	if (long_mode)
		return p->addrsize ? 4 : 8;
	return cs_d != p->addrsize ? 4 : 2;
}

/* The opcode bytes of each kind insn_length() checks (INSN_IO has its own decoder). */
static const struct {
	uint8_t n;
	uint8_t op[3];
} insn_opcodes[] = {
	[INSN_CPUID] = { 2, { 0x0f, 0xa2 } },
	[INSN_RDMSR] = { 2, { 0x0f, 0x32 } },
	[INSN_WRMSR] = { 2, { 0x0f, 0x30 } },
	[INSN_RDTSC] = { 2, { 0x0f, 0x31 } },
	[INSN_RDTSCP] = { 3, { 0x0f, 0x01, 0xf9 } },
	[INSN_VMMCALL] = { 3, { 0x0f, 0x01, 0xd9 } },
	[INSN_INVD] = { 2, { 0x0f, 0x08 } },
	[INSN_WBINVD] = { 2, { 0x0f, 0x09 } },
	[INSN_HLT] = { 1, { 0xf4 } },
	[INSN_IO] = { 0, { 0 } },
	[INSN_VMRUN] = { 3, { 0x0f, 0x01, 0xd8 } },
	[INSN_VMLOAD] = { 3, { 0x0f, 0x01, 0xda } },
	[INSN_VMSAVE] = { 3, { 0x0f, 0x01, 0xdb } },
	[INSN_STGI] = { 3, { 0x0f, 0x01, 0xdc } },
	[INSN_CLGI] = { 3, { 0x0f, 0x01, 0xdd } },
	[INSN_SKINIT] = { 3, { 0x0f, 0x01, 0xde } },
	[INSN_INVLPGA] = { 3, { 0x0f, 0x01, 0xdf } },
};

int insn_length(const uint8_t *bytes, unsigned avail, enum insn_kind expected, bool long_mode,
		bool cs_d)
{
	if (expected == INSN_IO) {
		struct insn_io io;
		return insn_decode_io(bytes, avail, long_mode, cs_d, &io);
	}
	unsigned kind = (unsigned)expected;
	if (kind >= sizeof(insn_opcodes) / sizeof(insn_opcodes[0]) || !insn_opcodes[kind].n)
		return INSN_ERR_MISMATCH;

	struct insn_cursor c = { bytes, avail, 0 };
	struct insn_prefixes p;
	uint8_t b;
	int rc = scan_prefixes(&c, long_mode, &p, &b);
	for (unsigned i = 0; !rc; i++) {
		if (b != insn_opcodes[kind].op[i])
			return INSN_ERR_MISMATCH;
		if (i + 1 == insn_opcodes[kind].n)
			break;
		rc = cursor_next(&c, &b);
	}
	if (rc)
		return rc;
	/* LOCK on any of these raises #UD before the intercept could be taken. */
	if (p.lock)
		return INSN_ERR_MISMATCH;
	return (int)c.pos;
}

int insn_decode_io(const uint8_t *bytes, unsigned avail, bool long_mode, bool cs_d,
		   struct insn_io *out)
{
	struct insn_cursor c = { bytes, avail, 0 };
	struct insn_prefixes p;
	uint8_t op;
	*out = (struct insn_io){ 0 };
	int rc = scan_prefixes(&c, long_mode, &p, &op);
	if (rc)
		return rc;
	if ((op & 0xfc) == 0xe4) {
		uint64_t port;
		rc = cursor_read_le(&c, 1, &port);
		if (rc)
			return rc;
		out->port_in_imm = true;
		out->imm_port = (uint8_t)port;
	} else if ((op & 0xfc) == 0x6c) {
		out->string = true;
		out->rep = p.rep;
		/* INS always writes through ES; only the OUTS source can be overridden. */
		if (op & 2)
			out->seg_override = p.seg;
	} else if ((op & 0xfc) != 0xec) {
		return INSN_ERR_MISMATCH;
	}
	if (p.lock)
		return INSN_ERR_MISMATCH;
	out->in = !(op & 2);
	/* IN/OUT have no 64-bit form: REX.W is ignored, the size is 16 or 32. */
	bool size32 = (long_mode || cs_d) != p.opsize;
	out->size = (op & 1) ? (size32 ? 4 : 2) : 1;
	out->addr_size = (uint8_t)address_size(&p, long_mode, cs_d);
	out->addr_prefix = p.addrsize;
	out->length = (uint8_t)c.pos;
	return (int)c.pos;
}

/* Reads ModRM and skips the memory operand's SIB and displacement (the address itself comes
 * from the exit's GPA). A register operand (mod 3) cannot have caused an MMIO exit. */
static int read_modrm_mem(struct insn_cursor *c, unsigned addr_size, uint8_t *modrm)
{
	int rc = cursor_next(c, modrm);
	if (rc)
		return rc;
	unsigned mod = *modrm >> 6, rm = *modrm & 7, disp;
	if (mod == 3)
		return INSN_ERR_MISMATCH;
	if (addr_size == 2) {
		/* 16-bit forms: no SIB; mod 0 rm 6 is a bare disp16. */
		disp = mod == 1 ? 1 : (mod == 2 || rm == 6) ? 2 : 0;
	} else {
		disp = mod == 1 ? 1 : mod == 2 ? 4 : 0;
		if (rm == 4) {
			uint8_t sib;
			rc = cursor_next(c, &sib);
			if (rc)
				return rc;
			/* SIB base 5 with mod 0: no base register, disp32. */
			if (mod == 0 && (sib & 7) == 5)
				disp = 4;
		} else if (mod == 0 && rm == 5) {
			/* disp32: RIP-relative in 64-bit mode, absolute elsewhere. */
			disp = 4;
		}
	}
	uint64_t ignored;
	return cursor_read_le(c, disp, &ignored);
}

/* The register a ModRM reg field names. For byte operands without any REX, 4-7 are AH, CH,
 * DH, BH (bits 15:8 of registers 0-3); with a REX they are SPL, BPL, SIL, DIL. */
static void set_modrm_reg(struct insn_mmio *m, const struct insn_prefixes *p, uint8_t modrm,
			  bool byte_reg)
{
	unsigned reg = ((modrm >> 3) & 7) | ((p->rex & REX_R) ? 8 : 0);
	if (byte_reg && !p->rex && reg >= 4 && reg < 8) {
		m->high_byte = true;
		reg -= 4;
	}
	m->reg = (uint8_t)reg;
}

/* 88 89 (store register) and 8A 8B (load register). */
static int decode_mov_reg(struct insn_cursor *c, const struct insn_prefixes *p, uint8_t op,
			  unsigned osize, unsigned asize, struct insn_mmio *m)
{
	uint8_t modrm;
	int rc = read_modrm_mem(c, asize, &modrm);
	if (rc)
		return rc;
	bool byte_op = !(op & 1);
	m->size = (uint8_t)(byte_op ? 1 : osize);
	m->write = !(op & 2);
	m->dest_size = m->write ? 0 : m->size;
	set_modrm_reg(m, p, modrm, byte_op);
	return 0;
}

/* C6 /0 ib and C7 /0 iw/id: store an immediate. C7's immediate is 16 bits with a 16-bit
 * operand size, else 32 bits, sign-extended to 64 with REX.W. */
static int decode_mov_imm(struct insn_cursor *c, uint8_t op, unsigned osize, unsigned asize,
			  struct insn_mmio *m)
{
	uint8_t modrm;
	int rc = read_modrm_mem(c, asize, &modrm);
	if (rc)
		return rc;
	/* Only /0 is MOV; C6/C7 with another reg field are #UD (or XABORT/XBEGIN in mod 3). */
	if ((modrm >> 3) & 7)
		return INSN_ERR_MISMATCH;
	m->size = (uint8_t)(op == 0xc6 ? 1 : osize);
	m->write = true;
	m->src_is_imm = true;
	unsigned imm_len = m->size > 4 ? 4 : m->size;
	uint64_t imm;
	rc = cursor_read_le(c, imm_len, &imm);
	if (rc)
		return rc;
	if (m->size == 8 && (imm & 0x80000000u))
		imm |= 0xffffffff00000000ull;
	m->imm = imm;
	return 0;
}

/* A0-A3: MOV between AL/rAX and a memory offset as wide as the address size (64-bit in 64-bit
 * mode: "movabs"). What 32-bit code with a constant MMIO address compiles to. */
static int decode_mov_moffs(struct insn_cursor *c, uint8_t op, unsigned osize, unsigned asize,
			    struct insn_mmio *m)
{
	uint64_t ignored;
	int rc = cursor_read_le(c, asize, &ignored);
	if (rc)
		return rc;
	m->size = (uint8_t)((op & 1) ? osize : 1);
	m->write = (op & 2) != 0;
	m->dest_size = m->write ? 0 : m->size;
	m->reg = 0;
	return 0;
}

/* 0F B6/B7 (MOVZX) and 0F BE/BF (MOVSX): a load of 1 or 2 bytes, extended into a 16-, 32- or
 * 64-bit register. */
static int decode_movx(struct insn_cursor *c, const struct insn_prefixes *p, unsigned osize,
		       unsigned asize, struct insn_mmio *m)
{
	uint8_t op2, modrm;
	int rc = cursor_next(c, &op2);
	if (rc)
		return rc;
	if (op2 != 0xb6 && op2 != 0xb7 && op2 != 0xbe && op2 != 0xbf)
		return INSN_ERR_UNSUPPORTED;
	rc = read_modrm_mem(c, asize, &modrm);
	if (rc)
		return rc;
	m->size = (op2 & 1) ? 2 : 1;
	m->sign_extend = (op2 & 8) != 0;
	m->dest_size = (uint8_t)osize;
	set_modrm_reg(m, p, modrm, false);
	return 0;
}

int insn_decode_mmio(const uint8_t *bytes, unsigned avail, bool long_mode, bool cs_d,
		     struct insn_mmio *out)
{
	struct insn_cursor c = { bytes, avail, 0 };
	struct insn_prefixes p;
	uint8_t op;
	*out = (struct insn_mmio){ 0 };
	int rc = scan_prefixes(&c, long_mode, &p, &op);
	if (rc)
		return rc;
	unsigned osize = operand_size(&p, long_mode, cs_d);
	unsigned asize = address_size(&p, long_mode, cs_d);
	switch (op) {
	case 0x88:
	case 0x89:
	case 0x8a:
	case 0x8b:
		rc = decode_mov_reg(&c, &p, op, osize, asize, out);
		break;
	case 0xc6:
	case 0xc7:
		rc = decode_mov_imm(&c, op, osize, asize, out);
		break;
	case 0xa0:
	case 0xa1:
	case 0xa2:
	case 0xa3:
		rc = decode_mov_moffs(&c, op, osize, asize, out);
		break;
	case 0x0f:
		rc = decode_movx(&c, &p, osize, asize, out);
		break;
	default:
		return INSN_ERR_UNSUPPORTED;
	}
	if (rc)
		return rc;
	/* LOCK on MOV/MOVZX/MOVSX raises #UD before any memory access. */
	if (p.lock)
		return INSN_ERR_MISMATCH;
	out->length = (uint8_t)c.pos;
	return (int)c.pos;
}

static uint64_t low_bytes(uint64_t v, unsigned size)
{
	return size >= 8 ? v : v & ((1ull << (8 * size)) - 1);
}

uint64_t insn_mmio_write_value(const struct insn_mmio *m, const uint64_t regs[16])
{
	uint64_t v;
	if (m->src_is_imm)
		v = m->imm;
	else if (m->high_byte)
		v = regs[m->reg & 3] >> 8;
	else
		v = regs[m->reg & 15];
	return low_bytes(v, m->size);
}

void insn_mmio_complete_read(const struct insn_mmio *m, uint64_t regs[16], uint64_t value_read)
{
	if (m->write)
		return;
	uint64_t v = low_bytes(value_read, m->size);
	/* Sizes come from the decoder (1, 2, 4); a 0 would be a shift by -1. */
	if (m->sign_extend && m->size > 0 && m->size < 8) {
		uint64_t sign = 1ull << (8 * m->size - 1);
		v = (v ^ sign) - sign;
	}
	unsigned r = m->reg & 15;
	switch (m->dest_size) {
	case 1:
		/* Byte destinations merge: only AL..R15B (or AH..BH) change. */
		if (m->high_byte)
			regs[r & 3] = (regs[r & 3] & ~0xff00ull) | ((v & 0xff) << 8);
		else
			regs[r] = (regs[r] & ~0xffull) | (v & 0xff);
		break;
	case 2:
		regs[r] = (regs[r] & ~0xffffull) | (v & 0xffff);
		break;
	case 4:
		/* A 32-bit destination clears bits 63:32, as every 32-bit write in 64-bit mode. */
		regs[r] = (uint32_t)v;
		break;
	default:
		regs[r] = v;
		break;
	}
}
