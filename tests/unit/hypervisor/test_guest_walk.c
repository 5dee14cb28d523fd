/* SPDX-License-Identifier: MIT */
/* Unit tests of the guest page-table walker (hypervisor/arch/x86/guest_walk.c) against page
 * tables built in a host buffer that plays guest-physical memory: each page size, 4 and 5
 * levels, legacy 32-bit and PAE paging, every fault kind (not present at each level, reserved
 * bits, R/W, U/S, NX, SMEP, SMAP, refused GPAs), the #PF error codes, and instruction fetches
 * that cross a page boundary or stop at a page that does not translate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "guest_walk.h"

#define P  (1ull << 0)
#define RW (1ull << 1)
#define US (1ull << 2)
#define PS (1ull << 7)
#define NX (1ull << 63)

#define CR0_PG	 (1ull << 31)
#define CR0_WP	 (1ull << 16)
#define CR4_PSE	 (1ull << 4)
#define CR4_PAE	 (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)
#define AC	 (1ull << 18)

#define MEM_PAGES 1024 /* 4 MiB: room for a 2 MiB page at 2 MiB */
#define MEM_SIZE  (MEM_PAGES * 4096ull)

/* Guest-physical memory: MEM_SIZE bytes at GPA 0, and the page below 4 GiB (where a reset
 * vector lives) aliased to the last page. Large-page leaves may point far above it (only
 * translated, never read). */
struct fake_mem {
	uint8_t *mem;
	unsigned next_page;
	unsigned maps;	     /* map_gpa calls */
	uint64_t refuse_gpa; /* this page is refused by map_gpa (0: none) */
};

static const void *fake_map(void *ctx, uint64_t gpa, unsigned len)
{
	struct fake_mem *f = ctx;
	f->maps++;
	if (gpa >= 0xfffff000ull && gpa < 0x100000000ull && len <= 0x100000000ull - gpa)
		return f->mem + MEM_SIZE - 4096 + (gpa & 0xfff);
	if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
		return NULL;
	if (f->refuse_gpa && (gpa & ~0xfffull) == f->refuse_gpa)
		return NULL;
	return f->mem + gpa;
}

static uint64_t new_page(struct fake_mem *f)
{
	assert_true(f->next_page < MEM_PAGES);
	return (uint64_t)f->next_page++ * 4096;
}

static uint64_t *entry_at(struct fake_mem *f, uint64_t table, uint64_t gva, unsigned level)
{
	unsigned index = (gva >> (12 + 9 * (level - 1))) & 511;
	return (uint64_t *)(f->mem + table + index * 8);
}

/* Maps gva to gpa with a leaf at leaf_level (1: 4 KiB, 2: 2 MiB, 3: 1 GiB) and leaf_flags;
 * the tables above get P|RW|US so that the leaf decides. Returns the leaf entry. */
static uint64_t *map(struct fake_mem *f, const struct guest_paging *p, uint64_t gva, uint64_t gpa,
		     unsigned leaf_level, uint64_t leaf_flags)
{
	unsigned levels = (p->cr4 & CR4_LA57) ? 5 : 4;
	uint64_t table = p->cr3 & ~0xfffull;
	for (unsigned level = levels; level > leaf_level; level--) {
		uint64_t *e = entry_at(f, table, gva, level);
		if (!(*e & P))
			*e = new_page(f) | P | RW | US;
		table = *e & 0x000ffffffffff000ull;
	}
	uint64_t *leaf = entry_at(f, table, gva, leaf_level);
	*leaf = gpa | leaf_flags | (leaf_level > 1 ? PS : 0);
	return leaf;
}

/* The entry at level for gva, walking what map() built. */
static uint64_t *entry_of(struct fake_mem *f, const struct guest_paging *p, uint64_t gva,
			  unsigned level)
{
	unsigned levels = (p->cr4 & CR4_LA57) ? 5 : 4;
	uint64_t table = p->cr3 & ~0xfffull;
	for (unsigned l = levels; l > level; l--)
		table = *entry_at(f, table, gva, l) & 0x000ffffffffff000ull;
	return entry_at(f, table, gva, level);
}

