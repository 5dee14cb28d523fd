/* SPDX-License-Identifier: MIT */
/* The child's COM1 (com1.h): the registers of a 16450 as the 8250 driver probes and uses them
 * (Linux drivers/tty/serial/8250: autoconfig reads IER back, tests the scratch register and
 * the loopback mapping of MCR onto MSR, sizes the FIFO from IIR after writing FCR). */
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
#define MCR_LOOPBACK  0x10
#define IER_THRI      0x02
#define IIR_NO_INT    0x01
#define IIR_THRI      0x02
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

uint8_t com1_read(struct com1 *u, unsigned reg)
{
	bool dlab = u->lcr & LCR_DLAB;
	switch (reg) {
	case REG_DATA:
		return dlab ? u->dll : 0; /* nothing is ever received */
	case REG_IER:
		return dlab ? u->dlm : u->ier;
	case REG_IIR: /* transmit is always empty: that is the one cause, when enabled */
		return u->ier & IER_THRI ? IIR_THRI : IIR_NO_INT;
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		return LSR_THRE | LSR_TEMT;
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
		if (u->mcr & MCR_LOOPBACK)
			return false; /* looped back to a receiver that drops it */
		*tx = value;
		return true;
	case REG_IER:
		if (dlab)
			u->dlm = value;
		else
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
	}
	return false; /* FCR (no FIFO to enable), LSR and MSR writes are ignored */
}
