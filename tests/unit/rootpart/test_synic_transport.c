/* SPDX-License-Identifier: MIT */
/* The worker's SynIC transport (rootpart/vmwp/synic_transport.c) against a fake libvid and a
 * fake server, on a real libuv loop and a real memfd: the connections it registers and what
 * it does without SynIC; messages posted in order through a full guest queue (the FIFO and its
 * timer), its bound; a VP the VM does not have answered on VP 0; signals on SINT 2 with the
 * relid as flag; guest page windows (contiguous and scattered) and page_ptr bounds; inbound
 * messages and signals reaching the server only while one is attached; teardown. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "synic_transport.h"
#include "vid/libvid.h"

#define RAM_PAGES 64u
#define SERVER	  ((struct vmbus_server *)0x5e12e12)

/* ---- fakes: libvid, the server, the log ---- */
static struct {
	struct vid_connection conn[8];
	int nconn, conn_err;
	int signal_efd;
	int eagain_left; /* VID_POST_MESSAGE answers EAGAIN this many more times */
	struct vid_post_message posted[300];
	int nposted, post_calls;
	struct vid_signal_event signalled[8];
	int nsignalled;
	/* inbound */
	int part_efd; /* stands for the partition fd: readable while messages wait */
	struct vid_message inbox[40];
	int ninbox, inbox_head;
	uint32_t pending[100];
	int npending;
	uint32_t got_conn[100], got_len[100], got_signal[100];
	int ngot, ngot_signal;
	char log[8][256];
	int nlog;
} fk;

int vid_set_connection(int fd, uint32_t id, uint32_t count, uint32_t type)
{
	(void)fd;
	if (fk.conn_err)
		return fk.conn_err;
	fk.conn[fk.nconn++] = (struct vid_connection){ id, count, type, 0 };
	return 0;
}

int vid_set_signal_eventfd(int fd, int efd)
{
	(void)fd;
	fk.signal_efd = efd;
	return 0;
}

int vid_post_message(int fd, uint32_t vp, uint32_t sint, uint32_t type, const void *payload,
		     uint32_t size)
{
	(void)fd;
	fk.post_calls++;
	if (fk.eagain_left > 0) {
		fk.eagain_left--;
		return -EAGAIN;
	}
	struct vid_post_message *m = &fk.posted[fk.nposted++];
	*m = (struct vid_post_message){ vp, sint, type, size, { 0 } };
	memcpy(m->payload, payload, size);
	return 0;
}

int vid_signal_event(int fd, uint32_t vp, uint32_t sint, uint32_t flag, bool *newly)
{
	(void)fd;
	(void)newly;
	fk.signalled[fk.nsignalled++] = (struct vid_signal_event){ vp, sint, flag, 0 };
	return 0;
}

int vid_get_reference_time(int fd, uint64_t *t)
{
	(void)fd;
	*t = 777;
	return 0;
}

int vid_read_messages(int fd, struct vid_message *out, uint32_t max)
{
	uint64_t v;
	(void)fd;
	int n = 0;
	while (n < (int)max && fk.inbox_head < fk.ninbox)
		out[n++] = fk.inbox[fk.inbox_head++];
	if (fk.inbox_head == fk.ninbox && read(fk.part_efd, &v, sizeof(v)) < 0)
		(void)0; /* drained: the fd is no longer readable */
	return n ? n : -EAGAIN;
}

int vid_get_signals(int fd, struct vid_signals *out)
{
	(void)fd;
	memset(out, 0, sizeof(*out));
	while (fk.npending && out->count < VID_SIGNALS_MAX)
		out->connection_id[out->count++] = fk.pending[--fk.npending];
	out->more = fk.npending != 0;
	return (int)out->count;
}

int vmbus_server_post_message(struct vmbus_server *s, uint32_t conn, const void *msg, uint32_t len)
{
	assert_ptr_equal(s, SERVER);
	(void)msg;
	fk.got_conn[fk.ngot] = conn;
	fk.got_len[fk.ngot++] = len;
	return 0;
}

int vmbus_server_signal(struct vmbus_server *s, uint32_t conn)
{
	assert_ptr_equal(s, SERVER);
	fk.got_signal[fk.ngot_signal++] = conn;
	return 0;
}

void mgmt_log_write(struct mgmt_log *log, enum mgmt_log_level level, const char *component,
		    const char *fmt, ...)
{
	va_list ap;
	(void)log;
	(void)level;
	(void)component;
	va_start(ap, fmt);
	vsnprintf(fk.log[fk.nlog % 8], sizeof(fk.log[0]), fmt, ap);
	va_end(ap);
	fk.nlog++;
}

