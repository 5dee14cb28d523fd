/* SPDX-License-Identifier: MIT */
/* #VMEXIT dispatch for the root's VP: CPUID and MSR views, hypercalls, the hypervisor's
 * serial ports, refused SVM instructions. Anything unexpected is a panic with the guest's
 * state, never a silent resume. */
#include "svm.h"
#include "x86.h"

void svm_inject_exception(struct hv_cpu *cpu, u8 vector, bool has_error, u32 error)
{
	u64 e = vector | EVENT_TYPE_EXCP | EVENT_VALID;
	if (has_error)
		e |= EVENT_ERR_VALID | ((u64)error << 32);
	cpu->arch.vmcb->ctl.event_inj = e;
}

void svm_hypercall_exit(struct hv_cpu *cpu)
{
	struct vmcb *v = cpu->arch.vmcb;
	hv_stats_count(HV_EXIT_HYPERCALL);
	/* As on Hyper-V: hypercalls from user mode or before the hypercall page is enabled
	 * raise #UD; so do calls outside 64-bit mode (the 32-bit register convention is not
	 * offered). */
	if (v->save.cpl != 0 || !(cpu->part->hypercall_msr & 1) || !svm_long_mode(v)) {
		svm_inject_exception(cpu, VEC_UD, false, 0);
		return;
	}
	u64 next;
	if (!svm_next_rip(cpu, INSN_VMMCALL, &next))
		return;
	u64 result = hv_hypercall(cpu, cpu->arch.regs.rcx, cpu->arch.regs.rdx, cpu->arch.regs.r8);
	if (cpu->child && cpu->run_exit) {
		/* A child's message or event for the root: the call is done (SUCCESS unless the
		 * root's next run says otherwise) and the run ends with it. */
		u32 reason = cpu->run_exit;
		cpu->run_exit = 0;
		v->save.rax = result;
		svm_complete_insn(cpu, next);
		cpu->child->arch.pending_hypercall = true;
		child_end_run(cpu, reason);
		return;
	}
	if (cpu->arch.vmcb != v) {
		/* HV_CALL_RUN_VP switched this CPU to a child: the root's call completes when the
		 * run ends (child_vp.c). */
		cpu->root_next_rip = next;
		return;
	}
	v->save.rax = result;
	svm_complete_insn(cpu, next);
}

/* The hypervisor's own UART as the root sees it: a quiet UART that never has input (LSR =
 * transmitter empty, MSR = CTS/DSR/DCD, everything else 0) and whose output goes nowhere.
 * Floating-bus 0xff would be wrong for a UART the firmware already found: its driver would
 * read "data ready" forever. */
static bool uart_io(struct io_access *io)
{
	/* Only an access wholly inside the UART's 8 ports is the UART's: one that runs past its
	 * last port is split byte by byte (io_split), so the bytes beyond reach the hardware. */
	if (!arch.log_port || io->port < arch.log_port ||
	    (u32)io->port + io->size > (u32)arch.log_port + 8)
		return false;
	if (io->in) {
		u16 reg = (u16)(io->port - arch.log_port);
		io->value = reg == 5 ? 0x60 : reg == 6 ? 0xb0 : 0;
	}
	return true;
}

static bool io_claim(struct io_access *io)
{
	return uart_io(io) || sleep_guard_io(io) || pci_port_io(io);
}

/* An access that starts below an intercepted port and reaches into it (the IOPM intercepts
 * it when any of its bytes is intercepted), e.g. a word read at the UART's base - 1: done byte
 * by byte, each byte by its owner or, when nothing here owns it, by the hardware. False when
 * no byte is owned here at all: then the IOPM and the handlers disagree (a hypervisor bug). */
static bool io_split(struct io_access *io)
{
	bool claimed = false;
	u32 value = 0;
	for (u8 i = 0; i < io->size; i++) {
		struct io_access b = { .port = (u16)(io->port + i),
				       .size = 1,
				       .in = io->in,
				       .value = (io->value >> (8 * i)) & 0xff };
		if (io_claim(&b))
			claimed = true;
		else if (b.in)
			b.value = inb(b.port);
		else
			outb(b.port, (u8)b.value);
		value |= (b.value & 0xff) << (8 * i);
	}
	if (io->in)
		io->value = value;
	return claimed;
}

/* Intercepted port I/O: the hypervisor's UART and the ACPI sleep guard. String forms get #GP
 * (no instruction decoder here; no driver of these ports uses them). */
