/* SPDX-License-Identifier: MIT */
/*
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

	if (!tg_cmdline_u64(cmdline, "gpa", &gpa))
		return "peek needs gpa=<address>";
	tg_cmdline_u64(cmdline, "write", &write);
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
