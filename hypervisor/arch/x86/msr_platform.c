/* SPDX-License-Identifier: MIT */
/* The root's platform MSRs: the ones that decide, for the host as much as for the root, whether
 * a physical address reaches DRAM or MMIO and how it is cached, or where SMM and the TSC stand.
 * Reads pass through without an exit; writes are intercepted and held to values that leave the
 * hypervisor's memory plain write-back DRAM (docs/hypervisor.md has the whole table):
 *   TSC          becomes the VP's TSC offset: the root's TSC moves, the host's does not
 *   APIC_BASE    refused when the APIC page would lie on hypervisor memory
 *   MTRRs        refused when any hypervisor page would become other than write-back or
 *                uncached (UC is what Linux's MTRR update protocol passes through: it turns
 *                the MTRRs off, which makes all memory UC, and back on)
 *   SYSCFG       only MtrrFixDramModEn may be cleared (Linux does it); nothing else changes
 *   TOP_MEM/2    held: the DRAM/MMIO boundary is the firmware's
 *   IORRs        refused when a range would send hypervisor addresses to MMIO
 *   HWCR         INVD-to-WBINVD (bit 4) stays set; other bits pass
 *   SMM_BASE     read-only
 * An allowed write is carried out by the hypervisor with wrmsr_safe (the MSR may not exist on
 * this CPU: the root then gets the #GP the CPU gave). */
#include "svm.h"
#include "x86.h"

#define MSR_TSC		  0x00000010u
#define MSR_APIC_BASE	  0x0000001bu
#define MSR_MTRR_CAP	  0x000000feu
#define MSR_MTRR_VAR_BASE 0x00000200u /* PHYSBASE0; PHYSMASKn = 0x201 + 2n */
#define MSR_MTRR_VAR_END  0x00000220u /* at most 16 pairs */
#define MSR_MTRR_FIX_64K  0x00000250u
#define MSR_MTRR_FIX_16K0 0x00000258u
#define MSR_MTRR_FIX_16K1 0x00000259u
#define MSR_MTRR_FIX_4K0  0x00000268u /* ... 0x26f */
#define MSR_MTRR_DEF_TYPE 0x000002ffu
#define MSR_SYSCFG	  0xc0010010u
#define MSR_HWCR	  0xc0010015u
#define MSR_IORR_BASE0	  0xc0010016u /* BASE0, MASK0, BASE1, MASK1 */
#define MSR_IORR_MASK1	  0xc0010019u
#define MSR_TOP_MEM	  0xc001001au
#define MSR_TOP_MEM2	  0xc001001du
#define MSR_SMM_BASE	  0xc0010111u

#define SYSCFG_MTRR_FIX_DRAM_MOD_EN (1ull << 19)
#define HWCR_INVD_WBINVD	    (1ull << 4)
#define MTRR_TYPE_WB		    6
#define MTRR_DEF_E		    (1ull << 11)
#define MTRR_MASK_VALID		    (1ull << 11)
#define IORR_MASK_VALID		    (1ull << 11)
#define ADDR_BITS		    0x000ffffffffff000ull

static const u32 write_filtered[] = {
	MSR_TSC,	   MSR_APIC_BASE,     MSR_MTRR_FIX_64K, MSR_MTRR_FIX_16K0,
	MSR_MTRR_FIX_16K1, MSR_MTRR_DEF_TYPE, MSR_SYSCFG,	MSR_HWCR,
	MSR_TOP_MEM,	   MSR_TOP_MEM2,      MSR_SMM_BASE,
};

void platform_msr_init(void)
{
	for (u32 i = 0; i < ARRAY_SIZE(write_filtered); i++)
		svm_intercept_msr(write_filtered[i], false, true);
	for (u32 m = MSR_MTRR_VAR_BASE; m < MSR_MTRR_VAR_END; m++)
		svm_intercept_msr(m, false, true);
	for (u32 m = MSR_MTRR_FIX_4K0; m <= MSR_MTRR_FIX_4K0 + 7; m++)
		svm_intercept_msr(m, false, true);
	for (u32 m = MSR_IORR_BASE0; m <= MSR_IORR_MASK1; m++)
		svm_intercept_msr(m, false, true);
	/* INVD must behave as WBINVD for the host's sake: make sure the CPU does so too. */
	u64 hwcr;
	if (rdmsr_safe(MSR_HWCR, &hwcr) == 0 && !(hwcr & HWCR_INVD_WBINVD))
		wrmsr_safe(MSR_HWCR, hwcr | HWCR_INVD_WBINVD);
}

/* The variable MTRRs and the default type, read once, with the MSR the root writes replaced
 * by the value it asks for. */
#define MTRR_VAR_MAX ((MSR_MTRR_VAR_END - MSR_MTRR_VAR_BASE) / 2)
struct mtrr_view {
	u64 def;
	u64 base[MTRR_VAR_MAX], mask[MTRR_VAR_MAX];
	u32 nvar;
};

static u64 msr_or_zero(u32 msr)
{
	u64 v = 0;
	return rdmsr_safe(msr, &v) == 0 ? v : 0;
}

static void mtrr_view_read(struct mtrr_view *w, u32 msr, u64 val)
{
	w->nvar = (u32)(msr_or_zero(MSR_MTRR_CAP) & 0xff);
	if (w->nvar > MTRR_VAR_MAX)
		w->nvar = MTRR_VAR_MAX;
	w->def = msr == MSR_MTRR_DEF_TYPE ? val : msr_or_zero(MSR_MTRR_DEF_TYPE);
	for (u32 i = 0; i < w->nvar; i++) {
		u32 b = MSR_MTRR_VAR_BASE + 2 * i;
		w->base[i] = msr == b ? val : msr_or_zero(b);
		w->mask[i] = msr == b + 1 ? val : msr_or_zero(b + 1);
	}
}

