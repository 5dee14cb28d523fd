/* SPDX-License-Identifier: MIT */
/* A child's DSDT namespace, as ASL:
 *
 *   Scope (\_SB) {
 *     Device (VMBS) {                 // hv_vmbus binds to _HID "VMBUS" and walks _CRS; an
 *       Name (_HID, "VMBUS")          // empty one is enough (no MMIO window is offered yet,
 *       Name (_UID, 0)                // so hv_pci/hyperv_fb find no space)
 *       Name (_CRS, ResourceTemplate () {})
 *     }
 *     Device (COM1) {                 // 8250_pnp re-registers ttyS0 from this, with
 *       Name (_HID, EisaId ("PNP0501"))  // GSI 4 (edge, active high): the worker's I/O APIC
 *       Name (_UID, 0)                // pin 4, so the driver takes interrupts, not a poll timer
 *       Name (_CRS, ResourceTemplate () { IO (Decode16, 0x3F8, 0x3F8, 1, 8) IRQNoFlags () {4} })
 *     }
 *   }
 *   Name (\_S5, Package () { 5, 5, 0, 0 })  // SLP_TYP 5 for the FADT's sleep control register
 */
#include "acpi_dsdt.h"

#include "acpi_tables.h"
#include "aml.h"

/* Resource descriptors (ACPI 6.x, 6.4): small items, tag byte = type << 3 | length. */
#define RES_IO_TAG	0x47 /* I/O port descriptor, 7 bytes follow */
#define RES_IO_DECODE16 0x01
#define RES_IRQ_TAG	0x22 /* IRQ descriptor, 2 bytes follow: the mask (edge, high) */
#define RES_END_TAG	0x79 /* end tag, 1 byte follows: checksum, 0 = not checked */
#define COM1_PORT	0x3f8
#define COM1_PORTS	8
#define COM1_GSI	4 /* ISA IRQ 4 = I/O APIC pin 4 (GSI base 0, no override) */

static void vmbus_device(struct aml *a)
{
	static const uint8_t empty_crs[] = { RES_END_TAG, 0 };
	aml_device(a, "VMBS");
	aml_name(a, "_HID");
	aml_string(a, "VMBUS");
	aml_name(a, "_UID");
	aml_integer(a, 0);
	aml_name(a, "_CRS");
	aml_buffer(a, empty_crs, sizeof(empty_crs));
	aml_close(a);
}

static void com1_device(struct aml *a)
{
	static const uint8_t crs[] = {
		RES_IO_TAG,	   RES_IO_DECODE16,
		COM1_PORT & 0xff,  COM1_PORT >> 8,
		COM1_PORT & 0xff,  COM1_PORT >> 8,
		1 /* alignment */, COM1_PORTS,
		RES_IRQ_TAG,	   1u << COM1_GSI,
		0,		   RES_END_TAG,
		0,
	};
	aml_device(a, "COM1");
	aml_name(a, "_HID");
	aml_eisa_id(a, "PNP0501");
	aml_name(a, "_UID");
	aml_integer(a, 0);
	aml_name(a, "_CRS");
	aml_buffer(a, crs, sizeof(crs));
	aml_close(a);
}

long acpi_dsdt_aml(uint8_t *buf, size_t cap)
{
	struct aml a;
	aml_init(&a, buf, cap);
	aml_scope(&a, "\\_SB");
	vmbus_device(&a);
	com1_device(&a);
	aml_close(&a);
	/* SLP_TYPa, SLP_TYPb, two reserved: only SLP_TYPa is written in hardware-reduced mode. */
	aml_name(&a, "\\_S5");
	aml_package(&a, 4);
	aml_integer(&a, ACPI_SLEEP_TYPE_S5);
	aml_integer(&a, ACPI_SLEEP_TYPE_S5);
	aml_integer(&a, 0);
	aml_integer(&a, 0);
	aml_close(&a);
	return aml_finish(&a);
}
