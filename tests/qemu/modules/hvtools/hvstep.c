/* SPDX-License-Identifier: MIT */
/*
 * hvstep: single-steps (ptrace) a child through instructions the hypervisor carries out for
 * the root (CPUID plain and with prefixes, an IN from the hypervisor's intercepted UART) and
 * checks that each step traps exactly once, right after its instruction, as on bare hardware:
 * a hypervisor that forgets the single-step trap makes a step skip an instruction, one that
 * advances RIP by a fixed length lands inside a prefixed instruction. Also checks that a
 * 32-bit IN clears RAX's upper half. Prints one line per step; exit 0 when all match.
 *   hvstep UART_PORT
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

/* The stepped sequence; each label is the boundary after the instruction before it. */
extern const char seq_start[], seq_b1[], seq_b2[], seq_b3[], seq_b4[], seq_b5[], seq_b6[],
	seq_b7[], seq_b8[];
__asm__(".text\n"
	"seq_start:\n\txorl %eax, %eax\n"
	"seq_b1:\n\tcpuid\n"
	"seq_b2:\n\txorl %eax, %eax\n"
	"seq_b3:\n\t.byte 0x66\n\tcpuid\n"
	"seq_b4:\n\txorl %eax, %eax\n"
	"seq_b5:\n\t.byte 0x2e, 0x3e, 0x66\n\tcpuid\n"
	"seq_b6:\n\tmovl %r12d, %edx\n"
	"seq_b7:\n\tinb %dx, %al\n"
	"seq_b8:\n\tint3\n");

static int in32_clears_upper(unsigned port)
{
	uint64_t rax = 0xdeadbeef00000000ull;
	__asm__ volatile("inl %w1, %k0" : "+a"(rax) : "Nd"((uint16_t)port));
	printf("inl 0x%x: rax %llx\n", port, (unsigned long long)rax);
	return (rax >> 32) == 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("usage: hvstep UART_PORT\n");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: hvstep UART_PORT\n");
		return 2;
	}
	unsigned port = (unsigned)strtoul(argv[1], NULL, 0);
	if (ioperm(port, 8, 1)) {
		fprintf(stderr, "hvstep: ioperm: %s\n", strerror(errno));
		return 2;
	}
	int bad = !in32_clears_upper(port);
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		_exit(0); /* never reached: the parent moves RIP to the sequence */
	}
	int st;
	waitpid(pid, &st, 0);
	struct user_regs_struct r;
	ptrace(PTRACE_GETREGS, pid, NULL, &r);
	r.rip = (uintptr_t)seq_start;
	r.r12 = port + 5; /* the UART's LSR: the hypervisor answers it */
	ptrace(PTRACE_SETREGS, pid, NULL, &r);
	const char *const want[] = { seq_b1, seq_b2, seq_b3, seq_b4, seq_b5, seq_b6, seq_b7, seq_b8 };
	const char *const what[] = { "xor",	 "cpuid", "xor", "66 cpuid", "xor", "2e 3e 66 cpuid",
				     "mov edx", "inb" };
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL) < 0 || waitpid(pid, &st, 0) < 0 ||
		    !WIFSTOPPED(st)) {
			printf("step %u (%s): child did not stop\n", i, what[i]);
			return 1;
		}
		ptrace(PTRACE_GETREGS, pid, NULL, &r);
		int ok = WSTOPSIG(st) == SIGTRAP && r.rip == (uintptr_t)want[i];
		printf("step %u over %s: signal %d rip +%ld, want +%ld: %s\n", i, what[i],
		       WSTOPSIG(st), (long)(r.rip - (uintptr_t)seq_start),
		       (long)(want[i] - seq_start), ok ? "ok" : "WRONG");
		bad |= !ok;
		if (!ok)
			break;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return bad;
}
