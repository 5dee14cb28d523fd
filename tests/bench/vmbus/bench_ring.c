/* SPDX-License-Identifier: MIT */
/* Benchmark of the VMBus ring: a producer thread streams a fixed count of packets (64 B,
 * 1500 B, 4 KiB payloads) to a consumer thread that reads each payload in place. The same work
 * goes through the anchors in the same run: memcpy (one copy of every payload, one thread: the
 * physical limit), pipe(2), and the best SPSC rings there are, each used as its authors
 * intend for the fastest transfer: Concurrency Kit's ck_ring with the payload copied into
 * typed slots (ck_ring) and carrying pointers to payload slots (ck_ring_ptr), and DPDK's
 * rte_ring in single-producer/single-consumer mode with the payload copied into its elements
 * (rte_ring; in caller memory, no EAL). ck and DPDK are optional at build time: a missing one
 * is reported as missing. Subjects and anchors are interleaved round by round (order rotated);
 * medians are printed, then the ratios, against the best spinning-ring anchor of each size.
 * "vmbus" publishes every packet (write_index store + fence + signal decision, as Linux does);
 * "vmbus_batch16" publishes every 16 packets with the batch API. Prints figures only; judges
 * nothing.
 * usage: vmbus_bench [-p] [-w pauses] [-s size] [packets per size (default 300000)]
 *                    [rounds (default 3)]
 *   -p: pin the producer to CPU 0 and the consumer to CPU 1
 *   -s: only this payload size (64, 1500 or 4096) */
#ifdef HAVE_CK
#include <ck_ring.h>
#endif
#ifdef HAVE_DPDK
#include <rte_ring.h>
#include <rte_ring_elem.h>
#endif
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "vmbus/ring.h"

#define RING_DATA  (256u * 1024) /* per direction, like a mid-sized VMBus channel */
#define MAX_ROUNDS 64
#define SPIN_PAUSE 128	/* busy polls (pause) before yielding the CPU */
#define SPIN_EMPTY 2000 /* consumer polls (pause, then yield) this long before sleeping */
#define SPIN_FULL  2000 /* producer retries this long before asking for space */

enum subject {
	S_VMBUS,
	S_VMBUS_BATCH,
	S_MEMCPY,
	S_PIPE,
	S_CK, /* first of the spinning-ring anchors */
	S_CK_PTR,
	S_RTE,
	NSUBJ
};
static const char *subj_name[NSUBJ] = { "vmbus",   "vmbus_batch16", "memcpy",  "pipe",
					"ck_ring", "ck_ring_ptr",   "rte_ring" };
#ifdef HAVE_CK
#define CK_OK true
#else
#define CK_OK false
#endif
#ifdef HAVE_DPDK
#define RTE_OK true
#else
#define RTE_OK false
#endif
static const bool subj_built[NSUBJ] = { true, true, true, true, CK_OK, CK_OK, RTE_OK };
#define BATCH 16 /* vmbus_batch16: packets published per write_index update */
static const uint32_t sizes[] = { 64, 1500, 4096 };
#define NSIZES 3

static uint64_t n_packets = 300000;
static bool pin; /* -p: producer on CPU 0, consumer on CPU 1 (always cross-core) */
static unsigned rounds = 3;
static uint32_t only_size; /* -s: 0 = every size */
static uint8_t src_payload[4096] __attribute__((aligned(64)));

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Waiting without a doorbell, the same for every spinning subject: pause a little, then give
 * the CPU away (the machine is shared; a spinning thread may be keeping its peer off it). */
static unsigned pauses_per_poll = 1; /* -w: a slower poll leaves the shared lines to the writer */
static inline void backoff(int spins)
{
	if (spins < SPIN_PAUSE)
		for (unsigned k = 0; k < pauses_per_poll; k++)
			__builtin_ia32_pause();
	else
		sched_yield();
}

