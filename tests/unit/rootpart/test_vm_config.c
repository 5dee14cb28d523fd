/* SPDX-License-Identifier: MIT */
/* VM config validation, table-driven: every kind of mistake with the exact message expected
 * ("FILE:LINE:COL: key: problem"; bad_cases compare without the position, located_cases
 * with it), and good configs with their exact normalised form (golden text). Paths are
 * written with @D@ for the test's temporary folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mgmt/vm_config.h"

static char dir[256];
static char cfg_file[300];

/* Replaces every @D@ by the temporary folder. */
static char *expand(const char *s)
{
	size_t n = strlen(s) * 2 + strlen(dir) * 16 + 1;
	char *out = calloc(1, n);
	for (const char *p = s; *p;) {
		if (strncmp(p, "@D@", 3) == 0) {
			strcat(out, dir);
			p += 3;
		} else {
			strncat(out, p++, 1);
		}
	}
	return out;
}

static void touch(const char *name, const char *content)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/hv-vmconfig-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(cfg_file, sizeof(cfg_file), "%s/vm.json", dir);
	touch("guest.elf", "guest");
	touch("vmlinuz", "kernel");
	touch("initrd.img", "initrd");
	touch("disk0.img", "disk0");
	touch("disk1.img", "disk1");
	char sub[300];
	snprintf(sub, sizeof(sub), "%s/adir", dir);
	mkdir(sub, 0755);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

struct bad_case {
	const char *json;
	const char *expect; /* the whole error text, lines separated by \n */
};

#define F	  "@D@/vm.json: "
#define GOOD_TAIL "\"memory_mib\": 64, \"boot\": {\"guest\": \"guest.elf\"}"

