/* SPDX-License-Identifier: MIT */
/* The binary ACPI tables of a child (acpi_tables.h): headers, checksums, the FADT's and MADT's
 * fields at the offsets ACPI 6.x gives them, and the chain RSDP -> XSDT -> FADT/MADT,
 * FADT -> DSDT. Fields are written byte by byte at named offsets (no packed structs), so the
 * layout reads against the specification and the unit test checks the same offsets. */
#include "acpi_tables.h"

#include <stdio.h>
#include <string.h>

#include "acpi_dsdt.h"
#include "testguest/boot.h"

#define OEM_ID		"HV    "   /* 6 bytes */
#define OEM_TABLE_ID	"HVCHILD " /* 8 bytes */
#define OEM_REVISION	1
#define CREATOR_ID	"HVWP"
#define CREATOR_REV	1
#define TABLE_ALIGN	16
#define XSDT_REVISION	1
#define FADT_REVISION	6
#define MADT_REVISION	4 /* ACPI 6.0-6.2 */
#define DSDT_REVISION	2 /* 64-bit integers */
#define GAS_BYTES	12
#define GAS_ACCESS_BYTE 1

/* FADT offsets used only here. */
#define FADT_MINOR_VERSION 131

static void wr16(uint8_t *p, size_t off, uint16_t v)
{
	p[off] = (uint8_t)v;
	p[off + 1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *p, size_t off, uint32_t v)
{
	wr16(p, off, (uint16_t)v);
	wr16(p, off + 2, (uint16_t)(v >> 16));
}

static void wr64(uint8_t *p, size_t off, uint64_t v)
{
	wr32(p, off, (uint32_t)v);
	wr32(p, off + 4, (uint32_t)(v >> 32));
}

/* The byte that makes len bytes at p sum to zero (its own slot counted as zero). */
static uint8_t checksum(const uint8_t *p, size_t len, size_t slot)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + (i == slot ? 0 : p[i]));
	return (uint8_t)-sum;
}

static void header(uint8_t *t, const char sig[4], uint32_t len, uint8_t revision)
{
	memcpy(t, sig, 4);
	wr32(t, ACPI_HDR_LENGTH, len);
	t[ACPI_HDR_REVISION] = revision;
	memcpy(t + 10, OEM_ID, 6);
	memcpy(t + 16, OEM_TABLE_ID, 8);
	wr32(t, 24, OEM_REVISION);
	memcpy(t + 28, CREATOR_ID, 4);
	wr32(t, 32, CREATOR_REV);
}

static void seal(uint8_t *t, uint32_t len)
{
	t[ACPI_HDR_CHECKSUM] = checksum(t, len, ACPI_HDR_CHECKSUM);
}

/* A byte-wide I/O port as a Generic Address Structure. */
static void gas_port(uint8_t *p, uint16_t port)
{
	p[0] = ACPI_GAS_SYSTEM_IO;
	p[1] = 8; /* bit width */
	p[2] = 0; /* bit offset */
	p[3] = GAS_ACCESS_BYTE;
	wr64(p, 4, port);
}

/* Hardware-reduced: no PM1/GPE/PM timer/SCI, so Linux uses no PIC, PIT or HPET; no 8042, VGA
 * or CMOS RTC to probe. Power-off is the sleep control register: Linux writes
 * SLP_TYP(\_S5) << 2 | SLP_EN there, which is TG_POWEROFF_VALUE at TG_POWEROFF_PORT, the
 * worker's power-off. The status register is the same port: Linux only writes WAK_STS (0x80)
 * there before sleeping, a value the worker ignores. */
static void build_fadt(uint8_t *t, uint64_t dsdt)
{
	_Static_assert(TG_POWEROFF_VALUE == (ACPI_SLEEP_TYPE_S5 << 2 | 0x20),
		       "\\_S5 and the worker's power-off value agree");
	header(t, "FACP", ACPI_FADT_BYTES, FADT_REVISION);
	wr32(t, ACPI_FADT_DSDT, (uint32_t)dsdt);
	wr16(t, ACPI_FADT_IAPC_BOOT, ACPI_IAPC_NO_VGA | ACPI_IAPC_NO_CMOS_RTC);
	wr32(t, ACPI_FADT_FLAGS, ACPI_FADT_HW_REDUCED);
	t[FADT_MINOR_VERSION] = 0;
	wr64(t, ACPI_FADT_X_DSDT, dsdt);
	gas_port(t + ACPI_FADT_SLEEP_CONTROL, TG_POWEROFF_PORT);
	gas_port(t + ACPI_FADT_SLEEP_STATUS, TG_POWEROFF_PORT);
	seal(t, ACPI_FADT_BYTES);
}

/* Flags 0 (no PCAT_COMPAT: there is no 8259); one enabled x2APIC per VP, APIC id and
 * processor UID = VP index, which is how the hypervisor numbers the child's x2APICs; then the
 * I/O APIC, GSIs from 0, without interrupt source overrides (ISA IRQ n is GSI n). */