/* The consumer's work on every payload, for every subject: read it all (a fold of its words)
 * and check the sequence number the producer put in its first 8 bytes. */
static inline uint64_t consume_payload(const uint8_t *p, uint32_t len, uint64_t seq)
{
	uint64_t first, acc = 0;

	memcpy(&first, p, 8);
	if (first != seq) {
		fprintf(stderr, "bench: payload %llu out of order\n", (unsigned long long)seq);
		exit(1);
	}
	for (uint32_t i = 8; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		acc ^= w;
	}
	return acc;
}

/* With pinning, every consumer thread runs on CPU 1; the producer stays on CPU 0. */
static void start_consumer(pthread_t *t, void *(*fn)(void *), void *arg)
{
	pthread_attr_t a;
	cpu_set_t set;

	pthread_attr_init(&a);
	if (pin) {
		CPU_ZERO(&set);
		CPU_SET(1, &set);
		pthread_attr_setaffinity_np(&a, sizeof(set), &set);
	}
	if (pthread_create(t, &a, fn, arg))
		abort();
	pthread_attr_destroy(&a);
}

static void kick(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, 8) != 8)
		abort();
}

static void wait_kick(int fd)
{
	uint64_t v;

	while (read(fd, &v, 8) != 8)
		if (errno != EINTR)
			abort();
}

/* ---------------- vmbus ring ---------------- */

struct vm_ctx {
	struct vmbus_ring_writer w;
	struct vmbus_ring_reader r;
	uint32_t size;
	int to_consumer, to_producer;
	uint64_t signals; /* written by both threads, read after join */
	_Atomic uint64_t cons_signals;
	volatile uint64_t sink;
};

static void *vm_consumer(void *arg)
{
	struct vm_ctx *c = arg;
	uint64_t seq = 0, acc = 0;

	vmbus_ring_reader_mask(&c->r);
	while (seq < n_packets) {
		struct vmbus_pkt p;
		bool sig;
		int got = 0;
		uint32_t bytes = 0;

		/* commit every 64 packets or 1/8 of the ring, so the producer gets space back
		 * while we still read */
		while (got < 64 && bytes < RING_DATA / 8 &&
		       vmbus_ring_peek(&c->r, &p) == VMBUS_OK) {
			const uint8_t *pl = vmbus_pkt_ptr(&p, p.data_off, c->size);
			uint8_t tmp[4096];

			if (!pl) { /* split by the wrap: copy this one */
				vmbus_pkt_copy(&p, p.data_off, tmp, c->size);
				pl = tmp;
			}
			acc += consume_payload(pl, c->size, seq++);
			vmbus_ring_consume(&c->r, &p);
			bytes += p.len;
			got++;
		}
		if (got) {
			if (vmbus_ring_commit(&c->r, &sig) != VMBUS_OK)
				abort();
			if (sig) {
				atomic_fetch_add_explicit(&c->cons_signals, 1,
							  memory_order_relaxed);
				kick(c->to_producer);
			}
			continue;
		}
		/* empty: poll for a while (streaming), then unmask, re-check and sleep */
		int spins = 0;

		while (spins < SPIN_EMPTY && vmbus_ring_reader_has_data(&c->r) == 0)
			backoff(spins++);
		if (spins < SPIN_EMPTY)
			continue;
		if (vmbus_ring_reader_unmask(&c->r) == 0)
			wait_kick(c->to_consumer);
		vmbus_ring_reader_mask(&c->r);
	}
	c->sink = acc;
	return NULL;
}

static void vm_flush(struct vm_ctx *c)
{
	bool sig;

	if (vmbus_ring_writer_flush(&c->w, &sig) != VMBUS_OK)
		abort();
	if (sig) {
		c->signals++;
		kick(c->to_consumer);
	}
}