static struct fake_mem fm;

static int setup(void **state)
{
	(void)state;
	memset(&fm, 0, sizeof(fm));
	fm.mem = aligned_alloc(4096, MEM_SIZE);
	assert_non_null(fm.mem);
	memset(fm.mem, 0, MEM_SIZE);
	fm.next_page = 1; /* page 0 stays unused */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(fm.mem);
	return 0;
}

/* A 64-bit kernel's paging state: CR3 in a fresh page. */
static struct guest_paging long_mode(bool la57)
{
	struct guest_paging p = {
		.cr0 = CR0_PG | CR0_WP | 1,
		.cr4 = CR4_PAE | (la57 ? CR4_LA57 : 0),
		.efer = EFER_LME | EFER_LMA | EFER_NXE,
		.maxphyaddr = 40,
		.gbpages = true,
		.map_gpa = fake_map,
		.ctx = &fm,
	};
	p.cr3 = new_page(&fm);
	return p;
}

static int walk(const struct guest_paging *p, uint64_t gva, bool write, bool user, bool fetch,
		uint64_t *gpa)
{
	*gpa = 0xdead;
	return guest_walk(p, gva, write, user, fetch, gpa);
}

static void test_paging_off(void **state)
{
	(void)state;
	struct guest_paging p = { .cr0 = 1, .map_gpa = fake_map, .ctx = &fm };
	uint64_t gpa;
	assert_int_equal(walk(&p, 0xfee00020, true, false, false, &gpa), 0);
	assert_true(gpa == 0xfee00020);
	assert_int_equal(walk(&p, 0x100000123ull, false, false, true, &gpa), 0);
	assert_true(gpa == 0x123); /* 32-bit linear addresses */
	assert_int_equal(fm.maps, 0);
}

static void test_page_sizes(void **state)
{
	(void)state;
	struct guest_paging p = long_mode(false);
	uint64_t gpa;
	const uint64_t k4 = 0xffffffff81000000ull, m2 = 0xffff888000200000ull,
		       g1 = 0x00007f0040000000ull;
	map(&fm, &p, k4, 0x5000, 1, P | RW);
	map(&fm, &p, m2, 0x2345600000ull, 2, P | RW);
	map(&fm, &p, g1, 0xfc0000000ull, 3, P | RW | US);
	fm.maps = 0;
	assert_int_equal(walk(&p, k4 + 0xabc, false, false, true, &gpa), 0);
	assert_true(gpa == 0x5abc);
	assert_int_equal(fm.maps, 4); /* one read per level */
	assert_int_equal(walk(&p, m2 + 0x1fffff, true, false, false, &gpa), 0);
	assert_true(gpa == 0x23457fffffull);
	assert_int_equal(walk(&p, g1 + 0x3ffff123, false, true, false, &gpa), 0);
	assert_true(gpa == 0xffffff123ull);
	/* PAT (bit 12) of a large page is not an address bit */
	*entry_of(&fm, &p, m2, 2) |= 1ull << 12;
	assert_int_equal(walk(&p, m2 + 8, false, false, false, &gpa), 0);
	assert_true(gpa == 0x2345600008ull);
	/* without 1 GiB pages the PDPTE's PS is reserved */
	p.gbpages = false;
	assert_int_equal(walk(&p, g1, false, true, false, &gpa), GUEST_WALK_RESERVED);
}

