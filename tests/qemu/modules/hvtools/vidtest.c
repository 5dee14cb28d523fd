/* SPDX-License-Identifier: MIT */
/*
 * vidtest: drives vid.ko (/dev/vid, through libvid) for scenario 30 in the root partition.
 *   vidtest stats               the hypervisor's and vid.ko's counters, one line
 *   vidtest cycle N MIB         N times: partition, MIB MiB of anonymous memory mapped, VP 0,
 *                               registers set and read back, close; counters back each time
 *   vidtest checks              every bad argument refused with its errno
 *   vidtest guest               a tiny 64-bit guest: OUT, IN (completed), OUT, HLT, then a
 *                               spin that a signal ends (EINTR); then STI; HLT sleeps in the
 *                               kernel until a signal (EINTR), and still after it
 *   vidtest synic               a child using its SynIC through vid.ko: 70 posts (64 queued
 *                               in order, 6 refused with 19), signals coalesced into the
 *                               eventfd and collected, HLT sleeping until a post wakes it
 *                               and its SINT handler runs, the message in its slot
 *   vidtest hold MIB FILE       a partition with MIB MiB mapped and VP 0; writes FILE, sleeps
 *   vidtest fuzz SEED N         N ioctls with random numbers, sizes and pointers
 * A call the hypervisor does not implement yet (status 2, EOPNOTSUPP) is skipped, not failed;
 * each command ends with a "skipped (not implemented by the hypervisor yet): ..." line.
 * Exit status 0 when everything checked held.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>

#include "vid/libvid.h"
#include "vmbus_server/transport.h" /* VMBUS_MESSAGE_CONNECTION_ID, _SINT */

#define MIB (1024ull * 1024)

enum call {
	C_MAP,
	C_CREATE_VP,
	C_SET_REGS,
	C_GET_REGS,
	C_RUN,
	C_SET_CONNECTION,
	C_POST_MESSAGE,
	C_SIGNAL_EVENT,
	C_REFERENCE_TIME,
	C_COUNT,
};
static const char *const call_names[C_COUNT] = { "map_memory",	 "create_vp",	 "set_regs",
						 "get_regs",	 "run",		 "set_connection",
						 "post_message", "signal_event", "reference_time" };
static unsigned skipped;      /* bit per enum call */
static unsigned skipped_form; /* ...of which the hypervisor refused the form (EPROTO) */
static int failures;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("FAIL ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	failures++;
}

/* err from call c: 1 = went through, 0 = not implemented yet (recorded), -1 = failed. */
static int outcome(enum call c, int err)
{
	if (!err || err > 0)
		return 1;
	if (vid_not_implemented(err)) {
		skipped |= 1u << c;
		if (err == -EPROTO)
			skipped_form |= 1u << c;
		return 0;
	}
	fail("%s: %s", call_names[c], strerror(-err));
	return -1;
}

static int report(const char *what)
{
	printf("%s: skipped (not implemented by the hypervisor yet):", what);
	for (int c = 0; c < C_COUNT; c++)
		if (skipped & (1u << c))
			printf(" %s%s", call_names[c],
			       skipped_form & (1u << c) ? "(status 3: rep form refused)" : "");
	printf("%s\n", skipped ? "" : " none");
	printf("%s: %s\n", what, failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}

static int open_vid(void)
{
	int fd = vid_open();

	if (fd < 0) {
		fprintf(stderr, "vidtest: %s: %s\n", VID_DEVICE, strerror(-fd));
		exit(1);
	}
	return fd;
}

static struct vid_stats get_stats(int vid)
{
	struct vid_stats s;
	int err = vid_get_stats(vid, &s);

	if (err) {
		fprintf(stderr, "vidtest: VID_GET_STATS: %s\n", strerror(-err));
		exit(1);
	}
	return s;
}

static void print_stats(const char *tag, const struct vid_stats *s)
{
	printf("%spartitions %u deposited %" PRIu64 " vid_partitions %u vid_deposited %" PRIu64
	       " pinned %" PRIu64 " leaked %" PRIu64 " npt_split %" PRIu64 "\n",
	       tag, s->hv_partitions, s->hv_deposited_pages, s->partitions, s->deposited_pages,
	       s->pinned_pages, s->leaked_pages, s->hv_npt_split_pages);
}

/* The counters that must come back once every partition is closed. */
static int at_baseline(const struct vid_stats *a, const struct vid_stats *b)
{
	return a->hv_partitions == b->hv_partitions &&
	       a->hv_deposited_pages == b->hv_deposited_pages && a->partitions == b->partitions &&
	       a->deposited_pages == b->deposited_pages && a->pinned_pages == b->pinned_pages &&
	       a->leaked_pages == b->leaked_pages;
}

static void *anon(uint64_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("vidtest: mmap");
		exit(1);
	}
	memset(p, 0, bytes);
	return p;
}

/* ---- registers ---- */

#define SEG(sel, attr, limit) ((uint64_t)(sel) | (uint64_t)(attr) << 16 | (uint64_t)(limit) << 32)
#define CODE64		      0xa9b /* type 0xb, S, P, L, G */
#define DATA32		      0xc93 /* type 0x3, S, P, DB, G */
#define TSS64		      0x08b /* type 0xb (busy), P */
#define GUEST_CODE	      ((uint64_t)0x10000)
#define GUEST_PML4	      ((uint64_t)0x1000)

static const uint32_t long_mode_names[] = {
	HV_REG_RIP,	   HV_REG_RFLAGS, HV_REG_RAX + 4 /* RSP */,
	HV_REG_CR0,	   HV_REG_CR3,	  HV_REG_CR4,
	HV_REG_EFER,	   HV_REG_CS,	  HV_REG_CS + 1,
	HV_REG_CS + 2,	   HV_REG_CS + 3, HV_REG_CS + 4,
	HV_REG_SS,	   HV_REG_TR,	  HV_REG_GDTR_LIMIT,
	HV_REG_IDTR_LIMIT,
};
static const uint64_t long_mode_values[] = {
	GUEST_CODE,
	0x2,
	0x8000,
	0x80000031, /* PG NE ET PE */
	GUEST_PML4,
	0x20,  /* PAE */
	0x500, /* LMA LME */
	SEG(0x08, CODE64, 0xffffffff),
	SEG(0x10, DATA32, 0xffffffff),
	SEG(0x10, DATA32, 0xffffffff),
	SEG(0x10, DATA32, 0xffffffff),
	SEG(0x10, DATA32, 0xffffffff),
	SEG(0x10, DATA32, 0xffffffff),
	SEG(0x18, TSS64, 0x67),
	0,
	0,
};
#define LONG_MODE_REGS (sizeof(long_mode_names) / sizeof(long_mode_names[0]))
_Static_assert(LONG_MODE_REGS == sizeof(long_mode_values) / sizeof(long_mode_values[0]),
	       "one value per name");

/* Sets the long-mode state and reads it back; 1 done, 0 skipped, -1 failed. */
static int regs_roundtrip(int vp)
{
	uint64_t got[LONG_MODE_REGS];
	uint32_t done = 0;
	int r = outcome(C_SET_REGS, vid_vp_set_regs(vp, long_mode_names, long_mode_values,
						    LONG_MODE_REGS, &done));

	if (r <= 0) {
		if (r < 0)
			fail("set_regs: %u of %zu entries done", done, LONG_MODE_REGS);
		return r;
	}
	r = outcome(C_GET_REGS, vid_vp_get_regs(vp, long_mode_names, got, LONG_MODE_REGS, &done));
	if (r <= 0)
		return r;
	for (size_t i = 0; i < LONG_MODE_REGS; i++) {
		/* EFER.SVME is the hypervisor's business: it may show it or not. */
		uint64_t mask = long_mode_names[i] == HV_REG_EFER ? ~(1ull << 12) : ~0ull;

		if ((got[i] & mask) != long_mode_values[i]) {
			fail("register %u: set 0x%" PRIx64 ", read 0x%" PRIx64, long_mode_names[i],
			     long_mode_values[i], got[i]);
			return -1;
		}
	}
	return 1;
}

/* ---- stats, cycle, hold ---- */

static int cmd_stats(void)
{
	int vid = open_vid();
	struct vid_stats s = get_stats(vid);

	print_stats("", &s);
	vid_close(vid);
	return 0;
}

