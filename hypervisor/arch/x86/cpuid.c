/* SPDX-License-Identifier: MIT */
/* The root's view of CPUID: the real CPU with the hypervisor bit set and SVM hidden, plus
 * the Hyper-V leaves (0x40000000-0x400000FF) and this hypervisor's identity leaves
 * (0x40000100-0x40000101). See docs/hypervisor.md, "What the root sees". */
#include "svm.h"
#include "x86.h"

#define HV_FEAT_TIME_REF_COUNT (1u << 1)
#define HV_FEAT_SYNIC	       (1u << 2)
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
		       (part->is_root ? 0 : HV_FEAT_SYNIC) | /* the root has no SynIC */
		       (hv_reftime_available() ? HV_FEAT_TIME_REF_COUNT | HV_FEAT_REFERENCE_TSC
					       : 0) |
		       (arch.inv_tsc ? HV_FEAT_TSC_INVARIANT : 0);
		break;
	case HV_CPUID_HINTS:
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
	}
	v->save.rax = r[0];
	cpu->arch.regs.rbx = r[1];
	cpu->arch.regs.rcx = r[2];
	cpu->arch.regs.rdx = r[3];
	svm_complete_insn(cpu, next);
}
