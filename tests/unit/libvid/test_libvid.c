/* SPDX-License-Identifier: MIT */
/* libvid against a fake ioctl() and read(): each wrapper packs its arguments into vid.h's
 * struct, returns the fd or -errno, splits register calls into VID_REGS_MAX entries and counts
 * `done` across them, reads whole message records and distrusts counts past its buffers; and
 * vid.h's wire layout and ioctl numbers do not change by accident. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <cmocka.h>

#include "vid/libvid.h"

/* ---- the fake device: what the last calls carried, what the next one answers ---- */
static struct {
	unsigned long cmd[8];
	int calls;
	int ret, err;		    /* the answer: ret, or -1 with errno = err */
	int fail_call;		    /* 1-based call that fails with err (0: the answer above) */
	uint32_t fail_done;	    /* `done` that failing register call reports */
	struct vid_run exit;	    /* what VID_RUN writes back */
	struct vid_signals signals; /* what VID_GET_SIGNALS writes back */
	uint8_t last[sizeof(struct vid_regs)];
	ssize_t read_ret; /* what read() returns (-1: errno = err) */
	size_t read_len;  /* the length it was asked for */
} fake;

static void fake_regs(struct vid_regs *r, int failing)
{
	r->done = failing ? fake.fail_done : r->count;
	for (uint32_t i = 0; i < r->done; i++)
		r->regs[i].value = r->regs[i].name * 100u; /* what a get reads */
}

int ioctl(int fd, unsigned long cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	(void)fd;
	int n = fake.calls++;
	int failing = fake.fail_call ? n + 1 == fake.fail_call : fake.ret < 0;
	if (n < 8)
		fake.cmd[n] = cmd;
	if (arg && _IOC_SIZE(cmd) <= sizeof(fake.last))
		memcpy(fake.last, arg, _IOC_SIZE(cmd));
	if (cmd == VID_CREATE_PARTITION && !failing)
		((struct vid_partition_create *)arg)->partition_id = 42;
	if (cmd == VID_GET_REGS || cmd == VID_SET_REGS)
		fake_regs(arg, failing);
	if (cmd == VID_RUN && !failing)
		memcpy(arg, &fake.exit, sizeof(fake.exit));
	if (cmd == VID_SIGNAL_EVENT && !failing)
		((struct vid_signal_event *)arg)->newly_signaled = 1;
	if (cmd == VID_GET_SIGNALS && !failing)
		memcpy(arg, &fake.signals, sizeof(fake.signals));
	if (cmd == VID_GET_REFERENCE_TIME && !failing)
		((struct vid_reference_time *)arg)->time = 123456789;
	if (failing) {
		errno = fake.err;
		return -1;
	}
	return fake.ret;
}

ssize_t read(int fd, void *buf, size_t len)
{
	(void)fd;
	fake.calls++;
	fake.read_len = len;
	if (fake.read_ret < 0) {
		errno = fake.err;
		return -1;
	}
	for (ssize_t i = 0; i < fake.read_ret / (ssize_t)sizeof(struct vid_message); i++)
		((struct vid_message *)buf)[i].connection_id = (uint32_t)i + 1;
	return fake.read_ret;
}

static int reset(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	return 0;
}

static void test_layout(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct vid_partition_create, partition_id), 8);
	assert_int_equal(offsetof(struct vid_stats, hv_deposited_pages), 16);
	assert_int_equal(offsetof(struct vid_stats, hv_npt_split_pages), 48);
	assert_int_equal(offsetof(struct vid_map_memory, guest_phys), 16);
	assert_int_equal(offsetof(struct vid_map_memory, flags), 24);
	assert_int_equal(offsetof(struct vid_regs, regs), 8);
	assert_int_equal(offsetof(struct vid_run, io_in_value), 8);
	assert_int_equal(offsetof(struct vid_run, exit), 16);
	/* The ioctl numbers are ABI: direction, size, 0xb9, number. */
	assert_int_equal(VID_CREATE_PARTITION, 0xc020b901u);
	assert_int_equal(VID_GET_STATS, 0x8040b902u);
	assert_int_equal(VID_MAP_MEMORY, 0x4020b910u);
	assert_int_equal(VID_CREATE_VP, 0x4008b911u);
	assert_int_equal(VID_GET_REGS, 0xc408b920u);
	assert_int_equal(VID_SET_REGS, 0xc408b921u);
	assert_int_equal(VID_RUN, 0xc060b922u); /* 96 bytes since API 3 (mmio_value) */
	assert_int_equal(VID_SET_CONNECTION, 0x4010b912u);
	assert_int_equal(VID_POST_MESSAGE, 0x4100b913u);
	assert_int_equal(VID_SIGNAL_EVENT, 0xc010b914u);
	assert_int_equal(VID_SET_SIGNAL_EVENTFD, 0x4008b915u);
	assert_int_equal(VID_GET_SIGNALS, 0x8100b916u);
	assert_int_equal(VID_GET_REFERENCE_TIME, 0x8010b917u);
	assert_int_equal(VID_ASSERT_INTERRUPT, 0x4008b918u);
	assert_int_equal(VID_GET_VP_STATS, 0xc138b919u);
	assert_int_equal(offsetof(struct hv_vp_stats, exits), 48);
	assert_int_equal(offsetof(struct vid_post_message, payload_size), 12);
	assert_int_equal(offsetof(struct vid_post_message, payload), 16);
	assert_int_equal(offsetof(struct vid_message, payload_size), 12);
	assert_int_equal(offsetof(struct vid_message, payload), 16);
	assert_int_equal(offsetof(struct vid_signal_event, newly_signaled), 12);
	assert_int_equal(offsetof(struct vid_signals, connection_id), 8);
	assert_int_equal(VID_API_VERSION, 3);
	assert_int_equal(offsetof(struct hv_run_vp_exit, mmio_value), 72);
	assert_int_equal(VID_MAP_READ, HV_MAP_READ);
	assert_int_equal(VID_RUN_COMPLETE_IN, HV_RUN_COMPLETE_IN);
}

