/* SPDX-License-Identifier: MIT */
/* The guest page-table walker of guest_walk.h: long-mode 4- and 5-level translation with the
 * CPU's reserved-bit and permission checks (AMD APM vol. 2, 5.3 and 5.6; the reserved bits are
 * AMD's: bit 8 of non-leaf PML5E/PML4E/PDPTE included), and the instruction fetch built on it.
 * Every entry is guest memory, possibly changing under us: each is read exactly once. */
#include "guest_walk.h"

#include <stddef.h>

#define CR0_WP	  (1ull << 16)
#define CR0_PG	  (1ull << 31)
#define CR4_PSE	  (1ull << 4)
#define CR4_PAE	  (1ull << 5)
#define CR4_LA57  (1ull << 12)
#define CR4_SMEP  (1ull << 20)
#define CR4_SMAP  (1ull << 21)
#define EFER_LMA  (1ull << 10)
#define EFER_NXE  (1ull << 11)
#define RFLAGS_AC (1ull << 18)

#define ENTRY_P	      (1ull << 0)
#define ENTRY_RW      (1ull << 1)
#define ENTRY_US      (1ull << 2)
#define ENTRY_PS      (1ull << 7)
#define ENTRY_BIT8    (1ull << 8)
#define ENTRY_NX      (1ull << 63)
#define ENTRY_ENTRIES 512u

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1u << PAGE_SHIFT)

#define PF_P	(1u << 0)
#define PF_W	(1u << 1)
#define PF_U	(1u << 2)
#define PF_RSVD (1u << 3)
#define PF_ID	(1u << 4)

/* Bits lo..hi set. */
static uint64_t bit_range(unsigned lo, unsigned hi)
{
	return (~0ull >> (63 - hi)) & ~((1ull << lo) - 1);
}

/* The physical width, clamped to what an entry can hold (32..52 bits). */
static unsigned phys_bits(const struct guest_paging *p)
{
	unsigned bits = p->maxphyaddr;
	return bits < 32 ? 32 : bits > 52 ? 52 : bits;
}

/* Bits of an 8-byte entry that must be 0 at this level (5 = PML5E ... 1 = PTE), for a
 * non-leaf entry or, with ps, a 1 GiB/2 MiB leaf. legacy_pae: level 3 is a PAE PDPTE. */
static uint64_t reserved_bits(const struct guest_paging *p, unsigned level, bool ps,
			      bool legacy_pae)
{
	uint64_t rsvd = bit_range(phys_bits(p), 51);
	if (!(p->efer & EFER_NXE))
		rsvd |= ENTRY_NX;
	/* A PAE PDPTE has no R/W, U/S, PS or NX: those bits must be 0. */
	if (legacy_pae && level == 3)
		return rsvd | ENTRY_NX | bit_range(1, 2) | bit_range(5, 8);
	switch (level) {
	case 5:
	case 4:
		return rsvd | ENTRY_PS | ENTRY_BIT8;
	case 3:
		if (!ps)
			return rsvd | ENTRY_BIT8;
		/* Without 1 GiB pages PS itself is reserved here. */
		return rsvd | (p->gbpages ? bit_range(13, 29) : ENTRY_PS);
	case 2:
		return ps ? rsvd | bit_range(13, 20) : rsvd;
	default:
		return rsvd;
	}
}

/* One read of a shared entry: the guest (or another CPU) may change it meanwhile. */
static uint64_t read_entry(const void *ptr)
{
	return *(const volatile uint64_t *)ptr;
}

/* The permissions an entry chain grants, accumulated level by level. */
struct walk_rights {
	bool writable, user, no_exec;
};

/* The CPU's checks once the walk reached the leaf (APM vol. 2, 5.6). */
static int check_rights(const struct guest_paging *p, const struct walk_rights *r, bool write,
			bool user, bool fetch)
{
	if (user && !r->user)
		return GUEST_WALK_PROTECTION;
	/* Supervisor writes ignore R/W unless CR0.WP. */
	if (write && !r->writable && (user || (p->cr0 & CR0_WP)))
		return GUEST_WALK_PROTECTION;
	if (fetch && r->no_exec)
		return GUEST_WALK_PROTECTION;
	if (!user && r->user) {
		if (fetch && (p->cr4 & CR4_SMEP))
			return GUEST_WALK_PROTECTION;
		if (!fetch && (p->cr4 & CR4_SMAP) && !(p->rflags & RFLAGS_AC))
			return GUEST_WALK_PROTECTION;
	}
	return 0;
}

