/* SPDX-License-Identifier: MIT */
/* The guest's page allocator: first fit over one range of page frames, one bit per page in
 * storage the caller provides. Pure logic (no memory of the pages is touched: the caller zeroes
 * what it hands out), built both freestanding and hosted (tests/unit/guest/test_pages.c). */
#ifndef TESTGUEST_PAGES_H
#define TESTGUEST_PAGES_H

#include <stdbool.h>
#include <stdint.h>

struct tg_pages {
	uint64_t base_pfn; /* first page frame of the range */
	uint32_t npages;   /* pages in the range */
	uint32_t used;	   /* pages handed out */
	uint64_t *bits;	   /* npages bits, 1 = in use; (npages + 63) / 64 words */
};

#define TG_PAGES_WORDS(n) (((n) + 63) / 64)

/* Every page of [base_pfn, base_pfn + npages) free. */
void tg_pages_init(struct tg_pages *p, uint64_t base_pfn, uint32_t npages, uint64_t *bits);

/* n contiguous pages (the lowest run that fits): true and *pfn = the first, or false. */
bool tg_pages_alloc(struct tg_pages *p, uint32_t n, uint64_t *pfn);

/* Gives back n pages from pfn. False (and nothing changes) if any of them lies outside the
 * range or is not in use: a double free or a wild pointer is refused, not absorbed. */
bool tg_pages_free(struct tg_pages *p, uint64_t pfn, uint32_t n);

#endif /* TESTGUEST_PAGES_H */