static void test_five_levels(void **state)
{
	(void)state;
	struct guest_paging p = long_mode(true);
	uint64_t gpa;
	const uint64_t va = 0x00ff123456789000ull; /* canonical only with 57 bits */
	map(&fm, &p, va, 0x7000, 1, P);
	map(&fm, &p, 0xff00000000200000ull, 0x400000, 2, P | RW);
	fm.maps = 0;
	assert_int_equal(walk(&p, va + 5, false, false, false, &gpa), 0);
	assert_true(gpa == 0x7005);
	assert_int_equal(fm.maps, 5);
	assert_int_equal(walk(&p, 0xff00000000212345ull, true, false, false, &gpa), 0);
	assert_true(gpa == 0x412345);
	assert_int_equal(walk(&p, 0x0100000000000000ull, false, false, false, &gpa),
			 GUEST_WALK_NONCANONICAL);
	/* the same address under 4 levels */
	p.cr4 &= ~CR4_LA57;
	assert_int_equal(walk(&p, va, false, false, false, &gpa), GUEST_WALK_NONCANONICAL);
	assert_int_equal(walk(&p, 0x0000800000000000ull, false, false, false, &gpa),
			 GUEST_WALK_NONCANONICAL);
	assert_int_equal(walk(&p, 0xffff7fffffffffffull, false, false, false, &gpa),
			 GUEST_WALK_NONCANONICAL);
}

static void test_not_present(void **state)
{
	(void)state;
	struct guest_paging p = long_mode(false);
	uint64_t gpa;
	const uint64_t va = 0xffffc90000123000ull;
	map(&fm, &p, va, 0x9000, 1, P | RW);
	for (unsigned level = 4; level >= 1; level--) {
		uint64_t *e = entry_of(&fm, &p, va, level);
		uint64_t saved = *e;
		/* a non-present entry's other bits are ignored, reserved ones included */
		*e = (saved & ~P) | (1ull << 51) | PS;
		assert_int_equal(walk(&p, va, false, false, false, &gpa), GUEST_WALK_NOT_PRESENT);
		*e = saved;
	}
	assert_int_equal(walk(&p, va + 0x1000, false, false, false, &gpa), GUEST_WALK_NOT_PRESENT);
	assert_int_equal(walk(&p, va, false, false, false, &gpa), 0);
}

