/* SPDX-License-Identifier: MIT */
/* Two-thread stress test of one ring: a producer writes millions of packets of random sizes
 * and types (in-band, GPA-direct, completion), each carrying a checksum of its payload; a
 * consumer checks order, framing and checksum of each, reading in place across the wrap and by
 * copy. Both block on eventfds and wake each other only when the library says so (interrupt
 * mask, empty -> non-empty, pending_send_sz), so a lost wake-up shows up as a stall, which is
 * reported after a timeout. Built twice: plain and with -fsanitize=thread.
 * usage: vmbus_stress [packets]   (default 2000000; env VMBUS_STRESS_PACKETS too) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ring_fixture.h"

#define DATA_SIZE   (3 * 4096u) /* hv_utils-sized ring: wrap points move every lap */
#define MAX_PAYLOAD 2000u
#define STALL_MS    10000

static uint64_t n_packets = 2000000;

struct shared {
	struct ring_fixture *f;
	int to_consumer, to_producer; /* eventfds: the "signals" */
	const char *error;
	uint64_t prod_signals, cons_signals, prod_waits, cons_waits;
};

static uint64_t fnv1a(uint64_t h, const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* What packet seq looks like: derived from seq alone so both threads agree. */
struct shape {
	uint16_t type;
	uint32_t payload; /* bytes after the 8-byte checksum */
	uint32_t npfn;
};

static struct shape shape_of(uint64_t seq)
{
	uint64_t x = seq * 0xd1342543de82ef95ull + 0x9e3779b97f4a7c15ull;
	struct shape s;

	x ^= x >> 29;
	s.payload = (uint32_t)(x % (MAX_PAYLOAD + 1));
	switch ((x >> 20) % 10) {
	case 0:
		s.type = VMBUS_PKT_COMPLETION;
		s.npfn = 0;
		break;
	case 1:
	case 2:
		s.type = VMBUS_PKT_DATA_GPA_DIRECT;
		s.npfn = 1 + (uint32_t)((x >> 32) % 4);
		break;
	default:
		s.type = VMBUS_PKT_DATA_INBAND;
		s.npfn = 0;
	}
	return s;
}

static void set_error(struct shared *s, const char *e)
{
	if (!__atomic_load_n(&s->error, __ATOMIC_ACQUIRE))
		__atomic_store_n(&s->error, e, __ATOMIC_RELEASE);
}

static bool has_error(struct shared *s)
{
	return __atomic_load_n(&s->error, __ATOMIC_ACQUIRE) != NULL;
}

static void kick(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, 8) != 8)
		abort();
}

/* Wait for a kick; 0 on a kick, -1 after STALL_MS without one. */
static int wait_kick(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	uint64_t v;

	if (poll(&p, 1, STALL_MS) != 1)
		return -1;
	if (read(fd, &v, 8) != 8)
		abort();
	return 0;
}

/* Publish a batch; signal the consumer if the library says so. */
static bool flush_batch(struct shared *s)
{
	bool sig;

	if (vmbus_ring_writer_flush(&s->f->w, &sig) != VMBUS_OK) {
		set_error(s, "producer: flush failed");
		return false;
	}
	if (sig) {
		s->prod_signals++;
		kick(s->to_consumer);
	}
	return true;
}

