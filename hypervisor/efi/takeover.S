/* SPDX-License-Identifier: MIT */
/* The hand-over point. Everything the firmware's caller expects to survive a call (callee-
 * saved registers, RFLAGS) is pushed on the firmware's stack; RSP and the address of
 * `resume` become the root VP's starting RSP/RIP, so that after the first VMRUN the
 * firmware simply sees hv_takeover() return 0. Offsets into struct hv_guest_start come from
 * asm-defines.h, generated from asm-defines.c. */
#include "asm-defines.h"

    .text
    .globl hv_takeover
hv_takeover:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    pushfq
    cli
    movq (%rsp), %rax
    movq %rax, G_RFLAGS(%rdi)
    movq %rsp, G_RSP(%rdi)
    leaq resume(%rip), %rax
    movq %rax, G_RIP(%rdi)
    movq %cr3, %rax
    movq %rax, G_CR3(%rdi)
    movq %rsp, %r12                 /* the firmware's stack and page tables, in case the */
    movq %rax, %r13                 /* core refuses and returns */
    movq %rsi, %cr3                 /* the host tables map this code 1:1 as well */
    movq %rcx, %rsp
    movq %r8, %rdi
    call *%rdx                      /* returns only on failure */
    movq %r13, %cr3
    movq %r12, %rsp
    popfq
    jmp 1f
resume:                             /* first instruction of the root partition */
    popfq
    xorl %eax, %eax
1:
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .section .note.GNU-stack,"",@progbits