static const struct bad_case bad_cases[] = {
	/* The document itself. */
	{ "", F "(file): the JSON text ends too early (a '}' or ']' missing?)" },
	{ "{\"name\": \"a\",", F "(file): the JSON text ends too early (a '}' or ']' missing?)" },
	{ "name: a", F "(file): not valid JSON: null expected" },
	{ "{\n  \"name\": \"a\",\n  oops\n}",
	  F "(file): not valid JSON: quoted object property name expected" },
	{ "{\"name\": \"a\", " GOOD_TAIL ",}", F "(file): not valid JSON: unexpected character" },
	{ "[1, 2]", F "(file): expected a JSON object {...}, got an array" },
	{ "{\"name\": \"a\", " GOOD_TAIL "} trailing",
	  F "(file): not valid JSON: unexpected character" },
	/* Keys. */
	{ "{\"name\": \"a\", " GOOD_TAIL ", \"colour\": \"red\"}",
	  F "colour: unknown key (valid keys here: name, memory_mib, vps, boot, disks, console)" },
	{ "{\"name\": \"a\", " GOOD_TAIL ", \"x\\u000ay\\u001b\": 1}",
	  F "x\\x0ay\\x1b: unknown key (valid keys here: name, memory_mib, vps, boot, disks, "
	    "console)" },
	{ "{" GOOD_TAIL "}", F "name: missing (this key is required)" },
	{ "{\"name\": \"a\", \"boot\": {\"guest\": \"guest.elf\"}}",
	  F "memory_mib: missing (this key is required)" },
	{ "{\"name\": \"a\", \"memory_mib\": 64}", F "boot: missing (this key is required)" },
	/* name */
	{ "{\"name\": 7, " GOOD_TAIL "}", F "name: expected a string, got an integer" },
	{ "{\"name\": \"\", " GOOD_TAIL "}",
	  F "name: \"\" is not a valid name: use 1 to 63 letters, digits, '.', '_' or '-', "
	    "starting with a letter or digit" },
	{ "{\"name\": \"../etc\", " GOOD_TAIL "}",
	  F "name: \"../etc\" is not a valid name: use 1 to 63 letters, digits, '.', '_' or '-', "
	    "starting with a letter or digit" },
	{ "{\"name\": \"-x\", " GOOD_TAIL "}",
	  F "name: \"-x\" is not a valid name: use 1 to 63 letters, digits, '.', '_' or '-', "
	    "starting with a letter or digit" },
	/* memory_mib, vps */
	{ "{\"name\": \"a\", \"memory_mib\": 1, \"boot\": {\"guest\": \"guest.elf\"}}",
	  F "memory_mib: 1 is out of range: give 2 to 262144 (MiB)" },
	{ "{\"name\": \"a\", \"memory_mib\": 262145, \"boot\": {\"guest\": \"guest.elf\"}}",
	  F "memory_mib: 262145 is out of range: give 2 to 262144 (MiB)" },
	{ "{\"name\": \"a\", \"memory_mib\": -5, \"boot\": {\"guest\": \"guest.elf\"}}",
	  F "memory_mib: -5 is out of range: give 2 to 262144 (MiB)" },
	{ "{\"name\": \"a\", \"memory_mib\": 99999999999999999999, \"boot\": {\"guest\": "
	  "\"guest.elf\"}}",
	  F "memory_mib: the number is far out of range: give 2 to 262144 (MiB)" },
	{ "{\"name\": \"a\", \"memory_mib\": 4294967360, \"boot\": {\"guest\": \"guest.elf\"}}",
	  F "memory_mib: the number is far out of range: give 2 to 262144 (MiB)" },
	{ "{\"name\": \"a\", \"memory_mib\": 64.5, \"boot\": {\"guest\": \"guest.elf\"}}",
	  F "memory_mib: expected an integer, got a number with a fraction" },
	{ "{\"name\": \"a\", \"memory_mib\": \"64\", \"boot\": {\"guest\": \"guest.elf\"}}",
	  F "memory_mib: expected an integer, got a string" },
	{ "{\"name\": \"a\", " GOOD_TAIL ", \"vps\": 0}",
	  F "vps: 0 is out of range: give 1 to 64 virtual processors" },
	{ "{\"name\": \"a\", " GOOD_TAIL ", \"vps\": null}",
	  F "vps: expected an integer, got null" },
	/* boot */
	{ "{\"name\": \"a\", \"memory_mib\": 64, \"boot\": \"guest.elf\"}",
	  F "boot: expected an object ({\"guest\": PATH} or {\"kernel\": PATH, \"initrd\": PATH, "
	    "\"cmdline\": TEXT}), got a string" },
	{ "{\"name\": \"a\", \"memory_mib\": 64, \"boot\": {}}",
	  F "boot: say what to boot: \"guest\": PATH (test guest image) or \"kernel\": PATH "
	    "(Linux kernel)" },
	{ "{\"name\": \"a\", \"memory_mib\": 64, \"boot\": {\"guest\": \"guest.elf\", "
	  "\"kernel\": \"vmlinuz\"}}",
	  F "boot: give either \"guest\" or \"kernel\", not both" },
	{ "{\"name\": \"a\", \"memory_mib\": 64, \"boot\": {\"guest\": \"guest.elf\", "
	  "\"initrd\": \"initrd.img\"}}",
	  F "boot: \"initrd\" goes with \"kernel\", not with \"guest\"" },
	{ "{\"name\": \"a\", \"memory_mib\": 64, \"boot\": {\"guest\": \"missing.elf\"}}",
	  F "boot.guest: @D@/missing.elf does not exist (relative paths start at the config "
	    "file's folder)" },
	{ "{\"name\": \"a\", \"memory_mib\": 64, \"boot\": {\"guest\": \"adir\"}}",
	  F "boot.guest: @D@/adir is not a regular file or block device" },
	{ "{\"name\": \"a\", \"memory_mib\": 64, \"boot\": {\"guest\": \"\"}}",
	  F "boot.guest: empty path: give the file's path" },
	{ "{\"name\": \"a\", \"memory_mib\": 64, \"boot\": {\"guest\": \"guest.elf\", "
	  "\"firmware\": \"x\"}}",
	  F "boot.firmware: unknown key (valid keys here: guest, kernel, initrd, cmdline)" },
	{ "{\"name\": \"a\", \"memory_mib\": 64, \"boot\": {\"kernel\": \"vmlinuz\", "
	  "\"initrd\": \"nope.img\"}}",
	  F "boot.initrd: @D@/nope.img does not exist (relative paths start at the config "
	    "file's folder)" },
	{ "{\"name\": \"a\", \"memory_mib\": 64, \"boot\": {\"kernel\": \"vmlinuz\", "
	  "\"cmdline\": \"a\\nb\"}}",
	  F "boot.cmdline: control character at offset 1: use printable text only" },
	/* disks */
	{ "{\"name\": \"a\", " GOOD_TAIL ", \"disks\": {\"path\": \"disk0.img\"}}",
	  F "disks: expected an array of {\"path\": PATH, \"readonly\": BOOL}, got an object" },
	{ "{\"name\": \"a\", " GOOD_TAIL ", \"disks\": [\"disk0.img\"]}",
	  F "disks[0]: expected an object {\"path\": PATH, \"readonly\": BOOL}, got a string" },
	{ "{\"name\": \"a\", " GOOD_TAIL ", \"disks\": [{\"readonly\": true}]}",
	  F "disks[0].path: missing (this key is required)" },
	{ "{\"name\": \"a\", " GOOD_TAIL ", \"disks\": [{\"path\": \"disk0.img\"}, "
	  "{\"path\": \"nope.img\"}]}",
	  F "disks[1].path: @D@/nope.img does not exist (relative paths start at the config "
	    "file's folder)" },
	{ "{\"name\": \"a\", " GOOD_TAIL ", \"disks\": [{\"path\": \"disk0.img\", "
	  "\"readonly\": \"yes\"}]}",
	  F "disks[0].readonly: expected true or false, got a string" },
	{ "{\"name\": \"a\", " GOOD_TAIL ", \"disks\": [{\"path\": \"disk0.img\", "
	  "\"size\": 5}]}",
	  F "disks[0].size: unknown key (valid keys here: path, readonly)" },
	{ "{\"name\": \"a\", " GOOD_TAIL ", \"disks\": [{\"path\": \"disk0.img\"}, "
	  "{\"path\": \"@D@/disk0.img\"}]}",
	  F "disks[1].path: @D@/disk0.img is the same file as disks[0]: give each disk its own "
	    "image" },
	/* console */
	{ "{\"name\": \"a\", " GOOD_TAIL ", \"console\": \"serial\"}",
	  F "console: \"serial\" is not a console mode: use \"log\" or \"none\"" },
	{ "{\"name\": \"a\", " GOOD_TAIL ", \"console\": true}",
	  F "console: expected a string (\"log\" or \"none\"), got true/false" },
	/* Several mistakes at once: all reported, in key order. */
	{ "{\"name\": \"bad name\", \"memory_mib\": 0, \"vps\": \"two\", \"boot\": {\"guest\": "
	  "\"nope.elf\"}, \"extra\": 1}",
	  F "extra: unknown key (valid keys here: name, memory_mib, vps, boot, disks, console)\n" F
	    "name: \"bad name\" is not a valid name: use 1 to 63 letters, digits, '.', '_' or '-', "
	    "starting with a letter or digit\n" F
	    "memory_mib: 0 is out of range: give 2 to 262144 (MiB)\n" F
	    "vps: expected an integer, got a string\n" F
	    "boot.guest: @D@/nope.elf does not exist (relative paths start at the config file's "
	    "folder)" },
};