static void *producer(void *arg)
{
	struct shared *s = arg;
	struct vmbus_ring_writer *w = &s->f->w;
	uint8_t buf[8 + MAX_PAYLOAD];
	uint64_t pfns[4];

	for (uint64_t seq = 0; seq < n_packets && !has_error(s); seq++) {
		/* one stretch in three is written in batches of 4, published by flush */
		bool batch = (seq / 64) % 3 == 0;

		if (batch && seq % 4 == 0)
			vmbus_ring_writer_batch_begin(w);
		struct shape sh = shape_of(seq);
		struct vmbus_iov iov = { buf, 8 + sh.payload };
		uint64_t sum;
		int spins = 0;

		fill_pattern(buf + 8, sh.payload, seq);
		sum = fnv1a(0xcbf29ce484222325ull, buf + 8, sh.payload);
		memcpy(buf, &sum, 8);
		for (uint32_t i = 0; i < sh.npfn; i++)
			pfns[i] = seq + i;
		for (;;) {
			bool sig;
			int rc;

			if (sh.type == VMBUS_PKT_DATA_GPA_DIRECT)
				rc = vmbus_ring_write_gpa_direct(w, seq, 0, 0, sh.npfn * 4096u,
								 pfns, sh.npfn, &iov, 1, &sig);
			else if (sh.type == VMBUS_PKT_COMPLETION)
				rc = vmbus_ring_write_completion(w, seq, &iov, 1, &sig);
			else
				rc = vmbus_ring_write_inband(w, seq, 0, &iov, 1, &sig);
			if (rc == VMBUS_OK) {
				if (batch && (seq % 4 == 3 || seq + 1 == n_packets)) {
					if (!flush_batch(s))
						return NULL;
				} else if (sig) {
					s->prod_signals++;
					kick(s->to_consumer);
				}
				break;
			}
			if (rc != VMBUS_E_AGAIN) {
				set_error(s, "producer: write failed");
				return NULL;
			}
			/* the reader cannot free what it cannot see: publish before waiting */
			if (w->write != w->published) {
				if (!flush_batch(s))
					return NULL;
				vmbus_ring_writer_batch_begin(w);
			}
			if (++spins < 32)
				continue;
			uint32_t need = (uint32_t)vmbus_ring_packet_bytes(
				sh.npfn ? 16 + 8 * sh.npfn : 0, 8 + sh.payload);

			rc = vmbus_ring_writer_request_space(w, need);
			if (rc == VMBUS_OK)
				continue;
			if (rc != VMBUS_E_AGAIN) {
				set_error(s, "producer: request_space failed");
				return NULL;
			}
			s->prod_waits++;
			if (wait_kick(s->to_producer) && !has_error(s)) {
				set_error(s, vmbus_ring_writer_request_space(w, need) == VMBUS_OK
						     ? "lost wake-up: space was free, no signal"
						     : "stall: ring full for 10 s and the reader "
						       "asleep (it missed a signal: lost wake-up)");
				return NULL;
			}
		}
	}
	return NULL;
}

/* Checks one packet; returns false on a mismatch. */
static bool check_packet(struct shared *s, const struct vmbus_pkt *p, uint64_t seq)
{
	struct shape sh = shape_of(seq);
	uint64_t sum, want;
	uint32_t off = p->data_off;

	if (p->desc.trans_id != seq || p->desc.type != sh.type) {
		set_error(s, "consumer: packet out of order or wrong type");
		return false;
	}
	if (vmbus_pkt_payload_len(p) < 8 + sh.payload ||
	    vmbus_pkt_payload_len(p) > 8 + sh.payload + 7) {
		set_error(s, "consumer: wrong payload length");
		return false;
	}
	if (sh.type == VMBUS_PKT_DATA_GPA_DIRECT) {
		struct vmbus_gpa_range_info r;
		uint64_t pfns[4];
		const char *why;

		if (vmbus_pkt_parse_gpa_direct(p, &r, 1, pfns, 4, &why) != 1 ||
		    r.pfn_count != sh.npfn || pfns[sh.npfn - 1] != seq + sh.npfn - 1) {
			set_error(s, "consumer: GPA-direct ranges wrong");
			return false;
		}
	}
	vmbus_pkt_copy(p, off, &want, 8);
	off += 8;
	/* checksum the payload where it lies, across the wrap */
	sum = 0xcbf29ce484222325ull;
	if (off < p->part[0].len) {
		uint32_t first = p->part[0].len - off;

		if (first > sh.payload)
			first = sh.payload;
		sum = fnv1a(sum, p->part[0].p + off, first);
		sum = fnv1a(sum, p->part[1].p, sh.payload - first);
	} else {
		sum = fnv1a(sum, p->part[1].p + (off - p->part[0].len), sh.payload);
	}
	if (sum != want) {
		set_error(s, "consumer: checksum mismatch");
		return false;
	}
	return true;
}

