/* SPDX-License-Identifier: MIT */
/*
 * hvprobe: a small program the QEMU scenarios run inside a partition to look at the CPU as
 * the partition sees it (CPUID), without depending on what the kernel chose to print.
 *   hvprobe cpuid LEAF [SUBLEAF]   prints "eax ebx ecx edx" in hex
 *   hvprobe signature              prints the hypervisor vendor signature (leaf 0x40000000)
 *                                  or "none" when CPUID.1:ECX[31] is clear
 */
#include <cpuid.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 0);
	if (errno || *end || end == s || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: hvprobe cpuid LEAF [SUBLEAF] | hvprobe signature\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint32_t a, b, c, d, leaf, sub = 0;

	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "cpuid")) {
		if (argc < 3 || argc > 4 || parse_u32(argv[2], &leaf) ||
		    (argc == 4 && parse_u32(argv[3], &sub)))
			usage();
		__cpuid_count(leaf, sub, a, b, c, d);
		printf("%08x %08x %08x %08x\n", a, b, c, d);
		return 0;
	}
	if (!strcmp(argv[1], "signature")) {
		char sig[13];
		__cpuid(1, a, b, c, d);
		if (!(c & (1u << 31))) {
			puts("none");
			return 0;
		}
		__cpuid(0x40000000, a, b, c, d);
		memcpy(sig, &b, 4);
		memcpy(sig + 4, &c, 4);
		memcpy(sig + 8, &d, 4);
		sig[12] = 0;
		printf("%s\n", sig);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf("hvprobe cpuid LEAF [SUBLEAF] | hvprobe signature\n");
		return 0;
	}
	usage();
}
