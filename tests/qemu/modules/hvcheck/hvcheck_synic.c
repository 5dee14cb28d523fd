// SPDX-License-Identifier: GPL-2.0
/*
 * hvcheck.ko's "synic" file: a real-mode child's SynIC driven from the root (scenario 27).
 * The child enables its SynIC (message page at GPA 0x12000, event flags at 0x13000, SINT 2 ->
 * vector 0xF3), halts once with interrupts off (setup done), then idles with `sti; hlt`. Its
 * interrupt handler frees SINT 2's message slot, writes EOM and reports itself with an OUT of
 * 'I' to port 0x3f8. The root posts messages and signals events into it and checks what lands
 * in the child's pages, when the interrupt comes, and every refusal, one "key value" line each.
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <asm/mshyperv.h>
#include <hv/abi.h>

#include "hvcheck.h"

#define SIMP_OFF	0x2000 /* in the child's memory (GPA 0x12000) */
#define SIEFP_OFF	0x3000
#define IVT_OFF		0xf000
#define CHILD_STACK_TOP 0xe000
#define VMBUS_SINT	2

static const u8 synic_code[] = {
	0x66, 0xb9, 0x80, 0x00, 0x00, 0x40, /* 0x00 mov ecx, SCONTROL */
	0x66, 0xb8, 0x01, 0x00, 0x00, 0x00, /* 0x06 mov eax, 1 */
	0x66, 0x31, 0xd2,		    /* 0x0c xor edx, edx */
	0x0f, 0x30,			    /* 0x0f wrmsr */
	0x66, 0xb9, 0x83, 0x00, 0x00, 0x40, /* 0x11 mov ecx, SIMP */
	0x66, 0xb8, 0x01, 0x20, 0x01, 0x00, /* 0x17 mov eax, 0x12000 | 1 */
	0x0f, 0x30,			    /* 0x1d wrmsr */
	0x66, 0xb9, 0x82, 0x00, 0x00, 0x40, /* 0x1f mov ecx, SIEFP */
	0x66, 0xb8, 0x01, 0x30, 0x01, 0x00, /* 0x25 mov eax, 0x13000 | 1 */
	0x0f, 0x30,			    /* 0x2b wrmsr */
	0x66, 0xb9, 0x92, 0x00, 0x00, 0x40, /* 0x2d mov ecx, SINT2 */
	0x66, 0xb8, 0xf3, 0x00, 0x00, 0x00, /* 0x33 mov eax, 0xf3 (unmasked) */
	0x0f, 0x30,			    /* 0x39 wrmsr */
	0xf4,				    /* 0x3b hlt, IF = 0: setup done */
	0xfb,				    /* 0x3c sti */
	0xf4,				    /* 0x3d hlt */
	0xeb, 0xfc,			    /* 0x3e jmp 0x3c */
};

static const u8 synic_handler[] = {
	0x66, 0xc7, 0x06, 0x00, 0x22, 0x00, 0x00, 0x00, 0x00, /* mov dword [0x2200], 0 */
	0x66, 0xb9, 0x84, 0x00, 0x00, 0x40,		      /* mov ecx, EOM */
	0x66, 0x31, 0xc0,				      /* xor eax, eax */
	0x66, 0x31, 0xd2,				      /* xor edx, edx */
	0x0f, 0x30,					      /* wrmsr */
	0xba, 0xf8, 0x03,				      /* mov dx, 0x3f8 */
	0xb0, 0x49,					      /* mov al, 'I' */
	0xee,						      /* out dx, al */
	0xcf,						      /* iret */
};
#define HANDLER_OFF 0x100

/* Vector 0x30, asserted by the root: an OUT of 'A'. */
static const u8 assert_handler[] = {
	0xba, 0xf8, 0x03, /* mov dx, 0x3f8 */
	0xb0, 0x41,	  /* mov al, 'A' */
	0xee,		  /* out dx, al */
	0xcf,		  /* iret */
};
#define ASSERT_HANDLER_OFF 0x180

/* The APIC part (after the SynIC part): code that software-enables the x2APIC, code that arms
 * synthetic timer 0 (direct mode, vector 0x50) 500 ms ahead (a busy TCG host stays well within
 * it), and handlers: 0x31 'N' without
 * EOI, 0x41 'F' with two EOIs (its own and 0x31's), 0x50 'T' with one. */
