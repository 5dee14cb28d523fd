/* SPDX-License-Identifier: MIT */
/* The disk pattern of check=vmbus-disk: every block it writes describes itself (magic, its
 * LBA, the run's seed, the block size and a checksum of the whole block), so a block read back
 * in the wrong place, left over from another run, torn or zeroed is named as such; and the
 * checksum is POSIX cksum's, so the root checks a block of the image file with
 * `dd ... | cksum` against the figure the guest printed. Pure logic, built both freestanding
 * and hosted (tests/unit/guest/test_diskpat.c).
 *
 * Block layout (little-endian), at least TG_BLOCK_MIN bytes:
 *   0  "TGDISK01"
 *   8  u64 LBA        16 u64 seed        24 u32 block size
 *   28 u32 crc: tg_cksum() of the block with these 4 bytes zero
 *   32 body: 8-byte words, a function of (LBA, seed, word index) */
#ifndef TESTGUEST_DISKPAT_H
#define TESTGUEST_DISKPAT_H

#include <stddef.h>
#include <stdint.h>

#define TG_BLOCK_MAGIC	    "TGDISK01"
#define TG_BLOCK_MIN	    64u
#define TG_BLOCK_CRC_OFFSET 28u

enum tg_block_problem {
	TG_BLOCK_OK,
	TG_BLOCK_BAD_MAGIC, /* not a pattern block (never written, or overwritten) */
	TG_BLOCK_BAD_SIZE,  /* written with another block size */
	TG_BLOCK_BAD_LBA,   /* a pattern block of another LBA: misplaced */
	TG_BLOCK_BAD_SEED,  /* of another run */
	TG_BLOCK_BAD_CRC,   /* torn or corrupted */
	TG_BLOCK_BAD_BODY,  /* consistent, but not this pattern */
};

/* POSIX cksum (CRC-32, polynomial 0x04C11DB7, MSB first, then the length, complemented):
 * what `cksum` prints first for the same n bytes. */
uint32_t tg_cksum(const void *buf, size_t n);

/* Writes the pattern block of (lba, seed) into buf[size]; size >= TG_BLOCK_MIN, a multiple
 * of 8. */
void tg_block_fill(void *buf, uint32_t size, uint64_t lba, uint64_t seed);

/* Whether buf[size] holds that block; the first problem found, in the enum's order. */
enum tg_block_problem tg_block_check(const void *buf, uint32_t size, uint64_t lba, uint64_t seed);
const char *tg_block_problem_name(enum tg_block_problem p);

/* The LBA of the i-th of n blocks spread evenly over a disk of disk_blocks blocks
 * (0 <= i < n <= disk_blocks, n <= 2^24): floor(i * disk_blocks / n), without overflow. */
uint64_t tg_spread_lba(uint64_t i, uint64_t n, uint64_t disk_blocks);

#endif /* TESTGUEST_DISKPAT_H */
