/* SPDX-License-Identifier: MIT */
/* The synthetic interrupt controller of a child's VPs (TLFS SynIC) and the connections that
 * carry a child's messages and events to the root:
 * - the SynIC MSRs (SCONTROL, SVERSION, SIEFP, SIMP, EOM, SINT0-15);
 * - the root's HvPostMessageDirect / HvSignalEventDirect into a VP: a message lands in its
 *   SINT's slot of the VP's message page, or waits in the VP's bounded queue while that slot is
 *   busy (the slot gets the pending flag; the guest's EOM moves the next one in); an event sets
 *   a bit in the VP's event-flags page; either raises the SINT, whose vector the arch layer
 *   injects when the VP can take it;
 * - the root's connection ranges, and the checks of a child's HvPostMessage / HvSignalEvent:
 *   a call on a registered connection ends the child's run with the message or event for the
 *   root (cpu->run_exit), anything else is refused here without reaching the root.
 * Everything a child or the root passes is read once into the hypervisor's own memory before
 * it is checked. See docs/vmbus.md, "SynIC". */
#include "core.h"

#define GPA_MASK  0x000ffffffffff000ull /* bits 51:12 */
#define SINT_BITS (0xffull | HV_SINT_MASKED | HV_SINT_AUTO_EOI)

void synic_vp_init(struct hv_vp *vp)
{
	for (u32 i = 0; i < HV_SINT_COUNT; i++)
		vp->synic.sint[i] = HV_SINT_MASKED;
}

static bool sint_enabled(const struct hv_synic *s, u32 sint)
{
	return (s->scontrol & 1) && !(s->sint[sint] & HV_SINT_MASKED);
}

/* The child's page behind an enabled SIMP/SIEFP value, writable, or NULL. */
static void *synic_page(struct hv_vp *vp, u64 msr_value)
{
	if (!(msr_value & 1))
		return NULL;
	return arch_child_gpa_ptr(vp->part, msr_value & GPA_MASK, true);
}

bool synic_is_msr(u32 msr)
{
	return (msr >= HV_SYNIC_MSR_SCONTROL && msr <= HV_SYNIC_MSR_EOM) ||
	       (msr >= HV_SYNIC_MSR_SINT0 && msr < HV_SYNIC_MSR_SINT0 + HV_SINT_COUNT);
}

bool synic_msr_read(struct hv_vp *vp, u32 msr, u64 *val)
{
	struct hv_synic *s = &vp->synic;
	switch (msr) {
	case HV_SYNIC_MSR_SCONTROL:
		*val = s->scontrol;
		return true;
	case HV_SYNIC_MSR_SVERSION:
		*val = 1;
		return true;
	case HV_SYNIC_MSR_SIEFP:
		*val = s->siefp;
		return true;
	case HV_SYNIC_MSR_SIMP:
		*val = s->simp;
		return true;
	case HV_SYNIC_MSR_EOM:
		*val = 0;
		return true;
	}
	if (msr >= HV_SYNIC_MSR_SINT0 && msr < HV_SYNIC_MSR_SINT0 + HV_SINT_COUNT) {
		*val = s->sint[msr - HV_SYNIC_MSR_SINT0];
		return true;
	}
	return false;
}

/* A page MSR (SIMP/SIEFP): enabling names a writable page of the child's RAM (else #GP, so
 * that the hypervisor never writes anywhere else). */
static bool set_page_msr(struct hv_vp *vp, u64 *msr, u64 val)
{
	if (val & ~(GPA_MASK | 1))
		return false;
	if ((val & 1) && !arch_child_gpa_ptr(vp->part, val & GPA_MASK, true))
		return false;
	*msr = val;
	return true;
}

bool synic_msr_write(struct hv_vp *vp, u32 msr, u64 val)
{
	struct hv_synic *s = &vp->synic;
	switch (msr) {
	case HV_SYNIC_MSR_SCONTROL:
		if (val & ~1ull)
			return false;
		s->scontrol = val;
		synic_deliver(vp);
		return true;
	case HV_SYNIC_MSR_SVERSION:
		return false; /* read only */
	case HV_SYNIC_MSR_SIEFP:
		return set_page_msr(vp, &s->siefp, val);
	case HV_SYNIC_MSR_SIMP:
		if (!set_page_msr(vp, &s->simp, val))
			return false;
		synic_deliver(vp);
		return true;
	case HV_SYNIC_MSR_EOM:
		synic_deliver(vp);
		return true;
	}
	if (msr >= HV_SYNIC_MSR_SINT0 && msr < HV_SYNIC_MSR_SINT0 + HV_SINT_COUNT) {
		/* Vectors 0-15 are the CPU's exceptions (TLFS: #GP), unless the SINT stays masked
		 * (its reset value, vector 0, can be written back). */
		if ((val & ~SINT_BITS) || ((val & 0xff) < 16 && !(val & HV_SINT_MASKED)))
			return false;
		s->sint[msr - HV_SYNIC_MSR_SINT0] = val;
		synic_deliver(vp);
		return true;
	}
	return false;
}

