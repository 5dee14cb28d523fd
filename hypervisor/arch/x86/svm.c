/* SPDX-License-Identifier: MIT */
/* SVM set-up of the boot CPU: permission maps, the root VP's VMCB built from the firmware's
 * context, and the switch into host mode (EFER.SVME, host save area, own GDT/IDT/TSS). */
#include "svm.h"
#include "x86.h"

struct arch_global arch;

/* The byte and bit pair of msr in an MSR permission map, or false if the map does not cover
 * it (then every access exits). */
static bool msrpm_slot(u32 msr, u32 *byte, u32 *shift)
{
	u32 base;
	if (msr <= 0x1fff)
		base = 0;
	else if (msr - 0xc0000000u <= 0x1fff)
		base = 0x800, msr -= 0xc0000000u;
	else if (msr - 0xc0010000u <= 0x1fff)
		base = 0x1000, msr -= 0xc0010000u;
	else
		return false;
	*byte = base + msr * 2 / 8;
	*shift = msr * 2 % 8;
	return true;
}

void svm_intercept_msr(u32 msr, bool read, bool write)
{
	u32 byte, shift;
	if (!msrpm_slot(msr, &byte, &shift))
		return; /* outside the map: always intercepted */
	arch.msrpm[byte] |= (u8)((read ? 1u : 0u) << shift);
	arch.msrpm[byte] |= (u8)((write ? 2u : 0u) << shift);
}

/* Let children read and write msr without an exit. Only for MSRs whose value is VMLOAD/VMSAVE
 * state (the run loop carries it in the child's VMCB), so the child's value never outlives
 * its turn on the CPU. */
static void child_msr_pass(u32 msr)
{
	u32 byte, shift;
	if (msrpm_slot(msr, &byte, &shift))
		arch.child_msrpm[byte] &= (u8)~(3u << shift);
}

void iopm_intercept(u16 port)
{
	arch.iopm[port / 8] |= (u8)(1u << (port % 8));
}

/* EFER bits the root may set: what this CPU implements, never SVME. */
static u64 efer_bits_this_cpu(void)
{
	u64 bits = (1ull << 0) | (1ull << 8) | (1ull << 10); /* SCE, LME, LMA */
	u32 r[4];
	cpuid_count(0x80000000u, 0, r);
	u32 max_ext = r[0];
	cpuid_count(0x80000001u, 0, r);
	if (r[3] & (1u << 20))
		bits |= 1ull << 11; /* NXE */
	if (r[3] & (1u << 25))
		bits |= 1ull << 14; /* FFXSR */
	if (r[2] & (1u << 17))
		bits |= 1ull << 15; /* TCE */
	if (max_ext >= 0x80000008u) {
		cpuid_count(0x80000008u, 0, r);
		if (!(r[1] & (1u << 20)))   /* not "LMSLE unsupported" */
			bits |= 1ull << 13; /* LMSLE */
	}
	if (max_ext >= 0x80000021u) {
		cpuid_count(0x80000021u, 0, r);
		if (r[0] & (1u << 8))
			bits |= 1ull << 21; /* AutoIBRS */
	}
	return bits;
}

int arch_init(const struct hv_boot_info *bi)
{
	u32 r[4];
	cpuid_count(0x80000000u, 0, r);
	if (r[0] >= 0x80000007u) {
		cpuid_count(0x80000007u, 0, r);
		arch.inv_tsc = r[3] & (1u << 8);
	}
	arch.efer_allowed = efer_bits_this_cpu();
	cpuid_count(0x80000000u, 0, r);
	arch.phys_bits = 36; /* the architectural default without leaf 0x80000008 */
	if (r[0] >= 0x80000008u) {
		cpuid_count(0x80000008u, 0, r);
		arch.phys_bits = (u8)r[0];
	}
	pci_find_ecam(); /* before the NPT: the window is mapped read-only */
	arch.npt_root = npt_build_root();
	arch.msrpm = hv_alloc_pages(2);
	arch.iopm = hv_alloc_pages(3);
	arch.child_msrpm = hv_alloc_pages(2);
	arch.child_iopm = hv_alloc_pages(3);
	if (!arch.npt_root || !arch.msrpm || !arch.iopm || !arch.child_msrpm || !arch.child_iopm) {
		hv_log("out of resident memory for the NPT and permission maps");
		return -1;
	}
	svm_intercept_msr(MSR_EFER, true, true); /* hide and refuse EFER.SVME */
	svm_intercept_msr(MSR_VM_CR, true, true);
	svm_intercept_msr(MSR_VM_HSAVE_PA, true, true);
	svm_intercept_msr(MSR_TSC_RATIO, true, true); /* an SVM feature: absent for the root */
	/* SMRAM base, mask and SMM control: the root must not move or open SMRAM under the
	 * hypervisor (reads pass through). */
	svm_intercept_msr(MSR_SMM_ADDR, false, true);
	svm_intercept_msr(MSR_SMM_MASK, false, true);
	svm_intercept_msr(MSR_SMM_CTL, false, true);
	memset(arch.child_msrpm, 0xff, 2 * PAGE_SIZE); /* every MSR of a child exits, but: */
	/* the segment bases Linux writes at every context switch (without FSGSBASE; a third of
	 * a Linux child's MSR exits while it does I/O) */
	child_msr_pass(MSR_FS_BASE);
	child_msr_pass(MSR_GS_BASE);
	child_msr_pass(MSR_KERNEL_GS_BASE);
	memset(arch.child_iopm, 0xff, 3 * PAGE_SIZE);  /* and every port */
	arch.host_nx = (rdmsr(MSR_EFER) & (1ull << 11)) != 0;
	arch.asids = bi->asids >= 2 ? bi->asids : 2;
	platform_msr_init();
	arch.log_port = bi->log_port;
	if (bi->log_port) /* the root never reaches the hypervisor's UART */
		for (u32 p = bi->log_port; p < bi->log_port + 8u; p++)
			iopm_intercept((u16)p);
	sleep_guard_init(bi);
	pci_init();
	hv_log("root NPT at %lx (identity below %lx, %lu KiB hidden), MSRPM %lx, IOPM %lx",
	       arch.npt_root, hv.phys_top, hv.region_size >> 10, hv_pa(arch.msrpm),
	       hv_pa(arch.iopm));
	return 0;
}

