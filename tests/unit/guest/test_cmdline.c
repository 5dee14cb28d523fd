/* SPDX-License-Identifier: MIT */
/* The test guest's pure logic on the host: the boot-info check the guest runs first, its
 * command-line parser, the memory-scan pattern and ranges, and boot.h's layout (what the worker
 * writes must land where the guest reads it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "cmdline.h"

static struct tg_boot_info good_info(const char *cmdline)
{
	struct tg_boot_info bi;
	memset(&bi, 0, sizeof(bi));
	bi.magic = TG_BOOT_MAGIC;
	bi.version = TG_BOOT_VERSION;
	bi.size = sizeof(bi);
	bi.ram_bytes = 16ull << 20;
	bi.vp_count = 1;
	bi.partition_id = 7;
	strcpy(bi.cmdline, cmdline);
	return bi;
}

static void test_boot_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct tg_boot_info), 1152);
	assert_int_equal(offsetof(struct tg_boot_info, partition_id), 32);
	assert_int_equal(offsetof(struct tg_boot_info, cmdline), 128);
	assert_memory_equal(&(uint64_t){ TG_BOOT_MAGIC }, "TESTBOOT", 8);
	assert_int_equal(TG_POWEROFF_VALUE, 0x34);
	assert_int_equal(TG_STACK_TOP - TG_STACK_BASE, 0x10000);
	assert_true(TG_STACK_TOP <= TG_BOOT_INFO_GPA);
	assert_true(TG_BOOT_INFO_GPA + 4096 <= TG_IMAGE_BASE);
	/* GDT descriptors: 64-bit code (L set, D clear), present, DPL 0 */
	assert_int_equal(TG_GDT_CODE64 >> 53 & 1, 1);
	assert_int_equal(TG_GDT_CODE64 >> 54 & 1, 0);
	assert_int_equal(TG_GDT_CODE64 >> 40 & 0xff, 0x9a);
	assert_int_equal(TG_GDT_DATA >> 40 & 0xff, 0x92);
	/* the packed attributes say what the descriptors say (plus the accessed bit) */
	assert_int_equal((TG_GDT_CODE64 >> 40 & 0xff) | (TG_GDT_CODE64 >> 44 & 0xf00) | 1,
			 TG_SEG_ATTR_CODE64);
	assert_int_equal((TG_GDT_DATA >> 40 & 0xff) | (TG_GDT_DATA >> 44 & 0xf00) | 1,
			 TG_SEG_ATTR_DATA);
	assert_int_equal(TG_BOOT_CR0 & 0x80000001, 0x80000001);
	assert_int_equal(TG_BOOT_EFER & 0x500, 0x500);
}

static void test_boot_info_problem(void **state)
{
	(void)state;
	struct tg_boot_info bi = good_info("check=hello");
	assert_null(tg_boot_info_problem(&bi));
	bi.magic++;
	assert_non_null(tg_boot_info_problem(&bi));
	bi = good_info("x");
	bi.version = 2;
	assert_non_null(tg_boot_info_problem(&bi));
	bi = good_info("x");
	bi.ram_bytes = 4ull << 20; /* below the minimum */
	assert_non_null(tg_boot_info_problem(&bi));
	bi.ram_bytes = (16ull << 20) + 4096; /* not 2 MiB aligned */
	assert_non_null(tg_boot_info_problem(&bi));
	bi.ram_bytes = TG_RAM_MAX + TG_RAM_ALIGN;
	assert_non_null(tg_boot_info_problem(&bi));
	bi = good_info("x");
	bi.vp_count = 0;
	assert_non_null(tg_boot_info_problem(&bi));
	bi = good_info("x");
	memset(bi.cmdline, 'a', sizeof(bi.cmdline)); /* no NUL */
	assert_non_null(tg_boot_info_problem(&bi));
	bi.cmdline[TG_CMDLINE_MAX - 1] = 0; /* the longest allowed */
	assert_null(tg_boot_info_problem(&bi));
	bi = good_info("check=hello\n");
	assert_non_null(tg_boot_info_problem(&bi));
}

static void test_cmdline_get(void **state)
{
	char v[16];
	(void)state;
	assert_true(tg_cmdline_get("check=memscan fresh=1", "check", v, sizeof(v)));
	assert_string_equal(v, "memscan");
	assert_true(tg_cmdline_get("  check=memscan   fresh=1  ", "fresh", v, sizeof(v)));
	assert_string_equal(v, "1");
	assert_false(tg_cmdline_get("check=memscan", "chec", v, sizeof(v)));
	assert_false(tg_cmdline_get("checks=memscan", "check", v, sizeof(v)));
	assert_false(tg_cmdline_get("xcheck=memscan", "check", v, sizeof(v)));
	assert_false(tg_cmdline_get("", "check", v, sizeof(v)));
	assert_false(tg_cmdline_get("check=x", "", v, sizeof(v)));
	assert_true(tg_cmdline_get("verbose check=a", "verbose", v, sizeof(v)));
	assert_string_equal(v, "");
	assert_true(tg_cmdline_get("check= x", "check", v, sizeof(v)));
	assert_string_equal(v, "");
	assert_true(tg_cmdline_get("check=a check=b", "check", v, sizeof(v)));
	assert_string_equal(v, "b");
	assert_true(tg_cmdline_get("gpa=a=b", "gpa", v, sizeof(v)));
	assert_string_equal(v, "a=b");
	/* a value that does not fit is refused, never truncated */
	assert_false(tg_cmdline_get("check=0123456789abcdef", "check", v, sizeof(v)));
	assert_true(tg_cmdline_get("check=0123456789abcde", "check", v, sizeof(v)));
	assert_false(tg_cmdline_get("check=x", "check", v, 0));
}

