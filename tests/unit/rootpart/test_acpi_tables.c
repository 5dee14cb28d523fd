/* SPDX-License-Identifier: MIT */
/* The Linux child's ACPI tables (rootpart/vmwp/acpi_tables.c, acpi_dsdt.c) and the AML
 * emitter under them (aml.c): checksums, lengths, the chain RSDP -> XSDT -> FADT/MADT -> DSDT,
 * the FADT fields at the offsets reference/linux-child.md names, one x2APIC entry per VP, the
 * DSDT's bytes, and the emitter's encodings and refusals. iasl's view of the same tables is
 * tests/host/vmwp (host.vmwp_acpi_iasl). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "acpi_dsdt.h"
#include "acpi_tables.h"
#include "aml.h"

#define AREA_GPA ACPI_AREA_GPA

static uint8_t area[ACPI_AREA_BYTES];
static char why[256];

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}
static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}
static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;
	for (size_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

static const uint8_t *at(uint64_t gpa)
{
	assert_true(gpa >= AREA_GPA && gpa < AREA_GPA + sizeof(area));
	return area + (gpa - AREA_GPA);
}

/* A table's header: signature, length, revision, checksum. */
static const uint8_t *table(const struct acpi_table_ref *r, const char *sig, uint8_t rev)
{
	const uint8_t *t = at(r->gpa);
	assert_true(r->gpa % 16 == 0);
	assert_memory_equal(t, sig, 4);
	assert_int_equal(rd32(t + ACPI_HDR_LENGTH), r->len);
	assert_int_equal(t[ACPI_HDR_REVISION], rev);
	assert_int_equal(sum(t, r->len), 0);
	assert_true(r->gpa + r->len <= AREA_GPA + sizeof(area));
	return t;
}

static void build(uint32_t vps, struct acpi_tables *t)
{
	memset(area, 0, sizeof(area));
	if (acpi_tables_build(area, sizeof(area), AREA_GPA, vps, t, why, sizeof(why)) != 0)
		fail_msg("build: %s", why);
}

static void test_rsdp_xsdt(void **state)
{
	(void)state;
	struct acpi_tables t;
	build(1, &t);
	const uint8_t *r = at(t.rsdp.gpa);
	assert_int_equal(t.rsdp.gpa, ACPI_RSDP_GPA);
	assert_memory_equal(r, "RSD PTR ", 8);
	assert_int_equal(sum(r, 20), 0);
	assert_int_equal(sum(r, 36), 0);
	assert_int_equal(r[ACPI_RSDP_REVISION], 2);
	assert_int_equal(rd32(r + ACPI_RSDP_LENGTH), 36);
	assert_int_equal(rd64(r + ACPI_RSDP_XSDT), t.xsdt.gpa);
	const uint8_t *x = table(&t.xsdt, "XSDT", 1);
	assert_int_equal(t.xsdt.len, 36 + 16);
	assert_int_equal(rd64(x + 36), t.fadt.gpa);
	assert_int_equal(rd64(x + 44), t.madt.gpa);
}

static void test_fadt(void **state)
{
	(void)state;
	struct acpi_tables t;
	build(1, &t);
	const uint8_t *f = table(&t.fadt, "FACP", 6);
	assert_int_equal(t.fadt.len, 276);
	assert_int_equal(rd32(f + ACPI_FADT_FLAGS), 1u << 20); /* hardware-reduced */
	assert_int_equal(rd64(f + 140), t.dsdt.gpa);	       /* X_DSDT */
	assert_int_equal(rd32(f + 40), t.dsdt.gpa);
	/* IAPC_BOOT_ARCH @109: no legacy devices, no 8042 (bit 1), no VGA (2), no RTC (5). */
	assert_int_equal(rd16(f + 109), (1u << 2) | (1u << 5));
	/* No SCI, PM1, PM timer, GPE, FACS: hardware-reduced has none. */
	assert_int_equal(rd16(f + 46), 0);
	for (size_t o = 56; o < 88; o += 4)
		assert_int_equal(rd32(f + o), 0);
	assert_int_equal(rd32(f + 36), 0);
	assert_int_equal(rd64(f + 132), 0);
	/* SLEEP_CONTROL @244 and SLEEP_STATUS @256: byte-wide I/O port 0x604. */
	for (size_t o = 244; o <= 256; o += 12) {
		assert_int_equal(f[o], 1); /* system I/O */
		assert_int_equal(f[o + 1], 8);
		assert_int_equal(f[o + 2], 0);
		assert_int_equal(f[o + 3], 1); /* byte access */
		assert_int_equal(rd64(f + o + 4), 0x604);
	}
}