static void test_reserved_bits(void **state)
{
	(void)state;
	struct guest_paging p = long_mode(false);
	uint64_t gpa;
	const uint64_t va = 0xffffc90000123000ull, big = 0xffff888040000000ull;
	map(&fm, &p, va, 0x9000, 1, P | RW);
	map(&fm, &p, big, 0x200000, 2, P | RW);
	const struct {
		const char *what;
		uint64_t gva;
		unsigned level;
		uint64_t bits;
		int rc;
	} cases[] = {
		{ "PTE bit 40 (maxphyaddr 40)", va, 1, 1ull << 40, GUEST_WALK_RESERVED },
		{ "PTE bit 51", va, 1, 1ull << 51, GUEST_WALK_RESERVED },
		{ "PTE bit 39: an address bit", va, 1, 1ull << 39, 0 },
		{ "PTE bits 62:52: available", va, 1, 0x7ffull << 52, 0 },
		{ "PTE bit 7 (PAT)", va, 1, PS, 0 },
		{ "PDE bit 45", va, 2, 1ull << 45, GUEST_WALK_RESERVED },
		{ "PDE bit 8 (non-leaf): ignored", va, 2, 1ull << 8, 0 },
		{ "PDPTE bit 8 (non-leaf, AMD)", va, 3, 1ull << 8, GUEST_WALK_RESERVED },
		{ "PML4E PS", va, 4, PS, GUEST_WALK_RESERVED },
		{ "PML4E bit 8 (AMD)", va, 4, 1ull << 8, GUEST_WALK_RESERVED },
		{ "2 MiB page bit 13", big, 2, 1ull << 13, GUEST_WALK_RESERVED },
		{ "2 MiB page bit 20", big, 2, 1ull << 20, GUEST_WALK_RESERVED },
		{ "2 MiB page bit 21: an address bit", big, 2, 1ull << 21, 0 },
		{ "2 MiB page bit 8 (G)", big, 2, 1ull << 8, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("%s\n", cases[i].what);
		uint64_t *e = entry_of(&fm, &p, cases[i].gva, cases[i].level);
		uint64_t saved = *e;
		*e |= cases[i].bits;
		assert_int_equal(walk(&p, cases[i].gva, false, false, false, &gpa), cases[i].rc);
		*e = saved;
	}
	/* 1 GiB page: bits 29:13 reserved */
	const uint64_t g1 = 0x0000100000000000ull;
	uint64_t *leaf = map(&fm, &p, g1, 0x40000000, 3, P | RW);
	assert_int_equal(walk(&p, g1, false, false, false, &gpa), 0);
	*leaf |= 1ull << 29;
	assert_int_equal(walk(&p, g1, false, false, false, &gpa), GUEST_WALK_RESERVED);
	*leaf &= ~(1ull << 29);
	/* NX is reserved without EFER.NXE */
	*entry_of(&fm, &p, va, 3) |= NX;
	assert_int_equal(walk(&p, va, false, false, false, &gpa), 0);
	p.efer &= ~EFER_NXE;
	assert_int_equal(walk(&p, va, false, false, false, &gpa), GUEST_WALK_RESERVED);
}

static void test_protection(void **state)
{
	(void)state;
	struct guest_paging p = long_mode(false);
	uint64_t gpa;
	const uint64_t kro = 0xffffffff81200000ull, uro = 0x400000, urw = 0x601000,
		       unx = 0x7f0000001000ull;
	map(&fm, &p, kro, 0xa000, 1, P);		/* kernel read-only, executable */
	map(&fm, &p, uro, 0xb000, 1, P | US);		/* user text */
	map(&fm, &p, urw, 0xc000, 1, P | RW | US | NX); /* user data */
	map(&fm, &p, unx, 0xd000, 1, P | RW | US);	/* NX above the leaf, see below */
	*entry_of(&fm, &p, unx, 2) |= NX;

	assert_int_equal(walk(&p, kro, false, true, false, &gpa), GUEST_WALK_PROTECTION);
	assert_int_equal(walk(&p, kro, false, false, true, &gpa), 0);
	assert_int_equal(walk(&p, kro, true, false, false, &gpa), GUEST_WALK_PROTECTION); /* WP */
	p.cr0 &= ~CR0_WP;
	assert_int_equal(walk(&p, kro, true, false, false, &gpa), 0);
	assert_int_equal(walk(&p, uro, true, true, false, &gpa), GUEST_WALK_PROTECTION);
	p.cr0 |= CR0_WP;
	assert_int_equal(walk(&p, uro, false, true, true, &gpa), 0);
	assert_int_equal(walk(&p, urw, true, true, false, &gpa), 0);
	assert_int_equal(walk(&p, urw, false, true, true, &gpa), GUEST_WALK_PROTECTION); /* NX */
	assert_int_equal(walk(&p, unx, false, true, true, &gpa), GUEST_WALK_PROTECTION);
	assert_int_equal(walk(&p, unx, true, true, false, &gpa), 0);
	/* U/S cleared at one upper level only */
	*entry_of(&fm, &p, uro, 3) &= ~US;
	assert_int_equal(walk(&p, uro, false, true, false, &gpa), GUEST_WALK_PROTECTION);
	*entry_of(&fm, &p, uro, 3) |= US;
	/* R/W cleared at one upper level only */
	*entry_of(&fm, &p, urw, 4) &= ~RW;
	assert_int_equal(walk(&p, urw, true, true, false, &gpa), GUEST_WALK_PROTECTION);
	*entry_of(&fm, &p, urw, 4) |= RW;
	/* SMEP: the kernel may not execute user pages; SMAP: nor touch them without AC */
	assert_int_equal(walk(&p, uro, false, false, true, &gpa), 0);
	p.cr4 |= CR4_SMEP;
	assert_int_equal(walk(&p, uro, false, false, true, &gpa), GUEST_WALK_PROTECTION);
	assert_int_equal(walk(&p, uro, false, false, false, &gpa), 0);
	p.cr4 |= CR4_SMAP;
	assert_int_equal(walk(&p, urw, false, false, false, &gpa), GUEST_WALK_PROTECTION);
	p.rflags = AC;
	assert_int_equal(walk(&p, urw, true, false, false, &gpa), 0);
	assert_int_equal(walk(&p, kro, false, false, true, &gpa), 0);
	/* without NXE, NX bits are reserved rather than protective */
	p.efer &= ~EFER_NXE;
	assert_int_equal(walk(&p, urw, false, true, true, &gpa), GUEST_WALK_RESERVED);
}

static void test_unmapped(void **state)
{
	(void)state;
	struct guest_paging p = long_mode(false);
	uint64_t gpa;
	const uint64_t va = 0xffffffff81000000ull;
	map(&fm, &p, va, 0x5000, 1, P | RW);
	fm.refuse_gpa = *entry_of(&fm, &p, va, 4) & ~0xfffull; /* the PDPT's page */
	assert_int_equal(walk(&p, va, false, false, false, &gpa), GUEST_WALK_UNMAPPED);
	fm.refuse_gpa = 0;
	*entry_of(&fm, &p, va, 2) = (MEM_SIZE + 0x1000) | P | RW | US; /* a PT beyond memory */
	assert_int_equal(walk(&p, va, false, false, false, &gpa), GUEST_WALK_UNMAPPED);
	p.cr3 = MEM_SIZE * 4;
	assert_int_equal(walk(&p, va, false, false, false, &gpa), GUEST_WALK_UNMAPPED);
}

static void put32(uint64_t gpa, uint32_t v)
{
	memcpy(fm.mem + gpa, &v, 4);
}

static void put64(uint64_t gpa, uint64_t v)
{
	memcpy(fm.mem + gpa, &v, 8);
}

static void test_legacy32(void **state)
{
	(void)state;
	struct guest_paging p = { .cr0 = CR0_PG | CR0_WP | 1,
				  .cr4 = CR4_PSE,
				  .maxphyaddr = 40,
				  .map_gpa = fake_map,
				  .ctx = &fm };
	uint64_t gpa, pd = new_page(&fm), pt = new_page(&fm);
	p.cr3 = pd | 0x18; /* PCD/PWT bits are not address bits */
	put32(pd + (0x00401000 >> 22) * 4, (uint32_t)pt | P | US);
	put32(pt + ((0x00401000 >> 12) & 1023) * 4, 0x9000 | P | US);
	fm.maps = 0;
	assert_int_equal(walk(&p, 0x00401abc, false, true, true, &gpa), 0);
	assert_true(gpa == 0x9abc);
	assert_int_equal(fm.maps, 2);
	assert_int_equal(walk(&p, 0x100401abcull, false, true, false, &gpa), 0); /* 32-bit */
	assert_true(gpa == 0x9abc);
	assert_int_equal(walk(&p, 0x00401abc, true, true, false, &gpa), GUEST_WALK_PROTECTION);
	assert_int_equal(walk(&p, 0x00402000, false, false, false, &gpa), GUEST_WALK_NOT_PRESENT);
	/* 4 MiB pages with PSE, physical bits 39:32 in PDE bits 20:13 */
	const uint64_t pde = pd + (0xc0000000u >> 22) * 4;
	put32(pde, 0x00400000 | (0x12 << 13) | P | RW | PS);
	assert_int_equal(walk(&p, 0xc0123456, true, false, false, &gpa), 0);
	assert_true(gpa == 0x1200523456ull);
	p.maxphyaddr = 36;
	assert_int_equal(walk(&p, 0xc0123456, false, false, false, &gpa), GUEST_WALK_RESERVED);
	p.maxphyaddr = 40;
	put32(pde, 0x00400000 | (1u << 21) | P | RW | PS);
	assert_int_equal(walk(&p, 0xc0123456, false, false, false, &gpa), GUEST_WALK_RESERVED);
	/* without CR4.PSE, PS is ignored: the entry names a page table (here beyond memory) */
	p.cr4 = 0;
	assert_int_equal(walk(&p, 0xc0123456, false, false, false, &gpa), GUEST_WALK_UNMAPPED);
	/* no NX in 4-byte entries; SMEP still applies */
	p.cr4 = CR4_SMEP;
	assert_int_equal(walk(&p, 0x00401abc, false, false, true, &gpa), GUEST_WALK_PROTECTION);
	assert_int_equal(guest_walk_pf_error(&p, GUEST_WALK_PROTECTION, false, false, true), 0x11);
}

static void test_pae(void **state)
{
	(void)state;
	struct guest_paging p = { .cr0 = CR0_PG | CR0_WP | 1,
				  .cr4 = CR4_PAE,
				  .efer = EFER_NXE,
				  .maxphyaddr = 40,
				  .map_gpa = fake_map,
				  .ctx = &fm };
	uint64_t gpa, pdpt = new_page(&fm) + 0x20, pd = new_page(&fm), pt = new_page(&fm);
	const uint32_t va = 0xb7801234; /* PDPTE 2, PDE 0x1bc, PTE 1 */
	p.cr3 = pdpt;
	put64(pdpt + 2 * 8, pd | P);
	put64(pd + ((va >> 21) & 511) * 8, pt | P | RW | US);
	put64(pt + ((va >> 12) & 511) * 8, 0xa000 | P | RW | US | NX);
	fm.maps = 0;
	assert_int_equal(walk(&p, va, true, true, false, &gpa), 0);
	assert_true(gpa == 0xa234);
	assert_int_equal(fm.maps, 3);
	assert_int_equal(walk(&p, va, false, true, true, &gpa), GUEST_WALK_PROTECTION); /* NX */
	assert_int_equal(guest_walk_pf_error(&p, GUEST_WALK_PROTECTION, false, true, true), 0x15);
	/* 2 MiB page */
	put64(pd + ((0xb7a00000u >> 21) & 511) * 8, 0x600000 | P | PS);
	assert_int_equal(walk(&p, 0xb7a12345, false, false, true, &gpa), 0);
	assert_true(gpa == 0x612345);
	/* a PDPTE has no R/W, U/S, PS or NX bits: each is reserved */
	const uint64_t bits[] = { RW, US, PS, 1ull << 8, NX, 1ull << 45 };
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		put64(pdpt + 2 * 8, pd | P | bits[i]);
		assert_int_equal(walk(&p, va, false, false, false, &gpa), GUEST_WALK_RESERVED);
	}
	put64(pdpt + 2 * 8, pd | P | (1ull << 3) | (1ull << 4) | (1ull << 9)); /* PWT PCD AVL */
	assert_int_equal(walk(&p, va, false, false, false, &gpa), 0);
	put64(pdpt + 3 * 8, 0);
	assert_int_equal(walk(&p, 0xc0000000, false, false, false, &gpa), GUEST_WALK_NOT_PRESENT);
}

