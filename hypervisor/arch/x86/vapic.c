/* SPDX-License-Identifier: MIT */
/* A child VP's local APIC, x2APIC mode only (the child starts with it enabled by "firmware":
 * APIC_BASE = 0xFEE00000 | EN | EXTD, no MMIO page): the MSRs Linux 6.1 uses (ID, version,
 * TPR, PPR, EOI, LDR, SVR, ISR/TMR/IRR, ESR, ICR and SELF_IPI to itself, the LVTs and the timer
 * registers as storage) and interrupt priority. Interrupts for the VP (SINTs, synthetic timers,
 * the root's assertions, self-IPIs) wait in IRR; before each entry the highest one above the
 * processor priority becomes the VMCB's virtual interrupt (V_IRQ, its priority class against
 * the child's V_TPR, so a CR8 write needs no exit); when the CPU has taken it (V_IRQ cleared
 * by the CPU) it moves to ISR until the child's EOI.
 * Until the child software-enables its APIC (SVR bit 8) interrupts are delivered without
 * ISR/EOI, the way the test guest (which has no APIC driver) takes its SINTs.
 * EOI assist (TLFS; hint bit 3, the VP assist page): when the interrupt put into V_IRQ will be
 * the only one in service and nothing else waits, bit 0 of the page's apic_assist word says
 * that no EOI is needed. Linux then clears the bit instead of writing the EOI MSR (one exit
 * less per interrupt), and the hypervisor carries the EOI out at the VP's next exit. A new
 * interrupt before that takes the bit back (exchange): still set, the guest will write its
 * EOI after all; already clear, the EOI is done there and then. The Hyper-V aliases of EOI,
 * ICR and TPR (0x40000070-72) are the x2APIC registers. */
#include "svm.h"
#include "x86.h"

#define MSR_APIC_BASE	 0x1bu
#define APIC_BASE_VALUE	 0xfee00000ull
#define APIC_BASE_BSP	 (1ull << 8)
#define APIC_BASE_EXTD	 (1ull << 10)
#define APIC_BASE_EN	 (1ull << 11)
#define X2APIC_ID	 0x802u
#define X2APIC_VERSION	 0x803u
#define X2APIC_TPR	 0x808u
#define X2APIC_PPR	 0x80au
#define X2APIC_EOI	 0x80bu
#define X2APIC_LDR	 0x80du
#define X2APIC_SVR	 0x80fu
#define X2APIC_ISR0	 0x810u
#define X2APIC_TMR0	 0x818u
#define X2APIC_IRR0	 0x820u
#define X2APIC_ESR	 0x828u
#define X2APIC_LVT_CMCI	 0x82fu
#define X2APIC_ICR	 0x830u
#define X2APIC_LVT_TIMER 0x832u /* ..0x837: timer, thermal, perf, LINT0, LINT1, error */
#define X2APIC_TMICT	 0x838u
#define X2APIC_TMCCT	 0x839u
#define X2APIC_TDCR	 0x83eu
#define X2APIC_SELF_IPI	 0x83fu
#define HV_MSR_EOI	 0x40000070u
#define HV_MSR_ICR	 0x40000071u
#define HV_MSR_TPR	 0x40000072u
#define SVR_ENABLE	 (1u << 8)
#define LVT_MASKED	 (1u << 16)
/* Version 0x14 (integrated), 6 LVT entries (max LVT 6), no EOI-broadcast suppression. */
#define APIC_VERSION	 0x00060014u

static void vec_set(u32 *bits, u32 vec)
{
	bits[vec / 32] |= 1u << (vec % 32);
}

static void vec_clear(u32 *bits, u32 vec)
{
	bits[vec / 32] &= ~(1u << (vec % 32));
}

/* The highest vector set, or 0. */
static u32 vec_highest(const u32 *bits)
{
	for (int i = 7; i >= 0; i--)
		if (bits[i])
			return (u32)i * 32 + 31 - (u32)__builtin_clz(bits[i]);
	return 0;
}

void vapic_init(struct hv_vp *vp)
{
	struct arch_vapic *a = &vp->arch.apic;
	memset(a, 0, sizeof(*a));
	a->svr = 0xff;
	for (u32 i = 0; i < ARRAY_SIZE(a->lvt); i++)
		a->lvt[i] = LVT_MASKED;
	a->lvt_cmci = LVT_MASKED;
}

