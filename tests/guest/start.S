/* SPDX-License-Identifier: MIT */
/*
 * The guest's entry and its assembly: _start (the worker has set RSP and RDI = boot info, see
 * testguest/boot.h), the 32 exception stubs and the interrupt stub of the VMBus vector, whose
 * common path hands a frame to tg_trap() (traps.c), and the fault-catching primitives the
 * checks use. A primitive "arms" a fixup:
 * tg_fixup_rip/rsp say where to resume; tg_trap() sends a fault there (CS/SS back to ring 0)
 * and records it in tg_last_fault, so a check can expect a #GP or #UD and carry on.
 */
#define SEL_KCODE 0x08
#define SEL_UCODE 0x1b /* GDT index 3, RPL 3 */
#define SEL_UDATA 0x23 /* GDT index 4, RPL 3 */

	.section .text.entry, "ax"
	.globl _start
_start:
	mov	%rdi, %r12		/* boot-info GPA */
	cld
	lea	__bss_start(%rip), %rdi
	lea	__bss_end(%rip), %rcx
	sub	%rdi, %rcx
	xor	%eax, %eax
	rep stosb
	mov	%r12, %rdi
	and	$-16, %rsp
	call	tg_main
1:	cli
	hlt
	jmp	1b

	.text
/* ---- exception stubs: push a dummy error code where the CPU pushes none ---- */
.macro STUB vec
	.align 16
stub_\vec:
	/* the CPU pushes an error code for 8, 10-14, 17, 21, 29 and 30 */
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21)
	.elseif (\vec == 29) || (\vec == 30)
	.else
	pushq	$0
	.endif
	pushq	$\vec
	jmp	trap_common
.endm

	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	STUB	\v
	.endr

/* ---- interrupt stubs: the vectors a device of the guest raises (testguest.h TG_IRQ_*) ---- */
.macro IRQSTUB vec
	.align 16
irq_\vec:
	pushq	$0
	pushq	$\vec
	jmp	trap_common
.endm
	IRQSTUB	0xf3

	.section .rodata
	.globl tg_irq_stub_vmbus
	.align 8
tg_irq_stub_vmbus:
	.quad	irq_0xf3

	.globl tg_trap_stubs
	.align 8
tg_trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	stub_\v
	.endr

	.text
/* Frame for tg_trap (struct tg_frame in traps.c): r15 at the lowest address ... rax, vector,
 * error, then the CPU's RIP, CS, RFLAGS, RSP, SS. 15 registers + 7 words keep RSP 16-aligned. */
trap_common:
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%rbp
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %rdi
	cld
	call	tg_trap
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rbp
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	add	$16, %rsp		/* vector, error code */
	iretq

/* ---- fault-catching primitives (testguest.h); r11 is free in all of them ---- */
.macro ARM fix
	lea	\fix(%rip), %r11
	mov	%r11, tg_fixup_rip(%rip)
	mov	%rsp, tg_fixup_rsp(%rip)
.endm
.macro DISARM
	movq	$0, tg_fixup_rip(%rip)
.endm

/* uint32_t safe_rdmsr(uint32_t msr, uint64_t *val) */
	.globl safe_rdmsr
safe_rdmsr:
	ARM	1f
	mov	%edi, %ecx
	rdmsr
	DISARM
	shl	$32, %rdx
	or	%rdx, %rax
	mov	%rax, (%rsi)
	mov	$-1, %eax
	ret
1:	mov	tg_last_fault(%rip), %eax
	ret

/* uint32_t safe_wrmsr(uint32_t msr, uint64_t val) */
	.globl safe_wrmsr
safe_wrmsr:
	ARM	1f
	mov	%edi, %ecx
	mov	%rsi, %rax
	mov	%rsi, %rdx
	shr	$32, %rdx
	wrmsr
	DISARM
	mov	$-1, %eax
	ret
1:	mov	tg_last_fault(%rip), %eax
	ret

/* uint32_t safe_read64(uint64_t va, uint64_t *val) */
	.globl safe_read64
safe_read64:
	ARM	1f
	mov	(%rdi), %rax
	DISARM
	mov	%rax, (%rsi)
	mov	$-1, %eax
	ret
