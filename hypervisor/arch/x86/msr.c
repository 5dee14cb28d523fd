/* SPDX-License-Identifier: MIT */
/* The root's intercepted MSRs: EFER with SVME hidden and refused, VM_CR and VM_HSAVE_PA as
 * on a CPU whose SVM is disabled and locked, and the Hyper-V synthetic MSRs Linux uses at
 * boot (guest OS id, hypercall page, VP index, VP assist page, reference counter and
 * reference TSC page, TSC invariant control).
 * Any other synthetic MSR raises #GP, as on Hyper-V. */
#include "svm.h"
#include "x86.h"

#define MSR_HV_GUEST_OS_ID	 0x40000000u
#define MSR_HV_HYPERCALL	 0x40000001u
#define MSR_HV_VP_INDEX		 0x40000002u
#define MSR_HV_TIME_REF_COUNT	 0x40000020u
#define MSR_HV_REFERENCE_TSC	 0x40000021u
#define MSR_HV_TSC_FREQUENCY	 0x40000022u
#define MSR_HV_APIC_FREQUENCY	 0x40000023u
#define MSR_HV_VP_ASSIST_PAGE	 0x40000073u
#define MSR_HV_TSC_INVARIANT_CTL 0x40000118u

#define EFER_LMA (1ull << 10)

/* Enabling the reference TSC page fills that page of root RAM with scale and offset. */
static bool set_reference_tsc(struct hv_partition *part, u64 val)
{
	if (!hv_reftime_available())
		return false;
	if (val & 1) {
		void *page = hv_root_gpa(val & ~0xfffull, PAGE_SIZE);
		if (!page)
			return false;
		hv_reftime_fill_page(page);
	}
	part->reference_tsc_msr = val & ~0xffeull;
	return true;
}

/* A page of the calling partition's memory the hypervisor may write for it: the root's RAM, or
 * a child's writable mapping. */
static void *partition_page(struct hv_cpu *cpu, u64 gpa)
{
	if (cpu->part->is_root)
		return hv_root_gpa(gpa, PAGE_SIZE);
	return arch_child_gpa_ptr(cpu->part, gpa, true);
}

/* Writes the hypercall stub (ENDBR64; VMMCALL; RET) into the partition's page. */
static bool set_hypercall_page(struct hv_cpu *cpu, u64 val)
{
	if (val & 1) {
		u8 *page = partition_page(cpu, val & ~0xfffull);
		if (!page)
			return false;
		static const u8 stub[] = { 0xf3, 0x0f, 0x1e, 0xfa, 0x0f, 0x01, 0xd9, 0xc3 };
		memset(page, 0xcc, PAGE_SIZE);
		memcpy(page, stub, sizeof(stub));
	}
	cpu->part->hypercall_msr = val & ~0xffeull; /* enable (bit 0) and GPA; no lock support */
	return true;
}

static bool msr_read(struct hv_cpu *cpu, u32 msr, u64 *val)
{
	switch (msr) {
	case MSR_EFER:
		*val = cpu->arch.vmcb->save.efer & ~EFER_SVME;
		return true;
	case MSR_VM_CR:
		*val = VM_CR_LOCK | VM_CR_SVMDIS;
		return true;
	case MSR_VM_HSAVE_PA:
		*val = 0;
		return true;
	case MSR_HV_GUEST_OS_ID:
		*val = cpu->part->guest_os_id;
		return true;
	case MSR_HV_HYPERCALL:
		*val = cpu->part->hypercall_msr;
		return true;
	case MSR_HV_VP_INDEX:
		*val = cpu->index;
		return true;
	case MSR_HV_TIME_REF_COUNT:
		if (!hv_reftime_available())
			return false;
		*val = hv_reftime_now();
		return true;
	case MSR_HV_REFERENCE_TSC:
		if (!hv_reftime_available())
			return false;
		*val = cpu->part->reference_tsc_msr;
		return true;
	case MSR_HV_VP_ASSIST_PAGE:
		*val = cpu->vp_assist_msr;
		return true;
	case MSR_HV_TSC_INVARIANT_CTL:
		if (!arch.inv_tsc)
			return false;
		*val = cpu->part->tsc_invariant_ctl;
		return true;
	}
	return false;
}

