/* SPDX-License-Identifier: MIT */
/* Counters the statistics hypercall reports: exits by reason, uptime, resident memory. */
#include <asm/processor.h>

#include "core.h"

static u64 exit_counts[HV_EXIT_REASON_COUNT];
static u64 total_exits;
u64 hv_hypercall_count;
struct hv_child_counts hv_child_counts;

void hv_stats_count(enum hv_exit_reason r)
{
	if ((unsigned)r >= HV_EXIT_REASON_COUNT)
		r = HV_EXIT_OTHER;
	exit_counts[r]++;
	total_exits++;
}

u64 hv_uptime_ns(void)
{
	if (!hv.tsc_khz)
		return 0;
	u64 d = arch_read_cycles() - hv.tsc_start;
	/* d * 1e6 / khz without overflowing for ~days of uptime */
	return d / hv.tsc_khz * 1000000u + d % hv.tsc_khz * 1000000u / hv.tsc_khz;
}

void hv_stats_fill(struct hv_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->abi_version = HV_ABI_VERSION;
	s->exit_reason_count = HV_EXIT_REASON_COUNT;
	s->uptime_ns = hv_uptime_ns();
	s->tsc_khz = hv.tsc_khz;
	s->total_exits = total_exits;
	s->hypercalls = hv_hypercall_count;
	s->mem_base = hv.region_pa;
	s->mem_size = hv.region_size;
	s->mem_used = hv.heap_next - hv.region_pa;
	s->log_bytes = hv_log_total();
	s->cpus = hv.cpus;
	s->partitions = hv_partition_count();
	s->vps = hv_vp_count();
	s->deposited_pages = hv_deposited_pages();
	s->npt_split_pages = arch_npt_split_pages();
	s->child_exits = hv_child_counts.exits;
	s->child_posts = hv_child_counts.posts;
	s->child_signals = hv_child_counts.signals;
	s->child_interrupts = hv_child_counts.interrupts;
	for (int i = 0; i < HV_EXIT_REASON_COUNT; i++)
		s->exits[i] = exit_counts[i];
}

/* One line of totals, e.g. when the root powers the machine off. */
void hv_stats_log_summary(const char *why)
{
	static const char *const names[HV_EXIT_REASON_COUNT] = {
		"other",    "cpuid", "msr_read", "msr_write", "hypercall", "io",
		"svm_insn", "npf",   "shutdown", "intr",      "nmi",	   "invd",
		"hlt",
	};
	char line[200];
	int n = hv_snprintf(line, sizeof(line), "%lu exits", total_exits);
	for (int i = 0; i < HV_EXIT_REASON_COUNT && n < (int)sizeof(line); i++)
		if (exit_counts[i])
			n += hv_snprintf(line + n, sizeof(line) - (size_t)n, ", %s %lu", names[i],
					 exit_counts[i]);
	hv_log("%s after %lu ms: %s", why, hv_uptime_ns() / 1000000u, line);
}
