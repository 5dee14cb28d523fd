/* SPDX-License-Identifier: MIT */
/* The console's byte ring (libmgmt byte_ring.c): offsets across wraps, reads from an offset
 * older than what is held, a sender repeating itself, a gap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mgmt/byte_ring.h"

static void test_append_and_wrap(void **st)
{
	(void)st;
	struct mgmt_byte_ring r;
	uint8_t out[16];
	uint64_t first;
	assert_int_equal(mgmt_byte_ring_alloc(&r, 8), 0);
	assert_int_equal(mgmt_byte_ring_read(&r, 0, out, sizeof(out), &first), 0);
	mgmt_byte_ring_append(&r, (const uint8_t *)"abcde", 5);
	assert_int_equal(mgmt_byte_ring_read(&r, 1, out, sizeof(out), &first), 4);
	assert_int_equal(first, 1);
	assert_memory_equal(out, "bcde", 4);
	mgmt_byte_ring_append(&r, (const uint8_t *)"fghij", 5); /* wraps: a, b dropped */
	assert_int_equal(r.start, 2);
	assert_int_equal(r.end, 10);
	assert_int_equal(mgmt_byte_ring_read(&r, 0, out, sizeof(out), &first), 8);
	assert_int_equal(first, 2); /* raised to the oldest held */
	assert_memory_equal(out, "cdefghij", 8);
	assert_int_equal(mgmt_byte_ring_read(&r, 7, out, 2, &first), 2);
	assert_memory_equal(out, "hi", 2);
	mgmt_byte_ring_append(&r, (const uint8_t *)"0123456789AB", 12); /* more than cap */
	assert_int_equal(r.start, 14);
	assert_int_equal(r.end, 22);
	assert_int_equal(mgmt_byte_ring_read(&r, 0, out, sizeof(out), &first), 8);
	assert_memory_equal(out, "456789AB", 8);
	mgmt_byte_ring_free(&r);
}

static void test_put_at(void **st)
{
	(void)st;
	struct mgmt_byte_ring r;
	uint8_t out[16];
	uint64_t first;
	assert_int_equal(mgmt_byte_ring_alloc(&r, 8), 0);
	mgmt_byte_ring_put_at(&r, 100, (const uint8_t *)"xyz", 3); /* a first chunk mid-stream */
	assert_int_equal(r.start, 100);
	assert_int_equal(r.end, 103);
	mgmt_byte_ring_put_at(&r, 101, (const uint8_t *)"yzw", 3); /* repeats y, z */
	assert_int_equal(r.end, 104);
	assert_int_equal(mgmt_byte_ring_read(&r, 0, out, sizeof(out), &first), 4);
	assert_memory_equal(out, "xyzw", 4);
	mgmt_byte_ring_put_at(&r, 100, (const uint8_t *)"xy", 2); /* all held already */
	assert_int_equal(r.end, 104);
	mgmt_byte_ring_put_at(&r, 110, (const uint8_t *)"q", 1); /* a gap: start over */
	assert_int_equal(r.start, 110);
	assert_int_equal(mgmt_byte_ring_read(&r, 104, out, sizeof(out), &first), 1);
	assert_int_equal(first, 110);
	assert_int_equal(out[0], 'q');
	mgmt_byte_ring_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_and_wrap),
		cmocka_unit_test(test_put_at),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
