/* SPDX-License-Identifier: MIT */
/* The child's COM1 (com1.h): the registers of a 16550A as the 8250 driver probes and uses them
 * (Linux drivers/tty/serial/8250: autoconfig reads IER back, tests the scratch register and
 * the loopback mapping of MCR onto MSR, finds the FIFO from IIR's top bits after writing FCR;
 * its 16550A-variant probes (EFR, NS SuperIO, 16750, XScale UUE, FIFO size in loopback) all
 * fail here and leave a plain 16550A). */
#include "com1.h"

enum {
	REG_DATA = 0, /* RBR / THR; DLL with LCR.DLAB */
	REG_IER = 1,  /* DLM with LCR.DLAB */
	REG_IIR = 2,  /* FCR on write */
	REG_LCR = 3,
	REG_MCR = 4,
	REG_LSR = 5,
	REG_MSR = 6,
	REG_SCR = 7,
};
#define LCR_DLAB      0x80
#define MCR_OUT2      0x08
#define MCR_LOOPBACK  0x10
#define IER_RDI	      0x01
#define IER_THRI      0x02
#define IIR_NO_INT    0x01
#define IIR_THRI      0x02
#define IIR_RDI	      0x04
#define IIR_FIFO      0xc0 /* FIFOs enabled (FCR bit 0) */
#define FCR_ENABLE    0x01
#define LSR_DR	      0x01
#define LSR_THRE      0x20
#define LSR_TEMT      0x40
/* Not in loopback: carrier, data set ready and clear to send, as a connected terminal. */
#define MSR_CONNECTED 0xb0

void com1_init(struct com1 *u)
{
	*u = (struct com1){ .dll = 1 }; /* 115200 baud */
}

/* Loopback: the modem outputs read back as inputs (DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD). */
static uint8_t loopback_msr(uint8_t mcr)
{
	return (uint8_t)((mcr & 0x01 ? 0x20 : 0) | (mcr & 0x02 ? 0x10 : 0) |
			 (mcr & 0x04 ? 0x40 : 0) | (mcr & 0x08 ? 0x80 : 0));
}

static bool rx_due(const struct com1 *u)
{
	return (u->ier & IER_RDI) && u->rx_len;
}

static bool thre_due(const struct com1 *u)
{
	return (u->ier & IER_THRI) && u->thre_pending;
}

bool com1_irq_line(const struct com1 *u)
{
	return (u->mcr & MCR_OUT2) && !(u->mcr & MCR_LOOPBACK) && (rx_due(u) || thre_due(u));
}

size_t com1_receive(struct com1 *u, const uint8_t *bytes, size_t len)
{
	size_t n = 0;
	for (; n < len && u->rx_len < COM1_RX_SIZE; n++, u->rx_len++)
		u->rx[(u->rx_head + u->rx_len) % COM1_RX_SIZE] = bytes[n];
	return n;
}

static uint8_t rx_take(struct com1 *u)
{
	if (!u->rx_len)
		return 0;
	uint8_t b = u->rx[u->rx_head];
	u->rx_head = (uint16_t)((u->rx_head + 1) % COM1_RX_SIZE);
	u->rx_len--;
	return b;
}

/* IIR: the highest cause pending (received data, then transmitter empty); reporting the
 * transmitter's clears it, as on the 8250. */
static uint8_t iir_read(struct com1 *u)
{
	uint8_t fifo = u->fifo ? IIR_FIFO : 0;
	if (rx_due(u))
		return IIR_RDI | fifo;
	if (thre_due(u)) {
		u->thre_pending = false;
		return IIR_THRI | fifo;
	}
	return IIR_NO_INT | fifo;
}

uint8_t com1_read(struct com1 *u, unsigned reg)
{
	bool dlab = u->lcr & LCR_DLAB;
	switch (reg) {
	case REG_DATA:
		return dlab ? u->dll : rx_take(u);
	case REG_IER:
		return dlab ? u->dlm : u->ier;
	case REG_IIR:
		return iir_read(u);
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		return (uint8_t)(LSR_THRE | LSR_TEMT | (u->rx_len ? LSR_DR : 0));
	case REG_MSR:
		return u->mcr & MCR_LOOPBACK ? loopback_msr(u->mcr) : MSR_CONNECTED;
	case REG_SCR:
		return u->scr;
	}
	return 0xff;
}

bool com1_write(struct com1 *u, unsigned reg, uint8_t value, uint8_t *tx)
{
	bool dlab = u->lcr & LCR_DLAB;
	switch (reg) {
	case REG_DATA:
		if (dlab) {
			u->dll = value;
			return false;
		}
		u->thre_pending = true; /* sent at once: the holding register is empty again */
		if (u->mcr & MCR_LOOPBACK)
			return false; /* looped back to a receiver that drops it */
		*tx = value;
		return true;
	case REG_IER:
		if (dlab) {
			u->dlm = value;
			return false;
		}
		/* Enabling the transmitter interrupt with the register empty makes it due (the
		 * 8250 driver's THRE test relies on it). */
		if ((value & IER_THRI) && !(u->ier & IER_THRI))
			u->thre_pending = true;
		u->ier = value & 0x0f;
		return false;
	case REG_LCR:
		u->lcr = value;
		return false;
	case REG_MCR:
		u->mcr = value & 0x1f;
		return false;
	case REG_SCR:
		u->scr = value;
		return false;
	case REG_IIR: /* FCR. The FIFO clear bits leave the receive buffer alone: what was typed
		       * waits outside the UART, on the line, not in its 16-byte FIFO. */
		u->fifo = value & FCR_ENABLE;
		return false;
	}
	return false; /* LSR and MSR writes are ignored */
}