/* One partition's life: create, map, VP, registers, close; checks the counters meanwhile. */
static void one_round(int vid, const struct vid_stats *base, uint64_t mib, int round)
{
	uint64_t bytes = mib * MIB, id = 0;
	int part = vid_partition_create(vid, 1, 0, &id);

	if (part < 0) {
		fail("round %d: create partition: %s", round, strerror(-part));
		return;
	}
	void *mem = anon(bytes);
	int mapped = outcome(C_MAP, vid_map_memory(part, mem, bytes, 0,
						   VID_MAP_READ | VID_MAP_WRITE | VID_MAP_EXEC));
	struct vid_stats s = get_stats(vid);
	uint64_t pinned = mapped > 0 ? bytes / 4096 : 0;

	if (s.hv_partitions != base->hv_partitions + 1 || s.partitions != base->partitions + 1 ||
	    s.hv_deposited_pages < base->hv_deposited_pages + 32 ||
	    s.pinned_pages != base->pinned_pages + pinned)
		fail("round %d: counters while partition %" PRIu64 " lives", round, id);
	int vp = vid_vp_create(part, 0);

	if (outcome(C_CREATE_VP, vp) > 0) {
		regs_roundtrip(vp);
		vid_close(vp);
	}
	vid_close(part);
	munmap(mem, bytes);
	s = get_stats(vid);
	if (!at_baseline(&s, base)) {
		fail("round %d: counters not back at baseline after close", round);
		print_stats("  now: ", &s);
	}
}

static int cmd_cycle(int rounds, uint64_t mib)
{
	int vid = open_vid();
	struct vid_stats base = get_stats(vid);

	print_stats("baseline: ", &base);
	for (int i = 0; i < rounds && failures < 5; i++)
		one_round(vid, &base, mib, i);
	struct vid_stats end = get_stats(vid);

	print_stats("after: ", &end);
	printf("cycle: %d rounds of a partition with %" PRIu64 " MiB mapped, counters %s\n", rounds,
	       mib, at_baseline(&end, &base) ? "back at baseline" : "NOT back");
	vid_close(vid);
	return report("cycle");
}

/* ---- guest ---- */

static const uint8_t guest_code[] = {
	0x66, 0xba, 0xf8, 0x03, /* mov dx, 0x3f8 */
	0xb0, 0x56,		/* mov al, 'V' */
	0xee,			/* out dx, al      -> exit IO out 0x56, rip +7 */
	0xec,			/* in al, dx       -> exit IO in, rip +8 */
	0xee,			/* out dx, al      -> exit IO out (the value given), rip +9 */
	0xf4,			/* hlt             -> exit HALT, rip +10 */
	0xeb, 0xfe,		/* jmp $           -> spins until a signal */
};

/* Identity-maps the first 4 MiB with 2 MiB pages and puts the code at GUEST_CODE. */
static void build_guest(uint8_t *mem)
{
	uint64_t *pml4 = (uint64_t *)(mem + GUEST_PML4);
	uint64_t *pdpt = (uint64_t *)(mem + 0x2000), *pd = (uint64_t *)(mem + 0x3000);

	pml4[0] = 0x2000 | 3;
	pdpt[0] = 0x3000 | 3;
	pd[0] = 0x000000 | 0x83;
	pd[1] = 0x200000 | 0x83;
	memcpy(mem + GUEST_CODE, guest_code, sizeof(guest_code));
}

static void print_exit(const struct hv_run_vp_exit *e)
{
	printf("exit reason %u rip 0x%" PRIx64 " arch_code 0x%" PRIx64, e->reason, e->rip,
	       e->arch_code);
	if (e->reason == HV_RUN_EXIT_IO)
		printf(" io %s port 0x%x size %u value 0x%x", e->io_in ? "in" : "out", e->io_port,
		       e->io_size, e->io_value);
	if (e->reason == HV_RUN_EXIT_UNMAPPED_GPA)
		printf(" gpa 0x%" PRIx64 " access 0x%" PRIx64, e->gpa, e->access);
	if (e->reason == HV_RUN_EXIT_MMIO)
		printf(" mmio %s gpa 0x%" PRIx64 " size %u value 0x%" PRIx64,
		       e->io_in ? "load" : "store", e->gpa, e->io_size, e->mmio_value);
	printf("\n");
}

/* One run; 1 when the exit is the one expected (io_in 2: not an IO exit), 0 skipped, -1. */
static int run_expect(int vp, uint32_t flags, uint64_t in_value, uint32_t reason, uint64_t rip,
		      int io_in, uint32_t out_value)
{
	struct hv_run_vp_exit e;
	int r = outcome(C_RUN, vid_vp_run(vp, flags, in_value, &e));

	if (r <= 0)
		return r;
	print_exit(&e);
	if (e.reason != reason || e.rip != GUEST_CODE + rip ||
	    (io_in < 2 && (e.io_port != 0x3f8 || e.io_size != 1 || e.io_in != io_in ||
			   (!io_in && (e.io_value & 0xff) != out_value)))) {
		fail("run: not the exit expected (reason %u at rip 0x%" PRIx64 ")", reason,
		     GUEST_CODE + rip);
		return -1;
	}
	return 1;
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* The spin at `jmp $` ends with EINTR when a timer signal arrives (no SA_RESTART). */
static void run_until_signal(int vp)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval t = { .it_value = { .tv_usec = 200000 } };
	struct hv_run_vp_exit e;

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &t, NULL);
	int err = vid_vp_run(vp, 0, 0, &e);

	if (err == -EINTR)
		printf("spinning guest: run returned EINTR on a signal\n");
	else if (!err)
		fail("spinning guest: run returned an exit instead of EINTR (reason %u)", e.reason);
	else
		outcome(C_RUN, err);
	uint32_t name = HV_REG_RIP;
	uint64_t rip = 0;

	if (outcome(C_GET_REGS, vid_vp_get_regs(vp, &name, &rip, 1, NULL)) > 0 &&
	    rip != GUEST_CODE + 10)
		fail("spinning guest: rip 0x%" PRIx64 ", not at its jmp", rip);
}

/* STI; HLT at GUEST_CODE + 12 (after the spin): nothing can wake the VP (no SynIC use), so
 * VID_RUN sleeps in the kernel instead of returning HALT, a signal ends it with EINTR, and the
 * next run sleeps again (the VP stays halted) instead of running on. */
static void run_halted(int vp, uint8_t *mem)
{
	static const uint8_t sti_hlt[] = { 0xfb, 0xf4, 0xeb, 0xfe }; /* sti; hlt; jmp $ */
	uint32_t name = HV_REG_RIP;
	uint64_t rip = GUEST_CODE + 12;
	struct timeval t0, t1;

	memcpy(mem + GUEST_CODE + 12, sti_hlt, sizeof(sti_hlt));
	if (outcome(C_SET_REGS, vid_vp_set_regs(vp, &name, &rip, 1, NULL)) <= 0)
		return;
	for (int round = 0; round < 2; round++) {
		struct itimerval it = { .it_value = { .tv_usec = 300000 } };
		struct hv_run_vp_exit e;

		gettimeofday(&t0, NULL);
		setitimer(ITIMER_REAL, &it, NULL);
		int err = vid_vp_run(vp, 0, 0, &e);

		gettimeofday(&t1, NULL);
		long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_usec - t0.tv_usec) / 1000;

		if (err == -EINTR && ms >= 250)
			printf("halted guest (IF=1), run %d: slept in the kernel %ld ms, EINTR on a "
			       "signal\n",
			       round, ms);
		else if (!err)
			fail("halted guest: run %d returned exit %u (rip 0x%" PRIx64
			     ") instead of sleeping",
			     round, e.reason, e.rip);
		else if (err == -EINTR)
			fail("halted guest: run %d returned EINTR after %ld ms only", round, ms);
		else
			outcome(C_RUN, err);
	}
	if (outcome(C_GET_REGS, vid_vp_get_regs(vp, &name, &rip, 1, NULL)) > 0 &&
	    rip != GUEST_CODE + 14)
		fail("halted guest: rip 0x%" PRIx64 ", not past its hlt", rip);
}

static void guest_run(int vp, uint8_t *mem)
{
	if (regs_roundtrip(vp) <= 0)
		return;
	if (run_expect(vp, 0, 0, HV_RUN_EXIT_IO, 7, 0, 0x56) <= 0 ||
	    run_expect(vp, 0, 0, HV_RUN_EXIT_IO, 8, 1, 0) <= 0 ||
	    run_expect(vp, VID_RUN_COMPLETE_IN, 0x5a, HV_RUN_EXIT_IO, 9, 0, 0x5a) <= 0 ||
	    run_expect(vp, 0, 0, HV_RUN_EXIT_HALT, 10, 2, 0) <= 0)
		return;
	run_until_signal(vp);
	run_halted(vp, mem);
}

