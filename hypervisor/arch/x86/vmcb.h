/* SPDX-License-Identifier: MIT */
/* The VMCB (AMD APM vol. 2, appendix B): control area, state save area, intercept bits,
 * exit codes and event-injection encoding used by this hypervisor. */
#ifndef HV_ARCH_VMCB_H
#define HV_ARCH_VMCB_H

#include <stdint.h>
#include "bootinfo.h"

struct __attribute__((packed)) vmcb_control {
	uint16_t cr_read, cr_write, dr_read, dr_write; /* 0x000 */
	uint32_t exceptions;			       /* 0x008 */
	uint32_t intercept1;			       /* 0x00c */
	uint32_t intercept2;			       /* 0x010 */
	uint8_t reserved0[0x3c - 0x14];
	uint16_t pause_threshold, pause_count; /* 0x03c */
	uint64_t iopm_pa;		       /* 0x040 */
	uint64_t msrpm_pa;		       /* 0x048 */
	uint64_t tsc_offset;		       /* 0x050 */
	uint32_t asid;			       /* 0x058 */
	uint8_t tlb_control;		       /* 0x05c */
	uint8_t reserved1[3];
	uint64_t int_ctl;	/* 0x060 */
	uint64_t int_shadow;	/* 0x068 */
	uint64_t exit_code;	/* 0x070 */
	uint64_t exit_info1;	/* 0x078 */
	uint64_t exit_info2;	/* 0x080 */
	uint64_t exit_int_info; /* 0x088 */
	uint64_t np_enable;	/* 0x090 */
	uint8_t reserved2[0xa8 - 0x98];
	uint64_t event_inj; /* 0x0a8 */
	uint64_t n_cr3;	    /* 0x0b0 */
	uint64_t lbr_virt;  /* 0x0b8 */
	uint64_t clean;	    /* 0x0c0 */
	uint64_t next_rip;  /* 0x0c8 */
	uint8_t reserved3[0x400 - 0xd0];
};

struct __attribute__((packed)) vmcb_save {
	struct hv_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 0x400 */
	uint8_t reserved0[0x4cb - 0x4a0];
	uint8_t cpl; /* 0x4cb */
	uint32_t reserved1;
	uint64_t efer; /* 0x4d0 */
	uint8_t reserved2[0x548 - 0x4d8];
	uint64_t cr4, cr3, cr0, dr7, dr6, rflags, rip; /* 0x548 */
	uint8_t reserved3[0x5d8 - 0x580];
	uint64_t rsp; /* 0x5d8 */
	uint8_t reserved4[0x5f8 - 0x5e0];
	uint64_t rax; /* 0x5f8 */
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t cr2; /* 0x640 */
	uint8_t reserved5[0x668 - 0x648];
	uint64_t g_pat; /* 0x668 */
	uint64_t dbgctl;
	uint8_t reserved6[0x1000 - 0x678];
};

struct vmcb {
	struct vmcb_control ctl;
	struct vmcb_save save;
};
_Static_assert(sizeof(struct vmcb_control) == 0x400, "VMCB control area");
_Static_assert(__builtin_offsetof(struct vmcb, save.efer) == 0x4d0, "VMCB EFER");
_Static_assert(__builtin_offsetof(struct vmcb, save.rip) == 0x578, "VMCB RIP");
_Static_assert(__builtin_offsetof(struct vmcb, save.rax) == 0x5f8, "VMCB RAX");
_Static_assert(__builtin_offsetof(struct vmcb, save.g_pat) == 0x668, "VMCB G_PAT");
_Static_assert(sizeof(struct vmcb) == 4096, "VMCB is one page");

/* intercept1 (VMCB 0x00c) */
#define INTERCEPT_INTR	   (1u << 0)
#define INTERCEPT_NMI	   (1u << 1)
#define INTERCEPT_INIT	   (1u << 3)
#define INTERCEPT_CPUID	   (1u << 18)
#define INTERCEPT_INVD	   (1u << 22)
#define INTERCEPT_HLT	   (1u << 24)
#define INTERCEPT_INVLPGA  (1u << 26)
#define INTERCEPT_IOIO	   (1u << 27)
#define INTERCEPT_MSR	   (1u << 28)
#define INTERCEPT_SHUTDOWN (1u << 31)
/* intercept2 (VMCB 0x010) */
#define INTERCEPT_VMRUN	   (1u << 0)
#define INTERCEPT_VMMCALL  (1u << 1)
#define INTERCEPT_VMLOAD   (1u << 2)
#define INTERCEPT_VMSAVE   (1u << 3)
#define INTERCEPT_STGI	   (1u << 4)
#define INTERCEPT_CLGI	   (1u << 5)
#define INTERCEPT_SKINIT   (1u << 6)
#define INTERCEPT_WBINVD   (1u << 9)
#define INTERCEPT_MONITOR  (1u << 10)
#define INTERCEPT_MWAIT	   (1u << 11)
#define INTERCEPT_XSETBV   (1u << 13)

#define VMEXIT_EXCP_BASE 0x040
#define VMEXIT_INTR	 0x060
#define VMEXIT_NMI	 0x061
#define VMEXIT_CPUID	 0x072
#define VMEXIT_INVD	 0x076
#define VMEXIT_HLT	 0x078
#define VMEXIT_INVLPGA	 0x07a
#define VMEXIT_IOIO	 0x07b
#define VMEXIT_MSR	 0x07c
#define VMEXIT_SHUTDOWN	 0x07f
#define VMEXIT_VMRUN	 0x080
#define VMEXIT_VMMCALL	 0x081
#define VMEXIT_VMLOAD	 0x082
#define VMEXIT_VMSAVE	 0x083
#define VMEXIT_STGI	 0x084
#define VMEXIT_CLGI	 0x085
#define VMEXIT_SKINIT	 0x086
#define VMEXIT_WBINVD	 0x089
#define VMEXIT_MONITOR	 0x08a
#define VMEXIT_MWAIT	 0x08b
#define VMEXIT_XSETBV	 0x08d
#define VMEXIT_NPF	 0x400
#define VMEXIT_INVALID	 0xffffffffu /* compare the low 32 bits (TCG) */

/* int_ctl (with the interrupt vector in bits 39:32: the VMCB's V_INTR_VECTOR at 0x64). */
#define V_IRQ		    (1ull << 8)
#define V_INTR_PRIO_SHIFT   16
#define V_IGN_TPR	    (1ull << 20)
#define V_INTR_MASKING	    (1ull << 24)
#define V_INTR_VECTOR_SHIFT 32
#define EVENT_VALID	    (1ull << 31)
#define EVENT_ERR_VALID	    (1ull << 11)
#define EVENT_TYPE_EXCP	    (3ull << 8)
#define VEC_DB		    1
#define VEC_UD		    6
#define VEC_GP		    13

#define IOIO_IN	 (1ull << 0)
#define IOIO_STR (1ull << 2)
#define IOIO_REP (1ull << 3)

#endif
