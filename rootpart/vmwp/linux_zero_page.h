/* SPDX-License-Identifier: MIT */
/* The zero page (Linux's struct boot_params) of a Linux child, and its e820 memory map
 * (linux_zero_page.c). Used by linux_boot.c. */
#ifndef HV_VMWP_LINUX_ZERO_PAGE_H
#define HV_VMWP_LINUX_ZERO_PAGE_H

#include <stdint.h>

#include "bzimage.h"
#include "linux_boot.h"

/* Writes the 4 KiB zero page at zp: the image's setup header (head, checked by
 * bzimage_parse), the loader's fields from l (command line at LB_CMDLINE_GPA, initrd, RSDP)
 * and the e820 map of ram_bytes of RAM; sets l->e820_entries. */
void linux_zero_page_build(uint8_t *zp, const uint8_t *head, const struct bzimage_info *info,
			   uint64_t ram_bytes, struct linux_boot_layout *l);

#endif