/* The memory type at pa (>= 1 MiB: the fixed ranges do not apply) under the view, as the CPU
 * combines variable ranges: UC wins, WT beats WB, any other mix is undefined (-2). */
static int mtrr_type_at(const struct mtrr_view *w, u64 pa)
{
	if (!(w->def & MTRR_DEF_E))
		return 0; /* MTRRs off: everything UC */
	int type = -1;
	for (u32 i = 0; i < w->nvar && type != -2; i++) {
		if (!(w->mask[i] & MTRR_MASK_VALID) || ((pa ^ w->base[i]) & w->mask[i] & ADDR_BITS))
			continue;
		int t = (int)(w->base[i] & 0xff);
		if (type < 0 || type == t)
			type = t;
		else if (t == 0 || type == 0)
			type = 0;
		else if ((t == 4 && type == MTRR_TYPE_WB) || (t == MTRR_TYPE_WB && type == 4))
			type = 4;
		else
			type = -2;
	}
	return type != -1 ? type : (int)(w->def & 0xff);
}

/* Does the view keep every page of the hypervisor's memory write-back or uncached? Both are
 * coherent and strongly ordered; WC, WT and WP (or an undefined mix) are refused. */
static bool mtrr_keeps_hv_coherent(u32 msr, u64 val)
{
	struct mtrr_view w;
	mtrr_view_read(&w, msr, val);
	if (msr >= MSR_MTRR_VAR_BASE + 2 * w.nvar && msr < MSR_MTRR_VAR_END)
		return false; /* a range the CPU does not have */
	if (hv.region_pa < (1ull << 20) && msr != MSR_MTRR_DEF_TYPE && msr < MSR_MTRR_VAR_BASE)
		return false; /* fixed ranges over hypervisor memory: never changed */
	for (u64 pa = hv.region_pa; pa < hv.region_pa + hv.region_size; pa += PAGE_SIZE) {
		int type = mtrr_type_at(&w, pa);
		if (type != MTRR_TYPE_WB && type != 0)
			return false;
	}
	return true;
}

/* IORRs send a range of addresses to MMIO instead of DRAM: none may cover hypervisor memory. */
static bool iorr_keeps_hv_dram(u32 msr, u64 val)
{
	for (u32 i = 0; i < 2; i++) {
		u32 b = MSR_IORR_BASE0 + 2 * i;
		u64 base = 0, mask = 0;
		if (msr == b)
			base = val;
		else if (rdmsr_safe(b, &base) < 0)
			return false;
		if (msr == b + 1)
			mask = val;
		else if (rdmsr_safe(b + 1, &mask) < 0)
			return false;
		if (!(mask & IORR_MASK_VALID))
			continue;
		for (u64 pa = hv.region_pa; pa < hv.region_pa + hv.region_size; pa += PAGE_SIZE)
			if (!((pa ^ base) & mask & ADDR_BITS))
				return false;
	}
	return true;
}

/* A write whose only effect is to restate the current value is harmless for held MSRs. */
static bool unchanged(u32 msr, u64 val)
{
	u64 cur;
	return rdmsr_safe(msr, &cur) == 0 && cur == val;
}

static enum msr_result apply(u32 msr, u64 val)
{
	return wrmsr_safe(msr, val) == 0 ? MSR_DONE : MSR_REFUSED;
}

enum msr_result platform_msr_write(struct hv_cpu *cpu, u32 msr, u64 val)
{
	bool mtrr = (msr >= MSR_MTRR_VAR_BASE && msr < MSR_MTRR_VAR_END) ||
		    msr == MSR_MTRR_FIX_64K || msr == MSR_MTRR_FIX_16K0 ||
		    msr == MSR_MTRR_FIX_16K1 || msr == MSR_MTRR_DEF_TYPE ||
		    (msr >= MSR_MTRR_FIX_4K0 && msr <= MSR_MTRR_FIX_4K0 + 7);
	if (mtrr)
		return mtrr_keeps_hv_coherent(msr, val) ? apply(msr, val) : MSR_REFUSED;
	if (msr >= MSR_IORR_BASE0 && msr <= MSR_IORR_MASK1)
		return iorr_keeps_hv_dram(msr, val) ? apply(msr, val) : MSR_REFUSED;
	switch (msr) {
	case MSR_TSC:
		/* The VP's TSC reads host TSC + offset from now on (RDTSC, RDTSCP, RDMSR). */
		cpu->arch.vmcb->ctl.tsc_offset = val - rdtsc();
		return MSR_DONE;
	case MSR_APIC_BASE:
		if (hv_owns(val & ADDR_BITS))
			return MSR_REFUSED;
		return apply(msr, val);
	case MSR_SYSCFG: {
		u64 cur;
		if (rdmsr_safe(msr, &cur) < 0)
			return MSR_REFUSED;
		if ((cur ^ val) & ~SYSCFG_MTRR_FIX_DRAM_MOD_EN)
			return MSR_REFUSED;
		return (val & SYSCFG_MTRR_FIX_DRAM_MOD_EN) && !(cur & SYSCFG_MTRR_FIX_DRAM_MOD_EN)
			       ? MSR_REFUSED /* set only: clearing is allowed */
			       : apply(msr, val);
	}
	case MSR_HWCR:
		return apply(msr, val | HWCR_INVD_WBINVD);
	case MSR_TOP_MEM:
	case MSR_TOP_MEM2:
	case MSR_SMM_BASE:
		return unchanged(msr, val) ? MSR_DONE : MSR_REFUSED;
	}
	return MSR_NOT_MINE;
}