int arch_cpu_init(struct hv_cpu *cpu, const struct hv_boot_info *bi)
{
	struct vmcb *v = hv_alloc_pages(1);
	void *host = hv_alloc_pages(1), *hsave = hv_alloc_pages(1);
	if (!v || !host || !hsave)
		return -1;
	cpu->arch.vmcb = cpu->arch.root_vmcb = v;
	cpu->arch.vmcb_pa = cpu->arch.root_vmcb_pa = hv_pa(v);
	cpu->arch.host_vmcb_pa = hv_pa(host);
	cpu->arch.hsave_pa = hv_pa(hsave);

	v->ctl.intercept1 = INTERCEPT_CPUID | INTERCEPT_INVD | INTERCEPT_INVLPGA | INTERCEPT_IOIO |
			    INTERCEPT_MSR | INTERCEPT_SHUTDOWN;
	v->ctl.intercept2 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL | INTERCEPT_VMLOAD |
			    INTERCEPT_VMSAVE | INTERCEPT_STGI | INTERCEPT_CLGI | INTERCEPT_SKINIT |
			    INTERCEPT_WBINVD;
	v->ctl.iopm_pa = hv_pa(arch.iopm);
	v->ctl.msrpm_pa = hv_pa(arch.msrpm);
	v->ctl.asid = 1;
	v->ctl.tlb_control = 1; /* flush this ASID on the first VMRUN */
	v->ctl.np_enable = 1;
	v->ctl.n_cr3 = arch.npt_root;
	/* V_INTR_MASKING = 0 and no INTR intercept: the root owns the interrupt controller
	 * and takes its interrupts directly through its own IDT. */
	v->ctl.int_ctl = 0;

	const struct hv_guest_start *g = &bi->guest;
	struct vmcb_save *s = &v->save;
	s->es = g->es;
	s->cs = g->cs;
	s->ss = g->ss;
	s->ds = g->ds;
	s->gdtr = (struct hv_seg){ .limit = g->gdtr_limit, .base = g->gdtr_base };
	s->idtr = (struct hv_seg){ .limit = g->idtr_limit, .base = g->idtr_base };
	s->cpl = (u8)(g->cs.sel & 3);
	s->efer = g->efer | EFER_SVME; /* VMRUN requires it; the root never sees it */
	s->cr0 = g->cr0;
	s->cr3 = g->cr3;
	s->cr4 = g->cr4;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->rflags = g->rflags;
	s->rip = g->rip;
	s->rsp = g->rsp;
	s->rax = 0; /* hv_takeover() returns EFI_SUCCESS in the root */
	s->g_pat = g->pat;

	host_tables_init(cpu, bi);
	return 0;
}

void arch_cpu_start(struct hv_cpu *cpu)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, cpu->arch.hsave_pa);
	/* The firmware's FS/GS/TR/LDTR and syscall MSRs become the root's. */
	__asm__ volatile("vmsave %%rax" ::"a"(cpu->arch.vmcb_pa) : "memory");
	host_tables_load(cpu);
	__asm__ volatile("vmsave %%rax" ::"a"(cpu->arch.host_vmcb_pa) : "memory");
	/* IF on, GIF off: the hypervisor itself still takes no interrupt (GIF is 0 outside VMRUN),
	 * but a physical interrupt that arrives while a child runs (V_INTR_MASKING: the host's IF
	 * decides) ends the child's run, so a spinning child never starves the root. */
	__asm__ volatile("clgi; sti" ::: "memory");
	hv_log("CPU %u: SVM on, resuming the firmware as the root partition at %lx", cpu->hw_id,
	       cpu->arch.vmcb->save.rip);
	svm_vmrun_loop(cpu);
}

void arch_dump_guest(struct hv_cpu *cpu)
{
	struct vmcb *v = cpu->arch.vmcb;
	struct guest_regs *r = &cpu->arch.regs;
	hv_log("exit %lx info1 %lx info2 %lx intinfo %lx", v->ctl.exit_code, v->ctl.exit_info1,
	       v->ctl.exit_info2, v->ctl.exit_int_info);
	hv_log("rip %04x:%lx rsp %lx rflags %lx cpl %u", v->save.cs.sel, v->save.rip, v->save.rsp,
	       v->save.rflags, v->save.cpl);
	hv_log("cr0 %lx cr2 %lx cr3 %lx cr4 %lx efer %lx", v->save.cr0, v->save.cr2, v->save.cr3,
	       v->save.cr4, v->save.efer);
	hv_log("rax %lx rbx %lx rcx %lx rdx %lx", v->save.rax, r->rbx, r->rcx, r->rdx);
	hv_log("rsi %lx rdi %lx rbp %lx r8 %lx", r->rsi, r->rdi, r->rbp, r->r8);
	hv_log("r9 %lx r10 %lx r11 %lx r12 %lx", r->r9, r->r10, r->r11, r->r12);
	hv_log("r13 %lx r14 %lx r15 %lx", r->r13, r->r14, r->r15);
}
