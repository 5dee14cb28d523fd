/* SPDX-License-Identifier: MIT */
/* Decoders of guest instruction bytes: the length of an intercepted instruction (for CPUs
 * without next-RIP save), the operands of an intercepted port access, and the forms of MOV a
 * kernel uses for MMIO. Pure functions of the bytes they are given (attacker-controlled: never
 * read past avail, a malformed or unsupported instruction is an error, never a crash); built
 * freestanding into the core and on the host for the unit tests and the fuzzer. */
#ifndef HV_ARCH_X86_INSN_H
#define HV_ARCH_X86_INSN_H

#include <stdbool.h>
#include <stdint.h>

/* The architectural limit: a longer instruction raises #GP. */
#define INSN_MAX_LEN 15

/* Errors (negative). What the caller does with each is in the comment. */
enum insn_error {
	/* The bytes end (avail) before the instruction does: fetch more, or when the fetch
	 * stopped at a page that does not translate, see guest_fetch(). */
	INSN_ERR_TRUNCATED = -1,
	/* Over 15 bytes with its prefixes: the CPU raises #GP(0) for it; so does the caller. */
	INSN_ERR_TOO_LONG = -2,
	/* Not the instruction the exit names, or a form that raises #UD before it could exit
	 * (LOCK on anything here, ModRM register form, C6/C7 with reg != 0): the bytes changed
	 * since the CPU ran them. Do not emulate: resume without advancing RIP (flushing the
	 * guest's TLB) so that the CPU executes what is there now. */
	INSN_ERR_MISMATCH = -3,
	/* A real memory access this decoder does not emulate (string MOVS, XCHG, arithmetic on
	 * memory, VEX/EVEX, ...): refuse it (#GP) and log once. */
	INSN_ERR_UNSUPPORTED = -4,
};

/* The intercepted instructions whose length insn_length() knows. */
enum insn_kind {
	INSN_CPUID,   /* 0F A2 */
	INSN_RDMSR,   /* 0F 32 */
	INSN_WRMSR,   /* 0F 30 */
	INSN_RDTSC,   /* 0F 31 */
	INSN_RDTSCP,  /* 0F 01 F9 */
	INSN_VMMCALL, /* 0F 01 D9 */
	INSN_INVD,    /* 0F 08 */
	INSN_WBINVD,  /* 0F 09 (F3 0F 09 is WBNOINVD, same length) */
	INSN_HLT,     /* F4 */
	INSN_IO,      /* E4-E7 imm8, EC-EF, 6C-6F (INS/OUTS) */
	INSN_VMRUN,   /* 0F 01 D8 */
	INSN_VMLOAD,  /* 0F 01 DA */
	INSN_VMSAVE,  /* 0F 01 DB */
	INSN_STGI,    /* 0F 01 DC */
	INSN_CLGI,    /* 0F 01 DD */
	INSN_SKINIT,  /* 0F 01 DE */
	INSN_INVLPGA, /* 0F 01 DF */
};

/* The CPU mode the bytes are decoded in. long_mode: 64-bit mode (EFER.LMA and CS.L), not
 * compatibility mode. cs_d: CS.D, the default operand and address size is 32 (protected and
 * compatibility mode); false in real and virtual-8086 mode; ignored in 64-bit mode. */

/* Total length (1..15) of the instruction at bytes, which must be of kind expected, or a
 * negative enum insn_error. Accepts any legacy prefixes but LOCK and, in 64-bit mode, REX
 * (one placed before a legacy prefix is ignored, as the CPU ignores it). */
int insn_length(const uint8_t *bytes, unsigned avail, enum insn_kind expected, bool long_mode,
		bool cs_d);

/* An intercepted port access as its bytes encode it, to cross-check with EXITINFO1. */
struct insn_io {
	uint8_t length;	      /* total instruction length */
	uint8_t size;	      /* operand size in bytes: 1, 2 or 4 (REX.W has no effect) */
	uint8_t addr_size;    /* address size in bytes (2, 4, 8): rSI/rDI/rCX width of INS/OUTS */
	bool in;	      /* IN/INS (else OUT/OUTS) */
	bool string;	      /* INS/OUTS */
	bool rep;	      /* F3 or F2 prefix (both repeat INS/OUTS) */
	bool addr_prefix;     /* a 67 prefix was present */
	bool port_in_imm;     /* E4-E7: the port is imm_port (else DX) */
	uint8_t imm_port;     /* the imm8 port of E4-E7 */
	uint8_t seg_override; /* OUTS source segment override (0x26, 0x2E, 0x36, 0x3E, 0x64,
			       * 0x65) or 0 for the default DS */
};

/* Decodes any port I/O instruction; returns its length (as insn_length(INSN_IO)) or a
 * negative enum insn_error. */
int insn_decode_io(const uint8_t *bytes, unsigned avail, bool long_mode, bool cs_d,
		   struct insn_io *out);

/* An MMIO access by MOV (88 89 8A 8B C6/0 C7/0 A0-A3), MOVZX (0F B6/B7) or MOVSX
 * (0F BE/BF). The address is not decoded: it comes from the exit's GPA. */
struct insn_mmio {
	uint8_t length;	   /* total instruction length, 1..15 */
	uint8_t size;	   /* bytes accessed in memory: 1, 2, 4 or 8 */
	bool write;	   /* store to memory (else load) */
	bool src_is_imm;   /* write from imm (C6/C7), else from register reg */
	uint8_t reg;	   /* write: source register; read: destination register (0-15) */
	bool high_byte;	   /* reg (0-3) names AH/CH/DH/BH: bits 15:8 of that register */
	uint8_t dest_size; /* read: bytes of reg written: 1/2 merge into the old value, 4 zeroes
			    * bits 63:32, 8 replaces it */
	bool sign_extend;  /* read: MOVSX (else the value read is zero-extended) */
	uint64_t imm;	   /* write from imm: the value stored, sign-extended as the CPU does */
};

/* Decodes the instruction at bytes as an MMIO access; returns its length or a negative enum
 * insn_error (INSN_ERR_UNSUPPORTED for anything but the forms above). */
int insn_decode_mmio(const uint8_t *bytes, unsigned avail, bool long_mode, bool cs_d,
		     struct insn_mmio *out);

/* The value a decoded write stores (the low m->size bytes are meaningful; the rest is 0). */
uint64_t insn_mmio_write_value(const struct insn_mmio *m, const uint64_t regs[16]);

/* Completes a decoded read: value_read (its low m->size bytes) lands in regs as the CPU would
 * put it there. regs is indexed by x86 register number (RAX = 0 ... R15 = 15). */
void insn_mmio_complete_read(const struct insn_mmio *m, uint64_t regs[16], uint64_t value_read);

#endif
