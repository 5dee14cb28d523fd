/* SPDX-License-Identifier: MIT */
/* The child's CMOS clock (rootpart/vmwp/cmos_rtc.c): the time of a known instant in BCD and in
 * binary, 12- and 24-hour, the status registers Linux's mc146818 code waits on, the NMI bit of
 * the index, plain CMOS RAM, and time writes that change nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cmos_rtc.h"

#define NOW 1796651001 /* 2026-12-07 (Monday) 13:43:21 UTC */

static uint8_t reg(struct cmos_rtc *c, uint8_t index)
{
	cmos_rtc_write(c, CMOS_INDEX_PORT, index);
	return cmos_rtc_read(c, CMOS_DATA_PORT, NOW);
}

static void put(struct cmos_rtc *c, uint8_t index, uint8_t v)
{
	cmos_rtc_write(c, CMOS_INDEX_PORT, index);
	cmos_rtc_write(c, CMOS_DATA_PORT, v);
}

static void test_bcd_24h(void **state)
{
	struct cmos_rtc c;
	(void)state;
	cmos_rtc_init(&c);
	assert_true(cmos_rtc_port(0x70) && cmos_rtc_port(0x71) && !cmos_rtc_port(0x72));
	assert_int_equal(reg(&c, 0x00), 0x21);
	assert_int_equal(reg(&c, 0x02), 0x43);
	assert_int_equal(reg(&c, 0x04), 0x13);
	assert_int_equal(reg(&c, 0x06), 0x02); /* Monday: Sunday is 1 */
	assert_int_equal(reg(&c, 0x07), 0x07);
	assert_int_equal(reg(&c, 0x08), 0x12);
	assert_int_equal(reg(&c, 0x09), 0x26);
	assert_int_equal(reg(&c, 0x32), 0x20);
	assert_int_equal(reg(&c, 0x0a) & 0x80, 0); /* never "update in progress" */
	assert_int_equal(reg(&c, 0x0b), 0x02);
	assert_int_equal(reg(&c, 0x0c), 0);
	assert_int_equal(reg(&c, 0x0d), 0x80); /* valid */
	assert_int_equal(reg(&c, 0x80 | 0x04), 0x13); /* NMI-mask bit of the index ignored */
	assert_int_equal(cmos_rtc_read(&c, CMOS_INDEX_PORT, NOW), 0xff);
}

static void test_binary_12h(void **state)
{
	struct cmos_rtc c;
	(void)state;
	cmos_rtc_init(&c);
	put(&c, 0x0b, 0x04); /* binary, 12-hour */
	assert_int_equal(reg(&c, 0x00), 21);
	assert_int_equal(reg(&c, 0x04), 0x80 | 1); /* 1 PM */
	assert_int_equal(reg(&c, 0x09), 26);
	put(&c, 0x0b, 0x00); /* BCD, 12-hour */
	assert_int_equal(reg(&c, 0x04), 0x81);
	cmos_rtc_write(&c, CMOS_INDEX_PORT, 0x04);
	assert_int_equal(cmos_rtc_read(&c, CMOS_DATA_PORT, NOW - 13 * 3600), 0x12); /* midnight */
	put(&c, 0x0b, 0xff); /* interrupt enables are not kept */
	assert_int_equal(reg(&c, 0x0b), 0x86);
}

static void test_ram_and_writes(void **state)
{
	struct cmos_rtc c;
	(void)state;
	cmos_rtc_init(&c);
	put(&c, 0x00, 0x59); /* the time is the root's */
	put(&c, 0x0a, 0xa6);
	put(&c, 0x0d, 0x00);
	assert_int_equal(reg(&c, 0x00), 0x21);
	assert_int_equal(reg(&c, 0x0a), 0x26);
	assert_int_equal(reg(&c, 0x0d), 0x80);
	put(&c, 0x01, 0x33); /* the alarm registers are plain storage (no alarm fires) */
	assert_int_equal(reg(&c, 0x01), 0x33);
	put(&c, 0x10, 0x5a);
	put(&c, 0x7f, 0xa5);
	assert_int_equal(reg(&c, 0x10), 0x5a);
	assert_int_equal(reg(&c, 0x7f), 0xa5);
	assert_int_equal(reg(&c, 0x11), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bcd_24h),
		cmocka_unit_test(test_binary_12h),
		cmocka_unit_test(test_ram_and_writes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
