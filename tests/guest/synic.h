/* SPDX-License-Identifier: MIT */
/* The guest's side of the hypervisor's SynIC (hv/abi.h, reference/hyperv-interface.md): the
 * hypercall page, the message and event-flags pages, SINT 2 on vector TG_IRQ_VMBUS, the two
 * guest hypercalls and the reference counter. Whatever arrives on SINT 2 is handed to the two
 * callbacks given to synic_init(), from the interrupt or from synic_wait()'s look before it
 * sleeps. The guest runs with interrupts off except inside synic_wait(), so the callbacks
 * never race with the code that waits. */
#ifndef TESTGUEST_SYNIC_H
#define TESTGUEST_SYNIC_H

#include <stdbool.h>
#include <stdint.h>

#define TG_SYNIC_SINT 2 /* VMBus's SINT (Linux's VMBUS_MESSAGE_SINT) */

struct tg_synic_ops {
	void (*on_message)(void *ctx, const void *payload, uint32_t len);
	void (*on_event)(void *ctx, uint32_t flag);
	void *ctx;
};

/* What the guest saw, for the checks' figures. */
struct tg_synic_stats {
	uint64_t interrupts; /* taken on TG_IRQ_VMBUS */
	uint64_t spurious;   /* interrupts that found nothing to hand over */
	uint64_t messages;   /* handed to on_message */
	uint64_t foreign;    /* non-VMBus message types (freed, not handed over) */
	uint64_t eoms;	     /* EOM writes (a message was pending behind the slot) */
	uint64_t events;     /* flag bits handed to on_event */
	uint64_t polled;     /* deliveries found by synic_wait() before it slept */
	uint64_t posts;	     /* HvPostMessage calls */
	uint64_t signals;    /* HvSignalEvent calls */
	uint64_t halts;	     /* times synic_wait() halted */
};
extern struct tg_synic_stats tg_synic_stats;

/* NULL when SynIC is set up, else why not (the first missing piece: no hypervisor, no SynIC
 * in CPUID 0x40000003, an MSR that faults or does not read back). simp_pfn and siefp_pfn are
 * two zeroed pages of the guest's RAM. */
const char *synic_init(const struct tg_synic_ops *ops, uint64_t simp_pfn, uint64_t siefp_pfn);

/* With interrupts off: hands over whatever is pending on SINT 2; true if anything was. */
bool synic_deliver(void);

/* Sleep until SINT 2 delivers (sti; hlt; cli: the STI shadow makes it atomic, an interrupt
 * pending at sti lands in the hlt). Returns at once if something was already pending. */
void synic_wait(void);

/* HvPostMessage (message type type, payload_size size, as given: no check here, so that the
 * hostile checks can send what a hypervisor must refuse; at most 240 bytes are copied) and
 * HvSignalEvent (fast, flag 0); both return the hypercall status. */
uint16_t synic_post(uint32_t connection_id, uint32_t type, const void *payload, uint32_t size);
uint16_t synic_signal(uint32_t connection_id, uint16_t flag);

/* The partition reference counter (100 ns units); 0 if the partition has none. */
uint64_t synic_reference_time(void);

#endif /* TESTGUEST_SYNIC_H */