static bool log_has(const char *needle)
{
	for (int i = 0; i < 8 && i < fk.nlog; i++)
		if (strstr(fk.log[i], needle))
			return true;
	return false;
}

/* ---- the fixture: a loop, guest RAM in a memfd, a transport ---- */
struct fx {
	uv_loop_t loop;
	struct mgmt_log log;
	int ram_fd;
	uint8_t *ram;
	struct synic_transport *t;
	const struct vmbus_transport *tp;
};

static int setup(void **state)
{
	static struct fx f;
	bool no_synic = true;
	char why[256] = "";
	memset(&fk, 0, sizeof(fk));
	memset(&f, 0, sizeof(f));
	uv_loop_init(&f.loop);
	f.ram_fd = memfd_create("test-ram", MFD_CLOEXEC);
	assert_int_equal(ftruncate(f.ram_fd, RAM_PAGES * 4096), 0);
	f.ram = mmap(NULL, RAM_PAGES * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, f.ram_fd, 0);
	assert_true(f.ram != MAP_FAILED);
	fk.part_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct synic_transport_config c = { &f.loop,	      &f.log, fk.part_efd, f.ram_fd, f.ram,
					    RAM_PAGES * 4096, 2 };
	f.t = synic_transport_create(&c, &no_synic, why, sizeof(why));
	assert_non_null(f.t);
	assert_false(no_synic);
	f.tp = synic_transport_get(f.t);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	synic_transport_destroy(f->t);
	uv_run(&f->loop, UV_RUN_DEFAULT); /* until every handle is closed */
	assert_int_equal(uv_loop_close(&f->loop), 0);
	munmap(f->ram, RAM_PAGES * 4096);
	close(f->ram_fd);
	close(fk.part_efd);
	return 0;
}

static void run_for(struct fx *f, int ms)
{
	uint64_t end = uv_now(&f->loop) + (uint64_t)ms;
	while (uv_now(&f->loop) < end) {
		uv_run(&f->loop, UV_RUN_NOWAIT);
		usleep(1000);
		uv_update_time(&f->loop);
	}
}

static void test_connections(void **state)
{
	(void)state;
	assert_int_equal(fk.nconn, 3);
	assert_int_equal(fk.conn[0].connection_id, VMBUS_MESSAGE_CONNECTION_ID);
	assert_int_equal(fk.conn[0].type, VID_CONNECTION_MESSAGE);
	assert_int_equal(fk.conn[1].connection_id, VMBUS_MESSAGE_CONNECTION_ID_4);
	assert_int_equal(fk.conn[2].connection_id, VMBUS_CHANNEL_CONNECTION_BASE + 1);
	assert_int_equal(fk.conn[2].count, 2047);
	assert_int_equal(fk.conn[2].type, VID_CONNECTION_EVENT);
	assert_true(fk.signal_efd > 0);
}

static void test_no_synic(void **state)
{
	struct fx *f = *state;
	bool no_synic = false;
	char why[256] = "";
	struct synic_transport_config c = { &f->loop,  &f->log, fk.part_efd,
					    f->ram_fd, f->ram,	RAM_PAGES * 4096,
					    1 };
	fk.conn_err = -EOPNOTSUPP;
	assert_null(synic_transport_create(&c, &no_synic, why, sizeof(why)));
	assert_true(no_synic);
	assert_string_equal(why, "the hypervisor has no SynIC");
	fk.conn_err = -ENOSPC;
	assert_null(synic_transport_create(&c, &no_synic, why, sizeof(why)));
	assert_false(no_synic);
	assert_non_null(strstr(why, "registering its connections failed"));
}

/* A full guest queue: messages wait in order and go out from the timer. */
static void test_post_order(void **state)
{
	struct fx *f = *state;
	fk.eagain_left = 3;
	for (uint32_t i = 0; i < 10; i++)
		assert_int_equal(f->tp->ops->post_message(f->tp->ctx, i == 4 ? 9 : 1, 2, &i, 4), 0);
	assert_int_equal(fk.nposted, 0);
	assert_int_equal(fk.post_calls, 1); /* the rest queued behind the first, no ioctl */
	run_for(f, 100);
	assert_int_equal(fk.nposted, 10);
	for (uint32_t i = 0; i < 10; i++) {
		uint32_t v;
		memcpy(&v, fk.posted[i].payload, 4);
		assert_int_equal(v, i);
		assert_int_equal(fk.posted[i].vp_index, i == 4 ? 0 : 1); /* VP 9: bad input */
		assert_int_equal(fk.posted[i].sint, 2);
		assert_int_equal(fk.posted[i].message_type, 1);
	}
	assert_true(log_has("the guest named VP 9"));
}

