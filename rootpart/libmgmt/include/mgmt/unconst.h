/* SPDX-License-Identifier: MIT */
/* protobuf-c's string fields and execv()'s argv are `char *` for historical reasons; neither
 * writes through them. This is the one place that drops const for them (instead of a cast at
 * every use that -Wcast-qual would rightly flag). */
#ifndef MGMT_UNCONST_H
#define MGMT_UNCONST_H

#include <stdint.h>

static inline char *mgmt_unconst(const char *s)
{
	return (char *)(uintptr_t)s;
}

#endif
