/* SPDX-License-Identifier: MIT */
/* The guest's page allocator (tests/guest/pages.c) on the host: first fit, contiguity, the
 * range's edges, exhaustion, and refused frees (outside, double, partly free). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "pages.h"

#define BASE 0x400 /* the first PFN above a 4 MiB image */

static void test_first_fit(void **state)
{
	(void)state;
	uint64_t bits[TG_PAGES_WORDS(200)], a, b, c, d;
	struct tg_pages p;

	memset(bits, 0xa5, sizeof(bits)); /* init clears whatever was there */
	tg_pages_init(&p, BASE, 200, bits);
	assert_true(tg_pages_alloc(&p, 1, &a));
	assert_int_equal(a, BASE);
	assert_true(tg_pages_alloc(&p, 64, &b)); /* crosses a bitmap word */
	assert_int_equal(b, BASE + 1);
	assert_true(tg_pages_alloc(&p, 3, &c));
	assert_int_equal(c, BASE + 65);
	assert_int_equal(p.used, 68);
	/* a hole of 64 pages: a smaller run goes first into it, a larger one after c */
	assert_true(tg_pages_free(&p, b, 64));
	assert_true(tg_pages_alloc(&p, 65, &d));
	assert_int_equal(d, BASE + 68);
	assert_true(tg_pages_alloc(&p, 10, &d));
	assert_int_equal(d, BASE + 1);
	assert_int_equal(p.used, 1 + 3 + 65 + 10);
}

static void test_exhaustion_and_edges(void **state)
{
	(void)state;
	uint64_t bits[TG_PAGES_WORDS(130)], a, b;
	struct tg_pages p;

	tg_pages_init(&p, BASE, 130, bits);
	assert_false(tg_pages_alloc(&p, 0, &a));
	assert_false(tg_pages_alloc(&p, 131, &a));
	assert_true(tg_pages_alloc(&p, 130, &a)); /* the whole range, last partial word too */
	assert_false(tg_pages_alloc(&p, 1, &b));
	assert_true(tg_pages_free(&p, BASE + 129, 1));
	assert_true(tg_pages_alloc(&p, 1, &b));
	assert_int_equal(b, BASE + 129);
	/* free space scattered: 2 free pages that are not neighbours make no run of 2 */
	assert_true(tg_pages_free(&p, BASE + 10, 1));
	assert_true(tg_pages_free(&p, BASE + 12, 1));
	assert_false(tg_pages_alloc(&p, 2, &b));
	assert_true(tg_pages_alloc(&p, 1, &b));
	assert_int_equal(b, BASE + 10);
}

static void test_bad_frees(void **state)
{
	(void)state;
	uint64_t bits[TG_PAGES_WORDS(100)], a;
	struct tg_pages p;

	tg_pages_init(&p, BASE, 100, bits);
	assert_true(tg_pages_alloc(&p, 10, &a));
	assert_false(tg_pages_free(&p, BASE - 1, 1));	/* below */
	assert_false(tg_pages_free(&p, BASE + 100, 1)); /* past the end */
	assert_false(tg_pages_free(&p, BASE + 95, 10)); /* runs past the end */
	assert_false(tg_pages_free(&p, a, 11));		/* partly free */
	assert_false(tg_pages_free(&p, a, 0));
	assert_false(tg_pages_free(&p, ~0ull, 1));
	assert_int_equal(p.used, 10);
	assert_true(tg_pages_free(&p, a, 10));
	assert_false(tg_pages_free(&p, a, 10)); /* double free */
	assert_int_equal(p.used, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_fit),
		cmocka_unit_test(test_exhaustion_and_edges),
		cmocka_unit_test(test_bad_frees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
