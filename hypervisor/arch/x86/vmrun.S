/* SPDX-License-Identifier: MIT */
/* The VP run loop of one CPU: load the guest's VMLOAD state and registers, VMRUN, save
 * them back on #VMEXIT, restore the host's VMLOAD state, handle the exit in C, repeat.
 * Offsets into struct hv_cpu come from asm-defines.h, generated from asm-defines.c. Host GIF
 * stays 0 outside VMRUN: the host never takes an interrupt. */
#include "asm-defines.h"

    .text
    .globl svm_vmrun_loop
svm_vmrun_loop:
    pushq %rdi                      /* (%rsp) = cpu; keeps the stack 16-byte aligned */
1:
    movq (%rsp), %rax
    movq CPU_VMCB_PA(%rax), %rax
    vmload %rax
    movq (%rsp), %rax
    movq CPU_RBX(%rax), %rbx
    movq CPU_RCX(%rax), %rcx
    movq CPU_RDX(%rax), %rdx
    movq CPU_RSI(%rax), %rsi
    movq CPU_RDI(%rax), %rdi
    movq CPU_RBP(%rax), %rbp
    movq CPU_R8(%rax), %r8
    movq CPU_R9(%rax), %r9
    movq CPU_R10(%rax), %r10
    movq CPU_R11(%rax), %r11
    movq CPU_R12(%rax), %r12
    movq CPU_R13(%rax), %r13
    movq CPU_R14(%rax), %r14
    movq CPU_R15(%rax), %r15
    movq CPU_VMCB_PA(%rax), %rax
    vmrun %rax
    movq (%rsp), %rax               /* RAX/RSP are the host's again */
    movq %rbx, CPU_RBX(%rax)
    movq %rcx, CPU_RCX(%rax)
    movq %rdx, CPU_RDX(%rax)
    movq %rsi, CPU_RSI(%rax)
    movq %rdi, CPU_RDI(%rax)
    movq %rbp, CPU_RBP(%rax)
    movq %r8, CPU_R8(%rax)
    movq %r9, CPU_R9(%rax)
    movq %r10, CPU_R10(%rax)
    movq %r11, CPU_R11(%rax)
    movq %r12, CPU_R12(%rax)
    movq %r13, CPU_R13(%rax)
    movq %r14, CPU_R14(%rax)
    movq %r15, CPU_R15(%rax)
    movq CPU_VMCB_PA(%rax), %rax
    vmsave %rax
    movq (%rsp), %rax
    movq CPU_HOST_VMCB_PA(%rax), %rax
    vmload %rax
    movq (%rsp), %rdi
    call svm_handle_exit
    jmp 1b
    .section .note.GNU-stack,"",@progbits
