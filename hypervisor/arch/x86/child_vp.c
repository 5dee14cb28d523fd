/* SPDX-License-Identifier: MIT */
/* A child's virtual processors on SVM: the control block a new VP starts from, its registers
 * by name, and the run: HV_CALL_RUN_VP from the root switches this CPU to the child's VMCB
 * and registers; the child's exits that the hypervisor finishes itself (CPUID, its MSRs, its
 * hypercalls, cache flushes, refused instructions) resume it at once; any other ends the run
 * with an exit record in the root's output page, the CPU back on the root, and the root's
 * hypercall completed. A host interrupt always ends the run (the child intercepts INTR, and
 * the host's IF is set, GIF keeping the hypervisor itself uninterrupted), so a spinning child
 * never starves the root. Before each entry the VP's raised SINT goes into the VMCB as a
 * virtual interrupt (V_IRQ), which the CPU delivers when the child's IF and interrupt shadow
 * allow: no exit is needed to wait for an interrupt window. */
#include "insn.h"
#include "svm.h"
#include "x86.h"

#define EFER_SCE       (1ull << 0)
#define EFER_LME       (1ull << 8)
#define EFER_LMA       (1ull << 10)
#define EFER_NXE       (1ull << 11)
#define RFLAGS_IF      (1ull << 9)
#define NPF_PRESENT    (1ull << 0)
#define NPF_WRITE      (1ull << 1)
#define NPF_FETCH      (1ull << 4)
#define CS_ATTR_D      (1u << 10)
#define DEFAULT_PAT    0x0007040600070406ull
/* CR4 bits a child may set: VME PVI TSD DE PSE PAE MCE PGE PCE OSFXSR OSXMMEXCPT UMIP,
 * FSGSBASE, PCIDE, SMEP, SMAP (not VMXE, SMXE, OSXSAVE: XSETBV is refused, XCR0 stays the
 * root's). */
#define CHILD_CR4_BITS 0x0000000000330fffull

#define INTERCEPT1_CHILD                                                                     \
	(INTERCEPT_INTR | INTERCEPT_NMI | INTERCEPT_CPUID | INTERCEPT_INVD | INTERCEPT_HLT | \
	 INTERCEPT_INVLPGA | INTERCEPT_IOIO | INTERCEPT_MSR | INTERCEPT_SHUTDOWN)
#define INTERCEPT2_CHILD                                                             \
	(INTERCEPT_VMRUN | INTERCEPT_VMMCALL | INTERCEPT_VMLOAD | INTERCEPT_VMSAVE | \
	 INTERCEPT_STGI | INTERCEPT_CLGI | INTERCEPT_SKINIT | INTERCEPT_WBINVD |     \
	 INTERCEPT_MONITOR | INTERCEPT_MWAIT | INTERCEPT_XSETBV)

/* A u64 field of the VMCB by offset (the save area is packed; these fields are 8-aligned). */
#define SAVE_FIELD(f) ((u32) __builtin_offsetof(struct vmcb, save.f))
static u64 *vmcb_u64(struct vmcb *v, u32 off)
{
	return (u64 *)((u8 *)v + off);
}

static struct hv_seg seg(u16 sel, u16 attrib, u32 limit, u64 base)
{
	return (struct hv_seg){ .sel = sel, .attrib = attrib, .limit = limit, .base = base };
}

void arch_vp_init(struct hv_vp *vp, u64 vmcb_pa)
{
	struct hv_partition *p = vp->part;
	struct vmcb *v = (struct vmcb *)(uintptr_t)vmcb_pa; /* deposited: mapped 1:1 */
	vp->arch.vmcb = v;
	vp->arch.vmcb_pa = vmcb_pa;
	if (!p->arch.asid) /* one ASID per partition while they last, then a shared one */
		p->arch.asid = p->slot + 2 < arch.asids ? p->slot + 2 : arch.asids - 1;
	v->ctl.intercept1 = INTERCEPT1_CHILD;
	v->ctl.intercept2 = INTERCEPT2_CHILD;
	v->ctl.iopm_pa = hv_pa(arch.child_iopm);
	v->ctl.msrpm_pa = hv_pa(arch.child_msrpm);
	v->ctl.asid = p->arch.asid;
	v->ctl.tlb_control = 1;
	v->ctl.np_enable = 1;
	v->ctl.int_ctl = V_INTR_MASKING; /* physical interrupts are the host's: they exit */
	/* The architectural reset state (real mode at F000:FFF0); the root sets its own. */
	struct vmcb_save *s = &v->save;
	s->cs = seg(0xf000, 0x9b, 0xffff, 0xffff0000);
	s->ds = s->es = s->fs = s->gs = s->ss = seg(0, 0x93, 0xffff, 0);
	s->gdtr = s->idtr = seg(0, 0, 0xffff, 0);
	s->ldtr = seg(0, 0x82, 0xffff, 0);
	s->tr = seg(0, 0x8b, 0xffff, 0);
	s->cr0 = 0x60000010;
	s->rflags = 2;
	s->rip = 0xfff0;
	s->efer = EFER_SVME;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->g_pat = DEFAULT_PAT;
	vapic_init(vp);
}

