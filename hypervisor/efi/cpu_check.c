/* SPDX-License-Identifier: MIT */
/* What hv.efi needs from the CPU, checked before anything is touched. The message names
 * every missing feature so that the loader can print exactly why the hypervisor refused. */
#include <efi.h>
#include <efilib.h>
#include "../arch/x86/x86.h"
#include "stub.h"

static void add(CHAR16 *msg, UINTN size, const CHAR16 *what)
{
	if (msg[0])
		StrCat(msg, L"; ");
	if (StrLen(msg) + StrLen(what) + 1 < size / sizeof(CHAR16))
		StrCat(msg, what);
}

/* Fills caps and returns TRUE when the CPU can run the hypervisor; otherwise writes the
 * reasons into msg (size in bytes). */
BOOLEAN hv_cpu_check(struct hv_cpu_caps *caps, CHAR16 *msg, UINTN size)
{
	uint32_t r[4];
	msg[0] = 0;
	cpuid_count(0x80000000u, 0, r);
	uint32_t max_ext = r[0];
	BOOLEAN svm = FALSE;
	if (max_ext >= 0x80000001u) {
		cpuid_count(0x80000001u, 0, r);
		svm = (r[2] >> 2) & 1;
		caps->gbpages = (r[3] >> 26) & 1;
		if (!((r[3] >> 29) & 1))
			add(msg, size, L"long mode (CPUID 8000_0001h EDX[29])");
	}
	if (!svm) {
		add(msg, size, L"SVM/AMD-V (CPUID 8000_0001h ECX[2])");
	} else {
		if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)
			add(msg, size, L"SVM is disabled by the firmware (VM_CR.SVMDIS)");
		if (rdmsr(MSR_EFER) & EFER_SVME)
			add(msg, size, L"SVM is already in use by other software (EFER.SVME set)");
		cpuid_count(0x8000000au, 0, r);
		caps->asids = r[1];
		caps->nrips = (r[3] >> 3) & 1;
		if (!(r[3] & 1))
			add(msg, size, L"nested paging/NPT (CPUID 8000_000Ah EDX[0])");
		if (r[1] < 2)
			add(msg, size, L"at least one guest ASID (CPUID 8000_000Ah EBX)");
	}
	/* The host keeps the firmware's CR4 and builds 4-level tables without shadow stacks. */
	if (read_cr4() & (1ull << 12))
		add(msg, size, L"firmware runs with 5-level paging (CR4.LA57), not supported yet");
	if (read_cr4() & (1ull << 23))
		add(msg, size, L"firmware runs with CET (CR4.CET), not supported yet");
	caps->phys_bits = 36;
	if (max_ext >= 0x80000008u) {
		cpuid_count(0x80000008u, 0, r);
		caps->phys_bits = r[0] & 0xff;
	}
	return msg[0] == 0;
}