static void test_madt(void **state)
{
	(void)state;
	for (uint32_t vps = 1; vps <= 64; vps *= 4) {
		struct acpi_tables t;
		build(vps, &t);
		const uint8_t *m = table(&t.madt, "APIC", 4);
		assert_int_equal(t.madt.len, 44 + 16 * vps + 12);
		assert_int_equal(rd32(m + 36), 0xfee00000);
		assert_int_equal(rd32(m + 40), 0); /* no PCAT_COMPAT: no 8259 */
		for (uint32_t i = 0; i < vps; i++) {
			const uint8_t *e = m + 44 + 16 * i;
			assert_int_equal(e[0], 9);
			assert_int_equal(e[1], 16);
			assert_int_equal(rd16(e + 2), 0);
			assert_int_equal(rd32(e + 4), i);  /* x2APIC id */
			assert_int_equal(rd32(e + 8), 1);  /* enabled */
			assert_int_equal(rd32(e + 12), i); /* processor UID */
		}
		const uint8_t *io = m + 44 + 16 * vps; /* the I/O APIC */
		assert_int_equal(io[0], 1);
		assert_int_equal(io[1], 12);
		assert_int_equal(rd32(io + 4), 0xfec00000);
		assert_int_equal(rd32(io + 8), 0); /* GSI base */
	}
}

/* The DSDT's AML, byte for byte (acpi_dsdt.c's ASL, compiled by hand). */
static const uint8_t dsdt_aml[] = {
	0x10, 0x48, 0x05, '\\', '_',  'S',  'B',  '_', /* Scope (\_SB) */
	0x5b, 0x82, 0x22, 'V',	'M',  'B',  'S',       /* Device (VMBS) */
	0x08, '_',  'H',  'I',	'D',  0x0d, 'V',  'M',	'B',  'U',  'S',  0x00, 0x08,
	'_',  'U',  'I',  'D',	0x00, 0x08, '_',  'C',	'R',  'S',  0x11, 0x05, 0x0a,
	0x02, 0x79, 0x00, 0x5b, 0x82, 0x2b, 'C',  'O',	'M',  '1', /* Device (COM1) */
	0x08, '_',  'H',  'I',	'D',  0x0c, 0x41, 0xd0, 0x05, 0x01, 0x08, '_',	'U',
	'I',  'D',  0x00, 0x08, '_',  'C',  'R',  'S',	0x11, 0x10, 0x0a, 0x0d, 0x47,
	0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08, 0x22, 0x10, 0x00, 0x79, 0x00, 0x08,
	'\\', '_',	'S',
	'5',  '_',  0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00,
};

static void test_dsdt(void **state)
{
	(void)state;
	struct acpi_tables t;
	build(2, &t);
	const uint8_t *d = table(&t.dsdt, "DSDT", 2);
	assert_int_equal(t.dsdt.len, 36 + sizeof(dsdt_aml));
	assert_memory_equal(d + 36, dsdt_aml, sizeof(dsdt_aml));
	uint8_t small[sizeof(dsdt_aml)];
	assert_int_equal(acpi_dsdt_aml(small, sizeof(small)), sizeof(dsdt_aml));
	assert_int_equal(acpi_dsdt_aml(small, sizeof(small) - 1), -1);
}

static void test_refusals(void **state)
{
	(void)state;
	struct acpi_tables t;
	assert_int_equal(acpi_tables_build(area, sizeof(area), AREA_GPA, 0, &t, why, sizeof(why)),
			 -1);
	assert_int_equal(acpi_tables_build(area, sizeof(area), AREA_GPA, ACPI_MAX_VPS + 1, &t, why,
					   sizeof(why)),
			 -1);
	assert_int_equal(
		acpi_tables_build(area, sizeof(area), AREA_GPA + 8, 1, &t, why, sizeof(why)), -1);
	assert_int_equal(acpi_tables_build(area, 400, AREA_GPA, 1, &t, why, sizeof(why)), -1);
	assert_string_equal(why, "ACPI tables: 400 bytes are too few for 1 VPs");
	assert_int_equal(acpi_tables_build(area, 600, AREA_GPA, 1, &t, why, sizeof(why)), -1);
	assert_string_equal(why, "ACPI tables: no room for the DSDT in 600 bytes");
	assert_int_equal(acpi_tables_build(area, sizeof(area), AREA_GPA, ACPI_MAX_VPS, &t, why,
					   sizeof(why)),
			 0);
}

/* ---- the emitter ---- */

