/* SPDX-License-Identifier: MIT */
/* The core's global state and the services its parts (and the arch layer) share: resident
 * memory, logging, statistics, reference time, panic. The arch interface is arch.h. */
#ifndef HV_CORE_CORE_H
#define HV_CORE_CORE_H

#include "hv/abi.h"

#include "arch.h"
#include "bootinfo.h"
#include "lib.h"
#include "percpu.h"

struct hv_global {
	u64 region_pa, region_size; /* everything the hypervisor owns */
	u64 heap_next, heap_end;    /* bump allocator inside the region (physical) */
	u64 phys_top, ram_top;
	u64 tsc_khz, tsc_start;
	bool nrips, gbpages, panic_reset, root_triple_fault_halt;
	u32 cpus;
	u32 ram_range_count;
	struct hv_ram_range ram[HV_MAX_RAM_RANGES];
};
extern struct hv_global hv;

/* mem.c: resident memory. Pages come zeroed, are never freed, never move. */
void *hv_alloc_pages(u64 count);
u64 hv_pa(const void *p);
/* A root-supplied GPA range the hypervisor may read/write for the root, or NULL when it
 * touches hypervisor memory or lies above what the root can address. */
void *hv_root_gpa(u64 gpa, u64 len);
bool hv_owns(u64 pa);

/* log.c */
void hv_log_init(u16 port);
void hv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
u64 hv_log_read(u64 offset, char *out, u32 max, u64 *start, u32 *len);
u64 hv_log_total(void);

/* stats.c */
extern u64 hv_hypercall_count;
struct hv_child_counts {
	u64 exits, posts, signals, interrupts;
};
extern struct hv_child_counts hv_child_counts;
void hv_stats_fill(struct hv_stats *s);
void hv_stats_log_summary(const char *why);
u64 hv_uptime_ns(void);

/* reftime.c: partition reference time (100 ns units since start) */
void hv_reftime_init(void);
bool hv_reftime_available(void);
u64 hv_reftime_now(void);
void hv_reftime_fill_page(void *page);
void hv_reftime_fill_page_for(void *page, u64 tsc_offset);

/* The child GPA space: below 1 TiB. */
#define HV_CHILD_GFN_LIMIT (1ull << 28)

/* entry.c: the root partition. */
struct hv_partition *hv_root_partition(void);

/* partition.c: pages from a partition's deposit for the hypervisor's own use, and back. */
u64 hv_partition_take_page(struct hv_partition *p);
void hv_partition_release_page(struct hv_partition *p, u64 pa);

/* partition.c: the child partition table and the root's partition calls (arguments mapped and
 * rep fields checked by hypercall.c). */
u32 hv_partition_count(void);
u64 hv_deposited_pages(void);
u32 hv_vp_count(void);
u64 hv_call_create_partition(const struct hv_partition_create_in *in,
			     struct hv_partition_create_out *out);
u64 hv_call_delete_partition(const struct hv_partition_ref *in);
u64 hv_call_deposit_pages(const struct hv_deposit_in *in, u32 rep_start, u32 rep_count,
			  u32 *reps_done);
u64 hv_call_withdraw_pages(const struct hv_partition_ref *in, u64 *pfn_out, u32 rep_start,
			   u32 rep_count, u32 *reps_done);
u64 hv_call_map_gpa(const struct hv_map_gpa_in *in, u32 rep_start, u32 rep_count, u32 *reps_done);
u64 hv_call_unmap_gpa(const struct hv_unmap_gpa_in *in, u32 rep_start, u32 rep_count,
		      u32 *reps_done);
u64 hv_call_create_vp(const struct hv_vp_ref *in);
u64 hv_call_vp_registers(const struct hv_vp_registers_in *in, u64 *values_out, bool set,
			 u32 rep_start, u32 rep_count, u32 *reps_done);
u64 hv_call_run_vp(struct hv_cpu *cpu, const struct hv_run_vp_in *in, struct hv_run_vp_exit *out);
u64 hv_call_get_vp_stats(const struct hv_vp_ref *in, struct hv_vp_stats *out);
/* A live child by id (reserved0 must be 0), or one of its VPs: the status for what is wrong. */
u64 hv_child_lookup(u64 id, u32 reserved0, struct hv_partition **pp);
u64 hv_vp_lookup(u64 id, u32 index, struct hv_partition **pp, struct hv_vp **vpp);

/* synic.c: a child VP's SynIC, the root's calls into it and the connections (docs/vmbus.md).
 * synic_msr_read/write: false = refuse (#GP). synic_deliver: queued messages into free slots.
 * synic_take_vector: the vector of the highest raised, enabled SINT (no longer raised), or
 * -1. synic_post_message / synic_signal_event: a partition's HvPostMessage / HvSignalEvent,
 * checked; on a registered connection of a child the call sets cpu->run_exit. */
void synic_vp_init(struct hv_vp *vp);
bool synic_is_msr(u32 msr);
bool synic_msr_read(struct hv_vp *vp, u32 msr, u64 *val);
bool synic_msr_write(struct hv_vp *vp, u32 msr, u64 val);
void synic_deliver(struct hv_vp *vp);
int synic_take_vector(struct hv_vp *vp);
bool synic_work_pending(const struct hv_vp *vp);
u64 hv_call_post_message_direct(const struct hv_post_message_direct_in *in);
u64 hv_call_signal_event_direct(const struct hv_signal_event_direct_in *in,
				struct hv_signal_event_direct_out *out);
u64 hv_call_set_connection(const struct hv_connection_in *in);
u64 hv_call_assert_interrupt(const struct hv_assert_interrupt_in *in);
void synic_queue_message(struct hv_vp *vp, u32 sint, u32 type, const void *payload, u32 len);
u64 synic_post_message(struct hv_cpu *cpu, u64 control, u64 in_gpa);
u64 synic_signal_event(struct hv_cpu *cpu, u64 control, u64 arg);

/* stimer.c: a child VP's synthetic timers. check: raise the ones expired by now (before each
 * entry); next_deadline: the reference time the next one expires at, 0 if none is armed. */
bool stimer_is_msr(u32 msr);
bool stimer_msr_read(struct hv_vp *vp, u32 msr, u64 *val);
bool stimer_msr_write(struct hv_vp *vp, u32 msr, u64 val);
void stimer_check(struct hv_vp *vp);
u64 stimer_next_deadline(const struct hv_vp *vp);

/* selfcheck.c: the hash of the core's code and read-only data, taken once at take-over
 * (hv_self_check_init) and compared on request. */
void hv_self_check_init(void);
void hv_self_check(struct hv_self_check *out);

/* panic.c: hv_panic for the hypervisor's own fatal errors; hv_root_shutdown when the root
 * partition shuts down (triple fault): the report, then a reset as hardware would do it. */
__attribute__((noreturn)) void hv_root_shutdown(struct hv_cpu *cpu);
__attribute__((noreturn, format(printf, 2, 3))) void hv_panic(struct hv_cpu *cpu, const char *fmt,
							      ...);

#endif
