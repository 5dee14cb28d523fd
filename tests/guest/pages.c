/* SPDX-License-Identifier: MIT */
/* The guest's page allocator (pages.h): a bitmap, scanned first fit. The guest allocates a
 * few hundred runs in its life (rings, SynIC pages, I/O buffers), so a linear scan is enough. */
#include "pages.h"

static bool page_used(const struct tg_pages *p, uint32_t i)
{
	return p->bits[i / 64] >> (i % 64) & 1;
}

static void mark(struct tg_pages *p, uint32_t first, uint32_t n, bool used)
{
	for (uint32_t i = first; i < first + n; i++) {
		if (used)
			p->bits[i / 64] |= 1ull << (i % 64);
		else
			p->bits[i / 64] &= ~(1ull << (i % 64));
	}
}

void tg_pages_init(struct tg_pages *p, uint64_t base_pfn, uint32_t npages, uint64_t *bits)
{
	p->base_pfn = base_pfn;
	p->npages = npages;
	p->used = 0;
	p->bits = bits;
	for (uint32_t w = 0; w < TG_PAGES_WORDS(npages); w++)
		bits[w] = 0;
}

bool tg_pages_alloc(struct tg_pages *p, uint32_t n, uint64_t *pfn)
{
	uint32_t start = 0, run = 0;

	if (n == 0 || n > p->npages - p->used)
		return false;
	for (uint32_t i = 0; i < p->npages; i++) {
		if (page_used(p, i)) {
			run = 0;
			start = i + 1;
			continue;
		}
		if (++run == n) {
			mark(p, start, n, true);
			p->used += n;
			*pfn = p->base_pfn + start;
			return true;
		}
	}
	return false;
}

bool tg_pages_free(struct tg_pages *p, uint64_t pfn, uint32_t n)
{
	uint64_t first = pfn - p->base_pfn;

	if (n == 0 || pfn < p->base_pfn || first >= p->npages || n > p->npages - first)
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (!page_used(p, (uint32_t)first + i))
			return false;
	mark(p, (uint32_t)first, n, false);
	p->used -= n;
	return true;
}
