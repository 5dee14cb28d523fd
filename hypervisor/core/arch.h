/* SPDX-License-Identifier: MIT */
/* The arch interface: everything the generic core calls in the arch layer (arch/<name>/, SVM
 * today, VT-x later beside it, chosen at build time), and the core entry points the arch layer
 * calls back when a VP exits. The core never includes an arch header other than the
 * <asm/...> ones every arch provides (asm/percpu.h, asm/processor.h). */
#ifndef HV_CORE_ARCH_H
#define HV_CORE_ARCH_H

#include "hv/abi.h"

#include "bootinfo.h"
#include "lib.h"

struct hv_cpu;
struct hv_partition;
struct hv_vp;

/* ---- Called by the core (implemented in arch/) ---- */

/* Hardware id of the CPU this runs on (x86: initial APIC ID), before any per-CPU set-up. */
u32 arch_cpu_hw_id(void);

/* Shared set-up, once: the root's nested page table and the intercept maps. Negative when
 * resident memory runs out; nothing about the CPU has changed then. */
int arch_init(const struct hv_boot_info *bi);

/* Per-CPU set-up: the root VP's control block built from the firmware's context (bi->guest)
 * and the host's descriptor tables. Negative on failure, with the CPU unchanged. */
int arch_cpu_init(struct hv_cpu *cpu, const struct hv_boot_info *bi);

/* The point of no return: enable virtualization on this CPU and resume the firmware as the
 * root partition's VP. Exits are handled in the arch layer from then on. */
__attribute__((noreturn)) void arch_cpu_start(struct hv_cpu *cpu);

/* Log the state of the VP this CPU runs (exit reason, registers) for a panic report. */
void arch_dump_guest(struct hv_cpu *cpu);

/* The hypervisor's own serial port (x86: a 16550 at I/O port `port`, 0 = none): programmed
 * once, then written a byte at a time by the log. The root cannot reach it. */
void arch_console_init(u16 port);
void arch_console_putc(char c);

/* Reset the whole machine, as hardware does on a triple fault. Returns only if every reset
 * method the platform has was ignored. */
void arch_platform_reset(void);

/* Stop this CPU for good: interrupts off, halted. */
__attribute__((noreturn)) void arch_cpu_halt_forever(void);

/* The root's view of its RAM (its nested page table). arch_root_page_mapped: the 4 KiB page at
 * pa is the root's (mapped to itself, writable). arch_root_take_page: the page leaves the
 * root's view (0; -1 when it is not the root's; -2 when no resident memory is left to split a
 * large mapping). arch_root_give_page: a page taken earlier comes back. */
bool arch_root_page_mapped(u64 pa);
int arch_root_take_page(u64 pa);
void arch_root_give_page(u64 pa);
u64 arch_npt_split_pages(void);

/* Child partitions (arch/x86/child_npt.c, child_vp.c). Map: the child's GPA page gfn is the
 * root page pfn (checked as root RAM by the caller) with HV_MAP_* rights: a status (the page
 * already belongs to a child, the gfn is already mapped, or no deposited page is left for a
 * table). Unmap: gone (if it was there), the child's TLB flushed before it runs again.
 * Release: the child's NPT tables go back to the root and its pages lose their owner mark. */
u64 arch_child_map(struct hv_partition *p, u64 gfn, u64 pfn, u32 flags);
void arch_child_unmap(struct hv_partition *p, u64 gfn);
void arch_child_release(struct hv_partition *p);
/* A child GPA as a hypervisor pointer (mapped in the child, and writable there when asked),
 * or NULL. */
void *arch_child_gpa_ptr(struct hv_partition *p, u64 gpa, bool write);
/* A new VP's control block (vmcb_pa: a page from the deposit) set to a state VMRUN accepts;
 * registers by name (abi.h); run: enter the child on this CPU (the run ends in an exit record
 * written to out, and the root's hypercall completes then). */
void arch_vp_init(struct hv_vp *vp, u64 vmcb_pa);
u64 arch_vp_get_reg(struct hv_vp *vp, u32 name, u64 *value);
u64 arch_vp_set_reg(struct hv_vp *vp, u32 name, u64 value);
u64 arch_vp_run(struct hv_cpu *cpu, struct hv_vp *vp, u32 flags, u64 io_in_value,
		struct hv_run_vp_exit *out);

/* ---- Called by the arch layer (implemented in core/) ---- */

/* A hypercall from the VP `cpu` runs, with its TLFS control value and input/output GPAs (or
 * fast-call register values) already taken from the VP's registers: returns the value for
 * the caller's result register. Privilege, mode and the hypercall page's state are the arch
 * layer's to check before. */
u64 hv_hypercall(struct hv_cpu *cpu, u64 control, u64 in_gpa, u64 out_gpa);

/* Count one exit of the given reason for the statistics hypercall. */
void hv_stats_count(enum hv_exit_reason r);

#endif
