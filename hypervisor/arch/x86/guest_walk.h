/* SPDX-License-Identifier: MIT */
/* The guest page-table walker: a guest-virtual address to a guest-physical one as the CPU
 * translates it (4- and 5-level long mode, legacy PAE and 32-bit paging, paging off), and the
 * fetch of the instruction bytes at the guest's RIP for the decoders of insn.h. The tables
 * are guest memory read through the caller's map_gpa (which decides what the hypervisor will
 * read), each entry once. Pure of hypervisor state; built freestanding into the core and on
 * the host for the unit tests and the fuzzer. */
#ifndef HV_ARCH_X86_GUEST_WALK_H
#define HV_ARCH_X86_GUEST_WALK_H

#include <stdbool.h>
#include <stdint.h>

/* Errors (negative). guest_walk_pf_error() gives the #PF error code of the first three. */
enum guest_walk_error {
	GUEST_WALK_NOT_PRESENT = -1,  /* an entry with P = 0: #PF */
	GUEST_WALK_PROTECTION = -2,   /* R/W, U/S, NX, SMEP or SMAP forbid the access: #PF */
	GUEST_WALK_RESERVED = -3,     /* a reserved bit set in a present entry: #PF (RSVD) */
	GUEST_WALK_UNSUPPORTED = -4,  /* a paging mode not walked here (none today) */
	GUEST_WALK_UNMAPPED = -5,     /* map_gpa refused a table's or the data's GPA */
	GUEST_WALK_NONCANONICAL = -6, /* the address is not canonical: #GP, not #PF */
};

/* The guest's paging state, from its VMCB save area and its CPUID view. */
struct guest_paging {
	uint64_t cr0, cr3, cr4, efer;
	uint64_t rflags;    /* AC matters for SMAP */
	uint8_t cpl;	    /* guest_fetch(): CPL 3 fetches are user accesses */
	uint8_t maxphyaddr; /* CPUID 8000_0008h EAX[7:0]: entry bits 51:maxphyaddr are reserved */
	bool gbpages;	    /* CPUID 8000_0001h EDX[26]: else PS in a PDPTE is reserved */
	/* Returns len readable bytes of guest-physical memory at gpa (within one page), or NULL
	 * when the hypervisor will not read there (never its own memory). */
	const void *(*map_gpa)(void *ctx, uint64_t gpa, unsigned len);
	void *ctx;
};

/* Translates the linear address gva for an access of the given kind (write; user: CPL 3 or
 * an implicit user access; fetch: instruction fetch) and checks its permissions as the CPU
 * would. Accessed/dirty bits are not set (the CPU that ran the instruction did). 0 and
 * *gpa_out on success, else a negative enum guest_walk_error. */
int guest_walk(const struct guest_paging *p, uint64_t gva, bool write, bool user, bool fetch,
	       uint64_t *gpa_out);

/* The #PF error code for a NOT_PRESENT, PROTECTION or RESERVED result of that access. */
uint32_t guest_walk_pf_error(const struct guest_paging *p, int err, bool write, bool user,
			     bool fetch);

/* Copies up to want (<= 15) instruction bytes at the linear address ip (CS.base + RIP) into
 * out, translating each page separately. Returns 0 with *got == want, or the error of the
 * page where the copy stopped with *got the bytes copied before it (the first page: 0). */
int guest_fetch(const struct guest_paging *p, uint64_t ip, uint8_t *out, unsigned want,
		unsigned *got);

#endif
