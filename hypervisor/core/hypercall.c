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

static bool root_only(u16 code)
{
	return code == HV_CALL_GET_STATS || code == HV_CALL_READ_LOG ||
	       code == HV_CALL_SELF_CHECK;
}

u64 hv_hypercall(struct hv_cpu *cpu, u64 control, u64 in_gpa, u64 out_gpa)
{
	hv_hypercall_count++;
	u16 code = (u16)(control & HV_HC_CODE_MASK);
	if (root_only(code) && !cpu->part->is_root)
		return HV_STATUS_ACCESS_DENIED;
	/* Both calls here are simple, memory-form calls without a variable header: a rep count
	 * or start, a variable header size (bits 17-26) or any reserved bit is malformed input
	 * (TLFS; the fast flag is refused by each call). */
	if (root_only(code) && (control & ~(HV_HC_CODE_MASK | HV_HC_FAST)))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	switch (code) {
	case HV_CALL_GET_STATS:
		return call_get_stats(control, out_gpa);
	case HV_CALL_READ_LOG:
		return call_read_log(control, in_gpa, out_gpa);
	case HV_CALL_SELF_CHECK:
		return call_self_check(control, out_gpa);
	default:
		return HV_STATUS_INVALID_HYPERCALL_CODE;
	}
}