static void io_exit(struct hv_cpu *cpu)
{
	struct vmcb *v = cpu->arch.vmcb;
	u64 info = v->ctl.exit_info1;
	hv_stats_count(HV_EXIT_IO);
	if (info & IOIO_STR) {
		svm_inject_exception(cpu, VEC_GP, true, 0);
		return;
	}
	struct io_access io = {
		.port = (u16)(info >> 16),
		.size = (info & (1u << 4))   ? 1
			: (info & (1u << 5)) ? 2
					     : 4,
		.in = info & IOIO_IN,
	};
	u64 mask = io.size == 1 ? 0xff : io.size == 2 ? 0xffff : 0xffffffff;
	if (!io.in)
		io.value = (u32)(v->save.rax & mask);
	if (!io_claim(&io) && !io_split(&io))
		hv_panic(cpu, "I/O exit for port %x that nothing intercepts", io.port);
	/* A 32-bit IN writes EAX, which clears RAX's upper half like any 32-bit register write;
	 * 8- and 16-bit INs merge into the old value. */
	if (io.in)
		v->save.rax = io.size == 4 ? io.value : (v->save.rax & ~mask) | (io.value & mask);
	svm_complete_insn(cpu, v->ctl.exit_info2); /* next RIP, reported even without NRIP */
}

/* INVD, carried out as WBINVD: discarding dirty lines would discard the hypervisor's writes
 * too. WBINVD is intercepted as well: QEMU 7.2 (Debian 12) checks INVD against the WBINVD
 * intercept, and either exit may come from either instruction there. */
void svm_cache_flush_exit(struct hv_cpu *cpu)
{
	u64 next;
	if (!svm_next_rip_either(cpu, INSN_INVD, INSN_WBINVD, &next))
		return;
	__asm__ volatile("wbinvd" ::: "memory");
	svm_complete_insn(cpu, next);
}

/* Instructions no partition may run: SVM's own (no partition sees SVM: EFER.SVME can never be
 * set, so the CPU would raise #UD), and for children MONITOR/MWAIT and XSETBV (the XCR0 of the
 * CPU stays the root's). */
bool svm_refused_insn(u32 code)
{
	switch (code) {
	case VMEXIT_VMRUN:
	case VMEXIT_VMLOAD:
	case VMEXIT_VMSAVE:
	case VMEXIT_STGI:
	case VMEXIT_CLGI:
	case VMEXIT_SKINIT:
	case VMEXIT_INVLPGA:
	case VMEXIT_MONITOR:
	case VMEXIT_MWAIT:
	case VMEXIT_XSETBV:
		return true;
	}
	return false;
}

/* True when the exit was a refused instruction (#UD injected). */
bool svm_refused_insn_exit(struct hv_cpu *cpu, u32 code)
{
	if (!svm_refused_insn(code))
		return false;
	hv_stats_count(HV_EXIT_SVM_INSN);
	svm_inject_exception(cpu, VEC_UD, false, 0);
	return true;
}

void svm_handle_exit(struct hv_cpu *cpu)
{
	struct vmcb *v = cpu->arch.vmcb;
	u32 code = (u32)v->ctl.exit_code;
	v->ctl.tlb_control = 0;
	v->ctl.event_inj = 0;
	/* An exit in the middle of delivering an event: deliver it again on resume. */
	if (v->ctl.exit_int_info & EVENT_VALID)
		v->ctl.event_inj = v->ctl.exit_int_info;
	if (cpu->child) {
		hv_child_counts.exits++;
		child_count_exit(cpu);
		child_handle_exit(cpu);
		if (cpu->child) /* still the child's CPU: enter it again */
			child_prepare_entry(cpu);
		return;
	}

	if (svm_refused_insn_exit(cpu, code))
		return;
	switch (code) {
	case VMEXIT_CPUID:
		hv_stats_count(HV_EXIT_CPUID);
		cpuid_exit(cpu);
		break;
	case VMEXIT_MSR:
		msr_exit(cpu);
		break;
	case VMEXIT_VMMCALL:
		svm_hypercall_exit(cpu);
		break;
	case VMEXIT_INVD:
	case VMEXIT_WBINVD:
		hv_stats_count(HV_EXIT_INVD);
		svm_cache_flush_exit(cpu);
		break;
	case VMEXIT_IOIO:
		io_exit(cpu);
		break;
	case VMEXIT_SHUTDOWN:
		hv_stats_count(HV_EXIT_SHUTDOWN);
		hv_root_shutdown(cpu);
	case VMEXIT_NPF:
		hv_stats_count(HV_EXIT_NPF);
		if (npf_root_exit(cpu))
			break;
		hv_panic(cpu, "root access to unmapped GPA %lx (error %lx)", v->ctl.exit_info2,
			 v->ctl.exit_info1);
	case VMEXIT_INVALID:
		hv_panic(cpu, "VMRUN refused the root's VMCB (VMEXIT_INVALID)");
	default:
		hv_stats_count(HV_EXIT_OTHER);
		hv_panic(cpu, "unexpected exit code %x", code);
	}
	if (arch.root_tlb_flush) { /* the root's NPT changed under this exit */
		cpu->arch.root_vmcb->ctl.tlb_control = 1;
		arch.root_tlb_flush = false;
	}
	if (cpu->child) /* HV_CALL_RUN_VP switched the CPU to a child */
		child_prepare_entry(cpu);
}
