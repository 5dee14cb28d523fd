/* SPDX-License-Identifier: MIT */
/* The child's I/O APIC (ioapic.h): IOREGSEL at 0x00 selects a register, IOWIN at 0x10 reads or
 * writes it; version 0x11 (no EOI register), 24 redirection entries. */
#include "ioapic.h"

#define REG_ID	    0x00u
#define REG_VERSION 0x01u
#define REG_ARB	    0x02u
#define REG_REDIR   0x10u /* 0x10 + 2 * pin: low dword; + 1: high dword */

#define OFF_REGSEL 0x00u
#define OFF_WIN	   0x10u

#define VERSION_11 0x11u
#define RTE_MASKED (1ull << 16)
/* The bits a driver may write: vector, delivery mode, destination mode, polarity, trigger,
 * mask; the destination byte. Delivery status and Remote IRR read 0. */
#define RTE_LOW_WRITABLE  0x0001afffull
#define RTE_HIGH_WRITABLE 0xff000000ull
#define RTE_MODE(e)	  (((e) >> 8) & 7u)
#define RTE_LOGICAL	  (1ull << 11)
#define MODE_FIXED	  0u
#define MODE_LOWEST	  1u

void ioapic_init(struct ioapic *a, uint8_t id)
{
	*a = (struct ioapic){ .id = id & 0x0f };
	for (unsigned i = 0; i < IOAPIC_PINS; i++)
		a->redir[i] = RTE_MASKED;
}

static uint32_t reg_read(const struct ioapic *a)
{
	unsigned r = a->regsel;
	if (r == REG_ID || r == REG_ARB)
		return (uint32_t)a->id << 24;
	if (r == REG_VERSION)
		return VERSION_11 | (IOAPIC_PINS - 1) << 16;
	if (r >= REG_REDIR && r < REG_REDIR + 2 * IOAPIC_PINS) {
		uint64_t e = a->redir[(r - REG_REDIR) / 2];
		return (uint32_t)(r & 1 ? e >> 32 : e);
	}
	return 0;
}

/* An entry can be delivered: the destination as a VP's APIC ID, or false (counted). */
static bool route(struct ioapic *a, unsigned pin, struct ioapic_irq *out)
{
	uint64_t e = a->redir[pin];
	uint8_t vector = (uint8_t)e;
	if ((RTE_MODE(e) != MODE_FIXED && RTE_MODE(e) != MODE_LOWEST) || (e & RTE_LOGICAL) ||
	    vector < 16) {
		a->refused++;
		return false;
	}
	*out = (struct ioapic_irq){ .vector = vector, .dest = (uint32_t)(e >> 56) };
	return true;
}

uint64_t ioapic_mmio_read(struct ioapic *a, uint64_t offset, unsigned size)
{
	uint64_t v = offset == OFF_REGSEL ? a->regsel : offset == OFF_WIN ? reg_read(a) : 0;
	return size >= 4 ? (uint32_t)v : v & ((1ull << (8 * size)) - 1);
}

unsigned ioapic_mmio_write(struct ioapic *a, uint64_t offset, unsigned size, uint64_t value,
			   struct ioapic_irq *out, unsigned max)
{
	(void)size; /* a narrower store writes the low bytes, which is all these registers use */
	if (offset == OFF_REGSEL) {
		a->regsel = (uint8_t)value;
		return 0;
	}
	unsigned r = a->regsel;
	if (offset != OFF_WIN || r < REG_REDIR || r >= REG_REDIR + 2 * IOAPIC_PINS) {
		if (offset == OFF_WIN && r == REG_ID)
			a->id = (uint8_t)((value >> 24) & 0x0f);
		return 0; /* version and arbitration are read-only */
	}
	unsigned pin = (r - REG_REDIR) / 2;
	uint64_t *e = &a->redir[pin];
	if (r & 1)
		*e = (*e & 0xffffffffull) | ((value << 32) & (RTE_HIGH_WRITABLE << 32));
	else
		*e = (*e & ~0xffffffffull) | ((uint32_t)value & RTE_LOW_WRITABLE);
	unsigned n = 0;
	if (!(*e & RTE_MASKED) && (a->irr & (1u << pin)) && max) {
		a->irr &= ~(1u << pin);
		n += route(a, pin, &out[0]);
	}
	return n;
}

bool ioapic_set_level(struct ioapic *a, unsigned pin, bool level, struct ioapic_irq *out)
{
	if (pin >= IOAPIC_PINS)
		return false;
	uint32_t bit = 1u << pin;
	bool rising = level && !(a->level & bit);
	a->level = level ? a->level | bit : a->level & ~bit;
	if (!rising)
		return false;
	if (a->redir[pin] & RTE_MASKED) {
		a->irr |= bit;
		return false;
	}
	return route(a, pin, out);
}
