/* SPDX-License-Identifier: MIT */
/* EVA harness of the hypercall dispatcher and the root's partition hypercalls
 * (hypervisor/core/hypercall.c, partition.c): the control word (any call code, the fast flag,
 * rep count and start, every reserved bit), the input and output GPAs, every byte of the
 * root's input and output pages, and whether the caller is the root or a child are unknown.
 * The root's hypercall pages are two arrays at IN_GPA / OUT_GPA (any other GPA a call names
 * as its input or output is a page of root RAM or nothing). Root RAM is ROOT_PAGES pages of
 * absolute memory from ROOT_RAM (the hypervisor maps RAM 1:1 and reaches the deposit list and
 * a VP's page through their physical addresses: -absolute-valid-range makes exactly these
 * valid). What the code reaches outside the two files is stubbed below: hv_root_gpa accepts
 * any page of root RAM not deposited (or refuses it, as if deposited meanwhile); the SynIC
 * calls (proved in proof.hv_synic) read their whole input and return any status; the arch
 * layer's child NPT and VP calls return any status (get writes any value), run writes any
 * exit record; the log formats its arguments (stubs/printf.c).
 *
 * The call analysed starts from a state the real calls build with known arguments: two
 * children, one with a VP (its page and VMCB from its deposit) and an empty list, the other
 * with two pages on its list. The list's links and the VP's fields are then at known
 * addresses. A second unknown call is not analysed: after a deposit of pages from unknown
 * PFNs EVA joins the list's pages with the VP's, whose first word (a pointer) it then reads
 * as a link (a relation between a page's role and its address that EVA cannot keep). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "__fc_builtin.h"
#include "core.h"

#define ROOT_RAM    0x1000ull /* page 1: a join with 0 (an empty list) adds no other page */
#define ROOT_PAGES  15u
#define ROOT_END    (ROOT_RAM + ROOT_PAGES * PAGE_SIZE)
#define KNOWN_PAGES 4u /* deposited while the harness builds its state: never the root's again */
#define IN_GPA	    0x100000000ull
#define OUT_GPA	    (IN_GPA + PAGE_SIZE)

/* While the harness builds its starting state: the one root page its call deposits (0: any). */
static u64 known_page;
static u8 in_page[PAGE_SIZE] __attribute__((aligned(4096)));
static u8 out_page[PAGE_SIZE] __attribute__((aligned(4096)));
static struct hv_partition root_part, child_part;
static struct hv_cpu cpu;
u64 hv_hypercall_count;

/* ---- what the code reaches outside hypercall.c and partition.c ---- */

static u64 any64(void)
{
	return Frama_C_unsigned_long_interval(0, 0xffffffffffffffffull);
}

static u64 any_status(void)
{
	return Frama_C_unsigned_long_interval(0, 0xffff);
}

/* Root RAM, not the hypervisor's, not deposited: the hypercall pages, or a page of ROOT_RAM
 * (while the harness builds its state, exactly the page it deposits). */
void *hv_root_gpa(u64 gpa, u64 len)
{
	if (len > PAGE_SIZE)
		return NULL;
	if (gpa == IN_GPA)
		return in_page;
	if (gpa == OUT_GPA)
		return out_page;
	if (known_page) {
		if (gpa != known_page)
			return NULL;
		return (void *)(uintptr_t)gpa;
	}
	if (gpa < ROOT_RAM + KNOWN_PAGES * PAGE_SIZE || gpa > ROOT_END - len)
		return NULL; /* not RAM, or deposited by the harness's own calls */
	if (Frama_C_nondet(0, 1))
		return NULL; /* deposited by the call analysed */
	return (void *)(uintptr_t)gpa;
}

u64 hv_pa(const void *p)
{
	return (u64)(uintptr_t)p;
}

void hv_log(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
}

u64 hv_log_read(u64 offset, char *out, u32 max, u64 *start, u32 *len)
{
	(void)offset;
	Frama_C_make_unknown(out, max);
	*start = any64();
	*len = Frama_C_unsigned_int_interval(0, max);
	return any64();
}

