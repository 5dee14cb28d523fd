/* SPDX-License-Identifier: MIT */
/* A Linux child's boot (linux_boot.h): the kernel and initrd files are read straight into the
 * child's RAM once their sizes and the header (bzimage.c) are checked against the RAM; then
 * the zero page (linux_zero_page.c), the ACPI tables (acpi_tables.c), the GDT and the page
 * tables; then VP 0's registers for the 64-bit entry. */
#include "linux_boot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bzimage.h"
#include "boot_regs.h"
#include "hv/abi.h"
#include "linux_zero_page.h"

#define PAGE	      4096ull
#define PTE_P	      0x1ull
#define PTE_RW	      0x2ull
#define PTE_PS	      0x80ull		    /* in a PD entry: a 2 MiB page */
#define GDT_CODE64    0x00af9a000000ffffull /* 0x08: P, DPL 0, code r/x, L, G */
#define GDT_DATA      0x00cf92000000ffffull /* 0x10: P, DPL 0, data r/w, D/B, G */
#define GDT_LIMIT     (3 * 8 - 1)
#define SEL_CODE      0x08
#define SEL_DATA      0x10
#define SEG_ATTR_CODE 0xa9b /* the GDT entries in the VMCB's packed form, accessed */
#define SEG_ATTR_DATA 0xc93
#define SEG_ATTR_TR   0x08b /* busy 64-bit TSS: VMRUN wants a usable TR; Linux loads its own */
#define BOOT_CR0      0x80010031ull /* PG | WP | NE | ET | PE */
#define BOOT_CR4      0x20ull	    /* PAE */
#define BOOT_EFER     0xd00ull	    /* NXE | LMA | LME */
#define BOOT_RFLAGS   0x2ull	    /* IF = 0 */

/* Opens a regular file of 1 byte .. max bytes; -1 with why. */
static int open_file(const char *what, const char *path, uint64_t max, uint64_t *len, char *why,
		     size_t n)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, n, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, n, "%s %s: not a regular file", what, path);
		goto err_close;
	}
	if (st.st_size <= 0 || (uint64_t)st.st_size > max) {
		snprintf(why, n, "%s %s: %lld bytes: it must have 1 byte to %llu MiB here", what,
			 path, (long long)st.st_size, (unsigned long long)(max >> 20));
		goto err_close;
	}
	*len = (uint64_t)st.st_size;
	return fd;

err_close:
	close(fd);
	return -1;
}

/* Exactly len bytes from offset off; -1 with why on an error or a short file. */
static int read_at(int fd, const char *what, uint8_t *dst, uint64_t len, uint64_t off, char *why,
		   size_t n)
{
	while (len) {
		ssize_t r = pread(fd, dst, len > (1u << 30) ? (1u << 30) : len, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(why, n, "%s: cannot read it: %s", what,
				 r < 0 ? strerror(errno) : "file shrank while loading");
			return -1;
		}
		dst += r;
		off += (uint64_t)r;
		len -= (uint64_t)r;
	}
	return 0;
}

/* The kernel's code at LB_KERNEL_GPA and its boot area must fit the RAM. */
static int place_kernel(const struct bzimage_info *bz, uint64_t ram_bytes,
			struct linux_boot_layout *l, char *why, size_t n)
{
	l->kernel_bytes = bz->kernel_bytes;
	l->run_base = bzimage_run_base(bz, LB_KERNEL_GPA);
	l->run_end = l->run_base + bz->init_size;
	if (l->run_end < LB_KERNEL_GPA + l->kernel_bytes)
		l->run_end = LB_KERNEL_GPA + l->kernel_bytes;
	if (l->run_end > ram_bytes) {
		snprintf(why, n,
			 "kernel: it needs RAM up to %llu MiB to boot (init_size %u bytes from "
			 "%#llx); the VM has %llu MiB: raise memory_mib",
			 (unsigned long long)((l->run_end + (1 << 20) - 1) >> 20), bz->init_size,
			 (unsigned long long)l->run_base, (unsigned long long)(ram_bytes >> 20));
		return -1;
	}
	l->entry = LB_KERNEL_GPA + BZ_ENTRY_64_OFFSET;
	l->zero_page = LB_ZERO_PAGE_GPA;
	l->protocol = bz->version;
	return 0;
}