static bool sw_enabled(const struct arch_vapic *a)
{
	return a->svr & SVR_ENABLE;
}

static u32 tpr(const struct vmcb *v)
{
	return (u32)(v->ctl.int_ctl & 0xf) << 4; /* V_TPR: TPR[7:4] */
}

static u32 ppr(const struct vmcb *v, const struct arch_vapic *a)
{
	u32 t = tpr(v), isrv = vec_highest(a->isr) & 0xf0;
	return t >= isrv ? t : isrv;
}

/* The apic_assist word of the VP's assist page (its first 32 bits), or NULL. */
static u32 *apic_assist_word(struct hv_vp *vp)
{
	if (!(vp->vp_assist_msr & 1))
		return NULL;
	return arch_child_gpa_ptr(vp->part, vp->vp_assist_msr & ~0xfffull, true);
}

/* The waived EOI happened if the guest cleared the bit; take: also end the waiver now. */
static void eoi_assist_settle(struct hv_vp *vp, bool take)
{
	struct arch_vapic *a = &vp->arch.apic;
	u32 *word, was;
	if (!a->eoi_assisted)
		return; /* every exit comes here: no page walk unless a waiver is out */
	if (!(word = apic_assist_word(vp))) { /* the page went away: the guest EOIs through the MSR */
		a->eoi_assisted = 0;
		return;
	}
	if (a->virq_vec == a->eoi_assisted && !take)
		return; /* not taken yet */
	was = take ? __atomic_exchange_n(word, 0, __ATOMIC_SEQ_CST)
		   : __atomic_load_n(word, __ATOMIC_SEQ_CST);
	if (was & 1) {
		if (take)
			a->eoi_assisted = 0; /* the guest sees 0 and writes its EOI */
		return;
	}
	vec_clear(a->isr, a->eoi_assisted); /* the guest skipped its EOI: ours */
	a->eoi_assisted = 0;
}

/* The virtual interrupt put in the VMCB was taken by the CPU: it is in service now. Called
 * at every exit of the VP, before anything reads ISR. */
void vapic_sync(struct hv_vp *vp)
{
	struct arch_vapic *a = &vp->arch.apic;
	struct vmcb *v = vp->arch.vmcb;
	if (a->virq_vec && !(v->ctl.int_ctl & V_IRQ)) {
		vec_clear(a->irr, a->virq_vec);
		if (sw_enabled(a))
			vec_set(a->isr, a->virq_vec);
		a->virq_vec = 0;
	}
	eoi_assist_settle(vp, false);
}

void vapic_assist_page_changing(struct hv_vp *vp)
{
	eoi_assist_settle(vp, true);
}

/* An interrupt in IRR besides the one in V_IRQ that the CPU has not taken yet. */
static bool others_waiting(const struct arch_vapic *a)
{
	for (u32 i = 0; i < 8; i++) {
		u32 bits = a->irr[i];
		if (a->virq_vec && i == a->virq_vec / 32)
			bits &= ~(1u << (a->virq_vec % 32));
		if (bits)
			return true;
	}
	return false;
}

/* Waive the EOI of vec when it will be the only interrupt in service and none waits. */
static void eoi_assist_offer(struct hv_vp *vp, u32 vec)
{
	struct arch_vapic *a = &vp->arch.apic;
	u32 *word;
	if (a->eoi_assisted || vec_highest(a->isr) || others_waiting(a)) /* vec is virq_vec */
		return;
	if (!(word = apic_assist_word(vp)))
		return;
	__atomic_store_n(word, 1, __ATOMIC_SEQ_CST);
	a->eoi_assisted = vec;
}

static void set_virq(struct vmcb *v, u32 vec, u64 prio_bits)
{
	v->ctl.int_ctl = (v->ctl.int_ctl & ~(0xffull << V_INTR_VECTOR_SHIFT |
					     0xfull << V_INTR_PRIO_SHIFT | V_IGN_TPR)) |
			 V_IRQ | prio_bits | (u64)vec << V_INTR_VECTOR_SHIFT;
}