/* The VP's costs after guest_run: its two OUTs and its IN are I/O exits, its HLTs are
 * counted, every exit is in the total, and a VP that does not exist or a reserved bit is
 * refused. */
static void vp_stats_check(int part)
{
	struct hv_vp_stats st;
	int err = vid_get_vp_stats(part, 0, &st);

	if (err) {
		fail("vp stats: %s", strerror(-err));
		return;
	}
	uint64_t sum = 0;
	for (uint32_t i = 0; i < st.exit_reason_count && i < HV_STATS_MAX_EXIT_REASONS; i++)
		sum += st.exits[i];
	printf("vp stats: exits %" PRIu64 " (io %" PRIu64 ", hlt %" PRIu64 ", intr %" PRIu64
	       "), runs %" PRIu64 "\n",
	       st.exits_total, st.exits[HV_EXIT_IO], st.exits[HV_EXIT_HLT], st.exits[HV_EXIT_INTR],
	       st.runs);
	if (st.exit_reason_count != HV_EXIT_REASON_COUNT || st.exits[HV_EXIT_IO] < 3 ||
	    st.exits[HV_EXIT_HLT] < 2 || sum != st.exits_total || st.runs < 4)
		fail("vp stats: not what guest_run did");
	if (vid_get_vp_stats(part, 1, &st) != -EINVAL)
		fail("vp stats: VP 1 of a 1-VP partition was not refused");
}

static int cmd_guest(void)
{
	int vid = open_vid();
	struct vid_stats base = get_stats(vid);
	int part = vid_partition_create(vid, 1, 0, NULL);

	if (part < 0) {
		fail("create partition: %s", strerror(-part));
		return report("guest");
	}
	uint8_t *mem = anon(4 * MIB);

	build_guest(mem);
	if (outcome(C_MAP, vid_map_memory(part, mem, 4 * MIB, 0,
					  VID_MAP_READ | VID_MAP_WRITE | VID_MAP_EXEC)) > 0) {
		int vp = vid_vp_create(part, 0);

		if (outcome(C_CREATE_VP, vp) > 0) {
			guest_run(vp, mem);
			vp_stats_check(part);
			vid_close(vp);
		}
	}
	vid_close(part);
	munmap(mem, 4 * MIB);
	struct vid_stats end = get_stats(vid);

	if (!at_baseline(&end, &base))
		fail("guest: counters not back at baseline");
	vid_close(vid);
	return report("guest");
}

static inline uint64_t tsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* ---- synic: the SynIC transport end to end with a child ---- */

/* Long mode, interrupts off: a guest OS id, hypercall page at 0x9000, SIMP 0xa000, SIEFP 0xb000, SINT 2 ->
 * vector 0xf3, SynIC on; 70 HvPostMessage of the message at 0xc000 (connection 1, its first
 * payload word counting up), refusals counted at 0xd000 (last status at 0xd004); HvSignalEvent
 * (fast) on 0x10005 twice, 0x10007, and the unregistered 0x20000 (status at 0xd00c); then
 * `sti; hlt` in a loop. The handler of 0xf3 (at +0x100) writes 'I' to COM1, then `cli; hlt`. */
static const uint8_t synic_guest[] = {
	0xb9, 0x00, 0x00, 0x00, 0x40, 0xb8, 0x01, 0x00, 0x00, 0x00, 0x31, 0xd2, 0x0f, 0x30,
	0xb9, 0x01, 0x00, 0x00, 0x40, 0xb8, 0x01, 0x90, 0x00, 0x00, 0x31, 0xd2, 0x0f, 0x30,
	0xb9, 0x83, 0x00, 0x00, 0x40, 0xb8, 0x01, 0xa0, 0x00, 0x00, 0x0f, 0x30, 0xb9, 0x82,
	0x00, 0x00, 0x40, 0xb8, 0x01, 0xb0, 0x00, 0x00, 0x0f, 0x30, 0xb9, 0x92, 0x00, 0x00,
	0x40, 0xb8, 0xf3, 0x00, 0x00, 0x00, 0x0f, 0x30, 0xb9, 0x80, 0x00, 0x00, 0x40, 0xb8,
	0x01, 0x00, 0x00, 0x00, 0x0f, 0x30, 0xbb, 0x46, 0x00, 0x00, 0x00, 0xb9, 0x5c, 0x00,
	0x00, 0x00, 0xba, 0x00, 0xc0, 0x00, 0x00, 0x45, 0x31, 0xc0, 0x0f, 0x01, 0xd9, 0x85,
	0xc0, 0x74, 0x0e, 0xff, 0x04, 0x25, 0x00, 0xd0, 0x00, 0x00, 0x89, 0x04, 0x25, 0x04,
	0xd0, 0x00, 0x00, 0xff, 0x04, 0x25, 0x10, 0xc0, 0x00, 0x00, 0xff, 0xcb, 0x75, 0xd3,
	0xb9, 0x5d, 0x00, 0x01, 0x00, 0xba, 0x05, 0x00, 0x01, 0x00, 0x0f, 0x01, 0xd9, 0x89,
	0x04, 0x25, 0x08, 0xd0, 0x00, 0x00, 0xb9, 0x5d, 0x00, 0x01, 0x00, 0xba, 0x05, 0x00,
	0x01, 0x00, 0x0f, 0x01, 0xd9, 0xb9, 0x5d, 0x00, 0x01, 0x00, 0xba, 0x07, 0x00, 0x01,
	0x00, 0x0f, 0x01, 0xd9, 0xb9, 0x5d, 0x00, 0x01, 0x00, 0xba, 0x00, 0x00, 0x02, 0x00,
	0x0f, 0x01, 0xd9, 0x89, 0x04, 0x25, 0x0c, 0xd0, 0x00, 0x00, 0xfb, 0xf4, 0xeb, 0xfc,
};
static const uint8_t synic_handler[] = {
	0x66, 0xba, 0xf8, 0x03, /* mov dx, 0x3f8 */
	0xb0, 0x49,		/* mov al, 'I' */
	0xee,			/* out dx, al      -> exit IO, rip +0x107 */
	0xfa,			/* cli */
	0xf4,			/* hlt             -> exit HALT (IF = 0), rip +0x109 */
};
#define SYNIC_POSTS   70
#define SYNIC_SIMP    0xa000
#define SYNIC_SIEFP   0xb000
#define SYNIC_RESULTS 0xd000
#define SYNIC_GDT     0x6000
#define SYNIC_IDT     0x5000
#define SYNIC_VECTOR  0xf3
#define SYNIC_HANDLER (GUEST_CODE + 0x100)

/* The guest's code, its message, a GDT (interrupt delivery loads CS from it) and an IDT with
 * the SINT's vector. */
static void build_synic_guest(uint8_t *mem)
{
	uint64_t *gdt = (uint64_t *)(mem + SYNIC_GDT);
	uint32_t *idt = (uint32_t *)(mem + SYNIC_IDT + 16 * SYNIC_VECTOR);
	struct hv_post_message_in *m = (struct hv_post_message_in *)(mem + 0xc000);

	build_guest(mem);
	memcpy(mem + GUEST_CODE, synic_guest, sizeof(synic_guest));
	memcpy(mem + SYNIC_HANDLER, synic_handler, sizeof(synic_handler));
	gdt[1] = 0x00af9b000000ffffull; /* 0x08: code, 64-bit */
	gdt[2] = 0x00cf93000000ffffull; /* 0x10: data */
	idt[0] = (uint32_t)(SYNIC_HANDLER & 0xffff) | 0x08u << 16;
	idt[1] = 0x8e00u | (uint32_t)(SYNIC_HANDLER & 0xffff0000u); /* interrupt gate, P */
	m->connection_id = VMBUS_MESSAGE_CONNECTION_ID;
	m->message_type = 1;
	m->payload_size = 8;
	memcpy(m->payload + 4, "ping", 4);
}

struct synic_vp {
	int vp, err;
	struct hv_run_vp_exit e;
	atomic_int done;
};

static void *synic_vp_run(void *arg)
{
	struct synic_vp *r = arg;

	r->err = vid_vp_run(r->vp, 0, 0, &r->e);
	atomic_store(&r->done, 1);
	return NULL;
}

/* Waits up to ms for the VP thread's run to return. */
static bool synic_wait_run(struct synic_vp *r, int ms)
{
	for (int i = 0; i < ms && !atomic_load(&r->done); i++)
		usleep(1000);
	return atomic_load(&r->done);
}

