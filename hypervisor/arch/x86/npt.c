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
