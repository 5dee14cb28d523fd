/* SPDX-License-Identifier: MIT */
/* Unit tests of the hv.cfg parser (hypervisor/loader/cfg.c): defaults, every key, comments and
 * blanks, and one golden case per mistake with the line it is reported on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "cfg.h"

static int parse(struct hv_cfg *c, const char *text, char *err)
{
	return hv_cfg_parse(c, text, strlen(text), err, 64);
}

static void test_defaults(void **state)
{
	(void)state;
	struct hv_cfg c;
	char err[64];
	assert_int_equal(parse(&c, "", err), 0);
	assert_string_equal(c.hypervisor, "\\hv.efi");
	assert_string_equal(c.kernel, "\\vmlinuz");
	assert_string_equal(c.initrd, "");
	assert_int_equal(c.log_port, 0x2f8);
	assert_int_equal(c.on_failure, HV_ON_FAILURE_STOP);
	assert_int_equal(c.on_panic, HV_ON_PANIC_HALT);
	assert_int_equal(c.on_root_triple_fault, HV_ON_ROOT_TRIPLE_FAULT_RESET);
}

static void test_harness_file(void **state)
{
	(void)state;
	struct hv_cfg c;
	char err[64];
	const char *t = "# generated\r\n"
			"hypervisor = \\hv.efi\n"
			"kernel = \\vmlinuz\n"
			"  initrd=\\initrd.img  \n"
			"\n"
			"cmdline = console=ttyS0,115200 panic=-1 a=b=c\n"
			"log_port = 0x3F8\n"
			"on_failure = boot\n"
			"on_panic = reset\n"
			"on_root_triple_fault = halt";
	assert_int_equal(parse(&c, t, err), 0);
	assert_string_equal(c.initrd, "\\initrd.img");
	assert_string_equal(c.cmdline, "console=ttyS0,115200 panic=-1 a=b=c");
	assert_int_equal(c.log_port, 0x3f8);
	assert_int_equal(c.on_failure, HV_ON_FAILURE_BOOT);
	assert_int_equal(c.on_panic, HV_ON_PANIC_RESET);
	assert_int_equal(c.on_root_triple_fault, HV_ON_ROOT_TRIPLE_FAULT_HALT);
}

static void test_log_port_forms(void **state)
{
	(void)state;
	struct hv_cfg c;
	char err[64];
	assert_int_equal(parse(&c, "log_port = none\n", err), 0);
	assert_int_equal(c.log_port, 0);
	assert_int_equal(parse(&c, "hypervisor = none\n", err), 0);
	assert_string_equal(c.hypervisor, "none");
	assert_int_equal(parse(&c, "log_port = 760\n", err), 0);
	assert_int_equal(c.log_port, 760);
}

struct bad {
	const char *text;
	int line;
	const char *why;
};

static void test_mistakes(void **state)
{
	(void)state;
	static const struct bad cases[] = {
		{ "kernel = \\a\nbogus = 1\n", 2, "unknown key" },
		{ "# c\n\nno equals sign\n", 3, "expected key = value" },
		{ "on_failure = maybe\n", 1, "bad or too long value" },
		{ "on_panic = reboot\n", 1, "bad or too long value" },
		{ "on_root_triple_fault = ignore\n", 1, "bad or too long value" },
		{ "log_port = 0x\n", 1, "bad or too long value" },
		{ "log_port = 0\n", 1, "bad or too long value" },
		{ "log_port = 0x10000\n", 1, "bad or too long value" },
		{ "log_port = 12ab\n", 1, "bad or too long value" },
		{ "hypervisor =\n", 1, "bad or too long value" },
		{ "kernel = \n", 1, "bad or too long value" },
		{ "= value\n", 1, "unknown key" },
		/* a key that starts like a known one and is longer (found by the fuzzer) */
		{ "kernel_image_of_a_very_long_name = x\n", 1, "unknown key" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hv_cfg c;
		char err[64];
		assert_int_equal(parse(&c, cases[i].text, err), cases[i].line);
		assert_string_equal(err, cases[i].why);
	}
}

static void test_too_long(void **state)
{
	(void)state;
	static char t[HV_CFG_CMDLINE_MAX + 32];
	struct hv_cfg c;
	char err[64];
	memcpy(t, "cmdline = ", 10);
	memset(t + 10, 'x', HV_CFG_CMDLINE_MAX);
	t[10 + HV_CFG_CMDLINE_MAX] = 0;
	assert_int_equal(parse(&c, t, err), 1);
	t[10 + HV_CFG_CMDLINE_MAX - 1] = 0; /* exactly fits with its NUL */
	assert_int_equal(parse(&c, t, err), 0);
	assert_int_equal(strlen(c.cmdline), HV_CFG_CMDLINE_MAX - 1);
}

static void test_not_nul_terminated(void **state)
{
	(void)state;
	struct hv_cfg c;
	char err[64];
	const char t[] = { 'k', 'e', 'r', 'n', 'e', 'l', '=', 'A', 'B' };
	assert_int_equal(hv_cfg_parse(&c, t, sizeof(t), err, sizeof(err)), 0);
	assert_string_equal(c.kernel, "AB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),       cmocka_unit_test(test_harness_file),
		cmocka_unit_test(test_log_port_forms), cmocka_unit_test(test_mistakes),
		cmocka_unit_test(test_too_long),       cmocka_unit_test(test_not_nul_terminated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
