/* SPDX-License-Identifier: MIT */
/* The zero page (linux_zero_page.h). boot.rst's rule for a 64-bit loader: start from a zeroed
 * page, copy only the setup header from the image (0x1f1 to 0x202 + the jump's byte), then
 * fill in the fields a loader owns. The e820 map describes the layout in linux_boot.h:
 *
 *   [0, 0x9f000)            RAM       Linux allocates its real-mode trampoline here and
 *                                     panics if there is none
 *   [0x9f000, 0xe0000)      reserved
 *   [0xe0000, 0x100000)     ACPI      the tables (acpi_tables.h)
 *   [0x100000, ram_bytes)   RAM       kernel, initrd and the rest
 *
 * RAM ends below 3 GiB (LB_RAM_MAX), so no entry is needed for the MMIO ranges above. */
#include "linux_zero_page.h"

#include <string.h>

#define E820_ENTRY_BYTES 20

static void wr32(uint8_t *p, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[off + i] = (uint8_t)(v >> (8 * i));
}

static void wr64(uint8_t *p, size_t off, uint64_t v)
{
	wr32(p, off, (uint32_t)v);
	wr32(p, off + 4, (uint32_t)(v >> 32));
}

static void e820_add(uint8_t *zp, uint32_t *count, uint64_t start, uint64_t end, uint32_t type)
{
	size_t off = LB_ZP_E820_TABLE + (size_t)*count * E820_ENTRY_BYTES;
	wr64(zp, off, start);
	wr64(zp, off + 8, end - start);
	wr32(zp, off + 16, type);
	(*count)++;
}

static uint32_t e820_build(uint8_t *zp, uint64_t ram_bytes)
{
	uint32_t count = 0;
	e820_add(zp, &count, 0, LB_LOW_RAM_END, LB_E820_RAM);
	e820_add(zp, &count, LB_LOW_RAM_END, ACPI_AREA_GPA, LB_E820_RESERVED);
	e820_add(zp, &count, ACPI_AREA_GPA, ACPI_AREA_GPA + ACPI_AREA_BYTES, LB_E820_ACPI);
	e820_add(zp, &count, LB_KERNEL_GPA, ram_bytes, LB_E820_RAM);
	zp[LB_ZP_E820_ENTRIES] = (uint8_t)count;
	return count;
}

void linux_zero_page_build(uint8_t *zp, const uint8_t *head, const struct bzimage_info *info,
			   uint64_t ram_bytes, struct linux_boot_layout *l)
{
	_Static_assert(ACPI_AREA_GPA + ACPI_AREA_BYTES == LB_KERNEL_GPA, "e820: no gap at 1 MiB");
	memset(zp, 0, 4096);
	memcpy(zp + BZ_SETUP_SECTS, head + BZ_SETUP_SECTS, info->header_end - BZ_SETUP_SECTS);
	zp[BZ_TYPE_OF_LOADER] = LB_TYPE_OF_LOADER;
	wr32(zp, BZ_CMD_LINE_PTR, (uint32_t)LB_CMDLINE_GPA);
	/* Everything the loader places is below 4 GiB: the ext_ (high 32 bits) fields stay 0. */
	wr32(zp, BZ_RAMDISK_IMAGE, (uint32_t)l->initrd_gpa);
	wr32(zp, BZ_RAMDISK_SIZE, (uint32_t)l->initrd_bytes);
	/* A loader's field: the image's bytes there would be a list for the kernel to walk. */
	wr64(zp, LB_ZP_SETUP_DATA, 0);
	wr64(zp, LB_ZP_ACPI_RSDP, l->acpi.rsdp.gpa);
	l->e820_entries = e820_build(zp, ram_bytes);
}
