/* SPDX-License-Identifier: MIT */
/*
 * memscan: every word of the RAM the guest does not occupy (tg_scan_ranges: the free low
 * window and everything after the image) is written with a pattern derived from its address,
 * then read back: a page the hypervisor shares with someone else, aliases to another GPA or
 * loses, shows as a mismatch. With fresh=1 every word must also read 0 before the first write
 * (the worker hands over zeroed RAM: nothing of another partition or of the root leaks in).
 * passes=N (default 1) repeats it with a different pattern each pass.
 *
 * peek: reads (or with write=1 writes) the 8 bytes at gpa=<GPA>, mapping it first if it lies
 * outside RAM. Outside RAM the access must never answer: the hypervisor exits to the worker,
 * which reports the crash "unmapped GPA <gpa>"; so for those GPAs the expected outcome is that
 * this check never prints PASS or FAIL. Inside RAM it passes (a positive control); at or above
 * 2^MAXPHYADDR (CPUID 8000_0008h) the guest's own page walk faults first (#PF with the
 * reserved-bit error), as on hardware, and it passes too.
 * Probing many GPAs up to 1 TiB therefore takes one partition per GPA (the QEMU test's loop).
 */
#include "testguest.h"
#include "cmdline.h"

#define PEEK_WINDOW_VA 0x7fc000000000ull /* a 2 MiB window far from the identity map */

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

static bool option_u64(const char *cmdline, const char *key, uint64_t *v)
{
	char buf[32];
	return tg_cmdline_get(cmdline, key, buf, sizeof(buf)) && tg_parse_u64(buf, v);
}

const char *check_memscan(const char *cmdline)
{
	struct tg_range r[2];
	uint64_t passes = 1, fresh = 0, pages = 0;
	const char *why;
	size_t n = tg_scan_ranges(tg_boot->ram_bytes, (uint64_t)__image_end, r, 2);

	if (!n)
		return "no RAM to scan (ram_bytes or the image end make no sense)";
	option_u64(cmdline, "passes", &passes);
	option_u64(cmdline, "fresh", &fresh);
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

/* MAXPHYADDR: a GPA at or above 2^this cannot be mapped; the CPU faults before any exit. */
static unsigned phys_bits(void)
{
	uint32_t r[4];

	cpuid(0x80000000, 0, r);
	if (r[0] < 0x80000008)
		return 36;
	cpuid(0x80000008, 0, r);
	return r[0] & 0xff;
}

const char *check_peek(const char *cmdline)
{
	uint64_t gpa, write = 0, va, v = 0x5a5a5a5a5a5a5a5aull;
	uint32_t fault;

	if (!option_u64(cmdline, "gpa", &gpa))
		return "peek needs gpa=<address>";
	option_u64(cmdline, "write", &write);
	gpa &= ~7ull;
	bool in_ram = gpa < tg_boot->ram_bytes;
	if (in_ram) {
		va = gpa;
	} else {
		if (!map_2m(PEEK_WINDOW_VA, gpa & ~0x1fffffull, false))
			return tg_whyf("cannot map GPA 0x%lx (beyond 52 bits?)", gpa);
		va = PEEK_WINDOW_VA | (gpa & 0x1fffff);
	}
	con_printf("testguest: peek: %s GPA 0x%lx (%s)\n", write ? "writing" : "reading", gpa,
		   in_ram ? "in RAM" : "outside RAM: expect the worker to report unmapped GPA");
	fault = write ? safe_write64(va, v) : safe_read64(va, &v);
	if (fault == 14 && (tg_last_fault.error & 8) && gpa >> phys_bits()) {
		con_printf("testguest: peek: GPA 0x%lx is beyond the CPU's %u-bit physical "
			   "addresses: #PF (reserved bit), as on hardware\n",
			   gpa, phys_bits());
		return NULL;
	}
	if (fault != TG_NO_FAULT)
		return tg_whyf("GPA 0x%lx raised exception %u (error 0x%lx) instead of an exit",
			       gpa, fault, tg_last_fault.error);
	con_printf("testguest: peek: GPA 0x%lx answered 0x%lx\n", gpa, v);
	return in_ram ? NULL : tg_whyf("GPA 0x%lx outside RAM answered", gpa);
}