/* Removes ":LINE:COL" after every mention of the config file, for the cases that check the
 * problem's words only. */
static void strip_positions(char *errors)
{
	size_t flen = strlen(cfg_file);
	for (char *p = errors; (p = strstr(p, cfg_file)) != NULL;) {
		p += flen;
		char *q = p;
		if (*q != ':' || !isdigit((unsigned char)q[1]))
			continue;
		for (q++; isdigit((unsigned char)*q); q++)
			;
		if (*q != ':' || !isdigit((unsigned char)q[1]))
			continue;
		for (q++; isdigit((unsigned char)*q); q++)
			;
		memmove(p, q, strlen(q) + 1);
	}
}

/* Positions, "did you mean", duplicates and NUL characters, with the exact text. */
#define FP(l, c) "@D@/vm.json:" #l ":" #c ": "
static const struct bad_case located_cases[] = {
	{ "{\n  \"name\": \"a\",\n  oops\n}",
	  FP(3, 3) "(file): not valid JSON: quoted object property name expected" },
	{ "{\n  \"name\": \"a\",\n  \"memory_mib\": 1,\n  \"boot\": {\"guest\": \"guest.elf\"}\n}",
	  FP(3, 17) "memory_mib: 1 is out of range: give 2 to 262144 (MiB)" },
	{ "{\"name\": \"a\",\n \"memory\": 64, \"boot\": {\"guest\": \"guest.elf\"}}",
	  FP(2, 2) "memory: unknown key: did you mean \"memory_mib\"? (valid keys here: name, "
		   "memory_mib, vps, boot, disks, console)\n" FP(
			   1, 1) "memory_mib: missing (this key is required)" },
	{ "{\"name\": \"a\", " GOOD_TAIL ", \"cosnole\": \"log\"}",
	  FP(1, 65) "cosnole: unknown key: did you mean \"console\"? (valid keys here: name, "
		    "memory_mib, vps, boot, disks, console)" },
	{ "{\"name\": \"a\", " GOOD_TAIL ", \"disks\": [{\"path\": \"disk0.img\",\n"
	  "  \"readonly\": true, \"readonly\": false}]}",
	  FP(2, 21) "disks[0].readonly: duplicate key (first given at line 2, column 3): give "
		    "each key once" },
	{ "{\"name\": \"a\", \"name\": \"b\", " GOOD_TAIL "}",
	  FP(1, 15) "name: duplicate key (first given at line 1, column 2): give each key once" },
	{ "{\"name\": \"a\\u0000b\", " GOOD_TAIL "}",
	  FP(1, 10) "name: contains a NUL character (\\u0000) at offset 1: remove it" },
	{ "{\"name\": \"a\", " GOOD_TAIL ", \"disks\": [{\"path\": \"disk0.img\\u0000x\"}]}",
	  FP(1, 84) "disks[0].path: contains a NUL character (\\u0000) at offset 9: remove it" },
	{ "{\"name\": \"a\", " GOOD_TAIL ", \"disks\": [{\"readonly\": true}]}",
	  FP(1, 75) "disks[0].path: missing (this key is required)" },
	{ "{\"name\": \"a\", " GOOD_TAIL "} x",
	  FP(1, 65) "(file): not valid JSON: unexpected character" },
};