#define EOI_BYTES 0x66, 0xb9, 0x0b, 0x08, 0x00, 0x00, 0x66, 0x31, 0xc0, 0x66, 0x31, 0xd2, 0x0f, 0x30
static const u8 h31[] = { 0xba, 0xf8, 0x03, 0xb0, 0x4e, 0xee, 0xcf };
static const u8 h41[] = { 0xba, 0xf8, 0x03, 0xb0, 0x46, 0xee, EOI_BYTES, 0x0f, 0x30, 0xcf };
static const u8 h50[] = { 0xba, 0xf8, 0x03, 0xb0, 0x54, 0xee, EOI_BYTES, 0xcf };
static const u8 svr_code[] = {
	0x66, 0xb9, 0x0f, 0x08, 0x00, 0x00, /* mov ecx, SVR */
	0x66, 0xb8, 0xff, 0x01, 0x00, 0x00, /* mov eax, 0x1ff (enabled) */
	0x66, 0x31, 0xd2,		    /* xor edx, edx */
	0x0f, 0x30,			    /* wrmsr */
	0xf4,				    /* hlt */
};
static const u8 stimer_code[] = {
	0x66, 0xb9, 0xb0, 0x00, 0x00, 0x40, /* mov ecx, STIMER0_CONFIG */
	0x66, 0xb8, 0x09, 0x15, 0x00, 0x00, /* mov eax, enable|auto-enable|direct|0x50 << 4 */
	0x66, 0x31, 0xd2,		    /* xor edx, edx */
	0x0f, 0x30,			    /* wrmsr */
	0x66, 0xb9, 0x20, 0x00, 0x00, 0x40, /* mov ecx, TIME_REF_COUNT */
	0x0f, 0x32,			    /* rdmsr */
	0x66, 0x05, 0x40, 0x4b, 0x4c, 0x00, /* add eax, 5000000 (500 ms) */
	0x66, 0x83, 0xd2, 0x00,		    /* adc edx, 0 */
	0x66, 0xb9, 0xb1, 0x00, 0x00, 0x40, /* mov ecx, STIMER0_COUNT */
	0x0f, 0x30,			    /* wrmsr */
	0xf4,				    /* hlt */
};
#define H31_OFF	   0x200
#define H41_OFF	   0x220
#define H50_OFF	   0x260
#define SVR_OFF	   0x400
#define STIMER_OFF 0x500
#define IDLE_RIP   0x3c

static u64 assert_irq(u64 id, u64 dest, u32 vector, u32 type)
{
	struct hv_assert_interrupt_in *in = hvc_in;

	memset(hvc_in, 0, PAGE_SIZE);
	in->partition_id = id;
	in->interrupt_type = type;
	in->dest = dest;
	in->vector = vector;
	return hvc_call(HV_CALL_ASSERT_INTERRUPT, hvc_in, NULL);
}

static u64 post(u64 id, u32 vp, u32 sint, u32 type, u32 size, const char *text, u8 vtl, u8 flags)
{
	struct hv_post_message_direct_in *in = hvc_in;

	memset(hvc_in, 0, PAGE_SIZE);
	in->partition_id = id;
	in->vp_index = vp;
	in->vtl = vtl;
	in->sint = sint;
	in->message.message_type = type;
	in->message.payload_size = (u8)size;
	in->message.flags = flags;
	if (text)
		memcpy(in->message.payload, text, min_t(size_t, strlen(text), 240));
	return hvc_call(HV_CALL_POST_MESSAGE_DIRECT, hvc_in, NULL);
}

static u64 signal(u64 id, u32 vp, u8 sint, u32 flag, u8 *newly)
{
	struct hv_signal_event_direct_in *in = hvc_in;
	struct hv_signal_event_direct_out *out = hvc_out;
	u64 st;

	memset(hvc_in, 0, PAGE_SIZE);
	memset(hvc_out, 0xee, PAGE_SIZE);
	in->partition_id = id;
	in->vp_index = vp;
	in->sint = sint;
	in->flag_number = (u16)flag;
	st = hvc_call(HV_CALL_SIGNAL_EVENT_DIRECT, hvc_in, hvc_out);
	*newly = out->newly_signaled;
	return st;
}

static u64 connect(u64 id, u32 first, u32 count, u32 type)
{
	struct hv_connection_in *in = hvc_in;

	memset(hvc_in, 0, PAGE_SIZE);
	in->partition_id = id;
	in->connection_id = first;
	in->count = count;
	in->type = type;
	return hvc_call(HV_CALL_SET_CONNECTION, hvc_in, NULL);
}