void hv_stats_fill(struct hv_stats *s)
{
	Frama_C_make_unknown((char *)s, sizeof(*s));
}

void hv_self_check(struct hv_self_check *out)
{
	Frama_C_make_unknown((char *)out, sizeof(*out));
}

/* The root's hypercall pages stay its own; any other may fail to split (-2). */
int arch_root_take_page(u64 pa)
{
	if (pa >= ROOT_END)
		return -1;
	if (known_page)
		return 0;
	return Frama_C_interval(-2, 0);
}

void arch_root_give_page(u64 pa)
{
	(void)pa;
}

u64 arch_child_map(struct hv_partition *p, u64 gfn, u64 pfn, u32 flags)
{
	(void)p, (void)gfn, (void)pfn, (void)flags;
	return any_status();
}

void arch_child_unmap(struct hv_partition *p, u64 gfn)
{
	(void)p, (void)gfn;
}

void arch_child_release(struct hv_partition *p)
{
	p->arch.npt_root = 0;
}

/* As child_vp.c: the VMCB page recorded in the VP (its contents are the arch layer's). */
void arch_vp_init(struct hv_vp *vp, u64 vmcb_pa)
{
	vp->arch.vmcb = (struct vmcb *)(uintptr_t)vmcb_pa;
	vp->arch.vmcb_pa = vmcb_pa;
}

u64 arch_vp_get_reg(struct hv_vp *vp, u32 name, u64 *value)
{
	/*@ assert name < HV_REG_COUNT; */
	(void)vp;
	*value = any64();
	return any_status();
}

u64 arch_vp_set_reg(struct hv_vp *vp, u32 name, u64 value)
{
	/*@ assert name < HV_REG_COUNT; */
	(void)vp, (void)value;
	return any_status();
}

u64 arch_vp_run(struct hv_cpu *c, struct hv_vp *vp, u32 flags, u64 io_in_value,
		struct hv_run_vp_exit *out)
{
	(void)c, (void)flags, (void)io_in_value;
	/*@ assert vp->part->in_use; */
	Frama_C_make_unknown((char *)out, sizeof(*out));
	return any_status();
}

void synic_vp_init(struct hv_vp *vp)
{
	vp->synic.queued_count = 0;
}

/* The SynIC calls (proved in proof.hv_synic) read their whole input here. */
#define READS(in)                                    \
	do {                                         \
		__typeof__(*(in)) _copy;             \
		memcpy(&_copy, (in), sizeof(_copy)); \
	} while (0)

u64 hv_call_set_connection(const struct hv_connection_in *in)
{
	READS(in);
	return any_status();
}

u64 hv_call_post_message_direct(const struct hv_post_message_direct_in *in)
{
	READS(in);
	return any_status();
}

u64 hv_call_signal_event_direct(const struct hv_signal_event_direct_in *in,
				struct hv_signal_event_direct_out *out)
{
	READS(in);
	Frama_C_make_unknown((char *)out, sizeof(*out));
	return any_status();
}

u64 hv_call_assert_interrupt(const struct hv_assert_interrupt_in *in)
{
	READS(in);
	return any_status();
}

u64 synic_post_message(struct hv_cpu *c, u64 control, u64 in_gpa)
{
	(void)c, (void)control, (void)in_gpa;
	return any_status();
}

u64 synic_signal_event(struct hv_cpu *c, u64 control, u64 arg)
{
	(void)c, (void)control, (void)arg;
	return any_status();
}

/* ---- the root's calls ---- */

/* A call with known arguments (words: the input page's first words) that builds the starting
 * state. The code reads some input through volatile (any value, as if the root changed its
 * page meanwhile); the states where the call did not do what the harness asked are not
 * starting states, and end here. */
static void root_call(u64 control, const u64 *words, u32 n, u64 expect)
{
	memset(in_page, 0, PAGE_SIZE);
	memcpy(in_page, words, 8 * n);
	if (hv_hypercall(&cpu, control, IN_GPA, OUT_GPA) != expect)
		exit(0);
}

