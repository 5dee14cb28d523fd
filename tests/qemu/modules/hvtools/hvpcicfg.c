/* SPDX-License-Identifier: MIT */
/*
 * hvpcicfg: raw PCI configuration access through ports 0xCF8/0xCFC from the root, as a driver
 * that bypasses Linux's PCI layer (or an attacker) would do it, for the scenarios that check
 * the hypervisor's configuration-space filter.
 *   hvpcicfg read BB:DD.F REG SIZE          prints the value in hex
 *   hvpcicfg write BB:DD.F REG SIZE VALUE
 * SIZE is 1, 2 or 4; REG is below 0x100 and aligned to SIZE.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>

static const char usage[] =
	"usage: hvpcicfg read BB:DD.F REG SIZE | hvpcicfg write BB:DD.F REG SIZE VALUE\n";

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("%s", usage);
		return 0;
	}
	int wr = argc == 6 && !strcmp(argv[1], "write");
	if (!wr && !(argc == 5 && !strcmp(argv[1], "read"))) {
		fprintf(stderr, "%s", usage);
		return 2;
	}
	unsigned bus, dev, fn;
	if (sscanf(argv[2], "%x:%x.%x", &bus, &dev, &fn) != 3 || bus > 255 || dev > 31 || fn > 7) {
		fprintf(stderr, "hvpcicfg: bad device %s\n", argv[2]);
		return 2;
	}
	unsigned long reg = strtoul(argv[3], NULL, 0), size = strtoul(argv[4], NULL, 0);
	if ((size != 1 && size != 2 && size != 4) || reg >= 0x100 || reg % size) {
		fprintf(stderr, "hvpcicfg: bad register %s or size %s\n", argv[3], argv[4]);
		return 2;
	}
	if (ioperm(0xcf8, 8, 1)) {
		fprintf(stderr, "hvpcicfg: ioperm: %s\n", strerror(errno));
		return 2;
	}
	unsigned addr = 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (reg & 0xfc);
	unsigned short port = (unsigned short)(0xcfc + (reg & 3));
	outl(addr, 0xcf8);
	if (!wr) {
		unsigned v = size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
		printf("0x%x\n", v);
		return 0;
	}
	unsigned long v = strtoul(argv[5], NULL, 0);
	if (size == 1)
		outb((unsigned char)v, port);
	else if (size == 2)
		outw((unsigned short)v, port);
	else
		outl((unsigned)v, port);
	return 0;
}
