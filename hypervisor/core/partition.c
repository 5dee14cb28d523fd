/* SPDX-License-Identifier: MIT */
/* The partition table and the root's partition-management hypercalls: create and delete a
 * child, deposit pages of the root's RAM with it and withdraw them. Every argument is checked
 * before anything changes; a page is accepted for deposit only when it is the root's own RAM
 * (not MMIO, not the hypervisor's, not already deposited), leaves the root's NPT while it is
 * held, and comes back zeroed. See docs/partitions.md. */
#include "core.h"

static struct hv_partition children[HV_MAX_CHILD_PARTITIONS];
static u64 next_child_id = HV_PARTITION_ID_FIRST_CHILD;
static u32 child_count;
static u32 vp_count;
static u64 deposited_total;

u32 hv_partition_count(void)
{
	return child_count;
}

u64 hv_deposited_pages(void)
{
	return deposited_total;
}

u32 hv_vp_count(void)
{
	return vp_count;
}

/* A live child by id, or NULL (the root's id is not a child's). */
static struct hv_partition *child_by_id(u64 id)
{
	for (u32 i = 0; i < HV_MAX_CHILD_PARTITIONS; i++)
		if (children[i].in_use && children[i].id == id)
			return &children[i];
	return NULL;
}

/* A live child named by a request whose reserved field must be zero, with the status for
 * what is wrong. */
u64 hv_child_lookup(u64 id, u32 reserved0, struct hv_partition **pp)
{
	if (reserved0)
		return HV_STATUS_INVALID_PARAMETER;
	*pp = child_by_id(id);
	return *pp ? HV_STATUS_SUCCESS : HV_STATUS_INVALID_PARTITION_ID;
}

u64 hv_call_create_partition(const struct hv_partition_create_in *in,
			     struct hv_partition_create_out *out)
{
	u32 max_vps = in->max_vps; /* read once: the root may change its page meanwhile */
	if (in->flags || in->reserved0 || !max_vps || max_vps > HV_MAX_VPS_PER_PARTITION)
		return HV_STATUS_INVALID_PARAMETER;
	struct hv_partition *p = NULL;
	for (u32 i = 0; i < HV_MAX_CHILD_PARTITIONS && !p; i++)
		if (!children[i].in_use)
			p = &children[i];
	if (!p) /* the table's limit, not memory: depositing more would not help */
		return HV_STATUS_NO_RESOURCES;
	memset(p, 0, sizeof(*p));
	p->in_use = true;
	p->slot = (u32)(p - children);
	p->id = next_child_id++;
	p->max_vps = max_vps;
	child_count++;
	out->partition_id = p->id;
	hv_log("partition %lu created (%u VPs at most)", p->id, max_vps);
	return HV_STATUS_SUCCESS;
}

/* A page off the partition's deposit list for the hypervisor's own use (tables, VPs), zeroed;
 * 0 when the list is empty (the root must deposit more). */
u64 hv_partition_take_page(struct hv_partition *p)
{
	u64 pa = p->deposit_head;
	if (!pa)
		return 0;
	/* The hypervisor's own page since the deposit (out of the root's NPT): a relaxed atomic,
	 * not a volatile access, which EVA would take as any value. */
	p->deposit_head = __atomic_load_n((u64 *)(uintptr_t)pa, __ATOMIC_RELAXED);
	p->deposit_free--;
	memset((void *)(uintptr_t)pa, 0, PAGE_SIZE);
	return pa;
}

/* A page of the partition's (taken or on the list) goes back to the root, zeroed. */
void hv_partition_release_page(struct hv_partition *p, u64 pa)
{
	memset((void *)(uintptr_t)pa, 0, PAGE_SIZE);
	arch_root_give_page(pa);
	p->deposit_count--;
	deposited_total--;
}

/* Takes one page off the partition's deposit list, zeroed, back into the root's NPT; its pfn,
 * or 0 when the list is empty. */
static u64 return_one_page(struct hv_partition *p)
{
	u64 pa = hv_partition_take_page(p);
	if (!pa)
		return 0;
	hv_partition_release_page(p, pa);
	return pa >> 12;
}

u64 hv_call_delete_partition(const struct hv_partition_ref *in)
{
	u64 id = in->partition_id;
	struct hv_partition *p;
	u64 st = hv_child_lookup(id, in->reserved0, &p);
	if (st != HV_STATUS_SUCCESS)
		return st;
	u64 pages = p->deposit_count;
	for (u32 i = 0; i < HV_MAX_VPS_PER_PARTITION; i++) {
		struct hv_vp *vp = p->vps[i];
		if (!vp)
			continue;
		hv_partition_release_page(p, vp->arch.vmcb_pa);
		hv_partition_release_page(p, hv_pa(vp));
		p->vps[i] = NULL;
		vp_count--;
	}
	arch_child_release(p); /* its NPT's tables, and the owner marks of its RAM */
	while (return_one_page(p))
		;
	p->in_use = false;
	child_count--;
	hv_log("partition %lu deleted, %lu deposited pages zeroed and returned", id, pages);
	return HV_STATUS_SUCCESS;
}

