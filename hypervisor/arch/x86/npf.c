/* SPDX-License-Identifier: MIT */
/* The root's nested page faults that are part of the design, not bugs:
 *  - a write into the PCI ECAM window, which the root's NPT maps read-only: the instruction is
 *    decoded (insn.c), the configuration write goes through pci_filter_write() and, when
 *    allowed, is carried out on the window by the hypervisor;
 *  - an access above what the NPT maps (hv.phys_top; the CPU's address width may reach
 *    further), or to a page the root deposited with the hypervisor: an unassigned bus address,
 *    so reads return all ones and writes are dropped, as on hardware. A root driver that
 *    touches such an address no longer stops the machine.
 * An access these cannot carry out (an instruction fetch there, a form the decoder does not
 * know, a write whose direction disagrees with the fault) gets #GP, logged once per cause. */
#include "insn.h"
#include "svm.h"
#include "x86.h"

#define NPF_PRESENT (1ull << 0)
#define NPF_WRITE   (1ull << 1)
#define NPF_FETCH   (1ull << 4)

void svm_gprs_load(const struct hv_cpu *cpu, uint64_t r[16])
{
	const struct guest_regs *g = &cpu->arch.regs;
	r[0] = cpu->arch.vmcb->save.rax, r[1] = g->rcx, r[2] = g->rdx, r[3] = g->rbx;
	r[4] = cpu->arch.vmcb->save.rsp, r[5] = g->rbp, r[6] = g->rsi, r[7] = g->rdi;
	r[8] = g->r8, r[9] = g->r9, r[10] = g->r10, r[11] = g->r11;
	r[12] = g->r12, r[13] = g->r13, r[14] = g->r14, r[15] = g->r15;
}

void svm_gprs_store(struct hv_cpu *cpu, const uint64_t r[16])
{
	struct guest_regs *g = &cpu->arch.regs;
	cpu->arch.vmcb->save.rax = r[0], g->rcx = r[1], g->rdx = r[2], g->rbx = r[3];
	cpu->arch.vmcb->save.rsp = r[4], g->rbp = r[5], g->rsi = r[6], g->rdi = r[7];
	g->r8 = r[8], g->r9 = r[9], g->r10 = r[10], g->r11 = r[11];
	g->r12 = r[12], g->r13 = r[13], g->r14 = r[14], g->r15 = r[15];
}

static void refuse(struct hv_cpu *cpu, u64 gpa, const char *why)
{
	static u32 logged;
	if (logged++ < 16)
		hv_log("root access to %lx at rip %lx: %s (#GP)", gpa, cpu->arch.vmcb->save.rip,
		       why);
	svm_inject_exception(cpu, VEC_GP, true, 0);
}

/* One configuration write through the ECAM window, split into dwords for the filter. */
static void ecam_write(u64 gpa, u8 size, u64 val)
{
	u64 off = gpa - arch.ecam_base;
	for (u8 done = 0; done < size;) {
		u8 n = size - done > 4 ? 4 : (u8)(size - done);
		u64 o = off + done;
		u16 bdf = (u16)(o >> 12);
		u16 reg = (u16)(o & 0xfff);
		u32 part = (u32)(val >> (8 * done));
		if (pci_filter_write(bdf, reg, n, part)) {
			volatile void *p = (volatile void *)(uintptr_t)(gpa + done);
			if (n == 1)
				*(volatile u8 *)p = (u8)part;
			else if (n == 2)
				*(volatile u16 *)p = (u16)part;
			else
				*(volatile u32 *)p = part;
		}
		done = (u8)(done + n);
	}
}

bool npf_root_exit(struct hv_cpu *cpu)
{
	struct vmcb *v = cpu->arch.vmcb;
	u64 gpa = v->ctl.exit_info2, err = v->ctl.exit_info1;
	bool in_ecam = arch.ecam_size && gpa - arch.ecam_base < arch.ecam_size;
	/* Below the top, only a page taken from the root (deposited) is not present. */
	if (!in_ecam && gpa < hv.phys_top && (err & NPF_PRESENT))
		return false;
	if (err & NPF_FETCH) {
		refuse(cpu, gpa, "instruction fetch from an unassigned address");
		return true;
	}
	u8 buf[INSN_MAX_LEN];
	unsigned got;
	svm_fetch_insn(cpu, buf, &got);
	struct insn_mmio m;
	int len = insn_decode_mmio(buf, got, svm_long_mode(v), v->save.cs.attrib & (1u << 10), &m);
	if (len <= 0 || m.write != !!(err & NPF_WRITE)) {
		refuse(cpu, gpa, len <= 0 ? "instruction not decodable as a move" : "direction");
		return true;
	}
	uint64_t r[16];
	svm_gprs_load(cpu, r);
	if (m.write) {
		u64 val = insn_mmio_write_value(&m, r);
		if (in_ecam && gpa + m.size <= arch.ecam_base + arch.ecam_size)
			ecam_write(gpa, m.size, val);
		/* above the mapped width: dropped */
	} else {
		insn_mmio_complete_read(&m, r, ~0ull); /* reads in ECAM never fault */
		svm_gprs_store(cpu, r);
	}
	u64 rip = v->save.rip + m.length;
	svm_complete_insn(cpu, svm_long_mode(v) ? rip : (u32)rip);
	return true;
}
