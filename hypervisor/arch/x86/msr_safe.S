/* SPDX-License-Identifier: MIT */
/* MSR accesses on behalf of a partition that may fault: the MSR may not exist on this CPU (or
 * on the one QEMU emulates), or refuse the value. A #GP at the marked instruction is redirected
 * by host_exception() (host.c) to msr_safe_fault, which returns -1; everything else in host
 * mode still panics.
 *   int rdmsr_safe(u32 msr, u64 *val);   0, or -1 (and *val untouched) on #GP
 *   int wrmsr_safe(u32 msr, u64 val);    0, or -1 on #GP */
    .text
    .globl rdmsr_safe, rdmsr_safe_insn, wrmsr_safe, wrmsr_safe_insn, msr_safe_fault
rdmsr_safe:
    movl %edi, %ecx
rdmsr_safe_insn:
    rdmsr
    shlq $32, %rdx
    orq %rdx, %rax
    movq %rax, (%rsi)
    xorl %eax, %eax
    ret

wrmsr_safe:
    movl %edi, %ecx
    movl %esi, %eax
    movq %rsi, %rdx
    shrq $32, %rdx
wrmsr_safe_insn:
    wrmsr
    xorl %eax, %eax
    ret

msr_safe_fault:
    movl $-1, %eax
    ret
    .section .note.GNU-stack,"",@progbits