/* The child's signals: the eventfd counted once per id newly pending, the ids collected. Read
 * once the child is done (its last status written): the VP thread re-enters the child at once
 * and this thread must not collect half-way. */
static void synic_check_signals(int part, int efd, const uint8_t *mem)
{
	const volatile uint32_t *done = (const volatile uint32_t *)(mem + SYNIC_RESULTS + 12);
	struct vid_signals sig;
	uint64_t v = 0;

	for (int i = 0; i < 20000 && !*done; i++)
		usleep(1000);
	if (!*done || read(efd, &v, sizeof(v)) != sizeof(v)) {
		fail("synic: the child did not finish its posts and signals within 20 s");
		return;
	}
	int n = vid_get_signals(part, &sig);

	printf("synic: eventfd %" PRIu64 ", %d ids pending: 0x%x 0x%x, more %u\n", v, n,
	       n > 0 ? sig.connection_id[0] : 0, n > 1 ? sig.connection_id[1] : 0, sig.more);
	if (v != 2 || n != 2 || sig.more || sig.connection_id[0] != 0x10005 ||
	    sig.connection_id[1] != 0x10007)
		fail("synic: signals 0x10005 (twice) and 0x10007: want eventfd 2, ids 0x10005 0x10007");
	const uint32_t *res = (const uint32_t *)(mem + SYNIC_RESULTS);

	if (res[2] != 0 || res[3] != HV_STATUS_INVALID_CONNECTION_ID)
		fail("synic: the child's signal statuses %u and (unregistered) %u, want 0 and 18",
		     res[2], res[3]);
}

/* The child's messages: the queue's 64, in order; the 6 beyond were refused with 19 (the
 * partition fd is non-blocking: a read never waits). */
static void synic_check_messages(int part, const uint8_t *mem)
{
	struct vid_message m[VID_MESSAGE_QUEUE + 1];
	int got = vid_read_messages(part, m, VID_MESSAGE_QUEUE + 1), bad = 0;
	const uint32_t *res = (const uint32_t *)(mem + SYNIC_RESULTS);

	for (int i = 0; i < got; i++) {
		uint32_t seq;

		memcpy(&seq, m[i].payload, 4);
		bad += m[i].connection_id != 1 || m[i].vp_index != 0 || m[i].message_type != 1 ||
		       m[i].payload_size != 8 || seq != (uint32_t)i ||
		       memcmp(m[i].payload + 4, "ping", 4);
	}
	printf("synic: %d messages read (%d malformed); the child saw %u of %d refused, status %u\n",
	       got, bad, res[0], SYNIC_POSTS, res[1]);
	if (got != (int)VID_MESSAGE_QUEUE || bad)
		fail("synic: want %u messages in order, got %d (%d malformed)", VID_MESSAGE_QUEUE,
		     got, bad);
	if (res[0] != SYNIC_POSTS - VID_MESSAGE_QUEUE || res[1] != HV_STATUS_INSUFFICIENT_BUFFERS)
		fail("synic: want %u posts refused with status 19",
		     SYNIC_POSTS - VID_MESSAGE_QUEUE);
	if (vid_read_messages(part, m, 1) != -EAGAIN)
		fail("synic: a read of the empty queue is not EAGAIN");
}

/* The halted child is woken by a post: the SINT's handler runs (its OUT). */
static void synic_wake(int part, struct synic_vp *r, const uint8_t *mem)
{
	struct timeval t0, t1;
	const struct hv_synic_message *slot =
		(const struct hv_synic_message *)(mem + SYNIC_SIMP + 256 * VMBUS_MESSAGE_SINT);

	usleep(300000);
	if (atomic_load(&r->done)) {
		fail("synic: the halted child's run returned (exit %u) instead of sleeping",
		     r->e.reason);
		return;
	}
	gettimeofday(&t0, NULL);
	int err = vid_post_message(part, 0, VMBUS_MESSAGE_SINT, 1, "pong", 4);

	if (err) {
		fail("synic: post into the child: %s", strerror(-err));
		return;
	}
	if (!synic_wait_run(r, 5000)) {
		fail("synic: the post did not wake the halted child within 5 s");
		return;
	}
	gettimeofday(&t1, NULL);
	printf("synic: a post woke the halted child: its SINT handler ran %ld us later; slot: "
	       "type %u size %u \"%.4s\"\n",
	       (long)((t1.tv_sec - t0.tv_sec) * 1000000 + t1.tv_usec - t0.tv_usec),
	       slot->message_type, slot->payload_size, (const char *)slot->payload);
	if (r->err || r->e.reason != HV_RUN_EXIT_IO || r->e.rip != SYNIC_HANDLER + 7 ||
	    (r->e.io_value & 0xff) != 'I')
		fail("synic: after the post, want the handler's OUT 'I' (err %d, exit %u at 0x%" PRIx64
		     ")",
		     r->err, r->e.reason, r->e.rip);
	if (slot->message_type != 1 || slot->payload_size != 4 || memcmp(slot->payload, "pong", 4))
		fail("synic: the message is not in SINT 2's slot of the child's message page");
}

static int synic_setup(int part, int vp, uint8_t *mem, int efd)
{
	static const uint32_t names[] = { HV_REG_GDTR_BASE, HV_REG_GDTR_LIMIT, HV_REG_IDTR_BASE,
					  HV_REG_IDTR_LIMIT };
	static const uint64_t values[] = { SYNIC_GDT, 0x17, SYNIC_IDT, 0xfff };

	build_synic_guest(mem);
	if (regs_roundtrip(vp) <= 0 || vid_vp_set_regs(vp, names, values, 4, NULL) < 0)
		return -1;
	if (outcome(C_SET_CONNECTION, vid_set_connection(part, VMBUS_MESSAGE_CONNECTION_ID, 1,
							 VID_CONNECTION_MESSAGE)) <= 0)
		return -1;
	if (vid_set_connection(part, 0x10001, 2047, VID_CONNECTION_EVENT) < 0 ||
	    vid_set_signal_eventfd(part, efd) < 0 || fcntl(part, F_SETFL, O_NONBLOCK) < 0) {
		fail("synic: event connections, the eventfd or O_NONBLOCK refused");
		return -1;
	}
	return 0;
}

static void synic_flags(int part, const uint8_t *mem)
{
	bool fresh = false, again = true;

	if (vid_signal_event(part, 0, VMBUS_MESSAGE_SINT, 5, &fresh) ||
	    vid_signal_event(part, 0, VMBUS_MESSAGE_SINT, 5, &again) || !fresh || again ||
	    !(mem[SYNIC_SIEFP + 256 * VMBUS_MESSAGE_SINT] & (1u << 5)))
		fail("synic: signal flag 5 of SINT 2: want newly 1 then 0, the bit in the page");
}

static int cmd_synic(void)
{
	int vid = open_vid(), efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	struct vid_stats base = get_stats(vid);
	int part = vid_partition_create(vid, 1, 0, NULL), vp = -1;
	uint8_t *mem = anon(4 * MIB);
	struct synic_vp r = { 0 };
	pthread_t t;

	if (part < 0 || outcome(C_MAP, vid_map_memory(part, mem, 4 * MIB, 0, VID_MAP_FLAGS)) <= 0 ||
	    outcome(C_CREATE_VP, vp = vid_vp_create(part, 0)) <= 0 ||
	    synic_setup(part, vp, mem, efd) != 0)
		goto out;
	r.vp = vp;
	sigaction(SIGALRM, &(struct sigaction){ .sa_handler = on_alarm }, NULL);
	pthread_create(&t, NULL, synic_vp_run, &r);
	synic_check_signals(part, efd, mem);
	synic_check_messages(part, mem);
	synic_wake(part, &r, mem);
	for (int i = 0; i < 500 && !atomic_load(&r.done);
	     i++) { /* it never woke: a signal ends it */
		pthread_kill(t, SIGALRM);
		usleep(10000);
	}
	pthread_join(t, NULL);
	synic_flags(part, mem);
	if (!r.err && r.e.reason == HV_RUN_EXIT_IO) /* the handler's cli; hlt comes back */
		run_expect(vp, 0, 0, HV_RUN_EXIT_HALT, 0x109, 2, 0);
out:
	if (vp >= 0)
		vid_close(vp);
	if (part >= 0)
		vid_close(part);
	close(efd);
	munmap(mem, 4 * MIB);
	struct vid_stats end = get_stats(vid);

	if (!at_baseline(&end, &base))
		fail("synic: counters not back at baseline");
	vid_close(vid);
	return report("synic");
}

