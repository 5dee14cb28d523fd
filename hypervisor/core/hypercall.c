/* SPDX-License-Identifier: MIT */
/* Hypercall dispatch: decodes the TLFS control value, checks the caller's rights and the
 * GPAs it passed, and runs the call. Root-only calls from any other partition get
 * HV_STATUS_ACCESS_DENIED; every unknown code returns HV_STATUS_INVALID_HYPERCALL_CODE. */
#include "core.h"

static u64 call_get_stats(u64 control, u64 out_gpa)
{
	if (control & HV_HC_FAST)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (out_gpa & (PAGE_SIZE - 1))
		return HV_STATUS_INVALID_ALIGNMENT;
	struct hv_stats *out = hv_root_gpa(out_gpa, sizeof(*out));
	if (!out)
		return HV_STATUS_INVALID_PARAMETER;
	struct hv_stats s;
	hv_stats_fill(&s);
	memcpy(out, &s, sizeof(s));
	return HV_STATUS_SUCCESS;
}

static u64 call_read_log(u64 control, u64 in_gpa, u64 out_gpa)
{
	if (control & HV_HC_FAST)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if ((in_gpa | out_gpa) & (PAGE_SIZE - 1))
		return HV_STATUS_INVALID_ALIGNMENT;
	struct hv_read_log_in *in = hv_root_gpa(in_gpa, sizeof(*in));
	struct hv_read_log_out *out = hv_root_gpa(out_gpa, PAGE_SIZE);
	if (!in || !out)
		return HV_STATUS_INVALID_PARAMETER;
	u64 offset = in->offset; /* read once: the root may change it meanwhile */
	u64 start;
	u32 len;
	u64 end = hv_log_read(offset, (char *)(out + 1), HV_READ_LOG_MAX, &start, &len);
	out->start = start;
	out->end = end;
	out->length = len;
	out->reserved0 = 0;
	return HV_STATUS_SUCCESS;
}

static u64 call_self_check(u64 control, u64 out_gpa)
{
	if (control & HV_HC_FAST)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (out_gpa & (PAGE_SIZE - 1))
		return HV_STATUS_INVALID_ALIGNMENT;
	struct hv_self_check *out = hv_root_gpa(out_gpa, sizeof(*out));
	if (!out)
		return HV_STATUS_INVALID_PARAMETER;
	struct hv_self_check r;
	hv_self_check(&r);
	memcpy(out, &r, sizeof(r));
	return HV_STATUS_SUCCESS;
}

/* The private range is the root's, known codes or not: a child learns nothing from it. So are
 * the TLFS's direct calls into another partition's SynIC. */
static bool root_only(u16 code)
{
	return (code >= HV_CALL_PRIVATE_BASE && code <= HV_CALL_PRIVATE_BASE + 0xff) ||
	       code == HV_CALL_SIGNAL_EVENT_DIRECT || code == HV_CALL_POST_MESSAGE_DIRECT ||
	       code == HV_CALL_ASSERT_INTERRUPT;
}

static bool is_rep_call(u16 code)
{
	return code == HV_CALL_DEPOSIT_PAGES || code == HV_CALL_WITHDRAW_PAGES ||
	       code == HV_CALL_MAP_GPA_PAGES || code == HV_CALL_UNMAP_GPA_PAGES ||
	       code == HV_CALL_GET_VP_REGISTERS || code == HV_CALL_SET_VP_REGISTERS;
}

static u32 rep_max(u16 code)
{
	switch (code) {
	case HV_CALL_DEPOSIT_PAGES:
		return HV_DEPOSIT_MAX;
	case HV_CALL_WITHDRAW_PAGES:
		return HV_WITHDRAW_MAX;
	case HV_CALL_MAP_GPA_PAGES:
		return HV_MAP_GPA_MAX;
	case HV_CALL_UNMAP_GPA_PAGES:
		return 4095;
	default: /* GET/SET_VP_REGISTERS */
		return HV_VP_REGISTERS_MAX;
	}
}

/* The private calls this hypervisor has; any other code is unknown (status 2), whatever the
 * rest of its control word says. */
static bool known_call(u16 code)
{
	return (code >= HV_CALL_GET_STATS && code <= HV_CALL_SELF_CHECK) ||
	       (code >= HV_CALL_CREATE_PARTITION && code <= HV_CALL_GET_VP_STATS) ||
	       code == HV_CALL_SIGNAL_EVENT_DIRECT || code == HV_CALL_POST_MESSAGE_DIRECT ||
	       code == HV_CALL_ASSERT_INTERRUPT;
}

static bool has_output(u16 code)
{
	return code == HV_CALL_CREATE_PARTITION || code == HV_CALL_WITHDRAW_PAGES ||
	       code == HV_CALL_GET_VP_REGISTERS || code == HV_CALL_RUN_VP ||
	       code == HV_CALL_SIGNAL_EVENT_DIRECT || code == HV_CALL_GET_VP_STATS;
}

#define REP_MASK 0xfffull
static u32 rep_count(u64 control)
{
	return (u32)((control >> HV_HC_REP_COUNT_SHIFT) & REP_MASK);
}

static u32 rep_start(u64 control)
{
	return (u32)((control >> HV_HC_REP_START_SHIFT) & REP_MASK);
}

/* A rep call's result: status, and the reps completed in bits 43:32 (TLFS). */
static u64 rep_result(u64 status, u32 done)
{
	return status | (u64)done << HV_HC_REP_COUNT_SHIFT;
}

