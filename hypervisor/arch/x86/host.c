/* SPDX-License-Identifier: MIT */
/* Host-mode CPU state: the hypervisor's own GDT, TSS (IST stacks for NMI, #DF, #MC) and IDT.
 * Every exception in host mode is a hypervisor bug: it panics with the faulting state. */
#include "svm.h"
#include "x86.h"

#define HOST_CS	 0x08
#define HOST_DS	 0x10
#define HOST_TSS 0x18

struct idt_entry {
	u16 off0, sel;
	u8 ist, type;
	u16 off1;
	u32 off2, zero;
};
static struct idt_entry idt[32] __attribute__((aligned(16)));
extern const u64 host_exception_stubs[32]; /* host_idt.S */

struct exc_frame {
	u64 rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
	u64 vector, error, rip, cs, rflags, rsp, ss;
};

void host_exception(struct exc_frame *f)
{
	if (f->vector == 13 && (f->rip == (u64)(uintptr_t)rdmsr_safe_insn ||
				f->rip == (u64)(uintptr_t)wrmsr_safe_insn)) {
		f->rip = (u64)(uintptr_t)msr_safe_fault; /* returns -1 to the caller */
		return;
	}
	hv_log("host exception %lu error %lx at rip %lx rsp %lx cr2 %lx", f->vector, f->error,
	       f->rip, f->rsp, read_cr2());
	hv_log("rax %lx rbx %lx rcx %lx rdx %lx rsi %lx rdi %lx", f->rax, f->rbx, f->rcx, f->rdx,
	       f->rsi, f->rdi);
	hv_panic(NULL, "exception %lu in the hypervisor", f->vector);
}

static void set_idt(int vec, u64 handler, int ist)
{
	idt[vec] = (struct idt_entry){
		.off0 = (u16)handler,
		.sel = HOST_CS,
		.ist = (u8)ist,
		.type = 0x8e,
		.off1 = (u16)(handler >> 16),
		.off2 = (u32)(handler >> 32),
	};
}

/* Builds this CPU's GDT and TSS; the IDT is shared. */
void host_tables_init(struct hv_cpu *cpu, const struct hv_boot_info *bi)
{
	u8 *tss = cpu->arch.tss;
	memset(tss, 0, sizeof(cpu->arch.tss));
	/* TSS.RSP0 unused (no ring 3 in the host); IST1..3 = NMI, #DF, #MC. */
	for (int i = 0; i < 3; i++)
		memcpy(tss + 0x24 + 8 * i, &bi->ist_top_va[i], 8);
	*(u16 *)(tss + 0x66) = sizeof(cpu->arch.tss); /* no I/O bitmap */
	u64 base = (u64)(uintptr_t)tss, limit = sizeof(cpu->arch.tss) - 1;
	cpu->arch.gdt[0] = 0;
	cpu->arch.gdt[1] = 0x00af9b000000ffffull; /* 64-bit code, DPL0 */
	cpu->arch.gdt[2] = 0x00cf93000000ffffull; /* data */
	cpu->arch.gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
			   ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
	cpu->arch.gdt[4] = base >> 32;
	for (int v = 0; v < 32; v++)
		set_idt(v, host_exception_stubs[v], v == 2 ? 1 : v == 8 ? 2 : v == 18 ? 3 : 0);
}

void host_tables_load(struct hv_cpu *cpu)
{
	struct dtr gdtr = { sizeof(cpu->arch.gdt) - 1, (u64)(uintptr_t)cpu->arch.gdt };
	struct dtr idtr = { sizeof(idt) - 1, (u64)(uintptr_t)idt };
	__asm__ volatile("lgdt %0\n\t"
			 "lidt %1\n\t"
			 "pushq $0x08\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl $0x10, %%eax\n\t"
			 "movl %%eax, %%ss\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "movl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs\n\t"
			 "movw $0x18, %%ax\n\t"
			 "ltr %%ax\n\t" ::"m"(gdtr),
			 "m"(idtr)
			 : "rax", "memory");
}
