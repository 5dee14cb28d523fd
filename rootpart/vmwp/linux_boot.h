/* SPDX-License-Identifier: MIT */
/* A Linux child's boot in the worker: what a boot loader and firmware would do for Linux's
 * 64-bit boot protocol (Documentation/arch/x86/boot.rst), done into the worker's copy of the
 * child's RAM at GPA 0 — bzImage, initrd, command line, zero page with the e820 map, ACPI
 * tables, GDT and identity page tables — and VP 0's starting registers.
 *
 * Guest-physical layout (docs/linux-child.md):
 *
 *   0x000000-0x000fff  zero (real-mode IVT/BDA: Linux reads the EBDA pointer, finds 0)
 *   0x001000-0x001017  GDT: null, 0x08 64-bit code, 0x10 data           (LB_GDT_GPA)
 *   0x006000-0x006fff  a stack page, RSP = 0x7000 (Linux sets its own)
 *   0x007000-0x007fff  zero page (struct boot_params), RSI              (LB_ZERO_PAGE_GPA)
 *   0x009000-0x00efff  PML4, PDPT, 4 PDs: 0-4 GiB identity, 2 MiB pages (LB_PML4_GPA)
 *   0x020000-0x02ffff  command line, NUL-terminated                     (LB_CMDLINE_GPA)
 *   ...     -0x09efff  free RAM (Linux's real-mode trampoline goes below 0x9f000)
 *   0x09f000-0x0dffff  reserved
 *   0x0e0000-0x0fffff  ACPI tables, RSDP first                          (acpi_tables.h)
 *   0x100000-...       bzImage's protected-mode code                    (LB_KERNEL_GPA)
 *   [run_base, run_end) where the kernel decompresses and boots (bzimage_run_base)
 *   ... initrd as high as allowed: below 2 GiB, initrd_addr_max and the end of RAM
 *   ...-ram_bytes      RAM; the child's RAM ends below every MMIO range (LB_RAM_MAX)
 */
#ifndef HV_VMWP_LINUX_BOOT_H
#define HV_VMWP_LINUX_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "acpi_tables.h"

#define LB_GDT_GPA	  0x1000ull
#define LB_STACK_TOP	  0x7000ull
#define LB_ZERO_PAGE_GPA  0x7000ull
#define LB_PML4_GPA	  0x9000ull
#define LB_PDPT_GPA	  0xa000ull
#define LB_PD_GPA	  0xb000ull /* PD n maps [n GiB, n + 1 GiB) */
#define LB_PD_COUNT	  4
#define LB_CMDLINE_GPA	  0x20000ull
#define LB_CMDLINE_MAX	  0x10000u /* bytes, the NUL included */
#define LB_LOW_RAM_END	  0x9f000ull
#define LB_KERNEL_GPA	  0x100000ull
#define LB_INITRD_LIMIT	  (2ull << 30) /* the initrd ends at or below 2 GiB */
#define LB_RAM_MIN	  (256ull << 20)
#define LB_RAM_MAX	  (3ull << 30) /* [3 GiB, 4 GiB) stays free for MMIO (APICs, VMBus) */
#define LB_TYPE_OF_LOADER 0xff	       /* "undefined" loader: non-zero, or the initrd is ignored */
#define LB_MAX_REGS	  32

/* Zero page (struct boot_params) fields the loader writes, besides the setup header. */
#define LB_ZP_ACPI_RSDP	   0x070 /* u64 */
#define LB_ZP_EXT_RAMDISK  0x0c0 /* u32: ramdisk_image >> 32 */
#define LB_ZP_EXT_RD_SIZE  0x0c4 /* u32: ramdisk_size >> 32 */
#define LB_ZP_EXT_CMDLINE  0x0c8 /* u32: cmd_line_ptr >> 32 */
#define LB_ZP_E820_ENTRIES 0x1e8 /* u8 */
#define LB_ZP_SENTINEL	   0x1ef /* u8: stays 0 (a loader that copied too much sets it) */
#define LB_ZP_SETUP_DATA   0x250 /* u64: no setup_data list */
#define LB_ZP_E820_TABLE   0x2d0 /* 20-byte entries: u64 addr, u64 size, u32 type */
#define LB_E820_RAM	   1
#define LB_E820_RESERVED   2
#define LB_E820_ACPI	   3

/* Where things went: for VP 0's registers and for the worker's log. */
struct linux_boot_layout {
	uint64_t entry;	       /* RIP: the kernel's load address + 0x200 */
	uint64_t zero_page;    /* RSI */
	uint16_t protocol;     /* the image's boot protocol, 0x020f = 2.15 */
	uint64_t kernel_bytes; /* protected-mode code at LB_KERNEL_GPA */
	uint64_t run_base;     /* the kernel boots in [run_base, run_end) */
	uint64_t run_end;
	uint64_t initrd_gpa; /* 0 and 0 without an initrd */
	uint64_t initrd_bytes;
	uint32_t e820_entries;
	struct acpi_tables acpi;
};

/* Loads the bzImage at kernel, the initrd (NULL: none) and cmdline (NULL: empty) into ram
 * (ram_bytes at GPA 0, zeroed by the caller) and builds the zero page, the ACPI tables for vps
 * VPs, the GDT and the page tables. 0, or -1 with the one-line cause in why: the files are an
 * admin's and are checked before they are trusted; the RAM must be LB_RAM_MIN..LB_RAM_MAX in
 * 4 KiB pages and hold the kernel's boot area and the initrd. */
int linux_boot_load(uint8_t *ram, uint64_t ram_bytes, const char *kernel, const char *initrd,
		    const char *cmdline, uint32_t vps, struct linux_boot_layout *out, char *why,
		    size_t n);

/* VP 0's registers at the 64-bit entry (names from hv/abi.h), at most LB_MAX_REGS: returns
 * how many were written. */
uint32_t linux_boot_regs(const struct linux_boot_layout *l, uint32_t *names, uint64_t *values);

#endif