static void test_aml_integers_names(void **state)
{
	(void)state;
	uint8_t b[128];
	struct aml a;
	aml_init(&a, b, sizeof(b));
	aml_integer(&a, 0);
	aml_integer(&a, 1);
	aml_integer(&a, 0xff);
	aml_integer(&a, 0x100);
	aml_integer(&a, 0x10000);
	aml_integer(&a, 0x100000000ull);
	aml_name(&a, "A");
	aml_name(&a, "\\_SB.PCI0");
	aml_name(&a, "\\_SB.PCI0.ISA");
	static const uint8_t want[] = {
		0x00, 0x01, 0x0a, 0xff, 0x0b, 0x00, 0x01, 0x0c, 0x00, 0x00, 0x01, 0x00, 0x0e, 0,
		0,    0,    0,	  1,	0,    0,    0,	  0x08, 'A',  '_',  '_',  '_',	0x08, '\\',
		0x2e, '_',  'S',  'B',	'_',  'P',  'C',  'I',	'0',  0x08, '\\', 0x2f, 3,    '_',
		'S',  'B',  '_',  'P',	'C',  'I',  '0',  'I',	'S',  'A',  '_',
	};
	assert_int_equal(aml_finish(&a), sizeof(want));
	assert_memory_equal(b, want, sizeof(want));
}

/* PkgLength: one byte to 63, then a lead byte with the count of bytes that follow. */
static void test_aml_pkglength(void **state)
{
	(void)state;
	static uint8_t b[8192];
	static const size_t bodies[] = { 62, 63, 4093, 4094 };
	static const size_t enc[] = { 1, 2, 2, 3 };
	for (int c = 0; c < 4; c++) {
		struct aml a;
		aml_init(&a, b, sizeof(b));
		aml_package(&a, 0); /* count byte: body 1 */
		for (size_t i = 1; i < bodies[c]; i++)
			aml_integer(&a, 0);
		aml_close(&a);
		size_t total = bodies[c] + enc[c];
		assert_int_equal(aml_finish(&a), 1 + total);
		size_t decoded = enc[c] == 1 ? b[1] : (b[1] & 0xf);
		for (size_t i = 1; i < enc[c]; i++)
			decoded |= (size_t)b[1 + i] << (4 + 8 * (i - 1));
		assert_int_equal(b[1] >> 6, enc[c] - 1);
		assert_int_equal(decoded, total);
		assert_int_equal(b[1 + enc[c]], 0); /* the count byte moved behind it */
	}
}

static void test_aml_errors(void **state)
{
	(void)state;
	uint8_t b[16];
	struct aml a;
	static const char *bad_names[] = { "",	"TOOLONG",  "1ABC",
					   "a", "\\_SB..X", "A.B.C.D.E.F.G.H.I" };
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		uint8_t big[64];
		aml_init(&a, big, sizeof(big));
		aml_name(&a, bad_names[i]);
		if (aml_finish(&a) != -1)
			fail_msg("name \"%s\" accepted", bad_names[i]);
	}
	aml_init(&a, b, sizeof(b));
	aml_string(&a, "far too long for sixteen bytes");
	assert_int_equal(aml_finish(&a), -1);
	aml_init(&a, b, sizeof(b));
	aml_scope(&a, "X");
	assert_int_equal(aml_finish(&a), -1); /* still open */
	aml_init(&a, b, sizeof(b));
	aml_close(&a);
	assert_int_equal(aml_finish(&a), -1); /* nothing open */
	aml_init(&a, b, sizeof(b));
	aml_eisa_id(&a, "pnp0501");
	assert_int_equal(aml_finish(&a), -1);
	aml_init(&a, b, sizeof(b));
	aml_eisa_id(&a, "PNP05G1");
	assert_int_equal(aml_finish(&a), -1);
	aml_init(&a, b, sizeof(b));
	for (int i = 0; i <= AML_DEPTH_MAX; i++)
		aml_package(&a, 0);
	assert_int_equal(aml_finish(&a), -1);
	/* A close that needs a second PkgLength byte with the buffer exactly full. */
	uint8_t full[65];
	aml_init(&a, full, sizeof(full));
	aml_package(&a, 0);
	for (int i = 0; i < 63; i++)
		aml_integer(&a, 0);
	aml_close(&a);
	assert_int_equal(aml_finish(&a), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsdp_xsdt),     cmocka_unit_test(test_fadt),
		cmocka_unit_test(test_madt),	      cmocka_unit_test(test_dsdt),
		cmocka_unit_test(test_refusals),      cmocka_unit_test(test_aml_integers_names),
		cmocka_unit_test(test_aml_pkglength), cmocka_unit_test(test_aml_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
