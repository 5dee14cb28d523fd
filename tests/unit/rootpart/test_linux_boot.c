/* SPDX-License-Identifier: MIT */
/* The Linux child's loader (rootpart/vmwp/linux_boot.c, bzimage.c, linux_zero_page.c): a
 * synthetic bzImage made here with a valid setup header is loaded and the zero page, e820 map,
 * initrd placement, page tables and VP 0's registers are read back from the RAM buffer; broken
 * images (truncated, oversized, bad magic, old protocol, no 64-bit entry, ...) are refused with
 * their message. The real Debian kernel is loaded too when the build found one
 * (HV_TEST_VMLINUZ, from tools/fetch-kernel.sh); otherwise that test is skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bzimage.h"
#include "hv/abi.h"
#include "linux_boot.h"

#define MIB	   (1ull << 20)
#define GIB	   (1ull << 30)
#define SETUP	   (5 * 512) /* setup_sects 4 */
#define CODE	   (64 * 1024)
#define HDR_END	   0x26c /* as Debian's: 0x202 + 0x6a */
#define INIT_SIZE  (32 * MIB)
#define INITRD_LEN (100 * 1024 + 7)

static char dir[64];
static char kpath[128], ipath[128];
static char why[256];

static void wr16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}
static void wr32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}
static void wr64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}
static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}
static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/* A valid image: the header fields as Debian's 6.1 bzImage has them, smaller sizes. */
static uint8_t *make_image(size_t *len)
{
	*len = SETUP + CODE;
	uint8_t *img = calloc(1, *len + 4096);
	img[BZ_SETUP_SECTS] = 4;
	wr32(img + BZ_SYSSIZE, CODE / 16);
	wr16(img + BZ_BOOT_FLAG, 0xaa55);
	img[BZ_JUMP] = 0xeb;
	img[BZ_JUMP + 1] = HDR_END - 0x202;
	memcpy(img + BZ_HEADER, "HdrS", 4);
	wr16(img + BZ_VERSION, 0x020f);
	img[BZ_LOADFLAGS] = 0x01;
	wr32(img + BZ_INITRD_ADDR_MAX, 0x7fffffff);
	wr32(img + BZ_KERNEL_ALIGNMENT, 0x200000);
	img[BZ_RELOCATABLE] = 1;
	wr16(img + BZ_XLOADFLAGS, 0x7f);
	wr32(img + BZ_CMDLINE_SIZE, 2047);
	wr64(img + 0x250, 0x1234); /* setup_data: a loader's field, must come out 0 */
	wr64(img + BZ_PREF_ADDRESS, 16 * MIB);
	wr32(img + BZ_INIT_SIZE, INIT_SIZE);
	img[HDR_END] = 0x5a; /* past the header: never copied */
	for (size_t i = SETUP; i < *len; i++)
		img[i] = (uint8_t)(i * 7 + 3);
	return img;
}

static void write_file(const char *path, const uint8_t *b, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, len, f), len);
	fclose(f);
}

static void write_image(const uint8_t *img, size_t len)
{
	write_file(kpath, img, len);
}

static uint8_t *ram_new(uint64_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert_true(p != MAP_FAILED);
	return p;
}

