/* SPDX-License-Identifier: MIT */
/* The child's COM1: a 16450 UART (no FIFO) at the PC's 0x3F8, enough for Linux's 8250 driver
 * to find it (IER read-back, scratch register, loopback) and drive it without an interrupt
 * line (polled), and for the test guest's polled console. Transmit is always ready and every
 * byte written goes to the VM's console log; nothing is ever received. */
#ifndef HV_VMWP_COM1_H
#define HV_VMWP_COM1_H

#include <stdbool.h>
#include <stdint.h>

#define COM1_BASE  0x3f8u
#define COM1_PORTS 8u

struct com1 {
	uint8_t ier, lcr, mcr, scr, dll, dlm;
};

void com1_init(struct com1 *u);
/* A one-byte access to register reg (0-7). read returns its value; write returns true when it
 * transmitted *tx. */
uint8_t com1_read(struct com1 *u, unsigned reg);
bool com1_write(struct com1 *u, unsigned reg, uint8_t value, uint8_t *tx);

#endif
