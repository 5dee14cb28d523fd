/* SPDX-License-Identifier: MIT */
/* The child's COM1: a 16550A UART at the PC's 0x3F8, enough for Linux's 8250 driver
 * to find it (IER read-back, scratch register, loopback) and drive it through its interrupt
 * line (ISA IRQ 4, gated by MCR.OUT2 as on a PC; the worker's I/O APIC pin 4), and for the test
 * guest's polled console. Transmit is always ready: every byte written goes to the VM's console
 * at once, so the transmitter-empty interrupt is due again after each one; with the FIFO
 * enabled the driver writes 16 bytes per interrupt instead of one. Bytes typed at the
 * console wait in a receive buffer and reach the guest one RBR read at a time. Pure state: no
 * locking; the caller serialises the VP thread's accesses and the console's input. */
#ifndef HV_VMWP_COM1_H
#define HV_VMWP_COM1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COM1_BASE  0x3f8u
#define COM1_PORTS 8u

#define COM1_IRQ     4u	/* ISA IRQ, the I/O APIC pin it is wired to */
#define COM1_RX_SIZE 4096u /* bytes typed and not yet read by the guest */

struct com1 {
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	bool thre_pending; /* transmitter-empty interrupt due (cleared by IIR reporting it) */
	bool fifo;	   /* FCR bit 0: IIR says so in its top bits */
	uint16_t rx_head, rx_len;
	uint8_t rx[COM1_RX_SIZE];
};

void com1_init(struct com1 *u);
/* A one-byte access to register reg (0-7). read returns its value; write returns true when it
 * transmitted *tx. */
uint8_t com1_read(struct com1 *u, unsigned reg);
bool com1_write(struct com1 *u, unsigned reg, uint8_t value, uint8_t *tx);
/* The interrupt line's level now (an enabled cause pending and OUT2 set). */
bool com1_irq_line(const struct com1 *u);
/* Bytes typed at the console; returns how many fit (the rest: retry later). */
size_t com1_receive(struct com1 *u, const uint8_t *bytes, size_t len);

#endif
