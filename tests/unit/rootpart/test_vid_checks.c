/* SPDX-License-Identifier: MIT */
/* vid.ko's ioctl argument checks (rootpart/vid/vid_checks.c, compiled here as vid.ko compiles
 * it): each limit's last accepted and first refused value gives the errno docs/vid.md states,
 * a refusal logs one line, an acceptance none; the two payload copies keep to their sizes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vid_checks.h"

static int warnings;

void vid_check_warn(const char *fmt, ...)
{
	(void)fmt;
	warnings++;
}

/* The check's result, and whether it logged exactly when it refused. */
#define CHECK(expect, call)                               \
	do {                                              \
		warnings = 0;                             \
		assert_int_equal((call), (expect));       \
		assert_int_equal(warnings, (expect) < 0); \
	} while (0)

static void partition_create(void **state)
{
	struct vid_partition_create a = { .max_vps = 1 };
	(void)state;
	CHECK(0, vid_check_partition_create(&a));
	a.max_vps = HV_MAX_VPS_PER_PARTITION;
	CHECK(0, vid_check_partition_create(&a));
	a.max_vps = HV_MAX_VPS_PER_PARTITION + 1;
	CHECK(-EINVAL, vid_check_partition_create(&a));
	a.max_vps = 0;
	CHECK(-EINVAL, vid_check_partition_create(&a));
	a.max_vps = 1;
	a.reserved[1] = 1;
	CHECK(-EINVAL, vid_check_partition_create(&a));
	a.reserved[1] = 0;
	a.flags = 1;
	CHECK(-EINVAL, vid_check_partition_create(&a));
}

static void map(void **state)
{
	struct vid_map_memory m = { .user_addr = 0x10000, .size = 0x1000, .flags = VID_MAP_READ };
	(void)state;
	CHECK(0, vid_check_map(&m));
	m.flags = VID_MAP_WRITE;
	CHECK(-EINVAL, vid_check_map(&m));
	m.flags = VID_MAP_FLAGS | 0x8;
	CHECK(-EINVAL, vid_check_map(&m));
	m.flags = VID_MAP_FLAGS;
	m.reserved0 = 1;
	CHECK(-EINVAL, vid_check_map(&m));
	m.reserved0 = 0;
	m.guest_phys = 0x800;
	CHECK(-EINVAL, vid_check_map(&m));
	m.guest_phys = 0;
	m.size = 0;
	CHECK(-EINVAL, vid_check_map(&m));
	m.size = VID_MAP_MAX_SIZE;
	CHECK(0, vid_check_map(&m));
	m.size = VID_MAP_MAX_SIZE + 0x1000;
	CHECK(-EINVAL, vid_check_map(&m));
	m.size = 0x1000;
	m.guest_phys = VID_GPA_LIMIT - 0x1000; /* ends at the limit */
	CHECK(0, vid_check_map(&m));
	m.guest_phys = VID_GPA_LIMIT;
	CHECK(-EINVAL, vid_check_map(&m));
	m.guest_phys = ~0xfffull; /* the sum wraps */
	CHECK(-EINVAL, vid_check_map(&m));
	m.guest_phys = 0;
	m.user_addr = ~0xfffull; /* user_addr + size wraps: refused without a log line */
	warnings = 0;
	assert_int_equal(vid_check_map(&m), -EINVAL);
	m.user_addr = ~0x1fffull; /* ends at the top: access_ok's business */
	CHECK(0, vid_check_map(&m));
}