static void test_partition_create(void **state)
{
	(void)state;
	uint64_t id = 0;
	fake.ret = 7;
	assert_int_equal(vid_partition_create(3, 2, 0, &id), 7);
	assert_int_equal(id, 42);
	struct vid_partition_create a;
	memcpy(&a, fake.last, sizeof(a));
	assert_int_equal(a.max_vps, 2);
	assert_int_equal(a.flags, 0);
	assert_true(!a.reserved[0] && !a.reserved[1]);
	fake.ret = -1, fake.err = EINVAL;
	assert_int_equal(vid_partition_create(3, 0, 0, NULL), -EINVAL);
}

static void test_map_and_vp(void **state)
{
	(void)state;
	char page[64];
	assert_int_equal(vid_map_memory(5, page, 8192, 0x100000, VID_MAP_READ | VID_MAP_EXEC), 0);
	struct vid_map_memory m;
	memcpy(&m, fake.last, sizeof(m));
	assert_int_equal(m.user_addr, (uintptr_t)page);
	assert_int_equal(m.size, 8192);
	assert_int_equal(m.guest_phys, 0x100000);
	assert_int_equal(m.flags, VID_MAP_READ | VID_MAP_EXEC);
	assert_int_equal(m.reserved0, 0);
	fake.ret = -1, fake.err = EOPNOTSUPP;
	int err = vid_vp_create(5, 1);
	assert_int_equal(err, -EOPNOTSUPP);
	assert_true(vid_not_implemented(err));
	assert_true(vid_not_implemented(-EPROTO));
	assert_false(vid_not_implemented(-EINVAL));
	assert_int_equal(fake.cmd[1], VID_CREATE_VP);
}

static void test_regs_split(void **state)
{
	(void)state;
	uint32_t names[100], done = 0;
	uint64_t values[100];
	for (int i = 0; i < 100; i++)
		names[i] = i % HV_REG_COUNT;
	assert_int_equal(vid_vp_get_regs(9, names, values, 100, &done), 0);
	assert_int_equal(done, 100);
	assert_int_equal(fake.calls, 2); /* 64 + 36 */
	assert_int_equal(fake.cmd[0], VID_GET_REGS);
	for (int i = 0; i < 100; i++)
		assert_int_equal(values[i], names[i] * 100u);
	struct vid_regs r;
	memcpy(&r, fake.last, sizeof(r));
	assert_int_equal(r.count, 36);
	assert_int_equal(r.regs[0].name, names[64]);
	assert_int_equal(vid_vp_get_regs(9, names, values, 0, &done), -EINVAL);
}

static void test_regs_partial(void **state)
{
	(void)state;
	uint32_t names[100] = { 0 }, done = 0;
	uint64_t values[100] = { 0 };
	fake.fail_call = 2, fake.err = EINVAL, fake.fail_done = 5;
	assert_int_equal(vid_vp_set_regs(9, names, values, 100, &done), -EINVAL);
	assert_int_equal(done, 64 + 5); /* the entries before the refused one */
	assert_int_equal(fake.cmd[1], VID_SET_REGS);
}