/* iocost: a child's port-I/O round trip to this process (a guest looping on OUT: each run is
 * one exit to the root and back) beside a root CPUID exit (answered by the hypervisor), both
 * in TSC cycles in the same process; interleaved rounds, medians. */
#define IOCOST_ROUNDS 5
#define IOCOST_OPS    500

static uint64_t median(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

static int cmd_iocost(void)
{
	static const uint8_t loop[] = { 0x66, 0xba, 0xf8, 0x03, 0xee, 0xeb, 0xfd };
	uint64_t io[IOCOST_ROUNDS], cpuid[IOCOST_ROUNDS];
	struct hv_run_vp_exit e;
	int vid = open_vid(), part = vid_partition_create(vid, 1, 0, NULL), vp = -1;
	uint8_t *mem = anon(4 * MIB);

	if (part < 0 || vid_map_memory(part, mem, 4 * MIB, 0, VID_MAP_FLAGS) < 0 ||
	    (vp = vid_vp_create(part, 0)) < 0 ||
	    vid_vp_set_regs(vp, long_mode_names, long_mode_values, LONG_MODE_REGS, NULL) < 0) {
		printf("iocost: cannot set up the child\n");
		return 1;
	}
	build_guest(mem);
	memcpy(mem + GUEST_CODE, loop, sizeof(loop));
	for (int r = 0; r < IOCOST_ROUNDS; r++) {
		uint64_t t0 = tsc();
		for (int i = 0; i < IOCOST_OPS; i++)
			if (vid_vp_run(vp, 0, 0, &e) < 0 || e.reason != HV_RUN_EXIT_IO) {
				printf("iocost: run failed\n");
				return 1;
			}
		uint64_t t1 = tsc();
		for (int i = 0; i < IOCOST_OPS; i++) {
			uint32_t a = 0, b, c = 0, d;
			__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
		}
		uint64_t t2 = tsc();
		io[r] = (t1 - t0) / IOCOST_OPS;
		cpuid[r] = (t2 - t1) / IOCOST_OPS;
	}
	uint64_t mi = median(io, IOCOST_ROUNDS), mc = median(cpuid, IOCOST_ROUNDS);
	printf("child port-I/O round trip to its worker: %" PRIu64
	       " cycles; root CPUID exit: %" PRIu64
	       " cycles; ratio %.1f (%d rounds of %d, medians)\n",
	       mi, mc, mc ? (double)mi / (double)mc : 0.0, IOCOST_ROUNDS, IOCOST_OPS);
	vid_close(vp);
	vid_close(part);
	munmap(mem, 4 * MIB);
	vid_close(vid);
	return 0;
}

/* hold: with every call there, the VP runs the guest into its spin and stays in VID_RUN (the
 * kill -9 then ends a process blocked in the kernel). */
static void hold_running(int vp, void *mem)
{
	struct hv_run_vp_exit e;
	uint32_t flags = 0;

	if (vp < 0 || skipped || regs_roundtrip(vp) <= 0)
		return;
	build_guest(mem);
	printf("holding: VP 0 runs the guest into its spin\n");
	while (vid_vp_run(vp, flags, 0, &e) == 0)
		flags = e.reason == HV_RUN_EXIT_IO && e.io_in ? VID_RUN_COMPLETE_IN : 0;
}

static int cmd_hold(uint64_t mib, const char *file)
{
	int vid = open_vid();
	uint64_t id = 0, bytes = mib * MIB;
	int part = vid_partition_create(vid, 1, 0, &id);

	if (part < 0) {
		fprintf(stderr, "vidtest: create partition: %s\n", strerror(-part));
		return 1;
	}
	void *mem = anon(bytes);

	outcome(C_MAP, vid_map_memory(part, mem, bytes, 0, VID_MAP_FLAGS));
	int vp = vid_vp_create(part, 0);

	outcome(C_CREATE_VP, vp);
	struct vid_stats s = get_stats(vid);
	FILE *f = fopen(file, "w");

	if (!f)
		return 1;
	fprintf(f, "partition %" PRIu64 " pid %d\n", id, (int)getpid());
	print_stats("holding: ", &s);
	fclose(f);
	hold_running(vp, mem);
	for (;;)
		pause();
}

/* ---- checks: every bad argument gets its errno, before any hypercall ---- */

static int checks_done;
#define KERNEL_PTR ((void *)0xffffffff81000000ull)

static void check(const char *name, int fd, unsigned long cmd, void *arg, int want)
{
	int r = ioctl(fd, cmd, arg), got = r < 0 ? errno : 0;

	if (r > 0)
		close(r); /* an fd it should not have given */
	checks_done++;
	if (got != want)
		fail("check %s: got %s, want %s", name, got ? strerrorname_np(got) : "success",
		     want ? strerrorname_np(want) : "success");
}

static void checks_dev(int vid)
{
	struct vid_partition_create c = { .max_vps = 0 };

	check("dev unknown ioctl", vid, _IO(VID_IOCTL_MAGIC, 0x7f), NULL, ENOTTY);
	check("dev map ioctl", vid, VID_MAP_MEMORY, NULL, ENOTTY);
	check("dev create size variant", vid, _IOWR(VID_IOCTL_MAGIC, 0x01, char[16]), &c, ENOTTY);
	check("create max_vps 0", vid, VID_CREATE_PARTITION, &c, EINVAL);
	c.max_vps = HV_MAX_VPS_PER_PARTITION + 1;
	check("create max_vps 65", vid, VID_CREATE_PARTITION, &c, EINVAL);
	c.max_vps = 1;
	c.flags = 1;
	check("create flags", vid, VID_CREATE_PARTITION, &c, EINVAL);
	c.flags = 0;
	c.reserved[1] = 1;
	check("create reserved", vid, VID_CREATE_PARTITION, &c, EINVAL);
	check("create NULL", vid, VID_CREATE_PARTITION, NULL, EFAULT);
	check("create kernel pointer", vid, VID_CREATE_PARTITION, KERNEL_PTR, EFAULT);
	check("stats NULL", vid, VID_GET_STATS, NULL, EFAULT);
}

static void check_map(const char *name, int part, struct vid_map_memory m, int want)
{
	check(name, part, VID_MAP_MEMORY, &m, want);
}

static void checks_map(int part, uint8_t *mem)
{
	const struct vid_map_memory ok = { (uintptr_t)mem, 4 * MIB, 0, VID_MAP_READ, 0 };
	struct vid_map_memory m = ok;
	uint8_t *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *hole = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *edge = anon(8192); /* one page, then one the process may not touch */

	munmap(hole, 8192);
	mprotect(edge + 4096, 4096, PROT_NONE);
	check("part unknown ioctl", part, _IO(VID_IOCTL_MAGIC, 0x7f), NULL, ENOTTY);
	check("part create-partition ioctl", part, VID_CREATE_PARTITION, NULL, ENOTTY);
	check("part run ioctl", part, VID_RUN, NULL, ENOTTY);
	check("map NULL", part, VID_MAP_MEMORY, NULL, EFAULT);
	m.flags = 0, check_map("map flags 0", part, m, EINVAL);
	m.flags = 8, check_map("map flags unknown", part, m, EINVAL);
	m.flags = VID_MAP_WRITE, check_map("map without read", part, m, EINVAL);
	m = ok, m.reserved0 = 1, check_map("map reserved", part, m, EINVAL);
	m = ok, m.user_addr += 8, check_map("map user_addr unaligned", part, m, EINVAL);
	m = ok, m.size = 4095, check_map("map size unaligned", part, m, EINVAL);
	m = ok, m.guest_phys = 0x800, check_map("map guest_phys unaligned", part, m, EINVAL);
	m = ok, m.size = 0, check_map("map size 0", part, m, EINVAL);
	m = ok, m.size = VID_MAP_MAX_SIZE + 4096, check_map("map size over", part, m, EINVAL);
	m = ok, m.guest_phys = VID_GPA_LIMIT - 4096, check_map("map beyond 1 TiB", part, m, EINVAL);
	m = ok, m.guest_phys = -4096ull, check_map("map guest overflow", part, m, EINVAL);
	m = ok, m.user_addr = -4096ull, check_map("map user overflow", part, m, EINVAL);
	m = ok, m.user_addr = (uintptr_t)KERNEL_PTR,
	check_map("map kernel memory", part, m, EFAULT);
	m = ok, m.user_addr = (uintptr_t)hole, m.size = 8192;
	check_map("map unmapped memory", part, m, EFAULT);
	m = ok, m.user_addr = (uintptr_t)ro, m.size = 4096;
	check_map("map read-only memory", part, m, EFAULT);
	m = ok, m.user_addr = (uintptr_t)edge, m.size = 8192;
	check_map("map past the mapping", part, m, EFAULT);
	munmap(ro, 4096);
	munmap(edge, 8192);
}

static void checks_regs_run(int vp)
{
	struct vid_regs *r = calloc(1, sizeof(*r));
	struct vid_run run = { .flags = 2 };

	check("vp unknown ioctl", vp, _IO(VID_IOCTL_MAGIC, 0x7f), NULL, ENOTTY);
	check("vp map ioctl", vp, VID_MAP_MEMORY, NULL, ENOTTY);
	check("regs count 0", vp, VID_GET_REGS, r, EINVAL);
	r->count = VID_REGS_MAX + 1;
	check("regs count over", vp, VID_SET_REGS, r, EINVAL);
	r->count = 2, r->regs[1].name = HV_REG_COUNT;
	check("regs name unknown", vp, VID_GET_REGS, r, EINVAL);
	r->regs[1].name = HV_REG_RIP, r->regs[0].reserved0 = 1;
	check("regs reserved", vp, VID_SET_REGS, r, EINVAL);
	check("regs NULL", vp, VID_GET_REGS, NULL, EFAULT);
	check("run flags unknown", vp, VID_RUN, &run, EINVAL);
	run.flags = 0, run.reserved0 = 1;
	check("run reserved", vp, VID_RUN, &run, EINVAL);
	run.reserved0 = 0, run.io_in_value = 1;
	check("run value without COMPLETE_IN", vp, VID_RUN, &run, EINVAL);
	run.flags = VID_RUN_COMPLETE_IN;
	check("run COMPLETE_IN without an IN", vp, VID_RUN, &run, EINVAL);
	check("run NULL", vp, VID_RUN, NULL, EFAULT);
	free(r);
}

/* ---- SynIC checks (partition fd) ---- */

static void check_conn(const char *name, int part, struct vid_connection c, int want)
{
	check(name, part, VID_SET_CONNECTION, &c, want);
}

static void check_post(const char *name, int part, struct vid_post_message m, int want)
{
	check(name, part, VID_POST_MESSAGE, &m, want);
}

/* Bad arguments of the SynIC ioctls: every one refused before any hypercall. */
static void checks_synic_args(int part)
{
	const struct vid_connection cok = { 1, 1, VID_CONNECTION_MESSAGE, 0 };
	const struct vid_post_message mok = { .sint = 2, .message_type = 1, .payload_size = 8 };
	struct vid_connection c = cok;
	struct vid_post_message m = mok;
	struct vid_signal_event e = { .sint = 2 };

	c.reserved0 = 1, check_conn("connection reserved", part, c, EINVAL);
	c = cok, c.type = 3, check_conn("connection type unknown", part, c, EINVAL);
	c = cok, c.connection_id = 0, check_conn("connection id 0", part, c, EINVAL);
	c = cok, c.count = 0, check_conn("connection count 0", part, c, EINVAL);
	c = cok, c.connection_id = HV_CONNECTION_ID_MAX + 1;
	check_conn("connection id over 24 bits", part, c, EINVAL);
	c = cok, c.connection_id = HV_CONNECTION_ID_MAX, c.count = 2;
	check_conn("connection range past 24 bits", part, c, EINVAL);
	c = cok, c.count = 0xffffffff, check_conn("connection count huge", part, c, EINVAL);
	c = cok, c.type = VID_CONNECTION_EVENT, c.count = VID_EVENT_RANGE_MAX + 1;
	check_conn("event range over the limit", part, c, EINVAL);
	c = cok, c.type = VID_CONNECTION_NONE;
	check_conn("connection removal with a count", part, c, EINVAL);
	c.count = 0, check_conn("connection removal of nothing", part, c, ENOENT);
	check("connection NULL", part, VID_SET_CONNECTION, NULL, EFAULT);

	m.vp_index = 1, check_post("post vp over max_vps", part, m, EINVAL);
	m = mok, m.sint = HV_SINT_COUNT, check_post("post sint 16", part, m, EINVAL);
	m = mok, m.message_type = 0, check_post("post type 0", part, m, EINVAL);
	m = mok, m.message_type = 0x80000000u;
	check_post("post hypervisor type", part, m, EINVAL);
	m = mok, m.payload_size = VID_MESSAGE_PAYLOAD_MAX + 1;
	check_post("post payload over 240", part, m, EINVAL);
	check("post NULL", part, VID_POST_MESSAGE, NULL, EFAULT);
	check("post kernel pointer", part, VID_POST_MESSAGE, KERNEL_PTR, EFAULT);

	e.vp_index = 1, check("signal vp over max_vps", part, VID_SIGNAL_EVENT, &e, EINVAL);
	e.vp_index = 0, e.sint = 16, check("signal sint 16", part, VID_SIGNAL_EVENT, &e, EINVAL);
	e.sint = 2, e.flag_number = HV_EVENT_FLAGS_PER_SINT;
	check("signal flag 2048", part, VID_SIGNAL_EVENT, &e, EINVAL);
	check("signal NULL", part, VID_SIGNAL_EVENT, NULL, EFAULT);
}

/* The eventfd, signals, reading and the reference time: all without the hypervisor's SynIC. */
static void checks_synic_inbox(int part)
{
	struct vid_signal_eventfd f = { .eventfd = -1, .reserved0 = 1 };
	struct vid_signals sig;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), pipefd[2] = { -1, -1 };
	uint8_t buf[2 * sizeof(struct vid_message)];

	check("eventfd reserved", part, VID_SET_SIGNAL_EVENTFD, &f, EINVAL);
	f.reserved0 = 0, f.eventfd = -2;
	check("eventfd -2", part, VID_SET_SIGNAL_EVENTFD, &f, EINVAL);
	f.eventfd = 1000, check("eventfd not open", part, VID_SET_SIGNAL_EVENTFD, &f, EBADF);
	if (pipe(pipefd) == 0) {
		f.eventfd = pipefd[0];
		check("eventfd a pipe", part, VID_SET_SIGNAL_EVENTFD, &f, EINVAL);
	}
	check("eventfd NULL", part, VID_SET_SIGNAL_EVENTFD, NULL, EFAULT);
	f.eventfd = efd, check("eventfd set", part, VID_SET_SIGNAL_EVENTFD, &f, 0);
	f.eventfd = efd, check("eventfd set again", part, VID_SET_SIGNAL_EVENTFD, &f, 0);
	close(efd); /* vid.ko holds its own reference */
	int n = vid_get_signals(part, &sig);

	checks_done++;
	if (n != 0 || sig.more)
		fail("check signals without connections: %d ids, more %u", n, sig.more);
	check("signals NULL", part, VID_GET_SIGNALS, NULL, EFAULT);
	f.eventfd = -1, check("eventfd detached", part, VID_SET_SIGNAL_EVENTFD, &f, 0);

	checks_done += 4;
	errno = 0;
	if (read(part, buf, sizeof(struct vid_message) - 1) != -1 || errno != EINVAL)
		fail("check read under one record: %s, want EINVAL", strerror(errno));
	fcntl(part, F_SETFL, O_NONBLOCK);
	errno = 0;
	if (read(part, buf, sizeof(buf)) != -1 || errno != EAGAIN)
		fail("check non-blocking read of nothing: %s, want EAGAIN", strerror(errno));
	errno = 0; /* the VFS refuses a buffer outside user space before vid.ko sees it */
	if (read(part, KERNEL_PTR, sizeof(buf)) != -1 || errno != EFAULT)
		fail("check read into kernel memory: %s, want EFAULT", strerror(errno));
	fcntl(part, F_SETFL, 0);
	struct pollfd pfd = { .fd = part, .events = POLLIN };

	if (poll(&pfd, 1, 0) != 0)
		fail("check poll of an empty queue: revents 0x%x", pfd.revents);

	uint64_t t0 = 0, t1 = 0;

	if (outcome(C_REFERENCE_TIME, vid_get_reference_time(part, &t0)) > 0) {
		usleep(20000);
		vid_get_reference_time(part, &t1);
		if (t1 <= t0)
			fail("reference time does not advance: %" PRIu64 " then %" PRIu64, t0, t1);
		else
			printf("reference time: %" PRIu64 " (100 ns), +%" PRIu64 " over 20 ms\n",
			       t0, t1 - t0);
	}
	check("reference time NULL", part, VID_GET_REFERENCE_TIME, NULL, EFAULT);
	if (pipefd[0] >= 0) {
		close(pipefd[0]);
		close(pipefd[1]);
	}
}