static struct hv_seg *seg_at(struct vmcb *v, u32 off)
{
	return (struct hv_seg *)((u8 *)v + off);
}

static struct hv_seg *seg_reg(struct vmcb *v, u32 i)
{
	static const u32 offs[] = { SAVE_FIELD(cs), SAVE_FIELD(ds), SAVE_FIELD(es),
				    SAVE_FIELD(fs), SAVE_FIELD(gs), SAVE_FIELD(ss) };
	return seg_at(v, offs[i]);
}

/* The general register slot of the VP (x86 numbering; RAX and RSP live in the VMCB). */
static u64 *gpr(struct hv_vp *vp, u32 n)
{
	struct guest_regs *r = &vp->arch.regs;
	if (n == 0)
		return vmcb_u64(vp->arch.vmcb, SAVE_FIELD(rax));
	if (n == 4)
		return vmcb_u64(vp->arch.vmcb, SAVE_FIELD(rsp));
	u64 *const slots[16] = { NULL,	  &r->rcx, &r->rdx, &r->rbx, NULL,    &r->rbp,
				 &r->rsi, &r->rdi, &r->r8,  &r->r9,  &r->r10, &r->r11,
				 &r->r12, &r->r13, &r->r14, &r->r15 };
	return slots[n];
}

static u64 pack_seg(const struct hv_seg *s)
{
	return s->sel | (u64)(s->attrib & 0xfff) << 16 | (u64)s->limit << 32;
}

static void unpack_seg(struct hv_seg *s, u64 v)
{
	s->sel = (u16)v;
	s->attrib = (u16)((v >> 16) & 0xfff);
	s->limit = (u32)(v >> 32);
}

/* Named registers other than segments and descriptor tables. */
static u64 *plain_reg(struct hv_vp *vp, u32 name)
{
	struct vmcb *v = vp->arch.vmcb;
	if (name <= HV_REG_R15)
		return gpr(vp, name);
	switch (name) {
	case HV_REG_RIP:
		return vmcb_u64(v, SAVE_FIELD(rip));
	case HV_REG_RFLAGS:
		return vmcb_u64(v, SAVE_FIELD(rflags));
	case HV_REG_CR0:
		return vmcb_u64(v, SAVE_FIELD(cr0));
	case HV_REG_CR2:
		return vmcb_u64(v, SAVE_FIELD(cr2));
	case HV_REG_CR3:
		return vmcb_u64(v, SAVE_FIELD(cr3));
	case HV_REG_CR4:
		return vmcb_u64(v, SAVE_FIELD(cr4));
	case HV_REG_PAT:
		return vmcb_u64(v, SAVE_FIELD(g_pat));
	}
	return NULL;
}

u64 arch_vp_get_reg(struct hv_vp *vp, u32 name, u64 *value)
{
	struct vmcb *v = vp->arch.vmcb;
	u64 *r = plain_reg(vp, name);
	if (r)
		*value = *r;
	else if (name == HV_REG_EFER)
		*value = v->save.efer & ~EFER_SVME;
	else if (name >= HV_REG_CS && name <= HV_REG_SS)
		*value = pack_seg(seg_reg(v, name - HV_REG_CS));
	else if (name >= HV_REG_CS_BASE && name <= HV_REG_SS_BASE)
		*value = seg_reg(v, name - HV_REG_CS_BASE)->base;
	else if (name == HV_REG_TR || name == HV_REG_LDTR)
		*value = pack_seg(seg_at(v, name == HV_REG_TR ? SAVE_FIELD(tr) : SAVE_FIELD(ldtr)));
	else if (name == HV_REG_TR_BASE || name == HV_REG_LDTR_BASE)
		*value = name == HV_REG_TR_BASE ? v->save.tr.base : v->save.ldtr.base;
	else if (name == HV_REG_GDTR_BASE || name == HV_REG_IDTR_BASE)
		*value = name == HV_REG_GDTR_BASE ? v->save.gdtr.base : v->save.idtr.base;
	else /* GDTR/IDTR limits */
		*value = name == HV_REG_GDTR_LIMIT ? v->save.gdtr.limit : v->save.idtr.limit;
	return HV_STATUS_SUCCESS;
}

