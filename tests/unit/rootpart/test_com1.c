/* SPDX-License-Identifier: MIT */
/* Unit tests of the child's COM1 (rootpart/vmwp/com1.c): the probe sequence of Linux's 8250
 * autoconfig passes (IER read-back, scratch register, loopback MSR, a FIFO: a 16550A), the
 * divisor latch, transmit always ready, the test guest's polled console; the interrupt line as
 * the 8250 driver's THRE test and interrupt handler see it, gated by OUT2; the receiver. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "com1.h"

static void test_probe(void **state)
{
	(void)state;
	struct com1 u;
	uint8_t tx = 0;
	com1_init(&u);
	/* IER: written 0 reads 0, written 0x0f reads 0x0f (a UART is there). */
	com1_write(&u, 1, 0, &tx);
	assert_int_equal(com1_read(&u, 1), 0);
	com1_write(&u, 1, 0xff, &tx);
	assert_int_equal(com1_read(&u, 1), 0x0f);
	com1_write(&u, 1, 0, &tx);
	/* Loopback with OUT2 and RTS: MSR's top nibble reads 0x90. */
	com1_write(&u, 4, 0x1a, &tx);
	assert_int_equal(com1_read(&u, 6) & 0xf0, 0x90);
	com1_write(&u, 4, 0x1f, &tx);
	assert_int_equal(com1_read(&u, 6) & 0xf0, 0xf0);
	assert_false(com1_write(&u, 0, 'x', &tx)); /* looped back, not sent */
	com1_write(&u, 4, 0, &tx);
	assert_int_equal(com1_read(&u, 6), 0xb0);
	/* Scratch register keeps what is written. */
	com1_write(&u, 7, 0xa5, &tx);
	assert_int_equal(com1_read(&u, 7), 0xa5);
	com1_write(&u, 7, 0x5a, &tx);
	assert_int_equal(com1_read(&u, 7), 0x5a);
	/* Before FCR's enable IIR's FIFO bits read 0; after it 11: autoconfig's 16550A. */
	assert_int_equal(com1_read(&u, 2), 0x01);
	com1_write(&u, 2, 0xe7, &tx);
	assert_int_equal(com1_read(&u, 2), 0xc1); /* FIFO on, no interrupt pending */
	com1_write(&u, 1, 0x02, &tx);		  /* THRI enabled: transmit empty is pending */
	assert_int_equal(com1_read(&u, 2), 0xc2);
	/* autoconfig_16550a's variant probes: "EFR" (register 2 with LCR 0x80 or 0xBF) is not 0,
	 * the NS SuperIO bank switch sees no LOOP bit change, the 16750's 64-byte bit (IIR bit
	 * 5) never sets, IER's UUE bit (6) does not stick: a plain 16550A. */
	com1_write(&u, 3, 0x80, &tx);
	assert_int_not_equal(com1_read(&u, 2), 0);
	com1_write(&u, 3, 0xbf, &tx);
	assert_int_not_equal(com1_read(&u, 2), 0);
	com1_write(&u, 3, 0x00, &tx);
	com1_write(&u, 2, 0x21, &tx);
	assert_int_equal(com1_read(&u, 2) >> 5, 6);
	com1_write(&u, 1, 0x40, &tx);
	assert_int_equal(com1_read(&u, 1) & 0x40, 0);
	com1_write(&u, 1, 0x00, &tx);
	com1_write(&u, 2, 0x00, &tx); /* FIFO off again: a 16450's IIR */
	assert_int_equal(com1_read(&u, 2), 0x01);
}

static void test_divisor_and_tx(void **state)
{
	(void)state;
	struct com1 u;
	uint8_t tx = 0;
	com1_init(&u);
	com1_write(&u, 3, 0x83, &tx); /* DLAB, 8N1 */
	assert_false(com1_write(&u, 0, 0x0c, &tx));
	com1_write(&u, 1, 0x00, &tx);
	assert_int_equal(com1_read(&u, 0), 0x0c);
	assert_int_equal(com1_read(&u, 1), 0x00);
	com1_write(&u, 3, 0x03, &tx);
	assert_int_equal(com1_read(&u, 3), 0x03);
	assert_true(com1_write(&u, 0, 'H', &tx));
	assert_int_equal(tx, 'H');
	assert_int_equal(com1_read(&u, 5), 0x60); /* always ready, nothing received */
	assert_int_equal(com1_read(&u, 0), 0);
	assert_int_equal(com1_read(&u, 8), 0xff);
}

