/* SPDX-License-Identifier: MIT */
/* Host-mode exception entry stubs: push a uniform frame and call host_exception(). It panics,
 * except for the one expected fault (#GP of rdmsr_safe/wrmsr_safe, msr_safe.S), which it
 * redirects by changing the frame's RIP; then the frame is restored and IRETQ resumes there. */
    .text
    .macro STUB vec
    .align 16
stub_\vec:
    .if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
    .else
    pushq $0
    .endif
    pushq $\vec
    jmp exc_common
    .endm

    .irp v,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    STUB \v
    .endr

exc_common:
    pushq %r15
    pushq %r14
    pushq %r13
    pushq %r12
    pushq %r11
    pushq %r10
    pushq %r9
    pushq %r8
    pushq %rbp
    pushq %rdi
    pushq %rsi
    pushq %rdx
    pushq %rcx
    pushq %rbx
    pushq %rax
    movq %rsp, %rdi
    movq %rsp, %rbx                 /* callee-saved: the frame survives the call */
    andq $-16, %rsp
    call host_exception
    movq %rbx, %rsp
    popq %rax
    popq %rbx
    popq %rcx
    popq %rdx
    popq %rsi
    popq %rdi
    popq %rbp
    popq %r8
    popq %r9
    popq %r10
    popq %r11
    popq %r12
    popq %r13
    popq %r14
    popq %r15
    addq $16, %rsp                  /* vector and error code */
    iretq

    .section .rodata
    .globl host_exception_stubs
    .align 8
host_exception_stubs:
    .irp v,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad stub_\v
    .endr
    .section .note.GNU-stack,"",@progbits
