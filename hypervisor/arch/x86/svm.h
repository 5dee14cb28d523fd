/* SPDX-License-Identifier: MIT */
/* Internal interface between the files of the x86 (SVM) arch layer: its shared state, the
 * exit handlers each file owns and the helpers they share. Nothing outside arch/x86 includes
 * it; the core sees only core/arch.h. */
#ifndef HV_ARCH_X86_SVM_H
#define HV_ARCH_X86_SVM_H

#include "core.h"
#include "insn.h"
#include "vmcb.h"

struct arch_global {
	u64 npt_root; /* nested CR3 of the root */
	u8 *msrpm, *iopm;
	bool inv_tsc;		      /* host TSC is invariant: tell the root */
	u16 log_port;		      /* the hypervisor UART the root must not reach */
	u64 efer_allowed;	      /* EFER bits the root may set (never SVME) */
	u8 phys_bits;		      /* MAXPHYADDR (CPUID 0x80000008 EAX[7:0]) */
	u64 ecam_base, ecam_size;     /* PCI ECAM window (read-only for the root), 0 if none */
	bool root_tlb_flush;	      /* the root's NPT changed: flush its TLB before it runs */
	bool host_nx;		      /* host EFER.NXE: NPT entries may carry NX */
	u32 asids;		      /* ASIDs the CPU offers (1 is the root's) */
	u8 *child_msrpm, *child_iopm; /* all ones: every MSR and port of a child exits */
};
extern struct arch_global arch;

u64 npt_build_root(void);
/* The root's 4 KiB leaf entry for a page it owns (large mappings split on the way; NULL when
 * the page is not the root's or no memory is left for the split). Bits 58:52 (ignored by the
 * CPU) mark a page mapped into a child: its slot + 1. */
#define NPT_OWNER_SHIFT 52
#define NPT_OWNER_MASK	(0x7full << NPT_OWNER_SHIFT)
u64 *npt_root_leaf4k(u64 pa);
/* child_vp.c: an exit of a child's VP (svm_handle_exit while cpu->child is set). */
void child_handle_exit(struct hv_cpu *cpu);
void child_count_exit(struct hv_cpu *cpu); /* per-VP counts by reason */
/* child_vp.c: the run ends with this exit reason (the root's call completes); before the
 * child is entered (again): its raised SINT becomes the pending virtual interrupt. */
void child_end_run(struct hv_cpu *cpu, u32 reason);
void child_prepare_entry(struct hv_cpu *cpu);
/* vapic.c: a child VP's x2APIC. sync: note an interrupt the CPU took (at every exit);
 * prepare_entry: pending vectors into IRR, the highest deliverable into V_IRQ; waiting: one is
 * in the VMCB for the child to take. */
void vapic_init(struct hv_vp *vp);
void vapic_sync(struct hv_vp *vp);
void vapic_assist_page_changing(struct hv_vp *vp);
void vapic_prepare_entry(struct hv_vp *vp);
bool vapic_interrupt_waiting(const struct hv_vp *vp);
bool vapic_is_msr(u32 msr);
bool vapic_msr_read(struct hv_vp *vp, u32 msr, u64 *val);
bool vapic_msr_write(struct hv_vp *vp, u32 msr, u64 val);
/* msr.c: a child's MSR access (its own, smaller view). */
void child_msr_exit(struct hv_cpu *cpu);
void host_tables_init(struct hv_cpu *cpu, const struct hv_boot_info *bi);
void host_tables_load(struct hv_cpu *cpu);
struct exc_frame;
/* Called by host_idt.S: panics, or returns with the frame redirected (msr_safe.S's #GP). */
void host_exception(struct exc_frame *f);
/* msr_safe.S: MSR accesses that may #GP; 0 on success, -1 on #GP. */
int rdmsr_safe(u32 msr, u64 *val);
int wrmsr_safe(u32 msr, u64 val);
extern const char rdmsr_safe_insn[], wrmsr_safe_insn[], msr_safe_fault[];
void svm_vmrun_loop(struct hv_cpu *cpu) __attribute__((noreturn)); /* vmrun.S */
void svm_handle_exit(struct hv_cpu *cpu);			   /* called by vmrun.S */