static int run_cases(const struct bad_case *cases, size_t n, bool positions)
{
	int failures = 0;
	for (size_t i = 0; i < n; i++) {
		char *json = expand(cases[i].json);
		char *expect = expand(cases[i].expect);
		struct vm_config cfg;
		char *errors = NULL;
		int rc = vm_config_parse(cfg_file, json, strlen(json), &cfg, &errors);
		if (errors && !positions)
			strip_positions(errors);
		if (rc != -1 || !errors || strcmp(errors, expect) != 0) {
			fprintf(stderr, "case %zu: %s\n  expected: %s\n  got (rc %d): %s\n", i,
				json, expect, rc, errors ? errors : "(none)");
			failures++;
		}
		free(errors);
		vm_config_free(&cfg);
		free(json);
		free(expect);
	}
	return failures;
}

static void test_bad_configs(void **state)
{
	(void)state;
	assert_int_equal(run_cases(bad_cases, sizeof(bad_cases) / sizeof(bad_cases[0]), false), 0);
}

static void test_located_errors(void **state)
{
	(void)state;
	assert_int_equal(run_cases(located_cases, sizeof(located_cases) / sizeof(located_cases[0]),
				   true),
			 0);
}

static void test_error_cap(void **state)
{
	(void)state;
	/* 40 unknown keys: 32 lines, then one line saying how many more. */
	char json[4096] = "{\"name\": \"a\", " GOOD_TAIL;
	for (int i = 0; i < 40; i++)
		snprintf(json + strlen(json), sizeof(json) - strlen(json), ", \"k%d\": 1", i);
	strcat(json, "}");
	struct vm_config cfg;
	char *errors = NULL;
	assert_int_equal(vm_config_parse(cfg_file, json, strlen(json), &cfg, &errors), -1);
	size_t lines = 1;
	for (char *p = errors; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, VM_CONFIG_MAX_ERRORS + 1);
	assert_non_null(strstr(errors, "(file): 8 more problems not shown"));
	free(errors);
	vm_config_free(&cfg);
}

static void test_size_and_nul(void **state)
{
	(void)state;
	struct vm_config cfg;
	char *errors = NULL;
	char nul[] = "{\"name\": \"a\"}\0x";
	assert_int_equal(vm_config_parse(cfg_file, nul, sizeof(nul) - 1, &cfg, &errors), -1);
	assert_non_null(strstr(errors, "(file): contains a NUL byte"));
	free(errors);
	vm_config_free(&cfg);
	/* An empty bytes field reaches the parser as (NULL, 0). */
	assert_int_equal(vm_config_parse(cfg_file, NULL, 0, &cfg, &errors), -1);
	assert_non_null(strstr(errors, "(file): the JSON text ends too early"));
	free(errors);
	vm_config_free(&cfg);
	size_t big = VM_CONFIG_MAX_BYTES + 1;
	char *text = malloc(big);
	memset(text, ' ', big);
	assert_int_equal(vm_config_parse(cfg_file, text, big, &cfg, &errors), -1);
	assert_non_null(strstr(errors, "(file): 65537 bytes is too large for a VM config"));
	free(errors);
	free(text);
	vm_config_free(&cfg);
}

struct good_case {
	const char *json;
	const char *normalised;
};