/* Input and output pages of a memory-form call: page aligned, the root's RAM. */
static u64 map_pages(u64 in_gpa, u64 out_gpa, void **in, void **out)
{
	if ((in_gpa | out_gpa) & (PAGE_SIZE - 1))
		return HV_STATUS_INVALID_ALIGNMENT;
	*in = hv_root_gpa(in_gpa, PAGE_SIZE);
	if (!*in)
		return HV_STATUS_INVALID_PARAMETER;
	if (out) {
		*out = hv_root_gpa(out_gpa, PAGE_SIZE);
		if (!*out)
			return HV_STATUS_INVALID_PARAMETER;
	}
	return HV_STATUS_SUCCESS;
}

static u64 call_partition(struct hv_cpu *cpu, u16 code, u64 control, u64 in_gpa, u64 out_gpa)
{
	void *in, *out = NULL;
	bool needs_out = has_output(code);
	u64 st = map_pages(in_gpa, needs_out ? out_gpa : 0, &in, needs_out ? &out : NULL);
	u32 count = rep_count(control), start = rep_start(control), done = start;
	if (st == HV_STATUS_SUCCESS && is_rep_call(code) &&
	    (!count || start >= count || count > rep_max(code)))
		st = HV_STATUS_INVALID_PARAMETER;
	if (st != HV_STATUS_SUCCESS)
		return is_rep_call(code) ? rep_result(st, start) : st;
	switch (code) {
	case HV_CALL_CREATE_PARTITION:
		return hv_call_create_partition(in, out);
	case HV_CALL_DELETE_PARTITION:
		return hv_call_delete_partition(in);
	case HV_CALL_DEPOSIT_PAGES:
		st = hv_call_deposit_pages(in, start, count, &done);
		return rep_result(st, done);
	case HV_CALL_WITHDRAW_PAGES:
		st = hv_call_withdraw_pages(in, out, start, count, &done);
		return rep_result(st, done);
	case HV_CALL_MAP_GPA_PAGES:
		st = hv_call_map_gpa(in, start, count, &done);
		return rep_result(st, done);
	case HV_CALL_UNMAP_GPA_PAGES:
		st = hv_call_unmap_gpa(in, start, count, &done);
		return rep_result(st, done);
	case HV_CALL_GET_VP_REGISTERS:
	case HV_CALL_SET_VP_REGISTERS:
		st = hv_call_vp_registers(in, out, code == HV_CALL_SET_VP_REGISTERS, start, count,
					  &done);
		return rep_result(st, done);
	case HV_CALL_CREATE_VP:
		return hv_call_create_vp(in);
	case HV_CALL_SET_CONNECTION:
		return hv_call_set_connection(in);
	case HV_CALL_GET_VP_STATS:
		return hv_call_get_vp_stats(in, out);
	case HV_CALL_POST_MESSAGE_DIRECT:
		return hv_call_post_message_direct(in);
	case HV_CALL_SIGNAL_EVENT_DIRECT:
		return hv_call_signal_event_direct(in, out);
	case HV_CALL_ASSERT_INTERRUPT:
		return hv_call_assert_interrupt(in);
	default: /* HV_CALL_RUN_VP */
		return hv_call_run_vp(cpu, in, out);
	}
}

u64 hv_hypercall(struct hv_cpu *cpu, u64 control, u64 in_gpa, u64 out_gpa)
{
	hv_hypercall_count++;
	u16 code = (u16)(control & HV_HC_CODE_MASK);
	if (root_only(code) && !cpu->part->is_root)
		return HV_STATUS_ACCESS_DENIED;
	/* The calls here are memory-form calls without a variable header: a variable header size
	 * (bits 17-26) or any reserved bit is malformed input, and so is a rep count or start on
	 * a simple call (TLFS; the fast flag is refused by each call). */
	u64 allowed = HV_HC_CODE_MASK | HV_HC_FAST;
	if (is_rep_call(code))
		allowed |= REP_MASK << HV_HC_REP_COUNT_SHIFT | REP_MASK << HV_HC_REP_START_SHIFT;
	if (root_only(code) && known_call(code) && (control & ~allowed))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	switch (code) {
	case HV_CALL_GET_STATS:
		return call_get_stats(control, out_gpa);
	case HV_CALL_READ_LOG:
		return call_read_log(control, in_gpa, out_gpa);
	case HV_CALL_SELF_CHECK:
		return call_self_check(control, out_gpa);
	case HV_CALL_CREATE_PARTITION:
	case HV_CALL_DELETE_PARTITION:
	case HV_CALL_DEPOSIT_PAGES:
	case HV_CALL_WITHDRAW_PAGES:
	case HV_CALL_MAP_GPA_PAGES:
	case HV_CALL_UNMAP_GPA_PAGES:
	case HV_CALL_CREATE_VP:
	case HV_CALL_GET_VP_REGISTERS:
	case HV_CALL_SET_VP_REGISTERS:
	case HV_CALL_RUN_VP:
	case HV_CALL_SET_CONNECTION:
	case HV_CALL_GET_VP_STATS:
	case HV_CALL_POST_MESSAGE_DIRECT:
	case HV_CALL_SIGNAL_EVENT_DIRECT:
	case HV_CALL_ASSERT_INTERRUPT:
		if (control & HV_HC_FAST)
			return is_rep_call(code) ? rep_result(HV_STATUS_INVALID_HYPERCALL_INPUT, 0)
						 : HV_STATUS_INVALID_HYPERCALL_INPUT;
		return call_partition(cpu, code, control, in_gpa, out_gpa);
	case HV_CALL_POST_MESSAGE:
		return synic_post_message(cpu, control, in_gpa);
	case HV_CALL_SIGNAL_EVENT:
		return synic_signal_event(cpu, control, in_gpa);
	default:
		return HV_STATUS_INVALID_HYPERCALL_CODE;
	}
}
