/* SPDX-License-Identifier: MIT */
/* Which configuration writes the root may make: none that would make an address the
 * hypervisor owns, or RAM, decode anywhere but DRAM. Checked for every root write, whichever
 * way it comes (0xCF8/0xCFC or the ECAM window):
 *  - the chipset's own decode registers (Q35: the MCH's PCIEXBAR, PAM, SMRAM/ESMRAMC, TSEG and
 *    TOLUD; the ICH9 LPC bridge's PMBASE, GPIOBASE, RCBA and decode enables) are held at their
 *    values: a write that would change one is dropped;
 *  - a memory BAR, expansion ROM or bridge memory window may not decode over RAM or the
 *    hypervisor: a write that moves one there while the device decodes memory, or a COMMAND
 *    write that turns decoding on while one is there, is dropped. BAR sizing (all ones, then
 *    the old value) passes: all ones decode at the very top, where no RAM is.
 * A dropped write is logged once per register. */
#include "svm.h"
#include "x86.h"

#define PCI_VENDOR_ID	  0x00
#define PCI_COMMAND	  0x04
#define PCI_CMD_MEMORY	  (1u << 1)
#define PCI_HEADER_TYPE	  0x0e
#define PCI_BAR0	  0x10
#define PCI_ROM_TYPE0	  0x30
#define PCI_ROM_TYPE1	  0x38
#define PCI_BRIDGE_MEM	  0x20 /* base 0x20, limit 0x22 */
#define PCI_BRIDGE_PREF	  0x24 /* base 0x24, limit 0x26, upper 32 bits 0x28 / 0x2c */
#define PCI_BRIDGE_PREF_U 0x2c

/* Q35 (QEMU's and Intel's): the memory controller hub at 00:00.0 and the LPC bridge at 00:1f.0
 * (vendor/device ids as config dword 0). */
#define Q35_MCH_ID  0x29c08086u
#define ICH9_LPC_ID 0x29188086u

struct held_range {
	u32 id;
	u16 bdf;
	u16 first, last; /* register bytes */
	const char *what;
};

static const struct held_range held[] = {
	{ Q35_MCH_ID, 0x0000, 0x50, 0x51, "TSEG size" },
	{ Q35_MCH_ID, 0x0000, 0x60, 0x67, "PCIEXBAR" },
	{ Q35_MCH_ID, 0x0000, 0x90, 0x9f, "PAM/SMRAM/ESMRAMC" },
	{ Q35_MCH_ID, 0x0000, 0xb0, 0xb3, "TOLUD" },
	{ ICH9_LPC_ID, 0x00f8, 0x40, 0x4f, "PMBASE/ACPI/GPIOBASE/GPIO control" },
	{ ICH9_LPC_ID, 0x00f8, 0x80, 0x93, "LPC decode enables and ranges" },
	{ ICH9_LPC_ID, 0x00f8, 0xf0, 0xf3, "RCBA" },
};

/* Registers already reported, so a root that retries a refused write cannot flood the log. */
#define LOGGED_MAX 64
static u32 logged[LOGGED_MAX];
static u32 logged_count;

static void log_drop(u16 bdf, u16 reg, u8 size, u32 val, const char *why)
{
	u32 key = (u32)bdf << 16 | (reg & ~3u);
	for (u32 i = 0; i < logged_count; i++)
		if (logged[i] == key)
			return;
	if (logged_count < LOGGED_MAX)
		logged[logged_count++] = key;
	hv_log("root: PCI config write %02x:%02x.%u reg %x size %u value %x dropped: %s", bdf >> 8,
	       (bdf >> 3) & 0x1f, bdf & 7, reg, size, val, why);
}

/* The dword at reg4 (aligned) as it would be after the write. */
static u32 merged_dword(u16 bdf, u16 reg4, u16 reg, u8 size, u32 val)
{
	u32 cur = pci_cfg_read(bdf, reg4, 4);
	if (reg < reg4 || reg >= reg4 + 4)
		return cur;
	u32 shift = 8u * (reg - reg4);
	u32 mask = (size == 4 ? 0xffffffffu : ((1u << (8 * size)) - 1)) << shift;
	return (cur & ~mask) | ((val << shift) & mask);
}

static bool overlaps_protected(u64 base, u64 size)
{
	u64 end = base + size;
	if (!size)
		return false; /* no BAR there (reads as 0 after the probe): decodes nothing */
	if (end < base)
		end = ~0ull; /* wraps: up to the top */
	if (base < hv.region_pa + hv.region_size && end > hv.region_pa)
		return true;
	for (u32 i = 0; i < hv.ram_range_count; i++)
		if (base < hv.ram[i].end && end > hv.ram[i].start)
			return true;
	return false;
}

/* Size of a memory BAR (or ROM BAR) by the usual probe, with memory decoding off meanwhile. */
static u64 bar_size(u16 bdf, u16 reg, bool is64, u32 probe)
{
	u16 cmd = (u16)pci_cfg_read(bdf, PCI_COMMAND, 2);
	pci_cfg_write(bdf, PCI_COMMAND, 2, cmd & ~PCI_CMD_MEMORY);
	u32 lo = pci_cfg_read(bdf, reg, 4), hi = 0, mhi = 0xffffffffu;
	pci_cfg_write(bdf, reg, 4, probe);
	u32 mlo = pci_cfg_read(bdf, reg, 4);
	pci_cfg_write(bdf, reg, 4, lo);
	if (is64) {
		hi = pci_cfg_read(bdf, reg + 4, 4);
		pci_cfg_write(bdf, reg + 4, 4, 0xffffffffu);
		mhi = pci_cfg_read(bdf, reg + 4, 4);
		pci_cfg_write(bdf, reg + 4, 4, hi);
	}
	pci_cfg_write(bdf, PCI_COMMAND, 2, cmd);
	u32 lo_mask = mlo & (probe & ~0xfu);
	if (!lo_mask && (!is64 || !mhi))
		return 0;		     /* no BAR: nothing sticks */
	u64 mask = (u64)mhi << 32 | lo_mask; /* a 32-bit BAR's upper half: all ones */
	return ~mask + 1;
}

