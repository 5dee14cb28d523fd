/* SPDX-License-Identifier: MIT */
/* The core's entry from the EFI stub: take over the boot CPU. Runs on the hypervisor's own
 * page tables and stack. Returns (a negative value) only if nothing was changed yet, so the
 * stub can hand the firmware back its CPU; on success it never returns: the caller resumes
 * as the root partition's first VP. */
#include "core.h"

struct hv_global hv;
static struct hv_partition root_partition = { .is_root = true, .id = HV_PARTITION_ID_ROOT };
static struct hv_cpu cpus[HV_MAX_CPUS]; /* cpus[i].hw_id says which CPU */

/* Section .header is placed first by core.lds: the stub reads it out of core.bin. */
extern char __core_end[], __core_text_end[], __core_data_start[];
long hv_core_entry(struct hv_boot_info *bi);
__attribute__((section(".header"), used)) static const struct hv_core_header header = {
	.magic = HV_CORE_MAGIC,
	.entry = (u64)(uintptr_t)hv_core_entry,
	.image_size = (u64)(uintptr_t)__core_end - HV_CORE_VA,
	.text_end = (u64)(uintptr_t)__core_text_end - HV_CORE_VA,
	.data_start = (u64)(uintptr_t)__core_data_start - HV_CORE_VA,
};

struct hv_partition *hv_root_partition(void)
{
	return &root_partition;
}

long hv_core_entry(struct hv_boot_info *bi)
{
	if (bi->magic != HV_BOOTINFO_MAGIC)
		return -1;
	hv.region_pa = bi->region_pa;
	hv.region_size = bi->region_size;
	hv.heap_next = bi->heap_pa;
	hv.heap_end = bi->region_pa + bi->region_size;
	hv.phys_top = bi->phys_top;
	hv.ram_top = bi->ram_top;
	hv.tsc_khz = bi->tsc_khz;
	hv.tsc_start = bi->tsc_at_start;
	hv.nrips = bi->nrips;
	hv.gbpages = bi->gbpages;
	hv.panic_reset = bi->panic_reset != 0;
	hv.root_triple_fault_halt = bi->root_triple_fault_halt != 0;
	hv.ram_range_count = bi->ram_range_count <= HV_MAX_RAM_RANGES ? bi->ram_range_count
								      : HV_MAX_RAM_RANGES;
	memcpy(hv.ram, bi->ram, sizeof(hv.ram));
	hv_self_check_init();
	hv_log_init(bi->log_port);
	hv_reftime_init();
	hv_log("hv.efi core (ABI %u) at %p, resident memory %lx-%lx (%lu KiB)", HV_ABI_VERSION,
	       (const void *)&header, hv.region_pa, hv.region_pa + hv.region_size - 1,
	       hv.region_size >> 10);
	hv_log("%u RAM ranges for root GPAs", hv.ram_range_count);
	hv_log("tsc %lu kHz, RAM top %lx, NPT covers %lx, nrips %d, 1G pages %d, %u ASIDs",
	       hv.tsc_khz, hv.ram_top, hv.phys_top, hv.nrips, hv.gbpages, bi->asids);

	struct hv_cpu *cpu = &cpus[0];
	cpu->hw_id = arch_cpu_hw_id();
	cpu->index = 0;
	cpu->part = &root_partition;
	hv.cpus = 1;

	if (arch_init(bi) < 0 || arch_cpu_init(cpu, bi) < 0) {
		hv_log("setup failed, returning the CPU to the firmware");
		return -2;
	}
	hv_log("boot CPU (APIC ID %u) ready; %lu KiB of resident memory in use", cpu->hw_id,
	       (hv.heap_next - hv.region_pa) >> 10);
	arch_cpu_start(cpu);
}
