/* SPDX-License-Identifier: MIT */
/*
 * The boot contract between a child's worker (vmwp) and testguest.elf: where the worker puts
 * the guest's image, page tables, GDT, stack and boot-info page in guest RAM, the initial state
 * of VP 0, and the two devices the worker emulates for the guest. Constants and one struct, no
 * code: both sides include this header (vmwp hosted, the guest freestanding).
 *
 * Guest-physical layout (guest RAM is GPA 0 .. ram_bytes, ram_bytes a multiple of 2 MiB,
 * TG_RAM_MIN <= ram_bytes <= TG_RAM_MAX):
 *
 *   0x000000-0x000fff  unused
 *   0x001000-0x001fff  GDT: null, 0x08 64-bit code, 0x10 data            (TG_GDT_GPA)
 *   0x010000-0x010fff  PML4                                              (TG_PML4_GPA)
 *   0x011000-0x011fff  PDPT, entry n -> PD n                             (TG_PDPT_GPA)
 *   0x012000-...       PD n maps [n GiB, n+1 GiB) with 2 MiB pages       (TG_PD_GPA)
 *   ...     -0x08ffff  end of the page-table area (room for 126 PDs)     (TG_PT_END)
 *   0x100000-0x1dffff  free: never written by the worker                 (TG_LOW_FREE_*)
 *   0x1e0000-0x1effff  the initial stack, 64 KiB; RSP = 0x1f0000         (TG_STACK_*)
 *   0x1f0000-0x1f0fff  boot-info page, struct tg_boot_info               (TG_BOOT_INFO_GPA)
 *   0x200000-0x3fffff  the ELF's PT_LOAD segments, at their p_paddr      (TG_IMAGE_*)
 *   0x400000-ram_bytes free
 *
 * Everything outside the structures above reads as zero at entry (fresh RAM): the worker
 * writes nothing else. 0x0a0000-0x0fffff is left alone so the same layout also works on a bare
 * PC (tests/guest/bare/), where that range is not RAM.
 *
 * Initial state of VP 0 (other VPs are not started; the guest uses VP 0 only):
 *   CR0 = PG | WP | NE | ET | PE (TG_BOOT_CR0); CR3 = TG_PML4_GPA; CR4 = PAE (TG_BOOT_CR4);
 *   EFER = LME | LMA | NXE (TG_BOOT_EFER); RFLAGS = 0x2 (interrupts off);
 *   CS = 0x08 (64-bit code, TG_GDT_CODE64, attributes TG_SEG_ATTR_CODE64); DS = ES = SS =
 *   FS = GS = 0x10 (TG_GDT_DATA, TG_SEG_ATTR_DATA), all bases 0, limits 0xffffffff;
 *   GDTR = TG_GDT_GPA, limit TG_GDT_LIMIT; IDTR base 0, limit 0 (the guest loads its own IDT
 *   before anything can fault); LDTR null; TR selector 0, base 0, limit 0xffff,
 *   TG_SEG_ATTR_TR (busy 64-bit TSS; the guest loads its own TR before it needs one);
 *   RIP = ELF e_entry; RSP = TG_STACK_TOP; RDI = TG_BOOT_INFO_GPA; every other GPR 0.
 *
 * Page tables: PML4[0] -> PDPT; PDPT[n] -> PD n for every GiB that holds RAM; PD entries map
 * every 2 MiB of RAM identity (GPA = VA) with P | RW | PS; entries past RAM are 0. No U and no
 * NX bits anywhere. Table entries above PDs are P | RW. The guest may edit or replace them.
 *
 * Devices (port I/O; everything else exits to the worker as an unknown port or unmapped GPA):
 *   COM1 at TG_COM1_BASE: a 16550 enough for a polled driver: THR at +0 (a write is one byte
 *   of console output), LSR at +5 reads with TG_COM1_LSR_THRE (bit 5) set; other registers
 *   read 0, writes to them are ignored.
 *   Power off at TG_POWEROFF_PORT: a one-byte write of TG_POWEROFF_VALUE ((5 << 2) | 0x20:
 *   SLP_TYP = 5 for S5, SLP_EN) stops the partition cleanly. It is the sleep control register
 *   that the later Linux child's hardware-reduced ACPI FADT names, so both guests power off the
 *   same way. Other values written there are ignored.
 */
#ifndef TESTGUEST_BOOT_H
#define TESTGUEST_BOOT_H

/* Usable from assembly too (the bare loader's entry): numbers carry their C suffix only in C. */
#ifdef __ASSEMBLER__
#define TG_ULL(x) x
#else
#include <stddef.h>
#include <stdint.h>
#define TG_ULL(x) x##ull
#endif

/* ---- Image ---- */
#define TG_IMAGE_BASE  TG_ULL(0x200000) /* the ELF is linked (p_paddr = p_vaddr) from here */
#define TG_IMAGE_LIMIT TG_ULL(0x400000) /* and every PT_LOAD segment ends at or below this */

/* ---- RAM ---- */
#define TG_RAM_ALIGN TG_ULL(0x200000)	/* ram_bytes is a multiple of 2 MiB */
#define TG_RAM_MIN   (TG_ULL(8) << 20)	/* 8 MiB */
#define TG_RAM_MAX   (TG_ULL(64) << 30) /* 64 GiB: what the page-table area can map */

