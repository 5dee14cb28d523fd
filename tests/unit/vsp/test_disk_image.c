/* SPDX-License-Identifier: MIT */
/* Disk image backend: open rules, vectored I/O (aligned, unaligned through the bounce buffer),
 * read-only refusal, nowait reads from the page cache, flush. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vsp/disk_image.h"

static char path[64];

static int setup(void **s)
{
	(void)s;
	snprintf(path, sizeof(path), "/tmp/hv-disk-test-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	close(fd);
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	unlink(path);
	return 0;
}

static void test_roundtrip(void **s)
{
	(void)s;
	struct disk_image d;
	char err[256];
	static uint8_t a[8192] __attribute__((aligned(4096))),
		b[8192] __attribute__((aligned(4096)));

	for (int direct = 0; direct <= 1; direct++) {
		assert_int_equal(disk_image_open(&d, path, false, direct, err, sizeof(err)), 0);
		assert_int_equal(d.size, 1 << 20);
		for (size_t i = 0; i < sizeof(a); i++)
			a[i] = (uint8_t)(i * 7 + direct);
		/* aligned, two segments */
		struct iovec w[2] = { { a, 4096 }, { a + 4096, 4096 } };
		assert_int_equal(disk_image_rw(&d, true, w, 2, 65536, false), 0);
		memset(b, 0, sizeof(b));
		struct iovec r[1] = { { b, 8192 } };
		assert_int_equal(disk_image_rw(&d, false, r, 1, 65536, false), 0);
		assert_memory_equal(a, b, 8192);
		/* unaligned buffer and offset (bounce path when O_DIRECT) */
		struct iovec wu[1] = { { a + 3, 1024 } };
		assert_int_equal(disk_image_rw(&d, true, wu, 1, 512 * 3, false), 0);
		struct iovec ru[1] = { { b + 5, 1024 } };
		assert_int_equal(disk_image_rw(&d, false, ru, 1, 512 * 3, false), 0);
		assert_memory_equal(a + 3, b + 5, 1024);
		/* neighbours of the unaligned write survived its read-modify-write */
		struct iovec rn[1] = { { b, 4096 } };
		assert_int_equal(disk_image_rw(&d, false, rn, 1, 65536, false), 0);
		assert_memory_equal(a, b, 4096);
		/* beyond the end */
		struct iovec re[1] = { { b, 1024 } };
		assert_int_equal(disk_image_rw(&d, false, re, 1, (1 << 20) - 512, false), -EINVAL);
		assert_int_equal(disk_image_flush(&d), 0);
		disk_image_close(&d);
	}
}

static void test_nowait_and_readonly(void **s)
{
	(void)s;
	struct disk_image d;
	char err[256];
	uint8_t buf[4096];
	struct iovec v = { buf, sizeof(buf) };

	assert_int_equal(disk_image_open(&d, path, true, false, err, sizeof(err)), 0);
	assert_int_equal(disk_image_rw(&d, true, &v, 1, 0, false), -EROFS);
	/* the file was just written: a page-cache hit completes without blocking */
	int r = disk_image_rw(&d, false, &v, 1, 65536, true);
	assert_true(r == 0 || r == -EAGAIN);
	disk_image_close(&d);
}