static bool canonical(u64 a)
{
	return (u64)((int64_t)(a << 16) >> 16) == a;
}

/* Values the CPU itself would refuse, or bits outside the child's view. */
static bool reg_value_ok(u32 name, u64 value)
{
	switch (name) {
	case HV_REG_RIP:
		return canonical(value);
	case HV_REG_CR0:
		return !(value >> 32);
	case HV_REG_CR4:
		return !(value & ~CHILD_CR4_BITS);
	case HV_REG_EFER:
		return !(value & ~(EFER_SCE | EFER_LME | EFER_LMA | (arch.host_nx ? EFER_NXE : 0)));
	}
	if ((name >= HV_REG_CS_BASE && name <= HV_REG_SS_BASE) || name == HV_REG_TR_BASE ||
	    name == HV_REG_LDTR_BASE || name == HV_REG_GDTR_BASE || name == HV_REG_IDTR_BASE)
		return canonical(value);
	if (name == HV_REG_GDTR_LIMIT || name == HV_REG_IDTR_LIMIT)
		return value <= 0xffff;
	return true;
}

u64 arch_vp_set_reg(struct hv_vp *vp, u32 name, u64 value)
{
	struct vmcb *v = vp->arch.vmcb;
	if (!reg_value_ok(name, value))
		return HV_STATUS_INVALID_PARAMETER;
	u64 *r = plain_reg(vp, name);
	if (r)
		*r = value;
	else if (name == HV_REG_EFER)
		v->save.efer = value | EFER_SVME;
	else if (name >= HV_REG_CS && name <= HV_REG_SS) {
		unpack_seg(seg_reg(v, name - HV_REG_CS), value);
		if (name == HV_REG_SS)
			v->save.cpl = (u8)((v->save.ss.attrib >> 5) & 3); /* SS.DPL */
	} else if (name >= HV_REG_CS_BASE && name <= HV_REG_SS_BASE)
		seg_reg(v, name - HV_REG_CS_BASE)->base = value;
	else if (name == HV_REG_TR || name == HV_REG_LDTR)
		unpack_seg(seg_at(v, name == HV_REG_TR ? SAVE_FIELD(tr) : SAVE_FIELD(ldtr)), value);
	else if (name == HV_REG_TR_BASE || name == HV_REG_LDTR_BASE)
		seg_at(v, name == HV_REG_TR_BASE ? SAVE_FIELD(tr) : SAVE_FIELD(ldtr))->base = value;
	else if (name == HV_REG_GDTR_BASE || name == HV_REG_IDTR_BASE)
		seg_at(v, name == HV_REG_GDTR_BASE ? SAVE_FIELD(gdtr) : SAVE_FIELD(idtr))->base =
			value;
	else
		seg_at(v, name == HV_REG_GDTR_LIMIT ? SAVE_FIELD(gdtr) : SAVE_FIELD(idtr))->limit =
			(u32)value;
	return HV_STATUS_SUCCESS;
}

/* The IN the last run ended in gets its value (as the CPU would have written it). */
static void complete_in(struct hv_vp *vp, u64 value)
{
	u64 *rax = vmcb_u64(vp->arch.vmcb, SAVE_FIELD(rax));
	u8 size = vp->arch.pending_in_size;
	if (size == 4)
		*rax = (u32)value;
	else {
		u64 mask = size == 1 ? 0xff : 0xffff;
		*rax = (*rax & ~mask) | (value & mask);
	}
}

/* The MMIO load the last run ended in gets its value, and RIP moves past it (cpu is on the VP
 * now: the trap flag and the interrupt shadow are handled as for any completed instruction). */