void svm_inject_exception(struct hv_cpu *cpu, u8 vector, bool has_error, u32 error);
/* emulate.c. svm_next_rip: where the intercepted instruction (of the given kind) ends, from
 * NRIP or its decoded bytes; false when its bytes cannot be read or are not that instruction:
 * then the caller carries out nothing and returns (the VP runs the instruction again).
 * svm_complete_insn: the instruction is done: RIP to next_rip, the interrupt shadow cleared,
 * a pending single-step trap raised. svm_fetch_insn: up to 15 bytes at the VP's CS:RIP. */
bool svm_long_mode(const struct vmcb *v);
bool svm_next_rip(struct hv_cpu *cpu, enum insn_kind kind, u64 *next);
/* The same where the exit may come from either of two instructions (QEMU 7.2 reports INVD as a
 * WBINVD intercept). */
bool svm_next_rip_either(struct hv_cpu *cpu, enum insn_kind kind, enum insn_kind other, u64 *next);
void svm_complete_insn(struct hv_cpu *cpu, u64 next_rip);
int svm_fetch_insn(struct hv_cpu *cpu, u8 *buf, unsigned *got);
/* npf.c: the running VP's general registers in x86 numbering (RAX 0 ... R15 15), as the MMIO
 * decoder (insn.h) wants them, and back. */
void svm_gprs_load(const struct hv_cpu *cpu, uint64_t r[16]);
void svm_gprs_store(struct hv_cpu *cpu, const uint64_t r[16]);
/* One intercepted, non-string port access (value: written, or to be returned). */
struct io_access {
	u16 port;
	u8 size; /* 1, 2 or 4 */
	bool in;
	u32 value;
};

void cpuid_exit(struct hv_cpu *cpu);
/* exits.c: VMMCALL and INVD/WBINVD, for the root's VP and a child's alike. */
void svm_hypercall_exit(struct hv_cpu *cpu);
bool svm_refused_insn(u32 code);
bool svm_refused_insn_exit(struct hv_cpu *cpu, u32 code);
void svm_cache_flush_exit(struct hv_cpu *cpu);
/* svm.c: exit on the VP's reads and/or writes of an MSR (MSRs outside the map always exit). */
void svm_intercept_msr(u32 msr, bool read, bool write);
/* msr_platform.c: the platform MSRs whose writes are filtered (see its table). */
enum msr_result {
	MSR_NOT_MINE,
	MSR_DONE,
	MSR_REFUSED
};
void platform_msr_init(void);
enum msr_result platform_msr_write(struct hv_cpu *cpu, u32 msr, u64 val);
void iopm_intercept(u16 port);
void sleep_guard_init(const struct hv_boot_info *bi);
bool sleep_guard_io(struct io_access *io);
/* pci_cfg.c: config space for the hypervisor (mechanism #1) and the root's 0xCF8/0xCFC. */
void pci_init(void);
void pci_find_ecam(void);
u32 pci_cfg_read(u16 bdf, u16 reg, u8 size);
void pci_cfg_write(u16 bdf, u16 reg, u8 size, u32 val);
bool pci_port_io(struct io_access *io);
/* npf.c: the root's nested page faults that are not bugs: a write into the ECAM window
 * (through the filter) and an access above what the NPT maps (an unassigned address: reads
 * all ones, writes dropped). False: not one of those. */
bool npf_root_exit(struct hv_cpu *cpu);
/* pci_filter.c: may the root write val (size bytes) at config register reg of bdf? False:
 * the write is dropped (and logged once). */
bool pci_filter_write(u16 bdf, u16 reg, u8 size, u32 val);
void msr_exit(struct hv_cpu *cpu);

#endif
