/* SPDX-License-Identifier: MIT */
/* The partitions' view of CPUID: the real CPU with the hypervisor bit set and SVM hidden, plus
 * the Hyper-V leaves (0x40000000-0x400000FF) and this hypervisor's identity leaves
 * (0x40000100-0x40000101). See docs/hypervisor.md, "What the root sees". A child sees what an
 * unmodified Linux needs of a Hyper-V child (docs/partitions.md, "The child's CPU view"): its
 * x2APIC, the SynIC, synthetic timers, the reference TSC page and the frequency MSRs, without
 * LA57 (a 5-level switch needs a 32-bit trampoline) or SEV, and its own APIC id. */
#include "svm.h"
#include "x86.h"

#define HV_FEAT_TIME_REF_COUNT (1u << 1)
#define HV_FEAT_SYNIC	       (1u << 2)
#define HV_FEAT_STIMER	       (1u << 3)
#define HV_FEAT_FREQUENCY_MSRS (1u << 11)
#define HV_EDX_FREQUENCY_MSRS  (1u << 8)
#define HV_EDX_STIMER_DIRECT   (1u << 19)
#define HV_HINT_NO_AUTO_EOI    (1u << 9)
#define HV_HINT_APIC_MSRS      (1u << 3) /* EOI/ICR/TPR MSRs, EOI assist */
#define HV_FEAT_APIC_MSRS      (1u << 4)
#define HV_FEAT_HYPERCALL_MSRS (1u << 5)
#define HV_FEAT_VP_INDEX_MSR   (1u << 6)
#define HV_FEAT_REFERENCE_TSC  (1u << 9)
#define HV_FEAT_TSC_INVARIANT  (1u << 15)

static void synthetic_leaf(const struct hv_partition *part, u32 leaf, u32 r[4])
{
	r[0] = r[1] = r[2] = r[3] = 0;
	switch (leaf) {
	case HV_CPUID_VENDOR_MAX:
		r[0] = HV_CPUID_MAX_LEAF;
		r[1] = 0x7263694d; /* "Micr" */
		r[2] = 0x666f736f; /* "osof" */
		r[3] = 0x76482074; /* "t Hv" */
		break;
	case HV_CPUID_INTERFACE:
		r[0] = 0x31237648; /* "Hv#1" */
		break;
	case HV_CPUID_VERSION:
		r[0] = HV_ABI_VERSION;	/* build number */
		r[1] = (0u << 16) | 1u; /* version 0.1 */
		break;
	case HV_CPUID_FEATURES:
		/* No privilege bits in EBX: with CpuManagement (12) or AccessPartitionId (1)
		 * Linux 6.1 would act as Hyper-V's root and make calls this hypervisor does
		 * not offer. */
		r[0] = HV_FEAT_HYPERCALL_MSRS | HV_FEAT_VP_INDEX_MSR |
		       (hv_reftime_available() ? HV_FEAT_TIME_REF_COUNT | HV_FEAT_REFERENCE_TSC
					       : 0) |
		       (arch.inv_tsc ? HV_FEAT_TSC_INVARIANT : 0);
		if (!part->is_root)
			r[0] |= HV_FEAT_APIC_MSRS;
		if (!part->is_root && hv_reftime_available()) { /* the root has no SynIC */
			r[0] |= HV_FEAT_SYNIC | HV_FEAT_STIMER | HV_FEAT_FREQUENCY_MSRS;
			r[3] = HV_EDX_FREQUENCY_MSRS | HV_EDX_STIMER_DIRECT;
		} else if (!part->is_root) {
			r[0] |= HV_FEAT_SYNIC;
		}
		break;
	case HV_CPUID_HINTS:
		/* A child EOIs its APIC itself (no auto-EOI: the SINT vector goes through ISR),
		 * through the EOI MSR, which the VP assist page lets it skip (vapic.c). */
		r[0] = part->is_root ? 0 : HV_HINT_NO_AUTO_EOI | HV_HINT_APIC_MSRS;
		r[1] = 0xffffffff; /* never notify long spinlock waits */
		break;
	case HV_CPUID_LIMITS:
		r[0] = HV_MAX_CPUS; /* virtual processors */
		r[1] = HV_MAX_CPUS; /* logical processors */
		break;
	case HV_CPUID_HW_FEATURES:
		r[0] = 1u << 3; /* second-level address translation in use */
		break;
	case HV_CPUID_IDENT:
		r[0] = HV_CPUID_IDENT_INFO;
		r[1] = HV_IDENT_EBX;
		r[2] = HV_IDENT_ECX;
		r[3] = HV_IDENT_EDX;
		break;
	case HV_CPUID_IDENT_INFO:
		r[0] = HV_ABI_VERSION;
		r[1] = part->is_root;
		r[2] = (u32)part->id;
		break;
	}
}

/* A child's adjustments to the processor leaves. */
static void child_cpuid(const struct hv_vp *vp, u32 leaf, u32 sub, u32 r[4])
{
	switch (leaf) {
	case 1:
		r[1] = (r[1] & 0x00ffffffu) | vp->index << 24; /* initial APIC id */
		r[2] |= 1u << 21;			       /* x2APIC */
		r[3] |= 1u << 9;			       /* APIC */
		r[3] &= ~(1u << 12 | 1u << 7 | 1u << 14);      /* no MTRRs, MCE, MCA (no MSRs) */
		break;
	case 6:
		r[0] |= 1u << 2; /* ARAT: the (synthetic) timer runs in every C-state */
		break;
	case 7:
		if (sub == 0)
			r[2] &= ~(1u << 16); /* LA57 */
		break;
	case 0xb:
	case 0x1f:
		r[3] = vp->index; /* x2APIC id */
		break;
	case 0x8000001fu:
		r[0] = r[1] = r[2] = r[3] = 0; /* SME/SEV */
		break;
	}
}

void cpuid_exit(struct hv_cpu *cpu)
{
	struct vmcb *v = cpu->arch.vmcb;
	u32 leaf = (u32)v->save.rax, sub = (u32)cpu->arch.regs.rcx, r[4];
	u64 next;
	if (!svm_next_rip(cpu, INSN_CPUID, &next))
		return;
	if ((leaf & 0xffff0000u) == 0x40000000u) {
		synthetic_leaf(cpu->part, leaf, r);
	} else {
		cpuid_count(leaf, sub, r);
		if (leaf == 1) {
			r[2] |= 1u << 31; /* hypervisor present */
			/* OSXSAVE mirrors CR4.OSXSAVE: the root's, not the host's. */
			r[2] = (r[2] & ~(1u << 27)) | (v->save.cr4 & (1u << 18) ? 1u << 27 : 0);
		} else if (leaf == 7 && sub == 0) {
			r[2] = (r[2] & ~(1u << 4)) |
			       (v->save.cr4 & (1u << 22) ? 1u << 4 : 0); /* OSPKE */
		}
		if (leaf == 0x80000001u)
			r[2] &= ~(1u << 2); /* SVM */
		else if (leaf == 0x8000000au)
			r[0] = r[1] = r[2] = r[3] = 0;
		if (cpu->child)
			child_cpuid(cpu->child, leaf, sub, r);
	}
	v->save.rax = r[0];
	cpu->arch.regs.rbx = r[1];
	cpu->arch.regs.rcx = r[2];
	cpu->arch.regs.rdx = r[3];
	svm_complete_insn(cpu, next);
}
