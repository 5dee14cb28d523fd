/* SPDX-License-Identifier: MIT */
/* The root partition's nested page table: GPA == HPA for all RAM and MMIO below
 * hv.phys_top, large pages where possible; every page of the hypervisor's resident block is
 * backed by one scratch page instead, so no hypervisor byte is ever visible or writable
 * from the root and a root access there needs no exit. The PCI ECAM window is mapped
 * read-only: reads run at full speed, writes exit to the configuration filter (npf.c).
 * Built once, never changed. */
#include "svm.h"
#include "x86.h"

#define NPT_FLAGS (PTE_P | PTE_W | PTE_U) /* U is required on nested entries */

static u64 scratch_pa;

/* Write access for a root mapping of [a, a + size): none inside the ECAM window. */
static u64 npt_rights(u64 a, u64 size)
{
	if (arch.ecam_size && a < arch.ecam_base + arch.ecam_size && a + size > arch.ecam_base)
		return PTE_P | PTE_U;
	return NPT_FLAGS;
}

/* Whether [a, a + size) lies entirely inside the ECAM window or entirely outside it (a large
 * page may then map it with one set of rights). */
static bool ecam_uniform(u64 a, u64 size)
{
	u64 e0 = arch.ecam_base, e1 = arch.ecam_base + arch.ecam_size;
	return !arch.ecam_size || a + size <= e0 || a >= e1 || (a >= e0 && a + size <= e1);
}

static int npt_fill(u64 *table, int level, u64 base)
{
	u64 size = 1ull << (12 + 9 * level);
	u64 hv_end = hv.region_pa + hv.region_size;
	for (u64 i = 0; i < 512; i++) {
		u64 a = base + i * size;
		if (a >= hv.phys_top)
			break;
		if (level == 0) {
			table[i] = (hv_owns(a) ? scratch_pa | NPT_FLAGS : a | npt_rights(a, size));
			continue;
		}
		bool overlaps_hv = a < hv_end && a + size > hv.region_pa;
		bool large_ok = level == 1 || (level == 2 && hv.gbpages);
		if (!overlaps_hv && large_ok && a + size <= hv.phys_top && ecam_uniform(a, size)) {
			table[i] = a | npt_rights(a, size) | PTE_PS;
			continue;
		}
		u64 *sub = hv_alloc_pages(1);
		if (!sub || npt_fill(sub, level - 1, a) < 0)
			return -1;
		table[i] = hv_pa(sub) | NPT_FLAGS;
	}
	return 0;
}

/* Returns the nested CR3 of the root partition, 0 when out of memory. */
u64 npt_build_root(void)
{
	void *scratch = hv_alloc_pages(1);
	u64 *pml4 = hv_alloc_pages(1);
	if (!scratch || !pml4)
		return 0;
	scratch_pa = hv_pa(scratch);
	if (npt_fill(pml4, 3, 0) < 0)
		return 0;
	return hv_pa(pml4);
}

/* ---- Changing the root's NPT after boot: pages the root deposits leave it, and come back ----
 * A deposited page may lie inside a large mapping: the large entry is split into a table of
 * the next size (from resident memory, counted in npt_split_pages; a split is never undone).
 * Every change is followed by a flush of the root's TLB entries before it runs again. */

static u64 split_pages;

static u64 *npt_table(u64 entry)
{
	return (u64 *)(uintptr_t)(entry & PTE_ADDR); /* resident pages: mapped 1:1 */
}

/* The root's leaf entry for the 4 KiB page at pa, splitting large entries on the way when
 * split is set; NULL when pa is not mapped at all or a split found no memory. */
static u64 *npt_root_leaf(u64 pa, bool split)
{
	u64 *table = npt_table(arch.npt_root);
	for (int level = 3; level > 0; level--) {
		u64 *e = &table[(pa >> (12 + 9 * level)) & 511];
		if (!(*e & PTE_P))
			return NULL;
		if (*e & PTE_PS) {
			if (!split)
				return e;
			u64 *sub = hv_alloc_pages(1);
			if (!sub)
				return NULL;
			u64 size = 1ull << (12 + 9 * (level - 1));
			u64 base = *e & PTE_ADDR & ~((size << 9) - 1);
			u64 flags = *e & (PTE_P | PTE_W | PTE_U);
			for (u64 i = 0; i < 512; i++)
				sub[i] = (base + i * size) | flags | (level > 1 ? PTE_PS : 0);
			*e = hv_pa(sub) | NPT_FLAGS;
			split_pages++;
		}
		table = npt_table(*e);
	}
	return &table[(pa >> 12) & 511];
}

bool arch_root_page_mapped(u64 pa)
{
	u64 *e = npt_root_leaf(pa, false);
	if (!e || !(*e & PTE_P) || !(*e & PTE_W))
		return false;
	u64 size = (*e & PTE_PS) ? 0 : PAGE_SIZE; /* a large leaf maps 1:1 by construction */
	return size == 0 || (*e & PTE_ADDR) == (pa & ~(PAGE_SIZE - 1));
}

u64 *npt_root_leaf4k(u64 pa)
{
	return arch_root_page_mapped(pa) ? npt_root_leaf(pa, true) : NULL;
}

int arch_root_take_page(u64 pa)
{
	if (!arch_root_page_mapped(pa))
		return -1;
	u64 *leaf = npt_root_leaf(pa, false);
	if (leaf && (*leaf & NPT_OWNER_MASK))
		return -1; /* mapped into a child */
	u64 *e = npt_root_leaf(pa, true);
	if (!e)
		return -2;
	*e = 0;
	arch.root_tlb_flush = true;
	return 0;
}

void arch_root_give_page(u64 pa)
{
	u64 *e = npt_root_leaf(pa, true); /* split already: no allocation here */
	if (e) {
		*e = (pa & ~(PAGE_SIZE - 1)) | NPT_FLAGS;
		arch.root_tlb_flush = true;
	}
}

u64 arch_npt_split_pages(void)
{
	return split_pages;
}
