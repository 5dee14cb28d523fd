/* SPDX-License-Identifier: MIT */
/*
 * cpuid: the child's CPU view. Prints CPUID 0, 1, 4000_0000h-4000_0006h, 4000_0100h-0101h,
 * 8000_0001h and 8000_000Ah, then checks: a hypervisor is present (1:ECX[31]) and is
 * "Microsoft Hv" with "Hv#1", the hypercall and VP-index MSRs are offered, the partition has no
 * root privileges (4000_0003h EBX CreatePartitions/CpuManagement clear, 4000_0101h EBX = 0),
 * SVM is hidden (8000_0001h ECX[2] clear, 8000_000Ah zero).
 * Then the MSR view, from the two tables just below: the first lists what a child may read
 * (and write back), the second what must raise #GP. They are the guest's half of the child
 * MSR set that docs/partitions.md documents; keep both in step.
 */
#include "testguest.h"

enum {
	MSR_READ = 1,
	MSR_WRITE_BACK = 2
};

/* A child may read these (and write the value back where MSR_WRITE_BACK). */
static const struct {
	uint32_t msr;
	const char *name;
	unsigned how;
} msr_ok[] = {
	{ 0x00000010, "TSC", MSR_READ },
	{ 0x00000174, "SYSENTER_CS", MSR_READ | MSR_WRITE_BACK },
	{ 0x00000175, "SYSENTER_ESP", MSR_READ | MSR_WRITE_BACK },
	{ 0x00000176, "SYSENTER_EIP", MSR_READ | MSR_WRITE_BACK },
	{ 0x00000277, "PAT", MSR_READ | MSR_WRITE_BACK },
	{ 0xc0000080, "EFER", MSR_READ | MSR_WRITE_BACK },
	{ 0xc0000081, "STAR", MSR_READ | MSR_WRITE_BACK },
	{ 0xc0000082, "LSTAR", MSR_READ | MSR_WRITE_BACK },
	{ 0xc0000083, "CSTAR", MSR_READ | MSR_WRITE_BACK },
	{ 0xc0000084, "SFMASK", MSR_READ | MSR_WRITE_BACK },
	{ 0xc0000100, "FS_BASE", MSR_READ | MSR_WRITE_BACK },
	{ 0xc0000101, "GS_BASE", MSR_READ | MSR_WRITE_BACK },
	{ 0xc0000102, "KERNEL_GS_BASE", MSR_READ | MSR_WRITE_BACK },
	{ 0x40000000, "HV_GUEST_OS_ID", MSR_READ },
	{ 0x40000001, "HV_HYPERCALL", MSR_READ },
	{ 0x40000002, "HV_VP_INDEX", MSR_READ },
	{ 0x0000001b, "APIC_BASE (x2APIC, enabled)", MSR_READ | MSR_WRITE_BACK },
	{ 0x00000802, "X2APIC_ID", MSR_READ },
	{ 0x00000803, "X2APIC_VERSION", MSR_READ },
	{ 0x00000808, "X2APIC_TPR", MSR_READ | MSR_WRITE_BACK },
	{ 0x00000832, "X2APIC_LVT_TIMER", MSR_READ | MSR_WRITE_BACK },
	{ 0x40000073, "HV_VP_ASSIST_PAGE", MSR_READ | MSR_WRITE_BACK },
	{ 0x40000080, "HV_SCONTROL", MSR_READ | MSR_WRITE_BACK },
	{ 0x40000081, "HV_SVERSION", MSR_READ },
	{ 0x40000090, "HV_SINT0", MSR_READ | MSR_WRITE_BACK },
};

/* These raise #GP in a child: reads where GP_READ, writes of `value` (OR-ed into the value
 * read, where GP_WRITE_SET) where GP_WRITE. */
enum {
	GP_READ = 1,
	GP_WRITE = 2,
	GP_WRITE_SET = 4
};
static const struct {
	uint32_t msr;
	const char *name;
	unsigned how;
	uint64_t value;
} msr_gp[] = {
	{ 0xc0000080, "EFER.SVME", GP_WRITE | GP_WRITE_SET, 1ull << 12 },
	{ 0x0000001b, "APIC_BASE with another base", GP_WRITE | GP_WRITE_SET, 1ull << 32 },
	{ 0x00000801, "X2APIC_reserved_801", GP_READ | GP_WRITE, 0 },
	{ 0x0000080b, "X2APIC_EOI (write only; non-zero #GP)", GP_READ | GP_WRITE, 1 },
	{ 0x00000802, "X2APIC_ID (read only)", GP_WRITE, 5 },
	{ 0xc0000104, "TSC_RATIO", GP_READ | GP_WRITE, 1ull << 32 },
	{ 0xc0010010, "SYSCFG", GP_READ | GP_WRITE, 0 },
	{ 0xc0010016, "IORR_BASE0", GP_READ | GP_WRITE, 0 },
	{ 0xc001001a, "TOP_MEM", GP_READ | GP_WRITE, 0x1000000 },
	{ 0xc001001d, "TOP_MEM2", GP_READ | GP_WRITE, 0 },
	{ 0xc0010111, "SMM_BASE", GP_READ | GP_WRITE, 0x30000 },
	{ 0xc0010112, "SMM_ADDR", GP_READ | GP_WRITE, 0 },
	{ 0xc0010113, "SMM_MASK", GP_READ | GP_WRITE, 0 },
	{ 0xc0010114, "VM_CR", GP_READ | GP_WRITE, 0 },
	{ 0xc0010117, "VM_HSAVE_PA", GP_READ | GP_WRITE, 0x100000 },
	{ 0x40000003, "HV_RESET (not offered)", GP_READ | GP_WRITE, 0 },
	{ 0x400000ff, "HV_unassigned_ff", GP_READ | GP_WRITE, 0 },
	{ 0x12345678, "no_such_msr", GP_READ | GP_WRITE, 0 },
};