/* The checks that need the hypervisor's SynIC: a registered range refuses an overlap (vid.ko's
 * copy), 16 ranges are the limit, removal; a guest that has not enabled its SynIC refuses
 * messages and signals (ENOTCONN). Skipped while the hypervisor has no SET_CONNECTION. */
static void checks_synic_live(int part)
{
	struct vid_connection c = { 1, 1, VID_CONNECTION_MESSAGE, 0 };

	if (outcome(C_SET_CONNECTION, vid_set_connection(part, 1, 1, VID_CONNECTION_MESSAGE)) <= 0)
		return;
	c.connection_id = 1, c.count = 4;
	check_conn("connection overlapping", part, c, EEXIST);
	for (uint32_t i = 1; i < VID_CONNECTIONS_MAX; i++)
		if (vid_set_connection(part, 0x100 * i, 1, VID_CONNECTION_EVENT) != 0)
			fail("event connection %u of %u refused", i + 1, VID_CONNECTIONS_MAX);
	c.connection_id = 0x10000, c.count = 1;
	check_conn("connection 17th", part, c, ENOSPC);
	c.connection_id = 1, c.count = 0, c.type = VID_CONNECTION_NONE;
	check_conn("connection removed", part, c, 0);
	check_conn("connection removed twice", part, c, ENOENT);
	int err = vid_post_message(part, 0, 2, 1, "hi", 2);

	checks_done += 2;
	if (err != -ENOTCONN && outcome(C_POST_MESSAGE, err) > 0)
		fail("post to a guest without SynIC: success, want ENOTCONN");
	err = vid_signal_event(part, 0, 2, 1, NULL);
	if (err != -ENOTCONN && outcome(C_SIGNAL_EVENT, err) > 0)
		fail("signal to a guest without SynIC: success, want ENOTCONN");
}