/* Moves queued messages into free slots, oldest first; a SINT whose slot is busy keeps the
 * rest of its messages in order and gets the pending flag, so that the guest writes EOM. */
void synic_deliver(struct hv_vp *vp)
{
	struct hv_synic *s = &vp->synic;
	if (!s->queued_count)
		return;
	struct hv_synic_message *page = synic_page(vp, s->simp);
	if (!page || !(s->scontrol & 1))
		return;
	u32 blocked = 0, kept = 0;
	/* (Unrolled for the proof: kept <= i < queued_count <= the depth, 8, one value each.) */
	/*@ loop unroll 8; */
	for (u32 i = 0; i < s->queued_count; i++) {
		struct hv_synic_queued *q = &s->queue[i];
		/* The slot is the guest's memory: its type is read and written atomically (the
		 * guest frees it with a store of 0), the rest only while the slot is ours. */
		struct hv_synic_message *slot = &page[q->sint];
		u32 bit = 1u << q->sint;
		bool busy = __atomic_load_n(&slot->message_type, __ATOMIC_ACQUIRE) != 0;
		if (!(blocked & bit) && !(s->sint[q->sint] & HV_SINT_MASKED) && !busy) {
			slot->payload_size = q->msg.payload_size;
			slot->flags = 0;
			slot->reserved0 = 0;
			slot->sender = 0;
			memcpy(slot->payload, q->msg.payload, HV_MESSAGE_PAYLOAD_MAX);
			/* The type goes last: the guest reads it first. */
			__atomic_store_n(&slot->message_type, q->msg.message_type,
					 __ATOMIC_RELEASE);
			s->raised |= bit;
			continue;
		}
		if (busy)
			__atomic_fetch_or(&slot->flags, HV_MESSAGE_PENDING, __ATOMIC_SEQ_CST);
		blocked |= bit;
		if (kept != i)
			s->queue[kept] = *q;
		kept++;
	}
	s->queued_count = kept;
}

int synic_take_vector(struct hv_vp *vp)
{
	struct hv_synic *s = &vp->synic;
	int best = -1, best_sint = -1, asserted = -1;
	for (int w = 3; w >= 0 && asserted < 0; w--)
		if (s->asserted[w])
			asserted = w * 64 + 63 - __builtin_clzll(s->asserted[w]);
	for (u32 i = 0; i < HV_SINT_COUNT && (s->scontrol & 1); i++) {
		if (!(s->raised & (1u << i)) || (s->sint[i] & HV_SINT_MASKED))
			continue;
		int vec = (int)(s->sint[i] & 0xff);
		if (vec > best) {
			best = vec;
			best_sint = (int)i;
		}
	}
	if (asserted > best) { /* the root's interrupt comes first (or the same vector: once) */
		s->asserted[asserted / 64] &= ~(1ull << (asserted % 64));
		return asserted;
	}
	if (best_sint >= 0)
		s->raised &= ~(1u << best_sint);
	return best;
}

/* Bytes past a message's payload never travel: the guest never sees the sender's leftovers. */
static void zero_tail(u8 *payload, u32 size)
{
	for (u32 i = size; i < HV_MESSAGE_PAYLOAD_MAX; i++)
		payload[i] = 0;
}

bool synic_work_pending(const struct hv_vp *vp)
{
	const struct hv_synic *s = &vp->synic;
	return s->queued_count || s->raised || s->asserted[0] || s->asserted[1] || s->asserted[2] ||
	       s->asserted[3];
}

u64 hv_call_assert_interrupt(const struct hv_assert_interrupt_in *in)
{
	u64 id = in->partition_id, dest = in->dest;
	u32 type = in->interrupt_type, flags = in->control_flags, vector = in->vector;
	bool reserved = in->vtl | in->reserved0[0] | in->reserved0[1] | in->reserved0[2];
	struct hv_partition *p = NULL;
	struct hv_vp *vp = NULL;
	u64 st = hv_vp_lookup(id, dest > 0xffffffffu ? 0xffffffffu : (u32)dest, &p, &vp);
	if (st != HV_STATUS_SUCCESS)
		return st;
	if (type != HV_INTERRUPT_TYPE_FIXED || flags || reserved || vector < 16 || vector > 255)
		return HV_STATUS_INVALID_PARAMETER;
	vp->synic.asserted[vector / 64] |= 1ull << (vector % 64);
	return HV_STATUS_SUCCESS;
}