static void complete_load(struct hv_cpu *cpu, struct hv_vp *vp, u64 value)
{
	const struct arch_mmio_load *l = &vp->arch.pending_load;
	struct insn_mmio m = { .length = l->length,
			       .size = l->size,
			       .reg = l->reg,
			       .high_byte = l->high_byte,
			       .dest_size = l->dest_size,
			       .sign_extend = l->sign_extend };
	u64 r[16];
	svm_gprs_load(cpu, r);
	insn_mmio_complete_read(&m, r, value);
	svm_gprs_store(cpu, r);
	struct vmcb *v = vp->arch.vmcb;
	u64 rip = v->save.rip + l->length;
	svm_complete_insn(cpu, svm_long_mode(v) ? rip : (u32)rip);
}

u64 arch_vp_run(struct hv_cpu *cpu, struct hv_vp *vp, u32 flags, u64 io_in_value,
		struct hv_run_vp_exit *out)
{
	struct hv_partition *p = vp->part;
	bool load = vp->arch.pending_load.length != 0;
	if (cpu->child ||
	    ((flags & HV_RUN_COMPLETE_IN) && !vp->arch.pending_in_size && !load) ||
	    ((flags & HV_RUN_COMPLETE_HYPERCALL) && !vp->arch.pending_hypercall))
		return HV_STATUS_INVALID_PARAMETER;
	if (!p->arch.npt_root && !(p->arch.npt_root = hv_partition_take_page(p)))
		return HV_STATUS_INSUFFICIENT_MEMORY; /* an empty NPT: every access exits */
	if ((flags & HV_RUN_COMPLETE_IN) && vp->arch.pending_in_size)
		complete_in(vp, io_in_value);
	if (flags & HV_RUN_COMPLETE_HYPERCALL) /* the status the root chose for the child's call */
		*vmcb_u64(vp->arch.vmcb, SAVE_FIELD(rax)) = io_in_value & HV_STATUS_MASK;
	vp->arch.pending_in_size = 0;
	vp->arch.pending_hypercall = false;
	struct vmcb *v = vp->arch.vmcb;
	v->ctl.n_cr3 = p->arch.npt_root;
	if (p->arch.tlb_flush || p->arch.asid == arch.asids - 1) { /* mappings gone, or shared */
		v->ctl.tlb_control = 1;
		p->arch.tlb_flush = false;
	}
	cpu->root_regs = cpu->arch.regs;
	cpu->arch.regs = vp->arch.regs;
	cpu->root_vp_assist = cpu->vp_assist_msr;
	cpu->vp_assist_msr = vp->vp_assist_msr;
	cpu->arch.vmcb = v;
	cpu->arch.vmcb_pa = vp->arch.vmcb_pa;
	cpu->part = p;
	cpu->index = vp->index;
	cpu->child = vp;
	cpu->run_out = out;
	/* A load not completed runs again (RIP still at it) and exits anew. */
	if (load && (flags & HV_RUN_COMPLETE_IN))
		complete_load(cpu, vp, io_in_value);
	vp->arch.pending_load.length = 0;
	memset(out, 0, sizeof(*out)); /* fields an exit does not name read 0 */
	return HV_STATUS_SUCCESS;     /* completed when the run ends (child_end_run) */
}

/* The run ends: the record for the root, the child's state saved, the root back on the CPU
 * with its RUN_VP hypercall completed. */
void child_end_run(struct hv_cpu *cpu, u32 reason)
{
	struct hv_vp *vp = cpu->child;
	struct vmcb *v = cpu->arch.vmcb;
	struct hv_run_vp_exit *o = cpu->run_out;
	o->reason = reason;
	o->rip = v->save.rip;
	o->rflags = v->save.rflags;
	o->arch_code = v->ctl.exit_code;
	vp->arch.regs = cpu->arch.regs;
	vp->vp_assist_msr = cpu->vp_assist_msr;
	cpu->arch.regs = cpu->root_regs;
	cpu->vp_assist_msr = cpu->root_vp_assist;
	cpu->arch.vmcb = cpu->arch.root_vmcb;
	cpu->arch.vmcb_pa = cpu->arch.root_vmcb_pa;
	cpu->part = hv_root_partition();
	cpu->index = 0;
	cpu->child = NULL;
	cpu->arch.vmcb->save.rax = HV_STATUS_SUCCESS;
	svm_complete_insn(cpu, cpu->root_next_rip);
}

