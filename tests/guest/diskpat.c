/* SPDX-License-Identifier: MIT */
/* The disk pattern (diskpat.h): a function of its arguments only, so that the host tests and
 * the guest run the same code and the root can check the guest's figures with cksum. */
#include "diskpat.h"

#include <stdbool.h>

/* One byte into the CRC register (bitwise, no table: a few thousand blocks per run make speed
 * irrelevant here). */
static uint32_t crc_byte(uint32_t crc, uint8_t byte)
{
	crc ^= (uint32_t)byte << 24;
	for (int b = 0; b < 8; b++)
		crc = crc & 0x80000000u ? crc << 1 ^ 0x04c11db7u : crc << 1;
	return crc;
}

/* cksum's ending: the length, least significant byte first, as many bytes as it has. */
static uint32_t crc_finish(uint32_t crc, uint64_t len)
{
	for (; len; len >>= 8)
		crc = crc_byte(crc, (uint8_t)len);
	return ~crc;
}

uint32_t tg_cksum(const void *buf, size_t n)
{
	const uint8_t *p = buf;
	uint32_t crc = 0;

	for (size_t i = 0; i < n; i++)
		crc = crc_byte(crc, p[i]);
	return crc_finish(crc, n);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* splitmix64's finaliser over (lba, seed, index): neighbouring words, blocks and runs all
 * differ, so a block shifted by a word or copied from elsewhere does not match. */
static uint64_t body_word(uint64_t lba, uint64_t seed, uint64_t index)
{
	uint64_t z = seed ^ (lba * 0x9e3779b97f4a7c15ull) ^ (index * 0xd1b54a32d192ed03ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static const char magic[8] = TG_BLOCK_MAGIC;

void tg_block_fill(void *buf, uint32_t size, uint64_t lba, uint64_t seed)
{
	uint8_t *b = buf;
	uint32_t crc;

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)magic[i];
	put64(b + 8, lba);
	put64(b + 16, seed);
	put64(b + 24, size); /* the crc's 4 bytes above it start as zero */
	for (uint32_t off = 32; off + 8 <= size; off += 8)
		put64(b + off, body_word(lba, seed, (off - 32) / 8));
	crc = tg_cksum(b, size);
	for (int i = 0; i < 4; i++)
		b[TG_BLOCK_CRC_OFFSET + i] = (uint8_t)(crc >> (8 * i));
}

/* The checksum of the block as if its crc field were zero, without writing to it. */
static uint32_t crc_with_field_zero(const uint8_t *b, uint32_t size)
{
	uint32_t crc = 0;

	for (uint32_t i = 0; i < size; i++) {
		bool field = i >= TG_BLOCK_CRC_OFFSET && i < TG_BLOCK_CRC_OFFSET + 4;
		crc = crc_byte(crc, field ? 0 : b[i]);
	}
	return crc_finish(crc, size);
}

enum tg_block_problem tg_block_check(const void *buf, uint32_t size, uint64_t lba, uint64_t seed)
{
	const uint8_t *b = buf;
	uint32_t crc = 0;

	for (int i = 0; i < 8; i++)
		if (b[i] != (uint8_t)magic[i])
			return TG_BLOCK_BAD_MAGIC;
	if ((uint32_t)get64(b + 24) != size)
		return TG_BLOCK_BAD_SIZE;
	if (get64(b + 8) != lba)
		return TG_BLOCK_BAD_LBA;
	if (get64(b + 16) != seed)
		return TG_BLOCK_BAD_SEED;
	for (int i = 3; i >= 0; i--)
		crc = crc << 8 | b[TG_BLOCK_CRC_OFFSET + i];
	if (crc != crc_with_field_zero(b, size))
		return TG_BLOCK_BAD_CRC;
	for (uint32_t off = 32; off + 8 <= size; off += 8)
		if (get64(b + off) != body_word(lba, seed, (off - 32) / 8))
			return TG_BLOCK_BAD_BODY;
	return TG_BLOCK_OK;
}

const char *tg_block_problem_name(enum tg_block_problem p)
{
	switch (p) {
	case TG_BLOCK_OK:
		return "ok";
	case TG_BLOCK_BAD_MAGIC:
		return "no pattern block (magic missing)";
	case TG_BLOCK_BAD_SIZE:
		return "written with another block size";
	case TG_BLOCK_BAD_LBA:
		return "a pattern block of another LBA (misplaced)";
	case TG_BLOCK_BAD_SEED:
		return "a pattern block of another run (seed differs)";
	case TG_BLOCK_BAD_CRC:
		return "checksum mismatch (torn or corrupted)";
	case TG_BLOCK_BAD_BODY:
		return "body is not the pattern";
	}
	return "?";
}

uint64_t tg_spread_lba(uint64_t i, uint64_t n, uint64_t disk_blocks)
{
	/* i * (q * n + r) / n = i * q + i * r / n, and i * r < n * n <= 2^48 */
	return i * (disk_blocks / n) + i * (disk_blocks % n) / n;
}