/* batch 1: every write publishes; batch n: publish every n packets (and before waiting) */
static void vm_producer(struct vm_ctx *c, unsigned batch)
{
	struct vmbus_iov iov = { src_payload, c->size };
	uint32_t need = (uint32_t)vmbus_ring_packet_bytes(0, c->size);

	for (uint64_t seq = 0; seq < n_packets; seq++) {
		int spins = 0;
		bool sig;
		int rc;

		if (batch > 1 && seq % batch == 0)
			vmbus_ring_writer_batch_begin(&c->w);
		memcpy(src_payload, &seq, 8);
		while ((rc = vmbus_ring_write_inband(&c->w, seq, 0, &iov, 1, &sig)) ==
		       VMBUS_E_AGAIN) {
			if (c->w.write != c->w.published) {
				vm_flush(c);
				vmbus_ring_writer_batch_begin(&c->w);
			}
			if (spins < SPIN_FULL) {
				backoff(spins++);
				continue;
			}
			if (vmbus_ring_writer_request_space(&c->w, need) == VMBUS_E_AGAIN)
				wait_kick(c->to_producer);
			spins = 0;
		}
		if (rc != VMBUS_OK)
			abort();
		if (batch > 1) {
			if (seq % batch == batch - 1 || seq + 1 == n_packets)
				vm_flush(c);
		} else if (sig) {
			c->signals++;
			kick(c->to_consumer);
		}
	}
}

static double run_vmbus(uint32_t size, unsigned batch, double *signals_per_pkt)
{
	static struct vmbus_ring_control ctrl __attribute__((aligned(4096)));
	static uint8_t *data;
	struct vm_ctx *c = calloc(1, sizeof(*c));
	struct vmbus_ring_mem mem;
	pthread_t t;
	double t0, t1;

	if (!data)
		data = aligned_alloc(4096, RING_DATA);
	memset(data, 0, RING_DATA);
	vmbus_ring_control_init(&ctrl);
	mem = (struct vmbus_ring_mem){ &ctrl, data, RING_DATA };
	if (vmbus_ring_writer_attach(&c->w, &mem) || vmbus_ring_reader_attach(&c->r, &mem))
		abort();
	c->size = size;
	c->to_consumer = eventfd(0, EFD_CLOEXEC);
	c->to_producer = eventfd(0, EFD_CLOEXEC);
	t0 = now();
	start_consumer(&t, vm_consumer, c);
	vm_producer(c, batch);
	pthread_join(t, NULL);
	t1 = now();
	*signals_per_pkt = (double)(c->signals + atomic_load(&c->cons_signals)) / n_packets;
	close(c->to_consumer);
	close(c->to_producer);
	free(c);
	return t1 - t0;
}

/* ---------------- memcpy ---------------- */

static volatile uint64_t memcpy_sink;

/* The same work without a second thread: copy each payload into a ring-sized buffer and run
 * the consumer's read over it. What any copy-based transport could do at best. */
static double run_memcpy(uint32_t size)
{
	static uint8_t *dst;
	uint32_t slots = RING_DATA / size, slot = 0;
	uint64_t acc = 0;
	double t0, t1;

	if (!dst)
		dst = aligned_alloc(4096, RING_DATA);
	t0 = now();
	for (uint64_t seq = 0; seq < n_packets; seq++) {
		uint8_t *d = dst + (size_t)slot * size;

		memcpy(src_payload, &seq, 8);
		memcpy(d, src_payload, size);
		__asm__ volatile("" ::: "memory"); /* keep every copy */
		acc += consume_payload(d, size, seq);
		if (++slot == slots)
			slot = 0;
	}
	t1 = now();
	memcpy_sink = acc;
	return t1 - t0;
}

/* ---------------- pipe ---------------- */

struct pipe_ctx {
	int rfd;
	uint32_t size;
	volatile uint64_t sink;
};

