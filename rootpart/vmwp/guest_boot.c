/* SPDX-License-Identifier: MIT */
/* The test guest's boot (guest_boot.h): the worker does what firmware and a boot loader would,
 * by the contract in testguest/boot.h. The image comes from the VM config (an admin's file):
 * every ELF field is checked before a byte is copied. */
#include "guest_boot.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot_regs.h"
#include "hv/abi.h"
#include "testguest/boot.h"

#define IMAGE_FILE_MAX (4u << 20)

/* The whole file, at most IMAGE_FILE_MAX bytes; NULL with why. */
static uint8_t *read_image(const char *path, size_t *len, char *why, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *buf = NULL;
	if (fd < 0) {
		snprintf(why, n, "guest image %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    st.st_size > IMAGE_FILE_MAX) {
		snprintf(why, n, "guest image %s: not a regular file of 1 byte to %u MiB", path,
			 IMAGE_FILE_MAX >> 20);
		goto err_close;
	}
	buf = malloc((size_t)st.st_size);
	if (!buf || read(fd, buf, (size_t)st.st_size) != st.st_size) {
		snprintf(why, n, "guest image %s: cannot read it", path);
		goto err_free;
	}
	close(fd);
	*len = (size_t)st.st_size;
	return buf;

err_free:
	free(buf);
err_close:
	close(fd);
	return NULL;
}

static int check_header(const Elf64_Ehdr *e, size_t len, char *why, size_t n)
{
	if (len < sizeof(*e) || memcmp(e->e_ident, ELFMAG, SELFMAG) ||
	    e->e_ident[EI_CLASS] != ELFCLASS64 || e->e_ident[EI_DATA] != ELFDATA2LSB ||
	    e->e_machine != EM_X86_64 || e->e_type != ET_EXEC) {
		snprintf(why, n, "guest image: not an x86-64 ELF64 executable");
		return -1;
	}
	if (e->e_phentsize != sizeof(Elf64_Phdr) || !e->e_phnum || e->e_phnum > 64 ||
	    e->e_phoff > len || (uint64_t)e->e_phnum * sizeof(Elf64_Phdr) > len - e->e_phoff) {
		snprintf(why, n, "guest image: program headers outside the file");
		return -1;
	}
	if (e->e_entry < TG_IMAGE_BASE || e->e_entry >= TG_IMAGE_LIMIT) {
		snprintf(why, n, "guest image: entry %#llx outside %#llx-%#llx",
			 (unsigned long long)e->e_entry, (unsigned long long)TG_IMAGE_BASE,
			 (unsigned long long)TG_IMAGE_LIMIT);
		return -1;
	}
	return 0;
}

/* Copies the PT_LOAD segments; each must lie in the image window and in the file. */
static int load_segments(uint8_t *ram, uint64_t ram_bytes, const uint8_t *img, size_t len,
			 char *why, size_t n)
{
	const Elf64_Ehdr *e = (const Elf64_Ehdr *)img;
	for (unsigned i = 0; i < e->e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, img + e->e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_paddr < TG_IMAGE_BASE ||
		    ph.p_paddr > TG_IMAGE_LIMIT || ph.p_memsz > TG_IMAGE_LIMIT - ph.p_paddr ||
		    ph.p_paddr + ph.p_memsz > ram_bytes || ph.p_offset > len ||
		    ph.p_filesz > len - ph.p_offset) {
			snprintf(why, n,
				 "guest image: segment %u (%#llx, %llu bytes) outside the "
				 "image window, the RAM or the file",
				 i, (unsigned long long)ph.p_paddr, (unsigned long long)ph.p_memsz);
			return -1;
		}
		memcpy(ram + ph.p_paddr, img + ph.p_offset, ph.p_filesz);
	}
	return 0;
}

