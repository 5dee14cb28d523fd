/* SPDX-License-Identifier: MIT */
/* The child's I/O APIC (82093AA register model, as Linux's io_apic.c and the ACPI MADT
 * describe it): 24 pins at the PC's 0xFEC00000, reached through IOREGSEL/IOWIN by the
 * hypervisor's MMIO exits. A device drives a pin's level; a rising edge on an unmasked,
 * edge-triggered pin becomes one fixed interrupt for the VP its entry names (the caller asserts
 * it through vid.ko). An edge that finds its pin masked is kept (the pin's IRR) and delivered
 * when the entry is unmasked, so that a driver that masks while it sets up loses nothing.
 * Level-triggered entries are taken as edge-triggered: without an EOI broadcast from the VP's
 * APIC nothing could clear Remote IRR (the devices here, COM1, are ISA edge sources). Pure
 * state: no locking, no I/O; the caller serialises. */
#ifndef HV_VMWP_IOAPIC_H
#define HV_VMWP_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define IOAPIC_BASE 0xfec00000u
#define IOAPIC_SIZE 0x1000u /* the window a load or store may hit */
#define IOAPIC_PINS 24u

struct ioapic {
	uint8_t id;	    /* bits 27:24 of the ID register */
	uint8_t regsel;	    /* IOREGSEL */
	uint32_t level;	    /* pin levels, as the devices drive them */
	uint32_t irr;	    /* edges seen on masked pins, not yet delivered */
	uint64_t redir[IOAPIC_PINS];
	uint64_t refused;   /* deliveries dropped: a mode or destination not supported */
};

/* An interrupt to deliver: vector for the VP whose APIC ID is dest. */
struct ioapic_irq {
	uint8_t vector;
	uint32_t dest;
};

void ioapic_init(struct ioapic *a, uint8_t id);

/* A load of size bytes at offset (from IOAPIC_BASE, < IOAPIC_SIZE). */
uint64_t ioapic_mmio_read(struct ioapic *a, uint64_t offset, unsigned size);
/* A store; returns how many interrupts it released into out (an unmask with an edge held),
 * at most max. */
unsigned ioapic_mmio_write(struct ioapic *a, uint64_t offset, unsigned size, uint64_t value,
			   struct ioapic_irq *out, unsigned max);
/* A device drives pin to level; true with *out when that is an edge to deliver now. */
bool ioapic_set_level(struct ioapic *a, unsigned pin, bool level, struct ioapic_irq *out);

#endif
