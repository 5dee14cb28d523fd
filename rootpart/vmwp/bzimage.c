/* SPDX-License-Identifier: MIT */
/* The check of a bzImage's setup header (bzimage.h). The image is an admin's file and may be
 * anything: each field is read with its width, and every size it implies is compared with the
 * file before the loader trusts it. */
#include "bzimage.h"

#include <stdio.h>
#include <string.h>

/* The fields read here all lie before this offset (init_size ends at 0x264, the 2.11 handover
 * offset at 0x268), so a 2.12+ header is at least this long. */
#define BZ_HEADER_END_MIN 0x268
#define BZ_ALIGN_MAX	  (1u << 30)

static uint32_t rd8(const uint8_t *p, size_t off)
{
	return p[off];
}

static uint32_t rd16(const uint8_t *p, size_t off)
{
	return (uint32_t)p[off] | (uint32_t)p[off + 1] << 8;
}

static uint32_t rd32(const uint8_t *p, size_t off)
{
	return rd16(p, off) | rd16(p, off + 2) << 16;
}

static uint64_t rd64(const uint8_t *p, size_t off)
{
	return (uint64_t)rd32(p, off) | (uint64_t)rd32(p, off + 4) << 32;
}

/* The signature, the protocol version and the 64-bit entry. */
static int check_identity(const uint8_t *h, char *why, size_t n)
{
	if (rd16(h, BZ_BOOT_FLAG) != BZ_BOOT_FLAG_VALUE || rd32(h, BZ_HEADER) != BZ_MAGIC) {
		snprintf(why, n, "not a Linux bzImage: no \"HdrS\" setup header at 0x202");
		return -1;
	}
	uint32_t v = rd16(h, BZ_VERSION);
	if (v < BZ_VERSION_MIN) {
		snprintf(why, n,
			 "boot protocol %u.%02u is older than 2.12: the kernel has no 64-bit entry "
			 "(use a Linux 3.8 or newer bzImage)",
			 v >> 8, v & 0xff);
		return -1;
	}
	if (!(rd8(h, BZ_LOADFLAGS) & BZ_LOADFLAGS_HIGH)) {
		snprintf(why, n, "not a bzImage: loadflags bit 0 (LOADED_HIGH) is clear");
		return -1;
	}
	if (!(rd16(h, BZ_XLOADFLAGS) & BZ_XLF_KERNEL_64)) {
		snprintf(why, n,
			 "the kernel has no 64-bit entry (xloadflags bit 0 clear): build it for "
			 "x86-64");
		return -1;
	}
	return 0;
}

/* Setup, code and header lengths against the file. */
static int check_lengths(const uint8_t *h, size_t head_len, uint64_t file_len,
			 struct bzimage_info *info, char *why, size_t n)
{
	uint32_t sects = rd8(h, BZ_SETUP_SECTS);
	if (sects == 0)
		sects = 4; /* boot.rst: 0 means the historical 4 */
	uint64_t setup = (uint64_t)(sects + 1) * 512;
	uint64_t code = (uint64_t)rd32(h, BZ_SYSSIZE) * 16;
	uint32_t end = BZ_HEADER + rd8(h, BZ_JUMP + 1);
	if (end < BZ_HEADER_END_MIN || end > BZ_HEADER_END_MAX || end > setup || end > head_len) {
		snprintf(why, n, "setup header length %#x outside %#x-%#x or the setup code", end,
			 BZ_HEADER_END_MIN, BZ_HEADER_END_MAX);
		return -1;
	}
	if (code == 0 || setup > file_len || code > file_len - setup) {
		snprintf(why, n,
			 "image truncated: its header says %llu bytes of setup and %llu of kernel, "
			 "the file has %llu",
			 (unsigned long long)setup, (unsigned long long)code,
			 (unsigned long long)file_len);
		return -1;
	}
	info->setup_bytes = (uint32_t)setup;
	info->kernel_bytes = (uint32_t)code; /* below file_len, itself checked by the caller */
	info->header_end = end;
	return 0;
}

/* Placement fields: alignment, initrd limit, command line, decompression area. */
static int check_placement(const uint8_t *h, struct bzimage_info *info, char *why, size_t n)
{
	info->relocatable = (uint8_t)rd8(h, BZ_RELOCATABLE);
	info->kernel_alignment = rd32(h, BZ_KERNEL_ALIGNMENT);
	info->initrd_addr_max = rd32(h, BZ_INITRD_ADDR_MAX);
	info->cmdline_size = rd32(h, BZ_CMDLINE_SIZE);
	info->pref_address = rd64(h, BZ_PREF_ADDRESS);
	info->init_size = rd32(h, BZ_INIT_SIZE);
	uint32_t a = info->kernel_alignment;
	if (info->relocatable && (a < 4096 || a > BZ_ALIGN_MAX || (a & (a - 1)))) {
		snprintf(why, n, "kernel_alignment %#x is not a power of two from 4 KiB to 1 GiB",
			 a);
		return -1;
	}
	if (info->pref_address < (1u << 20) || info->pref_address > (1ull << 32) ||
	    info->pref_address % 4096) {
		snprintf(why, n, "pref_address %#llx is not a page below 4 GiB above 1 MiB",
			 (unsigned long long)info->pref_address);
		return -1;
	}
	if (info->init_size < info->kernel_bytes) {
		snprintf(why, n, "init_size %#x is smaller than the kernel's %u bytes of code",
			 info->init_size, info->kernel_bytes);
		return -1;
	}
	if (info->initrd_addr_max < (1u << 20)) {
		snprintf(why, n, "initrd_addr_max %#x is below 1 MiB", info->initrd_addr_max);
		return -1;
	}
	return 0;
}

int bzimage_parse(const uint8_t *head, size_t head_len, uint64_t file_len,
		  struct bzimage_info *info, char *why, size_t n)
{
	memset(info, 0, sizeof(*info));
	if (head_len > file_len || head_len < BZ_HEADER_END_MIN) {
		snprintf(why, n, "not a Linux bzImage: %llu bytes, too short for a setup header",
			 (unsigned long long)file_len);
		return -1;
	}
	if (check_identity(head, why, n) || check_lengths(head, head_len, file_len, info, why, n) ||
	    check_placement(head, info, why, n))
		return -1;
	info->version = (uint16_t)rd16(head, BZ_VERSION);
	return 0;
}

uint64_t bzimage_run_base(const struct bzimage_info *info, uint64_t load)
{
	if (!info->relocatable)
		return info->pref_address;
	uint64_t a = info->kernel_alignment;
	uint64_t base = (load + a - 1) & ~(a - 1);
	return base < info->pref_address ? info->pref_address : base;
}
