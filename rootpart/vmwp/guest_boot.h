/* SPDX-License-Identifier: MIT */
/* The test guest's boot in the worker: its image and tables in the child's RAM and VP 0's
 * starting registers, as tests/guest/include/testguest/boot.h (the contract both sides
 * include) lays them out. */
#ifndef HV_VMWP_GUEST_BOOT_H
#define HV_VMWP_GUEST_BOOT_H

#include <stddef.h>
#include <stdint.h>

#define GUEST_BOOT_MAX_REGS 32

/* Loads the ELF64 image at path into ram (ram_bytes at GPA 0, zeroed by the caller) with the
 * page tables, GDT and boot-info page (cmdline may be NULL); *entry gets the entry point.
 * 0, or -1 with the one-line cause in why. Every field of the image is checked: it must fit
 * the contract's image window and the RAM. */
int guest_boot_load(uint8_t *ram, uint64_t ram_bytes, const char *path, const char *cmdline,
		    uint64_t partition_id, uint32_t vps, uint64_t *entry, char *why, size_t n);

/* VP 0's registers at entry (names from hv/abi.h): returns how many were written. */
uint32_t guest_boot_regs(uint64_t entry, uint32_t *names, uint64_t *values);

#endif