static bool msr_write(struct hv_cpu *cpu, u32 msr, u64 val)
{
	struct vmcb *v = cpu->arch.vmcb;
	switch (msr) {
	case MSR_EFER:
		if (val & ~arch.efer_allowed) /* SVME included: SVM is "disabled" here */
			return false;
		/* As the CPU would: LME cannot change while paging is on. */
		if ((v->save.cr0 & (1ull << 31)) && ((val ^ v->save.efer) & (1ull << 8)))
			return false;
		v->save.efer = (val & ~EFER_LMA) | (v->save.efer & EFER_LMA) | EFER_SVME;
		return true;
	case MSR_VM_CR:	      /* locked */
	case MSR_VM_HSAVE_PA: /* no SVM: no host save area */
		return false;
	case MSR_HV_GUEST_OS_ID:
		cpu->part->guest_os_id = val;
		if (!val) /* TLFS: clearing the OS id disables hypercalls */
			cpu->part->hypercall_msr &= ~1ull;
		return true;
	case MSR_HV_HYPERCALL:
		if ((val & 1) && !cpu->part->guest_os_id)
			val &= ~1ull; /* no hypercalls before the OS identifies itself */
		return set_hypercall_page(cpu, val);
	case MSR_HV_REFERENCE_TSC:
		return set_reference_tsc(cpu->part, val);
	case MSR_HV_VP_ASSIST_PAGE:
		/* Remembered (the hypervisor never writes that page today), but checked as the
		 * hypercall page is: the day it writes there, it must be the partition's RAM. */
		if ((val & 1) && !hv_root_gpa(val & ~0xfffull, PAGE_SIZE))
			return false;
		cpu->vp_assist_msr = val & ~0xffeull;
		return true;
	case MSR_HV_TSC_INVARIANT_CTL:
		if (!arch.inv_tsc)
			return false;
		cpu->part->tsc_invariant_ctl = val & 1;
		return true;
	}
	return platform_msr_write(cpu, msr, val) == MSR_DONE;
}

/* A refused access is logged the first time for each MSR (and each direction), so that a root
 * that loops on a refused MSR cannot flush the log ring and erase the boot lines; the number of
 * refusals not logged is kept and logged with the next new one. */
#define REFUSALS_TRACKED 64
static u32 refused_seen[REFUSALS_TRACKED];
static u32 refused_seen_count;
static u64 refusals_unlogged;

static bool refusal_first(u32 msr, bool write)
{
	u32 key = (msr & 0x7fffffffu) | (write ? 0x80000000u : 0); /* MSR numbers fit 31 bits */
	for (u32 i = 0; i < refused_seen_count; i++)
		if (refused_seen[i] == key)
			return false;
	if (refused_seen_count == REFUSALS_TRACKED)
		return false;
	refused_seen[refused_seen_count++] = key;
	return true;
}

static void log_refusal(u32 msr, bool write, u64 val)
{
	if (!refusal_first(msr, write)) {
		refusals_unlogged++;
		return;
	}
	if (write)
		hv_log("root: wrmsr %x <- %lx refused (#GP); later refusals of it not logged "
		       "(%lu unlogged so far)",
		       msr, val, refusals_unlogged);
	else
		hv_log("root: rdmsr %x refused (#GP); later refusals of it not logged "
		       "(%lu unlogged so far)",
		       msr, refusals_unlogged);
}

void msr_exit(struct hv_cpu *cpu)
{
	if (!cpu->part->is_root) {
		child_msr_exit(cpu);
		return;
	}
	struct vmcb *v = cpu->arch.vmcb;
	u32 msr = (u32)cpu->arch.regs.rcx;
	bool write = v->ctl.exit_info1 & 1;
	bool ok;
	u64 next;
	hv_stats_count(write ? HV_EXIT_MSR_WRITE : HV_EXIT_MSR_READ);
	if (!svm_next_rip(cpu, write ? INSN_WRMSR : INSN_RDMSR, &next))
		return;
	if (write) {
		u64 val = ((cpu->arch.regs.rdx & 0xffffffffull) << 32) |
			  (v->save.rax & 0xffffffffull);
		ok = msr_write(cpu, msr, val);
		if (!ok)
			log_refusal(msr, true, val);
	} else {
		u64 val = 0;
		ok = msr_read(cpu, msr, &val);
		if (ok) {
			v->save.rax = val & 0xffffffffull;
			cpu->arch.regs.rdx = val >> 32;
		} else {
			log_refusal(msr, false, 0);
		}
	}
	if (ok)
		svm_complete_insn(cpu, next);
	else
		svm_inject_exception(cpu, VEC_GP, true, 0);
}