/* The initrd as high as allowed, page-aligned, above the kernel's boot area. */
static int place_initrd(const struct bzimage_info *bz, uint64_t ram_bytes, uint64_t size,
			struct linux_boot_layout *l, char *why, size_t n)
{
	uint64_t limit = ram_bytes < LB_INITRD_LIMIT ? ram_bytes : LB_INITRD_LIMIT;
	if ((uint64_t)bz->initrd_addr_max + 1 < limit)
		limit = (uint64_t)bz->initrd_addr_max + 1;
	uint64_t at = size <= limit ? (limit - size) & ~(PAGE - 1) : 0;
	if (size > limit || at < l->run_end) {
		snprintf(why, n,
			 "initrd: %llu bytes do not fit between the kernel's boot area (to %#llx) "
			 "and %#llx: raise memory_mib or use a smaller initrd",
			 (unsigned long long)size, (unsigned long long)l->run_end,
			 (unsigned long long)limit);
		return -1;
	}
	l->initrd_gpa = at;
	l->initrd_bytes = size;
	return 0;
}

static int load_initrd(uint8_t *ram, uint64_t ram_bytes, const char *path,
		       const struct bzimage_info *bz, struct linux_boot_layout *l, char *why,
		       size_t n)
{
	uint64_t size;
	int fd = open_file("initrd", path, UINT32_MAX, &size, why, n);
	if (fd < 0)
		return -1;
	int rc = place_initrd(bz, ram_bytes, size, l, why, n);
	if (rc == 0)
		rc = read_at(fd, "initrd", ram + l->initrd_gpa, size, 0, why, n);
	close(fd);
	return rc;
}

/* Reads and checks the header, then the protected-mode code into RAM; head keeps the setup
 * bytes for the zero page. */
static int load_kernel(uint8_t *ram, uint64_t ram_bytes, const char *path, uint8_t *head,
		       struct bzimage_info *bz, struct linux_boot_layout *l, char *why, size_t n)
{
	uint64_t len;
	int fd = open_file("kernel", path, ram_bytes, &len, why, n);
	if (fd < 0)
		return -1;
	size_t head_len = len < BZ_SETUP_BYTES_MAX ? (size_t)len : BZ_SETUP_BYTES_MAX;
	int rc = read_at(fd, "kernel", head, head_len, 0, why, n);
	if (rc == 0 && bzimage_parse(head, head_len, len, bz, why, n) != 0) {
		char cause[200];
		snprintf(cause, sizeof(cause), "%s", why);
		snprintf(why, n, "kernel %s: %s", path, cause);
		rc = -1;
	}
	if (rc == 0)
		rc = place_kernel(bz, ram_bytes, l, why, n);
	if (rc == 0)
		rc = read_at(fd, "kernel", ram + LB_KERNEL_GPA, bz->kernel_bytes, bz->setup_bytes,
			     why, n);
	close(fd);
	return rc;
}

/* GDT and the identity map of [0, 4 GiB) in 2 MiB pages: it covers everything the kernel's
 * entry touches (itself, its boot area, the zero page, command line and initrd). */
static void build_cpu_tables(uint8_t *ram)
{
	uint64_t gdt[3] = { 0, GDT_CODE64, GDT_DATA };
	memcpy(ram + LB_GDT_GPA, gdt, sizeof(gdt));
	uint64_t e = LB_PDPT_GPA | PTE_P | PTE_RW;
	memcpy(ram + LB_PML4_GPA, &e, 8);
	for (uint64_t g = 0; g < LB_PD_COUNT; g++) {
		uint64_t pd = LB_PD_GPA + g * PAGE;
		e = pd | PTE_P | PTE_RW;
		memcpy(ram + LB_PDPT_GPA + g * 8, &e, 8);
		for (uint64_t i = 0; i < 512; i++) {
			e = ((g << 30) + (i << 21)) | PTE_P | PTE_RW | PTE_PS;
			memcpy(ram + pd + i * 8, &e, 8);
		}
	}
}