/* rep_start..rep_count of in->pfn[] (the caller checked that they fit the input page). */
u64 hv_call_deposit_pages(const struct hv_deposit_in *in, u32 rep_start, u32 rep_count,
			  u32 *reps_done)
{
	*reps_done = rep_start;
	struct hv_partition *p;
	u64 st = hv_child_lookup(in->partition_id, in->reserved0, &p);
	if (st != HV_STATUS_SUCCESS)
		return st;
	for (u32 i = rep_start; i < rep_count; i++) {
		u64 pfn = ((const volatile u64 *)in->pfn)[i]; /* read once */
		if (pfn >= (1ull << 40))
			return HV_STATUS_INVALID_PARAMETER;
		u64 pa = pfn << 12;
		u64 *page = hv_root_gpa(pa, PAGE_SIZE); /* RAM, the root's, not deposited */
		if (!page)
			return HV_STATUS_INVALID_PARAMETER;
		int rc = arch_root_take_page(pa);
		if (rc == -2)
			return HV_STATUS_INSUFFICIENT_MEMORY;
		if (rc < 0)
			return HV_STATUS_INVALID_PARAMETER;
		/* Through the pointer the check returned (pa itself: RAM is mapped 1:1), so that
		 * the list holds only addresses that passed it (what the EVA proof follows). */
		__atomic_store_n(page, p->deposit_head, __ATOMIC_RELAXED);
		p->deposit_head = hv_pa(page);
		p->deposit_free++;
		p->deposit_count++;
		deposited_total++;
		*reps_done = i + 1;
	}
	return HV_STATUS_SUCCESS;
}

u64 hv_call_withdraw_pages(const struct hv_partition_ref *in, u64 *pfn_out, u32 rep_start,
			   u32 rep_count, u32 *reps_done)
{
	*reps_done = rep_start;
	struct hv_partition *p;
	u64 st = hv_child_lookup(in->partition_id, in->reserved0, &p);
	if (st != HV_STATUS_SUCCESS)
		return st;
	for (u32 i = rep_start; i < rep_count; i++) {
		u64 pfn = return_one_page(p);
		if (!pfn)
			break;
		pfn_out[i] = pfn;
		*reps_done = i + 1;
	}
	return HV_STATUS_SUCCESS;
}

/* A live child and one of its VPs by index, with the status for what is wrong. */
u64 hv_vp_lookup(u64 id, u32 index, struct hv_partition **pp, struct hv_vp **vpp)
{
	struct hv_partition *p = child_by_id(id);
	if (!p)
		return HV_STATUS_INVALID_PARTITION_ID;
	if (index >= p->max_vps || !p->vps[index])
		return HV_STATUS_INVALID_VP_INDEX;
	*pp = p;
	*vpp = p->vps[index];
	return HV_STATUS_SUCCESS;
}

u64 hv_call_map_gpa(const struct hv_map_gpa_in *in, u32 rep_start, u32 rep_count, u32 *reps_done)
{
	*reps_done = rep_start;
	u64 gfn = in->target_gfn;
	u32 flags = in->flags;
	if (in->reserved0 || !(flags & HV_MAP_READ) ||
	    (flags & ~(HV_MAP_READ | HV_MAP_WRITE | HV_MAP_EXEC)))
		return HV_STATUS_INVALID_PARAMETER;
	struct hv_partition *p = child_by_id(in->partition_id);
	if (!p)
		return HV_STATUS_INVALID_PARTITION_ID;
	if (gfn >= HV_CHILD_GFN_LIMIT || rep_count > HV_CHILD_GFN_LIMIT - gfn)
		return HV_STATUS_INVALID_PARAMETER;
	for (u32 i = rep_start; i < rep_count; i++) {
		u64 pfn = ((const volatile u64 *)in->pfn)[i];
		if (pfn >= (1ull << 40) || !hv_root_gpa(pfn << 12, PAGE_SIZE))
			return HV_STATUS_INVALID_PARAMETER;
		u64 st = arch_child_map(p, gfn + i, pfn, flags);
		if (st != HV_STATUS_SUCCESS)
			return st;
		*reps_done = i + 1;
	}
	return HV_STATUS_SUCCESS;
}

