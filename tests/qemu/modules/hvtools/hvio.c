/* SPDX-License-Identifier: MIT */
/*
 * hvio: one port access of a given width from the root (ioperm; /dev/port only does bytes),
 * for the scenarios that check accesses reaching into ports the hypervisor intercepts.
 *   hvio in{b,w,l} PORT          prints the value read in hex
 *   hvio out{b,w,l} PORT VALUE
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>

static const char usage[] = "usage: hvio in{b,w,l} PORT | hvio out{b,w,l} PORT VALUE\n";

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("%s", usage);
		return 0;
	}
	const char *op = argc >= 3 ? argv[1] : "";
	int out = !strncmp(op, "out", 3), in = !strncmp(op, "in", 2);
	char w = in || out ? op[out ? 3 : 2] : 0;
	if (!(in || out) || !w || !strchr("bwl", w) || op[out ? 4 : 3] || argc != (out ? 4 : 3)) {
		fprintf(stderr, "%s", usage);
		return 2;
	}
	unsigned width = w == 'b' ? 1 : w == 'w' ? 2 : 4;
	char *end;
	unsigned long port = strtoul(argv[2], &end, 0);
	if (*end || port + width > 0x10000) {
		fprintf(stderr, "hvio: bad port %s\n", argv[2]);
		return 2;
	}
	if (ioperm(port, width, 1)) {
		fprintf(stderr, "hvio: ioperm: %s\n", strerror(errno));
		return 2;
	}
	if (in) {
		unsigned v = w == 'b' ? inb(port) : w == 'w' ? inw(port) : inl(port);
		printf("0x%x\n", v);
		return 0;
	}
	unsigned long v = strtoul(argv[3], &end, 0);
	if (*end) {
		fprintf(stderr, "hvio: bad value %s\n", argv[3]);
		return 2;
	}
	if (w == 'b')
		outb((unsigned char)v, port);
	else if (w == 'w')
		outw((unsigned short)v, port);
	else
		outl((unsigned)v, port);
	return 0;
}
