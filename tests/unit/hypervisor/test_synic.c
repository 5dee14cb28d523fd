/* SPDX-License-Identifier: MIT */
/* Unit tests of a child's SynIC (hypervisor/core/synic.c) on the host: its MSRs, the root's
 * messages into slots and the queue behind them, EOM, event flags, the vector to inject, the
 * connection table, and the checks of a child's HvPostMessage / HvSignalEvent. The child's RAM
 * and the lookups are synic_host.c's stand-ins. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "synic_host.h"

#define SIMP_GPA  0x2000ull
#define SIEFP_GPA 0x3000ull
#define RO_GPA	  ((SH_PAGES - 1ull) * PAGE_SIZE)

static int setup(void **state)
{
	(void)state;
	synic_host_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	synic_host_free();
	return 0;
}

/* The child enables its SynIC as Linux does: pages, SINT 2 -> 0xf3, SCONTROL. */
static void enable(void)
{
	assert_true(synic_msr_write(sh.vp, HV_SYNIC_MSR_SIMP, SIMP_GPA | 1));
	assert_true(synic_msr_write(sh.vp, HV_SYNIC_MSR_SIEFP, SIEFP_GPA | 1));
	assert_true(synic_msr_write(sh.vp, HV_SYNIC_MSR_SINT0 + 2, 0xf3));
	assert_true(synic_msr_write(sh.vp, HV_SYNIC_MSR_SCONTROL, 1));
}

static struct hv_synic_message *slot(u32 sint)
{
	return (struct hv_synic_message *)(sh.ram + SIMP_GPA) + sint;
}

static u64 post(u32 sint, u32 type, u32 size, const char *text)
{
	struct hv_post_message_direct_in in;
	memset(&in, 0, sizeof(in));
	in.partition_id = SH_CHILD_ID;
	in.sint = sint;
	in.message.message_type = type;
	in.message.payload_size = (u8)size;
	memcpy(in.message.payload, text, strlen(text));
	return hv_call_post_message_direct(&in);
}

static u64 signal_flag(u8 sint, u16 flag, u8 *newly)
{
	struct hv_signal_event_direct_in in = { .partition_id = SH_CHILD_ID,
						.sint = sint,
						.flag_number = flag };
	struct hv_signal_event_direct_out out;
	u64 st = hv_call_signal_event_direct(&in, &out);
	*newly = out.newly_signaled;
	return st;
}

static u64 connect(u32 first, u32 count, u32 type)
{
	struct hv_connection_in in = {
		.partition_id = SH_CHILD_ID, .connection_id = first, .count = count, .type = type
	};
	return hv_call_set_connection(&in);
}

static void test_msrs(void **state)
{
	(void)state;
	u64 v = 0;
	assert_true(synic_msr_read(sh.vp, HV_SYNIC_MSR_SINT0 + 5, &v));
	assert_int_equal(v, HV_SINT_MASKED); /* reset: masked */
	assert_true(synic_msr_read(sh.vp, HV_SYNIC_MSR_SVERSION, &v));
	assert_int_equal(v, 1);
	assert_false(synic_msr_write(sh.vp, HV_SYNIC_MSR_SVERSION, 1));
	assert_false(synic_msr_write(sh.vp, HV_SYNIC_MSR_SINT0, 0x0f)); /* an exception vector */
	assert_true(synic_msr_write(sh.vp, HV_SYNIC_MSR_SINT0, HV_SINT_MASKED)); /* reset value */
	assert_false(synic_msr_write(sh.vp, HV_SYNIC_MSR_SINT0, 0xf3 | 1ull << 18)); /* reserved */
	assert_false(synic_msr_write(sh.vp, HV_SYNIC_MSR_SCONTROL, 2));
	/* Pages: the child's RAM, writable; not past it, not its read-only page. */
	assert_false(synic_msr_write(sh.vp, HV_SYNIC_MSR_SIMP, (SH_PAGES * PAGE_SIZE) | 1));
	assert_false(synic_msr_write(sh.vp, HV_SYNIC_MSR_SIEFP, RO_GPA | 1));
	assert_false(synic_msr_write(sh.vp, HV_SYNIC_MSR_SIMP, SIMP_GPA | 0x10)); /* reserved */
	assert_true(synic_msr_write(sh.vp, HV_SYNIC_MSR_SIMP, RO_GPA)); /* disabled: any GPA */
	assert_true(synic_is_msr(HV_SYNIC_MSR_SINT0 + 15));
	assert_false(synic_is_msr(HV_SYNIC_MSR_SINT0 + 16));
	assert_false(synic_is_msr(0x40000085));
}