static const struct good_case good_cases[] = {
	{ "{\"name\": \"demo\", \"memory_mib\": 64, \"boot\": {\"guest\": \"guest.elf\"}}",
	  "{\n  \"name\": \"demo\",\n  \"memory_mib\": 64,\n  \"vps\": 1,\n  \"boot\": {\n"
	  "    \"guest\": \"@D@/guest.elf\"\n  },\n  \"disks\": [\n  ],\n  \"console\": \"log\"\n}" },
	{ "{\"name\": \"linux-1.x_y\", \"memory_mib\": 2048, \"vps\": 4, \"boot\": {\"kernel\": "
	  "\"vmlinuz\", \"initrd\": \"@D@/initrd.img\", \"cmdline\": \"console=ttyS0 quiet\"}, "
	  "\"disks\": [{\"path\": \"disk0.img\", \"readonly\": true}, {\"path\": \"disk1.img\"}], "
	  "\"console\": \"none\"}",
	  "{\n  \"name\": \"linux-1.x_y\",\n  \"memory_mib\": 2048,\n  \"vps\": 4,\n  \"boot\": {\n"
	  "    \"kernel\": \"@D@/vmlinuz\",\n    \"initrd\": \"@D@/initrd.img\",\n"
	  "    \"cmdline\": \"console=ttyS0 quiet\"\n  },\n  \"disks\": [\n    {\n"
	  "      \"path\": \"@D@/disk0.img\",\n      \"readonly\": true\n    },\n    {\n"
	  "      \"path\": \"@D@/disk1.img\",\n      \"readonly\": false\n    }\n  ],\n"
	  "  \"console\": \"none\"\n}" },
};

static void test_good_configs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++) {
		char *json = expand(good_cases[i].json);
		char *expect = expand(good_cases[i].normalised);
		struct vm_config cfg, again;
		char *errors = NULL;
		int rc = vm_config_parse(cfg_file, json, strlen(json), &cfg, &errors);
		if (rc != 0)
			fprintf(stderr, "case %zu: %s\n", i, errors);
		assert_int_equal(rc, 0);
		char *norm = vm_config_to_json(&cfg);
		if (strcmp(norm, expect) != 0)
			fprintf(stderr, "case %zu normalised:\n%s\nexpected:\n%s\n", i, norm,
				expect);
		assert_string_equal(norm, expect);
		/* The stored form parses back to the same thing. */
		assert_int_equal(vm_config_parse("/elsewhere/stored.json", norm, strlen(norm),
						 &again, &errors),
				 0);
		char *norm2 = vm_config_to_json(&again);
		assert_string_equal(norm, norm2);
		free(norm);
		free(norm2);
		vm_config_free(&cfg);
		vm_config_free(&again);
		free(json);
		free(expect);
	}
}

static void test_no_file_checks(void **state)
{
	(void)state;
	const char *json = "{\"name\": \"a\", \"memory_mib\": 64, \"boot\": {\"guest\": "
			   "\"/gone/guest.elf\"}, \"disks\": [{\"path\": \"/gone/d.img\"}]}";
	struct vm_config cfg;
	char *errors = NULL;
	assert_int_equal(vm_config_parse_ex(cfg_file, json, strlen(json), VM_CONFIG_NO_FILE_CHECKS,
					    &cfg, &errors),
			 0);
	assert_string_equal(cfg.disks[0].path, "/gone/d.img");
	vm_config_free(&cfg);
	assert_int_equal(vm_config_parse(cfg_file, json, strlen(json), &cfg, &errors), -1);
	free(errors);
	vm_config_free(&cfg);
}

static void test_unwritable_disk(void **state)
{
	(void)state;
	if (geteuid() == 0)
		skip(); /* root writes anything: the check is only observable as a user */
	char path[300];
	snprintf(path, sizeof(path), "%s/disk1.img", dir);
	chmod(path, 0444);
	const char *json = "{\"name\": \"a\", \"memory_mib\": 64, \"boot\": {\"guest\": "
			   "\"guest.elf\"}, \"disks\": [{\"path\": \"disk1.img\"}]}";
	struct vm_config cfg;
	char *errors = NULL;
	assert_int_equal(vm_config_parse(cfg_file, json, strlen(json), &cfg, &errors), -1);
	assert_non_null(strstr(errors, "disks[0].path: "));
	assert_non_null(strstr(errors, "is not writable: Permission denied (fix its permissions, "
				       "or mark the disk \"readonly\": true)"));
	free(errors);
	vm_config_free(&cfg);
	chmod(path, 0644);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_configs),	cmocka_unit_test(test_located_errors),
		cmocka_unit_test(test_error_cap),	cmocka_unit_test(test_size_and_nul),
		cmocka_unit_test(test_good_configs),	cmocka_unit_test(test_no_file_checks),
		cmocka_unit_test(test_unwritable_disk),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
