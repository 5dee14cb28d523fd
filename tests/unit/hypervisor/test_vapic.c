/* SPDX-License-Identifier: MIT */
/* A child VP's x2APIC (hypervisor/arch/x86/vapic.c) on the host: interrupt priority through
 * V_IRQ, ISR and EOI, the Hyper-V register aliases, and the EOI assist of the VP assist page
 * (the waived EOI carried out at the next exit, taken back when another interrupt comes). The
 * CPU taking the virtual interrupt is played by clearing V_IRQ, as the hardware does. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "synic_host.h"
#include "svm.h"

#define X2APIC_TPR  0x808u
#define X2APIC_PPR  0x80au
#define X2APIC_EOI  0x80bu
#define X2APIC_SVR  0x80fu
#define X2APIC_ISR0 0x810u
#define X2APIC_IRR0 0x820u
#define HV_MSR_EOI  0x40000070u
#define HV_MSR_ICR  0x40000071u
#define HV_MSR_TPR  0x40000072u
#define ASSIST_GPA  (3u * PAGE_SIZE)

static struct vmcb *vmcb;

static int setup(void **state)
{
	(void)state;
	synic_host_reset();
	vmcb = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	assert_non_null(vmcb);
	memset(vmcb, 0, PAGE_SIZE);
	sh.vp->arch.vmcb = vmcb;
	vapic_init(sh.vp);
	assert_true(vapic_msr_write(sh.vp, X2APIC_SVR, 0x1ff)); /* software-enabled */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(vmcb);
	synic_host_free();
	return 0;
}

static void raise(u32 vec)
{
	assert_true(vapic_msr_write(sh.vp, 0x83f, vec)); /* SELF_IPI */
}

static u32 injected(void)
{
	return (vmcb->ctl.int_ctl & V_IRQ) ? (u32)(vmcb->ctl.int_ctl >> V_INTR_VECTOR_SHIFT) & 0xff
					   : 0;
}

/* The CPU takes the virtual interrupt; then the VP exits (vapic_sync). */
static void take_and_exit(void)
{
	vmcb->ctl.int_ctl &= ~V_IRQ;
	vapic_sync(sh.vp);
}

static u64 rd(u32 msr)
{
	u64 v = 0;
	assert_true(vapic_msr_read(sh.vp, msr, &v));
	return v;
}

static bool in_service(u32 vec)
{
	return rd(X2APIC_ISR0 + vec / 32) & (1u << (vec % 32));
}

static volatile u32 *assist_word(void)
{
	return (volatile u32 *)(sh.ram + ASSIST_GPA);
}

static void test_priority_and_eoi(void **state)
{
	(void)state;
	raise(0x41);
	raise(0xed);
	vapic_prepare_entry(sh.vp);
	assert_int_equal(injected(), 0xed); /* the higher class first */
	take_and_exit();
	assert_true(in_service(0xed));
	assert_int_equal(rd(X2APIC_PPR), 0xe0);
	vapic_prepare_entry(sh.vp);
	assert_int_equal(injected(), 0); /* 0x41 waits below the PPR */
	assert_false(vapic_msr_write(sh.vp, X2APIC_EOI, 1)); /* x2APIC: non-zero EOI is #GP */
	assert_true(vapic_msr_write(sh.vp, HV_MSR_EOI, 0)); /* the Hyper-V alias */
	assert_false(in_service(0xed));
	vapic_prepare_entry(sh.vp);
	assert_int_equal(injected(), 0x41);
	assert_false(vapic_msr_read(sh.vp, HV_MSR_EOI, &(u64){ 0 })); /* write-only */
}

static void test_aliases(void **state)
{
	(void)state;
	assert_true(vapic_msr_write(sh.vp, HV_MSR_TPR, 0x50));
	assert_int_equal(rd(X2APIC_TPR), 0x50);
	assert_int_equal(vmcb->ctl.int_ctl & 0xf, 5); /* V_TPR */
	/* ICR in the xAPIC layout: fixed vector 0x66 to APIC id 0 (bits 63:56) is a self IPI. */
	assert_true(vapic_msr_write(sh.vp, HV_MSR_ICR, 0x66));
	assert_true(rd(X2APIC_IRR0 + 3) & (1u << (0x66 % 32)));
	assert_int_equal(rd(HV_MSR_ICR), 0x66);
	/* to APIC id 1: nobody (one VP) */
	assert_true(vapic_msr_write(sh.vp, HV_MSR_ICR, 1ull << 56 | 0x67));
	assert_false(rd(X2APIC_IRR0 + 3) & (1u << (0x67 % 32)));
	assert_int_equal(rd(HV_MSR_ICR) >> 56, 1);
}

