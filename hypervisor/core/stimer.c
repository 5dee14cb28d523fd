/* SPDX-License-Identifier: MIT */
/* A child VP's synthetic timers (TLFS: STIMER0-3 config and count MSRs, 0x400000B0-B7) on the
 * partition reference time. Direct mode raises the timer's own vector (Linux 6.1 arms stimer0
 * this way, vector 0xED); message mode posts HVMSG_TIMER_EXPIRED into its SINT's slot. Expiry
 * is checked before every entry into the VP; a VP that halts tells the root its next deadline
 * (hv_run_vp_exit.timer_deadline) so that the root wakes it then: the hypervisor owns no timer
 * interrupt of its own. */
#include "core.h"

#define STIMER_MSR0	    0x400000b0u
#define CFG_ENABLE	    (1ull << 0)
#define CFG_PERIODIC	    (1ull << 1)
#define CFG_LAZY	    (1ull << 2)
#define CFG_AUTO_ENABLE	    (1ull << 3)
#define CFG_VECTOR_SHIFT    4
#define CFG_DIRECT	    (1ull << 12)
#define CFG_SINT_SHIFT	    16
#define CFG_BITS	    (0xfffull | CFG_DIRECT | 0xfull << CFG_SINT_SHIFT)
#define HVMSG_TIMER_EXPIRED 0x80000010u

bool stimer_is_msr(u32 msr)
{
	return msr >= STIMER_MSR0 && msr < STIMER_MSR0 + 2 * HV_STIMER_COUNT;
}

static u32 direct_vector(const struct hv_stimer *t)
{
	return (u32)(t->config >> CFG_VECTOR_SHIFT) & 0xff;
}

/* The timer starts (again) from now: one-shot at its count, periodic a period from now. A
 * direct-mode timer whose vector is no interrupt (0-15) never runs: its configuration was
 * accepted while disabled, and a count write with auto-enable would otherwise start it. */
static void arm(struct hv_stimer *t)
{
	if (!(t->config & CFG_ENABLE) || !t->count ||
	    ((t->config & CFG_DIRECT) && direct_vector(t) < 16)) {
		t->deadline = 0;
		return;
	}
	t->deadline = t->config & CFG_PERIODIC ? hv_reftime_now() + t->count : t->count;
}

bool stimer_msr_read(struct hv_vp *vp, u32 msr, u64 *val)
{
	struct hv_stimer *t = &vp->stimer[(msr - STIMER_MSR0) / 2];
	*val = (msr - STIMER_MSR0) % 2 ? t->count : t->config;
	return true;
}

bool stimer_msr_write(struct hv_vp *vp, u32 msr, u64 val)
{
	struct hv_stimer *t = &vp->stimer[(msr - STIMER_MSR0) / 2];
	if ((msr - STIMER_MSR0) % 2) {
		t->count = val;
		if (!val)
			t->config &= ~CFG_ENABLE; /* a count of 0 stops the timer */
		else if (t->config & CFG_AUTO_ENABLE)
			t->config |= CFG_ENABLE;
		arm(t);
		return true;
	}
	if (val & ~CFG_BITS)
		return false;
	/* Direct mode names an interrupt vector (16-255), message mode a SINT. */
	if ((val & CFG_ENABLE) && (val & CFG_DIRECT) && ((val >> CFG_VECTOR_SHIFT) & 0xff) < 16)
		return false;
	t->config = val;
	arm(t);
	return true;
}

/* An expired timer's interrupt or message. */
static void expire(struct hv_vp *vp, u32 index, u64 now)
{
	struct hv_stimer *t = &vp->stimer[index];
	if (t->config & CFG_DIRECT) {
		u32 vec = direct_vector(t);
		vp->synic.asserted[vec / 64] |= 1ull << (vec % 64);
	} else {
		struct {
			u32 timer_index, reserved;
			u64 expiration_time, delivery_time;
		} m = { index, 0, t->deadline, now };
		synic_queue_message(vp, (u32)(t->config >> CFG_SINT_SHIFT) & 0xf,
				    HVMSG_TIMER_EXPIRED, &m, sizeof(m));
	}
	if (t->config & CFG_PERIODIC) {
		/* The next period from the one that ended, skipping any missed whole. */
		u64 next = t->deadline + t->count;
		t->deadline = next > now ? next : now + t->count;
	} else {
		t->config &= ~CFG_ENABLE;
		t->deadline = 0;
	}
}

void stimer_check(struct hv_vp *vp)
{
	u64 now = 0;
	for (u32 i = 0; i < HV_STIMER_COUNT; i++) {
		if (!vp->stimer[i].deadline)
			continue;
		if (!now)
			now = hv_reftime_now();
		if (now >= vp->stimer[i].deadline)
			expire(vp, i, now);
	}
}

u64 stimer_next_deadline(const struct hv_vp *vp)
{
	u64 next = 0;
	for (u32 i = 0; i < HV_STIMER_COUNT; i++) {
		u64 d = vp->stimer[i].deadline;
		if (d && (!next || d < next))
			next = d;
	}
	return next;
}