static uint32_t regs[4];

static void show(uint32_t leaf)
{
	cpuid(leaf, 0, regs);
	con_printf("testguest: cpuid 0x%08x: eax 0x%08x ebx 0x%08x ecx 0x%08x edx 0x%08x\n", leaf,
		   regs[0], regs[1], regs[2], regs[3]);
}

static const char *cpuid_view(void)
{
	show(0);
	show(1);
	if (!(regs[2] >> 31 & 1))
		return "CPUID 1: ECX[31] (hypervisor present) is clear";
	for (uint32_t l = 0x40000000; l <= 0x40000006; l++) {
		show(l);
		if (l == 0x40000000 && (regs[0] < 0x40000005 || regs[0] > 0x4000ffff ||
					memcmp(&regs[1], "Microsoft Hv", 12)))
			return "CPUID 4000_0000h: not \"Microsoft Hv\" with a max leaf >= 4000_0005h";
		if (l == 0x40000001 && regs[0] != 0x31237648)
			return "CPUID 4000_0001h: EAX is not \"Hv#1\"";
		if (l == 0x40000003 && (regs[0] & 0x60) != 0x60)
			return "CPUID 4000_0003h: hypercall or VP-index MSRs not offered (EAX 5, 6)";
		if (l == 0x40000003 && (regs[1] & 0x1001))
			return "CPUID 4000_0003h: EBX gives CreatePartitions or CpuManagement";
	}
	show(0x40000100);
	show(0x40000101);
	if (regs[1] != 0)
		return "CPUID 4000_0101h: EBX says this partition is the root";
	show(0x80000000);
	uint32_t max_ext = regs[0];
	show(0x80000001);
	if (regs[2] & 4)
		return "CPUID 8000_0001h: ECX[2] (SVM) is set";
	if (max_ext >= 0x8000000a) {
		show(0x8000000a);
		if (regs[0] | regs[1] | regs[2] | regs[3])
			return "CPUID 8000_000Ah (SVM features) is not all zero";
	}
	return NULL;
}

static unsigned msr_allowed(void)
{
	unsigned bad = 0;

	for (size_t i = 0; i < sizeof(msr_ok) / sizeof(msr_ok[0]); i++) {
		uint64_t v = 0;
		uint32_t r = safe_rdmsr(msr_ok[i].msr, &v), w = TG_NO_FAULT;
		if (r == TG_NO_FAULT && (msr_ok[i].how & MSR_WRITE_BACK))
			w = safe_wrmsr(msr_ok[i].msr, v);
		bool ok = r == TG_NO_FAULT && w == TG_NO_FAULT;
		if (msr_ok[i].msr == 0xc0000080 && (v & (1ull << 12)))
			ok = false; /* EFER.SVME must read 0 */
		con_printf("testguest: msr 0x%08x %s: read %s 0x%lx%s %s\n", msr_ok[i].msr,
			   msr_ok[i].name, r == TG_NO_FAULT ? "ok" : "faulted", v,
			   !(msr_ok[i].how & MSR_WRITE_BACK) ? ""
			   : w == TG_NO_FAULT		     ? ", write-back ok"
							     : ", write-back faulted",
			   ok ? "ok" : "BAD");
		bad += !ok;
	}
	return bad;
}

static unsigned msr_refused(void)
{
	unsigned bad = 0;

	for (size_t i = 0; i < sizeof(msr_gp) / sizeof(msr_gp[0]); i++) {
		uint64_t v = 0, old = 0;
		uint32_t r = TG_NO_FAULT, w = TG_NO_FAULT;
		bool ok = true;
		if (msr_gp[i].how & GP_READ) {
			r = safe_rdmsr(msr_gp[i].msr, &v);
			ok &= r == 13;
		}
		if (msr_gp[i].how & GP_WRITE) {
			if ((msr_gp[i].how & GP_WRITE_SET) &&
			    safe_rdmsr(msr_gp[i].msr, &old) != TG_NO_FAULT)
				old = 0;
			w = safe_wrmsr(msr_gp[i].msr, old | msr_gp[i].value);
			ok &= w == 13;
		}
		con_printf("testguest: msr 0x%08x %s: read -> %s, write 0x%lx -> %s %s\n",
			   msr_gp[i].msr, msr_gp[i].name,
			   !(msr_gp[i].how & GP_READ) ? "-"
			   : r == 13		      ? "#GP"
						      : "no #GP",
			   old | msr_gp[i].value,
			   !(msr_gp[i].how & GP_WRITE) ? "-"
			   : w == 13		       ? "#GP"
						       : "no #GP",
			   ok ? "ok" : "BAD");
		bad += !ok;
	}
	return bad;
}

const char *check_cpuid(const char *cmdline)
{
	const char *why;

	(void)cmdline;
	if ((why = cpuid_view()))
		return why;
	unsigned bad = msr_allowed() + msr_refused();
	if (bad)
		return tg_whyf("%u MSR(s) outside the expected child view (lines marked BAD)", bad);
	return NULL;
}
