/* SPDX-License-Identifier: MIT */
/* Included first in every file a proof target analyses (-include): gcc builtins the product
 * uses that Frama-C 25 has no specification for, mapped to what they mean. __builtin_memcpy is
 * memcpy (whose libc specification is then proved at each call); __builtin_prefetch is a hint
 * without semantics. */
#define __builtin_memcpy	memcpy
#define __builtin_prefetch(...) ((void)0)
#ifdef PROVE_HYPERVISOR
/* The core declares memcpy/memset itself (lib.h): the libc header gives them their
 * specifications. */
#include <string.h>
/* The hypervisor's gcc atomics on one CPU's view (the analysis is of one thread of control;
 * the memory they touch is the guest's and is unknown anyway), and count-leading-zeros. */
#define __atomic_load_n(p, order)     (*(p))
#define __atomic_store_n(p, v, order) ((void)(*(p) = (v)))
#define __atomic_fetch_or(p, v, order) \
	({                             \
		__typeof__(*(p)) _o = *(p); \
		*(p) = _o | (v);      \
		_o;                    \
	})
#define __atomic_thread_fence(order) ((void)0)
static inline int proof_clzll(unsigned long long x)
{
	int n = 0;
	/*@ loop unroll 64; */
	while (n < 64 && !(x & (1ull << 63))) {
		x <<= 1;
		n++;
	}
	return n;
}
#define __builtin_clzll(x) proof_clzll(x)
#endif
