/* SPDX-License-Identifier: MIT */
/* Test helper (never installed): builds a Linux child's ACPI tables as the worker does
 * (acpi_tables_build, for the VP count given) and writes each to <dir>/<sig>.dat, the form
 * `iasl -d` reads. Used by iasl.sh. */
#include <stdio.h>
#include <stdlib.h>

#include "acpi_tables.h"

static uint8_t area[ACPI_AREA_BYTES];

static int dump(const char *dir, const char *name, const struct acpi_table_ref *r)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(area + (r->gpa - ACPI_AREA_GPA), 1, r->len, f) != r->len ||
	    fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct acpi_tables t;
	char why[256];
	if (argc != 3) {
		fprintf(stderr, "usage: acpi_dump DIR VPS\n");
		return 2;
	}
	if (acpi_tables_build(area, sizeof(area), ACPI_AREA_GPA, (uint32_t)atoi(argv[2]), &t, why,
			      sizeof(why)) != 0) {
		fprintf(stderr, "acpi_dump: %s\n", why);
		return 1;
	}
	if (dump(argv[1], "rsdp", &t.rsdp) || dump(argv[1], "xsdt", &t.xsdt) ||
	    dump(argv[1], "facp", &t.fadt) || dump(argv[1], "apic", &t.madt) ||
	    dump(argv[1], "dsdt", &t.dsdt))
		return 1;
	return 0;
}
