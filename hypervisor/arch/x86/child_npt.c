/* SPDX-License-Identifier: MIT */
/* A child partition's nested page table: 4 KiB leaves only, tables taken from the partition's
 * deposit. A root page mapped into a child keeps its place in the root's NPT (VSPs reach child
 * memory directly) and carries the child's owner mark there, so it can be mapped into one
 * child only and never deposited while mapped. */
#include "svm.h"
#include "x86.h"

#define CHILD_TABLE (PTE_P | PTE_W | PTE_U)

static u64 *table_of(u64 entry)
{
	return (u64 *)(uintptr_t)(entry & PTE_ADDR);
}

/* The child's leaf entry for gfn; with create, missing tables come from the deposit (*st says
 * HV_STATUS_INSUFFICIENT_MEMORY when it is empty). */
static u64 *child_leaf(struct hv_partition *p, u64 gfn, bool create, u64 *st)
{
	if (!p->arch.npt_root) {
		if (!create || !(p->arch.npt_root = hv_partition_take_page(p))) {
			*st = HV_STATUS_INSUFFICIENT_MEMORY;
			return NULL;
		}
	}
	u64 *table = table_of(p->arch.npt_root);
	for (int level = 3; level > 0; level--) {
		u64 *e = &table[(gfn >> (9 * level)) & 511];
		if (!(*e & PTE_P)) {
			u64 pa = create ? hv_partition_take_page(p) : 0;
			if (!pa) {
				*st = HV_STATUS_INSUFFICIENT_MEMORY;
				return NULL;
			}
			*e = pa | CHILD_TABLE;
		}
		table = table_of(*e);
	}
	return &table[gfn & 511];
}

u64 arch_child_map(struct hv_partition *p, u64 gfn, u64 pfn, u32 flags)
{
	u64 st = HV_STATUS_SUCCESS;
	u64 *owner = npt_root_leaf4k(pfn << 12);
	if (!owner)
		return HV_STATUS_INSUFFICIENT_MEMORY; /* the page is the root's: the split failed */
	if (*owner & NPT_OWNER_MASK)
		return HV_STATUS_INVALID_PARAMETER; /* already a child's */
	u64 *leaf = child_leaf(p, gfn, true, &st);
	if (!leaf)
		return st;
	if (*leaf & PTE_P)
		return HV_STATUS_INVALID_PARAMETER; /* the GPA is mapped already */
	*leaf = pfn << 12 | PTE_P | PTE_U | (flags & HV_MAP_WRITE ? PTE_W : 0) |
		(!(flags & HV_MAP_EXEC) && arch.host_nx ? PTE_NX : 0);
	*owner |= (u64)(p->slot + 1) << NPT_OWNER_SHIFT;
	return HV_STATUS_SUCCESS;
}

static void clear_owner(u64 pa)
{
	u64 *owner = npt_root_leaf4k(pa);
	if (owner)
		*owner &= ~NPT_OWNER_MASK;
}

void arch_child_unmap(struct hv_partition *p, u64 gfn)
{
	u64 st;
	u64 *leaf = p->arch.npt_root ? child_leaf(p, gfn, false, &st) : NULL;
	if (!leaf || !(*leaf & PTE_P))
		return;
	clear_owner(*leaf & PTE_ADDR);
	*leaf = 0;
	p->arch.tlb_flush = true;
}

/* Returns the tables below entry (at level) and the owner marks of the pages they map. */
static void release_table(struct hv_partition *p, u64 table_pa, int level)
{
	u64 *table = table_of(table_pa);
	for (u32 i = 0; i < 512; i++) {
		if (!(table[i] & PTE_P))
			continue;
		if (level == 0)
			clear_owner(table[i] & PTE_ADDR);
		else
			release_table(p, table[i] & PTE_ADDR, level - 1);
	}
	hv_partition_release_page(p, table_pa);
}

void arch_child_release(struct hv_partition *p)
{
	if (p->arch.npt_root)
		release_table(p, p->arch.npt_root, 3);
	p->arch.npt_root = 0;
}

void *arch_child_gpa_ptr(struct hv_partition *p, u64 gpa, bool write)
{
	u64 st;
	if (gpa >> 12 >= HV_CHILD_GFN_LIMIT || !p->arch.npt_root)
		return NULL;
	u64 *leaf = child_leaf(p, gpa >> 12, false, &st);
	if (!leaf || !(*leaf & PTE_P) || (write && !(*leaf & PTE_W)))
		return NULL;
	return (void *)(uintptr_t)((*leaf & PTE_ADDR) | (gpa & (PAGE_SIZE - 1)));
}
