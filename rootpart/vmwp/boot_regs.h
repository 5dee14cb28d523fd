/* SPDX-License-Identifier: MIT */
/* VP 0's registers at a 64-bit entry, flat segments, interrupts off: the start state both of
 * the worker's boots hand over (the test guest's contract, guest_boot.c, and Linux's 64-bit
 * boot protocol, linux_boot.c), told apart only by their tables, selectors and entry. */
#ifndef HV_VMWP_BOOT_REGS_H
#define HV_VMWP_BOOT_REGS_H

#include <stdint.h>

struct boot_flat64 {
	uint64_t cr0, cr3, cr4, efer, rflags;
	uint16_t sel_code, sel_data;
	uint16_t attr_code, attr_data, attr_tr; /* the VMCB's packed 12-bit attribute form */
	uint64_t gdt_base;
	uint16_t gdt_limit;
	uint64_t rsp, rip;
	uint32_t arg_reg; /* hv/abi.h register name of the one argument (RDI, RSI, ...) */
	uint64_t arg;
};

#define BOOT_FLAT64_REGS 25 /* what boot_flat64_regs writes */

/* Writes the names and values (hv/abi.h enum hv_register_name); returns how many. */
uint32_t boot_flat64_regs(const struct boot_flat64 *s, uint32_t *names, uint64_t *values);

#endif
