/* SPDX-License-Identifier: MIT */
/* The VP run loop of one CPU: load the guest's VMLOAD state and registers, VMRUN, save
 * them back on #VMEXIT, restore the host's VMLOAD state, handle the exit in C, repeat.
 * struct hv_cpu layout (core/percpu.h): guest_regs at 0 (rbx rcx rdx rsi rdi rbp r8-r15),
 * vmcb_pa at 112, host_vmcb_pa at 120. Host GIF stays 0 outside VMRUN: the host never
 * takes an interrupt. */
    .text
    .globl svm_vmrun_loop
svm_vmrun_loop:
    pushq %rdi                      /* (%rsp) = cpu; keeps the stack 16-byte aligned */
1:
    movq (%rsp), %rax
    movq 112(%rax), %rax
    vmload %rax
    movq (%rsp), %rax
    movq 0(%rax), %rbx
    movq 8(%rax), %rcx
    movq 16(%rax), %rdx
    movq 24(%rax), %rsi
    movq 32(%rax), %rdi
    movq 40(%rax), %rbp
    movq 48(%rax), %r8
    movq 56(%rax), %r9
    movq 64(%rax), %r10
    movq 72(%rax), %r11
    movq 80(%rax), %r12
    movq 88(%rax), %r13
    movq 96(%rax), %r14
    movq 104(%rax), %r15
    movq 112(%rax), %rax
    vmrun %rax
    movq (%rsp), %rax               /* RAX/RSP are the host's again */
    movq %rbx, 0(%rax)
    movq %rcx, 8(%rax)
    movq %rdx, 16(%rax)
    movq %rsi, 24(%rax)
    movq %rdi, 32(%rax)
    movq %rbp, 40(%rax)
    movq %r8, 48(%rax)
    movq %r9, 56(%rax)
    movq %r10, 64(%rax)
    movq %r11, 72(%rax)
    movq %r12, 80(%rax)
    movq %r13, 88(%rax)
    movq %r14, 96(%rax)
    movq %r15, 104(%rax)
    movq 112(%rax), %rax
    vmsave %rax
    movq (%rsp), %rax
    movq 120(%rax), %rax
    vmload %rax
    movq (%rsp), %rdi
    call svm_handle_exit
    jmp 1b
    .section .note.GNU-stack,"",@progbits
