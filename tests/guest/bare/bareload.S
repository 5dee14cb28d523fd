/* SPDX-License-Identifier: MIT */
/*
 * bareload: a test aid, not part of the product. A multiboot (v1) 32-bit program that QEMU's
 * -kernel starts on a bare PC; it plays the worker's part of testguest/boot.h: bareload.c loads
 * testguest.elf (the first multiboot module) and builds the page tables, GDT and boot-info page,
 * then this file enters long mode with exactly the initial state the contract gives VP 0.
 */
#include "testguest/boot.h"

#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x3 /* modules page aligned, memory information */

	.section .multiboot, "a"
	.align 4
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)

	.text
	.code32
	.globl _start
_start:
	cli
	mov	$stack_top, %esp
	push	%ebx			/* multiboot information */
	push	%eax			/* multiboot magic */
	call	bare_main		/* returns the ELF's entry point, or never */
	mov	%eax, %esi

	mov	$TG_PML4_GPA, %eax
	mov	%eax, %cr3
	mov	$TG_BOOT_CR4, %eax
	mov	%eax, %cr4
	mov	$0xc0000080, %ecx	/* EFER: LME | NXE; LMA follows with paging */
	mov	$(TG_BOOT_EFER & ~0x400), %eax
	xor	%edx, %edx
	wrmsr
	lgdt	gdtr
	mov	$TG_BOOT_CR0, %eax
	mov	%eax, %cr0
	ljmp	$TG_SEL_CODE, $long_mode

	.code64
long_mode:
	mov	$TG_SEL_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs
	mov	%esi, %esi		/* the entry, zero-extended */
	mov	$TG_STACK_TOP, %rsp
	mov	$TG_BOOT_INFO_GPA, %rdi
	pushq	$TG_BOOT_RFLAGS
	popfq
	xor	%eax, %eax
	xor	%ebx, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%ebp, %ebp
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
	jmp	*%rsi

	.section .rodata
	.align 8
gdtr:
	.word	TG_GDT_LIMIT
	.long	TG_GDT_GPA

	.bss
	.align 16
	.skip	16384
stack_top:

	.section .note.GNU-stack, "", @progbits