static void vp_create_and_targets(void **state)
{
	struct vid_vp_create v = { .vp_index = 3 };
	struct vid_post_message pm = { .vp_index = 3, .sint = 15, .message_type = 1 };
	struct vid_signal_event ev = { .vp_index = 3,
				       .sint = 15,
				       .flag_number = HV_EVENT_FLAGS_PER_SINT - 1 };
	struct vid_signal_eventfd efd = { .eventfd = -1 };
	(void)state;
	CHECK(0, vid_check_vp_create(&v, 4));
	CHECK(-EINVAL, vid_check_vp_create(&v, 3));
	v.reserved0 = 1;
	CHECK(-EINVAL, vid_check_vp_create(&v, 4));

	CHECK(0, vid_check_post_message(&pm, 4));
	CHECK(-EINVAL, vid_check_post_message(&pm, 3));
	pm.sint = HV_SINT_COUNT;
	CHECK(-EINVAL, vid_check_post_message(&pm, 4));
	pm.sint = 0;
	pm.message_type = 0;
	CHECK(-EINVAL, vid_check_post_message(&pm, 4));
	pm.message_type = VID_MESSAGE_TYPE_MAX;
	pm.payload_size = VID_MESSAGE_PAYLOAD_MAX;
	CHECK(0, vid_check_post_message(&pm, 4));
	pm.message_type = VID_MESSAGE_TYPE_MAX + 1;
	CHECK(-EINVAL, vid_check_post_message(&pm, 4));
	pm.message_type = 1;
	pm.payload_size = VID_MESSAGE_PAYLOAD_MAX + 1;
	CHECK(-EINVAL, vid_check_post_message(&pm, 4));

	CHECK(0, vid_check_signal_event(&ev, 4));
	ev.flag_number++;
	CHECK(-EINVAL, vid_check_signal_event(&ev, 4));
	ev.flag_number = 0;
	ev.vp_index = 4;
	CHECK(-EINVAL, vid_check_signal_event(&ev, 4));

	CHECK(0, vid_check_signal_eventfd(&efd));
	efd.eventfd = -2;
	CHECK(-EINVAL, vid_check_signal_eventfd(&efd));
	efd.eventfd = 5;
	efd.reserved0 = 1;
	CHECK(-EINVAL, vid_check_signal_eventfd(&efd));

	struct vid_assert_interrupt irq = { .vp_index = 3, .vector = 16 };
	CHECK(0, vid_check_assert_interrupt(&irq, 4));
	irq.vector = 255;
	CHECK(0, vid_check_assert_interrupt(&irq, 4));
	irq.vector = 256;
	CHECK(-EINVAL, vid_check_assert_interrupt(&irq, 4));
	irq.vector = 15;
	CHECK(-EINVAL, vid_check_assert_interrupt(&irq, 4));
	irq.vector = 16;
	CHECK(-EINVAL, vid_check_assert_interrupt(&irq, 3));

	struct vid_vp_stats st = { .vp_index = 3 };
	CHECK(0, vid_check_vp_stats(&st, 4));
	CHECK(-EINVAL, vid_check_vp_stats(&st, 3));
	st.reserved0 = 1;
	CHECK(-EINVAL, vid_check_vp_stats(&st, 4));

	CHECK(0, vid_check_read_len(sizeof(struct vid_message)));
	CHECK(-EINVAL, vid_check_read_len(sizeof(struct vid_message) - 1));
}

static void connection(void **state)
{
	struct vid_conn_range conn[VID_CONNECTIONS_MAX] = {
		[0] = { .first = 10, .count = 5, .type = VID_CONNECTION_MESSAGE },
		[2] = { .first = 20, .count = 1, .type = VID_CONNECTION_EVENT },
	};
	struct vid_connection a = { .connection_id = 15, .count = 5, .type = VID_CONNECTION_EVENT };
	(void)state;
	CHECK(1, vid_check_connection(conn, &a)); /* the first free slot */
	a.connection_id = 14;
	CHECK(-EEXIST, vid_check_connection(conn, &a));
	a.connection_id = 16;
	CHECK(-EEXIST, vid_check_connection(conn, &a)); /* 16..20 meets 20 */
	a.connection_id = HV_CONNECTION_ID_MAX;
	a.count = 1;
	CHECK(1, vid_check_connection(conn, &a));
	a.count = 2;
	CHECK(-EINVAL, vid_check_connection(conn, &a));
	a.connection_id = 0x1000;
	a.count = VID_EVENT_RANGE_MAX + 1;
	CHECK(-EINVAL, vid_check_connection(conn, &a));
	a.type = VID_CONNECTION_MESSAGE;
	CHECK(1, vid_check_connection(conn, &a));
	a.connection_id = 0;
	CHECK(-EINVAL, vid_check_connection(conn, &a));
	a.type = VID_CONNECTION_EVENT + 1;
	CHECK(-EINVAL, vid_check_connection(conn, &a));
	/* Removal: the range starting there, count 0. */
	a = (struct vid_connection){ .connection_id = 20, .type = VID_CONNECTION_NONE };
	CHECK(2, vid_check_connection(conn, &a));
	a.connection_id = 21;
	CHECK(-ENOENT, vid_check_connection(conn, &a));
	a.connection_id = 20;
	a.count = 1;
	CHECK(-EINVAL, vid_check_connection(conn, &a));
	/* A full table. */
	for (unsigned i = 0; i < VID_CONNECTIONS_MAX; i++)
		conn[i] = (struct vid_conn_range){ .first = 100 + i, .count = 1, .type = 1 };
	a = (struct vid_connection){ .connection_id = 1, .count = 1, .type = 1 };
	CHECK(-ENOSPC, vid_check_connection(conn, &a));
}

