/* SPDX-License-Identifier: MIT */
/* The ACPI tables a Linux child finds (ACPI 6.x; reference/linux-child.md §2): RSDP -> XSDT ->
 * a hardware-reduced FADT (-> DSDT) and a MADT with one x2APIC entry per VP and the worker's
 * I/O APIC. The DSDT names
 * the VMBus (\_SB.VMBS, what hv_vmbus binds to), COM1 (\_SB.COM1, PNP0501) and \_S5 (so that
 * Linux's power-off writes the sleep control register the worker treats as power-off). The
 * builder writes into the child's RAM buffer at the area the e820 map types ACPI. */
#ifndef HV_VMWP_ACPI_TABLES_H
#define HV_VMWP_ACPI_TABLES_H

#include <stddef.h>
#include <stdint.h>

/* The table area: the RSDP is at its start, which lies where Linux's legacy scan looks
 * (16-byte boundaries in 0xe0000-0xfffff), so the zero page's acpi_rsdp_addr is a second way
 * to the same tables. */
#define ACPI_AREA_GPA	0xe0000ull
#define ACPI_AREA_BYTES 0x20000ull
#define ACPI_RSDP_GPA	ACPI_AREA_GPA

/* Table header and table fields, offsets from the table's start (ACPI 6.x, 5.2). */
#define ACPI_HDR_LENGTH		4
#define ACPI_HDR_REVISION	8
#define ACPI_HDR_CHECKSUM	9
#define ACPI_HDR_BYTES		36
#define ACPI_RSDP_CHECKSUM	8  /* over the first 20 bytes */
#define ACPI_RSDP_REVISION	15 /* 2: has the XSDT address */
#define ACPI_RSDP_LENGTH	20
#define ACPI_RSDP_XSDT		24
#define ACPI_RSDP_EXT_CHECKSUM	32 /* over all 36 bytes */
#define ACPI_RSDP_BYTES		36
#define ACPI_FADT_DSDT		40
#define ACPI_FADT_IAPC_BOOT	109
#define ACPI_FADT_FLAGS		112
#define ACPI_FADT_X_DSDT	140
#define ACPI_FADT_SLEEP_CONTROL 244 /* a Generic Address Structure, 12 bytes */
#define ACPI_FADT_SLEEP_STATUS	256
#define ACPI_FADT_BYTES		276 /* revision 6 */
#define ACPI_MADT_LAPIC_ADDR	36
#define ACPI_MADT_FLAGS		40
#define ACPI_MADT_ENTRIES	44
#define ACPI_MADT_X2APIC_BYTES	16 /* type 9: type, length, reserved u16, id, flags, uid */
#define ACPI_MADT_IOAPIC_BYTES	12 /* type 1: type, length, id, reserved, address, GSI base */
#define ACPI_MADT_BYTES(vps)	(ACPI_MADT_ENTRIES + (vps) * ACPI_MADT_X2APIC_BYTES + ACPI_MADT_IOAPIC_BYTES)

#define ACPI_FADT_HW_REDUCED  (1u << 20)
#define ACPI_IAPC_NO_VGA      (1u << 2)
#define ACPI_IAPC_NO_CMOS_RTC (1u << 5)
#define ACPI_MADT_TYPE_X2APIC 9
#define ACPI_MADT_TYPE_IOAPIC 1
#define ACPI_IOAPIC_ID	      0u /* the worker's I/O APIC (ioapic.h), GSIs 0-23 */
#define ACPI_IOAPIC_GPA	      0xfec00000u
#define ACPI_MADT_ENABLED     1u
#define ACPI_LAPIC_GPA	      0xfee00000u
#define ACPI_GAS_SYSTEM_IO    1
#define ACPI_SLEEP_TYPE_S5    5 /* \_S5's SLP_TYP: Linux writes SLP_TYP << 2 | SLP_EN (0x20) */
#define ACPI_MAX_VPS	      1024

/* Where one built table is, in guest-physical terms, and its length. */
struct acpi_table_ref {
	uint64_t gpa;
	uint32_t len;
};

struct acpi_tables {
	struct acpi_table_ref rsdp, xsdt, fadt, madt, dsdt;
};

/* Builds the tables for a child of vps VPs (1..ACPI_MAX_VPS) into area, area_bytes bytes that
 * the child sees at area_gpa (16-byte aligned, below 4 GiB; zeroed by the caller). Fills out
 * with each table's place; 0, or -1 with the one-line cause in why. */
int acpi_tables_build(uint8_t *area, size_t area_bytes, uint64_t area_gpa, uint32_t vps,
		      struct acpi_tables *out, char *why, size_t n);

#endif
