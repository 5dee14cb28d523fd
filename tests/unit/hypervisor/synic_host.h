/* SPDX-License-Identifier: MIT */
/* A host-side stand-in for what hypervisor/core/synic.c reaches outside itself: one child
 * partition (id SH_CHILD_ID) with one VP, SH_PAGES pages of child RAM from GPA 0 (the last one
 * mapped read-only), a root output page, and the lookups. Used by the unit test and the fuzz
 * target of the SynIC (tests/fuzz/hypervisor/fuzz_synic.c). */
#ifndef SYNIC_HOST_H
#define SYNIC_HOST_H

#include "core.h"

#define SH_CHILD_ID 2ull
#define SH_PAGES    16u

struct synic_host {
	struct hv_partition part;
	struct hv_vp *vp;
	struct hv_cpu cpu; /* the child's VP on the CPU, run_out = out */
	u8 *ram;	   /* SH_PAGES pages, page aligned: child GPA 0.. */
	u8 *out;	   /* the root's output page of HV_CALL_RUN_VP */
};
extern struct synic_host sh;

/* A fresh child (MSRs at reset, no connections, RAM zeroed). */
void synic_host_reset(void);
void synic_host_free(void);

#endif