/* A message of the hypervisor's own (a timer's), dropped when the SINT is not enabled or the
 * queue is full (a guest that does not read its messages loses its timer messages). */
void synic_queue_message(struct hv_vp *vp, u32 sint, u32 type, const void *payload, u32 len)
{
	struct hv_synic *s = &vp->synic;
	if (sint >= HV_SINT_COUNT || len > HV_MESSAGE_PAYLOAD_MAX || !sint_enabled(s, sint) ||
	    s->queued_count == HV_SYNIC_QUEUE_DEPTH)
		return;
	struct hv_synic_queued q = { .sint = sint };
	q.msg.message_type = type;
	q.msg.payload_size = (u8)len;
	memcpy(q.msg.payload, payload, len);
	s->queue[s->queued_count++] = q;
	synic_deliver(vp);
}

/* ---- The root's calls ---- */

u64 hv_call_post_message_direct(const struct hv_post_message_direct_in *in)
{
	struct hv_synic_queued q;
	u64 id = in->partition_id;
	u32 vp_index = in->vp_index, sint = in->sint;
	u8 vtl = in->vtl;
	bool reserved = in->reserved0[0] | in->reserved0[1] | in->reserved0[2];
	memcpy(&q.msg, (const void *)&in->message, sizeof(q.msg)); /* read once */
	struct hv_partition *p = NULL;
	struct hv_vp *vp = NULL;
	u64 st = hv_vp_lookup(id, vp_index, &p, &vp);
	if (st != HV_STATUS_SUCCESS)
		return st;
	if (vtl || reserved || sint >= HV_SINT_COUNT || !q.msg.message_type ||
	    q.msg.message_type >= 0x80000000u || q.msg.payload_size > HV_MESSAGE_PAYLOAD_MAX ||
	    q.msg.flags || q.msg.reserved0)
		return HV_STATUS_INVALID_PARAMETER;
	struct hv_synic *s = &vp->synic;
	if (!sint_enabled(s, sint) || !synic_page(vp, s->simp))
		return HV_STATUS_INVALID_VP_STATE;
	if (s->queued_count == HV_SYNIC_QUEUE_DEPTH)
		return HV_STATUS_INSUFFICIENT_BUFFERS;
	q.sint = sint;
	q.reserved0 = 0;
	q.msg.sender = 0;
	zero_tail(q.msg.payload, q.msg.payload_size);
	s->queue[s->queued_count++] = q;
	synic_deliver(vp);
	return HV_STATUS_SUCCESS;
}

u64 hv_call_signal_event_direct(const struct hv_signal_event_direct_in *in,
				struct hv_signal_event_direct_out *out)
{
	u64 id = in->partition_id;
	u32 vp_index = in->vp_index, flag = in->flag_number;
	u8 vtl = in->vtl, sint = in->sint;
	struct hv_partition *p = NULL;
	struct hv_vp *vp = NULL;
	u64 st = hv_vp_lookup(id, vp_index, &p, &vp);
	if (st != HV_STATUS_SUCCESS)
		return st;
	if (vtl || sint >= HV_SINT_COUNT || flag >= HV_EVENT_FLAGS_PER_SINT)
		return HV_STATUS_INVALID_PARAMETER;
	struct hv_synic *s = &vp->synic;
	u8 *page = synic_page(vp, s->siefp);
	if (!sint_enabled(s, sint) || !page)
		return HV_STATUS_INVALID_VP_STATE;
	u8 *byte = page + sint * (HV_EVENT_FLAGS_PER_SINT / 8) + flag / 8;
	u8 bit = (u8)(1u << (flag % 8));
	/* Atomic: the guest clears bits of the same byte on another CPU. */
	u8 old = __atomic_fetch_or(byte, bit, __ATOMIC_SEQ_CST);
	memset(out, 0, sizeof(*out));
	if (!(old & bit)) {
		out->newly_signaled = 1;
		s->raised |= 1u << sint;
	}
	return HV_STATUS_SUCCESS;
}

static bool ranges_overlap(u32 a, u32 an, u32 b, u32 bn)
{
	return a < b + bn && b < a + an;
}