1:	mov	tg_last_fault(%rip), %eax
	ret

/* uint32_t safe_write64(uint64_t va, uint64_t val) */
	.globl safe_write64
safe_write64:
	ARM	1f
	mov	%rsi, (%rdi)
	DISARM
	mov	$-1, %eax
	ret
1:	mov	tg_last_fault(%rip), %eax
	ret

/* Sets a register to its sentinel before a hypercall / checks it after: a register that
 * docs/hypercalls.md says is preserved and came back changed sets its bit in R9. */
.macro SENTINEL reg, n
	movabs	$(0x5a5a5a5a00000000 + \n), \reg
.endm
.macro CHECK reg, n
	movabs	$(0x5a5a5a5a00000000 + \n), %r10
	cmp	%r10, \reg
	je	2f
	or	$(1 << \n), %r9d
2:
.endm

/* uint32_t safe_hypercall(uint64_t page, uint64_t control, uint64_t in, uint64_t out,
 *                         uint64_t *rax): RCX = control, RDX = in, R8 = out, call the page.
 * RBX, RBP, RSI, RDI, R12-R15 hold sentinels across the call; tg_hc_clobbered gets a bit per
 * register that came back changed (bits 0-7 in that order, 8 RCX, 9 RDX). R8-R11 may change. */
	.globl safe_hypercall
safe_hypercall:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%r8			/* where the result goes */
	push	%rsi			/* the control word, to check RCX against */
	push	%rdx			/* the input, to check RDX against */
	ARM	1f
	mov	%rdi, %rax
	mov	%rcx, %r8
	mov	%rsi, %rcx
	SENTINEL %rbx, 0
	SENTINEL %rbp, 1
	SENTINEL %rsi, 2
	SENTINEL %rdi, 3
	SENTINEL %r12, 4
	SENTINEL %r13, 5
	SENTINEL %r14, 6
	SENTINEL %r15, 7
	call	*%rax
	DISARM
	xor	%r9d, %r9d
	CHECK	%rbx, 0
	CHECK	%rbp, 1
	CHECK	%rsi, 2
	CHECK	%rdi, 3
	CHECK	%r12, 4
	CHECK	%r13, 5
	CHECK	%r14, 6
	CHECK	%r15, 7
	cmp	8(%rsp), %rcx
	je	3f
	or	$(1 << 8), %r9d
3:	cmp	(%rsp), %rdx
	je	4f
	or	$(1 << 9), %r9d
4:	mov	%r9d, tg_hc_clobbered(%rip)
	add	$16, %rsp
	pop	%r8
	mov	%rax, (%r8)
	mov	$-1, %eax
	jmp	5f
1:	add	$16, %rsp
	pop	%r8
	movl	$0, tg_hc_clobbered(%rip)
	mov	tg_last_fault(%rip), %eax
5:	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret

	.bss
	.globl tg_hc_clobbered
	.align 4
tg_hc_clobbered:
	.long	0
	.text

/* uint32_t ring3_vmmcall(uint64_t control, uint64_t user_stack_top): iretq to CPL 3, run
 * VMMCALL there; whatever fault ends it comes back through the fixup. */
	.globl ring3_vmmcall
ring3_vmmcall:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	ARM	1f
	mov	%rdi, %rcx
	xor	%edx, %edx
	xor	%r8d, %r8d
	pushq	$SEL_UDATA
	pushq	%rsi
	pushq	$0x2			/* RFLAGS: interrupts off */
	pushq	$SEL_UCODE
	lea	ring3_code(%rip), %rax
	push	%rax
	iretq
	.globl ring3_code
ring3_code:
	vmmcall
	int3				/* a DPL 0 gate: #GP from CPL 3 */
	ud2
1:	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	mov	tg_last_fault(%rip), %eax
	ret

/* void triple_fault(void): int3 with an IDT of limit 0 -> #GP -> #DF -> shutdown */
	.globl triple_fault
triple_fault:
	lidt	empty_idtr(%rip)
	int3
1:	hlt
	jmp	1b

	.section .rodata
	.align 16
empty_idtr:
	.word	0
	.quad	0

	.section .note.GNU-stack, "", @progbits