/* ---- A child's MSRs: the state its own VMCB holds, the synthetic MSRs it needs; #GP for the
 * rest (no platform MSR of the machine is a child's to read or write). ---- */
#define MSR_TSC		   0x00000010u
#define MSR_SYSENTER_CS	   0x00000174u
#define MSR_SYSENTER_ESP   0x00000175u
#define MSR_SYSENTER_EIP   0x00000176u
#define MSR_LSTAR	   0xc0000082u
#define MSR_CSTAR	   0xc0000083u
#define MSR_SFMASK	   0xc0000084u
#define CHILD_EFER_BITS	   ((1ull << 0) | (1ull << 8) | (1ull << 10) | (1ull << 11))

/* The VMCB field behind one of the child's state MSRs, or NULL. (Found by offset: the save
 * area is a packed struct, every one of these fields 8-byte aligned in it.) */
#define SAVE_FIELD(f) ((u32) __builtin_offsetof(struct vmcb, save.f))
static u64 *child_state_msr(struct vmcb *v, u32 msr)
{
	u32 off;
	switch (msr) {
	case MSR_STAR:
		off = SAVE_FIELD(star);
		break;
	case MSR_LSTAR:
		off = SAVE_FIELD(lstar);
		break;
	case MSR_CSTAR:
		off = SAVE_FIELD(cstar);
		break;
	case MSR_SFMASK:
		off = SAVE_FIELD(sfmask);
		break;
	case MSR_KERNEL_GS_BASE:
		off = SAVE_FIELD(kernel_gs_base);
		break;
	case MSR_FS_BASE:
		off = SAVE_FIELD(fs.base);
		break;
	case MSR_GS_BASE:
		off = SAVE_FIELD(gs.base);
		break;
	case MSR_SYSENTER_CS:
		off = SAVE_FIELD(sysenter_cs);
		break;
	case MSR_SYSENTER_ESP:
		off = SAVE_FIELD(sysenter_esp);
		break;
	case MSR_SYSENTER_EIP:
		off = SAVE_FIELD(sysenter_eip);
		break;
	case MSR_PAT:
		off = SAVE_FIELD(g_pat);
		break;
	default:
		return NULL;
	}
	return (u64 *)((u8 *)v + off);
}

/* A child's reference TSC page: a writable page of its RAM, filled for the child's TSC (the
 * host's plus its offset). */
static bool child_set_reference_tsc(struct hv_cpu *cpu, u64 val)
{
	if (!hv_reftime_available() || (val & 0xffeull))
		return false;
	if (val & 1) {
		void *page = arch_child_gpa_ptr(cpu->part, val & ~0xfffull, true);
		if (!page)
			return false;
		hv_reftime_fill_page_for(page, cpu->arch.vmcb->ctl.tsc_offset);
	}
	cpu->part->reference_tsc_msr = val;
	return true;
}

/* The synthetic MSRs a child has beyond the root's (the Linux child's set). */
static bool child_synthetic_read(struct hv_cpu *cpu, u32 msr, u64 *val)
{
	switch (msr) {
	case MSR_HV_REFERENCE_TSC:
		if (!hv_reftime_available())
			return false;
		*val = cpu->part->reference_tsc_msr;
		return true;
	case MSR_HV_TSC_FREQUENCY:
	case MSR_HV_APIC_FREQUENCY: /* the APIC timer never counts; say the TSC's rate */
		if (!hv_reftime_available())
			return false;
		*val = hv.tsc_khz * 1000;
		return true;
	case MSR_HV_VP_ASSIST_PAGE:
		*val = cpu->vp_assist_msr; /* the VP's, while it is on this CPU */
		return true;
	case MSR_HV_TSC_INVARIANT_CTL:
		return msr_read(cpu, msr, val);
	}
	if (synic_is_msr(msr))
		return synic_msr_read(cpu->child, msr, val);
	if (stimer_is_msr(msr) && hv_reftime_available())
		return stimer_msr_read(cpu->child, msr, val);
	if (vapic_is_msr(msr))
		return vapic_msr_read(cpu->child, msr, val);
	return false;
}

