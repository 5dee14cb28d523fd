/* SPDX-License-Identifier: MIT */
/* Unit tests of the worker's report pacing (rootpart/vmwp/report_pacer.c): a device state
 * change is reported at once when the last report is at least 100 ms old, after the rest of
 * the 100 ms otherwise; unchanged states never cause a report; every report (heartbeats too)
 * sets the baseline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report_pacer.h"

static const uint8_t offered[] = { 2, 0x81, 0x81, 0x81, 0 };
static const uint8_t opened[] = { 3, 0x81, 0x81, 0x81, 0 };
static const uint8_t running[] = { 3, 0x83, 0x84, 0x83, 0 };

static void test_unchanged_is_quiet(void **state)
{
	(void)state;
	struct report_pacer p = { 0 };
	/* Before any report: nothing extra (the first report carries the states anyway). */
	assert_int_equal(report_pacer_due(&p, opened, sizeof(opened), 5), -1);
	report_pacer_sent(&p, offered, sizeof(offered), 1000);
	assert_int_equal(report_pacer_due(&p, offered, sizeof(offered), 1001), -1);
	assert_int_equal(report_pacer_due(&p, offered, sizeof(offered), 999999), -1);
}

static void test_change_now_or_paced(void **state)
{
	(void)state;
	struct report_pacer p = { 0 };
	report_pacer_sent(&p, offered, sizeof(offered), 1000);
	/* 30 ms after the last report: wait the other 70 ms. */
	assert_int_equal(report_pacer_due(&p, opened, sizeof(opened), 1030), 70);
	/* 100 ms or more after it: now. */
	assert_int_equal(report_pacer_due(&p, opened, sizeof(opened), 1100), 0);
	assert_int_equal(report_pacer_due(&p, opened, sizeof(opened), 3000), 0);
	/* Sent: the new baseline, and the next change is paced from this report. */
	report_pacer_sent(&p, opened, sizeof(opened), 1100);
	assert_int_equal(report_pacer_due(&p, opened, sizeof(opened), 1101), -1);
	assert_int_equal(report_pacer_due(&p, running, sizeof(running), 1101), 99);
	/* A flapping channel that comes back to what was reported needs no report. */
	assert_int_equal(report_pacer_due(&p, opened, sizeof(opened), 1150), -1);
}

static void test_heartbeat_sets_baseline(void **state)
{
	(void)state;
	struct report_pacer p = { 0 };
	report_pacer_sent(&p, offered, sizeof(offered), 0);
	/* The heartbeat report already carried the change: nothing extra. */
	report_pacer_sent(&p, running, sizeof(running), 2000);
	assert_int_equal(report_pacer_due(&p, running, sizeof(running), 2010), -1);
}

static void test_device_count_and_clock(void **state)
{
	(void)state;
	struct report_pacer p = { 0 };
	report_pacer_sent(&p, offered, sizeof(offered), 500);
	/* The VMBus server went (no states): a change too. */
	assert_int_equal(report_pacer_due(&p, offered, 0, 700), 0);
	/* A clock behind the last report waits the full interval, never underflows. */
	assert_int_equal(report_pacer_due(&p, opened, sizeof(opened), 400), 100);
	/* Longer keys than the pacer keeps are compared on their first REPORT_PACER_MAX_KEY. */
	uint8_t big[REPORT_PACER_MAX_KEY + 8] = { 0 };
	report_pacer_sent(&p, big, sizeof(big), 1000);
	big[REPORT_PACER_MAX_KEY + 1] = 1;
	assert_int_equal(report_pacer_due(&p, big, sizeof(big), 2000), -1);
	big[0] = 1;
	assert_int_equal(report_pacer_due(&p, big, sizeof(big), 2000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unchanged_is_quiet),
		cmocka_unit_test(test_change_now_or_paced),
		cmocka_unit_test(test_heartbeat_sets_baseline),
		cmocka_unit_test(test_device_count_and_clock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