/* The walk with 8-byte entries: long mode (4 or 5 levels from the PML4/PML5 at table) and
 * legacy PAE (3 levels from the PDPT at table, whose entries grant no rights). */
static int walk_8byte(const struct guest_paging *p, uint64_t gva, unsigned levels, uint64_t table,
		      bool legacy_pae, const bool access[3], uint64_t *gpa_out)
{
	uint64_t addr_mask = bit_range(PAGE_SHIFT, phys_bits(p) - 1);
	struct walk_rights r = { true, true, false };
	for (unsigned level = levels; level >= 1; level--) {
		unsigned shift = PAGE_SHIFT + 9 * (level - 1);
		uint64_t index = (gva >> shift) & (ENTRY_ENTRIES - 1);
		const void *ptr = p->map_gpa(p->ctx, table + index * 8, 8);
		if (!ptr)
			return GUEST_WALK_UNMAPPED;
		uint64_t e = read_entry(ptr);
		if (!(e & ENTRY_P))
			return GUEST_WALK_NOT_PRESENT;
		bool leaf = level == 1 || (level <= 3 && (e & ENTRY_PS));
		if (e & reserved_bits(p, level, leaf && level > 1, legacy_pae))
			return GUEST_WALK_RESERVED;
		if (!(legacy_pae && level == 3)) {
			r.writable = r.writable && (e & ENTRY_RW);
			r.user = r.user && (e & ENTRY_US);
			r.no_exec = r.no_exec || ((p->efer & EFER_NXE) && (e & ENTRY_NX));
		}
		if (leaf) {
			int rc = check_rights(p, &r, access[0], access[1], access[2]);
			if (rc)
				return rc;
			uint64_t offset_mask = (1ull << shift) - 1;
			*gpa_out = (e & addr_mask & ~offset_mask) | (gva & offset_mask);
			return 0;
		}
		table = e & addr_mask;
	}
	return GUEST_WALK_UNSUPPORTED; /* not reached: level 1 is always a leaf */
}

/* Legacy 32-bit paging: 4-byte entries, a PD and a PT, 4 MiB pages with CR4.PSE whose PDE
 * bits 20:13 are physical bits 39:32 (PSE-36, 40 bits on AMD); no NX. */
static int walk_legacy32(const struct guest_paging *p, uint32_t va, const bool access[3],
			 uint64_t *gpa_out)
{
	uint64_t table = p->cr3 & 0xfffff000u;
	struct walk_rights r = { true, true, false };
	for (unsigned level = 2; level >= 1; level--) {
		unsigned shift = level == 2 ? 22 : PAGE_SHIFT;
		const void *ptr = p->map_gpa(p->ctx, table + ((va >> shift) & 1023) * 4, 4);
		if (!ptr)
			return GUEST_WALK_UNMAPPED;
		uint32_t e = *(const volatile uint32_t *)ptr;
		if (!(e & ENTRY_P))
			return GUEST_WALK_NOT_PRESENT;
		r.writable = r.writable && (e & ENTRY_RW);
		r.user = r.user && (e & ENTRY_US);
		bool large = level == 2 && (e & ENTRY_PS) && (p->cr4 & CR4_PSE);
		if (!large && level == 2) {
			table = e & 0xfffff000u;
			continue;
		}
		uint64_t high = large ? (e >> 13) & 0xff : 0;
		if (large && ((e & (1u << 21)) || (high >> (phys_bits(p) - 32)) != 0))
			return GUEST_WALK_RESERVED;
		int rc = check_rights(p, &r, access[0], access[1], access[2]);
		if (rc)
			return rc;
		if (large)
			*gpa_out = (high << 32) | (e & 0xffc00000u) | (va & 0x3fffffu);
		else
			*gpa_out = (e & 0xfffff000u) | (va & 0xfffu);
		return 0;
	}
	return GUEST_WALK_UNSUPPORTED; /* not reached: level 1 is always a leaf */
}

