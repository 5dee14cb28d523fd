/* SPDX-License-Identifier: MIT */
/* The self-check behind HV_CALL_SELF_CHECK: a hash of everything in the core image that must
 * never change after take-over (the header, .text and .rodata: [HV_CORE_VA, __core_data_start)
 * in core.lds), taken before the root runs and recomputed on request, so that the QEMU attack
 * scenarios can show their attack changed no hypervisor code. FNV-1a over 64-bit words:
 * cheap, freestanding, enough to see a changed byte (not a defence against an attacker who
 * already runs code here). */
#include "core.h"

extern char __core_data_start[];

static u64 hash_at_boot;

static u64 core_ro_bytes(void)
{
	return (u64)(uintptr_t)__core_data_start - HV_CORE_VA;
}

static u64 core_ro_hash(void)
{
	const volatile u64 *p = (const volatile u64 *)(uintptr_t)HV_CORE_VA;
	u64 h = 0xcbf29ce484222325ull;
	for (u64 i = 0; i < core_ro_bytes() / 8; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

void hv_self_check_init(void)
{
	hash_at_boot = core_ro_hash();
}

void hv_self_check(struct hv_self_check *out)
{
	memset(out, 0, sizeof(*out));
	out->hash_at_boot = hash_at_boot;
	out->hash_now = core_ro_hash();
	out->bytes = core_ro_bytes();
	out->intact = out->hash_now == out->hash_at_boot;
	if (!out->intact)
		hv_log("self-check: code or read-only data changed since take-over (%lx, was %lx)",
		       out->hash_now, out->hash_at_boot);
}
