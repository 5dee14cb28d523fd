/* SPDX-License-Identifier: MIT */
/* Completing an instruction the hypervisor carried out for a VP (CPUID, RDMSR/WRMSR, VMMCALL,
 * port I/O, INVD), in one place as KVM's kvm_skip_emulated_instruction does: RIP moves past
 * the instruction, the interrupt shadow ends, and a single-step trap that the instruction
 * would have raised on bare hardware (RFLAGS.TF set before it) is delivered as #DB with
 * DR6.BS, so that a debugger in the VP does not skip a step.
 *
 * Where the instruction ends: the CPU's next RIP when it reports one (NRIP save), otherwise
 * the instruction's own bytes, fetched through the VP's page tables and decoded with their
 * prefixes (insn.c) -- never a fixed length, which would resume inside a prefixed instruction.
 * The length is found before the instruction is carried out: when the bytes cannot be read or
 * are not that instruction any more (another CPU or a DMA changed them), nothing is carried
 * out and the VP runs the instruction again. */
#include "guest_walk.h"
#include "insn.h"
#include "svm.h"
#include "x86.h"

#define RFLAGS_TF     (1ull << 8)
#define DR6_BS	      (1ull << 14)
#define EFER_LMA      (1ull << 10)
#define SEG_ATTR_L    (1u << 9)
#define SEG_ATTR_DB   (1u << 10)
#define TLB_FLUSH_ALL 1

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

bool svm_long_mode(const struct vmcb *v)
{
	return (v->save.efer & EFER_LMA) && (v->save.cs.attrib & SEG_ATTR_L);
}

/* Guest-physical memory as the root sees it, for the walker and the fetch: its RAM, never the
 * hypervisor's pages, never MMIO (a read there could have side effects). */
static const void *root_map_gpa(void *ctx, uint64_t gpa, unsigned len)
{
	(void)ctx;
	return hv_root_gpa(gpa, len);
}

/* A child's memory as it sees it: its own mappings only (the walker never crosses a page). */
static const void *child_map_gpa(void *ctx, uint64_t gpa, unsigned len)
{
	if ((gpa & (PAGE_SIZE - 1)) + len > PAGE_SIZE)
		return NULL;
	return arch_child_gpa_ptr(ctx, gpa, false);
}

int svm_fetch_insn(struct hv_cpu *cpu, u8 *buf, unsigned *got)
{
	struct vmcb *v = cpu->arch.vmcb;
	struct guest_paging p = {
		.cr0 = v->save.cr0,
		.cr3 = v->save.cr3,
		.cr4 = v->save.cr4,
		.efer = v->save.efer,
		.rflags = v->save.rflags,
		.cpl = v->save.cpl,
		.maxphyaddr = arch.phys_bits,
		.gbpages = hv.gbpages,
		.map_gpa = cpu->part->is_root ? root_map_gpa : child_map_gpa,
		.ctx = cpu->part->is_root ? NULL : cpu->part,
	};
	u64 ip = svm_long_mode(v) ? v->save.rip : (u32)(v->save.cs.base + v->save.rip);
	*got = 0;
	return guest_fetch(&p, ip, buf, INSN_MAX_LEN, got);
}

static void log_refetch(const struct vmcb *v, int err)
{
	static u32 logged;
	if (logged++ < 8)
		hv_log("VP at %lx: instruction bytes unreadable or changed (%d): running it again",
		       v->save.rip, err);
}

bool svm_next_rip(struct hv_cpu *cpu, enum insn_kind kind, u64 *next)
{
	return svm_next_rip_either(cpu, kind, kind, next);
}

bool svm_next_rip_either(struct hv_cpu *cpu, enum insn_kind kind, enum insn_kind other, u64 *next)
{
	struct vmcb *v = cpu->arch.vmcb;
	if (hv.nrips && v->ctl.next_rip) {
		*next = v->ctl.next_rip;
		return true;
	}
	u8 buf[INSN_MAX_LEN];
	unsigned got;
	int err = svm_fetch_insn(cpu, buf, &got);
	bool lm = svm_long_mode(v);
	bool d = v->save.cs.attrib & SEG_ATTR_DB;
	int len = got ? insn_length(buf, got, kind, lm, d) : err;
	if (len == INSN_ERR_MISMATCH && other != kind)
		len = insn_length(buf, got, other, lm, d);
	if (len <= 0) {
		log_refetch(v, len);
		v->ctl.tlb_control = TLB_FLUSH_ALL; /* the CPU refetches through fresh mappings */
		return false;
	}
	*next = lm ? v->save.rip + (u64)len : (u32)(v->save.rip + (u64)len);
	return true;
}
