/* SPDX-License-Identifier: MIT */
/* Completing an instruction the hypervisor carried out for a VP (CPUID, RDMSR/WRMSR, VMMCALL,
 * port I/O, INVD), in one place as KVM's kvm_skip_emulated_instruction does: RIP moves past
 * the instruction, the interrupt shadow ends, and a single-step trap that the instruction
 * would have raised on bare hardware (RFLAGS.TF set before it) is delivered as #DB with
 * DR6.BS, so that a debugger in the VP does not skip a step. */
#include "svm.h"
#include "x86.h"

#define RFLAGS_TF (1ull << 8)
#define DR6_BS	  (1ull << 14)

void svm_complete_insn(struct hv_cpu *cpu, u64 next_rip)
{
	struct vmcb *v = cpu->arch.vmcb;
	v->save.rip = next_rip;
	v->ctl.int_shadow &= ~1ull;
	/* An event being re-delivered (exit_int_info) wins: the instruction has not retired. */
	if ((v->save.rflags & RFLAGS_TF) && !(v->ctl.event_inj & EVENT_VALID)) {
		v->save.dr6 |= DR6_BS;
		svm_inject_exception(cpu, VEC_DB, false, 0);
	}
}

void svm_skip_insn(struct hv_cpu *cpu, u64 len)
{
	struct vmcb *v = cpu->arch.vmcb;
	/* TCG never fills next_rip: fall back to the known instruction length. */
	if (hv.nrips && v->ctl.next_rip)
		svm_complete_insn(cpu, v->ctl.next_rip);
	else
		svm_complete_insn(cpu, v->save.rip + len);
}