static uint32_t build_madt(uint8_t *t, uint32_t vps)
{
	uint32_t len = ACPI_MADT_BYTES(vps);
	header(t, "APIC", len, MADT_REVISION);
	wr32(t, ACPI_MADT_LAPIC_ADDR, ACPI_LAPIC_GPA);
	wr32(t, ACPI_MADT_FLAGS, 0);
	for (uint32_t i = 0; i < vps; i++) {
		uint8_t *e = t + ACPI_MADT_ENTRIES + i * ACPI_MADT_X2APIC_BYTES;
		e[0] = ACPI_MADT_TYPE_X2APIC;
		e[1] = ACPI_MADT_X2APIC_BYTES;
		wr32(e, 4, i);
		wr32(e, 8, ACPI_MADT_ENABLED);
		wr32(e, 12, i);
	}
	uint8_t *io = t + ACPI_MADT_ENTRIES + vps * ACPI_MADT_X2APIC_BYTES;
	io[0] = ACPI_MADT_TYPE_IOAPIC;
	io[1] = ACPI_MADT_IOAPIC_BYTES;
	io[2] = ACPI_IOAPIC_ID;
	wr32(io, 4, ACPI_IOAPIC_GPA);
	wr32(io, 8, 0);
	seal(t, len);
	return len;
}

static void build_xsdt(uint8_t *t, uint64_t fadt, uint64_t madt)
{
	uint32_t len = ACPI_HDR_BYTES + 2 * 8;
	header(t, "XSDT", len, XSDT_REVISION);
	wr64(t, ACPI_HDR_BYTES, fadt);
	wr64(t, ACPI_HDR_BYTES + 8, madt);
	seal(t, len);
}

static void build_rsdp(uint8_t *t, uint64_t xsdt)
{
	memcpy(t, "RSD PTR ", 8);
	memcpy(t + 9, OEM_ID, 6);
	t[ACPI_RSDP_REVISION] = 2;
	wr32(t, 16, 0); /* no RSDT: a revision 2 RSDP's XSDT is used */
	wr32(t, ACPI_RSDP_LENGTH, ACPI_RSDP_BYTES);
	wr64(t, ACPI_RSDP_XSDT, xsdt);
	t[ACPI_RSDP_CHECKSUM] = checksum(t, 20, ACPI_RSDP_CHECKSUM);
	t[ACPI_RSDP_EXT_CHECKSUM] = checksum(t, ACPI_RSDP_BYTES, ACPI_RSDP_EXT_CHECKSUM);
}

/* Next table's offset in the area: aligned, and len bytes must fit. */
static int place(size_t *cursor, size_t len, size_t area_bytes, size_t *at)
{
	size_t off = (*cursor + TABLE_ALIGN - 1) & ~(size_t)(TABLE_ALIGN - 1);
	if (off > area_bytes || len > area_bytes - off)
		return -1;
	*at = off;
	*cursor = off + len;
	return 0;
}

static void ref(struct acpi_table_ref *r, uint64_t area_gpa, size_t off, size_t len)
{
	r->gpa = area_gpa + off;
	r->len = (uint32_t)len;
}

int acpi_tables_build(uint8_t *area, size_t area_bytes, uint64_t area_gpa, uint32_t vps,
		      struct acpi_tables *out, char *why, size_t n)
{
	size_t cur = 0, rsdp, xsdt, fadt, madt, dsdt;
	size_t madt_len = ACPI_MADT_BYTES((size_t)vps);
	if (vps == 0 || vps > ACPI_MAX_VPS || area_gpa % TABLE_ALIGN || area_gpa > (1ull << 32) ||
	    area_bytes > (1ull << 32) - area_gpa) {
		snprintf(why, n, "ACPI tables: %u VPs or the area at %#llx out of range", vps,
			 (unsigned long long)area_gpa);
		return -1;
	}
	if (place(&cur, ACPI_RSDP_BYTES, area_bytes, &rsdp) ||
	    place(&cur, ACPI_HDR_BYTES + 16, area_bytes, &xsdt) ||
	    place(&cur, ACPI_FADT_BYTES, area_bytes, &fadt) ||
	    place(&cur, madt_len, area_bytes, &madt) ||
	    place(&cur, ACPI_HDR_BYTES, area_bytes, &dsdt)) {
		snprintf(why, n, "ACPI tables: %zu bytes are too few for %u VPs", area_bytes, vps);
		return -1;
	}
	long aml = acpi_dsdt_aml(area + dsdt + ACPI_HDR_BYTES, area_bytes - cur);
	if (aml < 0) {
		snprintf(why, n, "ACPI tables: no room for the DSDT in %zu bytes", area_bytes);
		return -1;
	}
	ref(&out->rsdp, area_gpa, rsdp, ACPI_RSDP_BYTES);
	ref(&out->xsdt, area_gpa, xsdt, ACPI_HDR_BYTES + 16);
	ref(&out->fadt, area_gpa, fadt, ACPI_FADT_BYTES);
	ref(&out->madt, area_gpa, madt, madt_len);
	ref(&out->dsdt, area_gpa, dsdt, ACPI_HDR_BYTES + (size_t)aml);
	header(area + dsdt, "DSDT", out->dsdt.len, DSDT_REVISION);
	seal(area + dsdt, out->dsdt.len);
	build_madt(area + madt, vps);
	build_fadt(area + fadt, out->dsdt.gpa);
	build_xsdt(area + xsdt, out->fadt.gpa, out->madt.gpa);
	build_rsdp(area + rsdp, out->xsdt.gpa);
	return 0;
}