static void test_pf_error(void **state)
{
	(void)state;
	struct guest_paging p = long_mode(false);
	assert_int_equal(guest_walk_pf_error(&p, GUEST_WALK_NOT_PRESENT, false, false, false), 0);
	assert_int_equal(guest_walk_pf_error(&p, GUEST_WALK_PROTECTION, true, true, false), 7);
	assert_int_equal(guest_walk_pf_error(&p, GUEST_WALK_RESERVED, false, false, false), 9);
	assert_int_equal(guest_walk_pf_error(&p, GUEST_WALK_NOT_PRESENT, false, true, true), 0x14);
	p.efer &= ~EFER_NXE;
	assert_int_equal(guest_walk_pf_error(&p, GUEST_WALK_NOT_PRESENT, false, true, true), 4);
	assert_int_equal(guest_walk_pf_error(&p, GUEST_WALK_UNMAPPED, true, true, true), 0);
}

static void fill(uint64_t gpa, uint8_t first, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		fm.mem[gpa + i] = (uint8_t)(first + i);
}

static void test_fetch(void **state)
{
	(void)state;
	struct guest_paging p = long_mode(false);
	uint8_t out[16];
	unsigned got;
	/* two virtually adjacent pages in physically distant frames */
	const uint64_t va = 0xffffffff81000000ull;
	uint64_t f1 = new_page(&fm);
	new_page(&fm);
	uint64_t f2 = new_page(&fm);
	map(&fm, &p, va, f1, 1, P);
	map(&fm, &p, va + 4096, f2, 1, P);
	fill(f1 + 4096 - 6, 0x10, 6);
	fill(f2, 0x16, 9);
	assert_int_equal(guest_fetch(&p, va + 4096 - 6, out, 15, &got), 0);
	assert_int_equal(got, 15);
	for (unsigned i = 0; i < 15; i++)
		assert_int_equal(out[i], 0x10 + i);
	/* want is capped at 15 */
	assert_int_equal(guest_fetch(&p, va + 100, out, 40, &got), 0);
	assert_int_equal(got, 15);
	/* the second page does not translate: the first page's bytes, and why */
	*entry_of(&fm, &p, va + 4096, 1) &= ~P;
	memset(out, 0, sizeof(out));
	assert_int_equal(guest_fetch(&p, va + 4096 - 6, out, 15, &got), GUEST_WALK_NOT_PRESENT);
	assert_int_equal(got, 6);
	assert_int_equal(out[5], 0x15);
	assert_int_equal(out[6], 0);
	/* the first page does not translate */
	assert_int_equal(guest_fetch(&p, va + 4096, out, 15, &got), GUEST_WALK_NOT_PRESENT);
	assert_int_equal(got, 0);
	/* the second page's frame is refused */
	*entry_of(&fm, &p, va + 4096, 1) |= P;
	fm.refuse_gpa = f2;
	assert_int_equal(guest_fetch(&p, va + 4096 - 2, out, 15, &got), GUEST_WALK_UNMAPPED);
	assert_int_equal(got, 2);
	fm.refuse_gpa = 0;
	/* user mode cannot fetch kernel text */
	p.cpl = 3;
	assert_int_equal(guest_fetch(&p, va, out, 15, &got), GUEST_WALK_PROTECTION);
	assert_int_equal(got, 0);
}

