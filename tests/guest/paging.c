/* SPDX-License-Identifier: MIT */
/* Edits the worker's identity map (testguest/boot.h) in place: map_2m() adds a 2 MiB page
 * (for peek's GPAs outside RAM) or sets the user bit on one (for the ring-3 VMMCALL), taking
 * any missing table from a small pool in .bss. */
#include "testguest.h"

#define PTE_P	 0x1ull
#define PTE_RW	 0x2ull
#define PTE_US	 0x4ull
#define PTE_PS	 0x80ull
#define PTE_ADDR 0x000ffffffffff000ull
#define POOL	 8

static uint64_t pool[POOL][512] __attribute__((aligned(4096)));
static unsigned pool_used;

/* The next-level table of *e, created if absent; NULL if none can be had or *e is a page. */
static uint64_t *next_table(uint64_t *e, bool user)
{
	if (!(*e & PTE_P)) {
		if (pool_used == POOL)
			return NULL;
		*e = (uint64_t)pool[pool_used++] | PTE_P | PTE_RW;
	}
	if (*e & PTE_PS)
		return NULL;
	if (user)
		*e |= PTE_US;
	return (uint64_t *)(*e & PTE_ADDR);
}

bool map_2m(uint64_t va, uint64_t pa, bool user)
{
	if ((va | pa) & 0x1fffff || va >> 47 || pa >> 52)
		return false;
	uint64_t *pml4 = (uint64_t *)(read_cr3() & PTE_ADDR);
	uint64_t *pdpt = next_table(&pml4[va >> 39 & 511], user);
	uint64_t *pd = pdpt ? next_table(&pdpt[va >> 30 & 511], user) : NULL;
	if (!pd)
		return false;
	pd[va >> 21 & 511] = pa | PTE_P | PTE_RW | PTE_PS | (user ? PTE_US : 0);
	invlpg(va);
	return true;
}