/* Long mode: 4 levels, or 5 with CR4.LA57; the address must be canonical for that width. */
static int walk_long_mode(const struct guest_paging *p, uint64_t gva, const bool access[3],
			  uint64_t *gpa_out)
{
	unsigned levels = (p->cr4 & CR4_LA57) ? 5 : 4;
	unsigned va_bits = PAGE_SHIFT + 9 * levels;
	uint64_t top = gva >> (va_bits - 1);
	if (top != 0 && top != (~0ull >> (va_bits - 1)))
		return GUEST_WALK_NONCANONICAL;
	uint64_t table = p->cr3 & bit_range(PAGE_SHIFT, phys_bits(p) - 1);
	return walk_8byte(p, gva, levels, table, false, access, gpa_out);
}

int guest_walk(const struct guest_paging *p, uint64_t gva, bool write, bool user, bool fetch,
	       uint64_t *gpa_out)
{
	/* Paging off: linear is physical, 32 bits wide (long mode needs paging). */
	if (!(p->cr0 & CR0_PG)) {
		*gpa_out = gva & 0xffffffffull;
		return 0;
	}
	const bool access[3] = { write, user, fetch };
	if (p->efer & EFER_LMA)
		return walk_long_mode(p, gva, access, gpa_out);
	/* Outside long mode linear addresses are 32 bits; PAE's PDPT is 32-byte aligned. */
	if (p->cr4 & CR4_PAE)
		return walk_8byte(p, gva & 0xffffffffull, 3, p->cr3 & 0xffffffe0u, true, access,
				  gpa_out);
	return walk_legacy32(p, (uint32_t)gva, access, gpa_out);
}

uint32_t guest_walk_pf_error(const struct guest_paging *p, int err, bool write, bool user,
			     bool fetch)
{
	uint32_t code;
	if (err == GUEST_WALK_NOT_PRESENT)
		code = 0;
	else if (err == GUEST_WALK_PROTECTION)
		code = PF_P;
	else if (err == GUEST_WALK_RESERVED)
		code = PF_P | PF_RSVD;
	else
		return 0;
	if (write)
		code |= PF_W;
	if (user)
		code |= PF_U;
	/* I/D is reported only where execute permission exists: NX (PAE or long mode), SMEP. */
	if (fetch && (((p->efer & EFER_NXE) && (p->cr4 & CR4_PAE)) || (p->cr4 & CR4_SMEP)))
		code |= PF_ID;
	return code;
}

int guest_fetch(const struct guest_paging *p, uint64_t ip, uint8_t *out, unsigned want,
		unsigned *got)
{
	const unsigned max_insn = 15;
	unsigned done = 0;
	if (want > max_insn)
		want = max_insn;
	*got = 0;
	while (done < want) {
		uint64_t addr = ip + done;
		/* Outside long mode linear addresses wrap at 4 GiB. */
		if (!(p->efer & EFER_LMA))
			addr &= 0xffffffffull;
		uint64_t gpa = 0;
		int rc = guest_walk(p, addr, false, p->cpl == 3, true, &gpa);
		if (rc)
			return rc;
		/* The walk keeps the offset within the 4 KiB page (of a page of any size): the
		 * bytes up to that page's end follow gpa in guest-physical memory. The whole page
		 * is mapped (protection is per page) and read up to its end, the index checked
		 * against it before each byte. */
		unsigned off = (unsigned)(gpa & (PAGE_SIZE - 1));
		const volatile uint8_t *page =
			p->map_gpa(p->ctx, gpa & ~(uint64_t)(PAGE_SIZE - 1), PAGE_SIZE);
		if (!page)
			return GUEST_WALK_UNMAPPED;
		do {
			out[done++] = page[off++];
			*got = done;
		} while (done < want && off < PAGE_SIZE);
	}
	return 0;
}