static void child_io_exit(struct hv_cpu *cpu)
{
	struct vmcb *v = cpu->arch.vmcb;
	struct hv_run_vp_exit *o = cpu->run_out;
	u64 info = v->ctl.exit_info1;
	if (info & IOIO_STR) { /* no string I/O for children (yet) */
		child_end_run(cpu, HV_RUN_EXIT_UNSUPPORTED);
		return;
	}
	u8 size = (info & (1u << 4)) ? 1 : (info & (1u << 5)) ? 2 : 4;
	o->io_port = (u16)(info >> 16);
	o->io_size = size;
	o->io_in = (info & IOIO_IN) != 0;
	o->io_value = o->io_in ? 0
			       : (u32)v->save.rax &
					 (size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1);
	if (o->io_in)
		cpu->child->arch.pending_in_size = size;
	v->save.rip = v->ctl.exit_info2; /* next RIP: reported for I/O even without NRIP */
	v->ctl.int_shadow &= ~1ull;
	child_end_run(cpu, HV_RUN_EXIT_IO);
}

/*
 * A nested page fault: a child access where it has no memory. A load or store by a MOV form
 * (insn.c) at a GPA with nothing mapped is device emulation for the root (HV_RUN_EXIT_MMIO),
 * decoded here so that the root never reads the child's instruction bytes itself; anything
 * else (a fetch, a protection fault, bytes not decodable as such a move) ends the run as
 * HV_RUN_EXIT_UNMAPPED_GPA for the root to judge. Bytes that changed since the CPU ran them
 * are run again.
 */
static void child_npf_exit(struct hv_cpu *cpu)
{
	struct vmcb *v = cpu->arch.vmcb;
	struct hv_run_vp_exit *o = cpu->run_out;
	u64 gpa = v->ctl.exit_info2, err = v->ctl.exit_info1;
	o->gpa = gpa;
	o->access = err;
	if (err & (NPF_PRESENT | NPF_FETCH)) {
		child_end_run(cpu, HV_RUN_EXIT_UNMAPPED_GPA);
		return;
	}
	u8 buf[INSN_MAX_LEN];
	unsigned got;
	svm_fetch_insn(cpu, buf, &got);
	struct insn_mmio m;
	bool lm = svm_long_mode(v);
	int len = insn_decode_mmio(buf, got, lm, v->save.cs.attrib & CS_ATTR_D, &m);
	if (len == INSN_ERR_MISMATCH) {
		v->ctl.tlb_control = 1; /* the CPU refetches through fresh mappings */
		return;
	}
	if (len <= 0 || m.write != !!(err & NPF_WRITE)) {
		child_end_run(cpu, HV_RUN_EXIT_UNMAPPED_GPA);
		return;
	}
	o->io_size = m.size;
	o->io_in = !m.write;
	if (m.write) {
		u64 r[16];
		svm_gprs_load(cpu, r);
		o->mmio_value = insn_mmio_write_value(&m, r);
		u64 rip = v->save.rip + (u64)len;
		svm_complete_insn(cpu, lm ? rip : (u32)rip);
	} else {
		cpu->child->arch.pending_load = (struct arch_mmio_load){
			.length = (u8)len,
			.size = m.size,
			.reg = m.reg,
			.dest_size = m.dest_size,
			.high_byte = m.high_byte,
			.sign_extend = m.sign_extend,
		};
	}
	child_end_run(cpu, HV_RUN_EXIT_MMIO);
}

/* HLT ends the run only when no interrupt can wake the VP at once: with IF set and a SINT
 * raised (or a virtual interrupt still waiting) the HLT completes and the interrupt is taken
 * on entry. */
static void child_hlt_exit(struct hv_cpu *cpu)
{
	struct vmcb *v = cpu->arch.vmcb;
	u64 next;
	if (!svm_next_rip(cpu, INSN_HLT, &next))
		return; /* unreadable: run it again */
	svm_complete_insn(cpu, next);
	child_prepare_entry(cpu);
	if ((v->save.rflags & RFLAGS_IF) && vapic_interrupt_waiting(cpu->child))
		return;
	cpu->run_out->timer_deadline = stimer_next_deadline(cpu->child);
	child_end_run(cpu, HV_RUN_EXIT_HALT);
}

void child_prepare_entry(struct hv_cpu *cpu)
{
	struct hv_vp *vp = cpu->child;
	stimer_check(vp);
	if (synic_work_pending(vp))
		synic_deliver(vp); /* a slot the guest freed without EOM */
	vapic_prepare_entry(vp);
}

