/* SPDX-License-Identifier: MIT */
/* The hypervisor's resident memory: one block of EfiReservedMemoryType pages the stub
 * allocated. The core image sits at its start; the rest is handed out page by page and never
 * freed, so nothing the hypervisor owns ever moves. */
#include "core.h"

void *hv_alloc_pages(u64 count)
{
	u64 bytes = count * PAGE_SIZE;
	if (hv.heap_next + bytes > hv.heap_end || hv.heap_next + bytes < hv.heap_next)
		return NULL;
	void *p = (void *)hv.heap_next; /* the host page tables map RAM 1:1 */
	hv.heap_next += bytes;
	memset(p, 0, bytes);
	return p;
}

u64 hv_pa(const void *p)
{
	u64 v = (u64)(uintptr_t)p;
	if (v >= HV_CORE_VA) /* core image (text/data/bss) */
		return v - HV_CORE_VA + hv.region_pa;
	return v; /* heap: identity mapped */
}

bool hv_owns(u64 pa)
{
	return pa >= hv.region_pa && pa - hv.region_pa < hv.region_size;
}

/* Only the root's RAM as the firmware's memory map described it (never MMIO, firmware
 * runtime memory or ACPI NVS), minus the hypervisor's block and the pages it deposited. */
void *hv_root_gpa(u64 gpa, u64 len)
{
	u64 end = gpa + len;
	if (end <= gpa)
		return NULL;
	if (gpa < hv.region_pa + hv.region_size && end > hv.region_pa)
		return NULL;
	for (u32 i = 0; i < hv.ram_range_count; i++) {
		if (gpa < hv.ram[i].start || end > hv.ram[i].end)
			continue;
		/* Still the root's: not a page it deposited with the hypervisor. */
		for (u64 p = gpa & ~(PAGE_SIZE - 1); p < end; p += PAGE_SIZE)
			if (!arch_root_page_mapped(p))
				return NULL;
		return (void *)gpa;
	}
	return NULL;
}