static void test_run(void **state)
{
	(void)state;
	struct hv_run_vp_exit e = { 0 };
	fake.exit.exit.reason = HV_RUN_EXIT_IO;
	fake.exit.exit.io_port = 0x3f8;
	assert_int_equal(vid_vp_run(4, VID_RUN_COMPLETE_IN, 0x5a, &e), 0);
	assert_int_equal(e.reason, HV_RUN_EXIT_IO);
	assert_int_equal(e.io_port, 0x3f8);
	struct vid_run a;
	memcpy(&a, fake.last, sizeof(a));
	assert_int_equal(a.flags, VID_RUN_COMPLETE_IN);
	assert_int_equal(a.io_in_value, 0x5a);
	/* EINTR comes back as it is, once (no retry), and the exit is left alone. */
	memset(&e, 0, sizeof(e));
	fake.ret = -1, fake.err = EINTR;
	assert_int_equal(vid_vp_run(4, 0, 0, &e), -EINTR);
	assert_int_equal(fake.calls, 2);
	assert_int_equal(e.reason, 0);
}

static void test_synic_calls(void **state)
{
	(void)state;
	assert_int_equal(vid_set_connection(5, 0x10001, 2047, VID_CONNECTION_EVENT), 0);
	struct vid_connection c;
	memcpy(&c, fake.last, sizeof(c));
	assert_int_equal(c.connection_id, 0x10001);
	assert_int_equal(c.count, 2047);
	assert_int_equal(c.type, VID_CONNECTION_EVENT);
	assert_int_equal(c.reserved0, 0);

	const uint8_t payload[3] = { 1, 2, 3 };
	assert_int_equal(vid_post_message(5, 1, 2, 1, payload, 3), 0);
	struct vid_post_message m;
	memcpy(&m, fake.last, sizeof(m));
	assert_int_equal(m.vp_index, 1);
	assert_int_equal(m.sint, 2);
	assert_int_equal(m.message_type, 1);
	assert_int_equal(m.payload_size, 3);
	assert_memory_equal(m.payload, payload, 3);
	assert_int_equal(m.payload[3], 0);
	int calls = fake.calls;
	assert_int_equal(vid_post_message(5, 0, 2, 1, payload, 241), -EINVAL);
	assert_int_equal(fake.calls, calls); /* refused before the ioctl */

	bool fresh = false;
	assert_int_equal(vid_signal_event(5, 0, 2, 7, &fresh), 0);
	assert_true(fresh);
	struct vid_signal_event e;
	memcpy(&e, fake.last, sizeof(e));
	assert_int_equal(e.sint, 2);
	assert_int_equal(e.flag_number, 7);

	assert_int_equal(vid_set_signal_eventfd(5, -1), 0);
	struct vid_signal_eventfd f;
	memcpy(&f, fake.last, sizeof(f));
	assert_int_equal(f.eventfd, -1);
	assert_int_equal(f.reserved0, 0);

	uint64_t t = 0;
	assert_int_equal(vid_get_reference_time(5, &t), 0);
	assert_int_equal(t, 123456789);

	fake.ret = -1, fake.err = EAGAIN;
	assert_int_equal(vid_post_message(5, 0, 2, 1, payload, 3), -EAGAIN);
	fake.err = EOPNOTSUPP;
	assert_true(vid_not_implemented(vid_set_connection(5, 1, 1, VID_CONNECTION_MESSAGE)));
}

static void test_signals(void **state)
{
	(void)state;
	struct vid_signals out;
	fake.signals.count = 2, fake.signals.more = 1;
	fake.signals.connection_id[0] = 0x10001, fake.signals.connection_id[1] = 0x10005;
	assert_int_equal(vid_get_signals(5, &out), 2);
	assert_int_equal(out.more, 1);
	assert_int_equal(out.connection_id[1], 0x10005);
	fake.signals.count = VID_SIGNALS_MAX + 1; /* a count past the array is not believed */
	assert_int_equal(vid_get_signals(5, &out), -EIO);
}

static void test_read_messages(void **state)
{
	(void)state;
	struct vid_message m[4];
	fake.read_ret = 2 * sizeof(struct vid_message);
	assert_int_equal(vid_read_messages(5, m, 4), 2);
	assert_int_equal(fake.read_len, 4 * sizeof(struct vid_message));
	assert_int_equal(m[1].connection_id, 2);
	fake.read_ret = 300; /* not whole records */
	assert_int_equal(vid_read_messages(5, m, 4), -EIO);
	fake.read_ret = 0;
	assert_int_equal(vid_read_messages(5, m, 4), -EIO);
	fake.read_ret = -1, fake.err = EAGAIN;
	assert_int_equal(vid_read_messages(5, m, 4), -EAGAIN);
	assert_int_equal(vid_read_messages(5, m, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_layout, reset),
		cmocka_unit_test_setup(test_partition_create, reset),
		cmocka_unit_test_setup(test_map_and_vp, reset),
		cmocka_unit_test_setup(test_regs_split, reset),
		cmocka_unit_test_setup(test_regs_partial, reset),
		cmocka_unit_test_setup(test_run, reset),
		cmocka_unit_test_setup(test_synic_calls, reset),
		cmocka_unit_test_setup(test_signals, reset),
		cmocka_unit_test_setup(test_read_messages, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
