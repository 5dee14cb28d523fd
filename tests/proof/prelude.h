/* SPDX-License-Identifier: MIT */
/* Included first in every file a proof target analyses (-include): gcc builtins the product
 * uses that Frama-C 25 has no specification for, mapped to what they mean. __builtin_memcpy is
 * memcpy (whose libc specification is then proved at each call); __builtin_prefetch is a hint
 * without semantics. */
#define __builtin_memcpy	memcpy
#define __builtin_prefetch(...) ((void)0)
