/* SPDX-License-Identifier: MIT */
/* Unit tests of the child's I/O APIC (rootpart/vmwp/ioapic.c): the registers Linux's io_apic.c
 * reads and programs through IOREGSEL/IOWIN, edges on unmasked pins delivered once, edges on
 * masked pins held until the unmask, routes it cannot deliver refused and counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ioapic.h"

static uint32_t reg_read(struct ioapic *a, uint8_t reg)
{
	struct ioapic_irq irq[1];
	assert_int_equal(ioapic_mmio_write(a, 0x00, 4, reg, irq, 1), 0);
	return (uint32_t)ioapic_mmio_read(a, 0x10, 4);
}

static unsigned reg_write(struct ioapic *a, uint8_t reg, uint32_t v, struct ioapic_irq *irq)
{
	assert_int_equal(ioapic_mmio_write(a, 0x00, 4, reg, irq, 1), 0);
	return ioapic_mmio_write(a, 0x10, 4, v, irq, 1);
}

static void test_registers(void **state)
{
	(void)state;
	struct ioapic a;
	struct ioapic_irq irq[1];
	ioapic_init(&a, 0);
	assert_int_equal(reg_read(&a, 0x01), 0x00170011); /* version 0x11, 24 entries */
	assert_int_equal(reg_read(&a, 0x00), 0);
	reg_write(&a, 0x00, 0x05000000, irq);
	assert_int_equal(reg_read(&a, 0x00), 0x05000000);
	assert_int_equal(reg_read(&a, 0x02), 0x05000000); /* arbitration follows the ID */
	reg_write(&a, 0x01, 0, irq);
	assert_int_equal(reg_read(&a, 0x01), 0x00170011); /* read-only */
	assert_int_equal(ioapic_mmio_read(&a, 0x00, 4), 0x01); /* IOREGSEL reads back */
	/* Every entry starts masked; the writable bits stick, delivery status / remote IRR not. */
	for (uint8_t pin = 0; pin < IOAPIC_PINS; pin++)
		assert_int_equal(reg_read(&a, (uint8_t)(0x10 + 2 * pin)), 0x00010000);
	reg_write(&a, 0x10 + 2 * 4, 0xffffffff, irq);
	assert_int_equal(reg_read(&a, 0x10 + 2 * 4), 0x0001afff);
	reg_write(&a, 0x11 + 2 * 4, 0xffffffff, irq);
	assert_int_equal(reg_read(&a, 0x11 + 2 * 4), 0xff000000);
	/* Past the last entry and other offsets: nothing, and no effect. */
	assert_int_equal(reg_read(&a, 0x10 + 2 * IOAPIC_PINS), 0);
	assert_int_equal(ioapic_mmio_read(&a, 0x20, 4), 0);
	assert_int_equal(ioapic_mmio_read(&a, 0x00, 1), 0x10 + 2 * IOAPIC_PINS);
}

static void test_edges(void **state)
{
	(void)state;
	struct ioapic a;
	struct ioapic_irq irq[1];
	ioapic_init(&a, 0);
	/* Masked: an edge is held, and released by the unmask. */
	assert_false(ioapic_set_level(&a, 4, true, irq));
	assert_false(ioapic_set_level(&a, 4, false, irq));
	assert_int_equal(reg_write(&a, 0x11 + 8, 0x00000000, irq), 0); /* dest 0 */
	assert_int_equal(reg_write(&a, 0x10 + 8, 0x00000031, irq), 1);	 /* fixed, vector 0x31 */
	assert_int_equal(irq[0].vector, 0x31);
	assert_int_equal(irq[0].dest, 0);
	assert_int_equal(reg_write(&a, 0x10 + 8, 0x00000031, irq), 0); /* only once */
	/* Unmasked: each rising edge once; a level held high is no new edge. */
	assert_true(ioapic_set_level(&a, 4, true, irq));
	assert_int_equal(irq[0].vector, 0x31);
	assert_false(ioapic_set_level(&a, 4, true, irq));
	assert_false(ioapic_set_level(&a, 4, false, irq));
	assert_true(ioapic_set_level(&a, 4, true, irq));
	/* Destination from the high dword's top byte. */
	reg_write(&a, 0x11 + 8, 0x03000000, irq);
	ioapic_set_level(&a, 4, false, irq);
	assert_true(ioapic_set_level(&a, 4, true, irq));
	assert_int_equal(irq[0].dest, 3);
	/* Pins other than 4 are independent; beyond the last pin nothing happens. */
	assert_false(ioapic_set_level(&a, 5, true, irq));
	assert_false(ioapic_set_level(&a, IOAPIC_PINS, true, irq));
}

static void test_refused(void **state)
{
	(void)state;
	struct ioapic a;
	struct ioapic_irq irq[1];
	ioapic_init(&a, 0);
	reg_write(&a, 0x10 + 8, 0x00000831, irq); /* logical destination */
	assert_false(ioapic_set_level(&a, 4, true, irq));
	assert_int_equal(a.refused, 1);
	ioapic_set_level(&a, 4, false, irq);
	reg_write(&a, 0x10 + 8, 0x00000731, irq); /* ExtINT */
	assert_false(ioapic_set_level(&a, 4, true, irq));
	ioapic_set_level(&a, 4, false, irq);
	reg_write(&a, 0x10 + 8, 0x0000000e, irq); /* an exception vector */
	assert_false(ioapic_set_level(&a, 4, true, irq));
	assert_int_equal(a.refused, 3);
	ioapic_set_level(&a, 4, false, irq);
	reg_write(&a, 0x10 + 8, 0x00000131, irq); /* lowest priority: one VP, so fixed */
	assert_true(ioapic_set_level(&a, 4, true, irq));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
