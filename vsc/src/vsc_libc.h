/* memcpy/memset for guest-side code: libc when hosted; in a freestanding guest the environment
 * provides them (as it must anyway for compiler-generated calls), like the ring library. */
#ifndef VSC_LIBC_H
#define VSC_LIBC_H

#include <stddef.h>

#ifdef HV_FREESTANDING
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
#else
#include <string.h>
#endif

#endif
