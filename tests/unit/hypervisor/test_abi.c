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
	assert_int_equal(sizeof(struct hv_stats), 392);
	assert_int_equal(offsetof(struct hv_stats, uptime_ns), 8);
	assert_int_equal(offsetof(struct hv_stats, total_exits), 24);
	assert_int_equal(offsetof(struct hv_stats, mem_base), 40);
	assert_int_equal(offsetof(struct hv_stats, cpus), 72);
	assert_int_equal(offsetof(struct hv_stats, exits), 80);
	assert_int_equal(offsetof(struct hv_stats, partitions), 336);
	assert_int_equal(offsetof(struct hv_stats, child_exits), 360);
	assert_true(HV_EXIT_REASON_COUNT <= HV_STATS_MAX_EXIT_REASONS);
}

/* The SynIC structures keep the TLFS's layout (a Hyper-V guest reads and writes them). */
static void test_synic_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct hv_synic_message), 256);
	assert_int_equal(offsetof(struct hv_synic_message, payload_size), 4);
	assert_int_equal(offsetof(struct hv_synic_message, flags), 5);
	assert_int_equal(offsetof(struct hv_synic_message, sender), 8);
	assert_int_equal(offsetof(struct hv_synic_message, payload), 16);
	assert_int_equal(offsetof(struct hv_post_message_in, payload_size), 12);
	assert_int_equal(offsetof(struct hv_post_message_in, payload), 16);
	assert_int_equal(offsetof(struct hv_post_message_direct_in, sint), 16);
	assert_int_equal(offsetof(struct hv_post_message_direct_in, message), 20);
	assert_int_equal(offsetof(struct hv_signal_event_direct_in, flag_number), 14);
	assert_int_equal(HV_CALL_SIGNAL_EVENT_DIRECT, 0xc0);
	assert_int_equal(HV_CALL_POST_MESSAGE_DIRECT, 0xc1);
	assert_int_equal(HV_SYNIC_MSR_SINT0, 0x40000090);
	assert_true(HV_RUN_MESSAGE_OFFSET >= sizeof(struct hv_run_vp_exit));
	assert_true(HV_RUN_MESSAGE_OFFSET + sizeof(struct hv_post_message_in) <= 4096);
	assert_int_equal(offsetof(struct hv_run_vp_exit, connection_id), 56);
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
		cmocka_unit_test(test_synic_layout),
		cmocka_unit_test(test_codes_and_identity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
