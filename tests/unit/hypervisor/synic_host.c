/* SPDX-License-Identifier: MIT */
/* The host stand-ins of synic_host.h. Every buffer is its own malloc'd block, so that ASan
 * sees a write past a page of child RAM or past the output page. */
#include <stdlib.h>
#include <string.h>

#include "synic_host.h"

struct synic_host sh;
struct hv_child_counts hv_child_counts; /* stats.c's, counted by synic.c */

void synic_host_free(void)
{
	free(sh.ram);
	free(sh.out);
	free(sh.vp);
	memset(&sh, 0, sizeof(sh));
}

void synic_host_reset(void)
{
	synic_host_free();
	sh.ram = aligned_alloc(PAGE_SIZE, SH_PAGES * PAGE_SIZE);
	sh.out = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	sh.vp = calloc(1, sizeof(*sh.vp));
	if (!sh.ram || !sh.out || !sh.vp)
		abort();
	memset(sh.ram, 0, SH_PAGES * PAGE_SIZE);
	memset(sh.out, 0, PAGE_SIZE);
	sh.part.in_use = true;
	sh.part.id = SH_CHILD_ID;
	sh.part.max_vps = 1;
	sh.part.vps[0] = sh.vp;
	sh.vp->part = &sh.part;
	synic_vp_init(sh.vp);
	sh.cpu.part = &sh.part;
	sh.cpu.child = sh.vp;
	sh.cpu.run_out = (struct hv_run_vp_exit *)sh.out;
}

void *arch_child_gpa_ptr(struct hv_partition *p, u64 gpa, bool write)
{
	if (p != &sh.part || gpa >= (u64)SH_PAGES * PAGE_SIZE)
		return NULL;
	if (write && gpa >> 12 == SH_PAGES - 1)
		return NULL;
	return sh.ram + gpa;
}

void *hv_root_gpa(u64 gpa, u64 len)
{
	(void)gpa;
	(void)len;
	return NULL; /* the root's memory is not part of these tests */
}

u64 hv_child_lookup(u64 id, u32 reserved0, struct hv_partition **pp)
{
	if (reserved0)
		return HV_STATUS_INVALID_PARAMETER;
	if (id != SH_CHILD_ID)
		return HV_STATUS_INVALID_PARTITION_ID;
	*pp = &sh.part;
	return HV_STATUS_SUCCESS;
}

u64 hv_vp_lookup(u64 id, u32 index, struct hv_partition **pp, struct hv_vp **vpp)
{
	if (id != SH_CHILD_ID)
		return HV_STATUS_INVALID_PARTITION_ID;
	if (index >= sh.part.max_vps)
		return HV_STATUS_INVALID_VP_INDEX;
	*pp = &sh.part;
	*vpp = sh.vp;
	return HV_STATUS_SUCCESS;
}