static int load(uint64_t ram_bytes, const char *initrd, const char *cmdline,
		struct linux_boot_layout *l, uint8_t **ram_out)
{
	uint8_t *ram = ram_new(ram_bytes);
	int rc = linux_boot_load(ram, ram_bytes, kpath, initrd, cmdline, 2, l, why, sizeof(why));
	if (ram_out)
		*ram_out = ram;
	else
		munmap(ram, ram_bytes);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/hv-linuxboot-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(kpath, sizeof(kpath), "%s/vmlinuz", dir);
	snprintf(ipath, sizeof(ipath), "%s/initrd", dir);
	uint8_t *rd = malloc(INITRD_LEN);
	for (size_t i = 0; i < INITRD_LEN; i++)
		rd[i] = (uint8_t)(i ^ 0xa5);
	write_file(ipath, rd, INITRD_LEN);
	free(rd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(kpath);
	unlink(ipath);
	rmdir(dir);
	return 0;
}

static void test_zero_page(void **state)
{
	(void)state;
	size_t len;
	uint8_t *img = make_image(&len), *ram;
	struct linux_boot_layout l;
	write_image(img, len);
	const char *cl = "console=ttyS0 rdinit=/init";
	assert_int_equal(load(256 * MIB, ipath, cl, &l, &ram), 0);
	const uint8_t *zp = ram + LB_ZERO_PAGE_GPA;
	assert_int_equal(l.entry, 0x100200);
	assert_int_equal(l.zero_page, LB_ZERO_PAGE_GPA);
	assert_int_equal(l.protocol, 0x020f);
	assert_memory_equal(ram + LB_KERNEL_GPA, img + SETUP, CODE);
	/* The setup header, byte for byte, except the loader's own fields. */
	for (size_t i = BZ_SETUP_SECTS; i < HDR_END; i++) {
		if (i == BZ_TYPE_OF_LOADER || (i >= BZ_RAMDISK_IMAGE && i < BZ_RAMDISK_SIZE + 4) ||
		    (i >= BZ_CMD_LINE_PTR && i < BZ_CMD_LINE_PTR + 4) ||
		    (i >= LB_ZP_SETUP_DATA && i < LB_ZP_SETUP_DATA + 8))
			continue;
		assert_int_equal(zp[i], img[i]);
	}
	assert_int_equal(zp[HDR_END], 0);
	assert_int_equal(zp[LB_ZP_SENTINEL], 0);
	assert_int_equal(zp[BZ_TYPE_OF_LOADER], 0xff);
	assert_int_equal(rd64(zp + LB_ZP_SETUP_DATA), 0);
	assert_int_equal(rd32(zp + BZ_CMD_LINE_PTR), LB_CMDLINE_GPA);
	assert_int_equal(rd32(zp + LB_ZP_EXT_CMDLINE), 0);
	assert_string_equal((const char *)ram + LB_CMDLINE_GPA, cl);
	assert_int_equal(rd32(zp + BZ_RAMDISK_IMAGE), l.initrd_gpa);
	assert_int_equal(rd32(zp + BZ_RAMDISK_SIZE), INITRD_LEN);
	assert_int_equal(rd32(zp + LB_ZP_EXT_RAMDISK), 0);
	assert_int_equal(rd64(zp + LB_ZP_ACPI_RSDP), ACPI_RSDP_GPA);
	assert_memory_equal(ram + ACPI_RSDP_GPA, "RSD PTR ", 8);
	assert_int_equal(zp[0], 0); /* screen_info: no VGA */
	munmap(ram, 256 * MIB);
	free(img);
}

static void test_e820(void **state)
{
	(void)state;
	size_t len;
	uint8_t *img = make_image(&len), *ram;
	struct linux_boot_layout l;
	write_image(img, len);
	assert_int_equal(load(512 * MIB, NULL, NULL, &l, &ram), 0);
	const uint8_t *zp = ram + LB_ZERO_PAGE_GPA;
	static const uint64_t want[][3] = {
		{ 0, 0x9f000, 1 },
		{ 0x9f000, 0xe0000 - 0x9f000, 2 },
		{ 0xe0000, 0x20000, 3 },
		{ 0x100000, 512 * MIB - 0x100000, 1 },
	};
	assert_int_equal(zp[LB_ZP_E820_ENTRIES], 4);
	assert_int_equal(l.e820_entries, 4);
	for (unsigned i = 0; i < 4; i++) {
		const uint8_t *e = zp + LB_ZP_E820_TABLE + i * 20;
		assert_int_equal(rd64(e), want[i][0]);
		assert_int_equal(rd64(e + 8), want[i][1]);
		assert_int_equal(rd32(e + 16), want[i][2]);
	}
	/* Every table the child reads lies in the area typed ACPI. */
	assert_true(l.acpi.dsdt.gpa + l.acpi.dsdt.len <= 0x100000);
	assert_true(l.acpi.rsdp.gpa >= 0xe0000);
	/* No initrd: the fields stay 0, the empty command line is a NUL. */
	assert_int_equal(rd32(zp + BZ_RAMDISK_IMAGE), 0);
	assert_int_equal(rd32(zp + BZ_RAMDISK_SIZE), 0);
	assert_int_equal(ram[LB_CMDLINE_GPA], 0);
	munmap(ram, 512 * MIB);
	free(img);
}

/* Walks the identity map from CR3 like the CPU: 4-level, 2 MiB pages. */
static uint64_t translate(const uint8_t *ram, uint64_t cr3, uint64_t va)
{
	uint64_t pml4e = rd64(ram + cr3 + ((va >> 39) & 511) * 8);
	if (!(pml4e & 1))
		return ~0ull;
	uint64_t pdpte = rd64(ram + (pml4e & ~0xfffull) + ((va >> 30) & 511) * 8);
	if (!(pdpte & 1) || (pdpte & 0x80))
		return ~0ull;
	uint64_t pde = rd64(ram + (pdpte & ~0xfffull) + ((va >> 21) & 511) * 8);
	if (!(pde & 1) || !(pde & 0x80) || !(pde & 2))
		return ~0ull;
	return (pde & ~0x1fffffull) | (va & 0x1fffff);
}

static void test_page_tables_and_regs(void **state)
{
	(void)state;
	size_t len;
	uint8_t *img = make_image(&len), *ram;
	struct linux_boot_layout l;
	write_image(img, len);
	assert_int_equal(load(256 * MIB, NULL, "x", &l, &ram), 0);
	uint32_t names[LB_MAX_REGS];
	uint64_t values[LB_MAX_REGS], r[HV_REG_COUNT];
	uint32_t k = linux_boot_regs(&l, names, values);
	assert_true(k > 0 && k <= LB_MAX_REGS);
	memset(r, 0xee, sizeof(r));
	for (uint32_t i = 0; i < k; i++) {
		assert_true(names[i] < HV_REG_COUNT);
		r[names[i]] = values[i];
	}
	assert_int_equal(r[HV_REG_RIP], LB_KERNEL_GPA + 0x200);
	assert_int_equal(r[HV_REG_RSI], LB_ZERO_PAGE_GPA);
	assert_int_equal(r[HV_REG_RFLAGS] & 0x200, 0); /* IF = 0 */
	assert_int_equal(r[HV_REG_CR0] & 0x80000001, 0x80000001);
	assert_int_equal(r[HV_REG_CR4] & 0x20, 0x20);
	assert_int_equal(r[HV_REG_EFER] & 0x500, 0x500);
	/* CS 0x08: present, long mode (attribute bit 9), code; DS/ES/SS 0x10 data. */
	assert_int_equal(r[HV_REG_CS] & 0xffff, 0x08);
	assert_int_equal((r[HV_REG_CS] >> 16) & 0xfff, 0xa9b);
	for (int s = HV_REG_DS; s <= HV_REG_SS; s++) {
		assert_int_equal(r[s] & 0xffff, 0x10);
		assert_int_equal((r[s] >> 16) & 0xfff, 0xc93);
		assert_int_equal(r[s] >> 32, 0xffffffff);
	}
	for (int s = HV_REG_CS_BASE; s <= HV_REG_SS_BASE; s++)
		assert_int_equal(r[s], 0);
	/* The GDT the selectors index: code at 0x08 with L, data at 0x10. */
	assert_true(r[HV_REG_GDTR_BASE] + r[HV_REG_GDTR_LIMIT] < 0x100000);
	assert_int_equal(r[HV_REG_GDTR_LIMIT], 23);
	assert_int_equal(rd64(ram + r[HV_REG_GDTR_BASE] + 8), 0x00af9a000000ffffull);
	assert_int_equal(rd64(ram + r[HV_REG_GDTR_BASE] + 16), 0x00cf92000000ffffull);
	/* Page tables below 1 MiB, identity over all of [0, 4 GiB), nothing above. */
	uint64_t cr3 = r[HV_REG_CR3];
	assert_true(cr3 < LB_LOW_RAM_END && cr3 % 4096 == 0);
	for (uint64_t va = 0; va < 4 * GIB; va += 2 * MIB)
		assert_int_equal(translate(ram, cr3, va + 0x1234), va + 0x1234);
	assert_int_equal(translate(ram, cr3, 4 * GIB), ~0ull);
	assert_int_equal(translate(ram, cr3, 512 * GIB), ~0ull);
	munmap(ram, 256 * MIB);
	free(img);
}

static void test_initrd_placement(void **state)
{
	(void)state;
	size_t len;
	uint8_t *img = make_image(&len), *ram;
	struct linux_boot_layout l;
	write_image(img, len);
	/* High in a small RAM: page-aligned, ending near the top, above the boot area. */
	assert_int_equal(load(256 * MIB, ipath, NULL, &l, &ram), 0);
	assert_int_equal(l.initrd_gpa, (256 * MIB - INITRD_LEN) & ~0xfffull);
	assert_int_equal(l.run_base, 16 * MIB);
	assert_int_equal(l.run_end, 16 * MIB + INIT_SIZE);
	assert_true(l.initrd_gpa >= l.run_end);
	assert_int_equal(ram[l.initrd_gpa], 0xa5);
	assert_int_equal(ram[l.initrd_gpa + INITRD_LEN - 1], (uint8_t)((INITRD_LEN - 1) ^ 0xa5));
	munmap(ram, 256 * MIB);
	/* Below 2 GiB when the RAM is larger. */
	assert_int_equal(load(3 * GIB, ipath, NULL, &l, &ram), 0);
	assert_int_equal(l.initrd_gpa, (2 * GIB - INITRD_LEN) & ~0xfffull);
	munmap(ram, 3 * GIB);
	/* Below the image's initrd_addr_max. */
	wr32(img + BZ_INITRD_ADDR_MAX, 64 * MIB - 1);
	write_image(img, len);
	assert_int_equal(load(1 * GIB, ipath, NULL, &l, NULL), 0);
	assert_int_equal(l.initrd_gpa, (64 * MIB - INITRD_LEN) & ~0xfffull);
	/* No room between the boot area and that limit: refused. */
	wr32(img + BZ_INITRD_ADDR_MAX, 16 * MIB + INIT_SIZE + 4096);
	write_image(img, len);
	assert_int_equal(load(1 * GIB, ipath, NULL, &l, NULL), -1);
	assert_non_null(strstr(why, "initrd: 102407 bytes do not fit"));
	/* A non-relocatable kernel boots at pref_address. */
	wr32(img + BZ_INITRD_ADDR_MAX, 0x7fffffff);
	img[BZ_RELOCATABLE] = 0;
	wr64(img + BZ_PREF_ADDRESS, 32 * MIB);
	write_image(img, len);
	assert_int_equal(load(256 * MIB, NULL, NULL, &l, NULL), 0);
	assert_int_equal(l.run_base, 32 * MIB);
	free(img);
}

struct bad_case {
	const char *name;
	size_t off;   /* patched offset, or SIZE_MAX */
	int width;    /* bytes written at off */
	uint64_t val; /* value written */
	long cut;     /* bytes removed from the file's end (or a file length if negative) */
	const char *want;
};

static const struct bad_case bad_cases[] = {
	{ "bad magic", BZ_HEADER, 4, 0x53726449, 0, "no \"HdrS\" setup header" },
	{ "no boot flag", BZ_BOOT_FLAG, 2, 0, 0, "no \"HdrS\" setup header" },
	{ "old protocol", BZ_VERSION, 2, 0x020b, 0, "boot protocol 2.11 is older than 2.12" },
	{ "no 64-bit", BZ_XLOADFLAGS, 2, 0x7e, 0, "no 64-bit entry (xloadflags bit 0 clear)" },
	{ "zImage", BZ_LOADFLAGS, 1, 0, 0, "loadflags bit 0 (LOADED_HIGH) is clear" },
	{ "truncated", SIZE_MAX, 0, 0, 16, "image truncated: its header says 2560 bytes of setup" },
	{ "tiny file", SIZE_MAX, 0, 0, -100, "too short for a setup header" },
	{ "syssize too big", BZ_SYSSIZE, 4, 0xffffffff, 0, "image truncated" },
	{ "syssize 0", BZ_SYSSIZE, 4, 0, 0, "image truncated" },
	{ "setup past file", BZ_SETUP_SECTS, 1, 255, 0, "image truncated" },
	{ "short header", BZ_JUMP + 1, 1, 0x10, 0, "setup header length 0x212 outside" },
	{ "long header", BZ_JUMP + 1, 1, 0xff, 0, "setup header length 0x301 outside" },
	{ "alignment", BZ_KERNEL_ALIGNMENT, 4, 0x300000, 0, "kernel_alignment 0x300000" },
	{ "pref_address", BZ_PREF_ADDRESS, 8, 1ull << 40, 0, "pref_address 0x10000000000" },
	{ "init_size small", BZ_INIT_SIZE, 4, 4096, 0, "init_size 0x1000 is smaller" },
	{ "oversized boot", BZ_INIT_SIZE, 4, 0xfff00000, 0, "it needs RAM up to 4111 MiB" },
	{ "initrd_addr_max", BZ_INITRD_ADDR_MAX, 4, 0xffff, 0, "initrd_addr_max 0xffff" },
	{ "cmdline_size", BZ_CMDLINE_SIZE, 4, 4, 0, "this kernel takes at most 4" },
};

static void test_bad_images(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(bad_cases) / sizeof(bad_cases[0]); c++) {
		const struct bad_case *b = &bad_cases[c];
		size_t len;
		uint8_t *img = make_image(&len);
		struct linux_boot_layout l;
		if (b->off != SIZE_MAX)
			for (int i = 0; i < b->width; i++)
				img[b->off + i] = (uint8_t)(b->val >> (8 * i));
		write_image(img, b->cut >= 0 ? len - (size_t)b->cut : (size_t)-b->cut);
		why[0] = 0;
		int rc = load(256 * MIB, NULL, "console=ttyS0", &l, NULL);
		if (rc != -1 || !strstr(why, b->want))
			fail_msg("%s: rc %d, why \"%s\", want \"%s\"", b->name, rc, why, b->want);
		free(img);
	}
}