static void test_eoi_assist_waived(void **state)
{
	(void)state;
	sh.vp->vp_assist_msr = ASSIST_GPA | 1;
	raise(0xed);
	vapic_prepare_entry(sh.vp);
	assert_int_equal(injected(), 0xed);
	assert_int_equal(*assist_word(), 1); /* no EOI required */
	vapic_sync(sh.vp); /* an exit before the CPU took it: nothing changes */
	assert_int_equal(*assist_word(), 1);
	take_and_exit(); /* in the handler, EOI not reached yet */
	assert_true(in_service(0xed));
	assert_int_equal(*assist_word(), 1);
	vapic_prepare_entry(sh.vp); /* an exit inside the handler (its timer MSR write) */
	assert_int_equal(*assist_word(), 1);
	vapic_sync(sh.vp);
	*assist_word() = 0; /* Linux's hv_apic_eoi_write: exchange, bit set, no MSR write */
	vapic_sync(sh.vp);  /* the next exit carries the EOI out */
	assert_false(in_service(0xed));
	assert_int_equal(rd(X2APIC_PPR), 0);
}

static void test_eoi_assist_taken_back(void **state)
{
	(void)state;
	sh.vp->vp_assist_msr = ASSIST_GPA | 1;
	raise(0xed);
	vapic_prepare_entry(sh.vp);
	take_and_exit();
	assert_int_equal(*assist_word(), 1);
	raise(0xf3); /* another interrupt while 0xed is in service, EOI not done */
	vapic_prepare_entry(sh.vp);
	assert_int_equal(*assist_word(), 0); /* the guest must write its EOI after all */
	assert_int_equal(injected(), 0xf3);
	take_and_exit();
	assert_true(in_service(0xed) && in_service(0xf3));
	assert_true(vapic_msr_write(sh.vp, X2APIC_EOI, 0)); /* 0xf3 */
	assert_true(vapic_msr_write(sh.vp, X2APIC_EOI, 0)); /* 0xed */
	assert_false(in_service(0xed) || in_service(0xf3));
}

static void test_eoi_assist_done_before_next(void **state)
{
	(void)state;
	sh.vp->vp_assist_msr = ASSIST_GPA | 1;
	raise(0xed);
	vapic_prepare_entry(sh.vp);
	vmcb->ctl.int_ctl &= ~V_IRQ; /* taken ... */
	*assist_word() = 0;	     /* ... and its EOI waived, all without an exit */
	raise(0xf3);		     /* the next exit brings another interrupt */
	vapic_sync(sh.vp);
	vapic_prepare_entry(sh.vp);
	assert_false(in_service(0xed)); /* the waived EOI came first */
	assert_int_equal(injected(), 0xf3);
}

static void test_eoi_assist_not_offered(void **state)
{
	(void)state;
	raise(0xed); /* no assist page */
	vapic_prepare_entry(sh.vp);
	take_and_exit();
	assert_true(in_service(0xed));
	assert_true(vapic_msr_write(sh.vp, X2APIC_EOI, 0));
	sh.vp->vp_assist_msr = ASSIST_GPA | 1;
	raise(0xed);
	raise(0x41); /* something else waits: the EOI must happen for it */
	vapic_prepare_entry(sh.vp);
	assert_int_equal(injected(), 0xed);
	assert_int_equal(*assist_word(), 0);
	/* an assist page the child cannot write is never used */
	take_and_exit();
	assert_true(vapic_msr_write(sh.vp, X2APIC_EOI, 0));
	vapic_prepare_entry(sh.vp); /* 0x41 */
	take_and_exit();
	assert_true(vapic_msr_write(sh.vp, X2APIC_EOI, 0));
	sh.vp->vp_assist_msr = (u64)(SH_PAGES - 1) * PAGE_SIZE | 1; /* read-only page */
	raise(0xed);
	vapic_prepare_entry(sh.vp);
	assert_int_equal(injected(), 0xed);
	take_and_exit();
	assert_true(in_service(0xed)); /* not waived: the guest writes its EOI */
}

static void test_eoi_assist_page_moved(void **state)
{
	(void)state;
	sh.vp->vp_assist_msr = ASSIST_GPA | 1;
	raise(0xed);
	vapic_prepare_entry(sh.vp);
	take_and_exit();
	vapic_assist_page_changing(sh.vp); /* the guest moves its page before its EOI */
	assert_int_equal(*assist_word(), 0);
	sh.vp->vp_assist_msr = 0;
	vapic_sync(sh.vp);
	assert_true(in_service(0xed)); /* it will write the EOI MSR */
	assert_true(vapic_msr_write(sh.vp, X2APIC_EOI, 0));
	assert_false(in_service(0xed));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_priority_and_eoi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aliases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eoi_assist_waived, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eoi_assist_taken_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eoi_assist_done_before_next, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eoi_assist_not_offered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eoi_assist_page_moved, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