/* Identity map of the RAM with 2 MiB pages, the GDT and the boot-info page. */
static void build_tables(uint8_t *ram, uint64_t ram_bytes, const char *cmdline,
			 uint64_t partition_id, uint32_t vps)
{
	uint64_t *pml4 = (uint64_t *)(ram + TG_PML4_GPA);
	uint64_t *pdpt = (uint64_t *)(ram + TG_PDPT_GPA);
	uint64_t *gdt = (uint64_t *)(ram + TG_GDT_GPA);
	pml4[0] = TG_PDPT_GPA | TG_PTE_P | TG_PTE_RW;
	for (uint64_t gib = 0; gib * (1ull << 30) < ram_bytes; gib++) {
		uint64_t pd = TG_PD_GPA + gib * 4096;
		pdpt[gib] = pd | TG_PTE_P | TG_PTE_RW;
		for (uint64_t i = 0; i < 512; i++) {
			uint64_t pa = (gib << 30) + (i << 21);
			if (pa < ram_bytes)
				((uint64_t *)(ram + pd))[i] = pa | TG_PTE_P | TG_PTE_RW | TG_PTE_PS;
		}
	}
	gdt[1] = TG_GDT_CODE64;
	gdt[2] = TG_GDT_DATA;
	struct tg_boot_info *bi = (struct tg_boot_info *)(ram + TG_BOOT_INFO_GPA);
	bi->magic = TG_BOOT_MAGIC;
	bi->version = TG_BOOT_VERSION;
	bi->size = sizeof(*bi);
	bi->ram_bytes = ram_bytes;
	bi->vp_count = vps;
	bi->partition_id = partition_id;
	snprintf(bi->cmdline, sizeof(bi->cmdline), "%s", cmdline ? cmdline : "");
}

int guest_boot_load(uint8_t *ram, uint64_t ram_bytes, const char *path, const char *cmdline,
		    uint64_t partition_id, uint32_t vps, uint64_t *entry, char *why, size_t n)
{
	size_t len;
	if (ram_bytes < TG_RAM_MIN || ram_bytes > TG_RAM_MAX || ram_bytes % TG_RAM_ALIGN) {
		snprintf(why, n, "the test guest needs 8 MiB to 64 GiB of RAM in 2 MiB steps");
		return -1;
	}
	if (cmdline && strlen(cmdline) >= TG_CMDLINE_MAX) {
		snprintf(why, n, "guest command line longer than %d bytes", TG_CMDLINE_MAX - 1);
		return -1;
	}
	uint8_t *img = read_image(path, &len, why, n);
	if (!img)
		return -1;
	int rc = check_header((const Elf64_Ehdr *)img, len, why, n);
	if (rc == 0)
		rc = load_segments(ram, ram_bytes, img, len, why, n);
	if (rc == 0) {
		*entry = ((const Elf64_Ehdr *)img)->e_entry;
		build_tables(ram, ram_bytes, cmdline, partition_id, vps);
	}
	free(img);
	return rc;
}

_Static_assert(BOOT_FLAT64_REGS <= GUEST_BOOT_MAX_REGS,
	       "VP 0's start state fits the caller's arrays");

uint32_t guest_boot_regs(uint64_t entry, uint32_t *names, uint64_t *values)
{
	const struct boot_flat64 start = {
		.cr0 = TG_BOOT_CR0,
		.cr3 = TG_PML4_GPA,
		.cr4 = TG_BOOT_CR4,
		.efer = TG_BOOT_EFER,
		.rflags = TG_BOOT_RFLAGS,
		.sel_code = TG_SEL_CODE,
		.sel_data = TG_SEL_DATA,
		.attr_code = TG_SEG_ATTR_CODE64,
		.attr_data = TG_SEG_ATTR_DATA,
		.attr_tr = TG_SEG_ATTR_TR,
		.gdt_base = TG_GDT_GPA,
		.gdt_limit = TG_GDT_LIMIT,
		.rsp = TG_STACK_TOP,
		.rip = entry,
		.arg_reg = HV_REG_RDI,
		.arg = TG_BOOT_INFO_GPA, /* the boot-info page */
	};
	return boot_flat64_regs(&start, names, values);
}
