/* SPDX-License-Identifier: MIT */
/* hv.efi's boot-time stub (an EFI runtime driver started by hvloader.efi): checks the CPU,
 * allocates the hypervisor's resident memory (EfiReservedMemoryType, never moved or
 * relocated), copies the core into it, builds the host page tables and stacks, and hands the
 * CPU over. On success the stub returns EFI_SUCCESS from inside the root partition; on
 * failure it returns an error with the reason as exit data and leaves the machine as found.
 * LoadOptions: "log_port=0x2f8" or "log_port=none", optionally " on_panic=reset" and
 * " root_triple_fault=halt". */
#include <efi.h>
#include <efilib.h>
#include <stddef.h>
#include "../arch/x86/x86.h"
#include "opts.h"
#include "stub.h"

#define HOST_FLAGS	 (PTE_P | PTE_W)
#define STACK_SLOTS_VA	 (HV_CORE_VA + 0x100000ull) /* image must end below */
#define STACK_SLOT	 0x10000ull		    /* 64 KiB per stack: rest is guard */
/* The root's NPT covers the whole physical address width (64-bit BARs can sit anywhere in
 * it), up to 256 TiB with 1 GiB pages (2 MiB of tables) or 1 TiB with 2 MiB pages (4 MiB). */
#define NPT_BITS_GBPAGES 48
#define NPT_BITS_2M	 40

static EFI_GUID mp_services_guid = {
	0x3fdda605, 0xa76e, 0x4f46, { 0xad, 0x29, 0x12, 0xf4, 0x53, 0x1b, 0x3d, 0x08 }
};
struct mp_services {
	EFI_STATUS(EFIAPI *get_number_of_processors)
	(struct mp_services *self, UINTN *total, UINTN *enabled);
};

/* Bump allocation inside the resident block, for what the stub prepares. */
static uint64_t next_free, region_end;

static void *take_pages(UINTN n)
{
	if (next_free + n * 4096 > region_end)
		return NULL;
	void *p = (void *)next_free;
	next_free += n * 4096;
	SetMem(p, n * 4096, 0);
	return p;
}

/* Maps one page or large page (level 0 = 4K, 1 = 2M, 2 = 1G) into the host tables with the
 * leaf attributes in `leaf` (PTE_W, PTE_NX). */
static BOOLEAN host_map(uint64_t *pml4, uint64_t va, uint64_t pa, int level, uint64_t leaf)
{
	uint64_t *t = pml4;
	for (int l = 3; l > level; l--) {
		uint64_t idx = (va >> (12 + 9 * l)) & 511;
		if (!(t[idx] & PTE_P)) {
			uint64_t *n = take_pages(1);
			if (!n)
				return FALSE;
			t[idx] = (uint64_t)n | HOST_FLAGS;
		}
		t = (uint64_t *)(t[idx] & PTE_ADDR);
	}
	t[(va >> (12 + 9 * level)) & 511] = pa | PTE_P | leaf | (level ? PTE_PS : 0);
	return TRUE;
}

static struct hv_seg seg_from_gdt(uint16_t sel, const struct dtr *gdtr)
{
	struct hv_seg s = { .sel = sel };
	if ((sel & ~3) == 0 || (sel & 4) || (sel | 7) > gdtr->limit)
		return s;
	uint64_t d = *(uint64_t *)(gdtr->base + (sel & ~7));
	s.base = ((d >> 16) & 0xffffff) | ((d >> 56) << 24);
	s.limit = (uint32_t)((d & 0xffff) | ((d >> 32) & 0xf0000));
	if (d & (1ull << 55))
		s.limit = (s.limit << 12) | 0xfff;
	s.attrib = (uint16_t)(((d >> 40) & 0xff) | (((d >> 52) & 0xf) << 8));
	return s;
}

