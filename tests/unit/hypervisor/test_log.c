/* SPDX-License-Identifier: MIT */
/* Unit tests of the hypervisor's log ring (core/log.c, core/lib.c built for the host): what
 * HV_CALL_READ_LOG returns before and after the ring wraps, offsets past the end, short reads,
 * and the formatter's corner cases; and what the serial console (the arch's, stubbed here)
 * receives when a log port is configured. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "core.h"

u64 hv_uptime_ns(void)
{
	return 1500000000ull; /* 1.5 s: every line starts "[    1.500000] hv: " */
}

/* The arch's console, recording what the log sends it. */
static u16 console_port;
static char console[256];
static size_t console_len;

void arch_console_init(u16 port)
{
	console_port = port;
	console_len = 0;
}

void arch_console_putc(char c)
{
	if (console_len < sizeof(console) - 1)
		console[console_len++] = c;
}

#define RING (64u << 10)
static char buf[RING + 1];

static void test_console(void **state)
{
	(void)state;
	hv_log_init(0x2f8);
	assert_int_equal(console_port, 0x2f8);
	hv_log("to the UART");
	console[console_len] = 0;
	assert_string_equal(console, "[    1.500000] hv: to the UART\r\n");
	hv_log_init(0); /* no port: the console is never touched again */
	console_len = 0;
	hv_log("ring only");
	assert_int_equal(console_len, 0);
}

static void test_before_wrap(void **state)
{
	(void)state;
	hv_log_init(0);
	u64 t0 = hv_log_total();
	hv_log("hello %d %s", 42, "world");
	u64 start;
	u32 len;
	u64 end = hv_log_read(t0, buf, RING, &start, &len);
	assert_int_equal(start, t0);
	assert_int_equal(end, t0 + len);
	buf[len] = 0;
	assert_string_equal(buf, "[    1.500000] hv: hello 42 world\n");
	/* past the end: clamped, nothing returned */
	end = hv_log_read(end + 100, buf, RING, &start, &len);
	assert_int_equal(start, end);
	assert_int_equal(len, 0);
	/* a short read */
	hv_log_read(t0, buf, 5, &start, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(buf, "[    ", 5);
}

static void test_after_wrap(void **state)
{
	(void)state;
	char line[64];
	for (int i = 0; i < 5000; i++) { /* ~165 KiB: wraps the 64 KiB ring twice */
		snprintf(line, sizeof(line), "line %05d", i);
		hv_log("%s", line);
	}
	u64 total = hv_log_total();
	assert_true(total > 2 * RING);
	u64 start;
	u32 len;
	u64 end = hv_log_read(0, buf, RING, &start, &len);
	assert_int_equal(end, total);
	assert_int_equal(start, total - RING); /* the oldest byte still held */
	assert_int_equal(len, RING);
	buf[len] = 0;
	const char *last = strstr(buf, "line 04999\n");
	assert_non_null(last);
	assert_int_equal((size_t)(last - buf) + strlen("line 04999\n"), RING);
	/* reading on from a position inside the ring continues exactly */
	u64 start2;
	u32 len2;
	static char tail[RING];
	hv_log_read(total - 11, tail, RING, &start2, &len2);
	assert_int_equal(start2, total - 11);
	assert_int_equal(len2, 11);
	assert_memory_equal(tail, "line 04999\n", 11);
}

static void test_long_line_truncated(void **state)
{
	(void)state;
	static char big[600];
	memset(big, 'x', sizeof(big) - 1);
	u64 t0 = hv_log_total();
	hv_log("%s", big);
	u64 start;
	u32 len;
	hv_log_read(t0, buf, RING, &start, &len);
	assert_true(len < 256); /* one 256-byte line at most */
	assert_int_equal(buf[len - 1], '\n');
}

static void test_format(void **state)
{
	(void)state;
	char out[64];
	const char *volatile nothing = NULL;
	hv_snprintf(out, sizeof(out), "%x %lx %05u %d %c %%", 0xabcu, 0x1234567890ul, 42u, -7, 'z');
	assert_string_equal(out, "abc 1234567890 00042 -7 z %");
	/* the core prints "(null)" for a NULL string (volatile: hidden from the format check) */
	hv_snprintf(out, sizeof(out), "[%s]", nothing);
	assert_string_equal(out, "[(null)]");
	hv_snprintf(out, sizeof(out), "%p", (void *)0x10);
	assert_string_equal(out, "0x0000000000000010");
	assert_int_equal(hv_snprintf(out, 4, "abcdef"), 6); /* returns the full length */
	assert_string_equal(out, "abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_console),	   cmocka_unit_test(test_before_wrap),
		cmocka_unit_test(test_after_wrap), cmocka_unit_test(test_long_line_truncated),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