static u64 rep(u16 code, u32 count)
{
	return code | (u64)count << HV_HC_REP_COUNT_SHIFT;
}

/* Deposits root page `page` with child id, one call. The input is read through volatile
 * (any value), so the harness's stand-ins accept only that page while it builds its state:
 * the list and the VP pages are then at known addresses. */
static void known_deposit(u64 id, u64 page)
{
	u64 deposit[3] = { id, 0, page >> 12 };
	known_page = page;
	root_call(rep(HV_CALL_DEPOSIT_PAGES, 1), deposit, 3, 1ull << HV_HC_REP_COUNT_SHIFT);
	known_page = 0;
}

/* The state the unknown calls start from: child 2 with VP 0 (its page at ROOT_RAM + 4 KiB,
 * its VMCB at ROOT_RAM) and an empty deposit list; child 3 with pages 3 and 4 on its list. */
static void known_state(void)
{
	u64 create[2] = { 2, 0 };
	root_call(HV_CALL_CREATE_PARTITION, create, 2, HV_STATUS_SUCCESS);
	root_call(HV_CALL_CREATE_PARTITION, create, 2, HV_STATUS_SUCCESS);
	known_deposit(2, ROOT_RAM);
	known_deposit(2, ROOT_RAM + PAGE_SIZE);
	u64 vp[2] = { 2, 0 };
	root_call(HV_CALL_CREATE_VP, vp, 2, HV_STATUS_SUCCESS);
	known_deposit(3, ROOT_RAM + 2 * PAGE_SIZE);
	known_deposit(3, ROOT_RAM + 3 * PAGE_SIZE);
}

/* Every call code the dispatcher knows, each analysed on its own (split), then any code. */
static const u16 codes[] = {
	HV_CALL_GET_STATS,
	HV_CALL_READ_LOG,
	HV_CALL_SELF_CHECK,
	HV_CALL_CREATE_PARTITION,
	HV_CALL_DELETE_PARTITION,
	HV_CALL_DEPOSIT_PAGES,
	HV_CALL_WITHDRAW_PAGES,
	HV_CALL_MAP_GPA_PAGES,
	HV_CALL_UNMAP_GPA_PAGES,
	HV_CALL_CREATE_VP,
	HV_CALL_GET_VP_REGISTERS,
	HV_CALL_SET_VP_REGISTERS,
	HV_CALL_RUN_VP,
	HV_CALL_SET_CONNECTION,
	HV_CALL_GET_VP_STATS,
	HV_CALL_POST_MESSAGE_DIRECT,
	HV_CALL_SIGNAL_EVENT_DIRECT,
	HV_CALL_ASSERT_INTERRUPT,
	HV_CALL_POST_MESSAGE,
	HV_CALL_SIGNAL_EVENT,
};
#define NCODES (sizeof(codes) / sizeof(codes[0]))

/* One call of any code, any control bits, any GPAs and any input bytes. */
static void unknown_call(void)
{
	u32 k = Frama_C_unsigned_int_interval(0, NCODES);
	u16 code;
	//@ split k;
	code = k < NCODES ? codes[k] : (u16)Frama_C_unsigned_int_interval(0, 0xffff);
	u64 control = (any64() & ~HV_HC_CODE_MASK) | code;
	Frama_C_make_unknown((char *)in_page, PAGE_SIZE);
	Frama_C_make_unknown((char *)out_page, PAGE_SIZE);
	cpu.part = Frama_C_nondet(0, 1) ? &root_part : &child_part; /* a child is refused */
	u64 in_gpa = Frama_C_nondet(0, 1) ? IN_GPA : any64();
	u64 out_gpa = Frama_C_nondet(0, 1) ? OUT_GPA : any64();
	hv_hypercall(&cpu, control, in_gpa, out_gpa);
}

int main(void)
{
	root_part.is_root = true;
	root_part.id = HV_PARTITION_ID_ROOT;
	cpu.part = &root_part;
	memset((void *)(uintptr_t)ROOT_RAM, 0, ROOT_END - ROOT_RAM);
	child_part.id = 2;
	known_state();
	unknown_call();
	return 0;
}