static void capture_firmware_context(struct hv_guest_start *g)
{
	struct dtr gdtr, idtr;
	uint16_t cs, ss, ds, es;
	__asm__ volatile("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
	__asm__ volatile("mov %%cs, %0; mov %%ss, %1; mov %%ds, %2; mov %%es, %3"
			 : "=r"(cs), "=r"(ss), "=r"(ds), "=r"(es));
	g->cs = seg_from_gdt(cs, &gdtr);
	g->ss = seg_from_gdt(ss, &gdtr);
	g->ds = seg_from_gdt(ds, &gdtr);
	g->es = seg_from_gdt(es, &gdtr);
	g->gdtr_base = gdtr.base;
	g->gdtr_limit = gdtr.limit;
	g->idtr_base = idtr.base;
	g->idtr_limit = idtr.limit;
	g->cr0 = read_cr0();
	g->cr4 = read_cr4();
	g->efer = rdmsr(MSR_EFER);
	g->pat = rdmsr(MSR_PAT);
}

static BOOLEAN is_root_ram(UINT32 type)
{
	switch (type) {
	case EfiLoaderCode:
	case EfiLoaderData:
	case EfiBootServicesCode:
	case EfiBootServicesData:
	case EfiConventionalMemory:
	case EfiACPIReclaimMemory:
		return TRUE;
	}
	return FALSE;
}

/* The highest end of any memory-map entry that is not MMIO, and the RAM Linux may own
 * (merged ranges); the hypervisor's own block is taken out by the core. */
static uint64_t scan_memory_map(struct hv_boot_info *bi)
{
	UINTN entries, key, desc_size;
	UINT32 desc_version;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&entries, &key, &desc_size, &desc_version);
	uint64_t top = 0;
	if (!map)
		return 0;
	for (UINTN i = 0; i < entries; i++) {
		EFI_MEMORY_DESCRIPTOR *d = (void *)((uint8_t *)map + i * desc_size);
		if (d->Type == EfiMemoryMappedIO || d->Type == EfiMemoryMappedIOPortSpace)
			continue;
		uint64_t start = d->PhysicalStart, end = start + d->NumberOfPages * 4096;
		if (end > top)
			top = end;
		if (!is_root_ram(d->Type))
			continue;
		struct hv_ram_range *last = bi->ram_range_count ? &bi->ram[bi->ram_range_count - 1]
								: NULL;
		if (last && last->end == start)
			last->end = end;
		else if (bi->ram_range_count < HV_MAX_RAM_RANGES)
			bi->ram[bi->ram_range_count++] = (struct hv_ram_range){ start, end };
	}
	FreePool(map);
	return top;
}

/* -1 when the log_port option is malformed or out of range (see opts.h). */
static int parse_log_port(EFI_LOADED_IMAGE *li, uint16_t *port)
{
	if (!li || !li->LoadOptions)
		return hv_opt_log_port(NULL, 0, port);
	return hv_opt_log_port(li->LoadOptions, li->LoadOptionsSize / sizeof(CHAR16), port);
}

static BOOLEAN has_option(EFI_LOADED_IMAGE *li, const CHAR16 *opt)
{
	if (!li || !li->LoadOptions)
		return FALSE;
	CHAR16 *o = li->LoadOptions;
	UINTN n = li->LoadOptionsSize / 2, len = StrLen(opt);
	for (UINTN i = 0; i + len <= n; i++)
		if (!StrnCmp(o + i, opt, len))
			return TRUE;
	return FALSE;
}

/* Host page tables: RAM and the low 4 GiB 1:1; the core at HV_CORE_VA, W^X where the
 * firmware runs with EFER.NXE (the host keeps its EFER): code read-only, rodata read-only
 * no-execute, data/bss/stacks writable no-execute; the stacks in 64 KiB slots above the core,
 * each with the unmapped rest of its slot below it as a guard. */
