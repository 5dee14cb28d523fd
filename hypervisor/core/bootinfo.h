/* SPDX-License-Identifier: MIT */
/*
 * The hand-over from the EFI stub (hv.efi) to the resident core: where the core lives, the
 * memory it may use, and the firmware context it must resume as the root's first VP.
 * Internal to hypervisor/ (both sides are built from this tree at the same time).
 */
#ifndef HV_CORE_BOOTINFO_H
#define HV_CORE_BOOTINFO_H

#include <stdint.h>

#define HV_CORE_VA	  0xffffffff80000000ull /* the core is linked to run here */
#define HV_CORE_MAGIC	  0x45524f4356486e75ull /* "unHVCORE" (header of core.bin) */
#define HV_BOOTINFO_MAGIC 0x4f464e49544f4f42ull
#define HV_REGION_SIZE	  (16ull << 20) /* resident memory, one block */
#define HV_STACK_SIZE	  (16u << 10)
#define HV_IST_SIZE	  (8u << 10)
#define HV_MAX_CPUS	  64
#define HV_MAX_RAM_RANGES 128

/* First bytes of core.bin (the core's flat image, linked at HV_CORE_VA). */
struct hv_core_header {
	uint64_t magic;	     /* HV_CORE_MAGIC */
	uint64_t entry;	     /* VA of hv_core_entry() */
	uint64_t image_size; /* bytes from HV_CORE_VA to the end of .bss, page aligned */
	uint64_t text_end;   /* offset: [0, text_end) is code (read-only, executable) */
	uint64_t data_start; /* offset: [text_end, data_start) read-only data, then RW data */
};

/* A segment register as the VMCB holds it (AMD APM vol. 2, 15.5.1). */
struct hv_seg {
	uint16_t sel;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
};

/* The firmware context the root resumes in (filled by the stub and takeover.S). */
struct hv_guest_start {
	struct hv_seg es, cs, ss, ds;
	uint64_t gdtr_base, idtr_base;
	uint32_t gdtr_limit, idtr_limit;
	uint64_t cr0, cr3, cr4, efer, pat;
	uint64_t rflags, rip, rsp; /* set by takeover.S */
};

/* A range of the root's RAM (from the firmware's memory map) the hypervisor may read or
 * write when the root hands it a GPA (hypercall page, hypercall input/output pages). */
struct hv_ram_range {
	uint64_t start, end;
};

struct hv_boot_info {
	uint64_t magic;	    /* HV_BOOTINFO_MAGIC */
	uint64_t region_pa; /* resident memory: [region_pa, region_pa + region_size) */
	uint64_t region_size;
	uint64_t heap_pa;	/* first free byte after what the stub used, page aligned */
	uint64_t host_cr3;	/* page tables the stub built for the core */
	uint64_t stack_top_va;	/* host stack of the boot CPU (guard page below) */
	uint64_t ist_top_va[3]; /* IST stacks: NMI, #DF, #MC */
	uint64_t phys_top;	/* first byte above everything the NPT maps */
	uint64_t ram_top;	/* first byte above the highest RAM in the memory map */
	uint64_t tsc_khz;	/* measured by the stub with the firmware's Stall() */
	uint64_t tsc_at_start;
	uint16_t log_port;    /* 0 = no serial log */
	uint8_t gbpages;      /* CPU has 1 GiB pages */
	uint8_t nrips;	      /* CPU reports next RIP on exits */
	uint32_t asids;	      /* ASIDs the CPU offers */
	uint32_t panic_reset; /* on panic: reset the machine instead of halting */
	/* ACPI sleep guard: PM1 ports (0 = absent) and the SLP_TYP values of S5. [0] = PM1a,
	 * [1] = PM1b; per register the port from the FADT field Linux uses and, when the
	 * firmware's 32-bit and X_ fields disagree, the other one. */
	uint16_t pm1_cnt[2][2], pm1_sts[2][2];
	uint8_t s5_typ_a, s5_typ_b, sleep_guard;
	uint8_t root_triple_fault_halt; /* halt instead of resetting when the root triple-faults */
	struct hv_guest_start guest;
	uint32_t ram_range_count;
	uint32_t reserved0;
	struct hv_ram_range ram[HV_MAX_RAM_RANGES];
};

/* Both sides are built from this tree, but by two compilers' worth of flags (the GNU-EFI stub
 * and the freestanding core): the sizes pin the layout they must agree on. */
_Static_assert(sizeof(struct hv_core_header) == 40, "core header is 40 bytes");
_Static_assert(sizeof(struct hv_seg) == 16, "segment is 16 bytes (VMCB format)");
_Static_assert(sizeof(struct hv_guest_start) == 152, "guest start state is 152 bytes");
_Static_assert(sizeof(struct hv_ram_range) == 16, "RAM range is 16 bytes");
_Static_assert(sizeof(struct hv_boot_info) == 2344, "boot info is 2344 bytes");
_Static_assert(__builtin_offsetof(struct hv_boot_info, guest) == 136, "guest at 136");
_Static_assert(__builtin_offsetof(struct hv_boot_info, ram) == 296, "RAM ranges at 296");

#endif /* HV_BOOTINFO_H */
