/* SPDX-License-Identifier: MIT */
/* Internal interface of the EFI stub (hv.efi's boot-time part). */
#ifndef HV_EFI_STUB_H
#define HV_EFI_STUB_H

#include <efi.h>
#include "../core/bootinfo.h"

struct hv_cpu_caps {
	uint32_t asids, phys_bits;
	BOOLEAN nrips, gbpages;
};

BOOLEAN hv_cpu_check(struct hv_cpu_caps *caps, CHAR16 *msg, UINTN size);
void hv_find_acpi_sleep(struct hv_boot_info *bi, CHAR16 *why, UINTN size);

/* takeover.S: captures the firmware context into g, switches to host_cr3/stack and calls
 * the core's entry with bi. Returns 0 when this code runs on as the root partition's VP,
 * or the core's negative error when it refused before changing anything. */
int64_t hv_takeover(struct hv_guest_start *g, uint64_t host_cr3, uint64_t entry, uint64_t stack_top,
		    struct hv_boot_info *bi);

extern uint8_t hv_core_blob[], hv_core_blob_end[];

#endif