static void test_bad_arguments(void **state)
{
	(void)state;
	size_t len;
	uint8_t *img = make_image(&len);
	struct linux_boot_layout l;
	write_image(img, len);
	assert_int_equal(load(128 * MIB, NULL, NULL, &l, NULL), -1);
	assert_string_equal(why, "a Linux child needs 256 MiB to 3072 MiB of RAM (memory_mib); "
				 "this one has 128 MiB");
	assert_int_equal(load(3 * GIB + 2 * MIB, NULL, NULL, &l, NULL), -1);
	assert_non_null(strstr(why, "this one has 3074 MiB"));
	char *cl = malloc(LB_CMDLINE_MAX + 1);
	memset(cl, 'a', LB_CMDLINE_MAX);
	cl[LB_CMDLINE_MAX] = 0;
	assert_int_equal(load(256 * MIB, NULL, cl, &l, NULL), -1);
	assert_string_equal(why, "kernel command line longer than 65535 bytes");
	free(cl);
	unlink(kpath);
	assert_int_equal(load(256 * MIB, NULL, NULL, &l, NULL), -1);
	assert_non_null(strstr(why, "No such file or directory"));
	uint8_t *ram = ram_new(256 * MIB);
	assert_int_equal(linux_boot_load(ram, 256 * MIB, dir, NULL, NULL, 1, &l, why, sizeof(why)),
			 -1);
	munmap(ram, 256 * MIB);
	assert_non_null(strstr(why, "not a regular file"));
	/* A kernel file larger than the RAM (sparse: nothing is written). */
	write_image(img, len);
	assert_int_equal(truncate(kpath, 256 * MIB + 1), 0);
	assert_int_equal(load(256 * MIB, NULL, NULL, &l, NULL), -1);
	assert_non_null(strstr(why, "268435457 bytes: it must have 1 byte to 256 MiB here"));
	write_image(img, len);
	assert_int_equal(load(256 * MIB, "/nonexistent/initrd", NULL, &l, NULL), -1);
	assert_non_null(strstr(why, "initrd /nonexistent/initrd: No such file"));
	write_file(ipath, img, 0);
	assert_int_equal(load(256 * MIB, ipath, NULL, &l, NULL), -1);
	assert_non_null(strstr(why, "0 bytes: it must have 1 byte to 4095 MiB here"));
	setup(NULL); /* the initrd back */
	free(img);
}