static void test_post_queue_eom(void **state)
{
	(void)state;
	assert_int_equal(post(2, 1, 5, "hello"), HV_STATUS_INVALID_VP_STATE); /* not enabled */
	enable();
	assert_int_equal(post(3, 1, 1, "x"), HV_STATUS_INVALID_VP_STATE); /* SINT 3 masked */
	assert_int_equal(post(2, 1, 5, "hello"), HV_STATUS_SUCCESS);
	assert_int_equal(slot(2)->message_type, 1);
	assert_int_equal(slot(2)->payload_size, 5);
	assert_memory_equal(slot(2)->payload, "hello", 5);
	assert_int_equal(slot(2)->flags, 0);
	assert_int_equal(post(2, 7, 5, "world"), HV_STATUS_SUCCESS); /* waits */
	assert_int_equal(slot(2)->flags, HV_MESSAGE_PENDING);
	assert_int_equal(synic_take_vector(sh.vp), 0xf3);
	assert_int_equal(synic_take_vector(sh.vp), -1); /* taken once */
	/* EOM without freeing the slot: nothing moves. */
	assert_true(synic_msr_write(sh.vp, HV_SYNIC_MSR_EOM, 0));
	assert_memory_equal(slot(2)->payload, "hello", 5);
	slot(2)->message_type = 0; /* the guest frees it, then EOM */
	assert_true(synic_msr_write(sh.vp, HV_SYNIC_MSR_EOM, 0));
	assert_int_equal(slot(2)->message_type, 7);
	assert_memory_equal(slot(2)->payload, "world", 5);
	assert_int_equal(slot(2)->flags, 0);
	assert_int_equal(synic_take_vector(sh.vp), 0xf3);
	assert_false(synic_work_pending(sh.vp));
}

static void test_queue_full_and_order(void **state)
{
	(void)state;
	enable();
	assert_true(synic_msr_write(sh.vp, HV_SYNIC_MSR_SINT0 + 3, 0x40));
	assert_int_equal(post(2, 1, 1, "a"), HV_STATUS_SUCCESS); /* in the slot */
	for (u32 i = 0; i < HV_SYNIC_QUEUE_DEPTH - 1; i++)
		assert_int_equal(post(2, 1, 1, "b"), HV_STATUS_SUCCESS);
	/* SINT 3's slot is free: its message does not wait behind SINT 2's. */
	assert_int_equal(post(3, 9, 1, "c"), HV_STATUS_SUCCESS);
	assert_int_equal(slot(3)->message_type, 9);
	assert_int_equal(post(3, 1, 1, "d"), HV_STATUS_SUCCESS); /* the queue's last place */
	assert_int_equal(post(2, 1, 1, "e"), HV_STATUS_INSUFFICIENT_BUFFERS);
	/* The highest vector first. */
	assert_int_equal(synic_take_vector(sh.vp), 0xf3);
	assert_int_equal(synic_take_vector(sh.vp), 0x40);
}