u64 hv_call_set_connection(const struct hv_connection_in *in)
{
	u64 id = in->partition_id;
	u32 first = in->connection_id, count = in->count, type = in->type;
	struct hv_partition *p = NULL;
	u64 st = hv_child_lookup(id, in->reserved0, &p);
	if (st != HV_STATUS_SUCCESS)
		return st;
	struct hv_connection *c = p->connections;
	if (type == HV_CONNECTION_NONE) {
		if (count)
			return HV_STATUS_INVALID_PARAMETER;
		for (u32 i = 0; i < HV_CONNECTIONS_MAX; i++)
			if (c[i].count && c[i].first == first) {
				c[i].count = 0;
				return HV_STATUS_SUCCESS;
			}
		return HV_STATUS_INVALID_CONNECTION_ID;
	}
	if ((type != HV_CONNECTION_MESSAGE && type != HV_CONNECTION_EVENT) || !first ||
	    first > HV_CONNECTION_ID_MAX || !count || count > HV_CONNECTION_ID_MAX - first + 1)
		return HV_STATUS_INVALID_PARAMETER;
	struct hv_connection *free = NULL;
	for (u32 i = 0; i < HV_CONNECTIONS_MAX; i++) {
		if (!c[i].count) {
			if (!free)
				free = &c[i];
		} else if (ranges_overlap(first, count, c[i].first, c[i].count)) {
			return HV_STATUS_INVALID_PARAMETER;
		}
	}
	if (!free)
		return HV_STATUS_NO_RESOURCES;
	*free = (struct hv_connection){ .first = first, .count = count, .type = type };
	return HV_STATUS_SUCCESS;
}

/* ---- A child's calls ---- */

static bool connection_is(const struct hv_partition *p, u32 id, u32 type)
{
	for (u32 i = 0; i < HV_CONNECTIONS_MAX; i++) {
		const struct hv_connection *c = &p->connections[i];
		if (c->count && c->type == type && id >= c->first && id - c->first < c->count)
			return true;
	}
	return false;
}

/* The partition's page that holds a hypercall's input (the root's RAM or the child's). */
static const u8 *caller_page(struct hv_cpu *cpu, u64 gpa)
{
	u64 base = gpa & ~(PAGE_SIZE - 1);
	if (cpu->part->is_root)
		return hv_root_gpa(base, PAGE_SIZE);
	return arch_child_gpa_ptr(cpu->part, base, false);
}

u64 synic_post_message(struct hv_cpu *cpu, u64 control, u64 in_gpa)
{
	if (control & ~HV_HC_CODE_MASK) /* memory form only, no reps, no variable header */
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	u64 off = in_gpa & (PAGE_SIZE - 1);
	if ((in_gpa & 7) || off > PAGE_SIZE - sizeof(struct hv_post_message_in))
		return HV_STATUS_INVALID_ALIGNMENT;
	const u8 *page = caller_page(cpu, in_gpa);
	if (!page)
		return HV_STATUS_INVALID_PARAMETER;
	struct hv_post_message_in m;
	memcpy(&m, page + off, sizeof(m)); /* read once: the guest may change it meanwhile */
	if (m.reserved0 || !m.message_type || m.message_type >= 0x80000000u ||
	    m.payload_size > HV_MESSAGE_PAYLOAD_MAX)
		return HV_STATUS_INVALID_PARAMETER;
	if (!cpu->child || !connection_is(cpu->part, m.connection_id, HV_CONNECTION_MESSAGE))
		return HV_STATUS_INVALID_CONNECTION_ID;
	zero_tail(m.payload, m.payload_size);
	struct hv_run_vp_exit *o = cpu->run_out;
	memcpy((u8 *)o + HV_RUN_MESSAGE_OFFSET, &m, sizeof(m));
	o->connection_id = m.connection_id;
	cpu->run_exit = HV_RUN_EXIT_POST_MESSAGE;
	hv_child_counts.posts++;
	cpu->child->counts.posts++;
	return HV_STATUS_SUCCESS;
}

u64 synic_signal_event(struct hv_cpu *cpu, u64 control, u64 arg)
{
	u64 param = arg;
	if (control & ~(HV_HC_CODE_MASK | HV_HC_FAST))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (!(control & HV_HC_FAST)) { /* memory form: the same 8 bytes in the input page */
		if (arg & 7)
			return HV_STATUS_INVALID_ALIGNMENT;
		const u8 *page = caller_page(cpu, arg);
		if (!page)
			return HV_STATUS_INVALID_PARAMETER;
		memcpy(&param, page + (arg & (PAGE_SIZE - 8)), 8);
	}
	u32 id = (u32)param;
	u32 flag = (u32)(param >> 32) & 0xffff;
	if ((param >> 48) || id > HV_CONNECTION_ID_MAX || flag >= HV_EVENT_FLAGS_PER_SINT)
		return HV_STATUS_INVALID_PARAMETER;
	if (!cpu->child || !connection_is(cpu->part, id, HV_CONNECTION_EVENT))
		return HV_STATUS_INVALID_CONNECTION_ID;
	struct hv_run_vp_exit *o = cpu->run_out;
	o->connection_id = id;
	o->flag_number = (u16)flag;
	cpu->run_exit = HV_RUN_EXIT_SIGNAL_EVENT;
	hv_child_counts.signals++;
	cpu->child->counts.signals++;
	return HV_STATUS_SUCCESS;
}