static void test_parse_u64(void **state)
{
	uint64_t v;
	(void)state;
	assert_true(tg_parse_u64("0", &v) && v == 0);
	assert_true(tg_parse_u64("1234", &v) && v == 1234);
	assert_true(tg_parse_u64("0x10000000000", &v) && v == 1ull << 40);
	assert_true(tg_parse_u64("0XfFfF", &v) && v == 0xffff);
	assert_true(tg_parse_u64("1T", &v) && v == 1ull << 40);
	assert_true(tg_parse_u64("16M", &v) && v == 16ull << 20);
	assert_true(tg_parse_u64("4K", &v) && v == 4096);
	assert_true(tg_parse_u64("2G", &v) && v == 2ull << 30);
	assert_true(tg_parse_u64("18446744073709551615", &v) && v == UINT64_MAX);
	assert_true(tg_parse_u64("0xffffffffffffffff", &v) && v == UINT64_MAX);
	assert_false(tg_parse_u64("18446744073709551616", &v));
	assert_false(tg_parse_u64("0x10000000000000000", &v));
	assert_false(tg_parse_u64("16777216T", &v)); /* 2^24 << 40 overflows */
	assert_false(tg_parse_u64("", &v));
	assert_false(tg_parse_u64("0x", &v));
	assert_false(tg_parse_u64("12a", &v));
	assert_false(tg_parse_u64("1MM", &v));
	assert_false(tg_parse_u64("-1", &v));
	assert_false(tg_parse_u64("M", &v));
}

static void test_cmdline_u64(void **state)
{
	uint64_t v = 42;
	(void)state;
	assert_true(tg_cmdline_u64("check=peek gpa=0x100000000", "gpa", &v));
	assert_int_equal(v, 1ull << 32);
	assert_true(tg_cmdline_u64("passes=2", "passes", &v) && v == 2);
	v = 42;
	assert_false(tg_cmdline_u64("gpa=banana", "gpa", &v));
	assert_false(tg_cmdline_u64("gpa", "gpa", &v));
	assert_false(tg_cmdline_u64("check=peek", "gpa", &v));
	assert_false(tg_cmdline_u64("gpa=0x1234567890123456789012345678901234567890", "gpa", &v));
	assert_int_equal(v, 42); /* untouched on failure */
}

static void test_pattern(void **state)
{
	(void)state;
	/* distinct over a page and its neighbour, never 0 or the address, pass-dependent */
	enum {
		WORDS = 2 * 4096 / 8
	};
	uint64_t *seen = calloc(WORDS, sizeof(uint64_t));
	assert_non_null(seen);
	for (uint64_t i = 0; i < WORDS; i++) {
		uint64_t a = 0x400000 + i * 8;
		seen[i] = tg_pattern(a, 0);
		assert_true(seen[i] != 0 && seen[i] != a);
		assert_true(tg_pattern(a, 1) != seen[i]);
		assert_true(tg_pattern(a, 0) == seen[i]); /* deterministic */
		for (uint64_t j = 0; j < i; j++)
			assert_true(seen[j] != seen[i]);
	}
	free(seen);
	/* the same page offset in other pages, and addresses high and low */
	assert_true(tg_pattern(0x1000, 0) != tg_pattern(0x2000, 0));
	assert_true(tg_pattern(0, 0) != 0);
	assert_true(tg_pattern(TG_RAM_MAX - 8, 0) != tg_pattern(TG_RAM_MAX - 16, 0));
}

static void test_scan_ranges(void **state)
{
	struct tg_range r[2];
	(void)state;
	assert_int_equal(tg_scan_ranges(16ull << 20, 0x20d123, r, 2), 2);
	assert_int_equal(r[0].base, TG_LOW_FREE_BASE);
	assert_int_equal(r[0].end, TG_LOW_FREE_END);
	assert_int_equal(r[1].base, 0x20e000);
	assert_int_equal(r[1].end, 16ull << 20);
	assert_int_equal(tg_scan_ranges(16ull << 20, 0x20e000, r, 2), 2);
	assert_int_equal(r[1].base, 0x20e000);
	/* nonsense in, nothing out */
	assert_int_equal(tg_scan_ranges(16ull << 20, 0x20e000, r, 1), 0);
	assert_int_equal(tg_scan_ranges(4ull << 20, 0x20e000, r, 2), 0);
	assert_int_equal(tg_scan_ranges(16ull << 20, 0x500000, r, 2), 0);
	assert_int_equal(tg_scan_ranges(16ull << 20, 0x100000, r, 2), 0);
	assert_int_equal(tg_scan_ranges((16ull << 20) + 8, 0x20e000, r, 2), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_layout), cmocka_unit_test(test_boot_info_problem),
		cmocka_unit_test(test_cmdline_get), cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_cmdline_u64), cmocka_unit_test(test_pattern),
		cmocka_unit_test(test_scan_ranges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