static void test_fetch_large_and_off(void **state)
{
	(void)state;
	struct guest_paging p = long_mode(false);
	uint8_t out[15];
	unsigned got;
	/* from the end of a 2 MiB page into a 4 KiB page */
	const uint64_t va = 0xffff888000000000ull;
	map(&fm, &p, va, 0x200000, 2, P | RW);
	uint64_t f = new_page(&fm);
	map(&fm, &p, va + 0x200000, f, 1, P | RW);
	fill(0x3ffffa, 0x40, 6);
	fill(f, 0x46, 9);
	assert_int_equal(guest_fetch(&p, va + 0x1ffffa, out, 15, &got), 0);
	for (unsigned i = 0; i < 15; i++)
		assert_int_equal(out[i], 0x40 + i);
	/* a large page whose frame lies beyond the memory map_gpa will read */
	map(&fm, &p, va + 0x400000, 0x40000000, 2, P | RW);
	assert_int_equal(guest_fetch(&p, va + 0x400000, out, 15, &got), GUEST_WALK_UNMAPPED);
	assert_int_equal(got, 0);
	/* paging off: physical addresses, across pages, wrapping at 4 GiB */
	struct guest_paging off = { .cr0 = 1, .map_gpa = fake_map, .ctx = &fm };
	fill(0x1ff8, 0x60, 15);
	assert_int_equal(guest_fetch(&off, 0x1ff8, out, 15, &got), 0);
	assert_int_equal(out[0], 0x60);
	assert_int_equal(out[14], 0x6e);
	fill(MEM_SIZE - 4, 0x80, 4);
	fill(0, 0x84, 4);
	assert_int_equal(guest_fetch(&off, 0xfffffffc, out, 8, &got), 0);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(out[i], 0x80 + i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_paging_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_five_levels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_present, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserved_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_legacy32, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pae, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pf_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fetch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fetch_large_and_off, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