static void test_post_checks(void **state)
{
	(void)state;
	enable();
	assert_int_equal(post(16, 1, 1, "x"), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(post(2, 0, 1, "x"), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(post(2, 0x80000000u, 1, "x"), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(post(2, 1, 241, "x"), HV_STATUS_INVALID_PARAMETER);
	struct hv_post_message_direct_in in = { .partition_id = SH_CHILD_ID + 1, .sint = 2 };
	in.message.message_type = 1;
	assert_int_equal(hv_call_post_message_direct(&in), HV_STATUS_INVALID_PARTITION_ID);
	in.partition_id = SH_CHILD_ID;
	in.vp_index = 1;
	assert_int_equal(hv_call_post_message_direct(&in), HV_STATUS_INVALID_VP_INDEX);
	in.vp_index = 0;
	in.vtl = 1;
	assert_int_equal(hv_call_post_message_direct(&in), HV_STATUS_INVALID_PARAMETER);
	in.vtl = 0;
	in.message.flags = HV_MESSAGE_PENDING;
	assert_int_equal(hv_call_post_message_direct(&in), HV_STATUS_INVALID_PARAMETER);
	/* Bytes past payload_size never reach the child. */
	in.message.flags = 0;
	in.message.payload_size = 2;
	memset(in.message.payload, 'z', sizeof(in.message.payload));
	assert_int_equal(hv_call_post_message_direct(&in), HV_STATUS_SUCCESS);
	assert_int_equal(slot(2)->payload[1], 'z');
	assert_int_equal(slot(2)->payload[2], 0);
	assert_int_equal(slot(2)->payload[239], 0);
}

static void test_signal(void **state)
{
	(void)state;
	u8 newly = 9;
	assert_int_equal(signal_flag(2, 5, &newly), HV_STATUS_INVALID_VP_STATE);
	enable();
	assert_int_equal(signal_flag(2, 2048, &newly), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(signal_flag(16, 5, &newly), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(signal_flag(3, 5, &newly), HV_STATUS_INVALID_VP_STATE);
	assert_int_equal(signal_flag(2, 2047, &newly), HV_STATUS_SUCCESS);
	assert_int_equal(newly, 1);
	assert_int_equal(sh.ram[SIEFP_GPA + 2 * 256 + 255], 0x80);
	assert_int_equal(signal_flag(2, 2047, &newly), HV_STATUS_SUCCESS);
	assert_int_equal(newly, 0);
	assert_int_equal(synic_take_vector(sh.vp), 0xf3);
	assert_int_equal(synic_take_vector(sh.vp), -1); /* not raised again by a set bit */
}

static u64 assert_vector(u64 dest, u32 vector)
{
	struct hv_assert_interrupt_in in = { .partition_id = SH_CHILD_ID,
					     .dest = dest,
					     .vector = vector };
	return hv_call_assert_interrupt(&in);
}

static void test_assert_interrupt(void **state)
{
	(void)state;
	assert_int_equal(assert_vector(0, 15), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(assert_vector(0, 256), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(assert_vector(1, 0x30), HV_STATUS_INVALID_VP_INDEX);
	assert_int_equal(assert_vector(1ull << 32, 0x30), HV_STATUS_INVALID_VP_INDEX);
	struct hv_assert_interrupt_in bad = { .partition_id = SH_CHILD_ID,
					      .vector = 0x30,
					      .control_flags = 1 };
	assert_int_equal(hv_call_assert_interrupt(&bad), HV_STATUS_INVALID_PARAMETER);
	/* Asserted interrupts need no SynIC; they and SINTs go highest vector first. */
	assert_int_equal(assert_vector(0, 0x30), HV_STATUS_SUCCESS);
	assert_int_equal(assert_vector(0, 0x30), HV_STATUS_SUCCESS);
	assert_int_equal(assert_vector(0, 0xff), HV_STATUS_SUCCESS);
	assert_true(synic_work_pending(sh.vp));
	enable();
	assert_int_equal(post(2, 1, 1, "x"), HV_STATUS_SUCCESS); /* raises 0xf3 */
	assert_int_equal(synic_take_vector(sh.vp), 0xff);
	assert_int_equal(synic_take_vector(sh.vp), 0xf3);
	assert_int_equal(synic_take_vector(sh.vp), 0x30);
	assert_int_equal(synic_take_vector(sh.vp), -1);
	assert_false(synic_work_pending(sh.vp));
}

#define STIMER0_CONFIG 0x400000b0u
#define STIMER0_COUNT  0x400000b1u
#define STIMER1_CONFIG 0x400000b2u
#define STIMER1_COUNT  0x400000b3u

static void test_stimer(void **state)
{
	(void)state;
	/* Direct mode, one-shot, armed by the count (auto-enable): Linux's stimer0. */
	u64 cfg = 1 | 1 << 3 | 0xedull << 4 | 1 << 12;
	assert_false(stimer_msr_write(sh.vp, STIMER0_CONFIG, 1 | 1 << 12 | 0x0full << 4));
	assert_false(stimer_msr_write(sh.vp, STIMER0_CONFIG, 1ull << 13)); /* reserved */
	assert_true(stimer_msr_write(sh.vp, STIMER0_CONFIG, cfg));
	assert_int_equal(stimer_next_deadline(sh.vp), 0); /* no count yet */
	assert_true(stimer_msr_write(sh.vp, STIMER0_COUNT, 5000));
	assert_int_equal(stimer_next_deadline(sh.vp), 5000);
	sh_now = 4999;
	stimer_check(sh.vp);
	assert_int_equal(synic_take_vector(sh.vp), -1);
	sh_now = 5000;
	stimer_check(sh.vp);
	assert_int_equal(synic_take_vector(sh.vp), 0xed);
	assert_int_equal(stimer_next_deadline(sh.vp), 0); /* one-shot: done */
	u64 v;
	assert_true(stimer_msr_read(sh.vp, STIMER0_CONFIG, &v));
	assert_int_equal(v & 1, 0);
	assert_true(stimer_msr_write(sh.vp, STIMER0_COUNT, 9000)); /* auto-enable again */
	assert_int_equal(stimer_next_deadline(sh.vp), 9000);
	assert_true(stimer_msr_write(sh.vp, STIMER0_COUNT, 0)); /* a count of 0 stops it */
	assert_int_equal(stimer_next_deadline(sh.vp), 0);
	/* Periodic, message mode on SINT 2: HVMSG_TIMER_EXPIRED each period. */
	enable();
	sh_now = 10000;
	assert_true(stimer_msr_write(sh.vp, STIMER1_COUNT, 300));
	assert_true(stimer_msr_write(sh.vp, STIMER1_CONFIG, 1 | 1 << 1 | 2ull << 16));
	assert_int_equal(stimer_next_deadline(sh.vp), 10300);
	sh_now = 10300;
	stimer_check(sh.vp);
	assert_int_equal(slot(2)->message_type, 0x80000010u);
	assert_int_equal(slot(2)->payload[0], 1); /* timer index */
	assert_int_equal(stimer_next_deadline(sh.vp), 10600);
	sh_now = 20000; /* periods missed whole are skipped, not replayed */
	stimer_check(sh.vp);
	assert_int_equal(stimer_next_deadline(sh.vp), 20300);
	assert_true(stimer_is_msr(0x400000b7));
	assert_false(stimer_is_msr(0x400000b8));
	/* Direct mode with vector 5, written disabled (accepted), then auto-enabled by a count:
	 * it never runs, so no exception vector is ever injected (found by fuzz.hv_synic). */
	assert_true(stimer_msr_write(sh.vp, 0x400000b4, (1ull << 12) | (1ull << 3) | (5ull << 4)));
	assert_true(stimer_msr_write(sh.vp, 0x400000b5, sh_now + 10));
	sh_now += 100;
	stimer_check(sh.vp);
	for (int vec; (vec = synic_take_vector(sh.vp)) >= 0;)
		assert_true(vec >= 16);
	assert_false(stimer_msr_write(sh.vp, 0x400000b4, 1 | (1ull << 12) | (5ull << 4)));
}

static void test_connections(void **state)
{
	(void)state;
	assert_int_equal(connect(1, 1, HV_CONNECTION_MESSAGE), HV_STATUS_SUCCESS);
	assert_int_equal(connect(0x10001, 2047, HV_CONNECTION_EVENT), HV_STATUS_SUCCESS);
	assert_int_equal(connect(0x10000, 2, HV_CONNECTION_EVENT), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(connect(0, 1, HV_CONNECTION_EVENT), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(connect(5, 0, HV_CONNECTION_EVENT), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(connect(5, 1, 3), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(connect(HV_CONNECTION_ID_MAX, 1, HV_CONNECTION_MESSAGE),
			 HV_STATUS_SUCCESS);
	assert_int_equal(connect(HV_CONNECTION_ID_MAX - 5, 7, HV_CONNECTION_MESSAGE),
			 HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(connect(9, 0, HV_CONNECTION_NONE), HV_STATUS_INVALID_CONNECTION_ID);
	assert_int_equal(connect(1, 0, HV_CONNECTION_NONE), HV_STATUS_SUCCESS);
	for (u32 i = 0; i < HV_CONNECTIONS_MAX - 2; i++)
		assert_int_equal(connect(100 + i, 1, HV_CONNECTION_MESSAGE), HV_STATUS_SUCCESS);
	assert_int_equal(connect(50, 1, HV_CONNECTION_MESSAGE), HV_STATUS_NO_RESOURCES);
	struct hv_connection_in bad = { .partition_id = SH_CHILD_ID,
					.connection_id = 60,
					.count = 1,
					.type = 1,
					.reserved0 = 1 };
	assert_int_equal(hv_call_set_connection(&bad), HV_STATUS_INVALID_PARAMETER);
}

/* The child's HvPostMessage: its input at GPA gpa of its RAM. */
static u64 child_post(u64 gpa, u32 conn, u32 type, u32 size, u64 control)
{
	struct hv_post_message_in *in = (void *)(sh.ram + gpa);
	memset(in, 0,
	       sizeof(*in) > PAGE_SIZE - (gpa & 0xfff) ? PAGE_SIZE - (gpa & 0xfff) : sizeof(*in));
	if ((gpa & 0xfff) + sizeof(*in) <= PAGE_SIZE) {
		in->connection_id = conn;
		in->message_type = type;
		in->payload_size = size;
		memset(in->payload, 'p', sizeof(in->payload));
	}
	sh.cpu.run_exit = 0;
	return synic_post_message(&sh.cpu, control ? control : HV_CALL_POST_MESSAGE, gpa);
}

static void test_child_post(void **state)
{
	(void)state;
	const struct hv_run_vp_exit *o = (const void *)sh.out;
	const struct hv_post_message_in *m = (const void *)(sh.out + HV_RUN_MESSAGE_OFFSET);
	assert_int_equal(child_post(0x1000, 1, 1, 4, 0), HV_STATUS_INVALID_CONNECTION_ID);
	assert_int_equal(connect(1, 1, HV_CONNECTION_MESSAGE), HV_STATUS_SUCCESS);
	assert_int_equal(connect(0x10001, 10, HV_CONNECTION_EVENT), HV_STATUS_SUCCESS);
	assert_int_equal(child_post(0x1004, 1, 1, 4, 0), HV_STATUS_INVALID_ALIGNMENT);
	assert_int_equal(child_post(0x1f08, 1, 1, 4, 0), HV_STATUS_INVALID_ALIGNMENT); /* crosses */
	assert_int_equal(child_post(0x1000, 1, 1, 241, 0), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(child_post(0x1000, 1, 0, 4, 0), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(child_post(0x1000, 1, 0x80000000u, 4, 0), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(child_post(0x1000, 0x10001, 1, 4, 0), HV_STATUS_INVALID_CONNECTION_ID);
	assert_int_equal(child_post(0x1000, 1, 1, 4, HV_CALL_POST_MESSAGE | HV_HC_FAST),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
	assert_int_equal(sh.cpu.run_exit, 0);
	sh.cpu.run_exit = 0;
	assert_int_equal(synic_post_message(&sh.cpu, HV_CALL_POST_MESSAGE, SH_PAGES * PAGE_SIZE),
			 HV_STATUS_INVALID_PARAMETER); /* not the child's RAM */
	assert_int_equal(child_post(0x1000, 1, 3, 4, 0), HV_STATUS_SUCCESS);
	assert_int_equal(sh.cpu.run_exit, HV_RUN_EXIT_POST_MESSAGE);
	assert_int_equal(o->connection_id, 1);
	assert_int_equal(m->message_type, 3);
	assert_int_equal(m->payload_size, 4);
	assert_int_equal(m->payload[3], 'p');
	assert_int_equal(m->payload[4], 0); /* the rest is not the child's to pass on */
	/* Read-only pages hold input just as well. */
	assert_int_equal(child_post(RO_GPA, 1, 1, 0, 0), HV_STATUS_SUCCESS);
}

static void test_child_signal(void **state)
{
	(void)state;
	const struct hv_run_vp_exit *o = (const void *)sh.out;
	u64 fast = HV_CALL_SIGNAL_EVENT | HV_HC_FAST;
	assert_int_equal(connect(0x10001, 10, HV_CONNECTION_EVENT), HV_STATUS_SUCCESS);
	assert_int_equal(synic_signal_event(&sh.cpu, fast, 0x10000),
			 HV_STATUS_INVALID_CONNECTION_ID);
	assert_int_equal(synic_signal_event(&sh.cpu, fast, 0x1000b),
			 HV_STATUS_INVALID_CONNECTION_ID);
	assert_int_equal(synic_signal_event(&sh.cpu, fast, 0x10001 | 1ull << 48),
			 HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(synic_signal_event(&sh.cpu, fast, 0x10001 | 2048ull << 32),
			 HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(synic_signal_event(&sh.cpu, fast, 0x1000001), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(synic_signal_event(&sh.cpu, fast | 1ull << 32, 0x10001),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
	assert_int_equal(sh.cpu.run_exit, 0);
	assert_int_equal(synic_signal_event(&sh.cpu, fast, 0x1000a | 7ull << 32),
			 HV_STATUS_SUCCESS);
	assert_int_equal(sh.cpu.run_exit, HV_RUN_EXIT_SIGNAL_EVENT);
	assert_int_equal(o->connection_id, 0x1000a);
	assert_int_equal(o->flag_number, 7);
	/* The memory form reads the same 8 bytes from the child's page. */
	sh.cpu.run_exit = 0;
	u64 param = 0x10002;
	memcpy(sh.ram + 0x1000, &param, 8);
	assert_int_equal(synic_signal_event(&sh.cpu, HV_CALL_SIGNAL_EVENT, 0x1000),
			 HV_STATUS_SUCCESS);
	assert_int_equal(o->connection_id, 0x10002);
	assert_int_equal(synic_signal_event(&sh.cpu, HV_CALL_SIGNAL_EVENT, 0x1004),
			 HV_STATUS_INVALID_ALIGNMENT);
	/* A partition with no child VP on the CPU (the root) finds no connection. */
	sh.cpu.child = NULL;
	assert_int_equal(synic_signal_event(&sh.cpu, fast, 0x10002),
			 HV_STATUS_INVALID_CONNECTION_ID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_msrs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_post_queue_eom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_full_and_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_post_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_assert_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stimer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_child_post, setup, teardown),
		cmocka_unit_test_setup_teardown(test_child_signal, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
