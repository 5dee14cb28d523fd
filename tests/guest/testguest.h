/* SPDX-License-Identifier: MIT */
/* What the guest's files share: port and CPU helpers, the console, the few string helpers,
 * the trap catcher of start.S / traps.c, and one entry point per check. */
#ifndef TESTGUEST_H
#define TESTGUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "testguest/boot.h"

/* ---- CPU ---- */
static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* ---- console.c: COM1, polled ---- */
void con_putc(char c);
void con_puts(const char *s);
/* printf subset: %s %c %d %u %x %lx %llx %lu %llu %%, and "0x%016llx"-style zero padding */
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same into buf[len], always NUL-terminated (truncated if need be); returns buf. */
const char *tg_snprintf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- lib.c ---- */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* ---- traps.c / start.S ---- */
#define TG_NO_FAULT 0xffffffffu

/* What the last caught fault was (vector, error code, RIP, RAX at the fault). */
struct tg_fault {
	uint32_t vector;
	uint32_t pad;
	uint64_t error;
	uint64_t rip;
	uint64_t rax;
};
extern struct tg_fault tg_last_fault;

void traps_init(void);			/* own GDT (with ring 3 and a TSS), TR and IDT */
void traps_set_check(const char *name); /* named in the report of an unexpected fault */
/* The vector of the VMBus SINT (Linux's HYPERVISOR_CALLBACK_VECTOR). */
#define TG_IRQ_VMBUS 0xf3
/* Installs an interrupt gate for vector (TG_IRQ_VMBUS only: start.S has its stub) that calls
 * handler with interrupts off; false for another vector. */
bool traps_set_irq(uint8_t vector, void (*handler)(void));

/* #GP-safe primitives (start.S): each returns TG_NO_FAULT or the vector that hit it; the
 * details are in tg_last_fault. */
uint32_t safe_rdmsr(uint32_t msr, uint64_t *val);
uint32_t safe_wrmsr(uint32_t msr, uint64_t val);
uint32_t safe_read64(uint64_t va, uint64_t *val);
uint32_t safe_write64(uint64_t va, uint64_t val);
/* Calls the hypercall page at `page` with RCX = control, RDX = in, R8 = out; *rax = result. */
uint32_t safe_hypercall(uint64_t page, uint64_t control, uint64_t in, uint64_t out, uint64_t *rax);
/* After safe_hypercall: a bit per register the call changed though it must be preserved:
 * 0 RBX, 1 RBP, 2 RSI, 3 RDI, 4-7 R12-R15, 8 RCX, 9 RDX. */
extern uint32_t tg_hc_clobbered;
/* Runs `vmmcall` at CPL 3 (on the ring-3 stack); returns the vector that ended it. A VMMCALL
 * that returns is followed by int3, which a DPL 0 gate turns into #GP (vector 13). */
uint32_t ring3_vmmcall(uint64_t control, uint64_t user_stack_top);
extern const char ring3_code[]; /* the VMMCALL's address */
/* Loads an empty IDT and executes int3: the CPU shuts down (triple fault). */
void triple_fault(void) __attribute__((noreturn));

/* ---- paging.c ---- */
/* Maps the 2 MiB page at `pa` at virtual `va` (both 2 MiB aligned, va < 2^47) in the
 * current tables, with the user bit if `user`; allocates tables from a small pool. */
bool map_2m(uint64_t va, uint64_t pa, bool user);

/* ---- main.c ---- */
void power_off(void) __attribute__((noreturn));
extern const struct tg_boot_info *tg_boot;
extern char __image_start[], __image_end[];

/* ---- checks: each returns NULL on success or why it failed (a static string, or one
 * formatted into tg_why) ---- */
extern char tg_why[160];
const char *tg_whyf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *check_hello(const char *cmdline);
const char *check_memscan(const char *cmdline);
const char *check_peek(const char *cmdline);
const char *check_hypercalls(const char *cmdline);
const char *check_cpuid(const char *cmdline);
const char *check_spin(const char *cmdline);
const char *check_idle(const char *cmdline);
const char *check_triplefault(const char *cmdline);
const char *check_fault(const char *cmdline);
const char *check_poweroff(const char *cmdline);
const char *check_vmbus_disk(const char *cmdline);
const char *check_vmbus_ic(const char *cmdline);
const char *check_vmbus_hostile(const char *cmdline);
const char *check_vmbus_bench(const char *cmdline);

#endif /* TESTGUEST_H */