/* The checks that need the hypervisor's calls: overlap, a second VP 0, the VP fd's own. */
static void checks_live(int part, uint8_t *mem)
{
	struct vid_vp_create v = { .vp_index = 1 };

	check("vp index over max_vps", part, VID_CREATE_VP, &v, EINVAL);
	v.vp_index = 0, v.reserved0 = 1;
	check("vp reserved", part, VID_CREATE_VP, &v, EINVAL);
	check("vp NULL", part, VID_CREATE_VP, NULL, EFAULT);
	if (outcome(C_MAP, vid_map_memory(part, mem, 4 * MIB, 0, VID_MAP_READ)) > 0) {
		struct vid_map_memory m = { (uintptr_t)mem, 4096, 4 * MIB - 4096, VID_MAP_READ, 0 };

		check_map("map overlapping", part, m, EEXIST);
	}
	int vp = vid_vp_create(part, 0);

	if (outcome(C_CREATE_VP, vp) > 0) {
		v.reserved0 = 0;
		check("vp created twice", part, VID_CREATE_VP, &v, EEXIST);
		checks_regs_run(vp);
		checks_synic_live(part);
		vid_close(vp);
	}
}

static int cmd_checks(void)
{
	int vid = open_vid();
	struct vid_stats base = get_stats(vid);
	uint8_t *mem = anon(4 * MIB);

	checks_dev(vid);
	int part = vid_partition_create(vid, 1, 0, NULL);

	if (part < 0) {
		fail("create partition: %s", strerror(-part));
		return report("checks");
	}
	checks_map(part, mem);
	checks_synic_args(part);
	checks_synic_inbox(part);
	checks_live(part, mem);
	vid_close(part);
	struct vid_stats end = get_stats(vid);

	if (!at_baseline(&end, &base))
		fail("checks: counters not back at baseline");
	printf("checks: %d bad arguments tried\n", checks_done);
	vid_close(vid);
	return report("checks");
}

/* ---- fuzz: random ioctls on /dev/vid, partition and VP fds ---- */

#define SLOTS 8
struct fuzz {
	int vid, parts[SLOTS], vps[SLOTS];
	uint8_t *buf; /* 2 pages of arguments, then a page the process may not touch */
	uint8_t *mem; /* 4 MiB that may be mapped into children */
	uint8_t *ro;  /* a read-only page */
	int efd;      /* an eventfd the SynIC ioctls may be given */
	unsigned long ok, fds, calls[3], reads, errs[160];
};
static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t pick(uint64_t n)
{
	return rnd() % n;
}

static const unsigned long known_cmds[] = { VID_CREATE_PARTITION,
					    VID_GET_STATS,
					    VID_MAP_MEMORY,
					    VID_CREATE_VP,
					    VID_SET_CONNECTION,
					    VID_POST_MESSAGE,
					    VID_SIGNAL_EVENT,
					    VID_SET_SIGNAL_EVENTFD,
					    VID_GET_SIGNALS,
					    VID_GET_REFERENCE_TIME,
					    VID_GET_REGS,
					    VID_SET_REGS,
					    VID_RUN };
#define KNOWN_CMDS (sizeof(known_cmds) / sizeof(known_cmds[0]))

/* ioctl types the VFS answers itself before any driver (FIOCLEX, FIFREEZE, FICLONE, FIBMAP,
 * FS_IOC_*): not vid.ko's to test, and some act on the file system. */
static int vfs_type(unsigned type)
{
	return type == 0x00 || type == 0x54 || type == 0x58 || type == 0x66 || type == 0x94;
}

enum fd_kind {
	K_DEV,
	K_PART,
	K_VP,
};
/* Per fd kind, the commands it knows (first, count) in known_cmds[]. */
static const unsigned kind_cmds[3][2] = { { 0, 2 }, { 2, 8 }, { 10, 3 } };

/* Mostly a command the fd knows, also others, variants of them, and random numbers. */
static unsigned long random_cmd(enum fd_kind kind)
{
	unsigned long c = known_cmds[kind_cmds[kind][0] + pick(kind_cmds[kind][1])];
	uint64_t how = pick(20);

	if (how < 11)
		return c;
	c = known_cmds[pick(KNOWN_CMDS)];
	if (how < 13)
		return c;
	if (how < 16) /* a known number with another direction or size, or a neighbour */
		return pick(2) ? _IOC(pick(4), VID_IOCTL_MAGIC, _IOC_NR(c), pick(0x4000))
			       : _IOC(_IOC_DIR(c), VID_IOCTL_MAGIC, pick(0x40), _IOC_SIZE(c));
	do
		c = (uint32_t)rnd();
	while (vfs_type(_IOC_TYPE(c)));
	return c;
}

static uint64_t random_size(void)
{
	switch (pick(5)) {
	case 0:
		return 4096 * (1 + pick(1024));
	case 1:
		return rnd();
	case 2:
		return pick(1 << 20);
	case 3:
		return VID_MAP_MAX_SIZE + 4096 * pick(3);
	default:
		return 4096;
	}
}

static void fill_map(struct fuzz *f, struct vid_map_memory *m)
{
	uint8_t *where[] = { f->mem + 4096 * pick(1024), f->mem + pick(4 * MIB), f->ro, f->buf,
			     (uint8_t *)KERNEL_PTR };

	m->user_addr = pick(6) ? (uintptr_t)where[pick(5)] : rnd();
	m->size = random_size();
	m->guest_phys = pick(3) ? 4096 * pick(2048) : pick(2) ? rnd() & ~0xfffull : rnd();
	m->flags = pick(4) ? VID_MAP_READ | pick(8) : pick(16);
	m->reserved0 = pick(8) ? 0 : rnd();
}

/* The SynIC ioctls' structs: mostly within the limits, VMBus's connection ids among them. */
static void fill_synic(struct fuzz *f, unsigned long cmd, void *arg)
{
	if (cmd == VID_SET_CONNECTION) {
		struct vid_connection *c = arg;

		c->connection_id = pick(2) ? 1 + pick(8) : pick(2) ? 0x10001 : (uint32_t)rnd();
		c->count = pick(2) ? pick(4) : pick(2) ? 2047 : (uint32_t)rnd();
		c->type = pick(5);
		c->reserved0 = pick(8) ? 0 : (uint32_t)rnd();
	} else if (cmd == VID_POST_MESSAGE) {
		struct vid_post_message *m = arg;

		m->vp_index = pick(3);
		m->sint = pick(18);
		m->message_type = pick(4) ? 1 : (uint32_t)rnd();
		m->payload_size = pick(250);
	} else if (cmd == VID_SIGNAL_EVENT) {
		struct vid_signal_event *e = arg;

		e->vp_index = pick(3);
		e->sint = pick(18);
		e->flag_number = pick(2100);
	} else if (cmd == VID_SET_SIGNAL_EVENTFD) {
		struct vid_signal_eventfd *e = arg;

		e->eventfd = pick(2) ? f->efd : pick(2) ? -1 : (int32_t)pick(64) - 2;
		e->reserved0 = pick(8) ? 0 : (uint32_t)rnd();
	}
}

