/* SPDX-License-Identifier: MIT */
/* The offsets takeover.S uses, taken from struct hv_guest_start at build time (never compiled
 * into hv.efi: cmake/HvAsmDefines.cmake turns this file's assembly into asm-defines.h). */
#include <stddef.h>

#include "../core/bootinfo.h"

#define DEFINE(sym, val)	 __asm__ volatile("\n->" #sym " %c0" : : "i"(val))
#define GUEST_OFFSET(sym, field) DEFINE(sym, offsetof(struct hv_guest_start, field))

void asm_defines(void);
void asm_defines(void)
{
	GUEST_OFFSET(G_CR3, cr3);
	GUEST_OFFSET(G_RFLAGS, rflags);
	GUEST_OFFSET(G_RIP, rip);
	GUEST_OFFSET(G_RSP, rsp);
}
