/* SPDX-License-Identifier: MIT */
/*
 * bareload's C half (32-bit, runs with paging off): does on a bare PC what the worker does for
 * a child (testguest/boot.h): checks and loads the ELF64 testguest.elf handed over as the
 * first multiboot module at its p_paddr, builds the identity map of RAM with 2 MiB pages, the
 * GDT and the boot-info page (command line: the multiboot one without its first word, the
 * kernel's path). Returns the entry point to bareload.S. A test aid only: RAM is what the
 * multiboot header says above 1 MiB (at most 3 GiB), partition id 0, one VP.
 */
#include <stdint.h>
#include "testguest/boot.h"

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
};
struct mb_module {
	uint32_t start, end, string, reserved;
};
struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

uint32_t bare_main(uint32_t magic, const struct mb_info *mbi);

static void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static void die(const char *why)
{
	for (const char *s = "bareload: "; *s; s++)
		outb(TG_COM1_BASE, (uint8_t)*s);
	for (; *why; why++)
		outb(TG_COM1_BASE, (uint8_t)*why);
	outb(TG_COM1_BASE, '\n');
	outb(TG_POWEROFF_PORT, TG_POWEROFF_VALUE);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void fill(uint32_t addr, uint8_t v, uint32_t n)
{
	for (volatile uint8_t *p = (uint8_t *)addr; n--; p++)
		*p = v;
}

static void copy(uint32_t dst, uint32_t src, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		((volatile uint8_t *)dst)[i] = ((const uint8_t *)src)[i];
}

/* Loads every PT_LOAD segment of the ELF at [start, end); returns its entry point. */
static uint32_t load_elf(uint32_t start, uint32_t end)
{
	const struct elf64_ehdr *eh = (const void *)start;
	uint32_t size = end - start;

	if (size < sizeof(*eh) || eh->ident[0] != 0x7f || eh->ident[1] != 'E' ||
	    eh->ident[4] != 2 || eh->machine != 62 || eh->phentsize != sizeof(struct elf64_phdr) ||
	    eh->phoff > size || eh->phnum > (size - eh->phoff) / sizeof(struct elf64_phdr))
		die("module is not an x86-64 ELF");
	if (end > TG_IMAGE_BASE)
		die("module overlaps the image's place (strip it)");
	const struct elf64_phdr *ph = (const void *)(start + (uint32_t)eh->phoff);
	for (uint16_t i = 0; i < eh->phnum; i++, ph++) {
		if (ph->type != 1) /* PT_LOAD */
			continue;
		if (ph->paddr < TG_IMAGE_BASE || ph->memsz > TG_IMAGE_LIMIT ||
		    ph->paddr + ph->memsz > TG_IMAGE_LIMIT || ph->filesz > ph->memsz ||
		    ph->offset > size || ph->filesz > size - ph->offset)
			die("a PT_LOAD segment lies outside 2-4 MiB or outside the file");
		copy((uint32_t)ph->paddr, start + (uint32_t)ph->offset, (uint32_t)ph->filesz);
		fill((uint32_t)(ph->paddr + ph->filesz), 0, (uint32_t)(ph->memsz - ph->filesz));
	}
	if (eh->entry < TG_IMAGE_BASE || eh->entry >= TG_IMAGE_LIMIT)
		die("entry point outside the image");
	return (uint32_t)eh->entry;
}

static void build_tables(uint64_t ram)
{
	volatile uint64_t *pml4 = (uint64_t *)(uint32_t)TG_PML4_GPA;
	volatile uint64_t *pdpt = (uint64_t *)(uint32_t)TG_PDPT_GPA;
	volatile uint64_t *gdt = (uint64_t *)(uint32_t)TG_GDT_GPA;

	fill(TG_PML4_GPA, 0, TG_PT_END - TG_PML4_GPA);
	pml4[0] = TG_PDPT_GPA | TG_PTE_P | TG_PTE_RW;
	for (uint32_t gib = 0; ((uint64_t)gib << 30) < ram; gib++) {
		uint32_t pd = (uint32_t)TG_PD_GPA + gib * 4096;
		pdpt[gib] = pd | TG_PTE_P | TG_PTE_RW;
		for (uint32_t i = 0; i < 512; i++) {
			uint64_t pa = ((uint64_t)gib << 30) + ((uint64_t)i << 21);
			if (pa >= ram)
				break;
			((volatile uint64_t *)pd)[i] = pa | TG_PTE_P | TG_PTE_RW | TG_PTE_PS;
		}
	}
	fill(TG_GDT_GPA, 0, 4096);
	gdt[1] = TG_GDT_CODE64;
	gdt[2] = TG_GDT_DATA;
}

static void build_boot_info(const struct mb_info *mbi, uint64_t ram)
{
	volatile struct tg_boot_info *bi = (void *)(uint32_t)TG_BOOT_INFO_GPA;
	const char *cmd = (mbi->flags & 4) ? (const char *)mbi->cmdline : "";

	fill(TG_BOOT_INFO_GPA, 0, 4096);
	bi->magic = TG_BOOT_MAGIC;
	bi->version = TG_BOOT_VERSION;
	bi->size = sizeof(struct tg_boot_info);
	bi->ram_bytes = ram;
	bi->vp_count = 1;
	while (*cmd && *cmd != ' ') /* QEMU puts the kernel's path first */
		cmd++;
	while (*cmd == ' ')
		cmd++;
	for (uint32_t i = 0; i < TG_CMDLINE_MAX - 1 && cmd[i]; i++)
		bi->cmdline[i] = cmd[i];
}

uint32_t bare_main(uint32_t magic, const struct mb_info *mbi)
{
	if (magic != 0x2badb002)
		die("not started by a multiboot loader");
	if (!(mbi->flags & 1) || !(mbi->flags & 8) || mbi->mods_count < 1)
		die("no memory information or no module (-initrd testguest.elf)");
	uint64_t ram = ((uint64_t)mbi->mem_upper + 1024) << 10;
	if (ram > (3ull << 30))
		ram = 3ull << 30;
	ram &= ~(TG_RAM_ALIGN - 1);
	if (ram < TG_RAM_MIN)
		die("less than 8 MiB of RAM");
	const struct mb_module *mod = (const void *)mbi->mods_addr;
	uint32_t entry = load_elf(mod->start, mod->end);
	build_tables(ram);
	build_boot_info(mbi, ram);
	return entry;
}