void vapic_prepare_entry(struct hv_vp *vp)
{
	struct arch_vapic *a = &vp->arch.apic;
	struct vmcb *v = vp->arch.vmcb;
	int vec;
	vapic_sync(vp);
	while ((vec = synic_take_vector(vp)) >= 0) {
		vec_set(a->irr, (u32)vec);
		hv_child_counts.interrupts++;
		vp->counts.interrupts++;
	}
	if (a->eoi_assisted && others_waiting(a))
		eoi_assist_settle(vp, true); /* another interrupt: the waiver ends */
	u32 hi = vec_highest(a->irr);
	if (!sw_enabled(a)) {
		/* No APIC driver: one interrupt at a time, taken without EOI. */
		if (hi && !a->virq_vec) {
			set_virq(v, hi, V_IGN_TPR | 0xfull << V_INTR_PRIO_SHIFT);
			a->virq_vec = hi;
		}
		return;
	}
	if (hi && (hi & 0xf0) > ppr(v, a)) {
		/* Replaces a lower one not taken yet (it stays in IRR); the CPU still checks the
		 * class against V_TPR, which the child may raise with CR8 without an exit. */
		set_virq(v, hi, (u64)(hi >> 4) << V_INTR_PRIO_SHIFT);
		a->virq_vec = hi;
		eoi_assist_offer(vp, hi);
	} else if (a->virq_vec) {
		v->ctl.int_ctl &= ~V_IRQ;
		a->virq_vec = 0;
	}
}

bool vapic_interrupt_waiting(const struct hv_vp *vp)
{
	return (vp->arch.vmcb->ctl.int_ctl & V_IRQ) != 0;
}

/* ---- MSRs ---- */

static u32 *lvt_reg(struct arch_vapic *a, u32 msr)
{
	if (msr == X2APIC_LVT_CMCI)
		return &a->lvt_cmci;
	if (msr >= X2APIC_LVT_TIMER && msr < X2APIC_LVT_TIMER + ARRAY_SIZE(a->lvt))
		return &a->lvt[msr - X2APIC_LVT_TIMER];
	return NULL;
}

static u64 apic_base(const struct hv_vp *vp)
{
	return APIC_BASE_VALUE | APIC_BASE_EN | APIC_BASE_EXTD | (vp->index ? 0 : APIC_BASE_BSP);
}

/* The Hyper-V alias of an x2APIC register (children are x2APIC only). */
static u32 x2apic_alias(u32 msr)
{
	switch (msr) {
	case HV_MSR_EOI:
		return X2APIC_EOI;
	case HV_MSR_ICR:
		return X2APIC_ICR;
	case HV_MSR_TPR:
		return X2APIC_TPR;
	}
	return msr;
}

bool vapic_is_msr(u32 msr)
{
	return msr == MSR_APIC_BASE || (msr >= 0x800 && msr <= 0x8ff) ||
	       (msr >= HV_MSR_EOI && msr <= HV_MSR_TPR);
}