/* Runs to the next exit and prints reason, the IO value and IF. */
static void run(struct hvc_child *c, const char *what)
{
	const struct hv_run_vp_exit *e = hvc_out;

	hvc_child_run(c, what, 0, 0);
	seq_printf(c->m, "%s reason %u value %x if %u\n", what, e->reason, e->io_value,
		   !!(e->rflags & 0x200));
}

static void slot_line(struct seq_file *m, const char *what, const u8 *mem)
{
	const struct hv_synic_message *s = (const void *)(mem + SIMP_OFF + VMBUS_SINT * 256);

	seq_printf(m, "%s type %u size %u flags %u payload %.*s\n", what, s->message_type,
		   s->payload_size, s->flags, (int)min_t(u32, s->payload_size, 16),
		   (const char *)s->payload);
}

static void bad_posts(struct seq_file *m, u64 id)
{
	seq_printf(m, "post_bad_sint status %llu\n", post(id, 0, 16, 1, 1, "x", 0, 0));
	seq_printf(m, "post_bad_type0 status %llu\n", post(id, 0, 2, 0, 1, "x", 0, 0));
	seq_printf(m, "post_bad_type_hv status %llu\n", post(id, 0, 2, 0x80000001u, 1, "x", 0, 0));
	seq_printf(m, "post_bad_size status %llu\n", post(id, 0, 2, 1, 241, "x", 0, 0));
	seq_printf(m, "post_bad_vtl status %llu\n", post(id, 0, 2, 1, 1, "x", 1, 0));
	seq_printf(m, "post_bad_flags status %llu\n", post(id, 0, 2, 1, 1, "x", 0, 1));
	seq_printf(m, "post_bad_vp status %llu\n", post(id, 1, 2, 1, 1, "x", 0, 0));
	seq_printf(m, "post_bad_partition status %llu\n", post(id + 1000, 0, 2, 1, 1, "x", 0, 0));
	seq_printf(m, "post_root status %llu\n", post(HV_PARTITION_ID_ROOT, 0, 2, 1, 1, "x", 0, 0));
	seq_printf(m, "post_masked_sint status %llu\n", post(id, 0, 3, 1, 1, "x", 0, 0));
}

static void bad_connections(struct seq_file *m, u64 id)
{
	u32 i;
	u64 st = 0;

	seq_printf(m, "conn_msg status %llu\n", connect(id, 1, 1, HV_CONNECTION_MESSAGE));
	seq_printf(m, "conn_overlap status %llu\n", connect(id, 1, 2, HV_CONNECTION_EVENT));
	seq_printf(m, "conn_event status %llu\n", connect(id, 0x10001, 2047, HV_CONNECTION_EVENT));
	seq_printf(m, "conn_bad_type status %llu\n", connect(id, 5, 1, 3));
	seq_printf(m, "conn_zero status %llu\n", connect(id, 0, 1, HV_CONNECTION_MESSAGE));
	seq_printf(m, "conn_too_big status %llu\n",
		   connect(id, HV_CONNECTION_ID_MAX, 2, HV_CONNECTION_MESSAGE));
	seq_printf(m, "conn_remove_unknown status %llu\n", connect(id, 7, 0, HV_CONNECTION_NONE));
	seq_printf(m, "conn_remove status %llu\n", connect(id, 1, 0, HV_CONNECTION_NONE));
	for (i = 0; i < HV_CONNECTIONS_MAX + 1; i++) {
		st = connect(id, 100 + i, 1, HV_CONNECTION_MESSAGE);
		if (st)
			break;
	}
	seq_printf(m, "conn_table_full after %u status %llu\n", i, st);
	seq_printf(m, "conn_bad_partition status %llu\n",
		   connect(HV_PARTITION_ID_ROOT, 1, 1, HV_CONNECTION_MESSAGE));
}

/* What the root's own HvPostMessage / HvSignalEvent get: it has no connection. */
static void root_calls(struct seq_file *m)
{
	struct hv_post_message_in *in = hvc_in;

	memset(hvc_in, 0, PAGE_SIZE);
	in->connection_id = 1;
	in->message_type = 1;
	seq_printf(m, "root_post_message status %llu\n",
		   hvc_call(HV_CALL_POST_MESSAGE, hvc_in, NULL));
	seq_printf(m, "root_signal_event status %llu\n",
		   hv_do_fast_hypercall8(HV_CALL_SIGNAL_EVENT, 0x10001) & HV_STATUS_MASK);
}