/* serial8250_do_startup's THRE test: enabling THRI with the transmitter empty reports it in
 * IIR, reading IIR clears it, and disabling then enabling THRI reports it again. */
static void test_thre_interrupt(void **state)
{
	(void)state;
	struct com1 u;
	uint8_t tx = 0;
	com1_init(&u);
	com1_write(&u, 1, 0x02, &tx);
	assert_int_equal(com1_read(&u, 2), 0x02);
	assert_int_equal(com1_read(&u, 2), 0x01); /* reported once */
	com1_write(&u, 1, 0x00, &tx);
	com1_write(&u, 1, 0x02, &tx);
	assert_int_equal(com1_read(&u, 2), 0x02);
	/* Each byte sent empties the register again: due anew. */
	assert_int_equal(com1_read(&u, 2), 0x01);
	assert_true(com1_write(&u, 0, 'a', &tx));
	assert_int_equal(com1_read(&u, 2), 0x02);
	/* Re-writing IER with THRI already set does not make it due. */
	com1_write(&u, 1, 0x03, &tx);
	assert_int_equal(com1_read(&u, 2), 0x01);
}

/* The line: only with OUT2 set (a PC's gate), not in loopback, while a cause is due. */
static void test_irq_line(void **state)
{
	(void)state;
	struct com1 u;
	uint8_t tx = 0;
	com1_init(&u);
	com1_write(&u, 1, 0x02, &tx);
	assert_false(com1_irq_line(&u)); /* OUT2 clear */
	com1_write(&u, 4, 0x0b, &tx);	 /* DTR RTS OUT2 */
	assert_true(com1_irq_line(&u));
	com1_write(&u, 4, 0x1b, &tx); /* loopback */
	assert_false(com1_irq_line(&u));
	com1_write(&u, 4, 0x0b, &tx);
	assert_true(com1_irq_line(&u));
	assert_int_equal(com1_read(&u, 2), 0x02);
	assert_false(com1_irq_line(&u)); /* the handler read IIR: the line drops */
	assert_true(com1_write(&u, 0, 'b', &tx));
	assert_true(com1_irq_line(&u)); /* and rises with the next byte: a new edge */
	com1_write(&u, 1, 0x00, &tx);	/* __stop_tx */
	assert_false(com1_irq_line(&u));
}

static void test_receive(void **state)
{
	(void)state;
	struct com1 u;
	uint8_t tx = 0;
	com1_init(&u);
	com1_write(&u, 4, 0x08, &tx);
	com1_write(&u, 1, 0x01, &tx); /* received data interrupt */
	assert_false(com1_irq_line(&u));
	assert_int_equal(com1_read(&u, 5) & 0x01, 0);
	assert_int_equal(com1_receive(&u, (const uint8_t *)"hi", 2), 2);
	assert_true(com1_irq_line(&u));
	assert_int_equal(com1_read(&u, 2), 0x04);
	assert_true(com1_irq_line(&u)); /* IIR does not clear received data: RBR does */
	assert_int_equal(com1_read(&u, 5), 0x61);
	assert_int_equal(com1_read(&u, 0), 'h');
	assert_int_equal(com1_read(&u, 0), 'i');
	assert_int_equal(com1_read(&u, 5), 0x60);
	assert_false(com1_irq_line(&u));
	assert_int_equal(com1_read(&u, 2), 0x01);
	/* Received data outranks the transmitter; the buffer takes what fits, in order. */
	com1_write(&u, 1, 0x03, &tx);
	static uint8_t big[COM1_RX_SIZE + 10];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	assert_int_equal(com1_receive(&u, big, sizeof(big)), COM1_RX_SIZE);
	assert_int_equal(com1_receive(&u, big, 1), 0);
	assert_int_equal(com1_read(&u, 2), 0x04);
	for (size_t i = 0; i < COM1_RX_SIZE; i++)
		assert_int_equal(com1_read(&u, 0), (uint8_t)i);
	assert_int_equal(com1_read(&u, 2), 0x02);
	assert_int_equal(com1_receive(&u, big + 7, 1), 1); /* the ring wrapped */
	assert_int_equal(com1_read(&u, 0), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_divisor_and_tx),
		cmocka_unit_test(test_thre_interrupt),
		cmocka_unit_test(test_irq_line),
		cmocka_unit_test(test_receive),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
