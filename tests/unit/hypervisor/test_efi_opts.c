/* SPDX-License-Identifier: MIT */
/* Unit tests of hv.efi's LoadOptions parser (hypervisor/efi/opts.c): the log_port forms
 * hvloader writes, the bound (ports above 0xfff8 would wrap the core's interception loop onto
 * ports 0-6), malformed values, and that nothing past the option length is read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "opts.h"

/* s as UTF-16 in a heap block of exactly strlen(s) units (no terminator), so that ASan sees
 * any read past the length. */
static uint16_t *u16(const char *s, size_t *n)
{
	*n = strlen(s);
	uint16_t *o = malloc(*n ? *n * 2 : 1);
	for (size_t i = 0; i < *n; i++)
		o[i] = (uint8_t)s[i];
	return o;
}

static int parse(const char *s, uint16_t *port)
{
	size_t n;
	uint16_t *o = u16(s, &n);
	int rc = hv_opt_log_port(o, n, port);
	free(o);
	return rc;
}

static void test_valid(void **state)
{
	(void)state;
	static const struct {
		const char *opts;
		uint16_t port;
	} ok[] = {
		{ "", 0x2f8 },
		{ "on_panic=reset", 0x2f8 },
		{ "log_port=0x2f8", 0x2f8 },
		{ "log_port=0x3F8 on_panic=reset", 0x3f8 },
		{ "on_panic=reset log_port=0X2e8", 0x2e8 },
		{ "log_port=none", 0 },
		{ "log_port=none on_panic=reset", 0 },
		{ "log_port=2f8", 0x2f8 }, /* hex without 0x, as before */
		{ "log_port=0x1", 1 },
		{ "log_port=0xfff8", 0xfff8 },
		{ "log_port=0x0000fff8", 0xfff8 },   /* leading zeros are no overflow */
		{ "hv.efi\tlog_port=0x2f8", 0x2f8 }, /* shell style: image name first */
		{ "xlog_port=0x3f8", 0x2f8 },	     /* not the option: no word start */
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint16_t port = 0xdead;
		print_message("ok: \"%s\"\n", ok[i].opts);
		assert_int_equal(parse(ok[i].opts, &port), 0);
		assert_int_equal(port, ok[i].port);
	}
}

static void test_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"log_port=0xfff9",
		"log_port=0xffff",
		"log_port=0x10000",
		"log_port=0x1002f8",
		"log_port=0xffffffffffffffff2f8",
		"log_port=",
		"log_port=0x",
		"log_port=0",
		"log_port=0x0",
		"log_port=0x2g8",
		"log_port=nonesuch",
		"log_port=-1",
		"log_port=0x2f8,",
		"on_panic=reset log_port=0xfffa",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint16_t port;
		print_message("refused: \"%s\"\n", bad[i]);
		assert_int_equal(parse(bad[i], &port), -1);
	}
}

/* The value ends at the option length even when the buffer goes on (the firmware's size is
 * authoritative), and at a NUL within it. */
static void test_bounded(void **state)
{
	(void)state;
	size_t n;
	uint16_t port;
	uint16_t *o = u16("log_port=0x3f8123", &n);
	assert_int_equal(hv_opt_log_port(o, n - 3, &port), 0);
	assert_int_equal(port, 0x3f8);
	assert_int_equal(hv_opt_log_port(o, 9, &port), -1); /* "log_port=" and no value */
	assert_int_equal(hv_opt_log_port(o, 8, &port), 0);  /* key cut off: default */
	assert_int_equal(port, 0x2f8);
	o[14] = 0; /* "log_port=0x3f8\0123" */
	assert_int_equal(hv_opt_log_port(o, n, &port), 0);
	assert_int_equal(port, 0x3f8);
	free(o);
	assert_int_equal(hv_opt_log_port(NULL, 0, &port), 0);
	assert_int_equal(port, 0x2f8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