bool vapic_msr_read(struct hv_vp *vp, u32 msr, u64 *val)
{
	struct arch_vapic *a = &vp->arch.apic;
	struct vmcb *v = vp->arch.vmcb;
	u32 *lvt;
	vapic_sync(vp);
	if (msr == HV_MSR_ICR) { /* xAPIC layout: destination in bits 63:56 */
		*val = (a->icr & 0xffffffffull) | (a->icr >> 32) << 56;
		return true;
	}
	msr = x2apic_alias(msr);
	if ((lvt = lvt_reg(a, msr))) {
		*val = *lvt;
		return true;
	}
	if (msr >= X2APIC_ISR0 && msr < X2APIC_ISR0 + 8) {
		*val = a->isr[msr - X2APIC_ISR0];
		return true;
	}
	if (msr >= X2APIC_TMR0 && msr < X2APIC_TMR0 + 8) {
		*val = 0; /* every interrupt here is edge-triggered */
		return true;
	}
	if (msr >= X2APIC_IRR0 && msr < X2APIC_IRR0 + 8) {
		*val = a->irr[msr - X2APIC_IRR0];
		return true;
	}
	switch (msr) {
	case MSR_APIC_BASE:
		*val = apic_base(vp);
		return true;
	case X2APIC_ID:
		*val = vp->index;
		return true;
	case X2APIC_VERSION:
		*val = APIC_VERSION;
		return true;
	case X2APIC_TPR:
		*val = tpr(v);
		return true;
	case X2APIC_PPR:
		*val = ppr(v, a);
		return true;
	case X2APIC_LDR: /* x2APIC: cluster in 31:16, a bit of 16 in 15:0 */
		*val = (vp->index >> 4) << 16 | 1u << (vp->index & 0xf);
		return true;
	case X2APIC_SVR:
		*val = a->svr;
		return true;
	case X2APIC_ESR:
		*val = 0;
		return true;
	case X2APIC_ICR:
		*val = a->icr;
		return true;
	case X2APIC_TMICT:
		*val = a->timer_initial;
		return true;
	case X2APIC_TMCCT:
		*val = 0; /* the APIC timer never counts: children use the synthetic timer */
		return true;
	case X2APIC_TDCR:
		*val = a->timer_divide;
		return true;
	}
	return false; /* EOI and SELF_IPI are write-only; reserved registers #GP */
}

/* An interrupt for this VP itself (self-IPI, ICR to its own id): fixed delivery only. */
static bool self_ipi(struct hv_vp *vp, u32 vec)
{
	if (vec < 16 || vec > 255)
		return true; /* an illegal vector is dropped (ESR would say so) */
	vec_set(vp->arch.apic.irr, vec);
	return true;
}

bool vapic_msr_write(struct hv_vp *vp, u32 msr, u64 val)
{
	struct arch_vapic *a = &vp->arch.apic;
	struct vmcb *v = vp->arch.vmcb;
	u32 *lvt;
	vapic_sync(vp);
	if (msr == HV_MSR_ICR) /* xAPIC layout: destination in bits 63:56 */
		val = (val & 0xffffffffull) | (val >> 56) << 32;
	msr = x2apic_alias(msr);
	if ((lvt = lvt_reg(a, msr))) {
		if (val >> 32)
			return false;
		*lvt = (u32)val & 0x371ffu; /* vector, mode, mask, timer mode, trigger */
		return true;
	}
	switch (msr) {
	case MSR_APIC_BASE:
		return val == apic_base(vp); /* no xAPIC, no disabling: #GP */
	case X2APIC_TPR:
		if (val & ~0xffull)
			return false;
		v->ctl.int_ctl = (v->ctl.int_ctl & ~0xfull) | (val >> 4);
		return true;
	case X2APIC_EOI: {
		if (val) /* x2APIC: a non-zero EOI raises #GP */
			return false;
		u32 vec = vec_highest(a->isr);
		if (vec)
			vec_clear(a->isr, vec);
		if (vec && vec == a->eoi_assisted) /* it wrote its EOI anyway */
			eoi_assist_settle(vp, true);
		return true;
	}
	case X2APIC_SVR:
		if (val & ~0x11ffull)
			return false;
		a->svr = (u32)val;
		return true;
	case X2APIC_ESR:
		return val == 0;
	case X2APIC_ICR: {
		a->icr = val;
		u32 vec = (u32)val & 0xff, mode = ((u32)val >> 8) & 7,
		    shorthand = ((u32)val >> 18) & 3;
		u32 dest = (u32)(val >> 32);
		/* One VP per child today: a fixed IPI to itself (shorthand self, or its own id,
		 * or all-including-self) arrives; everything else has no target. */
		if (mode == 0 &&
		    (shorthand == 1 || shorthand == 2 || (!shorthand && dest == vp->index)))
			return self_ipi(vp, vec);
		return true;
	}
	case X2APIC_SELF_IPI:
		if (val >> 8)
			return false;
		return self_ipi(vp, (u32)val);
	case X2APIC_TMICT:
		a->timer_initial = (u32)val;
		return !(val >> 32);
	case X2APIC_TDCR:
		a->timer_divide = (u32)val & 0xb;
		return !(val >> 32);
	}
	return false; /* read-only (ID, version, PPR, LDR, ISR, TMR, IRR, TMCCT) or reserved */
}
