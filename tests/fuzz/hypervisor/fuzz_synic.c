/* SPDX-License-Identifier: MIT */
/* libFuzzer target of a child's SynIC (hypervisor/core/synic.c): random sequences of what a
 * child and the root can do to it — SynIC MSR writes and reads, the child's HvPostMessage and
 * HvSignalEvent with random input bytes in its RAM, the root's post/signal-direct and
 * connection calls with random arguments, the guest freeing slots, the arch layer taking
 * vectors. The child's RAM and the output page are separate heap blocks (synic_host.c), so
 * ASan sees any access outside them; the invariants below trap. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_entry.h"
#include "synic_host.h"

#define CHECK(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

struct input {
	const uint8_t *p;
	size_t n;
};

static void take(struct input *in, void *out, size_t len)
{
	size_t k = len < in->n ? len : in->n;
	memset(out, 0, len);
	memcpy(out, in->p, k);
	in->p += k;
	in->n -= k;
}

static u64 take64(struct input *in)
{
	u64 v;
	take(in, &v, sizeof(v));
	return v;
}

static u32 take32(struct input *in)
{
	u32 v;
	take(in, &v, sizeof(v));
	return v;
}

static const u32 msrs[] = { HV_SYNIC_MSR_SCONTROL,  HV_SYNIC_MSR_SVERSION,  HV_SYNIC_MSR_SIEFP,
			    HV_SYNIC_MSR_SIMP,	    HV_SYNIC_MSR_EOM,	    HV_SYNIC_MSR_SINT0,
			    HV_SYNIC_MSR_SINT0 + 2, HV_SYNIC_MSR_SINT0 + 15 };

static void check_exit(u64 st, u32 want)
{
	const struct hv_run_vp_exit *o = (const void *)sh.out;
	const struct hv_post_message_in *m = (const void *)(sh.out + HV_RUN_MESSAGE_OFFSET);
	if (st != HV_STATUS_SUCCESS) {
		CHECK(sh.cpu.run_exit == 0);
		return;
	}
	CHECK(sh.cpu.run_exit == want);
	if (want == HV_RUN_EXIT_POST_MESSAGE) {
		CHECK(m->payload_size <= HV_MESSAGE_PAYLOAD_MAX);
		CHECK(m->message_type && m->message_type < 0x80000000u);
		for (u32 i = m->payload_size; i < HV_MESSAGE_PAYLOAD_MAX; i++)
			CHECK(m->payload[i] == 0);
	} else {
		CHECK(o->connection_id && o->connection_id <= HV_CONNECTION_ID_MAX);
		CHECK(o->flag_number < HV_EVENT_FLAGS_PER_SINT);
	}
	sh.cpu.run_exit = 0;
}

static void one_op(struct input *in)
{
	u8 op;
	take(in, &op, 1);
	switch (op % 10) {
	case 0: {
		u32 msr = msrs[take32(in) % (sizeof(msrs) / sizeof(msrs[0]))];
		/* Mostly GPAs of the child's RAM (or just past it), sometimes anything. */
		u64 v = take64(in);
		if (op & 0x80)
			v &= (SH_PAGES + 1ull) * PAGE_SIZE - 1;
		synic_msr_write(sh.vp, msr, v);
		break;
	}
	case 1: {
		u64 v;
		synic_msr_read(sh.vp, take32(in), &v);
		break;
	}
	case 2: { /* the child's HvPostMessage from random bytes at a random GPA */
		u64 gpa = take64(in) % ((SH_PAGES + 1ull) * PAGE_SIZE);
		u64 room = gpa < SH_PAGES * PAGE_SIZE ? SH_PAGES * PAGE_SIZE - gpa : 0;
		u8 bytes[256];
		take(in, bytes, sizeof(bytes));
		if (room)
			memcpy(sh.ram + gpa, bytes, room < sizeof(bytes) ? room : sizeof(bytes));
		u64 st = synic_post_message(&sh.cpu,
					    (take64(in) & ~0xffffull) | HV_CALL_POST_MESSAGE, gpa);
		check_exit(st, HV_RUN_EXIT_POST_MESSAGE);
		break;
	}
	case 3: {
		u64 control = (take64(in) & ~0xffffull) | HV_CALL_SIGNAL_EVENT;
		u64 arg = take64(in);
		if (!(control & HV_HC_FAST))
			arg %= (SH_PAGES + 1ull) * PAGE_SIZE;
		check_exit(synic_signal_event(&sh.cpu, control, arg), HV_RUN_EXIT_SIGNAL_EVENT);
		break;
	}
	case 4: {
		struct hv_post_message_direct_in d;
		take(in, &d, sizeof(d));
		if (op & 0x80)
			d.partition_id = SH_CHILD_ID;
		u64 st = hv_call_post_message_direct(&d);
		CHECK(st != HV_STATUS_SUCCESS || d.message.payload_size <= HV_MESSAGE_PAYLOAD_MAX);
		break;
	}
	case 5: {
		struct hv_signal_event_direct_in d;
		struct hv_signal_event_direct_out o;
		take(in, &d, sizeof(d));
		if (op & 0x80)
			d.partition_id = SH_CHILD_ID;
		hv_call_signal_event_direct(&d, &o);
		break;
	}
	case 6: {
		struct hv_connection_in c;
		take(in, &c, sizeof(c));
		if (op & 0x80)
			c.partition_id = SH_CHILD_ID;
		hv_call_set_connection(&c);
		break;
	}
	case 7: {
		int v = synic_take_vector(sh.vp);
		CHECK(v == -1 || (v >= 16 && v <= 255));
		break;
	}
	case 8:
		synic_deliver(sh.vp);
		break;
	case 9: { /* the guest frees a slot of its message page (wherever SIMP points) */
		u64 gpa = (sh.vp->synic.simp & ~0xfffull) + (take32(in) % HV_SINT_COUNT) * 256;
		if (gpa + 4 <= (SH_PAGES - 1ull) * PAGE_SIZE)
			memset(sh.ram + gpa, 0, 4);
		break;
	}
	}
	/* The state stays within its bounds whatever came. */
	CHECK(sh.vp->synic.queued_count <= HV_SYNIC_QUEUE_DEPTH);
	CHECK(!(sh.vp->synic.raised >> HV_SINT_COUNT));
	for (u32 i = 0; i < sh.vp->synic.queued_count; i++) {
		CHECK(sh.vp->synic.queue[i].sint < HV_SINT_COUNT);
		CHECK(sh.vp->synic.queue[i].msg.payload_size <= HV_MESSAGE_PAYLOAD_MAX);
	}
	for (u32 i = 0; i < HV_CONNECTIONS_MAX; i++) {
		const struct hv_connection *c = &sh.part.connections[i];
		CHECK(!c->count ||
		      (c->first && c->first + (u64)c->count - 1 <= HV_CONNECTION_ID_MAX));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	synic_host_reset();
	for (int ops = 0; in.n && ops < 256; ops++)
		one_op(&in);
	return 0;
}
