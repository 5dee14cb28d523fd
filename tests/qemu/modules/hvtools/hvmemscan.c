/* SPDX-License-Identifier: MIT */
/*
 * hvmemscan: looks at physical memory through /dev/mem from the root partition, to show
 * that the hypervisor's resident pages are not visible or writable there.
 *   hvmemscan scan BASE SIZE NEEDLE...   reads every page of [BASE, BASE+SIZE); prints how
 *                                        many distinct page contents it saw and every needle
 *                                        found; exit 0 = no needle, 3 = a needle was found
 *   hvmemscan poke BASE SIZE             writes a pattern to the first page, then reads the
 *                                        last one; prints "aliased yes|no"; exit 0 if the
 *                                        write was accepted
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PG 4096

static void usage(FILE *f)
{
	fprintf(f, "usage: hvmemscan scan BASE SIZE NEEDLE... | hvmemscan poke BASE SIZE\n");
}

static uint64_t num(const char *s)
{
	char *end;
	errno = 0;
	uint64_t v = strtoull(s, &end, 0);
	if (errno || *end || end == s) {
		fprintf(stderr, "hvmemscan: bad number %s\n", s);
		exit(2);
	}
	return v;
}

static uint64_t hash(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (argc < 4 || (strcmp(argv[1], "scan") && strcmp(argv[1], "poke"))) {
		usage(stderr);
		return 2;
	}
	uint64_t base = num(argv[2]), size = num(argv[3]);
	if ((base | size) % PG || !size) {
		fprintf(stderr, "hvmemscan: BASE and SIZE must be non-zero multiples of 4096\n");
		return 2;
	}
	int poke = !strcmp(argv[1], "poke");
	int fd = open("/dev/mem", poke ? O_RDWR : O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "hvmemscan: /dev/mem: %s\n", strerror(errno));
		return 2;
	}
	static unsigned char page[PG + 256];
	if (poke) {
		for (int i = 0; i < PG; i++)
			page[i] = (unsigned char)(0xa5 ^ i);
		if (pwrite(fd, page, PG, (off_t)base) != PG) {
			printf("write at 0x%llx refused: %s\n", (unsigned long long)base,
			       strerror(errno));
			return 1;
		}
		static unsigned char back[PG];
		if (pread(fd, back, PG, (off_t)(base + size - PG)) != PG) {
			printf("read back failed: %s\n", strerror(errno));
			return 1;
		}
		printf("wrote 0x%llx; last page aliased %s\n", (unsigned long long)base,
		       memcmp(page, back, PG) ? "no" : "yes");
		return 0;
	}
	uint64_t hashes[64];
	int distinct = 0, found = 0;
	size_t maxlen = 0;
	for (int n = 4; n < argc; n++)
		if (strlen(argv[n]) > maxlen)
			maxlen = strlen(argv[n]);
	if (maxlen > 255) {
		fprintf(stderr, "hvmemscan: needles are at most 255 bytes\n");
		return 2;
	}
	memset(page, 0, sizeof(page));
	for (uint64_t off = 0; off < size; off += PG) {
		/* page[0, maxlen) = the previous page's tail: needles across pages are found */
		memmove(page, page + PG, maxlen);
		if (pread(fd, page + maxlen, PG, (off_t)(base + off)) != PG) {
			printf("read at 0x%llx failed: %s\n", (unsigned long long)(base + off),
			       strerror(errno));
			return 1;
		}
		uint64_t h = hash(page + maxlen, PG);
		int seen = 0;
		for (int i = 0; i < distinct; i++)
			seen |= hashes[i] == h;
		if (!seen && distinct < 64)
			hashes[distinct++] = h;
		for (int n = 4; n < argc; n++) {
			size_t len = strlen(argv[n]);
			for (size_t i = 0; len && i + len <= PG + maxlen; i++)
				if (!memcmp(page + i, argv[n], len)) {
					printf("needle '%s' found near 0x%llx\n", argv[n],
					       (unsigned long long)(base + off + i - maxlen));
					found++;
					break;
				}
		}
	}
	printf("scanned %llu pages at 0x%llx: %d distinct page content(s), %d needle hit(s)\n",
	       (unsigned long long)(size / PG), (unsigned long long)base, distinct, found);
	return found ? 3 : 0;
}