/* Descriptors this process holds: a refused open must not leave one behind. */
static int open_fds(void)
{
	int n = 0;
	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

static void test_open_refusals(void **s)
{
	(void)s;
	struct disk_image d;
	char err[256] = "";
	char odd[64];
	int fds = open_fds();

	assert_int_equal(disk_image_open(&d, "/nonexistent/x.img", false, true, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/x.img"));
	snprintf(odd, sizeof(odd), "/tmp/hv-disk-odd-XXXXXX");
	int fd = mkstemp(odd);
	assert_int_equal(ftruncate(fd, 1000), 0);
	close(fd);
	assert_int_equal(disk_image_open(&d, odd, false, true, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "multiple"));
	unlink(odd);
	assert_true(disk_image_open(&d, "/tmp", false, true, err, sizeof(err)) < 0);
	assert_int_equal(disk_image_open(&d, "/dev/null", true, false, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a regular file or block device"));
	assert_int_equal(open_fds(), fds);
}

/* On tmpfs: no O_DIRECT (nothing to bypass), and reads complete inline (nowait) because the
 * pages are memory: without swap always, with swap when cachestat says they are resident. */
static void test_memory_fs(void **s)
{
	(void)s;
	struct disk_image d;
	char err[256], p[64];
	uint8_t buf[4096];
	struct iovec v = { buf, sizeof(buf) };

	snprintf(p, sizeof(p), "/dev/shm/hv-disk-test-XXXXXX");
	int fd = mkstemp(p);
	if (fd < 0)
		skip();
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	memset(buf, 0x5A, sizeof(buf));
	assert_int_equal(pwrite(fd, buf, sizeof(buf), 8192), (ssize_t)sizeof(buf));
	close(fd);
	assert_int_equal(disk_image_open(&d, p, false, true, err, sizeof(err)), 0);
	assert_true(d.memory_fs);
	assert_false(d.direct);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(disk_image_rw(&d, false, &v, 1, 8192, true), 0);
	assert_int_equal(buf[0], 0x5A);
	assert_int_equal(buf[4095], 0x5A);
	disk_image_close(&d);
	unlink(p);
}

/* Sub-block writes to neighbouring sectors of one 4 KiB block from two threads at once (what
 * the VSP's I/O threads do for a guest writing 512-byte sectors): with O_DIRECT each goes
 * through a read-modify-write of the whole block, and neither may undo the other. */
struct rmw_arg {
	struct disk_image *d;
	pthread_barrier_t *bar;
	int sector;
	int fails;
};

#define RMW_BLOCKS 256

static void *rmw_writer(void *p)
{
	struct rmw_arg *a = p;
	uint8_t buf[512];

	for (int k = 0; k < RMW_BLOCKS; k++) {
		memset(buf, 0x10 + a->sector, sizeof(buf));
		buf[0] = (uint8_t)k;
		struct iovec v = { buf, sizeof(buf) };
		pthread_barrier_wait(a->bar);
		if (disk_image_rw(a->d, true, &v, 1, (uint64_t)k * 4096 + 512u * a->sector, false))
			a->fails++;
	}
	return NULL;
}

static void test_concurrent_sub_block_writes(void **s)
{
	(void)s;
	struct disk_image d;
	char err[256];
	pthread_barrier_t bar;
	pthread_t t[2];
	struct rmw_arg a[2];
	static uint8_t zero[RMW_BLOCKS * 4096] __attribute__((aligned(4096)));
	static uint8_t back[4096] __attribute__((aligned(4096)));
	int lost = 0;

	assert_int_equal(disk_image_open(&d, path, false, true, err, sizeof(err)), 0);
	if (!d.direct) {
		disk_image_close(&d);
		skip();
	}
	struct iovec z = { zero, sizeof(zero) };
	assert_int_equal(disk_image_rw(&d, true, &z, 1, 0, false), 0);
	pthread_barrier_init(&bar, NULL, 2);
	for (int i = 0; i < 2; i++) {
		a[i] = (struct rmw_arg){ &d, &bar, i, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, rmw_writer, &a[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&bar);
	assert_int_equal(a[0].fails + a[1].fails, 0);
	for (int k = 0; k < RMW_BLOCKS; k++) {
		struct iovec v = { back, sizeof(back) };
		assert_int_equal(disk_image_rw(&d, false, &v, 1, (uint64_t)k * 4096, false), 0);
		for (int sct = 0; sct < 2; sct++)
			if (back[512 * sct] != (uint8_t)k || back[512 * sct + 1] != 0x10 + sct)
				lost++;
	}
	disk_image_close(&d);
	assert_int_equal(lost, 0);
}

/* An O_DIRECT image whose size is not a multiple of 4 KiB, with a path longer than the
 * backend keeps: I/O in the partial last block reaches this image. */
static void test_partial_tail_long_path(void **s)
{
	(void)s;
	struct disk_image d;
	char err[256], dir[64], sub[300], file[600];
	uint8_t w[700], r[700];
	const uint64_t size = 8 * 4096 + 1024;

	snprintf(dir, sizeof(dir), "/tmp/hv-disk-long-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/%0200d", dir, 0);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(file, sizeof(file), "%s/%0200d.img", sub, 1);
	int fd = open(file, O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	close(fd);
	assert_int_equal(disk_image_open(&d, file, false, true, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(w); i++)
		w[i] = (uint8_t)(i * 13 + 1);
	struct iovec wv = { w, sizeof(w) }, rv = { r, sizeof(r) };
	assert_int_equal(disk_image_rw(&d, true, &wv, 1, size - 1024 + 100, false), 0);
	memset(r, 0, sizeof(r));
	assert_int_equal(disk_image_rw(&d, false, &rv, 1, size - 1024 + 100, false), 0);
	assert_memory_equal(w, r, sizeof(w));
	disk_image_close(&d);
	unlink(file);
	rmdir(sub);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nowait_and_readonly, setup, teardown),
		cmocka_unit_test(test_open_refusals),
		cmocka_unit_test(test_memory_fs),
		cmocka_unit_test_setup_teardown(test_concurrent_sub_block_writes, setup, teardown),
		cmocka_unit_test(test_partial_tail_long_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
