/* SPDX-License-Identifier: MIT */
/*
 * hvmsr: reads and writes MSRs of CPU 0 through the msr module (/dev/cpu/0/msr; busybox has
 * no rdmsr/wrmsr), for the scenarios that check what the root may do to SVM MSRs.
 *   hvmsr read MSR            prints the value in hex
 *   hvmsr write MSR VALUE     exit 0 when the CPU accepted the write, 1 when it refused
 *                             (the kernel reports the #GP as EIO)
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: hvmsr read MSR | hvmsr write MSR VALUE  (CPU 0, /dev/cpu/0/msr)\n");
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	int wr = argc == 4 && !strcmp(argv[1], "write");
	if (!(argc == 3 && !strcmp(argv[1], "read")) && !wr) {
		usage(stderr);
		return 2;
	}
	char *end;
	errno = 0;
	unsigned long msr = strtoul(argv[2], &end, 0);
	if (errno || *end || msr > 0xffffffffUL) {
		fprintf(stderr, "hvmsr: bad MSR number %s\n", argv[2]);
		return 2;
	}
	int fd = open("/dev/cpu/0/msr", wr ? O_WRONLY : O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "hvmsr: /dev/cpu/0/msr: %s (modprobe msr?)\n", strerror(errno));
		return 2;
	}
	uint64_t v;
	if (wr) {
		v = strtoull(argv[3], &end, 0);
		if (*end) {
			fprintf(stderr, "hvmsr: bad value %s\n", argv[3]);
			return 2;
		}
		if (pwrite(fd, &v, 8, (off_t)msr) != 8) {
			printf("wrmsr 0x%lx <- 0x%" PRIx64 ": refused (%s)\n", msr, v,
			       strerror(errno));
			return 1;
		}
		printf("wrmsr 0x%lx <- 0x%" PRIx64 ": accepted\n", msr, v);
		return 0;
	}
	if (pread(fd, &v, 8, (off_t)msr) != 8) {
		printf("rdmsr 0x%lx: refused (%s)\n", msr, strerror(errno));
		return 1;
	}
	printf("0x%" PRIx64 "\n", v);
	return 0;
}
