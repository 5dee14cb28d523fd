/* SPDX-License-Identifier: MIT */
/* SynIC for the test guest (synic.h): set-up in Linux's order (hyperv_init, then hv_synic_enable_regs:
 * guest OS id, hypercall page, SIMP, SIEFP, SINT 2, SCONTROL), the interrupt handler that
 * empties SINT 2's message slot and event flags, the sleep, and the two hypercalls. */
#include "synic.h"

#include "hv/abi.h"
#include "testguest.h"

#define MSR_GUEST_OS_ID	       0x40000000u
#define MSR_HYPERCALL	       0x40000001u
#define MSR_TIME_REF_COUNT     0x40000020u
#define GUEST_OS_ID	       0x8000000074657374ull /* open source (bit 63), "test" */
#define FEATURE_REF_COUNTER    (1u << 1)	     /* CPUID 0x40000003 EAX */
#define FEATURE_SYNIC	       (1u << 2)
#define FEATURE_HYPERCALL      (1u << 5)
#define VMBUS_MESSAGE_TYPE_MAX 0x7fffffffu /* above: the hypervisor's own types */

static uint8_t hc_page[4096] __attribute__((aligned(4096)));
/* HvPostMessage's input: 8-byte aligned and not crossing a page (256 bytes aligned to 256). */
static struct hv_post_message_in post_in __attribute__((aligned(256)));
static volatile struct hv_synic_message *simp;
static volatile uint64_t *sint_flags; /* SINT 2's 2048 bits in the event-flags page */
static struct tg_synic_ops ops;
static bool have_ref_counter;
struct tg_synic_stats tg_synic_stats;

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

/* Through the hypercall page: RCX = control, RDX = input, R8 = output; RAX = result. The
 * contract preserves every register but RAX and R8-R11. */
static uint64_t hypercall(uint64_t control, uint64_t in, uint64_t out)
{
	register uint64_t r8 __asm__("r8") = out;
	uint64_t rax;

	__asm__ volatile("call *%[page]"
			 : "=a"(rax), "+c"(control), "+d"(in), "+r"(r8)
			 : [page] "r"(hc_page)
			 : "r9", "r10", "r11", "memory", "cc");
	return rax;
}

static const char *hyperv_features(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	if (!(r[2] & (1u << 31)))
		return "no SynIC: CPUID 0x40000003 EAX bit 2 clear (no hypervisor: CPUID 1 ECX bit "
		       "31 clear)";
	cpuid(HV_CPUID_VENDOR_MAX, 0, r);
	if (r[0] < HV_CPUID_FEATURES || r[1] != 0x7263694d || r[2] != 0x666f736f ||
	    r[3] != 0x76482074)
		return tg_whyf("no SynIC: CPUID 0x40000003 EAX bit 2 clear (leaf 0x40000000: "
			       "max 0x%x, not \"Microsoft Hv\")",
			       r[0]);
	cpuid(HV_CPUID_FEATURES, 0, r);
	if (!(r[0] & FEATURE_SYNIC))
		return tg_whyf("no SynIC: CPUID 0x40000003 EAX bit 2 clear (features 0x%x)", r[0]);
	if (!(r[0] & FEATURE_HYPERCALL))
		return tg_whyf("no hypercall MSRs: CPUID 0x40000003 EAX bit 5 clear (features "
			       "0x%x)",
			       r[0]);
	have_ref_counter = r[0] & FEATURE_REF_COUNTER;
	return NULL;
}

/* Writes msr = v and reads it back; NULL or why not. */
static const char *set_msr(uint32_t msr, const char *name, uint64_t v)
{
	uint64_t back = 0;
	uint32_t f;

	if ((f = safe_wrmsr(msr, v)) != TG_NO_FAULT)
		return tg_whyf("writing %s (MSR 0x%x) = 0x%lx raised exception %u", name, msr, v,
			       f);
	if ((f = safe_rdmsr(msr, &back)) != TG_NO_FAULT)
		return tg_whyf("reading %s (MSR 0x%x) raised exception %u", name, msr, f);
	if (back != v)
		return tg_whyf("%s (MSR 0x%x) reads 0x%lx after writing 0x%lx", name, msr, back, v);
	return NULL;
}

static const char *enable_hypercall_page(void)
{
	const char *why;
	uint32_t f;

	if ((f = safe_wrmsr(MSR_GUEST_OS_ID, GUEST_OS_ID)) != TG_NO_FAULT)
		return tg_whyf("writing the guest OS id MSR raised exception %u", f);
	if ((why = set_msr(MSR_HYPERCALL, "HYPERCALL", (uint64_t)hc_page | 1)))
		return why;
	for (int i = 0; i + 2 < 16; i++)
		if (hc_page[i] == 0x0f && hc_page[i + 1] == 0x01 && hc_page[i + 2] == 0xd9)
			return NULL;
	return "no VMMCALL (0f 01 d9) in the first 16 bytes of the hypercall page";
}

