/* SPDX-License-Identifier: MIT */
/* The guest's own GDT (ring 0 and ring 3 segments, a TSS for the ring-3 check), its IDT, and
 * tg_trap(): an interrupt goes to the handler its vector was given (traps_set_irq); a fault
 * that a primitive of start.S armed a fixup for is recorded and resumed there; any other one
 * is reported as the running check's failure and powers off. */
#include "testguest.h"

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_TSS	  0x28

struct tg_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS");

struct idt_gate {
	uint16_t off0, sel;
	uint8_t ist, attr;
	uint16_t off1;
	uint32_t off2, zero;
};

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

void tg_trap(struct tg_frame *f);
extern const uint64_t tg_trap_stubs[32];
extern const uint64_t tg_irq_stub_vmbus;

uint64_t tg_fixup_rip, tg_fixup_rsp; /* armed by start.S's primitives */
struct tg_fault tg_last_fault = { .vector = TG_NO_FAULT };

static uint64_t gdt[7] __attribute__((aligned(16)));
static struct idt_gate idt[256] __attribute__((aligned(16)));
static void (*irq_handlers[256])(void);
static struct tss64 tss __attribute__((aligned(16)));
static uint8_t trap_stack[16384] __attribute__((aligned(16))); /* RSP0: faults from ring 3 */
static const char *check_name = "boot";

static const char *const vector_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS",
	"#NP", "#SS", "#GP", "#PF", "?15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
	"?22", "?23", "?24", "?25", "?26", "?27", "#HV", "#VC", "#SX", "?31",
};

void traps_set_check(const char *name)
{
	check_name = name;
}

static void load_gdt(void)
{
	uint64_t base = (uint64_t)&tss;

	gdt[0] = 0;
	gdt[1] = TG_GDT_CODE64;
	gdt[2] = TG_GDT_DATA;
	gdt[3] = 0x00affa000000ffffull; /* 0x18: ring-3 64-bit code */
	gdt[4] = 0x00cff2000000ffffull; /* 0x20: ring-3 data */
	gdt[5] = (sizeof(tss) - 1) | (base & 0xffffff) << 16 | 0x89ull << 40 |
		 (base >> 24 & 0xff) << 56; /* 0x28: available 64-bit TSS */
	gdt[6] = base >> 32;

	struct desc_ptr p = { sizeof(gdt) - 1, (uint64_t)gdt };
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "mov %2, %%ds\n\t"
			 "mov %2, %%es\n\t"
			 "mov %2, %%ss\n\t"
			 "ltr %w3"
			 :
			 : "m"(p), "i"(SEL_KCODE), "r"(SEL_KDATA), "r"(SEL_TSS)
			 : "rax", "memory");
}

static void set_gate(int v, uint64_t a)
{
	idt[v] = (struct idt_gate){ .off0 = (uint16_t)a,
				    .sel = SEL_KCODE,
				    .attr = 0x8e, /* present, DPL 0, interrupt gate (IF cleared) */
				    .off1 = (uint16_t)(a >> 16),
				    .off2 = (uint32_t)(a >> 32) };
}

bool traps_set_irq(uint8_t vector, void (*handler)(void))
{
	if (vector != TG_IRQ_VMBUS)
		return false; /* start.S has a stub for this vector only */
	irq_handlers[vector] = handler;
	set_gate(vector, tg_irq_stub_vmbus);
	return true;
}

void traps_init(void)
{
	tss.rsp[0] = (uint64_t)(trap_stack + sizeof(trap_stack));
	tss.iomap_base = sizeof(tss); /* no I/O bitmap: ring 3 gets #GP for any port */
	load_gdt();
	for (int v = 0; v < 32; v++)
		set_gate(v, tg_trap_stubs[v]);
	/* Vectors 32-255 stay not present until a handler is set: a stray one is #NP, reported. */
	struct desc_ptr p = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" : : "m"(p) : "memory");
}

static void report(const struct tg_frame *f)
{
	uint64_t cr2;

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	con_printf("testguest: FAIL %s: unexpected exception %lu (%s) error 0x%lx at rip 0x%lx "
		   "cr2 0x%lx\n",
		   check_name, f->vector, f->vector < 32 ? vector_names[f->vector] : "interrupt",
		   f->error, f->rip, cr2);
	con_printf("testguest: regs rax 0x%lx rbx 0x%lx rcx 0x%lx rdx 0x%lx rsi 0x%lx rdi 0x%lx "
		   "rsp 0x%lx cs 0x%lx rflags 0x%lx\n",
		   f->rax, f->rbx, f->rcx, f->rdx, f->rsi, f->rdi, f->rsp, f->cs, f->rflags);
}

void tg_trap(struct tg_frame *f)
{
	/* First: an interrupt is no fault, whatever a primitive has armed. */
	if (f->vector >= 32 && f->vector < 256 && irq_handlers[f->vector]) {
		irq_handlers[f->vector]();
		return;
	}
	if (tg_fixup_rip) {
		tg_last_fault = (struct tg_fault){ .vector = (uint32_t)f->vector,
						   .error = f->error,
						   .rip = f->rip,
						   .rax = f->rax };
		f->rip = tg_fixup_rip;
		f->rsp = tg_fixup_rsp;
		f->cs = SEL_KCODE;
		f->ss = SEL_KDATA;
		tg_fixup_rip = 0;
		return;
	}
	report(f);
	power_off();
}