static BOOLEAN build_host_tables(struct hv_boot_info *bi, uint64_t *pml4,
				 const struct hv_core_header *hdr, const struct hv_cpu_caps *caps)
{
	BOOLEAN ok = TRUE;
	uint64_t host_top = bi->ram_top > (4ull << 30) ? bi->ram_top : (4ull << 30);
	uint64_t step = caps->gbpages ? (1ull << 30) : (2ull << 20);
	for (uint64_t a = 0; ok && a < host_top; a += step)
		ok = host_map(pml4, a, a, caps->gbpages ? 2 : 1, PTE_W);
	uint64_t nx = (rdmsr(MSR_EFER) & (1ull << 11)) ? PTE_NX : 0;
	for (uint64_t off = 0; ok && off < hdr->image_size; off += 4096) {
		uint64_t leaf = off < hdr->text_end ? 0 : off < hdr->data_start ? nx : PTE_W | nx;
		ok = host_map(pml4, HV_CORE_VA + off, bi->region_pa + off, 0, leaf);
	}
	static const uint64_t stack_sizes[4] = { HV_STACK_SIZE, HV_IST_SIZE, HV_IST_SIZE,
						 HV_IST_SIZE };
	for (int s = 0; ok && s < 4; s++) {
		uint64_t slot_top = STACK_SLOTS_VA + (s + 1) * STACK_SLOT;
		uint8_t *mem = take_pages(stack_sizes[s] / 4096);
		ok = mem != NULL;
		for (uint64_t off = 0; ok && off < stack_sizes[s]; off += 4096)
			ok = host_map(pml4, slot_top - stack_sizes[s] + off, (uint64_t)mem + off, 0,
				      PTE_W | nx);
		if (s == 0)
			bi->stack_top_va = slot_top;
		else
			bi->ist_top_va[s - 1] = slot_top;
	}
	bi->host_cr3 = (uint64_t)pml4;
	return ok;
}

/* TSC rate, for uptime and the root's reference time. Stall() overshoots by a roughly
 * constant amount (a lot under emulation): the difference of a 10 ms and a 50 ms stall
 * cancels it. */
static uint64_t measure_tsc_khz(void)
{
	uint64_t t0 = rdtsc();
	uefi_call_wrapper(BS->Stall, 1, 10000);
	uint64_t t1 = rdtsc();
	uefi_call_wrapper(BS->Stall, 1, 50000);
	uint64_t t2 = rdtsc();
	return ((t2 - t1) - (t1 - t0)) / 40;
}