static bool child_synthetic_write(struct hv_cpu *cpu, u32 msr, u64 val)
{
	switch (msr) {
	case MSR_HV_REFERENCE_TSC:
		return child_set_reference_tsc(cpu, val);
	case MSR_HV_VP_ASSIST_PAGE:
		/* A page of the child's own RAM; the hypervisor writes only its apic_assist word
		 * (EOI assist, vapic.c), which a move ends first. */
		if ((val & 0xffeull) ||
		    ((val & 1) && !arch_child_gpa_ptr(cpu->part, val & ~0xfffull, true)))
			return false;
		vapic_assist_page_changing(cpu->child);
		cpu->vp_assist_msr = cpu->child->vp_assist_msr = val;
		return true;
	case MSR_HV_TSC_INVARIANT_CTL:
		return msr_write(cpu, msr, val);
	}
	if (synic_is_msr(msr))
		return synic_msr_write(cpu->child, msr, val);
	if (stimer_is_msr(msr) && hv_reftime_available())
		return stimer_msr_write(cpu->child, msr, val);
	if (vapic_is_msr(msr))
		return vapic_msr_write(cpu->child, msr, val);
	return false;
}

static bool child_msr_read(struct hv_cpu *cpu, u32 msr, u64 *val)
{
	struct vmcb *v = cpu->arch.vmcb;
	u64 *field = child_state_msr(v, msr);
	if (field) {
		*val = *field;
		return true;
	}
	switch (msr) {
	case MSR_EFER:
		*val = v->save.efer & ~EFER_SVME;
		return true;
	case MSR_TSC:
		*val = rdtsc() + v->ctl.tsc_offset;
		return true;
	case MSR_HV_GUEST_OS_ID:
	case MSR_HV_HYPERCALL:
	case MSR_HV_VP_INDEX:
	case MSR_HV_TIME_REF_COUNT:
		return msr_read(cpu, msr, val);
	}
	return child_synthetic_read(cpu, msr, val);
}

static bool child_msr_write(struct hv_cpu *cpu, u32 msr, u64 val)
{
	struct vmcb *v = cpu->arch.vmcb;
	u64 *field = child_state_msr(v, msr);
	if (field) {
		if (msr != MSR_PAT && msr != MSR_SYSENTER_CS && msr != MSR_STAR &&
		    msr != MSR_SFMASK && (u64)((int64_t)(val << 16) >> 16) != val)
			return false; /* an address: canonical, as the CPU demands */
		*field = val;
		return true;
	}
	switch (msr) {
	case MSR_EFER:
		if (val & ~CHILD_EFER_BITS ||
		    ((v->save.cr0 & (1ull << 31)) && ((val ^ v->save.efer) & (1ull << 8))))
			return false;
		v->save.efer = (val & ~EFER_LMA) | (v->save.efer & EFER_LMA) | EFER_SVME;
		return true;
	case MSR_TSC:
		v->ctl.tsc_offset = val - rdtsc();
		if (cpu->part->reference_tsc_msr & 1) /* the page follows the child's TSC */
			child_set_reference_tsc(cpu, cpu->part->reference_tsc_msr);
		return true;
	case MSR_HV_GUEST_OS_ID:
	case MSR_HV_HYPERCALL:
		return msr_write(cpu, msr, val);
	}
	return child_synthetic_write(cpu, msr, val);
}

void child_msr_exit(struct hv_cpu *cpu)
{
	struct vmcb *v = cpu->arch.vmcb;
	u32 msr = (u32)cpu->arch.regs.rcx;
	bool write = v->ctl.exit_info1 & 1;
	u64 next, val = 0;
	hv_stats_count(write ? HV_EXIT_MSR_WRITE : HV_EXIT_MSR_READ);
	if (!svm_next_rip(cpu, write ? INSN_WRMSR : INSN_RDMSR, &next))
		return;
	if (write) {
		val = (cpu->arch.regs.rdx & 0xffffffffull) << 32 | (v->save.rax & 0xffffffffull);
		if (!child_msr_write(cpu, msr, val)) {
			svm_inject_exception(cpu, VEC_GP, true, 0);
			return;
		}
	} else {
		if (!child_msr_read(cpu, msr, &val)) {
			svm_inject_exception(cpu, VEC_GP, true, 0);
			return;
		}
		v->save.rax = val & 0xffffffffull;
		cpu->arch.regs.rdx = val >> 32;
	}
	svm_complete_insn(cpu, next);
}
