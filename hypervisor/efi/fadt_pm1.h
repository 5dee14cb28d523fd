/* SPDX-License-Identifier: MIT */
/* Which I/O ports the root's ACPI code uses for PM1 control and status, chosen from the FADT
 * the way Linux (ACPICA) chooses them. Plain C without EFI headers: unit-tested on the host
 * (tests/unit/hypervisor/test_fadt_pm1.c). */
#ifndef HV_EFI_FADT_PM1_H
#define HV_EFI_FADT_PM1_H

#include <stdint.h>

/* FADT byte offsets (ACPI 6.x, table 5.9): the 32-bit PM1 block fields and their 64-bit
 * Generic Address Structure counterparts (12 bytes: space id, bit width, bit offset, access
 * size, 64-bit address at +4). */
#define FADT_PM1A_EVT	56
#define FADT_PM1B_EVT	60
#define FADT_PM1A_CNT	64
#define FADT_PM1B_CNT	68
#define FADT_X_PM1A_EVT 148
#define FADT_X_PM1B_EVT 160
#define FADT_X_PM1A_CNT 172
#define FADT_X_PM1B_CNT 184
#define FADT_GAS_SIZE	12
#define ACPI_SPACE_IO	1

/* [0] = PM1a, [1] = PM1b; per register up to two ports: the one Linux uses, and the other
 * field's value when the firmware's 32-bit and X_ fields disagree. 0 = absent. */
struct hv_pm1_ports {
	uint16_t cnt[2][2];
	uint16_t sts[2][2];
};

/* Fills p from the FADT (len bytes as its header says). Returns NULL, or why the sleep guard
 * cannot cover the platform (an X_ block outside I/O space, a port out of range, no PM1a
 * control block); p is then all zero. */
const char *hv_fadt_pm1(const uint8_t *fadt, uint32_t len, struct hv_pm1_ports *p);

#endif