static EFI_STATUS refuse(EFI_HANDLE image, EFI_STATUS st, const CHAR16 *why)
{
	Print(L"hv.efi: not starting: %s\n", why);
	UINTN size = (StrLen(why) + 1) * sizeof(CHAR16);
	CHAR16 *data = AllocatePool(size);
	if (data)
		CopyMem(data, (VOID *)(UINTN)why, size);
	return uefi_call_wrapper(BS->Exit, 4, image, st, data ? size : 0, data);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	static CHAR16 why[512];
	InitializeLib(image, systab);
	EFI_LOADED_IMAGE *li = NULL;
	uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (void **)&li);

	/* Checked first, before anything is allocated: a hand-started hv.efi gets no hv.cfg
	 * validation from hvloader. */
	uint16_t log_port;
	if (parse_log_port(li, &log_port) < 0)
		return refuse(image, EFI_INVALID_PARAMETER,
			      L"log_port must be none or a hex port from 0x1 to 0xfff8");

	struct hv_cpu_caps caps = { 0 };
	if (!hv_cpu_check(&caps, why, sizeof(why)))
		return refuse(image, EFI_UNSUPPORTED, why);

	/* One CPU for now: a CPU left outside the hypervisor could read its memory. */
	struct mp_services *mp = NULL;
	UINTN total = 1, enabled = 1;
	if (!EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &mp_services_guid, NULL,
					 (void **)&mp)) &&
	    mp)
		uefi_call_wrapper(mp->get_number_of_processors, 3, mp, &total, &enabled);
	if (enabled > 1) {
		SPrint(why, sizeof(why),
		       L"%d CPUs are enabled; this hypervisor runs on one CPU "
		       L"only so far (boot with one CPU)",
		       enabled);
		return refuse(image, EFI_UNSUPPORTED, why);
	}

	uint64_t blob_size = hv_core_blob_end - hv_core_blob;
	const struct hv_core_header *hdr = (const void *)hv_core_blob;
	if (blob_size < sizeof(*hdr) || hdr->magic != HV_CORE_MAGIC ||
	    hdr->image_size < blob_size || hdr->image_size > STACK_SLOTS_VA - HV_CORE_VA ||
	    hdr->text_end > hdr->data_start || hdr->data_start > hdr->image_size)
		return refuse(image, EFI_LOAD_ERROR, L"the core image inside hv.efi is damaged");

	EFI_PHYSICAL_ADDRESS region = 0;
	UINTN pages = HV_REGION_SIZE / 4096;
	if (EFI_ERROR(uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages,
					EfiReservedMemoryType, pages, &region)))
		return refuse(image, EFI_OUT_OF_RESOURCES,
			      L"no memory for the hypervisor (16 MiB)");
	next_free = region;
	region_end = region + HV_REGION_SIZE;
	/* The image is below 1 MiB (checked above): these always fit in the block. */
	uint8_t *core = take_pages(hdr->image_size / 4096);
	struct hv_boot_info *bi = take_pages(1);
	uint64_t *pml4 = take_pages(1);
	CopyMem(core, hv_core_blob, blob_size);
	bi->magic = HV_BOOTINFO_MAGIC;
	bi->region_pa = region;
	bi->region_size = HV_REGION_SIZE;
	bi->ram_top = scan_memory_map(bi);
	bi->gbpages = caps.gbpages;
	bi->nrips = caps.nrips;
	bi->asids = caps.asids;
	bi->log_port = log_port;
	bi->panic_reset = has_option(li, L"on_panic=reset");
	bi->root_triple_fault_halt = has_option(li, L"root_triple_fault=halt");
	static CHAR16 no_guard[96];
	hv_find_acpi_sleep(bi, no_guard, sizeof(no_guard));
	if (!bi->sleep_guard)
		Print(L"hv.efi: warning: root sleep states not guarded: %s\n", no_guard);
	uint32_t npt_bits = caps.gbpages ? NPT_BITS_GBPAGES : NPT_BITS_2M;
	uint64_t phys_top = 1ull << (caps.phys_bits > npt_bits ? npt_bits : caps.phys_bits);
	if (phys_top < bi->ram_top)
		phys_top = (bi->ram_top + (1ull << 30) - 1) & ~((1ull << 30) - 1);
	bi->phys_top = phys_top;

	if (!build_host_tables(bi, pml4, hdr, &caps)) {
		uefi_call_wrapper(BS->FreePages, 2, region, pages);
		return refuse(image, EFI_OUT_OF_RESOURCES,
			      L"16 MiB are not enough for the host tables");
	}
	bi->heap_pa = next_free;

	bi->tsc_khz = measure_tsc_khz();
	bi->tsc_at_start = rdtsc();

	capture_firmware_context(&bi->guest);
	int64_t rc = hv_takeover(&bi->guest, bi->host_cr3, hdr->entry, bi->stack_top_va, bi);
	if (rc != 0) {
		uefi_call_wrapper(BS->FreePages, 2, region, pages);
		SPrint(why, sizeof(why), L"the core refused to start (error %d, see the log port)",
		       (INT32)rc);
		return refuse(image, EFI_DEVICE_ERROR, why);
	}
	/* From here on this is the root partition. Wipe the core's copy inside this image: the
	 * image stays mapped (runtime driver) and the root may read it. */
	SetMem(hv_core_blob, blob_size, 0);
	Print(L"hv.efi: hypervisor running (%d KiB resident at 0x%lx); firmware continues as the "
	      L"root partition\n",
	      (UINTN)(HV_REGION_SIZE >> 10), region);
	return EFI_SUCCESS;
}