/* Plausible values in the struct the command names (random bytes are already there). */
static void fill_struct(struct fuzz *f, unsigned long cmd, void *arg)
{
	if (cmd == VID_CREATE_PARTITION) {
		struct vid_partition_create *c = arg;

		c->max_vps = pick(70);
		c->flags = pick(8) ? 0 : rnd();
		c->reserved[0] = c->reserved[1] = pick(8) ? 0 : rnd();
	} else if (cmd == VID_MAP_MEMORY) {
		fill_map(f, arg);
	} else if (cmd == VID_CREATE_VP) {
		struct vid_vp_create *v = arg;

		v->vp_index = pick(70);
		v->reserved0 = pick(8) ? 0 : rnd();
	} else if (cmd == VID_GET_REGS || cmd == VID_SET_REGS) {
		struct vid_regs *r = arg;

		r->count = pick(70);
		for (unsigned i = 0; i < VID_REGS_MAX; i++) {
			r->regs[i].name = pick(50);
			r->regs[i].reserved0 = pick(16) ? 0 : rnd();
		}
	} else if (cmd == VID_RUN) {
		struct vid_run *r = arg;

		r->flags = pick(4);
		r->reserved0 = pick(8) ? 0 : rnd();
		r->io_in_value = pick(2) ? 0 : rnd();
	} else {
		fill_synic(f, cmd, arg);
	}
}

static void *random_arg(struct fuzz *f, unsigned long cmd)
{
	uint64_t how = pick(20);

	if (how < 3)
		return NULL;
	if (how < 5)
		return (void *)(uintptr_t)pick(65536);
	if (how < 7)
		return (void *)(uintptr_t)rnd();
	if (how < 8)
		return KERNEL_PTR;
	if (how < 10) /* straddles into the page the process may not touch */
		return f->buf + 8192 - 1 - pick(sizeof(struct vid_regs));
	for (unsigned i = 0; i < 8192; i += 8) {
		uint64_t v = rnd();

		memcpy(f->buf + i, &v, 8);
	}
	if (pick(10) < 7)
		fill_struct(f, cmd, f->buf);
	return f->buf;
}

/* A live slot of the array from a random start, or NULL. */
static int *live_slot(int *slots)
{
	unsigned from = pick(SLOTS);

	for (unsigned i = 0; i < SLOTS; i++)
		if (slots[(from + i) % SLOTS] >= 0)
			return &slots[(from + i) % SLOTS];
	return NULL;
}

/* /dev/vid, a partition fd or a VP fd (*slot: where a partition or VP fd came from). */
static int random_fd(struct fuzz *f, int **slot, enum fd_kind *kind)
{
	uint64_t which = pick(20);

	*slot = which >= 12 ? live_slot(f->vps) : NULL;
	*kind = K_VP;
	if (!*slot && which >= 5) {
		*slot = live_slot(f->parts);
		*kind = K_PART;
	}
	if (!*slot) {
		*kind = K_DEV;
		return f->vid;
	}
	return **slot;
}

/* A read(2) of the child's messages with a random length and buffer (none are posted: it
 * blocks until the interval timer's signal ends it, or fails at once). */
static void fuzz_read(struct fuzz *f, int fd)
{
	uint64_t lens[] = { 0, 1, 255, 256, 257, 4096, rnd() & 0xffffff };

	f->reads++;
	if (read(fd, random_arg(f, VID_GET_SIGNALS), lens[pick(7)]) < 0)
		f->errs[errno < 160 ? errno : 0]++;
}

static void fuzz_one(struct fuzz *f)
{
	int *slot;
	enum fd_kind kind;
	int fd = random_fd(f, &slot, &kind);
	unsigned long cmd = random_cmd(kind);

	if (kind == K_PART && !pick(30)) {
		fuzz_read(f, fd);
		return;
	}
	int r = ioctl(fd, cmd, random_arg(f, cmd));

	f->calls[kind]++;
	if (r < 0) {
		f->errs[errno < 160 ? errno : 0]++;
		return;
	}
	f->ok++;
	if (r > 0 && (cmd == VID_CREATE_PARTITION || cmd == VID_CREATE_VP)) {
		int *to = cmd == VID_CREATE_PARTITION ? &f->parts[pick(SLOTS)]
						      : &f->vps[pick(SLOTS)];

		if (*to >= 0)
			close(*to);
		*to = r;
		f->fds++;
	} else if (r > 0) {
		fail("fuzz: ioctl 0x%lx returned %d", cmd, r);
	}
	if (slot && !pick(40)) {
		close(*slot);
		*slot = -1;
	}
}

static void fuzz_report(const struct fuzz *f, uint64_t seed, long n)
{
	printf("fuzz: seed %" PRIu64 ", %ld calls (/dev/vid %lu, partition fds %lu, VP fds %lu, "
	       "reads %lu): %lu ioctls succeeded (%lu new fds), errors:",
	       seed, n, f->calls[K_DEV], f->calls[K_PART], f->calls[K_VP], f->reads, f->ok, f->fds);
	for (int e = 0; e < 160; e++)
		if (f->errs[e])
			printf(" %s %lu", e ? strerrorname_np(e) : "other", f->errs[e]);
	printf("\n");
}

static int cmd_fuzz(uint64_t seed, long n)
{
	struct fuzz f = { .vid = open_vid(), .efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK) };
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval t = { .it_interval = { .tv_usec = 20000 },
			       .it_value = { .tv_usec = 20000 } };
	struct vid_stats base = get_stats(f.vid);

	rng = seed * 0x9e3779b97f4a7c15ull + 1;
	memset(f.parts, -1, sizeof(f.parts));
	memset(f.vps, -1, sizeof(f.vps));
	f.buf = anon(3 * 4096);
	mprotect(f.buf + 8192, 4096, PROT_NONE);
	f.mem = anon(4 * MIB);
	f.ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* A spinning child's run ends with EINTR at the next tick (no SA_RESTART). */
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &t, NULL);
	for (long i = 0; i < n; i++)
		fuzz_one(&f);
	setitimer(ITIMER_REAL, &(struct itimerval){ 0 }, NULL);
	for (int i = 0; i < SLOTS; i++) {
		if (f.parts[i] >= 0)
			close(f.parts[i]);
		if (f.vps[i] >= 0)
			close(f.vps[i]);
	}
	fuzz_report(&f, seed, n);
	struct vid_stats end = get_stats(f.vid);

	print_stats("fuzz: baseline: ", &base);
	print_stats("fuzz: after: ", &end);
	if (!at_baseline(&end, &base))
		fail("fuzz: counters not back at baseline");
	vid_close(f.vid);
	printf("fuzz: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}

static const char usage[] =
	"usage: vidtest stats | cycle N MIB | checks | guest | synic | iocost | hold MIB FILE | "
	"fuzz SEED N\n";

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(c, "--help") && argc == 2) {
		printf("%s", usage);
		return 0;
	}
	if (!strcmp(c, "stats") && argc == 2)
		return cmd_stats();
	if (!strcmp(c, "cycle") && argc == 4)
		return cmd_cycle(atoi(argv[2]), strtoull(argv[3], NULL, 0));
	if (!strcmp(c, "checks") && argc == 2)
		return cmd_checks();
	if (!strcmp(c, "guest") && argc == 2)
		return cmd_guest();
	if (!strcmp(c, "synic") && argc == 2)
		return cmd_synic();
	if (!strcmp(c, "iocost") && argc == 2)
		return cmd_iocost();
	if (!strcmp(c, "hold") && argc == 4)
		return cmd_hold(strtoull(argv[2], NULL, 0), argv[3]);
	if (!strcmp(c, "fuzz") && argc == 4)
		return cmd_fuzz(strtoull(argv[2], NULL, 0), atol(argv[3]));
	fprintf(stderr, "%s", usage);
	return 2;
}
