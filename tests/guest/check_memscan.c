/* SPDX-License-Identifier: MIT */
/*
 * memscan: every word of the RAM the guest does not occupy (tg_scan_ranges: the free low
 * window and everything after the image) is written with a pattern derived from its address,
 * then read back: a page the hypervisor shares with someone else, aliases to another GPA or
 * loses, shows as a mismatch. With fresh=1 every word must also read 0 before the first write
 * (the worker hands over zeroed RAM: nothing of another partition or of the root leaks in).
 * passes=N (1-16, default 1) repeats it with a different pattern each pass.
 */
#include "testguest.h"
#include "cmdline.h"

static const char *fill(const struct tg_range *r, uint32_t pass, bool fresh)
{
	for (uint64_t a = r->base; a < r->end; a += 8) {
		volatile uint64_t *w = (volatile uint64_t *)a;
		if (fresh && *w != 0)
			return tg_whyf(
				"word at 0x%lx held 0x%lx before the first write (not fresh)", a,
				*w);
		*w = tg_pattern(a, pass);
	}
	return NULL;
}

static const char *verify(const struct tg_range *r, uint32_t pass)
{
	for (uint64_t a = r->base; a < r->end; a += 8) {
		uint64_t v = *(volatile uint64_t *)a, want = tg_pattern(a, pass);
		if (v != want)
			return tg_whyf("word at 0x%lx reads 0x%lx, wrote 0x%lx (pass %u)", a, v,
				       want, pass);
	}
	return NULL;
}

const char *check_memscan(const char *cmdline)
{
	struct tg_range r[2];
	uint64_t passes = 1, fresh = 0, pages = 0;
	const char *why;
	size_t n = tg_scan_ranges(tg_boot->ram_bytes, (uint64_t)__image_end, r, 2);

	if (!n)
		return "no RAM to scan (ram_bytes or the image end make no sense)";
	tg_cmdline_u64(cmdline, "passes", &passes);
	tg_cmdline_u64(cmdline, "fresh", &fresh);
	if (passes == 0 || passes > 16)
		return tg_whyf("passes=%lu: 1 to 16", passes);
	for (size_t i = 0; i < n; i++) {
		con_printf("testguest: memscan: [0x%lx, 0x%lx)\n", r[i].base, r[i].end);
		pages += (r[i].end - r[i].base) >> 12;
	}
	for (uint32_t p = 0; p < passes; p++) {
		/* all ranges written before any is read back: aliasing between them shows */
		for (size_t i = 0; i < n; i++)
			if ((why = fill(&r[i], p, fresh && p == 0)))
				return why;
		for (size_t i = 0; i < n; i++)
			if ((why = verify(&r[i], p)))
				return why;
		con_printf("testguest: memscan: pass %u: %lu pages written and read back\n", p,
			   pages);
	}
	return NULL;
}
