/* SPDX-License-Identifier: MIT */
/* Unit tests of the child's COM1 (rootpart/vmwp/com1.c): the probe sequence of Linux's 8250
 * autoconfig passes (IER read-back, scratch register, loopback MSR, no FIFO: a 16450), the
 * divisor latch, transmit always ready, the test guest's polled console. */
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
	/* FIFO enable: IIR's FIFO bits stay 0 (a 16450). */
	com1_write(&u, 2, 0xe7, &tx);
	assert_int_equal(com1_read(&u, 2) & 0xc0, 0);
	assert_int_equal(com1_read(&u, 2), 0x01); /* no interrupt pending */
	com1_write(&u, 1, 0x02, &tx);		  /* THRI enabled: transmit empty is pending */
	assert_int_equal(com1_read(&u, 2), 0x02);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_divisor_and_tx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