static void child_prepare(struct hvc_child *c, u8 *mem)
{
	static const u32 names[] = { HV_REG_DS,	 HV_REG_DS_BASE,   HV_REG_SS,	     HV_REG_SS_BASE,
				     HV_REG_RSP, HV_REG_IDTR_BASE, HV_REG_IDTR_LIMIT };
	const u64 values[] = { 0x1000 | 0x93ull << 16 | 0xffffull << 32,
			       0x10000,
			       0x1000 | 0x93ull << 16 | 0xffffull << 32,
			       0x10000,
			       CHILD_STACK_TOP,
			       (CHILD_GFN << 12) + IVT_OFF,
			       0x3ff };
	u16 *vec = (u16 *)(mem + IVT_OFF + 0xf3 * 4);
	u16 *vec30 = (u16 *)(mem + IVT_OFF + 0x30 * 4);

	memcpy(mem + HANDLER_OFF, synic_handler, sizeof(synic_handler));
	memcpy(mem + ASSERT_HANDLER_OFF, assert_handler, sizeof(assert_handler));
	vec[0] = HANDLER_OFF; /* offset */
	vec[1] = 0x1000;      /* segment: CS base 0x10000 */
	vec30[0] = ASSERT_HANDLER_OFF;
	vec30[1] = 0x1000;
	memcpy(mem + H31_OFF, h31, sizeof(h31));
	memcpy(mem + H41_OFF, h41, sizeof(h41));
	memcpy(mem + H50_OFF, h50, sizeof(h50));
	memcpy(mem + SVR_OFF, svr_code, sizeof(svr_code));
	memcpy(mem + STIMER_OFF, stimer_code, sizeof(stimer_code));
	vec = (u16 *)(mem + IVT_OFF);
	vec[0x31 * 2] = H31_OFF;
	vec[0x41 * 2] = H41_OFF;
	vec[0x50 * 2] = H50_OFF;
	vec[0x31 * 2 + 1] = vec[0x41 * 2 + 1] = vec[0x50 * 2 + 1] = 0x1000;
	seq_printf(c->m, "set_synic_regs status %llu\n",
		   hvc_child_set(c, names, values, ARRAY_SIZE(names)));
}

static void synic_runs(struct hvc_child *c, u8 *mem)
{
	struct seq_file *m = c->m;
	const u8 *events = mem + SIEFP_OFF + VMBUS_SINT * 256;
	u8 newly = 0xee;
	u32 i;
	u64 st = 0;

	run(c, "setup");
	run(c, "idle");
	bad_posts(m, c->id);
	seq_printf(m, "post1 status %llu\n", post(c->id, 0, 2, 1, 5, "hello", 0, 0));
	slot_line(m, "slot1", mem);
	seq_printf(m, "post2 status %llu\n", post(c->id, 0, 2, 1, 5, "world", 0, 0));
	slot_line(m, "slot1_busy", mem);
	run(c, "irq1"); /* the handler freed the slot and wrote EOM: message 2 moved in */
	slot_line(m, "slot2", mem);
	run(c, "irq2"); /* message 2's own interrupt, taken after the IRET */
	run(c, "idle2");
	seq_printf(m, "signal_bad_flag status %llu\n", signal(c->id, 0, 2, 2048, &newly));
	seq_printf(m, "signal_bad_sint status %llu\n", signal(c->id, 0, 16, 5, &newly));
	seq_printf(m, "signal_masked status %llu\n", signal(c->id, 0, 3, 5, &newly));
	seq_printf(m, "signal_bad_vp status %llu\n", signal(c->id, 7, 2, 5, &newly));
	st = signal(c->id, 0, 2, 5, &newly);
	seq_printf(m, "signal1 status %llu newly %u\n", st, newly);
	st = signal(c->id, 0, 2, 5, &newly);
	seq_printf(m, "signal_again status %llu newly %u\n", st, newly);
	seq_printf(m, "event_byte %x\n", events[0]);
	run(c, "irq3");
	run(c, "idle3");
	seq_printf(m, "assert_bad_vector status %llu\n", assert_irq(c->id, 0, 15, 0));
	seq_printf(m, "assert_bad_type status %llu\n", assert_irq(c->id, 0, 0x30, 1));
	seq_printf(m, "assert_bad_dest status %llu\n", assert_irq(c->id, 1, 0x30, 0));
	seq_printf(m, "assert status %llu\n", assert_irq(c->id, 0, 0x30, 0));
	seq_printf(m, "assert_again status %llu\n", assert_irq(c->id, 0, 0x30, 0));
	run(c, "assert_irq");
	run(c, "idle4"); /* asserted twice before it was taken: one interrupt */
	for (i = 0; i < HV_SYNIC_QUEUE_DEPTH + 2; i++) {
		st = post(c->id, 0, 2, 1, 1, "q", 0, 0);
		if (st)
			break;
	}
	seq_printf(m, "queue_full after %u status %llu\n", i, st);
}