/* SINT 2's message slot: copy out, free the slot, EOM if more wait (Linux's
 * vmbus_signal_eom: the pending flag is read after the slot is freed). Bounded: the
 * hypervisor may refill the slot at each EOM. */
static bool deliver_messages(void)
{
	volatile struct hv_synic_message *slot = &simp[TG_SYNIC_SINT];
	uint8_t buf[HV_MESSAGE_PAYLOAD_MAX];
	bool any = false;

	for (uint32_t n = 0; n < HV_SYNIC_QUEUE_DEPTH + 1; n++) {
		uint32_t type = slot->message_type, size = slot->payload_size;
		if (type == 0)
			break;
		if (size > HV_MESSAGE_PAYLOAD_MAX)
			size = HV_MESSAGE_PAYLOAD_MAX; /* never trust the slot's size */
		for (uint32_t i = 0; i < size; i++)
			buf[i] = slot->payload[i];
		slot->message_type = 0;
		/* the free slot must be visible before the hypervisor looks at it on EOM */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (slot->flags & HV_MESSAGE_PENDING) {
			wrmsr(HV_SYNIC_MSR_EOM, 0);
			tg_synic_stats.eoms++;
		}
		if (type <= VMBUS_MESSAGE_TYPE_MAX) {
			tg_synic_stats.messages++;
			ops.on_message(ops.ctx, buf, size);
		} else {
			tg_synic_stats.foreign++;
		}
		any = true;
	}
	return any;
}

/* SINT 2's event flags: each word taken whole with an atomic exchange, so a bit the
 * hypervisor sets meanwhile is either in this word or stays for the next look. */
static bool deliver_events(void)
{
	bool any = false;

	for (uint32_t w = 0; w < HV_EVENT_FLAGS_PER_SINT / 64; w++) {
		uint64_t bits;
		if (!__atomic_load_n(&sint_flags[w], __ATOMIC_RELAXED))
			continue;
		bits = __atomic_exchange_n(&sint_flags[w], 0, __ATOMIC_SEQ_CST);
		while (bits) {
			uint32_t b = (uint32_t)__builtin_ctzll(bits);
			bits &= bits - 1;
			tg_synic_stats.events++;
			ops.on_event(ops.ctx, w * 64 + b);
		}
		any = true;
	}
	return any;
}

bool synic_deliver(void)
{
	bool m = deliver_messages();
	bool e = deliver_events();
	return m || e;
}

/* The interrupt: no local APIC, so no EOI; one injection per raise (edge). */
static void synic_irq(void)
{
	tg_synic_stats.interrupts++;
	if (!synic_deliver())
		tg_synic_stats.spurious++;
}

void synic_wait(void)
{
	if (synic_deliver()) {
		tg_synic_stats.polled++;
		return;
	}
	tg_synic_stats.halts++;
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

const char *synic_init(const struct tg_synic_ops *o, uint64_t simp_pfn, uint64_t siefp_pfn)
{
	const char *why;

	if ((why = hyperv_features()) || (why = enable_hypercall_page()))
		return why;
	ops = *o;
	simp = (volatile struct hv_synic_message *)(simp_pfn << 12);
	sint_flags = (volatile uint64_t *)((siefp_pfn << 12) + TG_SYNIC_SINT * 256);
	if (!traps_set_irq(TG_IRQ_VMBUS, synic_irq))
		return "no interrupt stub for the VMBus vector";
	if ((why = set_msr(HV_SYNIC_MSR_SIMP, "SIMP", simp_pfn << 12 | 1)) ||
	    (why = set_msr(HV_SYNIC_MSR_SIEFP, "SIEFP", siefp_pfn << 12 | 1)) ||
	    (why = set_msr(HV_SYNIC_MSR_SINT0 + TG_SYNIC_SINT, "SINT2", TG_IRQ_VMBUS)) ||
	    (why = set_msr(HV_SYNIC_MSR_SCONTROL, "SCONTROL", 1)))
		return why;
	return NULL;
}

uint16_t synic_post(uint32_t connection_id, uint32_t type, const void *payload, uint32_t size)
{
	const uint8_t *p = payload;

	post_in.connection_id = connection_id;
	post_in.reserved0 = 0;
	post_in.message_type = type;
	post_in.payload_size = size;
	for (uint32_t i = 0; i < size && i < HV_MESSAGE_PAYLOAD_MAX; i++)
		post_in.payload[i] = p[i];
	tg_synic_stats.posts++;
	return (uint16_t)(hypercall(HV_CALL_POST_MESSAGE, (uint64_t)&post_in, 0) & HV_STATUS_MASK);
}

uint16_t synic_signal(uint32_t connection_id, uint16_t flag)
{
	tg_synic_stats.signals++;
	return (uint16_t)(hypercall(HV_CALL_SIGNAL_EVENT | HV_HC_FAST,
				    connection_id | (uint64_t)flag << 32, 0) &
			  HV_STATUS_MASK);
}

uint64_t synic_reference_time(void)
{
	return have_ref_counter ? rdmsr(MSR_TIME_REF_COUNT) : 0;
}