/*
 * QEMU's TCG (7.2, the suite's) sets CPU_INTERRUPT_VIRQ during VMRUN with a plain
 * read-modify-write of the vCPU's interrupt_request, outside the lock under which its APIC
 * timer (another thread) sets CPU_INTERRUPT_POLL there. An entry that carries V_IRQ can so
 * erase the root's timer interrupt: the vector waits in IRR and nothing asks the CPU to look
 * at it; the root's one-shot LAPIC timer is re-armed only by that interrupt, so the root never
 * ticks again and freezes at its next idle HLT (seen: HLT, IF set, IRR 0xEC, ISR empty). A
 * TPR write makes QEMU's APIC look at IRR again; writing the TPR's own value back changes
 * nothing on hardware (a few cycles per exit that followed a V_IRQ entry).
 */
static void host_apic_recheck(void)
{
	u64 tpr;
	__asm__ volatile("mov %%cr8, %0" : "=r"(tpr));
	__asm__ volatile("mov %0, %%cr8" ::"r"(tpr) : "memory");
}

/* The exit's reason as hv_stats names it, counted for the VP (HV_CALL_GET_VP_STATS). */
void child_count_exit(struct hv_cpu *cpu)
{
	struct vmcb *v = cpu->arch.vmcb;
	u32 code = (u32)v->ctl.exit_code;
	enum hv_exit_reason r = HV_EXIT_OTHER;
	switch (code) {
	case VMEXIT_CPUID:
		r = HV_EXIT_CPUID;
		break;
	case VMEXIT_MSR:
		r = v->ctl.exit_info1 ? HV_EXIT_MSR_WRITE : HV_EXIT_MSR_READ;
		break;
	case VMEXIT_VMMCALL:
		r = HV_EXIT_HYPERCALL;
		break;
	case VMEXIT_IOIO:
		r = HV_EXIT_IO;
		break;
	case VMEXIT_NPF:
		r = HV_EXIT_NPF;
		break;
	case VMEXIT_SHUTDOWN:
		r = HV_EXIT_SHUTDOWN;
		break;
	case VMEXIT_INTR:
		r = HV_EXIT_INTR;
		break;
	case VMEXIT_NMI:
		r = HV_EXIT_NMI;
		break;
	case VMEXIT_INVD:
	case VMEXIT_WBINVD:
		r = HV_EXIT_INVD;
		break;
	case VMEXIT_HLT:
		r = HV_EXIT_HLT;
		break;
	default:
		if (svm_refused_insn(code))
			r = HV_EXIT_SVM_INSN;
	}
	cpu->child->counts.exits[r]++;
	cpu->child->counts.total++;
}

void child_handle_exit(struct hv_cpu *cpu)
{
	struct vmcb *v = cpu->arch.vmcb;
	if (cpu->child->arch.apic.virq_vec) /* the entry carried V_IRQ */
		host_apic_recheck();
	vapic_sync(cpu->child); /* an interrupt the child took is in service from now on */
	if (svm_refused_insn_exit(cpu, (u32)v->ctl.exit_code))
		return;
	switch ((u32)v->ctl.exit_code) {
	case VMEXIT_CPUID:
		hv_stats_count(HV_EXIT_CPUID);
		cpuid_exit(cpu);
		return;
	case VMEXIT_MSR:
		child_msr_exit(cpu);
		return;
	case VMEXIT_VMMCALL:
		svm_hypercall_exit(cpu);
		return;
	case VMEXIT_INVD:
	case VMEXIT_WBINVD:
		hv_stats_count(HV_EXIT_INVD);
		svm_cache_flush_exit(cpu);
		return;
	case VMEXIT_IOIO:
		hv_stats_count(HV_EXIT_IO);
		child_io_exit(cpu);
		return;
	case VMEXIT_HLT:
		hv_stats_count(HV_EXIT_HLT);
		child_hlt_exit(cpu);
		return;
	case VMEXIT_NPF:
		hv_stats_count(HV_EXIT_NPF);
		child_npf_exit(cpu);
		return;
	case VMEXIT_SHUTDOWN:
		hv_stats_count(HV_EXIT_SHUTDOWN);
		child_end_run(cpu, HV_RUN_EXIT_SHUTDOWN);
		return;
	case VMEXIT_INTR:
	case VMEXIT_NMI:
		hv_stats_count(HV_EXIT_INTR);
		child_end_run(cpu, HV_RUN_EXIT_INTERRUPTED);
		return;
	default: /* VMEXIT_INVALID (a state VMRUN refused) included */
		hv_stats_count(HV_EXIT_OTHER);
		child_end_run(cpu, HV_RUN_EXIT_UNSUPPORTED);
		return;
	}
}