static void *pipe_consumer(void *arg)
{
	struct pipe_ctx *c = arg;
	static uint8_t buf[65536];
	uint64_t total = n_packets * c->size, got = 0, seq = 0, acc = 0;
	uint32_t have = 0;

	/* read in bulk (the pipe's best case), then walk the packets in the buffer */
	while (got < total) {
		ssize_t n = read(c->rfd, buf + have, sizeof(buf) - have);

		if (n <= 0)
			abort();
		got += (uint64_t)n;
		have += (uint32_t)n;
		uint32_t off = 0;

		while (have - off >= c->size) {
			acc += consume_payload(buf + off, c->size, seq++);
			off += c->size;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
	}
	c->sink = acc;
	return NULL;
}

static double run_pipe(uint32_t size)
{
	struct pipe_ctx c = { 0 };
	int fds[2];
	pthread_t t;
	double t0, t1;

	if (pipe(fds))
		abort();
	c.rfd = fds[0];
	c.size = size;
	t0 = now();
	start_consumer(&t, pipe_consumer, &c);
	for (uint64_t seq = 0; seq < n_packets; seq++) {
		memcpy(src_payload, &seq, 8);
		if (write(fds[1], src_payload, size) != (ssize_t)size)
			abort();
	}
	pthread_join(t, NULL);
	t1 = now();
	close(fds[0]);
	close(fds[1]);
	return t1 - t0;
}

/* ---------------- spinning-ring anchors ---------------- */

/* The number of ring entries of an anchor: the largest power of two whose payload bytes fit in
 * the VMBus ring's RING_DATA (no anchor gets a larger working set than the subject). */
static __attribute__((unused)) uint32_t anchor_entries(uint32_t payload_bytes)
{
	uint32_t n = 64;

	while ((uint64_t)n * 2 * payload_bytes <= RING_DATA)
		n *= 2;
	return n;
}

#ifdef HAVE_CK
/* ck_ring with the payload in the ring: a typed ring per payload size (CK_RING_PROTOTYPE), so
 * every copy has a constant size, as a user of ck with fixed-size messages would write it. */
struct slot64 {
	uint8_t b[64];
};
struct slot1500 {
	uint8_t b[1500];
};
struct slot4096 {
	uint8_t b[4096];
};
CK_RING_PROTOTYPE(s64, slot64)
CK_RING_PROTOTYPE(s1500, slot1500)
CK_RING_PROTOTYPE(s4096, slot4096)

struct ckc_ctx {
	struct ck_ring ring;
	void *buf;
	volatile uint64_t sink;
};

/* One producer/consumer pair per slot type; T is the struct, N its ck name. */
#define CK_COPY_RUN(T, N)                                                                  \
	static void *ckc_consumer_##N(void *arg)                                           \
	{                                                                                  \
		struct ckc_ctx *c = arg;                                                   \
		struct T tmp __attribute__((aligned(64)));                                 \
		uint64_t seq = 0, acc = 0;                                                 \
		int spins = 0;                                                             \
                                                                                           \
		while (seq < n_packets) {                                                  \
			if (!ck_ring_dequeue_spsc_##N(&c->ring, c->buf, &tmp)) {           \
				backoff(spins++);                                          \
				continue;                                                  \
			}                                                                  \
			spins = 0;                                                         \
			acc += consume_payload(tmp.b, sizeof(tmp), seq++);                 \
		}                                                                          \
		c->sink = acc;                                                             \
		return NULL;                                                               \
	}                                                                                  \
	static double ckc_run_##N(void)                                                    \
	{                                                                                  \
		struct ckc_ctx *c = calloc(1, sizeof(*c));                                 \
		uint32_t entries = anchor_entries(sizeof(struct T));                       \
		struct T *src = (struct T *)src_payload;                                   \
		pthread_t t;                                                               \
		double t0, t1;                                                             \
                                                                                           \
		c->buf = aligned_alloc(4096, ((size_t)entries * sizeof(struct T) + 4095) & \
						     ~(size_t)4095);                       \
		ck_ring_init(&c->ring, entries);                                           \
		t0 = now();                                                                \
		start_consumer(&t, ckc_consumer_##N, c);                                   \
		for (uint64_t seq = 0; seq < n_packets; seq++) {                           \
			int spins = 0;                                                     \
                                                                                           \
			memcpy(src_payload, &seq, 8);                                      \
			while (!ck_ring_enqueue_spsc_##N(&c->ring, c->buf, src))           \
				backoff(spins++);                                          \
		}                                                                          \
		pthread_join(t, NULL);                                                     \
		t1 = now();                                                                \
		free(c->buf);                                                              \
		free(c);                                                                   \
		return t1 - t0;                                                            \
	}
CK_COPY_RUN(slot64, s64)
CK_COPY_RUN(slot1500, s1500)
CK_COPY_RUN(slot4096, s4096)

static double run_ck(uint32_t size)
{
	return size == 64 ? ckc_run_s64() : size == 1500 ? ckc_run_s1500() : ckc_run_s4096();
}

/* ck_ring of pointers to payload slots (the payload copied into a slot pool once). */
struct ck_ctx {
	struct ck_ring ring;
	struct ck_ring_buffer *buf;
	uint8_t *pool;
	uint32_t size, nslots;
	volatile uint64_t sink;
};

static void *ck_consumer(void *arg)
{
	struct ck_ctx *c = arg;
	uint64_t seq = 0, acc = 0;
	int spins = 0;

	while (seq < n_packets) {
		void *slot;

		if (!ck_ring_dequeue_spsc(&c->ring, c->buf, &slot)) {
			backoff(spins++);
			continue;
		}
		spins = 0;
		acc += consume_payload(slot, c->size, seq++);
	}
	c->sink = acc;
	return NULL;
}

static double run_ck_ptr(uint32_t size)
{
	struct ck_ctx *c = calloc(1, sizeof(*c));
	uint32_t entries = anchor_entries(2 * size); /* two payload slots per entry */
	pthread_t t;
	double t0, t1;

	/* twice as many payload slots as entries, so a slot is never rewritten while the
	 * consumer may still read it */
	c->size = size;
	c->nslots = entries * 2;
	c->buf = calloc(entries, sizeof(*c->buf));
	c->pool = aligned_alloc(4096, ((size_t)c->nslots * size + 4095) & ~(size_t)4095);
	ck_ring_init(&c->ring, entries);
	t0 = now();
	start_consumer(&t, ck_consumer, c);
	for (uint64_t seq = 0; seq < n_packets; seq++) {
		uint8_t *slot = c->pool + (size_t)(seq % c->nslots) * size;
		int spins = 0;

		memcpy(src_payload, &seq, 8);
		memcpy(slot, src_payload, size);
		while (!ck_ring_enqueue_spsc(&c->ring, c->buf, slot))
			backoff(spins++);
	}
	pthread_join(t, NULL);
	t1 = now();
	free(c->buf);
	free(c->pool);
	free(c);
	return t1 - t0;
}
#else
static double run_ck(uint32_t size)
{
	(void)size;
	return 0;
}
static double run_ck_ptr(uint32_t size)
{
	(void)size;
	return 0;
}
#endif

#ifdef HAVE_DPDK
/* DPDK rte_ring, single producer / single consumer, the payload copied into the ring's
 * elements (esize = payload size), one element per call as the VMBus subject does. The ring
 * lives in our memory (rte_ring_init), so no EAL is needed. */
struct rte_ctx {
	struct rte_ring *r;
	uint32_t size;
	volatile uint64_t sink;
};

static inline __attribute__((always_inline)) void *rte_consume(struct rte_ctx *c, uint32_t size)
{
	static uint8_t tmp[4096] __attribute__((aligned(64)));
	uint64_t seq = 0, acc = 0;
	int spins = 0;

	while (seq < n_packets) {
		if (rte_ring_sc_dequeue_elem(c->r, tmp, size) != 0) {
			backoff(spins++);
			continue;
		}
		spins = 0;
		acc += consume_payload(tmp, size, seq++);
	}
	c->sink = acc;
	return NULL;
}

static void *rte_consumer_64(void *arg)
{
	return rte_consume(arg, 64);
}
static void *rte_consumer_1500(void *arg)
{
	return rte_consume(arg, 1500);
}
static void *rte_consumer_4096(void *arg)
{
	return rte_consume(arg, 4096);
}

static inline __attribute__((always_inline)) void rte_produce(struct rte_ctx *c, uint32_t size)
{
	for (uint64_t seq = 0; seq < n_packets; seq++) {
		int spins = 0;

		memcpy(src_payload, &seq, 8);
		while (rte_ring_sp_enqueue_elem(c->r, src_payload, size) != 0)
			backoff(spins++);
	}
}

static double run_rte(uint32_t size)
{
	struct rte_ctx c = { .size = size };
	uint32_t entries = anchor_entries(size);
	ssize_t bytes = rte_ring_get_memsize_elem(size, entries);
	pthread_t t;
	double t0, t1;

	if (bytes < 0)
		abort();
	c.r = aligned_alloc(4096, ((size_t)bytes + 4095) & ~(size_t)4095);
	if (!c.r || rte_ring_init(c.r, "bench", entries, RING_F_SP_ENQ | RING_F_SC_DEQ) != 0)
		abort();
	t0 = now();
	start_consumer(&t,
		       size == 64     ? rte_consumer_64
		       : size == 1500 ? rte_consumer_1500
				      : rte_consumer_4096,
		       &c);
	if (size == 64)
		rte_produce(&c, 64);
	else if (size == 1500)
		rte_produce(&c, 1500);
	else
		rte_produce(&c, 4096);
	pthread_join(t, NULL);
	t1 = now();
	free(c.r);
	return t1 - t0;
}
#else
static double run_rte(uint32_t size)
{
	(void)size;
	return 0;
}
#endif

/* ---------------- driver ---------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One run of subject j at size index s in round r; seconds. */
static double run_subject(unsigned j, unsigned s, unsigned r, double sigs[][2][MAX_ROUNDS])
{
	switch (j) {
	case S_VMBUS:
		return run_vmbus(sizes[s], 1, &sigs[s][0][r]);
	case S_VMBUS_BATCH:
		return run_vmbus(sizes[s], BATCH, &sigs[s][1][r]);
	case S_MEMCPY:
		return run_memcpy(sizes[s]);
	case S_PIPE:
		return run_pipe(sizes[s]);
	case S_CK:
		return run_ck(sizes[s]);
	case S_CK_PTR:
		return run_ck_ptr(sizes[s]);
	default:
		return run_rte(sizes[s]);
	}
}

int main(int argc, char **argv)
{
	static double secs[NSIZES][NSUBJ][MAX_ROUNDS], sigs[NSIZES][2][MAX_ROUNDS];
	double pps[NSIZES][NSUBJ], gbs[NSIZES][NSUBJ], spp[NSIZES][2];

	if (argc > 1 && strcmp(argv[1], "-p") == 0) {
		pin = true;
		argc--;
		argv++;
	}
	if (argc > 2 && strcmp(argv[1], "-w") == 0) {
		pauses_per_poll = (unsigned)strtoul(argv[2], NULL, 0);
		argc -= 2;
		argv += 2;
	}
	if (argc > 2 && strcmp(argv[1], "-s") == 0) {
		only_size = (uint32_t)strtoul(argv[2], NULL, 0);
		argc -= 2;
		argv += 2;
	}
	if (argc > 1)
		n_packets = strtoull(argv[1], NULL, 0);
	if (argc > 2)
		rounds = (unsigned)strtoul(argv[2], NULL, 0);
	if (n_packets < 1000 || rounds < 1 || rounds > MAX_ROUNDS || pauses_per_poll < 1 ||
	    pauses_per_poll > 4096) {
		fprintf(stderr,
			"usage: vmbus_bench [-p] [-w pauses 1..4096] [-s size] [packets >= 1000] "
			"[rounds 1..%d]\n",
			MAX_ROUNDS);
		return 2;
	}
	for (unsigned i = 0; i < sizeof(src_payload); i++)
		src_payload[i] = (uint8_t)(i * 31 + 7);
	if (pin) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(0, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			pin = false;
	}
	printf("vmbus ring bench: %llu packets per size and subject, %u rounds, ring %u KiB, "
	       "%s, %u pause(s) per poll, medians (2 shared cores: noisy)\n",
	       (unsigned long long)n_packets, rounds, RING_DATA / 1024,
	       pin ? "pinned cross-core" : "unpinned", pauses_per_poll);
	fflush(stdout);

	for (unsigned j = 0; j < NSUBJ; j++)
		if (!subj_built[j])
			printf("anchor %s missing: built without %s (tools/setup.sh installs it)\n",
			       subj_name[j], j == S_RTE ? "DPDK (libdpdk-dev)" : "ck (libck-dev)");
	fflush(stdout);

	for (unsigned r = 0; r < rounds; r++) {
		for (unsigned s = 0; s < NSIZES; s++) {
			if (only_size && sizes[s] != only_size)
				continue;
			/* rotate the order each round so no subject always runs first */
			for (unsigned k = 0; k < NSUBJ; k++) {
				unsigned j = (k + r) % NSUBJ;

				if (subj_built[j])
					secs[s][j][r] = run_subject(j, s, r, sigs);
			}
		}
	}

	for (unsigned s = 0; s < NSIZES; s++) {
		if (only_size && sizes[s] != only_size)
			continue;
		for (unsigned j = 0; j < NSUBJ; j++) {
			double t = subj_built[j] ? median(secs[s][j], rounds) : 0;

			pps[s][j] = t > 0 ? n_packets / t : 0;
			gbs[s][j] = t > 0 ? n_packets * (double)sizes[s] / t / 1e9 : 0;
		}
		for (unsigned v = 0; v < 2; v++) {
			spp[s][v] = median(sigs[s][v], rounds);
			printf("result size=%u subject=%s pkts_per_s=%.0f gb_per_s=%.3f "
			       "signals_per_pkt=%.5f\n",
			       sizes[s], subj_name[v], pps[s][v], gbs[s][v], spp[s][v]);
		}
		for (unsigned j = S_MEMCPY; j < NSUBJ; j++)
			if (subj_built[j])
				printf("result size=%u subject=%s pkts_per_s=%.0f gb_per_s=%.3f\n",
				       sizes[s], subj_name[j], pps[s][j], gbs[s][j]);
	}
	for (unsigned s = 0; s < NSIZES; s++) {
		unsigned best = NSUBJ;

		if (only_size && sizes[s] != only_size)
			continue;
		for (unsigned j = S_CK; j < NSUBJ; j++)
			if (subj_built[j] && (best == NSUBJ || pps[s][j] > pps[s][best]))
				best = j;
		for (unsigned v = 0; v < 2; v++) {
			printf("ratio size=%u %s/pipe_pkts=%.2f %s/memcpy_bw=%.2f", sizes[s],
			       subj_name[v], pps[s][v] / pps[s][S_PIPE], subj_name[v],
			       gbs[s][v] / gbs[s][S_MEMCPY]);
			if (best < NSUBJ)
				printf(" %s/best_anchor_pkts=%.2f best_anchor=%s", subj_name[v],
				       pps[s][v] / pps[s][best], subj_name[best]);
			printf("\n");
		}
	}
	printf("goals: 64 B vmbus/best_anchor_pkts >= 1.0 and vmbus/pipe_pkts >= 15; "
	       "4096 B vmbus/memcpy_bw >= 0.5; signals_per_pkt <= 0.01\n");
	return 0;
}
