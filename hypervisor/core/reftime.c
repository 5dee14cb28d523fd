/* SPDX-License-Identifier: MIT */
/* Partition reference time (TLFS): 100 ns units since the hypervisor started, read by the root
 * either from the reference TSC page, which the hypervisor fills with a scale and offset so
 * that time = ((TSC * scale) >> 64) + offset without any exit, or from the TIME_REF_COUNT
 * MSR. Both rely on a constant-rate TSC, which every AMD CPU with NPT has (family 10h on). */
#include <asm/processor.h>

#include "core.h"

static u64 ref_scale; /* 2^64 * 10^7 / TSC Hz, i.e. 2^64 * 10^4 / TSC kHz */
static int64_t ref_offset;

/* (n << 64) / d for n < d, without libgcc's 128-bit division. */
static u64 frac64(u64 n, u64 d)
{
	u64 q = 0;
	unsigned __int128 r = n;
	for (int i = 0; i < 64; i++) {
		r <<= 1;
		q <<= 1;
		if (r >= d) {
			r -= d;
			q |= 1;
		}
	}
	return q;
}

void hv_reftime_init(void)
{
	if (hv.tsc_khz <= 10000) /* a TSC below 10 MHz would overflow the scale */
		return;
	ref_scale = frac64(10000, hv.tsc_khz);
	ref_offset = -(int64_t)(((unsigned __int128)hv.tsc_start * ref_scale) >> 64);
}

bool hv_reftime_available(void)
{
	return ref_scale != 0;
}

u64 hv_reftime_now(void)
{
	return (u64)((int64_t)(((unsigned __int128)arch_read_cycles() * ref_scale) >> 64) +
		     ref_offset);
}

/* Layout of the reference TSC page (TLFS): sequence (0 = invalid, use the MSR), reserved,
 * scale, offset. */
struct ref_tsc_page {
	u32 sequence;
	u32 reserved;
	u64 scale;
	int64_t offset;
};

void hv_reftime_fill_page(void *page)
{
	hv_reftime_fill_page_for(page, 0);
}

/* For a reader whose TSC is the host's + tsc_offset: the same time from its own TSC. */
void hv_reftime_fill_page_for(void *page, u64 tsc_offset)
{
	struct ref_tsc_page *p = page;
	p->sequence = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	p->scale = ref_scale;
	/* The offset is two's complement: a child that set its TSC back reads a smaller one. */
	int64_t o = (int64_t)tsc_offset;
	u64 mag = o < 0 ? -(u64)o : (u64)o;
	int64_t shift = (int64_t)(((unsigned __int128)mag * ref_scale) >> 64);
	p->offset = o < 0 ? ref_offset + shift : ref_offset - shift;
	p->reserved = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	p->sequence = ref_scale ? 1 : 0;
}
