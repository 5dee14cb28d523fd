/* SPDX-License-Identifier: MIT */
/* The two C library functions guest-side code (the VMBus library, the VSCs) uses. Hosted
 * builds take them from libc; the freestanding build declares them and the environment (guest
 * kernel, test program) provides them, as every freestanding C environment must for
 * compiler-generated calls anyway. */
#ifndef VMBUS_FREESTANDING_LIBC_H
#define VMBUS_FREESTANDING_LIBC_H

#include <stddef.h>

#ifdef HV_FREESTANDING
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
#else
#include <string.h>
#endif

#endif