static int check_args(uint64_t ram_bytes, const char *cmdline, char *why, size_t n)
{
	if (ram_bytes < LB_RAM_MIN || ram_bytes > LB_RAM_MAX || ram_bytes % PAGE) {
		snprintf(why, n,
			 "a Linux child needs %llu MiB to %llu MiB of RAM (memory_mib); this one "
			 "has %llu MiB",
			 (unsigned long long)(LB_RAM_MIN >> 20),
			 (unsigned long long)(LB_RAM_MAX >> 20),
			 (unsigned long long)(ram_bytes >> 20));
		return -1;
	}
	if (cmdline && strlen(cmdline) >= LB_CMDLINE_MAX) {
		snprintf(why, n, "kernel command line longer than %u bytes", LB_CMDLINE_MAX - 1);
		return -1;
	}
	return 0;
}

int linux_boot_load(uint8_t *ram, uint64_t ram_bytes, const char *kernel, const char *initrd,
		    const char *cmdline, uint32_t vps, struct linux_boot_layout *out, char *why,
		    size_t n)
{
	struct bzimage_info bz;
	const char *cl = cmdline ? cmdline : "";
	memset(out, 0, sizeof(*out));
	if (check_args(ram_bytes, cl, why, n) != 0)
		return -1;
	uint8_t *head = malloc(BZ_SETUP_BYTES_MAX);
	if (!head) {
		snprintf(why, n, "out of memory");
		return -1;
	}
	int rc = load_kernel(ram, ram_bytes, kernel, head, &bz, out, why, n);
	if (rc == 0 && strlen(cl) > bz.cmdline_size) {
		snprintf(why, n, "kernel command line of %zu bytes: this kernel takes at most %u",
			 strlen(cl), bz.cmdline_size);
		rc = -1;
	}
	if (rc == 0 && initrd)
		rc = load_initrd(ram, ram_bytes, initrd, &bz, out, why, n);
	if (rc == 0)
		rc = acpi_tables_build(ram + ACPI_AREA_GPA, ACPI_AREA_BYTES, ACPI_AREA_GPA, vps,
				       &out->acpi, why, n);
	if (rc == 0) {
		memcpy(ram + LB_CMDLINE_GPA, cl, strlen(cl) + 1);
		linux_zero_page_build(ram + LB_ZERO_PAGE_GPA, head, &bz, ram_bytes, out);
		build_cpu_tables(ram);
	}
	free(head);
	return rc;
}

_Static_assert(BOOT_FLAT64_REGS <= LB_MAX_REGS, "VP 0's start state fits the caller's arrays");

uint32_t linux_boot_regs(const struct linux_boot_layout *l, uint32_t *names, uint64_t *values)
{
	const struct boot_flat64 start = {
		.cr0 = BOOT_CR0,
		.cr3 = LB_PML4_GPA,
		.cr4 = BOOT_CR4,
		.efer = BOOT_EFER,
		.rflags = BOOT_RFLAGS,
		.sel_code = SEL_CODE,
		.sel_data = SEL_DATA,
		.attr_code = SEG_ATTR_CODE,
		.attr_data = SEG_ATTR_DATA,
		.attr_tr = SEG_ATTR_TR,
		.gdt_base = LB_GDT_GPA,
		.gdt_limit = GDT_LIMIT,
		.rsp = LB_STACK_TOP,
		.rip = l->entry,
		.arg_reg = HV_REG_RSI,
		.arg = l->zero_page, /* the zero page */
	};
	return boot_flat64_regs(&start, names, values);
}