u64 hv_call_unmap_gpa(const struct hv_unmap_gpa_in *in, u32 rep_start, u32 rep_count,
		      u32 *reps_done)
{
	*reps_done = rep_start;
	u64 gfn = in->target_gfn;
	struct hv_partition *p = child_by_id(in->partition_id);
	if (!p)
		return HV_STATUS_INVALID_PARTITION_ID;
	if (gfn >= HV_CHILD_GFN_LIMIT || rep_count > HV_CHILD_GFN_LIMIT - gfn)
		return HV_STATUS_INVALID_PARAMETER;
	for (u32 i = rep_start; i < rep_count; i++) {
		arch_child_unmap(p, gfn + i);
		*reps_done = i + 1;
	}
	return HV_STATUS_SUCCESS;
}

u64 hv_call_create_vp(const struct hv_vp_ref *in)
{
	u32 index = in->vp_index;
	struct hv_partition *p;
	u64 st = hv_child_lookup(in->partition_id, in->reserved0, &p);
	if (st != HV_STATUS_SUCCESS)
		return st;
	if (index >= p->max_vps || p->vps[index])
		return HV_STATUS_INVALID_VP_INDEX;
	if (p->deposit_free < 2)
		return HV_STATUS_INSUFFICIENT_MEMORY;
	struct hv_vp *vp = (struct hv_vp *)(uintptr_t)hv_partition_take_page(p);
	u64 vmcb_pa = hv_partition_take_page(p);
	_Static_assert(sizeof(struct hv_vp) <= PAGE_SIZE, "a VP fits its page");
	vp->part = p;
	vp->index = index;
	arch_vp_init(vp, vmcb_pa);
	synic_vp_init(vp);
	p->vps[index] = vp;
	vp_count++;
	hv_log("partition %lu: VP %u created", p->id, index);
	return HV_STATUS_SUCCESS;
}

u64 hv_call_vp_registers(const struct hv_vp_registers_in *in, u64 *values_out, bool set,
			 u32 rep_start, u32 rep_count, u32 *reps_done)
{
	*reps_done = rep_start;
	struct hv_partition *p;
	struct hv_vp *vp;
	if (in->reserved0)
		return HV_STATUS_INVALID_PARAMETER;
	u64 st = hv_vp_lookup(in->partition_id, in->vp_index, &p, &vp);
	if (st != HV_STATUS_SUCCESS)
		return st;
	for (u32 i = rep_start; i < rep_count; i++) {
		const volatile struct hv_register_entry *e = &in->reg[i];
		u32 name = e->name;
		u64 value = e->value;
		if (e->reserved0 || name >= HV_REG_COUNT)
			return HV_STATUS_INVALID_PARAMETER;
		st = set ? arch_vp_set_reg(vp, name, value)
			 : arch_vp_get_reg(vp, name, &values_out[i]);
		if (st != HV_STATUS_SUCCESS)
			return st;
		*reps_done = i + 1;
	}
	return HV_STATUS_SUCCESS;
}

u64 hv_call_run_vp(struct hv_cpu *cpu, const struct hv_run_vp_in *in, struct hv_run_vp_exit *out)
{
	struct hv_partition *p;
	struct hv_vp *vp;
	u32 flags = in->flags;
	u64 io_in_value = in->io_in_value;
	if ((flags & ~(HV_RUN_COMPLETE_IN | HV_RUN_COMPLETE_HYPERCALL)) ||
	    (flags & HV_RUN_COMPLETE_IN && flags & HV_RUN_COMPLETE_HYPERCALL) ||
	    (!flags && io_in_value))
		return HV_STATUS_INVALID_PARAMETER;
	u64 st = hv_vp_lookup(in->partition_id, in->vp_index, &p, &vp);
	if (st != HV_STATUS_SUCCESS)
		return st;
	st = arch_vp_run(cpu, vp, flags, io_in_value, out);
	if (st == HV_STATUS_SUCCESS)
		vp->counts.runs++;
	return st;
}

u64 hv_call_get_vp_stats(const struct hv_vp_ref *in, struct hv_vp_stats *out)
{
	struct hv_partition *p;
	struct hv_vp *vp;
	if (in->reserved0)
		return HV_STATUS_INVALID_PARAMETER;
	u64 st = hv_vp_lookup(in->partition_id, in->vp_index, &p, &vp);
	if (st != HV_STATUS_SUCCESS)
		return st;
	const struct hv_vp_counts *c = &vp->counts;
	memset(out, 0, sizeof(*out));
	out->exit_reason_count = HV_EXIT_REASON_COUNT;
	out->exits_total = c->total;
	out->interrupts = c->interrupts;
	out->posts = c->posts;
	out->signals = c->signals;
	out->runs = c->runs;
	for (u32 i = 0; i < HV_EXIT_REASON_COUNT; i++)
		out->exits[i] = c->exits[i];
	return HV_STATUS_SUCCESS;
}