static void test_post_bound(void **state)
{
	struct fx *f = *state;
	uint8_t big[241] = { 0 };
	fk.eagain_left = 1000000;
	int ok = 0;
	while (f->tp->ops->post_message(f->tp->ctx, 0, 2, "x", 1) == 0 && ok < 1000)
		ok++;
	assert_int_equal(ok, 128);
	assert_true(f->tp->ops->post_message(f->tp->ctx, 0, 2, big, 241) < 0);
}

static void test_signal_and_time(void **state)
{
	struct fx *f = *state;
	f->tp->ops->signal_guest(f->tp->ctx, 1, 5);
	f->tp->ops->signal_guest(f->tp->ctx, 7, 2047);
	assert_int_equal(fk.nsignalled, 2);
	assert_int_equal(fk.signalled[0].vp_index, 1);
	assert_int_equal(fk.signalled[0].sint, VMBUS_MESSAGE_SINT);
	assert_int_equal(fk.signalled[0].flag_number, 5);
	assert_int_equal(fk.signalled[1].vp_index, 0);
	assert_int_equal(f->tp->ops->reference_time(f->tp->ctx), 777);
}

static void test_pages(void **state)
{
	struct fx *f = *state;
	const struct vmbus_transport_ops *o = f->tp->ops;
	assert_ptr_equal(o->page_ptr(f->tp->ctx, 3), f->ram + 3 * 4096);
	assert_null(o->page_ptr(f->tp->ctx, RAM_PAGES));
	uint64_t run[3] = { 4, 5, 6 }, scattered[3] = { 9, 2, 40 }, outside[2] = { 1, RAM_PAGES };
	assert_ptr_equal(o->map_pages(f->tp->ctx, run, 3), f->ram + 4 * 4096);
	o->unmap_pages(f->tp->ctx, f->ram + 4 * 4096, 3);
	assert_null(o->map_pages(f->tp->ctx, outside, 2));
	assert_null(o->map_pages(f->tp->ctx, run, 0));
	uint8_t *w = o->map_pages(f->tp->ctx, scattered, 3);
	assert_non_null(w);
	w[0] = 0xa1, w[4096 + 5] = 0xb2, w[2 * 4096 + 4095] = 0xc3; /* the guest's pages */
	assert_int_equal(f->ram[9 * 4096], 0xa1);
	assert_int_equal(f->ram[2 * 4096 + 5], 0xb2);
	assert_int_equal(f->ram[40 * 4096 + 4095], 0xc3);
	f->ram[2 * 4096] = 0x77; /* and back */
	assert_int_equal(w[4096], 0x77);
	o->unmap_pages(f->tp->ctx, w, 3);
}

static void add_message(uint32_t conn, uint32_t len)
{
	uint64_t one = 1;
	fk.inbox[fk.ninbox++] = (struct vid_message){ conn, 0, 1, len, { 0 } };
	assert_int_equal(write(fk.part_efd, &one, sizeof(one)), sizeof(one));
}

static void test_inbound(void **state)
{
	struct fx *f = *state;
	uint64_t one = 1;
	add_message(4, 40);
	fk.pending[fk.npending++] = 0x10001;
	assert_int_equal(write(fk.signal_efd, &one, sizeof(one)), sizeof(one));
	run_for(f, 20);
	assert_int_equal(fk.ngot + fk.ngot_signal, 0); /* no server attached: they wait */
	synic_transport_attach(f->t, SERVER);
	for (uint32_t i = 0; i < 30; i++)
		add_message(1, i);
	for (uint32_t i = 0; i < 70; i++)
		fk.pending[fk.npending++] = 0x10002 + i;
	run_for(f, 50);
	assert_int_equal(fk.ngot, 31);
	assert_int_equal(fk.got_conn[0], 4);
	assert_int_equal(fk.got_len[0], 40);
	assert_int_equal(fk.got_len[30], 29);
	assert_int_equal(fk.ngot_signal, 71); /* over two VID_GET_SIGNALS (62 + 9) */
	synic_transport_attach(f->t, NULL);
	add_message(1, 8);
	run_for(f, 20);
	assert_int_equal(fk.ngot, 31);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_connections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_synic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_post_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_post_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_and_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
