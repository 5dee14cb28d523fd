/* SPDX-License-Identifier: MIT */
/* abi.h from user space: it compiles with only <stdint.h>, and its wire layout (what
 * docs/hypercalls.md documents) does not change by accident. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "hv/abi.h"

static void test_stats_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct hv_stats), 360);
	assert_int_equal(offsetof(struct hv_stats, uptime_ns), 8);
	assert_int_equal(offsetof(struct hv_stats, total_exits), 24);
	assert_int_equal(offsetof(struct hv_stats, mem_base), 40);
	assert_int_equal(offsetof(struct hv_stats, cpus), 72);
	assert_int_equal(offsetof(struct hv_stats, exits), 80);
	assert_true(HV_EXIT_REASON_COUNT <= HV_STATS_MAX_EXIT_REASONS);
}

static void test_read_log_layout(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct hv_read_log_out, end), 8);
	assert_int_equal(offsetof(struct hv_read_log_out, length), 16);
	assert_int_equal(HV_READ_LOG_MAX + sizeof(struct hv_read_log_out), 4096);
}

static void test_codes_and_identity(void **state)
{
	(void)state;
	/* private calls stay out of the TLFS's ranges */
	assert_true(HV_CALL_GET_STATS >= 0x8100 && HV_CALL_READ_LOG >= 0x8100);
	assert_int_equal(HV_CALL_POST_MESSAGE, 0x5c);
	assert_int_equal(HV_CALL_SIGNAL_EVENT, 0x5d);
	uint32_t regs[3] = { HV_IDENT_EBX, HV_IDENT_ECX, HV_IDENT_EDX };
	assert_memory_equal(regs, HV_IDENT_SIGNATURE, 12);
	assert_int_equal(HV_HC_FAST, 1u << 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_layout),
		cmocka_unit_test(test_read_log_layout),
		cmocka_unit_test(test_codes_and_identity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
