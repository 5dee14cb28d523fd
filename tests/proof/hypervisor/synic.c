/* SPDX-License-Identifier: MIT */
/* EVA harness of a child's SynIC and synthetic timers (hypervisor/core/synic.c, stimer.c):
 * everything a child or the root controls is unknown — the MSR numbers and values a child
 * writes, the bytes of its RAM (its hypercall input, its message and event pages), the control
 * words and GPAs of its HvPostMessage / HvSignalEvent, every field of the root's post-direct,
 * signal-direct, connection and assert-interrupt calls, the reference time. The stand-ins of
 * what the code reaches outside these files are below: a child of CHILD_PAGES pages of RAM
 * from GPA 0 whose last page is read-only, one VP, lookups that accept exactly that child and
 * VP. Each entry point runs from an unknown state (every field of the VP and the partition
 * unknown, as a hostile history could leave them, within the bounds the code itself keeps:
 * the queue count and the connection ranges), then a few in sequence. */
#include "__fc_builtin.h"
#include "core.h"

#define CHILD_PAGES 4u
#define CHILD_ID    2ull

static u8 ram[CHILD_PAGES * PAGE_SIZE] __attribute__((aligned(4096)));
static u8 out_page[PAGE_SIZE] __attribute__((aligned(4096)));
static struct hv_partition part, root_part;
static struct hv_vp vp;
static struct hv_cpu cpu;
struct hv_child_counts hv_child_counts;

void *arch_child_gpa_ptr(struct hv_partition *p, u64 gpa, bool write)
{
	if (p != &part || gpa >= (u64)CHILD_PAGES * PAGE_SIZE)
		return NULL;
	if (write && gpa >> 12 == CHILD_PAGES - 1)
		return NULL;
	return ram + gpa;
}

void *hv_root_gpa(u64 gpa, u64 len)
{
	(void)gpa;
	(void)len;
	return NULL;
}

u64 hv_reftime_now(void)
{
	return Frama_C_unsigned_long_interval(0, 0xffffffffffffffffull);
}

u64 hv_child_lookup(u64 id, u32 reserved0, struct hv_partition **pp)
{
	if (reserved0)
		return HV_STATUS_INVALID_PARAMETER;
	if (id != CHILD_ID)
		return HV_STATUS_INVALID_PARTITION_ID;
	*pp = &part;
	return HV_STATUS_SUCCESS;
}

u64 hv_vp_lookup(u64 id, u32 index, struct hv_partition **pp, struct hv_vp **vpp)
{
	if (id != CHILD_ID)
		return HV_STATUS_INVALID_PARTITION_ID;
	if (index != 0)
		return HV_STATUS_INVALID_VP_INDEX;
	*pp = &part;
	*vpp = &vp;
	return HV_STATUS_SUCCESS;
}

static u64 any64(void)
{
	return Frama_C_unsigned_long_interval(0, 0xffffffffffffffffull);
}

static u32 any32(void)
{
	return Frama_C_unsigned_int_interval(0, 0xffffffffu);
}

/* Any state a history of calls could leave, within the invariants the code keeps. */
static void unknown_state(void)
{
	Frama_C_make_unknown((char *)ram, sizeof(ram));
	Frama_C_make_unknown((char *)out_page, sizeof(out_page));
	Frama_C_make_unknown((char *)&vp.synic, sizeof(vp.synic));
	Frama_C_make_unknown((char *)vp.stimer, sizeof(vp.stimer));
	vp.synic.queued_count = Frama_C_unsigned_int_interval(0, HV_SYNIC_QUEUE_DEPTH);
	/*@ loop unroll 8; */
	for (u32 i = 0; i < HV_SYNIC_QUEUE_DEPTH; i++) {
		vp.synic.queue[i].sint = Frama_C_unsigned_int_interval(0, HV_SINT_COUNT - 1);
		vp.synic.queue[i].msg.payload_size =
			(u8)Frama_C_interval(0, HV_MESSAGE_PAYLOAD_MAX);
	}
	/*@ loop unroll 16; */
	for (u32 i = 0; i < HV_CONNECTIONS_MAX; i++) {
		u32 first = Frama_C_unsigned_int_interval(1, HV_CONNECTION_ID_MAX);
		part.connections[i].first = first;
		part.connections[i].count =
			Frama_C_unsigned_int_interval(0, HV_CONNECTION_ID_MAX - first + 1);
		part.connections[i].type = any32();
	}
	cpu.run_exit = 0;
}

