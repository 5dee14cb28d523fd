/* SPDX-License-Identifier: MIT */
/* The AML body of a child's DSDT: the namespace the child's OS walks (acpi_dsdt.c). */
#ifndef HV_VMWP_ACPI_DSDT_H
#define HV_VMWP_ACPI_DSDT_H

#include <stddef.h>
#include <stdint.h>

/* Writes the AML (the table's bytes after its 36-byte header) into buf: its length, or -1 if
 * cap is too small. */
long acpi_dsdt_aml(uint8_t *buf, size_t cap);

#endif
