/* SPDX-License-Identifier: MIT */
/* Unit tests of the sleep guard's PM1 port selection from the FADT (hypervisor/efi/fadt_pm1.c):
 * a table of FADTs (32-bit fields only, X_ only, both equal, both different, X_ in memory
 * space, short tables, ports out of range) and the ports the guard must intercept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "fadt_pm1.h"

#define FADT_LEN_V6 276
#define SPACE_MEM   0

/* One register's FADT fields: the 32-bit one and the X_ GAS (space id, address). */
struct reg {
	uint32_t legacy;
	uint8_t x_space;
	uint64_t x;
};

struct tcase {
	const char *name;
	uint32_t len;
	struct reg cnt_a, cnt_b, evt_a, evt_b;
	const char *why;	       /* expected reason substring, NULL: guard on */
	uint16_t cnt[2][2], sts[2][2]; /* expected ports */
};

static void put32(uint8_t *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

static void put_reg(uint8_t *f, uint32_t off32, uint32_t off_x, const struct reg *r)
{
	put32(f + off32, r->legacy);
	f[off_x] = r->x_space;
	f[off_x + 1] = 16; /* bit width */
	put32(f + off_x + 4, (uint32_t)r->x);
	put32(f + off_x + 8, (uint32_t)(r->x >> 32));
}

#define IO ACPI_SPACE_IO
static const struct tcase cases[] = {
	{ "32-bit only (ACPI 1.0 sized FADT)",
	  116,
	  { 0x604, 0, 0 },
	  { 0, 0, 0 },
	  { 0x600, 0, 0 },
	  { 0, 0, 0 },
	  NULL,
	  { { 0x604, 0 }, { 0, 0 } },
	  { { 0x600, 0 }, { 0, 0 } } },
	{ "32-bit only, X_ fields zero",
	  FADT_LEN_V6,
	  { 0x604, 0, 0 },
	  { 0x644, 0, 0 },
	  { 0x600, 0, 0 },
	  { 0x640, 0, 0 },
	  NULL,
	  { { 0x604, 0 }, { 0x644, 0 } },
	  { { 0x600, 0 }, { 0x640, 0 } } },
	{ "X_ only",
	  FADT_LEN_V6,
	  { 0, IO, 0xb004 },
	  { 0, 0, 0 },
	  { 0, IO, 0xb000 },
	  { 0, 0, 0 },
	  NULL,
	  { { 0xb004, 0 }, { 0, 0 } },
	  { { 0xb000, 0 }, { 0, 0 } } },
	{ "both equal",
	  FADT_LEN_V6,
	  { 0x604, IO, 0x604 },
	  { 0, 0, 0 },
	  { 0x600, IO, 0x600 },
	  { 0, 0, 0 },
	  NULL,
	  { { 0x604, 0 }, { 0, 0 } },
	  { { 0x600, 0 }, { 0, 0 } } },
	{ "both different: X_ first, the 32-bit port guarded too",
	  FADT_LEN_V6,
	  { 0x604, IO, 0xb004 },
	  { 0x644, IO, 0xb044 },
	  { 0x600, IO, 0xb000 },
	  { 0, IO, 0xb040 },
	  NULL,
	  { { 0xb004, 0x604 }, { 0xb044, 0x644 } },
	  { { 0xb000, 0x600 }, { 0xb040, 0 } } },
	{ "X_PM1a_CNT in memory space",
	  FADT_LEN_V6,
	  { 0x604, SPACE_MEM, 0xfed80004 },
	  { 0, 0, 0 },
	  { 0x600, IO, 0x600 },
	  { 0, 0, 0 },
	  "not in I/O space",
	  { { 0 } },
	  { { 0 } } },
	{ "X_PM1a_EVT in memory space",
	  FADT_LEN_V6,
	  { 0x604, IO, 0x604 },
	  { 0, 0, 0 },
	  { 0x600, SPACE_MEM, 0xfed80000 },
	  { 0, 0, 0 },
	  "not in I/O space",
	  { { 0 } },
	  { { 0 } } },
	{ "memory space id with a zero X_ address is unused",
	  FADT_LEN_V6,
	  { 0x604, SPACE_MEM, 0 },
	  { 0, 0, 0 },
	  { 0x600, 0, 0 },
	  { 0, 0, 0 },
	  NULL,
	  { { 0x604, 0 }, { 0, 0 } },
	  { { 0x600, 0 }, { 0, 0 } } },
	{ "short FADT: X_PM1a_CNT cut off, only the 32-bit fields count",
	  180,
	  { 0x604, IO, 0xb004 },
	  { 0, 0, 0 },
	  { 0x600, IO, 0xb000 },
	  { 0, 0, 0 },
	  NULL,
	  { { 0x604, 0 }, { 0, 0 } },
	  { { 0xb000, 0x600 }, { 0, 0 } } },
	{ "short FADT: no room for the PM1 fields",
	  64,
	  { 0x604, 0, 0 },
	  { 0, 0, 0 },
	  { 0x600, 0, 0 },
	  { 0, 0, 0 },
	  "too short",
	  { { 0 } },
	  { { 0 } } },
	{ "no PM1a control block",
	  FADT_LEN_V6,
	  { 0, 0, 0 },
	  { 0, 0, 0 },
	  { 0x600, 0, 0 },
	  { 0, 0, 0 },
	  "no PM1a control block",
	  { { 0 } },
	  { { 0 } } },
	{ "X_ I/O address beyond 0xfffe",
	  FADT_LEN_V6,
	  { 0x604, IO, 0x10004 },
	  { 0, 0, 0 },
	  { 0x600, 0, 0 },
	  { 0, 0, 0 },
	  "beyond the I/O port range",
	  { { 0 } },
	  { { 0 } } },
	{ "X_ I/O address 0xffff (its second byte would wrap to port 0)",
	  FADT_LEN_V6,
	  { 0x604, IO, 0xffff },
	  { 0, 0, 0 },
	  { 0x600, 0, 0 },
	  { 0, 0, 0 },
	  "beyond the I/O port range",
	  { { 0 } },
	  { { 0 } } },
	{ "32-bit field beyond the port range, no X_",
	  FADT_LEN_V6,
	  { 0x10604, 0, 0 },
	  { 0, 0, 0 },
	  { 0x600, 0, 0 },
	  { 0, 0, 0 },
	  "beyond the I/O port range",
	  { { 0 } },
	  { { 0 } } },
	{ "junk 32-bit field beside a valid X_: X_ only",
	  FADT_LEN_V6,
	  { 0x10604, IO, 0xb004 },
	  { 0, 0, 0 },
	  { 0x600, 0, 0 },
	  { 0, 0, 0 },
	  NULL,
	  { { 0xb004, 0 }, { 0, 0 } },
	  { { 0x600, 0 }, { 0, 0 } } },
};

static void run_case(const struct tcase *c)
{
	/* The table sits at an odd address: the parser must not rely on alignment. */
	static uint8_t buf[FADT_LEN_V6 + 1];
	uint8_t *f = buf + 1;
	memset(buf, 0, sizeof(buf));
	memcpy(f, "FACP", 4);
	put32(f + 4, c->len);
	put_reg(f, FADT_PM1A_CNT, FADT_X_PM1A_CNT, &c->cnt_a);
	put_reg(f, FADT_PM1B_CNT, FADT_X_PM1B_CNT, &c->cnt_b);
	put_reg(f, FADT_PM1A_EVT, FADT_X_PM1A_EVT, &c->evt_a);
	put_reg(f, FADT_PM1B_EVT, FADT_X_PM1B_EVT, &c->evt_b);
	struct hv_pm1_ports p;
	memset(&p, 0xa5, sizeof(p));
	const char *why = hv_fadt_pm1(f, c->len, &p);
	print_message("case: %s -> %s\n", c->name, why ? why : "guarded");
	if (c->why) {
		assert_non_null(why);
		assert_non_null(strstr(why, c->why));
	} else {
		assert_null(why);
	}
	assert_memory_equal(p.cnt, c->cnt, sizeof(p.cnt));
	assert_memory_equal(p.sts, c->sts, sizeof(p.sts));
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

/* The parser reads nothing past len: a FADT that ends right after the 32-bit fields, placed
 * at the end of a heap block, is read under ASan without an overflow. */
static void test_reads_within_len(void **state)
{
	(void)state;
	uint32_t len = FADT_PM1B_CNT + 4;
	uint8_t *f = calloc(1, len);
	put32(f + 4, len);
	put32(f + FADT_PM1A_CNT, 0x604);
	put32(f + FADT_PM1A_EVT, 0x600);
	struct hv_pm1_ports p;
	assert_null(hv_fadt_pm1(f, len, &p));
	assert_int_equal(p.cnt[0][0], 0x604);
	assert_int_equal(p.sts[0][0], 0x600);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_reads_within_len),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