static void child_calls(void)
{
	u64 v;
	u32 msr = any32();
	synic_msr_write(&vp, msr, any64());
	synic_msr_read(&vp, msr, &v);
	stimer_msr_write(&vp, Frama_C_unsigned_int_interval(0x400000b0u, 0x400000b7u), any64());
	stimer_msr_read(&vp, Frama_C_unsigned_int_interval(0x400000b0u, 0x400000b7u), &v);
	cpu.run_exit = 0;
	synic_post_message(&cpu, any64(), any64());
	cpu.run_exit = 0;
	synic_signal_event(&cpu, any64(), any64());
}

static void root_calls(void)
{
	struct hv_post_message_direct_in post;
	struct hv_signal_event_direct_in sig;
	struct hv_signal_event_direct_out sig_out;
	struct hv_connection_in conn;
	struct hv_assert_interrupt_in irq;
	Frama_C_make_unknown((char *)&post, sizeof(post));
	Frama_C_make_unknown((char *)&sig, sizeof(sig));
	Frama_C_make_unknown((char *)&conn, sizeof(conn));
	Frama_C_make_unknown((char *)&irq, sizeof(irq));
	if (Frama_C_nondet(0, 1))
		post.partition_id = CHILD_ID, post.vp_index = 0;
	if (Frama_C_nondet(0, 1))
		sig.partition_id = CHILD_ID, sig.vp_index = 0;
	if (Frama_C_nondet(0, 1))
		irq.partition_id = CHILD_ID, irq.dest = 0;
	hv_call_post_message_direct(&post);
	hv_call_signal_event_direct(&sig, &sig_out);
	hv_call_set_connection(&conn);
	hv_call_assert_interrupt(&irq);
}

static void arch_calls(void)
{
	u8 payload[HV_MESSAGE_PAYLOAD_MAX];
	Frama_C_make_unknown((char *)payload, sizeof(payload));
	stimer_check(&vp);
	synic_deliver(&vp);
	synic_work_pending(&vp);
	synic_take_vector(&vp);
	stimer_next_deadline(&vp);
	synic_queue_message(&vp, any32(), any32(), payload,
			    Frama_C_unsigned_int_interval(0, HV_MESSAGE_PAYLOAD_MAX));
	synic_is_msr(any32());
	stimer_is_msr(any32());
}

int main(void)
{
	part.in_use = true;
	part.id = CHILD_ID;
	part.max_vps = 1;
	part.vps[0] = &vp;
	vp.part = &part;
	root_part.is_root = true;
	root_part.id = HV_PARTITION_ID_ROOT;
	cpu.part = Frama_C_nondet(0, 1) ? &part : &root_part; /* the root calls them too */
	cpu.child = Frama_C_nondet(0, 1) ? &vp : NULL;
	cpu.run_out = (struct hv_run_vp_exit *)out_page;
	synic_vp_init(&vp);
	unknown_state();
	child_calls();
	unknown_state();
	root_calls();
	unknown_state();
	arch_calls();
	/* A short history from reset: the child enables its SynIC, the root posts and signals,
	 * the child frees a slot and writes EOM. */
	synic_vp_init(&vp);
	memset(&vp.synic, 0, sizeof(vp.synic));
	synic_vp_init(&vp);
	child_calls();
	root_calls();
	arch_calls();
	child_calls();
	return 0;
}