static void regs_and_run(void **state)
{
	static struct vid_regs r;
	struct vid_run run = { 0 };
	(void)state;
	r.count = VID_REGS_MAX;
	CHECK(0, vid_check_regs(&r));
	r.count = 0;
	CHECK(-EINVAL, vid_check_regs(&r));
	r.count = VID_REGS_MAX + 1;
	CHECK(-EINVAL, vid_check_regs(&r));
	r.count = 2;
	r.regs[1].name = HV_REG_COUNT;
	CHECK(-EINVAL, vid_check_regs(&r));
	r.regs[1].name = 0;
	r.regs[1].reserved0 = 1;
	CHECK(-EINVAL, vid_check_regs(&r));

	CHECK(0, vid_check_run(&run));
	CHECK(0, vid_check_run_in(&run, 0));
	run.io_in_value = 1;
	CHECK(-EINVAL, vid_check_run(&run));
	run.flags = VID_RUN_COMPLETE_IN;
	CHECK(0, vid_check_run(&run));
	CHECK(-EINVAL, vid_check_run_in(&run, 0));
	CHECK(0, vid_check_run_in(&run, 1));
	run.io_in_value = 0x100;
	CHECK(-EINVAL, vid_check_run_in(&run, 1));
	run.io_in_value = 0xffffffff;
	CHECK(0, vid_check_run_in(&run, 4));
	run.io_in_value = 0x100000000ull;
	CHECK(-EINVAL, vid_check_run_in(&run, 4));
	run.reserved0 = 1;
	CHECK(-EINVAL, vid_check_run(&run));
	run.reserved0 = 0;
	run.flags = 0x80;
	CHECK(-EINVAL, vid_check_run(&run));
}

static void post_exit_and_copies(void **state)
{
	struct hv_post_message_in in = { .connection_id = 7,
					 .message_type = 1,
					 .payload_size = VID_MESSAGE_PAYLOAD_MAX };
	struct hv_post_message_direct_in direct;
	struct vid_post_message pm = { .vp_index = 2,
				       .sint = 3,
				       .message_type = 9,
				       .payload_size = 3,
				       .payload = { 1, 2, 3, 4 } };
	struct vid_message m;
	(void)state;
	warnings = 0;
	assert_int_equal(vid_check_post_exit(&in, 7, 1), HV_STATUS_SUCCESS);
	assert_int_equal(warnings, 0);
	assert_int_equal(vid_check_post_exit(&in, 8, 1), HV_STATUS_INVALID_PARAMETER);
	in.payload_size++;
	assert_int_equal(vid_check_post_exit(&in, 7, 1), HV_STATUS_INVALID_PARAMETER);
	in.payload_size = 2;
	in.message_type = 0;
	assert_int_equal(vid_check_post_exit(&in, 7, 1), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(warnings, 3);

	in.message_type = 5;
	in.payload[0] = 0xaa;
	in.payload[1] = 0xbb;
	in.payload[2] = 0xcc;
	memset(&m, 0xee, sizeof(m));
	vid_message_from_exit(&m, &in, 4);
	assert_int_equal(m.connection_id, 7);
	assert_int_equal(m.vp_index, 4);
	assert_int_equal(m.message_type, 5);
	assert_int_equal(m.payload_size, 2);
	assert_int_equal(m.payload[1], 0xbb);
	for (unsigned i = 2; i < VID_MESSAGE_PAYLOAD_MAX; i++)
		assert_int_equal(m.payload[i], 0); /* the tail zeroed */

	memset(&direct, 0, sizeof(direct));
	vid_post_message_in(&direct, &pm, 42);
	assert_int_equal(direct.partition_id, 42);
	assert_int_equal(direct.vp_index, 2);
	assert_int_equal(direct.sint, 3);
	assert_int_equal(direct.message.message_type, 9);
	assert_int_equal(direct.message.payload_size, 3);
	assert_int_equal(direct.message.payload[2], 3);
	assert_int_equal(direct.message.payload[3], 0); /* only payload_size bytes */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(partition_create),	 cmocka_unit_test(map),
		cmocka_unit_test(vp_create_and_targets), cmocka_unit_test(connection),
		cmocka_unit_test(regs_and_run),		 cmocka_unit_test(post_exit_and_copies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