/* Debian's own kernel: the loader takes it and the zero page carries its header. */
static void test_debian_kernel(void **state)
{
	(void)state;
	const char *vmlinuz = getenv("HV_TEST_VMLINUZ");
	if (!vmlinuz || !*vmlinuz || access(vmlinuz, R_OK) != 0) {
		print_message("no Debian kernel (run tools/fetch-kernel.sh): test skipped\n");
		skip();
	}
	FILE *f = fopen(vmlinuz, "rb");
	assert_non_null(f);
	uint8_t head[0x290];
	assert_int_equal(fread(head, 1, sizeof(head), f), sizeof(head));
	fclose(f);
	uint64_t ram_bytes = 1 * GIB;
	uint8_t *ram = ram_new(ram_bytes);
	struct linux_boot_layout l;
	int rc = linux_boot_load(ram, ram_bytes, vmlinuz, ipath, "console=ttyS0", 1, &l, why,
				 sizeof(why));
	if (rc != 0)
		fail_msg("%s: %s", vmlinuz, why);
	const uint8_t *zp = ram + LB_ZERO_PAGE_GPA;
	size_t end = 0x202 + head[0x201];
	assert_true(l.protocol >= 0x020c);
	assert_memory_equal(zp + BZ_HEADER, "HdrS", 4);
	assert_memory_equal(zp + BZ_VERSION, head + BZ_VERSION, 2);
	assert_memory_equal(zp + BZ_XLOADFLAGS, head + BZ_XLOADFLAGS, 2);
	assert_memory_equal(zp + BZ_INIT_SIZE, head + BZ_INIT_SIZE, 4);
	assert_memory_equal(zp + BZ_KERNEL_ALIGNMENT, head + BZ_KERNEL_ALIGNMENT, 4);
	assert_memory_equal(zp + BZ_PREF_ADDRESS, head + BZ_PREF_ADDRESS, 8);
	assert_memory_equal(zp + BZ_SETUP_SECTS, head + BZ_SETUP_SECTS, 1);
	assert_int_equal(zp[BZ_TYPE_OF_LOADER], 0xff);
	assert_int_equal(zp[end], 0);
	assert_int_equal(l.entry, 0x100200);
	assert_int_equal(l.run_base, rd64(head + BZ_PREF_ADDRESS));
	assert_true(l.initrd_gpa >= l.run_end);
	uint32_t setup = (head[BZ_SETUP_SECTS] + 1) * 512;
	f = fopen(vmlinuz, "rb");
	uint8_t code[4096];
	assert_int_equal(fseek(f, setup, SEEK_SET), 0);
	assert_int_equal(fread(code, 1, sizeof(code), f), sizeof(code));
	fclose(f);
	assert_memory_equal(ram + LB_KERNEL_GPA, code, sizeof(code));
	munmap(ram, ram_bytes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_page),
		cmocka_unit_test(test_e820),
		cmocka_unit_test(test_page_tables_and_regs),
		cmocka_unit_test(test_initrd_placement),
		cmocka_unit_test(test_bad_images),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_debian_kernel),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
