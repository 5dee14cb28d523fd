/* SPDX-License-Identifier: MIT */
/* The few processor primitives the generic core uses inline, under arch-neutral names. */
#ifndef HV_ASM_PROCESSOR_H
#define HV_ASM_PROCESSOR_H

#include <stdint.h>

/* A free-running cycle counter of the frequency the stub measured (hv.tsc_khz): the TSC. */
static inline uint64_t arch_read_cycles(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#endif