static void set_rip(struct hvc_child *c, u64 rip)
{
	static const u32 name[] = { HV_REG_RIP };

	hvc_child_set(c, name, &rip, 1);
}

/* The x2APIC once the child enables it: an interrupt in service blocks its class until EOI,
 * a higher class nests, EOI lets the blocked one in; then synthetic timer 0 in direct mode. */
static void apic_runs(struct hvc_child *c)
{
	struct seq_file *m = c->m;
	const struct hv_run_vp_exit *e = hvc_out;
	u64 deadline, now;
	int waited = 0, i;

	/* The SynIC part left messages queued: let the child take them all first (each of its
	 * interrupts frees the slot and ends in an OUT), so that none is in service later. */
	for (i = 0; i < 40 && hvc_child_run(c, "drain", 0, 0) != HV_RUN_EXIT_HALT; i++)
		;
	seq_printf(m, "drained %d\n", i < 40);
	set_rip(c, SVR_OFF);
	run(c, "apic_enable");
	set_rip(c, IDLE_RIP);
	assert_irq(c->id, 0, 0x31, 0);
	run(c, "apic_n1");
	assert_irq(c->id, 0, 0x31, 0);
	run(c, "apic_blocked"); /* 0x31 in service, no EOI: the second waits */
	assert_irq(c->id, 0, 0x41, 0);
	run(c, "apic_f");  /* a higher class nests; its handler EOIs itself and 0x31 */
	run(c, "apic_n2"); /* the waiting 0x31 comes in after the IRET */
	run(c, "apic_idle");
	set_rip(c, STIMER_OFF);
	run(c, "stimer_armed");
	deadline = e->timer_deadline;
	rdmsrl(0x40000020, now);
	seq_printf(m, "stimer_deadline ahead %u\n", deadline > now && deadline - now <= 5000000);
	set_rip(c, IDLE_RIP);
	run(c, "stimer_wait"); /* halts: the deadline is the root's to wait for */
	seq_printf(m, "stimer_wait_deadline same %u\n", e->timer_deadline == deadline);
	do {
		usleep_range(1000, 2000);
		rdmsrl(0x40000020, now);
	} while (now < deadline && ++waited < 1000);
	run(c, "stimer_fired");
	run(c, "stimer_idle");
	seq_printf(m, "stimer_after deadline %llu\n", e->timer_deadline);
}

static int synic_show(struct seq_file *m, void *unused)
{
	struct hv_run_vp_in *r = hvc_in;
	struct hvc_child c;

	if (hvc_child_begin(m, &c))
		return -ENOMEM;
	root_calls(m);
	hvc_child_setup(&c, c.mem, synic_code, sizeof(synic_code));
	child_prepare(&c, page_address(c.mem));
	seq_printf(m, "post_before_synic status %llu\n", post(c.id, 0, 2, 1, 1, "x", 0, 0));
	memset(hvc_in, 0, PAGE_SIZE);
	r->partition_id = c.id;
	r->flags = HV_RUN_COMPLETE_HYPERCALL;
	seq_printf(m, "run_complete_without_call status %llu\n",
		   hvc_call(HV_CALL_RUN_VP, hvc_in, hvc_out));
	synic_runs(&c, page_address(c.mem));
	apic_runs(&c);
	bad_connections(m, c.id);
	hvc_child_end(&c);
	return 0;
}

static int synic_open(struct inode *inode, struct file *file)
{
	return single_open(file, synic_show, inode->i_private);
}

const struct file_operations hvc_synic_fops = {
	.owner = THIS_MODULE,
	.open = synic_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};