/* The view of one device's decoding after a write: each register the checks read comes from
 * the hardware, except the dword(s) the write changes. */
struct cfg_view {
	u16 bdf, reg;
	u8 size;
	u32 val;
};

static u32 view_read(const struct cfg_view *w, u16 reg4)
{
	return merged_dword(w->bdf, reg4, w->reg, w->size, w->val);
}

/* Is one BAR (reg = its low dword) decoding over protected memory in the view? Advances *next
 * past a 64-bit BAR's upper half. */
static bool bar_bad(const struct cfg_view *w, u16 reg, u16 *next)
{
	u32 lo = view_read(w, reg);
	*next = reg + 4;
	if (lo & 1)
		return false; /* I/O BAR */
	bool is64 = ((lo >> 1) & 3) == 2;
	u64 base = lo & ~0xfull;
	if (is64) {
		base |= (u64)view_read(w, reg + 4) << 32;
		*next = reg + 8;
	}
	return overlaps_protected(base, bar_size(w->bdf, reg, is64, 0xfffffff0u));
}

static bool rom_bad(const struct cfg_view *w, u16 reg)
{
	u32 v = view_read(w, reg);
	if (!(v & 1))
		return false; /* ROM decoding off */
	return overlaps_protected(v & ~0x7ffull, bar_size(w->bdf, reg, false, 0xfffff800u));
}

static bool window_bad(const struct cfg_view *w)
{
	u32 mem = view_read(w, PCI_BRIDGE_MEM);
	u64 base = (u64)(mem & 0xfff0) << 16, limit = (u64)(mem >> 16 & 0xfff0) << 16 | 0xfffff;
	if (base <= limit && overlaps_protected(base, limit - base + 1))
		return true;
	u32 pref = view_read(w, PCI_BRIDGE_PREF);
	base = (u64)(pref & 0xfff0) << 16;
	limit = (u64)(pref >> 16 & 0xfff0) << 16 | 0xfffff;
	if (pref & 1) { /* 64-bit prefetchable window */
		base |= (u64)view_read(w, PCI_BRIDGE_PREF + 4) << 32;
		limit |= (u64)view_read(w, PCI_BRIDGE_PREF_U) << 32;
	}
	return base <= limit && overlaps_protected(base, limit - base + 1);
}

/* Would the device, after the write, decode memory over RAM or the hypervisor? */
static bool decode_bad(const struct cfg_view *w)
{
	if (!(view_read(w, PCI_COMMAND) & PCI_CMD_MEMORY))
		return false;
	u8 type = (u8)(pci_cfg_read(w->bdf, PCI_HEADER_TYPE, 1) & 0x7f);
	u16 bar_end = type == 0 ? 0x28 : type == 1 ? 0x18 : PCI_BAR0;
	for (u16 r = PCI_BAR0, next; r < bar_end; r = next)
		if (bar_bad(w, r, &next))
			return true;
	if (type == 0)
		return rom_bad(w, PCI_ROM_TYPE0);
	if (type == 1)
		return rom_bad(w, PCI_ROM_TYPE1) || window_bad(w);
	return false;
}

/* Registers whose change can move memory decoding: COMMAND, the BARs, windows and ROMs. */
static bool touches_decode(u16 reg, u8 size)
{
	u16 end = (u16)(reg + size);
	return (reg < PCI_COMMAND + 2 && end > PCI_COMMAND) || (reg < 0x3c && end > PCI_BAR0);
}

/* A write to COMMAND alone matters only when it turns memory decoding on: anything else keeps
 * the decoding as it is (already checked), and skips probing the device's BARs. */
static bool command_keeps_decode(u16 bdf, u16 reg, u8 size, u32 val)
{
	if (reg + size > PCI_BAR0)
		return false;
	u32 old = pci_cfg_read(bdf, PCI_COMMAND, 4);
	u32 now = merged_dword(bdf, PCI_COMMAND, reg, size, val);
	return !(now & PCI_CMD_MEMORY) || (old & PCI_CMD_MEMORY);
}

bool pci_filter_write(u16 bdf, u16 reg, u8 size, u32 val)
{
	if (reg >= 0x100)
		return true; /* extended capabilities: no decode registers there */
	u32 id = pci_cfg_read(bdf, PCI_VENDOR_ID, 4);
	for (u32 i = 0; i < ARRAY_SIZE(held); i++) {
		const struct held_range *h = &held[i];
		if (h->bdf != bdf || h->id != id || reg > h->last || reg + size <= h->first)
			continue;
		u16 reg4 = reg & ~3u;
		if (merged_dword(bdf, reg4, reg, size, val) != pci_cfg_read(bdf, reg4, 4)) {
			log_drop(bdf, reg, size, val, h->what);
			return false;
		}
	}
	if (touches_decode(reg, size) && !command_keeps_decode(bdf, reg, size, val)) {
		struct cfg_view w = { bdf, reg, size, val };
		if (decode_bad(&w)) {
			log_drop(bdf, reg, size, val, "memory decoding over RAM or the hypervisor");
			return false;
		}
	}
	return true;
}