/* ---- Structures the worker builds ---- */
#define TG_GDT_GPA	   TG_ULL(0x1000)
#define TG_GDT_LIMIT	   (3 * 8 - 1)
#define TG_GDT_CODE64	   TG_ULL(0x00af9a000000ffff) /* selector 0x08: P, DPL 0, code r/x, L, G */
#define TG_GDT_DATA	   TG_ULL(0x00cf92000000ffff) /* selector 0x10: P, DPL 0, data r/w, D/B, G */
#define TG_SEL_CODE	   0x08
#define TG_SEL_DATA	   0x10
/* The same segments as a VMCB's (or a register-set call's) packed attributes: type | S << 4 |
 * DPL << 5 | P << 7 | AVL << 8 | L << 9 | D/B << 10 | G << 11, type with its accessed bit set
 * (as the CPU leaves a loaded segment). Limits 0xffffffff, bases 0. TR: busy 64-bit TSS. */
#define TG_SEG_ATTR_CODE64 0xa9b
#define TG_SEG_ATTR_DATA   0xc93
#define TG_SEG_ATTR_TR	   0x08b

#define TG_PML4_GPA TG_ULL(0x10000)
#define TG_PDPT_GPA TG_ULL(0x11000)
#define TG_PD_GPA   TG_ULL(0x12000) /* PD n (n GiB) at TG_PD_GPA + n * 4096 */
#define TG_PT_END   TG_ULL(0x90000) /* the page-table area ends here */
#define TG_PTE_P    TG_ULL(0x1)
#define TG_PTE_RW   TG_ULL(0x2)
#define TG_PTE_PS   TG_ULL(0x80) /* in a PD entry: a 2 MiB page */

#define TG_LOW_FREE_BASE TG_ULL(0x100000) /* free RAM below the image, untouched by the worker */
#define TG_LOW_FREE_END	 TG_ULL(0x1e0000)

#define TG_STACK_SIZE	 TG_ULL(0x10000)
#define TG_BOOT_INFO_GPA TG_ULL(0x1f0000)
#define TG_STACK_TOP	 TG_BOOT_INFO_GPA /* RSP at entry; the stack grows down from here */
#define TG_STACK_BASE	 (TG_STACK_TOP - TG_STACK_SIZE)

/* ---- Initial control registers of VP 0 ---- */
#define TG_BOOT_CR0    TG_ULL(0x80010031) /* PG | WP | NE | ET | PE */
#define TG_BOOT_CR4    TG_ULL(0x20)	  /* PAE */
#define TG_BOOT_EFER   TG_ULL(0xd00)	  /* NXE | LMA | LME */
#define TG_BOOT_RFLAGS TG_ULL(0x2)

/* ---- Devices ---- */
#define TG_COM1_BASE	  0x3f8
#define TG_COM1_THR	  0    /* offset: transmit holding register (write) */
#define TG_COM1_LSR	  5    /* offset: line status register (read) */
#define TG_COM1_LSR_THRE  0x20 /* LSR bit 5: the transmitter can take a byte */
#define TG_POWEROFF_PORT  0x604
#define TG_POWEROFF_VALUE ((5 << 2) | 0x20) /* SLP_TYP = 5 (S5) | SLP_EN, one byte: 0x34 */

/* ---- Boot-info page ---- */
#define TG_BOOT_MAGIC	TG_ULL(0x544f4f4254534554) /* "TESTBOOT" in memory order */
#define TG_BOOT_VERSION 1
#define TG_CMDLINE_MAX	1024 /* bytes of cmdline[], the terminating NUL included */

#ifndef __ASSEMBLER__
/*
 * At TG_BOOT_INFO_GPA; written by the worker, read-only for the guest. The worker zeroes the
 * page first; cmdline is NUL-terminated ASCII (printable bytes and spaces) of at most
 * TG_CMDLINE_MAX - 1 characters, e.g. "check=hello". A guest refuses a page whose magic or
 * version differ (version changes with any layout change of this struct).
 */
struct tg_boot_info {
	uint64_t magic;	       /* TG_BOOT_MAGIC */
	uint32_t version;      /* TG_BOOT_VERSION */
	uint32_t size;	       /* sizeof(struct tg_boot_info) */
	uint64_t ram_bytes;    /* guest RAM: GPA 0 .. ram_bytes */
	uint32_t vp_count;     /* VPs of the partition (only VP 0 runs the guest) */
	uint32_t reserved0;    /* 0 */
	uint64_t partition_id; /* the hypervisor's id of this partition */
	uint64_t reserved[11]; /* 0 */
	char cmdline[TG_CMDLINE_MAX];
};

_Static_assert(offsetof(struct tg_boot_info, magic) == 0, "tg_boot_info layout");
_Static_assert(offsetof(struct tg_boot_info, version) == 8, "tg_boot_info layout");
_Static_assert(offsetof(struct tg_boot_info, size) == 12, "tg_boot_info layout");
_Static_assert(offsetof(struct tg_boot_info, ram_bytes) == 16, "tg_boot_info layout");
_Static_assert(offsetof(struct tg_boot_info, vp_count) == 24, "tg_boot_info layout");
_Static_assert(offsetof(struct tg_boot_info, partition_id) == 32, "tg_boot_info layout");
_Static_assert(offsetof(struct tg_boot_info, cmdline) == 128, "tg_boot_info layout");
_Static_assert(sizeof(struct tg_boot_info) == 128 + TG_CMDLINE_MAX, "tg_boot_info size");
_Static_assert(sizeof(struct tg_boot_info) <= 4096, "the boot info fits its page");
_Static_assert(TG_PD_GPA + (TG_RAM_MAX >> 30) * 4096 <= TG_PT_END, "PDs fit the table area");
_Static_assert(TG_PT_END <= 0xa0000 && TG_LOW_FREE_END <= TG_STACK_BASE, "layout overlaps");
_Static_assert(TG_BOOT_INFO_GPA + 4096 <= TG_IMAGE_BASE, "boot info below the image");

#endif /* !__ASSEMBLER__ */

#endif /* TESTGUEST_BOOT_H */
