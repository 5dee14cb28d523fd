/* SPDX-License-Identifier: MIT */
/* <linux/types.h> as vid.h needs it outside the kernel (the proof's include path has no
 * kernel UAPI headers): the fixed-size types, as the UAPI header defines them on x86-64. */
#ifndef PROOF_LINUX_TYPES_H
#define PROOF_LINUX_TYPES_H
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;
#endif
