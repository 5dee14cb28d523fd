/* SPDX-License-Identifier: MIT */
/* Finds, in the firmware's ACPI tables, what the hypervisor needs to keep the root from
 * putting the machine to sleep behind its back: the PM1 control and status ports (FADT) and
 * the SLP_TYP values of S5 (the DSDT's \_S5 package), the only sleep state the root may enter.
 * After S1-S4 the firmware's wake path would resume the root outside the hypervisor. */
#include <efi.h>
#include <efilib.h>
#include "fadt_pm1.h"
#include "stub.h"

static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;

static const uint8_t *find_table(const uint8_t *xsdt, const char sig[4])
{
	uint32_t len = *(const uint32_t *)(xsdt + 4);
	for (uint32_t off = 36; off + 8 <= len; off += 8) {
		const uint8_t *t = (const uint8_t *)(uintptr_t) * (const uint64_t *)(xsdt + off);
		if (t && !CompareMem(t, sig, 4))
			return t;
	}
	return NULL;
}

/* One element of the \_S5 package: ZeroOp, OneOp or BytePrefix n. */
static int aml_small_int(const uint8_t **p, const uint8_t *end)
{
	if (*p >= end)
		return -1;
	uint8_t op = *(*p)++;
	if (op == 0x00 || op == 0x01)
		return op;
	if (op == 0x0a && *p < end)
		return *(*p)++;
	return -1;
}

static BOOLEAN find_s5(const uint8_t *dsdt, uint8_t *typ_a, uint8_t *typ_b)
{
	uint32_t len = *(const uint32_t *)(dsdt + 4);
	const uint8_t *end = dsdt + len;
	for (const uint8_t *p = dsdt + 36; p + 8 < end; p++) {
		if (CompareMem(p, "_S5_", 4) || p[4] != 0x12) /* NameString, PackageOp */
			continue;
		const uint8_t *q = p + 5;
		q += 1 + ((*q >> 6) & 3); /* PkgLength */
		q++;			  /* NumElements */
		int a = aml_small_int(&q, end), b = aml_small_int(&q, end);
		if (a < 0 || a > 7)
			return FALSE;
		*typ_a = (uint8_t)a;
		*typ_b = (uint8_t)(b >= 0 && b <= 7 ? b : a);
		return TRUE;
	}
	return FALSE;
}

/* Fills bi's PM1 ports and S5 values; leaves sleep_guard 0 (and says why in why) when the
 * platform has no usable PM1 I/O block (see hv_fadt_pm1) or no \_S5. */
void hv_find_acpi_sleep(struct hv_boot_info *bi, CHAR16 *why, UINTN size)
{
	const uint8_t *rsdp = NULL;
	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++)
		if (!CompareGuid(&ST->ConfigurationTable[i].VendorGuid, &acpi20_guid))
			rsdp = ST->ConfigurationTable[i].VendorTable;
	if (!rsdp || rsdp[15] < 2) {
		SPrint(why, size, L"no ACPI 2.0 RSDP");
		return;
	}
	const uint8_t *xsdt = (const uint8_t *)(uintptr_t) * (const uint64_t *)(rsdp + 24);
	const uint8_t *fadt = xsdt ? find_table(xsdt, "FACP") : NULL;
	if (!fadt || *(const uint32_t *)(fadt + 4) < 116) {
		SPrint(why, size, L"no FADT");
		return;
	}
	uint32_t flen = *(const uint32_t *)(fadt + 4);
	if (*(const uint32_t *)(fadt + 112) & (1u << 20)) {
		SPrint(why, size, L"hardware-reduced ACPI (sleep control register not guarded)");
		return;
	}
	uint64_t dsdt = *(const uint32_t *)(fadt + 40);
	if (flen >= 148 && *(const uint64_t *)(fadt + 140))
		dsdt = *(const uint64_t *)(fadt + 140);
	uint8_t a, b;
	if (!dsdt || !find_s5((const uint8_t *)(uintptr_t)dsdt, &a, &b)) {
		SPrint(why, size, L"no \\_S5 in the DSDT");
		return;
	}
	struct hv_pm1_ports p;
	const char *no = hv_fadt_pm1(fadt, flen, &p);
	if (no) {
		SPrint(why, size, L"%a", no);
		return;
	}
	CopyMem(bi->pm1_cnt, p.cnt, sizeof(p.cnt));
	CopyMem(bi->pm1_sts, p.sts, sizeof(p.sts));
	bi->s5_typ_a = a;
	bi->s5_typ_b = b;
	bi->sleep_guard = 1;
}
