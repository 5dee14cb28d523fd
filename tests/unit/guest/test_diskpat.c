/* SPDX-License-Identifier: MIT */
/* The disk pattern of check=vmbus-disk (tests/guest/diskpat.c) on the host: cksum matches
 * POSIX cksum (the root checks the image with it), every block is self-describing and each
 * kind of damage is named, and the spread of LBAs covers the disk without overflow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "diskpat.h"

static void test_cksum_is_posix(void **state)
{
	(void)state;
	uint8_t zeros[1000], xs[300];

	memset(zeros, 0, sizeof(zeros));
	memset(xs, 'x', sizeof(xs));
	/* figures from coreutils' cksum */
	assert_int_equal(tg_cksum("", 0), 4294967295u);
	assert_int_equal(tg_cksum("a", 1), 1220704766u);
	assert_int_equal(tg_cksum("123456789", 9), 930766865u);
	assert_int_equal(tg_cksum(zeros, sizeof(zeros)), 2610763910u);
	assert_int_equal(tg_cksum(xs, sizeof(xs)), 3786917833u);
}

static void test_block_round_trip(void **state)
{
	(void)state;
	static uint8_t b[4096], c[4096];

	for (uint32_t size = TG_BLOCK_MIN; size <= 4096; size *= 2) {
		tg_block_fill(b, size, 12345, 42);
		assert_memory_equal(b, TG_BLOCK_MAGIC, 8);
		assert_int_equal(tg_block_check(b, size, 12345, 42), TG_BLOCK_OK);
		/* the stored crc is cksum of the block with the field zero */
		memcpy(c, b, size);
		memset(c + TG_BLOCK_CRC_OFFSET, 0, 4);
		uint32_t crc;
		memcpy(&crc, b + TG_BLOCK_CRC_OFFSET, 4);
		assert_int_equal(crc, tg_cksum(c, size));
	}
	/* deterministic, and different for neighbours */
	tg_block_fill(b, 512, 7, 1);
	tg_block_fill(c, 512, 7, 1);
	assert_memory_equal(b, c, 512);
	tg_block_fill(c, 512, 8, 1);
	assert_memory_not_equal(b + 32, c + 32, 480);
	tg_block_fill(c, 512, 7, 2);
	assert_memory_not_equal(b + 32, c + 32, 480);
	assert_memory_not_equal(b + 32, b + 40, 8); /* word to word */
}

static void test_block_problems(void **state)
{
	(void)state;
	static uint8_t b[512];

	memset(b, 0, sizeof(b));
	assert_int_equal(tg_block_check(b, 512, 0, 0), TG_BLOCK_BAD_MAGIC);
	tg_block_fill(b, 512, 100, 9);
	assert_int_equal(tg_block_check(b, 4096, 100, 9), TG_BLOCK_BAD_SIZE);
	assert_int_equal(tg_block_check(b, 512, 101, 9), TG_BLOCK_BAD_LBA);
	assert_int_equal(tg_block_check(b, 512, 100, 8), TG_BLOCK_BAD_SEED);
	b[300] ^= 1;
	assert_int_equal(tg_block_check(b, 512, 100, 9), TG_BLOCK_BAD_CRC);
	b[300] ^= 1;
	b[TG_BLOCK_CRC_OFFSET] ^= 0x80;
	assert_int_equal(tg_block_check(b, 512, 100, 9), TG_BLOCK_BAD_CRC);
	b[TG_BLOCK_CRC_OFFSET] ^= 0x80;
	assert_int_equal(tg_block_check(b, 512, 100, 9), TG_BLOCK_OK);
	/* torn: the second half of another run's block */
	{
		static uint8_t o[512];
		tg_block_fill(o, 512, 100, 10);
		memcpy(b + 256, o + 256, 256);
		assert_int_equal(tg_block_check(b, 512, 100, 9), TG_BLOCK_BAD_CRC);
	}
	for (int p = TG_BLOCK_OK; p <= TG_BLOCK_BAD_BODY; p++)
		assert_string_not_equal(tg_block_problem_name(p), "?");
}

static void test_spread(void **state)
{
	(void)state;
	/* the whole disk: every block, in order */
	for (uint64_t i = 0; i < 100; i++)
		assert_int_equal(tg_spread_lba(i, 100, 100), i);
	/* spread: first at 0, strictly increasing, last in the last stride */
	uint64_t prev = 0;
	assert_int_equal(tg_spread_lba(0, 64, 1000003), 0);
	for (uint64_t i = 1; i < 64; i++) {
		uint64_t l = tg_spread_lba(i, 64, 1000003);
		assert_true(l > prev);
		prev = l;
	}
	assert_true(prev >= 1000003 - 1000003 / 64 - 1 && prev < 1000003);
	/* a 16 TiB disk of 512-byte blocks, 2^24 blocks: no overflow */
	uint64_t big = 1ull << 35, n = 1ull << 24;
	assert_int_equal(tg_spread_lba(n - 1, n, big), (n - 1) * (big / n));
	assert_int_equal(tg_spread_lba(n - 1, n, big + n - 1), (n - 1) * (big / n) + (n - 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cksum_is_posix),
		cmocka_unit_test(test_block_round_trip),
		cmocka_unit_test(test_block_problems),
		cmocka_unit_test(test_spread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
