/* SPDX-License-Identifier: MIT */
/* A Linux bzImage's setup header (Documentation/arch/x86/boot.rst, "The Real-Mode Kernel
 * Header"): the offsets a loader reads, and the check of one image's header against its file
 * and the child's RAM before a byte of it is loaded. Pure: no files, no guest memory, so the
 * check is unit-tested and fuzzed on its own. */
#ifndef HV_VMWP_BZIMAGE_H
#define HV_VMWP_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Offsets in the image (and in the zero page, which carries the same header at the same
 * place). */
#define BZ_SETUP_SECTS	    0x1f1 /* u8: 512-byte sectors of real-mode setup after the boot sector */
#define BZ_SYSSIZE	    0x1f4 /* u32: protected-mode code size in 16-byte units */
#define BZ_BOOT_FLAG	    0x1fe /* u16: 0xaa55 */
#define BZ_JUMP		    0x200 /* u8 0xeb, then u8: the header ends at 0x202 + this byte */
#define BZ_HEADER	    0x202 /* "HdrS" */
#define BZ_VERSION	    0x206 /* u16: protocol, 0x020f = 2.15 */
#define BZ_TYPE_OF_LOADER   0x210 /* u8: written by the loader */
#define BZ_LOADFLAGS	    0x211 /* u8: bit 0 LOADED_HIGH (a bzImage) */
#define BZ_RAMDISK_IMAGE    0x218 /* u32: written by the loader */
#define BZ_RAMDISK_SIZE	    0x21c /* u32: written by the loader */
#define BZ_CMD_LINE_PTR	    0x228 /* u32: written by the loader */
#define BZ_INITRD_ADDR_MAX  0x22c /* u32: highest byte address the initrd may occupy */
#define BZ_KERNEL_ALIGNMENT 0x230 /* u32: alignment a relocatable kernel needs */
#define BZ_RELOCATABLE	    0x234 /* u8: non-zero if the kernel may run elsewhere */
#define BZ_XLOADFLAGS	    0x236 /* u16: bit 0 XLF_KERNEL_64 (64-bit entry at +0x200) */
#define BZ_CMDLINE_SIZE	    0x238 /* u32: longest command line, NUL excluded */
#define BZ_PREF_ADDRESS	    0x258 /* u64: where a non-relocated kernel decompresses */
#define BZ_INIT_SIZE	    0x260 /* u32: RAM the kernel needs from there while booting */

#define BZ_BOOT_FLAG_VALUE   0xaa55
#define BZ_MAGIC	     0x53726448u /* "HdrS" read little-endian */
#define BZ_VERSION_MIN	     0x020c	 /* 2.12: the first with xloadflags (64-bit entry) */
#define BZ_LOADFLAGS_HIGH    0x01
#define BZ_XLF_KERNEL_64     0x0001
#define BZ_HEADER_END_MAX    0x290 /* boot_params' setup header area ends here */
#define BZ_ENTRY_64_OFFSET   0x200 /* the 64-bit entry, from the protected-mode load address */
#define BZ_SETUP_BYTES_MAX   ((255 + 1) * 512) /* setup_sects is a byte */
#define BZ_INITRD_MAX_LEGACY 0x37ffffffu       /* initrd_addr_max before protocol 2.03 */

/* What the loader needs from a checked header. */
struct bzimage_info {
	uint32_t setup_bytes;	   /* boot sector + setup: the protected-mode code starts here */
	uint32_t kernel_bytes;	   /* protected-mode code (syssize * 16) to copy from the file */
	uint32_t header_end;	   /* the header occupies [0x1f1, header_end) */
	uint16_t version;	   /* boot protocol */
	uint8_t relocatable;	   /* relocatable_kernel */
	uint32_t kernel_alignment; /* a power of two */
	uint32_t initrd_addr_max;  /* highest byte address the initrd may use */
	uint32_t cmdline_size;	   /* longest command line, NUL excluded */
	uint64_t pref_address;	   /* LOAD_PHYSICAL_ADDR */
	uint32_t init_size;	   /* RAM the kernel needs while it decompresses and boots */
};

/* Checks the header in head (the image's first head_len bytes, at least through the header's
 * end) of an image of file_len bytes, and fills info. 0, or -1 with the one-line cause in why:
 * every length and offset is checked against the file. */
int bzimage_parse(const uint8_t *head, size_t head_len, uint64_t file_len,
		  struct bzimage_info *info, char *why, size_t n);

/* Where the kernel decompresses and runs while it boots, if its protected-mode code is loaded
 * at load: [start, start + init_size). A relocatable kernel uses its load address rounded up
 * to kernel_alignment but never below pref_address; a fixed one uses pref_address. */
uint64_t bzimage_run_base(const struct bzimage_info *info, uint64_t load);

#endif