static void *consumer(void *arg)
{
	struct shared *s = arg;
	struct vmbus_ring_reader *r = &s->f->r;
	static uint8_t copy[16 + 64 + 8 + MAX_PAYLOAD + 8];
	uint64_t seq = 0, batches = 0;

	vmbus_ring_reader_mask(r);
	while (seq < n_packets && !has_error(s)) {
		struct vmbus_pkt p;
		bool sig;
		int got = 0, rc;

		batches++;
		if (batches % 7 == 0) {
			/* copy-out reads for this batch */
			while (got < 64 && (rc = vmbus_ring_read(r, &p, copy, sizeof(copy),
								 &sig)) == VMBUS_OK) {
				if (!check_packet(s, &p, seq++))
					return NULL;
				got++;
				if (sig) {
					s->cons_signals++;
					kick(s->to_producer);
				}
			}
		} else {
			while (got < 256 && (rc = vmbus_ring_peek(r, &p)) == VMBUS_OK) {
				if (!check_packet(s, &p, seq++))
					return NULL;
				vmbus_ring_consume(r, &p);
				got++;
			}
			if (vmbus_ring_commit(r, &sig) != VMBUS_OK) {
				set_error(s, "consumer: commit failed");
				return NULL;
			}
			if (sig) {
				s->cons_signals++;
				kick(s->to_producer);
			}
		}
		if (rc != VMBUS_OK && rc != VMBUS_E_AGAIN) {
			set_error(s, r->broken ? r->broken : "consumer: read failed");
			return NULL;
		}
		if (got)
			continue;
		/* empty: poll a little (batches 1 in 4 only, so sleeps and signals stay frequent) */
		if (batches % 4 == 0) {
			for (int i = 0; i < 64 && vmbus_ring_reader_has_data(r) == 0; i++)
				__builtin_ia32_pause();
			if (vmbus_ring_reader_has_data(r) == 1)
				continue;
		}
		/* then unmask and re-check before sleeping (the lost wake-up rule) */
		rc = vmbus_ring_reader_unmask(r);
		if (rc < 0) {
			set_error(s, "consumer: unmask failed");
			return NULL;
		}
		if (rc == 0) {
			s->cons_waits++;
			if (wait_kick(s->to_consumer) && !has_error(s)) {
				set_error(s, vmbus_ring_reader_has_data(r) == 1
						     ? "lost wake-up: data waiting, no signal"
						     : "stall: ring empty for 10 s (the writer "
						       "missed a signal: lost wake-up)");
				return NULL;
			}
		}
		vmbus_ring_reader_mask(r);
	}
	return NULL;
}

static void test_two_thread_stress(void **state)
{
	struct shared s = { 0 };
	pthread_t tp, tc;

	(void)state;
	s.f = ring_fixture_new(DATA_SIZE, 0);
	s.to_consumer = eventfd(0, EFD_CLOEXEC);
	s.to_producer = eventfd(0, EFD_CLOEXEC);
	assert_true(s.to_consumer >= 0 && s.to_producer >= 0);
	assert_int_equal(pthread_create(&tc, NULL, consumer, &s), 0);
	assert_int_equal(pthread_create(&tp, NULL, producer, &s), 0);
	pthread_join(tp, NULL);
	pthread_join(tc, NULL);
	if (s.error)
		fail_msg("%s (ring broken: %s / %s)", s.error, s.f->w.broken ? s.f->w.broken : "-",
			 s.f->r.broken ? s.f->r.broken : "-");
	assert_int_equal(s.f->w.stats.packets, n_packets);
	assert_int_equal(s.f->r.stats.packets, n_packets);
	assert_int_equal(s.f->r.stats.bytes, s.f->w.stats.bytes);
	assert_true(s.f->r.stats.bytes > (uint64_t)DATA_SIZE * 10); /* many laps */
	printf("stress: %llu packets, %llu laps, writer signals %llu, reader signals %llu, "
	       "producer waits %llu, consumer waits %llu\n",
	       (unsigned long long)n_packets, (unsigned long long)(s.f->r.stats.bytes / DATA_SIZE),
	       (unsigned long long)s.prod_signals, (unsigned long long)s.cons_signals,
	       (unsigned long long)s.prod_waits, (unsigned long long)s.cons_waits);
	close(s.to_consumer);
	close(s.to_producer);
	ring_fixture_free(s.f);
}

int main(int argc, char **argv)
{
	const char *env = getenv("VMBUS_STRESS_PACKETS");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_thread_stress),
	};

	if (argc > 1)
		n_packets = strtoull(argv[1], NULL, 0);
	else if (env)
		n_packets = strtoull(env, NULL, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
